"""Pydantic models of case and policy files, built from the fact vocabulary.

The `facts:` block is a model created at run time from `rules/vocabulary/*.yaml`, so a new
norm family's facts are a data change. Every field is optional (missing = unknown); every enum
and bool also takes `unknown`; unknown fields are refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator
from pydantic_core import PydanticCustomError

from ..ir import OUTCOMES, Outcome, Severity
from ..values import NULL, UNKNOWN
from ..vocabulary import FactSpec, Vocabulary

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
BOOL_WORDS = {"yes": True, "no": False, "ja": True, "nee": False}
# Words every fact takes besides its own values (a form offers them for every fact).
SPECIAL_VALUES: tuple[str, ...] = ("unknown",)


def _fail(message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError("fact_value", message, ctx)


def _is_unknown(v: Any) -> bool:
    return isinstance(v, str) and v.strip().lower() == "unknown"


def _values(spec: FactSpec) -> str:
    return ", ".join(spec.values or ()) + ", unknown"


def fact_validator(spec: FactSpec) -> Callable[[Any], Any]:
    """Turn a YAML value into the engine's value for this fact, or raise with a plain message."""

    def check(v: Any) -> Any:
        if _is_unknown(v):
            return UNKNOWN
        if v is None:
            if spec.nullable:
                return NULL
            raise _fail("`{name}` cannot be empty; write `unknown` if the value is not known", name=spec.name)
        k = spec.kind
        if k == "bool":
            if isinstance(v, bool):
                return v
            if isinstance(v, str) and v.strip().lower() in BOOL_WORDS:
                return BOOL_WORDS[v.strip().lower()]
            raise _fail("`{name}` takes true, false or unknown, not {value}", name=spec.name, value=repr(v))
        if k == "int":
            if isinstance(v, int) and not isinstance(v, bool):
                return v
            if isinstance(v, Decimal) and v == v.to_integral_value():
                return int(v)
            raise _fail("`{name}` takes a whole number (or unknown), not {value}", name=spec.name, value=repr(_show(v)))
        if k == "decimal":
            if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
                return Decimal(v)
            raise _fail("`{name}` takes a number (or unknown), not {value}", name=spec.name, value=repr(_show(v)))
        if k == "date":
            if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                return v
            if isinstance(v, str):
                try:
                    return dt.date.fromisoformat(v.strip())
                except ValueError:
                    pass
            raise _fail("`{name}` takes a date written YYYY-MM-DD (or unknown), not {value}", name=spec.name, value=repr(_show(v)))
        if k == "enum":
            if isinstance(v, str) and spec.values is not None and v in spec.values:
                return v
            if isinstance(v, str) and spec.values is not None:
                lowered = {x.lower(): x for x in spec.values}
                if v.lower() in lowered:
                    raise _fail("`{name}`: write '{right}' (values are case-sensitive), not {value}",
                                name=spec.name, right=lowered[v.lower()], value=repr(v))
            if isinstance(v, bool):
                raise _fail("`{name}` takes one of: {values}; got {value} (write the value itself, e.g. `yes` or `no`)",
                            name=spec.name, values=_values(spec), value="true" if v else "false")
            raise _fail("`{name}` takes one of: {values}; got {value}", name=spec.name, values=_values(spec), value=repr(_show(v)))
        if k == "set":
            if isinstance(v, dict) and all(x is None for x in v.values()):
                v = list(v)  # `{a, b}`: YAML reads the set notation of the brief and the rules as a mapping
            if not isinstance(v, list):
                raise _fail("`{name}` takes a list (e.g. [a, b], or [] for none) or unknown, not {value}", name=spec.name, value=repr(_show(v)))
            items: list[str] = []
            for i, item in enumerate(v):
                if not isinstance(item, str) or (spec.values is not None and item not in spec.values):
                    allowed = ", ".join(spec.values) if spec.values is not None else "texts"
                    raise _fail("item {index} of `{name}` ({value}) is not one of: {values}",
                                name=spec.name, index=i + 1, value=repr(_show(item)), values=allowed)
                items.append(item)
            return frozenset(items)
        if k == "country":
            if isinstance(v, str) and COUNTRY.match(v.strip()):
                return v.strip()
            raise _fail("`{name}` takes a two-letter country code such as NL, AT or SO, not {value}", name=spec.name, value=repr(_show(v)))
        if k == "text":
            if isinstance(v, str):
                return v
            raise _fail("`{name}` takes a text, not {value}", name=spec.name, value=repr(_show(v)))
        raise _fail("`{name}` has an unsupported type", name=spec.name)  # pragma: no cover

    return check


def _show(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    return v


class Expectation(BaseModel):
    """What a pinned case expects of one rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    level: Outcome
    severity: Severity | None = None
    missing: tuple[str, ...] = ()  # facts that must be listed as missing
    note: str | None = None


def _expectation(v: Any) -> Any:
    if isinstance(v, str):
        if v not in OUTCOMES:
            raise _fail("expected outcome {value} is not one of {values}", value=repr(v), values=", ".join(OUTCOMES))
        return {"level": v}
    return v


ExpectValue = Annotated[Expectation, BeforeValidator(_expectation)]


class CaseBase(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    normcheck: Literal[1]
    id: str
    record_type: str  # one of the vocabulary's record types (rules/families.yaml): see case_model
    member_state: str | None = None
    as_of: dt.date | None = None
    policy: str | dict[str, Any] | None = None
    note: str | None = None
    expect: dict[str, ExpectValue] | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, v: Any) -> Any:
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str) or not ID_PATTERN.match(v):
            raise _fail("`id` must be an anonymised reference of letters, digits and - _ . : / (no spaces), e.g. amv-2025-0042")
        return v

    @field_validator("member_state", mode="before")
    @classmethod
    def _ms(cls, v: Any) -> Any:
        if v is None or _is_unknown(v):
            return None
        if not isinstance(v, str) or not COUNTRY.match(v):
            raise _fail("`member_state` takes a two-letter country code such as NL or AT, not {value}", value=repr(_show(v)))
        return v

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v: Any) -> Any:
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v.strip())
            except ValueError:
                raise _fail("`as_of` takes a date written YYYY-MM-DD") from None
        return v


@lru_cache(maxsize=4)
def case_model(vocabulary: Vocabulary) -> type[CaseBase]:
    """The model of a case file for this vocabulary (built once per vocabulary)."""
    fields: dict[str, Any] = {}
    for name, spec in vocabulary.facts.items():
        if name in ("record_type",):
            continue
        fields[name] = (Annotated[Any, BeforeValidator(fact_validator(spec))], Field(default=UNKNOWN))
    facts_model = create_model("Facts", __config__=ConfigDict(extra="forbid", arbitrary_types_allowed=True), **fields)
    kinds = tuple(t.id for t in vocabulary.record_types)
    # The record types are data (rules/families.yaml), so the Literal is built at run time; mypy cannot
    # check a Literal of a runtime tuple, hence the ignore.
    kind_type = Literal[kinds]  # type: ignore[valid-type]
    return create_model("CaseFile", __base__=CaseBase, facts=(facts_model, Field(default_factory=facts_model)),
                        record_type=(kind_type, Field(default=vocabulary.default_record_type)))

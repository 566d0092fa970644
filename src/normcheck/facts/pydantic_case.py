"""The pydantic model of case and policy files, built from the fact vocabulary.

It decides whatever the fast path (`model.quick_parse`) is not sure of, words every error with
its location, and gives `normcheck schema` its JSON Schema. Building it costs more than a whole
one-case run, so it is imported only on those paths.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator
from typing_extensions import Annotated

from ..values import UNKNOWN
from ..vocabulary import Vocabulary
from . import model as m
from .model import COUNTRY, ID_PATTERN, OUTCOMES, Parsed, _fail, _is_unknown, _short, _show, assessment_validator, fact_validator


class Expectation(BaseModel):
    """What a pinned case expects of one rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    level: Literal["BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA", "OK", "NOT_APPLICABLE"]
    severity: Literal["high", "medium", "low"] | None = None
    missing: tuple[str, ...] = ()  # facts that must be listed as missing
    note: str | None = None
    readings: dict[str, Literal["BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA", "OK", "NOT_APPLICABLE"]] = {}


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
    record_type: Literal["individual_case", "policy_instrument", "border_control_measure"] = "individual_case"
    member_state: str | None = None
    as_of: dt.date | None = None
    policy: Union[str, dict[str, Any], None] = None
    note: str | None = None
    expect: dict[str, ExpectValue] | None = None
    pinned_against: str | None = None

    @field_validator("pinned_against", mode="before")
    @classmethod
    def _pinned(cls, v: Any) -> Any:
        if v is None:
            return v
        match = m.PACK_HASH.match(v.strip()) if isinstance(v, str) else None
        if match is None:
            raise _fail("`pinned_against` takes the rule pack's SHA-256 as the receipt shows it (64 hex digits, "
                        "or at least the first 12), not {value}", value=repr(_show(v)))
        return match.group(1)

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

    @field_validator("normcheck", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        if isinstance(v, int) and not isinstance(v, bool) and v == 1:
            return v
        shown = _short(_show(v)) if not isinstance(v, bool) else ("true" if v else "false")
        raise _fail("`normcheck` is the format version and must be written `normcheck: 1` (the whole number 1), not {value}",
                    value=shown)

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v: Any) -> Any:
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v.strip())
            except ValueError:
                right = m.iso_suggestion(v)
                if right is not None:
                    raise _fail("`as_of` is {value}: dates are written year-month-day; did you mean {right}?",
                                value=repr(_short(v.strip())), right=right) from None
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
    facts_model = create_model(  # type: ignore[call-overload]
        "Facts", __config__=ConfigDict(extra="forbid", arbitrary_types_allowed=True), **fields
    )
    assessed = {name: (Annotated[Any, BeforeValidator(assessment_validator(spec))], Field(default=None))
                for name, spec in vocabulary.facts.items() if spec.open_norm is not None}
    assessments_model = create_model(  # type: ignore[call-overload]
        "Assessments", __config__=ConfigDict(extra="forbid", arbitrary_types_allowed=True), **assessed
    )
    return create_model(  # type: ignore[call-overload,no-any-return]
        "CaseFile", __base__=CaseBase, facts=(facts_model, Field(default_factory=facts_model)),
        assessments=(assessments_model | None, Field(default=None)),
    )


def to_parsed(parsed: CaseBase) -> Parsed:
    """What the rest of normcheck reads, from a validated model."""
    block = parsed.facts  # type: ignore[attr-defined]
    expect = None
    if parsed.expect is not None:
        expect = {k: m.Expectation(e.level, e.severity, tuple(e.missing), e.note, tuple(e.readings.items()))
                  for k, e in parsed.expect.items()}
    given = parsed.assessments  # type: ignore[attr-defined]
    assessments = {name: getattr(given, name) for name in given.model_fields_set} if given is not None else None
    return Parsed(parsed.id, parsed.record_type, parsed.member_state, parsed.as_of, parsed.policy, parsed.note, expect,
                  {name: getattr(block, name) for name in block.model_fields_set}, assessments=assessments,
                  pinned_against=parsed.pinned_against)

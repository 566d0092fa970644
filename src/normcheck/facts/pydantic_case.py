"""The pydantic model of case and policy files, built from the fact vocabulary.

It decides whatever the fast path (`model.quick_parse`) is not sure of, words every error with
its location, and gives `normcheck schema` its JSON Schema. Building it costs more than a whole
one-case run, so it is imported only on those paths.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator

from ..ir import OUTCOMES, Outcome, Severity
from ..values import UNKNOWN
from ..vocabulary import Vocabulary
from . import model as m
from .model import COUNTRY, ID_PATTERN, Parsed, _fail, _is_unknown, _short, _show, assessment_validator, fact_validator


class Expectation(BaseModel):
    """What a pinned case expects of one rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    level: Outcome
    severity: Severity | None = None
    missing: tuple[str, ...] = ()  # facts that must be listed as missing
    note: str | None = None
    readings: dict[str, Outcome] = {}  # what the rule gives under each named reading


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
    pinned_against: str | None = None

    @field_validator("pinned_against", mode="before")
    @classmethod
    def _pinned(cls, v: Any) -> Any:
        if v is None:
            return v
        match = m.pack_hash(v.strip()) if isinstance(v, str) else None
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
    facts_model = create_model("Facts", __config__=ConfigDict(extra="forbid", arbitrary_types_allowed=True), **fields)
    assessed: dict[str, Any] = {name: (Annotated[Any, BeforeValidator(assessment_validator(spec))], Field(default=None))
                                for name, spec in vocabulary.facts.items() if spec.open_norm is not None}
    assessments_model = create_model("Assessments", __config__=ConfigDict(extra="forbid", arbitrary_types_allowed=True), **assessed)
    kinds = tuple(t.id for t in vocabulary.record_types)
    # The record types are data (rules/families.yaml), so the Literal is built at run time; mypy cannot
    # check a Literal of a runtime tuple, hence the ignore.
    kind_type = Literal[kinds]  # type: ignore[valid-type]
    return create_model("CaseFile", __base__=CaseBase, facts=(facts_model, Field(default_factory=facts_model)),
                        assessments=(assessments_model | None, Field(default=None)),
                        record_type=(kind_type, Field(default=vocabulary.default_record_type)))


def to_parsed(parsed: CaseBase) -> Parsed:
    """What the rest of normcheck reads, from a validated model."""
    block = parsed.facts  # type: ignore[attr-defined]  # `facts` is a field of the model built at run time (case_model)
    expect = None
    if parsed.expect is not None:
        expect = {k: m.Expectation(e.level, e.severity, tuple(e.missing), e.note, tuple(e.readings.items()))
                  for k, e in parsed.expect.items()}
    given = parsed.assessments  # type: ignore[attr-defined]  # a field of the model built at run time (case_model)
    assessments = {name: getattr(given, name) for name in given.model_fields_set} if given is not None else None
    return Parsed(parsed.id, parsed.record_type, parsed.member_state, parsed.as_of, parsed.policy, parsed.note, expect,
                  {name: getattr(block, name) for name in block.model_fields_set}, assessments=assessments,
                  pinned_against=parsed.pinned_against)

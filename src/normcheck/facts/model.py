"""Case and policy files as data: the fact validators built from the vocabulary, and the fast
path that reads a well-formed file without building a pydantic model.

The `facts:` block follows `rules/vocabulary/*.yaml`, so a new norm family's facts are a data
change. Every field is optional (missing = unknown); every enum and bool also takes `unknown`;
unknown fields are refused. `quick_parse` accepts only what the pydantic model
(`pydantic_case.py`, built from the same vocabulary and the same validators) accepts, and gives
the same values; on anything it is not sure of it steps aside, and the pydantic model decides and
words every error. A one-case run therefore never pays for building pydantic models.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, get_args
from weakref import WeakKeyDictionary

from ..ir import OUTCOMES, SEVERITIES, Outcome, Severity
from ..values import NOT_DISCLOSED, NULL, UNKNOWN, MonthDate
from ..vocabulary import FactSpec, Vocabulary

if TYPE_CHECKING:
    from pydantic_core import PydanticCustomError

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
BOOL_WORDS = {"yes": True, "no": False, "ja": True, "nee": False}
# Words a fact takes besides its own values: `unknown` every fact, `not_disclosed` (the authority has not
# disclosed it) every enum and bool fact that does not opt out in the vocabulary (`special_values(spec)`).
SPECIAL_VALUES: tuple[str, ...] = ("unknown", "not_disclosed")
_MONTH = r"^(\d{4})-(\d{2})$"  # compiled on first use (by `re`), as _DMY and _YMD
# Dates written the way people write them (15-03-2025, 15/03/2025, 15.03.2025, 2025/03/15, 2025-3-5): refused with
# the ISO form suggested. Day first for D-M-Y, as in Dutch and European usage.
_DMY = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"
_YMD = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"


def special_values(spec: FactSpec) -> tuple[str, ...]:
    """The words this fact takes besides its own values (a form offers them)."""
    return SPECIAL_VALUES if spec.disclosable else ("unknown",)


def _is_not_disclosed(v: Any) -> bool:
    return isinstance(v, str) and v.strip().lower() == "not_disclosed"


def month_date(text: str) -> MonthDate | None:
    """`2025-03` as a month-precise date (None when `text` is not one)."""
    m = re.match(_MONTH, text.strip())
    if m is None or not 1 <= int(m.group(2)) <= 12:
        return None
    return MonthDate(int(m.group(1)), int(m.group(2)))


def iso_suggestion(text: str) -> str | None:
    """`2025-03-15` for a date written `15-03-2025`, `15/03/2025` or `2025/03/15` (None: no such date)."""
    text = text.strip()
    m = re.match(_DMY, text)
    if m is not None:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.match(_YMD, text)
        if m is None:
            return None
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _fail(message: str, **ctx: Any) -> PydanticCustomError:
    from pydantic_core import PydanticCustomError  # only on the error path

    return PydanticCustomError("fact_value", message, ctx)


def _is_unknown(v: Any) -> bool:
    return isinstance(v, str) and v.strip().lower() == "unknown"


def _values(spec: FactSpec) -> str:
    return ", ".join((spec.values or ()) + special_values(spec))


def fact_validator(spec: FactSpec) -> Callable[[Any], Any]:
    """Turn a YAML value into the engine's value for this fact, or raise with a plain message."""

    def check(v: Any) -> Any:
        value = convert(v)
        if isinstance(value, MonthDate):
            why = spec.out_of_range(value.first) or spec.out_of_range(value.last)
            if why is not None:
                raise _fail("`{name}` is {value}: {why}", name=spec.name, value=value.isoformat(), why=why)
            return value
        why = spec.out_of_range(value)
        if why is not None:
            raise _fail("`{name}` is {value}: {why}", name=spec.name, value=_short(_show(value)), why=why)
        return value

    def convert(v: Any) -> Any:
        if _is_unknown(v):
            return UNKNOWN
        if _is_not_disclosed(v):
            if spec.disclosable:
                return NOT_DISCLOSED
            raise _fail("`{name}` does not take not_disclosed (only yes/no facts and facts with a list of values do, "
                        "unless the vocabulary says otherwise); write `unknown` if the value is not known", name=spec.name)
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
            raise _fail("`{name}` takes true, false" + (", unknown or not_disclosed" if spec.disclosable else " or unknown")
                        + ", not {value}", name=spec.name, value=repr(v))
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
                month = month_date(v)
                if month is not None:
                    return month
                right = iso_suggestion(v)
                if right is not None:
                    raise _fail("`{name}` is {value}: dates are written year-month-day; did you mean {right}?",
                                name=spec.name, value=repr(_short(v.strip())), right=right)
            raise _fail("`{name}` takes a date written YYYY-MM-DD, or YYYY-MM when the day is not known (or unknown), "
                        "not {value}", name=spec.name, value=repr(_show(v)))
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
        return format(v, "f") if -20 < v.adjusted() < 20 else str(v)
    if (isinstance(v, (list, dict, str)) and len(v) > 40) or (isinstance(v, (list, dict)) and len(repr(v)) > 60):
        return _short(repr(v))
    return v


def _short(v: Any, limit: int = 60) -> Any:
    """A value in a message, cut to a readable length (a set of 2,000 items is not printed whole)."""
    text = v if isinstance(v, str) else repr(v)
    if len(text) <= limit:
        return v
    return text[: limit - 1] + "…"


# Who examined an open norm's criteria (a role, never a name).
Assessor = Literal["authority", "court", "applicant_lawyer", "expert", "caseworker", "other"]
ASSESSORS: tuple[Assessor, ...] = get_args(Assessor)
_ASSESSMENT_KEYS = frozenset({"criteria_examined", "by", "source", "date"})


@dataclass(frozen=True)
class AssessmentValue:
    """What a record says was examined of an open norm's test (`assessments:` block)."""

    criteria_examined: tuple[str, ...]
    by: Assessor
    source: str | None
    date: dt.date | None


def assessment_validator(spec: FactSpec) -> Callable[[Any], AssessmentValue]:
    """`{criteria_examined: [ids], by: role, source: "…", date: YYYY-MM-DD}` for an open-norm fact."""
    norm = spec.open_norm
    ids = tuple(c.id for c in norm.criteria) if norm is not None else ()

    def check(v: Any) -> AssessmentValue:
        if norm is None:
            raise _fail("`{name}` is not the conclusion of an open norm; only open-norm facts take an assessment",
                        name=spec.name)
        if not isinstance(v, dict) or not all(isinstance(k, str) for k in v):
            raise _fail("the assessment of `{name}` is a mapping: criteria_examined, by, source, date", name=spec.name)
        extra = sorted(set(v) - _ASSESSMENT_KEYS)
        if extra:
            raise _fail("the assessment of `{name}` has an unknown key `{key}` (keys: criteria_examined, by, source, date)",
                        name=spec.name, key=_short(extra[0]))
        items = v.get("criteria_examined")
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise _fail("`criteria_examined` of `{name}` is a list of the test's criteria: {values}",
                        name=spec.name, values=", ".join(ids))
        for item in items:
            if item not in ids:
                raise _fail("`{item}` is not a criterion of the test of `{name}`; its criteria are: {values}",
                            item=_short(item), name=spec.name, values=", ".join(ids))
        by = next((a for a in ASSESSORS if a == v.get("by")), None)  # narrows the role to the closed set
        if by is None:
            raise _fail("`by` of the assessment of `{name}` is who examined it, as a role: {values}",
                        name=spec.name, values=", ".join(ASSESSORS))
        source = v.get("source")
        if source is not None and not isinstance(source, str):
            raise _fail("`source` of the assessment of `{name}` is a text (the document and passage, no names)", name=spec.name)
        when = v.get("date")
        if isinstance(when, str):
            try:
                when = dt.date.fromisoformat(when.strip())
            except ValueError:
                when = False
        if when is not None and (not isinstance(when, dt.date) or isinstance(when, dt.datetime)):
            raise _fail("`date` of the assessment of `{name}` is a date written YYYY-MM-DD", name=spec.name)
        if isinstance(when, dt.date) and not dt.date(1900, 1, 1) <= when <= dt.date(2100, 12, 31):
            raise _fail("`date` of the assessment of `{name}` is outside the dates normcheck evaluates", name=spec.name)
        return AssessmentValue(tuple(dict.fromkeys(items)), by, source, when)

    return check


@dataclass(frozen=True)
class Expectation:
    """What a pinned case expects of one rule."""

    level: Outcome
    severity: Severity | None = None
    missing: tuple[str, ...] = ()  # facts that must be listed as missing
    note: str | None = None
    readings: tuple[tuple[str, Outcome], ...] = ()  # (reading, level): what the rule gives under each reading


@dataclass(frozen=True)
class Parsed:
    """A validated case or policy file, before policies are merged and dates resolved."""

    id: str
    record_type: str
    member_state: str | None
    as_of: dt.date | None
    policy: str | dict[str, Any] | None
    note: str | None
    expect: dict[str, Expectation] | None
    facts: dict[str, Any]  # every fact the file states, `unknown` ones as UNKNOWN
    assessments: dict[str, AssessmentValue] | None = None  # what was examined of open norms' tests
    pinned_against: str | None = None  # the rule pack's SHA-256 (or a prefix) the `expect:` block was written against


def case_model(vocabulary: Vocabulary) -> Any:
    """The pydantic model of a case file (for error messages and `normcheck schema`)."""
    from .pydantic_case import case_model as build

    return build(vocabulary)


_CASE_KEYS = frozenset({"normcheck", "id", "record_type", "member_state", "as_of", "policy", "note", "expect", "facts",
                        "assessments", "pinned_against"})
# `pinned_against`: a rule pack's SHA-256 as the receipt shows it, whole or its first 12+ hex digits (compiled by
# `re` on first use, see `pack_hash`)
_PACK_HASH = r"^(?:sha256:)?([0-9a-f]{12,64})$"
_EXPECT_KEYS = frozenset({"level", "severity", "missing", "note", "readings"})
# Each vocabulary's fact validators, built once; held weakly, so they go with their vocabulary.
_VALIDATORS: WeakKeyDictionary[Vocabulary, dict[str, Callable[[Any], Any]]] = WeakKeyDictionary()


def pack_hash(text: str) -> re.Match[str] | None:
    """`text` read as a `pinned_against` hash (its hex digits: group 1), or None. The pattern is compiled on first
    use rather than at every start: few case files pin a rule pack."""
    return re.match(_PACK_HASH, text)


class _Unsure(Exception):
    """The fast path cannot vouch for this input: the pydantic model decides."""


def quick_parse(data: dict[Any, Any], vocabulary: Vocabulary) -> Parsed | None:
    """The file as `Parsed`, or None when it is not plainly valid (then use the pydantic model)."""
    try:
        return _quick(data, vocabulary)
    except _Unsure:
        return None
    except Exception:  # a validator refused a value: the pydantic model words the error
        return None


def _quick(data: dict[Any, Any], vocabulary: Vocabulary) -> Parsed:
    if not all(isinstance(k, str) for k in data) or not set(data) <= _CASE_KEYS:
        raise _Unsure
    if type(data.get("normcheck")) is not int or data["normcheck"] != 1:
        raise _Unsure
    rid = data.get("id")
    if type(rid) is int:
        rid = str(rid)
    if type(rid) is not str or not ID_PATTERN.match(rid):
        raise _Unsure
    record_type = data.get("record_type", vocabulary.default_record_type)
    if type(record_type) is not str or vocabulary.record_type(record_type) is None:
        raise _Unsure
    ms = data.get("member_state")
    if ms is not None and not _is_unknown(ms):
        if type(ms) is not str or not COUNTRY.match(ms):
            raise _Unsure
    else:
        ms = None
    as_of = data.get("as_of")
    if type(as_of) is str:
        as_of = dt.date.fromisoformat(as_of.strip())
    elif as_of is not None and type(as_of) is not dt.date:
        raise _Unsure
    policy = data.get("policy")
    if isinstance(policy, dict):
        if type(policy) is not dict or not all(type(k) is str for k in policy):
            raise _Unsure
        policy = dict(policy)
    elif policy is not None and type(policy) is not str:
        raise _Unsure
    note = data.get("note")
    if note is not None and type(note) is not str:
        raise _Unsure
    expect = data.get("expect")
    if expect is not None:
        if type(expect) is not dict:
            raise _Unsure
        expect = {_key(k): _expect(v) for k, v in expect.items()}
    pinned = data.get("pinned_against")
    if pinned is not None:
        hashed = pack_hash(pinned.strip()) if type(pinned) is str else None
        if hashed is None:
            raise _Unsure
        pinned = hashed.group(1)
    raw = data.get("facts", {})
    if type(raw) is not dict:
        raise _Unsure
    validators = _validators(vocabulary)
    facts = {}
    for name, value in raw.items():
        check = validators.get(name) if type(name) is str else None
        if check is None:
            raise _Unsure
        facts[name] = check(value)
    assessments = None
    given = data.get("assessments")
    if given is not None:
        if type(given) is not dict:
            raise _Unsure
        assessments = {}
        for name, value in given.items():
            spec = vocabulary.get(name) if type(name) is str else None
            if spec is None or spec.open_norm is None:
                raise _Unsure
            assessments[name] = assessment_validator(spec)(value)
    return Parsed(rid, record_type, ms, as_of, policy, note, expect, facts, assessments=assessments, pinned_against=pinned)


def _key(k: Any) -> str:
    if type(k) is not str:
        raise _Unsure
    return k


def _expect(v: Any) -> Expectation:
    if type(v) is str:
        v = {"level": v}
    if type(v) is not dict or not set(v) <= _EXPECT_KEYS or not all(type(k) is str for k in v):
        raise _Unsure
    level, severity, missing, note = v.get("level"), v.get("severity"), v.get("missing", ()), v.get("note")
    if type(level) is not str or level not in OUTCOMES:
        raise _Unsure
    if severity is not None and (type(severity) is not str or severity not in SEVERITIES):
        raise _Unsure
    if type(missing) not in (list, tuple) or not all(type(m) is str for m in missing):
        raise _Unsure
    if note is not None and type(note) is not str:
        raise _Unsure
    readings = v.get("readings", {})
    if type(readings) is not dict or not all(type(k) is str and type(x) is str and x in OUTCOMES for k, x in readings.items()):
        raise _Unsure
    pinned: tuple[tuple[str, Outcome], ...] = tuple(readings.items())  # checked just above
    return Expectation(level, severity, tuple(missing), note, pinned)


def _validators(vocabulary: Vocabulary) -> dict[str, Callable[[Any], Any]]:
    hit = _VALIDATORS.get(vocabulary)
    if hit is None:
        hit = {name: fact_validator(spec) for name, spec in vocabulary.facts.items() if name != "record_type"}
        _VALIDATORS[vocabulary] = hit
    return hit

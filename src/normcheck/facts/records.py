"""Load a case or policy file into a `Record`: validated facts, their positions, the evaluation date.

A case that names a policy (by a path relative to the case file, or inline) gets the policy's
facts merged in; a fact stated in both is an error. Every problem names file, line and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..diagnostics import Diagnostic, InputError, did_you_mean, one_of
from ..ir import OUTCOMES
from ..values import MAX_MONTH_DATES, NOT_DISCLOSED, UNKNOWN, MonthDate
from ..vocabulary import Vocabulary
from . import guard, yamlio
from .model import Expectation, Parsed, case_model, pack_hash, quick_parse

TOP_KEYS = ("normcheck", "id", "record_type", "member_state", "as_of", "policy", "note", "facts", "assessments", "expect",
            "pinned_against")
MAX_SHOWN = 25  # problems shown per file; the rest are counted
POLICY_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class FactOrigin:
    """Where a fact's value came from (file and line), so findings can point at the case file."""

    file: str
    line: int | None
    column: int | None
    source_line: str | None


@dataclass(frozen=True)
class Assessed:
    """An open norm's assessment as the record states it, with where it says so."""

    criteria_examined: tuple[str, ...]
    by: str
    source: str | None
    date: dt.date | None
    origin: FactOrigin | None


@dataclass(frozen=True)
class Record:
    """One record read from a case file: its facts and where each came from."""

    id: str
    file: str
    record_type: str
    as_of: dt.date
    as_of_source: str  # "as_of", a fact name, or "today"
    facts: dict[str, Any]
    origins: dict[str, FactOrigin]
    expect: dict[str, Expectation] | None = None
    expect_lines: dict[str, int] = field(default_factory=dict)
    policy_id: str | None = None
    policy_file: str | None = None
    note: str | None = None
    warnings: tuple[Diagnostic, ...] = ()
    assessments: dict[str, Assessed] = field(default_factory=dict)  # open norm -> what the record says was examined
    # facts stated as `not_disclosed`: unknown to the engine, a request to the authority in the report
    not_disclosed: frozenset[str] = frozenset()
    pinned_against: str | None = None  # the rule pack (SHA-256 or its first hex digits) the pins were written against


def load_record(path: Path | str, vocabulary: Vocabulary, *, display: str | None = None,
                today: dt.date | None = None, personal_data: str = "error") -> Record:
    """Read, validate and merge one case (or policy) file; raise `InputError` with every problem found.

    `personal_data="warning"` downgrades what the anonymisation guard finds from an error to a warning."""
    path = Path(path)
    name = display or str(path)
    text = yamlio.read_text(path, name)
    doc = yamlio.load(text, name)
    return _record(doc, path, vocabulary, today or dt.date.today(), nested=False, personal_data=personal_data)


def capped(diagnostics: list[Diagnostic], limit: int = MAX_SHOWN, extra: int = 0) -> list[Diagnostic]:
    """At most `limit` problems of one file, then one line counting the rest."""
    rest = len(diagnostics) - limit + extra
    if rest <= 0:
        return diagnostics
    shown = diagnostics[:limit]
    file = shown[0].file if shown else "?"
    severity: Literal["error", "warning"] = "warning" if shown and all(d.severity == "warning" for d in shown) else "error"
    return shown + [Diagnostic(file, None, None, f"… and {rest:,} more problems in this file (the first {limit} are shown)",
                               hint="fix these and run again", severity=severity)]


PolicyResolver = Callable[[str], "Path | None"]


def load_record_text(text: str, vocabulary: Vocabulary, *, display: str, today: dt.date | None = None,
                     policy_file: PolicyResolver | None = None, personal_data: str = "error") -> Record:
    """A case given as text rather than as a file (the local page): the same YAML hardening,
    anonymisation guard and model as `load_record`. A `policy:` given as a path is looked up only
    through `policy_file` (a name → one of the files it allows, or None), never on the file system
    at large; without it a policy must be given inline."""
    doc = yamlio.load(text, display)
    return _record(doc, Path(display), vocabulary, today or dt.date.today(), nested=False,
                   resolve=policy_file or (lambda _ref: None), personal_data=personal_data)


def _record(doc: yamlio.Doc, path: Path, vocabulary: Vocabulary, today: dt.date, nested: bool,
            resolve: PolicyResolver | None = None, personal_data: str = "error") -> Record:
    if doc.data is None:
        raise InputError([Diagnostic(doc.file, 1, 1, "the file is empty",
                                     expected="a case file starting with `normcheck: 1`, `id:` and `facts:`")])
    if not isinstance(doc.data, dict):
        raise InputError([doc.diag((), "a case file must be a mapping of keys to values",
                                   expected="`normcheck: 1`, `id: …`, `facts:` …")])
    problems, warnings = _guard(doc, vocabulary, personal_data)
    parsed = quick_parse(doc.data, vocabulary) if not problems else None
    if parsed is None:  # not plainly valid: the pydantic model decides and words the errors
        from pydantic import ValidationError

        from .pydantic_case import to_parsed

        try:
            parsed = to_parsed(case_model(vocabulary).model_validate(doc.data))
        except ValidationError as exc:
            flagged = {(d.line, d.column) for d in problems}  # a personal-data key is not also an "unknown key"
            translated, more = _translate(exc, doc, vocabulary, MAX_SHOWN + 1 - len(problems))
            problems.extend(d for d in translated if not (d.message.startswith("unknown") and (d.line, d.column) in flagged))
            raise InputError(capped(problems, extra=more) + capped(warnings)) from None
    if problems:
        raise InputError(capped(problems) + capped(warnings))
    lo, hi = vocabulary.date_range
    if parsed.as_of is not None and not lo <= parsed.as_of <= hi:
        raise InputError([doc.diag(("as_of",), f"`as_of` is {parsed.as_of.isoformat()}: outside the dates normcheck "
                                   f"evaluates ({lo.isoformat()} to {hi.isoformat()})")])
    facts: dict[str, Any] = {}
    origins: dict[str, FactOrigin] = {}
    withheld: set[str] = set()
    for fname in sorted(parsed.facts):
        value = parsed.facts[fname]
        line, col = doc.where(("facts", fname), key=True)
        origins[fname] = FactOrigin(doc.file, line, col, _line(doc, line))
        if value is NOT_DISCLOSED:
            withheld.add(fname)
        elif value is not UNKNOWN:
            facts[fname] = value
    for top in ("member_state",):
        top_value = getattr(parsed, top)
        if top_value is not None:
            if top in facts and facts[top] != top_value:
                problems.append(doc.diag(("facts", top), f"`{top}` is {facts[top]} here but {top_value} at the top of the file", key=True))
            facts[top] = top_value
            origins.setdefault(top, FactOrigin(doc.file, *doc.where((top,), key=True), _line(doc, doc.where((top,), key=True)[0])))
    facts["record_type"] = parsed.record_type
    origins.setdefault("record_type", FactOrigin(doc.file, *doc.where(("record_type",), key=True), None))
    policy_id = policy_file = None
    if parsed.policy is not None:
        if nested:
            problems.append(doc.diag(("policy",), "a policy record cannot itself refer to a policy", key=True))
        else:
            pol, policy_file = _policy(parsed.policy, doc, path, vocabulary, today, resolve, personal_data)
            policy_id = pol.id
            for fname, value in pol.facts.items():
                if fname in ("record_type", "member_state"):
                    continue
                if fname in origins:
                    mine = origins[fname]
                    theirs = pol.origins.get(fname)
                    where = f"{theirs.file}:{theirs.line}" if theirs else pol.file
                    problems.append(Diagnostic(doc.file, mine.line, mine.column,
                                               f"`{fname}` is stated both in this case and in the policy it names ({where})",
                                               hint="state a policy parameter once: in the policy record, or in the case without `policy:`",
                                               source_line=mine.source_line))
                    continue
                facts[fname] = value
                origins[fname] = pol.origins.get(fname, FactOrigin(pol.file, None, None, None))
            for fname in sorted(pol.not_disclosed):
                if fname in origins:  # the case states it too: the same error as for any fact
                    mine = origins[fname]
                    problems.append(Diagnostic(doc.file, mine.line, mine.column,
                                               f"`{fname}` is stated both in this case and in the policy it names",
                                               hint="state a policy parameter once: in the policy record, or in the case without `policy:`",
                                               source_line=mine.source_line))
                    continue
                withheld.add(fname)
                origins[fname] = pol.origins.get(fname, FactOrigin(pol.file, None, None, None))
            warnings.extend(pol.warnings)
    months = sorted(n for n, v in facts.items() if isinstance(v, MonthDate))
    if len(months) > MAX_MONTH_DATES:
        problems.append(doc.diag(("facts", months[MAX_MONTH_DATES]), f"`{months[MAX_MONTH_DATES]}`: at most {MAX_MONTH_DATES} "
                                 "dates of a case may be known to the month only (YYYY-MM)", key=True,
                                 hint="give the day (YYYY-MM-DD) of the dates that are known; normcheck evaluates every "
                                      "combination of the first and last days of the others"))
    if problems:
        raise InputError(capped(problems) + capped(warnings))
    as_of, source = _as_of(parsed, facts, today, vocabulary)
    expect_lines = {rid: doc.where(("expect", rid), key=True)[0] or 0 for rid in (parsed.expect or {})}
    assessed: dict[str, Assessed] = {}
    for aname, a in (parsed.assessments or {}).items():
        line, col = doc.where(("assessments", aname), key=True)
        assessed[aname] = Assessed(a.criteria_examined, a.by, a.source, a.date, FactOrigin(doc.file, line, col, _line(doc, line)))
    return Record(
        id=parsed.id, file=doc.file, record_type=parsed.record_type, as_of=as_of, as_of_source=source,
        facts=facts, origins=origins, expect=dict(parsed.expect) if parsed.expect is not None else None,
        expect_lines=expect_lines, policy_id=policy_id, policy_file=policy_file, note=parsed.note,
        warnings=tuple(capped(warnings)), assessments=assessed, not_disclosed=frozenset(withheld),
        pinned_against=parsed.pinned_against,
    )


def _line(doc: yamlio.Doc, line: int | None) -> str | None:
    return doc.line(line)


def _as_of(parsed: Parsed, facts: dict[str, Any], today: dt.date, vocabulary: Vocabulary) -> tuple[dt.date, str]:
    """The evaluation date: `as_of`, else the record's own reference date (rules/families.yaml), else today."""
    if parsed.as_of is not None:
        return parsed.as_of, "as_of"
    kind = vocabulary.record_type(parsed.record_type)
    for name in kind.evaluation_date if kind is not None else ():
        value = facts.get(name)
        if isinstance(value, dt.date):
            return value, name
        if isinstance(value, MonthDate):  # what has happened by the end of that month
            return value.last, name
    return today, "today"


def _policy(ref: Any, doc: yamlio.Doc, path: Path, vocabulary: Vocabulary, today: dt.date,
            resolve: PolicyResolver | None = None, personal_data: str = "error") -> tuple[Record, str]:
    if isinstance(ref, str):
        found = (path.parent / ref) if resolve is None else resolve(ref)
        if found is None:
            raise InputError([doc.diag(("policy",), f"policy `{_short(ref)}` is not one of the policies this page offers",
                                       hint="choose the policy from the list, or give it inline (`policy:` with its facts)")])
        shown = str(Path(doc.file).parent / ref) if not Path(ref).is_absolute() else ref
        if Path(ref).suffix.lower() not in POLICY_SUFFIXES or not ref.strip():
            raise InputError([doc.diag(("policy",), f"`policy` must name a policy record, a .yaml or .yml file; `{_short(ref)}` is not one",
                                       hint="the path is relative to the case file, e.g. ../policies/nl-amv-2025.yaml")])
        target = found
        if not target.is_file():
            what = "is not a regular file" if target.exists() else "not found"
            raise InputError([doc.diag(("policy",), f"policy file `{_short(ref)}` {what} (looked in {target.parent})",
                                       hint="the path is relative to the case file")])
        try:
            pdoc = yamlio.load(yamlio.read_text(target, shown), shown)
        except InputError as exc:  # not known to be a policy record: say where, never quote its lines
            raise InputError([doc.diag(("policy",), f"the policy `{_short(ref)}` this case names cannot be read:")]
                             + [_unquoted(d) for d in exc.diagnostics[:MAX_SHOWN]]) from None
        data = pdoc.data
        if not (isinstance(data, dict) and data.get("normcheck") == 1 and data.get("record_type") == "policy_instrument"):
            raise InputError([doc.diag(("policy",), f"`{_short(ref)}` is not a policy record",
                                       expected="a case file of its own with `normcheck: 1` and `record_type: policy_instrument`",
                                       hint="`policy:` names a normcheck policy record (or holds the policy's facts inline)")])
        pol = _record(pdoc, target, vocabulary, today, nested=True, personal_data=personal_data)
        return pol, shown
    if isinstance(ref, dict):
        inline = dict(ref) if "facts" in ref else {"facts": ref}
        inline.setdefault("normcheck", 1)
        inline.setdefault("id", "inline-policy")
        inline.setdefault("record_type", "policy_instrument")
        sub = yamlio.Doc(doc.file, doc.text, inline,
                         {k[1:]: v for k, v in doc.keys.items() if k[:1] == ("policy",)},
                         {k[1:]: v for k, v in doc.values.items() if k[:1] == ("policy",)})
        if "facts" not in ref:
            sub.keys = {("facts",) + k: v for k, v in sub.keys.items()}
            sub.values = {("facts",) + k: v for k, v in sub.values.items()}
        return _record(sub, path, vocabulary, today, nested=True, personal_data=personal_data), doc.file
    raise InputError([doc.diag(("policy",), "`policy` takes a path to a policy file or an inline mapping")])


def _unquoted(d: Diagnostic) -> Diagnostic:
    return Diagnostic(d.file, d.line, d.column, d.message, expected=d.expected, hint=d.hint, severity=d.severity)


def _short(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _guard(doc: yamlio.Doc, vocabulary: Vocabulary, severity: str = "error") -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Personal data in any key, value or comment (error, or warning when downgraded); an exact date of birth gets a hint.

    The diagnostics give the line and column but never quote the line: the report must not repeat the data."""
    problems: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    found = problems if severity == "error" else warnings
    sev: Literal["error", "warning"] = "error" if severity == "error" else "warning"
    hint = "remove or replace it (a name by a role such as 'the applicant'); case files hold anonymised facts only"
    if sev == "warning":
        hint += " (reported as a warning because of --personal-data warn)"
    public = vocabulary.public_names
    flagged: list[tuple[Any, ...]] = []
    for sc in doc.scalars:
        if flagged and any(sc.path[: len(p)] == p for p in flagged):
            continue  # the value under a personal-data key: the key is reported once
        if sc.is_key and isinstance(sc.path[-1], str) and guard.personal_key(sc.value):
            flagged.append(sc.path)
            found.append(Diagnostic(doc.file, sc.line, sc.column, f"`{_short(sc.value)}` looks like personal data; case "
                                    "files hold anonymised facts only", hint="remove it; identify the case by an anonymised `id`",
                                    severity=sev))
            continue
        if sc.path == ("pinned_against",) and not sc.is_key and isinstance(sc.value, str) and pack_hash(sc.value.strip()):
            continue  # a rule pack's hash (hex digits only): a run of digits in it is chance, not a BSN
        hits = guard.scan_id(sc.value, public, _IdWords(vocabulary)) if sc.path == ("id",) and not sc.is_key \
            else guard.scan(sc.value, public)
        if hits:
            col = _column(doc, sc, hits[0].start)
            kinds = ", ".join(dict.fromkeys(h.what for h in hits))
            found.append(Diagnostic(doc.file, sc.line, col, f"this {'key' if sc.is_key else 'value'} contains {kinds}; case files "
                                    "hold anonymised facts only", hint=hint, severity=sev))
    for line, col, text in doc.comments:
        hits = guard.scan(text, public)
        if hits:
            kinds = ", ".join(dict.fromkeys(h.what for h in hits))
            at = col + 1 + hits[0].start if len(guard.normalise(text)) == len(text) else col
            found.append(Diagnostic(doc.file, line, at, f"this comment contains {kinds}; case files hold anonymised facts "
                                    "only (comments too)", hint=hint, severity=sev))
    facts = doc.data.get("facts") if isinstance(doc.data, dict) else None
    if isinstance(facts, dict) and "date_of_birth" in facts and facts["date_of_birth"] not in (None, "unknown"):
        warnings.append(doc.diag(("facts", "date_of_birth"), "an exact date of birth is personal data",
                                 key=True, severity="warning", quote=False,
                                 hint="age_at_application_months (with application_date) is enough for every rule"))
    return problems, warnings


_ID_WORDS: dict[int, frozenset[str]] = {}


def _id_words(vocabulary: Vocabulary) -> frozenset[str]:
    """Words of the vocabulary (fact names, values, families): an id may use them although they are someone's name."""
    words = _ID_WORDS.get(id(vocabulary))
    if words is None:
        found: set[str] = set()
        for name, spec in vocabulary.facts.items():
            found.update(name.lower().split("_"))
            for value in spec.values or ():
                found.update(value.lower().split("_"))
        found.update(f.lower() for f in vocabulary.families)
        words = _ID_WORDS[id(vocabulary)] = frozenset(found)
    return words


class _IdWords:
    """The words of the vocabulary (`_id_words`) gathered on the first question: most ids ("amv-2025-0042")
    ask none, and gathering them reads every fact of the vocabulary."""

    __slots__ = ("_vocabulary", "_words")

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary
        self._words: frozenset[str] | None = None

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            self._words = _id_words(self._vocabulary)
        return word in self._words


def _column(doc: yamlio.Doc, sc: yamlio.Scalar, offset: int) -> int:
    """The column of a hit inside a one-line scalar written as it reads; else the scalar's own column."""
    text = doc.line(sc.line) or ""
    start = sc.column - 1 + (1 if sc.quoted else 0)
    if text[start: start + len(sc.value)] == sc.value and len(guard.normalise(sc.value)) == len(sc.value):
        return start + offset + 1
    return sc.column


def _translate(exc: Any, doc: yamlio.Doc, vocabulary: Vocabulary, limit: int) -> tuple[list[Diagnostic], int]:
    """Pydantic's errors in plain words, at most `limit` of them, and how many more there are."""
    out: list[Diagnostic] = []
    errors = exc.errors()
    limit = max(limit, 1)
    for err in errors[:limit]:
        loc = tuple(err["loc"])
        etype = err["type"]
        if etype == "extra_forbidden":
            key = loc[-1]
            short = _short(key)
            word = str(key) if len(str(key)) <= 60 else ""  # no "did you mean" for a key of a thousand characters
            if loc[:1] == ("facts",) and len(loc) == 2:
                hint = did_you_mean(word, vocabulary.names()) if word else None
                out.append(doc.diag(loc, f"unknown fact `{short}`", key=True,
                                    hint=hint or "facts are listed in rules/vocabulary/*.yaml (`normcheck schema` prints them)"))
            elif loc[:1] == ("assessments",) and len(loc) == 2:
                norms = [n for n, sp in vocabulary.facts.items() if sp.open_norm is not None]
                what = "a fact without an open norm" if str(key) in vocabulary.facts else "not a fact"
                out.append(doc.diag(loc, f"`{short}` is {what}: an assessment is given for an open-norm fact", key=True,
                                    hint=(did_you_mean(word, norms) if word else None) or "open-norm facts: " + ", ".join(sorted(norms))))
            elif len(loc) == 1:
                where = "facts" if str(key) in vocabulary.facts else None
                hint = f"`{key}` is a fact: put it under `facts:`" if where else (did_you_mean(word, TOP_KEYS) if word else None)
                out.append(doc.diag(loc, f"unknown key `{short}`", key=True, hint=hint or f"the keys of a case file are {', '.join(TOP_KEYS)}"))
            else:
                out.append(doc.diag(loc, f"unknown key `{short}`", key=True))
            continue
        if etype == "missing":
            out.append(doc.diag((), f"the file has no `{loc[-1]}`", expected=_required(loc[-1])))
            continue
        if etype == "fact_value":
            out.append(doc.diag(loc, err["msg"]))
            continue
        if loc == ("normcheck",):
            out.append(doc.diag(loc, "unsupported format version", expected="`normcheck: 1`"))
            continue
        if loc == ("record_type",):
            kinds = [t.id for t in vocabulary.record_types]
            out.append(doc.diag(loc, f"`record_type` is {err.get('input')!r}", expected=one_of(kinds),
                                hint=did_you_mean(str(err.get("input")), kinds)))
            continue
        if loc[:1] == ("expect",):
            if len(loc) >= 3 and loc[2] == "level":
                out.append(doc.diag(loc, f"expected outcome {err.get('input')!r} is unknown", expected=one_of(OUTCOMES)))
                continue
            out.append(doc.diag(loc, f"in `expect`: {err['msg']}",
                                expected="`RULE-ID: LEVEL`, or `RULE-ID: {level: LEVEL, severity: high|medium|low, missing: [facts], "
                                         "readings: {READING: LEVEL}}`"))
            continue
        if loc == ("facts",):
            out.append(doc.diag(loc, "`facts` must be a mapping of fact names to values"))
            continue
        if loc == ("assessments",):
            out.append(doc.diag(loc, "`assessments` must be a mapping of open-norm facts to what was examined",
                                expected="`FACT: {criteria_examined: [criteria], by: authority|court|…, source: \"…\"}`"))
            continue
        out.append(doc.diag(loc, f"`{_short('.'.join(str(p) for p in loc))}`: {err['msg']}"))
    return out, max(0, len(errors) - limit)


def _required(key: Any) -> str:
    return {"normcheck": "`normcheck: 1` (the format version) at the top of the file",
            "id": "an anonymised reference, e.g. `id: amv-2025-0042`"}.get(str(key), str(key))

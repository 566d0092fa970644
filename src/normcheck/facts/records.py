"""Load a case or policy file into a `Record`: validated facts, their positions, the evaluation date.

A case that names a policy (by a path relative to the case file, or inline) gets the policy's
facts merged in; a fact stated in both is an error. Every problem names file, line and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..diagnostics import Diagnostic, InputError, did_you_mean, one_of, source_line
from ..ir import OUTCOMES
from ..values import UNKNOWN
from ..vocabulary import Vocabulary
from . import guard, yamlio
from .model import CaseBase, Expectation, case_model

TOP_KEYS = ("normcheck", "id", "record_type", "member_state", "as_of", "policy", "note", "facts", "expect")


@dataclass(frozen=True)
class FactOrigin:
    file: str
    line: int | None
    column: int | None
    source_line: str | None


@dataclass(frozen=True)
class Record:
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


def load_record(path: Path | str, vocabulary: Vocabulary, *, display: str | None = None,
                today: dt.date | None = None) -> Record:
    """Read, validate and merge one case (or policy) file; raise `InputError` with every problem found."""
    path = Path(path)
    name = display or str(path)
    text = yamlio.read_text(path, name)
    doc = yamlio.load(text, name)
    return _record(doc, path, vocabulary, today or dt.date.today(), nested=False)


PolicyResolver = Callable[[str], "Path | None"]


def load_record_text(text: str, vocabulary: Vocabulary, *, display: str, today: dt.date | None = None,
                     policy_file: PolicyResolver | None = None) -> Record:
    """A case given as text rather than as a file (the local page): the same YAML hardening,
    anonymisation guard and model as `load_record`. A `policy:` given as a path is looked up only
    through `policy_file` (a name → one of the files it allows, or None), never on the file system
    at large; without it a policy must be given inline."""
    doc = yamlio.load(text, display)
    return _record(doc, Path(display), vocabulary, today or dt.date.today(), nested=False,
                   resolve=policy_file or (lambda _ref: None))


def _record(doc: yamlio.Doc, path: Path, vocabulary: Vocabulary, today: dt.date, nested: bool,
            resolve: PolicyResolver | None = None) -> Record:
    if doc.data is None:
        raise InputError([Diagnostic(doc.file, 1, 1, "the file is empty",
                                     expected="a case file starting with `normcheck: 1`, `id:` and `facts:`")])
    if not isinstance(doc.data, dict):
        raise InputError([doc.diag((), "a case file must be a mapping of keys to values",
                                   expected="`normcheck: 1`, `id: …`, `facts:` …")])
    problems, warnings = _guard(doc)
    model = case_model(vocabulary)
    try:
        parsed: CaseBase = model.model_validate(doc.data)
    except ValidationError as exc:
        flagged = {(d.line, d.column) for d in problems}  # a personal-data key is not also an "unknown key"
        problems.extend(d for d in _translate(exc, doc, vocabulary)
                        if not (d.message.startswith("unknown") and (d.line, d.column) in flagged))
        raise InputError(problems + warnings) from None
    if problems:
        raise InputError(problems + warnings)
    facts: dict[str, Any] = {}
    origins: dict[str, FactOrigin] = {}
    # `facts` is a field of the model case_model builds from the vocabulary at run time, so CaseBase
    # (the static type) cannot declare it.
    fact_block = parsed.facts  # type: ignore[attr-defined]
    for fname in sorted(fact_block.model_fields_set):
        value = getattr(fact_block, fname)
        line, col = doc.where(("facts", fname), key=True)
        origins[fname] = FactOrigin(doc.file, line, col, _line(doc, line))
        if value is not UNKNOWN:
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
            pol, policy_file = _policy(parsed.policy, doc, path, vocabulary, today, resolve)
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
            warnings.extend(pol.warnings)
    if problems:
        raise InputError(problems + warnings)
    as_of, source = _as_of(parsed, facts, today, vocabulary)
    expect_lines = {rid: doc.where(("expect", rid), key=True)[0] or 0 for rid in (parsed.expect or {})}
    return Record(
        id=parsed.id, file=doc.file, record_type=parsed.record_type, as_of=as_of, as_of_source=source,
        facts=facts, origins=origins, expect=dict(parsed.expect) if parsed.expect is not None else None,
        expect_lines=expect_lines, policy_id=policy_id, policy_file=policy_file, note=parsed.note,
        warnings=tuple(warnings),
    )


def _line(doc: yamlio.Doc, line: int | None) -> str | None:
    return source_line(doc.text, line)


def _as_of(parsed: CaseBase, facts: dict[str, Any], today: dt.date, vocabulary: Vocabulary) -> tuple[dt.date, str]:
    """The evaluation date: `as_of`, else the record's own reference date (rules/families.yaml), else today."""
    if parsed.as_of is not None:
        return parsed.as_of, "as_of"
    kind = vocabulary.record_type(parsed.record_type)
    for name in kind.evaluation_date if kind is not None else ():
        value = facts.get(name)
        if isinstance(value, dt.date):
            return value, name
    return today, "today"


def _policy(ref: Any, doc: yamlio.Doc, path: Path, vocabulary: Vocabulary, today: dt.date,
            resolve: PolicyResolver | None = None) -> tuple[Record, str]:
    if isinstance(ref, str):
        found = (path.parent / ref) if resolve is None else resolve(ref)
        if found is None:
            raise InputError([doc.diag(("policy",), f"policy `{ref}` is not one of the policies this page offers",
                                       hint="choose the policy from the list, or give it inline (`policy:` with its facts)")])
        target = found
        shown = str(Path(doc.file).parent / ref) if not Path(ref).is_absolute() else ref
        if not target.is_file():
            raise InputError([doc.diag(("policy",), f"policy file `{ref}` not found (looked in {target.parent})",
                                       hint="the path is relative to the case file")])
        try:
            pdoc = yamlio.load(yamlio.read_text(target, shown), shown)
        except InputError as exc:
            raise InputError([doc.diag(("policy",), f"the policy `{ref}` this case names has errors:")] + exc.diagnostics) from None
        pol = _record(pdoc, target, vocabulary, today, nested=True)
        if pol.record_type != "policy_instrument":
            raise InputError([doc.diag(("policy",), f"`{ref}` is a {pol.record_type}, not a policy_instrument record")])
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
        return _record(sub, path, vocabulary, today, nested=True), doc.file
    raise InputError([doc.diag(("policy",), "`policy` takes a path to a policy file or an inline mapping")])


def _guard(doc: yamlio.Doc) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Personal data in keys or values is refused; an exact date of birth gets a hint."""
    problems: list[Diagnostic] = []
    warnings: list[Diagnostic] = []

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str) and guard.personal_key(k):
                    problems.append(doc.diag(path + (k,), f"`{k}` looks like personal data; case files hold anonymised facts only",
                                             key=True, hint="remove it; identify the case by an anonymised `id`"))
                    continue
                walk(v, path + (k,))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,))
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value)
            if isinstance(value, int) and path != ("id",):
                return
            for what in guard.scan(text):
                problems.append(doc.diag(path, f"this value looks like {what}; case files hold anonymised facts only",
                                         hint="remove or replace it; the tool never needs personal data"))
            if guard.looks_like_name(text):
                warnings.append(doc.diag(path, "this text seems to contain a person's name; case files hold anonymised facts only",
                                         severity="warning", hint="replace the name by a role, e.g. 'the applicant', 'the guardian'"))

    walk(doc.data, ())
    facts = doc.data.get("facts") if isinstance(doc.data, dict) else None
    if isinstance(facts, dict) and "date_of_birth" in facts and facts["date_of_birth"] not in (None, "unknown"):
        warnings.append(doc.diag(("facts", "date_of_birth"), "an exact date of birth is personal data",
                                 key=True, severity="warning",
                                 hint="age_at_application_months (with application_date) is enough for every rule"))
    return problems, warnings


def _translate(exc: ValidationError, doc: yamlio.Doc, vocabulary: Vocabulary) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        etype = err["type"]
        if etype == "extra_forbidden":
            key = loc[-1]
            if loc[:1] == ("facts",) and len(loc) == 2:
                hint = did_you_mean(str(key), vocabulary.names())
                out.append(doc.diag(loc, f"unknown fact `{key}`", key=True,
                                    hint=hint or "facts are listed in rules/vocabulary/*.yaml (`normcheck schema` prints them)"))
            elif len(loc) == 1:
                where = "facts" if str(key) in vocabulary.facts else None
                hint = f"`{key}` is a fact: put it under `facts:`" if where else did_you_mean(str(key), TOP_KEYS)
                out.append(doc.diag(loc, f"unknown key `{key}`", key=True, hint=hint or f"the keys of a case file are {', '.join(TOP_KEYS)}"))
            else:
                out.append(doc.diag(loc, f"unknown key `{key}`", key=True))
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
                                expected="`RULE-ID: LEVEL`, or `RULE-ID: {level: LEVEL, severity: high|medium|low, missing: [facts]}`"))
            continue
        if loc == ("facts",):
            out.append(doc.diag(loc, "`facts` must be a mapping of fact names to values"))
            continue
        out.append(doc.diag(loc, f"`{'.'.join(str(p) for p in loc)}`: {err['msg']}"))
    return out


def _required(key: Any) -> str:
    return {"normcheck": "`normcheck: 1` (the format version) at the top of the file",
            "id": "an anonymised reference, e.g. `id: amv-2025-0042`"}.get(str(key), str(key))

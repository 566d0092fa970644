"""The norm families and the kinds of record, read from `rules/families.yaml`.

Families are data, like the vocabulary: a family's id (its rules are `rules/<id>.norm`), its
titles in English and Dutch, its place in reports (the order of the file), the kinds of record its
rules concern and the vocabulary files that hold its facts. No code lists families, so adding one
is an entry in that file plus its rule and vocabulary files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from . import ir
from .diagnostics import Diagnostic, InputError, did_you_mean, one_of
from .resources import FAMILIES_FILE
from .vocabulary import RecordType, Vocabulary

FILE_NAME = FAMILIES_FILE
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = ("families", "context", "record_types", "default_record_type")
_FAMILY_KEYS = ("title", "record_types", "vocabulary")


@dataclass(frozen=True)
class Declarations:
    """The families and record types declared in `rules/families.yaml`, in report order."""

    families: tuple[ir.Family, ...]  # in report order
    context: tuple[str, ...]  # vocabulary files every family may read
    record_types: tuple[RecordType, ...]
    default_record_type: str
    file: str
    lines: tuple[tuple[str, int], ...]  # (family id or `record_types.<id>`, line) for later diagnostics
    # An added rule folder's own vocabulary files, by its layer (1, 2, …): its rules may read them
    # whatever their family (a rule replacing a bundled one stays in that rule's family).
    added_vocabulary: tuple[tuple[int, tuple[str, ...]], ...] = ()

    def line(self, key: str) -> int | None:
        return dict(self.lines).get(key)


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Diagnostic] = []

    def err(self, line: int | None, message: str, **kw: Any) -> None:
        self.problems.append(Diagnostic(self.file, line, 1 if line else None, message, code="NC-F030", **kw))

    def names(self, value: Any, line: int, what: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.err(line, f"{what} must be a list of names, e.g. [a, b]")
            return ()
        return tuple(value)


def _line(mapping: Any, key: str, default: int) -> int:
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return default


def _read(path: Path, display: str) -> Any:
    if not path.is_file():
        raise InputError([Diagnostic(display, None, None, "the rules folder has no families.yaml", code="NC-F030",
                                     expected="a file declaring the norm families and the kinds of record "
                                              "(see the bundled rules/families.yaml)")])
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError([Diagnostic(display, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                                     f"not valid YAML: {getattr(exc, 'problem', exc)}", code="NC-F030")]) from None
    if not isinstance(data, dict):
        raise InputError([Diagnostic(display, 1, 1, "families.yaml must be a mapping", code="NC-F030",
                                     expected="the keys " + ", ".join(_KEYS))])
    return data


def load_declarations(path: Path, display: str) -> Declarations:
    """Read rules/families.yaml; every problem is reported at once, with its line."""
    r = _Reader(display)
    data = _read(path, display)
    for key in data:
        if key not in _KEYS:
            r.err(_line(data, key, 1), f"unknown key `{key}`", hint=did_you_mean(str(key), _KEYS) or one_of(_KEYS))
    lines: list[tuple[str, int]] = []

    record_types: list[RecordType] = []
    raw_types = data.get("record_types")
    if not isinstance(raw_types, dict) or not raw_types:
        r.err(_line(data, "record_types", 1), "`record_types` must map each kind of record to its `evaluation_date` facts")
        raw_types = {}
    for rid, spec in raw_types.items():
        line = _line(raw_types, rid, 1)
        lines.append((f"record_types.{rid}", line))
        if not isinstance(spec, dict) or set(spec) != {"evaluation_date"}:
            r.err(line, f"record type `{rid}` needs exactly `evaluation_date: [facts]`")
            continue
        record_types.append(RecordType(str(rid), r.names(spec["evaluation_date"], line, f"`{rid}.evaluation_date`")))
    type_ids = [t.id for t in record_types]

    default = data.get("default_record_type")
    if default not in type_ids:
        r.err(_line(data, "default_record_type", 1), f"`default_record_type` is {default!r}",
              expected=one_of(type_ids) if type_ids else "one of the record types")

    families = _families(r, data, type_ids, lines)

    context: tuple[str, ...] = ()
    if data.get("context"):
        context = r.names(data["context"], _line(data, "context", 1), "`context`")
    if r.problems:
        raise InputError(r.problems)
    return Declarations(tuple(families), context, tuple(record_types), str(default), display, tuple(lines))


def _families(r: _Reader, data: Any, type_ids: list[str], lines: list[tuple[str, int]]) -> list[ir.Family]:
    families: list[ir.Family] = []
    raw_families = data.get("families")
    if not isinstance(raw_families, dict) or not raw_families:
        r.err(_line(data, "families", 1), "`families` must list at least one norm family")
        raw_families = {}
    for fid, spec in raw_families.items():
        line = _line(raw_families, fid, 1)
        lines.append((str(fid), line))
        if not isinstance(fid, str) or not _ID.match(fid):
            r.err(line, f"family id `{fid}` must be lower-case letters, digits and _ (it names rules/<id>.norm)")
            continue
        if not isinstance(spec, dict):
            r.err(line, f"family `{fid}` needs {', '.join(_FAMILY_KEYS)}")
            continue
        for key in spec:
            if key not in _FAMILY_KEYS:
                r.err(_line(spec, key, line), f"family `{fid}`: unknown key `{key}`",
                      hint=did_you_mean(str(key), _FAMILY_KEYS) or one_of(_FAMILY_KEYS))
        title = spec.get("title")
        titles: tuple[tuple[str, str], ...] = ()
        if isinstance(title, dict) and all(isinstance(v, str) and v.strip() for v in title.values()):
            titles = tuple(sorted((str(k), str(v)) for k, v in title.items()))
        missing = [lang for lang in ir.LANGS if lang not in dict(titles)]
        if missing:
            r.err(_line(spec, "title", line), f"family `{fid}` has no title in {', '.join(missing)}",
                  expected="title: {en: \"…\", nl: \"…\"}")
        kinds = r.names(spec.get("record_types"), _line(spec, "record_types", line), f"`{fid}.record_types`")
        for kind in kinds:
            if kind not in type_ids:
                r.err(_line(spec, "record_types", line), f"family `{fid}`: unknown record type `{kind}`",
                      hint=did_you_mean(kind, type_ids) or one_of(type_ids))
        vocab = r.names(spec.get("vocabulary"), _line(spec, "vocabulary", line), f"`{fid}.vocabulary`")
        families.append(ir.Family(fid, titles, kinds, vocab))
    return families


def add_families(decl: Declarations, path: Path, display: str) -> Declarations:
    """An added rule folder's own families.yaml: the new norm families its rules form (`families:`
    only; the kinds of record and the context are the bundled ones), after the bundled ones in reports."""
    r = _Reader(display)
    data = _read(path, display)
    for key in data:
        if key != "families":
            r.err(_line(data, key, 1), f"an added folder's families.yaml declares `families:` only, not `{key}`",
                  hint="the kinds of record and the context are those of the bundled rules/families.yaml")
    lines: list[tuple[str, int]] = []
    families = _families(r, {"families": data.get("families")}, [t.id for t in decl.record_types], lines)
    known = {f.id for f in decl.families}
    for fam in families:
        if fam.id in known:
            r.err(dict(lines).get(fam.id), f"family `{fam.id}` is already declared (in {decl.file})",
                  hint="rules of an existing family go in a file named after it; a new family needs a new id")
    if r.problems:
        raise InputError(r.problems)
    return replace(decl, families=decl.families + tuple(families), lines=decl.lines + tuple(lines))


def check_against(decl: Declarations, vocabulary: Vocabulary, vocab_files: list[str], rule_files: list[str]) -> list[Diagnostic]:
    """What the declarations name must exist: vocabulary files, date facts, a .norm file per family."""
    problems: list[Diagnostic] = []

    def err(key: str, message: str, hint: str | None = None) -> None:
        line = decl.line(key)
        problems.append(Diagnostic(decl.file, line, 1 if line else None, message, hint=hint, code="NC-F030"))

    claimed: set[str] = set(decl.context) | {name for _layer, names in decl.added_vocabulary for name in names}
    for name in decl.context:
        if name not in vocab_files:
            err("context", f"context: no vocabulary file `{name}`", hint=did_you_mean(name, vocab_files))
    for fam in decl.families:
        if f"{fam.id}.norm" not in rule_files:
            err(fam.id, f"family `{fam.id}` has no rule file rules/{fam.id}.norm",
                hint=did_you_mean(f"{fam.id}.norm", rule_files))
        for name in fam.vocabulary:
            claimed.add(name)
            if name not in vocab_files:
                err(fam.id, f"family `{fam.id}`: no vocabulary file `{name}` in rules/vocabulary/",
                    hint=did_you_mean(name, vocab_files))
    for name in vocab_files:
        if name not in claimed:
            problems.append(Diagnostic(decl.file, None, None, f"vocabulary file `{name}` belongs to no family", code="NC-F030",
                                       hint="name it under a family's `vocabulary:`, or under `context:`"))
    for kind in decl.record_types:
        for fact in kind.evaluation_date:
            spec = vocabulary.get(fact)
            if spec is None or spec.kind != "date":
                err(f"record_types.{kind.id}", f"record type `{kind.id}`: `{fact}` is not a date fact of the vocabulary",
                    hint=did_you_mean(fact, [n for n, s in vocabulary.facts.items() if s.kind == "date"]))
    spec = vocabulary.get("record_type")
    if spec is not None and set(spec.values or ()) != {t.id for t in decl.record_types}:
        problems.append(Diagnostic(spec.file, spec.line, 1, code="NC-F030", message="the values of `record_type` differ from the record types "
                                   f"declared in {decl.file}: {', '.join(sorted(spec.values or ()))} vs "
                                   f"{', '.join(t.id for t in decl.record_types)}"))
    return problems

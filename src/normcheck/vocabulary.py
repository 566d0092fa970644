"""The fact vocabulary: which facts a case may state, with their types and allowed values.

It is data (`rules/vocabulary/*.yaml`, one file per norm family, names as in the legal brief
§1), so adding a family's facts is a data change: the case model and the rule checker are both
built from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .diagnostics import Diagnostic, InputError, did_you_mean, one_of

KINDS = ("bool", "int", "decimal", "date", "enum", "set", "text", "country")


@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: str
    family: str
    values: tuple[str, ...] | None = None  # enum/set values; None for a free-text set
    nullable: bool = False
    derived: bool = False
    doc: str = ""
    file: str = ""
    line: int = 0
    labels: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (lang, ((value, label), …)) for reports


@dataclass(frozen=True)
class RecordType:
    """A kind of record (rules/families.yaml): the facts that give its evaluation date, first known first."""

    id: str
    evaluation_date: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    facts: dict[str, FactSpec]
    record_types: tuple[RecordType, ...] = ()  # in declaration order (rules/families.yaml)
    default_record_type: str | None = None

    def record_type(self, type_id: str) -> RecordType | None:
        return next((t for t in self.record_types if t.id == type_id), None)

    def __contains__(self, name: str) -> bool:
        return name in self.facts

    def get(self, name: str) -> FactSpec | None:
        return self.facts.get(name)

    def names(self) -> list[str]:
        return sorted(self.facts)

    def in_file(self, file_name: str) -> list[str]:
        """The facts declared in one vocabulary file (by file name, e.g. `tq.yaml`)."""
        return [name for name, spec in self.facts.items() if Path(spec.file).name == file_name]


def load_vocabulary(paths: Iterable[Path], record_types: Iterable[RecordType] = (),
                    default_record_type: str | None = None) -> Vocabulary:
    """Read every vocabulary file; report all problems at once."""
    yaml = YAML(typ="rt")
    facts: dict[str, FactSpec] = {}
    problems: list[Diagnostic] = []
    pending_refs: list[tuple[str, str, str, int]] = []
    for path in sorted(paths):
        name = str(path)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"))
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Diagnostic(name, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                                       f"vocabulary file is not valid YAML: {getattr(exc, 'problem', exc)}"))
            continue
        if not isinstance(data, dict) or "facts" not in data:
            problems.append(Diagnostic(name, 1, 1, "a vocabulary file needs `family:` and `facts:`"))
            continue
        family = str(data.get("family", path.stem))
        for fact, spec in data["facts"].items():
            line = data["facts"].lc.key(fact)[0] + 1
            if fact in facts:
                problems.append(Diagnostic(name, line, 1, f"fact `{fact}` is declared twice (also in {facts[fact].file})"))
                continue
            kind = str(spec.get("type", ""))
            if kind not in KINDS:
                problems.append(Diagnostic(name, line, 1, f"fact `{fact}` has unknown type `{kind}`", expected=one_of(KINDS)))
                continue
            values: tuple[str, ...] | None = None
            raw = spec.get("values")
            if kind in ("enum", "set"):
                if raw == "any":
                    values = None
                elif isinstance(raw, list):
                    values = tuple(str(v) for v in raw)
                    if "unknown" in values:
                        problems.append(Diagnostic(name, line, 1, f"`unknown` is implied for every enum; remove it from `{fact}`"))
                elif "values_of" in spec:
                    pending_refs.append((fact, str(spec["values_of"]), name, line))
                elif kind == "enum":
                    problems.append(Diagnostic(name, line, 1, f"enum fact `{fact}` needs `values:`"))
            facts[fact] = FactSpec(
                name=fact, kind=kind, family=family, values=values,
                nullable=bool(spec.get("nullable", False)), derived=bool(spec.get("derived", False)),
                doc=str(spec.get("doc", "") or ""), file=name, line=line,
                labels=_labels(spec.get("labels"), values, name, line, fact, problems),
            )
    for fact, ref, file, line in pending_refs:
        target = facts.get(ref)
        if target is None or target.values is None:
            problems.append(Diagnostic(file, line, 1, f"`values_of: {ref}` names no enum or set fact", hint=did_you_mean(ref, facts)))
            continue
        old = facts[fact]
        facts[fact] = FactSpec(old.name, old.kind, old.family, target.values, old.nullable, old.derived, old.doc, old.file,
                               old.line, old.labels or target.labels)
    if problems:
        raise InputError(problems)
    return Vocabulary(facts=facts, record_types=tuple(record_types), default_record_type=default_record_type)


def _labels(raw: Any, values: tuple[str, ...] | None, file: str, line: int, fact: str,
            problems: list[Diagnostic]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """`labels: {nl: {value: "wording"}}`: how a report in that language words an enum or set value."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.append(Diagnostic(file, line, 1, f"`labels` of `{fact}` must map a language to value: wording"))
        return ()
    out = []
    for lang, mapping in raw.items():
        if not isinstance(mapping, dict):
            problems.append(Diagnostic(file, line, 1, f"`labels.{lang}` of `{fact}` must map values to wording"))
            continue
        for value in mapping:
            if values is not None and str(value) not in values:
                problems.append(Diagnostic(file, line, 1, f"`labels.{lang}` of `{fact}` names unknown value `{value}`",
                                           hint=did_you_mean(str(value), values)))
        out.append((str(lang), tuple(sorted((str(k), str(v)) for k, v in mapping.items()))))
    return tuple(sorted(out))

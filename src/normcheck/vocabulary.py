"""The fact vocabulary: which facts a case may state, with their types and allowed values.

It is data (`rules/vocabulary/*.yaml`, one file per norm family, names as in the legal brief
§1), so adding a family's facts is a data change: the case model and the rule checker are both
built from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    question: tuple[tuple[str, str], ...] = ()  # (lang, question) for a form asking for this fact
    help: tuple[tuple[str, str], ...] = ()  # (lang, help text) where the vocabulary gives one per language

    def label(self, value: str, lang: str) -> str | None:
        """How a report or a form in `lang` words `value` (None: the vocabulary gives no wording)."""
        return dict(dict(self.labels).get(lang, ())).get(value)

    def text(self, what: str, lang: str) -> str | None:
        """The `question` or `help` text in `lang` (English as a fallback), or None."""
        texts = dict(getattr(self, what))
        return texts.get(lang) or texts.get("en")


@dataclass(frozen=True)
class RecordType:
    """A kind of record (rules/families.yaml): the facts that give its evaluation date, first known first."""

    id: str
    evaluation_date: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    facts: dict[str, FactSpec]
    families: tuple[str, ...] = ()  # the `family:` of each vocabulary file (groups of facts, e.g. for a form)
    titles: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (family, ((lang, title), …))
    record_types: tuple[RecordType, ...] = ()  # in declaration order (rules/families.yaml)
    default_record_type: str | None = None
    context: tuple[str, ...] = ()  # the `family:` of the context vocabulary files (rules/families.yaml)

    def title(self, family: str, lang: str) -> str:
        """A family's title in `lang` (English as a fallback, else the family's name)."""
        texts = dict(dict(self.titles).get(family, ()))
        return texts.get(lang) or texts.get("en") or family

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
                    default_record_type: str | None = None, order: Iterable[str] = (),
                    context: Iterable[str] = ()) -> Vocabulary:
    """Read every vocabulary file; report all problems at once."""
    yaml = YAML(typ="rt")
    facts: dict[str, FactSpec] = {}
    families: list[str] = []
    titles: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    problems: list[Diagnostic] = []
    pending_refs: list[tuple[str, str, str, int]] = []
    rank = {name: i for i, name in enumerate(dict.fromkeys(order))}  # file names, as rules/families.yaml lists them
    for path in sorted(paths, key=lambda p: (rank.get(p.name, len(rank)), p.name)):
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
        families.append(family)
        titles.append((family, _texts(data.get("title"), name, 1, "`title`", problems)))
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
                question=_texts(spec.get("question"), name, line, f"`question` of `{fact}`", problems),
                help=_texts(spec.get("help"), name, line, f"`help` of `{fact}`", problems),
            )
    for fact, ref, file, line in pending_refs:
        target = facts.get(ref)
        if target is None or target.values is None:
            problems.append(Diagnostic(file, line, 1, f"`values_of: {ref}` names no enum or set fact", hint=did_you_mean(ref, facts)))
            continue
        old = facts[fact]
        facts[fact] = replace(old, values=target.values, labels=old.labels or target.labels)
    if problems:
        raise InputError(problems)
    context_files = set(context)
    context_families = tuple(dict.fromkeys(s.family for s in facts.values() if Path(s.file).name in context_files))
    return Vocabulary(facts=facts, families=tuple(families), titles=tuple(titles), record_types=tuple(record_types),
                      default_record_type=default_record_type, context=context_families)


def _texts(raw: Any, file: str, line: int, what: str, problems: list[Diagnostic]) -> tuple[tuple[str, str], ...]:
    """`{en: "…", nl: "…"}` (or one English text): wording per language for a form or a report."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (("en", raw),)
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        problems.append(Diagnostic(file, line, 1, f"{what} must map a language to a text, e.g. {{en: \"…\", nl: \"…\"}}"))
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in raw.items()))


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

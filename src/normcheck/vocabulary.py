"""The fact vocabulary: which facts a case may state, with their types and allowed values.

It is data (`rules/vocabulary/*.yaml`, one file per norm family, names as in the legal brief
§1), so adding a family's facts is a data change: the case model and the rule checker are both
built from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from . import citations, ir
from .diagnostics import Diagnostic, InputError, did_you_mean, one_of

KINDS = ("bool", "int", "decimal", "date", "enum", "set", "text", "country")
DISCLOSABLE = ("bool", "enum")  # the kinds that take `not_disclosed` (unless a fact opts out)
RANGED = ("int", "decimal", "date")
# Used when the vocabulary declares no `limits:` (record.yaml does): no value outside these is a fact of a case.
DEFAULT_LIMITS: dict[str, tuple[Any, Any]] = {
    "int": (0, 1_000_000_000), "decimal": (Decimal(0), Decimal(1_000_000_000)),
    "date": (dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
}
MAX_VOCABULARY_BYTES = 2_000_000


@dataclass(frozen=True)
class FactSpec:
    """One fact of the vocabulary, which case files are checked against."""

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
    range: tuple[Any, Any] | None = None  # (lowest, highest) value a case may state, for numbers and dates
    question: tuple[tuple[str, str], ...] = ()  # (lang, question) to the client or the authority, for forms and reports
    help: tuple[tuple[str, str], ...] = ()  # (lang, help text) where the vocabulary gives one per language
    open_norm: ir.OpenNorm | None = None  # the fact is the conclusion of an open norm: the test a court applies
    label_texts: tuple[tuple[str, str], ...] = ()  # (lang, the fact's name in words, for reports)
    ask: str | None = None  # who can answer the question: client | authority | file
    ask_instead: str | None = None  # a fact asked for instead of this one (date_of_birth -> age in months)
    # Values that say the fact was never established (e.g. `not_assessed`): a rule that fails only on such
    # a value was not assessed, and a report must not call that "no problem found".
    not_established: tuple[str, ...] = ()
    # `not_disclosed` (the authority has not disclosed it) is allowed for every enum and bool fact unless the
    # vocabulary says `not_disclosed: false` for it (a fact only the client can know).
    disclosable: bool = False

    def label(self, value: str, lang: str) -> str | None:
        """How a report or a form in `lang` words `value` (None: the vocabulary gives no wording)."""
        return dict(dict(self.labels).get(lang, ())).get(value)

    def text(self, what: str, lang: str) -> str | None:
        """The `question` or `help` text in `lang` (English as a fallback), or None."""
        texts = dict(getattr(self, what))
        return texts.get(lang) or texts.get("en")

    def out_of_range(self, value: Any) -> str | None:
        """Why `value` is not a value this fact can have (None when it is), in words."""
        if self.range is None or isinstance(value, bool) or not isinstance(value, (int, Decimal, dt.date)):
            return None
        lo, hi = self.range
        if isinstance(value, dt.date) != isinstance(lo, dt.date):
            return None
        if value < lo or value > hi:
            return f"outside the range this fact can have ({_show(lo)} to {_show(hi)})"
        return None


def _show(v: Any) -> str:
    return v.isoformat() if isinstance(v, dt.date) else str(v)


@dataclass(frozen=True)
class RecordType:
    """A kind of record (rules/families.yaml): the facts that give its evaluation date, first known first."""

    id: str
    evaluation_date: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """All facts a case may state, by name, with the families and record types that use them."""

    facts: dict[str, FactSpec]
    families: tuple[str, ...] = ()  # the `family:` of each vocabulary file (groups of facts, e.g. for a form)
    limits: tuple[tuple[str, tuple[Any, Any]], ...] = tuple(DEFAULT_LIMITS.items())
    public_names: frozenset[str] = frozenset()  # names of judgments (parties): public, never personal data
    titles: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (family, ((lang, title), …))
    record_types: tuple[RecordType, ...] = ()  # in declaration order (rules/families.yaml)
    default_record_type: str | None = None
    context: tuple[str, ...] = ()  # the `family:` of the context vocabulary files (rules/families.yaml)

    @property
    def date_range(self) -> tuple[dt.date, dt.date]:
        return dict(self.limits)["date"]

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
    pending_instead: list[tuple[str, str, str, int]] = []
    limits = dict(DEFAULT_LIMITS)
    declared: dict[str, tuple[Any, Any]] = {}
    public: set[str] = set()
    ranges: list[tuple[str, Any, str, int]] = []
    rank = {name: i for i, name in enumerate(dict.fromkeys(order))}  # file names, as rules/families.yaml lists them
    for path in sorted(paths, key=lambda p: (rank.get(p.name, len(rank)), p.name)):
        name = str(path)
        try:
            blob = path.read_bytes()
            if len(blob) > MAX_VOCABULARY_BYTES:
                problems.append(Diagnostic(name, None, None, f"vocabulary file is too large (over {MAX_VOCABULARY_BYTES:,} bytes)", code="NC-L001"))
                continue
            data = yaml.load(blob.decode("utf-8"))
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Diagnostic(name, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                                       f"vocabulary file is not valid YAML: {getattr(exc, 'problem', exc)}", code="NC-Y001"))
            continue
        except (UnicodeDecodeError, OSError, RecursionError, ValueError) as exc:
            problems.append(Diagnostic(name, None, None, f"cannot read the vocabulary file ({type(exc).__name__}: {str(exc)[:200]})",
                                       code="NC-F020"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
            problems.append(Diagnostic(name, 1, 1, "a vocabulary file needs `family:` and `facts:`", code="NC-F020"))
            continue
        family = str(data.get("family", path.stem))
        families.append(family)
        titles.append((family, _texts(data.get("title"), name, 1, "`title`", problems)))
        if "limits" in data:
            for kind, value in (data["limits"] or {}).items():
                parsed = _range(value, str(kind))
                if parsed is None:
                    where = getattr(data, "lc", None)  # ruamel's line and column of each key
                    line = where.key("limits")[0] + 1 if where is not None else 1
                    problems.append(Diagnostic(name, line, 1, f"`limits.{kind}` must be [lowest, highest] "
                                               "for int, decimal or date", code="NC-F020"))
                else:
                    declared[str(kind)] = parsed
        for item in data.get("public_names") or ():
            public.add(str(item))
        for fact, spec in data["facts"].items():
            line = data["facts"].lc.key(fact)[0] + 1
            if not isinstance(spec, dict):
                problems.append(Diagnostic(name, line, 1, f"fact `{fact}` must be a mapping with `type:`", code="NC-F020"))
                continue
            if fact in facts:
                problems.append(Diagnostic(name, line, 1, f"fact `{fact}` is declared twice (also in {facts[fact].file})", code="NC-F021"))
                continue
            kind = str(spec.get("type", ""))
            if kind not in KINDS:
                problems.append(Diagnostic(name, line, 1, f"fact `{fact}` has unknown type `{kind}`", expected=one_of(KINDS), code="NC-F022"))
                continue
            values: tuple[str, ...] | None = None
            raw = spec.get("values")
            if kind in ("enum", "set"):
                if raw == "any":
                    values = None
                elif isinstance(raw, list):
                    values = tuple(str(v) for v in raw)
                    for implied in ("unknown", "not_disclosed"):
                        if implied in values:
                            problems.append(Diagnostic(name, line, 1, f"`{implied}` is implied for every enum; remove it from `{fact}`",
                                                       code="NC-F022"))
                elif "values_of" in spec:
                    pending_refs.append((fact, str(spec["values_of"]), name, line))
                elif kind == "enum":
                    problems.append(Diagnostic(name, line, 1, f"enum fact `{fact}` needs `values:`", code="NC-F022"))
            facts[fact] = FactSpec(
                name=fact, kind=kind, family=family, values=values,
                nullable=bool(spec.get("nullable", False)), derived=bool(spec.get("derived", False)),
                doc=str(spec.get("doc", "") or ""), file=name, line=line,
                labels=_labels(spec.get("labels"), values, name, line, fact, problems),
                question=_texts(spec.get("question"), name, line, f"`question` of `{fact}`", problems),
                help=_texts(spec.get("help"), name, line, f"`help` of `{fact}`", problems),
                open_norm=_open_norm(spec.get("open_norm"), fact, name, line, problems) if "open_norm" in spec else None,
                label_texts=_texts(spec.get("label"), name, line, f"`label` of `{fact}`", problems),
                ask=_ask(spec.get("ask"), name, line, fact, problems),
                ask_instead=str(spec["ask_instead"]) if spec.get("ask_instead") is not None else None,
                not_established=_not_established(spec.get("not_established"), values, name, line, fact, problems),
                disclosable=_disclosable(spec.get("not_disclosed", True), kind, name, line, fact, problems),
            )
            if spec.get("ask_instead") is not None:
                pending_instead.append((fact, str(spec["ask_instead"]), name, line))
            if "range" in spec:
                ranges.append((fact, spec["range"], name, line))
    for fact, ref, file, line in pending_refs:
        target = facts.get(ref)
        if target is None or target.values is None:
            problems.append(Diagnostic(file, line, 1, f"`values_of: {ref}` names no enum or set fact", hint=did_you_mean(ref, facts), code="NC-F023"))
            continue
        old = facts[fact]
        facts[fact] = replace(old, values=target.values, labels=old.labels or target.labels)
    for fact, other, file, line in pending_instead:
        if other not in facts:
            problems.append(Diagnostic(file, line, 1, f"`ask_instead: {other}` of `{fact}` names no fact",
                                       hint=did_you_mean(other, facts)))
    limits.update(declared)
    explicit: dict[str, tuple[Any, Any]] = {}
    for fact, value, file, line in ranges:
        kind = facts[fact].kind
        parsed = _range(value, kind)
        if parsed is None:
            problems.append(Diagnostic(file, line, 1, f"`range` of `{fact}` must be [lowest, highest] for an int, decimal or date fact",
                code="NC-F022"))
        else:
            explicit[fact] = parsed
    for fact, spec in list(facts.items()):
        if spec.kind in RANGED:
            facts[fact] = replace(spec, range=explicit.get(fact, limits[spec.kind]))
    if problems:
        raise InputError(problems)
    context_files = set(context)
    context_families = tuple(dict.fromkeys(s.family for s in facts.values() if Path(s.file).name in context_files))
    return Vocabulary(facts=facts, families=tuple(families), titles=tuple(titles),
                      limits=tuple(sorted(limits.items())), public_names=frozenset(public), record_types=tuple(record_types),
                      default_record_type=default_record_type, context=context_families)


def _range(value: Any, kind: str) -> tuple[Any, Any] | None:
    """`[lowest, highest]` of the right kind, lowest <= highest; None if it is not one."""
    if kind not in RANGED or not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    lo, hi = value
    if kind == "date":
        ok = all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in (lo, hi))
    else:
        ok = all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in (lo, hi))
        if ok:
            lo, hi = (int(lo), int(hi)) if kind == "int" else (Decimal(str(lo)), Decimal(str(hi)))
    return (lo, hi) if ok and lo <= hi else None


def _texts(raw: Any, file: str, line: int, what: str, problems: list[Diagnostic]) -> tuple[tuple[str, str], ...]:
    """`{en: "…", nl: "…"}` (or one English text): wording per language for a form or a report."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (("en", raw),)
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        problems.append(Diagnostic(file, line, 1, f"{what} must map a language to a text, e.g. {{en: \"…\", nl: \"…\"}}",
                                   code="NC-F024"))
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in raw.items()))


ASK = ("client", "authority", "file")


def _ask(raw: Any, file: str, line: int, fact: str, problems: list[Diagnostic]) -> str | None:
    """`ask: client | authority | file`: who can answer the fact's question."""
    if raw is None:
        return None
    if str(raw) not in ASK:
        problems.append(Diagnostic(file, line, 1, f"`ask` of `{fact}` must be one of {', '.join(ASK)}, not `{raw}`",
                                   code="NC-F024"))
        return None
    return str(raw)


def _labels(raw: Any, values: tuple[str, ...] | None, file: str, line: int, fact: str,
            problems: list[Diagnostic]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """`labels: {nl: {value: "wording"}}`: how a report in that language words an enum or set value."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.append(Diagnostic(file, line, 1, f"`labels` of `{fact}` must map a language to value: wording", code="NC-F024"))
        return ()
    out = []
    for lang, mapping in raw.items():
        if not isinstance(mapping, dict):
            problems.append(Diagnostic(file, line, 1, f"`labels.{lang}` of `{fact}` must map values to wording", code="NC-F024"))
            continue
        for value in mapping:
            if values is not None and str(value) not in values:
                problems.append(Diagnostic(file, line, 1, f"`labels.{lang}` of `{fact}` names unknown value `{value}`",
                                           hint=did_you_mean(str(value), values), code="NC-F024"))
        out.append((str(lang), tuple(sorted((str(k), str(v)) for k, v in mapping.items()))))
    return tuple(sorted(out))


_CRITERION_KEYS = frozenset({"id", "en", "nl", "source", "pinpoint", "about", "verified"})


def _open_norm(raw: Any, fact: str, file: str, line: int, problems: list[Diagnostic]) -> ir.OpenNorm | None:
    """`open_norm: {test: {en, nl}, criteria: [{id, en, nl, source, pinpoint, about, verified}, …]}`: the legal
    test behind a fact that is the conclusion of an open norm. Source names are checked against the rule
    files' sources when the pack is built."""
    where = f"`open_norm` of `{fact}`"
    if not isinstance(raw, dict) or set(raw) - {"test", "criteria"}:
        problems.append(Diagnostic(file, line, 1, f"{where} must be a mapping with `test:` and `criteria:`", code="NC-F025"))
        return None
    test = _texts(raw.get("test"), file, line, f"`test` of {where}", problems)
    if {lang for lang, _ in test} != {"en", "nl"}:
        problems.append(Diagnostic(file, line, 1, f"{where} needs its `test` in English and Dutch ({{en: \"…\", nl: \"…\"}})", code="NC-F025"))
    items = raw.get("criteria")
    if not isinstance(items, list) or not items:
        problems.append(Diagnostic(file, line, 1, f"{where} needs a list of `criteria`", code="NC-F025"))
        return None
    criteria: list[ir.Criterion] = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or set(item) - _CRITERION_KEYS:
            problems.append(Diagnostic(file, line, 1, f"criterion {i} of {where} must be a mapping of "
                                       + ", ".join(sorted(_CRITERION_KEYS)), code="NC-F025"))
            continue
        cid = item.get("id")
        missing = [k for k in ("id", "en", "nl", "source", "verified") if item.get(k) in (None, "")]
        if item.get("pinpoint") is None:
            missing.insert(4, "pinpoint")
        if missing:
            problems.append(Diagnostic(file, line, 1, f"criterion {i} of {where} has no " + ", ".join(f"`{m}`" for m in missing),
                                       hint="each criterion states the test in English and Dutch and the source, with a "
                                            "pinpoint, that states it (`verified: false` where the pinpoint was not checked)", code="NC-F025"))
            continue
        if not isinstance(item["verified"], bool):
            problems.append(Diagnostic(file, line, 1, f"criterion `{cid}` of {where}: `verified` is true or false", code="NC-F025"))
            continue
        if any(c.id == str(cid) for c in criteria):
            problems.append(Diagnostic(file, line, 1, f"criterion `{cid}` of {where} is named twice", code="NC-F025"))
            continue
        pin = _criterion_pinpoint(item, str(cid), where, file, line, problems)
        if pin is None:
            continue
        criteria.append(ir.Criterion(str(cid), (("en", str(item["en"])), ("nl", str(item["nl"]))),
                                     ir.Citation(str(item["source"]), pin[0], item["verified"], pin[1])))
    return ir.OpenNorm(fact, test, tuple(criteria), file, line)


def _at(item: Any, key: str, line: int) -> tuple[int, int]:
    """Line and column (1-based) of `key`'s value in a YAML mapping, or the fact's line."""
    try:
        row, col = item.lc.value(key)
        return row + 1, col + 1
    except (AttributeError, KeyError, TypeError):
        return line, 1


def _criterion_pinpoint(item: Any, cid: str, where: str, file: str, line: int,
                        problems: list[Diagnostic]) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """A criterion's pinpoint as a rule's `cite`: a locator in the notation of `citations.parse_locator`
    (rendered per language and court), or "" for the source as a whole; what the pinpoint is cited for
    goes in `about: {en, nl}` (both or neither, and required without a locator). Free text in the
    pinpoint would reach a Dutch report in English (NC-R014)."""
    pin = " ".join(str(item["pinpoint"]).split())
    ok = True
    try:
        citations.parse_locator(pin)
    except citations.LocatorError as exc:
        at, col = _at(item, "pinpoint", line)
        problems.append(Diagnostic(file, at, col, f"the pinpoint \"{pin}\" of criterion `{cid}` of {where} is not in the "
                                   f"locator notation: {exc}", expected=citations.LOCATOR_FORMS,
                                   hint='what the pinpoint is cited for goes in `about: {en: "…", nl: "…"}`, e.g. '
                                        '`pinpoint: "para 47", about: {en: "factors: age", nl: "factoren: leeftijd"}`',
                                   code="NC-R014"))
        ok = False
    raw = item.get("about")
    about: tuple[tuple[str, str], ...] = ()
    if raw is not None:
        at, col = _at(item, "about", line)
        if (not isinstance(raw, dict) or set(map(str, raw)) != {"en", "nl"}
                or not all(isinstance(v, str) and v.strip() for v in raw.values())):
            problems.append(Diagnostic(file, at, col, f"`about` of criterion `{cid}` of {where} must say in English and "
                                       "Dutch what the pinpoint is cited for", expected='{en: "…", nl: "…"}', code="NC-R014"))
            ok = False
        else:
            about = (("en", str(raw["en"])), ("nl", str(raw["nl"])))
    if ok and not pin and not about:
        at, col = _at(item, "pinpoint", line)
        problems.append(Diagnostic(file, at, col, f"criterion `{cid}` of {where} cites its source as a whole without saying "
                                   "what it is cited for", expected='a locator ("para 47", "§ 102", "operative part, point 1") '
                                   'or `about: {en: "…", nl: "…"}`', code="NC-R011"))
        ok = False
    return (pin, about) if ok else None


def _disclosable(raw: Any, kind: str, file: str, line: int, fact: str, problems: list[Diagnostic]) -> bool:
    """`not_disclosed: false` opts a fact out of `not_disclosed`; only enum and bool facts take it at all."""
    if not isinstance(raw, bool):
        problems.append(Diagnostic(file, line, 1, f"`not_disclosed` of `{fact}` must be true or false", code="NC-F022"))
        return False
    return raw and kind in DISCLOSABLE


def _not_established(raw: Any, values: tuple[str, ...] | None, file: str, line: int, fact: str,
                     problems: list[Diagnostic]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or values is None:
        problems.append(Diagnostic(file, line, 1, f"`not_established` of `{fact}` must list some of its values",
                                   code="NC-F022"))
        return ()
    out = tuple(str(v) for v in raw)
    for v in out:
        if v not in values:
            problems.append(Diagnostic(file, line, 1, f"`not_established` of `{fact}` names unknown value `{v}`",
                                       hint=did_you_mean(v, values), code="NC-F022"))
    return out

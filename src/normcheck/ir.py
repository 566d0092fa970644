"""The compiled rule pack: plain, immutable, resolved and typed data.

The checker produces it from the syntax tree; the evaluator, the durable-rules adapter, the
reports and the CLI only ever read it. Every node keeps the source text it came from, so an
explanation can quote the rule as the lawyer wrote it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal, get_args

Level = Literal["BREACH", "RISK", "CONTESTED"]
# A rule may also declare INSUFFICIENT_DATA for a grade: a follow-up flag ("a document that must
# exist is not on file") that is not a finding against anyone (e.g. SBC-08, a Commission duty).
Declarable = Literal["BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA"]
Severity = Literal["high", "medium", "low"]
Outcome = Literal["BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA", "OK", "NOT_APPLICABLE"]
# Why a rule gave its result (machine-readable; reports word it).
Reason = Literal["fires", "not_in_force", "record_type", "no_facts", "out_of_scope", "scope_not_mentioned",
                 "scope_unknown", "exception_holds", "condition_unknown", "condition_false",
                 "condition_false_scope_unknown", "event_date_unknown", "date_day_unknown"]
Lang = Literal["en", "nl"]
# A source's kind, the court that gave a ruling and its formation (rule files: `kind`, `court`,
# `formation`; `normcheck.citations` builds a court citation from them).
SourceKind = Literal["judgment", "decision", "reference", "legislation", "policy", "secondary"]
CourtCode = Literal["cjeu", "ecthr", "ecsr", "abrvs", "rb"]
Formation = Literal["grand_chamber", "plenary", "chamber", "section", "committee"]

LEVELS: tuple[Level, ...] = get_args(Level)
DECLARABLE: tuple[Declarable, ...] = get_args(Declarable)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
LANGS: tuple[Lang, ...] = get_args(Lang)
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)
COURT_CODES: tuple[CourtCode, ...] = get_args(CourtCode)
FORMATIONS: tuple[Formation, ...] = get_args(Formation)
# Higher ranks first; --fail-on compares against this order.
OUTCOME_RANK: Mapping[Outcome, int] = MappingProxyType(
    {"BREACH": 5, "RISK": 4, "CONTESTED": 3, "INSUFFICIENT_DATA": 2, "OK": 1, "NOT_APPLICABLE": 0})
SEVERITY_RANK: Mapping[Severity, int] = MappingProxyType({"high": 3, "medium": 2, "low": 1})

Value = bool | int | Decimal | dt.date | str | frozenset[str] | None
Kind = Literal["bool", "number", "date", "enum", "set", "text", "any"]  # "any": a name the checker could not resolve


@dataclass(frozen=True)
class Type:
    """bool | number | date | enum | set | text. `values` for enums and sets (None: any text)."""

    kind: Kind
    values: frozenset[str] | None = None
    nullable: bool = False

    def describe(self) -> str:
        if self.kind in ("enum", "set") and self.values is not None:
            shown = ", ".join(sorted(self.values)[:8]) + (", …" if len(self.values) > 8 else "")
            return f"{'a value' if self.kind == 'enum' else 'a set'} of {{{shown}}}"
        return {"bool": "true/false", "number": "a number", "date": "a date", "text": "a text",
                "set": "a set of texts", "enum": "a value"}.get(self.kind, self.kind)


BOOL = Type("bool")
NUMBER = Type("number")
DATE = Type("date")
TEXT = Type("text")
ANY = Type("any")


# ---- expressions ------------------------------------------------------------------------------
# Every operand is required: an expression without its parts cannot be built. `text` (the rule as
# the lawyer wrote it) and `line` are keyword-only and do not take part in equality.


_WHERE = frozenset(("text", "line", "column", "file"))
_OPERANDS: dict[type, tuple[str, ...]] = {}  # node class -> its other fields (see Node.children)


@dataclass(frozen=True)
class Node:
    """Where it was written (file, line, column) rides along for messages; it never affects equality."""

    text: str = field(default="", compare=False, kw_only=True)
    line: int = field(default=0, compare=False, kw_only=True)
    column: int = field(default=0, compare=False, kw_only=True)
    file: str = field(default="", compare=False, kw_only=True)

    def children(self) -> tuple[Node, ...]:
        """The sub-expressions, in the order they are written."""
        out: list[Node] = []
        names = _OPERANDS.get(type(self))
        if names is None:  # the fields that can hold a node (not where it was written), once per class
            names = _OPERANDS[type(self)] = tuple(f.name for f in fields(self) if f.name not in _WHERE)
        for name in names:
            value = getattr(self, name)
            if isinstance(value, Node):
                out.append(value)
            elif isinstance(value, tuple):
                out.extend(v for v in value if isinstance(v, Node))
        return tuple(out)


@dataclass(frozen=True)
class Const(Node):
    """A constant of the rule language (number, date, text, set, null or unknown)."""

    value: Value


@dataclass(frozen=True)
class Fact(Node):
    """A fact typed into the case (or computed, when it is also a `define`)."""

    name: str


@dataclass(frozen=True)
class EvalDate(Node):
    """The evaluation date of the record (`evaluation date` in a rule), known only per case."""


@dataclass(frozen=True)
class Call(Node):
    """A call of one of the pack's functions (`normcheck.functions`), evaluated on its operands."""

    func: str  # a name in normcheck.functions.FUNCTIONS
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Fires(Node):
    """`RULE-ID fires`: chaining, one rule's condition reads whether another rule fires."""

    rule: str


@dataclass(frozen=True)
class Not(Node):
    """Three-valued negation: unknown stays unknown."""

    operand: Node


@dataclass(frozen=True)
class Neg(Node):
    """Arithmetic negation (`-x`)."""

    operand: Node


@dataclass(frozen=True)
class And(Node):
    """Three-valued conjunction: false wins over unknown, so a known false operand decides alone."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    """Three-valued disjunction: true wins over unknown, so a known true operand decides alone."""

    operands: tuple[Node, ...]


CmpOp = Literal["==", "!=", "<", "<=", ">", ">="]
ArithOp = Literal["+", "-", "*", "/"]
IsTest = Literal["null", "known", "unknown", "empty"]


@dataclass(frozen=True)
class Cmp(Node):
    """A comparison of two values (`== != < <= > >=`)."""

    op: CmpOp
    left: Node
    right: Node


@dataclass(frozen=True)
class In(Node):
    """element ∈ container (container: a set constant or a set-valued fact)."""

    element: Node
    container: Node


@dataclass(frozen=True)
class Subset(Node):
    """`left` ⊆ `right`, both sets (constants or set-valued facts)."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Is(Node):
    """`x is null/known/unknown/empty`: a test that is itself always known, so rules can ask what is missing."""

    operand: Node
    test: IsTest


@dataclass(frozen=True)
class Otherwise(Node):
    """`a otherwise b`: a if known, else b (a default for an absent fact)."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Arith(Node):
    """`+ - * /` on two values (division gives a decimal; by zero gives null)."""

    op: ArithOp
    left: Node
    right: Node


@dataclass(frozen=True)
class Diff(Node):
    """Set difference: the elements of `left` missing from `right`."""

    left: Node
    right: Node


@dataclass(frozen=True)
class If(Node):
    """`if c then a else b`."""

    cond: Node
    then: Node
    orelse: Node


# ---- declarations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Background:
    """Secondary material consulted for a source (a case summary, a blog, an excerpt): listed as
    background, never as the source of a pinpoint."""

    url: str
    labels: tuple[tuple[str, str], ...]  # (lang, what it is)

    def label(self, lang: str) -> str:
        items = dict(self.labels)
        return items.get(lang) or items.get("en") or self.url


@dataclass(frozen=True)
class Source:
    """A legal source, with the data a court citation is built from (`normcheck.citations`)."""

    name: str
    title: str
    ecli: str | None = None
    celex: str | None = None
    hudoc: str | None = None
    url: str | None = None
    date: dt.date | None = None
    court: CourtCode | None = None  # the court that gave it (citations.COURTS says how it is cited)
    court_text: str | None = None  # a court or body named in words (`court "…"`, a source without `kind`)
    status: str | None = None
    kind: SourceKind | Literal[""] = ""  # "": not declared (reports cite the source by its title)
    formation: Formation | None = None
    cases: tuple[str, ...] = ()  # case numbers (C-441/19; joined cases; complaint 90/2013)
    applications: tuple[str, ...] = ()  # ECtHR application numbers
    titles: tuple[tuple[str, str], ...] = ()  # (lang, full title); English is `title`
    parties: tuple[tuple[str, str], ...] = ()  # (lang, the case's short name as cited)
    acts: tuple[tuple[str, str], ...] = ()  # (lang, the act's designation: "Directive 2008/115/EC")
    shorts: tuple[tuple[str, str], ...] = ()  # (lang, the act's short name: "Return Directive")
    seats: tuple[tuple[str, str], ...] = ()  # (lang, a national court's seat: "Den Haag (zp. Haarlem)")
    backgrounds: tuple[Background, ...] = ()

    def text(self, field_name: str, lang: str) -> str | None:
        """A per-language attribute in `lang` (English as a fallback)."""
        items = {"en": self.title, **dict(self.titles)} if field_name == "titles" else dict(getattr(self, field_name))
        return items.get(lang) or items.get("en")


@dataclass(frozen=True)
class Citation:
    """A source cited by a rule with its pinpoint, as written in the rule file; the report links and checks it."""

    source: str
    pinpoint: str  # the locator as written in the rule file ("" for the source as a whole)
    verified: bool
    about: tuple[tuple[str, str], ...] = ()  # (lang, what the pinpoint is cited for)

    def about_text(self, lang: str) -> str | None:
        items = dict(self.about)
        return items.get(lang) or items.get("en")


@dataclass(frozen=True)
class Define:
    """A derived fact (`define`): computed from facts and other defines, so rules share one definition."""

    name: str
    expr: Node
    type: Type
    deps: tuple[str, ...]  # facts and defines it reads directly
    in_vocabulary: bool  # a derived fact a case may also state (then checked against this)
    docs: tuple[tuple[str, str], ...]  # (lang, what the derived fact means), shown where it decides a finding
    file: str
    line: int
    labels: tuple[tuple[str, str], ...] = ()  # (lang, what the derived fact is, in a few words)

    def doc(self, lang: str) -> str | None:
        items = dict(self.docs)
        return items.get(lang) or items.get("en")


# What a reading of a contested grade may give: a level a rule can raise, or OK (on that reading the
# facts show no problem, so the grade is set aside).
ReadingLevel = Literal["BREACH", "RISK", "INSUFFICIENT_DATA", "OK"]
READING_LEVELS: tuple[ReadingLevel, ...] = get_args(ReadingLevel)
ReadingText = Literal["holder", "argument"]


@dataclass(frozen=True)
class Reading:
    """One side of a contested question: who holds it, on which sources (with pinpoints), what the rule
    gives under it (`level`, and `severity`, None: the grade's), and the argument, in each language."""

    name: str
    level: ReadingLevel
    severity: Severity | None
    held_by: tuple[Citation, ...]
    holder: tuple[tuple[str, str], ...]  # (lang, who holds it, in words)
    argument: tuple[tuple[str, str], ...]  # (lang, the argument)

    def text(self, field_name: ReadingText, lang: str) -> str:
        items = dict(getattr(self, field_name))
        return items.get(lang) or items.get("en") or ""


@dataclass(frozen=True)
class Grade:
    """One grade of a rule: when its expression holds, the rule's finding has this level and severity."""

    expr: Node
    level: Declarable
    severity: Severity
    readings: tuple[Reading, ...] = ()  # for a CONTESTED grade: the readings it names (at least two)
    reading: str | None = None  # the reading that gave this grade its level (a contested grade decided by it)

    @property
    def rank(self) -> tuple[int, int]:
        """Which of several true grades wins: the higher level, then the higher severity."""
        return OUTCOME_RANK[self.level], SEVERITY_RANK[self.severity]


TextField = Literal["titles", "messages", "counters", "notes", "replaces_because"]


@dataclass(frozen=True)
class Applied:
    """The reading a rule is evaluated under: chosen for a run (`--reading`), or adopted by a court
    (`settled as … by SOURCE … from DATE`). `replaced` pairs each contested grade it decided (its index
    in the contested rule) with the reading; `set_aside` holds the grades whose reading gives OK (they
    no longer fire); `base` is the contested rule itself (None for a settled version)."""

    reading: str
    replaced: tuple[tuple[int, Reading], ...]
    set_aside: tuple[Grade, ...]
    base: Rule | None
    settled_by: Citation | None
    settled_from: dt.date | None


@dataclass(frozen=True)
class Rule:
    """One norm as the pack states it: scope, grades, exceptions, sources and wording, for every version in force."""

    id: str
    family: str  # a Family.id
    titles: tuple[tuple[str, str], ...]
    citations: tuple[Citation, ...]
    quotes: tuple[tuple[str, str], ...]
    version: str | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    applies: Node | None  # None: always in scope
    grades: tuple[Grade, ...]
    unless: tuple[Node, ...]
    messages: tuple[tuple[str, str], ...]
    counters: tuple[tuple[str, str], ...]
    notes: tuple[tuple[str, str], ...]
    rule_deps: tuple[str, ...]
    # The date of the event the norm governs (the notification, the check, the decision): it picks
    # the version of the law and tests the validity window. None: the evaluation date does.
    judged_on: Node | None
    file: str
    line: int
    gate: tuple[str, ...] = ()  # the facts of the rule's norm family: none mentioned -> NOT_APPLICABLE
    scope_gate: tuple[str, ...] = ()  # the facts its scope reads: none mentioned -> NOT_APPLICABLE
    applied: Applied | None = None  # evaluated under one reading (a run's choice, or a settled question)
    version_labels: tuple[tuple[str, str], ...] = ()  # (lang, the version in words) beyond the English `version`
    # An added rule that takes a bundled rule's place (`replaces TQ-04a because …`): the id it
    # replaces and why, per language. `layer`: 0 the bundled rules, i the i-th added rule folder.
    replaces: str | None = None
    replaces_because: tuple[tuple[str, str], ...] = ()
    layer: int = 0

    @property
    def key(self) -> str:
        """Unique within a pack: the id, plus the version for a rule with several."""
        return f"{self.id}@{self.version}" if self.version else self.id

    def text(self, field_name: TextField, lang: str) -> str:
        items = dict(getattr(self, field_name))
        return items.get(lang) or items.get("en") or ""

    def version_text(self, lang: str) -> str:
        """The version's name in `lang` (`version "old Art. 27(1)" nl "oud art. 27 lid 1"`)."""
        return dict(self.version_labels).get(lang) or self.version or ""

    @property
    def windowed(self) -> bool:
        """Has a validity window (a version of a norm, or a rule that starts or ends on a date)."""
        return bool(self.valid_from or self.valid_until or self.version)

    def in_force(self, on: dt.date) -> bool:
        if self.valid_from and on < self.valid_from:
            return False
        return not (self.valid_until and on > self.valid_until)

    @property
    def contested(self) -> bool:
        return any(g.level == "CONTESTED" for g in self.grades)

    def reading_names(self) -> tuple[str, ...]:
        """The names of the readings of its contested grades, in the order written."""
        seen: dict[str, None] = {}
        for g in self.grades:
            for r in g.readings:
                seen.setdefault(r.name, None)
        return tuple(seen)

    @property
    def verified(self) -> bool:
        return all(c.verified for c in self.citations)


@dataclass(frozen=True)
class Family:
    """A norm family, declared in rules/families.yaml: its rules are rules/<id>.norm."""

    id: str
    titles: tuple[tuple[str, str], ...]  # (lang, title)
    record_types: tuple[str, ...]  # the kinds of record its rules concern
    vocabulary: tuple[str, ...]  # the vocabulary files (rules/vocabulary/) whose facts make a record about it

    def title(self, lang: str) -> str:
        items = dict(self.titles)
        return items.get(lang) or items.get("en") or self.id


@dataclass(frozen=True)
class Criterion:
    """One criterion of the legal test of an open norm, with the source that states it."""

    id: str
    text: tuple[tuple[str, str], ...]  # (lang, words)
    citation: Citation

    def words(self, lang: str) -> str:
        items = dict(self.text)
        return items.get(lang) or items.get("en") or self.id


@dataclass(frozen=True)
class OpenNorm:
    """A fact that is the conclusion of an open legal norm ("real risk", "adequate reception", "best
    interests"): the case states the conclusion, a court examines the test behind it."""

    fact: str
    test: tuple[tuple[str, str], ...]  # (lang, the test in one sentence)
    criteria: tuple[Criterion, ...]
    file: str
    line: int

    def words(self, lang: str) -> str:
        items = dict(self.test)
        return items.get(lang) or items.get("en") or self.fact


def _freeze(value: Any) -> Any:
    if type(value) in _NOT_MAPPINGS:  # (the pack's thousand leaves: no abstract-class check for them)
        return value
    if type(value) is dict or isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class FactText:
    """How reports name a fact and how a lawyer asks for it (rules/vocabulary/*.yaml; for a derived
    fact that is only a `define`, its `label`)."""

    family: str = ""
    labels: tuple[tuple[str, str], ...] = ()  # (lang, the fact's name in words)
    questions: tuple[tuple[str, str], ...] = ()  # (lang, the question to the client or the authority)
    ask: str | None = None  # client | authority | file: who can answer it
    ask_instead: str | None = None  # ask for this fact instead (date_of_birth -> the age in months)

    def label(self, lang: str) -> str | None:
        items = dict(self.labels)
        return items.get(lang) or items.get("en")

    def question(self, lang: str) -> str | None:
        items = dict(self.questions)
        return items.get(lang) or items.get("en")


@dataclass(frozen=True)
class AddedFolder:
    """A rule folder added to the bundled rules (`--add-rules DIR`, `normcheck_rules`)."""

    folder: str  # as given (shown in receipts)
    sha256: str  # of its rule and vocabulary files (names and bytes)
    files: tuple[str, ...]  # its rule files
    replaces: tuple[str, ...] = ()  # the bundled rule ids its rules replace


# The types of the values in a pack's mappings that are no mapping themselves (exactly these types:
# `_freeze` leaves them as they are without asking `isinstance(value, Mapping)`)
_NOT_MAPPINGS = frozenset({str, int, bool, float, type(None), tuple, frozenset, Type, Source, OpenNorm, FactText})
_MAPPINGS = ("sources", "fact_types", "value_labels", "open_norms", "fact_texts", "not_established")


@dataclass(frozen=True)
class RulePack:
    """Immutable: the mappings are read-only views (a web server shares one pack between requests)."""

    sources: Mapping[str, Source]
    defines: tuple[Define, ...]  # in dependency order
    rules: tuple[Rule, ...]  # in dependency order (a rule after the rules it refers to)
    fact_types: Mapping[str, Type]
    digest: str
    files: tuple[str, ...]
    families: tuple[Family, ...]  # in report order
    value_labels: Mapping[str, Mapping[str, Mapping[str, str]]] = field(
        default_factory=lambda: MappingProxyType({}))  # fact -> lang -> value -> words
    open_norms: Mapping[str, OpenNorm] = field(
        default_factory=lambda: MappingProxyType({}))  # fact -> the legal test behind it (vocabulary)
    fact_texts: Mapping[str, FactText] = field(
        default_factory=lambda: MappingProxyType({}))  # fact or define -> its words and question
    not_established: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: MappingProxyType({}))  # fact -> values meaning "never established"
    # With added rule folders: `digest` identifies the whole pack as run, `base_digest` the bundled
    # rules (or `--rules DIR`) alone, `added` each added folder. Without: base_digest == digest.
    base_digest: str = ""
    added: tuple[AddedFolder, ...] = ()
    _defines: Mapping[str, Define] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in _MAPPINGS:
            object.__setattr__(self, name, _freeze(getattr(self, name)))
        object.__setattr__(self, "_defines", MappingProxyType({d.name: d for d in self.defines}))

    # A read-only view does not pickle (nor deep-copy): store plain dicts and freeze them again. (The
    # compiled-pack cache is JSON, see packcache; this keeps a pack usable with copy and pickle.)
    def __getstate__(self) -> dict[str, Any]:
        return {f.name: _thaw(getattr(self, f.name)) for f in fields(self) if f.init}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__post_init__()

    def rule_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for rule in self.rules:
            seen.setdefault(rule.id, None)
        return list(seen)

    def versions(self, rule_id: str) -> list[Rule]:
        return [r for r in self.rules if r.id == rule_id]

    def define(self, name: str) -> Define | None:
        return self._defines.get(name)

    def family(self, family_id: str) -> Family | None:
        return next((f for f in self.families if f.id == family_id), None)

    def family_rank(self, family_id: str) -> int:
        """Position of a family in the report order (declaration order in rules/families.yaml)."""
        return next((i for i, f in enumerate(self.families) if f.id == family_id), len(self.families))

    def in_report_order(self, rules: list[Rule] | tuple[Rule, ...]) -> list[Rule]:
        """Rules by family (in the declared order), then as written."""
        return sorted(rules, key=lambda r: (self.family_rank(r.family), r.family, r.file, r.line))

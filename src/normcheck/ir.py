"""The compiled rule pack: plain, immutable, resolved and typed data.

The checker produces it from the syntax tree; the evaluator, the durable-rules adapter, the
reports and the CLI only ever read it. Every node keeps the source text it came from, so an
explanation can quote the rule as the lawyer wrote it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union

LEVELS = ("BREACH", "RISK", "CONTESTED")
# A rule may also declare INSUFFICIENT_DATA for a grade: a follow-up flag ("a document that must
# exist is not on file") that is not a finding against anyone (e.g. SBC-08, a Commission duty).
DECLARABLE = LEVELS + ("INSUFFICIENT_DATA",)
SEVERITIES = ("high", "medium", "low")
OUTCOMES = ("BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA", "OK", "NOT_APPLICABLE")
# Higher ranks first; --fail-on compares against this order.
OUTCOME_RANK = {"BREACH": 5, "RISK": 4, "CONTESTED": 3, "INSUFFICIENT_DATA": 2, "OK": 1, "NOT_APPLICABLE": 0}
SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}

Value = Union[bool, int, Decimal, dt.date, str, frozenset, None]


@dataclass(frozen=True)
class Type:
    """bool | number | date | enum | set | text. `values` for enums and sets (None: any text)."""

    kind: str
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


# ---- expressions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """Where it was written (file, line, column) rides along for messages; it never affects equality."""

    text: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False, kw_only=True)
    file: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class Const(Node):
    value: Value = None


@dataclass(frozen=True)
class Fact(Node):
    """A fact typed into the case (or computed, when it is also a `define`)."""

    name: str = ""


@dataclass(frozen=True)
class EvalDate(Node):
    pass


@dataclass(frozen=True)
class Call(Node):
    func: str = ""
    args: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Fires(Node):
    rule: str = ""


@dataclass(frozen=True)
class Not(Node):
    operand: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Neg(Node):
    operand: Node = field(default_factory=Node)


@dataclass(frozen=True)
class And(Node):
    operands: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Or(Node):
    operands: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Cmp(Node):
    op: str = "=="
    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)


@dataclass(frozen=True)
class In(Node):
    """element ∈ container (container: a set constant or a set-valued fact)."""

    element: Node = field(default_factory=Node)
    container: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Subset(Node):
    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Is(Node):
    operand: Node = field(default_factory=Node)
    test: str = "known"  # null | known | unknown | empty


@dataclass(frozen=True)
class Otherwise(Node):
    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Arith(Node):
    op: str = "+"
    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)


@dataclass(frozen=True)
class Diff(Node):
    """Set difference: the elements of `left` missing from `right`."""

    left: Node = field(default_factory=Node)
    right: Node = field(default_factory=Node)


@dataclass(frozen=True)
class If(Node):
    cond: Node = field(default_factory=Node)
    then: Node = field(default_factory=Node)
    orelse: Node = field(default_factory=Node)


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
    court: str | None = None  # a court code of citations.COURTS (cjeu, ecthr, ecsr, abrvs, rb)
    status: str | None = None
    kind: str = ""  # judgment | decision | reference | legislation | policy | secondary ("": not declared)
    formation: str | None = None  # grand_chamber, plenary, chamber, …
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
        if field_name == "titles":
            items = {"en": self.title, **dict(self.titles)}
        else:
            items = dict(getattr(self, field_name))
        return items.get(lang) or items.get("en")


@dataclass(frozen=True)
class Citation:
    source: str
    pinpoint: str  # the locator as written in the rule file ("" for the source as a whole)
    verified: bool
    about: tuple[tuple[str, str], ...] = ()  # (lang, what the pinpoint is cited for)

    def about_text(self, lang: str) -> str | None:
        items = dict(self.about)
        return items.get(lang) or items.get("en")


@dataclass(frozen=True)
class Define:
    name: str
    expr: Node
    type: Type
    deps: tuple[str, ...]  # facts and defines it reads directly
    in_vocabulary: bool  # a derived fact a case may also state (then checked against this)
    docs: tuple[tuple[str, str], ...] = ()
    file: str = ""
    line: int = 0
    labels: tuple[tuple[str, str], ...] = ()  # (lang, what the derived fact is, in a few words)


# What a reading of a contested grade may give: a level a rule can raise, or OK (on that reading the
# facts show no problem, so the grade is set aside).
READING_LEVELS = ("BREACH", "RISK", "INSUFFICIENT_DATA", "OK")


@dataclass(frozen=True)
class Reading:
    """One side of a contested question: who holds it, on which sources (with pinpoints), what the rule
    gives under it (`level`, and `severity`, None: the grade's), and the argument, in each language."""

    name: str
    level: str
    severity: str | None
    held_by: tuple[Citation, ...]
    holder: tuple[tuple[str, str], ...] = ()
    argument: tuple[tuple[str, str], ...] = ()

    def text(self, field_name: str, lang: str) -> str:
        items = dict(getattr(self, field_name))
        return items.get(lang) or items.get("en") or ""


@dataclass(frozen=True)
class Grade:
    expr: Node
    level: str
    severity: str
    readings: tuple[Reading, ...] = ()  # for a CONTESTED grade: the readings it names (at least two)
    reading: str | None = None  # the reading that gave this grade its level (a contested grade decided by it)

    @property
    def rank(self) -> tuple[int, int]:
        """Which of several true grades wins: the higher level, then the higher severity."""
        return OUTCOME_RANK[self.level], SEVERITY_RANK[self.severity]


@dataclass(frozen=True)
class Applied:
    """The reading a rule is evaluated under: chosen for a run (`--reading`), or adopted by a court
    (`settled as … by SOURCE … from DATE`). `replaced` pairs each contested grade it decided (its index
    in the contested rule) with the reading; `set_aside` holds the grades whose reading gives OK (they
    no longer fire); `base` is the contested rule itself (None for a settled version)."""

    reading: str
    replaced: tuple[tuple[int, Reading], ...]
    set_aside: tuple[Grade, ...] = ()
    base: "Rule | None" = None
    settled_by: Citation | None = None
    settled_from: dt.date | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
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
    placeholders: tuple[str, ...]
    rule_deps: tuple[str, ...]
    gate: tuple[str, ...] = ()  # the facts of the rule's norm families: none mentioned -> NOT_APPLICABLE
    scope_gate: tuple[str, ...] = ()  # the facts its scope reads: none mentioned -> NOT_APPLICABLE
    # The date of the event the norm governs (the notification, the check, the decision): it picks
    # the version of the law and tests the validity window. None: the evaluation date does.
    judged_on: Node | None = None
    file: str = ""
    line: int = 0
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

    def text(self, field_name: str, lang: str) -> str:
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
        if self.valid_until and on > self.valid_until:
            return False
        return True

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
    file: str = ""
    line: int = 0

    def words(self, lang: str) -> str:
        items = dict(self.test)
        return items.get(lang) or items.get("en") or self.fact


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


@dataclass(frozen=True)
class RulePack:
    sources: dict[str, Source]
    defines: tuple[Define, ...]  # in dependency order
    rules: tuple[Rule, ...]  # in dependency order (a rule after the rules it refers to)
    fact_types: dict[str, Type]
    digest: str
    files: tuple[str, ...]
    value_labels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # fact -> lang -> value -> words
    open_norms: dict[str, OpenNorm] = field(default_factory=dict)  # fact -> the legal test behind it (vocabulary)
    fact_texts: dict[str, FactText] = field(default_factory=dict)  # fact or define -> its words and question
    not_established: dict[str, frozenset[str]] = field(default_factory=dict)  # fact -> values meaning "never established"
    # With added rule folders: `digest` identifies the whole pack as run, `base_digest` the bundled
    # rules (or `--rules DIR`) alone, `added` each added folder. Without: base_digest == digest.
    base_digest: str = ""
    added: tuple[AddedFolder, ...] = ()

    def rule_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for rule in self.rules:
            seen.setdefault(rule.id, None)
        return list(seen)

    def versions(self, rule_id: str) -> list[Rule]:
        return [r for r in self.rules if r.id == rule_id]

    def define(self, name: str) -> Define | None:
        for d in self.defines:
            if d.name == name:
                return d
        return None

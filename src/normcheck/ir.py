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
class Source:
    name: str
    title: str
    ecli: str | None = None
    celex: str | None = None
    hudoc: str | None = None
    url: str | None = None
    date: dt.date | None = None
    court: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Citation:
    source: str
    pinpoint: str
    verified: bool


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


@dataclass(frozen=True)
class Grade:
    expr: Node
    level: str
    severity: str

    @property
    def rank(self) -> tuple[int, int]:
        """Which of several true grades wins: the higher level, then the higher severity."""
        return OUTCOME_RANK[self.level], SEVERITY_RANK[self.severity]


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

    @property
    def verified(self) -> bool:
        return all(c.verified for c in self.citations)


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

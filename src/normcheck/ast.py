"""The syntax tree of a rule file, with the source position of every node.

Plain frozen dataclasses: the parser builds them, the checker reads them and the compiler turns
them into the IR. Nothing here knows about facts, types or engines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True)
class Pos:
    file: str
    line: int
    column: int
    end_line: int
    end_column: int


# ---- expressions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expr:
    pos: Pos = field(compare=False, repr=False)
    text: str = field(compare=False, repr=False)


@dataclass(frozen=True)
class Lit(Expr):
    value: int | Decimal | dt.date | str | bool


@dataclass(frozen=True)
class Name(Expr):
    """A fact, a derived fact or an enum value: the checker decides which."""

    name: str


@dataclass(frozen=True)
class EvalDate(Expr):
    pass


@dataclass(frozen=True)
class Call(Expr):
    func: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class SetLit(Expr):
    items: tuple[str, ...]


@dataclass(frozen=True)
class RuleFires(Expr):
    rule: str


@dataclass(frozen=True)
class Not(Expr):
    operand: Expr


@dataclass(frozen=True)
class Neg(Expr):
    operand: Expr


@dataclass(frozen=True)
class BoolOp(Expr):
    op: Literal["and", "or"]
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Compare(Expr):
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Member(Expr):
    """`x in S` (or `x not in S`): a value in a set literal, or in a set fact."""

    element: Expr
    container: Expr
    negated: bool


@dataclass(frozen=True)
class Subset(Expr):
    left: Expr
    right: Expr


@dataclass(frozen=True)
class IsTest(Expr):
    """`x is null|known|unknown|empty`, optionally negated."""

    operand: Expr
    test: Literal["null", "known", "unknown", "empty"]
    negated: bool


@dataclass(frozen=True)
class Otherwise(Expr):
    """`a otherwise b`: a if it is known, else b (one fact can stand in for another)."""

    left: Expr
    right: Expr


@dataclass(frozen=True)
class Arith(Expr):
    op: Literal["+", "-", "*", "/"]
    left: Expr
    right: Expr


@dataclass(frozen=True)
class MissingFrom(Expr):
    """`A missing from B`: the elements of A that B lacks (a set)."""

    left: Expr
    right: Expr


@dataclass(frozen=True)
class If(Expr):
    cond: Expr
    then: Expr
    orelse: Expr


# ---- declarations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceDecl:
    name: str
    title: str
    pos: Pos
    ecli: str | None = None
    celex: str | None = None
    hudoc: str | None = None
    url: str | None = None
    date: dt.date | None = None
    court: str | None = None
    status: str | None = None
    kind: str | None = None
    formation: str | None = None
    cases: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    titles: tuple[tuple[str, str], ...] = ()  # (lang, title) beyond the English title
    parties: tuple[tuple[str, str], ...] = ()
    acts: tuple[tuple[str, str], ...] = ()
    shorts: tuple[tuple[str, str], ...] = ()
    seats: tuple[tuple[str, str], ...] = ()
    backgrounds: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (url, ((lang, label), …))
    repeated: tuple[str, ...] = ()  # attributes given twice where only one is allowed


@dataclass(frozen=True)
class DefineDecl:
    name: str
    expr: Expr
    pos: Pos
    docs: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Cite:
    source: str
    pinpoint: str  # the locator, as written ("para 47", "Art. 10(2)", "operative part, point 1"); "" for none
    verified: bool
    pos: Pos
    about: tuple[tuple[str, str], ...] = ()  # (lang, what the pinpoint is cited for)


@dataclass(frozen=True)
class Quote:
    source: str
    text: str
    pos: Pos


@dataclass(frozen=True)
class Grade:
    """One way a rule can fire: a condition with its level and severity (None: the rule's)."""

    expr: Expr
    level: str | None
    severity: str | None
    pos: Pos


@dataclass(frozen=True)
class ReadingDecl:
    """A named reading of a CONTESTED grade: who holds it, on which sources, and what the rule gives under it.
    `grade` is the index (in the rule's grades) of the `fires … when` line it follows; None: it follows none."""

    name: str
    level: str
    severity: str | None
    pos: Pos
    grade: int | None
    held_by: tuple[Cite, ...] = ()
    holders: tuple[tuple[str, str, Pos], ...] = ()
    arguments: tuple[tuple[str, str, Pos], ...] = ()


@dataclass(frozen=True)
class SettledDecl:
    """`settled as READING by SOURCE "pinpoint" verified [from DATE]`: a court adopted one reading."""

    reading: str
    cite: Cite
    since: dt.date | None
    pos: Pos


@dataclass(frozen=True)
class Replaces:
    """`replaces TQ-04a because en "…" nl "…"`: an added rule takes a bundled rule's place, and says why."""

    rule: str
    because: tuple[tuple[str, str, Pos], ...]
    pos: Pos


@dataclass(frozen=True)
class RuleDecl:
    id: str
    pos: Pos
    titles: tuple[tuple[str, str, Pos], ...] = ()
    cites: tuple[Cite, ...] = ()
    quotes: tuple[Quote, ...] = ()
    versions: tuple[tuple[str, Pos, tuple[tuple[str, str], ...]], ...] = ()  # (version, position, (lang, words))
    valid: tuple[tuple[dt.date | None, dt.date | None, Pos], ...] = ()
    judged_on: tuple[Expr, ...] = ()
    applies: tuple[Expr, ...] = ()
    grades: tuple[Grade, ...] = ()
    unless: tuple[Expr, ...] = ()
    levels: tuple[tuple[str, str, Pos], ...] = ()
    messages: tuple[tuple[str, str, Pos], ...] = ()
    counters: tuple[tuple[str, str, Pos], ...] = ()
    notes: tuple[tuple[str, str, Pos], ...] = ()
    readings: tuple[ReadingDecl, ...] = ()
    settled: tuple[SettledDecl, ...] = ()
    replaces: tuple[Replaces, ...] = ()


@dataclass(frozen=True)
class RuleFile:
    path: str
    text: str
    sources: tuple[SourceDecl, ...]
    defines: tuple[DefineDecl, ...]
    rules: tuple[RuleDecl, ...]
    # The rule folder the file comes from: 0 the bundled rules (or `--rules`), 1… the folders
    # added with `--add-rules` / `normcheck_rules`, in the order given.
    layer: int = 0

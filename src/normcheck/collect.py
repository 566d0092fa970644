"""Which facts a lawyer should collect next, and in which order.

Ranked by legal weight: the highest level and severity of a finding the fact could decide or change
(a fact that could make a finding a BREACH of high severity outranks one that decides three low
follow-ups), then by how many findings it touches. Only the norm families in play for the record
count (a family some of whose rules gave more than "not applicable"), and within them two kinds of
fact are asked:

* the unknown facts a finding names as able to decide or change it (its missing facts);
* the key scope questions: an unknown fact that decides whether a rule of a family in play applies
  at all, even where the record says nothing about it (which threat Art. 25 SBC is invoked for;
  whether age was the reason reception was not investigated). Which they are follows from the rules'
  scopes: a scope fact is asked when some value of it would bring the rule into scope.

A fact the vocabulary asks for through another (`ask_instead`: the age in months rather than the
date of birth) is asked as that other fact, and not at all when that one is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from . import ir
from .values import NULL, UNKNOWN

if TYPE_CHECKING:
    from .engine.evaluate import Evaluator


class _Finding(Protocol):  # findings.Finding, read-only
    @property
    def rule(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def missing_facts(self) -> tuple[str, ...]: ...


@dataclass
class Candidate:
    """A missing fact and the rules it could decide, gathered while working out what to collect."""

    fact: str
    rules: set[str] = field(default_factory=set)
    level: ir.Outcome = "INSUFFICIENT_DATA"
    severity: ir.Severity = "low"
    key_scope: bool = False

    def raise_to(self, level: ir.Outcome, severity: ir.Severity) -> None:
        if (ir.OUTCOME_RANK[level], ir.SEVERITY_RANK[severity]) > (ir.OUTCOME_RANK[self.level], ir.SEVERITY_RANK[self.severity]):
            self.level, self.severity = level, severity

    @property
    def weight(self) -> int:
        return 10 * ir.OUTCOME_RANK[self.level] + ir.SEVERITY_RANK[self.severity]


def potential(rule_id: str, pack: ir.RulePack) -> tuple[ir.Outcome, ir.Severity]:
    """The highest level and severity any version of the rule can give."""
    grades = [g for r in pack.versions(rule_id) for g in r.grades]
    if not grades:
        return "INSUFFICIENT_DATA", "low"
    best = max(grades, key=lambda g: g.rank)
    return best.level, best.severity


def stated_inputs(d: ir.Define, pack: ir.RulePack) -> set[str]:
    """The stated facts a definition is computed from, through other definitions."""
    out: set[str] = set()
    todo = list(d.deps)
    while todo:
        name = todo.pop()
        inner = pack.define(name)
        if inner is not None and name not in out:
            todo.extend(inner.deps)
        out.add(name)
    return out


def _askable(name: str, pack: ir.RulePack) -> bool:
    d = pack.define(name)
    return name in pack.fact_types and (d is None or d.in_vocabulary)


def _probes(name: str, pack: ir.RulePack, as_of: dt.date) -> list[Any]:
    """A few values of a fact, enough to tell whether it can bring a scope into being."""
    t = pack.fact_types.get(name, ir.TEXT)
    out: list[Any] = [NULL] if t.nullable else []
    if t.kind == "bool":
        return out + [True, False]
    if t.kind == "enum" and t.values:
        return out + sorted(t.values)
    if t.kind == "set":
        values = sorted(t.values or ())
        return out + [frozenset()] + [frozenset({v}) for v in values] + ([frozenset(values)] if values else [])
    if t.kind == "number":
        return out + [0, 1, 3, 6, 12, 18, 24, 36, 60, 120, 150, 180, 200, 215, 216, 240, 1000]
    if t.kind == "date":
        return out + [as_of - dt.timedelta(days=d) for d in (0, 1, 30, 180, 365, 730, 1825, 3650, 7300)]
    return out + ["NL", "x"]


def _scope_questions(findings: Iterable[_Finding], pack: ir.RulePack, facts: Mapping[str, Any], as_of: dt.date,
                     in_play: set[str], ev: Evaluator) -> dict[str, set[str]]:
    """Unknown scope facts of rules that are not applicable in a family in play, which some value
    would bring into scope: fact -> the rules it could bring in."""
    wanted: dict[str, set[str]] = {}
    for f in findings:
        if f.level != "NOT_APPLICABLE" or f.reason not in ("out_of_scope", "scope_not_mentioned") or f.family not in in_play:
            continue
        for rule in pack.versions(f.rule):
            if rule.applies is None:
                continue
            for name in rule.scope_gate:
                if facts.get(name, UNKNOWN) is UNKNOWN and _askable(name, pack):
                    wanted.setdefault(name, set()).add(rule.key)
    found: dict[str, set[str]] = {}
    keys = {r.key: r for r in pack.rules}
    for name, rule_keys in wanted.items():
        for probe in _probes(name, pack, as_of):
            env, _ = ev.env({**facts, name: probe}, as_of)
            for key in list(rule_keys):
                rule = keys[key]
                if rule.applies is not None and ev.eval_node(rule.applies, env).value is not False:
                    found.setdefault(name, set()).add(rule.id)
                    rule_keys.discard(key)
            if not rule_keys:
                break
    return found


def rank(findings: tuple[_Finding, ...], pack: ir.RulePack, facts: Mapping[str, Any] | None = None,
         as_of: dt.date | None = None, ev: Evaluator | None = None) -> list[Candidate]:
    """The facts to collect, most weighty first (see the module's docstring). The key scope questions
    need the case (`facts`, `as_of`) and the engine's evaluator `ev` to try values on."""
    facts = facts or {}
    in_play = {f.family for f in findings if f.level != "NOT_APPLICABLE"}
    out: dict[str, Candidate] = {}

    def add(name: str, rule_id: str, key_scope: bool = False) -> None:
        text = pack.fact_texts.get(name)
        target = text.ask_instead if text is not None and text.ask_instead else name
        if target != name and facts.get(target, UNKNOWN) is not UNKNOWN:
            return  # asked through another fact, which is known (the age when the date of birth is missing)
        if not _askable(target, pack):
            return
        c = out.setdefault(target, Candidate(target))
        c.rules.add(rule_id)
        c.key_scope = c.key_scope or key_scope
        c.raise_to(*potential(rule_id, pack))

    for f in findings:
        if f.family not in in_play:
            continue
        for name in f.missing_facts:
            add(name, f.rule)
    if as_of is not None and ev is not None:
        for name, rule_ids in _scope_questions(findings, pack, facts, as_of, in_play, ev).items():
            for rule_id in rule_ids:
                add(name, rule_id, key_scope=True)
    targets = {t.ask_instead for t in pack.fact_texts.values() if t.ask_instead}
    for name in list(out):  # a computed fact whose inputs are asked too: ask the inputs
        d = pack.define(name)
        if d is not None and name not in targets and any(dep in out for dep in stated_inputs(d, pack)):
            del out[name]
    return sorted(out.values(), key=lambda c: (-c.weight, -len(c.rules), c.fact))

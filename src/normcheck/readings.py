"""Contested readings as named alternatives: a rule pack evaluated under one reading.

A CONTESTED grade names its readings (design §5, "Readings"). Under reading NAME a rule's contested
grade takes the level that reading gives (BREACH, RISK, INSUFFICIENT_DATA), or is set aside when it
gives OK; rules without the reading are unchanged, and rules that chain on it (`X fires`) see the
result. The result is plain IR again, so the evaluator, durable-rules and the vectorised sweep all
honour the choice without knowing about readings. `settled as …` in a rule file uses the same step to
build the version of a rule after a court adopted one reading.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from . import ir
from .diagnostics import Diagnostic, InputError, did_you_mean

# Patterns compiled on first use (by `re`, which keeps them): only a run with --reading needs them.
_RULE_SPEC = r"^([A-Z][A-Z0-9]*(?:-[A-Za-z0-9]+)+):([A-Za-z_][A-Za-z0-9_]*)$"
_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"

def rule_under(rule: ir.Rule, name: str, *, settled_by: ir.Citation | None = None,
               settled_from: dt.date | None = None) -> ir.Rule:
    """`rule` with every contested grade that names reading `name` decided by it (the rule itself when
    none does). A new rule on every call: an engine that evaluates rules under readings keeps what it
    built (`Evaluator.rule_under`), nothing is cached here."""
    grades: list[ir.Grade] = []
    replaced: list[tuple[int, ir.Reading]] = []
    set_aside: list[ir.Grade] = []
    for i, g in enumerate(rule.grades):
        reading = next((r for r in g.readings if r.name == name), None) if g.level == "CONTESTED" else None
        if reading is None:
            grades.append(g)
            continue
        replaced.append((i, reading))
        if reading.level == "OK":
            set_aside.append(g)
        else:
            grades.append(ir.Grade(g.expr, reading.level, reading.severity or g.severity, reading=name))
    if not replaced:
        return rule
    applied = ir.Applied(reading=name, replaced=tuple(replaced), set_aside=tuple(set_aside),
                         base=None if settled_by is not None else rule, settled_by=settled_by,
                         settled_from=settled_from)
    return replace(rule, grades=tuple(grades), applied=applied)


@dataclass(frozen=True)
class Selection:
    """Which reading each contested rule is evaluated under: `by_rule` maps a rule id to a reading
    name; `names` are the readings asked for by name alone (`--reading state`)."""

    by_rule: tuple[tuple[str, str], ...] = ()
    names: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.by_rule)

    def describe(self) -> list[str]:
        return [f"{rid}:{name}" for rid, name in self.by_rule]


def select(pack: ir.RulePack, specs: Iterable[str], where: str = "--reading") -> Selection:
    """Resolve `NAME` and `RULE:NAME` (as given to --reading) against the pack's readings.

    `NAME` applies to every rule that names that reading; `RULE:NAME` to that rule only and wins over a
    bare name. A name no rule has, a rule that has no such reading, or two names that both apply to one
    rule are errors."""
    specs = tuple(specs)
    if not specs:  # the run decides no contested grade: nothing to resolve (every run without --reading)
        return Selection()
    problems: list[Diagnostic] = []
    names: list[str] = []
    explicit: dict[str, str] = {}
    readings_of: dict[str, set[str]] = {}  # rule id (in the pack's order) -> the readings of its versions
    for rule in pack.rules:
        readings_of.setdefault(rule.id, set()).update(rule.reading_names())
    all_names = sorted({n for ns in readings_of.values() for n in ns})
    for spec in specs:
        spec = spec.strip()
        m = re.match(_RULE_SPEC, spec)
        if m:
            rid, name = m.group(1), m.group(2)
            if rid not in readings_of:
                problems.append(Diagnostic(where, None, None, f"no rule `{rid}`", hint=did_you_mean(rid, list(readings_of)), code="NC-C001"))
            elif not readings_of[rid]:
                problems.append(Diagnostic(where, None, None, f"rule {rid} has no readings (it is not contested)", code="NC-C001"))
            elif name not in readings_of[rid]:
                problems.append(Diagnostic(where, None, None, f"rule {rid} has no reading `{name}`",
                                           expected="one of " + ", ".join(sorted(readings_of[rid])), code="NC-C001"))
            elif rid in explicit and explicit[rid] != name:
                problems.append(Diagnostic(where, None, None, f"two readings of {rid} are chosen: `{explicit[rid]}` and `{name}`", code="NC-C001"))
            else:
                explicit[rid] = name
        elif re.match(_NAME, spec):
            if spec not in all_names:
                problems.append(Diagnostic(where, None, None, f"no rule has a reading `{spec}`",
                                           hint=did_you_mean(spec, all_names) or ("readings: " + ", ".join(all_names)), code="NC-C001"))
            elif spec not in names:
                names.append(spec)
        else:
            problems.append(Diagnostic(where, None, None, f"`{spec}` is not a reading",
                                       expected="NAME (e.g. state) or RULE:NAME (e.g. TQ-04a:applicant)", code="NC-C001"))
    by_rule: dict[str, str] = {}
    for rid, have in readings_of.items():
        if rid in explicit:
            by_rule[rid] = explicit[rid]
            continue
        hits = [n for n in names if n in have]
        if len(hits) > 1:
            problems.append(Diagnostic(where, None, None, f"rule {rid} has both readings " + " and ".join(f"`{h}`" for h in hits),
                                       hint=f"choose one for it with {rid}:NAME", code="NC-C001"))
        elif hits:
            by_rule[rid] = hits[0]
    if problems:
        raise InputError(problems)
    return Selection(tuple(sorted(by_rule.items())), tuple(names))


def pack_under(pack: ir.RulePack, selection: Selection | Mapping[str, str]) -> ir.RulePack:
    """The pack with each selected rule decided by its reading (the pack itself for no selection): a new
    pack on every call, so build one `Engine` on it and keep that (it owns the compiled code and the
    durable-rules host; nothing is cached here).

    Its digest differs from the pack's (durable-rules registers one ruleset per digest); the rules keep
    their order, and with it the dependency order the engines rely on."""
    chosen = tuple(sorted(selection.by_rule if isinstance(selection, Selection) else dict(selection).items()))
    if not chosen:
        return pack
    by_rule = dict(chosen)
    rules = tuple(rule_under(r, by_rule[r.id]) if r.id in by_rule else r for r in pack.rules)
    digest = hashlib.sha256((pack.digest + "\0readings\0" + ";".join(f"{a}:{b}" for a, b in chosen)).encode()).hexdigest()
    return replace(pack, rules=rules, digest=digest)


def all_reading_names(pack: ir.RulePack) -> list[str]:
    """Every reading name of the pack, sorted."""
    return sorted({n for r in pack.rules for n in r.reading_names()})

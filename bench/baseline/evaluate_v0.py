"""Frozen copy of normcheck's three-valued evaluator as it was before the speed work (main at d093dce),
kept only so that bench/bench_engine.py can measure the speed-up in the same run on the same machine.

The three-valued evaluator: what each rule says about one case, and why.

Kleene logic throughout: a fact nobody stated is UNKNOWN, never false; `false and unknown` is
false, `true or unknown` is true, everything else with an unknown is unknown. Every value
carries the facts that decided it and the unknown facts that could still decide it, which is
where the "decided by", the "missing facts" and the ranked "facts to collect" come from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from normcheck import ir
from normcheck.values import NULL, UNKNOWN, add_months, days_between, months_between, round_half_up

_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Val:
    value: Any
    decided: frozenset[str] = _EMPTY  # facts (and `rule:X` references) whose values settled this
    missing: frozenset[str] = _EMPTY  # unknown facts that could settle it

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN


@dataclass(frozen=True)
class Mismatch:
    """A derived fact stated in the case that disagrees with its definition."""

    name: str
    given: Any
    computed: Any
    definition: str


@dataclass(frozen=True)
class ExceptionCheck:
    text: str
    status: str  # "holds" | "does not hold" | "not established"
    decided: frozenset[str]
    missing: frozenset[str]


@dataclass(frozen=True)
class RuleResult:
    rule: ir.Rule
    outcome: str  # one of ir.OUTCOMES
    severity: str | None
    grade: int | None  # index of the grade that fired
    reason: str  # machine-readable why / why not
    decided: frozenset[str]
    missing: frozenset[str]
    exceptions: tuple[ExceptionCheck, ...] = ()
    # Which date chose the version of the law: the event date named by `judged on` (or the
    # evaluation date for a windowed rule without one); None when it is unknown or the rule has no
    # window. `judged_basis` is what that date is ("notification_date", "evaluation date").
    judged_on: dt.date | None = None
    judged_basis: str = ""
    versions_agree: bool = False  # the event date is unknown, but every candidate version gives this result

    @property
    def fired(self) -> bool:
        """A grade of the rule holds (its level is usually BREACH/RISK/CONTESTED, or a declared follow-up flag)."""
        return self.reason == "fires"


@dataclass
class Env:
    """The facts of one case, the derived facts (computed on first use) and the results of rules so far."""

    facts: Mapping[str, Any]
    as_of: dt.date
    derived: dict[str, Val] = field(default_factory=dict)
    results: dict[str, RuleResult] = field(default_factory=dict)
    given_derived: frozenset[str] = _EMPTY
    stated: frozenset[str] | None = None  # facts the record mentions (None: treat every rule as relevant)
    defines: Mapping[str, ir.Define] = field(default_factory=dict)

    def lookup(self, name: str) -> Val:
        """A fact or derived fact with its explanation; a definition is computed once, when first needed."""
        v = self.derived.get(name)
        if v is not None:
            return v
        d = self.defines.get(name)
        if d is not None:
            return self._derive(d)
        value = self.facts.get(name, UNKNOWN)
        if value is UNKNOWN:
            return Val(UNKNOWN, _EMPTY, frozenset({name}))
        return Val(value, frozenset({name}))

    def value(self, name: str) -> Any:
        return self.lookup(name).value

    def _derive(self, d: ir.Define) -> Val:
        stated = self.facts.get(d.name, UNKNOWN) if d.in_vocabulary else UNKNOWN
        if stated is not UNKNOWN:
            v = Val(stated, frozenset({d.name}))
        else:
            computed = eval_node(d.expr, self)
            if computed.value is not UNKNOWN:
                v = Val(computed.value, frozenset({d.name}))
            else:
                v = Val(UNKNOWN, _EMPTY, computed.missing | ({d.name} if d.in_vocabulary else _EMPTY))
        self.derived[d.name] = v
        return v


# ---- expressions ------------------------------------------------------------------------------


def _u(*vals: Val) -> Val:
    missing: frozenset[str] = _EMPTY
    for v in vals:
        if not v.known:
            missing |= v.missing
    return Val(UNKNOWN, _EMPTY, missing)


def _k(value: Any, *vals: Val) -> Val:
    decided: frozenset[str] = _EMPTY
    for v in vals:
        decided |= v.decided
    return Val(value, decided)


def eval_node(n: ir.Node, env: Env) -> Val:
    return compiled(n)(env)


_COMPILED: dict[int, tuple[ir.Node, Callable[[Env], Val]]] = {}


def compiled(n: ir.Node) -> Callable[[Env], Val]:
    """The node as a Python closure, built once per node: the hot path of every batch."""
    hit = _COMPILED.get(id(n))
    if hit is not None and hit[0] is n:
        return hit[1]
    fn = _compile(n)
    _COMPILED[id(n)] = (n, fn)
    return fn


def _compile(n: ir.Node) -> Callable[[Env], Val]:
    t = type(n)
    if t is ir.Const:
        const = Val(n.value)  # type: ignore[attr-defined]
        return lambda env: const
    if t is ir.Fact:
        name = n.name  # type: ignore[attr-defined]
        miss = Val(UNKNOWN, _EMPTY, frozenset({name}))
        dec = frozenset({name})

        def fact(env: Env) -> Val:
            d = env.derived.get(name)
            if d is not None:
                return d
            if name in env.defines:
                return env.lookup(name)
            value = env.facts.get(name, UNKNOWN)
            return miss if value is UNKNOWN else Val(value, dec)
        return fact
    if t is ir.And or t is ir.Or:
        fns = tuple(compiled(o) for o in n.operands)  # type: ignore[attr-defined]
        decisive = t is ir.Or  # the value that settles the whole: false for `and`, true for `or`

        def boolop(env: Env) -> Val:
            vals = [g(env) for g in fns]
            hits = [v for v in vals if v.value is decisive]
            if hits:
                return _k(decisive, *hits)
            if all(v.value is not UNKNOWN for v in vals):
                return _k(not decisive, *vals)
            return _u(*vals)
        return boolop
    if t is ir.Not:
        inner = compiled(n.operand)  # type: ignore[attr-defined]

        def negate(env: Env) -> Val:
            v = inner(env)
            return v if v.value is UNKNOWN else Val(not v.value, v.decided)
        return negate
    if t is ir.Cmp:
        left, right, op = compiled(n.left), compiled(n.right), n.op  # type: ignore[attr-defined]
        order = _ORDER.get(op)

        def cmp(env: Env) -> Val:
            a, b = left(env), right(env)
            if a.value is UNKNOWN or b.value is UNKNOWN:
                return _u(a, b)
            if op == "==":
                return _k(a.value == b.value, a, b)
            if op == "!=":
                return _k(a.value != b.value, a, b)
            if a.value is NULL or b.value is NULL:
                return _k(False, a, b)
            return _k(bool(order(a.value, b.value)), a, b)  # type: ignore[misc]
        return cmp
    generic = _DISPATCH[t]
    return lambda env: generic(n, env)


def _evaldate(n: ir.EvalDate, env: Env) -> Val:
    return Val(env.as_of, frozenset({"evaluation_date"}))


def _fires(n: ir.Fires, env: Env) -> Val:
    res = env.results.get(n.rule)
    ref = frozenset({"rule:" + n.rule})
    if res is not None and res.fired:
        return Val(True, ref)
    if res is None or res.outcome in ("OK", "NOT_APPLICABLE"):
        return Val(False, ref)
    return Val(UNKNOWN, _EMPTY, res.missing)


_ORDER = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _in(n: ir.In, env: Env) -> Val:
    e, c = eval_node(n.element, env), eval_node(n.container, env)
    if not (e.known and c.known):
        return _u(e, c)
    if e.value is NULL or c.value is NULL:
        return _k(False, e, c)
    return _k(e.value in c.value, e, c)


def _subset(n: ir.Subset, env: Env) -> Val:
    a, b = eval_node(n.left, env), eval_node(n.right, env)
    if not (a.known and b.known):
        return _u(a, b)
    if a.value is NULL or b.value is NULL:
        return _k(False, a, b)
    return _k(frozenset(a.value) <= frozenset(b.value), a, b)


def _is(n: ir.Is, env: Env) -> Val:
    v = eval_node(n.operand, env)
    if n.test == "known":
        return Val(v.known, v.decided | v.missing)
    if n.test == "unknown":
        return Val(not v.known, v.decided | v.missing)
    if not v.known:
        return v
    if n.test == "null":
        return Val(v.value is NULL, v.decided)
    # empty
    return Val(v.value is NULL or len(v.value) == 0, v.decided)


def _otherwise(n: ir.Otherwise, env: Env) -> Val:
    a = eval_node(n.left, env)
    if a.known:
        return a
    b = eval_node(n.right, env)
    if b.known:
        return b
    return _u(a, b)


def _neg(n: ir.Neg, env: Env) -> Val:
    v = eval_node(n.operand, env)
    if not v.known or v.value is NULL:
        return v
    return Val(-v.value, v.decided)


def _arith(n: ir.Arith, env: Env) -> Val:
    a, b = eval_node(n.left, env), eval_node(n.right, env)
    if not (a.known and b.known):
        return _u(a, b)
    if a.value is NULL or b.value is NULL:
        return _k(NULL, a, b)
    x, y = a.value, b.value
    if n.op == "+":
        r = x + y
    elif n.op == "-":
        r = x - y
    elif n.op == "*":
        r = x * y
    else:
        try:
            r = Decimal(x) / Decimal(y)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            return _k(NULL, a, b)  # no rate without a base: a known absence, not an unknown
        if r == r.to_integral_value():
            r = int(r)
    return _k(r, a, b)


def _diff(n: ir.Diff, env: Env) -> Val:
    a, b = eval_node(n.left, env), eval_node(n.right, env)
    if not (a.known and b.known):
        return _u(a, b)
    left = frozenset() if a.value is NULL else frozenset(a.value)
    right = frozenset() if b.value is NULL else frozenset(b.value)
    return _k(left - right, a, b)


def _if(n: ir.If, env: Env) -> Val:
    c = eval_node(n.cond, env)
    if not c.known:
        t, e = eval_node(n.then, env), eval_node(n.orelse, env)
        if t.known and e.known and t.value == e.value:
            return _k(t.value, t, e)
        return _u(c, t, e)
    branch = eval_node(n.then if c.value else n.orelse, env)
    if not branch.known:
        return Val(UNKNOWN, _EMPTY, branch.missing)
    return Val(branch.value, branch.decided | c.decided)


def _call(n: ir.Call, env: Env) -> Val:
    args = [eval_node(a, env) for a in n.args]
    if n.func in ("min", "max"):
        if not all(a.known for a in args):
            return _u(*args)
        present = [a for a in args if a.value is not NULL]  # a null bound ("no maximum") does not bind
        if not present:
            return _k(NULL, *args)
        pick = (min if n.func == "min" else max)(present, key=lambda a: a.value)
        return _k(pick.value, *args)
    if not all(a.known for a in args):
        return _u(*args)
    if any(a.value is NULL for a in args):
        return _k(NULL, *args)
    x = [a.value for a in args]
    if n.func == "months_between":
        r: Any = months_between(x[0], x[1])
    elif n.func == "days_between":
        r = days_between(x[0], x[1])
    elif n.func == "years_between":
        r = months_between(x[0], x[1]) // 12 if x[1] >= x[0] else -(months_between(x[1], x[0]) // 12)
    elif n.func == "add_days":
        r = x[0] + dt.timedelta(days=int(x[1]))
    elif n.func == "add_months":
        r = add_months(x[0], int(x[1]))
    elif n.func == "count":
        r = len(x[0])
    elif n.func == "abs":
        r = abs(x[0])
    elif n.func == "round":
        r = round_half_up(x[0])
    else:  # pragma: no cover - the checker rejects unknown functions
        raise ValueError(n.func)
    return _k(r, *args)


# Nodes without a closure of their own in _compile (the rarer ones) are evaluated by these.
_DISPATCH: dict[type, Any] = {
    ir.EvalDate: _evaldate, ir.Fires: _fires, ir.In: _in, ir.Subset: _subset, ir.Is: _is,
    ir.Otherwise: _otherwise, ir.Neg: _neg, ir.Arith: _arith, ir.Diff: _diff, ir.If: _if, ir.Call: _call,
}


# ---- derived facts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _PackIndex:
    """What every case needs from a pack, computed once per pack: definitions by name, rules by id."""

    defines: dict[str, ir.Define]
    by_id: tuple[tuple[str, tuple[ir.Rule, ...]], ...]


_INDEX: dict[int, tuple[ir.RulePack, _PackIndex]] = {}


def _index(pack: ir.RulePack) -> _PackIndex:
    hit = _INDEX.get(id(pack))
    if hit is None or hit[0] is not pack:
        grouped: dict[str, list[ir.Rule]] = {}
        for r in pack.rules:  # dependency order; an id's versions stay together
            grouped.setdefault(r.id, []).append(r)
        index = _PackIndex({d.name: d for d in pack.defines}, tuple((k, tuple(v)) for k, v in grouped.items()))
        hit = (pack, index)
        _INDEX[id(pack)] = hit
    return hit[1]


def derive(pack: ir.RulePack, facts: Mapping[str, Any], as_of: dt.date,
           stated: Iterable[str] | None = None) -> tuple[Env, list[Mismatch]]:
    """Prepare the case: derived facts are computed on first use; a derived fact the case also
    states is checked against its definition here."""
    defines = _index(pack).defines
    env = Env(facts=facts, as_of=as_of, stated=frozenset(stated) if stated is not None else None, defines=defines)
    mismatches: list[Mismatch] = []
    given = [name for name in facts if name in defines and defines[name].in_vocabulary]
    for name in given:
        d = defines[name]
        computed = eval_node(d.expr, env)
        if computed.value is not UNKNOWN and not _same(computed.value, facts[name]):
            mismatches.append(Mismatch(name, facts[name], computed.value, d.expr.text))
    env.derived.clear()  # the checks above may have cached values computed around a stated fact
    env.given_derived = frozenset(given)
    return env, mismatches


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)) and not isinstance(a, bool):
        return Decimal(a) == Decimal(b)
    return bool(a == b)


# ---- rules ------------------------------------------------------------------------------------


def evaluate_rule(rule: ir.Rule, env: Env) -> RuleResult:
    """One rule on one case: the table of design §5, with the reasons. (Which version is in force
    is decided before, by `evaluate_id`.)"""
    if not relevant(rule, env.stated):
        return RuleResult(rule, "NOT_APPLICABLE", None, None, "no_facts", _EMPTY, _EMPTY)
    scope = eval_node(rule.applies, env) if rule.applies is not None else Val(True)
    if scope.value is False:
        return RuleResult(rule, "NOT_APPLICABLE", None, None, "out_of_scope", scope.decided, _EMPTY)
    if scope.value is UNKNOWN and rule.scope_gate and env.stated is not None and env.stated.isdisjoint(rule.scope_gate):
        # The scope is unknown only because the record says nothing about the rule's subject (e.g.
        # nothing about illness for A3-10): not applicable, rather than "insufficient data".
        return RuleResult(rule, "NOT_APPLICABLE", None, None, "scope_not_mentioned", _EMPTY, _EMPTY)
    grades = [eval_node(g.expr, env) for g in rule.grades]
    exceptions = tuple(_exception(u, env) for u in rule.unless)
    holding = [e for e in exceptions if e.status == "holds"]
    firing = [i for i, v in enumerate(grades) if v.value is True]
    unknown = [i for i, v in enumerate(grades) if not v.known]
    open_exc = frozenset().union(*(e.missing for e in exceptions if e.status == "not established"))
    if holding:  # the exception displaces the rule, whatever its condition says
        decided = scope.decided | frozenset().union(*(e.decided for e in holding))
        return RuleResult(rule, "NOT_APPLICABLE", None, None, "exception_holds", decided, _EMPTY, exceptions)
    if firing:
        best = max(firing, key=lambda i: (rule.grades[i].rank, -i))
        g = rule.grades[best]
        if scope.value is True:
            # unknown facts that could raise the level, or make an exception hold
            higher = [i for i in unknown if rule.grades[i].rank > g.rank]
            could = frozenset().union(*(grades[i].missing for i in higher)) if higher else _EMPTY
            decided = scope.decided | grades[best].decided | frozenset().union(*(e.decided for e in exceptions))
            return RuleResult(rule, g.level, g.severity, best, "fires", decided, could | open_exc, exceptions)
        return RuleResult(rule, "INSUFFICIENT_DATA", g.severity, best, "scope_unknown", grades[best].decided, scope.missing, exceptions)
    if unknown:
        missing = frozenset().union(*(grades[i].missing for i in unknown)) | (scope.missing if not scope.known else _EMPTY)
        decided = scope.decided | frozenset().union(*(grades[i].decided for i, v in enumerate(grades) if v.known))
        sev = max((rule.grades[i].severity for i in unknown), key=lambda s: ir.SEVERITY_RANK[s])
        return RuleResult(rule, "INSUFFICIENT_DATA", sev, None, "condition_unknown", decided, missing, exceptions)
    decided = scope.decided | frozenset().union(*(v.decided for v in grades))
    return RuleResult(rule, "OK", None, None, "condition_false" if scope.known else "condition_false_scope_unknown",
                      decided, _EMPTY, exceptions)


def evaluate_id(versions: tuple[ir.Rule, ...], env: Env) -> RuleResult:
    """The result for one rule id: the version of the law in force on the date of the event the
    rule governs (`judged on`), not on the day of the review. An unknown event date leaves the
    result open unless every candidate version (and "no version in force", where the windows
    leave a gap) gives the same result."""
    first = versions[0]
    if first.judged_on is None:
        if not any(r.windowed for r in versions):
            return evaluate_rule(first, env)
        rule = next((r for r in versions if r.in_force(env.as_of)), None)
        basis = "evaluation_date"
        if rule is None:
            return RuleResult(first, "NOT_APPLICABLE", None, None, "not_in_force", frozenset({"evaluation_date"}),
                              _EMPTY, judged_on=env.as_of, judged_basis=basis)
        return replace(evaluate_rule(rule, env), judged_on=env.as_of, judged_basis=basis)
    basis = first.judged_on.text
    when = eval_node(first.judged_on, env)
    if when.known and when.value is not NULL:
        rule = next((r for r in versions if r.in_force(when.value)), None)
        if rule is None:
            return RuleResult(first, "NOT_APPLICABLE", None, None, "not_in_force", when.decided, _EMPTY,
                              judged_on=when.value, judged_basis=basis)
        res = evaluate_rule(rule, env)
        decided = res.decided if res.reason in ("no_facts", "scope_not_mentioned") else res.decided | when.decided
        return replace(res, decided=decided, judged_on=when.value, judged_basis=basis)
    candidates = [evaluate_rule(r, env) for r in versions]
    gap = not covers_all_time(versions)
    outcomes = {(c.outcome, c.severity) for c in candidates} | ({("NOT_APPLICABLE", None)} if gap else set())
    date_missing = when.missing if not when.known else _EMPTY
    if len(outcomes) == 1:
        pick = candidates[-1]
        extra = date_missing if pick.outcome == "INSUFFICIENT_DATA" else _EMPTY
        return replace(pick, missing=pick.missing | extra, judged_basis=basis, versions_agree=len(candidates) > 1 or gap)
    if all(o in ("OK", "NOT_APPLICABLE") for o, _ in outcomes):  # no version finds anything: say so, not "unknown"
        pick = next(c for c in reversed(candidates) if c.outcome == "OK")
        return replace(pick, judged_basis=basis, versions_agree=True)
    missing = date_missing | frozenset().union(*(c.missing for c in candidates))
    severities = [c.severity for c in candidates if c.severity]
    sev = max(severities, key=lambda x: ir.SEVERITY_RANK[x]) if severities else None
    decided = frozenset().union(*(c.decided for c in candidates if c.outcome != "NOT_APPLICABLE"))
    return RuleResult(candidates[-1].rule, "INSUFFICIENT_DATA", sev, None, "event_date_unknown", decided,
                      missing or frozenset({basis}), judged_basis=basis)


def covers_all_time(versions: tuple[ir.Rule, ...]) -> bool:
    """Do the versions' windows, together, leave no day on which none of them is in force?"""
    spans = sorted(((r.valid_from or dt.date.min), (r.valid_until or dt.date.max)) for r in versions)
    if spans[0][0] != dt.date.min or max(u for _, u in spans) != dt.date.max:
        return False
    reach = spans[0][1]
    for start, until in spans[1:]:
        if reach < dt.date.max and start > reach + dt.timedelta(days=1):
            return False
        reach = max(reach, until)
    return True


def relevant(rule: ir.Rule, stated: frozenset[str] | None) -> bool:
    """Is the record about this rule's norm family at all? It must mention one of the family's facts
    (a fact stated as `unknown` counts: it was mentioned)."""
    if stated is None:
        return True
    return not (rule.gate and stated.isdisjoint(rule.gate))


def _exception(node: ir.Node, env: Env) -> ExceptionCheck:
    """An exception defeats the rule only when it is established (default logic: unknown does not defeat)."""
    v = eval_node(node, env)
    if v.value is True:
        return ExceptionCheck(node.text, "holds", v.decided, _EMPTY)
    if v.value is False:
        return ExceptionCheck(node.text, "does not hold", v.decided, _EMPTY)
    return ExceptionCheck(node.text, "not established", _EMPTY, v.missing)


def evaluate(pack: ir.RulePack, facts: Mapping[str, Any], as_of: dt.date,
             stated: Iterable[str] | None = None) -> tuple[Env, list[RuleResult], list[Mismatch]]:
    """Every rule of the pack on one case, in dependency order, one result per rule id."""
    env, mismatches = derive(pack, facts, as_of, stated)
    results: list[RuleResult] = []
    for rid, versions in _index(pack).by_id:
        res = evaluate_id(versions, env)
        env.results[rid] = res
        results.append(res)
    return env, results, mismatches

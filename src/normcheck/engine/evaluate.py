"""The three-valued evaluator: what each rule says about one case, and why.

Kleene logic throughout: a fact nobody stated is UNKNOWN, never false; `false and unknown` is
false, `true or unknown` is true, everything else with an unknown is unknown. Every value
carries the facts that decided it and the unknown facts that could still decide it, which is
where the "decided by", the "missing facts" and the ranked "facts to collect" come from.

An `Evaluator` compiles a rule pack once, every IR node into a Python closure (the hot path of a
batch), and then evaluates any number of cases; it holds no per-case state, so one evaluator can
serve many requests.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any, Literal

from .. import ir
from ..functions import FUNCTIONS
from ..values import NULL, UNKNOWN

_EMPTY: frozenset[str] = frozenset()
ExceptionStatus = Literal["holds", "does not hold", "not established"]


@dataclass(frozen=True, slots=True)
class Val:
    value: Any
    decided: frozenset[str] = _EMPTY  # facts (and `rule:X` references) whose values settled this
    missing: frozenset[str] = _EMPTY  # unknown facts that could settle it

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN


Fn = Callable[["Env"], Val]


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
    status: ExceptionStatus
    decided: frozenset[str]
    missing: frozenset[str]


@dataclass(frozen=True)
class RuleResult:
    rule: ir.Rule
    outcome: ir.Outcome
    severity: ir.Severity | None
    grade: int | None  # index of the grade that fired
    reason: ir.Reason  # machine-readable why / why not
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
    defines: Mapping[str, tuple[ir.Define, Fn]]
    derived: dict[str, Val] = field(default_factory=dict)
    results: dict[str, RuleResult] = field(default_factory=dict)
    given_derived: frozenset[str] = _EMPTY
    stated: frozenset[str] | None = None  # facts the record mentions (None: treat every rule as relevant)

    def lookup(self, name: str) -> Val:
        """A fact or derived fact with its explanation; a definition is computed once, when first needed."""
        v = self.derived.get(name)
        if v is not None:
            return v
        if name in self.defines:
            return self.derive(name)
        value = self.facts.get(name, UNKNOWN)
        if value is UNKNOWN:
            return Val(UNKNOWN, _EMPTY, frozenset({name}))
        return Val(value, frozenset({name}))

    def value(self, name: str) -> Any:
        return self.lookup(name).value

    def derive(self, name: str) -> Val:
        d, fn = self.defines[name]
        stated = self.facts.get(name, UNKNOWN) if d.in_vocabulary else UNKNOWN
        if stated is not UNKNOWN:
            v = Val(stated, frozenset({name}))
        else:
            computed = fn(self)
            if computed.value is not UNKNOWN:
                v = Val(computed.value, frozenset({name}))
            else:
                v = Val(UNKNOWN, _EMPTY, computed.missing | ({name} if d.in_vocabulary else _EMPTY))
        self.derived[name] = v
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


_ORDER: dict[str, Callable[[Any, Any], bool]] = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _divide(x: Any, y: Any) -> Any:
    try:
        r = Decimal(x) / Decimal(y)
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return NULL  # no rate without a base: a known absence, not an unknown
    return int(r) if r == r.to_integral_value() else r


_ARITH: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide}


def compile_node(n: ir.Node, defined: Callable[[str], bool]) -> Fn:
    """The node as a Python closure. `defined(name)`: is `name` a definition (computed on first use)?"""
    def c(child: ir.Node) -> Fn:
        return compile_node(child, defined)

    if isinstance(n, ir.Const):
        const = Val(n.value)
        return lambda env: const
    if isinstance(n, ir.Fact):
        name = n.name
        if defined(name):
            def derived(env: Env) -> Val:
                return env.derived.get(name) or env.derive(name)
            return derived
        miss = Val(UNKNOWN, _EMPTY, frozenset({name}))
        dec = frozenset({name})

        def fact(env: Env) -> Val:
            value = env.facts.get(name, UNKNOWN)
            return miss if value is UNKNOWN else Val(value, dec)
        return fact
    if isinstance(n, (ir.And, ir.Or)):
        fns = tuple(c(o) for o in n.operands)
        decisive = isinstance(n, ir.Or)  # the value that settles the whole: false for `and`, true for `or`

        def boolop(env: Env) -> Val:
            vals = [g(env) for g in fns]
            hits = [v for v in vals if v.value is decisive]
            if hits:
                return _k(decisive, *hits)
            if all(v.value is not UNKNOWN for v in vals):
                return _k(not decisive, *vals)
            return _u(*vals)
        return boolop
    if isinstance(n, ir.Not):
        inner = c(n.operand)

        def negate(env: Env) -> Val:
            v = inner(env)
            return v if v.value is UNKNOWN else Val(not v.value, v.decided)
        return negate
    if isinstance(n, ir.Cmp):
        return _cmp(n.op, c(n.left), c(n.right))
    if isinstance(n, ir.EvalDate):
        return lambda env: Val(env.as_of, frozenset({"evaluation_date"}))
    if isinstance(n, ir.Fires):
        return _fires(n.rule)
    if isinstance(n, ir.In):
        return _in(c(n.element), c(n.container))
    if isinstance(n, ir.Subset):
        return _subset(c(n.left), c(n.right))
    if isinstance(n, ir.Is):
        return _is(c(n.operand), n.test)
    if isinstance(n, ir.Otherwise):
        return _otherwise(c(n.left), c(n.right))
    if isinstance(n, ir.Neg):
        return _neg(c(n.operand))
    if isinstance(n, ir.Arith):
        return _arith(_ARITH[n.op], c(n.left), c(n.right))
    if isinstance(n, ir.Diff):
        return _diff(c(n.left), c(n.right))
    if isinstance(n, ir.If):
        return _if(c(n.cond), c(n.then), c(n.orelse))
    if isinstance(n, ir.Call):
        return _call(n.func, tuple(c(a) for a in n.args))
    raise TypeError(f"no evaluation for {type(n).__name__}")  # pragma: no cover - every IR node is handled above


def _cmp(op: ir.CmpOp, left: Fn, right: Fn) -> Fn:
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
        assert order is not None  # an ordering operator
        return _k(order(a.value, b.value), a, b)
    return cmp


def _fires(rule_id: str) -> Fn:
    ref = frozenset({"rule:" + rule_id})

    def fires(env: Env) -> Val:
        res = env.results.get(rule_id)
        if res is not None and res.fired:
            return Val(True, ref)
        if res is None or res.outcome in ("OK", "NOT_APPLICABLE"):
            return Val(False, ref)
        return Val(UNKNOWN, _EMPTY, res.missing)
    return fires


def _in(element: Fn, container: Fn) -> Fn:
    def member(env: Env) -> Val:
        e, c = element(env), container(env)
        if not (e.known and c.known):
            return _u(e, c)
        if e.value is NULL or c.value is NULL:
            return _k(False, e, c)
        return _k(e.value in c.value, e, c)
    return member


def _subset(left: Fn, right: Fn) -> Fn:
    def subset(env: Env) -> Val:
        a, b = left(env), right(env)
        if not (a.known and b.known):
            return _u(a, b)
        if a.value is NULL or b.value is NULL:
            return _k(False, a, b)
        return _k(frozenset(a.value) <= frozenset(b.value), a, b)
    return subset


def _is(operand: Fn, test: ir.IsTest) -> Fn:
    def is_(env: Env) -> Val:
        v = operand(env)
        if test == "known":
            return Val(v.known, v.decided | v.missing)
        if test == "unknown":
            return Val(not v.known, v.decided | v.missing)
        if not v.known:
            return v
        if test == "null":
            return Val(v.value is NULL, v.decided)
        return Val(v.value is NULL or len(v.value) == 0, v.decided)  # empty
    return is_


def _otherwise(left: Fn, right: Fn) -> Fn:
    def otherwise(env: Env) -> Val:
        a = left(env)
        if a.known:
            return a
        b = right(env)
        if b.known:
            return b
        return _u(a, b)
    return otherwise


def _neg(operand: Fn) -> Fn:
    def neg(env: Env) -> Val:
        v = operand(env)
        if not v.known or v.value is NULL:
            return v
        return Val(-v.value, v.decided)
    return neg


def _arith(op: Callable[[Any, Any], Any], left: Fn, right: Fn) -> Fn:
    def arith(env: Env) -> Val:
        a, b = left(env), right(env)
        if not (a.known and b.known):
            return _u(a, b)
        if a.value is NULL or b.value is NULL:
            return _k(NULL, a, b)
        return _k(op(a.value, b.value), a, b)
    return arith


def _diff(left: Fn, right: Fn) -> Fn:
    def diff(env: Env) -> Val:
        a, b = left(env), right(env)
        if not (a.known and b.known):
            return _u(a, b)
        lhs = frozenset() if a.value is NULL else frozenset(a.value)
        rhs = frozenset() if b.value is NULL else frozenset(b.value)
        return _k(lhs - rhs, a, b)
    return diff


def _if(cond: Fn, then: Fn, orelse: Fn) -> Fn:
    def if_(env: Env) -> Val:
        c = cond(env)
        if not c.known:
            t, e = then(env), orelse(env)
            if t.known and e.known and t.value == e.value:
                return _k(t.value, t, e)
            return _u(c, t, e)
        branch = (then if c.value else orelse)(env)
        if not branch.known:
            return Val(UNKNOWN, _EMPTY, branch.missing)
        return Val(branch.value, branch.decided | c.decided)
    return if_


def _call(name: str, args: tuple[Fn, ...]) -> Fn:
    """A function of the rule language (normcheck.functions), with the registry's null handling."""
    fn = FUNCTIONS[name]
    impl, skip_nulls = fn.evaluate, fn.nulls == "skip"

    def call(env: Env) -> Val:
        vals = [a(env) for a in args]
        if not all(v.known for v in vals):
            return _u(*vals)
        present = [v.value for v in vals if v.value is not NULL]
        if (len(present) < len(vals) and not skip_nulls) or not present:
            return _k(NULL, *vals)  # a null argument gives null; with `skip`, only when all are null
        return _k(impl(*present), *vals)
    return call


# ---- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    rule: ir.Rule
    applies: Fn | None
    grades: tuple[Fn, ...]
    unless: tuple[tuple[ir.Node, Fn], ...]
    judged_on: Fn | None  # the date of the event the rule governs


class Evaluator:
    """A rule pack compiled for evaluation: definitions and rules as closures, rules grouped by id."""

    def __init__(self, pack: ir.RulePack) -> None:
        self.pack = pack
        names = {d.name for d in pack.defines}
        self._defined: Callable[[str], bool] = names.__contains__
        self.defines: Mapping[str, tuple[ir.Define, Fn]] = {d.name: (d, self.compile(d.expr)) for d in pack.defines}
        grouped: dict[str, list[CompiledRule]] = {}
        for r in pack.rules:  # dependency order; an id's versions stay together
            compiled = CompiledRule(r, self.compile(r.applies) if r.applies is not None else None,
                                    tuple(self.compile(g.expr) for g in r.grades),
                                    tuple((u, self.compile(u)) for u in r.unless),
                                    self.compile(r.judged_on) if r.judged_on is not None else None)
            grouped.setdefault(r.id, []).append(compiled)
        self.by_id: tuple[tuple[str, tuple[CompiledRule, ...]], ...] = tuple((k, tuple(v)) for k, v in grouped.items())
        self._kinds = {f.id: frozenset(f.record_types) for f in pack.families}

    def compile(self, node: ir.Node) -> Fn:
        """Any expression of this pack as a closure (the durable-rules adapter computes its atoms with it)."""
        return compile_node(node, self._defined)

    def env(self, facts: Mapping[str, Any], as_of: dt.date, stated: Iterable[str] | None = None) -> tuple[Env, list[Mismatch]]:
        """Prepare the case: derived facts are computed on first use; a derived fact the case also
        states is checked against its definition here."""
        env = Env(facts=facts, as_of=as_of, defines=self.defines, stated=frozenset(stated) if stated is not None else None)
        mismatches: list[Mismatch] = []
        given = [name for name in facts if name in self.defines and self.defines[name][0].in_vocabulary]
        for name in given:
            d, fn = self.defines[name]
            computed = fn(env)
            if computed.value is not UNKNOWN and not _same(computed.value, facts[name]):
                mismatches.append(Mismatch(name, facts[name], computed.value, d.expr.text))
        env.derived.clear()  # the checks above may have cached values computed around a stated fact
        env.given_derived = frozenset(given)
        return env, mismatches

    def gate(self, rule: ir.Rule, env: Env) -> ir.Reason | None:
        """Why the record is not about this rule at all, or None. Its family does not concern this kind of
        record (`record_type`), or the record mentions none of the family's facts (`no_facts`; a fact
        stated as `unknown` counts: it was mentioned)."""
        kinds = self._kinds.get(rule.family)
        kind = env.facts.get("record_type")
        if kinds is not None and isinstance(kind, str) and kind not in kinds:
            return "record_type"
        if env.stated is not None and rule.gate and env.stated.isdisjoint(rule.gate):
            return "no_facts"
        return None

    def evaluate_rule(self, cr: CompiledRule, env: Env) -> RuleResult:
        """One rule on one case: the table of design §5, with the reasons. (Which version is in force
        is decided before, by `evaluate_id`.)"""
        rule = cr.rule
        gated = self.gate(rule, env)
        if gated is not None:
            return RuleResult(rule, "NOT_APPLICABLE", None, None, gated, _EMPTY, _EMPTY)
        scope = cr.applies(env) if cr.applies is not None else Val(True)
        if scope.value is False:
            return RuleResult(rule, "NOT_APPLICABLE", None, None, "out_of_scope", scope.decided, _EMPTY)
        if scope.value is UNKNOWN and rule.scope_gate and env.stated is not None and env.stated.isdisjoint(rule.scope_gate):
            # The scope is unknown only because the record says nothing about the rule's subject (e.g.
            # nothing about illness for A3-10): not applicable, rather than "insufficient data".
            return RuleResult(rule, "NOT_APPLICABLE", None, None, "scope_not_mentioned", _EMPTY, _EMPTY)
        grades = [g(env) for g in cr.grades]
        exceptions = tuple(_exception(node, fn(env)) for node, fn in cr.unless)
        holding = [e for e in exceptions if e.status == "holds"]
        firing = [i for i, v in enumerate(grades) if v.value is True]
        unknown = [i for i, v in enumerate(grades) if not v.known]
        open_exc = _union(e.missing for e in exceptions if e.status == "not established")
        if holding:  # the exception displaces the rule, whatever its condition says
            decided = scope.decided | _union(e.decided for e in holding)
            return RuleResult(rule, "NOT_APPLICABLE", None, None, "exception_holds", decided, _EMPTY, exceptions)
        if firing:
            best = max(firing, key=lambda i: (rule.grades[i].rank, -i))
            g = rule.grades[best]
            if scope.value is True:
                # unknown facts that could raise the level, or make an exception hold
                could = _union(grades[i].missing for i in unknown if rule.grades[i].rank > g.rank)
                decided = scope.decided | grades[best].decided | _union(e.decided for e in exceptions)
                return RuleResult(rule, g.level, g.severity, best, "fires", decided, could | open_exc, exceptions)
            return RuleResult(rule, "INSUFFICIENT_DATA", g.severity, best, "scope_unknown", grades[best].decided,
                              scope.missing, exceptions)
        if unknown:
            missing = _union(grades[i].missing for i in unknown) | (scope.missing if not scope.known else _EMPTY)
            decided = scope.decided | _union(grades[i].decided for i, v in enumerate(grades) if v.known)
            sev = max((rule.grades[i].severity for i in unknown), key=lambda s: ir.SEVERITY_RANK[s])
            return RuleResult(rule, "INSUFFICIENT_DATA", sev, None, "condition_unknown", decided, missing, exceptions)
        decided = scope.decided | _union(v.decided for v in grades)
        return RuleResult(rule, "OK", None, None, "condition_false" if scope.known else "condition_false_scope_unknown",
                          decided, _EMPTY, exceptions)

    def evaluate(self, facts: Mapping[str, Any], as_of: dt.date,
                 stated: Iterable[str] | None = None) -> tuple[Env, list[RuleResult], list[Mismatch]]:
        """Every rule of the pack on one case, in dependency order, one result per rule id."""
        env, mismatches = self.env(facts, as_of, stated)
        results: list[RuleResult] = []
        for rid, versions in self.by_id:
            res = self.evaluate_id(versions, env)
            env.results[rid] = res
            results.append(res)
        return env, results, mismatches

    def evaluate_id(self, versions: tuple[CompiledRule, ...], env: Env) -> RuleResult:
        """The result for one rule id: the version of the law in force on the date of the event the
        rule governs (`judged on`), not on the day of the review. An unknown event date leaves the
        result open unless every candidate version (and "no version in force", where the windows
        leave a gap) gives the same result."""
        first = versions[0]
        if first.judged_on is None:  # the checker allows this only for a rule without window or versions
            return self.evaluate_rule(first, env)
        assert first.rule.judged_on is not None  # compiled from it
        basis = first.rule.judged_on.text
        when = first.judged_on(env)
        if when.known and when.value is not NULL:
            cr = next((v for v in versions if v.rule.in_force(when.value)), None)
            if cr is None:
                return RuleResult(first.rule, "NOT_APPLICABLE", None, None, "not_in_force", when.decided, _EMPTY,
                                  judged_on=when.value, judged_basis=basis)
            res = self.evaluate_rule(cr, env)
            gated = res.reason in ("record_type", "no_facts", "scope_not_mentioned")
            decided = res.decided if gated else res.decided | when.decided
            return replace(res, decided=decided, judged_on=when.value, judged_basis=basis)
        possible = [v for v in versions if is_candidate(v.rule, env.as_of)]
        if not possible:  # the event happened by the review date, and no version was in force by then
            return RuleResult(first.rule, "NOT_APPLICABLE", None, None, "not_in_force", frozenset({"evaluation_date"}), _EMPTY,
                              judged_basis=basis)
        candidates = [self.evaluate_rule(v, env) for v in possible]
        gap = not covers_until(tuple(v.rule for v in possible), env.as_of)
        outcomes = {(c.outcome, c.severity) for c in candidates} | ({("NOT_APPLICABLE", None)} if gap else set())
        date_missing = when.missing if not when.known else _EMPTY
        if len(outcomes) == 1:
            pick = candidates[-1]
            extra = date_missing if pick.outcome == "INSUFFICIENT_DATA" else _EMPTY
            return replace(pick, missing=pick.missing | extra, judged_basis=basis, versions_agree=len(candidates) > 1 or gap)
        if all(o in ("OK", "NOT_APPLICABLE") for o, _ in outcomes):  # no version finds anything: say so, not "unknown"
            pick = next(c for c in reversed(candidates) if c.outcome == "OK")
            return replace(pick, judged_basis=basis, versions_agree=True)
        missing = date_missing | _union(c.missing for c in candidates)
        severities: list[ir.Severity] = [c.severity for c in candidates if c.severity is not None]
        sev = _worst(severities) if severities else None
        decided = _union(c.decided for c in candidates if c.outcome != "NOT_APPLICABLE")
        return RuleResult(candidates[-1].rule, "INSUFFICIENT_DATA", sev, None, "event_date_unknown", decided,
                          missing or frozenset({basis}), judged_basis=basis)


def _worst(severities: list[ir.Severity]) -> ir.Severity:
    return max(severities, key=lambda s: ir.SEVERITY_RANK[s])


def _union(sets: Iterable[frozenset[str]]) -> frozenset[str]:
    out: frozenset[str] = _EMPTY
    for s in sets:
        out |= s
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)) and not isinstance(a, bool):
        return Decimal(a) == Decimal(b)
    return bool(a == b)


def is_candidate(version: ir.Rule, as_of: dt.date) -> bool:
    """Could this version govern an event of unknown date? The event happened by the review date
    (design §5: the evaluation date is what has happened by then), so a version that starts later
    cannot."""
    return version.valid_from is None or version.valid_from <= as_of


def candidate_versions(versions: Iterable[ir.Rule], as_of: dt.date) -> tuple[ir.Rule, ...]:
    """The versions that could govern an event of unknown date (see is_candidate)."""
    return tuple(r for r in versions if is_candidate(r, as_of))


def covers_until(versions: tuple[ir.Rule, ...], as_of: dt.date) -> bool:
    """Do the versions' windows, together, leave no day up to the review date on which none of them
    is in force?"""
    if not versions:
        return False
    spans = sorted(((r.valid_from or dt.date.min), (r.valid_until or dt.date.max)) for r in versions)
    if spans[0][0] != dt.date.min:
        return False
    reach = spans[0][1]
    for start, until in spans[1:]:
        if reach >= as_of:
            break
        if start > reach + dt.timedelta(days=1):
            return False
        reach = max(reach, until)
    return reach >= as_of


def _exception(node: ir.Node, v: Val) -> ExceptionCheck:
    """An exception defeats the rule only when it is established (default logic: unknown does not defeat)."""
    if v.value is True:
        return ExceptionCheck(node.text, "holds", v.decided, _EMPTY)
    if v.value is False:
        return ExceptionCheck(node.text, "does not hold", v.decided, _EMPTY)
    return ExceptionCheck(node.text, "not established", _EMPTY, v.missing)

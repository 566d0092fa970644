"""The three-valued evaluator: what each rule says about one case, and why.

Kleene logic throughout: a fact nobody stated is UNKNOWN, never false; `false and unknown` is
false, `true or unknown` is true, everything else with an unknown is unknown. Every value
carries the facts that decided it and the unknown facts that could still decide it, which is
where the "decided by", the "missing facts" and the ranked "facts to collect" come from.

An `Evaluator` owns everything it builds from one rule pack: the registry of fact names as bits,
every IR node as a Python closure, the generated code of whole expressions, a plan per rule id
and the shared NOT_APPLICABLE results. Nothing is kept at module level, so a process can hold
evaluators for several packs, and one evaluator serves any number of cases and threads (a case's
own state lives in its `Env`).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any, Literal, cast

from .. import ir
from ..functions import FUNCTIONS, Function
from ..readings import rule_under
from ..values import NULL, UNKNOWN, EvaluationError

_EMPTY: frozenset[str] = frozenset()
# the functions of the rule language from a date and a number (pure, costlier than a lookup), remembered by
# `Evaluator.remembered`: the number is mostly a constant of the rules, so the same arguments recur (two dates
# of the case, as in `months_between`, seldom do)
_CALENDAR = frozenset({"add_months", "add_days"})
ExceptionStatus = Literal["holds", "does not hold", "not established"]


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
    status: ExceptionStatus
    decided: frozenset[str]
    missing: frozenset[str]


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule's result for one case. Slotted: the evaluator's memos keep thousands of them (a result with a
    `__dict__` is about 960 bytes, slotted about 150), and memory must not grow with the number of cases."""

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


_new = object.__new__
# Each field's slot setter: the slot's own descriptor, which a frozen class's `__setattr__` does not guard.
_SETTERS = tuple(getattr(RuleResult, f).__set__ for f in RuleResult.__dataclass_fields__)


def _result(rule: ir.Rule, outcome: ir.Outcome, severity: ir.Severity | None, grade: int | None, reason: ir.Reason,
            decided: frozenset[str], missing: frozenset[str], exceptions: tuple[ExceptionCheck, ...] = (),
            judged_on: dt.date | None = None, judged_basis: str = "", versions_agree: bool = False) -> RuleResult:
    """`RuleResult(...)` without the frozen dataclass's `__init__`, which sets each of its eleven fields
    with a call of `object.__setattr__` (a third of the cost of a rule that is not applicable): each slot set
    through its descriptor, in field order, so the result is the same in every respect."""
    res: RuleResult = _new(RuleResult)
    for setter, value in zip(_SETTERS, (rule, outcome, severity, grade, reason, decided, missing, exceptions,
                                        judged_on, judged_basis, versions_agree)):
        setter(res, value)
    return res


# ---- explanations as bit masks ----------------------------------------------------------------
# Inside the evaluator a value is a pair (value, mask): the mask holds the facts that decided a known
# value, or the unknown facts that could decide an unknown one (a known value never has missing
# facts and an unknown one never has deciding facts, so one mask suffices). A fact name is one bit
# (numbered by the Evaluator); the union of explanations is an integer `|`, and names are produced
# only for the results.

U = UNKNOWN
Pair = tuple[Any, int]  # (value, mask)
PairFn = Callable[["Env"], Pair]
Impls = Mapping[str, Callable[..., Any]]  # function name -> implementation on known, non-null values


class Env:
    """The facts of one case, the derived facts (computed on first use) and the results of rules so far."""

    __slots__ = ("_done", "_results", "as_of", "derived", "ev", "facts", "fired_missing", "given_derived", "hot", "kind",
                 "stated")

    def __init__(self, ev: Evaluator, facts: Mapping[str, Any], as_of: dt.date,
                 stated: frozenset[str] | None = None, hot: bool = False) -> None:
        self.ev = ev
        self.facts = facts
        self.as_of = as_of
        self.stated = stated  # facts the record mentions (None: treat every rule as relevant)
        self.hot = hot  # a batch: use the generated code (worth compiling only after some cases)
        kind = facts.get("record_type")
        self.kind: str | None = kind if isinstance(kind, str) else None
        self.derived: dict[str, Pair] = {}  # name -> (value, mask)
        self._results: dict[str, RuleResult] | None = None  # `results`, once asked for
        self._done: Sequence[RuleResult] = ()  # the results of `Evaluator.evaluate`, one per rule id, in its order
        self.given_derived: frozenset[str] = _EMPTY
        self.fired_missing: dict[str, tuple[bool, bool, int]] = {}  # rule id -> (fired, quiet, missing mask)

    @property
    def results(self) -> dict[str, RuleResult]:
        """The results of the case's rules by rule id (empty until `Evaluator.evaluate` has run them). Made
        when first asked for: most cases of a batch never look a result up by id, and the dict of every
        rule id of the pack would cost each of them as much as a rule."""
        out = self._results
        if out is None:
            out = self._results = dict(zip(self.ev.ids, self._done))
        return out

    def finish(self, done: Sequence[RuleResult]) -> None:
        """Record the results of every rule id (`Evaluator.evaluate`), in the order of `Evaluator.ids`."""
        if self._results is None:
            self._done = done
        else:  # (already asked for: the same dict, completed)
            self._results.update(zip(self.ev.ids, done))

    @property
    def defines(self) -> Mapping[str, ir.Define]:
        return self.ev.defines

    def lookup(self, name: str) -> Val:
        """A fact or derived fact with its explanation; a definition is computed once, when first needed."""
        return self.ev.val(self.pair(name))

    def value(self, name: str) -> Any:
        return self.pair(name)[0]

    def pair(self, name: str) -> Pair:
        v = self.derived.get(name)
        if v is not None:
            return v
        if name in self.ev.defines:
            return self.derive(name)
        return (self.facts.get(name, U), self.ev.bit(name))

    def derive(self, name: str) -> Pair:
        ev = self.ev
        return derive(self, name, ev.define_fn(name, self.hot), ev.bit(name), ev.defines[name].in_vocabulary)


def derive(env: Env, name: str, fn: PairFn, bit: int, in_vocabulary: bool) -> Pair:
    """A definition's value on the case (`fn` computes it), remembered; stated in the case, it is taken as stated."""
    stated = env.facts.get(name, U) if in_vocabulary else U
    v: Pair
    if stated is not U:
        v = (stated, bit)
    else:
        cv, cm = fn(env)
        # a computed value is decided by the definition; an unknown one misses what it misses
        v = (cv, bit) if cv is not U else (U, cm | (bit if in_vocabulary else 0))
    env.derived[name] = v
    return v


# ---- expressions as closures ------------------------------------------------------------------


def _or_masks(masks: Iterable[int]) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def _divide(x: Any, y: Any) -> Any:
    try:
        r = Decimal(x) / Decimal(y)
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return NULL  # no rate without a base: a known absence, not an unknown
    return int(r) if r == r.to_integral_value() else r


_ARITH: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide}
_ORDER: dict[str, Callable[[Any, Any], Any]] = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


_FAILS = (OverflowError, ValueError, ArithmeticError)  # a function of the rule language without an answer


def guarded(fn: Function, impl: Callable[..., Any], n: ir.Call) -> Callable[..., Any]:
    """A function of the rule language that has no answer on this case (a date beyond the calendar, a
    number too large) is an error of the rule on this case, with the rule's line, never a crash."""
    def call(*args: Any) -> Any:
        try:
            return impl(*args)
        except _FAILS as exc:
            if fn.signature.result == "date":
                detail = f"{n.func} by {args[-1]}" if len(args) == 2 else n.func
                raise EvaluationError(f"`{n.text}` gives no date in the calendar on this case ({detail})", n.line) from None
            raise EvaluationError(f"`{n.text}` has no value on this case ({n.func}: {exc})", n.line) from None
    return call


def _strict(fns: tuple[PairFn, ...], op: Callable[..., Any]) -> PairFn:
    """Unknown if any operand is (missing: theirs), null if any is null, else op(values)."""
    if len(fns) == 1:
        f0 = fns[0]

        def one(env: Env) -> Pair:
            v, m = f0(env)
            if v is U:
                return (U, m)
            if v is NULL:
                return (NULL, m)
            return (op(v), m)
        return one
    if len(fns) == 2:
        f0, f1 = fns

        def two(env: Env) -> Pair:
            a, ma = f0(env)
            b, mb = f1(env)
            if a is U or b is U:
                return (U, (ma if a is U else 0) | (mb if b is U else 0))
            if a is NULL or b is NULL:
                return (NULL, ma | mb)
            return (op(a, b), ma | mb)
        return two

    def many(env: Env) -> Pair:
        pairs = [f(env) for f in fns]
        if any(v is U for v, _ in pairs):
            return (U, _or_masks(m for v, m in pairs if v is U))
        mask = _or_masks(m for _, m in pairs)
        if any(v is NULL for v, _ in pairs):
            return (NULL, mask)
        return (op(*[v for v, _ in pairs]), mask)
    return many


def _skipping(fns: tuple[PairFn, ...], op: Callable[..., Any]) -> PairFn:
    """Unknown if any operand is; null operands are left out (a null bound, "no maximum", does not
    bind), null only when every one is."""
    def bound(env: Env) -> Pair:
        pairs = [f(env) for f in fns]
        if any(v is U for v, _ in pairs):
            return (U, _or_masks(m for v, m in pairs if v is U))
        mask = _or_masks(m for _, m in pairs)
        present = [v for v, _ in pairs if v is not NULL]
        if not present:
            return (NULL, mask)
        return (op(*present), mask)
    return bound


class _Closures:
    """Compiles IR nodes into closures returning (value, mask), each node once (`cache`), with the
    functions of the rule language taken from `impls` (by default the registry's own)."""

    def __init__(self, ev: Evaluator, impls: Impls | None = None) -> None:
        self.ev = ev
        self.impls = impls
        self.cache: dict[int, tuple[ir.Node, PairFn]] = {}  # id(node) -> (node, closure); the node is kept alive

    def __call__(self, n: ir.Node) -> PairFn:
        hit = self.cache.get(id(n))
        if hit is not None and hit[0] is n:
            return hit[1]
        fn = self._compile(n)
        self.cache[id(n)] = (n, fn)
        return fn

    def impl(self, name: str) -> Callable[..., Any]:
        own = self.impls.get(name) if self.impls is not None else None
        return own if own is not None else FUNCTIONS[name].evaluate

    def _compile(self, n: ir.Node) -> PairFn:
        c = self
        ev = self.ev
        if isinstance(n, ir.Const):
            const = (n.value, 0)
            return lambda env: const
        if isinstance(n, ir.Fact):
            name = n.name
            if name in ev.defines:
                def derived(env: Env) -> Pair:
                    d = env.derived.get(name)
                    return d if d is not None else env.derive(name)
                return derived
            b = ev.bit(name)
            return lambda env: (env.facts.get(name, U), b)
        if isinstance(n, ir.EvalDate):
            eb = ev.bit("evaluation_date")
            return lambda env: (env.as_of, eb)
        if isinstance(n, (ir.And, ir.Or)):
            fns = tuple(c(o) for o in n.operands)
            decisive = isinstance(n, ir.Or)  # the value that settles the whole: false for `and`, true for `or`
            other = not decisive

            def boolop(env: Env) -> Pair:
                hit = known = unknown = 0
                settled = False
                open_ = False
                for g in fns:
                    v, m = g(env)
                    if v is decisive:
                        settled = True
                        hit |= m
                    elif v is U:
                        open_ = True
                        unknown |= m
                    else:
                        known |= m
                if settled:
                    return (decisive, hit)
                if open_:
                    return (U, unknown)
                return (other, known)
            return boolop
        if isinstance(n, ir.Not):
            inner = c(n.operand)

            def negate(env: Env) -> Pair:
                v, m = inner(env)
                return (v, m) if v is U else (not v, m)
            return negate
        if isinstance(n, ir.Cmp):
            return _cmp(n.op, c(n.left), c(n.right))
        if isinstance(n, ir.Fires):
            rid = n.rule
            ref = ev.bit("rule:" + rid)

            def fires(env: Env) -> Pair:
                hit = env.fired_missing.get(rid)
                if hit is None:
                    return (False, ref)
                fired, quiet, missing = hit
                if fired:
                    return (True, ref)
                if quiet:
                    return (False, ref)
                return (U, missing)
            return fires
        if isinstance(n, ir.In):
            return _member(c(n.element), c(n.container), operator.contains, swap=True)
        if isinstance(n, ir.Subset):
            return _member(c(n.left), c(n.right), lambda x, y: frozenset(x) <= frozenset(y), swap=False)
        if isinstance(n, ir.Is):
            return _is(c(n.operand), n.test)
        if isinstance(n, ir.Otherwise):
            left_f, right_f = c(n.left), c(n.right)

            def otherwise(env: Env) -> Pair:
                a = left_f(env)
                if a[0] is not U:
                    return a
                b = right_f(env)
                if b[0] is not U:
                    return b
                return (U, a[1] | b[1])
            return otherwise
        if isinstance(n, ir.Neg):
            return _strict((c(n.operand),), operator.neg)
        if isinstance(n, ir.Arith):
            return _strict((c(n.left), c(n.right)), _ARITH[n.op])
        if isinstance(n, ir.Diff):
            return _diff(c(n.left), c(n.right))
        if isinstance(n, ir.If):
            return _if(c(n.cond), c(n.then), c(n.orelse))
        if isinstance(n, ir.Call):
            fn = FUNCTIONS[n.func]
            args = tuple(c(a) for a in n.args)
            impl = guarded(fn, self.impl(n.func), n)
            return _skipping(args, impl) if fn.nulls == "skip" else _strict(args, impl)
        raise TypeError(f"no evaluation for {type(n).__name__}")  # pragma: no cover - every IR node is handled above


def _cmp(op: ir.CmpOp, left: PairFn, right: PairFn) -> PairFn:
    order = _ORDER.get(op)

    def cmp(env: Env) -> Pair:
        a, ma = left(env)
        b, mb = right(env)
        if a is U or b is U:
            return (U, (ma if a is U else 0) | (mb if b is U else 0))
        if op == "==":
            return (a == b, ma | mb)
        if op == "!=":
            return (a != b, ma | mb)
        if a is NULL or b is NULL:
            return (False, ma | mb)
        assert order is not None  # an ordering operator
        return (bool(order(a, b)), ma | mb)
    return cmp


def _member(left: PairFn, right: PairFn, test: Callable[[Any, Any], bool], swap: bool) -> PairFn:
    """`element in container` (swap: the container is tested for the element) or `a subset of b`."""
    def member(env: Env) -> Pair:
        a, ma = left(env)
        b, mb = right(env)
        if a is U or b is U:
            return (U, (ma if a is U else 0) | (mb if b is U else 0))
        if a is NULL or b is NULL:
            return (False, ma | mb)
        return (bool(test(b, a) if swap else test(a, b)), ma | mb)
    return member


def _is(inner: PairFn, test: ir.IsTest) -> PairFn:
    def is_(env: Env) -> Pair:
        v, m = inner(env)
        if test == "known":
            return (v is not U, m)
        if test == "unknown":
            return (v is U, m)
        if v is U:
            return (v, m)
        if test == "null":
            return (v is NULL, m)
        return (v is NULL or len(v) == 0, m)  # empty
    return is_


def _diff(left: PairFn, right: PairFn) -> PairFn:
    def diff(env: Env) -> Pair:
        a, ma = left(env)
        b, mb = right(env)
        if a is U or b is U:
            return (U, (ma if a is U else 0) | (mb if b is U else 0))
        lhs = frozenset() if a is NULL else frozenset(a)
        rhs = frozenset() if b is NULL else frozenset(b)
        return (lhs - rhs, ma | mb)
    return diff


def _if(cond: PairFn, then: PairFn, orelse: PairFn) -> PairFn:
    def if_(env: Env) -> Pair:
        c, mc = cond(env)
        if c is U:
            a, ma = then(env)
            b, mb = orelse(env)
            if a is not U and b is not U and a == b:
                return (a, ma | mb)
            return (U, mc | (ma if a is U else 0) | (mb if b is U else 0))
        v, m = then(env) if c else orelse(env)
        if v is U:
            return (U, m)
        return (v, m | mc)
    return if_


# ---- whole expressions as generated Python -------------------------------------------------------
# The closures above call one another per node. For the expressions a rule or a definition starts
# from, the common node types (constants, facts, the evaluation date, and/or/not, comparisons,
# `is`, `otherwise`, membership in a constant set, `RULE fires`, + - *, negation, the functions of
# the rule language, if) are also written out as one straight-line Python function, so that a case
# costs a handful of local-variable operations per node instead of a call and a tuple. The
# generated code follows the closures line by line; every other node type is left to its closure.
# `tests/test_generated.py` compares the two on every expression of the bundled pack.


class _Gen:
    def __init__(self, ev: Evaluator) -> None:
        self.ev = ev
        self.lines: list[str] = []
        self.names: dict[str, Any] = {"U": U, "NULL": NULL}
        self.count = 0

    def const(self, value: Any) -> str:
        self.count += 1
        key = f"k{self.count}"
        self.names[key] = value
        return key

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def strict(self, ind: int, v: str, m: str, operands: list[tuple[str, str]]) -> None:
        """Unknown if an operand is (its missing facts), null if one is null; the caller adds the `else:`."""
        unknown = " or ".join(f"{ov} is U" for ov, _ in operands)
        self.emit(ind, f"if {unknown}: {v} = U; {m} = " + " | ".join(f"({om} if {ov} is U else 0)" for ov, om in operands))
        null = " or ".join(f"{ov} is NULL" for ov, _ in operands)
        self.emit(ind, f"elif {null}: {v} = NULL; {m} = {' | '.join(om for _, om in operands)}")

    def node(self, n: ir.Node, ind: int) -> tuple[str, str]:
        """Emit code that leaves the node's value and mask in two fresh locals; return their names."""
        self.count += 1
        i = self.count
        v, m = f"v{i}", f"m{i}"
        ev = self.ev
        if isinstance(n, ir.Const):
            self.emit(ind, f"{v} = {self.const(n.value)}; {m} = 0")
        elif isinstance(n, ir.Fact):
            name = self.const(n.name)
            if n.name in ev.defines:
                # `derive`, written out: a definition's own generated function, its value remembered
                dfn, bit = self.const(ev.define_fn(n.name, True)), self.const(ev.bit(n.name))
                self.emit(ind, f"{v} = D.get({name})")
                self.emit(ind, f"if {v} is None:")
                if ev.defines[n.name].in_vocabulary:  # stated in the case: taken as stated
                    self.emit(ind + 1, f"{v} = F.get({name}, U)")
                    self.emit(ind + 1, f"if {v} is not U: {v} = ({v}, {bit})")
                    self.emit(ind + 1, "else:")
                    self.emit(ind + 2, f"{v}, {m} = {dfn}(env)")
                    self.emit(ind + 2, f"{v} = ({v}, {bit}) if {v} is not U else (U, {m} | {bit})")
                else:
                    self.emit(ind + 1, f"{v}, {m} = {dfn}(env)")
                    self.emit(ind + 1, f"{v} = ({v}, {bit}) if {v} is not U else (U, {m})")
                self.emit(ind + 1, f"D[{name}] = {v}")
                self.emit(ind, f"{v}, {m} = {v}")
            else:  # a plain fact (the evaluator of this pack never derives it)
                self.emit(ind, f"{v} = F.get({name}, U); {m} = {self.const(ev.bit(n.name))}")
        elif isinstance(n, (ir.And, ir.Or)):
            decisive = "True" if isinstance(n, ir.Or) else "False"
            other = "False" if isinstance(n, ir.Or) else "True"
            parts = [self.node(o, ind) for o in n.operands]
            self.emit(ind, f"h{i} = k{i}_ = u{i} = 0; s{i} = o{i} = False")
            for pv, pm in parts:
                self.emit(ind, f"if {pv} is {decisive}: s{i} = True; h{i} |= {pm}")
                self.emit(ind, f"elif {pv} is U: o{i} = True; u{i} |= {pm}")
                self.emit(ind, f"else: k{i}_ |= {pm}")
            self.emit(ind, f"if s{i}: {v} = {decisive}; {m} = h{i}")
            self.emit(ind, f"elif o{i}: {v} = U; {m} = u{i}")
            self.emit(ind, f"else: {v} = {other}; {m} = k{i}_")
        elif isinstance(n, ir.Not):
            pv, pm = self.node(n.operand, ind)
            self.emit(ind, f"{m} = {pm}; {v} = {pv} if {pv} is U else (not {pv})")
        elif isinstance(n, ir.Cmp) and isinstance(n.right, ir.Const) and n.right.value is not U and n.right.value is not NULL:
            # against a constant (`record_type == policy_instrument`): only the left side can be unknown or null
            a, ma = self.node(n.left, ind)
            b, op = self.const(n.right.value), n.op
            self.emit(ind, f"if {a} is U: {v} = U; {m} = {ma}")
            if op in ("==", "!="):
                self.emit(ind, f"else: {v} = {a} {op} {b}; {m} = {ma}")
            else:
                self.emit(ind, f"elif {a} is NULL: {v} = False; {m} = {ma}")
                self.emit(ind, f"else: {v} = bool({a} {op} {b}); {m} = {ma}")
        elif isinstance(n, ir.Cmp):
            a, ma = self.node(n.left, ind)
            b, mb = self.node(n.right, ind)
            op = n.op
            self.emit(ind, f"if {a} is U or {b} is U: {v} = U; {m} = ({ma} if {a} is U else 0) | ({mb} if {b} is U else 0)")
            if op in ("==", "!="):
                self.emit(ind, f"else: {v} = {a} {op} {b}; {m} = {ma} | {mb}")
            else:
                self.emit(ind, f"elif {a} is NULL or {b} is NULL: {v} = False; {m} = {ma} | {mb}")
                self.emit(ind, f"else: {v} = bool({a} {op} {b}); {m} = {ma} | {mb}")
        elif isinstance(n, ir.Is) and n.test in ("known", "unknown", "null"):
            pv, pm = self.node(n.operand, ind)
            if n.test == "known":
                self.emit(ind, f"{v} = {pv} is not U; {m} = {pm}")
            elif n.test == "unknown":
                self.emit(ind, f"{v} = {pv} is U; {m} = {pm}")
            else:
                self.emit(ind, f"{m} = {pm}; {v} = U if {pv} is U else ({pv} is NULL)")
        elif isinstance(n, ir.Otherwise):
            a, ma = self.node(n.left, ind)
            self.emit(ind, f"if {a} is not U: {v} = {a}; {m} = {ma}")
            self.emit(ind, "else:")
            b, mb = self.node(n.right, ind + 1)
            self.emit(ind + 1, f"if {b} is not U: {v} = {b}; {m} = {mb}")
            self.emit(ind + 1, f"else: {v} = U; {m} = {ma} | {mb}")
        elif isinstance(n, ir.In) and isinstance(n.container, ir.Const) and isinstance(n.container.value, frozenset):
            e, me = self.node(n.element, ind)
            members = self.const(n.container.value)
            self.emit(ind, f"if {e} is U: {v} = U; {m} = {me}")
            self.emit(ind, f"elif {e} is NULL: {v} = False; {m} = {me}")
            self.emit(ind, f"else: {v} = {e} in {members}; {m} = {me}")
        elif isinstance(n, ir.EvalDate):
            self.emit(ind, f"{v} = env.as_of; {m} = {self.const(ev.bit('evaluation_date'))}")
        elif isinstance(n, ir.Fires):
            rid, ref = self.const(n.rule), self.const(ev.bit("rule:" + n.rule))
            self.emit(ind, f"h{i} = env.fired_missing.get({rid})")
            self.emit(ind, f"if h{i} is None or h{i}[0] or h{i}[1]: {v} = h{i} is not None and h{i}[0]; {m} = {ref}")
            self.emit(ind, f"else: {v} = U; {m} = h{i}[2]")
        elif isinstance(n, ir.Arith) and n.op in ("+", "-", "*"):
            operands = [self.node(n.left, ind), self.node(n.right, ind)]
            self.strict(ind, v, m, operands)
            self.emit(ind, f"else: {v} = {operands[0][0]} {n.op} {operands[1][0]}; {m} = {' | '.join(om for _, om in operands)}")
        elif isinstance(n, ir.Neg):
            operands = [self.node(n.operand, ind)]
            self.strict(ind, v, m, operands)
            self.emit(ind, f"else: {v} = -{operands[0][0]}; {m} = {operands[0][1]}")
        elif isinstance(n, ir.Call):
            # the implementation called directly (a calendar one remembered, `Evaluator.remembered`); only
            # when it fails, through `guarded` (pure: it fails again, and `guarded` words the rule's error;
            # a TypeError of the remembered one may be an argument that cannot be a key: `guarded` has none)
            fn = FUNCTIONS[n.func]
            raw = ev.closures.impl(n.func)
            fast = ev.remembered(n.func)
            impl, safe = self.const(fast), self.const(guarded(fn, raw, n))
            fails = self.const(_FAILS if fast is raw else (*_FAILS, TypeError))
            operands = [self.node(a, ind) for a in n.args]
            values = ", ".join(ov for ov, _ in operands)
            masks = " | ".join(om for _, om in operands)
            if fn.nulls == "skip":  # null operands do not bind; null only when every one is
                unknown = " or ".join(f"{ov} is U" for ov, _ in operands)
                self.emit(ind, f"if {unknown}: {v} = U; {m} = " + " | ".join(f"({om} if {ov} is U else 0)" for ov, om in operands))
                self.emit(ind, "else:")
                self.emit(ind + 1, f"{m} = {masks}; p{i} = ()")
                for ov, _ in operands:
                    self.emit(ind + 1, f"if {ov} is not NULL: p{i} += ({ov},)")
                self.emit(ind + 1, f"try: {v} = {impl}(*p{i}) if p{i} else NULL")
                self.emit(ind + 1, f"except {fails}: {v} = {safe}(*p{i})")
            else:
                self.strict(ind, v, m, operands)
                self.emit(ind, "else:")
                self.emit(ind + 1, f"try: {v} = {impl}({values})")
                self.emit(ind + 1, f"except {fails}: {v} = {safe}({values})")
                self.emit(ind + 1, f"{m} = {masks}")
        elif isinstance(n, ir.If):
            c, mc = self.node(n.cond, ind)
            self.emit(ind, f"if {c} is U:")
            a, ma = self.node(n.then, ind + 1)
            b, mb = self.node(n.orelse, ind + 1)
            self.emit(ind + 1, f"if {a} is not U and {b} is not U and {a} == {b}: {v} = {a}; {m} = {ma} | {mb}")
            self.emit(ind + 1, f"else: {v} = U; {m} = {mc} | ({ma} if {a} is U else 0) | ({mb} if {b} is U else 0)")
            for head, branch in ((f"elif {c}:", n.then), ("else:", n.orelse)):
                self.emit(ind, head)
                bv, bm = self.node(branch, ind + 1)
                self.emit(ind + 1, f"if {bv} is U: {v} = U; {m} = {bm}")
                self.emit(ind + 1, f"else: {v} = {bv}; {m} = {bm} | {mc}")
        else:  # every other node: its closure
            self.emit(ind, f"{v}, {m} = {self.const(ev.closures(n))}(env)")
        return v, m


def _generate(n: ir.Node, ev: Evaluator) -> PairFn:
    g = _Gen(ev)
    v, m = g.node(n, 1)
    source = "\n".join(["def expression(env):", "    D = env.derived; F = env.facts", *g.lines,
                         f"    return ({v}, {m})"])
    namespace: dict[str, Any] = dict(g.names)
    exec(compile(source, f"<normcheck expression: {n.text[:60]!r}>", "exec"), namespace)
    fn: PairFn = namespace["expression"]
    return fn


def _generate_rule(ver: _Version, ev: Evaluator) -> RuleFn:
    """A whole rule as one generated function, line by line what `_rule` and `_decide` do: the gates,
    the scope, grades and exceptions written out as in `_generate` (no call per expression), and the
    choice of the result unrolled over the rule's grades (their ranks, levels and severities are
    constants: the grade that wins is the first true one in the order of rank).

    Each place that returns a result (`_Sites`) gives it by what it depends on: the masks of its deciding
    and missing facts, the exceptions' statuses and masks, the event date and its basis. The same ones
    recur from case to case, so the result made for them is remembered (results are immutable, and the
    NOT_APPLICABLE ones are shared already)."""
    rule = ver.rule
    g = _Gen(ev)
    r = g.const(rule)
    sites = _Sites(ev, rule)
    g.names.update(quiet=ev._quiet_result, M=sites.memo, made=sites.made, U=U, EMPTY=_EMPTY)
    emit = g.emit

    def ret(ind: int, outcome: ir.Outcome, severity: ir.Severity | None, grade: int | None, reason: ir.Reason,
            decided: str, missing: str, exc: str = "exc") -> None:
        n = sites.add(outcome, severity, grade, reason)
        key = f"{n}, {decided}, {missing}, {exc}, judged_on, judged_on.__class__, basis"
        emit(ind, f"return M.get(({key})) or made({key})")
    if ver.kinds is not None:
        emit(1, f"if env.kind is not None and env.kind not in {g.const(ver.kinds)}: return quiet({r}, 'record_type', judged_on, basis)")
    if ver.gate:
        emit(1, f"if env.stated is not None and env.stated.isdisjoint({g.const(ver.gate)}): return quiet({r}, 'no_facts', judged_on, basis)")
    sv, sm = "True", "0"
    if rule.applies is not None:
        sv, sm = g.node(rule.applies, 1)
        emit(1, f"if {sv} is False:")
        ret(2, _NA, None, None, "out_of_scope", f"{sm} | also", "0", "()")
        if ver.scope_gate:
            emit(1, f"if {sv} is U and env.stated is not None and env.stated.isdisjoint({g.const(ver.scope_gate)}): "
                    f"return quiet({r}, 'scope_not_mentioned', judged_on, basis)")
    grades = [g.node(x.expr, 1) for x in rule.grades]
    unless = [g.node(x, 1) for x in rule.unless]
    emit(1, f"s_dec = also if {sv} is U else {sm} | also; s_miss = {sm} if {sv} is U else 0")
    emit(1, "holds = exc_dec = open_exc = 0; held = False")
    # an exception's status as a number (`_Sites.checks`): 0 holds, 1 does not hold, 2 unknown, 3 neither
    for j, (xv, xm) in enumerate(unless):
        emit(1, f"if {xv} is True: e{j} = 0; holds |= {xm}; held = True; exc_dec |= {xm}")
        emit(1, f"elif {xv} is False: e{j} = 1; exc_dec |= {xm}")
        emit(1, f"elif {xv} is U: e{j} = 2; open_exc |= {xm}")
        emit(1, f"else: e{j} = 3")
        sites.texts.append(rule.unless[j].text)
    emit(1, "exc = (" + "".join(f"e{j}, {xm}, " for j, (_, xm) in enumerate(unless)) + ")")
    if unless:
        emit(1, "if held:")
        ret(2, _NA, None, None, "exception_holds", "s_dec | holds", "0")
    by_rank = sorted(range(len(grades)), key=lambda i: (tuple(-x for x in ver.ranks[i]), i))
    for n, i in enumerate(by_rank):
        gv, gm = grades[i]
        grade = rule.grades[i]
        level, severity = grade.level, grade.severity
        higher = [grades[k] for k in range(len(grades)) if ver.ranks[k] > ver.ranks[i]]
        could = " | ".join([f"({hm} if {hv} is U else 0)" for hv, hm in higher] + ["open_exc"]
                           + (["date_missing"] if grade.level == "INSUFFICIENT_DATA" else []))
        emit(1, f"{'if' if n == 0 else 'elif'} {gv} is True:")
        emit(2, f"if {sv} is True:")
        ret(3, level, severity, i, "fires", f"s_dec | {gm} | exc_dec", could)
        ret(2, "INSUFFICIENT_DATA", severity, i, "scope_unknown", f"{gm} | also", "s_miss | date_missing")
    emit(1, "missing = " + (" | ".join(f"({gm} if {gv} is U else 0)" for gv, gm in grades) or "0"))  # (a reading may leave no grade)
    emit(1, "decided = " + (" | ".join(f"({gm} if {gv} is not U else 0)" for gv, gm in grades) or "0"))
    by_severity = sorted(range(len(grades)), key=lambda i: (-ir.SEVERITY_RANK[rule.grades[i].severity], i))
    for n, i in enumerate(by_severity):
        emit(1, f"{'if' if n == 0 else 'elif'} {grades[i][0]} is U:")
        ret(2, "INSUFFICIENT_DATA", rule.grades[i].severity, None, "condition_unknown", "s_dec | decided",
            "missing | s_miss | date_missing")
    emit(1, f"if {sv} is not U:")
    ret(2, "OK", None, None, "condition_false", "s_dec | decided", "0")
    ret(1, "OK", None, None, "condition_false_scope_unknown", "s_dec | decided", "0")
    source = "\n".join(["def rule(env, judged_on, basis, also, date_missing):", "    D = env.derived; F = env.facts", *g.lines])
    namespace: dict[str, Any] = dict(g.names)
    exec(compile(source, f"<normcheck rule {rule.key}>", "exec"), namespace)
    fn: RuleFn = namespace["rule"]
    return fn


# an exception's value by the status number its generated code records: holds, does not hold, unknown, neither
_STATUS_VALUE: tuple[Any, ...] = (True, False, U, NULL)


def _exception_check(text: str, value: Any, mask: int, names: Callable[[int], frozenset[str]]) -> ExceptionCheck:
    """How an exception (`unless`) stands on a case, from its three-valued value and its facts' mask."""
    if value is True:
        return ExceptionCheck(text, "holds", names(mask), _EMPTY)
    if value is False:
        return ExceptionCheck(text, "does not hold", names(mask), _EMPTY)
    return ExceptionCheck(text, "not established", _EMPTY, names(mask) if value is U else _EMPTY)


class _Sites:
    """The places where a rule's generated code returns a result, and the results made there so far, by
    what they depend on: (place, deciding mask, missing mask, exceptions (status, mask, ...), event date
    and its type (a date is never equal to a number, but 1 and True are), basis)."""

    def __init__(self, ev: Evaluator, rule: ir.Rule) -> None:
        self.ev = ev
        self.rule = rule
        self.texts: list[str] = []  # the exceptions' texts
        self.sites: list[tuple[ir.Outcome, ir.Severity | None, int | None, ir.Reason]] = []
        self.memo: dict[tuple[Any, ...], RuleResult] = {}

    def add(self, outcome: ir.Outcome, severity: ir.Severity | None, grade: int | None, reason: ir.Reason) -> int:
        """A new place returning this result; its number."""
        self.sites.append((outcome, severity, grade, reason))
        return len(self.sites) - 1

    def checks(self, exc: tuple[int, ...]) -> tuple[ExceptionCheck, ...]:
        """The exceptions' checks from their statuses and masks (the status numbers the value: see
        `_STATUS_VALUE`)."""
        names = self.ev.names
        return tuple(_exception_check(text, _STATUS_VALUE[status], mask, names)
                     for text, status, mask in zip(self.texts, exc[::2], exc[1::2]))

    def made(self, n: int, decided: int, missing: int, exc: tuple[int, ...], judged_on: dt.date | None,
             judged_type: type, basis: str) -> RuleResult:
        """The result of place `n`, made and remembered (a long-running server forgets now and then)."""
        outcome, severity, grade, reason = self.sites[n]
        names = self.ev.names
        res = _result(self.rule, outcome, severity, grade, reason, names(decided), names(missing), self.checks(exc),
                      judged_on, basis)
        if len(self.memo) >= 256:  # (a result per event date, say: some 150 kB at most)
            self.memo.clear()
        self.memo[(n, decided, missing, exc, judged_on, judged_type, basis)] = res
        return res


# ---- rules ------------------------------------------------------------------------------------

_NA: ir.Outcome = "NOT_APPLICABLE"

# Generating code costs more than evaluating a few cases with the closures: an evaluator switches to
# the generated code after this many cases (a one-case run never pays for it).
HOT_AFTER = 40


@dataclass(frozen=True)
class _Plan:
    """How to evaluate one rule id, worked out once per pack."""

    rid: str
    versions: tuple[ir.Rule, ...]
    gate: frozenset[str] | None  # the facts of its family, when every version has the same (else None)
    judged: bool  # picked by the date of an event (`judged on`)
    referenced: bool  # another rule says `RULE fires`
    kinds: frozenset[str] | None  # the record types its family concerns (None: any)


_QUIET_REASONS = frozenset({"record_type", "no_facts", "scope_not_mentioned"})
_EVALUATION_DATE = frozenset({"evaluation_date"})


@dataclass(slots=True)
class _Version:
    """One version of a rule compiled for one mode (closures, or in a batch the generated code):
    everything `_rule` needs that does not depend on the case, worked out once. With closures, the
    functions of the scope, grades and exceptions are compiled when the version is first evaluated
    (`ready`; `Evaluator._ready`): a case evaluates one version of a rule id, often none (a family the
    record does not mention, a version not in force on the event date)."""

    rule: ir.Rule
    kinds: frozenset[str] | None  # the record types its family concerns (None: any)
    gate: frozenset[str]  # the facts of its family (empty: no gate)
    scope_gate: frozenset[str]  # the facts its scope reads (empty: no gate)
    applies: PairFn | None
    grades: tuple[PairFn, ...]
    unless: tuple[PairFn, ...]
    ranks: tuple[tuple[int, int], ...]  # the grades' ranks
    valid_from: dt.date | None
    valid_until: dt.date | None
    run: RuleFn | None = None  # in a batch: the whole rule as one generated function (`_generate_rule`)
    ready: bool = True  # are applies, grades and unless compiled (False: not yet, `Evaluator._ready`)


RuleFn = Callable[["Env", "dt.date | None", str, int, int], "RuleResult"]  # env, judged_on, basis, also_decided, date_missing
_Layout = tuple[tuple["RuleResult | None", ...], tuple[tuple[int, "ir.Reason | None", int, "_Group | None"], ...]]


class _PlanCode:
    """One rule id compiled for one mode: its versions, the event date that picks one (`judged on`),
    and per review date the versions that could govern an event of unknown date."""

    __slots__ = ("basis", "candidates", "direct", "referenced", "rid", "timeless", "versions", "when")

    def __init__(self, rid: str, versions: tuple[_Version, ...], when: PairFn | None, basis: str, referenced: bool) -> None:
        self.rid = rid
        self.versions = versions
        self.when = when
        self.basis = basis
        self.referenced = referenced
        self.candidates: dict[dt.date, tuple[tuple[_Version, ...], bool]] = {}  # as_of -> (candidates, gap)
        # one version without a window: the candidate for any event of unknown date, leaving no gap
        only = versions[0] if len(versions) == 1 else None
        self.timeless = only if only is not None and only.valid_from is None and only.valid_until is None else None
        self.direct = _direct(self)


def _direct(code: _PlanCode) -> Callable[[Env, Pair | None], RuleResult] | None:
    """`Evaluator._run(code, env, date)` as one call of the generated code, for the two kinds of rule id
    most have: no event date (its one version, as `_run`), or one version without a window (whatever the
    event date, that version, judged on the date when it is known, open on it when it is unknown). None
    for any other (several versions, a window) or without generated code: `_run` decides."""
    run = code.versions[0].run
    if run is None:
        return None
    when, basis = code.when, code.basis
    if when is None:
        def undated(env: Env, date: Pair | None) -> RuleResult:
            return run(env, None, "", 0, 0)
        return undated
    if code.timeless is None:
        return None

    def dated(env: Env, date: Pair | None) -> RuleResult:
        wv, wm = date if date is not None else when(env)
        if wv is not U and wv is not NULL:
            return run(env, wv, basis, wm, 0)
        return run(env, None, basis, 0, wm if wv is U else 0)
    return dated


class _Group:
    """Rule ids that share an event date and are NOT_APPLICABLE on some kind of case whatever their
    version (`Evaluator._run_group`)."""

    __slots__ = ("members", "memo", "referenced", "runs")

    def __init__(self, members: tuple[tuple[int, ir.Reason], ...], referenced: tuple[tuple[int, str], ...]) -> None:
        self.members = members  # (plan, reason), in the order of the plans
        self.referenced = referenced  # (index in members, rule id) of those another rule says `fires` of
        # (date, its mask, review date) -> the members' results, cut in `runs`, and what `RULE fires` reads
        # of the referenced ones
        self.memo: dict[tuple[Any, int, dt.date], tuple[tuple[tuple[int, int, tuple[RuleResult, ...]], ...],
                                                        tuple[tuple[str, tuple[bool, bool, int]], ...]]] = {}
        # the members as runs of consecutive plans, (first plan, after the last, index of the first in members):
        # a family's rule ids are mostly neighbours, and a run is copied into the results as one slice
        runs: list[tuple[int, int, int]] = []
        for n, (j, _reason) in enumerate(members):
            if runs and runs[-1][1] == j:
                runs[-1] = (runs[-1][0], j + 1, runs[-1][2])
            else:
                runs.append((j, j + 1, n))
        self.runs: tuple[tuple[int, int, int], ...] = tuple(runs)


class Evaluator:
    """A rule pack compiled for evaluation, and the caches that serve every case evaluated with it."""

    def __init__(self, pack: ir.RulePack) -> None:
        self.pack = pack
        self.defines: Mapping[str, ir.Define] = {d.name: d for d in pack.defines}
        self._lock = threading.Lock()
        # fact names as bits, and the names of masks already seen (the same explanations recur)
        self._bit: dict[str, int] = {}
        self._names: list[str] = []
        self._sets: dict[int, frozenset[str]] = {0: _EMPTY}
        self._masks: dict[frozenset[str], int] = {_EMPTY: 0}  # the other way round
        self.closures = _Closures(self)
        self._generated: dict[int, tuple[ir.Node, PairFn]] = {}
        self._functions: dict[str, Callable[..., Any]] = {}  # `remembered`
        self._define_fns: dict[tuple[str, bool], PairFn] = {}
        # (id, version, reading, hot) -> the compiled versions of the rule objects seen with that key (a run
        # under `--reading` has the pack's rule under a reading, and its report builds the same rule again)
        self._versions: dict[tuple[str, str | None, str, bool], list[_Version]] = {}
        self._codes: dict[bool, list[_PlanCode | None]] = {}  # hot -> per plan, built when first needed
        self._id_codes: dict[tuple[str, str, bool], tuple[tuple[ir.Rule, ...], _PlanCode]] = {}  # evaluate_id's
        self._layouts: dict[tuple[str | None, int], _Layout] = {}  # (record type, families mentioned) -> layout
        self._under: dict[tuple[str, str], tuple[ir.Rule, ir.Rule]] = {}  # (rule key, reading) -> (rule, under it)
        self._quiet: dict[tuple[str, str | None, str, dt.date | None, str, bool], RuleResult] = {}
        self._blocked: dict[str, frozenset[int]] = {}  # record type -> plans whose family does not concern it
        self._given_names = frozenset(d.name for d in pack.defines if d.in_vocabulary)
        self._cases = 0
        self._kinds: dict[str, frozenset[str]] = {f.id: frozenset(f.record_types) for f in pack.families}
        grouped: dict[str, list[ir.Rule]] = {}
        for r in pack.rules:  # dependency order; an id's versions stay together
            grouped.setdefault(r.id, []).append(r)
        self.by_id: tuple[tuple[str, tuple[ir.Rule, ...]], ...] = tuple((k, tuple(v)) for k, v in grouped.items())
        referenced = {dep for r in pack.rules for dep in r.rule_deps}
        plans = []
        for rid, versions in self.by_id:
            gates = {frozenset(v.gate) for v in versions}
            gate = gates.pop() if len(gates) == 1 else None
            judged = versions[0].judged_on is not None
            plans.append(_Plan(rid, versions, gate if gate else None, judged, rid in referenced,
                               self._kinds.get(versions[0].family)))
        self.plans: tuple[_Plan, ...] = tuple(plans)
        self.ids: tuple[str, ...] = tuple(p.rid for p in plans)
        groups: dict[frozenset[str], list[int]] = {}
        ungated = []
        for i, plan in enumerate(plans):
            if plan.gate is None or plan.judged:
                ungated.append(i)
            else:
                groups.setdefault(plan.gate, []).append(i)
        self._gated: tuple[tuple[frozenset[str], tuple[int, ...]], ...] = tuple((g, tuple(m)) for g, m in groups.items())
        self._ungated: tuple[int, ...] = tuple(ungated)
        # every family gate of the pack, numbered: a case's layout is keyed by which of them it mentions
        self._gates: tuple[frozenset[str], ...] = tuple(dict.fromkeys(frozenset(r.gate) for r in pack.rules if r.gate))
        self._gate_bit: dict[frozenset[str], int] = {g: 1 << j for j, g in enumerate(self._gates)}
        # Rule ids whose event date is the same expression (`judged on decision_date`) share its value on a
        # case: it is evaluated for the first of them (a date that reads `RULE fires` directly is not shared,
        # it depends on the rules evaluated before it).
        shared: dict[ir.Node, int] = {}  # by the expression's structure (IR nodes compare without their position)
        date_of = []
        for plan in plans:
            when = plan.versions[0].judged_on
            if when is None or _reads_fires(when):
                date_of.append(-1)
            else:
                date_of.append(shared.setdefault(when, len(shared)))
        self._date_of: tuple[int, ...] = tuple(date_of)
        self._n_dates = len(shared)

    # -- explanations
    def bit(self, name: str) -> int:
        b = self._bit.get(name)
        if b is None:
            with self._lock:  # threads share the evaluator: one bit per name
                b = self._bit.get(name)
                if b is None:
                    b = 1 << len(self._names)
                    self._names.append(name)
                    self._bit[name] = b
        return b

    def mask(self, items: Iterable[str]) -> int:
        m = 0
        for name in items:
            m |= self.bit(name)
        return m

    def names(self, mask: int) -> frozenset[str]:
        """The fact names of a mask (cached: the same explanations recur from case to case)."""
        hit = self._sets.get(mask)
        if hit is None:
            out = []
            m = mask
            while m:
                low = m & -m
                out.append(self._names[low.bit_length() - 1])
                m ^= low
            hit = frozenset(out)
            if len(self._sets) > 100_000:
                self._sets = {0: _EMPTY}
                self._masks = {_EMPTY: 0}
            self._sets[mask] = hit
            self._masks[hit] = mask
        return hit

    def mask_of(self, names: frozenset[str]) -> int:
        """`mask(names)`, looked up for a set `names()` made (a result's facts, read back by `RULE fires`)."""
        m = self._masks.get(names)
        return m if m is not None else self.mask(names)

    def val(self, p: Pair) -> Val:
        value, mask = p
        if value is U:
            return Val(U, _EMPTY, self.names(mask))
        return Val(value, self.names(mask))

    # -- expressions
    def remembered(self, name: str) -> Callable[..., Any]:
        """The registry's implementation of a function of the rule language, for the generated code; the
        calendar ones (`_CALENDAR`) remembered for their last 2048 arguments (a batch asks the same
        `add_months(application_date, 6)` of every case of the same dates, and they are pure: the same
        arguments, the same date or error). Arguments that cannot be a key raise TypeError."""
        fn = self._functions.get(name)
        if fn is None:
            fn = FUNCTIONS[name].evaluate
            if name in _CALENDAR:
                fn = functools.lru_cache(maxsize=2048, typed=True)(fn)
            self._functions[name] = fn
        return fn

    def generated(self, n: ir.Node) -> PairFn:
        """The expression as one generated function returning (value, mask), built once per node."""
        hit = self._generated.get(id(n))
        if hit is not None and hit[0] is n:
            return hit[1]
        fn = _generate(n, self)
        self._generated[id(n)] = (n, fn)
        return fn

    def fn(self, n: ir.Node, hot: bool) -> PairFn:
        """The node's closure, or (in a batch) its generated code."""
        return self.generated(n) if hot else self.closures(n)

    def define_fn(self, name: str, hot: bool) -> PairFn:
        key = (name, hot)
        fn = self._define_fns.get(key)
        if fn is None:
            fn = self._define_fns[key] = self.fn(self.defines[name].expr, hot)
        return fn

    def eval_node(self, n: ir.Node, env: Env) -> Val:
        """Any expression of this pack on one case, with its explanation."""
        return self.val(self.closures(n)(env))

    def closures_with(self, impls: Impls) -> _Closures:
        """A compiler of this pack's nodes whose functions use `impls` where it has them (another
        engine's own implementations, normcheck.functions.register) and the registry's elsewhere."""
        return _Closures(self, impls)

    # -- cases
    def new_env(self, facts: Mapping[str, Any], as_of: dt.date, stated: Iterable[str] | None = None, hot: bool = False) -> Env:
        return Env(self, facts, as_of, frozenset(stated) if stated is not None else None, hot)

    def env(self, facts: Mapping[str, Any], as_of: dt.date, stated: Iterable[str] | None = None,
            hot: bool = False) -> tuple[Env, list[Mismatch]]:
        """Prepare the case: derived facts are computed on first use; a derived fact the case also
        states is checked against its definition here (`hot`: in a batch, see `Env`)."""
        env = self.new_env(facts, as_of, stated, hot)
        mismatches: list[Mismatch] = []
        given_names = self._given_names
        if given_names.isdisjoint(facts):  # (the usual case: no derived fact stated)
            return env, mismatches
        given = [name for name in facts if name in given_names]
        for name in given:
            d = self.defines[name]
            computed = self.define_fn(name, env.hot)(env)[0]  # (in a batch, its generated code: the same value)
            if computed is not UNKNOWN and not _same(computed, facts[name]):
                mismatches.append(Mismatch(name, facts[name], computed, d.expr.text))
        env.derived.clear()  # the checks above may have cached values computed around a stated fact
        env.given_derived = frozenset(given)
        return env, mismatches

    def gate(self, rule: ir.Rule, env: Env) -> ir.Reason | None:
        """Why the record is not about this rule at all, or None. Its family does not concern this kind of
        record (`record_type`), or the record mentions none of the family's facts (`no_facts`; a fact
        stated as `unknown` counts: it was mentioned)."""
        kinds = self._kinds.get(rule.family)
        if kinds is not None and env.kind is not None and env.kind not in kinds:
            return "record_type"
        if env.stated is not None and rule.gate and env.stated.isdisjoint(rule.gate):
            return "no_facts"
        return None

    def _quiet_result(self, rule: ir.Rule, reason: ir.Reason, judged_on: dt.date | None = None, basis: str = "",
                      agree: bool = False) -> RuleResult:
        """A NOT_APPLICABLE result that depends on nothing but the rule (shared: results are immutable)."""
        key = (rule.id, rule.version, reason, judged_on, basis, agree)
        hit = self._quiet.get(key)
        if hit is None or hit.rule is not rule:
            if len(self._quiet) > 50_000:
                self._quiet = {}
            hit = _result(rule, _NA, None, None, reason, _EMPTY, _EMPTY, (), judged_on, basis, agree)
            self._quiet[key] = hit
        return hit

    def _version(self, rule: ir.Rule, hot: bool) -> _Version:
        """The compiled form of one version of a rule (built once per rule and mode): its gates and the
        functions of its scope, grades and exceptions (the closures, or in a batch the generated code)."""
        key = (rule.id, rule.version, rule.applied.reading if rule.applied is not None else "", hot)  # a rule under a reading has its own grades
        seen = self._versions.setdefault(key, [])
        for hit in seen:
            if hit.rule is rule:
                return hit
        kinds, gate, scope_gate = self._kinds.get(rule.family), frozenset(rule.gate), frozenset(rule.scope_gate)
        hit = _Version(rule, kinds, gate, scope_gate, None, (), (), tuple(g.rank for g in rule.grades),
                       rule.valid_from, rule.valid_until, ready=False)
        if hot:
            self._ready(hit, hot)
            hit.run = _generate_rule(hit, self)
        if len(seen) >= 4:  # rules built again and again (not by this evaluator): keep the latest
            del seen[0]
        seen.append(hit)
        return hit

    def _ready(self, ver: _Version, hot: bool) -> None:
        """Compile the version's scope, grades and exceptions (once; two threads doing it at the same
        time build the same functions, `ready` is set after them)."""
        rule = ver.rule
        ver.applies = self.fn(rule.applies, hot) if rule.applies is not None else None
        ver.grades = tuple(self.fn(g.expr, hot) for g in rule.grades)
        ver.unless = tuple(self.fn(u, hot) for u in rule.unless)
        ver.ready = True

    def _plan_code(self, rid: str, versions: tuple[ir.Rule, ...], hot: bool, referenced: bool) -> _PlanCode:
        first = versions[0]
        when = first.judged_on
        return _PlanCode(rid, tuple(self._version(r, hot) for r in versions),
                         self.fn(when, hot) if when is not None else None, when.text if when is not None else "", referenced)

    def rule_under(self, rule: ir.Rule, name: str) -> ir.Rule:
        """`readings.rule_under`, built once per rule and reading for this evaluator (its compiled code is
        cached per rule: a report evaluates every contested rule under each of its readings)."""
        key = (rule.key, name)
        hit = self._under.get(key)
        if hit is not None and hit[0] is rule:
            return hit[1]
        out = rule_under(rule, name)
        with self._lock:
            self._under[key] = (rule, out)
        return out

    def evaluate_rule(self, rule: ir.Rule, env: Env, judged_on: dt.date | None = None, basis: str = "") -> RuleResult:
        """One rule on one case: the table of design §5, with the reasons. (Which version is in force
        is decided before, by `evaluate_id`; `judged_on`/`basis` say which date chose it.)"""
        return self._rule(self._version(rule, env.hot), env, judged_on, basis, 0, 0)

    def _rule(self, ver: _Version, env: Env, judged_on: dt.date | None, basis: str, also_decided: int,
              date_missing: int) -> RuleResult:
        """`evaluate_rule` on a compiled version. `also_decided` (the event date that chose this version)
        joins the deciding facts of every result but a quiet one; `date_missing` (an unknown event date
        that could change which version applies) joins the missing facts of an INSUFFICIENT_DATA one.
        In a batch the version's generated code (`_generate_rule`) does the same in one function."""
        run = ver.run
        if run is not None:
            return run(env, judged_on, basis, also_decided, date_missing)
        rule = ver.rule
        kinds = ver.kinds
        if kinds is not None and env.kind is not None and env.kind not in kinds:
            return self._quiet_result(rule, "record_type", judged_on, basis)
        stated = env.stated
        if stated is not None and ver.gate and stated.isdisjoint(ver.gate):
            return self._quiet_result(rule, "no_facts", judged_on, basis)
        if not ver.ready:
            self._ready(ver, False)
        names = self.names
        applies = ver.applies
        if applies is not None:
            sv, sm = applies(env)
        else:
            sv, sm = True, 0
        if sv is False:
            return _result(rule, _NA, None, None, "out_of_scope", names(sm | also_decided), _EMPTY, (), judged_on, basis)
        if sv is U and ver.scope_gate and stated is not None and stated.isdisjoint(ver.scope_gate):
            # The scope is unknown only because the record says nothing about the rule's subject (e.g.
            # nothing about illness for A3-10): not applicable, rather than "insufficient data".
            return self._quiet_result(rule, "scope_not_mentioned", judged_on, basis)
        grades = [f(env) for f in ver.grades]
        unless = [f(env) for f in ver.unless] if ver.unless else ()
        return self._decide(ver, judged_on, basis, also_decided, date_missing, sv, sm, grades, unless)

    def _decide(self, ver: _Version, judged_on: dt.date | None, basis: str, also_decided: int, date_missing: int,
                sv: Any, sm: int, grades: Sequence[Pair], unless: Sequence[Pair]) -> RuleResult:
        """The result of a rule whose scope is not false, from its scope's, grades' and exceptions' values."""
        rule = ver.rule
        names = self.names
        s_dec = also_decided if sv is U else sm | also_decided  # the scope's deciding facts (and the event date's)
        s_miss = sm if sv is U else 0  # or its missing ones
        exceptions: tuple[ExceptionCheck, ...] = ()
        holds = exc_dec = open_exc = 0
        held = False
        if unless:
            checks = []
            for u, (v, m) in zip(rule.unless, unless):
                checks.append(_exception_check(u.text, v, m, names))
                if v is True:
                    holds |= m
                    held = True
                    exc_dec |= m
                elif v is False:
                    exc_dec |= m
                elif v is U:
                    open_exc |= m
            exceptions = tuple(checks)
        if held:  # the exception displaces the rule, whatever its condition says
            return _result(rule, _NA, None, None, "exception_holds", names(s_dec | holds), _EMPTY, exceptions,
                              judged_on, basis)
        ranks = ver.ranks
        best = -1
        for i, (v, _) in enumerate(grades):
            if v is True and (best < 0 or ranks[i] > ranks[best]):
                best = i
        if best >= 0:
            g = rule.grades[best]
            if sv is True:
                # unknown facts that could raise the level, or make an exception hold
                could = 0
                for i, (v, m) in enumerate(grades):
                    if v is U and ranks[i] > ranks[best]:
                        could |= m
                if g.level == "INSUFFICIENT_DATA":  # a declared follow-up flag
                    could |= date_missing
                return _result(rule, g.level, g.severity, best, "fires", names(s_dec | grades[best][1] | exc_dec),
                                  names(could | open_exc), exceptions, judged_on, basis)
            return _result(rule, "INSUFFICIENT_DATA", g.severity, best, "scope_unknown",
                              names(grades[best][1] | also_decided), names(s_miss | date_missing), exceptions, judged_on, basis)
        missing = decided = 0
        sev: ir.Severity | None = None
        for i, (v, m) in enumerate(grades):
            if v is U:
                missing |= m
                if sev is None or ir.SEVERITY_RANK[rule.grades[i].severity] > ir.SEVERITY_RANK[sev]:
                    sev = rule.grades[i].severity
            else:
                decided |= m
        if sev is not None:
            return _result(rule, "INSUFFICIENT_DATA", sev, None, "condition_unknown", names(s_dec | decided),
                              names(missing | s_miss | date_missing), exceptions, judged_on, basis)
        return _result(rule, "OK", None, None, "condition_false" if sv is not U else "condition_false_scope_unknown",
                          names(s_dec | decided), _EMPTY, exceptions, judged_on, basis)

    def evaluate_id(self, versions: tuple[ir.Rule, ...], env: Env) -> RuleResult:
        """The result for one rule id: the version of the law in force on the date of the event the
        rule governs (`judged on`), not on the day of the review. An unknown event date leaves the
        result open unless every candidate version (and "no version in force", where the windows
        leave a gap) gives the same result."""
        first = versions[0]
        key = (first.id, first.applied.reading if first.applied is not None else "", env.hot)
        hit = self._id_codes.get(key)
        if hit is None or len(hit[0]) != len(versions) or any(a is not b for a, b in zip(hit[0], versions)):
            hit = (versions, self._plan_code(first.id, versions, env.hot, False))
            self._id_codes[key] = hit
        return self._run(hit[1], env)

    def _run(self, code: _PlanCode, env: Env, date: Pair | None = None) -> RuleResult:
        """`evaluate_id` on a compiled rule id (`date`: its event date, if already evaluated on this case)."""
        versions = code.versions
        when = code.when
        if when is None:  # the checker allows this only for a rule without window or versions
            ver = versions[0]  # (in a batch its generated code directly: `_rule` would only pass it on)
            return ver.run(env, None, "", 0, 0) if ver.run is not None else self._rule(ver, env, None, "", 0, 0)
        basis = code.basis
        wv, wm = date if date is not None else when(env)
        if wv is not U and wv is not NULL:
            for ver in versions:  # the version in force on the event date (ir.Rule.in_force)
                start, until = ver.valid_from, ver.valid_until
                if (start and wv < start) or (until and wv > until):
                    continue
                return ver.run(env, wv, basis, wm, 0) if ver.run is not None else self._rule(ver, env, wv, basis, wm, 0)
            return _result(versions[0].rule, _NA, None, None, "not_in_force", self.names(wm), _EMPTY,
                              judged_on=wv, judged_basis=basis)
        date_missing = wm if wv is U else 0
        timeless = code.timeless
        if timeless is not None:  # (`candidate_versions` is this version and `covers_until` holds, whatever the review date)
            return (timeless.run(env, None, basis, 0, date_missing) if timeless.run is not None
                    else self._rule(timeless, env, None, basis, 0, date_missing))
        possible, gap = self._candidates(code, env.as_of)
        if not possible:  # the event happened by the review date, and no version was in force by then
            return _result(versions[0].rule, _NA, None, None, "not_in_force", _EVALUATION_DATE, _EMPTY,
                              judged_basis=basis)
        if len(possible) == 1 and not gap:  # one candidate, no gap: its result, open also on the date
            ver = possible[0]
            return (ver.run(env, None, basis, 0, date_missing) if ver.run is not None
                    else self._rule(ver, env, None, basis, 0, date_missing))
        candidates = [self._rule(v, env, None, basis, 0, 0) for v in possible]
        outcomes = {(c.outcome, c.severity) for c in candidates}
        if gap:
            outcomes.add((_NA, None))
        if len(outcomes) == 1:  # (several candidates, or a gap: they agree)
            pick = candidates[-1]
            if pick.reason in _QUIET_REASONS:
                return self._quiet_result(pick.rule, pick.reason, None, basis, True)
            extra = self.names(date_missing) if pick.outcome == "INSUFFICIENT_DATA" else _EMPTY
            return replace(pick, missing=pick.missing | extra, versions_agree=True)
        if all(o in ("OK", _NA) for o, _ in outcomes):  # no version finds anything: say so, not "unknown"
            pick = next(c for c in reversed(candidates) if c.outcome == "OK")
            return replace(pick, versions_agree=True)
        missing = self.names(date_missing) | _union(c.missing for c in candidates)
        severities: list[ir.Severity] = [c.severity for c in candidates if c.severity is not None]
        sev = _worst(severities) if severities else None
        decided = _union(c.decided for c in candidates if c.outcome != _NA)
        return _result(candidates[-1].rule, "INSUFFICIENT_DATA", sev, None, "event_date_unknown", decided,
                          missing or frozenset({basis}), judged_basis=basis)

    def _candidates(self, code: _PlanCode, as_of: dt.date) -> tuple[tuple[_Version, ...], bool]:
        """The versions that could govern an event of unknown date, and whether their windows leave a gap."""
        hit = code.candidates.get(as_of)
        if hit is None:
            possible = tuple(v for v in code.versions if is_candidate(v.rule, as_of))
            hit = (possible, not covers_until(tuple(v.rule for v in possible), as_of))
            if len(code.candidates) > 4096:  # review dates are few in a batch; a long-running server forgets
                code.candidates = {}
            code.candidates[as_of] = hit
        return hit

    def _run_quiet(self, code: _PlanCode, env: Env, reason: ir.Reason, date: Pair | None = None) -> RuleResult:
        """`_run` for a rule id every version of which is NOT_APPLICABLE for `reason` on this case: only
        the event date is evaluated (it says which version is not applicable, or that none was in force)."""
        versions = code.versions
        when = code.when
        if when is None:
            return self._quiet_result(versions[0].rule, reason)
        basis = code.basis
        wv, wm = date if date is not None else when(env)
        if wv is not U and wv is not NULL:
            for ver in versions:
                start, until = ver.valid_from, ver.valid_until
                if (start and wv < start) or (until and wv > until):
                    continue
                return self._quiet_result(ver.rule, reason, wv, basis)
            return _result(versions[0].rule, _NA, None, None, "not_in_force", self.names(wm), _EMPTY,
                           judged_on=wv, judged_basis=basis)
        possible, gap = self._candidates(code, env.as_of)
        if not possible:
            return _result(versions[0].rule, _NA, None, None, "not_in_force", _EVALUATION_DATE, _EMPTY,
                           judged_basis=basis)
        return self._quiet_result(possible[-1].rule, reason, None, basis, len(possible) > 1 or gap)

    def _run_group(self, group: _Group, codes: list[_PlanCode | None], hot: bool, env: Env, date: Pair,
                   results: list[RuleResult | None], fired_missing: dict[str, tuple[bool, bool, int]]) -> None:
        """`_run_quiet` for every rule id of a group (one event date, every version NOT_APPLICABLE on this
        kind of case): their results depend on nothing but the date and the review date, so they are
        remembered for these, as the shared NOT_APPLICABLE results are."""
        key = (date[0], date[1], env.as_of)
        hit = group.memo.get(key)
        if hit is None:
            got = tuple(self._run_quiet(self._code(codes, j, hot), env, reason, date) for j, reason in group.members)
            read = tuple((rid, (got[n].reason == "fires", got[n].outcome in ("OK", _NA), self.mask_of(got[n].missing)))
                         for n, rid in group.referenced)
            hit = (tuple((start, stop, got[offset:offset + stop - start]) for start, stop, offset in group.runs), read)
            if len(group.memo) > 2048:  # a long-running server forgets
                group.memo = {}
            group.memo[key] = hit
        pieces, read = hit
        for start, stop, piece in pieces:
            results[start:stop] = piece
        if read:
            fired_missing.update(read)

    def _code(self, codes: list[_PlanCode | None], i: int, hot: bool) -> _PlanCode:
        code = codes[i]
        if code is None:
            plan = self.plans[i]
            code = codes[i] = self._plan_code(plan.rid, plan.versions, hot, plan.referenced)
        return code

    def _blocked_by(self, kind: str) -> frozenset[int]:
        """The plans whose family does not concern this kind of record (they are NOT_APPLICABLE, reason
        `record_type`); a plan picked by an event date is left to `evaluate_id` (its date may say
        that no version was in force)."""
        hit = self._blocked.get(kind)
        if hit is None:
            hit = frozenset(i for i, p in enumerate(self.plans) if p.kinds is not None and kind not in p.kinds and not p.judged)
            if len(self._blocked) < 64:  # record types are few; a stray value is not remembered
                self._blocked[kind] = hit
        return hit

    def _layout(self, kind: str | None, stated: frozenset[str] | None) -> _Layout:
        """What a case of this kind that mentions these families needs: the results that are settled
        already (NOT_APPLICABLE: `record_type`, `no_facts`), and the plans left to evaluate, in order,
        each with the reason every one of its versions is NOT_APPLICABLE for on such a case, if there
        is one (the version the event date picks is then quiet whatever the facts say)."""
        mentioned = -1
        if stated is not None:
            mentioned = 0
            for gate, bit in self._gate_bit.items():
                if not stated.isdisjoint(gate):
                    mentioned |= bit
        hit = self._layouts.get((kind, mentioned))
        if hit is not None:
            return hit
        plans = self.plans
        results: list[RuleResult | None] = [None] * len(plans)
        blocked = self._blocked_by(kind) if kind is not None else frozenset()
        for i in blocked:
            results[i] = self._quiet_result(plans[i].versions[0], "record_type")
        todo: list[int]
        if stated is None:
            todo = [i for i in range(len(plans)) if i not in blocked]
        else:
            todo = [i for i in self._ungated if i not in blocked]
            for gate, members in self._gated:
                if not mentioned & self._gate_bit[gate]:  # the record says nothing of this family: no evaluation needed
                    for i in members:
                        if i not in blocked:
                            results[i] = self._quiet_result(plans[i].versions[0], "no_facts")
                else:
                    todo.extend(i for i in members if i not in blocked)
            todo.sort()
        assert all((r is None) == (i in todo) for i, r in enumerate(results))  # every plan: settled or evaluated

        def quiet(rule: ir.Rule) -> ir.Reason | None:  # as `gate`
            kinds = self._kinds.get(rule.family)
            if kinds is not None and kind is not None and kind not in kinds:
                return "record_type"
            if stated is not None and rule.gate and not mentioned & self._gate_bit[frozenset(rule.gate)]:
                return "no_facts"
            return None
        steps: list[tuple[int, ir.Reason | None, int, _Group | None]] = []
        grouped: dict[int, list[tuple[int, ir.Reason]]] = {}  # shared event date -> its quiet rule ids
        for i in todo:
            reasons = {quiet(r) for r in plans[i].versions}
            reason = reasons.pop() if len(reasons) == 1 else None
            shared = self._date_of[i]
            if reason is not None and shared >= 0:
                if shared not in grouped:
                    steps.append((i, reason, shared, None))  # the group's place: its first rule id
                grouped.setdefault(shared, []).append((i, reason))
            else:
                steps.append((i, reason, shared, None))
        for k, (i, reason, shared, _none) in enumerate(steps):
            if reason is not None and shared >= 0:
                same_date = tuple(grouped[shared])
                referenced = tuple((n, plans[j].rid) for n, (j, _r) in enumerate(same_date) if plans[j].referenced)
                steps[k] = (i, reason, shared, _Group(same_date, referenced))
        out = (tuple(results), tuple(steps))
        if len(self._layouts) < 256:  # record types and families are few; a stray record type is not remembered
            self._layouts[(kind, mentioned)] = out
        return out

    def evaluate(self, facts: Mapping[str, Any], as_of: dt.date,
                 stated: Iterable[str] | None = None) -> tuple[Env, list[RuleResult], list[Mismatch]]:
        """Every rule of the pack on one case, in dependency order, one result per rule id."""
        self._cases += 1
        hot = self._cases > HOT_AFTER
        env, mismatches = self.env(facts, as_of, stated, hot)
        settled, steps = self._layout(env.kind, env.stated)
        results = list(settled)
        codes = self._codes.get(hot)
        if codes is None:
            codes = self._codes.setdefault(hot, [None] * len(self.plans))
        plans = self.plans
        fired_missing = env.fired_missing
        run, run_quiet = self._run, self._run_quiet
        dates: list[Pair | None] = [None] * self._n_dates  # the event dates evaluated so far on this case
        date: Pair | None
        for i, quiet, shared, group in steps:
            code = codes[i]
            if code is None:
                plan = plans[i]
                code = codes[i] = self._plan_code(plan.rid, plan.versions, hot, plan.referenced)
            try:
                if shared < 0 or code.when is None:
                    date = None
                else:
                    date = dates[shared]
                    if date is None:
                        date = dates[shared] = code.when(env)
                if group is not None:
                    assert date is not None  # (a group shares an event date)
                    self._run_group(group, codes, hot, env, date, results, fired_missing)
                    continue
                if quiet is not None:
                    res = run_quiet(code, env, quiet, date)
                else:
                    direct = code.direct
                    res = direct(env, date) if direct is not None else run(code, env, date)
            except EvaluationError as exc:
                exc.file = exc.file or plans[i].versions[0].file
                raise
            results[i] = res
            if code.referenced:
                fired_missing[code.rid] = (res.reason == "fires", res.outcome in ("OK", _NA), self.mask_of(res.missing))
        done = cast("list[RuleResult]", results)  # every plan has its result (`_layout`)
        env.finish(done)
        return env, done, mismatches


def _reads_fires(n: ir.Node) -> bool:
    """Does the expression itself (not a definition it names) say `RULE fires`?"""
    return isinstance(n, ir.Fires) or any(_reads_fires(c) for c in n.children())


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

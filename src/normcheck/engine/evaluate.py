"""The three-valued evaluator: what each rule says about one case, and why.

Kleene logic throughout: a fact nobody stated is UNKNOWN, never false; `false and unknown` is
false, `true or unknown` is true, everything else with an unknown is unknown. Every value
carries the facts that decided it and the unknown facts that could still decide it, which is
where the "decided by", the "missing facts" and the ranked "facts to collect" come from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any, Callable, Iterable, Mapping

from .. import ir
from ..values import NULL, UNKNOWN, EvaluationError, add_months, days_between, months_between, round_half_up

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


# ---- explanations as bit masks ----------------------------------------------------------------
# Inside the evaluator a value is a pair (value, mask): the mask holds the facts that decided a known
# value, or the unknown facts that could decide an unknown one (a known value never has missing
# facts and an unknown one never has deciding facts, so one mask suffices). A fact name is one bit;
# the union of explanations is an integer `|`, and names are produced only for the results.

_BIT: dict[str, int] = {}
_NAMES: list[str] = []
_SETS: dict[int, frozenset[str]] = {0: _EMPTY}


def bit(name: str) -> int:
    b = _BIT.get(name)
    if b is None:
        b = 1 << len(_NAMES)
        _BIT[name] = b
        _NAMES.append(name)
    return b


def names(mask: int) -> frozenset[str]:
    """The fact names of a mask (cached: the same explanations recur from case to case)."""
    hit = _SETS.get(mask)
    if hit is None:
        out = []
        m = mask
        while m:
            low = m & -m
            out.append(_NAMES[low.bit_length() - 1])
            m ^= low
        hit = frozenset(out)
        if len(_SETS) > 100_000:
            _SETS.clear()
            _SETS[0] = _EMPTY
        _SETS[mask] = hit
    return hit


def _mask(items: Iterable[str]) -> int:
    m = 0
    for name in items:
        m |= bit(name)
    return m


U = UNKNOWN
Pair = tuple  # (value, mask)


@dataclass
class Env:
    """The facts of one case, the derived facts (computed on first use) and the results of rules so far."""

    facts: Mapping[str, Any]
    as_of: dt.date
    derived: dict[str, Pair] = field(default_factory=dict)  # name -> (value, mask)
    results: dict[str, RuleResult] = field(default_factory=dict)
    given_derived: frozenset[str] = _EMPTY
    stated: frozenset[str] | None = None  # facts the record mentions (None: treat every rule as relevant)
    defines: Mapping[str, ir.Define] = field(default_factory=dict)
    fired_missing: dict[str, tuple[bool, bool, int]] = field(default_factory=dict)  # rule id -> (fired, quiet, missing mask)
    hot: bool = False  # a batch: use the generated code (worth compiling only after some cases)

    def lookup(self, name: str) -> Val:
        """A fact or derived fact with its explanation; a definition is computed once, when first needed."""
        return _val(self.pair(name))

    def value(self, name: str) -> Any:
        return self.pair(name)[0]

    def pair(self, name: str) -> Pair:
        v = self.derived.get(name)
        if v is not None:
            return v
        d = self.defines.get(name)
        if d is not None:
            return self._derive(d)
        value = self.facts.get(name, U)
        return (value, bit(name))

    def _derive(self, d: ir.Define) -> Pair:
        stated = self.facts.get(d.name, U) if d.in_vocabulary else U
        if stated is not U:
            v = (stated, bit(d.name))
        else:
            cv, cm = (generated(d.expr, self.defines) if self.hot else compiled(d.expr))(self)
            if cv is not U:
                v = (cv, bit(d.name))
            else:
                v = (U, cm | (bit(d.name) if d.in_vocabulary else 0))
        self.derived[d.name] = v
        return v


def _val(p: Pair) -> Val:
    value, mask = p
    if value is U:
        return Val(U, _EMPTY, names(mask))
    return Val(value, names(mask))


# ---- expressions ------------------------------------------------------------------------------


def eval_node(n: ir.Node, env: Env) -> Val:
    return _val(compiled(n)(env))


_COMPILED: dict[int, tuple[ir.Node, Callable[[Env], Pair]]] = {}


def compiled(n: ir.Node) -> Callable[[Env], Pair]:
    """The node as a Python closure returning (value, mask), built once per node: the hot path of every batch."""
    hit = _COMPILED.get(id(n))
    if hit is not None and hit[0] is n:
        return hit[1]
    fn = _compile(n)
    _COMPILED[id(n)] = (n, fn)
    return fn


def _strict(fns: tuple[Callable[[Env], Pair], ...], op: Callable[..., Any]) -> Callable[[Env], Pair]:
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


def _or_masks(masks: Iterable[int]) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def _compile(n: ir.Node) -> Callable[[Env], Pair]:
    t = type(n)
    if t is ir.Const:
        const = (n.value, 0)  # type: ignore[attr-defined]
        return lambda env: const
    if t is ir.Fact:
        name = n.name  # type: ignore[attr-defined]
        b = bit(name)

        def fact(env: Env) -> Pair:
            d = env.derived.get(name)
            if d is not None:
                return d
            if name in env.defines:
                return env.pair(name)
            return (env.facts.get(name, U), b)
        return fact
    if t is ir.EvalDate:
        b = bit("evaluation_date")
        return lambda env: (env.as_of, b)
    if t is ir.And or t is ir.Or:
        fns = tuple(compiled(o) for o in n.operands)  # type: ignore[attr-defined]
        decisive = t is ir.Or  # the value that settles the whole: false for `and`, true for `or`
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
    if t is ir.Not:
        inner = compiled(n.operand)  # type: ignore[attr-defined]

        def negate(env: Env) -> Pair:
            v, m = inner(env)
            return (v, m) if v is U else (not v, m)
        return negate
    if t is ir.Cmp:
        left, right, op = compiled(n.left), compiled(n.right), n.op  # type: ignore[attr-defined]
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
            return (bool(order(a, b)), ma | mb)  # type: ignore[misc]
        return cmp
    if t is ir.Fires:
        rid = n.rule  # type: ignore[attr-defined]
        ref = bit("rule:" + rid)

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
    if t is ir.In or t is ir.Subset:
        e, c = compiled(n.element if t is ir.In else n.left), compiled(n.container if t is ir.In else n.right)  # type: ignore[attr-defined]
        test = (lambda x, y: x in y) if t is ir.In else (lambda x, y: frozenset(x) <= frozenset(y))

        def member(env: Env) -> Pair:
            a, ma = e(env)
            b, mb = c(env)
            if a is U or b is U:
                return (U, (ma if a is U else 0) | (mb if b is U else 0))
            if a is NULL or b is NULL:
                return (False, ma | mb)
            return (test(a, b), ma | mb)
        return member
    if t is ir.Is:
        inner = compiled(n.operand)  # type: ignore[attr-defined]
        test_name = n.test  # type: ignore[attr-defined]

        def is_(env: Env) -> Pair:
            v, m = inner(env)
            if test_name == "known":
                return (v is not U, m)
            if test_name == "unknown":
                return (v is U, m)
            if v is U:
                return (v, m)
            if test_name == "null":
                return (v is NULL, m)
            return (v is NULL or len(v) == 0, m)  # empty
        return is_
    if t is ir.Otherwise:
        left_f, right_f = compiled(n.left), compiled(n.right)  # type: ignore[attr-defined]

        def otherwise(env: Env) -> Pair:
            a = left_f(env)
            if a[0] is not U:
                return a
            b = right_f(env)
            if b[0] is not U:
                return b
            return (U, a[1] | b[1])
        return otherwise
    if t is ir.Neg:
        return _strict((compiled(n.operand),), lambda x: -x)  # type: ignore[attr-defined]
    if t is ir.Arith:
        return _arith(n)  # type: ignore[arg-type]
    if t is ir.Diff:
        left_f, right_f = compiled(n.left), compiled(n.right)  # type: ignore[attr-defined]

        def diff(env: Env) -> Pair:
            a, ma = left_f(env)
            b, mb = right_f(env)
            if a is U or b is U:
                return (U, (ma if a is U else 0) | (mb if b is U else 0))
            lhs = frozenset() if a is NULL else frozenset(a)
            rhs = frozenset() if b is NULL else frozenset(b)
            return (lhs - rhs, ma | mb)
        return diff
    if t is ir.If:
        cond, then, orelse = compiled(n.cond), compiled(n.then), compiled(n.orelse)  # type: ignore[attr-defined]

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
    if t is ir.Call:
        return _call(n)  # type: ignore[arg-type]
    raise TypeError(f"no evaluator for {t.__name__}")  # pragma: no cover - the checker builds only these


# ---- whole expressions as generated Python -------------------------------------------------------
# The closures above call one another per node. For the expressions a rule or a definition starts
# from, the common node types (constants, facts, the evaluation date, and/or/not, comparisons,
# `is`, `otherwise`, membership in a constant set, `RULE fires`, + - *, negation, min/max, if) are
# also written out as one straight-line Python function, so that
# a case costs a handful of local-variable operations per node instead of a call and a tuple.
# The generated code follows the closures line by line; every other node type is left to its
# closure. `tests/test_generated.py` compares the two on every expression of the bundled pack.

_GENERATED: dict[int, tuple[ir.Node, Callable[[Env], Pair]]] = {}


def generated(n: ir.Node, defines: Mapping[str, ir.Define]) -> Callable[[Env], Pair]:
    """The expression as one generated function returning (value, mask), built once per node.
    `defines` are the definitions of the node's pack: a fact that is not one is read directly."""
    hit = _GENERATED.get(id(n))
    if hit is not None and hit[0] is n:
        return hit[1]
    fn = _generate(n, frozenset(defines))
    _GENERATED[id(n)] = (n, fn)
    return fn


class _Gen:
    def __init__(self, defines: frozenset[str]) -> None:
        self.defines = defines
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
        t = type(n)
        if t is ir.Const:
            self.emit(ind, f"{v} = {self.const(n.value)}; {m} = 0")  # type: ignore[attr-defined]
        elif t is ir.Fact:
            name = self.const(n.name)  # type: ignore[attr-defined]
            b = self.const(bit(n.name))  # type: ignore[attr-defined]
            if n.name in self.defines:  # type: ignore[attr-defined]
                self.emit(ind, f"{v} = D.get({name})")
                self.emit(ind, f"if {v} is None: {v} = env.pair({name})")
                self.emit(ind, f"{v}, {m} = {v}")
            else:  # a plain fact (the env of this pack never derives it)
                self.emit(ind, f"{v} = F.get({name}, U); {m} = {b}")
        elif t is ir.And or t is ir.Or:
            decisive = "True" if t is ir.Or else "False"
            other = "False" if t is ir.Or else "True"
            parts = [self.node(o, ind) for o in n.operands]  # type: ignore[attr-defined]
            self.emit(ind, f"h{i} = k{i}_ = u{i} = 0; s{i} = o{i} = False")
            for pv, pm in parts:
                self.emit(ind, f"if {pv} is {decisive}: s{i} = True; h{i} |= {pm}")
                self.emit(ind, f"elif {pv} is U: o{i} = True; u{i} |= {pm}")
                self.emit(ind, f"else: k{i}_ |= {pm}")
            self.emit(ind, f"if s{i}: {v} = {decisive}; {m} = h{i}")
            self.emit(ind, f"elif o{i}: {v} = U; {m} = u{i}")
            self.emit(ind, f"else: {v} = {other}; {m} = k{i}_")
        elif t is ir.Not:
            pv, pm = self.node(n.operand, ind)  # type: ignore[attr-defined]
            self.emit(ind, f"{m} = {pm}; {v} = {pv} if {pv} is U else (not {pv})")
        elif t is ir.Cmp:
            a, ma = self.node(n.left, ind)  # type: ignore[attr-defined]
            b, mb = self.node(n.right, ind)  # type: ignore[attr-defined]
            op = n.op  # type: ignore[attr-defined]
            self.emit(ind, f"if {a} is U or {b} is U: {v} = U; {m} = ({ma} if {a} is U else 0) | ({mb} if {b} is U else 0)")
            if op in ("==", "!="):
                self.emit(ind, f"else: {v} = {a} {op} {b}; {m} = {ma} | {mb}")
            else:
                self.emit(ind, f"elif {a} is NULL or {b} is NULL: {v} = False; {m} = {ma} | {mb}")
                self.emit(ind, f"else: {v} = bool({a} {op} {b}); {m} = {ma} | {mb}")
        elif t is ir.Is and n.test in ("known", "unknown", "null"):  # type: ignore[attr-defined]
            pv, pm = self.node(n.operand, ind)  # type: ignore[attr-defined]
            test = n.test  # type: ignore[attr-defined]
            if test == "known":
                self.emit(ind, f"{v} = {pv} is not U; {m} = {pm}")
            elif test == "unknown":
                self.emit(ind, f"{v} = {pv} is U; {m} = {pm}")
            else:
                self.emit(ind, f"{m} = {pm}; {v} = U if {pv} is U else ({pv} is NULL)")
        elif t is ir.Otherwise:
            a, ma = self.node(n.left, ind)  # type: ignore[attr-defined]
            self.emit(ind, f"if {a} is not U: {v} = {a}; {m} = {ma}")
            self.emit(ind, "else:")
            b, mb = self.node(n.right, ind + 1)  # type: ignore[attr-defined]
            self.emit(ind + 1, f"if {b} is not U: {v} = {b}; {m} = {mb}")
            self.emit(ind + 1, f"else: {v} = U; {m} = {ma} | {mb}")
        elif t is ir.In and type(n.container) is ir.Const and isinstance(n.container.value, frozenset):  # type: ignore[attr-defined]
            e, me = self.node(n.element, ind)  # type: ignore[attr-defined]
            members = self.const(n.container.value)  # type: ignore[attr-defined]
            self.emit(ind, f"if {e} is U: {v} = U; {m} = {me}")
            self.emit(ind, f"elif {e} is NULL: {v} = False; {m} = {me}")
            self.emit(ind, f"else: {v} = {e} in {members}; {m} = {me}")
        elif t is ir.EvalDate:
            self.emit(ind, f"{v} = env.as_of; {m} = {self.const(bit('evaluation_date'))}")
        elif t is ir.Fires:
            rid, ref = self.const(n.rule), self.const(bit("rule:" + n.rule))  # type: ignore[attr-defined]
            self.emit(ind, f"h{i} = env.fired_missing.get({rid})")
            self.emit(ind, f"if h{i} is None or h{i}[0] or h{i}[1]: {v} = h{i} is not None and h{i}[0]; {m} = {ref}")
            self.emit(ind, f"else: {v} = U; {m} = h{i}[2]")
        elif (t is ir.Arith and n.op in ("+", "-", "*")) or t is ir.Neg:  # type: ignore[attr-defined]
            operands = [self.node(n.left, ind), self.node(n.right, ind)] if t is ir.Arith else [self.node(n.operand, ind)]  # type: ignore[attr-defined]
            self.strict(ind, v, m, operands)
            result = f"{operands[0][0]} {n.op} {operands[1][0]}" if t is ir.Arith else f"-{operands[0][0]}"  # type: ignore[attr-defined]
            self.emit(ind, f"else: {v} = {result}; {m} = {' | '.join(om for _, om in operands)}")
        elif t is ir.Call and n.func in ("min", "max"):  # type: ignore[attr-defined]
            operands = [self.node(a, ind) for a in n.args]  # type: ignore[attr-defined]
            unknown = " or ".join(f"{ov} is U" for ov, _ in operands)
            self.emit(ind, f"if {unknown}: {v} = U; {m} = " + " | ".join(f"({om} if {ov} is U else 0)" for ov, om in operands))
            self.emit(ind, "else:")
            self.emit(ind + 1, f"{m} = {' | '.join(om for _, om in operands)}")
            self.emit(ind + 1, f"p{i} = [x for x in ({', '.join(ov for ov, _ in operands)},) if x is not NULL]")
            self.emit(ind + 1, f"{v} = {n.func}(p{i}) if p{i} else NULL")  # type: ignore[attr-defined]
        elif t is ir.If:
            c, mc = self.node(n.cond, ind)  # type: ignore[attr-defined]
            self.emit(ind, f"if {c} is U:")
            a, ma = self.node(n.then, ind + 1)  # type: ignore[attr-defined]
            b, mb = self.node(n.orelse, ind + 1)  # type: ignore[attr-defined]
            self.emit(ind + 1, f"if {a} is not U and {b} is not U and {a} == {b}: {v} = {a}; {m} = {ma} | {mb}")
            self.emit(ind + 1, f"else: {v} = U; {m} = {mc} | ({ma} if {a} is U else 0) | ({mb} if {b} is U else 0)")
            for head, branch in ((f"elif {c}:", n.then), ("else:", n.orelse)):  # type: ignore[attr-defined]
                self.emit(ind, head)
                bv, bm = self.node(branch, ind + 1)
                self.emit(ind + 1, f"if {bv} is U: {v} = U; {m} = {bm}")
                self.emit(ind + 1, f"else: {v} = {bv}; {m} = {bm} | {mc}")
        else:  # every other node: its closure
            fn = self.const(compiled(n))
            self.emit(ind, f"{v}, {m} = {fn}(env)")
        return v, m


def _generate(n: ir.Node, defines: frozenset[str]) -> Callable[[Env], Pair]:
    g = _Gen(defines)
    v, m = g.node(n, 1)
    source = "\n".join(["def expression(env):", "    D = env.derived; F = env.facts", *g.lines,
                         f"    return ({v}, {m})"])
    namespace: dict[str, Any] = dict(g.names)
    exec(compile(source, f"<normcheck expression: {n.text[:60]!r}>", "exec"), namespace)  # noqa: S102 - code built from the IR above
    return namespace["expression"]  # type: ignore[no-any-return]


_ORDER = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _divide(x: Any, y: Any) -> Any:
    try:
        r = Decimal(x) / Decimal(y)
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return NULL  # no rate without a base: a known absence, not an unknown
    return int(r) if r == r.to_integral_value() else r


def _arith(n: ir.Arith) -> Callable[[Env], Pair]:
    op = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y}.get(n.op, _divide)
    return _strict((compiled(n.left), compiled(n.right)), op)


def _years_between(a: dt.date, b: dt.date) -> int:
    return months_between(a, b) // 12 if b >= a else -(months_between(b, a) // 12)


# The functions of the rule language: name -> implementation on known, non-null values.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "months_between": months_between,
    "days_between": days_between,
    "years_between": _years_between,
    "add_days": lambda d, n: d + dt.timedelta(days=int(n)),
    "add_months": lambda d, n: add_months(d, int(n)),
    "count": len,
    "abs": abs,
    "round": round_half_up,
}


def _call(n: ir.Call) -> Callable[[Env], Pair]:
    fns = tuple(compiled(a) for a in n.args)
    if n.func in ("min", "max"):
        pick = min if n.func == "min" else max

        def bound(env: Env) -> Pair:
            pairs = [f(env) for f in fns]
            if any(v is U for v, _ in pairs):
                return (U, _or_masks(m for v, m in pairs if v is U))
            mask = _or_masks(m for _, m in pairs)
            present = [v for v, _ in pairs if v is not NULL]  # a null bound ("no maximum") does not bind
            if not present:
                return (NULL, mask)
            return (pick(present), mask)
        return bound
    impl = FUNCTIONS.get(n.func)
    if impl is None:  # pragma: no cover - the checker rejects unknown functions
        raise ValueError(n.func)
    if n.func in ("add_days", "add_months"):
        impl = _dated(impl, n)
    return _strict(fns, impl)


def _dated(impl: Callable[..., Any], n: ir.Call) -> Callable[..., Any]:
    """Date arithmetic that leaves the calendar is an error of the rule on this case, with the rule's line."""
    def call(d: dt.date, k: Any) -> Any:
        try:
            return impl(d, k)
        except (OverflowError, ValueError):
            raise EvaluationError(f"`{n.text}` gives no date in the calendar on this case ({n.func} by {k})", n.line) from None
    return call


# ---- derived facts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """How to evaluate one rule id, worked out once per pack."""

    rid: str
    versions: tuple[ir.Rule, ...]
    gate: frozenset[str] | None  # the facts of its family, when every version has the same (else None)
    judged: bool  # picked by the date of an event (`judged on`)
    referenced: bool  # another rule says `RULE fires`
    quiet: dict[dt.date, RuleResult] = field(default_factory=dict, compare=False)  # "no facts" result by evaluation date


@dataclass(frozen=True)
class _PackIndex:
    """What every case needs from a pack, computed once per pack: definitions by name, rules by id."""

    defines: dict[str, ir.Define]
    by_id: tuple[tuple[str, tuple[ir.Rule, ...]], ...]
    plans: tuple[_Plan, ...] = ()
    ids: tuple[str, ...] = ()
    gated: tuple[tuple[frozenset[str], tuple[int, ...]], ...] = ()  # plans by family gate (plan indexes)
    ungated: tuple[int, ...] = ()  # plans evaluated whatever the record mentions
    cases: list[int] = field(default_factory=lambda: [0], compare=False)  # cases evaluated so far


_INDEX: dict[int, tuple[ir.RulePack, _PackIndex]] = {}


def _index(pack: ir.RulePack) -> _PackIndex:
    hit = _INDEX.get(id(pack))
    if hit is None or hit[0] is not pack:
        grouped: dict[str, list[ir.Rule]] = {}
        for r in pack.rules:  # dependency order; an id's versions stay together
            grouped.setdefault(r.id, []).append(r)
        referenced = {dep for r in pack.rules for dep in r.rule_deps}
        plans = []
        for rid, versions in grouped.items():
            gates = {frozenset(v.gate) for v in versions}
            gate = gates.pop() if len(gates) == 1 else None
            judged = versions[0].judged_on is not None
            plans.append(_Plan(rid, tuple(versions), gate if gate else None, judged, rid in referenced))
        groups: dict[frozenset[str], list[int]] = {}
        ungated = []
        for i, plan in enumerate(plans):
            if plan.gate is None or plan.judged:
                ungated.append(i)
            else:
                groups.setdefault(plan.gate, []).append(i)
        index = _PackIndex({d.name: d for d in pack.defines}, tuple((k, tuple(v)) for k, v in grouped.items()),
                           tuple(plans), tuple(p.rid for p in plans), tuple((g, tuple(m)) for g, m in groups.items()),
                           tuple(ungated))
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


_NA = "NOT_APPLICABLE"
_QUIET: dict[tuple[Any, ...], RuleResult] = {}


def _quiet(rule: ir.Rule, reason: str, judged_on: dt.date | None, basis: str) -> RuleResult:
    """A NOT_APPLICABLE result that depends on nothing but the rule (shared: results are immutable)."""
    key = (id(rule), reason, judged_on, basis)
    hit = _QUIET.get(key)
    if hit is None or hit.rule is not rule:
        if len(_QUIET) > 50_000:
            _QUIET.clear()
        hit = RuleResult(rule, _NA, None, None, reason, _EMPTY, _EMPTY, (), judged_on, basis)
        _QUIET[key] = hit
    return hit


_RULE_FNS: dict[tuple[int, bool], tuple[ir.Rule, tuple[Any, tuple[Any, ...], tuple[Any, ...]]]] = {}


def _rule_fns(rule: ir.Rule, env: Env) -> tuple[Any, tuple[Any, ...], tuple[Any, ...]]:
    """The functions of a rule's scope, grades and exceptions (built once per rule): the closures,
    or in a batch the generated code."""
    key = (id(rule), env.hot)
    hit = _RULE_FNS.get(key)
    if hit is None or hit[0] is not rule:
        if env.hot:
            d = env.defines
            fns = (generated(rule.applies, d) if rule.applies is not None else None,
                   tuple(generated(g.expr, d) for g in rule.grades), tuple(generated(u, d) for u in rule.unless))
        else:
            fns = (compiled(rule.applies) if rule.applies is not None else None,
                   tuple(compiled(g.expr) for g in rule.grades), tuple(compiled(u) for u in rule.unless))
        hit = (rule, fns)
        _RULE_FNS[key] = hit
    return hit[1]


def evaluate_rule(rule: ir.Rule, env: Env, judged_on: dt.date | None = None, basis: str = "") -> RuleResult:
    """One rule on one case: the table of design §5, with the reasons. (Which version is in force
    is decided before, by `evaluate_id`; `judged_on`/`basis` say which date chose it.)"""
    stated = env.stated
    if stated is not None and rule.gate and stated.isdisjoint(rule.gate):
        return _quiet(rule, "no_facts", judged_on, basis)
    applies, grade_fns, unless_fns = _rule_fns(rule, env)
    if applies is not None:
        sv, sm = applies(env)
    else:
        sv, sm = True, 0
    if sv is False:
        return RuleResult(rule, _NA, None, None, "out_of_scope", names(sm), _EMPTY, (), judged_on, basis)
    s_dec = 0 if sv is U else sm  # the scope's deciding facts, or its missing ones
    s_miss = sm if sv is U else 0
    if sv is U and rule.scope_gate and stated is not None and stated.isdisjoint(rule.scope_gate):
        # The scope is unknown only because the record says nothing about the rule's subject (e.g.
        # nothing about illness for A3-10): not applicable, rather than "insufficient data".
        return _quiet(rule, "scope_not_mentioned", judged_on, basis)
    grades = [f(env) for f in grade_fns]
    exceptions: tuple[ExceptionCheck, ...] = ()
    holds = exc_dec = open_exc = 0
    held = False
    if rule.unless:
        checks = []
        for u, fn in zip(rule.unless, unless_fns):
            v, m = fn(env)
            if v is True:
                checks.append(ExceptionCheck(u.text, "holds", names(m), _EMPTY))
                holds |= m
                held = True
                exc_dec |= m
            elif v is False:
                checks.append(ExceptionCheck(u.text, "does not hold", names(m), _EMPTY))
                exc_dec |= m
            else:
                checks.append(ExceptionCheck(u.text, "not established", _EMPTY, names(m) if v is U else _EMPTY))
                if v is U:
                    open_exc |= m
        exceptions = tuple(checks)
    if held:  # the exception displaces the rule, whatever its condition says
        return RuleResult(rule, _NA, None, None, "exception_holds", names(s_dec | holds), _EMPTY, exceptions,
                          judged_on, basis)
    best = -1
    for i, (v, _) in enumerate(grades):
        if v is True and (best < 0 or rule.grades[i].rank > rule.grades[best].rank):
            best = i
    if best >= 0:
        g = rule.grades[best]
        if sv is True:
            # unknown facts that could raise the level, or make an exception hold
            could = 0
            for i, (v, m) in enumerate(grades):
                if v is U and rule.grades[i].rank > g.rank:
                    could |= m
            return RuleResult(rule, g.level, g.severity, best, "fires", names(s_dec | grades[best][1] | exc_dec),
                              names(could | open_exc), exceptions, judged_on, basis)
        return RuleResult(rule, "INSUFFICIENT_DATA", g.severity, best, "scope_unknown", names(grades[best][1]),
                          names(s_miss), exceptions, judged_on, basis)
    missing = decided = 0
    sev = None
    for i, (v, m) in enumerate(grades):
        if v is U:
            missing |= m
            if sev is None or ir.SEVERITY_RANK[rule.grades[i].severity] > ir.SEVERITY_RANK[sev]:
                sev = rule.grades[i].severity
        else:
            decided |= m
    if sev is not None:
        return RuleResult(rule, "INSUFFICIENT_DATA", sev, None, "condition_unknown", names(s_dec | decided),
                          names(missing | s_miss), exceptions, judged_on, basis)
    return RuleResult(rule, "OK", None, None, "condition_false" if sv is not U else "condition_false_scope_unknown",
                      names(s_dec | decided), _EMPTY, exceptions, judged_on, basis)


def evaluate_id(versions: tuple[ir.Rule, ...], env: Env) -> RuleResult:
    """The result for one rule id: the version of the law in force on the date of the event the
    rule governs (`judged on`), not on the day of the review. An unknown event date leaves the
    result open unless every candidate version (and "no version in force", where the windows
    leave a gap) gives the same result."""
    first = versions[0]
    if first.judged_on is None:  # the checker allows this only for a rule without window or versions
        return evaluate_rule(first, env)
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
    possible = candidate_versions(versions, env.as_of)
    if not possible:  # the event happened by the review date, and no version was in force by then
        return RuleResult(first, "NOT_APPLICABLE", None, None, "not_in_force", frozenset({"evaluation_date"}), _EMPTY,
                          judged_basis=basis)
    candidates = [evaluate_rule(r, env) for r in possible]
    gap = not covers_until(possible, env.as_of)
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


def candidate_versions(versions: tuple[ir.Rule, ...], as_of: dt.date) -> tuple[ir.Rule, ...]:
    """The versions that could govern an event of unknown date: the event happened by the review
    date (design §5: the evaluation date is what has happened by then), so a version that starts
    later is out."""
    return tuple(r for r in versions if r.valid_from is None or r.valid_from <= as_of)


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


def relevant(rule: ir.Rule, stated: frozenset[str] | None) -> bool:
    """Is the record about this rule's norm family at all? It must mention one of the family's facts
    (a fact stated as `unknown` counts: it was mentioned)."""
    if stated is None:
        return True
    return not (rule.gate and stated.isdisjoint(rule.gate))


# Generating code costs more than evaluating a few cases with the closures: a batch switches to
# the generated code after this many cases (a one-case run never pays for it).
HOT_AFTER = 40


def _quiet_for(plan: _Plan, as_of: dt.date) -> RuleResult | None:
    """The result of a rule id whose family the record does not mention (a rule without `judged
    on`, so with one version and no window: the checker refuses the others)."""
    res = plan.quiet.get(as_of)
    if res is None:
        res = _quiet(plan.versions[0], "no_facts", None, "")
        if len(plan.quiet) > 1000:
            plan.quiet.clear()
        plan.quiet[as_of] = res
    return res


def evaluate(pack: ir.RulePack, facts: Mapping[str, Any], as_of: dt.date,
             stated: Iterable[str] | None = None) -> tuple[Env, list[RuleResult], list[Mismatch]]:
    """Every rule of the pack on one case, in dependency order, one result per rule id."""
    env, mismatches = derive(pack, facts, as_of, stated)
    index = _index(pack)
    index.cases[0] += 1
    env.hot = index.cases[0] > HOT_AFTER
    plans = index.plans
    results: list[RuleResult | None] = [None] * len(plans)
    stated_set = env.stated
    if stated_set is None:
        todo: Iterable[int] = range(len(plans))
    else:
        pending = list(index.ungated)
        for gate, members in index.gated:
            if stated_set.isdisjoint(gate):  # the record says nothing of this family: no evaluation needed
                for i in members:
                    res = _quiet_for(plans[i], as_of)
                    if res is None:
                        pending.append(i)
                    else:
                        results[i] = res
            else:
                pending.extend(members)
        todo = sorted(pending)
    fired_missing = env.fired_missing
    for i in todo:
        plan = plans[i]
        try:
            res = evaluate_id(plan.versions, env)
        except EvaluationError as exc:
            exc.file = exc.file or plan.versions[0].file
            raise
        results[i] = res
        if plan.referenced:
            fired_missing[plan.rid] = (res.reason == "fires", res.outcome in ("OK", "NOT_APPLICABLE"), _mask(res.missing))
    env.results.update(zip(index.ids, results))  # type: ignore[arg-type]
    return env, results, mismatches  # type: ignore[return-value]

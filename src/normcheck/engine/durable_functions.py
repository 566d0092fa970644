"""The rule language's values and functions as the durable-rules side computes them.

The durable-rules engine must decide independently of the three-valued evaluator
(`engine/evaluate.py`), so that the cross-check can catch a bug in arithmetic, dates or
definitions: this module shares no code with the evaluator (nor with `values.py`'s date
arithmetic) beyond the IR and the two special values UNKNOWN and NULL. It is written
differently on purpose: dates through ordinals, months by search, an expression made once into
nested Python closures over plain values (no explanations, no generated source; the owner of the
compiled closures is the DurableEngine that compiled them).

Its implementations of the rule language's functions are the registry's `durable` slot
(`normcheck.functions.register("durable", name)`): the registry declares each function once (its
signature, how it treats null, the evaluator's implementation) and holds every engine's own
implementation beside it. `FUNCTIONS` is this side's table (a read-only view of that slot); the
registry's declarations are read for their data only (`nulls`), never for an implementation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any

from .. import ir
from ..functions import FUNCTIONS as DECLARED
from ..functions import implementations, register
from ..values import NULL, UNKNOWN

U = UNKNOWN


class OutOfCalendar(ValueError):
    """Date arithmetic that leaves the calendar. The evaluator reports it as an error of the rule;
    the durable side, which may compute a definition the evaluator never needed, makes it unknown."""


# ---- dates ------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> int:
    """Days in a month: the day before the first of the next month (December has 31)."""
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day


@register("durable", "add_days")
def d_add_days(d: dt.date, n: Any) -> dt.date:
    try:
        return dt.date.fromordinal(d.toordinal() + int(n))
    except (ValueError, OverflowError):
        raise OutOfCalendar(f"{d} + {n} days") from None


@register("durable", "add_months")
def d_add_months(d: dt.date, n: Any) -> dt.date:
    """The same day number n months later, or that month's last day when it has no such day."""
    index = d.year * 12 + d.month - 1 + int(n)
    year, month0 = index // 12, index % 12
    if not 1 <= year <= 9999:
        raise OutOfCalendar(f"{d} + {n} months")
    last = _month_end(year, month0 + 1)
    return dt.date(year, month0 + 1, d.day if d.day <= last else last)


@register("durable", "months_between")
def d_months_between(a: dt.date, b: dt.date) -> int:
    """Whole months from a to b: the most months m with a + m months on or before b (Reg.
    1182/71 Art. 3(2)(c) counting, with the month-end rule of `d_add_months`); negative when b < a."""
    if b < a:
        return -d_months_between(b, a)
    m = (b.year - a.year) * 12 + (b.month - a.month)
    while m > 0 and d_add_months(a, m) > b:
        m -= 1
    return m


@register("durable", "days_between")
def d_days_between(a: dt.date, b: dt.date) -> int:
    return b.toordinal() - a.toordinal()


@register("durable", "years_between")
def d_years_between(a: dt.date, b: dt.date) -> int:
    whole = d_months_between(min(a, b), max(a, b)) // 12
    return whole if b >= a else -whole


@register("durable", "round")
def d_round(x: Any) -> int:
    return int(Decimal(x).to_integral_value(rounding=ROUND_HALF_UP))


@register("durable", "count")
def d_count(s: Any) -> int:
    return len(s)


@register("durable", "abs")
def d_abs(x: Any) -> Any:
    return -x if x < 0 else x


@register("durable", "min")
def d_min(*xs: Any) -> Any:
    return sorted(xs)[0]


@register("durable", "max")
def d_max(*xs: Any) -> Any:
    return sorted(xs)[-1]


FUNCTIONS: Mapping[str, Callable[..., Any]] = implementations("durable")


def d_divide(x: Any, y: Any) -> Any:
    """Division in decimals; no quotient without a divisor (null, a known absence)."""
    try:
        q = Decimal(x) / Decimal(y)
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return NULL
    return int(q) if q % 1 == 0 else q


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": d_divide,
}

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: not b < a,
    ">": lambda a, b: b < a,
    ">=": lambda a, b: not a < b,
}


# ---- three-valued values ------------------------------------------------------------------------


Values = Mapping[str, Any]  # fact and derived fact -> value; a name that is absent is unknown
Code = Callable[[Values, dt.date], Any]  # an expression made into a function of (values, evaluation date)


class _Looked:
    """A lookup function seen as the mapping `Code` reads (for `value`)."""

    __slots__ = ("look",)

    def __init__(self, look: Callable[[str], Any]) -> None:
        self.look = look

    def get(self, name: str, default: Any = None) -> Any:
        return self.look(name)


Lookup = Callable[[str], Any]


def value(n: ir.Node, look: Lookup, as_of: dt.date) -> Any:
    """The plain value of an expression (UNKNOWN, NULL or a value), in Kleene logic: a fact nobody
    stated is unknown; `false and unknown` is false, `true or unknown` true. (One-off: a caller that
    computes an expression for many cases keeps its `compile_node`.)"""
    return compile_node(n)(_Looked(look), as_of)  # type: ignore[arg-type]


def compile_node(n: ir.Node) -> Code:
    """An expression as one Python function of (values, evaluation date), built once: the walk over
    the IR happens here, not per case. Whoever compiles owns the result (the DurableEngine keeps one
    per expression of its pack); nothing is cached here."""
    make = _MAKERS.get(type(n))
    if make is None:  # Fires: joined in durable-rules, never computed here
        raise TypeError(f"the durable side computes no {type(n).__name__} here")
    return make(n)


def _const(n: Any) -> Code:
    v = n.value
    return lambda vals, as_of: v


def _fact(n: Any) -> Code:
    name = n.name
    return lambda vals, as_of: vals.get(name, U)


def _and_or(n: Any) -> Code:
    settle = type(n) is ir.Or  # the value that decides the whole
    parts = tuple(compile_node(o) for o in n.operands)
    other = not settle

    def run(vals: Values, as_of: dt.date) -> Any:
        unknown = False
        for part in parts:
            v = part(vals, as_of)
            if v is settle:
                return settle
            if v is U:
                unknown = True
        return U if unknown else other
    return run


def _not(n: Any) -> Code:
    inner = compile_node(n.operand)

    def run(vals: Values, as_of: dt.date) -> Any:
        v = inner(vals, as_of)
        return U if v is U else not v
    return run


def _cmp(n: Any) -> Code:
    left, right, op = compile_node(n.left), compile_node(n.right), n.op
    if op in ("==", "!="):
        eq = op == "=="

        def same(vals: Values, as_of: dt.date) -> Any:
            a, b = left(vals, as_of), right(vals, as_of)
            if a is U or b is U:
                return U
            s = a is b if (a is NULL or b is NULL) else a == b
            return s if eq else not s
        return same
    order = _ORDER[op]

    def ordered(vals: Values, as_of: dt.date) -> Any:
        a, b = left(vals, as_of), right(vals, as_of)
        if a is U or b is U:
            return U
        if a is NULL or b is NULL:
            return False
        return order(a, b)
    return ordered


def _member(n: Any) -> Code:
    is_in = type(n) is ir.In
    first = compile_node(n.element if is_in else n.left)
    second = compile_node(n.container if is_in else n.right)

    def run(vals: Values, as_of: dt.date) -> Any:
        a, b = first(vals, as_of), second(vals, as_of)
        if a is U or b is U:
            return U
        if a is NULL or b is NULL:
            return False
        return a in b if is_in else all(x in b for x in a)
    return run


def _is(n: Any) -> Code:
    inner, test = compile_node(n.operand), n.test

    def run(vals: Values, as_of: dt.date) -> Any:
        v = inner(vals, as_of)
        if test == "known":
            return v is not U
        if test == "unknown":
            return v is U
        if v is U:
            return U
        if test == "null":
            return v is NULL
        return v is NULL or not v
    return run


def _otherwise(n: Any) -> Code:
    left, right = compile_node(n.left), compile_node(n.right)

    def run(vals: Values, as_of: dt.date) -> Any:
        v = left(vals, as_of)
        return v if v is not U else right(vals, as_of)
    return run


def _neg(n: Any) -> Code:
    inner = compile_node(n.operand)

    def run(vals: Values, as_of: dt.date) -> Any:
        v = inner(vals, as_of)
        return v if v is U or v is NULL else -v
    return run


def _diff(n: Any) -> Code:
    left, right = compile_node(n.left), compile_node(n.right)

    def run(vals: Values, as_of: dt.date) -> Any:
        a, b = left(vals, as_of), right(vals, as_of)
        if a is U or b is U:
            return U
        return frozenset(x for x in (() if a is NULL else a) if b is NULL or x not in b)
    return run


def _if(n: Any) -> Code:
    cond, then, orelse = compile_node(n.cond), compile_node(n.then), compile_node(n.orelse)

    def run(vals: Values, as_of: dt.date) -> Any:
        c = cond(vals, as_of)
        if c is U:
            a, b = then(vals, as_of), orelse(vals, as_of)
            return a if a is not U and b is not U and a == b else U
        return then(vals, as_of) if c else orelse(vals, as_of)
    return run


def _strict(fn: Callable[..., Any], args: tuple[ir.Node, ...]) -> Code:
    parts = tuple(compile_node(a) for a in args)

    def run(vals: Values, as_of: dt.date) -> Any:
        xs = [p(vals, as_of) for p in parts]
        if any(v is U for v in xs):
            return U
        if any(v is NULL for v in xs):
            return NULL
        try:
            return fn(*xs)
        except OutOfCalendar:
            return U
    return run


def _call(n: ir.Call) -> Code:
    impl = FUNCTIONS[n.func]
    if DECLARED[n.func].nulls != "skip":
        return _strict(impl, n.args)
    parts = tuple(compile_node(a) for a in n.args)  # min, max: a null bound ("no maximum") does not bind

    def run(vals: Values, as_of: dt.date) -> Any:
        xs = [p(vals, as_of) for p in parts]
        if any(v is U for v in xs):
            return U
        present = [v for v in xs if v is not NULL]
        return impl(*present) if present else NULL
    return run


_MAKERS: dict[type, Callable[[Any], Code]] = {
    ir.Const: _const,
    ir.Fact: _fact,
    ir.EvalDate: lambda n: lambda vals, as_of: as_of,
    ir.And: _and_or,
    ir.Or: _and_or,
    ir.Not: _not,
    ir.Cmp: _cmp,
    ir.In: _member,
    ir.Subset: _member,
    ir.Is: _is,
    ir.Otherwise: _otherwise,
    ir.Neg: _neg,
    ir.Arith: lambda n: _strict(_ARITH[n.op], (n.left, n.right)),
    ir.Diff: _diff,
    ir.If: _if,
    ir.Call: _call,
}


def missing() -> list[str]:
    """The declared functions this side has no implementation of (durable-rules cannot then run a
    pack that calls one: the engine says so and runs on the evaluator alone)."""
    return sorted(name for name in DECLARED if name not in FUNCTIONS)


Definition = Callable[[Values, dt.date, Any], Any]  # (values, evaluation date, stated value) -> derived fact


def compile_define(d: ir.Define) -> Definition:
    """A derived fact as a function of (values, evaluation date, the value the case states for it):
    the stated value when the case may state it and does, else its definition."""
    code = compile_node(d.expr)
    if not d.in_vocabulary:
        return lambda vals, as_of, stated: code(vals, as_of)

    def run(vals: Values, as_of: dt.date, stated: Any) -> Any:
        return stated if stated is not U else code(vals, as_of)
    return run


# ---- versions of a rule -------------------------------------------------------------------------


def version_candidates(versions: tuple[ir.Rule, ...], as_of: dt.date) -> tuple[ir.Rule, ...]:
    """The versions that could govern an event of unknown date: the event happened by the review
    date, so a version that only starts after it is out."""
    return tuple(v for v in versions if not (v.valid_from and v.valid_from > as_of))


def versions_cover(versions: tuple[ir.Rule, ...], as_of: dt.date) -> bool:
    """Is every day up to the review date inside some version's window (no gap, no late start)?"""
    reach: int | None = None  # the last day covered so far, as an ordinal
    for v in sorted(versions, key=lambda r: r.valid_from or dt.date.min):
        start = (v.valid_from or dt.date.min).toordinal()
        end = (v.valid_until or dt.date.max).toordinal()
        if reach is None:
            if v.valid_from is not None:
                return False
            reach = end
        elif reach >= as_of.toordinal():
            return True
        elif start > reach + 1:
            return False
        else:
            reach = max(reach, end)
    return reach is not None and reach >= as_of.toordinal()

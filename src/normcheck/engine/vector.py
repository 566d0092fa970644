"""The rule IR evaluated over a whole grid of cases at once, with numpy.

The same IR, the same three-valued (Kleene) logic as the per-case evaluator (`evaluate.py`), but
every value is a column over the grid: `Col(val, known, null)`, where `known` is False for an
unknown fact and `null` marks a stated absence. `val` is meaningful only where `known & ~null`;
elsewhere it holds a placeholder of the same type, so an array operation never fails on it.

* Fast types are numpy arrays (or scalars) of bools, int64 numbers and `datetime64[D]` dates;
  texts and enum values are object arrays of `str`. A value that is the same at every point of
  the grid stays a scalar, so whatever does not depend on a varied fact is computed once.
* Every node type has a numpy implementation for fast types. Anything else (decimals, division,
  sets) falls back to the per-case evaluator's own implementation of that node, applied point by
  point: there is one definition of what a node means, and the fast paths are checked against it
  (`tests/test_vector.py`, on random grids, for every rule of every family).
* The functions of the rule language have their numpy implementations registered with
  `normcheck.functions.register("vector", name)` (`VECTOR_FUNCTIONS` is that table); a function
  without one runs point by point through the evaluator. A function whose null arguments are
  skipped (min, max) is registered as the operation on two arguments and folded over them.

The per-rule outcome follows `evaluate_rule` / `evaluate_id` exactly (scope, relevance gates,
exceptions, the highest true grade, versions picked by the `judged on` date), and is returned as
codes into `ir.OUTCOMES` per point.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import functions, ir
from ..values import NULL, UNKNOWN
from .evaluate import Evaluator, candidate_versions, covers_until

OUTCOME_CODE: dict[str, int] = {name: i for i, name in enumerate(ir.OUTCOMES)}
NA = OUTCOME_CODE["NOT_APPLICABLE"]
OK = OUTCOME_CODE["OK"]
INSUFFICIENT = OUTCOME_CODE["INSUFFICIENT_DATA"]
SEVERITY_CODE: dict[str | None, int] = {None: 0, **{str(k): v for k, v in ir.SEVERITY_RANK.items()}}
TRUE = np.True_
FALSE = np.False_


@dataclass(frozen=True, slots=True)
class Col:
    """One value over the grid: `val` where `known & ~null`, a placeholder elsewhere."""

    val: Any
    known: Any = TRUE
    null: Any = FALSE


UNKNOWN_COL = Col(FALSE, FALSE, FALSE)
NULL_COL = Col(FALSE, TRUE, TRUE)


# ---- columns from Python values ---------------------------------------------------------------


def _scalar(value: Any) -> Col:
    if value is UNKNOWN:
        return UNKNOWN_COL
    if value is NULL:
        return NULL_COL
    if isinstance(value, dt.date):
        return Col(np.datetime64(value, "D"))
    if isinstance(value, bool):
        return Col(np.bool_(value))
    return Col(value)


def column(values: Sequence[Any]) -> Col:
    """A column from one Python value per point (UNKNOWN and NULL allowed)."""
    vals = list(values)
    if not vals:
        return UNKNOWN_COL
    first = vals[0]
    if all(v is first or (type(v) is type(first) and v == first) for v in vals):
        return _scalar(first)
    known = np.fromiter((v is not UNKNOWN for v in vals), bool, len(vals))
    null = np.fromiter((v is NULL for v in vals), bool, len(vals))
    good = [v for v in vals if v is not UNKNOWN and v is not NULL]
    if not good:
        return Col(np.zeros(len(vals), bool), known, null)
    fill = good[0]
    filled = [fill if (v is UNKNOWN or v is NULL) else v for v in vals]
    if all(isinstance(v, bool) for v in good):
        val: Any = np.array(filled, dtype=bool)
    elif all(isinstance(v, int) and not isinstance(v, bool) for v in good) and all(abs(v) < 2 ** 62 for v in good):
        val = np.array(filled, dtype=np.int64)
    elif all(isinstance(v, dt.date) for v in good):
        val = np.array(filled, dtype="datetime64[D]")
    else:
        val = np.empty(len(vals), dtype=object)
        val[:] = filled
    return Col(val, known, null)


def _fast(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "biM"
    return isinstance(x, (np.bool_, np.integer, np.datetime64)) or (isinstance(x, int) and abs(x) < 2 ** 62)


def _texty(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return x.dtype == object and (x.size == 0 or isinstance(x.flat[0], str))
    return isinstance(x, str)


def _is_array(*xs: Any) -> bool:
    return any(isinstance(x, np.ndarray) for x in xs)


def _py(x: Any) -> Any:
    """A numpy scalar as the Python value the per-case evaluator uses (datetime64 -> date)."""
    if isinstance(x, np.datetime64):
        return x.astype("datetime64[D]").astype(object)
    if isinstance(x, np.generic):
        return x.item()
    return x


def _where(c: Any, a: Any, b: Any) -> Any:
    """np.where that keeps texts and other Python objects as objects and scalars as scalars."""
    if not _is_array(c, a, b):
        return a if bool(c) else b
    if _kind(a) != _kind(b) or _kind(a) == "O":
        n = _size(c, a, b)
        out = np.empty(n, dtype=object)
        out[:] = _objects(b, n)
        cc = np.broadcast_to(c, (n,))
        out[cc] = _objects(a, n)[cc]
        return out
    return np.where(c, a, b)


def _size(*xs: Any) -> int:
    for x in xs:
        if isinstance(x, np.ndarray) and x.ndim:
            return int(x.shape[0])
    return 1


def _objects(x: Any, n: int) -> np.ndarray:
    """`x` as an object array of Python values (dates as datetime.date), length n."""
    if isinstance(x, np.ndarray) and x.ndim:
        return x.astype(object) if x.dtype != object else x
    out = np.empty(n, dtype=object)
    out[:] = [_py(x)] * n
    return out


def _and(*xs: Any) -> Any:
    out = xs[0]
    for x in xs[1:]:
        out = out & x
    return out


def _or(*xs: Any) -> Any:
    out = xs[0]
    for x in xs[1:]:
        out = out | x
    return out


def _usable(*cols: Col) -> Any:
    """Known and not null in every column."""
    return _and(*[c.known & ~c.null for c in cols])


# ---- the grid ---------------------------------------------------------------------------------


@dataclass
class Grid:
    """The facts of every point: columns (or scalars), the evaluation date, the facts stated."""

    size: int
    facts: Mapping[str, Col]
    as_of: dt.date
    stated: frozenset[str]

    @classmethod
    def from_points(cls, points: Sequence[Mapping[str, Any]], as_of: dt.date) -> Grid:
        """Points that all state the same facts (a value may be UNKNOWN or NULL at some)."""
        names = list(dict.fromkeys(k for p in points for k in p))
        facts = {name: column([p.get(name, UNKNOWN) for p in points]) for name in names}
        return cls(len(points), facts, as_of, frozenset(names))

    @classmethod
    def product(cls, base: Mapping[str, Any], axes: Sequence[tuple[str, Sequence[Any]]], as_of: dt.date) -> Grid:
        """The cartesian product of the axes (the first varies slowest), on top of fixed facts."""
        shape = tuple(len(values) for _, values in axes)
        size = int(np.prod(shape)) if shape else 1
        facts: dict[str, Col] = {k: _scalar(v) for k, v in base.items()}
        for i, (name, values) in enumerate(axes):
            col = column(list(values))
            reps = int(np.prod(shape[i + 1:]))
            tiles = int(np.prod(shape[:i]))
            facts[name] = Col(*(_spread(x, reps, tiles) for x in (col.val, col.known, col.null)))
        return cls(size, facts, as_of, frozenset(facts))


# ---- functions of the rule language -----------------------------------------------------------


_MONTH = np.timedelta64(1, "M")
_DAY = np.timedelta64(1, "D")


def _ymd(d: Any) -> tuple[Any, Any, Any]:
    months = d.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    return (years.astype(np.int64) + 1970, (months - years).astype(np.int64) + 1,
            (d - months.astype("datetime64[D]")).astype(np.int64) + 1)


def _month_end(d: Any) -> Any:
    return (d.astype("datetime64[M]") + _MONTH).astype("datetime64[D]") - _DAY == d


@functions.register("vector", "months_between")
def v_months_between(a: Any, b: Any) -> Any:
    """Whole calendar months from a to b, as `values.months_between` (Regulation 1182/71, Art. 3(2)(c))."""
    back = b < a
    lo, hi = np.where(back, b, a), np.where(back, a, b)
    ya, ma, da = _ymd(lo)
    yb, mb, db = _ymd(hi)
    months = (yb - ya) * 12 + (mb - ma) - ((db < da) & ~_month_end(hi))
    return np.where(back, -months, months)


@functions.register("vector", "days_between")
def v_days_between(a: Any, b: Any) -> Any:
    return (b - a).astype(np.int64)


@functions.register("vector", "years_between")
def v_years_between(a: Any, b: Any) -> Any:
    months = v_months_between(a, b)
    return np.where(b >= a, months // 12, -((-months) // 12))


@functions.register("vector", "add_days")
def v_add_days(d: Any, n: Any) -> Any:
    return d + np.asarray(n, dtype=np.int64).astype("timedelta64[D]")


@functions.register("vector", "add_months")
def v_add_months(d: Any, n: Any) -> Any:
    y, m, day = _ymd(d)
    total = (y - 1970) * 12 + (m - 1) + np.asarray(n, dtype=np.int64)
    month = total.astype("datetime64[M]")
    length = ((month + _MONTH).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    return month.astype("datetime64[D]") + (np.minimum(day, length) - 1).astype("timedelta64[D]")


@functions.register("vector", "abs")
def v_abs(x: Any) -> Any:
    return np.abs(x)


@functions.register("vector", "round")
def v_round(x: Any) -> Any:
    return x  # a whole number rounds to itself; decimals go through the evaluator


# min and max skip null arguments: their implementations take two arguments and are folded.
functions.register("vector", "min")(np.minimum)
functions.register("vector", "max")(np.maximum)

# name -> numpy implementation on fast values (bools, int64, datetime64[D]); every argument is known
# and not null where the result is used. A read-only view of the registry's "vector" table.
VECTOR_FUNCTIONS: Mapping[str, Callable[..., Any]] = functions.implementations("vector")


# ---- expressions ------------------------------------------------------------------------------


@dataclass
class _RuleOut:
    outcome: Any  # int8 codes into ir.OUTCOMES
    severity: Any  # int8: 0 none, 1 low, 2 medium, 3 high
    fired: Any  # bool: a grade holds with the scope established (the evaluator's `fired`)


class VectorEvaluator:
    """Evaluate a pack's nodes and rules over one grid; values are memoised per node."""

    def __init__(self, pack: ir.RulePack, grid: Grid, evaluator: Evaluator | None = None) -> None:
        self.pack = pack
        self.grid = grid
        self.n = grid.size
        # the per-case evaluator: its definitions, and its node semantics for the pointwise fallback
        self.evaluator = evaluator if evaluator is not None else Evaluator(pack)
        self.defines = self.evaluator.defines
        self._closures = self.evaluator.closures_with({})  # the templates' closures live as long as this grid
        self._templates: dict[ir.Node, ir.Node] = {}
        self.memo: dict[ir.Node, Col] = {}
        self.derived: dict[str, Col] = {}
        self.results: dict[str, _RuleOut] = {}
        self._kinds = {f.id: frozenset(f.record_types) for f in pack.families}
        self._blocked: dict[frozenset[str], Any] = {}

    # -- facts and definitions
    def fact(self, name: str) -> Col:
        hit = self.derived.get(name)
        if hit is not None:
            return hit
        d = self.defines.get(name)
        if d is None:
            return self.grid.facts.get(name, UNKNOWN_COL)
        computed = self.ev(d.expr)
        stated = self.grid.facts.get(name, UNKNOWN_COL) if d.in_vocabulary else UNKNOWN_COL
        out = computed if _nowhere(stated.known) else _choose(stated.known, stated, computed)
        self.derived[name] = out
        return out

    def ev(self, n: ir.Node) -> Col:
        if isinstance(n, ir.Const):
            return _scalar(n.value)
        hit = self.memo.get(n)
        if hit is None:
            hit = self._ev(n)
            self.memo[n] = hit
        return hit

    def _ev(self, n: ir.Node) -> Col:
        if isinstance(n, ir.Fact):
            return self.fact(n.name)
        if isinstance(n, ir.EvalDate):
            return _scalar(self.grid.as_of)
        if isinstance(n, ir.Fires):
            res = self.results.get(n.rule)
            if res is None:
                return Col(FALSE)
            quiet = (res.outcome == OK) | (res.outcome == NA)
            return Col(res.fired, res.fired | quiet, FALSE)
        if isinstance(n, (ir.And, ir.Or)):
            vals = [self.ev(o) for o in n.operands]
            if all(_boolish(v.val) for v in vals):
                decisive = isinstance(n, ir.Or)
                hits = [v.known & ~v.null & (v.val if decisive else ~v.val) for v in vals]
                hit = _or(*hits)
                known = hit | _and(*[v.known for v in vals])
                return Col(hit if decisive else ~hit, known, FALSE)
            return self._pointwise(n, vals)
        if isinstance(n, ir.Not):
            v = self.ev(n.operand)
            if _boolish(v.val):
                return Col(~(v.val | v.null), v.known, FALSE)  # `not null` is false: null is truthy
            return self._pointwise(n, [v])
        if isinstance(n, ir.Cmp):
            return self._cmp(n)
        if isinstance(n, ir.Is):
            v = self.ev(n.operand)
            if n.test == "known":
                return Col(v.known, TRUE, FALSE)
            if n.test == "unknown":
                return Col(~v.known, TRUE, FALSE)
            if n.test == "null":
                return Col(v.null, v.known, FALSE)
            return self._pointwise(n, [v])
        if isinstance(n, ir.Otherwise):
            a, b = self.ev(n.left), self.ev(n.right)
            out = _choose(a.known, a, b)
            return Col(out.val, a.known | b.known, out.null)
        if isinstance(n, ir.If):
            return self._if(n)
        if isinstance(n, _STRICT) and any(_nowhere(c.known) for c in map(self.ev, n.children())):
            return UNKNOWN_COL  # unknown everywhere: so is the result, whatever the node
        if isinstance(n, ir.Neg):
            v = self.ev(n.operand)
            if _fast(v.val) and not _boolish(v.val):
                return Col(-v.val, v.known, v.null)
            return self._pointwise(n, [v])
        if isinstance(n, ir.Arith):
            a, b = _aligned([self.ev(n.left), self.ev(n.right)])
            op = n.op
            if op in ("+", "-", "*") and _number(a.val) and _number(b.val):
                val = a.val + b.val if op == "+" else a.val - b.val if op == "-" else a.val * b.val
                return Col(val, a.known & b.known, (a.null | b.null))
            return self._pointwise(n, [a, b])
        if isinstance(n, ir.Call):
            return self._call(n)
        if isinstance(n, ir.In):
            e, c = self.ev(n.element), self.ev(n.container)
            if _all(c.null) or _all(e.null):
                return Col(FALSE, e.known & c.known, FALSE)
            if not _is_array(c.val) and isinstance(c.val, frozenset) and (_texty(e.val) or _fast(e.val)):
                members = c.val
                inside: Any
                if isinstance(e.val, np.ndarray):
                    inside = np.fromiter((x in members for x in e.val.tolist()), bool, e.val.shape[0])
                else:
                    inside = np.bool_(_py(e.val) in members)
                return Col(inside & ~e.null & ~c.null, e.known & c.known, FALSE)
            return self._pointwise(n, [e, c])
        # Subset, Diff and anything new: the evaluator's own implementation, point by point
        return self._pointwise(n, [self.ev(c) for c in n.children()])

    def _cmp(self, n: ir.Cmp) -> Col:
        a, b = _aligned([self.ev(n.left), self.ev(n.right)])
        known = a.known & b.known
        both_fast = _fast(a.val) and _fast(b.val) and _same_kind(a.val, b.val)
        if n.op in ("==", "!="):
            if both_fast or (_texty(a.val) and _texty(b.val)):
                raw = a.val == b.val
                if isinstance(raw, np.ndarray) and raw.dtype != bool:
                    raw = raw.astype(bool)
                eq = _where(a.null | b.null, a.null & b.null, np.bool_(raw) if not isinstance(raw, np.ndarray) else raw)
                return Col(eq if n.op == "==" else ~eq, known, FALSE)
            return self._pointwise(n, [a, b])
        if both_fast:
            order = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}[n.op]
            return Col(order(a.val, b.val) & ~(a.null | b.null), known, FALSE)
        return self._pointwise(n, [a, b])

    def _if(self, n: ir.If) -> Col:
        c, a, b = self.ev(n.cond), self.ev(n.then), self.ev(n.orelse)
        if not _boolish(c.val):
            return self._pointwise(n, [c, a, b])
        a, b = _aligned([a, b])
        truthy = c.val | c.null
        chosen = _choose(truthy, a, b)
        if _all(c.known):
            return chosen
        if _nowhere(c.known) and _void(a) and _void(b) and not (_all(a.null) and _all(b.null)):
            return UNKNOWN_COL
        # condition unknown: known only where both branches agree
        agree = self._equal(a, b)
        if agree is None:
            return self._pointwise(n, [c, a, b])
        return Col(_where(c.known, chosen.val, a.val), _where(c.known, chosen.known, a.known & b.known & agree),
                   _where(c.known, chosen.null, a.null))

    def _equal(self, a: Col, b: Col) -> Any:
        """Where two known values are equal (null equals null), or None when not a fast comparison."""
        if not ((_fast(a.val) and _fast(b.val) and _same_kind(a.val, b.val)) or (_texty(a.val) and _texty(b.val))):
            return None
        raw = a.val == b.val
        raw = raw.astype(bool) if isinstance(raw, np.ndarray) else np.bool_(raw)
        return _where(a.null | b.null, a.null & b.null, raw)

    def _call(self, n: ir.Call) -> Col:
        args = _aligned([self.ev(a) for a in n.args])
        fn = functions.implementation("vector", n.func)
        if fn is not None and functions.FUNCTIONS[n.func].nulls == "skip":
            if not (all(_fast(a.val) for a in args) and _same_kinds([a.val for a in args])):
                return self._pointwise(n, args)
            pick = fn
            val, null = args[0].val, args[0].null
            for a in args[1:]:  # a null argument ("no maximum") does not bind; all null gives null
                val = _where(null, a.val, _where(a.null, val, pick(val, a.val)))
                null = null & a.null
            return Col(val, _and(*[a.known for a in args]), null)
        if fn is not None and all(_fast(a.val) and not _boolish(a.val) for a in args):
            usable = _usable(*args)
            vals = [a.val for a in args]
            if _is_array(*vals) and not _is_array(usable):
                out = fn(*vals)
            elif _is_array(usable):
                out = fn(*[_fill(v, usable) for v in vals])
            else:
                out = fn(*[np.asarray(v) for v in vals])
                out = out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out
            return Col(out, _and(*[a.known for a in args]), _or(*[a.null for a in args]) & _and(*[a.known for a in args]))
        return self._pointwise(n, args)

    # -- the universal fallback: the per-case evaluator, point by point
    def _pointwise(self, n: ir.Node, cols: list[Col]) -> Col:
        template = self._templates.get(n)
        if template is None:
            template = self._templates[n] = _template(n)
        fn = self._closures(template)
        ev, as_of = self.evaluator, self.grid.as_of

        def at(values: list[Any]) -> Any:
            return fn(ev.new_env({f"__{i}": v for i, v in enumerate(values)}, as_of))[0]
        arrays = [c for c in cols if _is_array(c.val, c.known, c.null)]
        if not arrays:
            return _scalar(at([_python_value(c, None) for c in cols]))
        return column([at([_python_value(c, i) for c in cols]) for i in range(self.n)])

    def _blocked_by_kind(self, kinds: frozenset[str]) -> Any:
        """Where the record is of a kind the family does not concern (the evaluator's `record_type` gate):
        a scalar, or a bool array. An unknown or null `record_type` blocks nothing."""
        hit = self._blocked.get(kinds)
        if hit is None:
            kind = self.grid.facts.get("record_type", UNKNOWN_COL)
            val = kind.val
            outside: Any
            if isinstance(val, np.ndarray):
                outside = np.fromiter((not (isinstance(x, str) and x in kinds) for x in val.tolist()), bool, val.shape[0])
            else:
                outside = np.bool_(not (isinstance(val, str) and val in kinds))
            hit = kind.known & ~kind.null & outside
            if not isinstance(hit, np.ndarray):
                hit = bool(hit)
            self._blocked[kinds] = hit
        return hit

    # -- rules
    def rule(self, rule: ir.Rule) -> _RuleOut:
        """`evaluate_rule` over the grid (the version is already chosen)."""
        n = self.n
        kinds = self._kinds.get(rule.family)
        blocked = self._blocked_by_kind(kinds) if kinds is not None else False
        if (rule.gate and self.grid.stated.isdisjoint(rule.gate)) or _all(blocked):
            return _RuleOut(np.full(n, NA, np.int8), np.zeros(n, np.int8), np.zeros(n, bool))
        scope = self.ev(rule.applies) if rule.applies is not None else Col(TRUE)
        s_true = _bcast(scope.known & ~scope.null & scope.val, n)
        s_false = _bcast(scope.known & ~scope.null & ~scope.val, n)
        na = s_false.copy()
        if rule.scope_gate and self.grid.stated.isdisjoint(rule.scope_gate):
            na |= _bcast(~scope.known, n)
        grades = [self.ev(g.expr) for g in rule.grades]
        for u in rule.unless:
            e = self.ev(u)
            na |= _bcast(e.known & ~e.null & e.val, n)
        outcome = np.full(n, OK, np.int8)
        severity = np.zeros(n, np.int8)
        firing_any = np.zeros(n, bool)
        order = sorted(range(len(grades)), key=lambda i: (-rule.grades[i].rank[0], -rule.grades[i].rank[1], i))
        for i in order:
            g, v = rule.grades[i], grades[i]
            firing = _bcast(v.known & ~v.null & v.val, n) & ~firing_any
            outcome[firing] = OUTCOME_CODE[g.level]
            severity[firing] = SEVERITY_CODE[g.severity]
            firing_any |= firing
        fired = firing_any & s_true & ~na
        outcome[firing_any & ~s_true] = INSUFFICIENT  # a grade holds, the scope is not established
        unknown_sev = np.zeros(n, np.int8)
        for i, v in enumerate(grades):
            unknown_sev = np.maximum(unknown_sev, np.where(_bcast(~v.known, n), SEVERITY_CODE[rule.grades[i].severity], 0))
        open_ = ~firing_any & (unknown_sev > 0)
        outcome[open_] = INSUFFICIENT
        severity[open_] = unknown_sev[open_]
        if isinstance(blocked, np.ndarray):
            na |= blocked
            fired &= ~blocked
        outcome[na] = NA
        severity[na | (outcome == OK)] = 0
        return _RuleOut(outcome, severity, fired)

    def rule_id(self, versions: tuple[ir.Rule, ...]) -> _RuleOut:
        """`evaluate_id` over the grid: the version in force on the date of the event the rule governs."""
        n = self.n
        first = versions[0]
        if first.judged_on is None:  # the checker allows this only for a rule without window or versions
            return self.rule(first)
        when = self.ev(first.judged_on)
        dated = _bcast(when.known & ~when.null, n)
        day = None
        if dated.any():
            if _kind(when.val) == "M":
                day = np.broadcast_to(when.val, (n,))
            else:  # dates that came through an object column
                day = np.array([_py(_python_value(when, i)) if dated[i] else dt.date(1970, 1, 1) for i in range(n)],
                               dtype="datetime64[D]")
        by_version = {id(r): self.rule(r) for r in versions}
        outcome = np.full(n, NA, np.int8)
        severity = np.zeros(n, np.int8)
        fired = np.zeros(n, bool)
        taken = ~dated
        for r in versions:
            if day is None:
                break
            c = by_version[id(r)]
            inside = ~taken
            if r.valid_from:
                inside &= day >= np.datetime64(r.valid_from, "D")
            if r.valid_until:
                inside &= day <= np.datetime64(r.valid_until, "D")
            outcome[inside], severity[inside], fired[inside] = c.outcome[inside], c.severity[inside], c.fired[inside]
            taken |= inside
        # the event date is unknown: it happened by the review date; the versions that could apply
        # (and a gap between them) must agree
        open_ = ~dated
        possible = candidate_versions(versions, self.grid.as_of)
        if open_.any() and possible:
            candidates = [by_version[id(r)] for r in possible]
            last = candidates[-1]
            same = np.ones(n, bool)
            for c in candidates[:-1]:
                same &= (c.outcome == last.outcome) & (c.severity == last.severity)
            if not covers_until(possible, self.grid.as_of):
                same &= (last.outcome == NA) & (last.severity == 0)
            quiet = np.ones(n, bool)
            for c in candidates:
                quiet &= (c.outcome == OK) | (c.outcome == NA)
            worst = np.zeros(n, np.int8)
            for c in candidates:
                worst = np.maximum(worst, c.severity)
            pick_same = open_ & same
            outcome[pick_same], severity[pick_same], fired[pick_same] = (
                last.outcome[pick_same], last.severity[pick_same], last.fired[pick_same])
            pick_ok = open_ & ~same & quiet
            outcome[pick_ok], severity[pick_ok], fired[pick_ok] = OK, 0, False
            rest = open_ & ~same & ~quiet
            outcome[rest], severity[rest], fired[rest] = INSUFFICIENT, worst[rest], False
        return _RuleOut(outcome, severity, fired)


def _spread(x: Any, reps: int, tiles: int) -> Any:
    """An axis's column over the whole product grid (a scalar stays a scalar)."""
    if not isinstance(x, np.ndarray):
        return x
    return np.tile(np.repeat(x, reps), tiles)


def _choose(c: Any, a: Col, b: Col) -> Col:
    """a where c, else b (values, known and null)."""
    if _all(c):
        return a
    if _nowhere(c):
        return b
    a, b = _aligned([a, b])
    return Col(_where(c, a.val, b.val), _where(c, a.known, b.known), _where(c, a.null, b.null))


# Node types whose value is unknown as soon as one operand is (Kleene: no operand can decide alone).
_STRICT = (ir.Cmp, ir.Arith, ir.Neg, ir.In, ir.Subset, ir.Diff, ir.Call)


def _bcast(x: Any, n: int) -> np.ndarray:
    return np.array(np.broadcast_to(x, (n,)), dtype=bool)


def _fill(v: Any, usable: Any) -> Any:
    """Placeholders stay placeholders: a masked-out point must not overflow a date function."""
    if not isinstance(v, np.ndarray):
        return v
    if v.dtype.kind == "M":
        return np.where(usable, v, np.datetime64("1970-01-01", "D"))
    return np.where(usable, v, 0)


def _boolish(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return bool(x.dtype == bool)
    return isinstance(x, (bool, np.bool_))


def _number(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return bool(x.dtype.kind == "i")
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)) and abs(int(x)) < 2 ** 62


def _kind(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return str(x.dtype.kind)
    if isinstance(x, np.datetime64):
        return "M"
    if isinstance(x, (bool, np.bool_)):
        return "b"
    if isinstance(x, (int, np.integer)) and abs(int(x)) < 2 ** 62:
        return "i"
    return "O"


def _all(x: Any) -> bool:
    """True at every point (a scalar True)."""
    return not isinstance(x, np.ndarray) and bool(x)


def _nowhere(x: Any) -> bool:
    """False at every point (a scalar False)."""
    return not isinstance(x, np.ndarray) and not bool(x)


def _void(c: Col) -> bool:
    """No point has a usable value (unknown or null everywhere): its placeholder means nothing."""
    return _nowhere(c.known) or _all(c.null)


def _aligned(cols: list[Col]) -> list[Col]:
    """Give a column without any usable value the placeholder of one that has some, so that the
    array operations see values of one type."""
    donor = next((c for c in cols if not _void(c)), None)
    if donor is None:
        return cols
    return [Col(donor.val, c.known, c.null) if _void(c) else c for c in cols]


def _same_kind(a: Any, b: Any) -> bool:
    return _kind(a) == _kind(b)


def _same_kinds(xs: list[Any]) -> bool:
    return len({_kind(x) for x in xs}) == 1 and _kind(xs[0]) != "b"


def _template(n: ir.Node) -> ir.Node:
    """The node with its operands replaced by slots `__0`, `__1`, … (in `children()` order)."""
    counter = iter(range(1 << 30))
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(n):
        v = getattr(n, f.name)
        if isinstance(v, ir.Node):
            changes[f.name] = ir.Fact(name=f"__{next(counter)}")
        elif isinstance(v, tuple) and any(isinstance(x, ir.Node) for x in v):
            changes[f.name] = tuple(ir.Fact(name=f"__{next(counter)}") if isinstance(x, ir.Node) else x for x in v)
    return dataclasses.replace(n, **changes)


def _python_value(c: Col, i: int | None) -> Any:
    def at(x: Any) -> Any:
        if isinstance(x, np.ndarray) and x.ndim:
            return x[i]
        return x
    if not bool(at(c.known)):
        return UNKNOWN
    if bool(at(c.null)):
        return NULL
    return _py(at(c.val))


# ---- the whole pack over a grid ---------------------------------------------------------------


def rule_closure(pack: ir.RulePack, wanted: Iterable[str]) -> list[str]:
    """The wanted rule ids and every rule id they refer to (`X fires`), in dependency order."""
    by_id: dict[str, list[ir.Rule]] = {}
    for r in pack.rules:
        by_id.setdefault(r.id, []).append(r)
    need: set[str] = set()
    stack = list(wanted)
    while stack:
        rid = stack.pop()
        if rid in need or rid not in by_id:
            continue
        need.add(rid)
        for r in by_id[rid]:
            stack.extend(r.rule_deps)
    return [rid for rid in by_id if rid in need]


def evaluate_grid(pack: ir.RulePack, grid: Grid, rules: Iterable[str] | None = None,
                  evaluator: Evaluator | None = None) -> dict[str, np.ndarray]:
    """rule id -> outcome code (index into `ir.OUTCOMES`) at every point of the grid. `evaluator`: the
    pack's per-case evaluator, when the caller keeps one (its definitions and node semantics)."""
    ev = VectorEvaluator(pack, grid, evaluator)
    by_id = ev.evaluator.by_id
    wanted = list(rules) if rules is not None else [rid for rid, _ in by_id]
    needed = set(rule_closure(pack, wanted))
    out: dict[str, np.ndarray] = {}
    for rid, versions in by_id:
        if rid not in needed:
            continue
        res = ev.rule_id(versions)
        ev.results[rid] = res
        out[rid] = res.outcome
    return {rid: out[rid] for rid in wanted if rid in out}


def outcome_names(codes: np.ndarray) -> list[str]:
    return [ir.OUTCOMES[c] for c in codes.tolist()]


__all__ = [
    "VECTOR_FUNCTIONS",
    "Col",
    "Grid",
    "VectorEvaluator",
    "column",
    "evaluate_grid",
    "outcome_names",
    "rule_closure",
]

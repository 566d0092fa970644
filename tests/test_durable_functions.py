"""The durable side's own functions (engine/durable_functions.py): independent of the evaluator,
and equal to the rule language's definitions (values.py) on a wide spread of dates."""

from __future__ import annotations

import ast
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest

from normcheck import ir
from normcheck.engine import durable_functions as F
from normcheck.values import NULL, UNKNOWN, add_months, days_between, months_between, round_half_up

SOURCE = Path(F.__file__)


def test_it_shares_no_code_with_the_evaluator() -> None:
    """Only the IR, the two special values and the function registry (to put its implementations in
    the registry's `durable` slot and read a function's declared `nulls`): no evaluator, no values.py
    arithmetic."""
    imported = set()
    for node in ast.walk(ast.parse(SOURCE.read_text())):
        if isinstance(node, ast.ImportFrom):
            imported |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    ours = {i for i in imported if i.startswith(("None.", ".", "normcheck", "values", "ir"))}
    assert ours <= {"None.ir", "values.NULL", "values.UNKNOWN", "functions.FUNCTIONS", "functions.implementations",
                    "functions.register"}, ours


def test_it_never_calls_the_evaluators_implementations(monkeypatch) -> None:
    """With every registry entry's evaluator implementation broken, the durable side still computes
    each function: it only reads its own slot of the registry."""
    import dataclasses

    from normcheck import functions

    def broken(*args):
        raise AssertionError("the durable side called the evaluator's implementation")
    for name, fn in list(functions.FUNCTIONS.items()):
        monkeypatch.setitem(functions._REGISTRY, name, dataclasses.replace(fn, evaluate=broken))
    d1, d2 = ir.Const(dt.date(2024, 1, 31)), ir.Const(dt.date(2024, 3, 1))
    calls = {"months_between": (d1, d2), "days_between": (d1, d2), "years_between": (d1, d2),
             "add_days": (d1, ir.Const(3)), "add_months": (d1, ir.Const(1)), "count": (ir.Const(frozenset({"a", "b"})),),
             "abs": (ir.Const(-2),), "round": (ir.Const(Decimal("2.5")),), "min": (d1, ir.Fact(name="no_bound"), d2),
             "max": (d1, ir.Fact(name="no_bound"), d2)}
    assert calls.keys() == functions.FUNCTIONS.keys()
    got = {name: F.value(ir.Call(func=name, args=args), lambda x: NULL, dt.date(2025, 1, 1)) for name, args in calls.items()}
    assert got == {"months_between": 1, "days_between": 30, "years_between": 0, "add_days": dt.date(2024, 2, 3),
                   "add_months": dt.date(2024, 2, 29), "count": 2, "abs": 2, "round": 3, "min": dt.date(2024, 1, 31),
                   "max": dt.date(2024, 3, 1)}


def test_date_functions_agree_with_the_definitions() -> None:
    rng = random.Random(20261130)
    base = dt.date(1990, 1, 1)
    for _ in range(20_000):
        a = base + dt.timedelta(days=rng.randint(0, 20_000))
        b = base + dt.timedelta(days=rng.randint(0, 20_000))
        n = rng.randint(-400, 400)
        assert F.d_months_between(a, b) == months_between(a, b), (a, b)
        assert F.d_days_between(a, b) == days_between(a, b)
        assert F.d_add_months(a, n) == add_months(a, n), (a, n)
        assert F.d_add_days(a, n) == a + dt.timedelta(days=n)


@pytest.mark.parametrize("a, b, months", [
    (dt.date(2024, 1, 31), dt.date(2024, 2, 29), 1),  # the month ends before the day number: complete
    (dt.date(2023, 1, 31), dt.date(2023, 2, 27), 0),
    (dt.date(2024, 2, 29), dt.date(2025, 2, 28), 12),
    (dt.date(2024, 3, 15), dt.date(2024, 1, 16), -1),
])
def test_months_between_pins(a, b, months) -> None:
    assert F.d_months_between(a, b) == months


def test_rounding_and_division() -> None:
    for x in (Decimal("2.5"), Decimal("-2.5"), Decimal("2.675"), 3, Decimal("0.49")):
        assert F.d_round(x) == round_half_up(x)
    assert F.d_divide(6, 3) == 2 and isinstance(F.d_divide(6, 3), int)
    assert F.d_divide(1, 4) == Decimal("0.25")
    assert F.d_divide(1, 0) is NULL


def test_out_of_calendar_is_unknown() -> None:
    node = ir.Call(func="add_months", args=(ir.Fact(name="d"), ir.Const(value=100_000)))
    assert F.value(node, lambda name: dt.date(2024, 1, 1), dt.date(2024, 1, 1)) is UNKNOWN


def test_kleene_logic() -> None:
    t, f, u = ir.Const(value=True), ir.Const(value=False), ir.Fact(name="x")
    look = lambda name: UNKNOWN  # noqa: E731
    day = dt.date(2024, 1, 1)
    assert F.value(ir.And(operands=(f, u)), look, day) is False
    assert F.value(ir.And(operands=(t, u)), look, day) is UNKNOWN
    assert F.value(ir.Or(operands=(t, u)), look, day) is True
    assert F.value(ir.Not(operand=u), look, day) is UNKNOWN
    assert F.value(ir.Otherwise(left=u, right=f), look, day) is False
    assert F.value(ir.Is(operand=u, test="known"), look, day) is False
    null = lambda name: NULL  # noqa: E731
    assert F.value(ir.Cmp(op="<", left=u, right=ir.Const(value=3)), null, day) is False
    assert F.value(ir.Cmp(op="==", left=u, right=u), null, day) is True

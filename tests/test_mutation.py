"""The cross-check must catch a bug in the evaluator's arithmetic, comparisons and definitions
(issue 13 §1): durable-rules derives and compares on its own (engine/durable_functions.py), so a
bug planted in the evaluator alone must show as a disagreement, and none without the plant."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_differential import generated_cases

from normcheck import functions
from normcheck.engine import Engine, durable_adapter
from normcheck.facts import load_record
from normcheck.values import add_months, days_between

ROOT = Path(__file__).resolve().parent.parent
ev = importlib.import_module("normcheck.engine.evaluate")  # the module (the package re-exports a function of that name)

pytestmark = pytest.mark.skipif(not durable_adapter.AVAILABLE, reason="durable-rules does not import on this Python")


@pytest.fixture(scope="module")
def cases(loaded) -> list[tuple[Any, dt.date, Any]]:
    """The bundled T.Q. and SBC case files (they pin the dates and thresholds) and generated cases."""
    out = []
    for path in sorted((ROOT / "cases").rglob("*.yaml")):
        if not any(k in path.as_posix().lower() for k in ("tq", "sbc")):
            continue
        try:
            record = load_record(path, loaded.vocabulary, display=str(path))
        except Exception:  # the malformed case files of the error tests
            continue
        out.append((record.facts, record.as_of, record.origins.keys()))
    out.extend(boundary_cases(out))
    out.extend(ADD_DAYS_CASES)
    # 300 generated cases besides, for the combinations no bundled or targeted case thought of
    out.extend((facts, as_of, facts.keys()) for facts, as_of in generated_cases(loaded, 300, seed=13))
    return out


# A penalty at a first period of immediate controls under old Art. 28 (1 - 25 June 2019), the check on
# 5 June: within the ten days of old Art. 28(1), whose first day beyond is add_days(start, 10) = 11 June,
# so the old version of SBC-10 does not fire. A sign error in `add_days` puts that day on 22 May, before
# the period began, and SBC-10 fires: the outcome turns on `add_days` alone (the two-month limit, 1 August,
# is not reached), so the planted bug is caught without the generated cases. The same period with the
# check on 15 June fires under both (a limit passed is not the plant's doing).
_OLD_ART28_FIRST_PERIOD = {
    "record_type": "border_control_measure", "member_state": "AT", "procedure_invoked": "old_art28",
    "notification_date": dt.date(2019, 5, 31), "control_start_date": dt.date(2019, 6, 1),
    "control_end_date": dt.date(2019, 6, 25), "same_threat_as_previous_period": False,
    "new_threat_identified": False, "penalty_for_not_showing_document": True,
}
ADD_DAYS_CASES: list[tuple[Any, dt.date, Any]] = [
    (facts, dt.date(2025, 11, 15), facts.keys())
    for facts in ({**_OLD_ART28_FIRST_PERIOD, "check_date": dt.date(2019, 6, 5)},
                  {**_OLD_ART28_FIRST_PERIOD, "check_date": dt.date(2019, 6, 15)})]


# Periods the rules measure, and lengths around their limits (10 and 20 days; 1, 2, 3, 6 and 21
# months): random dates seldom land on a limit, and an off-by-one shows only there.
PERIODS = (("control_start_date", "control_end_date"), ("application_date", "decision_date"))
STARTS = (dt.date(2024, 1, 29), dt.date(2024, 1, 31))
LENGTHS = (9, 10, 11, 19, 20, 21, 28, 29, 30, 31, 32, 58, 59, 60, 61, 62, 89, 90, 91, 92, 179, 180, 181, 182, 183, 638, 639, 640)


def boundary_cases(bundled: list[tuple[Any, dt.date, Any]]) -> list[tuple[Any, dt.date, Any]]:
    """Variants of bundled cases (one per procedure invoked) with the period's length set around each limit."""
    out = []
    for first, last in PERIODS:
        having: dict[Any, tuple[Any, dt.date, Any]] = {}
        for c in bundled:
            if isinstance(c[0].get(first), dt.date) and isinstance(c[0].get(last), dt.date):
                having.setdefault(c[0].get("procedure_invoked"), c)
        for facts, as_of, stated in having.values():
            for start in STARTS:
                for days in LENGTHS:
                    end = start + dt.timedelta(days=days)
                    out.append(({**facts, first: start, last: end}, max(as_of, end + dt.timedelta(days=30)), stated))
    return out


@pytest.fixture()
def closures(monkeypatch):
    """The evaluator's closures only (the generated code is switched off). Each Engine compiles its
    own closures, so a plant is read by the next Engine built."""
    monkeypatch.setattr(ev, "HOT_AFTER", 10**9)


def _evaluator_only(mp: pytest.MonkeyPatch, name: str, bug: Callable[..., Any]) -> None:
    """Plant `bug` as the evaluator's implementation of `name` in the function registry; the durable
    side's own implementation (the registry's `durable` slot) is untouched."""
    mp.setitem(functions._REGISTRY, name, dataclasses.replace(functions.FUNCTIONS[name], evaluate=bug))


def disagreements(loaded, cases) -> list[str]:
    engine = Engine(loaded.pack, use_durable=True)
    assert engine.durable is not None, engine.refused
    out: list[str] = []
    for facts, as_of, stated in cases:
        out.extend(engine.run(facts, as_of, stated).disagreements)
    return out


def test_no_disagreement_without_a_plant(loaded, cases, closures) -> None:
    assert disagreements(loaded, cases) == []


def _months_ignoring_days(a: dt.date, b: dt.date) -> int:
    """The classic bug: calendar months counted without looking at the day of the month."""
    return (b.year - a.year) * 12 + (b.month - a.month)


def _add_days_backwards(d: dt.date, n: Any) -> dt.date:
    """A sign error. (A one-day slip of `add_days` changes only INSUFFICIENT_DATA against OK on
    these cases, e.g. SBC-10; the cross-check compares what fires, so it is not used here.)"""
    return d - dt.timedelta(days=int(n))


PLANTS: dict[str, Callable[[Any], None]] = {
    "date arithmetic: months_between ignores the day": lambda mp: _evaluator_only(mp, "months_between", _months_ignoring_days),
    "date arithmetic: add_days counts backwards": lambda mp: _evaluator_only(mp, "add_days", _add_days_backwards),
    "date arithmetic: days_between counts both ends": lambda mp: _evaluator_only(mp, "days_between", lambda a, b: days_between(a, b) + 1),
    "date arithmetic: add_months a month too many from the 29th on":
        lambda mp: _evaluator_only(mp, "add_months", lambda d, n: add_months(d, int(n) + (d.day >= 29))),
    "comparison: > behaves as >=": lambda mp: mp.setitem(ev._ORDER, ">", lambda a, b: a >= b),
    "comparison: <= behaves as <": lambda mp: mp.setitem(ev._ORDER, "<=", lambda a, b: a < b),
}


def test_the_targeted_cases_turn_on_add_days(loaded, closures, monkeypatch) -> None:
    """Deterministic, whatever the generated cases: the check within the ten days leaves SBC-10 unfired and
    the one after them fires it (BREACH, on both engines), and the sign error in `add_days` fires it within."""
    engine = Engine(loaded.pack, use_durable=True)
    assert engine.durable is not None, engine.refused
    within, after = (engine.run(facts, as_of, stated) for facts, as_of, stated in ADD_DAYS_CASES)
    assert within.disagreements == [] and after.disagreements == []
    sbc10 = [{r.rule.id: r.outcome for r in run.results}["SBC-10"] for run in (within, after)]
    assert sbc10 == ["OK", "BREACH"], sbc10
    PLANTS["date arithmetic: add_days counts backwards"](monkeypatch)
    found = disagreements(loaded, ADD_DAYS_CASES[:1])
    assert any("SBC-10" in f for f in found), found


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_a_planted_bug_in_the_evaluator_is_caught(loaded, cases, closures, monkeypatch, plant) -> None:
    PLANTS[plant](monkeypatch)
    found = disagreements(loaded, cases)
    assert found, f"the cross-check missed the planted bug ({plant})"


def test_a_planted_bug_in_a_definition_is_caught(loaded, cases, closures, monkeypatch) -> None:
    """The evaluator computes `procedure_duration_months` one month short (a definition bug: the
    IR both engines read is untouched, only the evaluator's derivation is wrong)."""
    original = ev.Env.derive

    def derive(self: ev.Env, name: str) -> Any:
        value, mask = original(self, name)
        if name == "procedure_duration_months" and isinstance(value, int) and not isinstance(value, bool):
            value = value - 1
            self.derived[name] = (value, mask)
        return value, mask
    monkeypatch.setattr(ev.Env, "derive", derive)
    found = disagreements(loaded, cases)
    assert found, "the cross-check missed the planted bug in a definition"
    assert any("TQ-" in f for f in found), found

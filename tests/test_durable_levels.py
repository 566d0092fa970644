"""durable-rules derives the definitions a case needs one dependency level at a time (`_def@k`), by
its own forward chaining: each level's action runs only once the level before it has asserted its
`$def` fact, and a failure in a chained level is raised, not swallowed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from normcheck.engine import durable_adapter
from normcheck.values import UNKNOWN

pytestmark = pytest.mark.skipif(not durable_adapter.AVAILABLE, reason="durable-rules does not import on this Python")

CASE = {"record_type": "individual_case", "is_unaccompanied_minor_at_application": True, "return_decision_issued": True,
        "age_at_application_months": 150, "application_date": dt.date(2024, 3, 1), "decision_date": dt.date(2024, 11, 20),
        "policy_permit_max_duration_months": 36, "policy_permit_ends_at_majority": True,
        "policy_durable_permit_requires_months_as_minor": 36, "policy_permit_start": "decision_date"}


def test_one_rule_per_dependency_level(engine) -> None:
    durable = engine.durable
    levels = durable_adapter.define_levels(engine.pack)
    defs = sorted(k for k in durable.compiled.definition if k.startswith("_def"))
    assert levels > 1 and defs == sorted(f"_def@{k}" for k in range(levels))
    assert {p.level for p in durable.plans.values()} == set(range(levels))
    for plan in durable.plans.values():  # a definition's level is above every level it reads
        assert all(durable.plans[d].level < plan.level for d, _ in plan.deps)
        assert plan.level == 0 or any(durable.plans[d].level == plan.level - 1 for d, _ in plan.deps)


def test_the_in_facts_of_a_case_follow_the_levels(engine) -> None:
    durable = engine.durable
    env, _, _ = engine.evaluate(CASE, dt.date(2025, 11, 15), CASE.keys())
    needed = durable.needed(durable.relevant_views(env))
    facts = durable.input_facts(env, "s", needed)
    assert [f["k"] for f in facts] == list(range(len(facts))) and len(facts) > 1
    assert [f.get("more", False) for f in facts] == [True] * (len(facts) - 1) + [False]
    assert sorted(x for f in facts for x in f["d"]) == sorted(needed)
    levels = [{durable.plans[x].level for x in f["d"]} for f in facts]
    assert all(len(s) == 1 for s in levels) and [min(s) for s in levels] == sorted(min(s) for s in levels)


def test_the_chained_levels_derive_what_the_evaluator_derives(engine) -> None:
    """The durable side's derived facts (recorded by its actions) equal the evaluator's where known."""
    durable = engine.durable
    env, _, _ = engine.evaluate(CASE, dt.date(2025, 11, 15), CASE.keys())
    seen: dict[str, object] = {}
    real = durable._derived
    original = dict.__setitem__

    class Spy(dict):  # keeps what each case's actions recorded
        def __setitem__(self, sid, derived) -> None:
            original(self, sid, derived)
            seen["derived"] = derived
    durable._derived = Spy()
    try:
        assert engine.run(CASE, dt.date(2025, 11, 15), CASE.keys()).disagreements == []
    finally:
        durable._derived = real
    derived = seen["derived"]
    assert isinstance(derived, dict) and derived.keys() == durable.needed(durable.relevant_views(env))
    deep = [x for x in derived if durable.plans[x].level >= 2]
    assert deep, "the case needs definitions two levels up"
    for name, value in derived.items():
        if value is not UNKNOWN:
            assert env.value(name) == value, name


def test_a_failure_in_a_chained_level_is_raised(engine, monkeypatch) -> None:
    durable = engine.durable
    env, _, _ = engine.evaluate(CASE, dt.date(2025, 11, 15), CASE.keys())
    name = next(x for x in sorted(durable.needed(durable.relevant_views(env))) if durable.plans[x].level >= 1)

    def broken(vals, as_of, stated):
        raise ValueError("planted failure in a level")
    monkeypatch.setitem(durable.plans, name, dataclasses.replace(durable.plans[name], code=broken))
    with pytest.raises(RuntimeError, match=r"durable-rules action failed.*planted failure in a level"):
        engine.run(CASE, dt.date(2025, 11, 15), CASE.keys())


def test_a_definition_plan_is_compiled_when_first_derived(loaded) -> None:
    """A new engine compiles no definition; a case compiles the plans of what it derives, each the plan
    `define_plans` makes (the same levels, reads and carried facts)."""
    from normcheck.engine import Engine

    fresh = Engine(loaded.pack)
    durable = fresh.durable
    assert durable is not None and not durable.plans._plans
    env, _, _ = fresh.evaluate(CASE, dt.date(2025, 11, 15), CASE.keys())
    needed = durable.needed(durable.relevant_views(env))
    durable.fired(env)
    assert set(durable.plans._plans) == needed and 0 < len(needed) < len(durable.plans)
    eager = durable_adapter.define_plans(loaded.pack)
    assert list(durable.plans) == list(eager) and len(durable.plans) == len(eager)
    for name in durable.plans:  # (every plan, compiled now)
        plan = durable.plans[name]
        assert dataclasses.replace(plan, code=None) == dataclasses.replace(eager[name], code=None)
        assert plan.level == durable.plans.level(name)


def test_a_function_without_a_durable_implementation_is_named(loaded, monkeypatch) -> None:
    """The pack's expressions are walked for the functions they call only when the durable side lacks a
    declared one; then the engine says which (and the evaluator runs alone)."""
    from normcheck.engine import Engine, durable_functions

    assert durable_functions.missing() == []
    from normcheck.engine.durable_compile import _calls

    calls = _calls(loaded.pack)
    gone = sorted(calls)[0]
    monkeypatch.setattr(durable_functions, "FUNCTIONS", {k: v for k, v in durable_functions.FUNCTIONS.items() if k != gone})
    assert durable_functions.missing() == [gone]
    engine = Engine(loaded.pack)
    assert engine.durable is None and f"`{gone}`" in engine.refused and "no implementation" in engine.label


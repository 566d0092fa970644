"""durable-rules runs each case on the part of the rule pack its families reach (registered on first
use, at most MAX_RULESETS parts per host), and that part decides exactly as the whole pack does."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from normcheck.engine import Engine, durable_adapter
from normcheck.facts import load_record
from normcheck.values import MonthDate

pytestmark = pytest.mark.skipif(not durable_adapter.AVAILABLE, reason="durable-rules does not import on this Python")

ROOT = Path(__file__).resolve().parent.parent
TQ_CASE = {"record_type": "individual_case", "is_unaccompanied_minor_at_application": True, "return_decision_issued": True,
           "age_at_application_months": 150, "application_date": dt.date(2024, 3, 1), "decision_date": dt.date(2024, 11, 20),
           "policy_permit_max_duration_months": 36, "policy_permit_ends_at_majority": True,
           "policy_durable_permit_requires_months_as_minor": 36, "policy_permit_start": "decision_date"}
AS_OF = dt.date(2025, 11, 15)


def _rule_keys(definition: dict) -> set[str]:
    return {k.split("#")[0] for k in definition if "#" in k}


def test_a_case_of_one_family_registers_only_that_family(loaded) -> None:
    Engine(loaded.pack)  # compiles the ruleset and caches it (a fresh compile is registered whole: see below)
    engine = Engine(loaded.pack)
    durable = engine.durable
    assert durable is not None and not durable._registered  # nothing registered before a case needs it
    assert engine.run(TQ_CASE, AS_OF, TQ_CASE.keys()).disagreements == []
    (name,) = durable._registered
    assert name != durable.compiled.name
    registered = durable.host.get_ruleset(name)._definition
    tq = {r.key for r in loaded.pack.rules if r.family == "tq"}
    assert _rule_keys(registered) == tq and len(tq) < len(loaded.pack.rules)
    # the infrastructure rules and the definition levels a case of these rules can reach come along, exactly as
    # compiled (a case's k-th group of needed definitions is the k-th level that has any: tq's rules read 5 of 7)
    reached = {durable.plans.level(x) for x in durable.needed(v for v in durable.compiled.views if v.key in tq)}
    assert {k for k in registered if "#" not in k} == {"_begin", "_sink", *(f"_def@{k}" for k in range(len(reached)))}
    assert len(reached) < sum(k.startswith("_def@") for k in durable.compiled.definition)
    assert all(registered[k] == durable.compiled.definition[k] for k in registered)
    # only the rule facts of the case's relevant rules get a plan
    assert set(durable._views) == {v.key for v in durable.relevant_views(engine.evaluate(TQ_CASE, AS_OF, TQ_CASE.keys())[0])}


def _bundled(loaded) -> list:
    return [load_record(p, loaded.vocabulary, display=str(p)) for p in sorted((ROOT / "cases").rglob("*.yaml"))]


def test_a_batch_mixing_families_fires_as_the_whole_pack(loaded, monkeypatch) -> None:
    records = _bundled(loaded)
    parts = Engine(loaded.pack)
    whole = Engine(loaded.pack)
    whole.durable.max_rulesets = 0  # every case on the whole pack
    said: list[list] = [[], []]  # what durable-rules says of every case (and month variant), per engine

    def spy(fired, out):  # type: ignore[no-untyped-def]
        def run(env):  # type: ignore[no-untyped-def]
            out.append(fired(env))
            return out[-1]
        return run
    for engine, out in zip((parts, whole), said):
        monkeypatch.setattr(engine.durable, "fired", spy(engine.durable.fired, out))
    families: set[frozenset[str]] = set()
    for record in records:
        for engine in (parts, whole):
            assert engine.run(record.facts, record.as_of, record.origins.keys()).disagreements == [], record
        env = whole.evaluate({k: v for k, v in record.facts.items() if not isinstance(v, MonthDate)}, record.as_of,
                             record.origins.keys())[0]
        if parts.durable.relevant_views(env):
            families.add(frozenset(parts.durable._rules[v.key].family for v in parts.durable.relevant_views(env)))
    assert said[0] == said[1] and any(said[0])
    assert whole.durable._registered == {whole.durable.compiled.name}
    assert len(families) > 1 and len(parts.durable._registered) > 1  # several families, several subsets


def test_past_the_bound_a_new_subset_runs_on_the_whole_pack(loaded) -> None:
    durable = Engine(loaded.pack).durable
    assert durable.max_rulesets == durable_adapter.MAX_RULESETS == 16
    durable.max_rulesets = 1
    by_family = {}
    for v in durable.compiled.views:
        by_family.setdefault(durable._rules[v.key].family, []).append(v)
    first, second, third = sorted(by_family)[:3]
    name1 = durable.ruleset(by_family[first])[0]
    name2, definition, strata = durable.ruleset(by_family[second])
    assert name1 != durable.compiled.name and _rule_keys(durable.ruleset(by_family[first])[1]) == {v.key for v in by_family[first]}
    assert name2 == durable.compiled.name and definition is durable.compiled.definition and strata == durable.compiled.strata
    assert durable.ruleset(by_family[third])[0] == durable.compiled.name
    assert durable.ruleset(by_family[first])[0] == name1  # a subset chosen before keeps its ruleset


def test_a_rule_referring_to_another_still_chains(loaded, engine) -> None:
    """TQ-08 joins on TQ-04b's finding: both sit in the T.Q. subset, and TQ-08 fires there when the
    evaluator says it does."""
    fired_08 = 0
    for record in _bundled(loaded):
        facts = {k: v for k, v in record.facts.items() if not isinstance(v, MonthDate)}  # (month variants aside)
        env, results, _ = engine.evaluate(facts, record.as_of, record.origins.keys())
        views = engine.durable.relevant_views(env)
        if not views:
            continue
        _, definition, _ = engine.durable.ruleset(views)
        keys = _rule_keys(definition)
        ids = {engine.durable._rules[k].id for k in keys}
        assert all(set(engine.durable._rules[k].rule_deps) <= ids for k in keys)  # every rule it joins on is there
        res = next((r for r in results if r.rule.id == "TQ-08"), None)
        if res is not None and res.fired:
            fired_08 += 1
            assert "TQ-08" in engine.durable.fired(env)
    assert fired_08 > 0


def test_the_subset_closes_over_rule_references_both_ways(loaded) -> None:
    """With the referring rule in another family (made so here), the subset of either family holds both."""
    pack = loaded.pack
    moved = dataclasses.replace(pack, rules=tuple(dataclasses.replace(r, family="cec") if r.id == "TQ-08" else r
                                                  for r in pack.rules))
    durable = Engine(moved).durable
    keys_of = {r.id: {x.key for x in moved.rules if x.id == r.id} for r in moved.rules}
    cec = _rule_keys(durable._rulesets[durable._select(frozenset({"cec"}))][0])
    assert keys_of["TQ-08"] | keys_of["TQ-04b"] <= cec  # the rule it joins on
    assert not keys_of["TQ-01"] & cec
    tq = _rule_keys(durable._rulesets[durable._select(frozenset({"tq"}))][0])
    assert keys_of["TQ-08"] <= tq  # the rule that observes TQ-04b's finding


def test_a_ruleset_compiled_afresh_is_registered_whole_and_cached_only_if_accepted(loaded, tmp_path, monkeypatch) -> None:
    """A pack durable-rules refuses is refused when the engine is made, before any case runs and the
    receipt names the engine (as when the whole ruleset was registered at start-up); nothing is cached."""
    monkeypatch.setenv("NORMCHECK_CACHE", str(tmp_path))
    calls: list[str] = []

    def refuse(self, definitions):
        calls.extend(definitions)
        raise ValueError("too complex")
    monkeypatch.setattr(durable_adapter.SyncHost, "register_rulesets", refuse)
    monkeypatch.setattr(durable_adapter, "_culprit", lambda compiled: "none alone")
    engine = Engine(loaded.pack)
    assert engine.durable is None and "too complex" in engine.refused
    assert "refused the rule pack" in engine.label
    assert len(calls) == 1 and calls[0].startswith("nc_")  # the whole ruleset, at once
    assert not list(tmp_path.rglob("durable-*.json"))  # a refused ruleset is not cached
    monkeypatch.undo()
    monkeypatch.setenv("NORMCHECK_CACHE", str(tmp_path))
    accepted = Engine(loaded.pack).durable  # accepted whole, then cached: the next engine registers nothing up front
    assert accepted is not None and accepted._registered == {accepted.compiled.name}
    assert list(tmp_path.rglob("durable-*.json"))
    again = Engine(loaded.pack).durable
    assert again is not None and not again._registered

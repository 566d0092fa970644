"""The seams the next features build on: an immutable IR that cannot be built half-empty, one registry
of the rule language's functions, and an Engine that owns its state (no module-level caches)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import threading
from decimal import Decimal

import pytest

from normcheck import functions, ir
from normcheck.diagnostics import InputError
from normcheck.engine import Engine, durable_adapter
from normcheck.engine import evaluate as evaluate_module
from normcheck.pack import load_pack
from normcheck.values import NULL

from conftest import families_yaml

# ---- the IR ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [ir.Not, ir.Cmp, ir.And, ir.Call, ir.Is, ir.If, ir.Fact, ir.Const])
def test_an_expression_needs_its_parts(cls) -> None:
    with pytest.raises(TypeError):
        cls()


def test_nodes_and_packs_are_immutable(loaded) -> None:
    pack = loaded.pack
    with pytest.raises(dataclasses.FrozenInstanceError):
        pack.rules[0].grades[0].expr.text = "x"
    for mapping in (pack.sources, pack.fact_types, pack.value_labels, next(iter(pack.value_labels.values()))):
        with pytest.raises(TypeError):
            mapping["x"] = None


def test_pack_round_trips_through_the_cache_format(loaded) -> None:
    pack = loaded.pack
    again = pickle.loads(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)).pack
    assert again == pack and again.digest == pack.digest
    assert dict(again.sources) == dict(pack.sources) and again.define("age_at_application_months") is not None
    with pytest.raises(TypeError):
        again.fact_types["x"] = ir.BOOL


def test_children_walks_every_operand() -> None:
    a, b, c = ir.Fact("a"), ir.Fact("b"), ir.Const(3)
    node = ir.If(ir.Cmp("<", a, c), ir.Call("max", (a, b)), ir.Neg(b))
    assert node.children() == (node.cond, node.then, node.orelse)
    assert node.then.children() == (a, b)


# ---- the function registry ---------------------------------------------------------------------

def test_every_function_has_a_signature_and_an_evaluator_implementation() -> None:
    for name, fn in functions.FUNCTIONS.items():
        assert fn.name == name and callable(fn.evaluate) and fn.doc
        assert fn.signature.describe(name).startswith(name)
    assert functions.FUNCTIONS["years_between"].evaluate(dt.date(2000, 3, 1), dt.date(2018, 2, 28)) == 17
    assert functions.FUNCTIONS["round"].evaluate(Decimal("2.5")) == 3


def test_engine_tables_are_keyed_by_registered_names(monkeypatch) -> None:
    monkeypatch.setitem(functions._ENGINES, "vector", {})
    with pytest.raises(KeyError):
        functions.register("vector", "no_such_function")
    functions.register("vector", "abs")(abs)
    assert functions.implementation("vector", "abs") is abs and functions.implementation("vector", "round") is None


def test_every_function_has_its_own_durable_implementation() -> None:
    """The registry's `durable` slot is engine/durable_functions.py's table: every declared function has
    one there, none is the evaluator's (the cross-check needs two independent computations)."""
    from normcheck.engine import durable_functions

    assert durable_functions.missing() == []
    assert durable_functions.FUNCTIONS.keys() == functions.FUNCTIONS.keys()
    for name, fn in functions.FUNCTIONS.items():
        own = functions.implementation("durable", name)
        assert own is durable_functions.FUNCTIONS[name] and own is not fn.evaluate
        assert own.__module__ == "normcheck.engine.durable_functions"


SQUARE_RULES = '''
source S "A source" url "https://example.invalid/s"
rule SQ-01
  title en "t" title nl "t"
  cite S "p" unverified
  fires when square(n) > 10
  level RISK severity low
  en "m" nl "m"
'''


def _square_pack(tmp_path, rules: str):
    d = tmp_path / "rules"
    (d / "vocabulary").mkdir(parents=True)
    (d / "vocabulary" / "t.yaml").write_text("family: t\nfacts:\n  n: {type: int, nullable: true}\n  d1: {type: date}\n")
    (d / "families.yaml").write_text(families_yaml({"sq": ["t.yaml"]}, "d1"))
    (d / "sq.norm").write_text(rules)
    return load_pack(str(d)).pack


def test_adding_a_function_is_one_entry(tmp_path, monkeypatch) -> None:
    """The checker, the evaluator and durable-rules all pick a new function up from its one entry."""
    monkeypatch.setenv("NORMCHECK_NO_CACHE", "1")  # the registry is patched at run time, unseen by the cache key
    with pytest.raises(InputError) as exc:
        _square_pack(tmp_path / "before", SQUARE_RULES)
    assert "unknown function `square`" in exc.value.render()
    monkeypatch.setitem(functions._REGISTRY, "square", functions.Function(
        "square", functions.Signature(("number",), "number"), lambda x: x * x, "the number times itself"))
    pack = _square_pack(tmp_path / "after", SQUARE_RULES)
    if durable_adapter.AVAILABLE:  # durable-rules decides on its own: without its implementation it stands aside
        alone = Engine(pack, use_durable=True)
        assert alone.durable is None and "`square`" in alone.refused
    monkeypatch.setitem(functions._ENGINES["durable"], "square", lambda x: x**2)  # durable_functions.py's entry
    engine = Engine(pack)
    assert engine.durable is not None or not durable_adapter.AVAILABLE
    assert engine.run({"n": 4}, dt.date(2025, 1, 1)).results[0].outcome == "RISK"
    assert engine.run({"n": 3}, dt.date(2025, 1, 1)).results[0].outcome == "OK"
    assert engine.run({"n": NULL}, dt.date(2025, 1, 1)).results[0].outcome == "OK"  # null in, null out: not > 10
    for facts in ({"n": 4}, {"n": 3}, {}, {"n": NULL}):
        assert engine.run(facts, dt.date(2025, 1, 1)).disagreements == []
    with pytest.raises(InputError) as exc:
        _square_pack(tmp_path / "types", SQUARE_RULES.replace("square(n)", "square(d1)"))
    assert "argument `d1` of `square` must be a number, not a date" in exc.value.render()
    with pytest.raises(InputError) as exc:
        _square_pack(tmp_path / "arity", SQUARE_RULES.replace("square(n)", "square(n, n)"))
    assert "`square` takes 1 argument, got 2" in exc.value.render()
    with pytest.raises(InputError) as exc:
        _square_pack(tmp_path / "typo", SQUARE_RULES.replace("square(n)", "sqare(n)"))
    assert "did you mean `square`" in exc.value.render()


# ---- the Engine owns its state -----------------------------------------------------------------

def test_no_module_level_caches(loaded) -> None:
    """Compiled closures, indexes and durable-rules state live on the Engine: building engines and running
    cases leaves every module-level container of the engine package as it was."""
    modules = (evaluate_module, durable_adapter, functions)

    def sizes() -> dict[str, int]:
        return {f"{m.__name__}.{k}": len(v) for m in modules for k, v in vars(m).items()
                if isinstance(v, (dict, list, set)) and not k.startswith("__")}
    before = sizes()
    for _ in range(2):
        eng = Engine(loaded.pack)
        eng.run({"record_type": "individual_case", "is_unaccompanied_minor_at_application": True}, dt.date(2025, 1, 1))
    assert sizes() == before
    assert not hasattr(evaluate_module, "_COMPILED") and not hasattr(evaluate_module, "_INDEX")


def test_engines_for_different_packs_live_side_by_side(tmp_path, loaded) -> None:
    small = _square_pack(tmp_path, SQUARE_RULES.replace("square(n)", "abs(n)"))
    a, b = Engine(small), Engine(loaded.pack)
    assert [r.rule.id for r in a.run({"n": -11}, dt.date(2025, 1, 1)).results] == ["SQ-01"]
    assert a.run({"n": -11}, dt.date(2025, 1, 1)).results[0].outcome == "RISK"
    assert len(b.run({}, dt.date(2025, 1, 1)).results) == len(loaded.pack.rule_ids())
    again = Engine(small)  # a second engine for the same pack: its own host, no clash of ruleset names
    assert again.run({"n": -11}, dt.date(2025, 1, 1)).results[0].outcome == "RISK"


def test_one_engine_serves_concurrent_requests(engine) -> None:
    """A web server keeps one Engine and calls it from several threads: results do not mix."""
    cases = [{"record_type": "individual_case", "is_unaccompanied_minor_at_application": True,
              "return_decision_issued": True, "best_interests_assessment_documented": bool(i % 2),
              "age_at_application_months": 150 + i} for i in range(40)]

    def outcomes(facts: dict) -> tuple[tuple[str, str], ...]:
        run = engine.run(facts, dt.date(2025, 1, 1), facts.keys())
        assert run.disagreements == []
        return tuple((r.rule.id, r.outcome) for r in run.results)
    expected = [outcomes(c) for c in cases]
    assert len(set(expected)) > 1
    got: dict[int, tuple[tuple[str, str], ...]] = {}

    def work(indices: range) -> None:
        for i in indices:
            got[i] = outcomes(cases[i])
    threads = [threading.Thread(target=work, args=(range(k, 40, 4),)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i] for i in range(40)] == expected


CHAINED_VERSIONS = '''
source S "A source" url "https://example.invalid/s"
rule X-1
  title en "t" title nl "t"
  cite S "p" unverified
  version "old"
  valid until 2024-07-09
  judged on d1
  fires when n > 1
  level RISK severity low
  en "m" nl "m"
rule X-1
  title en "t" title nl "t"
  cite S "p" unverified
  version "new"
  valid from 2024-07-10
  judged on d1
  fires when n > 2
  level RISK severity low
  en "m" nl "m"
rule Y-1
  title en "t" title nl "t"
  cite S "p" unverified
  fires when X-1 fires
  level RISK severity low
  en "m" nl "m"
'''


def test_a_rule_may_chain_on_a_versioned_rule_whose_event_date_is_unknown(tmp_path) -> None:
    """Both versions may fire when the event date is unknown: durable-rules must record one finding for
    the rule id (an identical fact asserted twice made its action fail), chain only when the versions
    agree, and so agree with the evaluator."""
    engine = Engine(_square_pack(tmp_path, CHAINED_VERSIONS))
    for facts in ({"n": 5}, {"n": 5, "d1": dt.date(2024, 1, 1)}, {"n": 2}, {"n": 1}, {}):
        run = engine.run(facts, dt.date(2025, 1, 1))
        assert run.disagreements == [], (facts, run.disagreements)
    by = {r.rule.id: r.outcome for r in engine.run({"n": 5}, dt.date(2025, 1, 1)).results}
    assert by == {"X-1": "RISK", "Y-1": "RISK"}
    # the versions disagree (only the old one fires): X-1 is open, so is Y-1 that rests on it
    by = {r.rule.id: r.outcome for r in engine.run({"n": 2}, dt.date(2025, 1, 1)).results}
    assert by == {"X-1": "INSUFFICIENT_DATA", "Y-1": "INSUFFICIENT_DATA"}

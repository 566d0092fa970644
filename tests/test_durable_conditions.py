"""The compiled conditions are pruned before registering (durable_compile.prune): an existence test beside a
test that already requires that property goes, so does a repeated operand. That relies on durable-rules
never matching a test whose left-side property is absent, pinned here on the engine itself."""

from __future__ import annotations

import pytest

from normcheck.engine import durable_adapter
from normcheck.engine.durable_compile import AND, OR, J, prune, to_json

pytestmark = pytest.mark.skipif(not durable_adapter.AVAILABLE, reason="durable-rules does not import on this Python")

LEFT_TESTS = {
    "eq_text": {"x": "a"}, "eq_number": {"x": 3}, "eq_true": {"x": True}, "eq_false": {"x": False},
    "neq": {"$neq": {"x": "a"}}, "lt": {"$lt": {"x": 3}}, "lte": {"$lte": {"x": 3}}, "gt": {"$gt": {"x": 3}},
    "gte": {"$gte": {"x": 3}}, "eq_ref": {"x": {"$m": "y"}}, "neq_ref": {"$neq": {"x": {"$m": "y"}}},
    "lt_ref": {"$lt": {"x": {"$m": "y"}}}, "iany": {"$iany": {"x": {"$i": "a"}}},
    "iall": {"$iall": {"x": {"$neq": {"$i": "a"}}}},
}


def _fired(facts: list[dict]) -> list[set[str]]:
    """Which of LEFT_TESTS fire for each fact (one state each), on a host of its own."""
    fired: list[tuple[str, str]] = []

    def action(name: str):  # type: ignore[no-untyped-def]
        return lambda c: fired.append((c.s.sid, name))
    definition = {name: {"all": [{"c": {"$and": [{"t": "p"}, test]}}], "run": action(name)}
                  for name, test in LEFT_TESTS.items()}
    definition["_begin"] = {"all": [{"m": {"t": "$begin"}}], "run": lambda c: None}
    definition["_sink"] = {"all": [{"v": {"$ex": {"t": 1}}}, {"n": {"t": "$never"}}], "run": lambda c: None}
    host = durable_adapter.SyncHost()
    host.register_rulesets({"nc_test_left_tests": definition})
    out = []
    for i, fact in enumerate(facts):
        sid = f"s{i}"
        host.assert_fact("nc_test_left_tests", {"sid": sid, "t": "$begin"})
        host.assert_fact("nc_test_left_tests", dict(fact, sid=sid, t="p"))
        out.append({name for s, name in fired if s == sid})
        host.delete_state("nc_test_left_tests", sid)
    return out


def test_durable_rules_never_matches_a_test_whose_left_property_is_absent() -> None:
    absent, only_y, x_only = _fired([{}, {"y": 3}, {"x": 3}])
    assert absent == set() and only_y == set()
    # an absent `$m` right side matches: so only the left side of a test makes `$ex` redundant
    assert {"eq_ref", "neq_ref", "lt_ref"} <= x_only


def test_prune_drops_existence_tests_a_sibling_requires() -> None:
    ex_x, ex_y = J({"$ex": {"x": 1}}), J({"$ex": {"y": 1}})
    cmp = J({"$gte": {"x": {"$m": "y"}}})
    # x is compared on the left: its `$ex` goes; y only on the right: its `$ex` stays
    assert to_json(prune(AND(ex_x, ex_y, cmp))) == {"$and": [{"$ex": {"y": 1}}, {"$gte": {"x": {"$m": "y"}}}]}
    # a disjunction requires what every branch requires
    either = OR(J({"x": "a"}), J({"x": "b"}))
    assert prune(AND(J({"t": "r"}), ex_x, either)) == AND(J({"t": "r"}), either)
    assert prune(AND(ex_x, OR(J({"x": "a"}), J({"$nex": {"x": 1}})))) == AND(ex_x, OR(J({"x": "a"}), J({"$nex": {"x": 1}})))
    # inside a branch, and a repeated operand
    branch = OR(AND(ex_x, J({"$neq": {"x": "a"}})), J({"$nex": {"x": 1}}))
    assert prune(AND(J({"t": "r"}), branch, branch)) == AND(J({"t": "r"}), OR(J({"$neq": {"x": "a"}}), J({"$nex": {"x": 1}})))


def test_the_compiled_pack_has_no_redundant_existence_test(loaded) -> None:
    compiled = durable_adapter.compile_pack(loaded.pack)
    for rule in compiled.definition.values():
        for pattern in rule["all"]:
            for cond in pattern.values():
                _assert_pruned(cond)


def _assert_pruned(obj: dict) -> None:
    if "$and" in obj:
        items = obj["$and"]
        compared = {next(iter(x)) for x in items if not next(iter(x)).startswith("$")}
        compared |= {next(iter(x[op])) for x in items for op in ("$lt", "$lte", "$gt", "$gte", "$neq", "$iany", "$iall") if op in x}
        assert not any("$ex" in x and next(iter(x["$ex"])) in compared for x in items), obj
    for key in ("$and", "$or"):
        for x in obj.get(key, ()):
            _assert_pruned(x)

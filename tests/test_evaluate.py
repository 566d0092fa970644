"""The three-valued evaluator: Kleene logic, unknown vs null, grades, exceptions, gates, date arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from normcheck.engine import Engine
from normcheck.engine.evaluate import Evaluator
from normcheck.pack import load_pack
from normcheck.values import NULL, UNKNOWN, add_months, months_between

from conftest import families_yaml

VOCAB = """
family: t
facts:
  a: {type: bool}
  b: {type: bool}
  n: {type: int}
  m: {type: int, nullable: true}
  s: {type: set, values: [x, y, z]}
  e: {type: enum, values: [p, q, r]}
  d1: {type: date}
  d2: {type: date}
  given: {type: int, derived: true}
"""

RULES = '''
source S "A source" ecli "ECLI:EU:C:2021:9"
define given = months_between(d1, d2)
define gap = 216 - n
rule K-AND
  title en "t" title nl "t"
  cite S "p" verified
  fires when a and b
  level BREACH severity high
  en "m" nl "m"
rule K-OR
  title en "t" title nl "t"
  cite S "p" verified
  fires when a or b
  level RISK severity low
  en "m" nl "m"
rule K-SCOPE
  title en "t" title nl "t"
  cite S "p" verified
  applies when a
  fires when n > 3
  level BREACH severity high
  en "m" nl "m"
rule K-GRADES
  title en "t" title nl "t"
  cite S "p" verified
  fires as RISK severity low when n > 1
  fires as BREACH severity high when n > 10
  en "m" nl "m"
rule K-UNLESS
  title en "t" title nl "t"
  cite S "p" verified
  fires when a
  unless b
  level BREACH severity high
  en "m" nl "m"
rule K-OVERRIDE
  title en "t" title nl "t"
  cite S "p" verified
  fires when n > 0
  unless K-GRADES fires
  level RISK severity medium
  en "m" nl "m"
rule K-NULL
  title en "t" title nl "t"
  cite S "p" verified
  fires as BREACH severity high when m is not null and n >= m
  fires as RISK severity low when m < 5
  en "m" nl "m"
rule K-SET
  title en "t" title nl "t"
  cite S "p" verified
  fires when {x, y} missing from s is not empty or e in {p, q}
  level RISK severity medium
  en "m" nl "m"
rule K-WINDOW
  title en "t" title nl "t"
  cite S "p" verified
  valid from 2024-07-10
  judged on evaluation_date
  fires when a
  level BREACH severity high
  en "m" nl "m"
rule K-DERIVED
  title en "t" title nl "t"
  cite S "p" verified
  fires when given >= 6 and gap < 36
  level CONTESTED severity high
  en "m" nl "m"
  reading applicant gives BREACH
    held by S "para 2" verified
    holder en "a" holder nl "a"
    argues en "x" argues nl "x"
  reading state gives OK
    held by S "para 3" unverified
    holder en "b" holder nl "b"
    argues en "y" argues nl "y"
'''

AS_OF = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory):
    d = tmp_path_factory.mktemp("k") / "rules"
    (d / "vocabulary").mkdir(parents=True)
    (d / "vocabulary" / "t.yaml").write_text(VOCAB)
    (d / "families.yaml").write_text(families_yaml({"k": ["t.yaml"]}, "d1"))
    (d / "k.norm").write_text(RULES)
    return load_pack(str(d)).pack


def evaluate(pack, facts, as_of, stated=None):
    return Evaluator(pack).evaluate(facts, as_of, stated)


def outcome(pack, facts, rule, as_of=AS_OF):
    _env, results, _ = evaluate(pack, facts, as_of)
    res = next(r for r in results if r.rule.id == rule)
    return res


@pytest.mark.parametrize(
    "a, b, and_, or_",
    [
        (True, True, "BREACH", "RISK"),
        (True, False, "OK", "RISK"),
        (False, UNKNOWN, "OK", "INSUFFICIENT_DATA"),
        (True, UNKNOWN, "INSUFFICIENT_DATA", "RISK"),
        (UNKNOWN, UNKNOWN, "INSUFFICIENT_DATA", "INSUFFICIENT_DATA"),
        (False, False, "OK", "OK"),
    ],
)
def test_kleene_truth_tables(pack, a, b, and_, or_) -> None:
    facts = {k: v for k, v in {"a": a, "b": b}.items() if v is not UNKNOWN}
    assert outcome(pack, facts, "K-AND").outcome == and_
    assert outcome(pack, facts, "K-OR").outcome == or_


def test_unknown_is_never_false_and_missing_facts_are_named(pack) -> None:
    r = outcome(pack, {"a": True}, "K-AND")
    assert r.outcome == "INSUFFICIENT_DATA" and r.missing == {"b"}
    r = outcome(pack, {"a": False}, "K-AND")
    assert r.outcome == "OK" and r.decided == {"a"}  # why not: the decisive fact


def test_scope(pack) -> None:
    assert outcome(pack, {"a": False, "n": 9}, "K-SCOPE").outcome == "NOT_APPLICABLE"
    assert outcome(pack, {"a": True, "n": 9}, "K-SCOPE").outcome == "BREACH"
    assert outcome(pack, {"a": True, "n": 2}, "K-SCOPE").outcome == "OK"
    r = outcome(pack, {"n": 9}, "K-SCOPE")
    assert r.outcome == "INSUFFICIENT_DATA" and r.missing == {"a"}
    assert outcome(pack, {"n": 2}, "K-SCOPE").outcome == "OK"  # cannot fire whatever the scope


def test_highest_true_grade_wins(pack) -> None:
    assert outcome(pack, {"n": 11}, "K-GRADES").outcome == "BREACH"
    r = outcome(pack, {"n": 5}, "K-GRADES")
    assert (r.outcome, r.severity) == ("RISK", "low")
    assert outcome(pack, {"n": 1}, "K-GRADES").outcome == "OK"


def test_exception_defeats_only_when_established(pack) -> None:
    r = outcome(pack, {"a": True, "b": True}, "K-UNLESS")
    assert (r.outcome, r.reason) == ("NOT_APPLICABLE", "exception_holds")  # the exception displaces the rule
    assert outcome(pack, {"a": True, "b": False}, "K-UNLESS").outcome == "BREACH"
    r = outcome(pack, {"a": True}, "K-UNLESS")
    assert r.outcome == "BREACH" and r.missing == {"b"}  # fires, but b could defeat it
    assert [e.status for e in r.exceptions] == ["not established"]


def test_one_rule_overrides_another(pack) -> None:
    assert outcome(pack, {"n": 5}, "K-OVERRIDE").outcome == "NOT_APPLICABLE"  # K-GRADES fires and takes over
    assert outcome(pack, {"n": 1}, "K-OVERRIDE").outcome == "RISK"


def test_null_is_a_known_absence(pack) -> None:
    r = outcome(pack, {"m": NULL, "n": 50}, "K-NULL")
    assert r.outcome == "OK"  # no limit: neither "n >= limit" nor "limit < 5"
    assert outcome(pack, {"m": 3, "n": 50}, "K-NULL").outcome == "BREACH"
    assert outcome(pack, {"m": 3}, "K-NULL").outcome == "RISK"  # BREACH grade unknown, RISK grade true
    assert outcome(pack, {"m": 3}, "K-NULL").missing == {"n"}  # could raise it to BREACH


def test_sets_and_enums(pack) -> None:
    assert outcome(pack, {"s": frozenset({"x", "y"}), "e": "r"}, "K-SET").outcome == "OK"
    assert outcome(pack, {"s": frozenset({"x"}), "e": "r"}, "K-SET").outcome == "RISK"
    assert outcome(pack, {"s": frozenset(), "e": "r"}, "K-SET").outcome == "RISK"
    assert outcome(pack, {"s": frozenset({"x", "y"})}, "K-SET").outcome == "INSUFFICIENT_DATA"


def test_validity_window(pack) -> None:
    assert outcome(pack, {"a": True}, "K-WINDOW", dt.date(2024, 7, 9)).outcome == "NOT_APPLICABLE"
    assert outcome(pack, {"a": True}, "K-WINDOW", dt.date(2024, 7, 10)).outcome == "BREACH"


def test_derived_facts_and_mismatch(pack) -> None:
    facts = {"d1": dt.date(2024, 1, 31), "d2": dt.date(2024, 7, 31), "n": 181}
    assert outcome(pack, facts, "K-DERIVED").outcome == "CONTESTED"
    _env, _, mismatches = evaluate(pack, dict(facts, given=5), AS_OF)
    assert [(m.name, m.given, m.computed) for m in mismatches] == [("given", 5, 6)]
    _, _, ok = evaluate(pack, dict(facts, given=6), AS_OF)
    assert ok == []
    # a derived fact may be stated instead of its inputs
    assert outcome(pack, {"given": 7, "n": 181}, "K-DERIVED").outcome == "CONTESTED"


def test_gate_makes_unrelated_rules_not_applicable(pack) -> None:
    # the record mentions a fact of the rules' family: every rule of the family is evaluated
    _, results, _ = evaluate(pack, {"e": "p"}, AS_OF, stated={"e"})
    by = {r.rule.id: r for r in results}
    assert by["K-SET"].outcome == "RISK" and by["K-AND"].outcome == "INSUFFICIENT_DATA"
    # it mentions nothing of that family: the family's rules are not applicable, not "insufficient data"
    _env, results, _ = evaluate(pack, {}, AS_OF, stated={"member_state"})
    assert {(r.outcome, r.reason) for r in results} == {("NOT_APPLICABLE", "no_facts")}


def test_durable_rules_agrees_on_these_rules(pack) -> None:
    from normcheck.engine import durable_adapter

    if not durable_adapter.AVAILABLE:
        pytest.skip("durable-rules does not import on this Python")
    eng = Engine(pack)
    samples = [{}, {"a": True}, {"a": True, "b": True}, {"n": 11}, {"n": 5, "m": NULL}, {"m": 3},
               {"s": frozenset(), "e": "q"}, {"d1": dt.date(2024, 1, 31), "d2": dt.date(2024, 7, 31), "n": 200}]
    for facts in samples:
        run = eng.run(facts, AS_OF, stated=set(facts) or None)
        assert run.disagreements == [], (facts, run.disagreements)


@pytest.mark.parametrize(
    "a, b, months",
    [
        ((2024, 1, 31), (2024, 2, 29), 1),  # last day of a shorter month completes the month
        ((2024, 1, 31), (2024, 2, 28), 0),
        ((2024, 1, 15), (2024, 7, 14), 5),
        ((2024, 1, 15), (2024, 7, 15), 6),
        ((2002, 2, 1), (2017, 6, 10), 184),  # T.Q.: 15 years and 4 months at application
        ((2024, 7, 15), (2024, 1, 15), -6),
    ],
)
def test_months_between(a, b, months) -> None:
    assert months_between(dt.date(*a), dt.date(*b)) == months


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 12, 15), 2) == dt.date(2025, 2, 15)


def test_results_built_without_the_dataclass_init_are_the_same(loaded) -> None:
    """The evaluator builds results with `_result` (no per-field setattr): the same object in every respect."""
    from normcheck.engine.evaluate import RuleResult, _result

    rule = loaded.pack.rules[0]
    args = (rule, "RISK", "low", 0, "fires", frozenset({"a"}), frozenset({"b"}), (), dt.date(2025, 1, 1), "x", True)
    a, b = _result(*args), RuleResult(*args)
    assert a == b and hash(a) == hash(b) and repr(a) == repr(b)
    fields = list(RuleResult.__dataclass_fields__)
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields] == list(args)
    assert _result(*args[:7]) == RuleResult(*args[:7])
    assert not hasattr(a, "__dict__")  # slotted: the memos keep many results


def test_a_rule_version_is_compiled_only_when_a_case_evaluates_it(pack) -> None:
    """A case compiles the scope, grades and exceptions of the versions it evaluates only: a case of
    quiet rules compiles none, and an evaluator that compiled lazily gives what a fresh one gives."""
    ev = Evaluator(pack)
    _env, quiet, _ = ev.evaluate({}, AS_OF, stated={"member_state"})
    assert {r.reason for r in quiet} == {"no_facts"}
    dates = [r.judged_on for r in pack.rules if r.judged_on is not None]
    assert all(any(n is d for d in dates) for n, _ in ev.closures.cache.values())  # event dates only
    assert not any(v.ready for seen in ev._versions.values() for v in seen)
    facts = {"a": True, "b": True, "n": 11, "e": "q", "s": frozenset({"x"})}
    _env, results, _ = ev.evaluate(facts, AS_OF)
    assert results == evaluate(pack, facts, AS_OF)[1]
    ready = {v.rule.id for seen in ev._versions.values() for v in seen if v.ready}
    assert {"K-AND", "K-GRADES"} <= ready
    assert ev._version(pack.rules[0], False).ready == (pack.rules[0].id in ready)

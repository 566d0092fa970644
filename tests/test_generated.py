"""The generated straight-line code for whole expressions must give exactly what the per-node
closures give (value and explanation), on every expression of the bundled pack."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

from normcheck import ir
from normcheck.engine.evaluate import Evaluator
from normcheck.values import NULL, UNKNOWN

DATES = [dt.date(2015, 9, 1), dt.date(2019, 11, 11), dt.date(2024, 7, 9), dt.date(2024, 7, 10), dt.date(2025, 4, 8)]


def _value(spec, rng):
    if rng.random() < 0.2:
        return UNKNOWN
    if spec.nullable and rng.random() < 0.2:
        return NULL
    k = spec.kind
    if k == "bool":
        return rng.random() < 0.5
    if k in ("int", "decimal"):
        return rng.choice([0, 1, 6, 7, 15, 16, 36, 180, 181, 215, 216])
    if k == "date":
        return rng.choice(DATES) + dt.timedelta(days=rng.choice([0, 1, -1, 200]))
    if k == "enum":
        return rng.choice(spec.values)
    if k == "set":
        return frozenset(v for v in (spec.values or ["a", "b"]) if rng.random() < 0.5)
    return "NL"


def _roots(pack):
    for r in pack.rules:
        if r.applies is not None:
            yield r.applies
        yield from (g.expr for g in r.grades)
        yield from r.unless
    yield from (d.expr for d in pack.defines)


def test_generated_code_matches_the_closures(loaded) -> None:
    pack = loaded.pack
    ev = Evaluator(pack)
    rng = random.Random(5)
    roots = list(_roots(pack))
    compared = 0
    for _ in range(150):
        facts = {n: _value(s, rng) for n, s in loaded.vocabulary.facts.items() if rng.random() < 0.5}
        as_of = rng.choice(DATES)
        for root in roots:
            a = ev.new_env(facts, as_of)
            b = ev.new_env(facts, as_of)
            assert ev.generated(root)(a) == ev.closures(root)(b), root.text
            compared += 1
    assert compared > 10_000


def test_generated_rules_match_the_closures(loaded) -> None:
    """A rule's generated function (a batch) gives exactly the result the closures and `_decide` give:
    every rule of the bundled pack, and each under each of its readings, with and without an event date
    that chose it or that is missing."""
    pack = loaded.pack
    ev = Evaluator(pack)
    rng = random.Random(9)
    rules = list(pack.rules) + [ev.rule_under(r, name) for r in pack.rules for name in r.reading_names()]
    referenced = sorted({d for r in pack.rules for d in r.rule_deps})
    kinds = [None, "individual_case", "policy_instrument", "border_control_measure"]
    compared = 0
    for _ in range(120):
        facts = {n: _value(s, rng) for n, s in loaded.vocabulary.facts.items() if rng.random() < 0.5}
        kind = rng.choice(kinds)
        if kind is not None:
            facts["record_type"] = kind
        as_of = rng.choice(DATES)
        stated = None if rng.random() < 0.2 else frozenset(n for n in facts if rng.random() < 0.9)
        fired = {rid: (rng.random() < 0.3, rng.random() < 0.5, ev.bit(rng.choice(["a_fact", "rule:" + rid])))
                 for rid in referenced}
        dated = rng.random() < 0.5
        judged_on, basis = (rng.choice(DATES), "decision_date") if dated else (None, rng.choice(["", "decision_date"]))
        also = ev.bit("decision_date") if dated else 0
        missing = 0 if dated else rng.choice([0, ev.bit("decision_date")])
        for rule in rules:
            a = ev.new_env(facts, as_of, stated)
            b = ev.new_env(facts, as_of, stated)
            a.hot = True
            a.fired_missing.update(fired)
            b.fired_missing.update(fired)
            assert ev._version(rule, True).run is not None
            assert (ev._rule(ev._version(rule, True), a, judged_on, basis, also, missing)
                    == ev._rule(ev._version(rule, False), b, judged_on, basis, also, missing)), rule.key
            compared += 1
    assert compared > 10_000


def _calls(n, func):
    if isinstance(n, ir.Call) and n.func == func:
        yield n
    for c in n.children():
        yield from _calls(c, func)


def _facts(n):
    if isinstance(n, ir.Fact):
        yield n
    for c in n.children():
        yield from _facts(c)


def test_remembered_calendar_functions_fail_as_the_registry_does(loaded) -> None:
    """The generated code remembers the calendar functions' answers (`Evaluator.remembered`): a date out of
    the calendar, an argument that cannot be a key (a list, a signalling NaN) fail exactly as the closures
    (the registry's functions, not remembered) fail; good arguments give the same date, asked again too."""
    pack = loaded.pack
    ev = Evaluator(pack)
    calls = [c for d in pack.defines for f in ("add_months", "months_between") for c in _calls(d.expr, f)]
    assert calls
    values = [dt.date(2024, 1, 31), dt.date(9999, 12, 1), dt.date(1, 1, 1), [2024], Decimal("sNaN"), Decimal("6.0"),
              6, True, 10**20]
    compared = 0
    for call in calls:
        names = sorted({n.name for n in _facts(call)})
        for picked in itertools.product(values, repeat=len(names)):
            facts = dict(zip(names, picked))
            got = []
            for fn in (ev.closures(call), ev.generated(call), ev.generated(call)):
                try:
                    got.append(fn(ev.new_env(facts, DATES[0])))
                except Exception as exc:  # (the failure itself is compared)
                    got.append((type(exc), str(exc)))
            assert got[0] == got[1] == got[2], (call.text, facts)
            compared += 1
    assert compared > 100


def test_results_remembered_by_a_generated_rule_are_the_ones_it_would_make(loaded) -> None:
    """A generated rule remembers the result made at each place by what it depends on: asked again, the
    same result; an event date of another type that compares equal (1 and True) is another result."""
    pack = loaded.pack
    ev = Evaluator(pack)
    for rule in pack.rules[:40]:
        hot, cold = ev._version(rule, True), ev._version(rule, False)
        for judged_on in (1, True, 1.0, dt.date(2025, 1, 1), None, True, 1):
            a = ev._rule(hot, ev.new_env({}, DATES[0]), judged_on, "decision_date", 0, 0)
            b = ev._rule(cold, ev.new_env({}, DATES[0]), judged_on, "decision_date", 0, 0)
            assert a == b and type(a.judged_on) is type(judged_on), rule.key


def test_results_by_rule_id_are_made_when_asked_for(loaded) -> None:
    """`Env.results` is made on first use, after the case or before it ends (the same dict, completed)."""
    ev = Evaluator(loaded.pack)
    facts = {"record_type": "individual_case", "is_unaccompanied_minor_at_application": True}
    env, results, _ = ev.evaluate(facts, DATES[-1], facts)
    assert env.results == {r.rule.id: r for r in results} and env.results is env.results
    early = ev.new_env(facts, DATES[-1])
    seen = early.results
    assert seen == {}
    early.finish(results)
    assert early.results is seen and seen == env.results

"""The generated straight-line code for whole expressions must give exactly what the per-node
closures give (value and explanation), on every expression of the bundled pack."""

from __future__ import annotations

import datetime as dt
import random

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

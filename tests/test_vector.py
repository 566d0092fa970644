"""The vectorised evaluator (the sweep's engine) against the per-case evaluator: on random grids,
every rule of every family must get the same outcome at every point."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import numpy as np
import pytest

from normcheck import ir
from normcheck.engine import vector
from normcheck.engine.evaluate import Evaluator
from normcheck.pack import load_pack
from normcheck.values import NULL, UNKNOWN, add_months, months_between

from conftest import families_yaml

INTS = [0, 1, 2, 5, 6, 7, 11, 12, 13, 15, 16, 24, 25, 27, 28, 29, 30, 31, 35, 36, 37, 90, 100, 150, 179, 180, 181,
        183, 200, 215, 216, 250, 260, 38600, 41750]
DATES = [dt.date(2015, 9, 1), dt.date(2017, 6, 10), dt.date(2019, 11, 11), dt.date(2021, 1, 14), dt.date(2024, 1, 10),
         dt.date(2024, 2, 29), dt.date(2024, 7, 9), dt.date(2024, 7, 10), dt.date(2024, 11, 11), dt.date(2024, 12, 9),
         dt.date(2025, 1, 31), dt.date(2025, 4, 8), dt.date(2025, 6, 8), dt.date(2026, 7, 1)]
POINTS = 160
GRIDS_PER_FAMILY = 14


def random_value(spec: Any, rng: random.Random) -> Any:
    if rng.random() < 0.12:
        return UNKNOWN
    if spec.nullable and rng.random() < 0.15:
        return NULL
    k = spec.kind
    if k == "bool":
        return rng.random() < 0.5
    if k == "int":
        return rng.choice(INTS)
    if k == "decimal":
        return rng.choice(INTS) if rng.random() < 0.7 else rng.choice([0.5, 1.25, 2.75]) * 1
    if k == "date":
        return rng.choice(DATES) + dt.timedelta(days=rng.choice([0, 0, 1, -1, 27, 28, 30, 183, 184, -30]))
    if k == "enum":
        return rng.choice(spec.values)
    if k == "set":
        pool = list(spec.values) if spec.values is not None else ["a", "b", "c"]
        return frozenset(v for v in pool if rng.random() < 0.5)
    if k == "country":
        return rng.choice(["NL", "AT", "SO", "IR"])
    return "text"


def _decimal(v: Any) -> Any:
    from decimal import Decimal
    return Decimal(str(v)) if isinstance(v, float) else v


def random_grid(loaded: Any, family: str, rng: random.Random) -> tuple[list[dict[str, Any]], dt.date]:
    """Points that state the same facts: some fixed for the whole grid, some varying per point.
    The facts are those the rules of `family` are about (their relevance gate), and a few others."""
    about = {name for r in loaded.pack.rules if r.family == family for name in r.gate}
    specs = [s for s in loaded.vocabulary.facts.values()
             if s.name in about or s.family == "record" or rng.random() < 0.05]
    chosen = [s for s in specs if rng.random() < 0.7]
    varying = {s.name for s in chosen if rng.random() < 0.5}
    fixed = {s.name: _decimal(random_value(s, rng)) for s in chosen if s.name not in varying}
    points = []
    for _ in range(POINTS):
        p = dict(fixed)
        for s in chosen:
            if s.name in varying:
                p[s.name] = _decimal(random_value(s, rng))
        points.append(p)
    as_of = rng.choice(DATES) + dt.timedelta(days=rng.choice([0, 1, -1, 200]))
    return points, as_of


def assert_same(pack: ir.RulePack, points: list[dict[str, Any]], as_of: dt.date) -> Counter:
    grid = vector.Grid.from_points(points, as_of)
    evaluator = Evaluator(pack)
    got = vector.evaluate_grid(pack, grid, evaluator=evaluator)
    seen: Counter = Counter()
    for i, facts in enumerate(points):
        _, results, _ = evaluator.evaluate(facts, as_of, stated=facts.keys())
        for res in results:
            want = res.outcome
            have = ir.OUTCOMES[got[res.rule.id][i]]
            assert have == want, (res.rule.id, i, as_of, {k: v for k, v in facts.items()}, have, want)
            seen[(res.rule.id, want)] += 1
    return seen


def _declared_families() -> list[str]:
    """The bundled families, as rules/families.yaml declares them (parametrisation happens before fixtures)."""
    from normcheck.families import load_declarations
    from normcheck.resources import rules_dir

    return [f.id for f in load_declarations(rules_dir() / "families.yaml", "families.yaml").families]


FAMILIES = _declared_families()


@pytest.mark.parametrize("family", FAMILIES)
def test_vector_agrees_with_the_evaluator_on_random_grids(loaded, family: str) -> None:
    rng = random.Random(f"vector-{family}")
    seen: Counter = Counter()
    for _ in range(GRIDS_PER_FAMILY):
        points, as_of = random_grid(loaded, family, rng)
        seen += assert_same(loaded.pack, points, as_of)
    rules = {r.id for r in loaded.pack.rules if r.family == family}
    # the grids must exercise the rules, not only leave them NOT_APPLICABLE
    decided = {rid for (rid, outcome), _ in seen.items() if rid in rules and outcome != "NOT_APPLICABLE"}
    assert len(decided) >= len(rules) * 0.8, sorted(rules - decided)


def test_every_family_is_covered(loaded) -> None:
    assert {r.family for r in loaded.pack.rules} <= set(FAMILIES), "a new family must be added to FAMILIES"


def test_vector_functions_match_the_scalar_ones() -> None:
    rng = random.Random(3)
    a = [dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 12000)) for _ in range(3000)]
    b = [dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 12000)) for _ in range(3000)]
    a += [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2023, 3, 31)]
    b += [dt.date(2024, 2, 29), dt.date(2025, 2, 28), dt.date(2023, 2, 28)]
    na, nb = np.array(a, dtype="datetime64[D]"), np.array(b, dtype="datetime64[D]")
    assert vector.v_months_between(na, nb).tolist() == [months_between(x, y) for x, y in zip(a, b)]
    shift = np.array([rng.randint(-40, 40) for _ in a])
    assert vector.v_add_months(na, shift).astype(object).tolist() == [add_months(x, int(k)) for x, k in zip(a, shift)]
    assert set(vector.VECTOR_FUNCTIONS) <= {"months_between", "days_between", "years_between", "add_days",
                                            "add_months", "min", "max", "count", "abs", "round"}


VOCAB = """
family: t
facts:
  a: {type: bool}
  n: {type: int, nullable: true}
  m: {type: int}
  event_date: {type: date}
  other_date: {type: date}
  kind: {type: enum, values: [x, y, z]}
"""

RULES = '''
source S "A source" celex "32024R1717"

define later = add_months(event_date, m) otherwise other_date
define span = if kind == x then months_between(event_date, other_date) else n
define cap = min(n, m, 30)

rule V-1
  title en "t" title nl "t"
  cite S "Art. 1" verified
  version "old"
  valid until 2024-07-09
  judged on event_date otherwise other_date
  fires as BREACH severity high when n > 6
  fires as RISK severity low when m > 6
  en "m" nl "m"

rule V-1
  title en "t" title nl "t"
  cite S "Art. 1" verified
  version "new"
  valid from 2024-07-10 until 2025-12-31
  judged on event_date otherwise other_date
  fires when n > 24 or not a
  level BREACH severity high
  en "m" nl "m"

rule W-1
  title en "t" title nl "t"
  cite S "Art. 2" verified
  applies when kind in {x, y}
  fires as RISK severity medium when V-1 fires and span >= 3
  fires as CONTESTED severity low when n is null or cap < 5 or later > 2025-01-01
  reading applicant gives RISK
    held by S "para 2" verified
    holder en "a" holder nl "a"
    argues en "x" argues nl "x"
  reading state gives OK
    held by S "para 3" unverified
    holder en "b" holder nl "b"
    argues en "y" argues nl "y"
  unless a and m == 0
  en "w" nl "w"
'''


@pytest.fixture(scope="module")
def small_pack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    d = tmp_path_factory.mktemp("v") / "rules"
    (d / "vocabulary").mkdir(parents=True)
    (d / "vocabulary" / "t.yaml").write_text(VOCAB)
    (d / "families.yaml").write_text(families_yaml({"v": ["t.yaml"]}, "event_date"))
    (d / "v.norm").write_text(RULES)
    return load_pack(str(d)).pack


def test_versions_judged_on_an_event_date_chaining_and_nulls(small_pack) -> None:
    rng = random.Random(11)
    specs = {"a": "bool", "n": "int", "m": "int", "event_date": "date", "other_date": "date", "kind": "enum"}

    def value(kind: str, name: str) -> Any:
        if rng.random() < 0.15:
            return UNKNOWN
        if name == "n" and rng.random() < 0.2:
            return NULL
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "int":
            return rng.choice([0, 3, 6, 7, 24, 25, 40])
        if kind == "date":
            return rng.choice(DATES) + dt.timedelta(days=rng.choice([0, 1, -1, 400]))
        return rng.choice(["x", "y", "z"])
    seen: Counter = Counter()
    for _ in range(12):
        varying = [k for k in specs if rng.random() < 0.6]
        fixed = {k: value(t, k) for k, t in specs.items() if k not in varying}
        points = [dict(fixed, **{k: value(specs[k], k) for k in varying}) for _ in range(200)]
        seen += assert_same(small_pack, points, rng.choice(DATES))
    outcomes = {o for (_, o) in seen}
    assert {"BREACH", "RISK", "INSUFFICIENT_DATA", "OK", "NOT_APPLICABLE"} <= outcomes, outcomes


def test_product_grid_is_the_cartesian_product_first_axis_slowest() -> None:
    g = vector.Grid.product({"a": True}, [("x", [1, 2]), ("y", [10, 20, 30])], dt.date(2025, 1, 1))
    assert g.size == 6
    assert g.facts["x"].val.tolist() == [1, 1, 1, 2, 2, 2]
    assert g.facts["y"].val.tolist() == [10, 20, 30, 10, 20, 30]
    assert g.stated == {"a", "x", "y"}

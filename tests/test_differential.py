"""durable-rules and the three-valued evaluator must agree on what fires, and at which level:
on every bundled case file and on a few thousand generated cases (design §5)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from normcheck.engine import durable_adapter
from normcheck.facts import load_record
from normcheck.values import NULL

ROOT = Path(__file__).resolve().parent.parent
N_GENERATED = 3000

pytestmark = pytest.mark.skipif(not durable_adapter.AVAILABLE, reason="durable-rules does not import on this Python")

INTS = [0, 1, 2, 5, 6, 7, 11, 12, 13, 15, 16, 24, 25, 27, 28, 29, 30, 31, 35, 36, 37, 90, 100, 150, 179, 180, 181,
        183, 200, 215, 216, 250, 260, 38600, 41750]
DATES = [dt.date(2015, 9, 1), dt.date(2017, 6, 10), dt.date(2019, 11, 11), dt.date(2021, 1, 14), dt.date(2024, 1, 10),
         dt.date(2024, 7, 9), dt.date(2024, 7, 10), dt.date(2024, 11, 11), dt.date(2024, 12, 9), dt.date(2025, 4, 8),
         dt.date(2025, 6, 8), dt.date(2026, 7, 1)]


def random_value(spec, rng: random.Random):
    if spec.nullable and rng.random() < 0.15:
        return NULL
    k = spec.kind
    if k == "bool":
        return rng.random() < 0.5
    if k in ("int", "decimal"):
        return rng.choice(INTS)
    if k == "date":
        return rng.choice(DATES) + dt.timedelta(days=rng.choice([0, 0, 1, -1, 27, 28, 183, 184, -30]))
    if k == "enum":
        return rng.choice(spec.values)
    if k == "set":
        pool = list(spec.values) if spec.values is not None else ["a", "b", "c"]
        return frozenset(v for v in pool if rng.random() < 0.5)
    if k == "country":
        return rng.choice(["NL", "AT", "SO", "IR"])
    return "text"


def generated_cases(loaded, n: int, seed: int = 20261128):
    rng = random.Random(seed)
    families = sorted({s.family for s in loaded.vocabulary.facts.values()})
    for _ in range(n):
        fams = set(rng.sample(families, k=rng.randint(1, 2))) | {"record"}
        facts = {}
        for name, spec in loaded.vocabulary.facts.items():
            if spec.family in fams and rng.random() < 0.6:
                facts[name] = random_value(spec, rng)
        as_of = rng.choice(DATES) + dt.timedelta(days=rng.choice([0, 1, -1, 200]))
        yield facts, as_of


def test_engines_agree_on_bundled_cases(loaded, engine) -> None:
    """Every bundled case file loads (none is skipped) and both engines agree on it."""
    paths = sorted((ROOT / "cases").rglob("*.yaml"))
    for path in paths:
        record = load_record(path, loaded.vocabulary, display=str(path))  # a bundled case that fails to load fails here
        run = engine.run(record.facts, record.as_of, record.origins.keys())
        assert run.disagreements == [], (str(path), run.disagreements)
    assert len(paths) > 200


def test_engines_agree_on_generated_cases(loaded, engine) -> None:
    fired = 0
    for facts, as_of in generated_cases(loaded, N_GENERATED):
        run = engine.run(facts, as_of, stated=facts.keys())
        assert run.disagreements == [], (facts, as_of, run.disagreements)
        fired += sum(r.fired for r in run.results)
    assert fired > N_GENERATED // 10, "the generator must exercise firing rules, not only quiet ones"


def test_the_comparison_can_fail(loaded, engine, monkeypatch) -> None:
    """A rule that the durable side silently drops must be caught as a disagreement."""
    case = {"record_type": "individual_case", "is_unaccompanied_minor_at_application": True,
            "return_decision_issued": True, "best_interests_assessment_documented": False}
    assert engine.run(case, dt.date(2025, 1, 1), case.keys()).disagreements == []
    real = engine.durable.fired
    monkeypatch.setattr(engine.durable, "fired", lambda env: {k: v for k, v in real(env).items() if k != "TQ-01"})
    assert engine.run(case, dt.date(2025, 1, 1), case.keys()).disagreements

"""The fast path that reads a case file without building the pydantic model must accept only what
the pydantic model accepts, with the same values; otherwise it steps aside."""

from __future__ import annotations

import copy
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from normcheck.facts import yamlio
from normcheck.facts.model import case_model, quick_parse

ROOT = Path(__file__).resolve().parent.parent
ODD = [None, True, False, 0, 1, -3, 2 ** 70, Decimal("1.5"), Decimal("2"), "", "unknown", "UNKNOWN", "yes", "no", "x y",
       "2024-02-30", "2024-07-10", dt.date(2024, 7, 10), [], ["a"], [1, 2], {}, {"a": None}, {"level": "OK"}, "NL", "nl",
       "amv-1", "BREACH", "medium", 1.0]


def pydantic_parse(data: Any, vocabulary: Any) -> Any:
    from pydantic import ValidationError

    from normcheck.facts.pydantic_case import to_parsed

    try:
        return to_parsed(case_model(vocabulary).model_validate(data))
    except ValidationError:
        return None


def docs() -> list[Any]:
    out = []
    for path in sorted((ROOT / "cases").rglob("*.yaml")):
        try:
            out.append(yamlio.load(path.read_text(encoding="utf-8"), str(path)).data)
        except Exception:
            continue
    return out


def mutations(data: dict, rng: random.Random, n: int) -> list[dict]:
    out = []
    for _ in range(n):
        d = copy.deepcopy(data)
        target = d
        if isinstance(d.get("facts"), dict) and d["facts"] and rng.random() < 0.6:
            target = d["facts"]
        elif isinstance(d.get("expect"), dict) and d["expect"] and rng.random() < 0.5:
            target = d["expect"]
        keys = list(target) or ["facts"]
        key = rng.choice(keys + ["extra_key", 7])
        if rng.random() < 0.1:
            target.pop(key, None)
        else:
            target[key] = rng.choice(ODD)
        out.append(d)
    return out


def test_bundled_cases_take_the_fast_path_with_the_same_values(loaded) -> None:
    checked = 0
    for data in docs():
        if not isinstance(data, dict):
            continue
        fast = quick_parse(data, loaded.vocabulary)
        slow = pydantic_parse(data, loaded.vocabulary)
        if slow is not None:
            assert fast == slow, data.get("id")
            checked += 1
        else:
            assert fast is None
    assert checked > 200


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_path_never_accepts_what_pydantic_refuses(loaded, seed: int) -> None:
    rng = random.Random(seed)
    accepted = refused = 0
    for data in docs()[seed::4]:
        if not isinstance(data, dict):
            continue
        for variant in mutations(data, rng, 6):
            fast = quick_parse(variant, loaded.vocabulary)
            slow = pydantic_parse(variant, loaded.vocabulary)
            if fast is not None:
                assert slow is not None and fast == slow, variant
                accepted += 1
            else:
                refused += slow is None
    assert accepted > 20 and refused > 20

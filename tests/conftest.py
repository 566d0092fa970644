"""Shared fixtures: the bundled rule pack, compiled once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("NORMCHECK_CACHE", str(ROOT / ".pytest_cache" / "normcheck"))


@pytest.fixture(scope="session")
def loaded():
    from normcheck.pack import load_pack

    return load_pack(None)


@pytest.fixture(scope="session")
def engine(loaded):
    from normcheck.engine import Engine

    return Engine(loaded.pack)


@pytest.fixture(scope="session")
def evaluator_only(loaded):
    from normcheck.engine import Engine

    return Engine(loaded.pack, use_durable=False)


@pytest.fixture()
def write(tmp_path):
    """Write a text file under tmp_path and return its path."""
    def _write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p
    return _write

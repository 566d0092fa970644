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


def families_yaml(families: dict[str, list[str]], evaluation_date: str, record_types: tuple[str, ...] = ("individual_case",)) -> str:
    """A rules/families.yaml for a test's own rule folder: family id -> its vocabulary files."""
    kinds = ", ".join(record_types)
    out = ["families:"]
    for fid, vocab in families.items():
        out += [f"  {fid}:", f'    title: {{en: "Family {fid}", nl: "Familie {fid}"}}',
                f"    record_types: [{kinds}]", f"    vocabulary: [{', '.join(vocab)}]"]
    out.append("record_types:")
    for kind in record_types:
        out += [f"  {kind}:", f"    evaluation_date: [{evaluation_date}]"]
    out.append(f"default_record_type: {record_types[0]}")
    return "\n".join(out) + "\n"


@pytest.fixture()
def write(tmp_path):
    """Write a text file under tmp_path and return its path."""
    def _write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p
    return _write

"""The durable-rules ruleset compiled from the pack is cached next to the pack: the same ruleset comes
back, and a cache file that does not fit the pack, or that others can write, is refused and rebuilt."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from normcheck.engine import durable_adapter, durable_cache
from normcheck.pack import load_pack

pytestmark = pytest.mark.skipif(not durable_adapter.AVAILABLE, reason="durable-rules does not import here")


@pytest.fixture
def pack(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NORMCHECK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("NORMCHECK_NO_CACHE", raising=False)
    load_pack.cache_clear()
    yield load_pack(None).pack
    load_pack.cache_clear()


def _entry(pack) -> Path:  # type: ignore[no-untyped-def]
    where = durable_cache.location(pack)
    assert where is not None
    return where[0]


def test_the_cached_ruleset_is_the_compiled_one(pack) -> None:  # type: ignore[no-untyped-def]
    fresh = durable_adapter.cached_compile_pack(pack)  # compiles and stores
    assert _entry(pack).exists() and oct(_entry(pack).stat().st_mode & 0o777) == "0o600"
    cached = durable_adapter.cached_compile_pack(pack)
    assert cached == fresh == durable_adapter.compile_pack(pack)
    # the computed leaves are the pack's own nodes (the evaluator's closures are shared), not copies
    nodes = {id(n) for v in cached.views for n, _ in v.atoms}
    assert nodes == {id(n) for v in fresh.views for n, _ in v.atoms} and nodes


@pytest.mark.parametrize("tamper", [
    lambda doc: doc["ruleset"]["definition"].update({"NOPE#0#0": {"all": []}}),
    lambda doc: doc["ruleset"]["definition"].update({"TQ-01#9#0": {"all": []}}),
    lambda doc: doc["ruleset"]["definition"].update({"TQ-01#01#0": {"all": []}}),  # a grade not as written
    lambda doc: doc["ruleset"]["definition"].update({"TQ-01#0#\u00b2": {"all": []}}),  # a digit, not an ASCII one
    lambda doc: doc["ruleset"]["definition"].update({"TQ-01#0#0#0": {"all": []}}),
    lambda doc: doc["ruleset"]["definition"].update({"TQ-01#0#": {"all": []}}),
    lambda doc: doc["ruleset"]["views"][0][3].append("no_such_definition"),
    lambda doc: doc["ruleset"]["views"][0][3].append(["unhashable"]),
    lambda doc: doc["ruleset"]["views"][0][0].append(1),
    lambda doc: doc["ruleset"]["views"][0][1].append([["__class__"], "_a0"]),
    lambda doc: doc["ruleset"]["views"][0][1].append([["grades", 99, "expr"], "_a0"]),
    lambda doc: doc["ruleset"]["views"].pop(),
    lambda doc: doc["ruleset"].update(name="nc_another"),
    lambda doc: doc.update(key="another"),
])
def test_a_cached_ruleset_that_does_not_fit_the_pack_is_rebuilt(pack, tamper, caplog) -> None:  # type: ignore[no-untyped-def]
    fresh = durable_adapter.cached_compile_pack(pack)
    doc = json.loads(_entry(pack).read_text())
    tamper(doc)
    _entry(pack).write_text(json.dumps(doc))
    with caplog.at_level(logging.WARNING, logger="normcheck"):
        again = durable_adapter.cached_compile_pack(pack)
    assert again == fresh
    assert "NC-I003" in caplog.text and "durable-rules ruleset could not be read" in caplog.text


def test_a_cached_ruleset_others_can_write_is_not_read(pack, caplog) -> None:  # type: ignore[no-untyped-def]
    fresh = durable_adapter.cached_compile_pack(pack)
    doc = json.loads(_entry(pack).read_text())
    doc["ruleset"]["strata"] += 5
    _entry(pack).write_text(json.dumps(doc))
    _entry(pack).chmod(0o666)
    with caplog.at_level(logging.WARNING, logger="normcheck"):
        assert durable_adapter.cached_compile_pack(pack).strata == fresh.strata
    assert "owned and writable by this user only" in caplog.text
    assert oct(_entry(pack).stat().st_mode & 0o777) == "0o600"  # rebuilt, private
    _entry(pack).write_text(json.dumps(doc))  # the same file, private to this user, is trusted (the check is real)
    assert durable_adapter.cached_compile_pack(pack).strata == fresh.strata + 5


def test_no_cache_folder_no_cached_ruleset(pack, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NORMCHECK_NO_CACHE", "1")
    assert durable_cache.location(pack) is None
    assert durable_adapter.cached_compile_pack(pack) == durable_adapter.compile_pack(pack)

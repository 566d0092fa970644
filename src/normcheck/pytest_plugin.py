"""pytest plugin: every case file under a `cases/` folder with an `expect:` block becomes tests,
one per pinned rule; a failure shows expected vs actual and the finding's explanation.

Collection only reads the `expect:` keys of each file; the rule pack is loaded and the case is
evaluated when its first test runs (once per file), so `pytest --collect-only` and `-k` stay cheap
and a broken rule pack fails the tests, not the collection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .engine import Engine
    from .findings import RecordResult
    from .pack import LoadedPack
    from .testing import Pin

_SHARED: dict[str, Any] = {}  # the bundled pack and its engine, built once per test session


def _engine() -> tuple[LoadedPack, Engine]:
    if "engine" not in _SHARED:
        from .engine import Engine
        from .pack import load_pack

        loaded = load_pack(None)
        _SHARED["loaded"], _SHARED["engine"] = loaded, Engine(loaded.pack)
    return _SHARED["loaded"], _SHARED["engine"]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml") or "cases" not in file_path.parts:
        return None
    from .testing import has_expect_block

    if not has_expect_block(file_path):
        return None
    return CaseFile.from_parent(parent, path=file_path)


class CaseFile(pytest.File):
    _outcome: tuple[RecordResult, list[Pin]] | None = None

    def _shown(self) -> str:
        root = self.config.rootpath
        return str(self.path.relative_to(root) if self.path.is_relative_to(root) else self.path)

    def collect(self) -> Iterator[pytest.Item]:
        from .diagnostics import InputError
        from .facts import yamlio

        try:
            doc = yamlio.load(yamlio.read_text(self.path, self._shown()), self._shown())
        except InputError:
            yield CaseError.from_parent(self, name="load")  # runtest reports the error in full
            return
        expect = doc.data.get("expect") if isinstance(doc.data, dict) else None
        if not isinstance(expect, dict) or not expect:
            yield CaseError.from_parent(self, name="load")
            return
        for rule in expect:
            yield PinItem.from_parent(self, name=str(rule), rule=str(rule), line=doc.where(("expect", rule), key=True)[0] or 0)

    def outcome(self) -> tuple[RecordResult, list[Pin]]:
        """Load and evaluate the case once, for all its pins (raises InputError for a bad case file)."""
        if self._outcome is None:
            from .batch import evaluate_record
            from .facts import load_record
            from .testing import pins

            loaded, engine = _engine()
            record = load_record(self.path, loaded.vocabulary, display=self._shown())
            result = evaluate_record(record, loaded, engine, "en")
            self._outcome = (result, pins(result, record.expect or {}, record.expect_lines))
        return self._outcome


class PinItem(pytest.Item):
    def __init__(self, *, rule: str, line: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.rule = rule
        self.line = line

    def runtest(self) -> None:
        assert isinstance(self.parent, CaseFile)
        _, pins = self.parent.outcome()
        pin = next(p for p in pins if p.rule == self.rule)
        if not pin.ok:
            raise PinFailure(pin.explain())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from .diagnostics import InputError

        if isinstance(excinfo.value, PinFailure):
            return str(excinfo.value)
        if isinstance(excinfo.value, InputError):
            return f"case file cannot be loaded:\n{excinfo.value.render()}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.line - 1, 0), f"{self.path.name}::{self.rule}"


class CaseError(pytest.Item):
    """A case file whose `expect:` block cannot even be read: the test shows why."""

    def runtest(self) -> None:
        assert isinstance(self.parent, CaseFile)
        self.parent.outcome()  # raises InputError with every problem, file:line:column
        raise PinFailure("the `expect:` block is not a mapping of rule ids to expected results")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from .diagnostics import InputError

        if isinstance(excinfo.value, InputError):
            return f"case file cannot be loaded:\n{excinfo.value.render()}"
        return str(excinfo.value)


class PinFailure(Exception):
    """A pinned interpretation that no longer holds; the message is the diff and the explanation."""

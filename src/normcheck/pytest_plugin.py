"""pytest plugin: every case file under a `cases/` folder with an `expect:` block becomes tests,
one per pinned rule; a failure shows expected vs actual and the finding's explanation."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

_STATE: dict[str, Any] = {}


def _engine() -> tuple[Any, Any]:
    if "engine" not in _STATE:
        from .engine import Engine
        from .pack import load_pack

        loaded = load_pack(None)
        _STATE["loaded"] = loaded
        _STATE["engine"] = Engine(loaded.pack)
    return _STATE["loaded"], _STATE["engine"]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml") or "cases" not in file_path.parts:
        return None
    from .testing import has_expect_block

    if not has_expect_block(file_path):
        return None
    return CaseFile.from_parent(parent, path=file_path)


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from .batch import check_files
        from .diagnostics import InputError
        from .facts import load_record
        from .testing import pins

        loaded, engine = _engine()
        shown = self.path.relative_to(self.config.rootpath) if self.path.is_relative_to(self.config.rootpath) else self.path
        try:
            record = load_record(self.path, loaded.vocabulary, display=str(shown))
        except InputError as exc:
            yield CaseError.from_parent(self, name="load", message=exc.render())
            return
        result = next(check_files([self.path], loaded, engine, "en"))
        for pin in pins(result, record.expect or {}, record.expect_lines):
            yield PinItem.from_parent(self, name=pin.rule, pin=pin)


class PinItem(pytest.Item):
    def __init__(self, *, pin: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self.pin = pin

    def runtest(self) -> None:
        if not self.pin.ok:
            raise PinFailure(self.pin)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, PinFailure):
            return excinfo.value.pin.explain()
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.pin.line - 1, 0), f"{self.pin.file}::{self.pin.rule}"


class CaseError(pytest.Item):
    def __init__(self, *, message: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.message = message

    def runtest(self) -> None:
        raise PinFailure(None, self.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return f"case file cannot be loaded:\n{self.message}"


class PinFailure(Exception):
    def __init__(self, pin: Any, message: str = "") -> None:
        super().__init__(message or (pin.explain() if pin else ""))
        self.pin = pin

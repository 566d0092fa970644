"""pytest plugin: every case file under a `cases/` folder with an `expect:` block becomes tests,
one per pinned rule; a failure shows expected vs actual and the finding's explanation.

A suite can adopt readings of contested rules ("our office argues the applicant's reading of
TQ-04a"): the ini option `normcheck_readings` (one NAME or RULE:NAME per line) or
`--normcheck-reading NAME` on the command line; the pinned rules decided under a chosen reading
are named in the terminal summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

_STATE: dict[str, Any] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("normcheck_readings", type="linelist", default=[],
                  help="readings of contested rules the pinned cases are checked under: NAME or RULE:NAME, one per line")
    parser.getgroup("normcheck").addoption(
        "--normcheck-reading", action="append", default=[], metavar="NAME|RULE:NAME",
        help="check the pinned cases under this reading of the contested rules (repeatable; adds to normcheck_readings)")


def _readings(config: pytest.Config) -> tuple[str, ...]:
    return tuple(config.getini("normcheck_readings") or ()) + tuple(config.getoption("--normcheck-reading") or ())


def _engine(config: pytest.Config | None = None) -> tuple[Any, Any]:
    readings = _readings(config) if config is not None else ()
    if _STATE.get("readings") != readings or "engine" not in _STATE:
        from .engine import Engine
        from .pack import load_pack
        from .readings import pack_under, select

        loaded = load_pack(None)
        selection = select(loaded.pack, readings, where="normcheck_readings")
        _STATE["loaded"] = loaded
        _STATE["engine"] = Engine(pack_under(loaded.pack, selection))
        _STATE["readings"] = readings
        _STATE["depends"] = []
    return _STATE["loaded"], _STATE["engine"]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    depends = _STATE.get("depends") or []
    if not _STATE.get("readings"):
        return
    terminalreporter.section("normcheck readings")
    terminalreporter.write_line(f"pinned cases checked under: {', '.join(_STATE['readings'])}")
    for pin in depends:
        terminalreporter.write_line(f"{pin.file}:{pin.line}: {pin.rule} decided under `{pin.under_reading}`: "
                                    f"{pin.actual.level} (pinned: {pin.expected_level})")
    terminalreporter.write_line(f"{len(depends)} pins depend on the readings chosen")


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

        try:
            loaded, engine = _engine(self.config)
        except InputError as exc:  # a reading that no rule has: one failing item says so
            yield CaseError.from_parent(self, name="readings", message=exc.render())
            return
        shown = self.path.relative_to(self.config.rootpath) if self.path.is_relative_to(self.config.rootpath) else self.path
        try:
            record = load_record(self.path, loaded.vocabulary, display=str(shown))
        except InputError as exc:
            yield CaseError.from_parent(self, name="load", message=exc.render())
            return
        result = next(check_files([self.path], loaded, engine, "en"))
        for pin in pins(result, record.expect or {}, record.expect_lines):
            if pin.under_reading:
                _STATE.setdefault("depends", []).append(pin)
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

"""pytest plugin: a case file with an `expect:` block becomes tests, one per pinned rule; a
failure shows expected vs actual as a diff and the finding's explanation.

Installing normcheck registers it (entry point `pytest11`), so an office's own suite of pinned
readings needs nothing but `pytest`. Which files are case files is decided by their content (a
top-level `normcheck:` key, or `expect:` beside `id:`/`facts:`), not by the folder they are in;
three ini options (pytest.ini, tox.ini, setup.cfg or `[tool.pytest.ini_options]`) adjust it:

    normcheck_cases = pins/**/*.yaml     only these files (glob patterns, relative to the ini file);
                                         every file they match must be a case file (a case
                                         without `expect:`, such as a policy it names, is skipped)
    normcheck_rules = office_rules/      rule folders added to the bundled rules (relative to the ini file)
    normcheck_readings = TQ-04a:applicant
                                         readings of contested rules the pins are checked under
                                         ("our office argues the applicant's reading of TQ-04a"):
                                         NAME or RULE:NAME, one per line; `--normcheck-reading NAME`
                                         on the command line adds to them. The pinned rules decided
                                         under a chosen reading are named in the terminal summary.

A file that claims to be a case but cannot be read (unreadable, not YAML, an `expect:` that is
not a mapping, unknown facts) is a failed test, never a silent skip. Collection reads only the
`expect:` keys; the rule pack is loaded and a case evaluated when its first test runs (once per
file), so `--collect-only` and `-k` stay cheap and a broken rule pack (or a reading no rule has)
fails the tests, with the rule file's position, rather than the collection.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .plural import counted

if TYPE_CHECKING:
    from .engine import Engine
    from .findings import RecordResult
    from .pack import LoadedPack
    from .testing import PackChanges, Pin

_KEY = pytest.StashKey["_Session"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("normcheck_cases", type="linelist", default=[],
                  help="normcheck: glob patterns (relative to the ini file) of the case files with pinned readings; "
                       "default: every YAML file under the test paths that is a normcheck case with an `expect:` block")
    parser.addini("normcheck_rules", type="linelist", default=[],
                  help="normcheck: folders of your own rule files (*.norm, vocabulary/*.yaml) added to the bundled "
                       "rules (relative to the ini file)")
    parser.addini("normcheck_readings", type="linelist", default=[],
                  help="normcheck: readings of contested rules the pinned cases are checked under: NAME or RULE:NAME, "
                       "one per line")
    parser.getgroup("normcheck").addoption(
        "--normcheck-reading", action="append", default=[], metavar="NAME|RULE:NAME",
        help="check the pinned cases under this reading of the contested rules (repeatable; adds to normcheck_readings)")


class _Session:
    """What the plugin keeps for one test session: the ini options, the rule pack and its engine."""

    def __init__(self, config: pytest.Config) -> None:
        self.base = config.inipath.parent if config.inipath else config.rootpath
        patterns = [str(p) for p in config.getini("normcheck_cases")]
        self.restricted = bool(patterns)
        self.matches: set[Path] = set()
        for pattern in patterns:
            full = pattern if os.path.isabs(pattern) else str(self.base / pattern)
            self.matches.update(Path(p).resolve() for p in glob.glob(full, recursive=True))
        self.added = tuple(str(p if Path(p).is_absolute() else self.base / p) for p in config.getini("normcheck_rules"))
        self.readings = (tuple(str(r) for r in config.getini("normcheck_readings") or ())
                         + tuple(config.getoption("--normcheck-reading") or ()))
        self._pack: tuple[LoadedPack, Engine] | None = None
        self._error: BaseException | None = None
        self.changes: PackChanges | None = None
        self.stale: dict[str, list[str]] = {}  # pinned pack hash -> case files
        self.depends: list[Pin] = []  # pins whose rule was decided under a chosen reading

    def engine(self) -> tuple[LoadedPack, Engine]:
        """The bundled rules with the added folders, under the readings chosen, compiled once (a rule
        error or a reading no rule has fails every test)."""
        if self._error is not None:
            raise self._error
        if self._pack is None:
            from .diagnostics import InputError
            from .engine import Engine
            from .pack import load_pack
            from .readings import pack_under, select
            from .testing import PackChanges

            try:
                loaded = load_pack(None, self.added)
                selection = select(loaded.pack, self.readings, where="normcheck_readings")
            except InputError as exc:
                self._error = exc
                raise
            self._pack = (loaded, Engine(pack_under(loaded.pack, selection)))
            self.changes = PackChanges(loaded, None, self.added)
        return self._pack


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_KEY] = _Session(config)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    from .testing import read_claim

    session = parent.config.stash[_KEY]
    if session.restricted:
        if file_path.resolve() not in session.matches:
            return None
        c = read_claim(file_path)
        if c is not None and c.case and not c.pinned:
            return None  # a case without pins (e.g. a policy record a pinned case names)
        return CaseFile.from_parent(parent, path=file_path)
    c = read_claim(file_path)
    if c is None or (c.case and c.pinned):  # a YAML file that cannot be read might be a case: say so
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    _outcome: tuple[RecordResult, list[Pin], str | None] | None = None
    _failed_once = False

    def _shown(self) -> str:
        root = self.config.rootpath
        return str(self.path.relative_to(root) if self.path.is_relative_to(root) else self.path)

    def collect(self) -> Iterator[pytest.Item]:
        from .diagnostics import InputError
        from .facts import yamlio
        from .testing import read_claim

        c = read_claim(self.path)
        if c is None or not c.case:
            why = ("the file cannot be read" if c is None else
                   "it matches `normcheck_cases` but is not a normcheck case file (no top-level `normcheck: 1`)")
            yield CaseError.from_parent(self, name="case", message=f"{self._shown()}: {why}")
            return
        try:
            doc = yamlio.load(yamlio.read_text(self.path, self._shown()), self._shown())
        except InputError:
            yield CaseError.from_parent(self, name="case")  # runtest reports the error in full
            return
        expect = doc.data.get("expect") if isinstance(doc.data, dict) else None
        if not isinstance(expect, dict) or not expect:
            what = "empty" if expect in (None, {}) else "not a mapping of rule ids to expected results"
            yield CaseError.from_parent(self, name="expect", message=f"{self._shown()}: the `expect:` block is {what}",
                                        load_first=True)
            return
        for rule in expect:
            yield PinItem.from_parent(self, name=str(rule), rule=str(rule),
                                      line=doc.where(("expect", rule), key=True)[0] or 0)

    def outcome(self) -> tuple[RecordResult, list[Pin], str | None]:
        """Load and evaluate the case once for all its pins: (result, pins, what changed in the rules
        since the pins were written). Raises InputError for a bad case file or rule pack."""
        if self._outcome is None:
            from .batch import evaluate_record
            from .facts import load_record
            from .testing import pins

            session = self.config.stash[_KEY]
            loaded, engine = session.engine()
            record = load_record(self.path, loaded.vocabulary, display=self._shown())
            result = evaluate_record(record, loaded, engine, "en")
            stale = None
            if record.pinned_against and session.changes is not None:
                change = session.changes.change(record.pinned_against)
                if change is not None:
                    session.stale.setdefault(change.pinned, []).append(self._shown())
                    stale = change.pinned
            found = pins(result, record.expect or {}, record.expect_lines, loaded.pack)
            session.depends.extend(p for p in found if p.under_reading)
            self._outcome = (result, found, stale)
        return self._outcome

    def load_failure(self, exc: BaseException) -> str:
        """The file's error in full the first time; after that, a pointer to it."""
        from .diagnostics import InputError

        text = exc.render() if isinstance(exc, InputError) else str(exc)
        if self._failed_once:
            return f"case file cannot be loaded: see the first test of {self._shown()}"
        self._failed_once = True
        return f"case file cannot be loaded: {text}"


class PinItem(pytest.Item):
    def __init__(self, *, rule: str, line: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.rule = rule
        self.line = line

    def runtest(self) -> None:
        assert isinstance(self.parent, CaseFile)
        _, pins, stale = self.parent.outcome()
        pin = next(p for p in pins if p.rule == self.rule)
        if not pin.ok:
            text = pin.explain()
            session = self.config.stash[_KEY]
            if stale is not None and session.changes is not None:
                change = session.changes.change(stale)
                if change is not None:
                    text += "\n" + change.about(self.rule)
            raise PinFailure(text)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from .diagnostics import InputError

        if isinstance(excinfo.value, PinFailure):
            return str(excinfo.value)
        if isinstance(excinfo.value, InputError):
            assert isinstance(self.parent, CaseFile)
            return self.parent.load_failure(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.line - 1, 0), f"{self.path.name}::{self.rule}"


class CaseError(pytest.Item):
    """A file that claims to be a pinned case but whose pins cannot even be listed: the test says why."""

    def __init__(self, *, message: str = "", load_first: bool = False, **kw: Any) -> None:
        super().__init__(**kw)
        self.message = message
        self.load_first = load_first or not message

    def runtest(self) -> None:
        assert isinstance(self.parent, CaseFile)
        if self.load_first:
            self.parent.outcome()  # raises InputError with every problem, file:line:column
        raise PinFailure(self.message or "the `expect:` block is not a mapping of rule ids to expected results")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from .diagnostics import InputError

        if isinstance(excinfo.value, InputError):
            assert isinstance(self.parent, CaseFile)
            return self.parent.load_failure(excinfo.value)
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}::{self.name}"


class PinFailure(Exception):
    """A pinned interpretation that no longer holds; the message is the diff and the explanation."""


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The readings the pins were checked under, and pins written against another rule pack: which
    rules changed since."""
    session = config.stash.get(_KEY, None)
    if session is None:
        return
    if session.readings:
        terminalreporter.section("normcheck readings")
        terminalreporter.write_line(f"pinned cases checked under: {', '.join(session.readings)}")
        for pin in session.depends:
            terminalreporter.write_line(f"{pin.file}:{pin.line}: {pin.rule} decided under `{pin.under_reading}`: "
                                        f"{pin.actual.level if pin.actual is not None else 'no finding'} (pinned: {pin.expected_level})")
        terminalreporter.write_line(f"{counted(len(session.depends), 'pin depends', 'pins depend')} on the readings chosen")
    if not session.stale or session.changes is None:
        return
    terminalreporter.section("normcheck: pins written against another rule pack")
    for pinned, files in session.stale.items():
        change = session.changes.change(pinned)
        if change is None:
            continue
        lines = change.summary()
        terminalreporter.write_line(f"{counted(len(files), 'case file', 'case files')} {lines[0]}")
        for line in lines[1:]:
            terminalreporter.write_line(f"  {line}")

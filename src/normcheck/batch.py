"""Check one or many case files: load each, run the engine, collect results; a bad file is
reported and the batch goes on. `check_files_parallel` spreads a folder over N processes and
yields the results in the same order as one process would.

`check_files` is a generator: it holds one file's record at a time, and anything that goes wrong
with one file (bad input, or a defect in normcheck) becomes a failed result for that file alone.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from . import findings
from .diagnostics import Diagnostic, InputError
from .engine import Engine
from .facts import Record, load_record
from .pack import LoadedPack
from .values import NOT_DISCLOSED, EvaluationError

CASE_SUFFIXES = (".yaml", ".yml")


def expand(paths: Iterable[str]) -> tuple[list[Path], list[Diagnostic]]:
    """Files to check, in a stable order, each once: files as given, folders searched recursively.

    Folder entries that are not regular files (a dangling symbolic link, a pipe, a device) are never
    opened: they get a warning. Symbolic links to folders are not followed (no loops)."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    seen: set[tuple[int, int]] = set()

    def add(p: Path) -> None:
        try:
            st = p.stat()
        except OSError:
            return
        key = (st.st_dev, st.st_ino)
        if key not in seen:
            seen.add(key)
            files.append(p)

    for raw in paths:
        if not raw.strip():
            problems.append(Diagnostic(repr(raw), None, None, "an empty path; give a case file or a folder of case files", code="NC-P001"))
            continue
        p = Path(raw)
        try:
            is_dir = p.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            found, skipped = _walk(p)
            problems.extend(skipped)
            if not found:
                problems.append(Diagnostic(raw, None, None, "no case files (*.yaml) in this folder", code="NC-P002"))
            for q in found:
                add(q)
        elif _regular(p):
            add(p)
        elif p.is_symlink() and not p.exists():
            problems.append(Diagnostic(raw, None, None, "a symbolic link to a file that does not exist", code="NC-P001"))
        elif p.exists():
            problems.append(Diagnostic(raw, None, None, "not a regular file (a pipe, a socket or a device); give a case file", code="NC-P003"))
        else:
            problems.append(Diagnostic(raw, None, None, "no such file or folder", code="NC-P001"))
    return files, problems


def _regular(p: Path) -> bool:
    try:
        return stat.S_ISREG(p.stat().st_mode)
    except OSError:
        return False


def _walk(root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """Case files below `root`, sorted, without recursion and without following linked folders."""
    found: list[Path] = []
    warnings: list[Diagnostic] = []
    todo = [root]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            warnings.append(Diagnostic(str(folder), None, None, f"folder skipped: cannot read it ({exc.strerror or exc})",
                                       severity="warning", code="NC-P003"))
            continue
        subfolders = []
        for e in entries:
            path = Path(folder) / e.name
            try:
                if e.is_dir(follow_symlinks=False):
                    subfolders.append(path)
                    continue
                if not e.name.endswith(CASE_SUFFIXES):
                    continue
                if e.is_symlink() and not path.exists():
                    warnings.append(Diagnostic(str(path), None, None, "skipped: a symbolic link to a file that does not exist",
                                               severity="warning", code="NC-P001"))
                elif e.is_file():
                    found.append(path)
                else:
                    warnings.append(Diagnostic(str(path), None, None, "skipped: not a regular file (a pipe, a socket or a "
                                               "device, or a link to a folder)", severity="warning", code="NC-P003"))
            except OSError as exc:
                warnings.append(Diagnostic(str(path), None, None, f"skipped: {exc.strerror or exc}", severity="warning", code="NC-P003"))
        todo.extend(reversed(subfolders))
    return sorted(found), warnings


def evaluate_record(record: Record, loaded: LoadedPack, engine: Engine, lang: str,
                    brief: bool = False) -> findings.RecordResult:
    """`brief`: see `findings.record_result`."""
    run = engine.run(record.facts, record.as_of, record.origins.keys())
    for name in record.not_disclosed:
        run.shown.setdefault(name, NOT_DISCLOSED)
    return findings.record_result(record, run, engine.pack, lang, brief)


def internal_error(shown: str, exc: BaseException) -> findings.RecordResult:
    """A defect in normcheck met while checking one file: reported for that file; the batch goes on."""
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return findings.failed_record(shown, [Diagnostic(
        shown, None, None, f"internal error in normcheck while checking this file ({type(exc).__name__}"
        + (f": {text}" if text else "") + "); the other files are not affected",
        hint="please report it with this file (NORMCHECK_DEBUG=1 shows the traceback)", code="NC-I002")])


def check_files(files: list[Path], loaded: LoadedPack, engine: Engine, lang: str, *,
                as_of: dt.date | None = None, today: dt.date | None = None,
                on_done: Callable[[Path], None] | None = None,
                personal_data: str = "error", brief: bool = False) -> Iterator[findings.RecordResult]:
    """The records of `files`, checked one at a time. `brief`: see `findings.record_result`."""
    for path in files:
        shown = str(path)
        try:
            record = load_record(path, loaded.vocabulary, display=shown, today=today, personal_data=personal_data)
            if as_of is not None:
                record = replace(record, as_of=as_of, as_of_source="--as-of")
            result = evaluate_record(record, loaded, engine, lang, brief)
            del record
        except InputError as exc:
            result = findings.failed_record(shown, exc.diagnostics)
        except EvaluationError as exc:  # the rules' arithmetic has no answer on this case: say which rule line
            where = f"{exc.file}:{exc.line}" if exc.file and exc.line else (exc.file or "the rules")
            result = findings.failed_record(shown, [Diagnostic(shown, None, None, f"the rules cannot be evaluated on this case: "
                                                               f"{exc.message} ({where})", code="NC-F013")])
        except (Exception, RecursionError, MemoryError) as exc:  # contained to this file; never the whole batch
            if os.environ.get("NORMCHECK_DEBUG"):
                raise
            result = internal_error(shown, exc)
        finally:
            if on_done is not None:
                on_done(path)
        yield result
        del result


# ---- several processes ------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def _start_worker(rules: str | None, use_durable: bool | None, lang: str, as_of: dt.date | None,
                  today: dt.date | None, personal_data: str = "error", readings: tuple[str, ...] = (),
                  added: tuple[str, ...] = ()) -> None:
    """Each process has its own engine (durable-rules keeps its rulesets per process)."""
    from .pack import load_pack
    from .readings import pack_under, select

    loaded = load_pack(rules, added)
    pack = pack_under(loaded.pack, select(loaded.pack, readings))
    _WORKER.update(loaded=loaded, engine=Engine(pack, use_durable=use_durable), lang=lang, as_of=as_of, today=today,
                   personal_data=personal_data)


def _check_in_worker(path: Path) -> findings.RecordResult:
    w = _WORKER
    return next(check_files([path], w["loaded"], w["engine"], w["lang"], as_of=w["as_of"], today=w["today"],  # type: ignore[arg-type]  # _WORKER holds what _init_worker stored
                            personal_data=w["personal_data"]))  # type: ignore[arg-type]  # (as above)


def check_files_parallel(files: list[Path], rules: str | None, use_durable: bool | None, lang: str, jobs: int, *,
                         as_of: dt.date | None = None, today: dt.date | None = None,
                         on_done: Callable[[Path], None] | None = None,
                         personal_data: str = "error", readings: tuple[str, ...] = (),
                         added: tuple[str, ...] = ()) -> Iterator[findings.RecordResult]:
    """`check_files` in `jobs` processes; the results come in the order of `files`. `readings` as given to
    --reading (each process resolves them against its own copy of the pack)."""
    import multiprocessing as mp

    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")  # fork: the compiled pack is inherited
    chunk = max(1, min(32, len(files) // (jobs * 8)))
    with ctx.Pool(jobs, initializer=_start_worker, initargs=(rules, use_durable, lang, as_of, today, personal_data,
                                                             tuple(readings), added)) as pool:
        for path, result in zip(files, pool.imap(_check_in_worker, files, chunksize=chunk)):
            if on_done is not None:
                on_done(path)
            yield result

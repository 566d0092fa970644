"""Check one or many case files: load each, run the engine, collect results; a bad file is
reported and the batch goes on. `check_files_parallel` spreads a folder over N processes and
yields the results in the same order as one process would."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import findings
from .diagnostics import Diagnostic, InputError
from .engine import Engine
from .facts import Record, load_record
from .pack import LoadedPack

CASE_SUFFIXES = (".yaml", ".yml")


def expand(paths: Iterable[str]) -> tuple[list[Path], list[Diagnostic]]:
    """Files to check, in a stable order: files as given, folders searched recursively."""
    files: list[Path] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.suffix in CASE_SUFFIXES and q.is_file())
            if not found:
                problems.append(Diagnostic(raw, None, None, "no case files (*.yaml) in this folder"))
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Diagnostic(raw, None, None, "no such file or folder"))
    return files, problems


def evaluate_record(record: Record, loaded: LoadedPack, engine: Engine, lang: str) -> findings.RecordResult:
    run = engine.run(record.facts, record.as_of, record.origins.keys())
    return findings.record_result(record, run, loaded.pack, lang)


def check_files(files: list[Path], loaded: LoadedPack, engine: Engine, lang: str, *,
                as_of: dt.date | None = None, today: dt.date | None = None,
                on_done: Callable[[Path], None] | None = None) -> Iterator[findings.RecordResult]:
    for path in files:
        shown = str(path)
        try:
            record = load_record(path, loaded.vocabulary, display=shown, today=today)
            if as_of is not None:
                record = replace(record, as_of=as_of, as_of_source="--as-of")
            yield evaluate_record(record, loaded, engine, lang)
        except InputError as exc:
            yield findings.failed_record(shown, exc.diagnostics)
        finally:
            if on_done is not None:
                on_done(path)


# ---- several processes ------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def _start_worker(rules: str | None, use_durable: bool | None, lang: str, as_of: dt.date | None,
                  today: dt.date | None, added: tuple[str, ...] = ()) -> None:
    """Each process has its own engine (durable-rules keeps its rulesets per process)."""
    from .pack import load_pack

    loaded = load_pack(rules, added)
    _WORKER.update(loaded=loaded, engine=Engine(loaded.pack, use_durable=use_durable), lang=lang, as_of=as_of, today=today)


def _check_in_worker(path: Path) -> findings.RecordResult:
    w = _WORKER
    return next(check_files([path], w["loaded"], w["engine"], w["lang"], as_of=w["as_of"], today=w["today"]))  # type: ignore[arg-type]


def check_files_parallel(files: list[Path], rules: str | None, use_durable: bool | None, lang: str, jobs: int, *,
                         as_of: dt.date | None = None, today: dt.date | None = None,
                         on_done: Callable[[Path], None] | None = None,
                         added: tuple[str, ...] = ()) -> Iterator[findings.RecordResult]:
    """`check_files` in `jobs` processes; the results come in the order of `files`."""
    import multiprocessing as mp

    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")  # fork: the compiled pack is inherited
    chunk = max(1, min(32, len(files) // (jobs * 8)))
    with ctx.Pool(jobs, initializer=_start_worker, initargs=(rules, use_durable, lang, as_of, today, added)) as pool:
        for path, result in zip(files, pool.imap(_check_in_worker, files, chunksize=chunk)):
            if on_done is not None:
                on_done(path)
            yield result

"""Check one or many case files: load each, run the engine, collect results; a bad file is
reported and the batch goes on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

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

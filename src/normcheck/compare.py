"""`normcheck CASE --compare-readings`: which findings change with the reading adopted of a contested rule.

Each record is evaluated as the rules stand (contested grades CONTESTED) and under each reading name
of the pack (`NAME` applies to every rule that names that reading); a finding whose level differs
between them is listed with its level per reading. Rules that chain on a contested rule (`X fires`)
show up too when their result changes with it. Every evaluation runs on the same engines as a check
(durable-rules cross-checked by the evaluator where it imports).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from . import findings, ir
from .diagnostics import Diagnostic, InputError
from .engine import Engine
from .facts import load_record
from .pack import LoadedPack
from .readings import all_reading_names, pack_under, select


def flips(results: dict[str, findings.RecordResult]) -> tuple[findings.ReadingFlip, ...]:
    """Rules whose level differs between the evaluations (`""`: as the rules stand; else a reading name)."""
    base = results[""]
    levels: dict[str, dict[str, tuple[ir.Outcome, ir.Severity | None]]] = {}
    for name, result in results.items():
        for f in result.findings:
            levels.setdefault(f.rule, {})[name] = (f.level, f.severity)
    out = []
    for f in base.findings:
        by = levels.get(f.rule, {})
        if len(set(by.values())) > 1:
            out.append(findings.ReadingFlip(rule=f.rule, default=f.level, default_severity=f.severity,
                                            by_reading={n: lv for n, (lv, _) in by.items() if n},
                                            severity_by_reading={n: sev for n, (_, sev) in by.items() if n}))
    return tuple(out)


def compare_files(files: list[Path], loaded: LoadedPack, use_durable: bool | None, lang: str,
                  personal_data: str = "error") -> Iterator[findings.RecordResult]:
    """Each file's findings as the rules stand, with `reading_flips` filled in, one file at a time."""
    from .batch import evaluate_record, internal_error

    pack = loaded.pack
    engines = {"": Engine(pack, use_durable=use_durable)}
    for name in all_reading_names(pack):
        engines[name] = Engine(pack_under(pack, select(pack, [name])), use_durable=use_durable)
    for path in files:
        shown = str(path)
        try:
            record = load_record(path, loaded.vocabulary, display=shown, personal_data=personal_data)
            results = {name: evaluate_record(record, loaded, engine, lang) for name, engine in engines.items()}
            base = results[""]
            if base.failed or any(r.failed for r in results.values()):
                bad = next(r for r in results.values() if r.failed)
                yield bad
                continue
            yield replace(base, reading_flips=flips(results))
        except InputError as exc:
            yield findings.failed_record(shown, exc.diagnostics)
        except (Exception, RecursionError) as exc:  # contained to this file
            yield internal_error(shown, exc)


def cmd_compare(args: argparse.Namespace, loaded: LoadedPack, files: list[Path], problems: list[Diagnostic],
                err: Console) -> int:
    """The listing, in any format: each record's `reading_flips` laid out by the format's renderer (JSON carries
    the findings as the rules stand, with `reading_flips`)."""
    from .cli import print_diagnostics
    from .options import open_output
    from .report import renderers
    from .report.view import RunView, Words

    if args.reading:
        raise InputError([Diagnostic("--compare-readings", None, None, "--compare-readings compares every reading; "
                                     "leave out --reading", code="NC-C001")])
    if problems:
        print_diagnostics(problems, err)
    if not files:
        return 2
    personal = "warning" if args.personal_data == "warn" else "error"
    use_durable = False if args.engine == "evaluator" else None
    engine_label = Engine(loaded.pack, use_durable=use_durable).label

    def results() -> Iterator[findings.RecordResult]:
        for r in compare_files(files, loaded, use_durable, args.lang, personal):
            if args.format != "terminal":
                for p in r.problems:
                    if p.severity == "error":
                        err.print(p.render(), style="red", highlight=False, markup=False)
            yield r

    run = RunView(results(), findings.receipt(loaded.pack, engine_label, args.lang),
                  Words.of(args.lang, loaded.pack.value_labels, loaded.vocabulary), batch=len(files) > 1, title="compare_title")
    render = renderers.get(args.format)
    try:
        if args.output:
            with open_output(args.output) as fh:
                render(run, fh)
        else:
            render(run, sys.stdout)
        run.drain()
    finally:
        run.tally.close()
    return 2 if any(p.severity == "error" for p in problems) or run.tally.failed else 0

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
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import findings
from .diagnostics import Diagnostic, InputError
from .engine import Engine
from .facts import load_record
from .pack import LoadedPack
from .readings import all_reading_names, pack_under, select
from .report.labels import t


def flips(results: dict[str, findings.RecordResult]) -> tuple[findings.ReadingFlip, ...]:
    """Rules whose level differs between the evaluations (`""`: as the rules stand; else a reading name)."""
    base = results[""]
    levels: dict[str, dict[str, tuple[str, str | None]]] = {}
    for name, result in results.items():
        for f in result.findings:
            levels.setdefault(f.rule, {})[name] = (f.level, f.severity)
    out = []
    for f in base.findings:
        by = levels.get(f.rule, {})
        if len(set(by.values())) > 1:
            out.append(findings.ReadingFlip(rule=f.rule, default=f.level, default_severity=f.severity,  # type: ignore[arg-type]
                                            by_reading={n: lv for n, (lv, _) in by.items() if n},
                                            severity_by_reading={n: sev for n, (_, sev) in by.items() if n}))
    return tuple(out)


def compare_files(files: list[Path], loaded: LoadedPack, use_durable: bool | None, lang: str,
                  personal_data: str = "error") -> Iterator[findings.RecordResult]:
    """Each file's findings as the rules stand, with `reading_flips` filled in."""
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
    from .cli import print_diagnostics
    from .options import write_output

    if args.reading:
        raise InputError([Diagnostic("--compare-readings", None, None, "--compare-readings compares every reading; "
                                     "leave out --reading")])
    if problems:
        print_diagnostics(problems, err)
    if not files:
        return 2
    personal = "warning" if args.personal_data == "warn" else "error"
    use_durable = False if args.engine == "evaluator" else None
    results = tuple(compare_files(files, loaded, use_durable, args.lang, personal))
    engine_label = Engine(loaded.pack, use_durable=use_durable).label
    run = findings.Run(receipt=findings.receipt(loaded.pack, engine_label, args.lang), records=results)
    if args.format == "json":
        text = run.model_dump_json(indent=2) + "\n"
    elif args.format in ("markdown", "html"):
        text = markdown(run, args.lang)
        if args.format == "html":
            import html

            text = f"<!doctype html><html lang=\"{args.lang}\"><meta charset=\"utf-8\"><body><pre>{html.escape(text)}</pre></body></html>\n"
    else:
        text = None
    if text is not None:
        if args.output:
            write_output(args.output, text)
        else:
            sys.stdout.write(text)
    else:
        import io

        buf = io.StringIO() if args.output else None
        console = Console(file=buf, width=120, highlight=False) if buf is not None else Console(highlight=False)
        if buf is None and not console.is_terminal:
            console = Console(highlight=False, width=120)
        print_compare(run, console, args.lang)
        if buf is not None:
            write_output(args.output, buf.getvalue())
    for r in results:
        for p in r.problems:
            if p.severity == "error" and args.format != "terminal":
                err.print(p.render(), style="red", highlight=False, markup=False)
    return 2 if problems and any(p.severity == "error" for p in problems) or any(r.failed for r in results) else 0


def _columns(r: findings.RecordResult) -> list[str]:
    names: list[str] = []
    for f in r.reading_flips or ():
        for n, lv in f.by_reading.items():
            if (lv, f.severity_by_reading.get(n)) != (f.default, f.default_severity) and n not in names:
                names.append(n)
    return sorted(names)


def _level(level: str, severity: str | None, lang: str) -> str:
    from .report.labels import SEVERITY

    return t(lang, level) + (f" ({SEVERITY[lang].get(severity, severity)})" if severity else "")


def print_compare(run: findings.Run, console: Console, lang: str) -> None:
    from .report.escape import safe_record

    for r in run.records:
        r = safe_record(r, "terminal")
        head = Text(f"{t(lang, 'record')} {r.id or '?'} · {r.file}", style="bold")
        console.print(head)
        for p in r.problems:
            console.print(Text(p.render(), style="bold red" if p.severity == "error" else "yellow"))
        if r.failed:
            continue
        if not r.reading_flips:
            console.print(Text("  " + t(lang, "no_flips"), style="dim"))
            continue
        cols = _columns(r)
        table = Table(show_edge=False)
        table.add_column(t(lang, "rule"))
        table.add_column(t(lang, "as_written"))
        for c in cols:
            table.add_column(f"{t(lang, 'reading')} {c}")
        for f in r.reading_flips:
            table.add_row(f.rule, _level(f.default, f.default_severity, lang), *[_cell(f, c, lang) for c in cols])
        console.print(table)
    rc = run.receipt
    console.print(Text(f"{t(lang, 'receipt')}: normcheck {rc.normcheck_version} · {t(lang, 'rule_pack')} "
                       f"sha256:{rc.rule_pack_sha256[:16]} · {t(lang, 'engine')}: {rc.engine}", style="dim"))


def _cell(f: findings.ReadingFlip, name: str, lang: str) -> str:
    got = (f.by_reading.get(name, f.default), f.severity_by_reading.get(name, f.default_severity))
    return _level(*got, lang) if got != (f.default, f.default_severity) else "="


def markdown(run: findings.Run, lang: str) -> str:
    from .report.escape import safe_record

    out = [f"# {t(lang, 'compare_title')}", ""]
    for r in run.records:
        r = safe_record(r, "markdown")
        out += [f"## {t(lang, 'record')} {r.id or '?'}", "", f"- {t(lang, 'file')}: `{r.file}`", ""]
        for p in r.problems:
            out.append(f"- **{p.severity}**: {p.message}")
        if r.failed:
            out.append("")
            continue
        if not r.reading_flips:
            out += [t(lang, "no_flips"), ""]
            continue
        cols = _columns(r)
        out.append("| " + " | ".join([t(lang, "rule"), t(lang, "as_written")] + [f"{t(lang, 'reading')} `{c}`" for c in cols]) + " |")
        out.append("|" + "---|" * (2 + len(cols)))
        for f in r.reading_flips:
            out.append("| " + " | ".join([f.rule, _level(f.default, f.default_severity, lang)] + [_cell(f, c, lang) for c in cols]) + " |")
        out.append("")
    return "\n".join(out) + "\n"



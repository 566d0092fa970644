"""The `normcheck` command.

    normcheck CASE.yaml [MORE … | FOLDER]   check cases (the main job)
    normcheck test [PATHS]                  check the `expect:` blocks of pinned cases
    normcheck rules                         list every rule
    normcheck explain RULE                  a rule, its sources, its facts and its pinned cases
    normcheck schema                        JSON Schema of case files (for editors)
    normcheck lint                          check the rule files themselves
    normcheck sweep POLICY --vary …         which groups a policy's parameters disadvantage
    normcheck serve [--port N]              a local page with a case form (loopback only, nothing stored)

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 input error (bad file or option).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from . import __version__, findings
from .diagnostics import Diagnostic, InputError

if TYPE_CHECKING:  # imported lazily at run time: `normcheck --help` must not load the engine
    from .engine import Engine
    from .pack import LoadedPack

FAIL_ON = ("BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA", "never")
SUBCOMMANDS = ("check", "test", "rules", "explain", "schema", "lint", "sweep", "serve")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("en", "nl"), default=os.environ.get("NORMCHECK_LANG", "en"),
                   help="language of titles, messages and labels (default: en)")
    p.add_argument("--rules", metavar="DIR", help="folder of rule files (default: the bundled rules/)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="normcheck", description="Check anonymised migration cases and policies against "
                                "legal norms, with pinpoint sources (T.Q., Schengen Borders Code, Art. 3 ECHR, Changu).")
    p.add_argument("--version", action="version", version=f"normcheck {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="check case files (the default command)")
    c.add_argument("paths", nargs="+", metavar="PATH", help="case files (YAML) or folders")
    c.add_argument("--format", choices=("terminal", "json", "markdown", "html"), default="terminal")
    c.add_argument("--as-of", type=_date, metavar="DATE", help="evaluate every record on this date")
    c.add_argument("--fail-on", choices=FAIL_ON, default="RISK",
                   help="lowest level that makes the exit code 1 (default: RISK)")
    c.add_argument("--all", action="store_true", help="show OK and NOT_APPLICABLE results in full too")
    c.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    c.add_argument("--engine", choices=("auto", "evaluator"), default="auto",
                   help="auto: durable-rules cross-checked by the evaluator where durable-rules imports")
    _common(c)

    t = sub.add_parser("test", help="check the expect: blocks of pinned case files")
    t.add_argument("paths", nargs="*", metavar="PATH", help="case files or folders (default: cases/)")
    _common(t)

    r = sub.add_parser("rules", help="list every rule with its family, level, severity, validity and verification")
    r.add_argument("--format", choices=("terminal", "json"), default="terminal")
    r.add_argument("--family", help="only this family (file name without .norm)")
    _common(r)

    e = sub.add_parser("explain", help="show one rule: text, sources, facts, pinned cases")
    e.add_argument("rule", help="rule id, e.g. TQ-04a")
    e.add_argument("--cases", metavar="DIR", help="where to look for pinned cases (default: cases/)")
    _common(e)

    s = sub.add_parser("schema", help="print the JSON Schema of case files")
    _common(s)

    lint = sub.add_parser("lint", help="check the rule files (syntax, names, types, sources, messages)")
    _common(lint)

    sw = sub.add_parser("sweep", help="evaluate a policy over a grid of ages and procedure lengths")
    sw.add_argument("policy", help="policy record (YAML)")
    sw.add_argument("--vary", action="append", default=[], metavar="FACT=A..B[:STEP]",
                    help="a fact to vary over a range (repeat for a grid)")
    sw.add_argument("--set", action="append", default=[], metavar="FACT=VALUE", help="fix a fact for every point")
    sw.add_argument("--rule", action="append", default=[], metavar="RULE", help="only these rules")
    sw.add_argument("--format", choices=("terminal", "json", "csv", "svg"), default="terminal")
    sw.add_argument("--output", "-o", metavar="FILE")
    sw.add_argument("--as-of", type=_date, metavar="DATE")
    _common(sw)

    sv = sub.add_parser("serve", help="a local page where a case is filled in and checked (loopback only, nothing stored)")
    sv.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0: any free port)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
    sv.add_argument("--allow-remote", action="store_true",
                    help="allow a --host that is not a loopback address (the page is then reachable from the network)")
    _common(sv)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in and args_in[0] not in SUBCOMMANDS and args_in[0] not in ("-h", "--help", "--version"):
        args_in = ["check"] + args_in  # `normcheck case.yaml` is `normcheck check case.yaml`
    parser = build_parser()
    if not args_in:
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(args_in)
    err = Console(stderr=True, highlight=False)
    try:
        if args.command == "check":
            return cmd_check(args, err)
        if args.command == "test":
            return cmd_test(args, err)
        if args.command == "serve":
            from .web.server import serve
            return serve(args, err)
        from . import commands
        return commands.run(args, err)
    except InputError as exc:
        print_diagnostics(exc.diagnostics, err)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a defect in normcheck itself: say so plainly; NORMCHECK_DEBUG=1 shows the traceback
        if os.environ.get("NORMCHECK_DEBUG"):
            raise
        err.print(f"internal error in normcheck ({type(exc).__name__}: {exc}); please report it with the input "
                  "that caused it (set NORMCHECK_DEBUG=1 for details)", style="red", markup=False, highlight=False)
        return 2


def print_diagnostics(diags: Sequence[Diagnostic], err: Console) -> None:
    for d in diags:
        err.print(d.render(), style="red" if d.severity == "error" else "yellow", highlight=False, markup=False)


def _load(args: argparse.Namespace, engine: str = "auto") -> tuple[LoadedPack, Engine]:
    from .engine import Engine
    from .pack import load_pack

    loaded = load_pack(args.rules)
    return loaded, Engine(loaded.pack, use_durable=False if engine == "evaluator" else None)


def cmd_check(args: argparse.Namespace, err: Console) -> int:
    from .batch import check_files, expand
    from .report import document, terminal

    loaded, engine = _load(args, args.engine)
    files, problems = expand(args.paths)
    if problems:
        print_diagnostics(problems, err)
    progress = None
    folder = any(Path(p).is_dir() for p in args.paths)
    if folder and len(files) > 1 and err.is_terminal:
        from rich.progress import Progress
        progress = Progress(console=err, transient=True)
        task = progress.add_task("checking cases", total=len(files))
        progress.start()
    try:
        results = list(check_files(files, loaded, engine, args.lang, as_of=args.as_of,
                                   on_done=(lambda _p: progress.advance(task)) if progress else None))
    finally:
        if progress is not None:
            progress.stop()
    run = findings.Run(receipt=findings.receipt(loaded.pack, engine.label, args.lang), records=tuple(results))
    out_text: str | None = None
    if args.format == "json":
        out_text = run.model_dump_json(indent=2) + "\n"
    elif args.format == "markdown":
        out_text = document.markdown(run, args.lang, args.all)
    elif args.format == "html":
        out_text = document.html_page(run, args.lang, args.all)
    if out_text is not None:
        if args.output:
            Path(args.output).write_text(out_text, encoding="utf-8")
        else:
            sys.stdout.write(out_text)
    else:
        if args.output:
            with open(args.output, "w", encoding="utf-8") as fh:
                terminal.print_run(run, Console(file=fh, width=120, highlight=False), args.lang, args.all)
        else:
            console = Console(highlight=False)
            if not console.is_terminal:  # a pipe or a file: wide enough that nothing is cut
                console = Console(highlight=False, width=120)
            terminal.print_run(run, console, args.lang, args.all)
    for r in results:
        for p in r.problems:
            if p.severity == "error" and args.format != "terminal":
                err.print(p.render(), style="red", highlight=False, markup=False)
    if problems or any(r.failed for r in results):
        return 2
    if args.fail_on == "never":
        return 0
    from .ir import OUTCOME_RANK
    threshold = OUTCOME_RANK[args.fail_on]
    hit = any(OUTCOME_RANK[f.level] >= threshold for r in results for f in r.findings)
    return 1 if hit else 0


def cmd_test(args: argparse.Namespace, err: Console) -> int:
    from .batch import check_files, expand
    from .facts import load_record
    from .resources import cases_dir
    from .testing import has_expect_block, pins

    paths = args.paths or ([str(Path("cases"))] if Path("cases").is_dir() else [str(cases_dir())] if cases_dir() else [])
    if not paths:
        raise InputError([Diagnostic("cases", None, None, "no cases folder here; give the case files to test")])
    loaded, engine = _load(args)
    files, problems = expand(paths)
    files = [f for f in files if has_expect_block(f)]
    print_diagnostics(problems, err)
    out = Console(highlight=False)
    passed = failed = broken = 0
    for path, result in zip(files, check_files(files, loaded, engine, "en")):
        if result.failed:
            broken += 1
            out.print(f"[red]ERROR[/red] {path}")
            for p in result.problems:
                out.print(p.render(), markup=False)
            continue
        record = load_record(path, loaded.vocabulary, display=str(path))
        for pin in pins(result, record.expect or {}, record.expect_lines):
            if pin.ok:
                passed += 1
            else:
                failed += 1
                out.print("[red]FAIL[/red] ", end="")
                out.print(pin.explain(), markup=False)
    out.print(f"{passed} pinned interpretations hold, {failed} fail ({len(files)} case files"
              + (f", {broken} could not be read" if broken else "") + ")")
    if broken or problems:
        return 2
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

"""The `normcheck` command.

    normcheck CASE.yaml [MORE … | FOLDER]   check cases (the main job)
    normcheck test [PATHS]                  check the `expect:` blocks of pinned cases
    normcheck rules                         list every rule
    normcheck explain RULE                  a rule, its sources, its facts and its pinned cases
    normcheck schema [--family F]           JSON Schema of case files (for editors), or a table of a family's facts
    normcheck new --template NAME [-o FILE] a commented case file to fill in (amv, asylum, border, non-removable)
    normcheck lint                          check the rule files themselves
    normcheck sweep POLICY --vary …         which groups a policy's parameters disadvantage
    normcheck serve [--port N]              a local page with a case form (loopback only, nothing stored)

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 input error (bad file or option).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import io
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .diagnostics import Diagnostic, InputError, localize, printable_lines
from .options import check_as_of, check_output_path, open_output
from .plural import counted
from .report import renderers

if TYPE_CHECKING:  # imported lazily at run time: `normcheck --help` must not load the engine
    from rich.console import Console

    from .engine import Engine
    from .pack import LoadedPack

FAIL_ON = ("BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA", "never")
SUBCOMMANDS = ("check", "test", "rules", "explain", "schema", "lint", "sweep", "serve", "new")
LANGS = ("en", "nl")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 256:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes from 1 to 256")
    return n


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=LANGS, default=os.environ.get("NORMCHECK_LANG", "en"),
                   help="language of titles, messages and labels (default: en, or NORMCHECK_LANG)")
    p.add_argument("--rules", metavar="DIR", help="folder of rule files (default: the bundled rules/)")
    p.add_argument("--add-rules", action="append", default=[], metavar="DIR", dest="add_rules",
                   help="a folder of your own rule files (*.norm, vocabulary/*.yaml) added to the bundled ones; "
                        "repeatable. A rule that takes a bundled rule's place says `replaces ID because …`")


def _personal(p: argparse.ArgumentParser) -> None:
    p.add_argument("--personal-data", choices=("error", "warn"), default="error",
                   help="what the anonymisation guard finds (a BSN, a phone number, a name …) is an error (default); "
                        "`warn` reports it as a warning and checks the file anyway")


def _reading(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reading", action="append", default=[], metavar="NAME|RULE:NAME",
                   help="evaluate contested rules under one of their named readings: NAME for every rule that has "
                        "it (e.g. state), RULE:NAME for one rule (e.g. TQ-04a:applicant); repeatable")


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, reading the terminal's width when a help or usage text is laid out rather than
    when the formatter is made. argparse makes one for every argument added (to check its metavar), and reading
    the width imports `shutil`, and with it `zlib`, `bz2` and `lzma` (about 1 ms of every run), for a help text
    that a run without an error never prints. The width and the help position are argparse's own, from the
    same formulas, computed once per formatter on first use."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, 0 if width is None else width)
        if width is None:
            self._asked_position = max_help_position
            del self._width, self._max_help_position  # computed on first use by the properties below

    @functools.cached_property
    def _width(self) -> int:  # type: ignore[override]  # (a cached_property can be assigned, like the attribute)
        import shutil  # only here: see the class

        return shutil.get_terminal_size().columns - 2

    @functools.cached_property
    def _max_help_position(self) -> int:  # type: ignore[override]  # (as _width)
        return min(self._asked_position, max(self._width - 20, self._indent_increment * 2))


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line. `only`: build just that command's parser (its usage, help and errors are the same
    as in the full parser; the other seven cost a few milliseconds of every run)."""
    p = argparse.ArgumentParser(prog="normcheck", description="Check anonymised migration cases and policies against "
                                "legal norms, with pinpoint sources (T.Q., Schengen Borders Code, Art. 3 ECHR, Changu).",
                                formatter_class=_HelpFormatter)
    p.add_argument("--version", action="version", version=f"normcheck {__version__}")
    # prog: the commands' prefix that argparse would otherwise work out by laying out a usage text (reading the
    # terminal's width, see _HelpFormatter): the usage of a parser without positional arguments is its prog
    sub = p.add_subparsers(dest="command", metavar="COMMAND", prog="normcheck")
    command = functools.partial(sub.add_parser, formatter_class=_HelpFormatter)  # a command's parser

    if only in (None, "check"):
        c = command("check", help="check case files (the default command)")
        c.add_argument("paths", nargs="+", metavar="PATH", help="case files (YAML) or folders")
        c.add_argument("--format", choices=renderers.names(), default="terminal",
                       help="terminal (default), json (docs/output-schema.json), markdown, html, csv (the batch summary), "
                            "appeal (grounds of appeal: Markdown on standard output; with -o, .docx, .html or .md by the "
                            "file's suffix)")
        c.add_argument("--as-of", type=_date, metavar="DATE", help="evaluate every record on this date")
        c.add_argument("--fail-on", choices=FAIL_ON, default="RISK",
                       help="lowest level that makes the exit code 1 (default: RISK)")
        c.add_argument("--all", action="store_true", help="show OK and NOT_APPLICABLE results in full too")
        c.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
        c.add_argument("--engine", choices=("auto", "evaluator"), default="auto",
                       help="auto: durable-rules cross-checked by the evaluator where durable-rules imports")
        c.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N",
                       help="check the files in N processes (output in the same order as with one)")
        _reading(c)
        c.add_argument("--compare-readings", action="store_true",
                       help="list, per record, the findings whose level changes with the reading adopted of a contested rule")
        _common(c)
        _personal(c)

    if only in (None, "test"):
        t = command("test", help="check the expect: blocks of pinned case files")
        t.add_argument("paths", nargs="*", metavar="PATH", help="case files or folders (default: cases/)")
        _reading(t)
        _common(t)
        _personal(t)

    if only in (None, "rules"):
        r = command("rules", help="list every rule with its family, level, severity, validity and verification")
        r.add_argument("--format", choices=("terminal", "json"), default="terminal")
        r.add_argument("--family", help="only this family (file name without .norm)")
        r.add_argument("--diff", metavar="OLD", help="compare with OLD (a folder of rule files, or a git revision of this "
                       "repository such as HEAD~1 or a tag): the rules added, removed and changed in meaning or wording")
        r.add_argument("--cases", action="append", default=[], metavar="PATH",
                       help="with --diff: run both rule packs over these case files or folders and list the findings whose level changes")
        _common(r)

    if only in (None, "explain"):
        e = command("explain", help="show one rule: text, sources, facts, pinned cases")
        e.add_argument("rule", help="rule id, e.g. TQ-04a")
        e.add_argument("--cases", metavar="DIR", help="where to look for pinned cases (default: cases/)")
        _common(e)

    if only in (None, "schema"):
        s = command("schema", help="print the JSON Schema of case files, or with --family a table of a family's facts")
        s.add_argument("--family", metavar="F", help="a table of this fact family (record, tq, sbc, echr3_qd4, basic_needs): "
                       "fact, type, allowed values, question")
        _common(s)

    if only in (None, "new"):
        nw = command("new", help="write a commented case file to fill in")
        nw.add_argument("--template", required=True, metavar="NAME", help="amv, asylum, border or non-removable (rules/templates.yaml)")
        nw.add_argument("--output", "-o", metavar="FILE", help="write it to FILE (never overwritten) instead of standard output")
        _common(nw)

    if only in (None, "lint"):
        lint = command("lint", help="check the rule files (syntax, names, types, sources, messages)")
        _common(lint)

    if only in (None, "sweep"):
        sw = command("sweep", help="evaluate a policy over a grid of ages and procedure lengths")
        sw.add_argument("policy", help="policy record (YAML)")
        sw.add_argument("--vary", action="append", default=[], metavar="FACT=A..B[:STEP]",
                        help="a fact to vary over a range (repeat for a grid)")
        sw.add_argument("--set", action="append", default=[], metavar="FACT=VALUE", help="fix a fact for every point")
        sw.add_argument("--rule", action="append", default=[], metavar="RULE", help="only these rules")
        sw.add_argument("--against", metavar="OTHER_POLICY", help="compare with another policy: who gains and who loses")
        sw.add_argument("--format", choices=("terminal", "json", "csv", "svg"), default="terminal")
        sw.add_argument("--output", "-o", metavar="FILE")
        sw.add_argument("--as-of", type=_date, metavar="DATE")
        _reading(sw)
        _common(sw)
        _personal(sw)

    if only in (None, "serve"):
        sv = command("serve", help="a local page where a case is filled in and checked (loopback only, nothing stored)")
        sv.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765; 0: any free port)")
        sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this computer only)")
        sv.add_argument("--allow-remote", action="store_true",
                        help="allow a --host that is not a loopback address (the page is then reachable from the network)")
        _common(sv)
    return p


class _Collector:
    """The cyclic garbage collector during a run. Start-up (the imports, the rule pack's thousands of
    objects, the durable-rules ruleset) allocates a great deal and frees almost nothing, so collecting
    then only costs time: the collector is paused until the pack and the engine are loaded. When
    normcheck is the program (not called from Python), everything loaded by then lives as long as the
    process and is moved out of the collector's sight (`gc.freeze`), and so is everything at the end,
    so the interpreter's exit does not scan it all once more (together about a third of a one-case run).
    The cases are then checked with a larger youngest generation (20,000 objects instead of 700): what a
    case allocates lives until its report is written, so the frequent small collections found almost
    nothing to free (about 1 ms of a one-case run); memory stays bounded by that threshold."""

    paused = False
    program = False

    @classmethod
    def pause(cls, program: bool) -> None:
        cls.program = program
        cls.paused = gc.isenabled()
        gc.disable()

    @classmethod
    def resume(cls) -> None:
        if cls.program:
            gc.freeze()
            gc.set_threshold(20_000, 10, 10)
        if cls.paused:
            cls.paused = False
            gc.enable()

    @classmethod
    def finish(cls) -> None:
        cls.resume()
        if cls.program:
            gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    _Collector.pause(program=argv is None)
    try:
        code = _main(argv)
    finally:
        _Collector.finish()
    if argv is None:
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """End the process when normcheck is the program and its work is done: the exit handlers run and the
    standard streams are flushed as at any exit, but the interpreter does not then free the hundreds of
    thousands of objects of the rule pack and the engine one by one (about 5 % of a one-case run). Left to
    the interpreter's own exit while another thread or a child process still runs, or a stream cannot be
    flushed."""
    import atexit

    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.active_children():
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    atexit._run_exitfuncs()
    with contextlib.suppress(OSError, ValueError):  # what the exit handlers wrote
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    os._exit(code)


def _main(argv: Sequence[str] | None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in and args_in[0] not in SUBCOMMANDS and args_in[0] not in ("-h", "--help", "--version"):
        args_in = ["check"] + args_in  # `normcheck case.yaml` is `normcheck check case.yaml`
    parser = build_parser(args_in[0] if args_in and args_in[0] in SUBCOMMANDS else None)
    if not args_in:
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(args_in)
    if args.command not in ("check", "test"):
        _Collector.resume()  # only the commands that check cases load the pack and the engine at start-up (see _load)
    from rich.console import Console  # (imported here, where the collector is paused: see _Collector)

    err = Console(stderr=True, highlight=False)
    stdout = sys.stdout
    sys.stdout = _QuietPipe(stdout)
    try:
        if getattr(args, "lang", "en") not in LANGS:
            raise InputError([Diagnostic("NORMCHECK_LANG", None, None, f"`{args.lang}` is not a language of normcheck",
                                         expected="en or nl", hint="set NORMCHECK_LANG=en or NORMCHECK_LANG=nl, or use --lang", code="NC-C001")])
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
        print_diagnostics(exc.diagnostics, err, getattr(args, "lang", "en"))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except (Exception, RecursionError) as exc:  # a defect in normcheck itself: say so plainly; NORMCHECK_DEBUG=1 shows the traceback
        if os.environ.get("NORMCHECK_DEBUG"):
            raise
        err.print(f"error[NC-I002]: internal error in normcheck ({type(exc).__name__}: {str(exc)[:300]}); please report "
                  "it with the input that caused it (set NORMCHECK_DEBUG=1 for details)", style="red", markup=False,
                  highlight=False)
        return 2
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        sys.stdout = stdout


class _QuietPipe(io.TextIOBase):
    """Standard output that goes quiet when its reader has gone (`normcheck … | head -1`): the run goes on and
    exits with the code it would have, without a BrokenPipeError."""

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self.inner = inner
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return int(self.inner.write(text) or 0)
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.inner.flush()
            except BrokenPipeError:
                self._gone()

    def _gone(self) -> None:
        self.gone = True
        try:  # what is still buffered, and the interpreter's last flush, go nowhere instead of failing
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.inner.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass

    def isatty(self) -> bool:
        return bool(getattr(self.inner, "isatty", lambda: False)())

    def fileno(self) -> int:
        return int(self.inner.fileno())

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase declares a plain attribute; this reads the wrapped stream's
        return getattr(self.inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]  # as `encoding`
        return getattr(self.inner, "errors", None)


def print_diagnostics(diags: Sequence[Diagnostic], err: Console, lang: str = "en") -> None:
    """Problems on standard error, worded in `lang` (by their code; position and code as they are)."""
    for d in diags:
        err.print(localize(d, lang).render(lang), style="red" if d.severity == "error" else "yellow", highlight=False, markup=False)


def _load(args: argparse.Namespace, engine: str = "auto") -> tuple[LoadedPack, Engine]:
    """The rule pack, and an engine on it under the readings chosen with --reading (if any)."""
    from .engine import Engine
    from .pack import load_pack
    from .readings import pack_under, select

    try:
        loaded = load_pack(args.rules, tuple(args.add_rules))
        selection = select(loaded.pack, getattr(args, "reading", None) or ())
        return loaded, Engine(pack_under(loaded.pack, selection), use_durable=False if engine == "evaluator" else None,
                              readings=tuple(selection.describe()))
    finally:
        _Collector.resume()


def cmd_check(args: argparse.Namespace, err: Console) -> int:
    from . import findings
    from .batch import check_files, expand
    from .report.view import RunView, Words

    fmt = renderers.variant(args.format, args.output)
    if fmt is None:
        raise InputError([Diagnostic(args.output, None, None, f"`--format {args.format}` cannot write a "
                                     f"{Path(args.output).suffix} file", expected=", ".join(sorted(
                                         s for s in renderers.VARIANTS[args.format] if s)), code="NC-C001")])
    binary = renderers.is_binary(fmt)
    if binary and not args.output and sys.stdout.isatty():
        raise InputError([Diagnostic("--format", None, None, f"`--format {args.format}` writes a Word document, "
                                     "which is not shown on a terminal", hint="write it to a file: -o appeal.docx "
                                     "(or leave out -o for Markdown with --format appeal)", code="NC-C001")])
    loaded, engine = _load(args, args.engine)
    check_as_of(args.as_of, loaded)
    files, problems = expand(args.paths)
    check_output_path(args.output, files)
    if args.compare_readings:
        from .compare import cmd_compare

        return cmd_compare(args, loaded, files, problems, err)
    if problems:
        print_diagnostics(problems, err, args.lang)
    problems = [p for p in problems if p.severity == "error"]
    if not files:
        return 2
    progress = None
    folder = any(Path(p).is_dir() for p in args.paths)
    to_screen = not args.output and sys.stdout.isatty()  # the report itself shows the progress then
    if folder and len(files) > 1 and err.is_terminal and not to_screen:
        from rich.progress import Progress
        progress = Progress(console=err, transient=True)
        task = progress.add_task("checking cases", total=len(files))
        progress.start()

    def results() -> Iterator[findings.RecordResult]:
        """The batch, one record at a time (in the order of the files, with -j too); a file's errors also
        go to stderr (the report may be a file)."""
        on_done = (lambda _p: progress.advance(task)) if progress else None
        personal = "warning" if args.personal_data == "warn" else "error"
        if args.jobs > 1 and len(files) > 1:
            from .batch import check_files_parallel

            batch = check_files_parallel(files, args.rules, False if args.engine == "evaluator" else None,
                                         args.lang, args.jobs, as_of=args.as_of, on_done=on_done,
                                         personal_data=personal, readings=tuple(args.reading),
                                         added=tuple(args.add_rules))
        else:
            batch = check_files(files, loaded, engine, args.lang, as_of=args.as_of, on_done=on_done,
                                personal_data=personal, brief=fmt == "terminal" and not args.all)
        for r in batch:
            if fmt != "terminal":
                for p in r.problems:
                    if p.severity == "error":
                        err.print(p.localized(args.lang).render(args.lang), style="red", highlight=False, markup=False)
            yield r

    run = RunView(results(), findings.receipt(loaded.pack, engine.label, args.lang, engine.readings),
                  Words.of(args.lang, loaded.pack.value_labels, loaded.vocabulary, loaded.pack.families),
                  show_all=args.all, batch=len(files) > 1)
    render = renderers.get(fmt)
    try:
        if args.output:
            with open_output(args.output, binary) as fh:
                render(run, fh)
        else:
            render(run, getattr(sys.stdout, "inner", sys.stdout).buffer if binary else sys.stdout)
        run.drain()
    finally:
        if progress is not None:
            progress.stop()
        run.tally.close()
    if problems or run.tally.failed:
        return 2
    if args.fail_on == "never":
        return 0
    return 1 if run.tally.reached(args.fail_on) else 0


def cmd_test(args: argparse.Namespace, err: Console) -> int:
    """Check every pinned interpretation; every file that cannot be read is reported and makes the exit code 2.
    A case file that records the rule pack its pins were written against (`pinned_against`) gets the
    rules that changed since named."""
    from rich.console import Console
    from rich.markup import escape

    from .batch import evaluate_record, expand, internal_error
    from .facts import load_record
    from .resources import cases_dir
    from .testing import PackChanges, Pin, pins

    paths = args.paths or ([str(Path("cases"))] if Path("cases").is_dir() else [str(cases_dir())] if cases_dir() else [])
    if not paths:
        raise InputError([Diagnostic("cases", None, None, "no cases folder here; give the case files to test", code="NC-P005")])
    loaded, engine = _load(args)
    files, problems = expand(paths)
    print_diagnostics(problems, err)
    out = Console(highlight=False)
    passed = failed = broken = pinned = unpinned = 0
    depends: list[Pin] = []  # pins whose rule this run decided under a chosen reading
    mode = "warning" if args.personal_data == "warn" else "error"
    changes = PackChanges(loaded, Path(args.rules) if args.rules else None, tuple(args.add_rules))
    stale: dict[str, list[str]] = {}  # pinned pack hash -> case files
    for path in files:
        try:
            record = load_record(path, loaded.vocabulary, display=str(path), personal_data=mode)
            result = evaluate_record(record, loaded, engine, "en") if record.expect is not None else None
        except InputError as exc:
            broken += 1
            out.print(f"[red]ERROR[/red] {escape(str(path))}: the file cannot be read, so its pins (if any) are not checked")
            for p in exc.diagnostics:
                out.print(p.render(), markup=False)
            continue
        except (Exception, RecursionError) as exc:
            broken += 1
            out.print(internal_error(str(path), exc).problems[0].render(), markup=False)
            continue
        if result is None:
            unpinned += 1
            continue
        pinned += 1
        if result.failed:
            broken += 1
            out.print(f"[red]ERROR[/red] {escape(str(path))}")
            for problem in result.problems:
                out.print(problem.render(), markup=False)
            continue
        change = changes.change(record.pinned_against) if record.pinned_against else None
        if change is not None:
            stale.setdefault(change.pinned, []).append(str(path))
        for pin in pins(result, record.expect or {}, record.expect_lines, loaded.pack):
            if pin.under_reading:
                depends.append(pin)
            if pin.ok:
                passed += 1
            else:
                failed += 1
                out.print("[red]FAIL[/red] ", end="")
                out.print(printable_lines(pin.explain()), markup=False)
                if change is not None:
                    out.print(printable_lines("  " + change.about(pin.rule).replace("\n", "\n  ")), markup=False)
    for hash_, where in stale.items():
        lines = changes.change(hash_).summary()  # type: ignore[union-attr]  # every stale hash was found in the history above
        head = f"{counted(len(where), 'case file', 'case files')} {lines[0]}" + (":" if len(lines) > 1 else "")
        out.print(printable_lines("\n".join([head] + lines[1:])),
                  markup=False)
    if engine.readings:
        for pin in depends:
            level = pin.actual.level if pin.actual is not None else "no finding"
            out.print(f"READING {pin.file}:{pin.line}: {pin.rule} decided under `{pin.under_reading}`: {level}"
                      f" (pinned: {pin.expected_level})", markup=False, highlight=False)
        out.print(f"{counted(len(depends), 'pin depends', 'pins depend')} on the readings chosen ({', '.join(args.reading)})")
    out.print(f"{counted(passed, 'pinned interpretation holds', 'pinned interpretations hold')}, "
              f"{counted(failed, 'fails', 'fail')} ({counted(pinned, 'case file', 'case files')} with `expect:`"
              + (f", {unpinned} without" if unpinned else "") + (f", {broken} could not be read" if broken else "") + ")")
    if pinned == 0 and not broken:
        err.print("no pinned case file (none has an `expect:` block) in " + ", ".join(paths), style="red",
                  markup=False, highlight=False)
        return 2
    if broken or any(p.severity == "error" for p in problems):
        return 2
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

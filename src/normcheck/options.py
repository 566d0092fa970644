"""Checks of command-line options that several commands share: the output file and the evaluation date.

`-o FILE` is checked before any work is done, so a run never ends in a traceback because the report
cannot be written, and never overwrites one of its inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, InputError

PROTECTED_SUFFIXES = (".yaml", ".yml", ".norm")  # -o never overwrites a case, policy or rule file


def check_output_path(output: str | None, inputs: Sequence[Path]) -> None:
    """`-o FILE` must be a file normcheck may write: not a folder, in a folder that exists, never an input."""
    if output is None:
        return
    if not output.strip():
        raise InputError([Diagnostic("-o", None, None, "an empty output file name", code="NC-C001")])
    out = Path(output)
    if out.is_dir():
        raise InputError([Diagnostic(output, None, None, "-o names a folder; give a file name for the report",
                                     hint=f"e.g. -o {out / 'report.md'}", code="NC-C001")])
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError([Diagnostic(output, None, None, f"cannot write the report: the folder {parent} does not exist", code="NC-C001")])
    if out.exists():
        try:
            target = out.stat()
            same = any((p.stat().st_dev, p.stat().st_ino) == (target.st_dev, target.st_ino) for p in inputs if p.exists())
        except OSError:
            same = False
        if same:
            raise InputError([Diagnostic(output, None, None, "-o names one of the input files; normcheck never overwrites its input",
                                         hint="write the report to a new file, e.g. report.md", code="NC-C001")])
        if out.suffix.lower() in PROTECTED_SUFFIXES:
            raise InputError([Diagnostic(output, None, None, f"-o names an existing {out.suffix} file (a case, policy or rule "
                                         "file?); normcheck does not overwrite it", hint="write the report to a new file, e.g. report.md",
                                             code="NC-C001")])


def write_output(output: str, text: str) -> None:
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError([Diagnostic(output, None, None, f"cannot write the report: {exc.strerror or exc}",
                                     code="NC-P006")]) from None


def open_output(output: str, binary: bool = False) -> Any:
    """The report file, opened for a report written as the batch runs (a failure is an input error);
    `binary` for a format that writes bytes (a .docx)."""
    try:
        if binary:
            return open(output, "wb")
        return open(output, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError([Diagnostic(output, None, None, f"cannot write the report: {exc.strerror or exc}",
                                     code="NC-P006")]) from None


def check_as_of(as_of: dt.date | None, loaded: Any) -> None:
    """`--as-of` within the dates the vocabulary allows (beyond them date arithmetic has no meaning)."""
    if as_of is None:
        return
    lo, hi = loaded.vocabulary.date_range
    if not lo <= as_of <= hi:
        raise InputError([Diagnostic("--as-of", None, None, f"{as_of.isoformat()} is outside the dates normcheck evaluates",
                                     expected=f"a date from {lo.isoformat()} to {hi.isoformat()}", code="NC-C001")])

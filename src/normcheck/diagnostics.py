"""Errors a person can act on: file, line, column, the offending line with a caret, what was expected.

Every stage raises `InputError` with one or more `Diagnostic`s instead of letting a library
exception (Lark, ruamel, pydantic) reach the user as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place in one file."""

    file: str
    line: int | None
    column: int | None
    message: str
    expected: str | None = None
    hint: str | None = None
    source_line: str | None = None
    severity: Severity = "error"
    width: int = 1

    def location(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"

    def render(self) -> str:
        """Plain-text form, the same in a terminal, a log and a test failure."""
        out = [f"{self.location()}: {self.severity}: {self.message}"]
        if self.source_line is not None and self.line is not None:
            gutter = f"{self.line:>5} | "
            out.append(gutter + self.source_line.rstrip("\n"))
            if self.column is not None:
                caret = " " * (self.column - 1) + "^" * max(1, min(self.width, 80))
                out.append(" " * (len(gutter) - 2) + "| " + caret)
        if self.expected:
            out.append(f"  expected: {self.expected}")
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


@dataclass
class InputError(Exception):
    """Bad input (a case file, a rule file, an option): exit code 2, never a traceback."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


def source_line(text: str, line: int | None) -> str | None:
    """The 1-based `line` of `text`, for quoting under an error."""
    if line is None or line < 1:
        return None
    lines = text.splitlines()
    if line > len(lines):
        return None
    return lines[line - 1]


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> str | None:
    """A 'did you mean …?' hint from the closest known names, or None."""
    pool = sorted(set(candidates))
    close = get_close_matches(word, pool, n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        close = [lowered[c] for c in get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)]
    if not close:
        return None
    return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


def one_of(values: Sequence[str], limit: int = 12) -> str:
    """'one of a, b, c' in plain words, shortened when the list is long."""
    vals = list(values)
    shown = ", ".join(vals[:limit])
    if len(vals) > limit:
        shown += f", … ({len(vals)} in all)"
    return f"one of {shown}"

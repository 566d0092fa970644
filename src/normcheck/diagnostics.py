"""Errors a person can act on: file, line, column, the offending line with a caret, what was expected.

Every stage raises `InputError` with one or more `Diagnostic`s instead of letting a library
exception (Lark, ruamel, pydantic) reach the user as a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Literal

Severity = Literal["error", "warning"]
QUOTE_WIDTH = 160  # a quoted line longer than this is shown around the column

# Control characters, C1 controls, bidirectional overrides and line separators: never sent to a terminal as they are.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with control characters shown escaped (\\x1b, \\n, \\u202e), so no input can drive the terminal."""
    return _CONTROL.sub(_escape_char, text)


def printable_lines(text: str) -> str:
    """Like `printable`, keeping the line breaks of a multi-line explanation."""
    return "\n".join(printable(line) for line in text.split("\n"))


def _escape_char(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c == 10:
        return "\\n"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


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
        """Plain-text form, the same in a terminal, a log and a test failure (control characters escaped)."""
        out = [printable(f"{self.location()}: {self.severity}: {self.message}")]
        if self.source_line is not None and self.line is not None:
            gutter = f"{self.line:>5} | "
            text = self.source_line.rstrip("\n").rstrip("\r")
            col = (self.column or 1) - 1
            lead = ""
            if len(text) > QUOTE_WIDTH:  # a long line (a 900 KB note) is shown around the column
                start = max(0, min(col - QUOTE_WIDTH // 2, len(text) - QUOTE_WIDTH))
                lead = "…" if start else ""
                tail = "…" if start + QUOTE_WIDTH < len(text) else ""
                col -= start
                text = text[start: start + QUOTE_WIDTH] + tail
            shown_before = lead + printable(text[:col])
            out.append(gutter + shown_before + printable(text[col:]))
            if self.column is not None:
                caret = " " * len(shown_before) + "^" * max(1, min(self.width, 80))
                out.append(" " * (len(gutter) - 2) + "| " + caret)
        if self.expected:
            out.append("  expected: " + printable(self.expected))
        if self.hint:
            out.append("  hint: " + printable(self.hint))
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
    start = 0
    for _ in range(line - 1):  # lines end at \n only: a U+2028 inside a value does not shift them
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    end = text.find("\n", start)
    return text[start: end if end >= 0 else len(text)].rstrip("\r")


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

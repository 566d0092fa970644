"""The report formats, by name. Each is one module with `render(run: RunView, out: TextIO) -> None`
that lays out the view (`report.view`) and words nothing itself; `--format NAME` picks one.

A new format is one module here and one line in `RENDERERS` (see the README, "A new output format").
A format that writes bytes (the appeal's .docx) says so with `BINARY = True` in its module and is
given a binary stream. A format with variants by file type (`appeal`: Markdown, HTML, Word) lists
them in `VARIANTS`; `-o FILE`'s suffix picks one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING, BinaryIO, TextIO

if TYPE_CHECKING:
    from ..view import RunView

# `out` is a text stream (TextIO), or a binary one (BinaryIO) for a format with `BINARY = True`.
Renderer = Callable[["RunView", TextIO | BinaryIO], None]

RENDERERS: dict[str, str | Renderer] = {
    "terminal": "normcheck.report.renderers.terminal",
    "json": "normcheck.report.renderers.json_report",
    "markdown": "normcheck.report.renderers.markdown",
    "html": "normcheck.report.renderers.html",
    "csv": "normcheck.report.renderers.csv_summary",
    # the grounds of appeal: Markdown on standard output; `-o FILE` picks the variant by its suffix (`variant`)
    "appeal": "normcheck.report.renderers.appeal_markdown",
    "appeal-html": "normcheck.report.renderers.appeal_html",
    "appeal-docx": "normcheck.report.renderers.appeal_docx",
}

# `--format NAME -o FILE`: the variant of NAME a file's suffix asks for (a name not listed has one variant).
VARIANTS: dict[str, dict[str, str]] = {
    "appeal": {".md": "appeal", ".markdown": "appeal", ".txt": "appeal", ".html": "appeal-html",
               ".htm": "appeal-html", ".docx": "appeal-docx", "": "appeal-docx"},
}


def names() -> tuple[str, ...]:
    return tuple(RENDERERS)


def register(name: str, renderer: str | Renderer) -> None:
    """Add a format: a module path (with a `render` function) or the function itself."""
    RENDERERS[name] = renderer


def variant(name: str, output: str | None) -> str | None:
    """The format `--format name -o output` writes: for a format with variants, the one the file's suffix
    names (a file without a suffix gets the first-class document, e.g. .docx); None for a suffix the
    format has no variant for. Standard output gets the format itself."""
    table = VARIANTS.get(name)
    if table is None or output is None:
        return name
    return table.get(PurePath(output).suffix.lower())


def is_binary(name: str) -> bool:
    """Does the format write bytes (a .docx) rather than text? Such a format is never sent to a terminal."""
    target = RENDERERS[name]
    module = importlib.import_module(target) if isinstance(target, str) else target
    return bool(getattr(module, "BINARY", False))


def get(name: str) -> Renderer:
    """The renderer of a format, imported only when it is used (rich, for one, is not needed for JSON)."""
    target = RENDERERS[name]
    if isinstance(target, str):
        render: Renderer = importlib.import_module(target).render
        return render
    return target

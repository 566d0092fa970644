"""The report formats, by name. Each is one module with `render(run: RunView, out: TextIO) -> None`
that lays out the view (`report.view`) and words nothing itself; `--format NAME` picks one.

A new format is one module here and one line in `RENDERERS` (see the README, "A new output format").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..view import RunView

Renderer = Callable[["RunView", TextIO], None]

RENDERERS: dict[str, str | Renderer] = {
    "terminal": "normcheck.report.renderers.terminal",
    "json": "normcheck.report.renderers.json_report",
    "markdown": "normcheck.report.renderers.markdown",
    "html": "normcheck.report.renderers.html",
    "csv": "normcheck.report.renderers.csv_summary",
}


def names() -> tuple[str, ...]:
    return tuple(RENDERERS)


def register(name: str, renderer: str | Renderer) -> None:
    """Add a format: a module path (with a `render` function) or the function itself."""
    RENDERERS[name] = renderer


def get(name: str) -> Renderer:
    """The renderer of a format, imported only when it is used (rich, for one, is not needed for JSON)."""
    target = RENDERERS[name]
    if isinstance(target, str):
        render: Renderer = importlib.import_module(target).render
        return render
    return target

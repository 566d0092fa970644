"""The terminal renderer's texts without their styles, on a console that writes no styles, print the same
bytes as with them; a console that writes styles (colours, or only bold and links under NO_COLOR) keeps them."""

from __future__ import annotations

import io

import pytest
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.style import Style
from rich.text import Text

from normcheck.report.renderers import terminal


def _texts(width: int) -> list[RenderableType]:
    """Lines as the renderer makes them (styles, spans, links), with what wraps or is cut at the edge of a
    panel of `width` columns (its text is 4 narrower): exact-width and one-over lines, long words, tabs, wide
    characters, trailing spaces, a line break inside a line, and a non-text renderable between two runs."""
    inner = width - 4
    return [
        Text("Record amv-1 · cases/x.yaml · Evaluation date 2025-11-15", style="bold"),
        Text("\nBreach (1)", style="bold red underline"),
        Text.assemble(("● TQ-02", "bold red"), (" [high]", "red"), "  ", ("A title", "bold"), (" — why", "dim")),
        Text("x" * inner, style="dim"),  # exactly as wide as the text of the panel
        Text("y" * (inner + 1), style="italic"),  # one column more
        Text("word " * (inner // 5) + "end", style="green"),  # wraps at a space
        Text("   " + "z" * (2 * inner + 3)),  # a word longer than two lines, folded
        Text("trailing spaces   " + " " * inner, style="yellow"),
        Text("\ta\ttab\tstops\t" * 4, style="magenta"),
        Text("漢字と仮名の混じった文 " * (inner // 12 + 1), style="cyan"),  # two columns a character
        Text("a" * (inner - 1) + "漢", style="bold"),  # the wide character would end one column past the edge
        Text("e\u0301 combining, zero\u200dwidth, emoji 👍🏽 ✔\ufe0f", style="bold"),
        Text(""),
        Text("     - Case C-441/19 ", style="dim").append("linked citation " * 6, style=Style(link="https://x.org/a"))
        .append(" [verified]", style="dim"),
        Panel(Text("a nested panel", style="bold blue")),
        Text("after the panel", style="dim"),
    ]


def _printed(width: int, colours: str | None, styled: bool, no_color: bool = False) -> str:
    """A record's panel and the lines after the records, as `terminal.render` prints them."""
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=colours, force_terminal=colours is not None,  # type: ignore[arg-type]
                      no_color=no_color, highlight=False)
    assert terminal.shows_styles(console) == (colours is not None)
    console.print(Panel(Group(*terminal._joined(_texts(width), styled)), title="amv-1"), crop=False)
    console.print(*terminal._joined([t for t in _texts(width) if isinstance(t, Text)], styled))
    return out.getvalue()


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_without_a_colour_system_the_unstyled_texts_print_the_same_bytes(width: int) -> None:
    assert _printed(width, None, styled=False) == _printed(width, None, styled=True)


@pytest.mark.parametrize(("width", "colours", "no_color"), [(40, "standard", False), (80, "truecolor", False),
                                                            (120, "256", True), (200, "truecolor", True)])
def test_a_console_that_writes_styles_keeps_them(width: int, colours: str, no_color: bool) -> None:
    """Under NO_COLOR rich still writes bold, underline and links: the styles must stay."""
    styled = _printed(width, colours, styled=True, no_color=no_color)
    assert "\x1b[1m" in styled and styled != _printed(width, colours, styled=False, no_color=no_color)
    assert styled.replace("\x1b", "") != styled


def test_the_renderer_asks_its_own_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe or a file gets no colour system from rich (so no styles); a forced terminal does."""
    assert not terminal.shows_styles(terminal.console_for(io.StringIO()))
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert terminal.shows_styles(terminal.console_for(io.StringIO()))

"""The terminal report (rich): one panel per record, findings grouped by level and coloured, then the
batch summary and the receipt. Lays out `report.view`; every word comes from there."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.style import Style
from rich.text import Text

from ...diagnostics import printable
from ..escape import safe_record
from ..view import GROUPS, FindingView, Item, OpenNormView, RecordView, RunView, Section, SummaryRowView, SummaryView

# `rich.table` is imported where a table is made: a record with nothing to collect prints none, and importing
# it (its dataclasses, `fractions`) is about 2 ms of a one-case run.

COLOURS = {"BREACH": "bold red", "RISK": "dark_orange", "CONTESTED": "magenta", "INSUFFICIENT_DATA": "yellow",
           "OK": "green", "NOT_ESTABLISHED": "cyan", "NOT_APPLICABLE": "dim"}
_LABEL_STYLE = {"missing": "bold yellow"}
_TITLE = "table.title"  # the style rich gives a table's title written as a string
_ROWS_PER_TABLE = 20  # the summary is printed in slices, so a batch of 100,000 never builds one huge table


def _plain(text: str, style: str = "") -> Text | str:
    """`text` as rich reads a string given to a panel or a table (console markup, emoji codes such as
    `:smile:`), made at once when it can hold neither (no `[`; no two colons with no space between them,
    as an emoji code is written): reading a string loads rich's table of emoji codes, about 2 ms of a run."""
    if "[" in text or any(not part or part.split() == [part] for part in text.split(":")[1:-1]):
        return text
    return Text(text, style=style)


def console_for(out: TextIO) -> Console:
    """A terminal gets its own width and colours; a pipe or a file 120 columns, so nothing is cut."""
    tty = out.isatty() if hasattr(out, "isatty") else False
    return Console(file=out, highlight=False, width=None if tty else 120)


def render(run: RunView, out: TextIO) -> None:
    console = console_for(out)
    run.inert = lambda r: safe_record(r, "terminal")  # text from the case file never drives the terminal
    styled = shows_styles(console)
    for record in run.records:
        # A panel's lines are already as wide as the console (rich pads and cuts them to its width), so the
        # console's own cropping pass over every line would change nothing: left out.
        console.print(record_panel(record, run.show_all, styled=styled), crop=False)
    tail = [Text(run.legend, style="dim")] if run.legend else []
    if run.batch:
        _print_lines(tail, console)
        tail = []
        print_summary(run.summary(), console)
    rc = run.receipt
    tail.append(Text(
        f"{rc.label}: normcheck {rc.normcheck_version} · {rc.rule_pack_label} sha256:{rc.sha256[:16]} "
        f"({rc.files(len(rc.rule_files))}) · {rc.engine_label}: {rc.engine} · {rc.python}"
        + (f" · {rc.readings_label}: {', '.join(rc.readings)}" if rc.readings else ""), style="dim"))
    if rc.added:
        tail.append(Text(printable(rc.composition()), style="dim"))  # a folder's name is the user's text
    _print_lines(tail, console)


def shows_styles(console: Console) -> bool:
    """Whether what `console` writes carries styles at all: with no colour system (a pipe, a file, a dumb
    terminal) rich writes a styled segment as its bare text (`Style.render`), colours, bold and links alike."""
    return console.color_system is not None


def _print_lines(lines: list[Text], console: Console) -> None:
    """Lines printed in one call (each `Console.print` has its own set-up and write), as one text."""
    if lines:
        console.print(*_joined(lines, styled=shows_styles(console)))


def _joined(items: Iterable[RenderableType], styled: bool = True) -> list[RenderableType]:
    """`items` with each run of consecutive lines (`Text`) joined into one text, a line break between them.
    rich wraps a text line by line, so the joined text prints the same bytes as its lines one by one (each
    line's style becomes a span of the same extent, in the same order); but every text passed through
    rich's render pipeline costs its own split, join and style pass, about a sixth of a panel's time.
    Not `styled` (a console that writes no styles): the joined texts are left without their styles, which
    would print as nothing, so rich does not carry every span through its split, wrap and style pass (about
    a tenth of a panel's time)."""
    out: list[RenderableType] = []
    run: list[Text] = []
    for item in items:
        if isinstance(item, Text):
            run.append(item)
            continue
        if run:
            out.append(_join(run, styled))
            run = []
        out.append(item)
    if run:
        out.append(_join(run, styled))
    return out


def _join(lines: list[Text], styled: bool) -> Text:
    """`lines` as one text, a line break between them; without any style unless `styled`."""
    text = Text("\n").join(lines)  # the separator's text has no style, so neither has the joined one: only spans
    if not styled:
        text.spans = []
    return text


def _section(s: Section, indent: str) -> list[RenderableType]:
    label_style = _LABEL_STYLE.get(s.key, "bold")
    if s.style == "inline":
        return [Text.assemble((f"{indent}{s.label}: ", label_style), s.text)]
    if s.style == "each":
        return [Text(f"{indent}{s.label}: {i.text}", style="dim") for i in s.items]
    if s.style == "emphasis":
        return [Text(f"{indent}{i.text}", style="italic") for i in s.items]
    if s.key == "background":
        label_style = "bold dim"
    lines: list[RenderableType] = [Text(f"{indent}{s.label}:", style=label_style)]
    for i in s.items:
        lines.append(_item(f"{indent}  - ", i, "bold" if i.strong else "dim" if s.key == "background" else ""))
        lines += [_item(f"{indent}      ", x, "dim") for x in i.sub]
    return lines


def _item(lead: str, i: Item, style: str = "") -> Text:
    """A line whose citation a terminal can open (a hyperlink to the official text where it supports them)."""
    out = Text(lead + i.prefix, style=style)
    linked = Style(link=i.url) + Style.parse(style) if i.url and style else Style(link=i.url) if i.url else style
    out.append(i.text, style=linked)
    out.append(i.mark + i.suffix, style=style)
    return out


def _quiet(v: FindingView) -> list[RenderableType]:
    """OK / not established / not applicable: why not, on one line, then what decided it."""
    parts: list[RenderableType] = [Text.assemble((f"● {v.rule}", f"bold {COLOURS[v.group]}"), "  ", (v.title, "bold"),
                                         (f" — {v.reason}", "dim"))]
    for s in v.sections:
        if s.key == "decided_by":
            parts.append(Text("     " + "; ".join(i.text for i in s.items), style="dim"))
        else:
            parts += _section(s, "     ")
    return parts


def _finding(v: FindingView, show_all: bool) -> list[RenderableType]:
    if v.quiet:
        return _quiet(v)
    colour = COLOURS[v.group]
    sev = f" [{v.severity_label}]" if v.severity_label else ""
    head = Text.assemble((f"● {v.rule}", f"bold {colour}"), (sev, colour), "  ", (v.title, "bold"))
    missing = v.section("missing")
    if v.level == "INSUFFICIENT_DATA" and not show_all and missing is not None:
        follow = v.section("follow_up")  # compact: what to collect (and ask the authority for); --all shows the rest;
        readings = [x for s in v.sections if s.key in ("reading_applied", "readings") for x in _section(s, "   ")]
        return [head, *_section(missing, "   "), *(_section(follow, "   ") if follow else ()),
                *readings]  # for a contested grade, its readings
    parts: list[RenderableType] = [head, Text("   " + v.message)]
    for s in v.sections:
        parts += _section(s, "   ")
    return parts


def record_panel(r: RecordView, show_all: bool = False, *, styled: bool = True) -> Panel:
    """One record's panel; its lines without their styles unless `styled` (see `_joined`)."""
    head = [f"{r.heading} · {r.meta[0].value}"] + [f"{m.label} {m.value}" for m in r.meta[1:]]
    items: list[RenderableType] = [Text(" · ".join(head), style="bold")]  # inside the panel: a long title would be cut
    for p in r.problems:
        items.append(Text(p.text, style="bold red" if p.severity == "error" else "yellow"))
    for g in r.groups:
        items.append(Text(f"\n{g.label} ({len(g.findings)})", style=f"bold {COLOURS[g.key]} underline"))
        for v in g.findings:
            items += _finding(v, show_all)
    if r.others or r.unconcerned:
        parts: list[str] = []
        by_group: dict[str, list[FindingView]] = {}
        for v in r.others:
            by_group.setdefault(v.group, []).append(v)
        parts += [f"{views[0].label}: " + ", ".join(v.rule for v in views)
                  for g in GROUPS if (views := by_group.get(g))]
        if r.unconcerned:
            parts.append(r.unconcerned_label + ": " + ", ".join(f"{fam} ({n})" for fam, n in r.unconcerned))
        items.append(Text(f"\n{r.others_label}: " + "; ".join(parts), style="dim"))
        for v in r.noted:
            items += _quiet(v)
    if r.collect:
        from rich.table import Table

        table = Table(title=_plain(r.collect_label, _TITLE), title_justify="left", show_edge=False, expand=False)
        table.add_column(_plain(r.collect_columns[0]), justify="right")
        for col in r.collect_columns[1:]:
            table.add_column(_plain(col), overflow="fold")
        for i, c in enumerate(r.collect, 1):
            table.add_row(_plain(str(i)), _plain(c.question + (f" ({c.mark})" if c.mark else "") + (f" — {c.assess}" if c.assess else "")),
                          _plain(c.ask), _plain(c.reach))
        items.append(Text(""))
        items.append(table)
    if r.open_norms:
        items.append(Text(f"\n{r.assess_label} ({len(r.open_norms)})", style="bold cyan underline"))
        for n in r.open_norms:
            items += _open_norm(n)
    if r.flips is not None:
        items += _flips(r)
    return Panel(Group(*_joined(items, styled)), title=_plain(escape(r.id)), title_align="left",
                 border_style="red" if r.failed else "blue")


def _open_norm(n: OpenNormView) -> list[RenderableType]:
    parts: list[RenderableType] = [Text.assemble("● ", (n.head, "bold")), Text("   " + n.test),
                                   Text("   " + n.findings, style="dim"), Text(f"   {n.checklist_label}:", style="bold")]
    parts += [Text(f"     {c.mark} {c.text}", style="italic" if c.unverified else "") for c in n.checklist]
    if n.assessment:
        parts.append(Text("   " + n.assessment))
    parts.append(Text("   " + n.coverage, style="green" if n.complete else "yellow"))
    return parts


def _flips(r: RecordView) -> list[RenderableType]:
    if not r.flips:
        return [Text("  " + r.no_flips, style="dim")]
    from rich.table import Table

    table = Table(title=_plain(r.flips_label, _TITLE), title_justify="left", show_edge=False, expand=False)
    for col in r.flips_columns:
        table.add_column(_plain(col), overflow="fold")
    for f in r.flips:
        table.add_row(_plain(f.rule), _plain(f.as_written), *map(_plain, f.cells))
    return [Text(""), table]


def print_summary(s: SummaryView, console: Console) -> None:
    """One row per record (highest level, count per level), then the facts to collect across the batch. The
    file and the error count are left out here (each panel above shows them; the other formats have them),
    so the row fits a terminal."""
    from rich.table import Table

    width = max([len(s.columns[0])] + [len(row.name) for row in s.rows])  # a first pass: the slices line up
    high = max([len(s.columns[2])] + [len(row.highest) for row in s.rows])
    rows = iter(s.rows)
    first = True
    while True:
        chunk: list[SummaryRowView] = list(islice(rows, _ROWS_PER_TABLE))
        if not chunk and not first:
            break
        table = Table(title=_plain(f"{s.label} ({s.records})", _TITLE) if first else None, title_justify="left", box=None,
                      show_header=first, header_style="bold", expand=False, pad_edge=False)
        table.add_column(_plain(s.columns[0]), min_width=min(width, 32), max_width=32, overflow="fold")
        table.add_column(_plain(s.columns[2]), min_width=min(high, 20), max_width=20, overflow="fold")
        for col in s.columns[3:-1]:
            fit = max(len(word) for word in col.split())  # a long header wraps between its words
            table.add_column(_plain(col), justify="right", min_width=fit, max_width=fit)
        for row in chunk:
            style = COLOURS[row.highest_level] if row.highest_level else "red"
            table.add_row(_plain(printable(row.name)), Text(row.highest, style=style), *(_plain(str(n)) for n in row.counts))
        console.print(*((Text(""), table) if first else (table,)))  # the first after a blank line
        first = False
        if len(chunk) < _ROWS_PER_TABLE:
            break
    if s.facts:
        _facts_table(s, console)


def _facts_table(s: SummaryView, console: Console) -> None:
    from rich.table import Table

    table = Table(title=_plain(s.facts_label, _TITLE), title_justify="left", show_edge=False, expand=False)
    table.add_column(_plain(s.facts_columns[0]), justify="right")
    table.add_column(_plain(s.facts_columns[1]), overflow="fold")
    table.add_column(_plain(s.facts_columns[2]), justify="right")
    for i, f in enumerate(s.facts, 1):
        table.add_row(_plain(str(i)), _plain(printable(f.question or f.fact)), _plain(str(f.records)))
    console.print(Text(""), table)

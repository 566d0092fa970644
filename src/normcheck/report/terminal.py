"""The terminal report (rich): findings grouped by level and coloured, with pinpoints, the facts
that decided them, the counter-argument of contested readings, the facts to collect, a receipt."""

from __future__ import annotations

from typing import Callable, Iterable

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..citations import LEGEND, MARK
from ..findings import REASONS, BackgroundRef, DecidingFact, FactToCollect, Finding, RecordResult, Run, SourceRef
from .escape import safe_record
from .labels import COLOURS, EXCEPTION_STATUS, ORDER, SEVERITY, engine_words, family_name, t

SHOWN = ("BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA")


def _value(v: object) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    if v is None:
        return "none"
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)


Link = Callable[[str, "str | None"], str]


def _plain(text: str, url: str | None = None) -> str:
    return text


def source_line(s: SourceRef, lang: str, link: Link = _plain, esc: Callable[[str], str] = _plain) -> str:
    """The citation as a court writes it (through `link`, which a format may use to link it to the
    official text), the footnote mark, and what it is cited for (`esc` escapes plain text)."""
    text = link(s.citation, s.url) + (MARK if s.footnote else "")
    if s.about:
        text += esc(f" — {s.about}")
    if s.note:
        text += esc(f" ({s.note})")
    return text


def background_line(b: BackgroundRef, lang: str, link: Link = _plain, esc: Callable[[str], str] = _plain) -> str:
    text = link(b.title, b.url)
    if b.relates_to:
        text = esc(f"{b.relates_to}: ") + text
    return text + (esc(f" — {b.about}") if b.about else "")


_LINK_START, _LINK_END = "\x00", "\x01"


def _mark_link(text: str, url: str | None) -> str:
    return f"{_LINK_START}{text}{_LINK_END}" if url else text


def _linked(prefix: str, line: str, url: str | None, style: str = "") -> Text:
    """A line whose linked part (between the marks) a terminal can open."""
    out = Text(prefix, style=style)
    before, _, rest = line.partition(_LINK_START)
    linked, _, after = rest.partition(_LINK_END)
    out.append(before, style=style)
    out.append(linked, style=Style(link=url) + Style.parse(style) if url and style else Style(link=url) if url else style)
    out.append(after, style=style)
    return out


def marks_used(findings: Iterable[Finding]) -> bool:
    """Does any shown source carry the footnote mark (then the report prints the legend once)?"""
    return any(s.footnote for f in findings if f.level in SHOWN for s in f.sources)


def fact_line(d: DecidingFact, lang: str) -> str:
    """A deciding fact in words: its name, its value, and what a derived fact is computed from."""
    return d.text or f"{d.name} = {_value(d.value)}"


def missing_line(f: Finding) -> str:
    return ", ".join(f.missing_labels or f.missing_facts)


def as_of_line(r: RecordResult, lang: str) -> str:
    basis = r.as_of_basis or r.as_of_source
    return f"{r.as_of} ({t(lang, 'from')} {basis})" if basis else str(r.as_of)


def collect_line(c: FactToCollect, lang: str) -> str:
    """The rules a fact could change, and the highest level it could lead to."""
    return f"{', '.join(c.could_change)} ({t(lang, 'level_reach')}: {t(lang, c.level).lower()}, {SEVERITY[lang][c.severity]})"


def reason_text(f: Finding, lang: str) -> str:
    return REASONS.get(lang, REASONS["en"]).get(f.reason, f.reason)


def _quiet_finding(f: Finding, lang: str) -> Group:
    """OK / NOT_APPLICABLE: why not (the rule's message would read as if it had fired)."""
    colour = COLOURS[f.level]
    parts: list[object] = [Text.assemble((f"● {f.rule}", f"bold {colour}"), "  ", (f.title, "bold"),
                                         (f" — {reason_text(f, lang)}", "dim"))]
    if f.decided_by:
        parts.append(Text("     " + "; ".join(fact_line(d, lang) for d in f.decided_by), style="dim"))
    for e in f.exceptions:
        if e.status == "holds":
            unless = EXCEPTION_STATUS.get(lang, EXCEPTION_STATUS["en"])["unless"]
            parts.append(Text(f"     {t(lang, 'exception')}: {unless} {e.description or e.condition}", style="dim"))
    if f.note:
        parts.append(Text.assemble((f"     {t(lang, 'note')}: ", "bold"), f.note))
    return Group(*parts)


def _finding(f: Finding, lang: str) -> Group:
    colour = COLOURS[f.level]
    if f.level in ("OK", "NOT_APPLICABLE"):
        return _quiet_finding(f, lang)
    sev = f" [{SEVERITY[lang][f.severity]}]" if f.severity else ""
    head = Text.assemble((f"● {f.rule}", f"bold {colour}"), (sev, colour), "  ", (f.title, "bold"))
    if f.level == "INSUFFICIENT_DATA":  # compact: what to collect; the full text is in --all, JSON, Markdown
        return Group(head, Text.assemble((f"   {t(lang, 'missing')}: ", "bold yellow"), missing_line(f)))
    parts: list[object] = [head, Text("   " + f.message)]
    for line in (f.law_applied, f.later_case_law):
        if line:
            parts.append(Text("   " + line, style="italic"))
    parts.append(Text(f"   {t(lang, 'sources')}:", style="bold"))
    for s in f.sources:
        parts.append(_linked("     - ", source_line(s, lang, _mark_link), s.url))
    if f.background:
        parts.append(Text(f"   {t(lang, 'background')}:", style="bold dim"))
        for b in f.background:
            parts.append(_linked("     - ", background_line(b, lang, _mark_link), b.url, "dim"))
    if f.level in ("BREACH", "RISK", "CONTESTED") and f.decided_by:
        parts.append(Text(f"   {t(lang, 'decided_by')}:", style="bold"))
        for d in f.decided_by:
            parts.append(Text("     - " + fact_line(d, lang)))
    if f.counter_argument and f.level == "CONTESTED":
        parts.append(Text.assemble((f"   {t(lang, 'counter')}: ", "bold"), f.counter_argument))
    if f.note:
        parts.append(Text.assemble((f"   {t(lang, 'note')}: ", "bold"), f.note))
    for e in f.exceptions:
        words = EXCEPTION_STATUS.get(lang, EXCEPTION_STATUS["en"])
        parts.append(Text(f"   {t(lang, 'exception')}: {words['unless']} {e.description or e.condition} — {words[e.status]}",
                          style="dim"))
    if f.missing_facts:
        parts.append(Text.assemble((f"   {t(lang, 'missing')}: ", "bold yellow"), missing_line(f)))
    return Group(*parts)


def record_panel(r: RecordResult, lang: str, show_all: bool) -> Panel:
    r = safe_record(r, "terminal")  # text from the case file never drives the terminal
    items: list[object] = []
    if r.problems:
        for p in r.problems:
            style = "bold red" if p.severity == "error" else "yellow"
            items.append(Text(p.render(), style=style))
    by_level: dict[str, list[Finding]] = {}
    for f in r.findings:
        by_level.setdefault(f.level, []).append(f)
    for level in ORDER:
        group = by_level.get(level, [])
        if not group:
            continue
        if level in SHOWN or show_all:
            items.append(Text(f"\n{t(lang, level)} ({len(group)})", style=f"bold {COLOURS[level]} underline"))
            for f in sorted(group, key=lambda f: (-_sev(f), f.rule)):
                items.append(_finding(f, lang))
    rest = [lv for lv in ("OK", "NOT_APPLICABLE") if by_level.get(lv) and not show_all]
    if rest:
        parts = []
        for lv in rest:
            shown = [f.rule for f in by_level[lv] if not unconcerned(f)]
            if shown:
                parts.append(f"{t(lang, lv)}: " + ", ".join(shown))
        families = unconcerned_families(r)
        if families:
            parts.append(t(lang, "not_concerned") + ": " + ", ".join(f"{family_name(lang, fam)} ({n})" for fam, n in families))
        items.append(Text(f"\n{t(lang, 'other_rules')}: " + "; ".join(parts), style="dim"))
        for f in by_level.get("OK", []):  # an OK that carries a note (e.g. CH-01) is worth reading
            if f.note:
                items.append(_quiet_finding(f, lang))
    if r.facts_to_collect:
        table = Table(title=t(lang, "facts_to_collect"), title_justify="left", show_edge=False, expand=False)
        table.add_column("#", justify="right")
        table.add_column(t(lang, "question"), overflow="fold")
        table.add_column(t(lang, "ask"), overflow="fold")
        table.add_column(t(lang, "could_change"), overflow="fold")
        for i, c in enumerate(r.facts_to_collect, 1):
            table.add_row(str(i), c.question or c.fact, c.ask_label or "", collect_line(c, lang))
        items.append(Text(""))
        items.append(table)
    head = [f"{t(lang, 'record')} {r.id or '?'} · {r.file}"]
    if r.as_of:
        head.append(f"{t(lang, 'as_of')} {as_of_line(r, lang)}")
    if r.policy:
        head.append(f"{t(lang, 'policy')} {r.policy}")
    items.insert(0, Text(" · ".join(head), style="bold"))  # inside the panel: a long title would be cut
    return Panel(Group(*items), title=escape(r.id or "?"), title_align="left",
                 border_style="red" if r.failed else "blue")


def unconcerned(f: Finding) -> bool:
    return f.level == "NOT_APPLICABLE" and f.reason == "no_facts"


def unconcerned_families(r: RecordResult) -> list[tuple[str, int]]:
    """Norm families the record says nothing about, with their number of rules (listed as one line)."""
    out: dict[str, int] = {}
    for f in r.findings:
        if unconcerned(f):
            out[f.family] = out.get(f.family, 0) + 1
    return list(out.items())


def _sev(f: Finding) -> int:
    return {"high": 3, "medium": 2, "low": 1}.get(f.severity or "", 0)


def print_run(run: Run, console: Console, lang: str, show_all: bool = False,
              records: Iterable[RecordResult] | None = None) -> None:
    shown = list(records if records is not None else run.records)
    for r in shown:
        console.print(record_panel(r, lang, show_all))
    if marks_used(f for r in shown for f in r.findings):
        console.print(Text(LEGEND.get(lang, LEGEND["en"]), style="dim"))
    rc = run.receipt
    console.print(Text(
        f"{t(lang, 'receipt')}: normcheck {rc.normcheck_version} · {t(lang, 'rule_pack')} sha256:{rc.rule_pack_sha256[:16]} "
        f"({len(rc.rule_files)} {t(lang, 'files')}) · {t(lang, 'engine')}: {engine_words(rc.engine, lang)} · {rc.python}", style="dim"))

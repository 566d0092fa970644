"""The terminal report (rich): findings grouped by level and coloured, with pinpoints, the facts
that decided them, the counter-argument of contested readings, the facts to collect, a receipt."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..findings import REASONS, DecidingFact, Finding, RecordResult, Run, SourceRef
from .escape import safe_record
from .labels import COLOURS, EXCEPTION_STATUS, ORDER, SEVERITY, t

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


def source_line(s: SourceRef, lang: str) -> str:
    ident = s.ecli or s.celex or s.hudoc or s.url or ""
    mark = t(lang, "verified") if s.verified else t(lang, "unverified")
    if s.source_status == "unverified":
        mark += "; " + t(lang, "source_unverified")
    ident_part = f" ({ident})" if ident and ident not in s.title else ""
    return f"{s.title}{ident_part}, {s.pinpoint} [{mark}]"


def fact_line(d: DecidingFact, lang: str) -> str:
    text = f"{d.name} = {_value(d.value)}"
    if d.stated_at:
        text += f" ({d.stated_at})"
    if d.derived and d.definition:
        inputs = ", ".join(f"{i.name} = {_value(i.value)}" for i in d.inputs)
        text += f" — {t(lang, 'defined_as')} {d.definition}" + (f" [{inputs}]" if inputs else "")
    return text


def reason_text(f: Finding, lang: str) -> str:
    return REASONS.get(lang, REASONS["en"]).get(f.reason, f.reason)


def _quiet_finding(f: Finding, lang: str) -> Group:
    """OK / NOT_APPLICABLE: why not (the rule's message would read as if it had fired)."""
    colour = COLOURS[f.level]
    parts: list[RenderableType] = [Text.assemble((f"● {f.rule}", f"bold {colour}"), "  ", (f.title, "bold"),
                                         (f" — {reason_text(f, lang)}", "dim"))]
    if f.decided_by:
        parts.append(Text("     " + "; ".join(fact_line(d, lang) for d in f.decided_by), style="dim"))
    for e in f.exceptions:
        if e.status == "holds":
            unless = EXCEPTION_STATUS.get(lang, EXCEPTION_STATUS["en"])["unless"]
            parts.append(Text(f"     {t(lang, 'exception')}: {unless} {e.condition}", style="dim"))
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
        return Group(head, Text.assemble((f"   {t(lang, 'missing')}: ", "bold yellow"), ", ".join(f.missing_facts)))
    parts: list[RenderableType] = [head, Text("   " + f.message)]
    for line in (f.law_applied, f.later_case_law):
        if line:
            parts.append(Text("   " + line, style="italic"))
    parts.append(Text(f"   {t(lang, 'sources')}:", style="bold"))
    for s in f.sources:
        style = "" if s.verified else "italic"
        parts.append(Text("     - " + source_line(s, lang), style=style))
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
        parts.append(Text(f"   {t(lang, 'exception')}: {words['unless']} {e.condition} — {words[e.status]}", style="dim"))
    if f.missing_facts:
        parts.append(Text.assemble((f"   {t(lang, 'missing')}: ", "bold yellow"), ", ".join(f.missing_facts)))
    return Group(*parts)


def record_panel(r: RecordResult, lang: str, show_all: bool) -> Panel:
    r = safe_record(r, "terminal")  # text from the case file never drives the terminal
    items: list[RenderableType] = []
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
            parts.append(t(lang, "not_concerned") + ": " + ", ".join(f"{fam} ({n})" for fam, n in families))
        items.append(Text(f"\n{t(lang, 'other_rules')}: " + "; ".join(parts), style="dim"))
        for f in by_level.get("OK", []):  # an OK that carries a note (e.g. CH-01) is worth reading
            if f.note:
                items.append(_quiet_finding(f, lang))
    if r.facts_to_collect:
        table = Table(title=t(lang, "facts_to_collect"), title_justify="left", show_edge=False, expand=False)
        table.add_column("#", justify="right")
        table.add_column(t(lang, "fact"), overflow="fold")
        table.add_column(t(lang, "could_change"), overflow="fold")
        for i, c in enumerate(r.facts_to_collect, 1):
            table.add_row(str(i), c.fact, ", ".join(c.could_change))
        items.append(Text(""))
        items.append(table)
    head = [f"{t(lang, 'record')} {r.id or '?'} · {r.file}"]
    if r.as_of:
        head.append(f"{t(lang, 'as_of')} {r.as_of} ({t(lang, 'from')} {r.as_of_source})")
    if r.policy:
        head.append(f"{t(lang, 'policy')} {r.policy}")
    items.insert(0, Text(" · ".join(head), style="bold"))  # inside the panel: a long title would be cut
    return Panel(Group(*items), title=escape(r.id or "?"), title_align="left",
                 border_style="red" if r.failed else "blue")


def unconcerned(f: Finding) -> bool:
    return f.level == "NOT_APPLICABLE" and f.reason in ("no_facts", "record_type")


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
    for r in records if records is not None else run.records:
        console.print(record_panel(r, lang, show_all))
    rc = run.receipt
    console.print(Text(
        f"{t(lang, 'receipt')}: normcheck {rc.normcheck_version} · {t(lang, 'rule_pack')} sha256:{rc.rule_pack_sha256[:16]} "
        f"({len(rc.rule_files)} {t(lang, 'files')}) · {t(lang, 'engine')}: {rc.engine} · {rc.python}", style="dim"))

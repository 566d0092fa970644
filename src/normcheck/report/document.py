"""Printable reports: Markdown (to paste into an appeal or a memo) and a standalone HTML page."""

from __future__ import annotations

import html

from ..findings import Finding, RecordResult, Run
from .escape import safe_record
from .labels import ORDER, SEVERITY, t
from ..citations import LEGEND
from .labels import engine_words, family_name
from .terminal import (SHOWN, as_of_line, background_line, collect_line, fact_line, marks_used, missing_line, reason_text,
                       source_line, unconcerned, unconcerned_families)


def _md_link(text: str, url: str | None) -> str:
    """A link to the official text (the text is already inert: `safe_record`)."""
    return f"[{text}](<{url}>)" if url else text


def _md_finding(f: Finding, lang: str) -> list[str]:
    if f.level in ("OK", "NOT_APPLICABLE"):
        out = [f"#### {f.rule} — {f.title}", "", f"*{reason_text(f, lang)}*", ""]
        if f.decided_by:
            out += [f"- {fact_line(d, lang)}" for d in f.decided_by] + [""]
        if f.note:
            out += [f"**{t(lang, 'note')}:** {f.note}", ""]
        return out
    sev = f" ({t(lang, 'severity')}: {SEVERITY[lang][f.severity]})" if f.severity else ""
    out = [f"#### {f.rule} — {f.title}{sev}", "", f.message, ""]
    out += [f"*{line}*\n" for line in (f.law_applied, f.later_case_law) if line]
    out += [f"**{t(lang, 'sources')}**", ""]
    out += [f"- {source_line(s, lang, _md_link)}" for s in f.sources]
    if f.background:
        out += ["", f"*{t(lang, 'background')}*", ""]
        out += [f"- {background_line(b, lang, _md_link)}" for b in f.background]
    if f.level in ("BREACH", "RISK", "CONTESTED") and f.decided_by:
        out += ["", f"**{t(lang, 'decided_by')}**", ""]
        out += [f"- {fact_line(d, lang)}" for d in f.decided_by]
    if f.counter_argument:
        out += ["", f"**{t(lang, 'counter')}:** {f.counter_argument}"]
    if f.note:
        out += ["", f"**{t(lang, 'note')}:** {f.note}"]
    if f.missing_facts:
        out += ["", f"**{t(lang, 'missing')}:** " + missing_line(f)]
    return out + [""]


def markdown(run: Run, lang: str, show_all: bool = False) -> str:
    out = [f"# {t(lang, 'title')}", ""]
    for r in run.records:
        out += _md_record(r, lang, show_all)
    if marks_used(f for r in run.records for f in r.findings):
        out += [LEGEND.get(lang, LEGEND["en"]).replace("*", "\\*", 1), ""]
    rc = run.receipt
    out += [f"## {t(lang, 'receipt')}", "",
            f"- normcheck {rc.normcheck_version}, JSON schema {rc.schema_version}",
            f"- {t(lang, 'rule_pack')}: sha256 `{rc.rule_pack_sha256}` ({', '.join(rc.rule_files)})",
            f"- {t(lang, 'engine')}: {engine_words(rc.engine, lang)}", f"- {rc.python}", ""]
    return "\n".join(out)


def _md_record(r: RecordResult, lang: str, show_all: bool) -> list[str]:
    r = safe_record(r, "markdown")  # text from the case file is never markup
    out = [f"## {t(lang, 'record')} {r.id or '?'}", "", f"- {t(lang, 'file')}: `{r.file}`"]
    if r.as_of:
        out.append(f"- {t(lang, 'as_of')}: {as_of_line(r, lang)}")
    if r.policy:
        out.append(f"- {t(lang, 'policy')}: {r.policy}")
    out.append("")
    if r.problems:
        out += [f"### {t(lang, 'problems')}", ""]
        for p in r.problems:
            where = f"{p.file}:{p.line}:{p.column}" if p.line else p.file
            out.append(f"- **{p.severity}** `{where}`: {p.message}" + (f" — expected: {p.expected}" if p.expected else ""))
        out.append("")
    for level in ORDER:
        group = [f for f in r.findings if f.level == level]
        if not group or (level not in SHOWN and not show_all):
            continue
        out += [f"### {t(lang, level)} ({len(group)})", ""]
        for f in group:
            out += _md_finding(f, lang)
    rest = [f for f in r.findings if f.level in ("OK", "NOT_APPLICABLE") and not unconcerned(f)]
    families = unconcerned_families(r)
    if (rest or families) and not show_all:
        out += [f"### {t(lang, 'other_rules')}", "", "| " + t(lang, "rule") + " | " + t(lang, "level") + " |", "|---|---|"]
        out += [f"| {f.rule} | {t(lang, f.level)}: {reason_text(f, lang)} |" for f in rest]
        out += [f"| {family_name(lang, fam)} ({n}) | {t(lang, 'not_concerned')} |" for fam, n in families]
        out.append("")
        for f in rest:
            if f.level == "OK" and f.note:
                out += _md_finding(f, lang)
    if r.facts_to_collect:
        out += [f"### {t(lang, 'facts_to_collect')}", "",
                f"| # | {t(lang, 'question')} | {t(lang, 'ask')} | {t(lang, 'could_change')} |", "|---|---|---|---|"]
        out += [f"| {i} | {c.question or c.fact} | {c.ask_label or ''} | {collect_line(c, lang)} |"
                for i, c in enumerate(r.facts_to_collect, 1)]
        out.append("")
    return out


_CSS = """
body{font-family:Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}
h1,h2,h3,h4{font-family:Helvetica,Arial,sans-serif}
.f{border-left:4px solid #999;padding:.2rem .8rem;margin:1rem 0;page-break-inside:avoid}
.BREACH{border-color:#c00}.RISK{border-color:#e67e00}.CONTESTED{border-color:#8e44ad}
.INSUFFICIENT_DATA{border-color:#c9a800}.OK{border-color:#2e7d32}.NOT_APPLICABLE{border-color:#bbb}
.background{color:#555;font-size:.9em} .legend{color:#555;font-size:.85em} code{font-size:.9em} table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left} .receipt{color:#555;font-size:.85em}
@media print{body{margin:0;max-width:none}}
"""


def _html_link(text: str, url: str | None) -> str:
    e = html.escape
    return f"<a href=\"{e(url)}\">{e(text)}</a>" if url else e(text)


def html_page(run: Run, lang: str, show_all: bool = False) -> str:
    e = html.escape
    out = [f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{e(t(lang, 'title'))}</title>",
           f"<style>{_CSS}</style></head><body>", f"<h1>{e(t(lang, 'title'))}</h1>"]
    for r in run.records:
        out.append(f"<h2>{e(t(lang, 'record'))} {e(r.id or '?')}</h2><ul><li>{e(t(lang, 'file'))}: <code>{e(r.file)}</code></li>")
        if r.as_of:
            out.append(f"<li>{e(t(lang, 'as_of'))}: {e(as_of_line(r, lang))}</li>")
        if r.policy:
            out.append(f"<li>{e(t(lang, 'policy'))}: {e(r.policy)}</li>")
        out.append("</ul>")
        for p in r.problems:
            where = f"{p.file}:{p.line}:{p.column}" if p.line else p.file
            out.append(f"<p><strong>{e(p.severity)}</strong> <code>{e(where)}</code>: {e(p.message)}</p>")
        for level in ORDER:
            group = [f for f in r.findings if f.level == level]
            if not group or (level not in SHOWN and not show_all):
                continue
            out.append(f"<h3>{e(t(lang, level))} ({len(group)})</h3>")
            for f in group:
                sev = f" ({e(t(lang, 'severity'))}: {e(SEVERITY[lang][f.severity])})" if f.severity else ""
                out.append(f"<div class=\"f {f.level}\"><h4>{e(f.rule)} — {e(f.title)}{sev}</h4><p>{e(f.message)}</p>")
                out += [f"<p class=\"law\"><em>{e(line)}</em></p>" for line in (f.law_applied, f.later_case_law) if line]
                out.append(f"<p><strong>{e(t(lang, 'sources'))}</strong></p><ul>")
                out += [f"<li>{source_line(s, lang, _html_link, e)}</li>" for s in f.sources]
                out.append("</ul>")
                if f.background:
                    out.append(f"<p class=\"background\"><em>{e(t(lang, 'background'))}</em></p><ul class=\"background\">")
                    out += [f"<li>{background_line(b, lang, _html_link, e)}</li>" for b in f.background]
                    out.append("</ul>")
                if f.level in ("BREACH", "RISK", "CONTESTED") and f.decided_by:
                    out.append(f"<p><strong>{e(t(lang, 'decided_by'))}</strong></p><ul>")
                    out += [f"<li>{e(fact_line(d, lang))}</li>" for d in f.decided_by]
                    out.append("</ul>")
                if f.counter_argument:
                    out.append(f"<p><strong>{e(t(lang, 'counter'))}:</strong> {e(f.counter_argument)}</p>")
                if f.missing_facts:
                    out.append(f"<p><strong>{e(t(lang, 'missing'))}:</strong> {e(missing_line(f))}</p>")
                out.append("</div>")
        rest = [f for f in r.findings if f.level in ("OK", "NOT_APPLICABLE") and not unconcerned(f)]
        families = unconcerned_families(r)
        if (rest or families) and not show_all:
            listed = [f"{e(f.rule)} ({e(t(lang, f.level))})" for f in rest]
            listed += [f"{e(family_name(lang, fam))}: {n} ({e(t(lang, 'not_concerned'))})" for fam, n in families]
            out.append(f"<h3>{e(t(lang, 'other_rules'))}</h3><p>" + ", ".join(listed) + "</p>")
        if r.facts_to_collect:
            out.append(f"<h3>{e(t(lang, 'facts_to_collect'))}</h3><table><tr><th>#</th><th>{e(t(lang, 'question'))}</th>"
                       f"<th>{e(t(lang, 'ask'))}</th><th>{e(t(lang, 'could_change'))}</th></tr>")
            out += [f"<tr><td>{i}</td><td>{e(c.question or c.fact)}</td><td>{e(c.ask_label or '')}</td>"
                    f"<td>{e(collect_line(c, lang))}</td></tr>" for i, c in enumerate(r.facts_to_collect, 1)]
            out.append("</table>")
    if marks_used(f for r in run.records for f in r.findings):
        out.append(f"<p class=\"legend\">{e(LEGEND.get(lang, LEGEND['en']))}</p>")
    rc = run.receipt
    out.append(f"<p class=\"receipt\">{e(t(lang, 'receipt'))}: normcheck {e(rc.normcheck_version)} · {e(t(lang, 'rule_pack'))} "
               f"sha256 {e(rc.rule_pack_sha256)} · {e(t(lang, 'engine'))}: {e(engine_words(rc.engine, lang))} · {e(rc.python)}</p></body></html>")
    return "\n".join(out) + "\n"

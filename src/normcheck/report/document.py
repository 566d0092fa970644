"""Printable reports: Markdown (to paste into an appeal or a memo) and a standalone HTML page."""

from __future__ import annotations

import html

from ..findings import Finding, RecordResult, Run
from .labels import ORDER, SEVERITY, t
from .terminal import SHOWN, fact_line, reason_text, source_line, unconcerned, unconcerned_families


def _md_finding(f: Finding, lang: str) -> list[str]:
    if f.level in ("OK", "NOT_APPLICABLE"):
        out = [f"#### {f.rule} — {f.title}", "", f"*{reason_text(f, lang)}*", ""]
        if f.decided_by:
            out += [f"- `{fact_line(d, lang)}`" for d in f.decided_by] + [""]
        if f.note:
            out += [f"**{t(lang, 'note')}:** {f.note}", ""]
        return out
    sev = f" ({t(lang, 'severity')}: {SEVERITY[lang][f.severity]})" if f.severity else ""
    out = [f"#### {f.rule} — {f.title}{sev}", "", f.message, ""]
    out += [f"*{line}*\n" for line in (f.law_applied, f.later_case_law) if line]
    out += [f"**{t(lang, 'sources')}**", ""]
    out += [f"- {source_line(s, lang)}" for s in f.sources]
    if f.level in ("BREACH", "RISK", "CONTESTED") and f.decided_by:
        out += ["", f"**{t(lang, 'decided_by')}**", ""]
        out += [f"- `{fact_line(d, lang)}`" for d in f.decided_by]
    if f.counter_argument:
        out += ["", f"**{t(lang, 'counter')}:** {f.counter_argument}"]
    if f.note:
        out += ["", f"**{t(lang, 'note')}:** {f.note}"]
    if f.missing_facts:
        out += ["", f"**{t(lang, 'missing')}:** " + ", ".join(f"`{m}`" for m in f.missing_facts)]
    return out + [""]


def markdown(run: Run, lang: str, show_all: bool = False) -> str:
    out = [f"# {t(lang, 'title')}", ""]
    for r in run.records:
        out += _md_record(r, lang, show_all)
    rc = run.receipt
    out += [f"## {t(lang, 'receipt')}", "",
            f"- normcheck {rc.normcheck_version}, JSON schema {rc.schema_version}",
            f"- {t(lang, 'rule_pack')}: sha256 `{rc.rule_pack_sha256}` ({', '.join(rc.rule_files)})",
            f"- {t(lang, 'engine')}: {rc.engine}", f"- {rc.python}", ""]
    return "\n".join(out)


def _md_record(r: RecordResult, lang: str, show_all: bool) -> list[str]:
    out = [f"## {t(lang, 'record')} {r.id or '?'}", "", f"- {t(lang, 'file')}: `{r.file}`"]
    if r.as_of:
        out.append(f"- {t(lang, 'as_of')}: {r.as_of} ({t(lang, 'from')} {r.as_of_source})")
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
        out += [f"| {fam} ({n}) | {t(lang, 'not_concerned')} |" for fam, n in families]
        out.append("")
        for f in rest:
            if f.level == "OK" and f.note:
                out += _md_finding(f, lang)
    if r.facts_to_collect:
        out += [f"### {t(lang, 'facts_to_collect')}", "", "| # | fact | " + t(lang, "could_change") + " |", "|---|---|---|"]
        out += [f"| {i} | `{c.fact}` | {', '.join(c.could_change)} |" for i, c in enumerate(r.facts_to_collect, 1)]
        out.append("")
    return out


_CSS = """
body{font-family:Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}
h1,h2,h3,h4{font-family:Helvetica,Arial,sans-serif}
.f{border-left:4px solid #999;padding:.2rem .8rem;margin:1rem 0;page-break-inside:avoid}
.BREACH{border-color:#c00}.RISK{border-color:#e67e00}.CONTESTED{border-color:#8e44ad}
.INSUFFICIENT_DATA{border-color:#c9a800}.OK{border-color:#2e7d32}.NOT_APPLICABLE{border-color:#bbb}
.unverified{font-style:italic;color:#555} code{font-size:.9em} table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left} .receipt{color:#555;font-size:.85em}
@media print{body{margin:0;max-width:none}}
"""


def html_page(run: Run, lang: str, show_all: bool = False) -> str:
    e = html.escape
    out = [f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{e(t(lang, 'title'))}</title>",
           f"<style>{_CSS}</style></head><body>", f"<h1>{e(t(lang, 'title'))}</h1>"]
    for r in run.records:
        out.append(f"<h2>{e(t(lang, 'record'))} {e(r.id or '?')}</h2><ul><li>{e(t(lang, 'file'))}: <code>{e(r.file)}</code></li>")
        if r.as_of:
            out.append(f"<li>{e(t(lang, 'as_of'))}: {e(r.as_of)} ({e(t(lang, 'from'))} {e(r.as_of_source or '')})</li>")
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
                for s in f.sources:
                    cls = "" if s.verified else " class=\"unverified\""
                    link = f" <a href=\"{e(s.url)}\">↗</a>" if s.url else ""
                    out.append(f"<li{cls}>{e(source_line(s, lang))}{link}</li>")
                out.append("</ul>")
                if f.level in ("BREACH", "RISK", "CONTESTED") and f.decided_by:
                    out.append(f"<p><strong>{e(t(lang, 'decided_by'))}</strong></p><ul>")
                    out += [f"<li><code>{e(fact_line(d, lang))}</code></li>" for d in f.decided_by]
                    out.append("</ul>")
                if f.counter_argument:
                    out.append(f"<p><strong>{e(t(lang, 'counter'))}:</strong> {e(f.counter_argument)}</p>")
                if f.missing_facts:
                    out.append(f"<p><strong>{e(t(lang, 'missing'))}:</strong> {e(', '.join(f.missing_facts))}</p>")
                out.append("</div>")
        rest = [f for f in r.findings if f.level in ("OK", "NOT_APPLICABLE") and not unconcerned(f)]
        families = unconcerned_families(r)
        if (rest or families) and not show_all:
            listed = [f"{e(f.rule)} ({e(t(lang, f.level))})" for f in rest]
            listed += [f"{e(fam)}: {n} ({e(t(lang, 'not_concerned'))})" for fam, n in families]
            out.append(f"<h3>{e(t(lang, 'other_rules'))}</h3><p>" + ", ".join(listed) + "</p>")
        if r.facts_to_collect:
            out.append(f"<h3>{e(t(lang, 'facts_to_collect'))}</h3><table><tr><th>#</th><th>fact</th><th>{e(t(lang, 'could_change'))}</th></tr>")
            out += [f"<tr><td>{i}</td><td><code>{e(c.fact)}</code></td><td>{e(', '.join(c.could_change))}</td></tr>"
                    for i, c in enumerate(r.facts_to_collect, 1)]
            out.append("</table>")
    rc = run.receipt
    out.append(f"<p class=\"receipt\">{e(t(lang, 'receipt'))}: normcheck {e(rc.normcheck_version)} · {e(t(lang, 'rule_pack'))} "
               f"sha256 {e(rc.rule_pack_sha256)} · {e(t(lang, 'engine'))}: {e(rc.engine)} · {e(rc.python)}</p></body></html>")
    return "\n".join(out) + "\n"

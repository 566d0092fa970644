"""`--format html`: a standalone page that prints well. Lays out `report.view`."""

from __future__ import annotations

import html
from typing import TextIO

from ..view import FindingView, Item, OpenNormView, RecordView, RunView, Section, SummaryView

_CSS = """
body{font-family:Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}
h1,h2,h3,h4{font-family:Helvetica,Arial,sans-serif}
.f{border-left:4px solid #999;padding:.2rem .8rem;margin:1rem 0;page-break-inside:avoid}
.BREACH{border-color:#c00}.RISK{border-color:#e67e00}.CONTESTED{border-color:#8e44ad}
.INSUFFICIENT_DATA{border-color:#c9a800}.OK{border-color:#2e7d32}.NOT_APPLICABLE{border-color:#bbb}
.NOT_ESTABLISHED{border-color:#0097a7}.norm{border-color:#0277bd}
.unverified{font-style:italic;color:#555}
.background{color:#555;font-size:.9em} .legend{color:#555;font-size:.85em} code{font-size:.9em}
table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left} .receipt{color:#555;font-size:.85em}
@media print{body{margin:0;max-width:none}}
"""

e = html.escape


def _item(i: Item) -> str:
    """An item as HTML: a citation links to the official text; a reading's head is strong, with its sources
    and argument as a sub-list."""
    if i.code:
        return f"<code>{e(i.text)}</code>"
    text = (f"<a href=\"{e(i.url)}\">{e(i.text)}</a>" if i.url else f"<strong>{e(i.text)}</strong>" if i.strong
            else e(i.text))
    out = f"{e(i.prefix)}{text}{e(i.mark)}{e(i.suffix)}"
    if i.sub:
        out += "<ul>" + "".join(f"<li>{_item(s)}</li>" for s in i.sub) + "</ul>"
    return out


def _section(s: Section) -> list[str]:
    if s.style == "inline":
        return [f"<p><strong>{e(s.label)}:</strong> " + ", ".join(_item(i) for i in s.items) + "</p>"]
    if s.style == "each":
        return [f"<p><strong>{e(s.label)}:</strong> {_item(i)}</p>" for i in s.items]
    if s.style == "emphasis":
        return [f"<p class=\"law\"><em>{e(i.text)}</em></p>" for i in s.items]
    if s.key == "background":
        out = [f"<p class=\"background\"><em>{e(s.label)}</em></p><ul class=\"background\">"]
    else:
        out = [f"<p><strong>{e(s.label)}</strong></p><ul>"]
    out += [f"<li>{_item(i)}</li>" for i in s.items]
    return out + ["</ul>"]


def finding(v: FindingView) -> list[str]:
    sev = f" ({e(v.severity_name)}: {e(v.severity_label)})" if v.severity_label else ""
    out = [f"<div class=\"f {v.group}\"><h4>{e(v.rule)} — {e(v.title)}{sev}</h4><p>{e(v.message)}</p>"]
    for s in v.sections:
        out += _section(s)
    return out + ["</div>"]


def record(r: RecordView) -> list[str]:
    file = r.meta[0]
    out = [f"<h2>{e(r.heading)}</h2><ul><li>{e(file.label)}: <code>{e(file.value)}</code></li>"]
    out += [f"<li>{e(m.label)}: {e(m.value)}</li>" for m in r.meta[1:]]
    out.append("</ul>")
    for p in r.problems:
        out.append(f"<p><strong>{e(p.severity)} {e(p.code)}</strong> <code>{e(p.where)}</code>: {e(p.message)}</p>")
    for g in r.groups:
        out.append(f"<h3>{e(g.label)} ({len(g.findings)})</h3>")
        for v in g.findings:
            out += finding(v)
    if r.others or r.unconcerned:
        listed = [f"{e(v.rule)} ({e(v.label)})" for v in r.others]
        listed += [f"{e(fam)}: {n} ({e(r.unconcerned_label)})" for fam, n in r.unconcerned]
        out.append(f"<h3>{e(r.others_label)}</h3><p>" + ", ".join(listed) + "</p>")
        for v in r.noted:
            out += finding(v)
    if r.collect:
        head = "".join(f"<th>{e(c)}</th>" for c in r.collect_columns)
        out.append(f"<h3>{e(r.collect_label)}</h3><table><tr>{head}</tr>")
        out += [f"<tr><td>{i}</td><td>{e(c.question)}" + (f" <em>({e(c.mark)})</em>" if c.mark else "")
                + (f" — {e(c.assess)}" if c.assess else "")
                + f"</td><td>{e(c.ask)}</td><td>{e(c.reach)}</td></tr>"
                for i, c in enumerate(r.collect, 1)]
        out.append("</table>")
    if r.open_norms:
        out.append(f"<h3>{e(r.assess_label)} ({len(r.open_norms)})</h3>")
        for n in r.open_norms:
            out += open_norm(n)
    if r.flips is not None:
        out += flips(r)
    return out


def open_norm(n: OpenNormView) -> list[str]:
    out = [f"<div class=\"f norm\"><h4>{e(n.head)}</h4><p>{e(n.test)}</p><p><em>{e(n.findings)}</em></p>"
           f"<p><strong>{e(n.checklist_label)}</strong></p><ul>"]
    out += [("<li class=\"unverified\">" if c.unverified else "<li>") + f"{e(c.mark)} {e(c.text)}</li>" for c in n.checklist]
    out.append("</ul>")
    if n.assessment:
        out.append(f"<p>{e(n.assessment)}</p>")
    return out + [f"<p><strong>{e(n.coverage)}</strong></p></div>"]


def flips(r: RecordView) -> list[str]:
    if not r.flips:
        return [f"<p>{e(r.no_flips)}</p>"]
    head = "".join(f"<th>{e(c)}</th>" for c in r.flips_columns)
    out = [f"<h3>{e(r.flips_label)}</h3><table><tr>{head}</tr>"]
    out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in (f.rule, f.as_written) + f.cells) + "</tr>" for f in r.flips]
    return out + ["</table>"]


def _summary(s: SummaryView, out: TextIO) -> None:
    head = "".join(f"<th>{e(c)}</th>" for c in s.columns)
    out.write(f"<h2>{e(s.label)} ({s.records})</h2><table><tr>{head}</tr>\n")
    for row in s.rows:
        cells = [e(row.id or "?"), f"<code>{e(row.file)}</code>", e(row.highest)] + [str(n) for n in row.counts] + [str(row.errors)]
        out.write("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>\n")
    out.write("</table>\n")
    if s.facts:
        head = "".join(f"<th>{e(c)}</th>" for c in s.facts_columns)
        out.write(f"<h3>{e(s.facts_label)}</h3><table><tr>{head}</tr>\n")
        for i, f in enumerate(s.facts, 1):
            fact = e(f.question) if f.question else f"<code>{e(f.fact)}</code>"
            out.write(f"<tr><td>{i}</td><td>{fact}</td><td>{f.records}</td></tr>\n")
        out.write("</table>\n")


def render(run: RunView, out: TextIO) -> None:
    title = e(run.title)
    out.write(f"<!doctype html><html lang=\"{run.lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\n"
              f"<style>{_CSS}</style></head><body>\n<h1>{title}</h1>\n")
    for r in run.records:
        out.write("\n".join(record(r)) + "\n")
    if run.legend:
        out.write(f"<p class=\"legend\">{e(run.legend)}</p>\n")
    if run.batch:
        _summary(run.summary(), out)
    rc = run.receipt
    out.write(f"<p class=\"receipt\">{e(rc.label)}: normcheck {e(rc.normcheck_version)} · {e(rc.rule_pack_label)} "
              f"sha256 {e(rc.sha256)} · {e(rc.engine_label)}: {e(rc.engine)} · {e(rc.python)}"
              + (f" · {e(rc.readings_label)}: {e(', '.join(rc.readings))}" if rc.readings else "")
              + "".join(f"<br>{e(line)}" for line in ([rc.composition()] if rc.added else []))
              + "</p></body></html>\n")

"""`--format appeal` (HTML, `-o FILE.html`): the grounds of appeal as a plain page that pastes into
Word with its headings, numbering and links. Lays out `report.appeal`; every text is escaped."""

from __future__ import annotations

import html
from typing import TextIO

from ..appeal import AppealRecord, AppealView, Ground
from ..view import RunView

e = html.escape
_CSS = ("body{font-family:Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
        ".nature{font-style:italic}.note{font-size:.9em}.receipt{font-size:.9em;color:#444}"
        "@media print{body{margin:0;max-width:none}}")


def _link(text: str, url: str | None) -> str:
    return f"<a href=\"{e(url)}\">{e(text)}</a>" if url else e(text)


def ground(g: Ground) -> list[str]:
    out = [f"<section class=\"ground {g.level}\"><h2>{e(g.heading)}</h2>", f"<p class=\"nature\">{e(g.nature)}</p>",
           f"<p><strong>{e(g.finding_label)}.</strong> {e(g.finding)}</p>", f"<p><strong>{e(g.law_label)}.</strong></p><ul>"]
    out += [f"<li>{_link(c.text, c.url)}</li>" for c in g.law]
    out.append("</ul>")
    if g.law_applied:
        out.append(f"<p>{e(g.law_applied)}</p>")
    if g.unverified_note:
        out.append(f"<p class=\"note\">{e(g.unverified_note)}</p>")
    if g.facts:
        out.append(f"<p><strong>{e(g.facts_label)}.</strong></p><ul>")
        out += [f"<li>{e(f.label)}: {e(f.value)}</li>" for f in g.facts]
        out.append("</ul>")
    out.append(f"<p><strong>{e(g.counter_label)}.</strong>" + (f" {e(g.counter_intro)}" if g.counter_intro else "") + "</p>")
    out += [f"<p>{e(c)}</p>" for c in g.counter]
    return out + ["</section>"]


def record(r: AppealRecord) -> list[str]:
    out = [f"<article><h1>{e(r.heading)}</h1>", f"<p>{e(r.reference_line)}</p>", f"<p>{e(r.intro)}</p>"]
    if r.failed:
        out += [f"<p>{e(r.failed_text)}</p><ul>"] + [f"<li>{e(p)}</li>" for p in r.problems] + ["</ul>"]
    for g in r.grounds:
        out += ground(g)
    if r.no_grounds:
        out.append(f"<p class=\"no-grounds\">{e(r.no_grounds)}</p>")
    out.append(f"<section class=\"annex\"><h2>{e(r.annex_label)}</h2>")
    if not r.failed:
        out += [f"<h3>{e(r.questions_label)}</h3>", f"<p>{e(r.questions_intro)}</p>"]
    if r.questions:
        out += ["<ol>"] + [f"<li>{e(q)}</li>" for q in r.questions] + ["</ol>"]
    if r.references:
        out += [f"<h3>{e(r.references_label)}</h3><ul>"] + [f"<li>{e(x)}</li>" for x in r.references] + ["</ul>"]
    out += [f"<h3>{e(r.receipt_label)}</h3><ul class=\"receipt\">"] + [f"<li>{e(x)}</li>" for x in r.receipt]
    return out + ["</ul></section></article>"]


def render(run: RunView, out: TextIO) -> None:
    view = AppealView(run)
    out.write(f"<!doctype html><html lang=\"{view.lang}\"><head><meta charset=\"utf-8\"><title>{e(view.title)}</title>\n"
              f"<style>{_CSS}</style></head><body>\n")
    for r in view.records:
        out.write("\n".join(record(r)) + "\n")
    out.write("</body></html>\n")

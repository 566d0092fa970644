"""`--format appeal` (Markdown): the grounds of appeal as plain Markdown, to paste into a document.
Lays out `report.appeal`; every text is escaped, so a case file's text is never markup."""

from __future__ import annotations

from typing import TextIO

from ..appeal import AppealRecord, AppealView, Ground
from ..escape import markdown_text as md
from ..view import RunView


def ground(g: Ground) -> list[str]:
    out = [f"### {md(g.heading)}", "", f"*{md(g.nature)}*", "", f"**{md(g.finding_label)}.** {md(g.finding)}", "",
           f"**{md(g.law_label)}.**", ""]
    out += [f"- [{md(c.text)}]({c.url})" if c.url else f"- {md(c.text)}" for c in g.law]
    if g.law_applied:
        out += ["", md(g.law_applied)]
    if g.unverified_note:
        out += ["", md(g.unverified_note)]
    if g.facts:
        out += ["", f"**{md(g.facts_label)}.**", ""]
        out += [f"- {md(f.label)}: {md(f.value)}" for f in g.facts]
    out += ["", f"**{md(g.counter_label)}.**" + (f" {md(g.counter_intro)}" if g.counter_intro else ""), ""]
    out += [md(c) + "\n" for c in g.counter]
    return out


def record(r: AppealRecord) -> list[str]:
    out = [f"# {md(r.heading)}", "", md(r.reference_line), "", md(r.intro), ""]
    if r.failed:
        out += [md(r.failed_text), ""] + [f"- {md(p)}" for p in r.problems] + [""]
    for g in r.grounds:
        out += ground(g)
    if r.no_grounds:
        out += [md(r.no_grounds), ""]
    out += [f"## {md(r.annex_label)}", ""]
    if not r.failed:
        out += [f"### {md(r.questions_label)}", "", md(r.questions_intro), ""]
        out += [f"{i}. {md(q)}" for i, q in enumerate(r.questions, 1)]
        if r.questions:
            out.append("")
    if r.references:
        out += [f"### {md(r.references_label)}", ""] + [f"- {md(x)}" for x in r.references] + [""]
    out += [f"### {md(r.receipt_label)}", ""] + [f"- {md(x)}" for x in r.receipt] + [""]
    return out


def render(run: RunView, out: TextIO) -> None:
    for i, r in enumerate(AppealView(run).records):
        out.write(("---\n\n" if i else "") + "\n".join(record(r)) + "\n")

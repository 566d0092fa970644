"""`--format markdown`: a report to paste into an appeal or a memo. Lays out `report.view`."""

from __future__ import annotations

from typing import TextIO

from ..escape import markdown_code, markdown_text, safe_record
from ..view import FindingView, Item, OpenNormView, RecordView, RunView, Section, SummaryView


def _item(i: Item) -> str:
    """An item as Markdown: its text is already inert (`safe_record`); a citation links to the official text."""
    if i.code:
        return f"`{i.text}`"
    text = f"[{i.text}](<{i.url}>)" if i.url else f"**{i.text}**" if i.strong else i.text
    return f"{i.prefix}{text}{i.mark.replace('*', chr(92) + '*')}{i.suffix}"


def _list_item(i: Item) -> list[str]:
    return [f"- {_item(i)}"] + [f"  - {_item(s)}" for s in i.sub]


def _section(s: Section, quiet: bool) -> list[str]:
    if s.style == "inline":
        return [f"**{s.label}:** " + ", ".join(_item(i) for i in s.items)]
    if s.style in ("each", "emphasis"):
        lines = [f"**{s.label}:** {_item(i)}" if s.style == "each" else f"*{i.text}*" for i in s.items]
        return [x for line in lines for x in (line, "")][:-1]  # a paragraph each
    if quiet and s.key == "decided_by":
        return [f"- {_item(i)}" for i in s.items]
    return [f"**{s.label}**", ""] + [line for i in s.items for line in _list_item(i)]


def finding(v: FindingView) -> list[str]:
    if v.quiet:
        out = [f"#### {v.rule} — {v.title}", "", f"*{v.reason}*", ""]
        for s in v.sections:
            out += _section(s, True) + [""]
        return out
    sev = f" ({v.severity_name}: {v.severity_label})" if v.severity_label else ""
    out = [f"#### {v.rule} — {v.title}{sev}", "", v.message]
    for s in v.sections:
        out += [""] + _section(s, False)
    return out + [""]


def record(r: RecordView) -> list[str]:
    out = [f"## {r.heading}", ""]
    for m in r.meta:
        out.append(f"- {m.label}: `{m.value}`" if m.key == "file" else f"- {m.label}: {m.value}")
    out.append("")
    if r.problems:
        out += [f"### {r.problems_label}", ""]
        for p in r.problems:
            out.append(f"- **{p.severity} {p.code}** `{p.where}`: {p.message}" + (f" — expected: {p.expected}" if p.expected else ""))
        out.append("")
    for g in r.groups:
        out += [f"### {g.label} ({len(g.findings)})", ""]
        for v in g.findings:
            out += finding(v)
    if r.others or r.unconcerned:
        out += [f"### {r.others_label}", "", f"| {r.others_columns[0]} | {r.others_columns[1]} |", "|---|---|"]
        out += [f"| {v.rule} | {v.label}: {v.reason} |" for v in r.others]
        out += [f"| {fam} ({n}) | {r.unconcerned_label} |" for fam, n in r.unconcerned]
        out.append("")
        for v in r.noted:
            out += finding(v)
    if r.collect:
        out += [f"### {r.collect_label}", "", "| " + " | ".join(r.collect_columns) + " |", "|---|---|---|---|"]
        out += [f"| {i} | {c.question}" + (f" ({c.mark})" if c.mark else "") + (f" — {c.assess}" if c.assess else "")
                + f" | {c.ask} | {c.reach} |"
                for i, c in enumerate(r.collect, 1)]
        out.append("")
    if r.open_norms:
        out += [f"### {r.assess_label} ({len(r.open_norms)})", ""]
        for n in r.open_norms:
            out += open_norm(n)
    if r.flips is not None:
        out += flips(r)
    return out


def open_norm(n: OpenNormView) -> list[str]:
    out = [f"#### {n.head}", "", n.test, "", f"*{n.findings}*", "", f"**{n.checklist_label}**", ""]
    out += [f"- {c.mark} {c.text}" for c in n.checklist] + [""]
    if n.assessment:
        out += [n.assessment, ""]
    return out + [f"**{n.coverage}**", ""]


def flips(r: RecordView) -> list[str]:
    if not r.flips:
        return [r.no_flips, ""]
    out = [f"### {r.flips_label}", "", "| " + " | ".join(r.flips_columns) + " |", "|" + "---|" * len(r.flips_columns)]
    out += ["| " + " | ".join((f.rule, f.as_written) + f.cells) + " |" for f in r.flips]
    return out + [""]


def summary(s: SummaryView) -> list[str]:
    return [f"## {s.label} ({s.records})", "", "| " + " | ".join(s.columns) + " |",
            "|" + "---|" * len(s.columns)]


def render(run: RunView, out: TextIO) -> None:
    out.write("\n".join([f"# {run.title}", ""]) + "\n")
    run.inert = lambda r: safe_record(r, "markdown")  # text from the case file is never markup
    for r in run.records:
        out.write("\n".join(record(r)) + "\n")
    if run.legend:
        out.write(run.legend.replace("*", "\\*", 1) + "\n\n")
    if run.batch:
        s = run.summary()
        out.write("\n".join(summary(s)) + "\n")
        for row in s.rows:
            cells = [markdown_text(row.id or "?"), f"`{markdown_code(row.file)}`", row.highest]
            cells += [str(n) for n in row.counts] + [str(row.errors)]
            out.write("| " + " | ".join(cells) + " |\n")
        out.write("\n")
        if s.facts:
            lines = [f"### {s.facts_label}", "", "| " + " | ".join(s.facts_columns) + " |", "|---|---|---|"]
            lines += [f"| {i} | {markdown_text(f.question) if f.question else f'`{f.fact}`'} | {f.records} |"
                      for i, f in enumerate(s.facts, 1)]
            out.write("\n".join(lines) + "\n\n")
    rc = run.receipt
    out.write("\n".join([
        f"## {rc.label}", "",
        f"- normcheck {rc.normcheck_version}, {rc.schema_label} {rc.schema_version}",
        f"- {rc.rule_pack_label}: sha256 `{rc.sha256}` ({', '.join(rc.rule_files)})",
        *[f"- {rc.bundled_label}: sha256 `{rc.bundled_sha256}`" for _ in rc.added[:1]],
        *[f"- {a.label} `{markdown_code(a.folder)}`: sha256 `{a.sha256}` ({', '.join(a.rule_files)})"
          + (f"; {a.replaces_label} {', '.join(a.replaces)}" if a.replaces else "") for a in rc.added],
        f"- {rc.engine_label}: {rc.engine}", f"- {rc.python}"]
        + ([f"- {rc.readings_label}: {', '.join(rc.readings)}"] if rc.readings else []) + [""]))

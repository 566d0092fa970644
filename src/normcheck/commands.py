"""The informational subcommands: `rules`, `explain`, `schema`, `lint` (and dispatch to `sweep`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from . import ir
from .diagnostics import Diagnostic, InputError, did_you_mean
from .pack import load_pack
from .plural import counted
from .resources import cases_dir


def run(args: argparse.Namespace, err: Console) -> int:
    if args.command == "rules":
        return rules(args)
    if args.command == "explain":
        return explain(args)
    if args.command == "schema":
        return schema(args)
    if args.command == "new":
        return new(args)
    if args.command == "lint":
        return lint(args, err)
    if args.command == "sweep":
        from .sweep import cmd_sweep
        return cmd_sweep(args, err)
    raise InputError([Diagnostic("normcheck", None, None, f"unknown command {args.command}", code="NC-C001")])  # pragma: no cover


def _validity(r: ir.Rule) -> str:
    if not r.valid_from and not r.valid_until:
        return "always"
    return f"{r.valid_from or '…'} – {r.valid_until or '…'}"


def _live_grades(r: ir.Rule) -> list[ir.Grade]:
    """The grades that can fire: a negative rule (CH-01) states its one condition as `false`."""
    return [g for g in r.grades if not (isinstance(g.expr, ir.Const) and g.expr.value is False)]


def _levels(r: ir.Rule) -> str:
    if not _live_grades(r):
        return "never fires (negative rule)"
    seen: list[str] = []
    for g in _live_grades(r):
        item = f"{g.level}/{g.severity}"
        if item not in seen:
            seen.append(item)
    return ", ".join(seen)


def _selected(pack: ir.RulePack, family: str | None) -> list[ir.Rule]:
    """Rules in the families' declared order (rules/families.yaml), then as written."""
    return [r for r in pack.in_report_order(pack.rules) if not family or r.family == family]


def rule_rows(pack: ir.RulePack, family: str | None = None, lang: str = "en") -> list[dict[str, Any]]:
    rows = []
    for r in _selected(pack, family):
        fam = pack.family(r.family)
        rows.append({
            "rule": r.id, "version": r.version, "family": r.family, "family_title": fam.title(lang) if fam else r.family,
            "title": r.text("titles", lang),
            "levels": [{"level": g.level, "severity": g.severity} for g in _live_grades(r)],
            "valid_from": r.valid_from.isoformat() if r.valid_from else None,
            "valid_until": r.valid_until.isoformat() if r.valid_until else None,
            "pinpoints_verified": r.verified,
            "unverified_pinpoints": [f"{c.source}: {c.pinpoint or c.about_text('en')}" for c in r.citations if not c.verified],
            "file": f"{r.file}:{r.line}",
            "added_folder": pack.added[r.layer - 1].folder if r.layer else None,
            "replaces": r.replaces,
        })
    return rows


def rules(args: argparse.Namespace) -> int:
    if args.diff:
        return rules_diff(args)
    if args.cases:
        raise InputError([Diagnostic("--cases", None, None, "--cases runs the cases under two rule packs: it goes with --diff OLD",
                                     code="NC-C001")])
    pack = load_pack(args.rules, tuple(args.add_rules)).pack
    rows = rule_rows(pack, args.family, args.lang)
    if args.family and not rows:
        families = [f.id for f in pack.families]
        raise InputError([Diagnostic("--family", None, None, f"no rules in family `{args.family}`",
                                     hint=did_you_mean(args.family, families) or "families: " + ", ".join(families), code="NC-C001")])
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    from rich.table import Table

    table = Table(show_lines=False)
    for col in ("rule", "family", "level / severity", "valid", "pinpoints", "title"):
        table.add_column(col)
    for r, row in zip(_selected(pack, args.family), rows):
        rid = r.id + (f" ({r.version})" if r.version else "") + (f" replaces {r.replaces}" if r.replaces else "")
        status = "verified" if r.verified else f"{len(row['unverified_pinpoints'])} unverified"
        table.add_row(rid, r.family, _levels(r), _validity(r), status, row["title"])
    Console(highlight=False).print(table)
    return 0


def rules_diff(args: argparse.Namespace) -> int:
    """`normcheck rules --diff OLD [--cases DIR]`: what changed between OLD and the rules now, and
    (over the cases) which findings move."""
    from .packhistory import old_pack
    from .resources import rules_dir
    from .rulediff import diff_cases, diff_packs

    added = tuple(args.add_rules)
    new = load_pack(args.rules, added)
    old = old_pack(args.diff, Path(args.rules) if args.rules else rules_dir(), added)
    try:
        diff = diff_packs(old.loaded.pack, new.pack)
        cases = diff_cases(args.cases, old.loaded, new) if args.cases else None
    finally:
        old.close()
    new_label = f"the rules in {args.rules}" if args.rules else "the rules now"
    if args.format == "json":
        doc: dict[str, Any] = {
            "old": {"rules": old.label, "rule_pack_sha256": diff.old_digest},
            "new": {"rules": new_label, "rule_pack_sha256": diff.new_digest},
            "rules": [{"rule": c.rule, "change": c.kind, "details": list(c.details), "old": c.old_at, "new": c.new_at}
                      for c in diff.changes],
            "vocabulary": list(diff.vocabulary),
        }
        if cases is not None:
            doc["cases"] = {"files": cases.files, "problems": cases.problems,
                            "level_changes": [{"file": c.file, "record": c.record, "rule": c.rule, "old": c.old, "new": c.new}
                                              for c in cases.changes]}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 0
    out = Console(highlight=False)
    if not out.is_terminal:  # a pipe or a file: wide enough that a changed condition stays on its line
        out = Console(highlight=False, width=200)
    out.print(Text(f"From {old.label} (sha256:{diff.old_digest[:16]}) to {new_label} (sha256:{diff.new_digest[:16]})", style="bold"))
    print_rule_changes(diff, out)
    if cases is not None:
        out.print(Text(f"Findings whose level changes, over {counted(cases.files, 'case file', 'case files')}: {len(cases.changes)}", style="bold"))
        for c in cases.changes:
            out.print(f"  {c.file}  {c.record}  {c.rule}: {c.old} → {c.new}", markup=False)
        for p in cases.problems:
            out.print(f"  {p}", markup=False, style="yellow")
    return 0


HEADINGS = {"added": "Added", "removed": "Removed", "meaning": "Changed in meaning", "sources": "Changed in sources only",
            "wording": "Changed in wording only"}


def print_rule_changes(diff: Any, out: Console, indent: str = "") -> None:
    """The rule changes of a `rulediff.PackDiff`, grouped: added, removed, meaning, sources, wording."""
    from .rulediff import KIND_ORDER

    if diff.empty:
        out.print(f"{indent}No rule changed.")
        return
    for kind in KIND_ORDER:
        items = diff.by_kind(kind)
        if not items:
            continue
        out.print(Text(f"{indent}{HEADINGS[kind]} ({len(items)}):", style="bold"))
        for c in items:
            where = c.new_at or c.old_at or ""
            if kind in ("added", "removed"):
                out.print(f"{indent}  {c.rule}  {c.details[0] if c.details else ''}  ({where})", markup=False)
            elif kind == "wording":
                out.print(f"{indent}  {c.rule}  ({', '.join(c.details)})", markup=False)
            else:
                out.print(f"{indent}  {c.rule}  ({where})", markup=False)
                for d in c.details:
                    out.print(f"{indent}    - {d}", markup=False)
    if diff.vocabulary:
        out.print(Text(f"{indent}Vocabulary ({len(diff.vocabulary)}):", style="bold"))
        for v in diff.vocabulary:
            out.print(f"{indent}  {v}", markup=False)


def explain(args: argparse.Namespace) -> int:
    from .citations import LEGEND
    from .findings import sources_and_background
    from .report.view import background_item, source_item
    from .wording import t as words

    loaded = load_pack(args.rules, tuple(args.add_rules))
    pack = loaded.pack
    versions = pack.versions(args.rule)
    if not versions:
        raise InputError([Diagnostic(args.rule, None, None, f"no rule `{args.rule}`",
                                     hint=did_you_mean(args.rule, pack.rule_ids()) or "`normcheck rules` lists them", code="NC-C001")])
    out = Console(highlight=False)
    lang = args.lang
    for r in versions:
        fam = pack.family(r.family)
        out.print(Text(f"{r.id}" + (f" — version {r.version}" if r.version else "")
                       + f" ({fam.title(lang) if fam else r.family})", style="bold"))
        out.print(f"  {r.text('titles', lang)}")
        out.print(f"  in force: {_validity(r)}   defined at {r.file}:{r.line}", markup=False)
        if r.layer:
            out.print(f"  added rules: {pack.added[r.layer - 1].folder}", markup=False)
        if r.replaces:
            out.print(Text.assemble(("  Replaces: ", "bold"), f"{r.replaces} (bundled) — {r.text('replaces_because', lang)}"))
        out.print(Text("  Sources:", style="bold"))
        body, background = sources_and_background(r, pack, lang)
        for ref in body:
            out.print(f"    - {source_item(ref).plain}", markup=False)
            if ref.url:
                out.print(f"      {ref.url}", markup=False)
        for b in background:
            out.print(f"    ({words(lang, 'background')}) {background_item(b).plain}" + (f"  {b.url}" if b.url else ""),
                      markup=False)
        if any(ref.footnote for ref in body):
            out.print(f"    {LEGEND.get(lang, LEGEND['en'])}", markup=False)
        for src, text in r.quotes:
            out.print(Text(f"  Text of {src}: “{text}”", style="italic"))
        if r.applies is not None:
            out.print(Text.assemble(("  Applies when: ", "bold"), r.applies.text))
        for g in r.grades:
            out.print(Text.assemble((f"  Fires as {g.level} ({g.severity}) when: ", "bold"), g.expr.text))
        for u in r.unless:
            out.print(Text.assemble(("  Unless: ", "bold"), u.text))
        out.print(Text.assemble(("  Message: ", "bold"), r.text("messages", lang)))
        counter = r.text("counters", lang)
        if counter:
            out.print(Text.assemble(("  Counter-argument: ", "bold"), counter))
        out.print(Text("  Facts it reads:", style="bold"))
        for name in _facts_of(r, pack):
            d = pack.define(name)
            desc = f" = {d.expr.text}   (defined at {d.file}:{d.line})" if d is not None else ""
            t = pack.fact_types.get(name)
            out.print(f"    - {name} ({t.describe() if t else '?'}){desc}", markup=False)
            doc = d.doc(lang) if d is not None else None
            if doc:
                out.print(f"      {doc}", markup=False)
        out.print()
    pinned = _pinned_cases(args.rule, Path(args.cases) if args.cases else None, loaded)
    out.print(Text(f"Pinned cases ({len(pinned)}):", style="bold"))
    for path, level, line in pinned:
        out.print(f"  - {path}:{line}  expects {level}", markup=False)
    return 0


def _facts_of(rule: ir.Rule, pack: ir.RulePack) -> list[str]:
    names: list[str] = []

    def walk(n: ir.Node) -> None:
        if isinstance(n, ir.Fact) and n.name not in names:
            names.append(n.name)
            d = pack.define(n.name)
            if d is not None:
                walk(d.expr)
        for child in n.children():
            walk(child)
    for node in ([rule.applies] if rule.applies else []) + [g.expr for g in rule.grades] + list(rule.unless):
        walk(node)
    return names


def _pinned_cases(rule_id: str, folder: Path | None, loaded: Any) -> list[tuple[str, str, int]]:
    from .facts import load_record
    from .testing import has_expect_block

    root = folder or (Path("cases") if Path("cases").is_dir() else cases_dir())
    if root is None or not root.is_dir():
        return []
    out: list[tuple[str, str, int]] = []
    for path in sorted(root.rglob("*.yaml")):
        if not has_expect_block(path):
            continue
        try:
            record = load_record(path, loaded.vocabulary, display=str(path))
        except InputError:
            continue
        if record.expect and rule_id in record.expect:
            out.append((str(path), record.expect[rule_id].level, record.expect_lines.get(rule_id, 0)))
    return out


def new(args: argparse.Namespace) -> int:
    """`normcheck new --template NAME`: a commented case file of the template's facts."""
    from .casewriting import load_templates, pick, template_text, write_new
    from .resources import rules_dir

    loaded = load_pack(args.rules, tuple(getattr(args, "add_rules", None) or ()))
    folder = Path(args.rules) if args.rules and (Path(args.rules) / "templates.yaml").is_file() else rules_dir()
    tpl = pick(load_templates(folder, loaded.vocabulary), args.template)
    write_new(template_text(tpl, loaded.vocabulary, args.lang), args.output, sys.stdout)
    return 0


def schema(args: argparse.Namespace) -> int:
    from .facts.model import case_model
    from .facts.schema import json_schema

    loaded = load_pack(args.rules, tuple(args.add_rules))
    if getattr(args, "family", None):
        from .casewriting import print_schema

        print_schema(loaded.vocabulary, args.family, args.lang, sys.stdout, sys.stdout.isatty())
        return 0
    computed = frozenset(d.name for d in loaded.pack.defines)
    schema_doc = json_schema(loaded.vocabulary, case_model(loaded.vocabulary), computed)
    sys.stdout.write(json.dumps(schema_doc, indent=2, ensure_ascii=False) + "\n")
    return 0


def lint(args: argparse.Namespace, err: Console) -> int:
    """Check the rule files; report warnings too, and rules whose pinpoints are unverified."""
    loaded = load_pack(args.rules, tuple(args.add_rules))
    out = Console(highlight=False)
    for w in loaded.warnings:
        out.print(w.render(), markup=False, style="yellow")
    pack = loaded.pack
    cited = {c.source for r in pack.rules for c in r.citations}
    cited |= {c.source for r in pack.rules for g in r.grades for rd in g.readings for c in rd.held_by}
    cited |= {c.source for r in pack.rules if r.applied is not None for _, rd in r.applied.replaced for c in rd.held_by}
    unused = set(pack.sources) - cited
    for name in sorted(unused):
        out.print(f"warning[NC-R012]: source `{name}` is declared but no rule cites it", style="yellow")
    unverified = [r for r in pack.rules if not r.verified]
    files = len(pack.files) + sum(len(a.files) for a in pack.added)
    replaced = [r for r in pack.rules if r.replaces]
    for r in replaced:
        out.print(f"note: {r.id} ({r.file}:{r.line}) replaces the bundled {r.replaces}", markup=False)
    out.print(f"{counted(len(pack.rules), 'rule', 'rules')} in {counted(files, 'file', 'files')}, "
              f"{counted(len(pack.defines), 'definition', 'definitions')}, {counted(len(pack.sources), 'source', 'sources')}; "
              f"{counted(len(unverified), 'rule rests', 'rules rest')} partly on unverified pinpoints; "
              f"{counted(len(loaded.warnings) + len(unused), 'warning', 'warnings')}")
    return 0

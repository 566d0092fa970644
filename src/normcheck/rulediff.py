"""What a rule change moves: two compiled rule packs compared rule by rule, and their findings
compared case by case.

The comparison reads the IR, not the text: a rule "changed in meaning" when what decides its
result changed — its scope, conditions, levels and severities, exceptions, validity window,
the event it is judged on, the definitions and facts it reads (through definitions), or a rule
it reads with `X fires` that changed in meaning. IR nodes compare by structure (their source
text and line are not part of it), so a reworded message or a re-indented condition is
"wording only", a changed pinpoint is "sources", and `180` for `181` is "meaning". A condition
rewritten into an equivalent form (`b and a` for `a and b`) also counts as meaning: run the
cases (`--cases`) to see whether any result actually moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import ir

Kind = Literal["added", "removed", "meaning", "sources", "wording"]
KIND_ORDER: tuple[Kind, ...] = ("added", "removed", "meaning", "sources", "wording")


@dataclass(frozen=True)
class RuleChange:
    rule: str
    kind: Kind
    details: tuple[str, ...] = ()
    old_at: str | None = None  # file:line in the old pack
    new_at: str | None = None


@dataclass(frozen=True)
class PackDiff:
    old_digest: str
    new_digest: str
    changes: tuple[RuleChange, ...]
    vocabulary: tuple[str, ...] = ()  # facts added, removed or retyped

    def of(self, rule_id: str) -> RuleChange | None:
        for c in self.changes:
            if c.rule == rule_id:
                return c
        return None

    def by_kind(self, kind: Kind) -> list[RuleChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def empty(self) -> bool:
        return not self.changes and not self.vocabulary


@dataclass(frozen=True)
class LevelChange:
    """A finding whose level differs between the two packs."""

    file: str
    record: str
    rule: str
    old: str  # a level, or "—" where the rule is not in that pack
    new: str


@dataclass
class CasesDiff:
    files: int = 0
    changes: list[LevelChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # case files that read under one pack and not the other


# ---- rules ------------------------------------------------------------------------------------


def diff_packs(old: ir.RulePack, new: ir.RulePack) -> PackDiff:
    """Rules added, removed and changed (in meaning, in sources, in wording only), by rule id."""
    old_ids, new_ids = old.rule_ids(), new.rule_ids()
    changes: dict[str, RuleChange] = {}
    for rid in new_ids:
        if rid not in old_ids:
            r = new.versions(rid)[0]
            changes[rid] = RuleChange(rid, "added", (_title(r),), None, _at(r))
    for rid in old_ids:
        if rid not in new_ids:
            r = old.versions(rid)[0]
            changes[rid] = RuleChange(rid, "removed", (_title(r),), _at(r), None)
    meaning: dict[str, list[str]] = {}
    other: dict[str, tuple[list[str], list[str]]] = {}
    for rid in new_ids:
        if rid in old_ids:
            meaning[rid], sources, wording = _compare(old, new, rid)
            other[rid] = (sources, wording)
    # a rule that reads `X fires` moves with X: repeat until nothing more is reached
    moved = {rid for rid, d in meaning.items() if d} | {c.rule for c in changes.values()}
    grew = True
    while grew:
        grew = False
        for rid in meaning:
            if rid in moved:
                continue
            deps = sorted({d for r in new.versions(rid) for d in r.rule_deps} & moved)
            if deps:
                meaning[rid].append("reads " + ", ".join(f"`{d} fires`" for d in deps) + ", which changed")
                moved.add(rid)
                grew = True
    for rid, details in meaning.items():
        sources, wording = other[rid]
        o, n = old.versions(rid)[0], new.versions(rid)[0]
        if details:
            changes[rid] = RuleChange(rid, "meaning", tuple(details + sources + wording), _at(o), _at(n))
        elif sources:
            changes[rid] = RuleChange(rid, "sources", tuple(sources + wording), _at(o), _at(n))
        elif wording:
            changes[rid] = RuleChange(rid, "wording", tuple(wording), _at(o), _at(n))
    order = {rid: i for i, rid in enumerate(list(new_ids) + [r for r in old_ids if r not in new_ids])}
    ranked = sorted(changes.values(), key=lambda c: (KIND_ORDER.index(c.kind), order.get(c.rule, 0)))
    return PackDiff(old.digest, new.digest, tuple(ranked), _vocabulary(old, new))


def _title(r: ir.Rule) -> str:
    return r.text("titles", "en")


def _at(r: ir.Rule) -> str:
    return f"{Path(r.file).name}:{r.line}"  # a file's name: the old pack may live in a temporary folder


def _window(r: ir.Rule) -> str:
    return f"{r.valid_from or '…'} – {r.valid_until or '…'}"


def _text(node: ir.Node | None) -> str:
    return "(none)" if node is None else (node.text or type(node).__name__)


def _change(a: ir.Node | None, b: ir.Node | None) -> str:
    """`old → new`, narrowed through `and`/`or`/`not` to the one condition that changed, if only one did."""
    narrowed = False
    while a is not None and b is not None and type(a) is type(b):
        if isinstance(a, (ir.And, ir.Or)) and isinstance(b, (ir.And, ir.Or)) and len(a.operands) == len(b.operands):
            diff = [(x, y) for x, y in zip(a.operands, b.operands) if x != y]
            if len(diff) != 1:
                break
            a, b = diff[0]
        elif isinstance(a, ir.Not) and isinstance(b, ir.Not):
            a, b = a.operand, b.operand
        else:
            break
        narrowed = True
    return ("… " if narrowed else "") + f"{_text(a)} → {_text(b)}"


def _compare(old: ir.RulePack, new: ir.RulePack, rid: str) -> tuple[list[str], list[str], list[str]]:
    """(meaning, sources, wording) differences of one rule id, all versions."""
    meaning: list[str] = []
    sources: list[str] = []
    wording: list[str] = []
    ov = sorted(old.versions(rid), key=lambda r: r.valid_from or dt.date.min)
    nv = sorted(new.versions(rid), key=lambda r: r.valid_from or dt.date.min)
    if len(ov) != len(nv):
        meaning.append(f"versions: {len(ov)} → {len(nv)}")
    for o, n in zip(ov, nv):
        tag = f" ({n.version})" if len(nv) > 1 and n.version else ""
        meaning += [d + tag for d in _meaning(o, n, old, new)]
        sources += [d + tag for d in _sources(o, n, old, new)]
        wording += [d + tag for d in _wording(o, n)]
    return meaning, sources, wording


def _meaning(o: ir.Rule, n: ir.Rule, old: ir.RulePack, new: ir.RulePack) -> list[str]:
    out = []
    if (o.valid_from, o.valid_until) != (n.valid_from, n.valid_until):
        out.append(f"valid: {_window(o)} → {_window(n)}")
    if o.judged_on != n.judged_on:
        out.append(f"judged on: {_change(o.judged_on, n.judged_on)}")
    if o.applies != n.applies:
        out.append(f"applies when: {_change(o.applies, n.applies)}")
    og = [(g.level, g.severity) for g in o.grades]
    ng = [(g.level, g.severity) for g in n.grades]
    if og != ng:
        out.append("levels: " + ", ".join(f"{lv}/{sv}" for lv, sv in og) + " → " + ", ".join(f"{lv}/{sv}" for lv, sv in ng))
    if len(o.grades) == len(n.grades):
        for a, b in zip(o.grades, n.grades):
            if a.expr != b.expr:
                which = f"fires as {b.level}" if len(n.grades) > 1 else "fires"
                out.append(f"{which} when: {_change(a.expr, b.expr)}")
    else:
        for b in n.grades:
            if b not in o.grades:
                out.append(f"new condition: fires as {b.level}/{b.severity} when {_text(b.expr)}")
        for a in o.grades:
            if a not in n.grades:
                out.append(f"condition dropped: fires as {a.level}/{a.severity} when {_text(a.expr)}")
    ordg = _readings(o, lambda r: (r.level, r.severity))
    nrdg = _readings(n, lambda r: (r.level, r.severity))
    if ordg != nrdg:  # what a named reading gives (`--reading`, a settled question)
        out.append("readings: " + (", ".join(f"{k} gives {'/'.join(x for x in v if x)}" for k, v in ordg.items()) or "(none)")
                   + " → " + (", ".join(f"{k} gives {'/'.join(x for x in v if x)}" for k, v in nrdg.items()) or "(none)"))
    if o.unless != n.unless:
        out.append("unless: " + (" / ".join(_text(u) for u in o.unless) or "(none)") + " → "
                   + (" / ".join(_text(u) for u in n.unless) or "(none)"))
    if o.replaces != n.replaces:
        out.append(f"replaces: {o.replaces or '(nothing)'} → {n.replaces or '(nothing)'}")
    o_reads, n_reads = _reads(o, old), _reads(n, new)
    for name in sorted(o_reads | n_reads):
        od, nd = old.define(name), new.define(name)
        if od is not None or nd is not None:
            if od is None or nd is None:
                if name in o_reads and name in n_reads:  # a stated fact became a definition, or back
                    out.append(f"`{name}`: " + ("now computed: " + _text(nd.expr) if nd else "now stated, no longer computed"))
            elif od.expr != nd.expr or od.type != nd.type:
                out.append(f"definition `{name}`: {_change(od.expr, nd.expr)}")
            continue
        ot, nt = old.fact_types.get(name), new.fact_types.get(name)
        if name in o_reads and name in n_reads and ot != nt:
            out.append(f"fact `{name}`: {_retyped(ot, nt)}")
    return out


def _retyped(a: ir.Type | None, b: ir.Type | None) -> str:
    """How a fact's type changed: the values added and removed, else the types."""
    if a is not None and b is not None and a.kind == b.kind and a.values is not None and b.values is not None:
        parts = []
        if b.values - a.values:
            parts.append("values added: " + ", ".join(sorted(b.values - a.values)))
        if a.values - b.values:
            parts.append("values removed: " + ", ".join(sorted(a.values - b.values)))
        if a.nullable != b.nullable:
            parts.append("null now " + ("allowed" if b.nullable else "refused"))
        return "; ".join(parts)
    return f"{a.describe() if a else '?'} → {b.describe() if b else '?'}"


def _sources(o: ir.Rule, n: ir.Rule, old: ir.RulePack, new: ir.RulePack) -> list[str]:
    out = []
    oc = [(c.source, c.pinpoint, c.verified) for c in o.citations]
    nc = [(c.source, c.pinpoint, c.verified) for c in n.citations]
    for c in nc:
        if c not in oc:
            out.append(f"cites {c[0]} \"{c[1]}\" {'verified' if c[2] else 'unverified'}")
    for c in oc:
        if c not in nc:
            out.append(f"no longer cites {c[0]} \"{c[1]}\"")
    oh = _readings(o, lambda r: tuple((c.source, c.pinpoint, c.verified) for c in r.held_by))
    nh = _readings(n, lambda r: tuple((c.source, c.pinpoint, c.verified) for c in r.held_by))
    for k in sorted(set(oh) | set(nh)):
        if k in oh and k in nh and oh[k] != nh[k]:
            out.append(f"reading `{k}` held by other sources")
    for name in sorted({c.source for c in n.citations} & {c.source for c in o.citations}):
        if old.sources.get(name) != new.sources.get(name):
            out.append(f"source {name} declared differently")
    return out


def _wording(o: ir.Rule, n: ir.Rule) -> list[str]:
    out = [what for what, a, b in (("title", o.titles, n.titles), ("message", o.messages, n.messages),
                                     ("counter-argument", o.counters, n.counters), ("note", o.notes, n.notes),
                                     ("quoted text", o.quotes, n.quotes), ("version label", o.version, n.version),
                                     ("reason for replacing", o.replaces_because, n.replaces_because),
                                     ("family", o.family, n.family),
                                     ("reading holders and arguments", _readings(o, lambda r: (r.holder, r.argument)),
                                      _readings(n, lambda r: (r.holder, r.argument)))) if a != b]
    return [f"{what} reworded" if what not in ("family", "version label") else f"{what} changed" for what in out]


def _readings(rule: ir.Rule, part: Callable[[ir.Reading], Any]) -> dict[str, Any]:
    """One part of each named reading of the rule's contested grades, by `grade#:name`."""
    return {f"{r.name}" if len(rule.grades) == 1 else f"{i + 1}:{r.name}": part(r)
            for i, g in enumerate(rule.grades) for r in g.readings}


def _reads(rule: ir.Rule, pack: ir.RulePack) -> set[str]:
    """Every fact and definition the rule reads, through definitions."""
    seen: set[str] = set()
    todo = [n for node in _nodes(rule) for n in _fact_names(node)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        d = pack.define(name)
        if d is not None:
            todo.extend(_fact_names(d.expr))
    return seen


def _nodes(rule: ir.Rule) -> list[ir.Node]:
    return ([rule.applies] if rule.applies is not None else []) + [g.expr for g in rule.grades] + list(rule.unless) \
        + ([rule.judged_on] if rule.judged_on is not None else [])


def _fact_names(node: ir.Node) -> Iterable[str]:
    if isinstance(node, ir.Fact):
        yield node.name
    for value in vars(node).values():
        if isinstance(value, ir.Node):
            yield from _fact_names(value)
        elif isinstance(value, tuple):
            for v in value:
                if isinstance(v, ir.Node):
                    yield from _fact_names(v)


def _vocabulary(old: ir.RulePack, new: ir.RulePack) -> tuple[str, ...]:
    defined = {d.name for d in old.defines} | {d.name for d in new.defines}
    facts_old = {k: v for k, v in old.fact_types.items() if k not in defined}
    facts_new = {k: v for k, v in new.fact_types.items() if k not in defined}
    out = [f"fact `{k}` added ({facts_new[k].describe()})" for k in sorted(set(facts_new) - set(facts_old))]
    out += [f"fact `{k}` removed" for k in sorted(set(facts_old) - set(facts_new))]
    out += [f"fact `{k}`: {_retyped(facts_old[k], facts_new[k])}"
            for k in sorted(set(facts_old) & set(facts_new)) if facts_old[k] != facts_new[k]]
    return tuple(out)


# ---- cases ------------------------------------------------------------------------------------


def diff_cases(paths: list[str], old: object, new: object, today: dt.date | None = None) -> CasesDiff:
    """Run both packs (`LoadedPack`s) over the case files and list every finding whose level moves.
    The evaluator alone runs here (the reference semantics; no durable-rules cross-check)."""
    from .batch import check_files, expand
    from .engine import Engine

    files, problems = expand(paths)
    out = CasesDiff(files=len(files), problems=[p.render() for p in problems])
    day = today or dt.date.today()
    runs = []
    for loaded in (old, new):
        engine = Engine(loaded.pack, use_durable=False)  # type: ignore[attr-defined]  # `old`/`new` are LoadedPacks (typed object: pack is not imported here)
        runs.append(list(check_files(files, loaded, engine, "en", today=day)))  # type: ignore[arg-type]  # (as above)
    for path, a, b in zip(files, runs[0], runs[1]):
        if a.failed or b.failed:
            if a.failed != b.failed:
                bad, label = (a, "old") if a.failed else (b, "new")
                first = next(p for p in bad.problems if p.severity == "error")
                out.problems.append(f"{path}: cannot be read with the {label} rules only: {first.message}")
            continue
        olds = {f.rule: f.level for f in a.findings}
        news = {f.rule: f.level for f in b.findings}
        for rule in list(news) + [r for r in olds if r not in news]:
            was, now = olds.get(rule, "—"), news.get(rule, "—")
            if was == now or {was, now} == {"—", "NOT_APPLICABLE"}:
                continue
            out.changes.append(LevelChange(str(path), b.id or a.id or Path(path).stem, rule, was, now))
    return out

"""Check parsed rule files and turn them into the IR.

Resolves every name against the fact vocabulary and the `define`s (typos get "did you mean"),
type-checks every expression, and enforces what makes a rule usable by a lawyer: a declared
source with a pinpoint, titles and messages in Dutch and English, a level and a severity, a
counter-argument for every contested reading, no duplicate ids, no cycles. All problems are
reported together, each with file, line and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from graphlib import CycleError, TopologicalSorter
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from . import ast, citations, ir
from .diagnostics import Diagnostic, InputError, did_you_mean, one_of, source_line
from .families import Declarations
from .functions import FUNCTIONS
from .plural import counted
from .readings import rule_under
from .vocabulary import FactSpec, Vocabulary

_C = TypeVar("_C", bound=str)


def _member(value: str | None, choices: tuple[_C, ...]) -> _C | None:
    """`value` as a member of a closed set (an `ir` Literal), None when it is not one: the checker
    has reported that as an error (a warning only for an older pack read leniently)."""
    return next((c for c in choices if c == value), None)


PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_KINDS: dict[str, ir.Kind] = {"int": "number", "decimal": "number", "country": "text", "bool": "bool",
                              "date": "date", "enum": "enum", "set": "set", "text": "text"}


# Arguments a date function accepts when written as a number in the rule (beyond them no date exists).
ARGUMENT_RANGES = {"add_months": (-2400, 2400), "add_days": (-73_000, 73_000)}


def fact_type(spec: FactSpec) -> ir.Type:
    kind = _KINDS[spec.kind]
    values = frozenset(spec.values) if spec.values is not None else None
    return ir.Type(kind, values if kind in ("enum", "set") else None, spec.nullable)


@dataclass
class _Ctx:
    file: ast.RuleFile
    problems: list[Diagnostic]
    deps: set[str] = field(default_factory=set)
    rule_deps: set[str] = field(default_factory=set)


class Checker:
    def __init__(self, vocabulary: Vocabulary, files: list[ast.RuleFile], declarations: Declarations,
                 lenient: bool = False) -> None:
        self.vocab = vocabulary
        # lenient: an older rule pack read to compare it with the current one (`rules --diff`, pins
        # written against an older pack). Checks of a rule's quality rather than its meaning
        # (sources, translations, counter-arguments) become warnings, and a window without
        # `judged on` is judged on the evaluation date, as before that check existed.
        self.lenient = lenient
        self.files = files
        self.families = {f.id: f for f in declarations.families}
        self.context = {n for file in declarations.context for n in vocabulary.in_file(file)}
        self.family_facts = {f.id: {n for file in f.vocabulary for n in vocabulary.in_file(file)}
                             for f in declarations.families}
        self.folder_facts = {layer: {n for file in names for n in vocabulary.in_file(file)}
                             for layer, names in declarations.added_vocabulary}
        self.problems: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        # (source, locator) -> where it is cited and whether that citation says it was verified
        self.verifications: dict[tuple[str, str], list[tuple[ast.RuleFile, ast.Cite, str]]] = {}
        self.define_types: dict[str, ir.Type] = {}
        self.define_decls: dict[str, tuple[ast.DefineDecl, ast.RuleFile]] = {}
        self.rule_ids: set[str] = set()
        # replaced id -> (the id of the rule that takes its place, the layer of that rule)
        self.replaced: dict[str, tuple[str, int]] = {}
        self.family_of: dict[str, str] = {}  # a replacing rule's id -> the family of the rule it replaces

    # ---- diagnostics
    def _err(self, f: ast.RuleFile, pos: ast.Pos, message: str, *, code: str, expected: str | None = None,
             hint: str | None = None, warn: bool = False, policy: bool = False) -> None:
        warn = warn or (policy and self.lenient)
        width = (pos.end_column - pos.column) if pos.end_line == pos.line else 1
        d = Diagnostic(f.path, pos.line or None, pos.column or None, message, expected=expected, hint=hint,
                       source_line=source_line(f.text, pos.line), severity="warning" if warn else "error",
                       width=max(1, width), code=code)
        (self.warnings if warn else self.problems).append(d)

    # ---- entry point
    def run(self) -> tuple[dict[str, ir.Source], tuple[ir.Define, ...], tuple[ir.Rule, ...]]:
        sources = self._sources()
        self._replacements()
        self.rule_ids = {r.id for f in self.files for r in f.rules if not self._dropped(r, f)} | set(self.replaced)
        defines = self._defines()
        rules = self._rules(sources)
        self._verifications_agree()
        if self.problems:
            raise InputError(self.problems + self.warnings)
        return sources, defines, rules

    # ---- sources
    def _sources(self) -> dict[str, ir.Source]:
        out: dict[str, ir.Source] = {}
        where: dict[str, str] = {}
        for f in self.files:
            for s in f.sources:
                if s.name in out:
                    self._err(f, s.pos, f"source `{s.name}` is declared twice (first in {where[s.name]})", code="NC-R010")
                    continue
                self._check_source(f, s)
                out[s.name] = ir.Source(
                    s.name, s.title, ecli=s.ecli, celex=s.celex, hudoc=s.hudoc, url=s.url, date=s.date,
                    court=_member(s.court, ir.COURT_CODES), status=s.status, kind=_member(s.kind, ir.SOURCE_KINDS) or "",
                    court_text=s.court if s.court is not None and _member(s.court, ir.COURT_CODES) is None else None,
                    formation=_member(s.formation, ir.FORMATIONS), cases=s.cases, applications=s.applications,
                    titles=s.titles, parties=s.parties, acts=s.acts, shorts=s.shorts, seats=s.seats,
                    backgrounds=tuple(ir.Background(url, labels) for url, labels in s.backgrounds))
                where[s.name] = f"{Path(f.path).name}:{s.pos.line}"
        return out

    def _check_source(self, f: ast.RuleFile, s: ast.SourceDecl) -> None:
        """What a court citation of the source is built from must be there (citations.py)."""
        name = f"source `{s.name}`"
        err = partial(self._err, code="NC-R013", policy=True)
        for attr in s.repeated:
            err(f, s.pos, f"{name} gives `{attr}` twice")
        if not (s.ecli or s.celex or s.hudoc or s.url or s.cases or s.applications):
            err(f, s.pos, f"{name} has no identifier", code="NC-R010",
                      expected="at least one of ecli, celex, hudoc, url, case or application, so a reader can find the text")
        langs = dict(s.titles)
        if "nl" not in langs:
            err(f, s.pos, f"{name} has no Dutch title: a Dutch report shows the English one", warn=True, code="NC-R015",
                      expected='a line `title nl "…"`')
        if s.kind is None:
            err(f, s.pos, f"{name} does not say what kind of source it is: reports cite it by its title", warn=True, code="NC-R015",
                      expected="`kind " + "|".join(citations.KINDS) + "` with the data a court citation needs")
            return
        if s.kind not in citations.KINDS:
            err(f, s.pos, f"{name}: `{s.kind}` is not a kind of source", expected=one_of(citations.KINDS))
            return
        for attr, what in (("parties", "parties"), ("acts", "act"), ("shorts", "short"), ("seats", "seat")):
            given = dict(getattr(s, attr))
            if given and set(given) != set(ir.LANGS):
                missing = [_lang_name(x) for x in ir.LANGS if x not in given]
                err(f, s.pos, f"{name} gives `{what}` without {', '.join(missing)}",
                          expected=f'`{what} en "…" nl "…"`')
        for url, labels in s.backgrounds:
            if set(dict(labels)) != set(ir.LANGS):
                err(f, s.pos, f"{name}: the background {url} needs a label in English and Dutch",
                          expected=f'`background "{url}" en "…" nl "…"`')
        if s.formation is not None and s.formation not in citations.FORMATIONS:
            err(f, s.pos, f"{name}: `{s.formation}` is not a formation", expected=one_of(citations.FORMATIONS))
        if s.kind in citations.RULINGS:
            if s.court is None or s.court not in citations.COURTS:
                err(f, s.pos, f"{name}: a {s.kind} needs the court that gave it" if s.court is None else
                          f"{name}: `{s.court}` is not a known court", expected=one_of(sorted(citations.COURTS)),
                          hint=did_you_mean(s.court, citations.COURTS) if s.court else None)
                return
            needs = citations.COURTS[s.court].needs if s.kind != "reference" else ("cases", "parties", "date")
            for attr in needs:
                if not getattr(s, attr):
                    word = {"cases": "case", "applications": "application", "parties": "parties", "seats": "seat"}.get(attr, attr)
                    err(f, s.pos, f"{name}: a citation of this court needs `{word}`")
        elif s.court is not None and s.court not in citations.COURTS:
            err(f, s.pos, f"{name}: `{s.court}` is not a known court", expected=one_of(sorted(citations.COURTS)))
        if s.kind == "legislation" and not s.acts:
            err(f, s.pos, f"{name}: legislation needs the act's designation",
                      expected='`act en "Directive 2008/115/EC" nl "Richtlijn 2008/115/EG"` (and `short en "…" nl "…"`)')

    # ---- added rule folders: `replaces`
    def _replacements(self) -> None:
        """An added rule may take a bundled rule's place, saying so: `replaces ID because en "…" nl "…"`.
        The target must exist in an earlier folder (the bundled rules, or a folder added before);
        every version of it gives way, and `ID fires` elsewhere then reads the replacing rule."""
        where: dict[str, list[tuple[int, ast.RuleDecl, ast.RuleFile]]] = {}
        for f in self.files:
            for r in f.rules:
                where.setdefault(r.id, []).append((f.layer, r, f))
        by_target: dict[str, tuple[str, int, ast.RuleDecl, ast.RuleFile]] = {}
        for f in self.files:
            for r in f.rules:
                if len(r.replaces) > 1:
                    self._err(f, r.replaces[1].pos, f"rule {r.id} has more than one `replaces` line",
                              hint="a rule takes the place of one rule; to drop another, replace it with its own rule", code="NC-R043")
                for rep in r.replaces[:1]:
                    self._replacement(f, r, rep, where, by_target)
        self.replaced = {t: (new, layer) for t, (new, layer, _r, _f) in by_target.items()}
        for t, (new, _layer, _r, _f) in by_target.items():  # it takes the replaced rule's place in its family
            first = min(where[t], key=lambda item: item[0])
            self.family_of[new] = Path(first[2].path).stem

    def _replacement(self, f: ast.RuleFile, r: ast.RuleDecl, rep: ast.Replaces,
                     where: dict[str, list[tuple[int, ast.RuleDecl, ast.RuleFile]]],
                     by_target: dict[str, tuple[str, int, ast.RuleDecl, ast.RuleFile]]) -> None:
        langs = [lang for lang, _text, _pos in rep.because]
        for lang, text, pos in rep.because:
            if not text.strip():
                self._err(f, pos, f"rule {r.id}: the reason for replacing {rep.rule} is empty in {_lang_name(lang)}", code="NC-R043")
        if sorted(langs) != sorted(ir.LANGS):
            self._err(f, rep.pos, f"rule {r.id}: the reason for replacing {rep.rule} must be given in English and Dutch",
                      expected=f'replaces {rep.rule} because en "…" nl "…"', code="NC-R043")
        if f.layer == 0:
            self._err(f, rep.pos, f"rule {r.id} replaces {rep.rule}, but only a rule in an added folder "
                      "(`--add-rules DIR`, `normcheck_rules`) can replace another",
                      hint=f"edit or remove {rep.rule} in this folder instead", code="NC-R043")
            return
        targets = [(layer, d, g) for layer, d, g in where.get(rep.rule, []) if layer < f.layer]
        if not targets:
            same = [g for layer, _d, g in where.get(rep.rule, []) if layer == f.layer]
            if same and rep.rule != r.id:
                self._err(f, rep.pos, f"rule {r.id} replaces {rep.rule}, which is in the same folder "
                          f"({Path(same[0].path).name})", hint=f"edit or remove {rep.rule} instead", code="NC-R043")
            else:
                earlier = sorted({d.id for g in self.files if g.layer < f.layer for d in g.rules})
                self._err(f, rep.pos, f"rule {r.id} replaces `{rep.rule}`, but there is no rule {rep.rule} in the bundled "
                          "rules or a folder added before this one",
                          hint=did_you_mean(rep.rule, earlier) or "`normcheck rules` lists the rule ids", code="NC-R043")
            return
        first = by_target.get(rep.rule)
        if first is not None and first[0] != r.id:
            self._err(f, rep.pos, f"{rep.rule} is replaced twice: by {first[0]} ({Path(first[3].path).name}:{first[2].pos.line}) "
                      f"and by {r.id}", hint="one rule takes its place; merge the two, or give one of them another target", code="NC-R043")
            return
        if first is None:
            by_target[rep.rule] = (r.id, f.layer, r, f)

    def _dropped(self, r: ast.RuleDecl, f: ast.RuleFile) -> bool:
        """A rule (every version of it) that an added rule replaces."""
        hit = self.replaced.get(r.id)
        return hit is not None and f.layer < hit[1]

    # ---- defines
    def _defines(self) -> tuple[ir.Define, ...]:
        for f in self.files:
            for d in f.defines:
                if d.name in self.define_decls:
                    first = self.define_decls[d.name][0]
                    self._err(f, d.pos, f"`{d.name}` is defined twice (first at line {first.pos.line} of "
                              f"{Path(first.pos.file).name})", code="NC-R030")
                    continue
                spec = self.vocab.get(d.name)
                if spec is not None and not spec.derived:
                    self._err(f, d.pos, f"`{d.name}` is a fact stated in case files, not a derived fact", code="NC-R030",
                              hint="mark it `derived: true` in the vocabulary, or choose another name for the definition")
                    continue
                self.define_decls[d.name] = (d, f)
        graph: dict[str, set[str]] = {}
        for name, (d, _) in self.define_decls.items():
            graph[name] = {n for n in _names(d.expr) if n in self.define_decls}
        try:
            order = list(TopologicalSorter(graph).static_order())
        except CycleError as exc:
            cycle = exc.args[1]
            d, f = self.define_decls[cycle[0]]
            self._err(f, d.pos, "definitions depend on each other in a circle: " + " -> ".join(cycle), code="NC-R031")
            return ()
        out: list[ir.Define] = []
        for name in order:
            d, f = self.define_decls[name]
            ctx = _Ctx(f, self.problems)
            spec = self.vocab.get(name)
            # a definition of a vocabulary field reads its bare words as that field's values
            node, typ = self._expr(d.expr, ctx, fact_type(spec) if spec is not None else None)
            if spec is not None and typ.kind != fact_type(spec).kind and typ.kind != "any":
                self._err(f, d.pos, f"`{name}` is {fact_type(spec).describe()} in the vocabulary but its definition gives "
                          f"{typ.describe()}", code="NC-R030")
            final_type = fact_type(spec) if spec is not None else typ
            self.define_types[name] = final_type
            out.append(ir.Define(name, node, final_type, tuple(sorted(ctx.deps)), spec is not None,
                                 d.docs, f.path, d.pos.line, d.labels))
        return tuple(out)

    # ---- rules
    def _rules(self, sources: dict[str, ir.Source]) -> tuple[ir.Rule, ...]:
        built: list[ir.Rule] = []
        by_id: dict[str, list[tuple[ir.Rule, ast.RuleDecl, ast.RuleFile]]] = {}
        for f in self.files:
            stem = Path(f.path).stem  # the family's rules are rules/<id>.norm
            told = False
            for r in f.rules:
                if self._dropped(r, f):
                    continue
                family = self.family_of.get(r.id, stem)  # a replacing rule joins the family of the rule it replaces
                if family not in self.families:
                    if not told:  # an older pack read for comparison (lenient) keeps the rules, with a warning
                        place = "in a families.yaml in that added folder" if f.layer else "in rules/families.yaml"
                        self._err(f, r.pos, f"`{Path(f.path).name}` holds rules but `{family}` is not a declared norm family",
                                  hint=did_you_mean(family, self.families) or f"declare it {place} "
                                  "(title, record types, vocabulary), or move the rules into a family's file",
                                  code="NC-R045", policy=True)
                        told = True
                    if not self.lenient:
                        continue
                for rule in self._rule(r, f, family, sources) or ():
                    built.append(rule)
                    by_id.setdefault(rule.id, []).append((rule, r, f))
        for rid, versions in by_id.items():
            if len(versions) == 1:
                continue
            layers = sorted({v[2].layer for v in versions})
            if len(layers) > 1:  # an added rule with a bundled rule's id: never a silent clash
                _first_rule, first_decl, first_file = next(v for v in versions if v[2].layer == layers[0])
                for _rule, decl, f in versions:
                    if f.layer == layers[0]:
                        continue
                    self._err(f, decl.pos, f"rule id `{rid}` is already used by a rule in {_folder(first_file)} "
                              f"({Path(first_decl.pos.file).name}:{first_decl.pos.line})",
                              hint=f'to take its place say so: `replaces {rid} because en "…" nl "…"` (with the '
                                   "rule's own sources); to add a rule beside it, give it another id", code="NC-R044")
                    break
                continue
            for _rule, decl, f in versions[1:]:
                first = versions[0][1]
                if not all(v[0].version for v in versions):
                    self._err(f, decl.pos, f"rule id `{rid}` is used twice (first at {Path(first.pos.file).name}:{first.pos.line})", code="NC-R040",
                              hint="two versions of one rule each need `version \"…\"` and non-overlapping `valid from … until …`")
                    break
            else:
                spans = sorted(((v[0].valid_from, v[0].valid_until, v) for v in versions), key=lambda t: (t[0] is not None, t[0]))
                for (_, a_until, _a), (b_from, _, b) in pairwise(spans):
                    if a_until is None or b_from is None or b_from <= a_until:
                        self._err(b[2], b[1].pos, f"versions of `{rid}` overlap in time", code="NC-R040",
                                  hint="give each version a window: `valid until D` on the older, `valid from D+1` on the newer")
        graph = {r.key: {k.key for k in built if k.id in r.rule_deps} for r in built}
        try:
            order = list(TopologicalSorter(graph).static_order())
        except CycleError as exc:
            self.problems.append(Diagnostic("<rules>", None, None, "rules refer to each other in a circle: " + " -> ".join(exc.args[1]),
                                            code="NC-R031"))
            return tuple(built)
        index = {r.key: r for r in built}
        ordered = [index[k] for k in order]
        where = {v[0].key: (v[1], v[2]) for vs in by_id.values() for v in vs}
        gates: dict[str, set[str]] = {}
        out: list[ir.Rule] = []
        for rule in ordered:
            # The gate: the facts of the rule's family (its vocabulary files, context aside). A record that
            # mentions none of them is not about this rule, which is then NOT_APPLICABLE.
            reads = self._reads(([rule.applies] if rule.applies else []) + [g.expr for g in rule.grades] + list(rule.unless)
                                + ([rule.judged_on] if rule.judged_on is not None else []))
            declared = self.family_facts.get(rule.family)
            if declared is not None and rule.layer:  # an added folder's rules also read its own facts
                declared = declared | self.folder_facts.get(rule.layer, set())
            # An undeclared family (only in an older pack read leniently): the facts of the vocabulary
            # groups the rule reads, as before families were declared.
            groups = {self.vocab.facts[n].family for n in reads if n in self.vocab and n not in self.context}
            own = declared if declared is not None else {n for n, spec in self.vocab.facts.items()
                                                         if spec.family in groups and n not in self.context}
            stray = sorted(n for n in reads if n in self.vocab and n not in own and n not in self.context)
            if stray:
                decl, f = where[rule.key]
                files = sorted({Path(self.vocab.facts[n].file).name for n in stray})
                self._err(f, decl.pos, f"rule {rule.id} reads {', '.join(f'`{n}`' for n in stray)}, from "
                          f"{', '.join(files)}, which family `{rule.family}` does not declare",
                          hint=f"add {', '.join(files)} to the `vocabulary:` of `{rule.family}` in its families.yaml",
                          code="NC-R045", policy=True)
            gate = set(own)
            for dep in rule.rule_deps:
                gate |= gates.get(dep, set())
            gates.setdefault(rule.id, set()).update(gate)
            scope = self._reads([rule.applies] if rule.applies is not None else [])
            scope_gate = {n for n in scope if n in self.vocab and n not in self.context}
            out.append(replace(rule, gate=tuple(sorted(gate)), scope_gate=tuple(sorted(scope_gate))))
        return tuple(out)

    def _reads(self, nodes: list[ir.Node]) -> set[str]:
        """Every fact and definition the nodes read, through definitions."""
        seen: set[str] = set()
        todo = [n for node in nodes for n in _fact_names(node)]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in self.define_decls:
                d, _ = self.define_decls[name]
                todo.extend(n for n in _names(d.expr) if n in self.vocab or n in self.define_decls)
        return seen

    def _rule(self, r: ast.RuleDecl, f: ast.RuleFile, family: str, sources: dict[str, ir.Source]) -> list[ir.Rule] | None:
        before = len(self.problems)
        ctx = _Ctx(f, self.problems)
        titles = self._per_lang(r.titles, f, r, "title", required=True)
        messages = self._per_lang(r.messages, f, r, "message", required=True)
        counters = self._per_lang(r.counters, f, r, "counter", required=False)
        notes = self._per_lang(r.notes, f, r, "note", required=False)
        if not r.cites:
            self._err(f, r.pos, f"rule {r.id} cites no source", code="NC-R011", policy=True,
                      expected='a pinpoint citation such as: cite TQ "operative part, point 1" verified',
                      hint="every rule needs its legal source and the paragraph or article it rests on")
        for c in r.cites:
            if c.source not in sources:
                self._err(f, c.pos, f"rule {r.id} cites unknown source `{c.source}`", hint=did_you_mean(c.source, sources),
                          code="NC-R011", policy=True)
            else:
                self._check_cite(f, r, c, sources[c.source])
        for q in r.quotes:
            if q.source not in sources:
                self._err(f, q.pos, f"rule {r.id} quotes unknown source `{q.source}`", hint=did_you_mean(q.source, sources),
                          code="NC-R011", policy=True)
        if len(r.levels) > 1:
            self._err(f, r.levels[1][2], f"rule {r.id} has more than one `level … severity …` line", code="NC-R042",
                      hint="for several levels write one `fires as LEVEL severity S when …` per level")
        default_level = r.levels[0] if r.levels else None
        if default_level:
            self._check_level(f, default_level[0], default_level[1], default_level[2])
        if not r.grades:
            self._err(f, r.pos, f"rule {r.id} has no `fires when …` condition", code="NC-R042")
        grades: list[ir.Grade] = []
        for g in r.grades:
            level = g.level or (default_level[0] if default_level else None)
            severity = g.severity or (default_level[1] if default_level else None)
            if level is None or severity is None:
                self._err(f, g.pos, f"rule {r.id}: this condition has no level and severity", code="NC-R042",
                          expected="a line `level BREACH|RISK|CONTESTED severity high|medium|low`, or `fires as LEVEL severity S when …`")
            elif g.level:
                self._check_level(f, g.level, g.severity or "", g.pos)
            node = self._bool(g.expr, ctx, "the condition after `fires when`")
            self._fires_polarity(node, f, g.expr.pos, positive=True)
            declared, graded = _declarable(level), _severity(severity)
            if declared is not None and graded is not None:  # otherwise reported above
                grades.append(ir.Grade(node, declared, graded))
        for _lang, _text, pos in r.counters:
            self._err(f, pos, f"rule {r.id}: a counter-argument is now written as a reading",
                      expected="under the CONTESTED grade, at least two readings, e.g. `reading state gives OK` with "
                               "`held by SOURCE \"pinpoint\" verified`, `holder en \"…\"`, `holder nl \"…\"`, "
                               "`argues en \"…\"` and `argues nl \"…\"`",
                      hint="the counter text becomes the `argues` text of the opposing reading", code="NC-R047", policy=True)
            break
        grades = self._readings(r, f, grades, sources)
        applies_nodes = [self._bool(e, ctx, "the scope after `applies when`") for e in r.applies]
        for e, node in zip(r.applies, applies_nodes):
            self._fires_polarity(node, f, e.pos, positive=True)
        applies: ir.Node | None = None
        if len(applies_nodes) == 1:
            applies = applies_nodes[0]
        elif applies_nodes:
            applies = ir.And(tuple(applies_nodes), text=" and ".join(e.text for e in r.applies), line=r.applies[0].pos.line,
                             column=r.applies[0].pos.column, file=f.path)
        unless_nodes: list[ir.Node] = []
        for e in r.unless:
            node = self._bool(e, ctx, "the exception after `unless`")
            parts = node.operands if isinstance(node, ir.Or) else (node,)
            for p in parts:
                if not isinstance(p, ir.Fires):
                    self._fires_polarity(p, f, e.pos, positive=False)
            unless_nodes.append(node)
        if len(r.valid) > 1:
            self._err(f, r.valid[1][2], f"rule {r.id} has more than one `valid` line", code="NC-R040")
        valid_from, valid_until = (r.valid[0][0], r.valid[0][1]) if r.valid else (None, None)
        if valid_from and valid_until and valid_until < valid_from:
            self._err(f, r.valid[0][2], f"rule {r.id} is valid until {valid_until}, before it is valid from {valid_from}", code="NC-R040")
        if len(r.versions) > 1:
            self._err(f, r.versions[1][1], f"rule {r.id} has more than one `version` line", code="NC-R040")
        judged_on: ir.Node | None = None
        if len(r.judged_on) > 1:
            self._err(f, r.judged_on[1].pos, f"rule {r.id} has more than one `judged on` line", code="NC-R040")
        if r.judged_on:
            judged_on, jtype = self._expr(r.judged_on[0], ctx)
            if jtype.kind not in ("date", "any"):
                self._type_err(ctx, r.judged_on[0], f"`judged on` needs the date of the event the rule governs, "
                               f"but `{r.judged_on[0].text}` is {jtype.describe()}")
        elif (r.valid or r.versions) and self.lenient:  # as before `judged on` was required
            pos = r.valid[0][2] if r.valid else r.versions[0][1]
            judged_on = ir.EvalDate(text="evaluation_date", line=pos.line)
        elif r.valid or r.versions:
            self._err(f, (r.valid[0][2] if r.valid else r.versions[0][1]),
                      f"rule {r.id} has a validity window but no `judged on EVENT_DATE`: the version of the law "
                      "must be picked by the date of the facts, not by the day of the review",
                      hint="name the event the norm governs, e.g. `judged on decision_date` or `judged on notification_date`",
                      code="NC-R040")
        reading_texts = tuple(item for rd in r.readings for item in rd.holders + rd.arguments)
        for kind, items in (("message", r.messages), ("counter", r.counters), ("note", r.notes), ("title", r.titles),
                            ("reading", reading_texts)):
            for lang, text, pos in items:
                for name in PLACEHOLDER.findall(text):
                    if name != "evaluation_date" and name not in self.define_types and name not in self.vocab:
                        self._err(f, pos, f"rule {r.id}: the {kind} ({lang}) refers to unknown fact `{{{name}}}`", code="NC-R020",
                                  policy=True,
                                  hint=did_you_mean(name, list(self.vocab.facts) + list(self.define_types)))
        if len(self.problems) > before:
            return None
        rule = ir.Rule(
            id=r.id, family=family, titles=tuple(sorted(titles.items())),
            citations=tuple(ir.Citation(c.source, c.pinpoint, c.verified, c.about) for c in r.cites),
            quotes=tuple((q.source, q.text) for q in r.quotes),
            version=r.versions[0][0] if r.versions else None,
            valid_from=valid_from, valid_until=valid_until, applies=applies, grades=tuple(grades),
            unless=tuple(unless_nodes), messages=tuple(sorted(messages.items())),
            counters=tuple(sorted(counters.items())), notes=tuple(sorted(notes.items())),
            rule_deps=tuple(sorted(ctx.rule_deps)), judged_on=judged_on,
            file=f.path, line=r.pos.line,
            version_labels=r.versions[0][2] if r.versions else (),
            replaces=r.replaces[0].rule if r.replaces else None,
            replaces_because=tuple(sorted((lang, text) for lang, text, _pos in r.replaces[0].because)) if r.replaces else (),
            layer=f.layer,
        )
        return self._settle(rule, r, f, sources)

    # ---- readings
    def _readings(self, r: ast.RuleDecl, f: ast.RuleFile, grades: list[ir.Grade],
                  sources: dict[str, ir.Source]) -> list[ir.Grade]:
        """Attach each reading to the CONTESTED grade it follows; every CONTESTED grade names at least
        two, each with a source and its words in English and Dutch."""
        by_grade: dict[int, list[ir.Reading]] = {}
        for rd in r.readings:
            target = r.grades[rd.grade] if rd.grade is not None and rd.grade < len(r.grades) else None
            level = grades[rd.grade].level if target is not None and rd.grade is not None and rd.grade < len(grades) else None
            if level != "CONTESTED":
                self._err(f, rd.pos, f"rule {r.id}: reading `{rd.name}` follows " +
                          ("no `fires … when` line" if level is None else f"a {level} grade"),
                          hint="write the readings of a contested grade right after its `fires as CONTESTED … when …` "
                               "line (or, with `level CONTESTED`, after `fires when …`)", code="NC-R046")
                continue
            if rd.level not in ir.READING_LEVELS:
                self._err(f, rd.pos, f"rule {r.id}: reading `{rd.name}` gives `{rd.level}`",
                          expected=one_of(ir.READING_LEVELS),
                          hint="a reading says what the rule gives if that reading is adopted: a finding (BREACH, RISK), "
                               "a follow-up (INSUFFICIENT_DATA) or no problem (OK)", code="NC-R047")
            if rd.severity is not None and rd.severity not in ir.SEVERITIES:
                self._err(f, rd.pos, f"`{rd.severity}` is not a severity", expected=one_of(ir.SEVERITIES), code="NC-R042")
            if not rd.held_by:
                self._err(f, rd.pos, f"rule {r.id}: reading `{rd.name}` names no source",
                          expected='a line `held by SOURCE "pinpoint" verified|unverified`: the judgment, the published '
                                   "position or the commentary that holds it (mark what you could not check `unverified`)", code="NC-R047",
                          policy=True)
            for c in rd.held_by:
                if c.source not in sources:
                    self._err(f, c.pos, f"rule {r.id}: reading `{rd.name}` is held by unknown source `{c.source}`",
                              hint=did_you_mean(c.source, sources), code="NC-R047", policy=True)
                if not c.pinpoint.strip() and not c.about:
                    # `""` cites the source as a whole, which then says what it is cited for (as `cite` does)
                    self._err(f, c.pos, f"rule {r.id}: reading `{rd.name}`: the citation of {c.source} has an empty pinpoint",
                              expected='a locator ("para 67", "operative part, point 2"), or "" with what the source '
                                       'is cited for: en "…" nl "…"', code="NC-R047", policy=True)
                elif c.source in sources:
                    self._check_cite(f, r, c, sources[c.source], reading=True)
            holder = self._per_lang(rd.holders, f, r, f"`holder` of reading `{rd.name}`", True, keyword="holder",
                                    code="NC-R047", pos=rd.pos)
            argument = self._per_lang(rd.arguments, f, r, f"`argues` text of reading `{rd.name}`", True,
                                      keyword="argues", code="NC-R047", pos=rd.pos)
            same = [x for x in by_grade.get(rd.grade or 0, []) if x.name == rd.name]
            if same:
                self._err(f, rd.pos, f"rule {r.id}: reading `{rd.name}` is named twice for the same grade", code="NC-R047")
            gives = _reading_level(rd.level)
            if gives is None:
                continue  # reported above
            by_grade.setdefault(rd.grade or 0, []).append(ir.Reading(
                name=rd.name, level=gives, severity=_severity(rd.severity),
                held_by=tuple(ir.Citation(c.source, c.pinpoint, c.verified, c.about) for c in rd.held_by),
                holder=tuple(sorted(holder.items())), argument=tuple(sorted(argument.items()))))
        out = []
        for i, (g, decl) in enumerate(zip(grades, r.grades)):
            readings = tuple(by_grade.get(i, ()))
            if g.level == "CONTESTED" and len(readings) < 2:
                self._err(f, decl.pos, f"rule {r.id}: this CONTESTED grade names {len(readings) or 'no'} reading"
                          f"{'' if len(readings) == 1 else 's'}; a contested grade names at least two",
                          expected="after the grade, one `reading NAME gives LEVEL` per side (e.g. `applicant` and "
                                   "`state`), each with who holds it and the sources it rests on",
                          hint="contested law is CONTESTED, never BREACH: the readings say what each side's reading gives", code="NC-R046",
                          policy=True)
            out.append(replace(g, readings=readings) if readings else g)
        return out

    def _settle(self, rule: ir.Rule, r: ast.RuleDecl, f: ast.RuleFile, sources: dict[str, ir.Source]) -> list[ir.Rule]:
        """`settled as READING by SOURCE "pinpoint" … [from DATE]`: from DATE (or always) the rule gives that
        reading's level, citing the source that settled it; before DATE the contested version stays."""
        if not r.settled:
            return [rule]
        if len(r.settled) > 1:
            self._err(f, r.settled[1].pos, f"rule {r.id} has more than one `settled` line", code="NC-R048")
            return []
        st = r.settled[0]
        before = len(self.problems)
        if st.cite.source not in sources:
            self._err(f, st.pos, f"rule {r.id} is settled by unknown source `{st.cite.source}`",
                      hint=did_you_mean(st.cite.source, sources), code="NC-R048")
        if not st.cite.pinpoint.strip():
            self._err(f, st.pos, f"rule {r.id}: the citation that settles it has an empty pinpoint", code="NC-R048")
        elif st.cite.source in sources:
            self._check_cite(f, r, st.cite, sources[st.cite.source], reading=True)
        if st.reading not in rule.reading_names():
            self._err(f, st.pos, f"rule {r.id} has no reading `{st.reading}` to settle on",
                      hint=did_you_mean(st.reading, rule.reading_names()) or
                      ("its readings: " + ", ".join(rule.reading_names()) if rule.reading_names() else "it is not contested"), code="NC-R048")
        if st.since is not None and rule.judged_on is None:
            self._err(f, st.pos, f"rule {r.id} is settled from {st.since} but has no `judged on EVENT_DATE`: the "
                      "contested version must stay for events before that date",
                      hint="name the event the rule governs, e.g. `judged on decision_date`", code="NC-R048")
        if st.since is not None and rule.valid_until is not None and st.since > rule.valid_until:
            self._err(f, st.pos, f"rule {r.id} is settled from {st.since}, after it ends ({rule.valid_until})", code="NC-R048")
        if len(self.problems) > before:
            return []
        cite = ir.Citation(st.cite.source, st.cite.pinpoint, st.cite.verified, st.cite.about)
        settled = rule_under(rule, st.reading, settled_by=cite, settled_from=st.since)
        settled = replace(settled, citations=rule.citations + (cite,))
        if st.since is None or (rule.valid_from is not None and st.since <= rule.valid_from):
            return [settled]
        label = (rule.version + "; ") if rule.version else ""
        old = replace(rule, version=label + "contested", valid_until=st.since - dt.timedelta(days=1))
        new = replace(settled, version=label + f"settled: {st.reading}", valid_from=st.since)
        return [old, new]

    def _verifications_agree(self) -> None:
        """One place in a source is verified against the official text or it is not: a locator marked
        `verified` in one citation and `unverified` in another tells the reader two things (a warning at
        each `verified` one, which is the claim to re-check)."""
        for (source, pin), seen in self.verifications.items():
            if len({c.verified for _, c, _ in seen}) < 2:
                continue
            doubted = sorted({rid for _, c, rid in seen if not c.verified})
            for f, c, rid in seen:
                if c.verified:
                    self._err(f, c.pos, f"rule {rid}: {source} \"{pin}\" is marked verified here but unverified in "
                              f"{', '.join(doubted)}", code="NC-R049", warn=True,
                              expected="the same tag wherever the same place in the source is cited")

    def _check_cite(self, f: ast.RuleFile, r: ast.RuleDecl, c: ast.Cite, source: ir.Source, *,
                    reading: bool = False) -> None:
        """A pinpoint in the locator notation, or none with what is cited, in both languages — for a
        reading's sources (`held by`, `settled … by`) too: a position or a press report is cited as the
        source as a whole (`""`) with what it is cited for, so a Dutch report shows no English locator."""
        err = partial(self._err, code="NC-R014", policy=True)
        if c.pinpoint.strip():
            key = (c.source, " ".join(c.pinpoint.split()))
            self.verifications.setdefault(key, []).append((f, c, r.id))
        about = dict(c.about)
        langs = [x for x, _ in c.about]
        for lang in ir.LANGS:
            if langs.count(lang) > 1:
                err(f, c.pos, f"rule {r.id}: the citation of {c.source} says twice in {_lang_name(lang)} what it is cited for")
        if about and set(about) != set(ir.LANGS):
            missing = [x for x in ir.LANGS if x not in about]
            err(f, c.pos, f"rule {r.id}: the citation of {c.source} says what it is cited for in "
                      f"{_lang_name(next(iter(about)))} only", expected=f'`{missing[0]} "…"` as well')
        if not c.pinpoint.strip() and not about:
            err(f, c.pos, f"rule {r.id}: the citation of {c.source} has an empty pinpoint", code="NC-R011", policy=True,
                      expected="the paragraph, point or article/paragraph, e.g. \"para 67\" or \"Art. 25a(4)\", "
                               "or what the source is cited for: en \"…\" nl \"…\"")
            return
        if not source.kind:
            return  # an undeclared source keeps its pinpoint as written (a warning says so)
        try:
            parts = citations.parse_locator(c.pinpoint)
        except citations.LocatorError as exc:
            err(f, c.pos, f"rule {r.id}: the pinpoint \"{c.pinpoint}\" of {c.source} is not in the locator notation: {exc}",
                      expected=citations.LOCATOR_FORMS,
                      hint='what the pinpoint is cited for goes after it: cite SRC "para 47" en "…" nl "…" verified')
            return
        legislative = any(isinstance(p, (citations.Articles, citations.Recital)) for p in parts)
        ruling = any(isinstance(p, (citations.Paras, citations.Operative, citations.Question)) for p in parts)
        if source.kind == "legislation" and ruling:
            err(f, c.pos, f"rule {r.id}: {c.source} is legislation; cite an article or a recital",
                      expected='e.g. "Art. 10(2)" or "recital 12"')
        if source.kind in citations.RULINGS and legislative:
            err(f, c.pos, f"rule {r.id}: {c.source} is a {source.kind}; cite a paragraph or the operative part",
                      hint="an article the ruling interprets belongs in what it is cited for (en \"…\" nl \"…\")")
        if source.kind == "secondary" and parts:
            err(f, c.pos, f"rule {r.id}: {c.source} is secondary material: it gives no pinpoint",
                      hint='say what it is cited for instead: cite SRC en "…" nl "…" verified')

    def _per_lang(self, items: tuple[tuple[str, str, ast.Pos], ...], f: ast.RuleFile, r: ast.RuleDecl,
                  what: str, required: bool, *, keyword: str | None = None, code: str = "NC-R041",
                  pos: ast.Pos | None = None) -> dict[str, str]:
        """A text in each language: none twice, none empty, and (`required`) none missing — a missing one is
        reported at `pos` (else at the rule) with the line to write (`keyword`)."""
        out: dict[str, str] = {}
        for lang, text, p in items:
            if lang in out:
                self._err(f, p, f"rule {r.id}: two {what}s in {_lang_name(lang)}", code=code, policy=True)
            if not text.strip():
                self._err(f, p, f"rule {r.id}: empty {what} in {_lang_name(lang)}", code=code, policy=True)
            out[lang] = text
        if required:
            for needed in ir.LANGS:
                if needed not in out:
                    kw = keyword or ("title " if what == "title" else "")
                    self._err(f, pos or r.pos, f"rule {r.id}: no {what} in {_lang_name(needed)}",
                              expected=f'a line `{kw}{" " if keyword else ""}{needed} "…"`', code=code, policy=True)
        return out

    def _check_level(self, f: ast.RuleFile, level: str, severity: str, pos: ast.Pos) -> None:
        if level not in ir.DECLARABLE:
            self._err(f, pos, f"`{level}` is not a level a rule can raise", expected=one_of(ir.DECLARABLE), code="NC-R042",
                      hint="OK and NOT_APPLICABLE are computed by the engine; INSUFFICIENT_DATA may be declared "
                           "for a follow-up flag")
        if severity not in ir.SEVERITIES:
            self._err(f, pos, f"`{severity}` is not a severity", expected=one_of(ir.SEVERITIES), code="NC-R042")

    def _fires_polarity(self, node: ir.Node, f: ast.RuleFile, pos: ast.Pos, positive: bool) -> None:
        """`X fires` may be used positively (scope, condition) or as a whole exception (`unless X fires`)."""
        def walk(n: ir.Node, pos_ok: bool) -> None:
            if isinstance(n, ir.Fires):
                if not pos_ok:
                    self._err(f, pos, f"`{n.rule} fires` cannot be negated or used inside a comparison here", code="NC-R023",
                              hint=f"to let {n.rule} override this rule write `unless {n.rule} fires`")
                return
            if isinstance(n, (ir.And, ir.Or)):
                for o in n.operands:
                    walk(o, pos_ok)
                return
            for child in n.children():
                walk(child, False)
        walk(node, positive)

    # ---- expressions
    def _bool(self, e: ast.Expr, ctx: _Ctx, where: str) -> ir.Node:
        node, typ = self._expr(e, ctx)
        if typ.kind not in ("bool", "any"):
            self._type_err(ctx, e, f"{where} must be true or false, but `{e.text}` is {typ.describe()}")
        return node

    def _type_err(self, ctx: _Ctx, e: ast.Expr, message: str, hint: str | None = None, code: str = "NC-R021") -> None:
        self._err(ctx.file, e.pos, message, hint=hint, code=code)

    def _is_value_name(self, e: ast.Expr) -> bool:
        return isinstance(e, ast.Name) and e.name not in self.define_types and e.name not in self.define_decls \
            and e.name not in self.vocab

    def _enum_value_of(self, value: ast.Expr, fact: ast.Expr) -> bool:
        """`application_date == policy_permit_start`: the left name is one of the right fact's values."""
        if not (isinstance(value, ast.Name) and isinstance(fact, ast.Name)):
            return False
        spec = self.vocab.get(fact.name)
        return spec is not None and spec.kind in ("enum", "set") and value.name in (spec.values or ())

    def _expr(self, e: ast.Expr, ctx: _Ctx, expected: ir.Type | None = None) -> tuple[ir.Node, ir.Type]:
        method: Callable[[ast.Expr, _Ctx, ir.Type | None], tuple[ir.Node, ir.Type]] = getattr(self, "_x_" + type(e).__name__)
        node, typ = method(e, ctx, expected)
        if not node.column:  # the position of the expression, for messages about the compiled rule
            node = replace(node, column=e.pos.column, file=e.pos.file)
        return node, typ

    def _x_Lit(self, e: ast.Lit, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        v = e.value
        t: ir.Type
        if isinstance(v, bool):
            t = ir.BOOL
        elif isinstance(v, (int, Decimal)):
            t = ir.NUMBER
        elif isinstance(v, str):
            if expected is not None and expected.kind == "enum" and expected.values is not None:
                if v not in expected.values:
                    self._type_err(ctx, e, f"\"{v}\" is not a possible value here", hint=did_you_mean(v, expected.values),
                                   code="NC-R020")
                return ir.Const(v, text=e.text, line=e.pos.line), ir.Type("enum", expected.values)
            t = ir.TEXT
        else:
            t = ir.DATE
            lo, hi = self.vocab.date_range
            if not lo <= v <= hi:
                self._type_err(ctx, e, f"the date {v.isoformat()} is outside the dates normcheck evaluates ({lo.isoformat()} to {hi.isoformat()})")
        return ir.Const(v, text=e.text, line=e.pos.line), t

    def _x_EvalDate(self, e: ast.EvalDate, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        return ir.EvalDate(text=e.text, line=e.pos.line), ir.DATE

    def _x_Name(self, e: ast.Name, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        at: dict[str, Any] = {"text": e.text, "line": e.pos.line}
        if expected is not None and expected.kind in ("enum", "set") and expected.values is not None \
                and e.name in expected.values:
            return ir.Const(e.name, **at), ir.Type("enum", expected.values)
        if e.name in self.define_types:
            ctx.deps.add(e.name)
            return ir.Fact(e.name, **at), self.define_types[e.name]
        spec = self.vocab.get(e.name)
        if spec is not None:
            ctx.deps.add(e.name)
            return ir.Fact(e.name, **at), fact_type(spec)
        if e.name in self.define_decls:  # defined, but its own definition failed to check
            return ir.Fact(e.name, **at), ir.ANY
        if expected is not None and expected.kind in ("enum", "set") and expected.values is not None:
            self._type_err(ctx, e, f"`{e.name}` is neither a fact nor a possible value here",
                           hint=did_you_mean(e.name, list(expected.values)) or f"possible values: {', '.join(sorted(expected.values))}",
                           code="NC-R020")
        else:
            pool = list(self.vocab.facts) + list(self.define_decls)
            hint = did_you_mean(e.name, pool) or "facts are listed in rules/vocabulary/*.yaml; derived facts need a `define`"
            if expected is not None and expected.kind == "text":
                hint = f'a text value is written in double quotes: "{e.name}"'
            self._type_err(ctx, e, f"unknown fact `{e.name}`", hint=hint, code="NC-R020")
        return ir.Fact(e.name, **at), ir.ANY

    def _x_Call(self, e: ast.Call, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        at: dict[str, Any] = {"text": e.text, "line": e.pos.line}
        fn = FUNCTIONS.get(e.func)
        if fn is None and e.func in ("not", "and", "or", "if"):
            self._type_err(ctx, e, f"`{e.func}` cannot start an operand of `otherwise` or arithmetic",
                           hint=f"put it in parentheses: a otherwise ({e.text})", code="NC-R022")
            return ir.Const(None, **at), ir.ANY
        if fn is None:
            self._type_err(ctx, e, f"unknown function `{e.func}`", hint=did_you_mean(e.func, FUNCTIONS) or one_of(sorted(FUNCTIONS)),
                           code="NC-R022")
            return ir.Const(None, **at), ir.ANY
        sig = fn.signature
        args = [self._expr(a, ctx) for a in e.args]
        nodes = tuple(n for n, _ in args)
        if sig.alike:
            if not args:
                self._type_err(ctx, e, f"`{e.func}` needs at least one argument", hint=sig.describe(e.func), code="NC-R022")
                return ir.Call(e.func, nodes, **at), ir.ANY
            kinds = {t.kind for _, t in args} - {"any"}
            if len(kinds) > 1 or not kinds <= set(sig.alike):
                self._type_err(ctx, e, f"`{e.func}` takes {' or '.join(f'{k}s' for k in sig.alike)}, all of one kind, "
                               f"not {', '.join(sorted(kinds))}")
            res = ir.Type(kinds.pop()) if len(kinds) == 1 else ir.ANY
        else:
            if len(args) != len(sig.params):
                self._type_err(ctx, e, f"`{e.func}` takes {counted(len(sig.params), 'argument', 'arguments')}, got {len(args)}",
                               hint=sig.describe(e.func), code="NC-R022")
            for (_node, t), want, a in zip(args, sig.params, e.args):
                if t.kind not in (want, "any"):
                    self._type_err(ctx, a, f"argument `{a.text}` of `{e.func}` must be {ir.Type(want).describe()}, not {t.describe()}")
            bounds = ARGUMENT_RANGES.get(e.func)
            number = _literal_number(e.args[1]) if bounds and len(e.args) == 2 else None
            if bounds and number is not None and not bounds[0] <= number <= bounds[1]:
                self._type_err(ctx, e.args[1], f"`{e.func}` by {number:,} gives no date in the calendar",
                               hint=f"the number of {'months' if e.func == 'add_months' else 'days'} must lie between "
                                    f"{bounds[0]:,} and {bounds[1]:,}")
            assert sig.result is not None  # a signature with fixed parameters has a result (Signature checks)
            res = ir.Type(sig.result)
        return ir.Call(e.func, nodes, **at), res

    def _x_SetLit(self, e: ast.SetLit, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        values = expected.values if expected is not None and expected.kind in ("set", "enum") else None
        if values is not None:
            for item in e.items:
                if item not in values:
                    self._type_err(ctx, e, f"`{item}` is not a possible value here",
                                   hint=did_you_mean(item, values) or f"possible values: {', '.join(sorted(values))}", code="NC-R020")
        return ir.Const(frozenset(e.items), text=e.text, line=e.pos.line), ir.Type("set", values)

    def _x_RuleFires(self, e: ast.RuleFires, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        if e.rule not in self.rule_ids:
            self._type_err(ctx, e, f"unknown rule `{e.rule}`", hint=did_you_mean(e.rule, self.rule_ids), code="NC-R023")
        rule = self.replaced[e.rule][0] if e.rule in self.replaced else e.rule  # a replaced rule: its successor
        ctx.rule_deps.add(rule)
        return ir.Fires(rule, text=e.text, line=e.pos.line), ir.BOOL

    def _x_Not(self, e: ast.Not, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        return ir.Not(self._bool(e.operand, ctx, "the operand of `not`"), text=e.text, line=e.pos.line), ir.BOOL

    def _x_Neg(self, e: ast.Neg, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        node, t = self._expr(e.operand, ctx)
        if t.kind not in ("number", "any"):
            self._type_err(ctx, e, f"only numbers can be negated, `{e.operand.text}` is {t.describe()}")
        return ir.Neg(node, text=e.text, line=e.pos.line), ir.NUMBER

    def _x_BoolOp(self, e: ast.BoolOp, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        nodes = tuple(self._bool(o, ctx, f"each side of `{e.op}`") for o in e.operands)
        if e.op == "and":
            return ir.And(nodes, text=e.text, line=e.pos.line), ir.BOOL
        return ir.Or(nodes, text=e.text, line=e.pos.line), ir.BOOL

    def _pair(self, left: ast.Expr, right: ast.Expr, ctx: _Ctx) -> tuple[ir.Node, ir.Type, ir.Node, ir.Type]:
        """Type two operands; a bare value name is read against the other side's type."""
        if (self._is_value_name(left) and not self._is_value_name(right)) or (isinstance(left, ast.SetLit) and not isinstance(right, ast.SetLit)) \
                or self._enum_value_of(left, right):
            rn, rt = self._expr(right, ctx)
            ln, lt = self._expr(left, ctx, rt)
        else:
            ln, lt = self._expr(left, ctx)
            rn, rt = self._expr(right, ctx, lt)
        return ln, lt, rn, rt

    def _x_Compare(self, e: ast.Compare, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        ln, lt, rn, rt = self._pair(e.left, e.right, ctx)
        kinds = {lt.kind, rt.kind} - {"any"}
        if e.op in ("==", "!="):
            if len(kinds) > 1:
                self._type_err(ctx, e, f"cannot compare {lt.describe()} with {rt.describe()} in `{e.text}`")
            elif kinds == {"enum"} and lt.values and rt.values and not (lt.values & rt.values):
                self._type_err(ctx, e, f"`{e.text}` compares values that can never be equal")
        else:
            if len(kinds) > 1 or not kinds <= {"number", "date"}:
                self._type_err(ctx, e, f"`{e.op}` compares numbers or dates, not {lt.describe()} with {rt.describe()}",
                               hint="for dates use months_between(a, b) or days_between(a, b) to get a duration")
        return ir.Cmp(e.op, ln, rn, text=e.text, line=e.pos.line), ir.BOOL

    def _x_Member(self, e: ast.Member, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        if isinstance(e.container, ast.SetLit):
            en, et = self._expr(e.element, ctx)
            if et.kind not in ("enum", "text", "any"):
                self._type_err(ctx, e, f"`in {{…}}` tests a single value, but `{e.element.text}` is {et.describe()}",
                               hint="to test a set fact, write `{a, b} subset of fact` or `a in fact`")
            cn, ct = self._expr(e.container, ctx, et)
        else:
            cn, ct = self._expr(e.container, ctx)
            if ct.kind not in ("set", "any"):
                self._type_err(ctx, e, f"`{e.container.text}` is {ct.describe()}, not a set", hint="write `x == value`, or `x in {a, b}`")
            en, et = self._expr(e.element, ctx, ir.Type("enum", ct.values) if ct.values is not None else None)
        node: ir.Node = ir.In(en, cn, text=e.text, line=e.pos.line, column=e.pos.column, file=e.pos.file)
        if e.negated:
            node = ir.Not(node, text=e.text, line=e.pos.line)
        return node, ir.BOOL

    def _x_Subset(self, e: ast.Subset, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        ln, lt, rn, rt = self._pair(e.left, e.right, ctx)
        for side, t in ((e.left, lt), (e.right, rt)):
            if t.kind not in ("set", "any"):
                self._type_err(ctx, side, f"`subset of` needs sets on both sides; `{side.text}` is {t.describe()}")
        return ir.Subset(ln, rn, text=e.text, line=e.pos.line), ir.BOOL

    def _x_MissingFrom(self, e: ast.MissingFrom, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        ln, lt, rn, rt = self._pair(e.left, e.right, ctx)
        for side, t in ((e.left, lt), (e.right, rt)):
            if t.kind not in ("set", "any"):
                self._type_err(ctx, side, f"`missing from` needs sets on both sides; `{side.text}` is {t.describe()}")
        return ir.Diff(ln, rn, text=e.text, line=e.pos.line), ir.Type("set", lt.values or rt.values)

    def _x_IsTest(self, e: ast.IsTest, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        node, t = self._expr(e.operand, ctx)
        if e.test == "empty" and t.kind not in ("set", "any"):
            self._type_err(ctx, e, f"`is empty` applies to sets; `{e.operand.text}` is {t.describe()}")
        if e.test == "null" and not t.nullable and isinstance(node, ir.Fact):
            self._err(ctx.file, e.pos, f"`{e.operand.text}` is never null (the vocabulary does not allow null for it)", warn=True,
                      code="NC-R051")
        out: ir.Node = ir.Is(node, e.test, text=e.text, line=e.pos.line, column=e.pos.column, file=e.pos.file)
        if e.negated:
            out = ir.Not(out, text=e.text, line=e.pos.line)
        return out, ir.BOOL

    def _x_Otherwise(self, e: ast.Otherwise, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        ln, lt, rn, rt = self._pair(e.left, e.right, ctx)
        if len({lt.kind, rt.kind} - {"any"}) > 1:
            self._type_err(ctx, e, f"both sides of `otherwise` must have the same type ({lt.describe()} vs {rt.describe()})")
        return ir.Otherwise(ln, rn, text=e.text, line=e.pos.line), lt if lt.kind != "any" else rt

    def _x_Arith(self, e: ast.Arith, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        ln, lt = self._expr(e.left, ctx)
        rn, rt = self._expr(e.right, ctx)
        for side, t in ((e.left, lt), (e.right, rt)):
            if t.kind not in ("number", "any"):
                self._type_err(ctx, side, f"`{e.op}` works on numbers; `{side.text}` is {t.describe()}",
                               hint="for dates use months_between, days_between, add_days or add_months" if t.kind == "date" else None)
        return ir.Arith(e.op, ln, rn, text=e.text, line=e.pos.line), ir.NUMBER

    def _x_If(self, e: ast.If, ctx: _Ctx, expected: ir.Type | None) -> tuple[ir.Node, ir.Type]:
        cn = self._bool(e.cond, ctx, "the condition after `if`")
        tn, tt = self._expr(e.then, ctx, expected)
        en, et = self._expr(e.orelse, ctx, tt)
        if len({tt.kind, et.kind} - {"any"}) > 1:
            self._type_err(ctx, e, f"`then` and `else` must give the same type ({tt.describe()} vs {et.describe()})")
        return ir.If(cn, tn, en, text=e.text, line=e.pos.line), tt if tt.kind != "any" else et


def _declarable(level: str | None) -> ir.Declarable | None:
    for known in ir.DECLARABLE:  # narrows a checked word to the closed set
        if level == known:
            return known
    return None


def _reading_level(level: str | None) -> ir.ReadingLevel | None:
    for known in ir.READING_LEVELS:
        if level == known:
            return known
    return None


def _severity(severity: str | None) -> ir.Severity | None:
    for known in ir.SEVERITIES:
        if severity == known:
            return known
    return None


def _folder(f: ast.RuleFile) -> str:
    return "the bundled rules" if f.layer == 0 else f"added folder {f.layer} ({Path(f.path).parent})"


def _literal_number(e: ast.Expr) -> int | Decimal | None:
    """The value of a number written in the rule (`12`, `-12`), or None for anything computed."""
    if isinstance(e, ast.Lit) and isinstance(e.value, (int, Decimal)) and not isinstance(e.value, bool):
        return e.value
    if isinstance(e, ast.Neg) and e.operand is not None:
        inner = _literal_number(e.operand)
        return -inner if inner is not None else None
    return None


def _lang_name(lang: str) -> str:
    return {"en": "English", "nl": "Dutch"}.get(lang, lang)


def _names(e: ast.Expr) -> Iterable[str]:
    if isinstance(e, ast.Name):
        yield e.name
    for value in vars(e).values():
        if isinstance(value, ast.Expr):
            yield from _names(value)
        elif isinstance(value, tuple):
            for v in value:
                if isinstance(v, ast.Expr):
                    yield from _names(v)


def _fact_names(n: ir.Node) -> Iterable[str]:
    if isinstance(n, ir.Fact):
        yield n.name
    for child in n.children():
        yield from _fact_names(child)


def check(vocabulary: Vocabulary, files: list[ast.RuleFile], declarations: Declarations, lenient: bool = False,
          ) -> tuple[dict[str, ir.Source], tuple[ir.Define, ...], tuple[ir.Rule, ...], list[Diagnostic]]:
    """Check the files; return sources, defines, rules and warnings, or raise `InputError`.
    `lenient`: read an older pack for comparison (see `Checker`)."""
    checker = Checker(vocabulary, files, declarations, lenient)
    sources, defines, rules = checker.run()
    return sources, defines, rules, checker.warnings


def check_open_norms(vocabulary: Vocabulary, sources: dict[str, ir.Source]) -> dict[str, ir.OpenNorm]:
    """The open norms of the vocabulary, each criterion's source resolved against the rule files' sources."""
    problems: list[Diagnostic] = []
    out: dict[str, ir.OpenNorm] = {}
    for name, spec in vocabulary.facts.items():
        norm = spec.open_norm
        if norm is None:
            continue
        for c in norm.criteria:
            if c.citation.source not in sources:
                problems.append(Diagnostic(spec.file, spec.line, 1, f"criterion `{c.id}` of the open norm of `{name}` cites "
                                           f"unknown source `{c.citation.source}`", hint=did_you_mean(c.citation.source, sources)
                                           or "sources are declared in rules/*.norm (`source NAME \"title\" …`)",
                                           code="NC-F025"))
        out[name] = norm
    if problems:
        raise InputError(problems)
    return out

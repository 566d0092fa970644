"""The rule pack compiled to a durable-rules ruleset definition (see `durable_adapter` for how the pack maps
onto durable-rules, and ../shared/notes/durable-rules.md for the engine's traps).

Apart from `durable_adapter` because a run whose compiled ruleset is in the cache (`durable_cache`, the usual
case) never compiles: it does not load this code at all.
"""

from __future__ import annotations

import itertools
from typing import Any

from .. import ir
from .durable_adapter import JSON, CompiledPack, Cond, Forms, RuleView, _define_closure, _fact_names, define_levels, encode

# ---- a tiny condition algebra, simplified before it becomes durable-rules JSON ----------------

Operand = ir.Const | ir.Fact  # what a durable-rules condition can compare directly
TRUE: Cond = ("true",)
FALSE: Cond = ("false",)


def _joined(kind: str, neutral: Cond, absorbing: Cond, xs: tuple[Cond, ...]) -> Cond:
    """`xs` joined by `kind` ("and", "or"), simplified: nested joins of the same kind flattened, the neutral
    element left out, the absorbing one returned at once (TRUE and FALSE swap roles between the two)."""
    out: list[Cond] = []
    for x in xs:
        if x == absorbing:
            return absorbing
        if x == neutral:
            continue
        out.extend(x[1] if x[0] == kind else [x])
    if not out:
        return neutral
    return out[0] if len(out) == 1 else (kind, out)


def AND(*xs: Cond) -> Cond:
    return _joined("and", TRUE, FALSE, xs)


def OR(*xs: Cond) -> Cond:
    return _joined("or", FALSE, TRUE, xs)


def J(obj: JSON) -> Cond:
    return ("json", obj)


def to_json(c: Cond) -> JSON:
    if c[0] == "json":
        obj: JSON = c[1]
        return obj
    if c[0] == "and":
        return {"$and": [to_json(x) for x in c[1]]}
    if c[0] == "or":
        return {"$or": [to_json(x) for x in c[1]]}
    raise ValueError(c)  # TRUE/FALSE are simplified away before this point


# Tests whose left side is a property (besides equality `{p: v}`). durable-rules never matches such a test,
# or an equality, when the fact lacks that property (verified for ==, $neq, $lt, $lte, $gt, $gte on text,
# numbers and booleans, with a constant or a `$m` on the right, and for $iany and $iall). A `$m` right side
# that is absent matches anything, so only the left side counts.
_LEFT_OPS = frozenset({"$lt", "$lte", "$gt", "$gte", "$neq", "$iany", "$iall"})


def _requires(c: Cond) -> frozenset[str]:
    """The properties without which condition `c` cannot match (those it compares on a left side)."""
    if c[0] == "json":
        obj: JSON = c[1]
        if len(obj) != 1:
            return frozenset()
        ((op, arg),) = obj.items()
        if op in _LEFT_OPS and isinstance(arg, dict) and len(arg) == 1:
            return frozenset(arg)
        return frozenset() if op.startswith("$") else frozenset((op,))
    parts = [_requires(x) for x in c[1]]
    return frozenset().union(*parts) if c[0] == "and" else frozenset.intersection(*parts)


def _exists(c: Cond) -> str | None:
    """The property an existence test `{"$ex": {p: 1}}` tests, else None."""
    if c[0] == "json" and len(c[1]) == 1 and isinstance(c[1].get("$ex"), dict) and len(c[1]["$ex"]) == 1:
        name: str = next(iter(c[1]["$ex"]))
        return name
    return None


def prune(c: Cond) -> Cond:
    """`c` without the parts that cannot change what it matches: a repeated operand of an and/or, and an
    existence test beside a test that already requires that property (the four forms guard every
    comparison with `$ex`, which a left-side comparison makes redundant). durable-rules builds an alpha
    node per test and parses the definition once per nesting level, so a smaller condition is a
    cheaper ruleset to register (about a third of the registration of a family's rules)."""
    if c[0] not in ("and", "or"):
        return c
    items: list[Cond] = []
    for x in map(prune, c[1]):
        for y in (x[1] if x[0] == c[0] else [x]):
            if y not in items:
                items.append(y)
    if c[0] == "and":
        required = frozenset().union(*(_requires(x) for x in items))
        items = [x for x in items if _exists(x) not in required]
    return items[0] if len(items) == 1 else (c[0], items)


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_JOP = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


class _Compiler:
    def __init__(self, pack: ir.RulePack) -> None:
        self.pack = pack
        self.props: set[str] = set()  # fact names the current rule's fact must carry
        self.atoms: dict[ir.Node, str] = {}  # computed leaves -> property name (whole pack)
        self.rule_atoms: dict[ir.Node, str] = {}  # the current rule's atoms
        self.terms: dict[ir.Node, str] = {}  # computed operands -> property name (whole pack)
        self.rule_terms: dict[ir.Node, str] = {}  # the current rule's terms
        self.term_names: set[str] = set()
        self.define_names = frozenset(d.name for d in pack.defines)

    def begin_rule(self) -> None:
        self.props = set()
        self.rule_atoms = {}
        self.rule_terms = {}

    # -- operands
    def _prop(self, name: str) -> str:
        if name != "_as_of" and name not in self.term_names:
            self.props.add(name)
        return name

    def _nullable(self, name: str) -> bool:
        if name in self.term_names:
            return True
        t = self.pack.fact_types.get(name)
        return bool(t and t.nullable) or name in self.define_names

    def _term_ok(self, o: ir.Node) -> bool:
        """An operand durable-rules can compare: a fact, a constant, or a value the durable side computes."""
        return isinstance(o, ir.Fact) or (isinstance(o, ir.Const) and o.value is not None) or isinstance(o, TERMS)

    def _operand(self, o: ir.Node) -> Operand:
        """A computed operand (date arithmetic, a difference, `otherwise` …) becomes a property `_tN`
        that the durable side computes with its own functions; the comparison itself stays in
        durable-rules' condition language. The evaluation date is the property `_as_of`."""
        if isinstance(o, ir.EvalDate):
            return ir.Fact(name="_as_of")
        if isinstance(o, TERMS):
            name = self.terms.setdefault(o, f"_t{len(self.terms)}")
            self.term_names.add(name)
            self.rule_terms[o] = name
            return ir.Fact(name=name)
        assert isinstance(o, (ir.Const, ir.Fact))  # see _term_ok
        return o

    def EX(self, o: Operand) -> Cond:
        if isinstance(o, ir.Const):
            return TRUE
        return J({"$ex": {self._prop(o.name): 1}})

    def NU(self, o: Operand) -> Cond:
        if isinstance(o, ir.Const) or not self._nullable(o.name):
            return FALSE
        return J({self._prop(o.name) + "__null": True})

    def KN(self, o: Operand) -> Cond:
        return OR(self.EX(o), self.NU(o))

    def UN(self, o: Operand) -> Cond:
        if isinstance(o, ir.Const):
            return FALSE
        name = self._prop(o.name)
        parts = [J({"$nex": {name: 1}})]
        if self._nullable(name):
            parts.append(J({"$nex": {name + "__null": 1}}))
        return AND(*parts)

    # -- comparison of two simple operands
    def _cmp_pred(self, op: str, a: Operand, b: Operand) -> Cond:
        if isinstance(a, ir.Const) and isinstance(b, ir.Const):
            x: Any = a.value  # two constants of one type (the checker saw to it)
            y: Any = b.value
            ok = {"==": x == y, "!=": x != y}.get(op)
            if ok is None:
                ok = {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
            return TRUE if ok else FALSE
        if isinstance(a, ir.Const):
            return self._cmp_pred(_FLIP[op], b, a)
        left = self._prop(a.name)
        right: Any = encode(b.value) if isinstance(b, ir.Const) else {"$m": self._prop(b.name)}
        if op == "==":
            return J({left: right})
        return J({_JOP[op]: {left: right}})

    def _atom(self, n: ir.Node) -> tuple[Cond, Cond, Cond]:
        name = self.atoms.setdefault(n, f"_a{len(self.atoms)}")
        self.rule_atoms[n] = name
        return J({name: True}), J({name: False}), J({"$nex": {name: 1}})

    def leaf(self, n: ir.Node) -> tuple[Cond, Cond, Cond]:
        """(true, false, unknown) conditions of a leaf, mirroring the evaluator's truth tables."""
        if isinstance(n, ir.Const) and isinstance(n.value, bool):
            return (TRUE, FALSE, FALSE) if n.value else (FALSE, TRUE, FALSE)
        if isinstance(n, ir.Fact) and self.pack.fact_types.get(n.name, ir.BOOL).kind == "bool":
            prop = self._prop(n.name)
            return J({prop: True}), J({prop: False}), self.UN(n)
        if isinstance(n, ir.Cmp) and self._term_ok(n.left) and self._term_ok(n.right):
            a, b = self._operand(n.left), self._operand(n.right)
            u = OR(self.UN(a), self.UN(b))
            both = AND(self.EX(a), self.EX(b))
            if n.op in ("==", "!="):
                eq = OR(AND(both, self._cmp_pred("==", a, b)), AND(self.NU(a), self.NU(b)))
                ne = OR(AND(both, self._cmp_pred("!=", a, b)), AND(self.NU(a), self.EX(b)), AND(self.EX(a), self.NU(b)))
                return (eq, ne, u) if n.op == "==" else (ne, eq, u)
            t = AND(both, self._cmp_pred(n.op, a, b))
            f = OR(AND(both, self._cmp_pred(_NEGATE[n.op], a, b)), AND(self.NU(a), self.KN(b)), AND(self.KN(a), self.NU(b)))
            return t, f, u
        if isinstance(n, ir.In) and self._term_ok(n.element) and self._term_ok(n.container) \
                and (isinstance(n.element, ir.Const) or isinstance(n.container, ir.Const)):
            e, c = self._operand(n.element), self._operand(n.container)
            u = OR(self.UN(e), self.UN(c))
            both = AND(self.EX(e), self.EX(c))
            nulls = OR(AND(self.NU(e), self.KN(c)), AND(self.KN(e), self.NU(c)))
            p: Cond
            notp: Cond
            if isinstance(c, ir.Const):
                members = _texts(c.value)
                if isinstance(e, ir.Const):
                    p = TRUE if e.value in members else FALSE
                    notp = FALSE if p == TRUE else TRUE
                else:
                    p = OR(*[self._cmp_pred("==", e, ir.Const(v)) for v in sorted(members)])
                    notp = AND(*[self._cmp_pred("!=", e, ir.Const(v)) for v in sorted(members)])
            else:
                assert isinstance(e, ir.Const)  # not both facts (see the condition above)
                s = self._prop(c.name)
                p = J({"$iany": {s: {"$i": e.value}}})
                notp = self._lacks(s, str(e.value))
            return AND(both, p), OR(AND(both, notp), nulls), u
        if isinstance(n, ir.Subset) and (isinstance(n.left, ir.Const) != isinstance(n.right, ir.Const)) \
                and self._term_ok(n.left) and self._term_ok(n.right):
            a, b = self._operand(n.left), self._operand(n.right)
            u = OR(self.UN(a), self.UN(b))
            both = AND(self.EX(a), self.EX(b))
            nulls = OR(AND(self.NU(a), self.KN(b)), AND(self.KN(a), self.NU(b)))
            if isinstance(a, ir.Const):
                assert isinstance(b, ir.Fact)  # exactly one side is a constant (see the condition above)
                s = self._prop(b.name)
                items = sorted(_texts(a.value))
                p = AND(*[J({"$iany": {s: {"$i": v}}}) for v in items])
                notp = OR(*[self._lacks(s, v) for v in items])
            else:
                assert isinstance(b, ir.Const)
                s = self._prop(a.name)
                self.props.add(s + "__n")
                allowed = sorted(_texts(b.value))
                if allowed:
                    p = OR(J({s + "__n": 0}), J({"$iall": {s: to_json(OR(*[J({"$i": v}) for v in allowed]))}}))
                    notp = J({"$iany": {s: to_json(AND(*[J({"$neq": {"$i": v}}) for v in allowed]))}})
                else:
                    p, notp = J({s + "__n": 0}), J({"$gt": {s + "__n": 0}})
            return AND(both, p), OR(AND(both, notp), nulls), u
        if isinstance(n, ir.Is) and isinstance(n.operand, (ir.Fact, *TERMS)):
            o = self._operand(n.operand)
            assert isinstance(o, ir.Fact)  # a fact, or a computed operand's property
            if n.test == "known":
                return self.KN(o), self.UN(o), FALSE
            if n.test == "unknown":
                return self.UN(o), self.KN(o), FALSE
            if n.test == "null":
                return self.NU(o), self.EX(o), self.UN(o)
            count = self._prop(o.name) + "__n"
            self.props.add(count)
            return OR(self.NU(o), J({count: 0})), J({"$gt": {count: 0}}), self.UN(o)
        return self._atom(n)

    def _bool_leaf(self, n: ir.Node) -> bool:
        """A condition that `leaf` expresses in durable-rules (never null): a comparison, membership,
        subset or `is` test, or a true/false fact that cannot be stated as null."""
        if isinstance(n, ir.Fact):
            d = self.pack.define(n.name)
            t = d.type if d is not None else self.pack.fact_types.get(n.name)
            return t is not None and t.kind == "bool" and not t.nullable and d is None
        return isinstance(n, (ir.Cmp, ir.In, ir.Subset, ir.Is))

    def _lacks(self, s: str, v: str) -> Cond:
        self.props.add(s + "__n")
        return OR(J({s + "__n": 0}), J({"$iall": {s: {"$neq": {"$i": v}}}}))

    # -- boolean structure
    def forms(self, n: ir.Node) -> Forms:
        """The four forms of a condition; a sub-condition whose disjunctive form would grow past
        MAX_BRANCHES becomes one computed atom, because durable-rules expands every `$or` into
        separate alpha-network branches and overflows its 64-entry match stack."""
        out = self._forms(n)
        if isinstance(n, (ir.And, ir.Or, ir.Not)) and max(_branches(f) for f in (out.t, out.f, out.n, out.nf)) > MAX_BRANCHES:
            t, f, u = self._atom(n)
            return Forms(t, f, OR(f, u), OR(t, u))
        return out

    def _forms(self, n: ir.Node) -> Forms:
        if isinstance(n, ir.Not):
            inner = self.forms(n.operand)
            return Forms(inner.f, inner.t, inner.nf, inner.n)
        if isinstance(n, (ir.And, ir.Or)):
            parts = [self.forms(o) for o in n.operands]
            if isinstance(n, ir.And):
                return Forms(AND(*[p.t for p in parts]), OR(*[p.f for p in parts]),
                             OR(*[p.n for p in parts]), AND(*[p.nf for p in parts]))
            return Forms(OR(*[p.t for p in parts]), AND(*[p.f for p in parts]),
                         AND(*[p.n for p in parts]), OR(*[p.nf for p in parts]))
        if isinstance(n, ir.Fires):  # pragma: no cover - the checker only allows positive references
            raise ValueError("rule reference in a negative position")
        if isinstance(n, ir.Otherwise) and self._bool_leaf(n.left):
            # `X otherwise Y` on conditions: X where X is known, else Y (in durable-rules' own terms)
            lt, lf, lu = self.leaf(n.left)
            r = self.forms(n.right)
            return Forms(OR(lt, AND(lu, r.t)), OR(lf, AND(lu, r.f)), OR(lf, AND(lu, r.n)), OR(lt, AND(lu, r.nf)))
        t, f, u = self.leaf(n)
        return Forms(t, f, OR(f, u), OR(t, u))

    def alternatives(self, n: ir.Node) -> list[tuple[frozenset[str], Cond]]:
        """Disjunctive form over rule references: [(rules that must have fired, condition on the case)]."""
        if isinstance(n, ir.Fires):
            return [(frozenset({n.rule}), TRUE)]
        if not _has_fires(n):
            return [(frozenset(), self.forms(n).t)]
        if isinstance(n, ir.And):
            out = []
            for combo in itertools.product(*[self.alternatives(o) for o in n.operands]):
                rules = frozenset().union(*(r for r, _ in combo))
                cond = AND(*[c for _, c in combo])
                if cond != FALSE:
                    out.append((rules, cond))
            return out
        if isinstance(n, ir.Or):
            return [alt for o in n.operands for alt in self.alternatives(o)]
        raise ValueError("rule reference in a negative position")  # pragma: no cover


MAX_BRANCHES = 8

# Operands the durable side computes (with `durable_functions`) and durable-rules then compares.
TERMS = (ir.Arith, ir.Neg, ir.Call, ir.Otherwise, ir.If, ir.Diff, ir.EvalDate)


def _texts(value: ir.Value) -> frozenset[str]:
    """A set constant's members (the checker only lets set constants reach a membership or subset test)."""
    assert isinstance(value, frozenset)
    return value


def _branches(c: Cond) -> int:
    """How many alpha-network branches durable-rules makes of a condition (its DNF size)."""
    if c[0] == "and":
        total = 1
        for x in c[1]:
            total *= _branches(x)
        return total
    if c[0] == "or":
        return sum(_branches(x) for x in c[1])
    return 1


def _has_fires(n: ir.Node) -> bool:
    if isinstance(n, ir.Fires):
        return True
    for value in vars(n).values():
        if isinstance(value, ir.Node) and _has_fires(value):
            return True
        if isinstance(value, tuple) and any(isinstance(v, ir.Node) and _has_fires(v) for v in value):
            return True
    return False


def compile_pack(pack: ir.RulePack) -> CompiledPack:
    """The durable-rules ruleset definition of a pack (pure data; registering is separate)."""
    comp = _Compiler(pack)
    by_key = {r.key: r for r in pack.rules}
    stratum: dict[str, int] = {}
    for rule in pack.rules:  # dependency order
        s = 0
        negative = _negative_refs(rule)
        for dep in rule.rule_deps:
            dep_s = max(stratum.get(k, 0) for k in by_key if by_key[k].id == dep)
            s = max(s, dep_s + 1 if dep in negative else dep_s)
        stratum[rule.key] = s
    definition: dict[str, JSON] = {}
    views: list[RuleView] = []
    for rule in pack.rules:
        comp.begin_rule()
        # The validity window is tested against the date of the event the rule governs (`_j`, one per
        # rule fact) or, for a rule without `judged on`, the evaluation date. An unknown event date
        # (absent `_j`) lets every version fire: the engine then compares all versions' verdicts.
        when = "_j" if rule.judged_on is not None else "_as_of"
        bounds = []
        if rule.valid_from:
            bounds.append(J({"$gte": {when: encode(rule.valid_from)}}))
        if rule.valid_until:
            bounds.append(J({"$lte": {when: encode(rule.valid_until)}}))
        if rule.judged_on is not None and bounds:
            # unknown event date: a candidate if it was in force by the review date (the engine then
            # requires every candidate to agree, as the evaluator does)
            started = [J({"$gte": {"_as_of": encode(rule.valid_from)}})] if rule.valid_from else []
            window = [OR(AND(J({"$nex": {"_j": 1}}), *started), AND(*bounds))]
        else:
            window = bounds
        scope_alts = comp.alternatives(rule.applies) if rule.applies is not None else [(frozenset(), TRUE)]
        none_rules: list[str] = []
        exc_conds: list[Cond] = []
        for u in rule.unless:
            for part in (u.operands if isinstance(u, ir.Or) else (u,)):
                if isinstance(part, ir.Fires):
                    none_rules.append(part.rule)
                else:
                    exc_conds.append(comp.forms(part).n)
        # The relevance gate (does the record mention any fact of the rule's family?) is applied
        # before asserting: a rule's fact is sent only when the gate passes (see case_facts).
        for gi, grade in enumerate(rule.grades):
            grade_alts = comp.alternatives(grade.expr)
            for ai, ((srules, scond), (grules, gcond)) in enumerate(itertools.product(scope_alts, grade_alts)):
                cond = AND(J({"t": rule.key}), *window, scond, gcond, *exc_conds)
                if cond == FALSE:
                    continue
                patterns: list[JSON] = []
                if none_rules:
                    patterns.append({"z": {"$and": [{"t": "$end"}, {"n": stratum[rule.key]}]}})
                patterns.append({"c": to_json(prune(cond))})
                for i, ref in enumerate(sorted(srules | grules)):
                    patterns.append({f"f{i}": {"$and": [{"t": "finding"}, {"rule": ref}]}})
                for i, ref in enumerate(none_rules):
                    patterns.append({f"x{i}$not": {"$and": [{"t": "finding"}, {"rule": ref}]}})
                definition[f"{rule.key}#{gi}#{ai}"] = {"all": patterns}
        reads = set(comp.props)
        for node in [*comp.rule_atoms, *comp.rule_terms] + ([rule.judged_on] if rule.judged_on is not None else []):
            reads |= _fact_names(node)
        views.append(RuleView(rule.key, tuple(sorted(comp.props)), tuple(comp.rule_atoms.items()), frozenset(rule.gate),
                              tuple(comp.rule_terms.items()), _define_closure(pack, reads)))
    # Derived facts by forward chaining, a dependency level at a time: the definitions a case needs are
    # grouped by level (a definition's level is one more than the highest level of the definitions it
    # reads; those that read only case facts are level 0), and the case's k-th group gets an `$in`
    # fact (k, the definitions, the case facts they read). The rule `_def@k` fires once that `$in`
    # fact and, for k > 0, the `$def` fact of group k-1 (the derived facts later groups read) are
    # present; its action computes the group's definitions with the durable side's own functions and
    # asserts `$def` k for the next group.
    for k in range(define_levels(pack)):
        patterns = [{"i": {"$and": [{"t": "$in"}, {"k": k}]}}]
        if k:
            patterns.append({"e": {"$and": [{"t": "$def"}, {"k": k - 1}]}})
        definition[f"_def@{k}"] = {"all": patterns}
    # A case that needs no derived fact starts with a `$begin` fact that one trivial rule observes:
    # durable-rules 2.0.28 segfaults in delete_state for a state in which no action ever ran
    # (verified: a fact waiting in a join, then delete_state), and one action per case is far
    # cheaper than a catch-all observer firing for every fact. (A case with `$in` facts always
    # runs `_def@0`.)
    definition["_begin"] = {"all": [{"m": {"t": "$begin"}}]}
    # A sink that every rule's fact enters but that never completes (no `$never` fact exists): it
    # makes each fact "handled", so a whole case can be asserted in one batch without a catch-all
    # action firing per fact (durable-rules raises MessageNotHandledException for a batch with an
    # unmatched fact and then completes rules late, on its timer thread).
    definition["_sink"] = {"all": [{"v": {"$ex": {"_as_of": 1}}}, {"n": {"t": "$never"}}]}
    return CompiledPack(
        name="nc_" + pack.digest[:16], definition=definition, views=tuple(views),
        strata=max(stratum.values(), default=0),
    )


def _calls(pack: ir.RulePack) -> set[str]:
    """The functions of the rule language the pack calls."""
    todo: list[ir.Node] = [d.expr for d in pack.defines]
    for r in pack.rules:
        todo.extend(g.expr for g in r.grades)
        todo.extend(r.unless)
        todo.extend(n for n in (r.applies, r.judged_on) if n is not None)
    out: set[str] = set()
    while todo:
        n = todo.pop()
        if isinstance(n, ir.Call):
            out.add(n.func)
        todo.extend(n.children())
    return out


def _negative_refs(rule: ir.Rule) -> set[str]:
    out: set[str] = set()
    for u in rule.unless:
        for part in (u.operands if isinstance(u, ir.Or) else (u,)):
            if isinstance(part, ir.Fires):
                out.add(part.rule)
    return out

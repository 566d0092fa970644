"""Compile the rule pack to durable-rules (the compiler itself is `durable_compile`, loaded on a cache miss)
and run cases on it.

How the pack maps onto durable-rules (see ../shared/notes/durable-rules.md for the traps):

* One ruleset definition per rule pack, under a content-addressed name (`nc_<digest>`), registered
  on the engine's own host (`SyncHost`: durable-rules' `engine.Host` without its background threads;
  one per `normcheck.engine.Engine`, which a process keeps for its lifetime) in parts, lazily: a
  case runs on the part holding the rules of the families it mentions (and what they chain with),
  registered the first time a case needs it (`DurableEngine.ruleset`). Rulesets can never be deleted
  or redefined, so after MAX_RULESETS parts a new set of families runs on the whole pack.
* One case = one state id (`sid`); the state is deleted after reading the results (at most 1,024
  live states per ruleset).
* Each relevant rule gets one fact, the case as that rule sees it: every fact and derived fact its
  conditions test, as JSON (dates as day numbers, sets as lists with a `__n` count, a null as
  `<name>__null`), worked out once per case into one property map. Unknown facts
  are simply absent: durable-rules never matches an absent property, which is exactly
  "not known to be true".
* The durable side decides without the evaluator (issue 13 §1): derived facts come from its own
  forward chaining, a dependency level at a time (the rule `_def@k` fires once the `$in` fact of
  the case's k-th level of needed definitions, carrying the case facts they read, and the `$def`
  fact of the level before, carrying the derived facts later levels read, are present; its action
  computes that level's definitions and asserts `$def` k); computed operands (date arithmetic, differences, `otherwise`, the rule language's
  functions) become properties `_tN` that durable-rules then compares in its own condition
  language; what that language cannot express is passed as three-valued atoms `_aN`. All of it is
  computed by `durable_functions` (each expression compiled once into closures this engine owns),
  whose function table is the `durable` implementation of every function in the registry
  (`normcheck.functions`): it shares no code path with the evaluator.
* Three-valued logic: every condition is compiled in four forms — known true, known false, not
  true, not false — with negation pushed down to the leaves, so `not` never becomes
  negation-as-failure.
* Rules chain: a firing rule asserts a `finding` fact; a rule that refers to `X fires` joins on
  it. `unless X fires` becomes `none(finding X)`, guarded by an end-of-stratum sentinel that is
  asserted only after every rule it depends on has settled (negation is stratified).
* A catch-all rule observes every fact so no assertion raises `MessageNotHandledException`, and
  exceptions inside actions (which durable-rules swallows) are re-raised from the state.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import ir
from ..values import EPOCH, NULL, UNKNOWN
from . import durable_functions as dfn
from .evaluate import Env

# Built on Python 3.13 without CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject (see the README),
# durable-rules 2.0.28 does not import; normcheck then runs its own evaluator and says so.
try:
    import durable_rules_engine  # noqa: F401
    from durable import engine as _dengine

    AVAILABLE = True
    IMPORT_ERROR = ""
except Exception as exc:  # pragma: no cover - depends on the interpreter
    AVAILABLE = False
    IMPORT_ERROR = f"{type(exc).__name__}: {exc}"

VERSION = "2.0.28"

Cond = tuple[Any, ...]  # ("true",) | ("false",) | ("json", {...}) | ("and"|"or", [Cond, ...]) (see durable_compile)
JSON = dict[str, Any]


def encode(value: Any) -> Any:
    """A fact value as durable-rules JSON."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return (value - EPOCH).days
    if isinstance(value, (frozenset, set)):
        return sorted(str(v) for v in value)
    return value


@dataclass(frozen=True)
class Forms:  # (durable_compile's; a dataclass of this module keeps its methods in normcheck's compiled table)
    t: Cond  # known true
    f: Cond  # known false
    n: Cond  # not known true
    nf: Cond  # not known false


@dataclass(frozen=True)
class RuleView:
    """What one rule's fact carries: the facts it reads, the operands (terms) and leaves (atoms) the
    durable side computes for it, and the derived facts these need (worked out by forward chaining)."""

    key: str
    props: tuple[str, ...]
    atoms: tuple[tuple[ir.Node, str], ...]
    gate: frozenset[str] = frozenset()
    terms: tuple[tuple[ir.Node, str], ...] = ()
    defines: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _ViewPlan:
    """A rule fact as the engine builds it per case: the compiled event date, operands and leaves."""

    key: str
    judged: dfn.Code | None
    props: tuple[str, ...]
    terms: tuple[tuple[str, dfn.Code], ...]
    atoms: tuple[tuple[str, dfn.Code], ...]
    keys: tuple[str, ...]  # every property its fact can carry (a value, `__null`, a set's `__n`)


@dataclass(frozen=True)
class CompiledPack:
    name: str
    definition: dict[str, JSON]
    views: tuple[RuleView, ...]
    strata: int


def _fact_names(n: ir.Node) -> set[str]:
    """The facts and derived facts an expression reads."""
    if isinstance(n, ir.Fact):
        return {n.name}
    out: set[str] = set()
    for value in vars(n).values():
        if isinstance(value, ir.Node):
            out |= _fact_names(value)
        elif isinstance(value, tuple):
            for v in value:
                if isinstance(v, ir.Node):
                    out |= _fact_names(v)
    return out


def compile_pack(pack: ir.RulePack) -> CompiledPack:
    """The durable-rules ruleset definition of a pack (pure data; registering is separate): see
    `durable_compile.compile_pack`, loaded only by a run that compiles."""
    from .durable_compile import compile_pack as compile_

    return compile_(pack)


def _unimplemented(pack: ir.RulePack) -> list[str]:
    """The functions the pack calls that the durable side has no implementation of. A pack calls only
    functions the registry declares (the checker refuses others), so while the durable side implements
    every declared one (`dfn.missing()` is empty: tests/test_core.py) no pack can call a missing one and
    its expressions need not be walked, on every run, to find the calls."""
    if not dfn.missing():
        return []
    from .durable_compile import _calls

    return sorted(_calls(pack) - dfn.FUNCTIONS.keys())


def _define_closure(pack: ir.RulePack, names: set[str]) -> frozenset[str]:
    """The derived facts among `names` and every derived fact they read in turn."""
    defines = {d.name: d for d in pack.defines}
    todo = [n for n in names if n in defines]
    out: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo.extend(x for x in defines[name].deps if x in defines)
    return frozenset(out)


def _carry(name: str, value: Any) -> dict[str, Any]:
    """A value carried to an action (not compared): exact, so decimals travel as text."""
    if value is UNKNOWN:
        return {}
    if value is NULL:
        return {name + "__null": True}
    if isinstance(value, Decimal):
        return {name: str(value)}
    if isinstance(value, dt.date):
        return {name: value.toordinal()}
    if isinstance(value, (frozenset, set)):
        return {name: sorted(value)}
    return {name: value}


def _uncarry(kind: str, fact: dict[str, Any], name: str) -> Any:
    if name + "__null" in fact:
        return NULL
    if name not in fact:
        return UNKNOWN
    raw = fact[name]
    if kind == "date":
        return dt.date.fromordinal(raw)
    if kind == "set":
        return frozenset(raw)
    if kind == "number" and isinstance(raw, str):
        return Decimal(raw)
    return raw


def _levels(pack: ir.RulePack) -> dict[str, int]:
    """Each definition's dependency level: 0 when it reads case facts only, else one more than the
    highest level of the definitions it reads (the checker refused cycles)."""
    defines = {d.name: d for d in pack.defines}
    out: dict[str, int] = {}

    def level(name: str) -> int:
        if name not in out:
            out[name] = 1 + max((level(x) for x in defines[name].deps if x in defines), default=-1)
        return out[name]
    for name in defines:
        level(name)
    return out


def define_levels(pack: ir.RulePack) -> int:
    """How many dependency levels the pack's definitions have (the `_def@k` rules: k below it)."""
    return 1 + max(_levels(pack).values(), default=-1)


@dataclass(frozen=True)
class DefinePlan:
    """How the durable side derives one definition: its compiled expression (durable_functions), the
    case facts and derived facts it reads (with the kind each travels as) and whether a later level
    reads it (then the `$def` fact carries it)."""

    name: str
    level: int
    code: dfn.Definition
    inputs: tuple[tuple[str, str], ...]  # case facts it reads, (name, kind)
    deps: tuple[tuple[str, str], ...]  # derived facts it reads, (name, kind)
    stated: str | None  # its kind when a case may state it (the stated value travels in `$in`), else None
    carried: bool


class DefinePlans(Mapping[str, DefinePlan]):
    """The plans of the pack's definitions (name -> plan), each compiled the first time it is looked up.

    A case derives the definitions its families' rules read, a few of the pack's; compiling every
    expression when the engine is made cost a one-case run more than deriving them. A plan may be
    replaced (`plans[name] = plan`: tests break one on purpose)."""

    def __init__(self, pack: ir.RulePack) -> None:
        self._pack = pack
        self._defined = {x.name: x for x in pack.defines}
        self._levels: dict[str, int] = {}  # worked out on need (see level)
        # the definitions a later level reads (a definition's level is above the levels of those it reads)
        self._read_later = {x for d in pack.defines for x in d.deps if x in self._defined}
        self._plans: dict[str, DefinePlan] = {}

    def level(self, name: str) -> int:
        """A definition's dependency level (as `_levels`), without compiling its plan; worked out for the
        definitions a case needs and those they read, not for the whole pack at the engine's start."""
        out = self._levels.get(name)
        if out is None:
            out = self._levels[name] = 1 + max((self.level(x) for x in self._defined[name].deps if x in self._defined), default=-1)
        return out

    def __getitem__(self, name: str) -> DefinePlan:
        plan = self._plans.get(name)
        if plan is None:
            plan = self._plans[name] = self._plan(self._defined[name])
        return plan

    def __setitem__(self, name: str, plan: DefinePlan) -> None:
        if name not in self._defined:
            raise KeyError(name)
        self._plans[name] = plan

    def __iter__(self) -> Iterator[str]:
        return iter(self._defined)

    def __len__(self) -> int:
        return len(self._defined)

    def __contains__(self, name: object) -> bool:
        return name in self._defined

    def _plan(self, d: ir.Define) -> DefinePlan:
        defined, fact_types = self._defined, self._pack.fact_types
        return DefinePlan(
            name=d.name, level=self.level(d.name), code=dfn.compile_define(d),
            inputs=tuple((x, fact_types[x].kind if x in fact_types else "text") for x in d.deps if x not in defined),
            deps=tuple((x, defined[x].type.kind) for x in d.deps if x in defined),
            stated=d.type.kind if d.in_vocabulary else None, carried=d.name in self._read_later)


def define_plans(pack: ir.RulePack) -> dict[str, DefinePlan]:
    """The plans of all the pack's definitions, each expression compiled once (for one DurableEngine)."""
    return dict(DefinePlans(pack))


_EPOCH = EPOCH.toordinal()
_META = frozenset({"sid", "t", "k", "_as_of"})


def level_action(plans: Mapping[str, DefinePlan], record: Callable[[str, dict[str, Any]], None] | None = None) -> Callable[[Any], None]:
    """The action of `_def@k`: the definitions its `$in` fact names, from the case facts that fact
    carries and the derived facts of the `$def` fact it joined, with the durable side's own functions;
    then `$def` k (the derived facts so far that later levels read) when a later group follows.
    `record(sid, values)` hands the derived facts to whoever registered the action."""

    def run(c: Any) -> None:
        matched = c._m
        inp = matched["i"]
        prior = matched.get("e")
        as_of = dt.date.fromordinal(_EPOCH + inp["_as_of"])
        todo = [plans[x] for x in inp["d"]]
        vals: dict[str, Any] = {}
        for p in todo:
            for x, kind in p.inputs:
                if x not in vals:
                    vals[x] = _uncarry(kind, inp, x)
            if prior is not None:
                for x, kind in p.deps:
                    if x not in vals:
                        vals[x] = _uncarry(kind, prior, x)
        out = {p.name: p.code(vals, as_of, UNKNOWN if p.stated is None else _uncarry(p.stated, inp, p.name)) for p in todo}
        if record is not None:
            record(c.s.sid, out)
        if inp.get("more"):
            fact = {"t": "$def", "k": inp["k"], "_as_of": inp["_as_of"]}
            if prior is not None:
                fact.update((x, v) for x, v in prior.items() if x not in _META)
            for p in todo:
                if p.carried:
                    fact.update(_carry(p.name, out[p.name]))
            c.assert_fact(fact)
    return run


def cached_compile_pack(pack: ir.RulePack, accept: Callable[[CompiledPack], None] | None = None) -> CompiledPack:
    """`compile_pack`, read from the cache next to the compiled pack when it is there (see `durable_cache`).
    A pack compiled afresh is first given to `accept`, which may refuse it by raising: only a ruleset
    it accepted is cached."""
    from . import durable_cache

    hit = durable_cache.read(pack)
    if hit is not None:
        name, definition, views, strata = hit
        return CompiledPack(name=name, definition=definition, strata=strata, views=tuple(
            RuleView(rule.key, props, atoms, frozenset(rule.gate), terms, defines)
            for rule, (props, atoms, terms, defines) in zip(pack.rules, views)))
    compiled = compile_pack(pack)
    if accept is not None:
        accept(compiled)
    if [v.key for v in compiled.views] == [r.key for r in pack.rules]:
        durable_cache.write(pack, compiled.name, compiled.definition,
                            [(v.props, v.atoms, v.terms, v.defines) for v in compiled.views], compiled.strata)
    return compiled


if AVAILABLE:
    class SyncHost(_dengine.Host):  # type: ignore[misc]  # durable-rules publishes no types: Host is Any
        """A durable-rules host without its background threads. `Host()` starts two timer threads
        that dispatch pending actions and timers of every ruleset every 0.2-0.5 s. normcheck runs
        every action synchronously inside its own assertions (the sink rule sees to it) and uses no
        timers or queues; a background dispatch could only take an action away from the case
        being run and make the cross-check report a rule that "did not fire" (seen under heavy
        load). Without the threads a forked process (`-j N`) also inherits no thread state."""

        def _run(self) -> None:
            pass


MAX_RULESETS = 16  # subsets of the pack registered on one host before new ones run on the whole pack


class Refused(RuntimeError):
    """durable-rules refused to register (part of) the compiled rule pack."""


class DurableEngine:
    """The pack registered (in parts, as cases need them) on a durable-rules host this object owns; one
    state per case, deleted afterwards.

    Keep one per process and pack (normcheck.engine.Engine does): a ruleset is never freed. Calls are
    serialised by a lock, so threads may share it.
    """

    def __init__(self, pack: ir.RulePack) -> None:
        if not AVAILABLE:
            raise RuntimeError(f"durable-rules is not available here ({IMPORT_ERROR})")
        without = _unimplemented(pack)
        if without:  # the durable side computes every function itself, or it cannot decide independently
            raise RuntimeError("durable-rules has no implementation of " + ", ".join(f"`{f}`" for f in without)
                               + " (normcheck/engine/durable_functions.py)")
        self.pack = pack
        self._lock = threading.Lock()
        # per case (sid), while it runs: the (rule key, grade) marks that fired, the derived facts as
        # the durable side's chaining computed them, the chained versioned rules of unknown event date
        self._fired: dict[str, set[tuple[str, int]]] = {}
        self._derived: dict[str, dict[str, Any]] = {}
        self._undated: dict[str, frozenset[str]] = {}
        self._referenced = frozenset(d for r in pack.rules for d in r.rule_deps)
        # every expression the durable side computes, compiled once (durable_functions): the definitions
        # here, the event dates of rules with `judged on` and each rule fact's computed operands and
        # leaves when a case first posts that rule's fact (see _plan)
        self.plans = DefinePlans(pack)

        def record(sid: str, values: dict[str, Any]) -> None:
            self._derived[sid].update(values)
        self._level_action = level_action(self.plans, record)
        self.host = SyncHost()
        # the rulesets a case can run on (name -> its part of the compiled definition, its strata): the
        # whole pack, and the subsets chosen per set of families that cases reached (see ruleset); the
        # families' choice; the names registered on the host so far
        self._rulesets: dict[str, tuple[dict[str, JSON], int]] = {}
        self._chosen: dict[frozenset[str], str] = {}
        self._registered: set[str] = set()

        def accept(compiled: CompiledPack) -> None:
            """A ruleset compiled now, not read from the cache, is registered whole first, so a pack
            durable-rules refuses is refused here, before any case runs and the receipt names the
            engine, as before rulesets were registered in parts; a cached ruleset was accepted so."""
            self.compiled = compiled
            self._rulesets[compiled.name] = (compiled.definition, compiled.strata)
            self._register(compiled.name)
        self.compiled = cached_compile_pack(pack, accept)  # the ruleset as JSON next to the compiled pack (durable_cache)
        self._rulesets[self.compiled.name] = (self.compiled.definition, self.compiled.strata)
        self.max_rulesets = MAX_RULESETS
        self._rules = {r.key: r for r in pack.rules}
        # the relevance gate's record types: the kinds of record each rule's family concerns
        families = {f.id: frozenset(f.record_types) for f in pack.families}
        self._kinds: dict[str, frozenset[str]] = {r.key: families[r.family] for r in pack.rules if r.family in families}
        # the event date of each rule with `judged on`, computed on the durable side like the operands
        self._judged = {r.key: r.judged_on for r in pack.rules if r.judged_on is not None}
        # versioned rules with an event date that other rules refer to: with the date unknown they chain
        # only once their candidate versions agree (see _agree)
        self._chained_versioned: dict[str, dfn.Code] = {r.id: dfn.compile_node(r.judged_on) for r in pack.rules
                                                        if r.judged_on is not None and r.windowed and r.id in self._referenced}
        self._seq = itertools.count()
        self._defines = {d.name: d for d in pack.defines}
        # what the `$in` fact of a derived fact carries (see _carried), worked out when a case first needs it
        self._inputs: dict[str, tuple[str, ...]] = {}
        self._undated_defines = _define_closure(pack, set().union(*(
            _fact_names(r.judged_on) for r in pack.rules if r.id in self._referenced and r.windowed and r.judged_on is not None)))
        # each rule fact's plan (its event date, the facts it carries, its computed operands and
        # leaves), compiled when a case first posts that rule's fact
        self._views: dict[str, _ViewPlan] = {}
        # the relevance gate as an index: fact name -> the gates that mention it (a gate: the facts of a
        # rule family), and per gate the places of its rules' views in the pack (the places of the rules
        # without a gate apart); indexed by gate, not by rule, since a family's rules share one
        gates: dict[frozenset[str], list[int]] = {}
        for i, v in enumerate(self.compiled.views):
            gates.setdefault(v.gate, []).append(i)
        self._ungated = tuple(gates.pop(frozenset(), ()))
        self._gate_views = tuple(tuple(places) for places in gates.values())
        self._gated: dict[str, list[int]] = {}
        for n, gate in enumerate(gates):
            for x in gate:
                self._gated.setdefault(x, []).append(n)

    def _plan(self, v: RuleView) -> _ViewPlan:
        """The plan of one rule's fact, compiled on its first use (most cases reach a few families)."""
        plan = self._views.get(v.key)
        if plan is None:
            props = tuple(x for x in v.props if not x.endswith("__n"))
            # the properties its conditions test (see _Compiler: `__null` of what may be null, a set's
            # `__n` where it is counted); the others a fact could carry would never be looked at
            keys = [*v.props, *(x + "__null" for x in props if self._nullable(x))]
            for _, name in v.terms:
                keys += (name, name + "__null") + ((name + "__n",) if name + "__n" in v.props else ())
            keys += (name for _, name in v.atoms)
            judged = self._judged.get(v.key)
            plan = self._views[v.key] = _ViewPlan(
                v.key, dfn.compile_node(judged) if judged is not None else None, props,
                tuple((name, dfn.compile_node(node)) for node, name in v.terms),
                tuple((name, dfn.compile_node(node)) for node, name in v.atoms), tuple(dict.fromkeys(keys)))
        return plan

    def ruleset(self, views: Iterable[RuleView]) -> tuple[str, dict[str, JSON], int]:
        """The ruleset a case whose relevant rules are `views` runs on: its name, its part of the compiled
        definition (rules without actions), and its number of strata (the `$end` sentinels a case asserts).

        Registering the whole pack costs more than running a case, and a case only ever posts facts for
        the rules of the families it mentions; so it runs on a ruleset of those families' rules, taken
        from the compiled definition, plus every rule linked to them by a rule reference, either way
        (what a rule joins on can fire there, and every `finding` a rule asserts is observed there),
        the definition levels (`_def@k`) a case of these rules can reach, `_begin` and `_sink`. The rules left out never have a fact to match,
        so the subset decides as the whole pack would. Rulesets can never be deleted: after
        MAX_RULESETS distinct subsets a new set of families runs on the whole pack."""
        families = frozenset(self._rules[v.key].family for v in views)
        name = self._chosen.get(families)
        if name is None:
            name = self._chosen[families] = self._select(families)
        definition, strata = self._rulesets[name]
        return name, definition, strata

    def _select(self, families: frozenset[str]) -> str:
        """The ruleset (chosen here, registered on first use) of a set of families no case reached before."""
        ids = {r.id for r in self.pack.rules if r.family in families}
        grown = True
        while grown:  # close over rule references, in both directions
            more = {x for r in self.pack.rules if r.id in ids for x in r.rule_deps}
            more |= {r.id for r in self.pack.rules if ids.intersection(r.rule_deps)}
            grown = not more <= ids
            ids |= more
        keys = {r.key for r in self.pack.rules if r.id in ids}
        if len(self._rulesets) > self.max_rulesets or len(keys) == len(self.pack.rules):
            return self.compiled.name
        # a case's `$in` facts count its groups of needed definitions from 0, one per level that has any: a
        # case on this subset has at most as many groups as the subset's rules read levels of definitions
        groups = len({self.plans.level(x) for x in self.needed(v for v in self.compiled.views if v.key in keys)})
        definition = {k: rule for k, rule in self.compiled.definition.items()
                      if (k.split("#")[0] in keys if "#" in k else not k.startswith("_def@") or int(k[5:]) < groups)}
        name = f"{self.compiled.name}_{len(self._rulesets)}"
        self._rulesets[name] = (definition, _strata(definition))
        return name

    def _register(self, name: str) -> None:
        """Register a chosen ruleset on the host, with this engine's actions, the first time a case needs it."""
        definition = {key: dict(rule, run=self._level_action if key.startswith("_def@") else self._action(key))
                      for key, rule in self._rulesets[name][0].items()}
        try:
            self.host.register_rulesets({name: definition})
        except Exception as exc:
            raise Refused(f"durable-rules refused the compiled rule pack ({exc}); "
                          f"first rule it refuses alone: {_culprit(self.compiled)}") from exc
        self._registered.add(name)

    def _nullable(self, name: str) -> bool:
        """May the fact or derived fact be null (as `_Compiler._nullable`: then its conditions test `__null`)?"""
        t = self.pack.fact_types.get(name)
        return bool(t and t.nullable) or name in self._defines

    def _action(self, key: str) -> Any:
        if key in ("_begin", "_sink"):
            return lambda c: None
        rule_key, grade, _ = key.split("#")
        rule_id = rule_key.split("@")[0]
        engine = self

        def run(c: Any) -> None:
            sid = c.s.sid
            fired = engine._fired.setdefault(sid, set())
            mark = (rule_key, int(grade))
            if mark in fired:
                return
            # one `finding` per rule id, whichever version fired (with the event date unknown, several
            # versions can): asserting the same fact twice makes durable-rules raise inside the action
            first_for_rule = not any(k.split("@")[0] == rule_id for k, _ in fired)
            fired.add(mark)
            # Only rules that other rules refer to chain. A versioned rule whose event date is unknown
            # chains only once every candidate version has agreed (asserted by `fired`, see _agree).
            if first_for_rule and rule_id in engine._referenced and rule_id not in engine._undated.get(sid, ()):
                c.assert_fact({"t": "finding", "rule": rule_id})
        return run

    def relevant_views(self, env: Env) -> list[RuleView]:
        """The rules whose family the record mentions and concerns its kind of record (the relevance
        gate, as the evaluator's `gate`), in pack order."""
        stated, kind, kinds = env.stated, env.kind, self._kinds
        views: Iterable[RuleView] = self.compiled.views
        if stated is not None:
            gated, every = self._gated, self.compiled.views
            hit = {n for x in stated for n in gated.get(x, ())}
            views = [every[i] for i in sorted(itertools.chain(self._ungated, *(self._gate_views[n] for n in hit)))]
        return [v for v in views if kind is None or v.key not in kinds or kind in kinds[v.key]]

    def needed(self, views: Iterable[RuleView]) -> set[str]:
        """The derived facts the durable side derives for a case: those the relevant rules read (and
        what they read in turn), and those the event dates of chained versioned rules read."""
        return set(self._undated_defines).union(*(v.defines for v in views))

    def input_facts(self, env: Env, sid: str, needed: Iterable[str]) -> list[dict[str, Any]]:
        """The `$in` facts of the derived facts needed, one per dependency level that has any (in level
        order, `k` counting from 0): the definitions, and the case facts they read (carried, not
        compared); `more` when another group follows."""
        as_of = encode(env.as_of)
        facts = env.facts
        groups: dict[int, list[str]] = {}
        for name in needed:
            groups.setdefault(self.plans.level(name), []).append(name)
        out = []
        last = len(groups) - 1
        for k, level in enumerate(sorted(groups)):
            names = sorted(groups[level])
            fact: dict[str, Any] = {"sid": sid, "t": "$in", "k": k, "d": names, "_as_of": as_of}
            if k < last:
                fact["more"] = True
            for name in names:
                for x in self._carried(name):
                    if x not in fact:
                        fact.update(_carry(x, facts.get(x, UNKNOWN)))
            out.append(fact)
        return out

    def _carried(self, name: str) -> tuple[str, ...]:
        """What the `$in` fact of a derived fact carries: the case facts it reads directly, and itself when
        a case may state it."""
        out = self._inputs.get(name)
        if out is None:
            d = self._defines[name]
            out = self._inputs[name] = tuple(x for x in d.deps if x not in self._defines) + ((name,) if d.in_vocabulary else ())
        return out

    def python_values(self, env: Env) -> dict[str, Any]:
        """The case facts and every derived fact, computed with the durable side's functions directly in
        Python, without the chaining (for the benchmark's "rules only" figure, which posts only the
        rules' facts)."""
        vals = dict(env.facts)
        for plan in sorted(self.plans.values(), key=lambda p: p.level):
            vals[plan.name] = plan.code(vals, env.as_of, UNKNOWN if plan.stated is None else env.facts.get(plan.name, UNKNOWN))
        return vals

    def case_facts(self, env: Env, sid: str, vals: dict[str, Any] | None = None, views: list[RuleView] | None = None) -> list[dict[str, Any]]:
        """One fact per rule: the case as that rule sees it (its facts and derived facts, the operands
        and leaves the durable side computes for it). `vals` holds the case facts and derived facts."""
        if vals is None:
            vals = self.python_values(env)
        as_of = env.as_of
        day = encode(as_of)
        flat: dict[str, Any] = {}  # every property of the case any of these rules' facts carries, worked out once
        done: set[str] = set()
        plans = [self._plan(v) for v in (self.relevant_views(env) if views is None else views)]
        for plan in plans:
            for name in plan.props:
                if name not in done:
                    done.add(name)
                    flat.update(self._encoded(name, vals.get(name, UNKNOWN)))
            for name, code in plan.terms:
                if name not in done:
                    done.add(name)
                    flat.update(self._encoded(name, code(vals, as_of)))
            for name, code in plan.atoms:
                if name not in done:
                    done.add(name)
                    v = code(vals, as_of)
                    if v is not UNKNOWN:
                        flat[name] = bool(v)
        facts = []
        for plan in plans:
            fact = {k: flat[k] for k in plan.keys if k in flat}
            fact["sid"], fact["t"], fact["_as_of"] = sid, plan.key, day
            if plan.judged is not None:
                when = plan.judged(vals, as_of)
                if isinstance(when, dt.date):
                    fact["_j"] = encode(when)
            facts.append(fact)
        return facts

    @staticmethod
    def _encoded(name: str, value: Any) -> tuple[tuple[str, Any], ...]:
        """The properties that carry one fact: none when unknown, `<name>__null` for a stated null."""
        if value is UNKNOWN:
            return ()
        if value is NULL:
            return ((name + "__null", True),)
        if isinstance(value, (frozenset, set)):
            return ((name, encode(value)), (name + "__n", len(value)))
        return ((name, encode(value)),)

    def fired(self, env: Env) -> dict[str, dict[str, int]]:
        """rule id -> {rule key (version) -> index of its highest grade that fired}, for one case."""
        sid = f"case-{next(self._seq)}"
        with self._lock:
            views = self.relevant_views(env)
            if not views:  # no rule is relevant to this record; durable-rules crashes on an empty batch
                return {}
            name, _, strata = self.ruleset(views)
            if name not in self._registered:
                self._register(name)
            needed = self.needed(views)
            derived: dict[str, Any] = {}
            self._derived[sid] = derived
            handled = False
            try:
                # 1. derived facts, by durable-rules' forward chaining (every `_def@k` rule's action
                #    records what it computed in `derived`)
                inputs = self.input_facts(env, sid, needed)
                state = self.host.assert_facts(name, inputs or [{"sid": sid, "t": "$begin"}])
                handled = True  # (the state exists now: delete it even if an action failed)
                self._check(state)
                if len(derived) != len(needed):
                    raise RuntimeError("durable-rules did not derive " + ", ".join(sorted(needed - derived.keys())))
                vals = dict(env.facts)
                vals.update(derived)
                # 2. the rules' facts
                undated = frozenset(rid for rid, code in self._chained_versioned.items()
                                    if code(vals, env.as_of) in (UNKNOWN, NULL))
                self._undated[sid] = undated
                self._check(self.host.assert_facts(name, self.case_facts(env, sid, vals, views)))
                agreed: set[str] = set()
                self._agree(name, sid, undated, agreed, env.as_of)
                for n in range(1, strata + 1):
                    self._check(self.host.assert_fact(name, {"sid": sid, "t": "$end", "n": n}))
                    self._agree(name, sid, undated, agreed, env.as_of)
                # (each assertion returns the state after every action it set off, chained ones
                # included, with any exception an action raised: no separate get_state is needed)
                marks = self._fired.pop(sid, set())
            finally:
                self._fired.pop(sid, None)
                self._undated.pop(sid, None)
                self._derived.pop(sid, None)
                if handled:  # a state exists only once a fact was accepted; deleting a missing one crashes
                    self.host.delete_state(name, sid)
        out: dict[str, dict[str, int]] = {}
        for key, grade in marks:  # the highest true grade wins, as in the evaluator
            rule = self._rules[key]
            per_version = out.setdefault(rule.id, {})
            prev = per_version.get(key)
            if prev is None or (rule.grades[grade].rank, -grade) > (rule.grades[prev].rank, -prev):
                per_version[key] = grade
        return out

    def _agree(self, name: str, sid: str, undated: frozenset[str], agreed: set[str], as_of: dt.date) -> None:
        """A versioned rule with an unknown event date fires (for the rules that refer to it) only
        when every version that could apply fired at the same level and severity and the versions
        leave no gap: the evaluator's rule, applied between strata so that `unless X fires` sees it."""
        marks = self._fired.get(sid, set())
        for rid in undated - agreed:
            versions = dfn.version_candidates(tuple(self.pack.versions(rid)), as_of)
            best: dict[str, int] = {}
            for key, grade in marks:
                if key.split("@")[0] == rid:
                    rule = self._rules[key]
                    if key not in best or (rule.grades[grade].rank, -grade) > (rule.grades[best[key]].rank, -best[key]):
                        best[key] = grade
            if not versions or not dfn.versions_cover(versions, as_of) or any(v.key not in best for v in versions):
                continue
            if len({(v.grades[best[v.key]].level, v.grades[best[v.key]].severity) for v in versions}) == 1:
                agreed.add(rid)
                self._check(self.host.assert_fact(name, {"sid": sid, "t": "finding", "rule": rid}))

    @staticmethod
    def _check(state: Any) -> None:
        if isinstance(state, dict) and "exception" in state:
            raise RuntimeError(f"durable-rules action failed: {state['exception']}")


def _strata(definition: dict[str, JSON]) -> int:
    """The strata of a ruleset: the highest end-of-stratum sentinel its rules wait for (every stratum
    up to it has a rule waiting; see compile_pack)."""
    return max((p["z"]["$and"][1]["n"] for rule in definition.values() for p in rule["all"] if "z" in p), default=0)


def _culprit(compiled: CompiledPack) -> str:
    """Find the durable rule that cannot be registered on its own (error path only: probes leak)."""
    probe = _dengine.Host.__new__(_dengine.Host)
    probe._ruleset_directory, probe._ruleset_list = {}, []
    for key, rule in compiled.definition.items():
        try:
            _dengine.Ruleset.create_rulesets(probe, {f"probe_{abs(hash(key))}": {key: dict(rule, run=lambda c: None)}})
        except Exception as exc:  # pragma: no cover - only when durable-rules rejects a compiled rule
            return f"{key}: {exc}"
    return "none alone; the combination is too large"


"""Turn the engine's rule results into findings a lawyer can use: immutable records, messages in
Dutch or English with the case's values filled in, the pinpoint sources, the facts (and the
chain of definitions) that decided each result, and the ranked facts still to collect.

These records are the documented, versioned JSON schema of `normcheck --format json` (SCHEMA_VERSION,
docs/output-schema.json; a test keeps the two in step).
"""

from __future__ import annotations

import datetime as dt
import platform
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Annotated, Any, Literal, get_type_hints

from . import __version__, ir
from .diagnostics import Diagnostic
from .engine import CaseRun
from .engine.evaluate import Env, RuleResult, Val
from .values import UNKNOWN, display, to_json
from .wording import long_date, quiet_message

# 1.1: findings[].judged_on, judged_on_basis, law_applied, later_case_law
# 1.2: problems[].code, findings[].not_established, summary, reasons *_not_established, record_type,
#      sources[].court and date, decided_by[].doc
SCHEMA_VERSION = "1.2"
Lang = ir.Lang
Outcome = ir.Outcome

def law_applied(res: RuleResult, lang: str) -> str | None:
    """Which version of the law the finding applied, and the date that chose it (design §5, law-time
    vs fact-time): in words, in the report's language."""
    nl = lang == "nl"
    rule = res.rule
    version = f" ({rule.version})" if rule.version else ""
    if res.judged_on is not None:
        on = long_date(res.judged_on, lang)
        if res.judged_basis == "evaluation_date":
            return (f"Toegepast: de regel{version} zoals die gold op de peildatum, {on} (een voortdurende situatie "
                    "wordt beoordeeld naar de dag van de beoordeling)." if nl else
                    f"Applied: the rule{version} as in force on the review date, {on} (a continuing situation is "
                    "judged on the day of the review).")
        if res.outcome == "NOT_APPLICABLE" and res.reason == "not_in_force":
            return None  # the message says it
        return (f"Toegepast: de regel{version} zoals die gold op {on}, de datum van de gebeurtenis ({res.judged_basis})."
                if nl else f"Applied: the rule{version} as in force on {on}, the date of the event ({res.judged_basis}).")
    if res.versions_agree:
        return (f"De datum van de gebeurtenis ({res.judged_basis}) is onbekend, maar elke versie van het recht die in "
                "aanmerking komt geeft deze uitkomst." if nl else
                f"The date of the event ({res.judged_basis}) is unknown, but every version of the law that could "
                "apply gives this result.")
    return None


def later_case_law(res: RuleResult, pack: ir.RulePack, lang: str) -> str | None:
    """A CJEU judgment the finding relies on that post-dates the event under review: its
    interpretation still applies from the entry into force of the provision it interprets (the
    State may argue that it relied on the earlier reading)."""
    if res.judged_on is None or res.judged_basis == "evaluation_date" or res.outcome in ("OK", "NOT_APPLICABLE"):
        return None
    later: dict[str, tuple[ir.Source, dt.date]] = {}
    for c in res.rule.citations:
        src = pack.sources.get(c.source)
        if src is None or src.date is None or not (src.ecli or "").startswith("ECLI:EU:C:") or src.date <= res.judged_on:
            continue
        if src.title.lower().startswith(("opinion", "conclusie")):
            continue
        later.setdefault(src.name, (src, src.date))
    if not later:
        return None
    nl = lang == "nl"
    on = long_date(res.judged_on, lang)
    parts = [f"{src.ecli} ({long_date(date, lang)})" for src, date in later.values()]
    cited = "; ".join(parts)
    authority = "Salumi, gevoegde zaken 66, 127 en 128/79, ECLI:EU:C:1980:101" if nl else \
        "Salumi, Joined Cases 66, 127 and 128/79, EU:C:1980:101"
    if nl:
        return (f"De uitspraak van het Hof van Justitie waarop deze bevinding steunt ({cited}) is van na {on}, de datum "
                f"van de gebeurtenis ({res.judged_basis}). Een uitlegging door het Hof geeft aan hoe de bepaling vanaf "
                f"haar inwerkingtreding moet worden begrepen en toegepast, en geldt dus ook voor deze zaak ({authority}); "
                "de Staat kan aanvoeren dat hij op de eerdere uitleg vertrouwde.")
    return (f"The Court of Justice judgment this finding relies on ({cited}) post-dates {on}, the date of the event "
            f"({res.judged_basis}). An interpretation by the Court states how the provision must be understood and "
            f"applied from its entry into force, so it governs this case too ({authority}); the State may argue that "
            "it relied on the earlier reading.")


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _Model:
    """Immutable records (frozen dataclasses) that dump themselves as the documented JSON. Plain
    dataclasses rather than pydantic models: building pydantic models costs more than the rest of
    a one-case run, and these are only ever built by normcheck itself."""

    __slots__ = ()

    def model_dump(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]

    def model_dump_json(self, indent: int | None = None) -> str:
        from pydantic_core import to_json  # the same (compiled) JSON writer pydantic models use

        return to_json(self.model_dump(), indent=indent).decode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, _Model):
        return value.model_dump()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value




class Describe(str):
    """A field's description in the published JSON Schema (`Annotated[type, Describe("...")]`; read
    by `output_schema` only, so a run never builds a schema)."""

    __slots__ = ()


@dataclass(frozen=True, kw_only=True)
class SourceRef(_Model):
    source: Annotated[str, Describe("the source's short name in the rule files")]
    title: str
    pinpoint: Annotated[str, Describe("paragraph, point or article/paragraph relied on")]
    verified: Annotated[bool, Describe("false: the pinpoint could not be checked against the published text")]
    ecli: str | None = None
    celex: str | None = None
    hudoc: str | None = None
    url: str | None = None
    court: Annotated[str | None, Describe("the court or body that gave the judgment or decision")] = None
    date: Annotated[str | None, Describe("date of the judgment, decision or instrument (ISO 8601)")] = None
    source_status: Annotated[str | None, Describe("`unverified`: the source's own identifiers or text could not be checked")] = None


@dataclass(frozen=True, kw_only=True)
class DecidingFact(_Model):
    name: str
    value: Any
    derived: bool = False
    definition: Annotated[str | None, Describe("for a derived fact: its definition in the rules")] = None
    doc: Annotated[str | None, Describe("for a derived fact: what it means, in the report's language")] = None
    stated_at: Annotated[str | None, Describe("file:line where the case states it")] = None
    inputs: tuple[DecidingFact, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ExceptionCheck(_Model):
    condition: str
    status: Literal["holds", "does not hold", "not established"]


@dataclass(frozen=True, kw_only=True)
class Finding(_Model):
    rule: str
    version: str | None = None
    family: str
    level: Outcome
    severity: Literal["high", "medium", "low"] | None
    title: str
    message: Annotated[str, Describe("the rule's message when it fires; otherwise why it did not (or could not yet) fire")]
    rule_message: Annotated[str, Describe("what the rule says when it fires, with this case's values")]
    counter_argument: str | None = None  # only on a CONTESTED finding: other grades have no opposing reading
    note: str | None = None
    reason: Annotated[str, Describe(
        "why the rule gave this result (machine-readable; `message` words it): fires | not_in_force | record_type | "
        "no_facts | out_of_scope | scope_not_mentioned | scope_not_established (out of scope only on a value meaning "
        "\"never established\") | exception_holds | condition_unknown | scope_unknown | condition_false (its conditions "
        "were evaluated and are false) | condition_false_not_established (false only on a value meaning \"never "
        "established\", e.g. not_assessed) | condition_false_scope_unknown (false, but the record does not establish "
        "that the rule applies) | event_date_unknown")]
    sources: tuple[SourceRef, ...]
    pinpoints_verified: bool
    decided_by: tuple[DecidingFact, ...]
    missing_facts: Annotated[tuple[str, ...], Describe("unknown facts that could decide or change this result")]
    not_established: Annotated[tuple[str, ...], Describe(
        "facts the record does not establish (unknown, or a value such as not_assessed) on which alone this rule did "
        "not fire: it was not assessed on them, so this is not \"no problem found\"")] = ()
    exceptions: tuple[ExceptionCheck, ...] = ()
    judged_on: Annotated[str | None, Describe("the date whose law was applied: the date of the event the rule governs (or the "
                                              "evaluation date for a rule that names none); null when unknown")] = None
    judged_on_basis: Annotated[str | None, Describe("what that date is: the rule's `judged on` expression, or `evaluation_date`")] = None
    law_applied: Annotated[str | None, Describe("which version of the law was applied and why, in words")] = None
    later_case_law: Annotated[str | None, Describe("a CJEU judgment relied on that post-dates the event under review, and why "
                                                   "its interpretation still applies")] = None


@dataclass(frozen=True, kw_only=True)
class FactToCollect(_Model):
    fact: str
    could_change: Annotated[tuple[str, ...], Describe("rules whose result this fact could decide or change")]
    weight: Annotated[int, Describe("sum of the severities (high 3, medium 2, low 1) of those rules")]


@dataclass(frozen=True, kw_only=True)
class Problem(_Model):
    file: str
    line: int | None
    column: int | None
    severity: Literal["error", "warning"]
    code: str  # the kind of problem, stable across versions (NC-Y001 …; README, "Error codes")
    message: str
    expected: str | None = None
    hint: str | None = None
    source_line: Annotated[str | None, Describe("the offending line of the file, as written")] = None

    @classmethod
    def of(cls, d: Diagnostic) -> Problem:
        return cls(file=d.file, line=d.line, column=d.column, severity=d.severity, code=d.code, message=d.message,
                   expected=d.expected, hint=d.hint, source_line=d.source_line)

    def render(self) -> str:
        """The same text as the diagnostic it came from: position, message, the line with a caret."""
        return Diagnostic(self.file, self.line, self.column, self.message, expected=self.expected, hint=self.hint,
                          source_line=self.source_line, severity=self.severity, code=self.code).render()


@dataclass(frozen=True, kw_only=True)
class RecordResult(_Model):
    id: str | None
    file: str
    record_type: str | None = None
    as_of: str | None = None
    as_of_source: str | None = None
    policy: str | None = None
    findings: tuple[Finding, ...] = ()
    facts_to_collect: tuple[FactToCollect, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


@dataclass(frozen=True, kw_only=True)
class AddedRules(_Model):
    """A folder of an office's own rules added to the bundled ones."""

    folder: str
    sha256: Annotated[str, Describe("SHA-256 of the folder's rule and vocabulary files (and its families.yaml)")]
    rule_files: tuple[str, ...]
    replaces: Annotated[tuple[str, ...], Describe("bundled rule ids its rules take the place of")] = ()


@dataclass(frozen=True, kw_only=True)
class Receipt(_Model):
    normcheck_version: str
    schema_version: str
    rule_pack_sha256: Annotated[str, Describe("SHA-256 of the rule pack as run: the bundled rules and any added rule folders")]
    rule_files: tuple[str, ...]
    engine: str
    python: str
    language: Lang
    bundled_pack_sha256: Annotated[str, Describe(
        "SHA-256 of the bundled rules (or --rules DIR) alone; equal to rule_pack_sha256 when no folder is added")] = ""
    added_rules: Annotated[tuple[AddedRules, ...], Describe(
        "folders of an office's own rules added to the bundled ones (--add-rules, normcheck_rules), in order")] = ()


@dataclass(frozen=True, kw_only=True)
class LevelCounts(_Model):
    BREACH: int = 0
    RISK: int = 0
    CONTESTED: int = 0
    INSUFFICIENT_DATA: int = 0
    OK: int = 0
    NOT_APPLICABLE: int = 0


@dataclass(frozen=True, kw_only=True)
class SummaryRow(_Model):
    id: str | None
    file: str
    highest: Annotated[Outcome | None, Describe("the highest level among its findings (null: the file has errors)")]
    counts: Annotated[LevelCounts, Describe("how many of its findings have each level")]
    errors: Annotated[int, Describe("how many errors its file has (then it has no findings)")]


@dataclass(frozen=True, kw_only=True)
class FactAcrossRecords(_Model):
    fact: str
    records: Annotated[int, Describe("how many records this fact could decide or change a finding of")]
    weight: Annotated[int, Describe("the sum of its weights in those records (see facts_to_collect)")]


@dataclass(frozen=True, kw_only=True)
class Summary(_Model):
    records: int
    failed: Annotated[int, Describe("records whose file has errors")]
    by_highest: Annotated[LevelCounts, Describe("how many records have each level as their highest")]
    rows: Annotated[tuple[SummaryRow, ...], Describe("one row per record, in the order of `records`")]
    facts_to_collect: Annotated[tuple[FactAcrossRecords, ...], Describe("across the run, most records first")]


@dataclass(frozen=True, kw_only=True)
class Run(_Model):
    normcheck: str = SCHEMA_VERSION
    receipt: Receipt
    records: tuple[RecordResult, ...]
    summary: Summary


# ---- building findings ------------------------------------------------------------------------


def render(text: str, run: CaseRun, lang: str, pack: ir.RulePack | None = None) -> str:
    """Fill `{fact}` placeholders with the case's values (or 'unknown'/'onbekend')."""
    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "evaluation_date":
            return run.env.as_of.isoformat()
        return display(run.env.value(name), lang, labels.get(name, {}).get(lang))
    labels = pack.value_labels if pack is not None else {}
    return _PLACEHOLDER.sub(value, text)


def _deciding(name: str, run: CaseRun, pack: ir.RulePack, origins: dict[str, Any], lang: str, depth: int = 0) -> DecidingFact:
    if name.startswith("rule:"):
        rid = name[5:]
        res = run.env.results.get(rid)
        return DecidingFact(name=f"{rid} fires", value=res.outcome if res else "NOT_APPLICABLE")
    if name == "evaluation_date":
        return DecidingFact(name=name, value=run.env.as_of.isoformat())
    origin = origins.get(name)
    stated_at = f"{origin.file}:{origin.line}" if origin is not None and origin.line else None
    d = pack.define(name)
    if d is not None and name not in run.env.given_derived:
        inputs: tuple[DecidingFact, ...] = ()
        if depth < 3:
            inputs = tuple(_deciding(dep, run, pack, origins, lang, depth + 1) for dep in d.deps
                           if run.env.value(dep) is not UNKNOWN)
        return DecidingFact(name=name, value=to_json(run.env.value(name)), derived=True, definition=d.expr.text,
                            doc=d.doc(lang), inputs=inputs)
    return DecidingFact(name=name, value=to_json(run.env.value(name)), stated_at=stated_at)


def _source_ref(c: ir.Citation, s: ir.Source) -> SourceRef:
    return SourceRef(source=c.source, title=s.title, pinpoint=c.pinpoint, verified=c.verified, ecli=s.ecli,
                     celex=s.celex, hudoc=s.hudoc, url=s.url, court=s.court,
                     date=s.date.isoformat() if s.date else None, source_status=s.status)


def _constant(name: str, pack: ir.RulePack) -> bool:
    """A parameter of the rules (a definition that reads no fact): named in the message, not a deciding fact."""
    d = pack.define(name)
    return d is not None and not d.deps and not d.in_vocabulary


def finding(res: RuleResult, run: CaseRun, pack: ir.RulePack, lang: str, origins: dict[str, Any]) -> Finding:
    rule = res.rule
    sources = tuple(_source_ref(c, pack.sources[c.source]) for c in rule.citations)
    counter = rule.text("counters", lang)
    note = rule.text("notes", lang)
    reason, open_facts = _why_not(res, run, pack)
    return Finding(
        rule=rule.id, version=rule.version, family=rule.family, level=res.outcome,
        severity=res.severity if res.outcome in ir.LEVELS or res.outcome == "INSUFFICIENT_DATA" else None,
        title=render(rule.text("titles", lang), run, lang, pack),
        message=(render(rule.text("messages", lang), run, lang, pack) if res.fired
                 else quiet_message(res.outcome, reason, lang, res.missing, _stated(open_facts, run, pack, lang),
                                    judged_on=res.judged_on, judged_basis=res.judged_basis)),
        rule_message=render(rule.text("messages", lang), run, lang, pack),
        counter_argument=render(counter, run, lang, pack) if counter and res.outcome == "CONTESTED" else None,
        note=render(note, run, lang, pack) if note else None,
        reason=reason, sources=sources, pinpoints_verified=rule.verified,
        decided_by=tuple(_deciding(n, run, pack, origins, lang) for n in sorted(res.decided) if not _constant(n, pack)),
        missing_facts=tuple(sorted(res.missing)), not_established=open_facts,
        exceptions=tuple(ExceptionCheck(condition=e.text, status=e.status) for e in res.exceptions),
        judged_on=res.judged_on.isoformat() if res.judged_on else None,
        judged_on_basis=res.judged_basis or None,
        law_applied=law_applied(res, lang),
        later_case_law=later_case_law(res, pack, lang),
    )


def _why_not(res: RuleResult, run: CaseRun, pack: ir.RulePack) -> tuple[str, tuple[str, ...]]:
    """'No problem found' only when the rule's conditions were evaluated and are false. A condition that
    fails only on a value meaning "never established" (reception `not_assessed`, so "reception verified"
    is false) was not assessed; nor was a rule whose scope the record leaves open. Such results get their
    own reason, and the facts the record does not establish."""
    rule = res.rule
    if res.reason == "condition_false_scope_unknown":
        assert rule.applies is not None
        return res.reason, _collectable(_evaluate(rule.applies, run.env).missing, pack)
    if res.reason not in ("condition_false", "out_of_scope"):
        return res.reason, ()
    opened = {n for n in res.decided if _value_of(run, n) in pack.not_established.get(n, ())}
    if not opened:
        return res.reason, ()
    # The same conditions with those values taken as unknown: does the verdict still stand?
    env = run.env.ev.new_env({k: v for k, v in run.env.facts.items() if k not in opened}, run.env.as_of, run.env.stated)
    nodes = [g.expr for g in rule.grades] if res.reason == "condition_false" else [rule.applies]
    missing: set[str] = set()
    for node in nodes:
        if node is not None:
            v = _evaluate(node, env)
            if v.value is UNKNOWN:
                missing |= v.missing & opened
    if not missing:
        return res.reason, ()
    reason = "condition_false_not_established" if res.reason == "condition_false" else "scope_not_established"
    return reason, tuple(sorted(missing))


def _evaluate(node: ir.Node, env: Env) -> Val:
    """One expression of the rules on a case, by the engine's evaluator (its compiled closures)."""
    return env.ev.eval_node(node, env)


def _value_of(run: CaseRun, name: str) -> Any:
    value = run.env.facts.get(name, UNKNOWN)
    return value if isinstance(value, str) else None


def _stated(names: tuple[str, ...], run: CaseRun, pack: ir.RulePack, lang: str) -> list[str]:
    """Facts in a 'not established' message: with the value the record gives, where it gives one."""
    out = []
    for name in names:
        value = run.env.facts.get(name, UNKNOWN)
        out.append(name if value is UNKNOWN else
                   f"{name}: {display(value, lang, pack.value_labels.get(name, {}).get(lang))}")
    return out


def _collectable(names: Iterable[str], pack: ir.RulePack) -> tuple[str, ...]:
    """Facts a person can collect: vocabulary facts (stated or derived), not a computed fact whose
    inputs are listed too."""
    keep = {n for n in names if n in pack.fact_types and not _internal(n, pack)}
    for name in list(keep):
        d = pack.define(name)
        if d is not None and any(dep in keep for dep in _inputs(d, pack)):
            keep.discard(name)
    return tuple(sorted(keep))


def _internal(name: str, pack: ir.RulePack) -> bool:
    d = pack.define(name)
    return d is not None and not d.in_vocabulary


def _inputs(d: ir.Define, pack: ir.RulePack) -> set[str]:
    """The stated facts a definition is computed from, through other definitions."""
    out: set[str] = set()
    todo = list(d.deps)
    while todo:
        name = todo.pop()
        inner = pack.define(name)
        if inner is not None and name not in out:
            todo.extend(inner.deps)
        out.add(name)
    return out


def facts_to_collect(findings: tuple[Finding, ...], pack: ir.RulePack) -> tuple[FactToCollect, ...]:
    """Unknown facts ranked by how many findings, and how severe, they could decide or change."""
    weight: dict[str, int] = {}
    rules: dict[str, set[str]] = {}
    for f in findings:
        w = ir.SEVERITY_RANK.get(f.severity or "low", 1)
        for name in f.missing_facts:
            d = pack.define(name)
            if name not in pack.fact_types or (d is not None and not d.in_vocabulary):
                continue
            weight[name] = weight.get(name, 0) + w
            rules.setdefault(name, set()).add(f.rule)
    for name in list(weight):  # a computed fact whose inputs are listed too: collect the inputs
        d = pack.define(name)
        if d is not None and any(dep in weight for dep in _inputs(d, pack)):
            del weight[name]
    ranked = sorted(weight, key=lambda n: (-weight[n], -len(rules[n]), n))
    return tuple(FactToCollect(fact=n, could_change=tuple(sorted(rules[n])), weight=weight[n]) for n in ranked)


def record_result(record: Any, run: CaseRun, pack: ir.RulePack, lang: str) -> RecordResult:
    """Findings for one loaded record (a `facts.Record`) and its engine run."""
    origins = dict(record.origins)
    results = sorted(run.results, key=lambda r: (pack.family_rank(r.rule.family), r.rule.family, r.rule.line))
    findings = tuple(finding(r, run, pack, lang, origins) for r in results)
    problems = [Problem.of(w) for w in record.warnings]
    for m in run.mismatches:
        o = origins.get(m.name)
        problems.append(Problem(
            file=o.file if o else record.file, line=o.line if o else None, column=o.column if o else None, severity="error",
            code="NC-F011",
            message=f"`{m.name}` is stated as {display(m.given)} but the other facts give {display(m.computed)}",
            expected=f"a value consistent with its definition: {m.name} = {m.definition}",
            hint="correct one of the facts, or leave the derived fact out and let normcheck compute it",
            source_line=o.source_line if o else None))
    for d in run.disagreements:
        problems.append(Problem(file=record.file, line=None, column=None, severity="error", code="NC-I001",
                                message=f"internal error, please report: the two engines disagree: {d}"))
    if any(p.severity == "error" for p in problems):
        findings = ()  # contradictory facts: no finding is built on them (fix the input first)
    return RecordResult(
        id=record.id, file=record.file, record_type=record.record_type, as_of=record.as_of.isoformat(),
        as_of_source=record.as_of_source, policy=record.policy_id, findings=findings,
        facts_to_collect=facts_to_collect(findings, pack), problems=tuple(problems),
    )


def failed_record(file: str, diagnostics: list[Diagnostic]) -> RecordResult:
    return RecordResult(id=None, file=file, problems=tuple(Problem.of(d) for d in diagnostics))


def output_schema() -> dict[str, Any]:
    """The JSON Schema of `--format json`, as published in docs/output-schema.json: pydantic's
    schema of the record dataclasses, with each field's `Describe` text as its description."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Run).json_schema()
    for cls in (SourceRef, DecidingFact, ExceptionCheck, Finding, FactToCollect, Problem, RecordResult, AddedRules, Receipt, Run):
        target = schema if cls is Run else schema["$defs"][cls.__name__]
        for name, hint in get_type_hints(cls, include_extras=True).items():
            for meta in getattr(hint, "__metadata__", ()):
                if isinstance(meta, Describe):
                    target["properties"][name]["description"] = str(meta)
    schema["title"] = f"normcheck report (normcheck --format json), schema version {SCHEMA_VERSION}"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def receipt(pack: ir.RulePack, engine_label: str, lang: str) -> Receipt:
    return Receipt(normcheck_version=__version__, schema_version=SCHEMA_VERSION, rule_pack_sha256=pack.digest,
                   rule_files=pack.files, engine=engine_label,
                   python=f"{platform.python_implementation()} {platform.python_version()}", language="nl" if lang == "nl" else "en",
                   bundled_pack_sha256=pack.base_digest or pack.digest,
                   added_rules=tuple(AddedRules(folder=a.folder, sha256=a.sha256, rule_files=a.files, replaces=a.replaces)
                                     for a in pack.added))


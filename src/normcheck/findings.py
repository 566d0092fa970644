"""Turn the engine's rule results into findings a lawyer can use: immutable records, messages in
Dutch or English with the case's values filled in, the pinpoint sources, the facts (and the
chain of definitions) that decided each result, and the ranked facts still to collect.

These records are the documented, versioned JSON schema of `normcheck --format json` (SCHEMA_VERSION,
docs/output-schema.json; a test keeps the two in step).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Annotated, Any, Literal, get_type_hints

from . import __version__, citations, collect, ir, wording
from .citations import long_date
from .diagnostics import Diagnostic, localize
from .engine import CaseRun, ReadingResult, reading_results
from .engine.evaluate import Env, RuleResult, Val
from .facts.model import Assessor
from .values import UNKNOWN, display, to_json
from .wording import follow_up, quiet_message

# 1.1: findings[].judged_on, judged_on_basis, law_applied, later_case_law
# 1.2: problems[].code, findings[].not_established, summary, reasons *_not_established, record_type,
#      sources[].court and date, decided_by[].doc
# 1.3: findings[].sources as court citations (citation, url, footnote, about), background, missing_labels;
#      facts_to_collect[].label, question, ask, ask_label, level, severity, key_scope; decided_by[].label and words
# 1.3: findings[].not_disclosed, potential_level, follow_up; facts_to_collect[].not_disclosed; reason date_day_unknown
# 2.0: findings[].readings and reading_applied (counter_argument removed: contested grades name readings),
#      decided_by[].open_norm, facts_to_collect[].assess, records[].open_norms (with the fact's label) and reading_flips, receipt.readings
#      (with main's own suite: receipt.bundled_pack_sha256 and added_rules; with the 1.3 fields above)
SCHEMA_VERSION = "2.0"
Lang = ir.Lang
Outcome = ir.Outcome


def event_words(res: RuleResult, pack: ir.RulePack | None, lang: str) -> str:
    """The date that picks the law, in words: the rule's `judged on` expression, or the evaluation date."""
    if res.judged_basis == "evaluation_date":
        return wording.label("evaluation_date", pack, lang) if pack is not None else res.judged_basis
    if pack is not None and res.rule.judged_on is not None:
        return wording.expr(res.rule.judged_on, pack, lang)
    return res.judged_basis


def law_applied(res: RuleResult, lang: str, pack: ir.RulePack | None = None) -> str | None:
    """Which version of the law the finding applied, and the date that chose it (design §5, law-time
    vs fact-time): in words, in the report's language."""
    nl = lang == "nl"
    rule = res.rule
    version = f" ({rule.version_text(lang)})" if rule.version else ""
    basis = event_words(res, pack, lang)
    if res.judged_on is not None:
        on = long_date(res.judged_on, lang)
        if res.judged_basis == "evaluation_date":
            return (f"Toegepast: de regel{version} zoals die gold op de peildatum, {on} (een voortdurende situatie "
                    "wordt beoordeeld naar de dag van de beoordeling)." if nl else
                    f"Applied: the rule{version} as in force on the review date, {on} (a continuing situation is "
                    "judged on the day of the review).")
        if res.outcome == "NOT_APPLICABLE" and res.reason == "not_in_force":
            return None  # the message says it
        return (f"Toegepast: de regel{version} zoals die gold op {on}, de datum van de gebeurtenis ({basis})."
                if nl else f"Applied: the rule{version} as in force on {on}, the date of the event ({basis}).")
    if res.versions_agree:
        return (f"De datum van de gebeurtenis ({basis}) is onbekend, maar elke versie van het recht die in "
                "aanmerking komt geeft deze uitkomst." if nl else
                f"The date of the event ({basis}) is unknown, but every version of the law that could "
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
    parts = []
    for src, date in later.values():
        if src.kind in citations.RULINGS:
            parts.append(citations.format_source(src, "", lang))
        else:
            parts.append(f"{src.ecli} ({long_date(date, lang)})")
    cited = "; ".join(parts)
    authority = "Salumi, gevoegde zaken 66, 127 en 128/79, ECLI:EU:C:1980:101" if nl else \
        "Salumi, Joined Cases 66, 127 and 128/79, EU:C:1980:101"
    if nl:
        return (f"De uitspraak van het Hof van Justitie waarop deze bevinding steunt ({cited}) is van na {on}, de datum "
                f"van de gebeurtenis ({event_words(res, pack, lang)}). Een uitlegging door het Hof geeft aan hoe de bepaling vanaf "
                f"haar inwerkingtreding moet worden begrepen en toegepast, en geldt dus ook voor deze zaak ({authority}); "
                "de Staat kan aanvoeren dat hij op de eerdere uitleg vertrouwde.")
    return (f"The Court of Justice judgment this finding relies on ({cited}) post-dates {on}, the date of the event "
            f"({event_words(res, pack, lang)}). An interpretation by the Court states how the provision must be understood and "
            f"applied from its entry into force, so it governs this case too ({authority}); the State may argue that "
            "it relied on the earlier reading.")


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _Model:
    """Immutable records (frozen dataclasses) that dump themselves as the documented JSON. Plain
    dataclasses rather than pydantic models: building pydantic models costs more than the rest of
    a one-case run, and these are only ever built by normcheck itself."""

    __slots__ = ()

    def model_dump(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]  # every subclass is a dataclass

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
    kind: Annotated[str, Describe("judgment | decision | reference | legislation | policy | secondary")] = ""
    citation: Annotated[str, Describe("the source with its pinpoint as a court cites it, in the report's language")] = ""
    title: Annotated[str, Describe("the source's full title, in the report's language")]
    pinpoint: Annotated[str, Describe("paragraph, point or article/paragraph relied on, in the report's language "
                                      "(empty: the source as a whole)")]
    about: Annotated[str | None, Describe("what the pinpoint is cited for, in the report's language")] = None
    verified: Annotated[bool, Describe("false: the pinpoint could not be checked against the published text")]
    footnote: Annotated[bool, Describe("true: the citation carries the report's footnote mark (not verified against the "
                                       "published text); never for a legislative article")] = False
    note: Annotated[str | None, Describe("for a legislative article whose wording was not checked: that note")] = None
    ecli: str | None = None
    celex: str | None = None
    hudoc: str | None = None
    url: Annotated[str | None, Describe("the official text (EUR-Lex, curia, HUDOC, rechtspraak.nl, …)")] = None
    court: Annotated[str | None, Describe("the court or body that gave the judgment or decision")] = None
    date: Annotated[str | None, Describe("date of the judgment, decision or instrument (ISO 8601)")] = None
    source_status: Annotated[str | None, Describe("`unverified`: the source's own identifiers or text could not be checked")] = None


@dataclass(frozen=True, kw_only=True)
class BackgroundRef(_Model):
    """Secondary material (a case summary, a press report, a blog): background, never a pinpoint."""

    source: Annotated[str, Describe("the source it belongs to (a secondary source, or the source it summarises)")]
    title: Annotated[str, Describe("what it is, in the report's language")]
    relates_to: Annotated[str | None, Describe("the source it summarises or reports on, by its short name")] = None
    about: Annotated[str | None, Describe("what it is cited for, in the report's language")] = None
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class DecidingFact(_Model):
    name: Annotated[str, Describe("the fact's name in the vocabulary (or `RULE fires`)")]
    value: Any
    label: Annotated[str, Describe("the fact's name in words, in the report's language")] = ""
    text: Annotated[str, Describe("the fact, its value and (for a derived fact) what it is computed from, in words, in the report's language")] = ""
    derived: bool = False
    definition: Annotated[str | None, Describe("for a derived fact: its definition in the rules")] = None
    doc: Annotated[str | None, Describe("for a derived fact: what it means, in the report's language")] = None
    stated_at: Annotated[str | None, Describe("file:line where the case states it")] = None
    line: Annotated[int | None, Describe("the line of the case file that states it")] = None
    inputs: tuple[DecidingFact, ...] = ()
    open_norm: Annotated[bool, Describe("the value is the conclusion of an open norm: the record's `open_norms` lists its test")] = False


@dataclass(frozen=True, kw_only=True)
class ReadingOutcome(_Model):
    """One reading of a contested grade and what the rule gives for this record under it."""

    name: str
    held_by: Annotated[str, Describe("who holds the reading, in words")]
    level: Annotated[Outcome, Describe("the rule's result for this record under the reading")]
    severity: ir.Severity | None
    sources: tuple[SourceRef, ...]
    argument: str
    applied: Annotated[bool, Describe("this run evaluated the rule under this reading")] = False


@dataclass(frozen=True, kw_only=True)
class AppliedReading(_Model):
    """The reading a finding was decided under: chosen for the run, or adopted by a court (settled)."""

    name: str
    held_by: str
    sources: tuple[SourceRef, ...]
    argument: str
    settled_by: Annotated[SourceRef | None, Describe("the ruling that settled the question (a settled version of the rule)")] = None
    settled_from: Annotated[str | None, Describe(
        "the date from which the settled version governs; earlier events keep the contested version")] = None


@dataclass(frozen=True, kw_only=True)
class ExceptionCheck(_Model):
    condition: Annotated[str, Describe("the exception as written in the rule")]
    status: Literal["holds", "does not hold", "not established"]
    description: Annotated[str, Describe("the exception in words, in the report's language")] = ""


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
    readings: Annotated[tuple[ReadingOutcome, ...], Describe(
        "where a contested grade decided the result: what the rule gives for this record under each of its readings")] = ()
    reading_applied: Annotated[AppliedReading | None, Describe(
        "the reading that decided this result: chosen with --reading, or adopted by a court (a settled version of the rule)")] = None
    note: str | None = None
    reason: Annotated[str, Describe(
        "why the rule gave this result (machine-readable; `message` words it): fires | not_in_force | record_type | "
        "no_facts | out_of_scope | scope_not_mentioned | scope_not_established (out of scope only on a value meaning "
        "\"never established\") | exception_holds | condition_unknown | scope_unknown | condition_false (its conditions "
        "were evaluated and are false) | condition_false_not_established (false only on a value meaning \"never "
        "established\", e.g. not_assessed) | condition_false_scope_unknown (false, but the record does not establish "
        "that the rule applies) | event_date_unknown | date_day_unknown (a date known only to the month, and the first "
        "and last day of that month give different results)")]
    sources: Annotated[tuple[SourceRef, ...], Describe("the legal sources of the finding (secondary material aside)")]
    background: Annotated[tuple[BackgroundRef, ...], Describe("secondary material: summaries, press, copies")] = ()
    pinpoints_verified: bool
    decided_by: tuple[DecidingFact, ...]
    missing_facts: Annotated[tuple[str, ...], Describe("unknown facts that could decide or change this result")]
    missing_labels: Annotated[tuple[str, ...], Describe("the same facts in words, in the report's language")] = ()
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
    not_disclosed: Annotated[tuple[str, ...], Describe(
        "facts the record states as not_disclosed (the authority has not disclosed them) that could decide or change "
        "this result: to be asked of the authority")] = ()
    potential_level: Annotated[Outcome | None, Describe(
        "the highest level this finding could reach once the undisclosed facts are produced (at least its own level); "
        "null when no undisclosed fact could change it. --fail-on compares it too")] = None
    follow_up: Annotated[str | None, Describe("the request to the authority for the undisclosed facts, in the report's language")] = None


@dataclass(frozen=True, kw_only=True)
class FactToCollect(_Model):
    fact: Annotated[str, Describe("the fact's name in the vocabulary")]
    label: Annotated[str, Describe("the fact in words, in the report's language")] = ""
    question: Annotated[str, Describe("the question to put to the client or the authority")] = ""
    ask: Annotated[str | None, Describe("who can answer it: client | authority | file")] = None
    ask_label: Annotated[str | None, Describe("who can answer it, in the report's language")] = None
    could_change: Annotated[tuple[str, ...], Describe("rules whose result this fact could decide or change")]
    level: Annotated[Outcome, Describe("the highest level a finding it could change can reach")] = "INSUFFICIENT_DATA"
    severity: Annotated[ir.Severity, Describe("the severity with that level")] = "low"
    key_scope: Annotated[bool, Describe("asked because it decides whether a rule applies at all")] = False
    weight: Annotated[int, Describe("legal weight: 10 x the level's rank (BREACH 5 … INSUFFICIENT_DATA 2) + the severity's "
                                    "(high 3, medium 2, low 1); the list is ranked by it")]
    not_disclosed: Annotated[bool, Describe("the record says the authority has not disclosed this fact: ask the authority")] = False
    assess: Annotated[str | None, Describe(
        "for an open norm: the legal test to apply (see `open_norms`), instead of a bare yes/no")] = None


@dataclass(frozen=True, kw_only=True)
class CriterionCheck(_Model):
    """One criterion of an open norm's legal test, with its source."""

    id: str
    text: str
    source: SourceRef
    examined: Annotated[bool | None, Describe("per the record's `assessments:` block; null when the record has none")] = None


@dataclass(frozen=True, kw_only=True)
class Assessment(_Model):
    """What the record says was examined of an open norm's test (`assessments:`)."""

    criteria_examined: tuple[str, ...]
    by: Annotated[Assessor, Describe("who examined it, as a role (never a name)")]
    source: str | None = None
    date: str | None = None
    stated_at: str | None = None


@dataclass(frozen=True, kw_only=True)
class OpenNormCheck(_Model):
    """A fact the findings rest on (or wait for) that is the conclusion of an open norm: the test a
    court applies, as a checklist for a human."""

    fact: str
    value: Annotated[Any, Describe("what the record states (null: not stated, or unknown)")]
    stated_at: Annotated[str | None, Describe("file:line of the value")]
    test: str
    criteria: tuple[CriterionCheck, ...]
    sources: tuple[SourceRef, ...]
    findings: Annotated[tuple[str, ...], Describe("rules whose result rests on the value, or waits for it")]
    waiting: Annotated[bool, Describe("the value is unknown: the findings wait for the assessment")] = False
    assessment: Assessment | None = None
    criteria_not_covered: Annotated[tuple[str, ...] | None, Describe(
        "with an assessment in the record: the criteria it does not cover")] = None
    label: Annotated[str | None, Describe("the fact's name in words, in the report's language (the vocabulary's label)")] = None


@dataclass(frozen=True, kw_only=True)
class ReadingFlip(_Model):
    """A finding whose level changes with the reading adopted (`--compare-readings`)."""

    rule: str
    default: Annotated[Outcome, Describe("the level as the rules stand (contested grades CONTESTED)")]
    default_severity: ir.Severity | None
    by_reading: Annotated[dict[str, Outcome], Describe("reading name: the level under it")]
    severity_by_reading: dict[str, ir.Severity | None]


@dataclass(frozen=True, kw_only=True)
class Problem(_Model):
    file: str
    line: int | None
    column: int | None
    severity: Literal["error", "warning"]
    code: Annotated[str, Describe("the kind of problem, stable across versions (NC-Y001 …; README, 'Error codes')")]
    message: str
    expected: str | None = None
    hint: str | None = None
    source_line: Annotated[str | None, Describe("the offending line of the file, as written")] = None

    @classmethod
    def of(cls, d: Diagnostic) -> Problem:
        return cls(file=d.file, line=d.line, column=d.column, severity=d.severity, code=d.code, message=d.message,
                   expected=d.expected, hint=d.hint, source_line=d.source_line)

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.file, self.line, self.column, self.message, expected=self.expected, hint=self.hint,
                          source_line=self.source_line, severity=self.severity, code=self.code)

    def render(self, lang: str = "en") -> str:
        """The same text as the diagnostic it came from: position, message, the line with a caret (the
        words around them in `lang`; the message as it stands, see `localized`)."""
        return self.diagnostic().render(lang)

    def localized(self, lang: str) -> Problem:
        """This problem worded in `lang` by its code (`diagnostics.localize`); the code and position stay."""
        d = localize(self.diagnostic(), lang)
        if d.message == self.message and d.hint == self.hint and d.expected == self.expected:
            return self
        return replace(self, message=d.message, expected=d.expected, hint=d.hint)


@dataclass(frozen=True, kw_only=True)
class RecordResult(_Model):
    id: str | None
    file: str
    record_type: str | None = None
    as_of: str | None = None
    as_of_source: str | None = None
    as_of_basis: Annotated[str | None, Describe("where the evaluation date came from, in words")] = None
    policy: str | None = None
    findings: tuple[Finding, ...] = ()
    facts_to_collect: tuple[FactToCollect, ...] = ()
    open_norms: Annotated[tuple[OpenNormCheck, ...], Describe(
        "needs human assessment: every open-norm fact the findings rest on or wait for, with its test as a checklist")] = ()
    reading_flips: Annotated[tuple[ReadingFlip, ...] | None, Describe(
        "with --compare-readings: the findings whose level or severity changes with the reading adopted")] = None
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
    readings: Annotated[tuple[str, ...], Describe(
        "RULE:READING for every contested rule this run decided under a reading (--reading)")] = ()
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
        value = run.shown[name] if name in run.shown else run.env.value(name)
        return display(value, lang, labels.get(name, {}).get(lang))
    labels = pack.value_labels if pack is not None else {}
    return _PLACEHOLDER.sub(value, text)


_RULE_WORD = {"en": "rule", "nl": "regel"}
_LINE_WORD = {"en": "line", "nl": "regel"}
_FILE_WORD = {"en": "file", "nl": "dossier"}
_FROM_WORD = {"en": "computed from", "nl": "berekend uit"}
_LEVEL_WORDS = {
    "en": {"BREACH": "breach", "RISK": "risk", "CONTESTED": "contested interpretation", "INSUFFICIENT_DATA":
           "insufficient data", "OK": "no problem found", "NOT_APPLICABLE": "not applicable"},
    "nl": {"BREACH": "schending", "RISK": "risico", "CONTESTED": "omstreden uitleg", "INSUFFICIENT_DATA":
           "onvoldoende gegevens", "OK": "geen probleem gevonden", "NOT_APPLICABLE": "niet van toepassing"},
}


Worded = dict[tuple[str, int], DecidingFact]  # the deciding facts of one record worded so far, by name and depth


def _deciding(name: str, run: CaseRun, pack: ir.RulePack, origins: dict[str, Any], lang: str,
              depth: int = 0, worded: Worded | None = None) -> DecidingFact:
    """A deciding fact of a finding, in words (with the facts it is computed from, three levels deep).
    `worded`: the record's deciding facts worded so far, shared by its findings (`record_result`): a fact
    decides many of a record's rules (its kind, a date, a computed age) and reads the same in each, so it
    is worded once per record (at the same depth, which decides how many of its inputs are shown)."""
    if worded is None:
        return _word_deciding(name, run, pack, origins, lang, depth, None)
    hit = worded.get((name, depth))
    if hit is None:
        hit = worded[(name, depth)] = _word_deciding(name, run, pack, origins, lang, depth, worded)
    return hit


def _word_deciding(name: str, run: CaseRun, pack: ir.RulePack, origins: dict[str, Any], lang: str,
                   depth: int, worded: Worded | None) -> DecidingFact:
    words = lang if lang in _RULE_WORD else "en"
    if name.startswith("rule:"):
        rid = name[5:]
        res = run.env.results.get(rid)
        outcome = res.outcome if res else "NOT_APPLICABLE"
        head = f"{_RULE_WORD[words]} {rid}"
        return DecidingFact(name=f"{rid} fires", value=outcome, label=head,
                            text=f"{head}: {_LEVEL_WORDS[words][outcome]}")
    label = wording.label(name, pack, lang)
    if name == "evaluation_date":
        return DecidingFact(name=name, value=run.env.as_of.isoformat(), label=label,
                            text=f"{label}: {long_date(run.env.as_of, lang)}")
    raw = _value_shown(name, run)
    shown = f"{label}: {wording.value(name, raw, pack, lang)}"
    origin = origins.get(name)
    stated_at = f"{origin.file}:{origin.line}" if origin is not None and origin.line else None
    d = pack.define(name)
    if d is not None and name not in run.env.given_derived:
        inputs: tuple[DecidingFact, ...] = ()
        if depth < 3:
            inputs = tuple(_deciding(dep, run, pack, origins, lang, depth + 1, worded) for dep in d.deps
                           if _value_shown(dep, run) is not UNKNOWN and not _constant(dep, pack))
        if inputs:
            parts = [f"{i.label} ({wording.value(i.name, _value_shown(i.name, run), pack, lang)})"
                     if not i.name.endswith(" fires") else i.text for i in inputs]
            shown += f" — {_FROM_WORD[words]} {wording.join(parts, lang)}"
        return DecidingFact(name=name, value=to_json(raw), label=label, text=shown, derived=True,
                            definition=d.expr.text, doc=dict(d.docs).get(lang), inputs=inputs, open_norm=name in pack.open_norms)
    line = origin.line if origin is not None and origin.line else None
    if line:
        shown += f" ({_FILE_WORD[words]}, {_LINE_WORD[words]} {line})"
    return DecidingFact(name=name, value=to_json(raw), label=label, text=shown, stated_at=stated_at, line=line,
                        open_norm=name in pack.open_norms)


def _value_shown(name: str, run: CaseRun) -> Any:
    """The value a report shows: the run's, unless it computed with a stand-in (a day of a month-precise date)."""
    return run.shown[name] if name in run.shown else run.env.value(name)


def _constant(name: str, pack: ir.RulePack) -> bool:
    """A parameter of the rules (a definition that reads no fact): named in the message, not a deciding fact."""
    d = pack.define(name)
    return d is not None and not d.deps and not d.in_vocabulary


def source_ref(c: ir.Citation, s: ir.Source, lang: str) -> SourceRef:
    """A citation as every report shows it: the court-style text, what it is cited for, the mark."""
    return SourceRef(source=c.source, kind=s.kind, citation=citations.citation(c, s, lang),
                     title=s.text("titles", lang) or s.title, pinpoint=citations.pinpoint(c, s, lang),
                     about=c.about_text(lang), verified=c.verified, footnote=citations.footnote(c, s),
                     note=citations.wording_note(c, s, lang), ecli=s.ecli, celex=s.celex, hudoc=s.hudoc,
                     url=citations.link(s, lang), court=citations.court_name(s, lang),
                     date=s.date.isoformat() if s.date else None, source_status=s.status)


def _short_name(s: ir.Source, lang: str) -> str:
    return s.text("parties", lang) or s.text("shorts", lang) or s.text("acts", lang) or s.text("titles", lang) or s.name


def sources_and_background(rule: ir.Rule, pack: ir.RulePack, lang: str) -> tuple[tuple[SourceRef, ...], tuple[BackgroundRef, ...]]:
    """The body's sources, and the background: secondary sources cited, and the secondary copies or
    summaries consulted for the body's sources (once each)."""
    body: list[SourceRef] = []
    background: list[BackgroundRef] = []
    seen: set[str] = set()
    for c in rule.citations:
        s = pack.sources[c.source]
        if s.kind == "secondary":
            background.append(BackgroundRef(source=s.name, title=s.text("titles", lang) or s.title,
                                            about=c.about_text(lang), url=citations.link(s, lang)))
            continue
        body.append(source_ref(c, s, lang))
        for b in s.backgrounds:
            if b.url in seen:
                continue
            seen.add(b.url)
            background.append(BackgroundRef(source=s.name, title=b.label(lang), relates_to=_short_name(s, lang), url=b.url))
    return tuple(body), tuple(background)


def _potential(res: RuleResult, run: CaseRun, withheld: frozenset[str]) -> tuple[tuple[str, ...], Outcome | None]:
    """The undisclosed facts that could change this result, and the highest level it could then reach (at
    least its own): a grade that holds or is open on one of them, with a scope that is not false."""
    asked = tuple(sorted(res.missing & withheld))
    if not asked:
        return (), None
    rule = res.rule
    top: Outcome = res.outcome
    scope = _evaluate(rule.applies, run.env) if rule.applies is not None else None
    if scope is not None and scope.value is False:
        return asked, top
    scope_open = scope is not None and scope.value is UNKNOWN
    for g in rule.grades:
        v = _evaluate(g.expr, run.env)
        if v.value is False:
            continue
        open_here = (v.value is UNKNOWN and bool(v.missing & withheld)) or \
            (v.value is True and scope is not None and scope_open and bool(scope.missing & withheld))
        if open_here and ir.OUTCOME_RANK[g.level] > ir.OUTCOME_RANK[top]:
            top = g.level
    return asked, top


def _ref(c: ir.Citation, pack: ir.RulePack, lang: str) -> SourceRef:
    """A reading's or an open norm's citation, court-style like a rule's."""
    return source_ref(c, pack.sources[c.source], lang)


def _reading_outcome(rr: ReadingResult, run: CaseRun, pack: ir.RulePack, lang: str) -> ReadingOutcome:
    r = rr.reading
    level = rr.result.outcome
    return ReadingOutcome(
        name=r.name, held_by=render(r.text("holder", lang), run, lang, pack), level=level,
        severity=rr.result.severity if level in ir.LEVELS or level == "INSUFFICIENT_DATA" else None,
        sources=tuple(_ref(c, pack, lang) for c in r.held_by), argument=render(r.text("argument", lang), run, lang, pack),
        applied=rr.applied)


def _applied(res: RuleResult, run: CaseRun, pack: ir.RulePack, lang: str) -> tuple[AppliedReading | None, frozenset[str] | None]:
    """The reading that decided this result, if one did: the result came from a grade whose level a reading
    set, or a grade the reading set aside (it gives OK) holds. Also the facts of that set-aside grade."""
    applied = res.rule.applied
    if applied is None:
        return None, None
    held: frozenset[str] | None = None
    decided = res.grade is not None and res.rule.grades[res.grade].reading == applied.reading
    if not decided and res.outcome in ("OK", "INSUFFICIENT_DATA"):
        for g in applied.set_aside:
            v = _evaluate(g.expr, run.env)
            if v.value is True:
                held = v.decided
                decided = True
                break
    if not decided:
        return None, None
    reading = next(r for _, r in applied.replaced)
    return AppliedReading(
        name=applied.reading, held_by=render(reading.text("holder", lang), run, lang, pack),
        sources=tuple(_ref(c, pack, lang) for c in reading.held_by), argument=render(reading.text("argument", lang), run, lang, pack),
        settled_by=_ref(applied.settled_by, pack, lang) if applied.settled_by is not None else None,
        settled_from=applied.settled_from.isoformat() if applied.settled_from is not None else None), held


QUIET_LEVELS = ("OK", "NOT_APPLICABLE")  # a rule that did not fire: a report shows it on one line unless --all
UNCONCERNED_REASONS = ("no_facts", "record_type")  # (of NOT_APPLICABLE) the record is not about the rule's family


def unconcerned(level: str, reason: str) -> bool:
    """A rule that does not apply because the record says nothing its family is about (or is not of its kind):
    a report without --all only counts it, by family (`report.view.record_view`)."""
    return level == "NOT_APPLICABLE" and reason in UNCONCERNED_REASONS


def finding(res: RuleResult, run: CaseRun, pack: ir.RulePack, lang: str, origins: dict[str, Any],
            withheld: frozenset[str] = frozenset(), brief: bool = False, worded: Worded | None = None) -> Finding:
    """The finding of one rule on one record. `brief`: a rule that did not fire gets no sources, background,
    law applied or rule message, and one that is only counted no words at all (see `record_result`).
    `worded`: the deciding facts of the record worded so far (see `_deciding`)."""
    if brief and unconcerned(res.outcome, res.reason):
        return _counted(res, run, pack, lang, origins, withheld, worded)
    rule = res.rule
    short = brief and res.outcome in QUIET_LEVELS
    sources, background = ((), ()) if short else sources_and_background(rule, pack, lang)
    note = rule.text("notes", lang)
    reason, open_facts = _why_not(res, run, pack)
    asked, potential = _potential(res, run, withheld) if withheld else ((), None)
    readings = tuple(_reading_outcome(rr, run, pack, lang) for rr in reading_results(pack, res, run.env))
    applied, held = _applied(res, run, pack, lang)
    decided = res.decided
    message = (render(rule.text("messages", lang), run, lang, pack) if res.fired
               else quiet_message(res.outcome, reason, lang, _missing_list(res.missing, pack, lang),
                                  _stated(open_facts, run, pack, lang),
                                  judged_on=res.judged_on, judged_basis=event_words(res, pack, lang)))
    if held is not None and res.outcome == "OK" and applied is not None:  # OK because the reading applied says so
        reason = "reading"
        decided = decided | held
        message = (f"Geen probleem gevonden volgens de lezing van {applied.held_by} (`--reading {applied.name}`): "
                   f"{applied.argument}" if lang == "nl" else
                   f"No problem found on the reading of {applied.held_by} (`--reading {applied.name}`): {applied.argument}")
    return Finding(
        rule=rule.id, version=rule.version, family=rule.family, level=res.outcome,
        severity=res.severity if res.outcome in ir.LEVELS or res.outcome == "INSUFFICIENT_DATA" else None,
        title=render(rule.text("titles", lang), run, lang, pack),
        message=message,
        rule_message="" if short else render(rule.text("messages", lang), run, lang, pack),
        readings=readings, reading_applied=applied,
        note=render(note, run, lang, pack) if note else None,
        reason=reason, sources=sources, background=background, pinpoints_verified=rule.verified,
        decided_by=_decided_by(decided, run, pack, origins, lang, worded),
        missing_facts=tuple(sorted(res.missing)),
        missing_labels=tuple(wording.label(n, pack, lang) for n in sorted(res.missing)),
        not_established=open_facts,
        exceptions=tuple(ExceptionCheck(condition=e.text, status=e.status,
                                        description=wording.expr(node, pack, lang))
                         for e, node in zip(res.exceptions, rule.unless)),
        judged_on=res.judged_on.isoformat() if res.judged_on else None,
        judged_on_basis=res.judged_basis or None,
        law_applied=None if short else law_applied(res, lang, pack),
        later_case_law=later_case_law(res, pack, lang),
        not_disclosed=asked, potential_level=potential,
        follow_up=follow_up([wording.label(n, pack, lang) for n in asked], res.outcome, potential, lang) if asked else None,
    )


def _decided_by(decided: frozenset[str], run: CaseRun, pack: ir.RulePack, origins: dict[str, Any], lang: str,
                worded: Worded | None) -> tuple[DecidingFact, ...]:
    """A finding's deciding facts in words, by name, without the pack's constants (`finding`, `_counted`)."""
    return tuple(_deciding(n, run, pack, origins, lang, 0, worded) for n in sorted(decided) if not _constant(n, pack))


def _counted(res: RuleResult, run: CaseRun, pack: ir.RulePack, lang: str, origins: dict[str, Any],
             withheld: frozenset[str], worded: Worded | None) -> Finding:
    """The brief finding of a rule of a family the record is not about (`unconcerned`), which such a report
    counts but never words: its level, reason and facts as `finding` gives them (what the counts, the facts
    to collect, the open norms and --fail-on read), and no title, message, note or other words. Wording
    them was most of the findings' work on a record, which most families do not concern. (Such a result
    has no grade, so no reading decided it or gives it another level: a reading changes grades only.)"""
    rule = res.rule
    asked, potential = _potential(res, run, withheld) if withheld else ((), None)
    return Finding(
        rule=rule.id, version=rule.version, family=rule.family, level=res.outcome, severity=None, title="",
        message="", rule_message="", reason=res.reason, sources=(), pinpoints_verified=rule.verified,
        decided_by=_decided_by(res.decided, run, pack, origins, lang, worded),
        missing_facts=tuple(sorted(res.missing)),
        judged_on=res.judged_on.isoformat() if res.judged_on else None, judged_on_basis=res.judged_basis or None,
        not_disclosed=asked, potential_level=potential)


ASK_WORDS = {"en": {"client": "the client", "authority": "the authority", "file": "the file"},
             "nl": {"client": "de cliënt", "authority": "de overheid", "file": "het dossier"}}


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
    """Facts in a 'not established' message, in words: with the value the record gives, where it gives one."""
    out = []
    for name in names:
        value = run.env.facts.get(name, UNKNOWN)
        label = wording.label(name, pack, lang)
        out.append(label if value is UNKNOWN else f"{label}: {wording.value(name, value, pack, lang)}")
    return out


def _missing_list(names: Iterable[str], pack: ir.RulePack, lang: str) -> list[str]:
    """Unknown facts in a message, in words (`wording.why_not` joins them)."""
    return sorted(wording.label(n, pack, lang) for n in names)


def _collectable(names: Iterable[str], pack: ir.RulePack) -> tuple[str, ...]:
    """Facts a person can collect: vocabulary facts (stated or derived), not a computed fact whose
    inputs are listed too."""
    keep = {n for n in names if n in pack.fact_types and not _internal(n, pack)}
    for name in list(keep):
        d = pack.define(name)
        if d is not None and any(dep in keep for dep in collect.stated_inputs(d, pack)):
            keep.discard(name)
    return tuple(sorted(keep))


def _internal(name: str, pack: ir.RulePack) -> bool:
    d = pack.define(name)
    return d is not None and not d.in_vocabulary


def facts_to_collect(findings: tuple[Finding, ...], pack: ir.RulePack, run: CaseRun | None = None,
                     lang: str = "en", withheld: frozenset[str] = frozenset()) -> tuple[FactToCollect, ...]:
    """The facts a lawyer should collect, as questions, ranked by legal weight (`normcheck.collect`)."""
    facts = dict(run.env.facts) if run is not None else {}
    as_of = run.env.as_of if run is not None else None
    out = []
    for c in collect.rank(findings, pack, facts, as_of, run.env.ev if run is not None else None):
        text = pack.fact_texts.get(c.fact)
        label = wording.label(c.fact, pack, lang)
        question = (text.question(lang) if text is not None else None) or label
        ask = text.ask if text is not None else None
        out.append(FactToCollect(fact=c.fact, label=label, question=question, ask=ask,
                                 ask_label=ASK_WORDS.get(lang, ASK_WORDS["en"]).get(ask) if ask else None,
                                 could_change=tuple(sorted(c.rules)), level=c.level,
                                 severity=c.severity, key_scope=c.key_scope, weight=c.weight,
                                 not_disclosed=c.fact in withheld,
                                 assess=pack.open_norms[c.fact].words(lang) if c.fact in pack.open_norms else None))
    return tuple(out)


def as_of_words(source: str | None, pack: ir.RulePack, lang: str) -> str | None:
    """Where the evaluation date came from, in words."""
    nl = lang == "nl"
    if source is None:
        return None
    if source == "as_of":
        return "de peildatum in het dossier" if nl else "the evaluation date in the file"
    if source == "--as-of":
        return "de optie --as-of" if nl else "the --as-of option"
    if source == "today":
        return "vandaag" if nl else "today"
    return wording.label(source, pack, lang)


def _open_norm_facts(d: DecidingFact) -> list[str]:
    """The open-norm facts among a deciding fact and its inputs."""
    out = [d.name] if d.open_norm else []
    for i in d.inputs:
        out.extend(_open_norm_facts(i))
    return out


def open_norm_checks(findings: tuple[Finding, ...], record: Any, run: CaseRun, pack: ir.RulePack,
                     lang: str) -> tuple[OpenNormCheck, ...]:
    """Every open-norm fact the findings rest on (a deciding fact) or wait for (a missing fact), with its
    legal test as a checklist, the value the record states and where, and what an `assessments:` block
    in the record says was examined."""
    norms = pack.open_norms
    if not norms:
        return ()
    resting: dict[str, list[str]] = {}
    waiting: dict[str, list[str]] = {}
    for f in findings:
        if f.level == "NOT_APPLICABLE" and f.reason in ("no_facts", "scope_not_mentioned"):
            continue
        for d in f.decided_by:
            for name in _open_norm_facts(d):
                resting.setdefault(name, [])
                if f.rule not in resting[name]:
                    resting[name].append(f.rule)
        for name in f.missing_facts:
            if name in norms:
                waiting.setdefault(name, [])
                if f.rule not in waiting[name]:
                    waiting[name].append(f.rule)
    origins = dict(record.origins)
    assessments = dict(getattr(record, "assessments", None) or {})
    out = []
    for name in sorted(set(resting) | set(waiting), key=lambda n: (n not in resting, n)):
        norm = norms[name]
        value = run.env.value(name)
        origin = origins.get(name)
        given = assessments.get(name)
        examined = set(given.criteria_examined) if given is not None else None
        criteria = tuple(CriterionCheck(id=c.id, text=c.words(lang), source=_ref(c.citation, pack, lang),
                                        examined=(c.id in examined) if examined is not None else None)
                         for c in norm.criteria)
        seen: dict[tuple[str, str], SourceRef] = {}
        for c in criteria:
            seen.setdefault((c.source.source, c.source.pinpoint), c.source)
        assessment = None
        if given is not None:
            at = given.origin
            assessment = Assessment(criteria_examined=tuple(given.criteria_examined), by=given.by, source=given.source,
                                    date=given.date.isoformat() if given.date is not None else None,
                                    stated_at=f"{at.file}:{at.line}" if at is not None and at.line else None)
        out.append(OpenNormCheck(
            fact=name, value=to_json(value) if value is not UNKNOWN else None,
            stated_at=f"{origin.file}:{origin.line}" if origin is not None and origin.line else None,
            test=norm.words(lang), criteria=criteria, sources=tuple(seen.values()),
            findings=tuple(resting.get(name, []) + [r for r in waiting.get(name, []) if r not in resting.get(name, [])]),
            waiting=name not in resting, assessment=assessment,
            criteria_not_covered=tuple(c.id for c in criteria if not c.examined) if examined is not None else None,
            label=wording.label(name, pack, lang)))
    return tuple(out)


def record_result(record: Any, run: CaseRun, pack: ir.RulePack, lang: str, brief: bool = False) -> RecordResult:
    """Findings for one loaded record (a `facts.Record`) and its engine run.

    `brief`: for a report that shows a rule that did not fire (OK, not applicable) on one line only (the
    terminal without --all; `report.view` decides that by `QUIET_LEVELS` too): such findings leave out what
    that line never shows (their sources, background, the law applied, the rule's message), most of the
    work on a record most rules do not concern; a rule of a family the record is not about, which it only
    counts, gets no words at all (`unconcerned`). Every other format, and --all, needs the whole record."""
    origins = dict(record.origins)
    results = sorted(run.results, key=lambda r: (pack.family_rank(r.rule.family), r.rule.family, r.rule.line))
    withheld = frozenset(getattr(record, "not_disclosed", ()))
    worded: Worded = {}
    findings = tuple(finding(r, run, pack, lang, origins, withheld, brief, worded) for r in results)
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
        facts_to_collect=facts_to_collect(findings, pack, run, lang, withheld),
        open_norms=open_norm_checks(findings, record, run, pack, lang), problems=tuple(problems),
        as_of_basis=as_of_words(record.as_of_source, pack, lang),
    )


def failed_record(file: str, diagnostics: list[Diagnostic]) -> RecordResult:
    return RecordResult(id=None, file=file, problems=tuple(Problem.of(d) for d in diagnostics))


def _models() -> list[type[_Model]]:
    """Every record class of the report (all of them may carry `Describe` texts)."""
    found: list[type[_Model]] = []
    todo: list[type[_Model]] = [_Model]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def output_schema() -> dict[str, Any]:
    """The JSON Schema of `--format json`, as published in docs/output-schema.json: pydantic's
    schema of the record dataclasses, with each field's `Describe` text as its description."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Run).json_schema()
    for cls in _models():
        target = schema if cls is Run else schema["$defs"].get(cls.__name__)
        if target is None:
            continue
        for name, hint in get_type_hints(cls, include_extras=True).items():
            for meta in getattr(hint, "__metadata__", ()):
                if isinstance(meta, Describe):
                    target["properties"][name]["description"] = str(meta)
    schema["title"] = f"normcheck report (normcheck --format json), schema version {SCHEMA_VERSION}"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def python_name() -> str:
    """`platform.python_implementation()` and `platform.python_version()` ("CPython 3.11.7"), read from `sys`
    for CPython: importing `platform` compiles its regular expressions, a few milliseconds of every run."""
    version = sys.version.split(None, 1)[0] if sys.version else ""
    if sys.implementation.name == "cpython" and version and all(c.isalnum() or c in "._+" for c in version):
        parts = version.split(".")
        return "CPython " + ".".join(parts + ["0"] if len(parts) == 2 else parts)
    import platform

    return f"{platform.python_implementation()} {platform.python_version()}"


def receipt(pack: ir.RulePack, engine_label: str, lang: str, readings: tuple[str, ...] = ()) -> Receipt:
    """`pack` is the rule pack as written (its hash identifies the rule files); `readings` the contested
    rules this run decided under a reading."""
    return Receipt(normcheck_version=__version__, schema_version=SCHEMA_VERSION, rule_pack_sha256=pack.digest,
                   rule_files=pack.files, engine=engine_label,
                   python=python_name(), language="nl" if lang == "nl" else "en",
                   readings=tuple(readings),
                   bundled_pack_sha256=pack.base_digest or pack.digest,
                   added_rules=tuple(AddedRules(folder=a.folder, sha256=a.sha256, rule_files=a.files, replaces=a.replaces)
                                     for a in pack.added))


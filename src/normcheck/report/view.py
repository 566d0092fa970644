"""One format-neutral view of a run: records → groups by level → findings → facts to collect →
summary → receipt, with every word resolved in the report's language.

Renderers (`report/renderers/*`) only lay this out; none of them words a label, orders findings
or decides what a reader sees. What a finding shows is decided in one place, `_sections`: a new
field of a finding (a date, a reading, a follow-up) becomes one more `Section` there and every
format shows it (the readings of a contested grade are such sections). A record's open-norm facts
("Needs human assessment") and, with `--compare-readings`, the findings that change with the reading
adopted are parts of the record's view. Records flow through one at a time (`RunView.records` is a generator over the
batch), so a run over 100,000 files holds one record at a time plus small counters (`Tally`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .. import ir
from ..citations import LEGEND, MARK
from ..findings import (
    AppliedReading,
    BackgroundRef,
    DecidingFact,
    FactToCollect,
    Finding,
    OpenNormCheck,
    Problem,
    ReadingFlip,
    ReadingOutcome,
    Receipt,
    RecordResult,
    SourceRef,
    unconcerned,
)
from ..plural import counted
from ..vocabulary import Vocabulary
from ..wording import ASSESSORS, EXCEPTION_STATUS, LEVEL_SHORT, SEVERITY, date_text, engine_words, shown_level, t, value_text, why_not
from .tally import FactRow, SummaryRowData, Tally

# The order of the groups in a record; the first four are always shown in full.
GROUPS = ("BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA", "OK", "NOT_ESTABLISHED", "NOT_APPLICABLE")
IN_FULL = ("BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA")
QUIET = ("OK", "NOT_ESTABLISHED", "NOT_APPLICABLE")  # the levels of `findings.QUIET_LEVELS`, as grouped
FIRED = ("BREACH", "RISK", "CONTESTED")


@dataclass(frozen=True)
class Words:
    """The report's language and the vocabulary's wording of values."""

    lang: str
    value_labels: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    fact_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # fact -> lang -> its name in words
    questions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # fact -> lang -> the question that asks for it
    families: tuple[ir.Family, ...] = ()  # the pack's, in report order (rules/families.yaml)

    @classmethod
    def of(cls, lang: str, value_labels: Mapping[str, Mapping[str, Mapping[str, str]]],
           vocabulary: Vocabulary | None = None, families: tuple[ir.Family, ...] = ()) -> Words:
        """The words of a report in `lang`: the pack's wording of values and families and, from the
        vocabulary (`label`, `question`), each fact's name in words and the question that asks for it."""
        labels: dict[str, dict[str, str]] = {}
        questions: dict[str, dict[str, str]] = {}
        for name, spec in (vocabulary.facts.items() if vocabulary is not None else ()):
            if spec.label_texts:
                labels[name] = dict(spec.label_texts)
            if spec.question:
                questions[name] = dict(spec.question)
        return cls(lang, value_labels, labels, questions, families)

    def __call__(self, key: str) -> str:
        return t(self.lang, key)

    def family(self, family_id: str) -> str:
        """A norm family's title in the report's language (its id where the pack does not declare it)."""
        return next((f.title(self.lang) for f in self.families if f.id == family_id), family_id)

    def family_rank(self, family_id: str) -> int:
        return next((i for i, f in enumerate(self.families) if f.id == family_id), len(self.families))

    def value(self, name: str, value: object) -> str:
        return value_text(value, self.lang, self.value_labels.get(name, {}).get(self.lang))

    def fact(self, name: str) -> str | None:
        """A fact's name in words in the report's language (None: the vocabulary gives none)."""
        return self.fact_labels.get(name, {}).get(self.lang)

    def question(self, name: str) -> str | None:
        """The question that asks for a fact, in the report's language (None: the vocabulary gives none)."""
        return self.questions.get(name, {}).get(self.lang)


# ---- the view's parts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One line of a section: `prefix`, then `text` (linked to `url` where the format can: a court
    citation links to the official text), the footnote `mark`, then `suffix`."""

    text: str
    url: str | None = None
    unverified: bool = False  # carries the footnote mark: not verified against the published text
    code: bool = False  # a fact or a formula: set apart as code where the format can
    strong: bool = False  # the head of an item with sub-items (a reading: its name, holder and result)
    sub: tuple[Item, ...] = ()  # lines under this one (a reading's sources and argument)
    mark: str = ""  # the footnote mark (citations.MARK) or nothing
    prefix: str = ""  # plain text before the linked text
    suffix: str = ""  # plain text after the mark: what the source is cited for, a note

    @property
    def plain(self) -> str:
        """The whole line as plain text (the link's address left out)."""
        return f"{self.prefix}{self.text}{self.mark}{self.suffix}"


@dataclass(frozen=True)
class Section:
    """A labelled part of a finding. `style`: `list` (label, then one item per line), `inline`
    (label: the items on one line), `each` (one `label: item` line per item), `emphasis` (each item
    a line of its own, set apart, without the label)."""

    key: str
    label: str
    items: tuple[Item, ...]
    style: str = "list"

    @property
    def text(self) -> str:
        return ", ".join(i.plain for i in self.items)


@dataclass(frozen=True)
class FindingView:
    """A finding laid out for the text formats: its words in the report's language, grouped in sections."""

    rule: str
    family: str
    level: str  # as in the JSON report
    group: str  # the group it is shown in: the level, or NOT_ESTABLISHED
    label: str  # the group's name in the report's language
    severity: str | None
    severity_label: str | None  # "high", "hoog"
    severity_name: str  # "severity", "ernst"
    title: str
    message: str  # the rule's message when it fired; otherwise why not, or what is missing
    reason: str  # why it did not fire, in words (for a quiet finding's one line)
    quiet: bool  # did not fire (OK, not established, not applicable)
    sections: tuple[Section, ...]
    finding: Finding  # the data it was worded from

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


@dataclass(frozen=True)
class Group:
    """The findings of one level on one record, in the order the formats print them."""

    key: str
    label: str
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class Meta:
    """One line of a record's heading (file, evaluation date, policy), already worded."""

    key: str  # file | as_of | policy
    label: str
    value: str


@dataclass(frozen=True)
class ProblemView:
    """A problem with a case file, worded for the report."""

    code: str
    severity: str  # error | warning
    where: str  # file:line:column
    message: str
    expected: str | None
    text: str  # the full plain-text diagnostic: position, line with a caret, expected, hint
    problem: Problem


@dataclass(frozen=True)
class CollectView:
    """A fact to collect, worded as a question with whom to ask and what it may change."""

    fact: str  # the vocabulary's name (machine formats only)
    question: str  # the question to put, in the report's language
    ask: str  # whom to ask, in words ("" when the vocabulary does not say)
    could_change: tuple[str, ...]  # rules
    reach: str  # the rules it could change and the highest result they could reach, in words
    mark: str | None = None  # "not disclosed: ask the authority" for a fact the record says the authority withholds
    assess: str | None = None  # an open norm: "assess: <its test> (see Needs human assessment)", not a bare yes/no


@dataclass(frozen=True)
class CriterionView:
    """One criterion of an open norm's checklist, with its mark."""

    mark: str  # [x] examined, [ ] not examined (per the record's assessment), [?] to check (no assessment stated)
    text: str  # the criterion with its source and pinpoint
    source: SourceRef
    unverified: bool


@dataclass(frozen=True)
class OpenNormView:
    """One open-norm fact under "Needs human assessment": a checklist for a human."""

    fact: str
    head: str  # the fact, the value the record states and where
    test: str  # "Test: …"
    findings: str  # "findings resting on it: …" / "findings waiting for it: …"
    checklist_label: str
    checklist: tuple[CriterionView, ...]
    assessment: str | None  # who stated an assessment, with its source and date, and where
    coverage: str  # which criteria the file does not cover, or that it states no assessment
    complete: bool  # an assessment covers every criterion
    norm: OpenNormCheck


@dataclass(frozen=True)
class FlipView:
    """A finding whose result changes with the reading adopted (`--compare-readings`)."""

    rule: str
    as_written: str  # the result as the rules stand (contested grades CONTESTED)
    cells: tuple[str, ...]  # per reading column: the result under it, "=" where it is the same
    flip: ReadingFlip


@dataclass(frozen=True)
class RecordView:
    """One record laid out for the text formats: heading, problems, groups of findings, facts to collect."""

    heading: str  # "Record amv-2025-0042"
    id: str
    meta: tuple[Meta, ...]
    failed: bool
    problems_label: str
    problems: tuple[ProblemView, ...]
    groups: tuple[Group, ...]  # shown in full, in GROUPS order
    others_label: str
    others_columns: tuple[str, str]  # rule, result
    others: tuple[FindingView, ...]  # quiet findings not shown in full: one line each (rule and why not)
    unconcerned_label: str
    unconcerned: tuple[tuple[str, int], ...]  # families the record says nothing about (their titles), with their number of rules
    noted: tuple[FindingView, ...]  # quiet findings whose note is worth reading although not shown in full
    collect_label: str
    collect_columns: tuple[str, str, str, str]  # "#", question, whom to ask, could decide or change
    collect: tuple[CollectView, ...]
    marked: bool  # a shown source carries the footnote mark (the report prints the legend once)
    result: RecordResult  # the data (what `--format json` writes)
    assess_label: str = ""
    open_norms: tuple[OpenNormView, ...] = ()  # "Needs human assessment"
    flips_label: str = ""
    flips_columns: tuple[str, ...] = ()  # rule, as written, one per reading
    flips: tuple[FlipView, ...] | None = None  # --compare-readings only: the findings that change with the reading
    no_flips: str = ""  # what to say when none does


@dataclass(frozen=True)
class AddedRulesView:
    """An added rule folder in the receipt: where it is, its hash, its files, the rules it replaces."""

    label: str  # "added rules"
    folder: str
    sha256: str
    rule_files: tuple[str, ...]
    replaces_label: str  # "replacing"
    replaces: tuple[str, ...]


@dataclass(frozen=True)
class ReceiptView:
    """The receipt worded for the text formats."""

    label: str
    normcheck_version: str
    schema_label: str
    schema_version: str
    rule_pack_label: str
    sha256: str
    rule_files: tuple[str, ...]
    files_label: str
    engine_label: str
    engine: str
    python: str
    receipt: Receipt
    readings_label: str = ""
    readings: tuple[str, ...] = ()  # RULE:READING the run decided contested rules under (--reading)
    # With added rule folders (`--add-rules`): the bundled pack's hash and each folder's; `sha256` is the pack as run.
    bundled_label: str = ""
    bundled_sha256: str = ""
    added: tuple[AddedRulesView, ...] = ()
    file_label: str = ""  # the noun for one file ("1 bestand"); `files_label` for any other number

    def files(self, n: int) -> str:
        """A number of rule files in the report's language: "1 file", "7 files"."""
        return counted(n, self.file_label or self.files_label, self.files_label)

    def composition(self) -> str:
        """One line: the pack as run = the bundled rules' hash + each added folder's (short hashes)."""
        parts = [f"{self.bundled_label} sha256:{self.bundled_sha256[:16]}"]
        for a in self.added:
            replaced = f", {a.replaces_label} {', '.join(a.replaces)}" if a.replaces else ""
            parts.append(f"{a.label} {a.folder} sha256:{a.sha256[:16]} ({self.files(len(a.rule_files))}{replaced})")
        return f"{self.rule_pack_label} = " + " + ".join(parts)


@dataclass(frozen=True)
class SummaryRowView:
    """One row of the batch summary, worded."""

    id: str | None  # None: the file could not be read
    file: str
    name: str  # the id, or the file when it could not be read
    highest: str  # in words; "could not be read" for a file with errors
    highest_level: str | None
    counts: tuple[int, ...]  # per level, in ir.OUTCOMES order
    errors: int


@dataclass(frozen=True)
class SummaryView:
    """The batch summary worded for the text formats."""

    label: str
    records: int
    failed: int
    columns: tuple[str, ...]  # record, file, highest, one per level, errors
    rows: Iterable[SummaryRowView]  # read back one at a time
    facts_label: str
    facts_columns: tuple[str, str, str]  # "#", question, records it could decide
    facts: tuple[FactRow, ...]


# ---- building it -------------------------------------------------------------------------------


def source_item(s: SourceRef) -> Item:
    """A source as a court cites it, linked to the official text, with the footnote mark and what it
    is cited for."""
    suffix = (f" — {s.about}" if s.about else "") + (f" ({s.note})" if s.note else "")
    return Item(s.citation or f"{s.title}, {s.pinpoint}".rstrip(", "), url=s.url, unverified=s.footnote,
                mark=MARK if s.footnote else "", suffix=suffix)


def background_item(b: BackgroundRef) -> Item:
    """Secondary material: what it is and what it relates to, linked; never a pinpoint."""
    return Item(b.title, url=b.url, prefix=f"{b.relates_to}: " if b.relates_to else "",
                suffix=f" — {b.about}" if b.about else "")


_TRAILING_NOTE = r"\s*\([^()]*\)$"  # compiled on first use (by `re`)


def short_source_text(s: SourceRef, w: Words) -> str:
    """A source in a checklist: its title without the trailing note, the pinpoint and whether it was checked
    (the full reference is under the finding's sources)."""
    mark = w("verified") if s.verified else w("unverified")
    cited = s.citation or f"{re.sub(_TRAILING_NOTE, '', s.title) or s.title}, {s.pinpoint}"
    about = f" — {s.about}" if s.about else ""
    return f"{cited}{MARK if s.footnote else ''}{about} [{mark}]"


def fact_text(d: DecidingFact, w: Words) -> str:
    """A deciding fact in words: its name, its value, and what a derived fact is computed from; one that is
    the conclusion of an open norm says so (its test is under "Needs human assessment")."""
    text = d.text or f"{d.label or d.name} = {w.value(d.name, d.value)}"
    if d.open_norm:
        text += f" [{w('open_norm')}]"
    opens = [i.label or i.name for i in d.inputs if i.open_norm]
    if opens:
        text += f" [{w('open_norm')}: {', '.join(opens)}]"
    return text


def collect_view(c: FactToCollect, w: Words) -> CollectView:
    severity = SEVERITY.get(w.lang, SEVERITY["en"]).get(c.severity, c.severity)
    reach = f"{', '.join(c.could_change)} ({w('level_reach')}: {w(c.level).lower()}, {severity})"
    assess = f"{w('assess')}: {c.assess} ({w('see_assessment')})" if c.assess else None
    return CollectView(c.fact, c.question or c.label or c.fact, c.ask_label or "", c.could_change, reach,
                       w("not_disclosed_mark") if c.not_disclosed else None, assess)


def _why(f: Finding) -> str:
    """Why a quiet finding did not fire, in words: its message (`wording.quiet_message`, worded with the
    vocabulary's labels) without the level in front."""
    _head, sep, why = f.message.partition(": ")
    return why.rstrip(".") if sep else f.message


def _sections(f: Finding, group: str, w: Words, show_all: bool) -> tuple[Section, ...]:
    """What a finding shows, in order: the one place that decides it for every format."""
    quiet = group in QUIET
    out: list[Section] = []
    law = tuple(Item(text) for text in (f.law_applied, f.later_case_law) if text)
    if law and (not quiet or show_all):  # which version of the law, chosen by which date
        out.append(Section("law", w("law"), law, "emphasis"))
    if not quiet or show_all:
        out.append(Section("sources", w("sources"), tuple(source_item(s) for s in f.sources)))
        if f.background:
            out.append(Section("background", w("background"), tuple(background_item(b) for b in f.background)))
    if f.decided_by and (quiet or f.level in FIRED):
        out.append(Section("decided_by", w("decided_by"), tuple(Item(fact_text(d, w)) for d in f.decided_by)))
    if f.reading_applied is not None:  # the reading this run (or a court's ruling) decided it under
        out.append(Section("reading_applied", w("under_reading"), (Item(applied_text(f.reading_applied, w)),), "emphasis"))
    if f.readings:  # the result under each reading of the contested grade
        out.append(Section("readings", w("readings"), tuple(reading_item(r, w) for r in f.readings)))
    if f.note:
        out.append(Section("note", w("note"), (Item(f.note),), "inline"))
    words = EXCEPTION_STATUS.get(w.lang, EXCEPTION_STATUS["en"])
    exceptions = [e for e in f.exceptions if not quiet or e.status == "holds"]
    if exceptions:
        out.append(Section("exceptions", w("exception"), tuple(
            Item(f"{words['unless']} {e.description or e.condition}" + ("" if quiet else f" — {words[e.status]}"),
                 code=not e.description)
            for e in exceptions), "each"))
    if f.missing_facts:
        missing = f.missing_labels or f.missing_facts
        out.append(Section("missing", w("missing"), tuple(Item(m, code=not f.missing_labels) for m in missing), "inline"))
    if f.follow_up:  # facts the authority has not disclosed could change it: what to ask for
        out.append(Section("follow_up", w("follow_up"), (Item(f.follow_up),), "emphasis"))
    return tuple(out)


def level_text(level: str, severity: str | None, w: Words, named: bool = True) -> str:
    """A result in words: "Risk (severity low)"; in a table cell ("named" off) "Risk (low)"."""
    sev = SEVERITY.get(w.lang, SEVERITY["en"]).get(severity or "", severity) if severity else None
    return w(level) + ((f" ({w('severity')} {sev})" if named else f" ({sev})") if sev else "")


def reading_item(r: ReadingOutcome, w: Words) -> Item:
    """A reading: who holds it (in the report's language) and what the rule gives under it, then the
    option that selects it — its name is a handle for the command line, not a word of the report."""
    head = f"{r.held_by}: {level_text(r.level, r.severity, w)}"
    if r.applied:
        head += f" — {w('applied')}"
    head += f" (`--reading {r.name}`)"
    sub = tuple(source_item(s) for s in r.sources)
    return Item(head, strong=True, sub=sub + (Item(f"{w('argues')}: {r.argument}"),))


def applied_text(a: AppliedReading, w: Words) -> str:
    line = f"{w('under_reading')} {a.held_by} (`--reading {a.name}`)"
    if a.settled_by is not None:
        line += f"; {w('settled_by')} {source_item(a.settled_by).plain}"
        if a.settled_from:
            line += f", {w('settled_from')} {date_text(a.settled_from, w.lang)}"
    return line + "."


def open_norm_view(n: OpenNormCheck, w: Words) -> OpenNormView:
    value = w.value(n.fact, n.value) if n.value is not None else w("not_stated")
    name = n.label or w.fact(n.fact) or n.fact  # the fact in words: a lawyer reads no identifiers
    head = f"{name} — {w('value_stated')}: {value}" + (f" ({n.stated_at})" if n.stated_at else "")
    which = w("waits_for") if n.waiting else w("rests_on")
    checklist = tuple(
        CriterionView("[x]" if c.examined else "[ ]" if c.examined is False else "[?]",
                      f"{c.text} — {short_source_text(c.source, w)}", c.source, not c.source.verified)
        for c in n.criteria)
    assessment = None
    if n.assessment is not None:
        a = n.assessment
        who = ASSESSORS.get(w.lang, ASSESSORS["en"]).get(a.by, a.by)
        parts = [who] + [x for x in (a.source, date_text(a.date, w.lang) if a.date else None) if x]
        assessment = f"{w('assessed_by')}: " + "; ".join(parts) + (f" ({a.stated_at})" if a.stated_at else "")
        words = {c.id: c.text for c in n.criteria}
        missing = [words.get(c, c) for c in n.criteria_not_covered or ()]
        coverage = f"{w('not_covered')}: " + "; ".join(missing) if missing else w("all_covered")
    else:
        coverage = w("no_assessment")
    return OpenNormView(
        fact=n.fact, head=head, test=f"{w('test')}: {n.test}", findings=f"{which}: {', '.join(n.findings)}",
        checklist_label=w("checklist"), checklist=checklist, assessment=assessment, coverage=coverage,
        complete=n.assessment is not None and not n.criteria_not_covered, norm=n)


def _flip_columns(flips: tuple[ReadingFlip, ...]) -> list[str]:
    """The readings that change at least one result (the others would be a column of "=")."""
    names: set[str] = set()
    for f in flips:
        for n, level in f.by_reading.items():
            if (level, f.severity_by_reading.get(n)) != (f.default, f.default_severity):
                names.add(n)
    return sorted(names)


_PARTY_END = r"[:;,]| \("  # (compiled on first use, by `re`) "the State (the Netherlands), with …" -> "the State"


def _party(holder: str) -> str:
    """Who holds a reading, without what they hold or on which ground: the head of a column."""
    return re.split(_PARTY_END, holder, maxsplit=1)[0].strip()


def flip_holders(flips: tuple[ReadingFlip, ...], found: Sequence[Finding]) -> dict[str, str]:
    """Per reading name, who holds it in the report's language (from the readings of the contested findings
    that flip): one rule's holder names a party and the ground it argues, so a column shows the party alone;
    where the rules of one record name different parties for one reading, each is listed ("the State / the
    Member State"), a party that another one starts ("the applicant and VluchtelingenWerk") left out."""
    flipped = {f.rule for f in flips}
    parties: dict[str, list[str]] = {}
    for f in found:
        if f.rule not in flipped:
            continue
        for r in f.readings:
            p = _party(r.held_by)
            if p and p not in parties.setdefault(r.name, []):
                parties[r.name].append(p)
    out = {}
    for name, ps in parties.items():
        kept = [p for p in ps if not any(q != p and p.startswith(q + " ") for q in ps)]
        out[name] = " / ".join(kept)
    return out


def flip_views(flips: tuple[ReadingFlip, ...], w: Words,
               found: Sequence[Finding] = ()) -> tuple[tuple[str, ...], tuple[FlipView, ...]]:
    """The table of `--compare-readings`: a column per reading headed by who holds it (in the report's
    language) and the option that selects it once — the reading's name is a command-line handle, not a word
    of the report."""
    cols = _flip_columns(flips)
    holders = flip_holders(flips, found)
    views = []
    for f in flips:
        cells = []
        for c in cols:
            got = (f.by_reading.get(c, f.default), f.severity_by_reading.get(c, f.default_severity))
            cells.append("=" if got == (f.default, f.default_severity) else level_text(got[0], got[1], w, named=False))
        views.append(FlipView(f.rule, level_text(f.default, f.default_severity, w, named=False), tuple(cells), f))
    heads = tuple(f"{w('reading_of')} {holders[c]} (`--reading {c}`)" if c in holders else f"`--reading {c}`"
                  for c in cols)
    return (w("rule"), w("as_written")) + heads, tuple(views)


def finding_view(f: Finding, w: Words, show_all: bool = True) -> FindingView:
    group = shown_level(f.level, f.reason)
    quiet = group in QUIET
    if quiet or f.level == "INSUFFICIENT_DATA":
        reason = _why(f)
    else:
        opened = [n if n not in {d.name for d in f.decided_by} else
                  f"{n}: {w.value(n, next(d.value for d in f.decided_by if d.name == n))}" for n in f.not_established]
        reason = why_not(f.level, f.reason, w.lang, f.missing_labels or f.missing_facts, opened,
                         judged_basis=f.judged_on_basis or "",
                         judged_on=dt.date.fromisoformat(f.judged_on) if f.judged_on else None)
    return FindingView(
        rule=f.rule, family=f.family, level=f.level, group=group, label=w(group), severity=f.severity,
        severity_label=SEVERITY.get(w.lang, SEVERITY["en"]).get(f.severity) if f.severity else None,
        severity_name=w("severity"),
        title=f.title, message=f.message, quiet=quiet,
        reason=reason,
        sections=_sections(f, group, w, show_all), finding=f,
    )


def _severity_rank(v: FindingView) -> int:
    return _SEVERITY_RANK.get(v.severity, 0)


_SEVERITY_RANK: dict[str | None, int] = {k: v for k, v in ir.SEVERITY_RANK.items()}


def _unconcerned(f: Finding) -> bool:
    """A rule that does not apply because the record says nothing its family is about (or is not of its kind):
    `findings.unconcerned`, which also leaves the words out of such a finding of a brief report."""
    return unconcerned(f.level, f.reason)


def record_view(r: RecordResult, w: Words, show_all: bool = False) -> RecordView:
    unconcerned: dict[str, int] = {}
    shown: Sequence[Finding] = r.findings
    if not show_all:  # a rule of a family the record says nothing about is only counted: not worded at all
        shown = []
        for f in r.findings:  # in the order of the rules
            if _unconcerned(f):
                unconcerned[f.family] = unconcerned.get(f.family, 0) + 1
            else:
                shown.append(f)
    views = [finding_view(f, w, show_all) for f in shown]
    by_group: dict[str, list[FindingView]] = {}
    for v in views:
        by_group.setdefault(v.group, []).append(v)
    groups = tuple(
        Group(g, w(g), tuple(sorted(by_group[g], key=lambda v: -_severity_rank(v))))  # stable: family order within
        for g in GROUPS if by_group.get(g) and (g in IN_FULL or show_all))
    others: list[FindingView] = []
    noted: list[FindingView] = []
    if not show_all:
        for v in views:  # in the order of the rules
            if not v.quiet:
                continue
            others.append(v)
            # an OK with a note (e.g. CH-01), or one a reading decided, is worth reading
            if v.group != "NOT_APPLICABLE" and (v.finding.note or v.finding.reading_applied is not None):
                noted.append(v)
    meta = [Meta("file", w("file"), r.file)]
    if r.as_of:
        basis = r.as_of_basis or r.as_of_source
        meta.append(Meta("as_of", w("as_of"), f"{date_text(r.as_of, w.lang)} ({w('from')} {basis})" if basis
                         else date_text(r.as_of, w.lang)))
    if r.policy:
        meta.append(Meta("policy", w("policy"), r.policy))
    flips_columns: tuple[str, ...] = ()
    flips: tuple[FlipView, ...] | None = None
    if r.reading_flips is not None:  # --compare-readings: the listing is the report
        flips_columns, flips = flip_views(r.reading_flips, w, r.findings)
        groups, others, unconcerned, noted = (), [], {}, []
    problems = tuple(ProblemView(p.code, p.severity, f"{p.file}:{p.line}:{p.column}" if p.line else p.file,
                                 p.message, p.expected, p.render(w.lang), p) for p in r.problems)
    return RecordView(
        heading=f"{w('record')} {r.id or '?'}", id=r.id or "?", meta=tuple(meta), failed=r.failed,
        problems_label=w("problems"), problems=problems, groups=groups, others_label=w("other_rules"),
        others_columns=(w("rule"), w("level")), others=tuple(others), unconcerned_label=w("not_concerned"),
        unconcerned=tuple((w.family(fam), n) for fam, n in sorted(unconcerned.items(), key=lambda i: w.family_rank(i[0]))),
        noted=tuple(noted),
        collect_label=w("facts_to_collect"), collect_columns=("#", w("question"), w("ask"), w("could_change")),
        collect=() if flips is not None else tuple(collect_view(c, w) for c in r.facts_to_collect),
        marked=any(i.mark for g in groups for v in g.findings for sec in v.sections if sec.key in ("sources", "readings")
                   for i in (sec.items + tuple(x for it in sec.items for x in it.sub))), result=r,
        assess_label=w("needs_assessment"),
        open_norms=() if flips is not None else tuple(open_norm_view(n, w) for n in r.open_norms),
        flips_label=w("flips"), flips_columns=flips_columns, flips=flips, no_flips=w("no_flips"),
    )


def receipt_view(rc: Receipt, w: Words) -> ReceiptView:
    return ReceiptView(
        label=w("receipt"), normcheck_version=rc.normcheck_version, schema_label=w("schema"),
        schema_version=rc.schema_version, rule_pack_label=w("rule_pack"), sha256=rc.rule_pack_sha256,
        rule_files=rc.rule_files, files_label=w("files"), file_label=w("one_file"), engine_label=w("engine"), engine=engine_words(rc.engine, w.lang),
        python=rc.python, receipt=rc, readings_label=w("readings"), readings=rc.readings,
        bundled_label=w("bundled_rules"), bundled_sha256=rc.bundled_pack_sha256,
        added=tuple(AddedRulesView(w("added_rules"), a.folder, a.sha256, a.rule_files, w("replaces"), a.replaces)
                    for a in rc.added_rules))


class RunView:
    """A run as renderers see it. Iterate `records` once (it pulls the batch through the engine, one
    record at a time); then `summary()` and `tally` hold the run's totals."""

    def __init__(self, results: Iterable[RecordResult], receipt: Receipt, words: Words, *, show_all: bool = False,
                 batch: bool = False, title: str = "title") -> None:
        self.words = words
        self.lang = words.lang
        self.title = words(title)  # "compare_title" for --compare-readings
        self.show_all = show_all
        self.batch = batch  # more than one record: human formats end with a summary
        self.receipt = receipt_view(receipt, words)
        self.tally = Tally()
        self._results = iter(results)
        self._marked = False
        # A renderer whose format does not escape text itself (a terminal, Markdown) sets this to make the
        # case file's text inert in its format before the record is worded; the counts use the record as is.
        self.inert: Callable[[RecordResult], RecordResult] = lambda r: r

    @property
    def records(self) -> Iterator[RecordView]:
        for r in self._results:
            self.tally.add(r)
            view = record_view(self.inert(localized(r, self.lang)), self.words, self.show_all)
            self._marked = self._marked or view.marked
            yield view

    @property
    def legend(self) -> str | None:
        """What the footnote mark means, once, after the records (when a record shown carried it)."""
        return LEGEND.get(self.lang, LEGEND["en"]) if self._marked else None

    def results(self) -> Iterator[RecordResult]:
        """The records as data (for `--format json`), counted like `records`."""
        for r in self._results:
            self.tally.add(r)
            yield localized(r, self.lang)

    def rows(self) -> Iterator[SummaryRowView]:
        """The summary's row of each record as the record passes (for a summary-only format)."""
        for r in self._results:
            yield _row_view(self.tally.add(r), self.words)

    def drain(self) -> None:
        """Count whatever a renderer did not read (the exit code depends on every record)."""
        for _ in self.results():
            pass

    def summary(self) -> SummaryView:
        w = self.words
        short = LEVEL_SHORT.get(w.lang, LEVEL_SHORT["en"])
        return SummaryView(
            label=w("summary"), records=self.tally.records, failed=self.tally.failed,
            columns=(w("record"), w("file"), w("highest")) + tuple(short[lv] for lv in ir.OUTCOMES) + (w("problems"),),
            rows=_Rows(self.tally, w), facts_label=w("facts_to_collect"),
            facts_columns=("#", w("question"), w("records_deciding")), facts=self.tally.facts(),
        )


def localized(r: RecordResult, lang: str) -> RecordResult:
    """The record with its input errors worded in the report's language (by code; the code stays)."""
    if not r.problems or lang == "en":
        return r
    problems = tuple(p.localized(lang) for p in r.problems)
    return r if all(a is b for a, b in zip(problems, r.problems)) else replace(r, problems=problems)


class _Rows:
    """The summary's rows, read back from the tally each time they are iterated (never all in memory)."""

    def __init__(self, tally: Tally, w: Words) -> None:
        self.tally, self.w = tally, w

    def __iter__(self) -> Iterator[SummaryRowView]:
        for row in self.tally.rows():
            yield _row_view(row, self.w)


def _row_view(row: SummaryRowData, w: Words) -> SummaryRowView:
    highest = LEVEL_SHORT.get(w.lang, LEVEL_SHORT["en"])[row.highest] if row.highest else w("failed")
    return SummaryRowView(row.id, row.file, row.id or row.file, highest, row.highest, row.counts, row.errors)

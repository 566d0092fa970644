"""The appeal export's view (`--format appeal`): what a lawyer files, worded for a court.

One numbered ground per finding that fired (BREACH, RISK, CONTESTED; in the order of the report:
level, then severity), each with the finding, the rule of law with its citation and a link to the
official text, the facts relied on in words (the vocabulary's `label` and the wording of values,
never a fact's name or a rule-language expression) and the counter-argument to expect; a contested
ground is worded as contested, with the other side's reading. Then an annex: the facts to collect
as questions (the vocabulary's `question`), a discreet reference from each ground to its rule, and
the receipt. Built on `report.view` (the same records, groups and words); the appeal renderers
(`renderers/appeal_*`) only lay it out, and every phrase is in `wording.APPEAL`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..citations import is_locator, long_date
from ..findings import DecidingFact, Finding, SourceRef
from ..wording import appeal_text
from .view import FIRED, RecordView, RunView, Words

# Facts that place a record rather than argue it (what kind of record it is): not "relied on".
CONTEXT_FACTS = frozenset({"record_type", "member_state"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOKEN = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
_SNAKE = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")


def citation_text(s: SourceRef, w: Words) -> str:
    """A source as the appeal cites it: the court-style citation in the report's language
    (`citations.py`); the title, identifier and pinpoint only for a source declared without one."""
    if s.citation:
        return s.citation
    ident = s.ecli or s.celex or s.hudoc or ""
    ident_part = f" ({ident})" if ident and ident not in s.title else ""
    return f"{s.title}{ident_part}, {s.pinpoint}"


@dataclass(frozen=True)
class Citation:
    text: str
    url: str | None
    unverified: bool  # marked with a footnote, never hedged inline


@dataclass(frozen=True)
class FactLine:
    label: str  # the fact in words
    value: str  # its value in words


@dataclass(frozen=True)
class Ground:
    number: int
    heading: str  # "Grond 1. <title>"
    level: str  # BREACH | RISK | CONTESTED
    nature: str  # "Schending van het recht"
    finding_label: str
    finding: str
    law_label: str
    law: tuple[Citation, ...]
    law_applied: str | None  # which version of the law, by which date, in words
    unverified_note: str | None  # the footnote, when a citation is marked
    facts_label: str
    facts: tuple[FactLine, ...]
    counter_label: str
    counter_intro: str | None  # a contested ground: "the other side can be expected to argue:"
    counter: tuple[str, ...]
    reference: str  # "Grond 1: normcheck-regel TQ-02" (for the annex only)


@dataclass(frozen=True)
class AppealRecord:
    heading: str  # "Beroepsgronden"
    reference_line: str  # "Kenmerk dossier: amv-2025-0042"
    intro: str
    failed: bool
    failed_text: str  # "this file could not be read, so no grounds could be drawn from it:"
    problems: tuple[str, ...]  # a file that could not be read: what is wrong, in words
    grounds: tuple[Ground, ...]
    no_grounds: str | None
    annex_label: str
    questions_label: str
    questions_intro: str
    questions: tuple[str, ...]
    references_label: str
    references: tuple[str, ...]
    receipt_label: str
    receipt: tuple[str, ...]


def _value(name: str, value: object, w: Words) -> str:
    """A fact's value in words: yes/no, a date as a court writes it, the vocabulary's wording of a value."""
    if isinstance(value, bool):
        return appeal_text(w.lang, "yes" if value else "no")
    if value is None:
        return appeal_text(w.lang, "none")
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return long_date(dt.date.fromisoformat(value), w.lang)
        except ValueError:
            return value
    if isinstance(value, (list, tuple)):
        items = [_value(name, v, w) for v in value]
        return ", ".join(items) if items else appeal_text(w.lang, "none")
    text = w.value(name, value)
    return text.replace("_", " ") if _TOKEN.match(text) else text


def fact_lines(decided_by: Iterable[DecidingFact], w: Words) -> tuple[FactLine, ...]:
    """The facts a finding relies on, in words. A computed fact the vocabulary does not name is shown
    by the facts it was computed from; context facts are left out; each fact once."""
    out: dict[str, FactLine] = {}

    def add(d: DecidingFact) -> None:
        if d.name in CONTEXT_FACTS or d.name in out or d.value == "unknown":
            return
        label = w.fact(d.name)
        if label:
            out[d.name] = FactLine(label[:1].upper() + label[1:], _value(d.name, d.value, w))
            return
        for i in d.inputs:
            add(i)

    for d in decided_by:
        add(d)
    return tuple(out.values())


def _event(basis: str | None, w: Words) -> str:
    """What the date that chose the law is the date of, in words (`the_event` for an expression)."""
    label = w.fact(basis or "")
    return label if label else appeal_text(w.lang, "the_event")


def law_applied(f: Finding, w: Words) -> str | None:
    if f.judged_on:
        on = long_date(dt.date.fromisoformat(f.judged_on), w.lang)
        if f.judged_on_basis == "evaluation_date":
            return appeal_text(w.lang, "applied_review", date=on)
        return appeal_text(w.lang, "applied", date=on, event=_event(f.judged_on_basis, w))
    if f.law_applied and f.judged_on_basis:  # the versions agree although the date is unknown
        return appeal_text(w.lang, "applied_unknown", event=_event(f.judged_on_basis, w))
    return None


def rule_names(findings: Iterable[Finding], grounds: dict[str, int], w: Words) -> Callable[[str], str]:
    """A rule's own text may name another rule by its id ("… a second check: TQ-06"); a court reads the
    ground it is ("ground 3") or, for a rule that is no ground here, its title. Fact names and values
    written as in a case file become words (`_words`)."""
    lang = w.lang
    titles = {f.rule: f.title for f in findings}
    if not titles:
        return lambda text: _words(text, w)
    pattern = re.compile(r"\b(" + "|".join(re.escape(r) for r in sorted(titles, key=len, reverse=True)) + r")\b")

    def name(m: re.Match[str]) -> str:
        rule = m.group(1)
        if rule in grounds:
            return f"{appeal_text(lang, 'ground').lower()} {grounds[rule]}"
        return appeal_text(lang, "rule_named", title=titles[rule])

    return lambda text: _words(pattern.sub(name, text), w)


def _words(text: str, w: Words) -> str:
    """A fact's name (`decision_date`) or a value as a case file writes it (`assessment_pending`) in a
    rule's text, in words: the vocabulary's name of the fact, else the word with spaces."""
    return _SNAKE.sub(lambda m: w.fact(m.group()) or m.group().replace("_", " "), text)


def _reading_source(s: SourceRef, w: Words) -> str:
    """A reading's source in the appeal: court-style with its pinpoint; a pinpoint written as free text
    (in English, in the rule files) only in an English appeal — a Dutch one cites the source as a whole
    and the reading's Dutch argument says what it holds."""
    if w.lang == "en" or not s.pinpoint or is_locator(s.pinpoint):
        return citation_text(s, w)
    if s.citation:  # the court-style citation, without the free-text pinpoint it was built with
        return s.citation.replace(f", {s.pinpoint}", "").replace(s.pinpoint, "").strip(" ,;")
    return s.title or s.source


def ground(n: int, f: Finding, w: Words, named: Callable[[str], str] | None = None) -> Ground:
    lang = w.lang
    named = named or rule_names((), {}, w)
    law = tuple(Citation(citation_text(s, w) + (appeal_text(lang, "unverified_mark") if s.footnote else ""),
                         s.url, s.footnote) for s in f.sources)
    counter: list[str] = []
    for rd in f.readings:  # a contested grade: each side's reading, who holds it, on which sources
        cited = "; ".join(dict.fromkeys(_reading_source(s, w) + (appeal_text(lang, "unverified_mark") if s.footnote else "")
                                        for s in rd.sources))
        counter.append(named(f"{rd.held_by}: {rd.argument}" + (f" ({cited})" if cited else "")))
    if f.later_case_law:  # the date's basis in words: a fact's name, or "the date of the event" for an expression
        basis = f"({f.judged_on_basis})"
        counter.append(named(f.later_case_law.replace(basis, f"({_event(f.judged_on_basis, w)})")))
    if not counter:
        counter.append(appeal_text(lang, "no_counter"))
    label = appeal_text(lang, "ground")
    return Ground(
        number=n, heading=f"{label} {n}. {f.title}", level=f.level, nature=appeal_text(lang, f.level),
        finding_label=appeal_text(lang, "finding"), finding=named(f.message),
        law_label=appeal_text(lang, "law"), law=law, law_applied=law_applied(f, w),
        unverified_note=appeal_text(lang, "unverified_note") if any(c.unverified for c in law) else None,
        facts_label=appeal_text(lang, "facts"), facts=fact_lines(f.decided_by, w),
        counter_label=appeal_text(lang, "counter"),
        counter_intro=appeal_text(lang, "contested_intro") if f.level == "CONTESTED" else None,
        counter=tuple(counter), reference=appeal_text(lang, "reference", ground=label, n=str(n), rule=f.rule),
    )


def appeal_record(r: RecordView, w: Words, receipt: tuple[str, ...]) -> AppealRecord:
    lang = w.lang
    fired = [v.finding for g in r.groups if g.key in FIRED for v in g.findings]
    named = rule_names(r.result.findings, {f.rule: i for i, f in enumerate(fired, 1)}, w)
    grounds = tuple(ground(i, f, w, named) for i, f in enumerate(fired, 1))
    as_of = r.result.as_of
    on = long_date(dt.date.fromisoformat(as_of), lang) if as_of else None
    questions = tuple(q for q in (w.question(c.fact) or w.fact(c.fact) for c in r.collect) if q)
    problems = tuple(f"{p.message} ({appeal_text(lang, 'at', line=str(p.problem.line), column=str(p.problem.column))}"
                     f"; {p.code})" if p.problem.line else f"{p.message} ({p.code})"
                     for p in r.problems if p.severity == "error")
    receipt_lines = receipt + ((appeal_text(lang, "as_of", date=on),) if on else ())
    return AppealRecord(
        heading=appeal_text(lang, "title"), reference_line=f"{appeal_text(lang, 'record')}: {r.id}",
        intro=appeal_text(lang, "intro", date=on) if on else appeal_text(lang, "intro_undated"),
        failed=r.failed, failed_text=appeal_text(lang, "failed"), problems=problems, grounds=grounds,
        no_grounds=None if grounds or r.failed else appeal_text(lang, "no_grounds"),
        annex_label=appeal_text(lang, "annex"), questions_label=appeal_text(lang, "questions"),
        questions_intro=appeal_text(lang, "questions_intro") if questions else appeal_text(lang, "no_questions"),
        questions=questions, references_label=appeal_text(lang, "references"),
        references=tuple(g.reference for g in grounds), receipt_label=appeal_text(lang, "receipt"),
        receipt=receipt_lines,
    )


class AppealView:
    """A run as the appeal renderers see it: one appeal per record, streamed like `RunView.records`."""

    def __init__(self, run: RunView) -> None:
        self.run = run
        self.lang = run.lang
        self.title = appeal_text(run.lang, "title")
        rc = run.receipt
        self.receipt = (appeal_text(run.lang, "version", version=rc.normcheck_version),
                        appeal_text(run.lang, "pack", sha=rc.sha256))

    @property
    def records(self) -> Iterator[AppealRecord]:
        for r in self.run.records:
            yield appeal_record(r, self.run.words, self.receipt)

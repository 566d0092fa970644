"""What every renderer shows of readings and open norms, as plain lines (the renderer styles and escapes).

* under a finding a contested grade decided: each reading, who holds it, what the rule gives for this
  record under it, its sources and its argument; and the reading a run (or a court) decided it under;
* "Needs human assessment": every open-norm fact the findings rest on or wait for, its legal test as a
  checklist (each criterion with its source), the value the record states and where, and what an
  `assessments:` block covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import AppliedReading, FactToCollect, Finding, OpenNormCheck, ReadingOutcome, RecordResult, SourceRef
from .labels import ASSESSORS, t


_NOTE = re.compile(r"\s*\([^()]*\)$")


def _src(s: SourceRef, lang: str) -> str:
    """A source in a checklist or under a reading: its title without the trailing note, the pinpoint, its status."""
    mark = t(lang, "verified") if s.verified else t(lang, "unverified")
    return f"{_NOTE.sub('', s.title) or s.title}, {s.pinpoint} [{mark}]"


@dataclass(frozen=True)
class ReadingLines:
    head: str  # "applicant (held by …): Breach"
    sources: tuple[str, ...]
    argument: str


def reading_lines(f: Finding, lang: str) -> list[ReadingLines]:
    out = []
    for r in f.readings:
        out.append(ReadingLines(head=_reading_head(r, lang), sources=tuple(_src(s, lang) for s in r.sources),
                                argument=r.argument))
    return out


def _reading_head(r: ReadingOutcome, lang: str) -> str:
    level = t(lang, r.level) + (f" ({t(lang, 'severity')} {_sev(r.severity, lang)})" if r.severity else "")
    applied = f" — {t(lang, 'applied')}" if r.applied else ""
    return f"{r.name} ({t(lang, 'held_by')} {r.held_by}): {level}{applied}"


def _sev(severity: str | None, lang: str) -> str:
    from .labels import SEVERITY

    return SEVERITY[lang].get(severity or "", severity or "")


def applied_line(f: Finding, lang: str) -> str | None:
    a: AppliedReading | None = f.reading_applied
    if a is None:
        return None
    line = f"{t(lang, 'under_reading')} `{a.name}` ({t(lang, 'held_by')} {a.held_by})"
    if a.settled_by is not None:
        line += f"; {t(lang, 'settled_by')} {_src(a.settled_by, lang)}"
        if a.settled_from:
            line += f", {t(lang, 'settled_from')} {a.settled_from}"
    return line + "."


def open_norm_marker(lang: str) -> str:
    return f"[{t(lang, 'open_norm')}]"


def collect_words(c: FactToCollect, lang: str) -> str:
    """A fact to collect; for an open norm, the test to apply instead of a bare yes/no."""
    if c.assess:
        return f"{c.fact} — {t(lang, 'assess')}: {c.assess} ({t(lang, 'see_assessment')})"
    return c.fact


@dataclass(frozen=True)
class NormBlock:
    head: str  # the fact and its value, where stated
    test: str
    findings: str
    checklist: tuple[tuple[str, str], ...]  # (mark, criterion with its source)
    assessment: str | None
    coverage: str | None
    complete: bool = False  # an assessment covers every criterion


def norm_blocks(r: RecordResult, lang: str) -> list[NormBlock]:
    return [_block(n, lang) for n in r.open_norms]


def _block(n: OpenNormCheck, lang: str) -> NormBlock:
    value = _value(n.value) if n.value is not None else t(lang, "not_stated")
    where = f" ({n.stated_at})" if n.stated_at else ""
    head = f"{n.fact} — {t(lang, 'value_stated')}: {value}{where}"
    which = t(lang, "waits_for") if n.waiting else t(lang, "rests_on")
    marks = []
    for c in n.criteria:
        mark = "[ ]" if c.examined is False else ("[x]" if c.examined else "[?]")
        marks.append((mark, f"{c.text} — {_src(c.source, lang)}"))
    assessment = coverage = None
    if n.assessment is not None:
        a = n.assessment
        who = ASSESSORS.get(lang, ASSESSORS["en"]).get(a.by, a.by)
        parts = [who] + [x for x in (a.source, a.date) if x]
        assessment = f"{t(lang, 'assessed_by')}: " + "; ".join(parts) + (f" ({a.stated_at})" if a.stated_at else "")
        missing = n.criteria_not_covered or ()
        coverage = (f"{t(lang, 'not_covered')}: " + ", ".join(missing)) if missing else t(lang, "all_covered")
    else:
        coverage = t(lang, "no_assessment")
    return NormBlock(head=head, test=f"{t(lang, 'test')}: {n.test}", findings=f"{which}: {', '.join(n.findings)}",
                     checklist=tuple(marks), assessment=assessment, coverage=coverage,
                     complete=n.assessment is not None and not n.criteria_not_covered)


def _value(v: object) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    if v is True:
        return "true"
    if v is False:
        return "false"
    return str(v)

"""Run a rule pack on cases: the evaluator explains, durable-rules independently decides what fires.

Both engines read the same IR. On every case they must agree on which rules fire and at which
level; a disagreement is a defect in normcheck and is reported, never silently resolved. Where
durable-rules does not import (2.0.28 built on Python 3.13 without the README's CPPFLAGS) the
evaluator runs alone and the receipt says so.

An `Engine` owns everything built from a pack: the evaluator (its compiled closures, generated
code, rule plans and explanation bits) and the durable-rules host with the registered ruleset.
Build one per process and pack (a web server keeps one and serves many requests with it); `run`
keeps no state between cases.

A date known to the month only (`MonthDate`, `2025-03`) is never given an invented day: the case is
run (by both engines) with each such date on the first and on the last day of its month — with
several, every combination of those extremes — and a rule's result stands only when all runs agree
on it; otherwise it is INSUFFICIENT_DATA (reason `date_day_unknown`) naming the dates (`months.py`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import ir
from ..values import MonthDate
from .durable_functions import version_candidates, versions_cover
from .evaluate import Env, Evaluator, Mismatch, RuleResult

if TYPE_CHECKING:  # imported by the commands that run cases only (not by the sweep)
    from .durable_adapter import DurableEngine


@dataclass
class CaseRun:
    """One case's evaluation: its environment and the results of its rules."""

    env: Env
    results: list[RuleResult]
    mismatches: list[Mismatch]
    disagreements: list[str] = field(default_factory=list)
    # How a report shows a value when it is not the one the run computed with: a month-precise date
    # (`2025-03`), a derived value that differs between its first and last day (`182-183`), a fact the
    # authority has not disclosed.
    shown: dict[str, Any] = field(default_factory=dict)


class Engine:
    def __init__(self, pack: ir.RulePack, use_durable: bool | None = None, readings: tuple[str, ...] = ()) -> None:
        from . import durable_adapter  # imported by the commands that run cases only (not by the sweep)

        self.pack = pack
        self.evaluator = Evaluator(pack)
        self.readings = readings  # RULE:READING the pack was decided under (`readings.pack_under`)
        if use_durable is None:
            use_durable = durable_adapter.AVAILABLE and not os.environ.get("NORMCHECK_NO_DURABLE")
        self.refused = ""
        self.durable: DurableEngine | None = None
        self._refused_error: type[Exception] = durable_adapter.Refused  # raised when a case first needs a ruleset
        if use_durable:
            try:
                self.durable = durable_adapter.DurableEngine(pack)
            except RuntimeError as exc:  # durable-rules 2.0.28 rejected the compiled pack: say so, go on
                self.refused = str(exc)

    @property
    def label(self) -> str:
        from . import durable_adapter

        if self.durable is not None:
            return f"durable-rules {durable_adapter.VERSION} + normcheck three-valued evaluator (cross-checked)"
        if not durable_adapter.AVAILABLE:
            return f"normcheck three-valued evaluator only (durable-rules unavailable: {durable_adapter.IMPORT_ERROR})"
        if self.refused:
            return f"normcheck three-valued evaluator only (durable-rules refused the rule pack: {self.refused})"
        return "normcheck three-valued evaluator only (durable-rules disabled)"

    def evaluate(self, facts: Mapping[str, Any], as_of: dt.date,
                 stated: Iterable[str] | None = None) -> tuple[Env, list[RuleResult], list[Mismatch]]:
        """The evaluator alone (no cross-check): results with their explanations."""
        return self.evaluator.evaluate(facts, as_of, stated)

    def run(self, facts: Mapping[str, Any], as_of: dt.date, stated: Iterable[str] | None = None) -> CaseRun:
        """Both engines on one case; a month-precise date is run on the extremes of its month."""
        months = {k: v for k, v in facts.items() if isinstance(v, MonthDate)}
        if not months:
            return self._run(facts, as_of, stated)
        from .months import combine, variants  # only a case with a month-precise date needs it

        stated = None if stated is None else frozenset(stated)
        return combine(self.pack, [self._run(f, as_of, stated) for f in variants(facts, months)], months)

    def _run(self, facts: Mapping[str, Any], as_of: dt.date, stated: Iterable[str] | None = None) -> CaseRun:
        env, results, mismatches = self.evaluator.evaluate(facts, as_of, stated)
        run = CaseRun(env, results, mismatches)
        if self.durable is not None:
            try:
                fired = self.durable.fired(env)
            except self._refused_error as exc:  # durable-rules rejected (part of) the pack: say so, go on
                self.durable, self.refused = None, str(exc)
                return run
            for res in results:
                marks = fired.get(res.rule.id)
                if not marks and res.reason != "fires":
                    continue  # neither engine says it fires
                got = self._durable_verdict(res, marks or {}, as_of)
                want: tuple[str, ...] | None
                if res.fired and res.rule.judged_on is not None and res.judged_on is None:
                    want = (res.outcome, res.severity or "")  # versions agreed on an unknown event date
                else:
                    want = (res.rule.key, str(res.grade)) if res.fired else None
                if got != want:
                    run.disagreements.append(
                        f"{res.rule.id}: evaluator says {res.outcome} (grade {res.grade}), durable-rules says "
                        + (f"{got[1]} of {got[0]} fired" if got else "it did not fire")
                    )
        return run

    def _durable_verdict(self, res: RuleResult, marks: Mapping[str, int], as_of: dt.date) -> tuple[str, ...] | None:
        """What durable-rules says of one rule id. With the event date unknown every version could
        fire: the rule fires only if all versions fire at the same level and severity, and their
        windows leave no gap (the evaluator's rule for an unknown date)."""
        if not marks:
            return None
        if res.rule.judged_on is not None and res.judged_on is None:
            versions = version_candidates(tuple(self.pack.versions(res.rule.id)), as_of)
            if not versions_cover(versions, as_of) or any(v.key not in marks for v in versions):
                return None
            grades = {(v.grades[marks[v.key]].level, v.grades[marks[v.key]].severity) for v in versions}
            return next(iter(grades)) if len(grades) == 1 else None
        key, grade = next(iter(marks.items())) if len(marks) == 1 else max(marks.items())
        return (key, str(grade))


@dataclass(frozen=True)
class ReadingResult:
    """What one rule gives for this case under one reading of its contested grade."""

    reading: ir.Reading
    result: RuleResult
    applied: bool  # the run itself evaluated the rule under this reading


def base_versions(pack: ir.RulePack, rule_id: str) -> tuple[ir.Rule, ...]:
    """The versions of a rule as written (before a run's `--reading` decided its contested grades)."""
    return tuple(v.applied.base if v.applied is not None and v.applied.base is not None else v
                 for v in pack.versions(rule_id))


def reading_results(pack: ir.RulePack, result: RuleResult, env: Env) -> list[ReadingResult]:
    """For a rule whose contested grade holds in this case: the rule's result under each of that
    grade's readings (rules it depends on keep their results in this run). Empty when no contested
    grade decided the result. Evaluated by the three-valued evaluator that ran the case (`env.ev`, the
    engine's own: its compiled code and the rules under each reading are cached there)."""
    ev = env.ev
    chosen = result.rule.applied.reading if result.rule.applied is not None and result.rule.applied.base is not None else None
    if chosen is None and result.outcome != "CONTESTED":
        # no reading chosen, so `base` below would be this result, and it is not contested: asked for
        # every finding of a report, this answers most of them without looking up the rule's versions
        return []
    versions = base_versions(pack, result.rule.id)
    if not any(v.contested for v in versions):
        return []
    base = result if chosen is None else ev.evaluate_id(versions, env)
    if base.outcome != "CONTESTED":
        return []
    rule = base.rule
    readings: tuple[ir.Reading, ...]
    if base.grade is not None and rule.grades[base.grade].readings:
        readings = rule.grades[base.grade].readings
    else:  # versions agreed on an unknown event date: the readings of the contested grades, by name
        seen: dict[str, ir.Reading] = {}
        for v in versions:
            for g in v.grades:
                for r in g.readings:
                    seen.setdefault(r.name, r)
        readings = tuple(seen.values())
    out = []
    for reading in readings:
        under = tuple(ev.rule_under(v, reading.name) for v in versions)
        out.append(ReadingResult(reading, ev.evaluate_id(under, env), reading.name == chosen))
    return out

"""Dates known to the month only (`2025-03`): run the case on the extremes of each month, keep what
does not depend on the day.

A rule's result on a month-precise date is trusted only when the day cannot change it. The case is
evaluated with every such date on the first and on the last day of its month (with several dates,
every combination of those extremes: at most 2**MAX_MONTH_DATES runs); a result on which all runs
agree stands, any other becomes INSUFFICIENT_DATA with reason `date_day_unknown`, naming the dates
it reads. Limits (README, "Dates known to the month"): a rule that changes its result twice within
one month (fires on the 10th but not on the 1st or the 31st) is not seen; the rules of normcheck
compare dates with thresholds, so their results change at most once as one date moves.

The per-case engines (`Engine.run`) and the vectorised sweep (`sweep.py`, `combine_codes`) use the
same variants and the same rule of agreement.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import ir
from ..values import MAX_MONTH_DATES, MonthDate, display

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from . import CaseRun
    from .evaluate import RuleResult

__all__ = ["MAX_MONTH_DATES", "agree", "combine", "combine_codes", "variants"]


def variants(facts: Mapping[str, Any], months: Mapping[str, MonthDate]) -> list[dict[str, Any]]:
    """The facts with each month-precise date on the first or the last day of its month, every combination."""
    names = sorted(months)
    out = []
    for choice in itertools.product((0, 1), repeat=len(names)):
        f = dict(facts)
        for name, last in zip(names, choice):
            f[name] = months[name].last if last else months[name].first
        out.append(f)
    return out


def _leaves(names: frozenset[str], pack: ir.RulePack, results: Mapping[str, Any], depth: int = 0) -> set[str]:
    """The stated facts behind `names` (derived facts through their definitions, `rule:X` through X's result)."""
    out: set[str] = set()
    todo = list(names)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        out.add(name)
        if name.startswith("rule:") and depth < 8:
            res = results.get(name[5:])
            if res is not None:
                out |= _leaves(res.decided | res.missing, pack, results, depth + 1)
            continue
        d = pack.define(name)
        if d is not None:
            todo.extend(d.deps)
    return out


def day_dependent(res: RuleResult, others: list[RuleResult], months: Mapping[str, MonthDate], pack: ir.RulePack,
                  results: Mapping[str, Any]) -> RuleResult:
    """The result of a rule whose runs disagree: INSUFFICIENT_DATA naming the month-precise dates it reads."""
    read = set()
    for r in [res, *others]:
        read |= _leaves(r.decided | r.missing, pack, results)
    dates = frozenset(read & set(months)) or frozenset(months)
    sev: ir.Severity | None = None  # the gravest severity of the runs
    for r in [res, *others]:
        if r.severity is not None and (sev is None or ir.SEVERITY_RANK[r.severity] > ir.SEVERITY_RANK[sev]):
            sev = r.severity
    missing = frozenset().union(*(r.missing for r in [res, *others])) | dates
    decided = frozenset(n for n in frozenset().union(*(r.decided for r in [res, *others]))
                        if not _leaves(frozenset({n}), pack, results) & set(months))  # what the day does not change
    return replace(res, outcome="INSUFFICIENT_DATA", severity=sev, grade=None, reason="date_day_unknown",
                   decided=decided, missing=missing, versions_agree=False)


def agree(results: list[RuleResult]) -> RuleResult | None:
    """The result that stands when the runs agree (None: the day decides). Outcomes that are all OK or
    NOT_APPLICABLE agree (no finding either way), as for versions of the law on an unknown event date."""
    outcomes = {r.outcome for r in results}
    if len(outcomes) == 1:
        severities = [r.severity for r in results if r.severity]
        if len(set(severities)) > 1:  # the same level, a graver severity on some day: the graver one
            worst = max(severities, key=lambda x: ir.SEVERITY_RANK[x])
            return next(r for r in results if r.severity == worst)
        return results[0]
    if outcomes <= {"OK", "NOT_APPLICABLE"}:
        return next(r for r in results if r.outcome == "OK")
    return None


def combine(pack: ir.RulePack, runs: list[CaseRun], months: Mapping[str, MonthDate]) -> CaseRun:
    """One run from the runs on the extremes: agreeing results stand, the others are day-dependent."""
    base = runs[0]
    results = []
    for i, res in enumerate(base.results):
        alike = [r.results[i] for r in runs]
        kept = agree(alike)
        if kept is None:
            kept = day_dependent(res, alike[1:], months, pack, base.env.results)
        results.append(kept)
    base.env.results.update((r.rule.id, r) for r in results)
    contradicted = set.intersection(*({m.name for m in r.mismatches} for r in runs))
    disagreements = list(dict.fromkeys(d for r in runs for d in r.disagreements))
    shown: dict[str, Any] = dict(months)
    for name in base.env.derived:
        values = {r.env.derived[name][0] for r in runs if name in r.env.derived}
        if len(values) > 1 and all(isinstance(v, (int, Decimal, dt.date)) and not isinstance(v, bool) for v in values):
            lo, hi = min(values), max(values)
            shown[name] = f"{display(lo)}–{display(hi)}"
    return replace(base, results=results, mismatches=[m for m in base.mismatches if m.name in contradicted],
                   disagreements=disagreements, shown=shown)


def combine_codes(codes: list[dict[str, np.ndarray]], insufficient: int, ok: int, na: int) -> dict[str, np.ndarray]:
    """The vectorised sweep's rule of agreement, point by point: the same outcome everywhere stands (OK and
    NOT_APPLICABLE together count as OK), anything else is INSUFFICIENT_DATA."""
    import numpy as np

    out = {}
    for rule, first in codes[0].items():
        stack = np.stack([c[rule] for c in codes])
        same = (stack == first).all(axis=0)
        quiet = np.isin(stack, (ok, na)).all(axis=0)
        has_ok = (stack == ok).any(axis=0)
        result = np.where(same, first, insufficient).astype(first.dtype)
        result[~same & quiet & has_ok] = ok
        out[rule] = result
    return out

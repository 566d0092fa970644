"""Values of facts: the special values (unknown, not disclosed, null), month-precise dates and the
date arithmetic of the DSL.

`UNKNOWN` is a fact nobody has stated (or stated as `unknown`); it is never false. `NOT_DISCLOSED`
is a fact the authority has not disclosed (the file does not show it): for the evaluation it is
unknown too, but a finding it could change becomes a request to the authority. `NULL` is a stated
absence ("no return decision date", "no maximum duration"): known, but without a value. A
`MonthDate` is a date known to the month only (`2025-03`): the engine is run on its first and its
last day, never on an invented day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


class _Special:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name

    def __reduce__(self) -> str:
        return self._name


UNKNOWN: Any = _Special("UNKNOWN")
NOT_DISCLOSED: Any = _Special("NOT_DISCLOSED")
NULL: Any = _Special("NULL")


MAX_MONTH_DATES = 6  # month-precise dates in one case: every combination of their extremes is run (64 runs at most)


@dataclass(frozen=True, order=True)
class MonthDate:
    """A date known to the month only (`2025-03`): some day of that month."""

    year: int
    month: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, days_in_month(self.year, self.month))

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        return self.isoformat()

EPOCH = dt.date(1970, 1, 1)


class EvaluationError(ValueError):
    """A rule's arithmetic gives no value on this case (a date beyond the calendar): an error of that rule on
    that case, reported with the rule's file and line, never a crash of the batch."""

    def __init__(self, message: str, line: int | None = None, file: str | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.file = message, line, file


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """`calendar.monthrange(year, month)[1]` without importing `calendar` at every start (its locale-aware
    month and day names are not needed here); a month out of 1..12 goes to `calendar`, for its error."""
    if not 1 <= month <= 12:
        import calendar

        return calendar.monthrange(year, month)[1]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month]


def is_leap_end(d: dt.date) -> bool:
    return d.day == days_in_month(d.year, d.month)


def months_between(a: dt.date, b: dt.date) -> int:
    """Whole calendar months from a to b (negative when b is before a).

    A month is complete on the same day number of a later month, or on that month's last day
    when it has no such day (31 January -> 28/29 February), as periods are counted in EU law
    (Regulation 1182/71, Art. 3(2)(c)).
    """
    if b < a:
        return -months_between(b, a)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if b.day < a.day and not is_leap_end(b):
        months -= 1
    return months


def days_between(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def add_months(d: dt.date, n: int) -> dt.date:
    total = d.year * 12 + (d.month - 1) + int(n)
    year, month = divmod(total, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"year {year} is out of range")
    day = min(d.day, days_in_month(year, month + 1))
    return dt.date(year, month + 1, day)


def round_half_up(x: int | Decimal) -> int:
    return int(Decimal(x).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def display(value: Any, lang: str = "en", labels: Mapping[str, str] | None = None) -> str:
    """A value as a report shows it (enum and set values in the words of `labels`, where given)."""
    if labels:
        if isinstance(value, str):
            return labels.get(value, value)
        if isinstance(value, (frozenset, set, list, tuple)) and value:
            return ", ".join(sorted(labels.get(str(v), str(v)) for v in value))
    if value is UNKNOWN:
        return "onbekend" if lang == "nl" else "unknown"
    if value is NOT_DISCLOSED:
        return "niet openbaar gemaakt" if lang == "nl" else "not disclosed"
    if isinstance(value, MonthDate):
        return value.isoformat()
    if value is NULL:
        return "geen" if lang == "nl" else "none"
    if isinstance(value, bool):
        if lang == "nl":
            return "ja" if value else "nee"
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
        text = format(q, "f")
        return text.replace(".", ",") if lang == "nl" else text
    if isinstance(value, (frozenset, set, list, tuple)):
        return ", ".join(sorted(str(v) for v in value)) if value else ("(leeg)" if lang == "nl" else "(none)")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def to_json(value: Any) -> Any:
    """A value in JSON: dates as ISO strings, decimals as numbers, sets as sorted lists."""
    if value is UNKNOWN:
        return "unknown"
    if value is NOT_DISCLOSED:
        return "not_disclosed"
    if isinstance(value, MonthDate):
        return value.isoformat()
    if value is NULL:
        return None
    if isinstance(value, Decimal):
        q = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        return int(q) if q == q.to_integral_value() else float(q)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (frozenset, set)):
        return sorted(str(v) for v in value)
    return value

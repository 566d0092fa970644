"""The functions of the rule language: one registry, read by the checker, the engines and the sweep.

Each entry gives a function's typed signature (which the checker enforces, with "did you mean"
for a misspelt name), how it treats a null argument, and the evaluator's implementation. Other
engines keep their own implementations in tables keyed by function name (`register`), so that
an implementation for durable-rules or for the vectorised sweep shares no code path with the
evaluator's: a bug in one is then caught by the other.

Adding a function is one entry in `_REGISTRY` below, and the durable-rules side's own
implementation in engine/durable_functions.py (`@register("durable", name)`; every function needs
one, the durable side never computes with the evaluator's); the sweep's numpy version in
engine/vector.py is optional (without one the sweep uses the evaluator's implementation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from .values import add_months, days_between, months_between, round_half_up

Kind = Literal["bool", "number", "date", "enum", "set", "text"]
Nulls = Literal["propagate", "skip"]
EngineName = Literal["durable", "vector"]


@dataclass(frozen=True)
class Signature:
    """Fixed parameters, or (`alike`) one or more arguments all of one kind, which is then the result's."""

    params: tuple[Kind, ...] = ()
    result: Kind | None = None  # None only with `alike`: the arguments' kind
    alike: tuple[Kind, ...] = ()

    def __post_init__(self) -> None:
        if bool(self.alike) == bool(self.params) or (self.result is None) != bool(self.alike):
            raise ValueError("a signature has either fixed parameters and a result, or `alike` kinds")

    def describe(self, name: str) -> str:
        if self.alike:
            kinds = " or ".join(self.alike)
            return f"{name}(x, …) with every x a {kinds}, giving the same kind"
        return f"{name}({', '.join(self.params)}) giving a {self.result}"


@dataclass(frozen=True)
class Function:
    """A function the rule language may call: its signature (checked when the rules load) and its code."""

    name: str
    signature: Signature
    evaluate: Callable[..., Any]  # the evaluator's implementation, on known, non-null values
    doc: str
    nulls: Nulls = "propagate"  # propagate: a null argument gives null; skip: null arguments are left out


def _years_between(a: dt.date, b: dt.date) -> int:
    return months_between(a, b) // 12 if b >= a else -(months_between(b, a) // 12)


def _add_days(d: dt.date, n: int | Decimal) -> dt.date:
    return d + dt.timedelta(days=int(n))


def _add_months(d: dt.date, n: int | Decimal) -> dt.date:
    return add_months(d, int(n))


def _count(s: frozenset[str]) -> int:
    return len(s)


def _abs(x: int | Decimal) -> int | Decimal:
    return -x if x < 0 else x


def _min(*xs: Any) -> Any:
    return min(xs)


def _max(*xs: Any) -> Any:
    return max(xs)


_DATES: tuple[Kind, Kind] = ("date", "date")

_REGISTRY: dict[str, Function] = {f.name: f for f in (
    Function("months_between", Signature(_DATES, "number"), months_between,
             "whole calendar months from the first date to the second (negative if it is earlier)"),
    Function("days_between", Signature(_DATES, "number"), days_between,
             "days from the first date to the second"),
    Function("years_between", Signature(_DATES, "number"), _years_between,
             "whole years from the first date to the second"),
    Function("add_days", Signature(("date", "number"), "date"), _add_days, "the date that many days later"),
    Function("add_months", Signature(("date", "number"), "date"), _add_months,
             "the date that many calendar months later (the month's last day if it is shorter)"),
    Function("count", Signature(("set",), "number"), _count, "how many items a set has"),
    Function("abs", Signature(("number",), "number"), _abs, "the number without its sign"),
    Function("round", Signature(("number",), "number"), round_half_up, "the nearest whole number (half up)"),
    Function("min", Signature(alike=("number", "date")), _min,
             "the smallest of the numbers or dates; a null one (e.g. no maximum) does not bind", nulls="skip"),
    Function("max", Signature(alike=("number", "date")), _max,
             "the largest of the numbers or dates; a null one does not bind", nulls="skip"),
)}

FUNCTIONS: Mapping[str, Function] = MappingProxyType(_REGISTRY)

# Engine-specific implementations, keyed by function name: "durable" (durable-rules computing every
# function on its own side: engine/durable_functions.py) and "vector" (numpy arrays, for the policy
# sweep; a function without one is computed for the sweep by the evaluator).
_ENGINES: dict[EngineName, dict[str, Callable[..., Any]]] = {"durable": {}, "vector": {}}


_F = TypeVar("_F", bound=Callable[..., Any])


def register(engine: EngineName, name: str) -> Callable[[_F], _F]:
    """Decorator: `impl` is `engine`'s implementation of the rule-language function `name`."""
    if name not in _REGISTRY:
        raise KeyError(f"`{name}` is not a function of the rule language")

    def add(impl: _F) -> _F:
        _ENGINES[engine][name] = impl
        return impl
    return add


def implementation(engine: EngineName, name: str) -> Callable[..., Any] | None:
    """`engine`'s own implementation of `name`, or None where the evaluator computes it."""
    return _ENGINES[engine].get(name)


def implementations(engine: EngineName) -> Mapping[str, Callable[..., Any]]:
    """`engine`'s own implementations, by function name (a read-only view that follows `register`)."""
    return MappingProxyType(_ENGINES[engine])

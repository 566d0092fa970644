"""Pinned interpretations: compare a case file's `expect:` block with what the rules now say.

Used by `normcheck test` and by the pytest plugin; a failure reads as a diff (expected vs actual)
followed by the finding's explanation, so a maintainer sees at once which reading changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import unified_diff
from pathlib import Path

from .diagnostics import did_you_mean
from .facts.model import Expectation
from .findings import Finding, RecordResult
from .report.view import Words, finding_view


@dataclass(frozen=True)
class Pin:
    file: str
    line: int
    record: str
    rule: str
    expected: Expectation
    actual: Finding | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        if self.problem or self.actual is None:
            return False
        e, a = self.expected, self.actual
        if e.level != a.level:
            return False
        if e.severity is not None and e.severity != a.severity:
            return False
        return all(m in a.missing_facts for m in e.missing)

    def explain(self) -> str:
        """A readable failure: the expectation and the actual result side by side, then why."""
        head = f"{self.file}:{self.line}: {self.rule} in {self.record}"
        if self.problem:
            return f"{head}: {self.problem}"
        assert self.actual is not None
        exp = _lines(self.expected.level, self.expected.severity, self.expected.missing)
        act = _lines(self.actual.level, self.actual.severity if self.expected.severity else None,
                     self.actual.missing_facts if self.expected.missing else ())
        diff = "\n".join(unified_diff(exp, act, "expected (pinned in the case file)", "actual (the rules now)", lineterm="", n=3))
        v = finding_view(self.actual, Words("en"))  # the report's own wording, every section in full
        why = [f"  {v.rule} — {v.title}", f"  {v.message}", f"  {v.label}; reason: {v.finding.reason}"]
        for s in v.sections:
            if s.style == "emphasis":
                why += [f"  {i.text}" for i in s.items]
            elif s.style == "inline":
                why.append(f"  {s.label}: {s.text}")
            else:
                why += [f"  {s.label}: {i.text}" for i in s.items]
        if self.expected.note:
            why.append(f"  pinned because: {self.expected.note}")
        return f"{head}\n{diff}\n" + "\n".join(why)


def _lines(level: str, severity: str | None, missing: tuple[str, ...]) -> list[str]:
    out = [f"level: {level}"]
    if severity is not None:
        out.append(f"severity: {severity}")
    if missing:
        out.append("missing facts include: " + ", ".join(sorted(missing)))
    return out


def pins(result: RecordResult, expect: dict[str, Expectation], lines: dict[str, int]) -> list[Pin]:
    by_rule = {f.rule: f for f in result.findings}
    out = []
    for rule, expectation in expect.items():
        actual = by_rule.get(rule)
        problem = None
        if result.failed:
            problem = "the case file has errors: " + "; ".join(p.message for p in result.problems if p.severity == "error")
        elif actual is None:
            problem = f"unknown rule `{rule}` in `expect`" + (f" ({did_you_mean(rule, by_rule)})" if did_you_mean(rule, by_rule) else "")
        out.append(Pin(result.file, lines.get(rule, 0), result.id or "?", rule, expectation, actual, problem))
    return out


_EXPECT = re.compile(r"""^(?:expect|"expect"|'expect')[ \t]*:""", re.M)


def has_expect_block(path: Path) -> bool:
    """Cheap pre-check used during collection: a top-level `expect:` key (also written quoted, `"expect":`)."""
    if not path.is_file():  # never open a pipe or a device (it could block)
        return False
    try:
        with path.open("rb") as fh:
            text = fh.read(2_000_000).decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(_EXPECT.search(text)) and "normcheck" in text

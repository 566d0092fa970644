"""Pinned interpretations: compare a case file's `expect:` block with what the rules now say.

Used by `normcheck test` and by the pytest plugin; a failure reads as a diff (expected vs actual)
followed by the finding's explanation, so a maintainer sees at once which reading changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import unified_diff
from pathlib import Path
from typing import TYPE_CHECKING

from . import ir
from .diagnostics import did_you_mean
from .facts.model import Expectation
from .findings import Finding, RecordResult
from .report.view import Words, finding_view

if TYPE_CHECKING:
    from .pack import LoadedPack
    from .rulediff import PackDiff


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
        if self.expected_level != a.level:
            return False
        if e.severity is not None and self.expected_level == e.level and e.severity != a.severity:
            return False
        got = {r.name: r.level for r in a.readings}
        if any(got.get(name) != level for name, level in e.readings):
            return False
        return all(m in a.missing_facts for m in e.missing)

    @property
    def under_reading(self) -> str | None:
        """The reading the rule was decided under in this run (`--reading`), if one decided it."""
        a = self.actual
        return a.reading_applied.name if a is not None and a.reading_applied is not None else None

    @property
    def expected_level(self) -> str:
        """The level the pin expects in this run: under a reading the pin names, that reading's level."""
        chosen = self.under_reading
        return dict(self.expected.readings).get(chosen, self.expected.level) if chosen else self.expected.level

    def explain(self) -> str:
        """A readable failure: the expectation and the actual result side by side, then why."""
        head = f"{self.file}:{self.line}: {self.rule} in {self.record}"
        if self.problem:
            return f"{head}: {self.problem}"
        assert self.actual is not None
        got = {r.name: r.level for r in self.actual.readings}
        exp = _lines(self.expected_level, self.expected.severity if self.expected_level == self.expected.level else None,
                     self.expected.missing, self.expected.readings)
        act = _lines(self.actual.level, self.actual.severity if self.expected.severity else None,
                     self.actual.missing_facts if self.expected.missing else (),
                     tuple((name, got.get(name, "(no such reading here)")) for name, _ in self.expected.readings))
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
        if self.under_reading and self.under_reading not in dict(self.expected.readings):
            why.append(f"  this run decided {v.rule} under the reading `{self.under_reading}`; the pin does not say what the "
                       f"case gives under it (add `readings: {{{self.under_reading}: {v.level}}}` if that is the reading's result)")
        if self.expected.note:
            why.append(f"  pinned because: {self.expected.note}")
        return f"{head}\n{diff}\n" + "\n".join(why)


def _lines(level: str, severity: str | None, missing: tuple[str, ...],
           readings: tuple[tuple[str, str], ...] = ()) -> list[str]:
    out = [f"level: {level}"]
    if severity is not None:
        out.append(f"severity: {severity}")
    if missing:
        out.append("missing facts include: " + ", ".join(sorted(missing)))
    out += [f"under the reading {name}: {lvl}" for name, lvl in readings]
    return out


def pins(result: RecordResult, expect: dict[str, Expectation], lines: dict[str, int],
         pack: ir.RulePack | None = None) -> list[Pin]:
    by_rule = {f.rule: f for f in result.findings}
    replaced = {r.replaces: r for r in (pack.rules if pack is not None else ()) if r.replaces and r.replaces != r.id}
    out = []
    for rule, expectation in expect.items():
        actual = by_rule.get(rule)
        problem = None
        if result.failed:
            problem = "the case file has errors: " + "; ".join(p.message for p in result.problems if p.severity == "error")
        elif actual is None and rule in replaced:
            by = replaced[rule]
            problem = (f"`{rule}` is replaced by {by.id} ({by.file}:{by.line}) in the rules in use: pin {by.id}, "
                       "or run without the folder that replaces it")
        elif actual is None:
            problem = f"unknown rule `{rule}` in `expect`" + (f" ({did_you_mean(rule, by_rule)})" if did_you_mean(rule, by_rule) else "")
        out.append(Pin(result.file, lines.get(rule, 0), result.id or "?", rule, expectation, actual, problem))
    return out


# A top-level key of a YAML mapping: at the start of a line, bare or quoted, followed by a colon.
_TOP_KEY = re.compile(r"""^(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[A-Za-z_][\w-]*))[ \t]*:(?=[ \t]|$)""", re.M)
_FLOW_KEY = re.compile(r"""["']?\b(normcheck|expect|facts|id)\b["']?\s*:""")


@dataclass(frozen=True)
class Claim:
    """What a YAML file says it is, read from its top-level keys (without parsing it, so that a
    file that cannot be parsed still says so)."""

    case: bool  # a normcheck case file: a `normcheck:` key, or `expect:` beside `id:` or `facts:`
    pinned: bool  # it has an `expect:` key (however quoted)


def claim(text: str) -> Claim:
    text = text.lstrip("\ufeff")
    keys = {m.group("dq") or m.group("sq") or m.group("bare") for m in _TOP_KEY.finditer(text)}
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("#", "---", "%")))
    if body.lstrip().startswith("{"):  # a flow mapping on its own: look for the words
        keys |= set(_FLOW_KEY.findall(body))
    return Claim("normcheck" in keys or ("expect" in keys and bool(keys & {"id", "facts"})), "expect" in keys)


def read_claim(path: Path) -> Claim | None:
    """The claim of a file, or None when it cannot be read at all (never opens a pipe or a device)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            return claim(fh.read(2_000_000).decode("utf-8", errors="replace"))
    except OSError:
        return None


def has_expect_block(path: Path) -> bool:
    """A case file with pinned readings (decided by its content, not by the folder it is in)."""
    c = read_claim(path)
    return c is not None and c.case and c.pinned


# ---- pins written against another rule pack ---------------------------------------------------


@dataclass(frozen=True)
class PackChange:
    """The rule pack a pin was written against, compared with the one it is checked with now."""

    pinned: str  # the hash (or its first hex digits) the case file records
    current: str  # the pack in use
    bundled: str  # its bundled rules alone
    found: str | None  # where the older pack was found, in words; None: not found
    diff: PackDiff | None

    @property
    def now(self) -> str:
        return f"sha256:{self.current[:16]}" + (f" (bundled rules sha256:{self.bundled[:16]})" if self.bundled != self.current else "")

    def about(self, rule: str) -> str:
        """For a failing pin: did its rule change since the pin was written?"""
        head = f"This pin was written against rule pack sha256:{self.pinned[:16]}; the rules now are {self.now}."
        if self.diff is None:
            return (f"{head} Which rules changed cannot be named: that pack is neither in the history of the rules "
                    "folder nor in the compiled-pack cache.")
        change = self.diff.of(rule)
        if change is None:
            moved = [c.rule for c in self.diff.changes if c.kind in ("meaning", "added", "removed")]
            others = (" The rules that changed in meaning since: " + ", ".join(moved) + ".") if moved else ""
            return f"{head} {rule} has not changed since ({self.found}).{others}"
        lines = [f"{head} {rule} changed since ({self.found}): {KIND_WORDS[change.kind]}"]
        lines += [f"    - {d}" for d in change.details]
        return "\n".join(lines)

    def summary(self) -> list[str]:
        """The rules that changed since, one line per kind of change."""
        if self.diff is None:
            return [f"pinned against sha256:{self.pinned[:16]}, now {self.now}: the rules that changed "
                    "cannot be named (that pack is neither in the history of the rules folder nor in the pack cache)"]
        out = [f"pinned against sha256:{self.pinned[:16]} ({self.found}), now {self.now}"]
        for kind in ("added", "removed", "meaning", "sources", "wording"):
            ids = [c.rule for c in self.diff.changes if c.kind == kind]
            if ids:
                out.append(f"  {KIND_WORDS[kind]}: {', '.join(ids)}")
        if len(out) == 1:
            out.append("  no rule changed")
        return out


KIND_WORDS = {"added": "added", "removed": "removed", "meaning": "changed in meaning",
              "sources": "changed in sources only", "wording": "changed in wording only"}


class PackChanges:
    """Looks up, once per hash, the pack that pins were written against (in the history of the rules
    folder, else in the compiled-pack cache) and what changed since."""

    def __init__(self, loaded: LoadedPack, rules_root: Path | None = None, added: tuple[str, ...] = ()) -> None:
        self.loaded = loaded
        self.rules_root = rules_root
        self.added = added
        self._seen: dict[str, PackChange] = {}

    def is_current(self, pinned: str) -> bool:
        pack = self.loaded.pack
        return pack.digest.startswith(pinned) or (pack.base_digest or pack.digest).startswith(pinned)

    def change(self, pinned: str) -> PackChange | None:
        """None when the pin was written against the pack in use."""
        if self.is_current(pinned):
            return None
        if pinned not in self._seen:
            from .packhistory import find_pack
            from .resources import rules_dir
            from .rulediff import diff_packs

            found = find_pack(pinned, self.rules_root or rules_dir(), self.added)
            now = self.loaded.pack
            if found is not None and now.added and not found.loaded.pack.added:
                # a pack of bundled rules alone (kept in the cache): compare the bundled rules, so the
                # added folders' own rules are not listed as added since
                from .pack import load_pack

                now = load_pack(self.rules_root).pack
            diff = diff_packs(found.loaded.pack, now) if found is not None else None
            pack = self.loaded.pack
            self._seen[pinned] = PackChange(pinned, pack.digest, pack.base_digest or pack.digest,
                                            found.label if found else None, diff)
        return self._seen[pinned]

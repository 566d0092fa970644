"""Policy sweep: evaluate a policy over a grid of applicants and report, per rule, where it fires.

    normcheck sweep cases/policies/nl-amv-2025.yaml --set is_unaccompanied_minor_at_application=true \\
        --vary age_at_application_months=0..215 --vary procedure_duration_months=0..48

Each grid point is an individual case to which the policy applies: the policy's facts, the
`--set` facts and the varied facts. The whole grid is evaluated at once by the vectorised
evaluator (`engine/vector.py`: the same rule IR and three-valued logic as a single case). The
result turns an argument such as "a 3-year permit that ends at 18 excludes everyone aged 15 or
more" into a reproducible table, a terminal heatmap and CSV/JSON/SVG exports; `--against OTHER`
shows who gains and who loses between two policies.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.text import Text

from . import ir
from .diagnostics import Diagnostic, InputError, did_you_mean
from .engine import vector
from .engine.months import combine_codes, variants
from .facts import load_record
from .facts.model import fact_validator
from .options import check_as_of, check_output_path, write_output
from .pack import load_pack
from .plural import counted
from .report.renderers.terminal import COLOURS
from .values import MonthDate
from .wording import t

MAX_POINTS = 2_000_000
SYMBOL = {"BREACH": "█", "RISK": "▓", "CONTESTED": "▒", "INSUFFICIENT_DATA": "?", "OK": "·", "NOT_APPLICABLE": " "}
SVG_FILL = {"BREACH": "#c62828", "RISK": "#ef6c00", "CONTESTED": "#8e24aa", "INSUFFICIENT_DATA": "#f9d71c",
            "OK": "#c8e6c9", "NOT_APPLICABLE": "#eeeeee"}
FIRING = tuple(vector.OUTCOME_CODE[level] for level in ir.LEVELS)  # BREACH, RISK, CONTESTED


@dataclass(frozen=True)
class Axis:
    fact: str
    values: tuple[int, ...]


@dataclass
class Sweep:
    axes: tuple[Axis, ...]
    rules: list[str]
    outcomes: dict[str, np.ndarray]  # rule -> outcome codes (into ir.OUTCOMES), shaped like the axes
    policy: str = ""  # the policy's id
    policy_file: str = ""
    as_of: str = ""
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.values) for a in self.axes)

    def fires(self, rule: str) -> np.ndarray:
        """Where the rule fires (BREACH, RISK or CONTESTED), shaped like the axes."""
        return self.outcomes[rule] <= max(FIRING)

    def outcome(self, rule: str, point: tuple[int, ...]) -> str:
        index = tuple(a.values.index(v) for a, v in zip(self.axes, point))
        return ir.OUTCOMES[int(self.outcomes[rule][index])]


def parse_axis(text: str, loaded: Any) -> Axis:
    """`FACT=A..B[:STEP]` for a whole-number fact, within the fact's declared range."""
    if "=" not in text or ".." not in text:
        raise InputError([Diagnostic("--vary", None, None, f"`{text}` is not FACT=A..B[:STEP]", expected="e.g. age_at_application_months=0..215",
            code="NC-C001")])
    fact, rng = text.split("=", 1)
    spec = loaded.vocabulary.get(fact)
    if spec is None or spec.kind != "int":
        hint = did_you_mean(fact, [n for n, s in loaded.vocabulary.facts.items() if s.kind == "int"])
        raise InputError([Diagnostic("--vary", None, None, f"`{fact}` is not a whole-number fact", hint=hint, code="NC-C001")])
    step = 1
    if ":" in rng:
        rng, step_text = rng.split(":", 1)
        if not re.fullmatch(r"[0-9]{1,9}", step_text.strip()):
            raise InputError([Diagnostic("--vary", None, None, f"`{text}`: the step `{step_text}` is not a whole number",
                                         expected="a positive whole number after the colon, e.g. 0..215:12", code="NC-C001")])
        step = int(step_text)
    m = re.fullmatch(r"\s*(-?[0-9]{1,15})\s*\.\.\s*(-?[0-9]{1,15})\s*", rng)
    if m is None:
        raise InputError([Diagnostic("--vary", None, None, f"`{text}`: the range must be whole numbers A..B",
                                     expected="e.g. 0..215", code="NC-C001")])
    lo, hi = int(m.group(1)), int(m.group(2))
    if hi < lo or step < 1:
        raise InputError([Diagnostic("--vary", None, None, f"`{text}`: empty range (A must not exceed B, the step must be at least 1)",
            code="NC-C001")])
    for end in (lo, hi):
        why = spec.out_of_range(end)
        if why is not None:
            raise InputError([Diagnostic("--vary", None, None, f"`{text}`: {fact} = {end} is {why}", code="NC-C001")])
    if (hi - lo) // step + 1 > MAX_POINTS:
        raise InputError([Diagnostic("--vary", None, None, f"`{text}` has too many points (at most {MAX_POINTS:,}); use a larger :STEP",
            code="NC-L003")])
    return Axis(fact, tuple(range(lo, hi + 1, step)))


def parse_set(text: str, loaded: Any) -> tuple[str, Any]:
    if "=" not in text:
        raise InputError([Diagnostic("--set", None, None, f"`{text}` is not FACT=VALUE", code="NC-C001")])
    fact, raw = text.split("=", 1)
    spec = loaded.vocabulary.get(fact)
    if spec is None:
        raise InputError([Diagnostic("--set", None, None, f"unknown fact `{fact}`", hint=did_you_mean(fact, loaded.vocabulary.names()),
            code="NC-C001")])
    from .facts import yamlio

    if len(raw) > 10_000 or "\n" in raw:
        raise InputError([Diagnostic("--set", None, None, f"the value of `{fact}` must be one line of at most 10,000 characters", code="NC-C001")])
    try:
        value = yamlio.load(f"v: {raw}", "--set").data
    except InputError as exc:
        raise InputError([Diagnostic("--set", None, None, f"`{fact}={_short(raw)}`: {exc.diagnostics[0].message}",
                                     hint=exc.diagnostics[0].hint, code="NC-C001")]) from None
    if not isinstance(value, dict) or "v" not in value:
        raise InputError([Diagnostic("--set", None, None, f"`{_short(text)}` is not FACT=VALUE", code="NC-C001")])
    value = value["v"]
    if spec.kind == "set" and isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    try:
        return fact, fact_validator(spec)(value)
    except Exception as exc:  # pydantic's error carries the plain message
        raise InputError([Diagnostic("--set", None, None, str(exc), code="NC-C001")]) from None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _policy_grid(args: argparse.Namespace, loaded: Any, policy_path: str, axes: tuple[Axis, ...],
                 wanted: list[str]) -> tuple[dict[str, np.ndarray], Any]:
    if not policy_path.strip() or not Path(policy_path).is_file():
        raise InputError([Diagnostic(policy_path or "''", None, None, "no such policy file", code="NC-P001")])
    policy = load_record(Path(policy_path), loaded.vocabulary, display=policy_path,
                         personal_data="warning" if getattr(args, "personal_data", "error") == "warn" else "error")
    base = {k: v for k, v in policy.facts.items() if k != "record_type"}
    base["record_type"] = "individual_case"
    for item in args.set:
        k, v = parse_set(item, loaded)
        base[k] = v
    as_of = args.as_of or policy.as_of
    shape = tuple(len(a.values) for a in axes)
    months = {k: v for k, v in base.items() if isinstance(v, MonthDate)}
    runs = []
    for facts in (variants(base, months) if months else [base]):  # a month-precise date: its first and last day
        grid = vector.Grid.product(facts, [(a.fact, a.values) for a in axes], as_of)
        runs.append(vector.evaluate_grid(loaded.pack, grid, wanted))
    codes = runs[0] if len(runs) == 1 else combine_codes(
        runs, vector.INSUFFICIENT, vector.OUTCOME_CODE["OK"], vector.OUTCOME_CODE["NOT_APPLICABLE"])
    return {r: np.broadcast_to(c, (grid.size,)).reshape(shape) for r, c in codes.items()}, policy


def run_sweep(args: argparse.Namespace, policy_path: str | None = None) -> Sweep:
    from dataclasses import replace

    from .readings import pack_under, select

    loaded = load_pack(args.rules, tuple(getattr(args, "add_rules", ())))
    # under --reading the grid is evaluated with the contested rules decided by the readings chosen
    loaded = replace(loaded, pack=pack_under(loaded.pack, select(loaded.pack, getattr(args, "reading", None) or ())))
    check_as_of(args.as_of, loaded)
    check_output_path(args.output, [Path(p) for p in (args.policy, getattr(args, "against", None)) if p])
    axes = tuple(parse_axis(v, loaded) for v in args.vary)
    if not axes:
        raise InputError([Diagnostic("--vary", None, None, "give at least one --vary FACT=A..B", code="NC-C001")])
    total = 1
    for a in axes:
        total *= len(a.values)
    if total > MAX_POINTS:
        raise InputError([Diagnostic("--vary", None, None, f"{total:,} points is too many (at most {MAX_POINTS:,}); use a :STEP", code="NC-L003")])
    pack = loaded.pack
    wanted = list(dict.fromkeys(args.rule)) if args.rule else pack.rule_ids()
    unknown = [r for r in wanted if r not in pack.rule_ids()]
    if unknown:
        raise InputError([Diagnostic("--rule", None, None, f"unknown rule `{unknown[0]}`", hint=did_you_mean(unknown[0], pack.rule_ids()),
            code="NC-C001")])
    path = policy_path or args.policy
    outcomes, policy = _policy_grid(args, loaded, path, axes, wanted)
    # keep the rules that do something somewhere on the grid
    active = [r for r in wanted if (outcomes[r] != vector.NA).any()]
    lang = getattr(args, "lang", "en")
    titles = {r: pack.versions(r)[-1].text("titles", lang) for r in wanted}
    return Sweep(axes, active, outcomes, policy.id, path, str(args.as_of or policy.as_of), titles)


def _ranges(values: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for v in values:
        if out and v == out[-1][1] + 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


def _fmt(r: tuple[int, int]) -> str:
    return str(r[0]) if r[0] == r[1] else f"{r[0]}–{r[1]}"


def describe(sw: Sweep, rule: str) -> list[str]:
    """Plain sentences: where the rule fires on the grid."""
    mask = sw.fires(rule)
    if not mask.any():
        levels = sorted({ir.OUTCOMES[c] for c in np.unique(sw.outcomes[rule]).tolist()})
        return [f"{rule} never fires on this grid (results: {', '.join(levels)})"]
    return describe_mask(sw.axes, mask, f"{rule} fires")


def describe_mask(axes: tuple[Axis, ...], mask: np.ndarray, subject: str) -> list[str]:
    """Where `mask` holds, in sentences that start with `subject` (e.g. "TQ-04a fires")."""
    x = axes[0]
    if len(axes) == 1:
        return [f"{subject} for {x.fact} = " + ", ".join(_fmt(r) for r in _ranges([v for v, m in zip(x.values, mask.tolist()) if m]))]
    y = axes[1]
    lines: list[str] = []
    per_x = mask.reshape(len(x.values), -1)
    full_mask = np.asarray(per_x.all(axis=1), dtype=bool)
    full = [xv for xv, f in zip(x.values, full_mask.tolist()) if f]
    if full:
        lines.append(f"{subject} for every applicant with {x.fact} " + ", ".join(_fmt(r) for r in _ranges(full))
                     + f", whatever {' and '.join(a.fact for a in axes[1:])}")
    if len(axes) == 2:
        rows = {xv: [yv for yv, m in zip(y.values, mask[xi].tolist()) if m]
                for xi, xv in enumerate(x.values) if not full_mask[xi]}
        # a diagonal boundary (fires from a threshold of y that falls as x rises) reads best as a sum
        thresholds_by_x: dict[int, int] = {}
        for xv, ys in rows.items():
            if ys:
                if _ranges(ys) != [(ys[0], y.values[-1])]:
                    thresholds_by_x = {}
                    break
                thresholds_by_x[xv] = ys[0]
        sums = {xv + t for xv, t in thresholds_by_x.items()}
        if thresholds_by_x and len(sums) == 1 and len(thresholds_by_x) > 1:
            c = sums.pop()
            xs = sorted(thresholds_by_x)
            lines.append(f"{subject} for {x.fact} {', '.join(_fmt(r) for r in _ranges(xs))} whenever "
                         f"{x.fact} + {y.fact} >= {c} (i.e. {y.fact} > {c - 1} - {x.fact})")
            return lines
        partial: dict[str, list[int]] = {}
        for xv, ys in rows.items():
            if ys:
                key = ", ".join(_fmt(r) for r in _ranges(ys))
                partial.setdefault(key, []).append(xv)
        thresholds = []
        for key, xs in partial.items():
            thresholds.append((xs[0], f"{x.fact} {', '.join(_fmt(r) for r in _ranges(xs))}: when {y.fact} is {key}"))
        for _, text in sorted(thresholds)[:40]:
            lines.append(f"{subject} for {text}")
        if len(thresholds) > 40:
            lines.append(f"… and {counted(len(thresholds) - 40, 'more band', 'more bands')} (see --format csv)")
    elif not full:
        count = int(mask.sum())
        lines.append(f"{subject} at {count:,} of {counted(mask.size, 'point', 'points', sep=True)}, none for every value of "
                     f"{' and '.join(a.fact for a in axes[1:])} (see --format csv)")
    return lines


def _plane(codes: np.ndarray) -> np.ndarray:
    """The first two axes (further axes at their first value), as a 2-D array (x, y)."""
    plane = codes[(slice(None),) * min(2, codes.ndim) + (0,) * max(0, codes.ndim - 2)]
    return plane.reshape(plane.shape[0], -1)


def heatmap(sw: Sweep, rule: str, console: Console, width: int = 72) -> None:
    x = sw.axes[0]
    plane = _plane(sw.outcomes[rule])
    ys = sw.axes[1].values if len(sw.axes) > 1 else (None,)
    step = max(1, -(-len(x.values) // width))
    console.print(Text(f"{rule}   columns: {x.fact} {x.values[0]}–{x.values[-1]} (each column {step})"
                       + (f"   rows: {sw.axes[1].fact}" if len(sw.axes) > 1 else ""), style="bold"))
    ystep = max(1, -(-len(ys) // 25))
    for yi in range(0, len(ys), ystep):
        yv = ys[yi]
        line = Text(f"{'' if yv is None else yv:>6} ")
        cells = [ir.OUTCOMES[int(plane[xi: xi + step, yi].min())]  # the lowest code is the most severe
                 for xi in range(0, len(x.values), step)]
        start = 0
        for i in range(1, len(cells) + 1):  # one styled run per stretch of the same result
            if i == len(cells) or cells[i] != cells[start]:
                line.append(SYMBOL[cells[start]] * (i - start), style=COLOURS[cells[start]])
                start = i
        console.print(line)
    console.print(Text("       █ BREACH  ▓ RISK  ▒ CONTESTED  ? INSUFFICIENT_DATA  · OK  (blank) NOT_APPLICABLE", style="dim"))


def _points(sw: Sweep) -> list[np.ndarray]:
    """The coordinates of every point, one flat array per axis, in grid order."""
    return [g.ravel() for g in np.meshgrid(*[np.asarray(a.values) for a in sw.axes], indexing="ij")]


def to_csv(sw: Sweep) -> str:
    header = ",".join([a.fact for a in sw.axes] + sw.rules)
    names = np.asarray(ir.OUTCOMES, dtype=object)
    columns = [c.astype(str).astype(object) for c in _points(sw)] + [names[sw.outcomes[r].ravel()] for r in sw.rules]
    rows = [",".join(row) for row in zip(*columns)]
    return header + "\n" + "\n".join(rows) + "\n"


def to_json(sw: Sweep) -> str:
    coords = np.stack(_points(sw), axis=1)
    data = {
        "policy": sw.policy, "as_of": sw.as_of,
        "axes": [{"fact": a.fact, "from": a.values[0], "to": a.values[-1], "count": len(a.values)} for a in sw.axes],
        "rules": {r: {"summary": describe(sw, r),
                      "fires_at": coords[sw.fires(r).ravel()].tolist()} for r in sw.rules},
    }
    return json.dumps(data, indent=2) + "\n"


# ---- SVG: a heatmap for a letter ---------------------------------------------------------------


def _axis_name(fact: str) -> str:
    words = fact.removesuffix("_months").replace("_", " ")
    return f"{words} (years; one cell per month)" if fact.endswith("_months") else words


def _tick(fact: str, v: int) -> str:
    if not fact.endswith("_months"):
        return str(v)
    years, months = divmod(v, 12)
    return f"{years} y" if months == 0 else f"{years} y {months} m"


def _ticks(fact: str, values: tuple[int, ...], room: int) -> list[int]:
    """Tick values: whole years for a month axis (every 1, 2, 5 or 10), round numbers otherwise."""
    lo, hi = values[0], values[-1]
    unit = 12 if fact.endswith("_months") else 1
    for every in (1, 2, 3, 5, 10, 20, 25, 50, 100, 250, 500, 1000):
        step = every * unit
        if (hi - lo) // step + 1 <= room:
            break
    if unit == 12 and hi - lo < 12:
        step = 3
    first = -(-lo // step) * step
    return [v for v in range(first, hi + 1, step) if v in set(values)]


def _svg_panel(out: list[str], top: float, title: list[str], axes: tuple[Axis, ...], plane: np.ndarray,
               fill: dict[int, str], legend: list[tuple[str, str]]) -> float:
    """One heatmap: title lines, cells (runs of one colour merged), axes with ticks, a legend."""
    left, plot_w, plot_h = 90.0, 560.0, 300.0
    x = axes[0]
    ys = axes[1].values if len(axes) > 1 else (0,)
    cw, ch = plot_w / len(x.values), (plot_h / len(ys) if len(axes) > 1 else 40.0)
    height = ch * len(ys)
    lines = [(line, i == 0) for i, text in enumerate(title) for line in _wrap(text, 72 if i == 0 else 100)]
    for i, (line, bold) in enumerate(lines):
        weight = ' font-weight="bold"' if bold else ""
        out.append(f'<text x="{left}" y="{top + 16 * i}" font-size="{14 if bold else 11}"{weight}>{escape(line)}</text>')
    title = [line for line, _ in lines]
    y0 = top + 16 * len(title) + 6
    for yi in range(len(ys)):
        row = plane[:, yi]
        cy = y0 + (len(ys) - 1 - yi) * ch  # y grows upwards
        start = 0
        for xi in range(1, len(row) + 1):
            if xi == len(row) or row[xi] != row[start]:
                out.append(f'<rect x="{left + start * cw:.2f}" y="{cy:.2f}" width="{(xi - start) * cw:.2f}" '
                           f'height="{ch:.2f}" fill="{fill[int(row[start])]}"/>')
                start = xi
    out.append(f'<rect x="{left}" y="{y0}" width="{plot_w}" height="{height:.2f}" fill="none" stroke="#333"/>')
    for v in _ticks(x.fact, x.values, 12):
        tx = left + (x.values.index(v) + 0.5) * cw
        out.append(f'<line x1="{tx:.2f}" y1="{y0 + height:.2f}" x2="{tx:.2f}" y2="{y0 + height + 4:.2f}" stroke="#333"/>')
        out.append(f'<text x="{tx:.2f}" y="{y0 + height + 16:.2f}" text-anchor="middle">{escape(_tick(x.fact, v))}</text>')
    out.append(f'<text x="{left + plot_w / 2}" y="{y0 + height + 34:.2f}" text-anchor="middle">{escape(_axis_name(x.fact))}</text>')
    if len(axes) > 1:
        y = axes[1]
        for v in _ticks(y.fact, y.values, 10):
            ty = y0 + (len(ys) - 1 - y.values.index(v) + 0.5) * ch
            out.append(f'<line x1="{left - 4}" y1="{ty:.2f}" x2="{left}" y2="{ty:.2f}" stroke="#333"/>')
            out.append(f'<text x="{left - 6}" y="{ty + 4:.2f}" text-anchor="end">{escape(_tick(y.fact, v))}</text>')
        out.append(f'<text transform="translate({left - 62},{y0 + height / 2:.2f}) rotate(-90)" text-anchor="middle">'
                   f'{escape(_axis_name(y.fact))}</text>')
    ly = y0 + height + 52
    lx = left
    for colour, label in legend:
        width = 26 + 6.0 * len(label)
        if lx > left and lx + width > 690:
            lx, ly = left, ly + 18
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colour}" stroke="#333" stroke-width="0.5"/>')
        out.append(f'<text x="{lx + 16}" y="{ly}">{escape(label)}</text>')
        lx += width
    return ly + 30


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _svg(panels: list[tuple[list[str], tuple[Axis, ...], np.ndarray, dict[int, str], list[tuple[str, str]]]]) -> str:
    body: list[str] = []
    top = 30.0
    for title, axes, plane, fill, legend in panels:
        top = _svg_panel(body, top, title, axes, plane, fill, legend)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="700" height="{top:.0f}" viewBox="0 0 700 {top:.0f}" '
            'font-family="Helvetica, Arial, sans-serif" font-size="11" shape-rendering="crispEdges">')
    return "\n".join([head, '<rect width="100%" height="100%" fill="white"/>', *body, "</svg>"]) + "\n"


def _fixed(axes: tuple[Axis, ...]) -> str:
    return "; ".join(f"{a.fact} = {a.values[0]}" for a in axes[2:])


def to_svg(sw: Sweep, lang: str = "en") -> str:
    """One heatmap per rule: the policy and the rule in the title, axes in years and months, a
    legend with every level."""
    fill = {vector.OUTCOME_CODE[o]: SVG_FILL[o] for o in ir.OUTCOMES}
    legend = [(SVG_FILL[o], t(lang, o)) for o in ir.OUTCOMES]
    panels = []
    for rule in sw.rules:
        title = [f"{rule} — {sw.titles.get(rule, '')}",
                 f"{t(lang, 'policy')}: {sw.policy} ({sw.policy_file}); {t(lang, 'as_of').lower()} {sw.as_of}"
                 + (f"; {_fixed(sw.axes)}" if len(sw.axes) > 2 else "")]
        panels.append((title, sw.axes, _plane(sw.outcomes[rule]), fill, legend))
    return _svg(panels)


# ---- two policies side by side --------------------------------------------------------------


@dataclass
class Comparison:
    """The same grid under two policies: who gains and who loses."""

    new: Sweep
    old: Sweep

    @property
    def rules(self) -> list[str]:
        """The rules whose result changes somewhere on the grid."""
        return [r for r in self.new.outcomes if r in self.old.outcomes and self.changed(r).any()]

    @property
    def unchanged(self) -> list[str]:
        return [r for r in self.new.outcomes if r in self.new.rules + self.old.rules and r not in self.rules]

    def worse(self, rule: str) -> np.ndarray:
        """Fires under the policy but not under the other one: these applicants lose."""
        return np.asarray(self.new.fires(rule) & ~self.old.fires(rule))

    def better(self, rule: str) -> np.ndarray:
        """Fires under the other policy only: these applicants gain."""
        return np.asarray(self.old.fires(rule) & ~self.new.fires(rule))

    def changed(self, rule: str) -> np.ndarray:
        return np.asarray(self.new.outcomes[rule] != self.old.outcomes[rule])

    def lines(self, rule: str) -> list[str]:
        a, b = self.new.policy, self.old.policy
        worse, better = self.worse(rule), self.better(rule)
        lost, gained, changed = int(worse.sum()), int(better.sum()), int(self.changed(rule).sum())
        out = [f"{rule}: {lost:,} of {counted(worse.size, 'point', 'points', sep=True)} {'loses' if lost == 1 else 'lose'} "
               f"under {a} (the rule fires there, not under {b}), {counted(gained, 'gains', 'gain', sep=True)} (it fires "
               f"under {b} only); {counted(changed, 'changes', 'change', sep=True)} result"]
        if worse.any():
            out += describe_mask(self.new.axes, worse, f"  lose: {rule} fires under {a} but not under {b}")
        if better.any():
            out += describe_mask(self.new.axes, better, f"  gain: {rule} fires under {b} but not under {a}")
        return out


DIFF = {0: ("#eeeeee", "same result under both"), 1: ("#c62828", "fires only under {a}: loses"),
        2: ("#2e7d32", "fires only under {b}: gains"), 3: ("#ffb74d", "fires under both"), 4: ("#bbdefb", "other change of result")}


def _diff_codes(cmp: Comparison, rule: str) -> np.ndarray:
    codes = np.zeros(cmp.new.shape, np.int8)
    codes[cmp.changed(rule)] = 4
    codes[cmp.new.fires(rule) & cmp.old.fires(rule)] = 3
    codes[cmp.better(rule)] = 2
    codes[cmp.worse(rule)] = 1
    return codes


def comparison_svg(cmp: Comparison, lang: str = "en") -> str:
    a, b = cmp.new.policy, cmp.old.policy
    fill = {k: colour for k, (colour, _) in DIFF.items()}
    legend = [(colour, label.format(a=a, b=b)) for colour, label in DIFF.values()]
    panels = []
    for rule in cmp.rules:
        title = [f"{rule} — {cmp.new.titles.get(rule, '')}",
                 f"{a} ({cmp.new.policy_file}, {cmp.new.as_of}) against {b} ({cmp.old.policy_file}, {cmp.old.as_of})"
                 + (f"; {_fixed(cmp.new.axes)}" if len(cmp.new.axes) > 2 else "")]
        panels.append((title, cmp.new.axes, _plane(_diff_codes(cmp, rule)), fill, legend))
    return _svg(panels)


def comparison_csv(cmp: Comparison) -> str:
    header = ",".join([a.fact for a in cmp.new.axes] + [f"{r}@{p}" for r in cmp.rules for p in (cmp.new.policy, cmp.old.policy)])
    names = np.asarray(ir.OUTCOMES, dtype=object)
    columns = [c.astype(str).astype(object) for c in _points(cmp.new)]
    for r in cmp.rules:
        columns += [names[cmp.new.outcomes[r].ravel()], names[cmp.old.outcomes[r].ravel()]]
    return header + "\n" + "\n".join(",".join(row) for row in zip(*columns)) + "\n"


def comparison_json(cmp: Comparison) -> str:
    coords = np.stack(_points(cmp.new), axis=1)
    data = {
        "policy": {"id": cmp.new.policy, "file": cmp.new.policy_file, "as_of": cmp.new.as_of},
        "against": {"id": cmp.old.policy, "file": cmp.old.policy_file, "as_of": cmp.old.as_of},
        "axes": [{"fact": a.fact, "from": a.values[0], "to": a.values[-1], "count": len(a.values)} for a in cmp.new.axes],
        "rules": {r: {"summary": cmp.lines(r),
                      "lose_at": coords[cmp.worse(r).ravel()].tolist(),
                      "gain_at": coords[cmp.better(r).ravel()].tolist()} for r in cmp.rules},
        "unchanged": cmp.unchanged,
    }
    return json.dumps(data, indent=2) + "\n"


def cmd_sweep(args: argparse.Namespace, err: Console) -> int:
    sw = run_sweep(args)
    against = getattr(args, "against", None)
    if against:
        other = run_sweep(args, against)
        cmp = Comparison(sw, other)
        if args.format == "terminal":
            buf = io.StringIO() if args.output else None
            console = Console(highlight=False, file=buf)
            console.print(f"{sw.policy} ({sw.policy_file}, {sw.as_of}) against {other.policy} ({other.policy_file}, {other.as_of})",
                          markup=False)
            for rule in cmp.rules:
                for line in cmp.lines(rule):
                    console.print(line, markup=False)
                console.print()
            if cmp.unchanged:
                console.print(f"the same result under both policies at every point: {', '.join(cmp.unchanged)}", markup=False)
            if buf is not None:
                write_output(args.output, buf.getvalue())
            return 0
        compared: dict[str, Callable[[Comparison], str]] = {"csv": comparison_csv, "json": comparison_json,
                                                           "svg": lambda c: comparison_svg(c, args.lang)}
        text = compared[args.format](cmp)
    elif args.format == "terminal":
        buf = io.StringIO() if args.output else None
        console = Console(highlight=False, file=buf)
        if getattr(args, "reading", None):
            console.print(f"under the readings: {', '.join(args.reading)}", markup=False)
        for rule in sw.rules:
            for line in describe(sw, rule):
                console.print(line, markup=False)
            heatmap(sw, rule, console)
            console.print()
        if buf is not None:
            write_output(args.output, buf.getvalue())
        return 0
    else:
        writers: dict[str, Callable[[Sweep], str]] = {"csv": to_csv, "json": to_json, "svg": lambda s: to_svg(s, args.lang)}
        text = writers[args.format](sw)
    if args.output:
        write_output(args.output, text)
    else:
        sys.stdout.write(text)
    return 0

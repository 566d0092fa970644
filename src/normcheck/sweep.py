"""Policy sweep: evaluate a policy over a grid of applicants and report, per rule, where it fires.

    normcheck sweep cases/policies/nl-amv-2025.yaml --set is_unaccompanied_minor_at_application=true \\
        --vary age_at_application_months=0..215 --vary procedure_duration_months=0..48

Each grid point is an individual case to which the policy applies: the policy's facts, the
`--set` facts and the varied facts. The result turns an argument such as "a 3-year permit that
ends at 18 excludes everyone aged 15 or more" into a reproducible table, a terminal heatmap and
CSV/JSON/SVG exports.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from .diagnostics import Diagnostic, InputError, did_you_mean
from .engine.evaluate import Evaluator
from .facts import load_record
from .facts.model import fact_validator
from .pack import load_pack
from .report.labels import COLOURS

MAX_POINTS = 200_000
SYMBOL = {"BREACH": "█", "RISK": "▓", "CONTESTED": "▒", "INSUFFICIENT_DATA": "?", "OK": "·", "NOT_APPLICABLE": " "}
SVG_FILL = {"BREACH": "#c62828", "RISK": "#ef6c00", "CONTESTED": "#8e24aa", "INSUFFICIENT_DATA": "#f9d71c",
            "OK": "#c8e6c9", "NOT_APPLICABLE": "#eeeeee"}


@dataclass(frozen=True)
class Axis:
    fact: str
    values: tuple[int, ...]


@dataclass
class Sweep:
    axes: tuple[Axis, ...]
    rules: list[str]
    grid: dict[tuple[int, ...], dict[str, str]]  # point -> rule -> outcome

    def fires(self, rule: str, point: tuple[int, ...]) -> bool:
        return self.grid[point][rule] in ("BREACH", "RISK", "CONTESTED")


def parse_axis(text: str, loaded: Any) -> Axis:
    if "=" not in text or ".." not in text:
        raise InputError([Diagnostic("--vary", None, None, f"`{text}` is not FACT=A..B[:STEP]", expected="e.g. age_at_application_months=0..215")])
    fact, rng = text.split("=", 1)
    spec = loaded.vocabulary.get(fact)
    if spec is None or spec.kind not in ("int", "decimal"):
        hint = did_you_mean(fact, [n for n, s in loaded.vocabulary.facts.items() if s.kind == "int"])
        raise InputError([Diagnostic("--vary", None, None, f"`{fact}` is not a numeric fact", hint=hint)])
    step = 1
    if ":" in rng:
        rng, step_text = rng.split(":", 1)
        step = int(step_text)
    try:
        lo, hi = (int(x) for x in rng.split("..", 1))
    except ValueError:
        raise InputError([Diagnostic("--vary", None, None, f"`{text}`: the range must be whole numbers A..B")]) from None
    if hi < lo or step < 1:
        raise InputError([Diagnostic("--vary", None, None, f"`{text}`: empty range")])
    return Axis(fact, tuple(range(lo, hi + 1, step)))


def parse_set(text: str, loaded: Any) -> tuple[str, Any]:
    if "=" not in text:
        raise InputError([Diagnostic("--set", None, None, f"`{text}` is not FACT=VALUE")])
    fact, raw = text.split("=", 1)
    spec = loaded.vocabulary.get(fact)
    if spec is None:
        raise InputError([Diagnostic("--set", None, None, f"unknown fact `{fact}`", hint=did_you_mean(fact, loaded.vocabulary.names()))])
    from .facts import yamlio

    value = yamlio.load(f"v: {raw}", "--set").data["v"]
    if spec.kind == "set" and isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    try:
        return fact, fact_validator(spec)(value)
    except Exception as exc:  # pydantic's error carries the plain message
        raise InputError([Diagnostic("--set", None, None, str(exc))]) from None


def run_sweep(args: argparse.Namespace) -> Sweep:
    loaded = load_pack(args.rules)
    policy = load_record(Path(args.policy), loaded.vocabulary, display=args.policy)
    axes = tuple(parse_axis(v, loaded) for v in args.vary)
    if not axes:
        raise InputError([Diagnostic("--vary", None, None, "give at least one --vary FACT=A..B")])
    total = 1
    for a in axes:
        total *= len(a.values)
    if total > MAX_POINTS:
        raise InputError([Diagnostic("--vary", None, None, f"{total:,} points is too many (at most {MAX_POINTS:,}); use a :STEP")])
    base = {k: v for k, v in policy.facts.items() if k != "record_type"}
    base["record_type"] = "individual_case"
    for item in args.set:
        k, v = parse_set(item, loaded)
        base[k] = v
    as_of = args.as_of or policy.as_of
    pack = loaded.pack
    wanted = list(dict.fromkeys(args.rule)) if args.rule else pack.rule_ids()
    unknown = [r for r in wanted if r not in pack.rule_ids()]
    if unknown:
        raise InputError([Diagnostic("--rule", None, None, f"unknown rule `{unknown[0]}`", hint=did_you_mean(unknown[0], pack.rule_ids()))])
    evaluator = Evaluator(pack)  # compiled once for the whole grid
    grid: dict[tuple[int, ...], dict[str, str]] = {}
    for point in itertools.product(*(a.values for a in axes)):
        facts = dict(base)
        facts.update({a.fact: v for a, v in zip(axes, point)})
        _, results, _ = evaluator.evaluate(facts, as_of, stated=facts.keys())
        grid[point] = {r.rule.id: r.outcome for r in results if r.rule.id in wanted}
    # keep the rules that do something somewhere on the grid
    active = [r for r in wanted if any(g[r] not in ("NOT_APPLICABLE",) for g in grid.values())]
    return Sweep(axes, active, grid)


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
    points = [p for p in sw.grid if sw.fires(rule, p)]
    if not points:
        levels = sorted({sw.grid[p][rule] for p in sw.grid})
        return [f"{rule} never fires on this grid (results: {', '.join(levels)})"]
    x = sw.axes[0]
    if len(sw.axes) == 1:
        return [f"{rule} fires for {x.fact} = " + ", ".join(_fmt(r) for r in _ranges(sorted(p[0] for p in points)))]
    y = sw.axes[1]
    lines: list[str] = []
    full = [xv for xv in x.values if all(sw.fires(rule, (xv,) + rest) for rest in itertools.product(*(a.values for a in sw.axes[1:])))]
    if full:
        lines.append(f"{rule} fires for every applicant with {x.fact} " + ", ".join(_fmt(r) for r in _ranges(full))
                     + f", whatever {' and '.join(a.fact for a in sw.axes[1:])}")
    if len(sw.axes) == 2:
        # a diagonal boundary (fires from a threshold of y that falls as x rises) reads best as a sum
        thresholds_by_x: dict[int, int] = {}
        for xv in x.values:
            if xv in full:
                continue
            ys = [yv for yv in y.values if sw.fires(rule, (xv, yv))]
            if ys:
                if _ranges(ys) != [(ys[0], y.values[-1])]:
                    thresholds_by_x = {}
                    break
                thresholds_by_x[xv] = ys[0]
        sums = {xv + t for xv, t in thresholds_by_x.items()}
        if thresholds_by_x and len(sums) == 1 and len(thresholds_by_x) > 1:
            c = sums.pop()
            xs = sorted(thresholds_by_x)
            lines.append(f"{rule} fires for {x.fact} {', '.join(_fmt(r) for r in _ranges(xs))} whenever "
                         f"{x.fact} + {y.fact} >= {c} (i.e. {y.fact} > {c - 1} - {x.fact})")
            return lines
        partial: dict[str, list[int]] = {}
        for xv in x.values:
            if xv in full:
                continue
            ys = [yv for yv in y.values if sw.fires(rule, (xv, yv))]
            if ys:
                key = ", ".join(_fmt(r) for r in _ranges(ys))
                partial.setdefault(key, []).append(xv)
        thresholds = []
        for key, xs in partial.items():
            thresholds.append((xs[0], f"{x.fact} {', '.join(_fmt(r) for r in _ranges(xs))}: when {y.fact} is {key}"))
        for _, text in sorted(thresholds)[:40]:
            lines.append(f"{rule} fires for {text}")
        if len(thresholds) > 40:
            lines.append(f"… and {len(thresholds) - 40} more bands (see --format csv)")
    return lines


def heatmap(sw: Sweep, rule: str, console: Console, width: int = 72) -> None:
    x = sw.axes[0]
    ys = sw.axes[1].values if len(sw.axes) > 1 else (None,)
    step = max(1, -(-len(x.values) // width))
    console.print(Text(f"{rule}   columns: {x.fact} {x.values[0]}–{x.values[-1]} (each column {step})"
                       + (f"   rows: {sw.axes[1].fact}" if len(sw.axes) > 1 else ""), style="bold"))
    rank = {"BREACH": 5, "RISK": 4, "CONTESTED": 3, "INSUFFICIENT_DATA": 2, "OK": 1, "NOT_APPLICABLE": 0}
    ystep = max(1, -(-len(ys) // 25))
    for yi in range(0, len(ys), ystep):
        yv = ys[yi]
        line = Text(f"{'' if yv is None else yv:>6} ")
        for xi in range(0, len(x.values), step):
            cells = [sw.grid[(xv,) + (() if yv is None else (yv,)) + tuple(a.values[0] for a in sw.axes[2:])][rule]
                     for xv in x.values[xi: xi + step]]
            worst = max(cells, key=lambda c: rank[c])
            line.append(SYMBOL[worst], style=COLOURS[worst])
        console.print(line)
    console.print(Text("       █ BREACH  ▓ RISK  ▒ CONTESTED  ? INSUFFICIENT_DATA  · OK  (blank) NOT_APPLICABLE", style="dim"))


def to_csv(sw: Sweep) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([a.fact for a in sw.axes] + sw.rules)
    for point in sorted(sw.grid):
        w.writerow(list(point) + [sw.grid[point][r] for r in sw.rules])
    return buf.getvalue()


def to_json(sw: Sweep) -> str:
    data = {
        "axes": [{"fact": a.fact, "from": a.values[0], "to": a.values[-1], "count": len(a.values)} for a in sw.axes],
        "rules": {r: {"summary": describe(sw, r),
                      "fires_at": [list(p) for p in sorted(sw.grid) if sw.fires(r, p)]} for r in sw.rules},
    }
    return json.dumps(data, indent=2) + "\n"


def to_svg(sw: Sweep, cell: int = 3) -> str:
    x = sw.axes[0]
    ys = sw.axes[1].values if len(sw.axes) > 1 else (None,)
    w, h = len(x.values) * cell, len(ys) * cell
    pad, gap = 40, 30
    total_h = len(sw.rules) * (h + gap + 20) + pad
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w + 2 * pad}" height="{total_h}" font-family="sans-serif" font-size="11">']
    for i, rule in enumerate(sw.rules):
        top = pad + i * (h + gap + 20)
        out.append(f'<text x="{pad}" y="{top - 6}">{rule} — x: {x.fact} {x.values[0]}–{x.values[-1]}'
                   + (f"; y: {sw.axes[1].fact} {ys[0]}–{ys[-1]}" if len(sw.axes) > 1 else "") + "</text>")
        for xi, xv in enumerate(x.values):
            for yi, yv in enumerate(ys):
                point = (xv,) + (() if yv is None else (yv,)) + tuple(a.values[0] for a in sw.axes[2:])
                fill = SVG_FILL[sw.grid[point][rule]]
                out.append(f'<rect x="{pad + xi * cell}" y="{top + yi * cell}" width="{cell}" height="{cell}" fill="{fill}"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def cmd_sweep(args: argparse.Namespace, err: Console) -> int:
    sw = run_sweep(args)
    if args.format == "terminal":
        # the file stays open until the process ends, which follows at once
        console = Console(highlight=False, file=open(args.output, "w", encoding="utf-8") if args.output else None)  # noqa: SIM115
        for rule in sw.rules:
            for line in describe(sw, rule):
                console.print(line, markup=False)
            heatmap(sw, rule, console)
            console.print()
        return 0
    text = {"csv": to_csv, "json": to_json, "svg": to_svg}[args.format](sw)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0

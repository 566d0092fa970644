"""Benchmark, run by hand (never in CI):  python bench/bench_engine.py [--cases 10000] [--memory 100000]

Every figure is a ratio against a baseline measured in the same run on the same machine, so the
ratios travel between machines even though the absolute speeds do not:

  1. sweep: `normcheck sweep` of the 2025 amv policy (TQ-04a/04b over age 0-215 x procedure 0-48,
     10,584 points), whole process, against OpenFisca-core computing the same two rules over the
     same grid, whole process (bench/openfisca_tq04.py; `pip install -e '.[bench]'`); and the 3-D
     grid (x 37 values of the months a durable permit requires: 391,608 points);
  2. start-up: `normcheck case.yaml`, whole process, against the bare import of its dependencies;
  3. batch: normcheck's engine (evaluator with explanations + durable-rules + cross-check) against
     the same rule pack on bare durable-rules (the same facts posted, its definition rules deriving
     the derived facts; no explanation, no evaluator; and, printed beside it, the rules alone with
     the derived facts precomputed), against hand-written Python (the floor), and the evaluator
     alone against the evaluator before the speed work (bench/baseline/evaluate_v0.py);
  4. `normcheck -j N FOLDER` against `-j 1` on a folder of generated case files;
  5. resident memory over many cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from normcheck.engine import Engine, durable_adapter  # noqa: E402
from normcheck.pack import load_pack  # noqa: E402

AS_OF = dt.date(2025, 11, 15)
POLICY = ROOT / "cases" / "policies" / "nl-amv-2025.yaml"
CASE = ROOT / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml"
SWEEP = ["sweep", str(POLICY), "--set", "is_unaccompanied_minor_at_application=true",
         "--vary", "age_at_application_months=0..215", "--vary", "procedure_duration_months=0..48",
         "--rule", "TQ-04a", "--rule", "TQ-04b"]
THIRD_AXIS = ["--vary", "policy_durable_permit_requires_months_as_minor=0..36"]
FLOOR = "import durable.lang, pydantic, lark, rich, ruamel.yaml"


def generate(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        f = {
            "record_type": "individual_case",
            "is_unaccompanied_minor_at_application": rng.random() < 0.9,
            "return_decision_issued": rng.random() < 0.6,
            "best_interests_assessment_documented": rng.random() < 0.5,
            "adequate_reception_status": rng.choice(["verified_available", "verified_unavailable", "not_assessed", "assessment_pending"]),
            "reception_assessment_before_return_decision": rng.random() < 0.5,
            "reception_type_identified": rng.choice(["family_member", "nominated_guardian", "adequate_reception_facility", "none"]),
            "removal_postponed_reason": rng.choice(["none", "awaiting_majority_age", "medical"]),
            "reception_still_guaranteed_at_removal": rng.choice(["yes", "no", "not_rechecked", "n_a"]),
            "age_at_application_months": rng.randint(120, 215),
            "application_date": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 400)),
            "policy_permit_max_duration_months": 36,
            "policy_permit_ends_at_majority": True,
            "policy_durable_permit_requires_months_as_minor": 36,
            "policy_permit_start": "decision_date",
        }
        f["decision_date"] = f["application_date"] + dt.timedelta(days=rng.randint(30, 700))
        out.append(f)
    return out


# ---- whole processes ---------------------------------------------------------------------------


def whole(cmd: list[str], repeats: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a whole process, in seconds."""
    walls, cpus = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def interleaved(cmds: dict[str, list[str]], repeats: int, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Run the commands in turn, `repeats` rounds, so that a busy machine slows all of them alike."""
    samples: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    for _ in range(repeats):
        for k, cmd in cmds.items():
            samples[k].append(whole(cmd, 1, env))
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in samples.items()}


def normcheck_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "normcheck.cli", *args]


def fired_counts(output: str) -> dict[str, int]:
    return {rule: len(data["fires_at"]) for rule, data in json.loads(output)["rules"].items()}


def sweep_bench(repeats: int, env: dict[str, str]) -> None:
    print(f"sweep (whole process, median of {repeats}; wall / CPU):")
    has_openfisca = importlib.util.find_spec("openfisca_core") is not None
    cmds = {"normcheck 2-D": normcheck_cmd(*SWEEP), "normcheck 3-D": normcheck_cmd(*SWEEP, *THIRD_AXIS)}
    if has_openfisca:
        peer = [sys.executable, str(ROOT / "bench" / "openfisca_tq04.py")]
        cmds.update({"OpenFisca 2-D": peer, "OpenFisca 3-D": peer + ["--3d"]})
        # both compute the same thing: the same number of points per rule
        ours = fired_counts(subprocess.run(normcheck_cmd(*SWEEP, "--format", "json"), env=env, capture_output=True,
                                           text=True, check=True).stdout)
        theirs = subprocess.run(peer, capture_output=True, text=True, check=True).stdout.split()
        assert theirs[3] == str(ours["TQ-04a"]) and theirs[5] == str(ours["TQ-04b"]), (ours, theirs)
    for cmd in cmds.values():  # warm up (and the rule-pack cache)
        whole(cmd, 1, env)
    got = interleaved(cmds, repeats, env)
    for k, (w, c) in got.items():
        print(f"  {k:<16} {w * 1000:7.0f} ms wall  {c * 1000:7.0f} ms CPU")
    if has_openfisca:
        for dim in ("2-D", "3-D"):
            (nw, nc), (ow, oc) = got[f"normcheck {dim}"], got[f"OpenFisca {dim}"]
            print(f"  ratio normcheck / OpenFisca, {dim}: {nw / ow:.2f} wall, {nc / oc:.2f} CPU   (bar: <= 1.00)")
    else:
        print("  OpenFisca-core is not installed: pip install -e '.[bench]' to compare")
    print(f"  3-D grid (391,608 points): {got['normcheck 3-D'][0]:.2f} s wall   (bar: <= 2 s)")


def startup_bench(repeats: int, env: dict[str, str]) -> None:
    cmds = {"normcheck case.yaml": normcheck_cmd("--fail-on", "never", str(CASE)),
            "bare import": [sys.executable, "-c", FLOOR]}
    for cmd in cmds.values():
        whole(cmd, 1, env)
    got = interleaved(cmds, repeats, env)
    (nw, nc), (fw, fc) = got["normcheck case.yaml"], got["bare import"]
    print(f"start-up (whole process, median of {repeats}): `normcheck case.yaml` {nw * 1000:.0f} ms wall / {nc * 1000:.0f} ms CPU, "
          f"`python -c \"{FLOOR}\"` {fw * 1000:.0f} ms / {fc * 1000:.0f} ms")
    print(f"  ratio: {nw / fw:.2f} wall, {nc / fc:.2f} CPU   (bar: <= 1.50)")


# ---- batch throughput ---------------------------------------------------------------------------


def normcheck_engine(cases: list[dict], engine: Engine) -> float:
    start = time.perf_counter()
    for f in cases:
        run = engine.run(f, AS_OF, f.keys())
        assert not run.disagreements
    return time.perf_counter() - start


def evaluator_time(cases: list[dict], fn: Callable[..., Any]) -> float:
    start = time.perf_counter()
    for f in cases:
        fn(f, AS_OF, f.keys())
    return time.perf_counter() - start


def bare_durable_setup(cases: list[dict], engine: Engine) -> tuple[Callable[[], float], Callable[[], float], int]:
    """The same rule pack on a bare durable-rules host: normcheck's compiled ruleset (each case on the same
    part of it as normcheck's, see DurableEngine.ruleset: the same subsets registered, here before timing),
    posted exactly the facts normcheck's durable side posts for each case (worked out before timing), with actions that do
    only what the pack itself requires: a definition rule's action derives its level of definitions
    with `durable_functions` (the pack's own compiled expressions) and asserts them for the next level;
    a rule's action chains its `finding`. No evaluator, no explanation, no cross-check, nothing
    recorded for normcheck.

    Returns two timed runs over the same cases: the full one (the `$in` facts, so durable-rules derives
    the definitions itself, then the rules' facts and the `$end` sentinels), and "rules only" (the
    rules' facts alone, their derived facts worked out in Python before timing: the definition rules
    never fire)."""
    durable = engine.durable
    assert durable is not None
    plans = durable_adapter.define_plans(engine.pack)  # compiled afresh: nothing shared with normcheck's engine
    referenced = frozenset(d for r in engine.pack.rules for d in r.rule_deps)
    seen: dict[str, set[str]] = {}

    def action(key: str) -> Callable[[Any], None]:
        if key.startswith("_def@"):
            return durable_adapter.level_action(plans)  # no `record`: the derived facts stay in durable-rules
        if key in ("_begin", "_sink"):
            return lambda c: None
        rule_id = key.split("#")[0].split("@")[0]

        def run(c: Any) -> None:
            mine = seen.setdefault(c.s.sid, set())
            if rule_id in referenced and rule_id not in mine:
                mine.add(rule_id)
                c.assert_fact({"t": "finding", "rule": rule_id})
        return run
    prefix = f"bench_bare_{os.getpid()}_{time.time_ns()}_"
    host = durable_adapter.SyncHost()  # durable-rules' Host without its background dispatch threads, as normcheck
    registered: set[str] = set()
    posted = []
    for i, f in enumerate(cases):  # the facts normcheck posts for each case, worked out before timing
        env, _, _ = engine.evaluate(f, AS_OF, f.keys())
        views = durable.relevant_views(env)
        if not views:  # normcheck posts nothing either
            continue
        sid = f"b{i}"
        ruleset, definition, strata = durable.ruleset(views)  # the part of the pack normcheck runs this case on
        name = prefix + ruleset
        if name not in registered:
            host.register_rulesets({name: {k: dict(v, run=action(k)) for k, v in definition.items()}})
            registered.add(name)
        inputs = durable.input_facts(env, sid, durable.needed(views))
        begin = [{"sid": sid, "t": "$begin"}]
        facts = durable.case_facts(env, sid, None, views)
        # per case: the batches as normcheck posts them (its `$in` facts, then the rules' facts), the
        # batch of the rules-only baseline (derived facts precomputed), and the end-of-stratum sentinels
        posted.append((name, sid, ([inputs or begin, facts], [begin + facts]),
                       [{"sid": sid, "t": "$end", "n": n} for n in range(1, strata + 1)]))

    def timed(which: int) -> Callable[[], float]:
        def run() -> float:
            start = time.perf_counter()
            for name, sid, batches, ends in posted:
                for batch in batches[which]:
                    host.assert_facts(name, batch)
                for end in ends:
                    host.assert_fact(name, end)
                host.delete_state(name, sid)
                seen.pop(sid, None)
            return time.perf_counter() - start
        return run

    for name, sid, batches, ends in posted:  # once, untimed: no action fails (durable-rules would swallow it)
        for state in [host.assert_facts(name, b) for b in batches[0]] + [host.assert_fact(name, e) for e in ends]:
            assert not (isinstance(state, dict) and "exception" in state), state
        host.delete_state(name, sid)
        seen.pop(sid, None)
    return timed(0), timed(1), len(posted)


def pure_python(cases: list[dict]) -> float:
    """The seven T.Q. conditions of the generated cases, hand-written (two-valued: every fact is known)."""
    from normcheck.values import months_between

    start = time.perf_counter()
    n = 0
    for f in cases:
        uam, rd = f["is_unaccompanied_minor_at_application"], f["return_decision_issued"]
        procedure = months_between(f["application_date"], f["decision_date"])
        n += uam and rd and not f["best_interests_assessment_documented"]
        n += uam and rd and (f["adequate_reception_status"] != "verified_available" or not f["reception_assessment_before_return_decision"]
                             or f["reception_type_identified"] == "none")
        n += uam and f["age_at_application_months"] > 180
        n += uam and f["age_at_application_months"] <= 180 and min(36, 216 - f["age_at_application_months"] - procedure) < 36
        n += uam and rd and f["adequate_reception_status"] == "verified_available" and f["removal_postponed_reason"] == "awaiting_majority_age"
        n += uam and rd and f["reception_still_guaranteed_at_removal"] in ("no", "not_rechecked")
        n += uam and procedure > 6
    return time.perf_counter() - start


def baseline_evaluator() -> Any:
    path = ROOT / "bench" / "baseline" / "evaluate_v0.py"
    spec = importlib.util.spec_from_file_location("normcheck_bench_evaluate_v0", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def batch_bench(n: int, rounds: int = 5) -> None:
    loaded = load_pack(None)
    engine = Engine(loaded.pack)
    cases = generate(n)
    v0 = baseline_evaluator()

    def v0_evaluate(f: dict, as_of: dt.date, stated: Any) -> Any:
        return v0.evaluate(loaded.pack, f, as_of, stated)
    normcheck_engine(cases[:300], engine)
    evaluator_time(cases[:300], engine.evaluate)
    evaluator_time(cases[:300], v0_evaluate)
    bare, rules_only, posted = bare_durable_setup(cases, engine)
    bare()
    rules_only()
    runs: dict[str, list[float]] = {"nc": [], "bare": [], "rules": [], "eval": [], "v0": [], "py": []}
    for _ in range(rounds):  # in turn, so that a busy machine slows every contender alike
        runs["nc"].append(normcheck_engine(cases, engine))
        runs["bare"].append(bare())
        runs["rules"].append(rules_only())
        runs["eval"].append(evaluator_time(cases, engine.evaluate))
        runs["v0"].append(evaluator_time(cases, v0_evaluate))
        runs["py"].append(pure_python(cases))
    t_nc, t_bare, t_rules, t_eval, t_v0, t_py = (min(runs[k]) for k in ("nc", "bare", "rules", "eval", "v0", "py"))
    # (a case no rule is relevant to posts nothing, in normcheck and in the bare runs alike: all count)
    print(f"batch throughput on {n:,} generated T.Q. cases (cases/s, best of {rounds} rounds taken in turn; "
          f"{n - posted} of them no rule concerns, posting nothing):")
    print(f"  normcheck: evaluator with explanations + durable-rules + cross-check: {n / t_nc:10,.0f}")
    print(f"  bare durable-rules, the same rule pack, the same facts posted:        {n / t_bare:10,.0f}")
    print("    (its definition rules derive the derived facts, as normcheck's durable side does)")
    print(f"  bare durable-rules, rules only (derived facts precomputed untimed):   {n / t_rules:10,.0f}")
    print(f"  hand-written Python, the seven T.Q. conditions (the floor):           {n / t_py:10,.0f}")
    print(f"  normcheck evaluator alone:                                            {n / t_eval:10,.0f}")
    print(f"  normcheck evaluator before the speed work (bench/baseline):           {n / t_v0:10,.0f}")
    print(f"  ratio normcheck / bare durable-rules:      {t_bare / t_nc:.2f}   (bar: >= 0.50)")
    print(f"  ratio normcheck / bare durable-rules, rules only: {t_rules / t_nc:.2f}   (the old baseline, for comparison)")
    print(f"  ratio normcheck / hand-written Python:     {t_py / t_nc:.4f}")
    print(f"  ratio evaluator now / before:              {t_v0 / t_eval:.1f}x   (bar: >= 10)")
    print(f"  share of normcheck's time in the evaluator: {t_eval / t_nc:.0%}")


def jobs_bench(files: int, env: dict[str, str], jobs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="nc-bench-"))
    try:
        for i, f in enumerate(generate(files, seed=3)):
            lines = ["normcheck: 1", f"id: bench-{i}", "as_of: 2025-11-15", "facts:"]
            for k, v in f.items():
                if k != "record_type":
                    lines.append(f"  {k}: {str(v).lower() if isinstance(v, bool) else v}")
            (folder / f"case-{i:05d}.yaml").write_text("\n".join(lines) + "\n")
        base = normcheck_cmd("--format", "json", "--fail-on", "never", str(folder))
        one = subprocess.run(base, env=env, capture_output=True, check=True).stdout
        many = subprocess.run(normcheck_cmd("-j", str(jobs), *base[3:]), env=env, capture_output=True, check=True).stdout
        assert one == many, "-j N must give the same bytes as -j 1"
        t1, _ = whole(base, 1, env)
        tn, _ = whole(normcheck_cmd("-j", str(jobs), *base[3:]), 1, env)
        print(f"folder of {files:,} case files, whole process: -j 1 {t1:.1f} s, -j {jobs} {tn:.1f} s, "
              f"speed-up {t1 / tn:.2f}x on {os.cpu_count()} cores (same output bytes)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_bench(m: int) -> None:
    loaded = load_pack(None)
    engine = Engine(loaded.pack)
    samples = []
    more = generate(min(m, 20_000), seed=11)
    for i in range(m):
        f = more[i % len(more)]
        engine.run(f, AS_OF, f.keys())
        if i + 1 in (1_000, m // 2, m):
            samples.append((i + 1, rss_mb()))
    print("memory (RSS MB): " + ", ".join(f"{k:,} cases: {v:.1f}" for k, v in samples)
          + f"   growth first->last {samples[-1][1] / samples[0][1]:.2f}x (bar: <= 1.10)")


PARTS = ("sweep", "startup", "batch", "jobs", "memory")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--memory", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=7, help="whole-process timings per command")
    ap.add_argument("--files", type=int, default=1_000, help="case files for the -j N benchmark")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", action="append", choices=PARTS, metavar="PART",
                    help=f"run only this part ({', '.join(PARTS)}; repeat for several; default: all)")
    args = ap.parse_args()
    parts = set(args.only or PARTS)
    if not durable_adapter.AVAILABLE:
        sys.exit("durable-rules is not importable on this Python; the benchmark compares against it")
    cache = tempfile.mkdtemp(prefix="nc-bench-cache-")
    env = dict(os.environ, NORMCHECK_CACHE=cache, PYTHONPATH=str(ROOT / "src"))
    # Processes run as on a user's machine: Python keeps the compiled bytecode of normcheck's
    # modules (a harness may set PYTHONDONTWRITEBYTECODE, which would recompile every module of
    # normcheck, but not of the site-packages it is compared with, on every run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}")
    if "sweep" in parts:
        sweep_bench(args.repeats, env)
    if "startup" in parts:
        startup_bench(args.repeats, env)
    if "batch" in parts:
        batch_bench(args.cases)
    if "jobs" in parts:
        jobs_bench(args.files, env, args.jobs)
    if "memory" in parts:
        memory_bench(args.memory)
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()

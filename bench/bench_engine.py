"""Benchmark, run by hand (never in CI):  python bench/bench_engine.py [--cases 10000] [--memory 100000]

Every figure is a ratio against a baseline measured in the same run on the same machine:
  1. throughput of normcheck's engine on N generated T.Q. cases, against bare durable-rules posting
     the same facts to hand-written rules (quality bar: at least 0.5), and against a hand-written
     pure-Python check of the same rules (printed for information);
  2. wall time of `normcheck case.yaml` against the bare import of its dependencies (bar: at most 1.5);
  3. resident memory over M cases (bar: flat, i.e. the last sample within 10 % of the first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from normcheck.engine import Engine, durable_adapter  # noqa: E402
from normcheck.pack import load_pack  # noqa: E402

AS_OF = dt.date(2025, 11, 15)


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


# ---- baseline 1: bare durable-rules with hand-written rules for the same T.Q. conditions ----------

def bare_durable(cases: list[dict]) -> float:
    from durable import engine

    fired = [0]

    def hit(c):
        fired[0] += 1

    case = {"t": "case"}
    defs = {
        "tq01": {"all": [{"m": {"$and": [case, {"is_unaccompanied_minor_at_application": True}, {"return_decision_issued": True},
                                          {"best_interests_assessment_documented": False}]}}], "run": hit},
        "tq02": {"all": [{"m": {"$and": [case, {"is_unaccompanied_minor_at_application": True}, {"return_decision_issued": True},
                                          {"$or": [{"adequate_reception_status": "not_assessed"}, {"adequate_reception_status": "assessment_pending"},
                                                   {"adequate_reception_status": "verified_unavailable"},
                                                   {"reception_assessment_before_return_decision": False}, {"reception_type_identified": "none"}]}]}}],
                 "run": hit},
        "tq04a": {"all": [{"m": {"$and": [case, {"is_unaccompanied_minor_at_application": True}, {"policy_permit_ends_at_majority": True},
                                           {"$gt": {"age_at_application_months": 180}}]}}], "run": hit},
        "tq04b": {"all": [{"m": {"$and": [case, {"is_unaccompanied_minor_at_application": True}, {"policy_permit_ends_at_majority": True},
                                           {"$lte": {"age_at_application_months": 180}}, {"$lt": {"max_attainable": 36}}]}}], "run": hit},
        "tq05": {"all": [{"m": {"$and": [case, {"is_unaccompanied_minor_at_application": True}, {"return_decision_issued": True},
                                          {"adequate_reception_status": "verified_available"}, {"removal_postponed_reason": "awaiting_majority_age"}]}}],
                 "run": hit},
        "tq06": {"all": [{"m": {"$and": [case, {"is_unaccompanied_minor_at_application": True}, {"return_decision_issued": True},
                                          {"$or": [{"reception_still_guaranteed_at_removal": "no"}, {"reception_still_guaranteed_at_removal": "not_rechecked"}]}]}}],
                 "run": hit},
        "tq08": {"all": [{"m": {"$and": [case, {"is_unaccompanied_minor_at_application": True}, {"$gt": {"procedure_months": 6}}]}}], "run": hit},
        "catch": {"all": [{"m": {"$ex": {"t": 1}}}], "run": lambda c: None},
    }
    host = engine.Host()
    name = f"bench_bare_{os.getpid()}_{time.time_ns()}"
    host.register_rulesets({name: defs})
    from normcheck.values import months_between

    start = time.perf_counter()
    for i, f in enumerate(cases):
        procedure = months_between(f["application_date"], f["decision_date"])
        fact = {k: v for k, v in f.items() if not isinstance(v, dt.date)}
        fact.update(t="case", sid=str(i), procedure_months=procedure,
                    max_attainable=min(36, 216 - f["age_at_application_months"] - procedure))
        host.assert_fact(name, fact)
        host.delete_state(name, str(i))
    return time.perf_counter() - start


# ---- baseline 2: hand-written pure Python ----------------------------------------------------------

def pure_python(cases: list[dict]) -> float:
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


def normcheck_engine(cases: list[dict], engine: Engine) -> float:
    start = time.perf_counter()
    for f in cases:
        engine.run(f, AS_OF, f.keys())
    return time.perf_counter() - start


def evaluator_only(cases: list[dict], engine: Engine) -> float:
    start = time.perf_counter()
    for f in cases:
        engine.evaluate(f, AS_OF, f.keys())
    return time.perf_counter() - start


def startup(repeats: int = 5) -> tuple[float, float]:
    case = ROOT / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml"
    if not case.is_file():
        case = ROOT / "cases" / "policies" / "nl-amv-2025.yaml"
    env = dict(os.environ, NORMCHECK_CACHE=str(ROOT / "bench" / "results" / "cache"))
    exe = [sys.executable, "-m", "normcheck.cli", "--fail-on", "never", "--format", "json", str(case)]
    bare = [sys.executable, "-c", "import durable.engine, lark, pydantic, rich.console, ruamel.yaml"]
    subprocess.run(exe, env=env, capture_output=True, check=True)  # warm the rule-pack cache

    def best(cmd: list[str]) -> float:
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, capture_output=True, check=True)
            times.append(time.perf_counter() - t0)
        return min(times)
    return best(exe), best(bare)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--memory", type=int, default=100_000)
    args = ap.parse_args()
    if not durable_adapter.AVAILABLE:
        sys.exit("durable-rules is not importable on this Python; the benchmark compares against it")
    loaded = load_pack(None)
    engine = Engine(loaded.pack)
    cases = generate(args.cases)
    normcheck_engine(cases[:200], engine)  # warm up
    t_nc = normcheck_engine(cases, engine)
    t_eval = evaluator_only(cases, engine)
    t_bare = bare_durable(cases)
    t_py = pure_python(cases)
    n = len(cases)
    print(f"throughput on {n:,} generated T.Q. cases (cases/s):")
    print(f"  normcheck engine (durable-rules + evaluator, cross-checked): {n / t_nc:10,.0f}")
    print(f"  normcheck evaluator alone:                                  {n / t_eval:10,.0f}")
    print(f"  bare durable-rules, hand-written rules (baseline):          {n / t_bare:10,.0f}")
    print(f"  hand-written pure Python:                                   {n / t_py:10,.0f}")
    print(f"  ratio normcheck / bare durable-rules: {t_bare / t_nc:.2f}   (bar: >= 0.50)")
    print(f"  ratio normcheck / pure Python:        {t_py / t_nc:.3f}")
    t_cli, t_import = startup()
    print(f"startup: `normcheck case.yaml` {t_cli * 1000:.0f} ms, bare import of dependencies {t_import * 1000:.0f} ms, "
          f"ratio {t_cli / t_import:.2f}   (bar: <= 1.50)")
    samples = []
    more = generate(min(args.memory, 20_000), seed=11)
    for i in range(args.memory):
        f = more[i % len(more)]
        engine.run(f, AS_OF, f.keys())
        if i + 1 in (1_000, args.memory // 2, args.memory):
            samples.append((i + 1, rss_mb()))
    print("memory (RSS MB): " + ", ".join(f"{k:,} cases: {v:.1f}" for k, v in samples)
          + f"   growth first->last {samples[-1][1] / samples[0][1]:.2f}x (bar: <= 1.10)")


if __name__ == "__main__":
    main()

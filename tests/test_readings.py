"""Contested readings as named alternatives (issue 9): the checker, `--reading`, the engines under a
reading (durable-rules and the evaluator must still agree; the vectorised sweep must match), pins with
readings, `--compare-readings`, and a question settled by a court (`settled as …`)."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import language_scan
import pytest
from test_check import RULE, errors, pack_of
from test_differential import generated_cases
from test_vector import assert_same, random_grid

from normcheck import ir
from normcheck.cli import main
from normcheck.diagnostics import InputError
from normcheck.engine import Engine, durable_adapter
from normcheck.facts import load_record
from normcheck.pack import load_pack
from normcheck.readings import all_reading_names, pack_under, rule_under, select

ROOT = Path(__file__).resolve().parent.parent
TQ = ROOT / "cases" / "tq"

TWO = '''  reading applicant gives BREACH
    held by S "para 2" verified
    holder en "the applicant" holder nl "verzoeker"
    argues en "yes" argues nl "ja"
  reading state gives OK
    held by S "para 3" unverified
    holder en "the State" holder nl "de Staat"
    argues en "no" argues nl "nee"
'''


# ---- the checker -------------------------------------------------------------------------------


def test_a_contested_grade_with_two_readings_loads(tmp_path: Path) -> None:
    pack = pack_of(tmp_path, RULE.format(cond="flag", level="CONTESTED") + TWO).pack
    g = pack.rules[0].grades[0]
    assert [r.name for r in g.readings] == ["applicant", "state"]
    assert g.readings[0].held_by == (ir.Citation("S", "para 2", True),)
    assert dict(g.readings[1].holder) == {"en": "the State", "nl": "de Staat"}


def test_a_reading_that_names_no_source_is_refused(tmp_path: Path) -> None:
    body = RULE.format(cond="flag", level="CONTESTED") + TWO.replace('    held by S "para 3" unverified\n', "")
    out = errors(tmp_path, body)
    assert any("reading `state` names no source" in o for o in out)


def test_a_reading_may_rest_on_a_source_as_a_whole_that_says_what_it_is_cited_for(tmp_path: Path) -> None:
    """`held by S ""` with what the source is cited for (as `cite` allows) loads; a bare `""` says nothing
    about where the reading comes from and is refused."""
    whole = TWO.replace('    held by S "para 3" unverified\n',
                        '    held by S ""\n      en "the position as reported" nl "het standpunt zoals bericht"\n      unverified\n')
    pack = pack_of(tmp_path / "a", RULE.format(cond="flag", level="CONTESTED") + whole).pack
    cite = pack.rules[0].grades[0].readings[1].held_by[0]
    assert (cite.source, cite.pinpoint, cite.verified) == ("S", "", False)
    assert dict(cite.about) == {"en": "the position as reported", "nl": "het standpunt zoals bericht"}
    bare = TWO.replace('held by S "para 3" unverified', 'held by S "" unverified')
    out = errors(tmp_path / "b", RULE.format(cond="flag", level="CONTESTED") + bare)
    assert any("reading `state`: the citation of S has an empty pinpoint" in o for o in out)


def test_bundled_readings_locate_their_sources_in_the_notation() -> None:
    """Every `held by` of every bundled rule is a locator (or the source as a whole) with what it is
    cited for in both languages, so that a Dutch report shows no English pinpoint text."""
    from normcheck import citations
    pack = load_pack().pack
    seen = 0
    for rule in pack.rules:
        for grade in rule.grades:
            for reading in grade.readings:
                for c in reading.held_by:
                    seen += 1
                    citations.parse_locator(c.pinpoint)  # raises on free text
                    if not c.pinpoint.strip():
                        assert set(dict(c.about)) == {"en", "nl"}, (rule.id, c)
    assert seen >= 120


def test_a_place_verified_in_one_citation_and_not_in_another_is_a_warning(tmp_path: Path) -> None:
    """`S "para 2"` verified in a reading and unverified in a rule's `cite`: one of the two claims is wrong,
    and the warning sits at the verified one (the claim to re-check)."""
    body = RULE.replace('cite S "para 1" verified', 'cite S "para 2" unverified').format(cond="flag", level="CONTESTED") + TWO
    warnings = [d for d in pack_of(tmp_path / "a", body).warnings if d.code == "NC-R049"]
    assert len(warnings) == 1 and "unverified in T-01" in warnings[0].message
    agreeing = RULE.replace('cite S "para 1" verified', 'cite S "para 2" verified').format(cond="flag", level="CONTESTED") + TWO
    assert not [d for d in pack_of(tmp_path / "b", agreeing).warnings if d.code == "NC-R049"]


def test_one_reading_is_not_enough(tmp_path: Path) -> None:
    body = RULE.format(cond="flag", level="CONTESTED") + TWO.split("  reading state")[0]
    out = errors(tmp_path, body)
    assert any("names 1 reading; a contested grade names at least two" in o for o in out)


def test_readings_belong_to_a_contested_grade(tmp_path: Path) -> None:
    out = errors(tmp_path, RULE.format(cond="flag", level="BREACH") + TWO)
    assert any("reading `applicant` follows a BREACH grade" in o for o in out)
    body = '''
rule T-02
  title en "t" title nl "t"
  cite S "para 1" verified
''' + TWO + '''  fires when flag
  level CONTESTED severity high
  en "m" nl "m"
'''
    out = errors(tmp_path, body)
    assert any("follows no `fires … when` line" in o for o in out)


def test_a_reading_gives_a_level_and_says_who_holds_it_in_both_languages(tmp_path: Path) -> None:
    out = errors(tmp_path, RULE.format(cond="flag", level="CONTESTED") + TWO.replace("gives OK", "gives CONTESTED"))
    assert any("reading `state` gives `CONTESTED`" in o for o in out)
    out = errors(tmp_path, RULE.format(cond="flag", level="CONTESTED") + TWO.replace(' holder nl "de Staat"', ""))
    assert any("no `holder` of reading `state` in Dutch" in o for o in out)
    out = errors(tmp_path, RULE.format(cond="flag", level="CONTESTED") + TWO.replace('held by S "para 3"', 'held by SS "para 3"'))
    assert any("held by unknown source `SS`" in o for o in out)


def test_each_grade_of_a_rule_names_its_own_readings(tmp_path: Path) -> None:
    body = '''
rule T-03
  title en "t" title nl "t"
  cite S "para 1" verified
  fires as CONTESTED severity high when flag
''' + TWO + '''  fires as CONTESTED severity low when not flag
''' + TWO.replace("gives BREACH", "gives RISK") + '''  en "m" nl "m"
'''
    rule = pack_of(tmp_path, body).pack.rules[0]
    assert [(g.level, [r.level for r in g.readings]) for g in rule.grades] == [
        ("CONTESTED", ["BREACH", "OK"]), ("CONTESTED", ["RISK", "OK"])]
    under = rule_under(rule, "applicant")
    assert [(g.level, g.severity, g.reading) for g in under.grades] == [("BREACH", "high", "applicant"), ("RISK", "low", "applicant")]
    state = rule_under(rule, "state")
    assert state.grades == () and len(state.applied.set_aside) == 2


# ---- selecting readings ------------------------------------------------------------------------


def test_select_resolves_names_and_rule_names(loaded) -> None:
    pack = loaded.pack
    assert all_reading_names(pack) == ["applicant", "challenger", "ecsr", "state"]
    sel = select(pack, ["state"])
    chosen = dict(sel.by_rule)
    assert chosen["TQ-04a"] == "state" and chosen["SBC-05"] == "state" and chosen["CEC-01"] == "state"
    assert "TQ-03" not in chosen  # not contested: unchanged
    sel = select(pack, ["state", "TQ-04a:applicant"])  # RULE:NAME wins over the bare name for that rule
    assert dict(sel.by_rule)["TQ-04a"] == "applicant" and dict(sel.by_rule)["TQ-04b"] == "state"


@pytest.mark.parametrize("specs, words", [
    (["stat"], "no rule has a reading `stat`"),
    (["TQ-04a:ecsr"], "rule TQ-04a has no reading `ecsr`"),
    (["TQ-03:state"], "rule TQ-03 has no readings (it is not contested)"),
    (["TQ-99:state"], "no rule `TQ-99`"),
    (["applicant", "state"], "has both readings `applicant` and `state`"),
    (["TQ-04a:state", "TQ-04a:applicant"], "two readings of TQ-04a are chosen"),
    (["state;rm"], "is not a reading"),
])
def test_select_refuses_what_does_not_exist(loaded, specs: list[str], words: str) -> None:
    with pytest.raises(InputError) as exc:
        select(loaded.pack, specs)
    assert any(words in d.message for d in exc.value.diagnostics), [d.message for d in exc.value.diagnostics]


def test_cli_reports_a_bad_reading_as_an_input_error(capsys) -> None:
    code = main(["--reading", "nonsense", str(TQ / "tq04a-age-183-amv-2025.yaml")])
    assert code == 2
    assert "no rule has a reading `nonsense`" in capsys.readouterr().err


# ---- the engines under a reading ------------------------------------------------------------------


def _json(capsys, *args: str) -> dict:
    main(["--format", "json", "--fail-on", "never", *args])
    return json.loads(capsys.readouterr().out)


def _by_rule(data: dict) -> dict[str, dict]:
    return {f["rule"]: f for f in data["records"][0]["findings"]}


def test_default_report_shows_the_outcome_per_reading(capsys) -> None:
    by = _by_rule(_json(capsys, str(TQ / "tq04a-age-183-amv-2025.yaml")))
    f = by["TQ-04a"]
    assert f["level"] == "CONTESTED" and f["reading_applied"] is None
    assert [(r["name"], r["level"], r["severity"], r["applied"]) for r in f["readings"]] == [
        ("applicant", "BREACH", "high", False), ("state", "OK", None, False)]
    applicant = f["readings"][0]
    assert applicant["held_by"].startswith("the applicant") and applicant["argument"]
    assert {s["source"] for s in applicant["sources"]} == {"TQ", "RBDHA_2021_2376"}
    assert all(set(s) >= {"title", "pinpoint", "verified"} for s in applicant["sources"])


def test_reading_replaces_contested_for_that_rule_only(capsys) -> None:
    data = _json(capsys, "--reading", "TQ-04a:applicant", str(TQ / "tq04a-age-183-amv-2025.yaml"))
    by = _by_rule(data)
    assert by["TQ-04a"]["level"] == "BREACH" and by["TQ-04a"]["severity"] == "high"
    assert by["TQ-04a"]["reading_applied"]["name"] == "applicant"
    assert [r["applied"] for r in by["TQ-04a"]["readings"]] == [True, False]  # the alternatives stay visible
    assert data["receipt"]["readings"] == ["TQ-04a:applicant"]
    assert not data["records"][0]["problems"]  # durable-rules and the evaluator agree under the reading


def test_a_reading_that_gives_ok_says_why(capsys) -> None:
    for lang, words in (("en", "No problem found on the reading of the State"), ("nl", "Geen probleem gevonden volgens de lezing van de Staat")):
        by = _by_rule(_json(capsys, "--lang", lang, "--reading", "state", str(TQ / "tq04a-age-183-amv-2025.yaml")))
        f = by["TQ-04a"]
        assert f["level"] == "OK" and f["reason"] == "reading" and f["message"].startswith(words)
        assert "(`--reading state`)" in f["message"]  # the name is the command line's handle, shown as such
        assert {d["name"] for d in f["decided_by"]} >= {"age_at_application_months"}  # the facts of the contested grade


def test_rules_that_chain_on_a_contested_rule_see_the_reading(capsys) -> None:
    path = str(TQ / "tq08-late-decision-cost-durable-permit.yaml")
    assert (_by_rule(_json(capsys, path))["TQ-08"]["severity"]) == "medium"  # TQ-04b fires (CONTESTED)
    assert (_by_rule(_json(capsys, "--reading", "applicant", path))["TQ-08"]["severity"]) == "medium"
    assert (_by_rule(_json(capsys, "--reading", "state", path))["TQ-08"]["severity"]) == "low"  # TQ-04b OK


@pytest.mark.skipif(not durable_adapter.AVAILABLE, reason="durable-rules does not import on this Python")
@pytest.mark.parametrize("name", ["applicant", "challenger", "ecsr", "state"])
def test_engines_agree_under_each_reading(loaded, name: str) -> None:
    """The cross-check under a reading: every bundled case file and some generated cases."""
    pack = pack_under(loaded.pack, select(loaded.pack, [name]))
    assert pack.digest != loaded.pack.digest
    engine = Engine(pack)
    assert engine.durable is not None
    decided = Counter()
    for path in sorted((ROOT / "cases").rglob("*.yaml")):
        try:
            record = load_record(path, loaded.vocabulary, display=str(path))
        except InputError:
            continue
        run = engine.run(record.facts, record.as_of, record.origins.keys())
        assert run.disagreements == [], (str(path), run.disagreements)
        for res in run.results:
            if res.rule.applied is not None and res.grade is not None and res.rule.grades[res.grade].reading == name:
                decided[res.rule.id] += 1
    for facts, as_of in generated_cases(loaded, 400, seed=hash(name) % 1000):
        run = engine.run(facts, as_of, stated=facts.keys())
        assert run.disagreements == [], (facts, as_of, run.disagreements)
    if name != "state":  # the readings that raise a level must actually decide some bundled cases
        assert decided, name


@pytest.mark.parametrize("name", ["applicant", "state"])
@pytest.mark.parametrize("family", ["tq", "changu", "qd4"])
def test_vector_sweep_honours_the_reading(loaded, name: str, family: str) -> None:
    pack = pack_under(loaded.pack, select(loaded.pack, [name]))
    rng = random.Random(f"readings-{name}-{family}")
    seen: Counter = Counter()
    for _ in range(6):
        points, as_of = random_grid(loaded, family, rng)
        seen += assert_same(pack, points, as_of)
    assert seen


def test_sweep_under_a_reading(capsys) -> None:
    args = ["sweep", str(ROOT / "cases/policies/nl-amv-2025.yaml"), "--set", "is_unaccompanied_minor_at_application=true",
            "--vary", "age_at_application_months=179..182", "--rule", "TQ-04a", "--format", "csv"]
    for reading, level in (("applicant", "BREACH"), ("state", "OK"), (None, "CONTESTED")):
        main(args + (["--reading", reading] if reading else []))
        rows = capsys.readouterr().out.split()
        assert rows[1:] == ["179,OK", "180,OK", f"181,{level}", f"182,{level}"], (reading, rows)


# ---- pins with readings, `normcheck test --reading`, the pytest plugin -------------------------------


def test_pins_with_readings_pass_and_fail(loaded, write) -> None:
    from normcheck.batch import evaluate_record
    from normcheck.testing import pins

    text = (TQ / "tq04a-age-183-amv-2025.yaml").read_text().replace("../policies/", str(ROOT / "cases/policies") + "/")
    good = write("cases/good.yaml", text)
    bad = write("cases/bad.yaml", text.replace("readings: {applicant: BREACH, state: OK}", "readings: {applicant: RISK, state: OK}"))
    engine = Engine(loaded.pack, use_durable=False)
    for path, ok in ((good, True), (bad, False)):
        record = load_record(path, loaded.vocabulary, display=str(path))
        result = evaluate_record(record, loaded, engine, "en")
        pin = next(p for p in pins(result, record.expect or {}, record.expect_lines) if p.rule == "TQ-04a")
        assert pin.ok is ok
        if not ok:
            text_out = pin.explain()
            assert "-under the reading applicant: RISK" in text_out and "+under the reading applicant: BREACH" in text_out


def test_normcheck_test_under_a_reading_names_the_cases_that_depend_on_it(capsys) -> None:
    code = main(["test", "--reading", "TQ-04a:applicant", str(TQ)])
    out = capsys.readouterr().out
    # a pin that says what the case gives under the reading holds; one that does not, fails and says why
    assert "tq04a-age-183-amv-2025.yaml:46: TQ-04a decided under `applicant`: BREACH (pinned: BREACH)" in " ".join(out.split())
    assert "pins depend on the readings chosen (TQ-04a:applicant)" in " ".join(out.split())
    assert "add `readings: {applicant: BREACH}`" in " ".join(out.split())
    assert code == 1
    assert main(["test", str(TQ)]) == 0


def test_pytest_plugin_reads_the_readings_from_the_ini_file(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    text = (TQ / "tq04a-age-183-amv-2025.yaml").read_text().replace("../policies/", str(ROOT / "cases/policies") + "/")
    (cases / "one.yaml").write_text(text)
    (tmp_path / "pytest.ini").write_text("[pytest]\nnormcheck_readings =\n    TQ-04a:applicant\n")
    env_run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(cases)]
    proc = subprocess.run(env_run, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "pinned cases checked under: TQ-04a:applicant" in proc.stdout
    assert "TQ-04a decided under `applicant`: BREACH (pinned: BREACH)" in proc.stdout
    proc = subprocess.run(env_run + ["--normcheck-reading", "nonsense"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0 and "no rule has a reading `nonsense`" in proc.stdout


# ---- --compare-readings ----------------------------------------------------------------------------


def test_compare_readings_lists_the_findings_that_flip(capsys) -> None:
    data = _json(capsys, "--compare-readings", str(TQ / "tq08-late-decision-cost-durable-permit.yaml"))
    flips = {f["rule"]: f for f in data["records"][0]["reading_flips"]}
    assert flips["TQ-04b"]["default"] == "CONTESTED"
    assert flips["TQ-04b"]["by_reading"] == {"applicant": "BREACH", "challenger": "CONTESTED", "ecsr": "CONTESTED", "state": "OK"}
    assert flips["TQ-08"]["by_reading"]["state"] == "RISK" and flips["TQ-08"]["severity_by_reading"]["state"] == "low"
    assert "TQ-02" not in flips  # unaffected rules are not listed
    main(["--compare-readings", "--lang", "nl", "--format", "markdown", str(TQ / "tq08-late-decision-cost-durable-permit.yaml")])
    out = capsys.readouterr().out
    head = next(line for line in out.splitlines() if line.startswith("| Regel |"))
    # a column is headed by who holds the reading, in the report's language, and the option that selects it once
    assert head == ("| Regel | zoals geschreven (omstreden) | lezing van de aanvrager (`--reading applicant`) "
                    "| lezing van de Staat (`--reading state`) |"), head
    assert "Geen probleem gevonden" in out and "Risico (laag)" in out
    prose = out.replace("`--reading applicant`", "").replace("`--reading state`", "")
    assert "applicant" not in prose and "state" not in prose  # the handle is no word of a Dutch report
    assert not language_scan.hits(head, "nl"), language_scan.hits(head, "nl")
    main(["--compare-readings", "--format", "markdown", str(TQ / "tq08-late-decision-cost-durable-permit.yaml")])
    out = capsys.readouterr().out
    assert "| reading of the applicant (`--reading applicant`) | reading of the State (`--reading state`) |" in out


def test_compare_readings_heads_a_column_by_the_parties_that_hold_it() -> None:
    """One reading name held by different parties in the rules of one record: each party is named once, a
    party that another one starts is left out, and a reading no flipped finding describes keeps its option."""
    from normcheck.findings import ReadingFlip, ReadingOutcome
    from normcheck.report.view import Words, flip_views

    def outcome(name: str, holder: str) -> ReadingOutcome:
        return ReadingOutcome(name=name, held_by=holder, level="OK", severity=None, sources=(), argument="")

    def finding(rule: str, *readings: ReadingOutcome) -> SimpleNamespace:
        return SimpleNamespace(rule=rule, readings=readings)

    flips = tuple(ReadingFlip(rule=r, default="CONTESTED", default_severity="medium",
                              by_reading={"state": "OK", "applicant": "BREACH", "ecsr": "BREACH"},
                              severity_by_reading={"state": None, "applicant": "medium", "ecsr": "medium"})
                  for r in ("X-01", "X-02", "X-03"))
    found = [finding("X-01", outcome("state", "the State: the permit is a national-law option"),
                     outcome("applicant", "the applicant; the Rechtbank Den Haag (first instance)")),
             finding("X-02", outcome("state", "the Member State (the Netherlands, in its notification)"),
                     outcome("applicant", "the applicant and VluchtelingenWerk (letter of April 2025)")),
             finding("X-03", outcome("state", "the State, on the wording of Art. 14(1)")),
             finding("X-04", outcome("ecsr", "not flipped: not a column head"))]
    cols, _ = flip_views(flips, Words.of("en", {}, None), found)  # type: ignore[arg-type]
    assert cols[2:] == ("reading of the applicant (`--reading applicant`)", "`--reading ecsr`",
                        "reading of the State / the Member State (`--reading state`)")


def test_compare_readings_of_every_family(capsys) -> None:
    for path, rule in (("sbc/at-2024-spanning-check-after.yaml", "SBC-10"), ("echr3/letter-yazidi-after-group-policy-2025.yaml", "A3-03"),
                       ("qd4/qd05-first-application.yaml", "QD-05"), ("changu/ch03-nl-fault-disputed.yaml", "CH-03"),
                       ("cec/cec-nl-2014-adult-rejected.yaml", "CEC-02"), ("tq/tq01-adult-at-return-decision-216-months.yaml", "TQ-01")):
        data = _json(capsys, "--compare-readings", str(ROOT / "cases" / path))
        record = data["records"][0]
        assert not [p for p in record["problems"] if p["severity"] == "error"], record["problems"]
        flips = {f["rule"]: f for f in record["reading_flips"]}
        assert flips[rule]["default"] == "CONTESTED" and "state" in flips[rule]["by_reading"], (path, flips)
        assert flips[rule]["by_reading"]["state"] in ("OK", "INSUFFICIENT_DATA"), (path, flips[rule])


def test_compare_readings_and_a_chosen_reading_exclude_each_other(capsys) -> None:
    assert main(["--compare-readings", "--reading", "state", str(TQ / "tq04a-age-183-amv-2025.yaml")]) == 2


# ---- a question settled by a court ------------------------------------------------------------------

SETTLING_SOURCE = '''
source RVS_HYPOTHETICAL "Hypothetical ruling of the Raad van State settling the minority question (test only)"
  url "https://example.invalid/hypothetical-ruling"
  date 2027-03-01
'''


def _settled_rules(tmp_path: Path, line: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    tq = rules / "tq.norm"
    text = tq.read_text()
    anchor = ("  judged on return_decision_date\n  applies when record_type != policy_instrument\n"
              "    and tq_treated_as_unaccompanied_minor and return_decision_issued\n  fires as BREACH severity high when\n"
              "    minor_at_return_decision_presumed and not best_interests_assessment_documented")
    assert text.count(anchor) == 1
    judged = "  judged on return_decision_date\n"
    tq.write_text(SETTLING_SOURCE + text.replace(anchor, anchor.replace(judged, judged + line + "\n", 1)))
    return rules


def test_one_line_settles_a_question_from_a_date(tmp_path: Path, capsys) -> None:
    rules = _settled_rules(tmp_path, '  settled as applicant by RVS_HYPOTHETICAL "para 8.3" verified from 2027-03-01')
    pack = load_pack(str(rules)).pack
    versions = pack.versions("TQ-01")
    assert [v.version for v in versions] == ["contested", "settled: applicant"]
    assert versions[0].valid_until == dt.date(2027, 2, 28) and versions[1].valid_from == dt.date(2027, 3, 1)
    assert versions[1].citations[-1] == ir.Citation("RVS_HYPOTHETICAL", "para 8.3", True)
    case = (TQ / "tq01-adult-at-return-decision-216-months.yaml").read_text()
    before = tmp_path / "before.yaml"
    before.write_text(case)
    after = tmp_path / "after.yaml"  # the same facts, two years later (still 216 months on the return decision day)
    after.write_text(case.replace("2007-03-10", "2009-03-10").replace("2024-05-21", "2026-05-21")
                     .replace("2025-03-10", "2027-03-10"))
    old = _by_rule(_json(capsys, "--rules", str(rules), str(before)))["TQ-01"]
    assert old["level"] == "CONTESTED" and old["version"] == "contested" and old["readings"]
    new = _by_rule(_json(capsys, "--rules", str(rules), str(after)))["TQ-01"]
    assert new["level"] == "BREACH" and new["severity"] == "high" and new["version"] == "settled: applicant"
    assert new["reading_applied"]["settled_by"]["source"] == "RVS_HYPOTHETICAL"
    assert new["reading_applied"]["settled_from"] == "2027-03-01"
    assert new["readings"] == []  # the question is settled: no alternatives any more
    main(["--rules", str(rules), str(after)])
    out = " ".join(capsys.readouterr().out.split())
    assert "settled by Hypothetical ruling" in out and "for events from 2027-03-01" in out


def test_settling_needs_a_reading_a_source_and_an_event_date(tmp_path: Path) -> None:
    for line, words in (('  settled as nobody by RVS_HYPOTHETICAL "para 1" verified', "has no reading `nobody`"),
                        ('  settled as state by NOWHERE "para 1" verified', "settled by unknown source `NOWHERE`")):
        rules = _settled_rules(tmp_path / words[:8].replace(" ", "_"), line)
        with pytest.raises(InputError) as exc:
            load_pack(str(rules))
        assert any(words in d.message for d in exc.value.diagnostics)
    body = RULE.format(cond="flag", level="CONTESTED") + TWO + '  settled as state by S "para 9" verified from 2027-01-01\n'
    out = errors(tmp_path / "x", body)
    assert any("has no `judged on EVENT_DATE`" in o for o in out)


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_readings_in_every_human_format_and_dutch_throughout(capsys, fmt: str) -> None:
    """Under a contested finding every human format lists the readings (who holds each, what it gives, its
    argument), marks the reading a run adopted, and a Dutch report words all of it in Dutch."""
    case = str(TQ / "tq04a-age-183-amv-2025.yaml")
    main(["--format", fmt, "--fail-on", "never", "--all", "--reading", "TQ-04a:state", case])
    en = " ".join(capsys.readouterr().out.replace("│", " ").split())
    assert "Readings" in en and "the State" in en and "--reading state" in en and "argues:" in en
    assert "Decided under the reading" in en and "applied in this run" in en and "TQ-04a:state" in en
    main(["--format", fmt, "--fail-on", "never", "--all", "--lang", "nl", "--reading", "TQ-04a:state", case])
    nl = " ".join(capsys.readouterr().out.replace("│", " ").split())
    assert "Lezingen" in nl and "de Staat" in nl and "--reading state" in nl and "betoogt:" in nl
    assert "Beslist volgens de lezing" in nl and "toegepast in deze run" in nl
    for english in ("Readings", "held by", "argues:", "Decided under", "applied in this run", "Needs human", "Checklist"):
        assert english not in nl, (fmt, english)


def test_rules_diff_counts_what_a_reading_gives_as_meaning(tmp_path: Path, capsys) -> None:
    """A reading that now gives another level changes the rule's meaning (under --reading, and once
    the question is settled); a reworded argument is wording only."""
    from normcheck.resources import rules_dir

    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(rules_dir(), old)
    shutil.copytree(rules_dir(), new)
    tq = new / "tq.norm"
    text = tq.read_text(encoding="utf-8")
    start = text.index("rule TQ-01\n")
    at = text.index("  reading state gives OK", start)
    text = text[:at] + "  reading state gives INSUFFICIENT_DATA" + text[at + len("  reading state gives OK"):]
    start = text.index("rule TQ-04b\n")
    at = text.index('    argues en "', start) + len('    argues en "')
    text = text[:at] + "Reworded: " + text[at:]
    tq.write_text(text, encoding="utf-8")
    assert main(["rules", "--rules", str(new), "--diff", str(old), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    kinds = {c["rule"]: c["change"] for c in doc["rules"]}
    assert kinds.pop("TQ-01") == "meaning" and kinds.pop("TQ-04b") == "wording"
    assert kinds == {"TQ-11": "meaning"}, kinds  # it reads `TQ-01 fires`
    detail = next(c for c in doc["rules"] if c["rule"] == "TQ-01")["details"]
    assert any("state gives OK" in d and "state gives INSUFFICIENT_DATA" in d for d in detail), detail

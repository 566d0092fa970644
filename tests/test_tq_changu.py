"""The T.Q. and Changu corrections of the legal review (issue 6) that an `expect:` block cannot pin:
which counter-argument a finding carries, which sources a rule rests on, what its message says,
and that the negative rule CH-01 never fires."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from normcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
TQ = ROOT / "cases" / "tq"
CH = ROOT / "cases" / "changu"


def findings(capsys, path: Path, *extra: str) -> dict[str, dict]:
    main(["--format", "json", "--fail-on", "never", *extra, str(path)])
    out, _ = capsys.readouterr()
    return {f["rule"]: f for f in json.loads(out)["records"][0]["findings"]}


def _reading(finding: dict, name: str) -> dict:
    return next(r for r in finding["readings"] if r["name"] == name)


def test_tq01_readings_only_for_an_adult(capsys) -> None:
    minor = findings(capsys, TQ / "tq01-minor-16-no-assessment.yaml")["TQ-01"]
    assert minor["level"] == "BREACH" and minor["readings"] == []
    adult = findings(capsys, TQ / "tq01-adult-at-return-decision-216-months.yaml")["TQ-01"]
    assert adult["level"] == "CONTESTED"
    state = _reading(adult, "state")
    assert state["level"] == "OK" and "turned 18" in state["argument"] and "216 months" in state["argument"]
    applicant = _reading(adult, "applicant")
    assert applicant["level"] == "BREACH" and applicant["severity"] == "high"
    assert any(s["ecli"] == "ECLI:EU:C:2018:248" for s in applicant["sources"])  # A and S


def test_no_readings_on_a_breach_or_risk_of_a_rule_with_a_contested_grade(capsys) -> None:
    by = findings(capsys, TQ / "tq06-minor-at-removal-no-reception.yaml")
    assert by["TQ-06"]["level"] == "BREACH" and by["TQ-06"]["readings"] == []
    by = findings(capsys, CH / "ch02-nl-medical-no-treatment.yaml")
    assert by["CH-02"]["level"] == "RISK" and by["CH-02"]["readings"] == []
    by = findings(capsys, CH / "ch02-nl-not-removable-no-postponement-no-care.yaml")
    assert by["CH-02"]["level"] == "CONTESTED"
    assert "paragraph 1" in _reading(by["CH-02"], "applicant")["argument"]
    assert _reading(by["CH-02"], "applicant")["level"] == "RISK" and _reading(by["CH-02"], "state")["level"] == "OK"


def test_tq01_and_tq02_rest_on_operative_point_1_with_the_charter_verified(capsys) -> None:
    by = findings(capsys, TQ / "tq01-minor-16-no-assessment.yaml")
    for rule in ("TQ-01", "TQ-02"):
        charter = [s for s in by[rule]["sources"] if s["source"] == "CHARTER"]
        assert charter and all(s["verified"] for s in charter) and "24(2)" in charter[0]["pinpoint"]
    tq02 = by["TQ-02"]
    assert not any("para 57" in s["pinpoint"] for s in tq02["sources"])
    assert not any(s["source"] == "RD" and "10(2)" in s["pinpoint"] for s in tq02["sources"])
    assert "Art. 10(2) Return Directive require" not in tq02["rule_message"]


def test_tq06_rests_on_article_10_2_and_operative_point_3_not_the_press_release(capsys) -> None:
    tq06 = findings(capsys, TQ / "tq06-minor-at-removal-no-reception.yaml")["TQ-06"]
    pins = {(s["source"], s["pinpoint"].split(" (")[0]) for s in tq06["sources"]}
    assert ("RD", "Article 10(2)") in pins and ("TQ", "operative part, point 3") in pins
    assert not any("press" in (s["title"] or "").lower() for s in tq06["sources"])


def test_tq08_message_names_the_deadline_and_the_remedy(capsys) -> None:
    tq08 = findings(capsys, TQ / "tq08-procedure-6-months-and-a-day.yaml")["TQ-08"]
    assert "ended on 2024-09-15" in tq08["message"]
    assert "beyond the normal limit" not in tq08["message"]
    assert "no ground for annulling" in tq08["message"] and "6:12 Awb" in tq08["message"]
    nl = findings(capsys, TQ / "tq15-pending-beyond-six-months.yaml", "--lang", "nl")["TQ-15"]
    assert "ingebrekestelling" in nl["message"] and "eindigde op 2025-03-16" in nl["message"]


def test_tq14_shows_the_duration_and_invents_no_month_limit(capsys) -> None:
    tq14 = findings(capsys, TQ / "tq14-investigation-4-months.yaml")["TQ-14"]
    assert tq14["level"] == "RISK" and "run for 4 months" in tq14["message"]
    assert "set no number of months" in tq14["message"]


CH01_CASE = """normcheck: 1
id: ch01-probe
record_type: individual_case
member_state: NL
as_of: 2025-05-01
facts:
  permit_requested_on_eu_law_basis: true
  residence_status: {status}
  removal_obstacle: {obstacle}
  return_decision_in_force: {rd}
  art6_4_permit_considered: {considered}
  no_fault_in_non_return: yes
"""


@pytest.mark.parametrize("status,obstacle", list(itertools.product(
    ["irregular_removal_postponed", "irregular_not_removable", "unknown"],
    ["non_refoulement", "no_travel_documents_issued", "medical", "unknown"])))
def test_ch01_negative_rule_never_fires(capsys, write, status: str, obstacle: str) -> None:
    for rd, considered in itertools.product(["true", "false", "unknown"], ["true", "false", "unknown"]):
        p = write("ch01.yaml", CH01_CASE.format(status=status, obstacle=obstacle, rd=rd, considered=considered))
        ch01 = findings(capsys, p)["CH-01"]
        assert ch01["level"] in ("OK", "NOT_APPLICABLE", "INSUFFICIENT_DATA"), (status, obstacle, rd, considered)
        assert ch01["level"] != "INSUFFICIENT_DATA" or ch01["reason"] == "scope_unknown"


def test_ch04_carries_the_zhang_question(capsys) -> None:
    by = findings(capsys, CH / "ch01-nl-return-decision-kept-in-force.yaml")
    assert by["CH-01"]["level"] == "OK"
    assert by["CH-04"]["level"] == "CONTESTED" and "Zhang" in _reading(by["CH-04"], "applicant")["argument"]
    assert any(s["source"] == "ZHANG" for s in by["CH-04"]["sources"])


def test_tq13_version_is_picked_by_the_decision_date_not_the_review_date(capsys) -> None:
    before = findings(capsys, TQ / "tq13-doubt-remains-decided-before-apr.yaml")["TQ-13"]
    assert before["judged_on"] == "2026-05-20"
    assert before["version"].startswith("Procedures Directive") and before["judged_on_basis"] == "decision_date"
    after = findings(capsys, TQ / "tq13-visual-assessment-decided-after-apr.yaml")["TQ-13"]
    assert after["version"].startswith("Asylum Procedure Regulation") and after["judged_on"] == "2026-07-01"


def test_tq_finding_on_a_return_decision_before_tq_carries_the_salumi_note(capsys) -> None:
    old = findings(capsys, TQ / "tq-c441-19-facts-pre-tq.yaml")["TQ-02"]
    assert old["judged_on"] == "2018-03-20" and old["judged_on_basis"] == "return_decision_date"
    assert "EU:C:2021:9" in old["later_case_law"] and "Salumi" in old["later_case_law"]
    recent = findings(capsys, TQ / "tq01-minor-16-no-assessment.yaml")["TQ-01"]
    assert recent["judged_on"] == "2023-07-03" and recent["later_case_law"] is None


def test_rules_listing_shows_the_negative_rule_as_never_firing(capsys) -> None:
    main(["rules", "--family", "changu", "--format", "json"])
    rows = {r["rule"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["CH-01"]["levels"] == []
    assert {"level": "CONTESTED", "severity": "low"} in rows["CH-04"]["levels"]

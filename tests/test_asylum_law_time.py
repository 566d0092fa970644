"""Issue 6, asylum: the Qualification Directive/Regulation, Procedures Directive/Regulation and
Dutch credibility-framework rules are judged on the date of the decision under review, not on the
review date. The pinned case files fix the levels; this test fixes the version applied and the date
it was judged on, which `expect:` blocks cannot express."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from normcheck.cli import main

CASES = Path(__file__).resolve().parents[1] / "cases" / "qd4"


def findings(capsys: pytest.CaptureFixture[str], name: str, lang: str = "en") -> dict[str, dict[str, Any]]:
    """The JSON findings of one bundled case file, by rule id."""
    main(["--format", "json", "--lang", lang, "--fail-on", "never", str(CASES / name)])
    data = json.loads(capsys.readouterr().out)
    return {f["rule"]: f for f in data["records"][0]["findings"]}


@pytest.mark.parametrize(
    ("name", "rule", "version", "judged_on"),
    [
        ("lawtime-qd05-decided-2026-06-30-reviewed-2026-09.yaml", "QD-05", "Directive 2011/95/EU", "2026-06-30"),
        ("lawtime-qd05-decided-2026-07-01-reviewed-2026-09.yaml", "QD-05", "Regulation (EU) 2024/1347", "2026-07-01"),
        ("lawtime-qd10-decided-2026-06-11-reviewed-2026-10.yaml", "QD-10", "Directive 2013/32/EU", "2026-06-11"),
        ("qd10-mu-regulation-version.yaml", "QD-10", "Regulation (EU) 2024/1348", "2026-06-15"),
        ("lawtime-wi-decided-2024-07-01-reviewed-2025.yaml", "QD-08", "Directive 2011/95/EU", "2024-07-01"),
    ],
)
def test_version_of_the_decision_date(capsys: pytest.CaptureFixture[str], name: str, rule: str, version: str,
                                      judged_on: str) -> None:
    f = findings(capsys, name)[rule]
    assert (f["version"], f["judged_on"], f["judged_on_basis"]) == (version, judged_on, "decision_date")


def test_unknown_decision_date_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    f = findings(capsys, "lawtime-qd05-decision-date-unknown.yaml")["QD-05"]
    assert f["level"] == "INSUFFICIENT_DATA" and f["reason"] == "event_date_unknown"
    assert "decision_date" in f["missing_facts"] and f["judged_on"] is None


def test_wi_switch_judged_on_the_decision_date_in_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    """Decided under WI 2014/10 (30 June 2024), reviewed when WI 2024/6 applied: QD-08 stays out, said in Dutch."""
    f = findings(capsys, "lawtime-wi-decided-2024-06-30-reviewed-2025.yaml", "nl")["QD-08"]
    assert (f["level"], f["judged_on"]) == ("NOT_APPLICABLE", "2024-06-30")
    assert "30 juni 2024" in f["law_applied"]


def test_later_cjeu_ruling_is_noted(capsys: pytest.CaptureFixture[str]) -> None:
    """K and L (11 June 2024) post-dates a decision of 1 September 2023: the finding stands and says why."""
    f = findings(capsys, "lawtime-qd15-decided-before-k-and-l.yaml", "nl")["QD-15"]
    assert (f["level"], f["judged_on"]) == ("BREACH", "2023-09-01")
    assert "ECLI:EU:C:2024:487" in f["later_case_law"] and "Salumi" in f["later_case_law"]

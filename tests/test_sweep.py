"""The policy sweep reproduces the letter's argument from the 2025 amv policy parameters."""

from __future__ import annotations

import json
from pathlib import Path

from normcheck.cli import main

POLICY = str(Path(__file__).resolve().parent.parent / "cases" / "policies" / "nl-amv-2025.yaml")
BASE = ["sweep", POLICY, "--set", "is_unaccompanied_minor_at_application=true",
        "--vary", "age_at_application_months=120..215", "--vary", "procedure_duration_months=0..48"]


def test_sweep_finds_the_hidden_age_criterion(capsys) -> None:
    assert main(BASE + ["--rule", "TQ-04a", "--rule", "TQ-04b", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)["rules"]
    assert data["TQ-04a"]["summary"] == [
        "TQ-04a fires for every applicant with age_at_application_months 181–215, whatever procedure_duration_months"]
    assert "age_at_application_months + procedure_duration_months >= 181" in data["TQ-04b"]["summary"][0]
    assert [133, 48] in data["TQ-04b"]["fires_at"] and [132, 48] not in data["TQ-04b"]["fires_at"]


def test_sweep_exports(capsys, tmp_path) -> None:
    assert main(BASE + ["--rule", "TQ-04a", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "age_at_application_months,procedure_duration_months,TQ-04a"
    assert "181,0,CONTESTED" in lines and "180,0,OK" in lines
    out = tmp_path / "sweep.svg"
    assert main(BASE + ["--rule", "TQ-04a", "--format", "svg", "-o", str(out)]) == 0
    assert out.read_text().startswith("<svg") and "#8e24aa" in out.read_text()
    assert main(BASE + ["--rule", "TQ-04a"]) == 0
    assert "█ BREACH" in capsys.readouterr().out


def test_sweep_errors_are_input_errors(capsys) -> None:
    assert main(["sweep", POLICY, "--vary", "age=1..3"]) == 2
    assert main(["sweep", POLICY, "--vary", "age_at_application_months=9..3"]) == 2
    assert main(["sweep", POLICY, "--vary", "age_at_application_months=0..3", "--rule", "TQ-4a"]) == 2
    assert "did you mean" in capsys.readouterr().err


PRE_TQ = str(Path(__file__).resolve().parent.parent / "cases" / "policies" / "nl-amv-pre-tq.yaml")


def test_against_shows_who_gains_and_who_loses(capsys) -> None:
    assert main(BASE + ["--against", PRE_TQ, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["policy"]["id"] == "nl-amv-2025" and data["against"]["id"] == "nl-amv-pre-tq"
    rules = data["rules"]
    # the pre-T.Q. age limit of 15 (180 months) is gone: those applicants no longer meet TQ-03 ...
    assert [180, 0] in rules["TQ-03"]["gain_at"] and [179, 0] not in rules["TQ-03"]["gain_at"]
    assert rules["TQ-03"]["lose_at"] == []
    # ... but the 2025 permit design excludes them from a durable permit instead (TQ-04a)
    assert [181, 30] in rules["TQ-04a"]["lose_at"] and [180, 30] not in rules["TQ-04a"]["lose_at"]
    assert "TQ-01" in data["unchanged"]
    assert main(BASE + ["--against", PRE_TQ]) == 0
    out = capsys.readouterr().out
    assert "lose: TQ-04a fires under nl-amv-2025 but not under nl-amv-pre-tq for every applicant with" in " ".join(out.split())


def test_svg_heatmap_for_a_letter(tmp_path) -> None:
    out = tmp_path / "h.svg"
    assert main(BASE + ["--rule", "TQ-04b", "--format", "svg", "-o", str(out), "--lang", "nl"]) == 0
    svg = out.read_text()
    import xml.etree.ElementTree as ET

    texts = [t.text or "" for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0].startswith("TQ-04b — Niet-tijdelijke vergunning")  # the rule and its title
    assert any("nl-amv-2025" in t for t in texts)  # the policy
    assert {"10 y", "15 y", "17 y", "1 y", "4 y"} <= set(texts)  # axes in years (and months)
    assert any(t.startswith("age at application") for t in texts)
    for level in ("Schending", "Risico", "Omstreden uitleg", "Onvoldoende gegevens", "Geen probleem gevonden"):
        assert level in texts  # a legend entry for every level
    assert main(BASE + ["--rule", "TQ-04a", "--against", PRE_TQ, "--format", "svg", "-o", str(out)]) == 0
    assert "fires only under nl-amv-2025: loses" in out.read_text()


def test_three_axes(capsys) -> None:
    assert main(["sweep", POLICY, "--set", "is_unaccompanied_minor_at_application=true",
                 "--vary", "age_at_application_months=150..215", "--vary", "procedure_duration_months=0..12:4",
                 "--vary", "policy_durable_permit_requires_months_as_minor=24..36:12", "--rule", "TQ-04a", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)["rules"]["TQ-04a"]
    # with 24 months required the age limit is 192, with 36 it is 180
    assert [192, 0, 24] not in data["fires_at"] and [193, 0, 24] in data["fires_at"] and [181, 4, 36] in data["fires_at"]

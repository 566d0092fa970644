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

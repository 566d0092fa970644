"""The command line: outputs, exit codes, languages, batches, rule-file errors, pinned cases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from normcheck import findings
from normcheck.cli import main
from normcheck.resources import rules_dir

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "cases" / "policies" / "nl-amv-2025.yaml"

CASE = f"""# a 15-year-3-month-old unaccompanied minor under the 2025 amv policy
normcheck: 1
id: cli-amv-183
record_type: individual_case
member_state: NL
as_of: 2025-11-15
policy: {POLICY}
facts:
  age_at_application_months: 183
  application_date: 2025-01-10
  decision_date: 2025-05-01
  is_unaccompanied_minor_at_application: true
  return_decision_issued: true
  best_interests_assessment_documented: true
  adequate_reception_status: verified_unavailable
"""

QUIET = """normcheck: 1
id: cli-quiet
facts:
  is_unaccompanied_minor_at_application: true
  application_date: 2025-01-10
  decision_date: 2025-03-01
  return_decision_issued: false
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_main_job_json(capsys, write) -> None:
    p = write("case.yaml", CASE)
    code, out, _err = run(capsys, "--format", "json", str(p))
    data = json.loads(out)
    assert code == 1  # TQ-02 is a BREACH, at or above the default --fail-on RISK
    rec = data["records"][0]
    by = {f["rule"]: f for f in rec["findings"]}
    assert by["TQ-04a"]["level"] == "CONTESTED"
    assert by["TQ-02"]["level"] == "BREACH"
    assert by["TQ-01"]["level"] == "OK"
    readings = {r["name"]: r for r in by["TQ-04a"]["readings"]}
    assert readings["applicant"]["level"] == "BREACH" and readings["state"]["level"] == "OK"
    assert readings["state"]["sources"][0]["source"] == "TQ" and readings["state"]["argument"]
    src = by["TQ-04a"]["sources"][0]
    assert src["ecli"] == "ECLI:EU:C:2021:9" and src["pinpoint"].startswith("operative part, point 2")
    names = {d["name"]: d for d in by["TQ-04a"]["decided_by"]}
    assert names["age_at_application_months"]["value"] == 183
    assert names["age_at_application_months"]["stated_at"].endswith(":9")
    assert data["receipt"]["rule_pack_sha256"] and data["receipt"]["engine"]
    assert data["normcheck"] == findings.SCHEMA_VERSION == "2.0"


def test_output_matches_the_documented_schema(capsys, write) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "docs" / "output-schema.json").read_text())
    code, out, _ = run(capsys, "--format", "json", str(write("case.yaml", CASE)))
    assert code == 1
    jsonschema.validate(json.loads(out), schema)


def test_documented_schema_is_the_models_schema() -> None:
    """docs/output-schema.json is generated from the result models: it cannot drift from what is written."""
    from normcheck.findings import output_schema

    assert json.loads((ROOT / "docs" / "output-schema.json").read_text()) == output_schema()


def test_dutch_messages(capsys, write) -> None:
    code, out, _ = run(capsys, "--format", "json", "--lang", "nl", str(write("case.yaml", CASE)))
    assert code == 1
    by = {f["rule"]: f for f in json.loads(out)["records"][0]["findings"]}
    assert "leeftijdscriterium" in by["TQ-04a"]["message"]
    assert by["TQ-04a"]["title"].startswith("Niet-tijdelijke vergunning")


def test_fail_on_threshold(capsys, write) -> None:
    p = str(write("case.yaml", CASE))
    assert run(capsys, "--fail-on", "never", p)[0] == 0
    q = str(write("quiet.yaml", QUIET))
    assert run(capsys, "--fail-on", "RISK", q)[0] == 0
    assert run(capsys, "--fail-on", "INSUFFICIENT_DATA", q)[0] == 1


def test_as_of_option_overrides(capsys, write) -> None:
    code, out, _ = run(capsys, "--format", "json", "--as-of", "2020-01-01", str(write("case.yaml", CASE)))
    assert code in (0, 1)  # evaluated (not an input error), whatever it finds on that date
    rec = json.loads(out)["records"][0]
    assert rec["as_of"] == "2020-01-01" and rec["as_of_source"] == "--as-of"


def test_batch_goes_on_past_a_bad_file(capsys, write, tmp_path) -> None:
    write("batch/a.yaml", CASE)
    write("batch/b.yaml", "normcheck: 1\nid: bad\nfacts:\n  age_at_aplication_months: 3\n")
    write("batch/c.yaml", QUIET)
    code, out, err = run(capsys, "--format", "json", str(tmp_path / "batch"))
    recs = json.loads(out)["records"]
    assert code == 2
    assert [r["id"] for r in recs] == ["cli-amv-183", None, "cli-quiet"]
    assert recs[1]["problems"][0]["line"] == 4 and "age_at_application_months" in recs[1]["problems"][0]["hint"]
    assert "b.yaml:4:3" in err


def test_input_errors_exit_2_without_traceback(capsys, write) -> None:
    code, out, err = run(capsys, str(write("x.yaml", "normcheck: 1\nid: x\nfacts: [\n")))
    assert code == 2 and "Traceback" not in out + err
    code, _, err = run(capsys, "no-such-file.yaml")
    assert code == 2 and "no such file" in err


def test_rule_file_syntax_error(capsys, tmp_path, write) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    text = (rules / "tq.norm").read_text().replace("level BREACH severity high", "level BREACH severity", 1)
    (rules / "tq.norm").write_text(text)
    code, _out, err = run(capsys, "--rules", str(rules), str(write("case.yaml", CASE)))
    assert code == 2
    assert "tq.norm:" in err and "^" in err and "expected" in err
    assert "Traceback" not in err


def test_output_is_deterministic(write, tmp_path) -> None:
    """Same input, same bytes: in separate processes with different hash seeds (set and dict order), over a
    folder that mixes families; without durable-rules the findings are the same too."""
    write("batch/case.yaml", CASE)
    write("batch/quiet.yaml", QUIET)
    for path in ("sbc/at-2024-spanning-period.yaml", "echr3/a3-01-no-weighing.yaml", "changu/ch01-nl-temporary-postponement.yaml"):
        shutil.copy(ROOT / "cases" / path, tmp_path / "batch" / Path(path).name)

    def outputs(seed: str, no_durable: bool = False, formats: tuple[str, ...] = ("json", "markdown", "html", "terminal")
                ) -> dict[str, bytes]:
        env = {k: v for k, v in os.environ.items() if k != "NORMCHECK_NO_DURABLE"}
        env["PYTHONHASHSEED"] = seed
        if no_durable:
            env["NORMCHECK_NO_DURABLE"] = "1"
        out = {}
        for fmt in formats:
            done = subprocess.run([sys.executable, "-m", "normcheck.cli", "--format", fmt, "--fail-on", "never", "batch"],
                                  capture_output=True, env=env, cwd=tmp_path)
            assert done.returncode == 0, done.stderr.decode()
            out[fmt] = done.stdout
        return out

    first, second = outputs("1"), outputs("4242")
    assert first == second
    assert len(json.loads(first["json"])["records"]) == 5 and b"## Receipt" in first["markdown"]
    alone = json.loads(outputs("77", no_durable=True, formats=("json",))["json"])
    with_durable = json.loads(first["json"])
    assert alone["receipt"].pop("engine") != with_durable["receipt"].pop("engine")
    assert alone == with_durable


def test_terminal_html_and_markdown_reports(capsys, write) -> None:
    p = str(write("case.yaml", CASE))
    code, out, _ = run(capsys, p)
    assert code == 1 and "TQ-04a" in out and "EU:C:2021:9" in out and "Receipt" in out
    code, out, _ = run(capsys, "--format", "html", p)
    assert code == 1 and out.startswith("<!doctype html>") and "@media print" in out
    code, out, _ = run(capsys, "--format", "markdown", "--lang", "nl", p)
    assert code == 1 and "Omstreden uitleg" in out


def test_pinned_case_failure_shows_a_diff(capsys, write, tmp_path) -> None:
    write("cases/pin.yaml", CASE + "expect:\n  TQ-04a: BREACH\n  TQ-01: OK\n")
    code, out, _ = run(capsys, "test", str(tmp_path / "cases"))
    assert code == 1
    assert "-level: BREACH" in out and "+level: CONTESTED" in out
    assert "1 pinned interpretation holds, 1 fails" in out


def test_informational_commands(capsys) -> None:
    code, out, _ = run(capsys, "rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and any(r["rule"] == "TQ-04a" and r["levels"][0]["level"] == "CONTESTED" for r in rows)
    code, out, _ = run(capsys, "explain", "TQ-04a")
    assert code == 0 and "EU:C:2021:9" in out and "Pinned cases" in out
    code, _, err = run(capsys, "explain", "TQ-4a")
    assert code == 2 and "did you mean" in err
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert "age_at_application_months" in schema["properties"]["facts"]["properties"]
    code, out, _ = run(capsys, "lint")
    assert code == 0 and "rules in" in out


def test_case_schema_accepts_bundled_cases() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from normcheck.facts import yamlio
    from normcheck.facts.model import case_model
    from normcheck.facts.schema import json_schema
    from normcheck.pack import load_pack

    loaded = load_pack(None)
    schema = json_schema(loaded.vocabulary, case_model(loaded.vocabulary))
    for path in sorted((ROOT / "cases").rglob("*.yaml")):
        data = yamlio.load(path.read_text(), str(path)).data
        data = json.loads(json.dumps(data, default=str))
        jsonschema.validate(data, schema)


def test_wheel_ships_grammar_and_rules(tmp_path) -> None:
    """`pip install .` must work from another folder: the wheel carries grammar/ and rules/."""
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {result.stderr[-300:]}")
    wheel = next(tmp_path.glob("normcheck-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "normcheck/_data/grammar/normcheck.lark" in names
    assert "normcheck/_data/rules/tq.norm" in names and "normcheck/_data/rules/families.yaml" in names
    assert any(n.startswith("normcheck/_data/rules/vocabulary/") for n in names)


def test_bundled_bad_inputs_exit_2_with_a_position(capsys) -> None:
    """tests/data/bad holds malformed files an outside reviewer wrote: each must give exit 2 and file:line:column."""
    bad = sorted((ROOT / "tests" / "data" / "bad").glob("*.yaml"))
    assert bad
    for path in bad:
        code, out, err = run(capsys, "--format", "json", str(path))
        assert code == 2, path
        record = json.loads(out)["records"][0]
        errors = [p for p in record["problems"] if p["severity"] == "error"]
        assert errors and all(p["line"] and p["column"] for p in errors), (path, errors)
        assert "Traceback" not in out + err


def test_contradicting_derived_fact_stops_the_findings(capsys, write) -> None:
    text = CASE.replace("  age_at_application_months: 183\n",
                        "  age_at_application_months: 183\n  procedure_duration_months: 9\n")  # the dates give 3
    code, out, _err = run(capsys, "--format", "json", str(write("case.yaml", text)))
    rec = json.loads(out)["records"][0]
    assert code == 2 and rec["findings"] == []
    p = rec["problems"][0]
    assert p["line"] == 10 and p["source_line"].strip().startswith("procedure_duration_months")
    assert "months_between(application_date, decision_date)" in p["expected"]


def test_dutch_reports_word_the_values(capsys, write) -> None:
    """Enum values inside Dutch messages come from the vocabulary's Dutch labels, not the raw names."""
    code, out, _ = run(capsys, "--format", "json", "--lang", "nl", str(write("case.yaml", CASE)))
    assert code == 1
    by = {f["rule"]: f for f in json.loads(out)["records"][0]["findings"]}
    assert "verified_unavailable" not in by["TQ-02"]["message"]
    assert "vastgesteld niet beschikbaar" in by["TQ-02"]["message"]
    code, out, _ = run(capsys, "--format", "json", str(write("case.yaml", CASE)))
    assert code == 1
    by = {f["rule"]: f for f in json.loads(out)["records"][0]["findings"]}
    assert "verified_unavailable" not in by["TQ-02"]["message"]  # English words them too
    assert "established as unavailable" in by["TQ-02"]["message"]


@pytest.mark.parametrize("columns", ["30", "80", "200", None])
def test_help_and_usage_texts_are_argparses_own(monkeypatch, columns) -> None:
    """The help formatter that reads the terminal's width on first use lays out every help and usage text as
    argparse's own formatter does, at any width (COLUMNS), for the full parser and each command's."""
    import argparse

    from normcheck import cli

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)

    def texts(parser: argparse.ArgumentParser) -> list[str]:
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
        return [text for p in (parser, *commands.values()) for text in (p.prog, p.format_help(), p.format_usage())]

    kinds = (None, *cli.SUBCOMMANDS)
    ours = [texts(cli.build_parser(only)) for only in kinds]
    assert sorted(ours[0][::3]) == sorted(["normcheck", *(f"normcheck {name}" for name in cli.SUBCOMMANDS)])  # the progs
    monkeypatch.setattr(cli, "_HelpFormatter", argparse.HelpFormatter)
    assert ours == [texts(cli.build_parser(only)) for only in kinds]


def test_a_one_case_run_imports_no_shutil_or_tempfile(write, tmp_path) -> None:
    """`shutil` (which imports zlib, bz2 and lzma) and `tempfile` are left out of a run that prints no help and
    spools no large batch: argparse's terminal width is read only when a help text is laid out, and the batch
    summary's rows stay in memory."""
    case = write("case.yaml", CASE)
    program = ("import sys; from normcheck import cli; "
               f"code = cli._main(['--fail-on', 'never', {str(case)!r}]); "
               "print(code, sorted({'shutil', 'tempfile', 'zlib', 'bz2', 'lzma'} & set(sys.modules)))")
    for _ in range(2):  # the first run may compile the rule pack (lark imports tempfile), the second reads it cached
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout

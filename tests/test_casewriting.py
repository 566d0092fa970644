"""Writing a case (issue 8, items 4 and 6): `not_disclosed`, month-precise dates, day-first dates refused
with the ISO date suggested, `normcheck new --template` and `normcheck schema --family`."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from normcheck.cli import main
from normcheck.diagnostics import CODES, InputError
from normcheck.facts import load_record
from normcheck.values import MonthDate
from normcheck.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
HEAD = "normcheck: 1\nid: cw-test-1\nrecord_type: individual_case\nmember_state: NL\nas_of: 2025-11-15\n"
# An unaccompanied minor whose return decision followed a verified reception assessment: nothing at or above
# RISK, except what the best-interests assessment could show (TQ-01).
TQ01 = HEAD + """facts:
  age_at_application_months: 190
  application_date: 2025-05-12
  decision_date: 2025-10-27
  is_unaccompanied_minor_at_application: true
  asylum_outcome: rejected
  return_decision_issued: true
  return_decision_date: 2025-10-27
  best_interests_assessment_documented: {value}
  independent_assistance_before_return_decision: guardian_nidos
  adequate_reception_status: verified_available
  reception_assessment_before_return_decision: true
  reception_assessment_method: individual_investigation_documented
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def refused(write, loaded, text: str) -> list:
    with pytest.raises(InputError) as exc:
        load_record(write("case.yaml", text), loaded.vocabulary, display="case.yaml")
    return exc.value.diagnostics


# ---- not_disclosed -----------------------------------------------------------------------------


def test_not_disclosed_is_taken_by_enum_and_bool_facts_and_is_unknown_to_the_engine(write, loaded) -> None:
    rec = load_record(write("case.yaml", HEAD + "facts:\n  return_decision_issued: not_disclosed\n"
                            "  adequate_reception_status: not_disclosed\n"), loaded.vocabulary)
    assert rec.not_disclosed == {"return_decision_issued", "adequate_reception_status"}
    assert "return_decision_issued" not in rec.facts and "return_decision_issued" in rec.origins  # mentioned, unknown
    d = refused(write, loaded, HEAD + "facts:\n  application_date: not_disclosed\n")
    assert d[0].line == 7 and d[0].code == "NC-F003" and "does not take not_disclosed" in d[0].message


def test_a_vocabulary_fact_can_opt_out_of_not_disclosed(tmp_path) -> None:
    (tmp_path / "v.yaml").write_text("family: x\nfacts:\n  a: {type: bool}\n  b: {type: bool, not_disclosed: false}\n"
                                     "  c: {type: enum, values: [p, q]}\n  d: {type: date}\n")
    vocab = load_vocabulary([tmp_path / "v.yaml"])
    assert [vocab.facts[n].disclosable for n in "abcd"] == [True, False, True, False]
    (tmp_path / "v.yaml").write_text("family: x\nfacts:\n  c: {type: enum, values: [p, not_disclosed]}\n")
    with pytest.raises(InputError) as exc:
        load_vocabulary([tmp_path / "v.yaml"])
    assert "`not_disclosed` is implied" in exc.value.diagnostics[0].message


def test_an_undisclosed_fact_is_a_follow_up_and_can_set_the_exit_code(capsys, write) -> None:
    """`unknown` leaves TQ-01 silently open (exit 0); `not_disclosed` asks the authority for it, and since it could
    raise TQ-01 to a BREACH the exit code is 1 (its potential level reaches --fail-on)."""
    code, out, _ = run(capsys, str(write("unknown.yaml", TQ01.format(value="unknown"))), "--format", "json")
    assert code == 0
    tq01 = next(f for f in json.loads(out)["records"][0]["findings"] if f["rule"] == "TQ-01")
    assert tq01["level"] == "INSUFFICIENT_DATA" and tq01["follow_up"] is None and tq01["potential_level"] is None

    path = str(write("withheld.yaml", TQ01.format(value="not_disclosed")))
    code, out, _ = run(capsys, path, "--format", "json")
    assert code == 1
    record = json.loads(out)["records"][0]
    tq01 = next(f for f in record["findings"] if f["rule"] == "TQ-01")
    assert tq01["level"] == "INSUFFICIENT_DATA"  # never forced to false: no BREACH on a fact nobody can prove
    assert tq01["not_disclosed"] == ["best_interests_assessment_documented"] and tq01["potential_level"] == "BREACH"
    assert "Ask the authority to produce" in tq01["follow_up"] and "Woo" in tq01["follow_up"]
    first = record["facts_to_collect"][0]
    assert (first["fact"], first["could_change"], first["level"], first["not_disclosed"]) == \
        ("best_interests_assessment_documented", ["TQ-01"], "BREACH", True)
    assert others_have_no_follow_up(record)
    assert run(capsys, path, "--fail-on", "CONTESTED")[0] == 1
    assert run(capsys, path, "--fail-on", "never")[0] == 0

    code, out, _ = run(capsys, path, "--lang", "nl", "--format", "markdown")
    assert "Vraag de autoriteit om over te leggen wat zij niet openbaar heeft gemaakt: beoordeling van het belang" in out
    assert "best_interests_assessment_documented" not in out.split("## ")[0]  # the fact by its words, not its name
    assert "Wet open overheid (Woo)" in out and "kan dan uitkomen op: schending" in out
    assert "niet openbaar gemaakt: opvragen bij de autoriteit" in out  # marked in the facts to collect
    for fmt in ("terminal", "html"):
        code, out, _ = run(capsys, path, "--format", fmt)
        assert "Ask the authority to produce what it has not disclosed" in " ".join(out.split()), fmt


def others_have_no_follow_up(record: dict) -> bool:
    return all(f["follow_up"] is None for f in record["findings"] if f["rule"] != "TQ-01")


# ---- month-precise dates -----------------------------------------------------------------------


def test_a_month_precise_date_is_read_as_a_month(write, loaded) -> None:
    rec = load_record(write("case.yaml", HEAD + "facts:\n  decision_date: 2025-03\n"), loaded.vocabulary)
    assert rec.facts["decision_date"] == MonthDate(2025, 3)
    d = refused(write, loaded, HEAD + "facts:\n  decision_date: 2025-13\n")
    assert d[0].line == 7 and "YYYY-MM" in d[0].message
    many = "".join(f"  {f}: 2025-0{i + 1}\n" for i, f in enumerate(
        ("application_date", "decision_date", "return_decision_date", "removal_date", "permit_decision_date",
         "permit_start_date", "permit_end_date")))
    d = refused(write, loaded, HEAD.replace("as_of: 2025-11-15\n", "") + "facts:\n" + many)
    assert any("at most 6 dates" in x.message for x in d)


def test_both_engines_and_the_sweep_agree_on_a_month_precise_date(capsys, loaded, engine, evaluator_only) -> None:
    """TQ-04a's exception (a decision before the 2025 policy took effect on 8 April 2025): a decision in April 2025
    may fall on either side, so the day decides; in May 2025 it does not. Per case (evaluator, evaluator with
    durable-rules) and in the vectorised sweep."""
    policy = str(ROOT / "cases" / "policies" / "nl-amv-2025.yaml")
    expected = {"2025-04": "INSUFFICIENT_DATA", "2025-05": "CONTESTED", "2025-03": "NOT_APPLICABLE"}
    for month, level in expected.items():
        code, out, _ = run(capsys, "sweep", policy, "--set", "is_unaccompanied_minor_at_application=true",
                           "--set", f"decision_date={month}", "--set", "policy_effective_date=2025-04-08",
                           "--vary", "age_at_application_months=183..184",
                           "--rule", "TQ-04a", "--format", "csv", "--as-of", "2025-11-15")
        assert code in (0, 1), out
        rows = out.splitlines()
        if level == "NOT_APPLICABLE":  # the sweep leaves out a rule that applies nowhere on the grid
            assert rows[0] == "age_at_application_months", rows
        else:
            assert rows[0] == "age_at_application_months,TQ-04a"
            assert {r.split(",")[1] for r in rows[1:]} == {level}, (month, rows)
        pol = load_record(Path(policy), loaded.vocabulary)
        facts = {**pol.facts, "record_type": "individual_case", "is_unaccompanied_minor_at_application": True,
                 "age_at_application_months": 183, "decision_date": MonthDate(*map(int, month.split("-"))),
                 "policy_effective_date": dt.date(2025, 4, 8)}
        for eng in (engine, evaluator_only):
            res = eng.run(facts, dt.date(2025, 11, 15), facts.keys())
            assert not res.disagreements
            tq04a = next(r for r in res.results if r.rule.id == "TQ-04a")
            assert tq04a.outcome == level, (month, tq04a)
            if level == "INSUFFICIENT_DATA":
                assert tq04a.reason == "date_day_unknown" and "decision_date" in tq04a.missing


def test_a_day_dependent_result_names_the_date_in_words(capsys) -> None:
    path = str(ROOT / "cases" / "tq" / "tq08-decision-month-only-day-decides.yaml")
    code, out, _ = run(capsys, path, "--format", "json", "--lang", "nl")
    assert code == 0  # nothing at or above the default threshold: the day decides, so INSUFFICIENT_DATA
    tq08 = next(f for f in json.loads(out)["records"][0]["findings"] if f["rule"] == "TQ-08")
    assert tq08["reason"] == "date_day_unknown" and tq08["missing_facts"] == ["decision_date"]
    assert "nodig: datum van het besluit, tot op de dag" in tq08["message"]
    late = str(ROOT / "cases" / "tq" / "tq08-decision-month-only-late-either-way.yaml")
    code, out, _ = run(capsys, late, "--format", "json")
    assert code == 1  # late on either day: RISK
    tq08 = next(f for f in json.loads(out)["records"][0]["findings"] if f["rule"] == "TQ-08")
    assert tq08["level"] == "RISK" and "decision of 2024-11" in tq08["message"]  # the month as written, no invented day
    assert {d["name"]: d["value"] for d in tq08["decided_by"][2]["inputs"]}["decision_date"] == "2024-11"


# ---- day-first dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("written, right", [("15-03-2025", "2025-03-15"), ("15/03/2025", "2025-03-15"),
                                            ("2025/03/15", "2025-03-15"), ("5-3-2025", "2025-03-05"),
                                            ("15.03.2025", "2025-03-15")])
def test_a_date_written_day_first_gets_did_you_mean(write, loaded, written: str, right: str) -> None:
    d = refused(write, loaded, HEAD + f"facts:\n  decision_date: {written}\n")
    assert (d[0].line, d[0].column, d[0].code) == (7, 18, "NC-F016")
    assert f"did you mean {right}?" in d[0].message and "NC-F016" in CODES


def test_as_of_written_day_first_gets_did_you_mean(write, loaded) -> None:
    d = refused(write, loaded, "normcheck: 1\nid: cw-test-2\nas_of: 15/03/2025\n")
    assert (d[0].line, d[0].code) == (3, "NC-F016") and "did you mean 2025-03-15?" in d[0].message


def test_an_impossible_day_first_date_gets_no_suggestion(write, loaded) -> None:
    d = refused(write, loaded, HEAD + "facts:\n  decision_date: 31-02-2025\n")
    assert d[0].code == "NC-F003" and "did you mean" not in d[0].message


def test_the_web_page_words_a_day_first_date_in_dutch() -> None:
    from normcheck.diagnostics import Diagnostic
    from normcheck.web import i18n

    d = Diagnostic("case.yaml", 7, 18, "`decision_date` is '15-03-2025': dates are written year-month-day; did you mean "
                   "2025-03-15?")
    assert d.code == "NC-F016"
    assert i18n.diagnostic_text(d, "nl", "date", "15-03-2025") == "Een datum schrijft u als jaar-maand-dag: bedoelt u 2025-03-15?"


# ---- normcheck new / schema --family -----------------------------------------------------------


@pytest.mark.parametrize("template", ["amv", "asylum", "border", "non-removable"])
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_template_is_a_case_file_that_normcheck_runs(capsys, tmp_path, loaded, template: str, lang: str) -> None:
    target = tmp_path / f"{template}.yaml"
    assert run(capsys, "new", "--template", template, "--lang", lang, "-o", str(target))[0] == 0
    text = target.read_text()
    assert text.count(": unknown\n") >= 4 and "not_disclosed" in text
    rec = load_record(target, loaded.vocabulary)  # the placeholders parse (and pass the anonymisation guard)
    assert rec.facts == {"record_type": rec.record_type}
    code, out, err = run(capsys, str(target), "--lang", lang)
    assert code == 0, out + err
    # filled in, it is a valid case
    filled = text.replace("  member_state: unknown", "  member_state: NL").replace("  decision_date: unknown",
                                                                                    "  decision_date: 2025-03")
    target.write_text(filled)
    assert load_record(target, loaded.vocabulary).facts["decision_date"] == MonthDate(2025, 3)
    assert run(capsys, str(target), "--lang", lang)[0] in (0, 1)


def test_a_template_lists_its_families_facts_with_values_and_questions(capsys) -> None:
    code, out, _ = run(capsys, "new", "--template", "amv", "--lang", "nl")
    assert code == 0 and "record_type: individual_case" in out
    assert "  asylum_outcome: unknown" in out and "  control_start_date:" not in out  # tq, not sbc
    i = out.index("  asylum_outcome: unknown")
    assert "een van: refugee_status (vluchtelingenstatus)" in out[:i].rsplit("asylum_outcome", 1)[0][-600:]
    assert "unknown, not_disclosed" in out


def test_new_never_overwrites_a_file(capsys, tmp_path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("keep me\n")
    code, _, err = run(capsys, "new", "--template", "border", "-o", str(target))
    assert code == 2 and "NC-P009" in err and target.read_text() == "keep me\n"
    code, _, err = run(capsys, "new", "--template", "amvv")
    assert code == 2 and "did you mean `amv`?" in err


def test_schema_of_a_family_is_a_table(capsys, loaded) -> None:
    code, out, _ = run(capsys, "schema", "--family", "sbc", "--lang", "nl")  # piped: tab-separated
    lines = out.splitlines()
    assert code == 0 and lines[1] == "feit\tsoort\ttoegestane waarden\tvraag"
    row = next(line.split("\t") for line in lines if line.startswith("procedure_invoked\t"))
    assert row[1] == "keuze" and row[2].startswith("een van: ") and row[2].endswith("; unknown, not_disclosed")
    from normcheck.casewriting import print_schema

    buf = io.StringIO()
    print_schema(loaded.vocabulary, "tq", "en", buf, terminal=True)
    assert "┃" in buf.getvalue() and "allowed values" in buf.getvalue()
    code, _, err = run(capsys, "schema", "--family", "sbx")
    assert code == 2 and "did you mean `sbc`?" in err
    code, out, _ = run(capsys, "schema")  # without --family: the JSON Schema, as before
    assert json.loads(out)["title"] == "normcheck case or policy file"


def test_a_day_first_date_in_a_dutch_report_keeps_the_suggested_date(capsys, tmp_path) -> None:
    path = tmp_path / "day-first.yaml"
    path.write_text("normcheck: 1\nid: day-first-1\nrecord_type: individual_case\nfacts:\n  decision_date: 15-03-2025\n",
                    encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--lang", "nl", "--format", "json")
    assert code == 2
    (problem,) = json.loads(out)["records"][0]["problems"]
    assert problem["code"] == "NC-F016" and "jaar-maand-dag" in problem["message"]
    assert "2025-03-15" in (problem.get("hint") or "")

"""Case files: safe YAML with positions, the vocabulary model, the anonymisation guard, policies."""

from __future__ import annotations

import datetime as dt

import pytest

from normcheck.diagnostics import InputError
from normcheck.facts import load_record
from normcheck.facts.guard import bsn_valid, scan
from normcheck.values import NULL

HEAD = "normcheck: 1\nid: amv-test-1\nrecord_type: individual_case\nmember_state: NL\n"


def load(write, text: str, name: str = "case.yaml", loaded=None):
    return load_record(write(name, text), loaded.vocabulary, display=name)


def problems(write, loaded, text: str) -> list:
    with pytest.raises(InputError) as exc:
        load(write, text, loaded=loaded)
    return exc.value.diagnostics


def test_values_mean_what_a_lawyer_typed(write, loaded) -> None:
    rec = load(write, HEAD + """facts:
  reception_still_guaranteed_at_removal: no      # an enum value, not a boolean
  is_unaccompanied_minor_at_application: yes     # a boolean written as yes
  best_interests_assessment_documented: unknown
  application_date: 2025-01-10
  policy_reception_assessment_age_limit_months: null
  claim_grounds: [religion_or_conversion, political_opinion]
""", loaded=loaded)
    assert rec.facts["reception_still_guaranteed_at_removal"] == "no"
    assert rec.facts["is_unaccompanied_minor_at_application"] is True
    assert "best_interests_assessment_documented" not in rec.facts  # unknown = absent
    assert "best_interests_assessment_documented" in rec.origins  # but it was mentioned
    assert rec.facts["application_date"] == dt.date(2025, 1, 10)
    assert rec.facts["policy_reception_assessment_age_limit_months"] is NULL
    assert rec.facts["claim_grounds"] == frozenset({"religion_or_conversion", "political_opinion"})


def test_unknown_fact_gets_line_column_and_suggestion(write, loaded) -> None:
    d = problems(write, loaded, HEAD + "facts:\n  age_at_aplication_months: 183\n")
    assert len(d) == 1
    assert (d[0].line, d[0].column) == (6, 3)
    assert "unknown fact `age_at_aplication_months`" in d[0].message
    assert "age_at_application_months" in (d[0].hint or "")


def test_fact_at_top_level_is_pointed_to_facts(write, loaded) -> None:
    d = problems(write, loaded, HEAD + "application_date: 2025-01-10\n")
    assert "put it under `facts:`" in (d[0].hint or "")


@pytest.mark.parametrize(
    "line, message",
    [
        ("adequate_reception_status: verified", "takes one of"),
        ("age_at_application_months: fifteen", "whole number"),
        ("application_date: 2025-02-30", "not a date"),
        ("is_unaccompanied_minor_at_application: maybe", "true, false, unknown or not_disclosed"),
        ("claim_grounds: [religion]", "is not one of"),
        ("member_state: Netherlands", "two-letter"),
        ("return_decision_issued: null", "cannot be empty"),
    ],
)
def test_bad_values_are_refused_with_position(write, loaded, line: str, message: str) -> None:
    d = problems(write, loaded, HEAD + "facts:\n  " + line + "\n")
    assert d[0].line == 6, d[0].render()
    assert message in d[0].render()


def test_every_error_is_reported_at_once(write, loaded) -> None:
    d = problems(write, loaded, HEAD + "facts:\n  foo: 1\n  bar: 2\n  age_at_application_months: x\n")
    assert len([x for x in d if x.severity == "error"]) == 3


@pytest.mark.parametrize(
    "text, words",
    [
        ("normcheck: 1\nid: x\nfacts: [1, 2\n", "not valid YAML"),
        ("normcheck: 1\nid: x\nid: y\n", "appears twice"),
        ("normcheck: 1\nid: x\nfacts:\n  a: &A [1]\n  b: *A\n", "aliases"),
        ("normcheck: 1\nid: x\nfacts:\n\tapplication_date: 2025-01-01\n", "YAML"),
        ("", "empty"),
        ("- 1\n- 2\n", "mapping"),
        ("id: x\nfacts: {}\n", "normcheck: 1"),
        ("normcheck: 2\nid: x\n", "format version"),
    ],
)
def test_malformed_files(write, loaded, text: str, words: str) -> None:
    d = problems(write, loaded, text)
    assert words in d[0].render()
    assert d[0].file == "case.yaml"


def test_oversized_file_is_refused(write, loaded) -> None:
    d = problems(write, loaded, HEAD + "note: " + "x" * 1_100_000 + "\n")
    assert "too large" in d[0].message


def test_personal_data_is_refused(write, loaded) -> None:
    d = problems(write, loaded, HEAD + "name: Jan Jansen\nfacts: {}\n")
    assert "personal data" in d[0].message and d[0].line == 5
    d = problems(write, loaded, HEAD + "note: V-nummer 2345678901, mail x@y.nl\n")
    text = " ".join(x.message for x in d)
    assert "V-number" in text and "e-mail" in text
    d = problems(write, loaded, "normcheck: 1\nid: '111222333'\n")
    assert "BSN" in d[0].message


def test_names_in_free_text_are_refused_unless_downgraded(write, loaded) -> None:
    d = problems(write, loaded, HEAD + "note: interview with Mr Ahmadi on the clan question\nfacts: {}\n")
    assert "person's name" in d[0].message and (d[0].line, d[0].column) == (5, 22) and d[0].severity == "error"
    assert d[0].source_line is None  # the report never repeats the personal data
    rec = load_record(write("case.yaml", HEAD + "note: interview with Mr Ahmadi\nfacts: {}\n"), loaded.vocabulary,
                      display="case.yaml", personal_data="warning")
    assert any("person's name" in w.message and w.severity == "warning" and w.line == 5 for w in rec.warnings)
    rec = load(write, HEAD + "note: Rechtbank Den Haag annulled the decision\nfacts: {}\n", loaded=loaded)
    assert not rec.warnings


def test_date_of_birth_gets_a_hint(write, loaded) -> None:
    rec = load(write, HEAD + "facts:\n  date_of_birth: 2009-05-01\n", loaded=loaded)
    assert rec.warnings and "age_at_application_months" in (rec.warnings[0].hint or "")


def test_bsn_eleven_test() -> None:
    assert bsn_valid("111222333")
    assert not bsn_valid("123456789")
    assert scan("BSN 111222333") and not scan("41750 checked, 250 refused")


def test_policy_is_merged_and_conflicts_are_errors(write, loaded) -> None:
    write("policies/p.yaml", "normcheck: 1\nid: pol\nrecord_type: policy_instrument\nfacts:\n"
          "  policy_permit_max_duration_months: 36\n  policy_permit_ends_at_majority: true\n")
    rec = load(write, HEAD + "policy: policies/p.yaml\nfacts:\n  age_at_application_months: 183\n", loaded=loaded)
    assert rec.facts["policy_permit_max_duration_months"] == 36 and rec.policy_id == "pol"
    d = problems(write, loaded, HEAD + "policy: policies/p.yaml\nfacts:\n  policy_permit_max_duration_months: 24\n")
    assert "both in this case and in the policy" in d[0].message and d[0].line == 7


def test_inline_policy_and_missing_policy(write, loaded) -> None:
    rec = load(write, HEAD + "policy:\n  policy_permit_ends_at_majority: true\nfacts: {}\n", loaded=loaded)
    assert rec.facts["policy_permit_ends_at_majority"] is True
    d = problems(write, loaded, HEAD + "policy: nowhere.yaml\n")
    assert "not found" in d[0].message


def test_evaluation_date_defaults(write, loaded) -> None:
    rec = load(write, HEAD + "facts:\n  decision_date: 2025-03-01\n", loaded=loaded)
    assert (rec.as_of, rec.as_of_source) == (dt.date(2025, 3, 1), "decision_date")
    rec = load(write, "normcheck: 1\nid: b\nrecord_type: border_control_measure\nfacts:\n"
               "  control_start_date: 2019-05-12\n  control_end_date: 2019-11-11\n", loaded=loaded)
    assert (rec.as_of, rec.as_of_source) == (dt.date(2019, 11, 11), "control_end_date")
    rec = load(write, HEAD + "as_of: 2024-01-01\nfacts:\n  decision_date: 2025-03-01\n", loaded=loaded)
    assert rec.as_of == dt.date(2024, 1, 1)


def test_inputs_are_never_modified(write, loaded) -> None:
    p = write("case.yaml", HEAD + "facts:\n  application_date: 2025-01-10\n")
    before = p.read_bytes(), p.stat().st_mtime_ns
    load_record(p, loaded.vocabulary)
    assert (p.read_bytes(), p.stat().st_mtime_ns) == before


def test_set_written_in_brace_notation(write, loaded) -> None:
    """`{a, b}` (the notation of the brief and the rules) is read as a set, not refused as a mapping."""
    rec = load(write, HEAD + "facts:\n  claim_grounds: {religion_or_conversion, political_opinion}\n", loaded=loaded)
    assert rec.facts["claim_grounds"] == frozenset({"religion_or_conversion", "political_opinion"})


def test_personal_data_key_is_reported_once(write, loaded) -> None:
    d = problems(write, loaded, HEAD + "facts:\n  name: x\n")
    assert [x.message for x in d if x.severity == "error"] == [
        "`name` looks like personal data; case files hold anonymised facts only"]

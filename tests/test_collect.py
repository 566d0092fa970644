"""Facts to collect: only the families in play, phrased as questions in the report's language,
ranked by legal weight, with the rules' scope questions asked even where the record is silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from normcheck import findings
from normcheck.batch import evaluate_record
from normcheck.engine import Engine
from normcheck.facts import load_record
from normcheck.pack import load_pack
from normcheck.resources import cases_dir

POLICY = str((cases_dir() or Path("cases")) / "policies" / "nl-amv-2025.yaml")

# The three client files, as a lawyer writes them from the README.
BOY = """normcheck: 1
id: client-amv-a
record_type: individual_case
member_state: NL
as_of: 2025-11-20
facts:
  age_at_application_months: 189
  application_date: 2025-05-02
  decision_date: 2025-10-30
  is_unaccompanied_minor_at_application: true
  return_decision_issued: true
  return_decision_date: 2025-10-30
  adequate_reception_status: not_assessed
"""
MOTHER = """normcheck: 1
id: client-fgm-b
record_type: individual_case
member_state: NL
as_of: 2025-11-20
facts:
  application_date: 2024-11-02
  decision_date: 2025-09-15
  country_of_return: SO
  claim_grounds: [gender_based, child_specific_FGM]
  children_in_claim: true
  decision_outcome: rejected_unfounded
  child_specific_risk_assessed: false
"""
BORDER = """normcheck: 1
id: nl-binnengrens-2025
record_type: border_control_measure
member_state: NL
facts:
  notification_date: 2024-11-19
  control_start_date: 2024-12-09
  control_end_date: 2025-06-08
  procedure_invoked: art25a_4_foreseeable
"""


def _collect(write, text: str, lang: str = "nl") -> findings.RecordResult:
    loaded = load_pack()
    record = load_record(write("client.yaml", text), loaded.vocabulary)
    return evaluate_record(record, loaded, Engine(loaded.pack, use_durable=False), lang)


def test_every_fact_is_a_question_in_the_report_language(write) -> None:
    for text in (BOY, MOTHER, BORDER):
        for lang in ("nl", "en"):
            result = _collect(write, text, lang)
            assert result.facts_to_collect
            for c in result.facts_to_collect:
                assert c.question.endswith("?"), c
                assert c.ask in ("client", "authority", "file"), c
                assert c.ask_label and c.label and "_" not in c.question, c


def test_ranked_by_legal_weight(write) -> None:
    for text in (BOY, MOTHER, BORDER):
        weights = [c.weight for c in _collect(write, text).facts_to_collect]
        assert weights == sorted(weights, reverse=True)


def test_no_questions_of_a_family_not_in_play(write) -> None:
    """The mother's file states an application date (a T.Q. fact), but nothing makes T.Q. apply: no
    T.Q. question, and no date of birth."""
    pack = load_pack().pack
    result = _collect(write, MOTHER)
    assert all(f.level == "NOT_APPLICABLE" for f in result.findings if f.family == "tq")
    asked = {c.fact for c in result.facts_to_collect}
    assert asked and not {n for n in asked if pack.fact_texts[n].family == "tq"}, asked
    assert "date_of_birth" not in asked


def test_no_date_of_birth_when_the_age_is_known(write) -> None:
    asked = {c.fact for c in _collect(write, BOY).facts_to_collect}
    assert "date_of_birth" not in asked and "age_at_application_months" not in asked


def test_the_age_is_asked_instead_of_the_date_of_birth(write) -> None:
    """A policy that investigates reception only below 15: the age decides TQ-03, and is asked for in
    months, never as a date of birth."""
    text = BOY.replace("  age_at_application_months: 189\n", "  policy_reception_assessment_age_limit_months: 180\n")
    asked = {c.fact for c in _collect(write, text).facts_to_collect}
    assert "date_of_birth" not in asked
    assert "age_at_application_months" in asked


def test_scope_questions_are_asked_where_the_record_is_silent(write) -> None:
    border = {c.fact: c for c in _collect(write, BORDER).facts_to_collect}
    assert border["threat_category_invoked"].key_scope  # which threat Art. 25 is invoked for
    assert "SBC-01" in border["threat_category_invoked"].could_change
    boy = {c.fact: c for c in _collect(write, BOY).facts_to_collect}
    age_limit = boy["policy_reception_assessment_age_limit_months"]  # was age the reason reception was not investigated?
    assert age_limit.key_scope and "TQ-03" in age_limit.could_change and age_limit.level == "BREACH"


def test_a_known_scope_fact_is_not_asked(write) -> None:
    text = BOY.replace("facts:\n", f"policy: {POLICY}\nfacts:\n")
    asked = {c.fact for c in _collect(write, text).facts_to_collect}
    assert "policy_reception_assessment_age_limit_months" not in asked


VOCAB = """
family: w
facts:
  grave: {type: bool, label: {en: grave, nl: ernstig}, question: {en: "Grave?", nl: "Ernstig?"}, ask: client}
  minor: {type: bool, label: {en: minor, nl: klein}, question: {en: "Minor?", nl: "Klein?"}, ask: file}
"""
RULES = '''
source S "S" title nl "S" kind policy url "https://www.tweedekamer.nl/x"
rule W-GRAVE
  title en "g" title nl "g"
  cite S en "why" nl "waarom" verified
  fires when grave
  level BREACH severity high
  en "g" nl "g"
'''
FOLLOW_UP = '''
rule W-F{n}
  title en "f" title nl "f"
  cite S en "why" nl "waarom" verified
  fires when minor
  level INSUFFICIENT_DATA severity low
  en "f" nl "f"
'''
FAMILIES = """
families:
  w: {title: {en: W, nl: W}, record_types: [individual_case], vocabulary: [w.yaml]}
context: [record.yaml]
record_types:
  individual_case: {evaluation_date: [decision_date]}
default_record_type: individual_case
"""


@pytest.fixture()
def weighted(tmp_path):
    (tmp_path / "vocabulary").mkdir()
    (tmp_path / "vocabulary" / "w.yaml").write_text(VOCAB)
    (tmp_path / "vocabulary" / "record.yaml").write_text("family: record\nfacts:\n  decision_date: {type: date}\n")
    (tmp_path / "families.yaml").write_text(FAMILIES)
    (tmp_path / "w.norm").write_text(RULES + "".join(FOLLOW_UP.format(n=n) for n in range(3)))
    return load_pack(str(tmp_path))


def test_a_fact_that_could_make_a_breach_outranks_three_low_follow_ups(weighted, write) -> None:
    record = load_record(write("w.yaml", "normcheck: 1\nid: w\nfacts:\n  grave: unknown\n  minor: unknown\n"),
                         weighted.vocabulary)
    run = Engine(weighted.pack, use_durable=False).run(record.facts, record.as_of, record.origins.keys())
    result = findings.record_result(record, run, weighted.pack, "nl")
    ranked = [(c.fact, c.level, len(c.could_change)) for c in result.facts_to_collect]
    assert ranked == [("grave", "BREACH", 1), ("minor", "INSUFFICIENT_DATA", 3)]
    assert result.facts_to_collect[0].question == "Ernstig?"

"""Norm families and record types are data (rules/families.yaml): a new family is one entry plus its
rule and vocabulary files, following the README's "Adding a norm family"; mistakes in the
declarations are input errors with their line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from normcheck.cli import main
from normcheck.diagnostics import InputError
from normcheck.pack import load_pack
from normcheck.resources import rules_dir

# The README's steps, for a made-up family (the source is fictitious on purpose: this is a test).
TOY_ENTRY = """\
  toy:
    title:
      en: "Toy family: a made-up norm for testing"
      nl: "Speelfamilie: een verzonnen norm om te testen"
    record_types: [individual_case]
    vocabulary: [toy.yaml]
"""
TOY_VOCAB = """\
family: toy
facts:
  toy_days_waited:
    type: int
    doc: "Days the person waited for the decision (made-up fact for the toy family)."
  toy_notified:
    type: bool
    doc: "Whether the person was told of the delay."
"""
TOY_RULES = """\
source TOY "A made-up source for the toy family" title nl "Een verzonnen bron voor de speelfamilie"
  kind policy url "https://example.invalid/toy" date 2020-01-02

rule TOY-01
  title en "Waited too long" title nl "Te lang gewacht"
  cite TOY "para 1" unverified
  fires when toy_days_waited > 90 and not toy_notified
  level RISK severity medium
  en "Waited {toy_days_waited} days without being told." nl "{toy_days_waited} dagen gewacht zonder bericht."
"""
CASE = """\
normcheck: 1
id: toy-1
record_type: individual_case
as_of: 2025-01-01
facts:
  toy_days_waited: 120
  toy_notified: false
  is_unaccompanied_minor_at_application: true
expect:
  TOY-01: RISK
"""


@pytest.fixture()
def toy_rules(tmp_path: Path) -> Path:
    """The bundled rules plus the toy family, added as the README says: first in the report order."""
    d = tmp_path / "rules"
    shutil.copytree(rules_dir(), d)
    fam = d / "families.yaml"
    fam.write_text(fam.read_text().replace("families:\n", "families:\n" + TOY_ENTRY, 1))
    (d / "vocabulary" / "toy.yaml").write_text(TOY_VOCAB)
    (d / "toy.norm").write_text(TOY_RULES)
    return d


def test_a_new_family_is_data(toy_rules: Path, tmp_path: Path, capsys) -> None:
    case = tmp_path / "cases" / "toy" / "toy-1.yaml"
    case.parent.mkdir(parents=True)
    case.write_text(CASE)
    assert main(["lint", "--rules", str(toy_rules)]) == 0
    assert "toy.norm" not in capsys.readouterr().out  # no warning about the new family
    assert main(["--rules", str(toy_rules), "--format", "json", str(case)]) == 1
    rec = json.loads(capsys.readouterr().out)["records"][0]
    families = list(dict.fromkeys(f["family"] for f in rec["findings"]))
    assert families[:2] == ["toy", "tq"]  # the declared order: toy first
    toy = next(f for f in rec["findings"] if f["rule"] == "TOY-01")
    assert toy["level"] == "RISK" and toy["message"] == "Waited 120 days without being told."
    assert toy["sources"][0]["court"] is None and toy["sources"][0]["date"] == "2020-01-02"
    sbc = [f for f in rec["findings"] if f["family"] == "sbc"]
    assert sbc and {f["reason"] for f in sbc} == {"record_type"}  # an individual case is not a border measure
    assert main(["test", "--rules", str(toy_rules), str(case.parent)]) == 0
    assert "1 pinned interpretation holds, 0 fail" in capsys.readouterr().out
    assert main(["rules", "--rules", str(toy_rules), "--family", "toy", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["rule"] for r in rows] == ["TOY-01"] and rows[0]["family_title"].startswith("Toy family")


def test_reports_name_families_by_their_declared_titles_in_order(toy_rules: Path, tmp_path: Path, capsys) -> None:
    """The families a record is not about are listed by their titles in the report's language, in the
    order of families.yaml (the view reads the declarations; no list of families in the code)."""
    fam = toy_rules / "families.yaml"
    text = fam.read_text()
    assert "  cec:\n" in text
    start = text.index("  cec:\n")
    end = text.index("\n", text.index("vocabulary:", start)) + 1
    cec = text[start:end]
    fam.write_text(text.replace(cec, "").replace(TOY_ENTRY, TOY_ENTRY + cec))  # cec second, after toy
    case = tmp_path / "toy-1.yaml"
    case.write_text(CASE)
    assert main(["--rules", str(toy_rules), "--format", "markdown", "--lang", "nl", str(case)]) == 1
    out = capsys.readouterr().out
    titles = ["Europees Sociaal Handvest", "Schengengrenscode", "Artikel 3 EVRM"]
    where = [out.find(t) for t in titles]
    assert all(i >= 0 for i in where) and where == sorted(where), where  # Dutch titles, the declared order
    assert "| cec (" not in out and "| sbc (" not in out  # titles, not ids


def test_other_families_ignore_a_record_of_the_new_one(toy_rules: Path) -> None:
    from normcheck.engine import Engine

    pack = load_pack(str(toy_rules)).pack
    _, results, _ = Engine(pack, use_durable=False).evaluate(
        {"record_type": "individual_case", "toy_days_waited": 120}, dt.date(2025, 1, 1),
        stated={"record_type", "toy_days_waited"})
    by = {r.rule.id: r for r in results}
    assert by["TOY-01"].outcome == "INSUFFICIENT_DATA"
    assert {r.reason for r in results if r.rule.family == "tq"} == {"no_facts"}


def errors(rules: Path) -> str:
    with pytest.raises(InputError) as exc:
        load_pack(str(rules))
    return "\n".join(d.render() for d in exc.value.diagnostics)


def test_undeclared_family_is_an_error(toy_rules: Path) -> None:
    fam = toy_rules / "families.yaml"
    fam.write_text(fam.read_text().replace(TOY_ENTRY, ""))
    text = errors(toy_rules)
    assert "`toy.norm` holds rules but `toy` is not a declared norm family" in text
    assert "vocabulary file `toy.yaml` belongs to no family" in text


def test_declared_family_needs_its_files(toy_rules: Path) -> None:
    (toy_rules / "toy.norm").unlink()
    fam = toy_rules / "families.yaml"
    fam.write_text(fam.read_text().replace("[toy.yaml]", "[toy.yml]"))
    text = errors(toy_rules)
    assert "family `toy` has no rule file rules/toy.norm" in text
    assert "family `toy`: no vocabulary file `toy.yml`" in text and "did you mean `toy.yaml`" in text
    line = fam.read_text().splitlines().index("  toy:") + 1
    assert f"families.yaml:{line}:1" in text  # the line of the entry


def test_rule_may_read_only_its_familys_facts(toy_rules: Path) -> None:
    (toy_rules / "toy.norm").write_text(TOY_RULES.replace("and not toy_notified", "and not toy_notified and control_start_date > 2020-01-01"))
    text = errors(toy_rules)
    assert "rule TOY-01 reads `control_start_date`, from sbc.yaml, which family `toy` does not declare" in text


@pytest.mark.parametrize("old, new, words", [
    ("    record_types: [individual_case]\n    vocabulary: [toy.yaml]", "    record_types: [individual_cases]\n    vocabulary: [toy.yaml]",
     "unknown record type `individual_cases`"),
    ('      nl: "Speelfamilie: een verzonnen norm om te testen"\n', "", "family `toy` has no title in nl"),
    ("default_record_type: individual_case", "default_record_type: case", "`default_record_type` is 'case'"),
    ("evaluation_date: [decision_date, return_decision_date]", "evaluation_date: [decision_date, age_at_application_months]",
     "`age_at_application_months` is not a date fact"),
    ("context: [record.yaml]", "context: [record.yaml]\nfamilys: {}", "unknown key `familys`"),
])
def test_declaration_mistakes(toy_rules: Path, old: str, new: str, words: str) -> None:
    fam = toy_rules / "families.yaml"
    assert old in fam.read_text()
    fam.write_text(fam.read_text().replace(old, new, 1))
    assert words in errors(toy_rules)


def test_record_types_and_evaluation_dates_come_from_the_declarations(toy_rules: Path, tmp_path: Path) -> None:
    """A new kind of record: its evaluation date facts and the case files that may use it."""
    from normcheck.facts import load_record

    fam = toy_rules / "families.yaml"
    fam.write_text(fam.read_text().replace("record_types: [individual_case]", "record_types: [individual_case, complaint]", 1)
                   .replace("record_types:\n  individual_case:", "record_types:\n  complaint:\n    evaluation_date: [application_date]\n"
                            "  individual_case:", 1))
    vocab = toy_rules / "vocabulary" / "record.yaml"
    vocab.write_text(vocab.read_text().replace("values: [individual_case,", "values: [complaint, individual_case,", 1))
    loaded = load_pack(str(toy_rules))
    case = tmp_path / "c.yaml"
    case.write_text("normcheck: 1\nid: c-1\nrecord_type: complaint\nfacts:\n  application_date: 2024-03-01\n"
                    "  decision_date: 2025-03-01\n")
    rec = load_record(case, loaded.vocabulary)
    assert (rec.as_of.isoformat(), rec.as_of_source) == ("2024-03-01", "application_date")
    case.write_text("normcheck: 1\nid: c-1\nrecord_type: complain\n")
    with pytest.raises(InputError) as exc:
        load_record(case, loaded.vocabulary)
    assert "did you mean `complaint`" in exc.value.render()


def test_record_type_values_must_match_the_declarations(toy_rules: Path) -> None:
    vocab = toy_rules / "vocabulary" / "record.yaml"
    vocab.write_text(vocab.read_text().replace("values: [individual_case,", "values: [complaint, individual_case,", 1))
    assert "the values of `record_type` differ from the record types" in errors(toy_rules)


def test_bundled_declarations(loaded) -> None:
    pack = loaded.pack
    assert [f.id for f in pack.families] == ["tq", "sbc", "echr3", "qd4", "changu", "cec"]
    assert {r.family for r in pack.rules} == {f.id for f in pack.families}
    for fam in pack.families:
        assert fam.title("en") and fam.title("nl") and fam.title("en") != fam.title("nl")
    assert [t.id for t in loaded.vocabulary.record_types] == ["individual_case", "policy_instrument", "border_control_measure"]


def test_a_source_shows_its_court_and_date(tmp_path: Path, capsys) -> None:
    """The court that gave a cited ruling, in the report's language, and the ruling's date; a
    source without `kind` keeps its court as the rule file words it (lint warns about the kind)."""
    case = Path(rules_dir()).parent / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml"
    for lang, court in (("en", "Court of Justice"), ("nl", "HvJ EU")):
        main(["--fail-on", "never", "--format", "json", "--lang", lang, str(case)])
        rec = json.loads(capsys.readouterr().out)["records"][0]
        tq = next(s for f in rec["findings"] for s in f["sources"] if s["source"] == "TQ")
        assert tq["court"] == court and tq["date"] == "2021-01-14"
    d = tmp_path / "rules"
    shutil.copytree(rules_dir(), d)
    (d / "tq.norm").write_text((d / "tq.norm").read_text() + '''
source TOYCOURT "A made-up ruling" title nl "Een verzonnen uitspraak" url "https://example.invalid/r" court "Toy Court"
''')
    assert load_pack(d).pack.sources["TOYCOURT"].court_text == "Toy Court"

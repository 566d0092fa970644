"""Open norms as a checklist for a human (issue 9): the vocabulary marks facts that are conclusions of
an open legal norm with the test a court applies; reports list them under "Needs human assessment";
a record may state the assessment itself, and the report names the criteria it does not cover."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from normcheck.cli import main
from normcheck.diagnostics import InputError
from normcheck.facts import load_record
from normcheck.pack import load_pack

ROOT = Path(__file__).resolve().parent.parent
E3 = ROOT / "cases" / "echr3"
BARE = E3 / "open-norm-general-violence-bare-yes.yaml"
ASSESSED = E3 / "open-norm-general-violence-assessed.yaml"
WAITING = E3 / "open-norm-paposhvili-threshold-unknown.yaml"


def _record(capsys, path: Path, *args: str) -> dict:
    main(["--format", "json", "--fail-on", "never", *args, str(path)])
    return json.loads(capsys.readouterr().out)["records"][0]


def _text(capsys, path: Path, *args: str) -> str:
    main(["--fail-on", "never", *args, str(path)])
    return " ".join(capsys.readouterr().out.replace("│", " ").split())


def test_the_vocabulary_marks_open_norms_with_their_test(loaded) -> None:
    norms = loaded.pack.open_norms
    assert {"adequate_reception_status", "best_interests_assessment_documented", "group_systematically_exposed_per_COI",
            "indiscriminate_violence_level", "paposhvili_threshold_met", "authority_dispelled_doubts"} <= set(norms)
    tq = norms["best_interests_assessment_documented"]
    assert [c.id for c in tq.criteria][:7] == ["age", "gender", "vulnerability", "health", "foster_family", "schooling",
                                                "social_environment"]
    assert all(c.citation.source == "TQ" and c.citation.pinpoint == "para 47" for c in tq.criteria[:7])
    violence = norms["indiscriminate_violence_level"]
    assert [c.citation.pinpoint for c in violence.criteria[:4]] == ["§ 241"] * 4
    assert [c.citation.about_text("en") for c in violence.criteria[:4]] == [
        f"{n} criterion (as quoted by the European Union Agency for Asylum)" for n in ("first", "second", "third", "fourth")]
    for norm in norms.values():
        assert dict(norm.test).keys() == {"en", "nl"}
        for c in norm.criteria:
            assert dict(c.text).keys() == {"en", "nl"} and c.citation.source in loaded.pack.sources, (norm.fact, c.id)
    jk = norms["authority_dispelled_doubts"]
    assert any(c.citation.source == "JK" and c.citation.pinpoint.startswith("§ 102") for c in jk.criteria)
    paposhvili = norms["paposhvili_threshold_met"]
    assert any(c.citation.source == "PAPOSHVILI" and c.citation.pinpoint.startswith("§ 183") for c in paposhvili.criteria)
    assert any(c.citation.source == "SAVRAN" for c in paposhvili.criteria)
    assert any(c.citation.source == "SALAH_SHEEKH" for c in norms["group_systematically_exposed_per_COI"].criteria)


def test_a_bare_yes_is_listed_with_its_test_as_a_checklist(capsys) -> None:
    rec = _record(capsys, BARE)
    a304 = next(f for f in rec["findings"] if f["rule"] == "A3-04")
    assert a304["level"] == "BREACH"
    fact = next(d for d in a304["decided_by"] if d["name"] == "indiscriminate_violence_level")
    assert fact["open_norm"] is True  # says so next to the decisive facts
    norm = next(n for n in rec["open_norms"] if n["fact"] == "indiscriminate_violence_level")
    assert norm["value"] == "exceptional_any_civilian_at_risk"
    assert norm["stated_at"].endswith("open-norm-general-violence-bare-yes.yaml:15")
    assert "A3-04" in norm["findings"] and norm["waiting"] is False
    assert [c["id"] for c in norm["criteria"]] == ["methods_and_tactics", "widespread_use", "localised_or_widespread",
                                                    "civilian_casualties", "sliding_scale"]
    assert all(c["examined"] is None for c in norm["criteria"])
    assert norm["assessment"] is None and norm["criteria_not_covered"] is None
    assert {s["source"] for s in norm["sources"]} == {"SUFI_ELMI", "ELGAFAJI"}
    assert rec["open_norms"][0]["fact"] == "indiscriminate_violence_level"  # resting before waiting


def test_an_assessment_shows_the_criteria_the_file_does_not_cover(capsys) -> None:
    rec = _record(capsys, ASSESSED)
    norm = next(n for n in rec["open_norms"] if n["fact"] == "indiscriminate_violence_level")
    assert norm["assessment"]["by"] == "court" and norm["assessment"]["date"] == "2025-05-20"
    assert norm["assessment"]["stated_at"].endswith("open-norm-general-violence-assessed.yaml:18")
    assert norm["criteria_not_covered"] == ["sliding_scale"]
    assert [c["examined"] for c in norm["criteria"]] == [True, True, True, True, False]


def test_an_unknown_open_norm_points_to_its_test(capsys) -> None:
    rec = _record(capsys, WAITING)
    collect = {c["fact"]: c for c in rec["facts_to_collect"]}
    assert collect["paposhvili_threshold_met"]["assess"].startswith("Does the removal of this seriously ill person reach")
    assert collect["decision_date"]["assess"] is None
    norm = next(n for n in rec["open_norms"] if n["fact"] == "paposhvili_threshold_met")
    assert norm["waiting"] is True and norm["value"] is None and "A3-10" in norm["findings"]


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_the_report_has_a_section_of_its_own_in_both_languages(capsys, fmt: str) -> None:
    args = ("--format", fmt) if fmt != "terminal" else ()
    en = _text(capsys, BARE, *args)
    assert "Needs human assessment" in en and "Test: Is the general violence" in en
    assert "open norm: needs human assessment" in en
    assert "[?] whether the parties to the conflict use methods and tactics" in en
    assert "the file states no assessment of these criteria" in en
    nl = _text(capsys, ASSESSED, "--lang", "nl", *args)
    assert "Vraagt menselijke beoordeling" in nl and "Toets: Is het algemene geweld" in nl
    assert "[x] of de partijen bij het conflict" in nl and "[ ] onder het uitzonderlijke niveau" in nl
    assert "criteria die het dossier niet dekt: onder het uitzonderlijke niveau" in nl  # the criterion in words, not its id
    assert "indiscriminate_violence_level" not in nl and "sliding_scale" not in nl
    assert "vermelde beoordeling: een rechter" in nl
    assert "Needs human" not in nl and "Test:" not in nl  # a Dutch report is Dutch throughout
    waiting = _text(capsys, WAITING, *args)
    # (the terminal wraps the table cell, so only the start is checked there)
    assert ("assess: Does the removal of this seriously ill person" if fmt != "terminal" else "expectancy? — assess:") in waiting


def _assessment(block: str) -> str:
    return BARE.read_text().replace("expect:", "assessments:\n" + block + "expect:")


@pytest.mark.parametrize("block, words", [
    ("  indiscriminate_violence_level: {criteria_examined: [methods], by: court}\n",
     "`methods` is not a criterion of the test of `indiscriminate_violence_level`"),
    ("  indiscriminate_violence_level: {criteria_examined: [widespread_use], by: judge}\n", "`by` of the assessment"),
    ("  decision_outcome: {criteria_examined: [], by: court}\n", "`decision_outcome` is a fact without an open norm"),
    ("  indiscriminate_violence: {criteria_examined: [], by: court}\n", "did you mean"),
    ("  indiscriminate_violence_level: {criteria_examined: [widespread_use], by: court, who: x}\n", "unknown key `who`"),
    ("  indiscriminate_violence_level: {criteria_examined: [widespread_use], by: court, date: 2025-13-01}\n", "date"),
])
def test_assessments_are_validated_like_facts(loaded, write, block: str, words: str) -> None:
    path = write("cases/bad.yaml", _assessment(block))
    with pytest.raises(InputError) as exc:
        load_record(path, loaded.vocabulary, display="bad.yaml")
    rendered = [d.render() for d in exc.value.diagnostics]
    assert any(words in r for r in rendered), rendered
    assert all(d.line for d in exc.value.diagnostics)


def test_assessments_pass_the_anonymisation_guard(loaded, write) -> None:
    path = write("cases/named.yaml", _assessment(
        "  indiscriminate_violence_level:\n    criteria_examined: [widespread_use]\n    by: expert\n"
        "    source: \"report by dhr. Jansen, tel 06-12345678\"\n"))
    with pytest.raises(InputError) as exc:
        load_record(path, loaded.vocabulary, display="named.yaml")
    assert any("personal data" in d.message or "contains" in d.message for d in exc.value.diagnostics)


def test_an_open_norm_must_cite_a_declared_source(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    vocab = rules / "vocabulary" / "echr3_qd4.yaml"
    vocab.write_text(vocab.read_text().replace("source: SUFI_ELMI, pinpoint: \"§ 241\"", "source: SUFI, pinpoint: \"§ 241\"", 1))
    with pytest.raises(InputError) as exc:
        load_pack(str(rules))
    d = exc.value.diagnostics[0]
    assert "cites unknown source `SUFI`" in d.message and d.file.endswith("echr3_qd4.yaml") and d.line


def test_an_open_norm_needs_both_languages_and_a_pinpoint(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    vocab = rules / "vocabulary" / "echr3_qd4.yaml"
    vocab.write_text(vocab.read_text().replace(', pinpoint: "§ 241"', "", 1))
    with pytest.raises(InputError) as exc:
        load_pack(str(rules))
    assert any("has no `pinpoint`" in d.message for d in exc.value.diagnostics)


def _vocab_with(tmp_path: Path, old: str, new: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    vocab = rules / "vocabulary" / "tq.yaml"
    text = vocab.read_text()
    assert old in text
    vocab.write_text(text.replace(old, new, 1))
    return rules


def test_a_criterion_pinpoint_in_free_text_is_refused_where_it_stands(tmp_path: Path) -> None:
    """An English parenthetical in the pinpoint would reach a Dutch report as it is: the pinpoint is a locator,
    what it is cited for goes in `about`."""
    rules = _vocab_with(tmp_path, 'pinpoint: "para 47", about:', 'pinpoint: "para 47 (factors: age)", about:')
    with pytest.raises(InputError) as exc:
        load_pack(str(rules))
    (d,) = [d for d in exc.value.diagnostics if d.code == "NC-R014"]
    line = next(i for i, text in enumerate((rules / "vocabulary" / "tq.yaml").read_text().splitlines(), 1)
                if "para 47 (factors: age)" in text)
    assert d.file.endswith("tq.yaml") and d.line == line
    assert d.column == (rules / "vocabulary" / "tq.yaml").read_text().splitlines()[line - 1].index('"para 47 (') + 1
    assert "criterion `age`" in d.message and "not in the locator notation" in d.message


@pytest.mark.parametrize("old, new, code", [
    ('about: {en: "factors to be given due account", nl:', 'about: {en: "factors to be given due account", xx:', "NC-R014"),
    ('pinpoint: "operative part, point 2", verified', 'pinpoint: "", verified', "NC-R011"),
])
def test_what_a_criterion_is_cited_for_is_said_in_both_languages(tmp_path: Path, old: str, new: str, code: str) -> None:
    with pytest.raises(InputError) as exc:
        load_pack(str(_vocab_with(tmp_path, old, new)))
    assert [d.code for d in exc.value.diagnostics] == [code]


def test_every_bundled_criterion_cites_a_locator(loaded) -> None:
    from normcheck import citations
    for norm in loaded.pack.open_norms.values():
        for c in norm.criteria:
            citations.parse_locator(c.citation.pinpoint)  # raises on free text
            assert c.citation.pinpoint or c.citation.about, (norm.fact, c.id)
            assert not c.citation.about or dict(c.citation.about).keys() == {"en", "nl"}, (norm.fact, c.id)


def test_the_checklist_cites_court_style_in_the_report_language(capsys) -> None:
    tq = ROOT / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml"
    rec = _record(capsys, tq, "--lang", "nl")
    norm = next(n for n in rec["open_norms"] if n["fact"] == "best_interests_assessment_documented")
    assert norm["label"] and "_" not in norm["label"]
    age = next(c for c in norm["criteria"] if c["id"] == "age")
    assert age["source"]["pinpoint"] == "punt 47" and age["source"]["citation"].endswith("(T.Q.), punt 47")
    assert age["source"]["about"].startswith("gezichtspunten")
    text = _text(capsys, tq, "--lang", "nl", "--format", "markdown").split("Vraagt menselijke beoordeling (")[-1]
    assert "dictum, onder 1; punt 46" in text and "operative part" not in text and "para 47" not in text
    assert "best_interests_assessment_documented" not in text and "[geverifieerd]" in text
    en = _text(capsys, tq, "--format", "markdown")
    assert "EU:C:2021:9, para 47 — factors to be given due account [verified]" in en

"""The appeal export (`--format appeal`): numbered grounds a lawyer files as they are, in Word, HTML and
Markdown, in one language, without file paths, code or internal names in the body; and input errors
worded in the report's language by their code."""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from ruamel.yaml import YAML

from normcheck.cli import main
from normcheck.diagnostics import CODES, CODES_NL
from normcheck.report import renderers

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
AMV = CASES / "tq" / "tq04a-age-183-amv-2025.yaml"  # TQ-02 BREACH, TQ-04a CONTESTED
SAFEGUARDS = CASES / "tq" / "tq-return-decision-all-safeguards.yaml"  # nothing at or above CONTESTED
FIRED = ("BREACH", "RISK", "CONTESTED")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fired(capsys, path: Path, lang: str) -> list[dict]:
    data = json.loads(run(capsys, "--format", "json", "--lang", lang, str(path))[1])
    return [f for f in data["records"][0]["findings"] if f["level"] in FIRED]


def paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


# ---- the Word document ------------------------------------------------------------------------


def test_the_docx_has_numbered_grounds_with_law_facts_and_counter_argument_then_the_annex(capsys, tmp_path) -> None:
    out = tmp_path / "beroep.docx"
    code, stdout, _ = run(capsys, "--format", "appeal", "--lang", "nl", "-o", str(out), str(AMV))
    assert code == 1 and stdout == ""
    paras = paragraphs(out)
    texts = [t for _, t in paras]
    assert paras[0] == ("Heading 1", "Beroepsgronden")
    assert "Kenmerk dossier: amv-2025-0042" in texts
    grounds = [t for s, t in paras if s == "Heading 2" and t.startswith("Grond ")]
    expected = fired(capsys, AMV, "nl")
    assert len(grounds) == len(expected) >= 2
    assert [g.split(".")[0] for g in grounds] == [f"Grond {i}" for i in range(1, len(grounds) + 1)]
    titles = {f["title"]: f for f in expected}
    for g in grounds:  # each ground in full: nature, finding, rule of law with citations, facts, counter-argument
        finding = titles[g.split(". ", 1)[1]]
        i = texts.index(g)
        end = next((j for j in range(i + 1, len(paras)) if paras[j][0].startswith("Heading")), len(paras))
        body = paras[i + 1:end]
        kinds = [t.split(".")[0] for _, t in body]
        assert body[0][1] == {"BREACH": "Schending van het recht", "RISK": "Risico op schending van het recht",
                              "CONTESTED": "Omstreden uitleg van het recht"}[finding["level"]]
        assert body[1][1].startswith("Bevinding. ")
        assert "Rechtsregel" in kinds and "Feiten waarop deze grond steunt" in kinds
        assert any(t.startswith("Te verwachten tegenargument.") for _, t in body)
        cited = [t for s, t in body if s == "List Bullet"]
        for src in finding["sources"]:  # every source, cited as a court cites it (identifier and pinpoint in it)
            assert src["citation"] and any(src["citation"] in t for t in cited), src
        if finding["level"] == "CONTESTED":  # worded as contested, with the other side's reading
            counter = next(t for _, t in body if t.startswith("Te verwachten tegenargument."))
            assert "omstreden uitleg" in counter
            for reading in finding["readings"]:  # each side's reading: who holds it and its argument
                assert any(reading["argument"][:40] in t and reading["held_by"] in t for _, t in body), reading
    # links to the official text
    with zipfile.ZipFile(out) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert "https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX:62019CJ0441" in rels
    # the annex: questions, a discreet reference from each ground to its rule, the receipt
    annex = texts.index("Bijlage")
    assert paras[annex][0] == "Heading 2" and annex > texts.index(grounds[-1])
    questions = [t for s, t in paras[annex:] if s == "List Number"]
    assert questions and all(q.endswith("?") for q in questions)
    assert "Grond 2: normcheck-regel TQ-04a" in texts[annex:]
    receipt = json.loads(run(capsys, "--format", "json", str(AMV))[1])["receipt"]
    assert f"regelset (SHA-256) {receipt['rule_pack_sha256']}" in texts
    assert f"normcheck-versie {receipt['normcheck_version']}" in texts
    assert "dossier getoetst zoals het er op 15 november 2025 bij lag" in texts


def test_the_docx_is_the_same_bytes_every_time(capsys, tmp_path) -> None:
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    run(capsys, "--format", "appeal", "-o", str(a), str(AMV))
    run(capsys, "--format", "appeal", "-o", str(b), str(AMV))
    assert a.read_bytes() == b.read_bytes()


def test_a_file_with_no_grounds_gives_a_clear_no_grounds_document(capsys, tmp_path) -> None:
    assert fired(capsys, SAFEGUARDS, "en") == []
    out = tmp_path / "none.docx"
    assert run(capsys, "--format", "appeal", "-o", str(out), str(SAFEGUARDS))[0] == 0
    texts = [t for _, t in paragraphs(out)]
    assert not any(t.startswith("Ground ") for t in texts)
    assert any(t.startswith("No grounds: the review found no breach of the law") for t in texts)
    assert "Annex" in texts and "Receipt" in texts
    md = run(capsys, "--format", "appeal", "--lang", "nl", str(SAFEGUARDS))[1]
    assert "Geen gronden: bij de toetsing is in dit dossier geen schending" in md and "### Grond" not in md


# ---- which variant, where ---------------------------------------------------------------------


def test_the_suffix_of_the_output_file_picks_word_html_or_markdown(capsys, tmp_path) -> None:
    for name, start in (("a.docx", b"PK\x03\x04"), ("a", b"PK\x03\x04"), ("a.html", b"<!doctype html>"),
                        ("a.md", b"# Grounds of appeal")):
        out = tmp_path / name
        assert run(capsys, "--format", "appeal", "-o", str(out), str(AMV))[0] == 1, name
        assert out.read_bytes().startswith(start), name
    html = (tmp_path / "a.html").read_text()
    assert '<a href="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:62019CJ0441">' in html
    code, out, _ = run(capsys, "--format", "appeal", str(AMV))  # standard output: Markdown
    assert code == 1 and out.startswith("# Grounds of appeal\n") and "### Ground 1. " in out
    code, _, err = run(capsys, "--format", "appeal", "-o", str(tmp_path / "a.pdf"), str(AMV))
    assert code == 2 and "error[NC-C001]" in err and not (tmp_path / "a.pdf").exists()


def test_a_word_document_is_never_written_to_a_terminal(capsysbinary, monkeypatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code = main(["--format", "appeal-docx", str(AMV)])
    out, err = capsysbinary.readouterr()
    assert code == 2 and out == b"" and b"error[NC-C001]" in err and b"-o" in err
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert main(["--format", "appeal-docx", str(AMV)]) == 1  # a pipe takes the bytes
    out, _ = capsysbinary.readouterr()
    assert next(p.text for p in docx.Document(io.BytesIO(out)).paragraphs) == "Grounds of appeal"


def test_the_appeal_formats_are_registered_renderers() -> None:
    assert {"appeal", "appeal-html", "appeal-docx"} <= set(renderers.RENDERERS)
    assert renderers.is_binary("appeal-docx") and not renderers.is_binary("appeal")
    assert renderers.variant("appeal", None) == "appeal" and renderers.variant("json", "x.docx") == "json"


# ---- one language, no code ------------------------------------------------------------------------

ENGLISH = {"the", "and", "which", "were", "with", "without", "has", "been", "must", "should", "would",
           "applicant", "decision", "yes", "unknown", "none", "true", "false", "ground", "grounds", "finding",
           "annex", "receipt", "breach", "rule", "law", "not", "before", "after", "facts", "this"}
DUTCH = {"de", "het", "een", "niet", "geen", "wordt", "zijn", "ja", "nee", "onbekend", "grond", "bevinding",
         "bijlage", "verantwoording", "schending", "besluit", "vreemdeling", "aanvraag", "bij", "voor", "naar"}
# Proper names a text in either language quotes as they are (courts, parties, Dutch terms of art).
NAMES = re.compile(r"Raad van State|Rechtbank Den Haag|Staatssecretaris van Justitie en Veiligheid|"
                   r"zp 's-Hertogenbosch|Tweede Kamer|Vreemdelingencirculaire|Vreemdelingenwet|buitenschuld|"
                   r"VluchtelingenWerk|Afdeling bestuursrechtspraak|De Souza Ribeiro|EU Law Analysis")
SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
RULE_ID = re.compile(r"\b(?:TQ|SBC|A3|QD|CH|CEC)-\d+[a-z]?\b")


def _case_texts() -> list[str]:
    """The free texts the bundled case files state (a group, risk factors): the user's own words, quoted
    by the rules' messages as they are written."""
    texts: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str) and " " in value:
            texts.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    for path in CASES.rglob("*.yaml"):
        walk((YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")) or {}).get("facts", {}))
    return sorted(texts, key=len, reverse=True)


def _body_lines(md: str) -> list[str]:
    """The lines of the grounds, court-style citations included, without the annex."""
    out = []
    in_annex = False
    for line in md.splitlines():
        if line.startswith("## "):
            in_annex = True
        elif line.startswith("# "):
            in_annex = False
        if in_annex or line.startswith(("Kenmerk dossier: ", "Case reference: ")):
            continue
        out.append(line)
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_grounds_are_in_one_language_without_identifiers_paths_or_rule_ids(capsys, lang: str) -> None:
    folders = [str(CASES / f) for f in ("tq", "sbc", "echr3", "qd4", "changu", "cec")]
    md = run(capsys, "--format", "appeal", "--lang", lang, *folders)[1]
    assert md.count("# Beroepsgronden" if lang == "nl" else "# Grounds of appeal") > 300
    assert md.count("### Grond 1. " if lang == "nl" else "### Ground 1. ") > 100
    lines = _body_lines(md)
    assert len(lines) > 5000
    quoted = _case_texts()
    other = ENGLISH if lang == "nl" else DUTCH
    offending: dict[str, list[str]] = {}
    for line in lines:
        text = re.sub(r"\]\(https?://[^)]*\)", "]", line.replace("\\", ""))  # a link's address is not prose
        for q in quoted:
            text = text.replace(q, " ")
        text = NAMES.sub(" ", text)
        for problem in [w for w in re.findall(r"[A-Za-zÀ-ÿ]+", text) if w.lower() in other] + SNAKE.findall(text) + \
                RULE_ID.findall(text) + re.findall(r"\S+\.ya?ml\b|cases/\S+", text):
            offending.setdefault(problem, []).append(line[:160])
    assert not offending, {k: v[:2] for k, v in sorted(offending.items())[:40]}


# ---- input errors in the report's language ------------------------------------------------------


def test_every_code_has_its_dutch_text() -> None:
    assert set(CODES_NL) == set(CODES)
    assert all(text and not re.search(r"\b(the|and|not|with|or)\b", text) for text in CODES_NL.values())


def test_an_nl_run_on_a_bad_file_words_the_error_in_dutch_with_its_code(capsys, write) -> None:
    bad = write("bad.yaml", "normcheck: 1\nid: x-1\nfacts:\n  agee_at_application_months: 183\n")
    code, out, err = run(capsys, "--lang", "nl", str(bad))
    out = " ".join(out.replace("│", " ").split())  # the terminal report, its box and wrapping aside
    assert code == 2
    assert "fout[NC-F001]: onbekend feit: `agee_at_application_months`" in out
    assert "suggestie: `age_at_application_months`" in out and "unknown fact" not in out
    code, out, err = run(capsys, "--lang", "nl", "--format", "json", str(bad))
    problem = json.loads(out)["records"][0]["problems"][0]
    assert code == 2 and problem["code"] == "NC-F001" and problem["message"].startswith("onbekend feit")
    assert "fout[NC-F001]: onbekend feit" in err  # the same on standard error
    code, out, _ = run(capsys, "--lang", "en", "--format", "json", str(bad))  # English as it was
    assert json.loads(out)["records"][0]["problems"][0]["message"].startswith("unknown fact `agee_at_application_months`")
    code, _, err = run(capsys, "--lang", "nl", str(bad.parent / "missing.yaml"))  # an error before any report
    assert code == 2 and "fout[NC-P001]: dit bestand of deze map bestaat niet" in err


# ---- the other formats are as they were ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "terminal", "markdown", "html"])
def test_the_vocabularys_fact_names_and_questions_change_no_other_format(loaded, evaluator_only, fmt: str) -> None:
    """The words the appeal takes from the vocabulary (`label`, `question`) are the appeal's: the JSON,
    terminal, Markdown and HTML reports are the same bytes with or without them."""
    from normcheck import findings
    from normcheck.batch import check_files
    from normcheck.report.view import RunView, Words

    recs = list(check_files([AMV, SAFEGUARDS], loaded, evaluator_only, "nl"))
    receipt = findings.receipt(loaded.pack, evaluator_only.label, "nl")
    outputs = []
    for words in (Words("nl", loaded.pack.value_labels), Words.of("nl", loaded.pack.value_labels, loaded.vocabulary)):
        out = io.StringIO()
        view = RunView(iter(recs), receipt, words, batch=True)
        renderers.get(fmt)(view, out)
        view.tally.close()
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] and "Beroepsgronden" not in outputs[0]
    assert Words.of("nl", {}, loaded.vocabulary).fact("return_decision_date") == "datum van het terugkeerbesluit"

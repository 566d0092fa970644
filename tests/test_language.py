"""One language per report: every output (terminal, Markdown, HTML, the human fields of the JSON)
of every bundled case, in Dutch and in English, contains no word of the other language, no fact
identifier or rule-language fragment, and no file path in prose (tests/language_scan.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import language_scan

from normcheck.pack import load_pack


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_output_of_every_bundled_case_speaks_one_language(lang: str) -> None:
    hits = language_scan.scan(lang)
    assert not hits, f"{len(hits)} hits, e.g.:\n" + "\n".join(hits[:25])


def test_the_scan_finds_what_it_looks_for() -> None:
    assert language_scan.hits("de regel is not verified", "nl")
    assert language_scan.hits("the decision of 3 juni 2024", "en")
    assert language_scan.hits("zie age_at_application_months", "nl")
    assert language_scan.hits("x otherwise y", "nl")  # in English prose "otherwise" is a word
    assert language_scan.hits("staat in cases/tq/a.yaml", "nl")
    assert not language_scan.hits("HvJ EU 14 januari 2021, C-441/19, ECLI:EU:C:2021:9 (T.Q.), punt 47", "nl")
    assert not language_scan.hits("J.K. and Others v Sweden [GC], no. 59166/12, § 102, 23 August 2016", "en")


def test_every_fact_has_words_and_a_question_in_both_languages() -> None:
    loaded = load_pack()
    for name, spec in loaded.vocabulary.facts.items():
        for what in ("label_texts", "question"):
            texts = dict(getattr(spec, what))
            assert texts.get("en") and texts.get("nl"), (name, what)
        assert dict(spec.question)["nl"].endswith("?") and dict(spec.question)["en"].endswith("?"), name
        assert spec.ask in ("client", "authority", "file"), name
        if spec.values is not None:
            labels = dict(spec.labels)
            for lang in ("en", "nl"):
                assert set(dict(labels.get(lang, ()))) == set(spec.values), (name, lang)
    for d in loaded.pack.defines:  # a derived fact a report can show is named in words
        if d.deps and not d.in_vocabulary:
            assert {"en", "nl"} <= set(dict(d.labels)), d.name

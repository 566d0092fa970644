"""Court-ready citations: built from the source declarations' data, in the report's language, with
one footnote mark for what was not verified, links to the official text, and secondary material
kept out of the body."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from normcheck import citations, ir
from normcheck.diagnostics import InputError
from normcheck.findings import sources_and_background
from normcheck.pack import load_pack

TQ = ir.Source("TQ", "CJEU (First Chamber) 14 January 2021, TQ v Staatssecretaris van Justitie en Veiligheid, C-441/19",
               ecli="ECLI:EU:C:2021:9", celex="62019CJ0441", date=dt.date(2021, 1, 14), court="cjeu", kind="judgment",
               cases=("C-441/19",), parties=(("en", "TQ"), ("nl", "T.Q.")))
JK = ir.Source("JK", "ECtHR (Grand Chamber) 23 August 2016, J.K. and Others v. Sweden, no. 59166/12",
               date=dt.date(2016, 8, 23), court="ecthr", kind="judgment", formation="grand_chamber",
               applications=("59166/12",), parties=(("en", "J.K. and Others v Sweden"), ("nl", "J.K. e.a. t. Zweden")))
RVS = ir.Source("RVS", "Raad van State (ABRvS) 8 June 2022", ecli="ECLI:NL:RVS:2022:1530", date=dt.date(2022, 6, 8),
                court="abrvs", kind="judgment")
RD = ir.Source("RD", "Directive 2008/115/EC", celex="32008L0115", kind="legislation",
               acts=(("en", "Directive 2008/115/EC"), ("nl", "Richtlijn 2008/115/EG")),
               shorts=(("en", "Return Directive"), ("nl", "Terugkeerrichtlijn")))


def cite(source: ir.Source, pin: str, lang: str, verified: bool = True) -> str:
    return citations.citation(ir.Citation(source.name, pin, verified), source, lang)


@pytest.mark.parametrize(("source", "pin", "lang", "expected"), [
    (TQ, "para 47", "nl", "HvJ EU 14 januari 2021, C-441/19, ECLI:EU:C:2021:9 (T.Q.), punt 47"),
    (TQ, "para 47", "en", "Case C-441/19 TQ, EU:C:2021:9, para 47"),
    (TQ, "operative part, point 1", "nl", "HvJ EU 14 januari 2021, C-441/19, ECLI:EU:C:2021:9 (T.Q.), dictum, onder 1"),
    (TQ, "operative part, points 1 and 3", "en", "Case C-441/19 TQ, EU:C:2021:9, operative part, points 1 and 3"),
    (JK, "§ 102", "nl", "EHRM (GK) 23 augustus 2016, nr. 59166/12 (J.K. e.a. t. Zweden), § 102"),
    (JK, "§ 102", "en", "J.K. and Others v Sweden [GC], no. 59166/12, § 102, 23 August 2016"),
    (JK, "para 102", "nl", "EHRM (GK) 23 augustus 2016, nr. 59166/12 (J.K. e.a. t. Zweden), § 102"),
    (JK, "§§ 77-105", "en", "J.K. and Others v Sweden [GC], no. 59166/12, §§ 77-105, 23 August 2016"),
    (RVS, "", "nl", "ABRvS 8 juni 2022, ECLI:NL:RVS:2022:1530"),
    (RVS, "para 4.2", "nl", "ABRvS 8 juni 2022, ECLI:NL:RVS:2022:1530, r.o. 4.2"),
    (RD, "Art. 10(2)", "nl", "art. 10 lid 2 Terugkeerrichtlijn (Richtlijn 2008/115/EG)"),
    (RD, "Art. 10(2)", "en", "Article 10(2) of Directive 2008/115/EC (Return Directive)"),
    (RD, "Art. 14(1)(b)", "nl", "art. 14 lid 1, onder b, Terugkeerrichtlijn (Richtlijn 2008/115/EG)"),
    (RD, "Art. 28(1), (3) and (4)", "nl", "art. 28 lid 1, 3 en 4 Terugkeerrichtlijn (Richtlijn 2008/115/EG)"),
    (RD, "Art. 26(1)(a) and (b)", "nl", "art. 26 lid 1, onder a en b, Terugkeerrichtlijn (Richtlijn 2008/115/EG)"),
    (RD, "Art. 5(a) and Art. 6(1)", "nl", "art. 5, onder a, en 6 lid 1 Terugkeerrichtlijn (Richtlijn 2008/115/EG)"),
    (RD, "Art. 5(a) and Art. 6(1)", "en", "Articles 5(a) and 6(1) of Directive 2008/115/EC (Return Directive)"),
    (RD, "Art. 6(4), first sentence", "nl", "art. 6 lid 4, eerste volzin, Terugkeerrichtlijn (Richtlijn 2008/115/EG)"),
    (RD, "recital 12", "en", "Recital 12 of Directive 2008/115/EC (Return Directive)"),
])
def test_court_style(source: ir.Source, pin: str, lang: str, expected: str) -> None:
    assert cite(source, pin, lang) == expected


@pytest.mark.parametrize(("pin", "nl", "en"), [
    ("Art. 25a(4)", "art. 25a lid 4", "Article 25a(4)"),
    ("Art. 26(1)(a)(i) and (b)(i)-(ii)", "art. 26 lid 1, onder a, sub i, en onder b, sub i tot en met ii",
     "Article 26(1)(a)(i) and (b)(i) to (ii)"),
    ("Art. 31(8)(a)-(e)", "art. 31 lid 8, onder a tot en met e", "Article 31(8)(a) to (e)"),
    ("Art. 28(1), (3) and (4)", "art. 28 lid 1, 3 en 4", "Article 28(1), (3) and (4)"),
    ("Arts 1 and 4", "art. 1 en 4", "Articles 1 and 4"),
    ("Art. 6:2(b)", "art. 6:2, onder b", "Article 6:2(b)"),
    ("recitals 12 and 24", "overwegingen 12 en 24", "recitals 12 and 24"),
])
def test_legislative_pinpoints(pin: str, nl: str, en: str) -> None:
    c = ir.Citation("RD", pin, True)
    assert citations.pinpoint(c, RD, "nl") == nl
    assert citations.pinpoint(c, RD, "en") == en


@pytest.mark.parametrize("bad", ["para", "point 1", "Art.", "Art. 3 and", "operative part, tenth indent", "§ x"])
def test_a_locator_outside_the_notation_is_refused(bad: str) -> None:
    with pytest.raises(citations.LocatorError):
        citations.parse_locator(bad)


def test_one_footnote_mark_and_never_for_a_legislative_article() -> None:
    assert citations.footnote(ir.Citation("TQ", "para 57", False), TQ)
    assert not citations.footnote(ir.Citation("TQ", "para 47", True), TQ)
    assert not citations.footnote(ir.Citation("RD", "Art. 10(2)", False), RD)  # EUR-Lex text: a note, not a mark
    assert citations.wording_note(ir.Citation("RD", "Art. 10(2)", False), RD, "nl")
    assert citations.wording_note(ir.Citation("RD", "Art. 10(2)", True), RD, "nl") is None


def test_links_go_to_the_official_text_in_the_report_language() -> None:
    assert citations.link(RD, "nl") == "https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX:32008L0115"
    assert citations.link(RVS, "en") == "https://uitspraken.rechtspraak.nl/details?id=ECLI:NL:RVS:2022:1530"
    assert citations.link(JK, "nl").startswith("https://hudoc.echr.coe.int/eng#")
    assert "59166/12" in citations.link(JK, "nl")


def test_every_source_of_the_bundled_rules_is_fully_described() -> None:
    loaded = load_pack()
    # (a reading's source located by free text is an NC-R014 warning about the pinpoint, not the source)
    assert not [w for w in loaded.warnings if "source" in w.message and w.code != "NC-R014"], \
        [w.message for w in loaded.warnings if w.code != "NC-R014"]
    pack = loaded.pack
    for s in pack.sources.values():
        assert s.kind in citations.KINDS, s.name
        assert dict(s.titles).get("nl"), s.name
        if s.kind != "secondary":
            link = citations.link(s, "nl")
            assert link is None or citations.official(link), (s.name, link)
            assert link or s.cases, s.name
        for b in s.backgrounds:
            assert not citations.official(b.url) or b.url, s.name


def test_every_citation_formats_in_both_languages_and_says_what_it_is_for_in_both() -> None:
    pack = load_pack().pack
    for rule in pack.rules:
        for c in rule.citations:
            s = pack.sources[c.source]
            about = dict(c.about)
            assert not about or set(about) == {"en", "nl"}, (rule.key, c.source)
            assert c.pinpoint or about, (rule.key, c.source)
            for lang in ("en", "nl"):
                assert citations.citation(c, s, lang), (rule.key, c.source)


def test_secondary_material_is_background_never_a_source_of_the_body() -> None:
    pack = load_pack().pack
    secondary = {n for n, s in pack.sources.items() if s.kind == "secondary"}
    assert secondary, "the bundled rules cite press reports; they must be declared as secondary material"
    seen_background = False
    for rule in pack.rules:
        body, background = sources_and_background(rule, pack, "nl")
        assert not {s.source for s in body} & secondary, rule.key
        assert all(s.kind != "secondary" for s in body), rule.key
        assert body, f"{rule.key} rests on secondary material only"
        seen_background = seen_background or bool(background)
        for b in background:
            assert b.url and not b.url.startswith("https://eur-lex")
    assert seen_background


def _check(tmp_path: Path, text: str) -> list[str]:
    from normcheck import dsl
    from normcheck.check import check
    from normcheck.families import load_declarations
    from normcheck.resources import rules_dir
    from normcheck.vocabulary import load_vocabulary

    declarations = load_declarations(rules_dir() / "families.yaml", "families.yaml")
    vocab = load_vocabulary(sorted((rules_dir() / "vocabulary").glob("*.yaml")), declarations.record_types,
                            declarations.default_record_type, context=declarations.context)
    try:  # a rule of the T.Q. family (it reads T.Q.'s facts)
        *_, warnings = check(vocab, [dsl.parse(text, "tq.norm")], declarations)
    except InputError as exc:
        return [d.message for d in exc.diagnostics]
    return [d.message for d in warnings]


RULE = '''
rule X-01
  title en "t" title nl "t"
  {cite}
  applies when is_unaccompanied_minor_at_application
  fires when return_decision_issued
  level RISK severity low
  en "m" nl "m"
'''


@pytest.mark.parametrize(("source", "cite", "expected"), [
    ('source S "S" kind judgment court cjeu case "C-1/23" parties en "S" nl "S" date 2023-01-01 celex "1"',
     'cite S "para 4" verified', "no Dutch title"),
    ('source S "S" title nl "S" kind judgment case "C-1/23" celex "1" date 2023-01-01 parties en "S" nl "S"',
     'cite S "para 4" verified', "needs the court"),
    ('source S "S" title nl "S" kind judgment court cjeu celex "1" date 2023-01-01 parties en "S" nl "S"',
     'cite S "para 4" verified', "needs `case`"),
    ('source S "S" title nl "S" kind legislation celex "1"', 'cite S "Art. 3" verified', "act's designation"),
    ('source S "S" title nl "S" kind legislation celex "1" act en "A" nl "A"', 'cite S "para 3" verified',
     "cite an article"),
    ('source S "S" title nl "S" kind legislation celex "1" act en "A" nl "A"', 'cite S "article three" verified',
     "locator notation"),
    ('source S "S" title nl "S" kind secondary url "https://example.org"', 'cite S "para 3" verified', "no pinpoint"),
    ('source S "S" title nl "S" kind legislation celex "1" act en "A" nl "A"', 'cite S "Art. 3" en "x" verified',
     "in English only"),
    ('source S "S" title nl "S" kind statute celex "1"', 'cite S "Art. 3" verified', "not a kind of source"),
])
def test_source_declarations_are_checked(tmp_path: Path, source: str, cite: str, expected: str) -> None:
    messages = _check(tmp_path, source + "\n" + RULE.format(cite=cite))
    assert any(expected in m for m in messages), messages


def test_a_complete_declaration_passes(tmp_path: Path) -> None:
    source = ('source S "S" title nl "S" kind judgment court ecthr formation grand_chamber application "1/23" '
              'parties en "A v B" nl "A t. B" date 2023-01-01')
    assert _check(tmp_path, source + "\n" + RULE.format(cite='cite S "§ 3" en "why" nl "waarom" verified')) == []

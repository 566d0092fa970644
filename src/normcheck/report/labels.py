"""Report wording in English and Dutch (the rules carry their own messages)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "BREACH": "Breach", "RISK": "Risk", "CONTESTED": "Contested interpretation",
        "INSUFFICIENT_DATA": "Insufficient data", "OK": "No problem found", "NOT_APPLICABLE": "Not applicable",
        "record": "Record", "file": "File", "as_of": "Evaluation date", "policy": "Policy",
        "sources": "Sources", "decided_by": "Decided by", "missing": "Facts that could decide this",
        "counter": "Counter-argument", "note": "Note", "facts_to_collect": "Facts to collect",
        "could_change": "could decide or change", "receipt": "Receipt", "engine": "Engine",
        "rule_pack": "Rule pack", "version": "normcheck",
        "severity": "severity", "no_findings": "No findings at or above the threshold.",
        "other_rules": "Other rules", "problems": "Problems", "summary": "Summary",
        "exception": "Exception", "defined_as": "defined as", "from": "from",
        "findings": "findings", "records": "records", "failed": "could not be read",
        "title": "normcheck report", "rule": "Rule", "level": "Result",
        "not_concerned": "families this record says nothing about (rules)", "fact": "fact", "files": "files",
        "background": "Background", "question": "Question", "ask": "Ask", "level_reach": "could reach",
    },
    "nl": {
        "BREACH": "Schending", "RISK": "Risico", "CONTESTED": "Omstreden uitleg",
        "INSUFFICIENT_DATA": "Onvoldoende gegevens", "OK": "Geen probleem gevonden", "NOT_APPLICABLE": "Niet van toepassing",
        "record": "Dossier", "file": "Bestand", "as_of": "Peildatum", "policy": "Beleid",
        "sources": "Bronnen", "decided_by": "Bepaald door", "missing": "Feiten die dit kunnen beslissen",
        "counter": "Tegenargument", "note": "Opmerking", "facts_to_collect": "Nog te verzamelen feiten",
        "could_change": "kan beslissen of veranderen", "receipt": "Verantwoording", "engine": "Rekenkern",
        "rule_pack": "Regelset", "version": "normcheck",
        "severity": "ernst", "no_findings": "Geen bevindingen op of boven de drempel.",
        "other_rules": "Overige regels", "problems": "Problemen", "summary": "Samenvatting",
        "exception": "Uitzondering", "defined_as": "gedefinieerd als", "from": "ontleend aan",
        "findings": "bevindingen", "records": "dossiers", "failed": "kon niet worden gelezen",
        "title": "normcheck-rapport", "rule": "Regel", "level": "Uitkomst",
        "not_concerned": "families waarover dit dossier niets zegt (regels)", "fact": "feit", "files": "bestanden",
        "background": "Achtergrond", "question": "Vraag", "ask": "Te vragen aan", "level_reach": "kan leiden tot",
    },
}

# The norm families (rules/<family>.norm) by name, for the line of families a record does not concern.
FAMILY = {
    "en": {"tq": "T.Q. (unaccompanied minors and return)", "sbc": "Schengen Borders Code (internal border control)",
           "echr3": "Article 3 ECHR", "qd4": "Qualification Directive, Article 4",
           "changu": "Changu (persons who cannot be returned)", "cec": "European Social Charter (basic needs)"},
    "nl": {"tq": "T.Q. (alleenstaande minderjarigen en terugkeer)", "sbc": "Schengengrenscode (binnengrenscontrole)",
           "echr3": "artikel 3 EVRM", "qd4": "Kwalificatierichtlijn, artikel 4",
           "changu": "Changu (niet-uitzetbare vreemdelingen)", "cec": "Europees Sociaal Handvest (basisvoorzieningen)"},
}


def family_name(lang: str, family: str) -> str:
    return FAMILY.get(lang, FAMILY["en"]).get(family, family)


EXCEPTION_STATUS = {
    "en": {"holds": "holds", "does not hold": "does not hold", "not established": "not established", "unless": "unless"},
    "nl": {"holds": "geldt", "does not hold": "geldt niet", "not established": "niet vastgesteld", "unless": "tenzij"},
}

SEVERITY = {"en": {"high": "high", "medium": "medium", "low": "low"},
            "nl": {"high": "hoog", "medium": "middel", "low": "laag"}}

ORDER = ("BREACH", "RISK", "CONTESTED", "INSUFFICIENT_DATA", "OK", "NOT_APPLICABLE")
COLOURS = {"BREACH": "bold red", "RISK": "dark_orange", "CONTESTED": "magenta", "INSUFFICIENT_DATA": "yellow",
           "OK": "green", "NOT_APPLICABLE": "dim"}


def t(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["en"]).get(key, key)


_ENGINE_NL = (("normcheck three-valued evaluator", "driewaardige evaluator van normcheck"),
              ("(cross-checked)", "(onderling gecontroleerd)"), (" only ", " alleen "),
              ("durable-rules unavailable", "durable-rules niet beschikbaar"),
              ("durable-rules refused the rule pack", "durable-rules weigerde de regelset"),
              ("durable-rules disabled", "durable-rules uitgeschakeld"))


def engine_words(engine: str, lang: str) -> str:
    """The receipt's engine line in the report's language (the JSON keeps the machine text)."""
    if lang != "nl":
        return engine
    for en, nl in _ENGINE_NL:
        engine = engine.replace(en, nl)
    return engine

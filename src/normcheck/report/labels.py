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
        "rule_pack": "Rule pack", "version": "normcheck", "unverified": "paragraph unverified",
        "source_unverified": "the source's own ECLI/HUDOC id was not checked",
        "verified": "verified", "severity": "severity", "no_findings": "No findings at or above the threshold.",
        "other_rules": "Other rules", "problems": "Problems", "summary": "Summary",
        "exception": "Exception", "defined_as": "defined as", "from": "taken from",
        "findings": "findings", "records": "records", "failed": "could not be read",
        "title": "normcheck report", "rule": "Rule", "level": "Result",
        "not_concerned": "families this record says nothing about (rules)", "fact": "fact", "files": "files",
    },
    "nl": {
        "BREACH": "Schending", "RISK": "Risico", "CONTESTED": "Omstreden uitleg",
        "INSUFFICIENT_DATA": "Onvoldoende gegevens", "OK": "Geen probleem gevonden", "NOT_APPLICABLE": "Niet van toepassing",
        "record": "Dossier", "file": "Bestand", "as_of": "Peildatum", "policy": "Beleid",
        "sources": "Bronnen", "decided_by": "Bepaald door", "missing": "Feiten die dit kunnen beslissen",
        "counter": "Tegenargument", "note": "Opmerking", "facts_to_collect": "Nog te verzamelen feiten",
        "could_change": "kan beslissen of veranderen", "receipt": "Verantwoording", "engine": "Rekenkern",
        "rule_pack": "Regelset", "version": "normcheck", "unverified": "randnummer niet geverifieerd",
        "source_unverified": "ECLI/HUDOC-nummer van de bron zelf niet gecontroleerd",
        "verified": "geverifieerd", "severity": "ernst", "no_findings": "Geen bevindingen op of boven de drempel.",
        "other_rules": "Overige regels", "problems": "Problemen", "summary": "Samenvatting",
        "exception": "Uitzondering", "defined_as": "gedefinieerd als", "from": "ontleend aan",
        "findings": "bevindingen", "records": "dossiers", "failed": "kon niet worden gelezen",
        "title": "normcheck-rapport", "rule": "Regel", "level": "Uitkomst",
        "not_concerned": "families waarover dit dossier niets zegt (regels)", "fact": "feit", "files": "bestanden",
    },
}

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

"""The report's language: every word normcheck itself puts in a report, in English and Dutch.

The rules carry their own titles and messages; this module words everything around them (level
names, labels, reasons, values, dates) and puts facts, values and conditions into words. A report
never shows rule-language fragments (`otherwise`, `decision_date < policy_effective_date`) or fact
identifiers in prose: a fact is named by its label in the vocabulary (or, for a derived fact that is
only a `define`, by the define's `label`), a value by its label or as a court writes it, and the few
conditions a report has to state (an exception, the event whose date picks the law) are put into
words from the expression itself. `findings` uses it for the JSON messages and `report.view` for
every other format, so a Dutch report is worded in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from . import ir
from .citations import long_date
from .values import NULL, UNKNOWN, display

LANGS = ("en", "nl")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "BREACH": "Breach", "RISK": "Risk", "CONTESTED": "Contested interpretation",
        "INSUFFICIENT_DATA": "Insufficient data", "OK": "No problem found", "NOT_APPLICABLE": "Not applicable",
        "NOT_ESTABLISHED": "No finding, not fully established",
        "record": "Record", "file": "File", "as_of": "Evaluation date", "policy": "Policy",
        "sources": "Sources", "decided_by": "Decided by", "missing": "Facts that could decide this",
        "not_established": "Not established", "counter": "Counter-argument", "note": "Note",
        "facts_to_collect": "Facts to collect",
        "could_change": "could decide or change", "receipt": "Receipt", "engine": "Engine",
        "rule_pack": "Rule pack", "version": "normcheck", "severity": "severity", "no_findings": "No findings at or above the threshold.",
        "other_rules": "Other rules", "problems": "Problems", "summary": "Summary",
        "exception": "Exception", "defined_as": "defined as", "from": "taken from",
        "findings": "findings", "records": "records", "failed": "could not be read",
        "title": "normcheck report", "rule": "Rule", "level": "Result",
        "not_concerned": "families this record says nothing about (rules)", "fact": "fact", "one_file": "file", "files": "files",
        "highest": "Highest result", "records_deciding": "records it could decide", "none": "none",
        "schema": "JSON schema", "expected": "expected", "reason": "reason", "law": "Law applied",
        "readings": "Readings", "reading_of": "reading of", "held_by": "held by",
        "under_reading": "Decided under the reading of",
        "settled_by": "settled by", "settled_from": "for events from", "applied": "applied in this run",
        "needs_assessment": "Needs human assessment", "open_norm": "open norm: needs human assessment",
        "test": "Test", "value_stated": "value stated", "not_stated": "not stated", "rests_on": "findings resting on it",
        "waits_for": "findings waiting for it", "checklist": "Checklist", "assessed_by": "assessment stated",
        "not_covered": "criteria the file does not cover", "no_assessment": "the file states no assessment of these criteria",
        "assess": "assess", "see_assessment": "see Needs human assessment", "all_covered": "every criterion covered",
        "as_written": "as written (contested)", "no_flips": "no finding changes with the reading adopted",
        "compare_title": "normcheck: findings that change with the reading adopted", "flips": "Findings that change with the reading",
        "argues": "argues",
        "background": "Background", "question": "Question", "ask": "Ask", "level_reach": "could reach",
        "bundled_rules": "bundled rules", "added_rules": "added rules", "replaces": "replacing",
        "follow_up": "Ask the authority", "not_disclosed_mark": "not disclosed: ask the authority",
        "verified": "verified", "unverified": "not verified",
    },
    "nl": {
        "BREACH": "Schending", "RISK": "Risico", "CONTESTED": "Omstreden uitleg",
        "INSUFFICIENT_DATA": "Onvoldoende gegevens", "OK": "Geen probleem gevonden", "NOT_APPLICABLE": "Niet van toepassing",
        "NOT_ESTABLISHED": "Geen bevinding, niet volledig vastgesteld",
        "record": "Dossier", "file": "Bestand", "as_of": "Peildatum", "policy": "Beleid",
        "sources": "Bronnen", "decided_by": "Bepaald door", "missing": "Feiten die dit kunnen beslissen",
        "not_established": "Niet vastgesteld", "counter": "Tegenargument", "note": "Opmerking",
        "facts_to_collect": "Nog te verzamelen feiten",
        "could_change": "kan beslissen of veranderen", "receipt": "Verantwoording", "engine": "Rekenkern",
        "rule_pack": "Regelset", "version": "normcheck", "severity": "ernst", "no_findings": "Geen bevindingen op of boven de drempel.",
        "other_rules": "Overige regels", "problems": "Problemen", "summary": "Samenvatting",
        "exception": "Uitzondering", "defined_as": "gedefinieerd als", "from": "ontleend aan",
        "findings": "bevindingen", "records": "dossiers", "failed": "kon niet worden gelezen",
        "title": "normcheck-rapport", "rule": "Regel", "level": "Uitkomst",
        "not_concerned": "families waarover dit dossier niets zegt (regels)", "fact": "feit", "one_file": "bestand", "files": "bestanden",
        "highest": "Hoogste uitkomst", "records_deciding": "dossiers waarvoor het beslissend kan zijn", "none": "geen",
        "schema": "JSON-schema", "expected": "verwacht", "reason": "reden", "law": "Toegepast recht",
        "readings": "Lezingen", "reading_of": "lezing van", "held_by": "aangehangen door",
        "under_reading": "Beslist volgens de lezing van",
        "settled_by": "beslecht door", "settled_from": "voor gebeurtenissen vanaf", "applied": "toegepast in deze run",
        "needs_assessment": "Vraagt menselijke beoordeling", "open_norm": "open norm: vraagt menselijke beoordeling",
        "test": "Toets", "value_stated": "vermelde waarde", "not_stated": "niet vermeld", "rests_on": "bevindingen die erop steunen",
        "waits_for": "bevindingen die erop wachten", "checklist": "Controlelijst", "assessed_by": "vermelde beoordeling",
        "not_covered": "criteria die het dossier niet dekt", "no_assessment": "het dossier vermeldt geen beoordeling van deze criteria",
        "assess": "beoordelen", "see_assessment": "zie Vraagt menselijke beoordeling", "all_covered": "elk criterium gedekt",
        "as_written": "zoals geschreven (omstreden)", "no_flips": "geen bevinding verandert met de gekozen lezing",
        "compare_title": "normcheck: bevindingen die veranderen met de gekozen lezing", "flips": "Bevindingen die veranderen met de lezing",
        "argues": "betoogt",
        "background": "Achtergrond", "question": "Vraag", "ask": "Te vragen aan", "level_reach": "kan leiden tot",
        "bundled_rules": "meegeleverde regels", "added_rules": "toegevoegde regels", "replaces": "vervangt",
        "follow_up": "Opvragen bij de autoriteit", "not_disclosed_mark": "niet openbaar gemaakt: opvragen bij de autoriteit",
        "verified": "geverifieerd", "unverified": "niet geverifieerd",
    },
}

# Short level names for the columns of a summary table.
LEVEL_SHORT = {
    "en": {"BREACH": "Breach", "RISK": "Risk", "CONTESTED": "Contested", "INSUFFICIENT_DATA": "Insufficient data",
           "OK": "OK", "NOT_APPLICABLE": "Not applicable"},
    "nl": {"BREACH": "Schending", "RISK": "Risico", "CONTESTED": "Omstreden", "INSUFFICIENT_DATA": "Onvoldoende gegevens",
           "OK": "OK", "NOT_APPLICABLE": "Niet van toepassing"},
}

EXCEPTION_STATUS = {
    "en": {"holds": "holds", "does not hold": "does not hold", "not established": "not established", "unless": "unless"},
    "nl": {"holds": "geldt", "does not hold": "geldt niet", "not established": "niet vastgesteld", "unless": "tenzij"},
}

SEVERITY = {"en": {"high": "high", "medium": "medium", "low": "low"},
            "nl": {"high": "hoog", "medium": "middel", "low": "laag"}}

# Who stated an assessment of an open norm (`assessments: … by:` in a case file).
ASSESSORS = {
    "en": {"authority": "the authority", "court": "a court", "applicant_lawyer": "the applicant's lawyer",
           "expert": "an expert", "caseworker": "a caseworker", "other": "other"},
    "nl": {"authority": "de autoriteit", "court": "een rechter", "applicant_lawyer": "de advocaat van verzoeker",
           "expert": "een deskundige", "caseworker": "een medewerker", "other": "anders"},
}

# Why a rule did not fire, in words (machine reason -> text). `{facts}` is the list of facts the
# record leaves unknown where that is the point (see `quiet_reason`).
REASONS = {
    "en": {"not_in_force": "not in force on the evaluation date", "out_of_scope": "outside the rule's scope",
           "no_facts": "the record states none of this rule's facts", "exception_holds": "an exception applies",
           "record_type": "this kind of record is outside the rule's norm family",
           "scope_not_mentioned": "the record says nothing about what this rule concerns",
           "condition_false": "none of the conditions for a finding holds",
           "condition_false_not_established": "the conditions for a finding fail only on what the record does not "
                                              "establish ({facts})",
           "scope_not_established": "the record does not establish that this rule applies ({facts})",
           "event_date_unknown": "the date of the event is unknown and the versions of the law in force around it "
                                 "give different results",
           "date_day_unknown": "a date known only to the month decides it: the first and the last day of the month give "
                               "different results",
           "condition_false_scope_unknown": "the record does not establish that this rule applies ({facts} unknown); "
                                            "on the facts stated none of its conditions holds",
           "reading": "the contested grade holds, but the reading applied gives no problem"},
    "nl": {"not_in_force": "niet van kracht op de peildatum", "out_of_scope": "buiten de reikwijdte van de regel",
           "no_facts": "het dossier vermeldt geen van de feiten van deze regel", "exception_holds": "er geldt een uitzondering",
           "record_type": "dit soort dossier valt buiten de normfamilie van de regel",
           "scope_not_mentioned": "het dossier zegt niets over waar deze regel over gaat",
           "condition_false": "geen van de voorwaarden voor een bevinding doet zich voor",
           "condition_false_not_established": "de voorwaarden voor een bevinding falen alleen op wat het dossier niet "
                                              "vaststelt ({facts})",
           "scope_not_established": "het dossier stelt niet vast dat deze regel van toepassing is ({facts})",
           "event_date_unknown": "de datum van de gebeurtenis is onbekend en de versies van het recht rond die datum "
                                 "geven verschillende uitkomsten",
           "date_day_unknown": "een datum die alleen tot op de maand bekend is, beslist het: de eerste en de laatste dag "
                               "van de maand geven verschillende uitkomsten",
           "condition_false_scope_unknown": "het dossier stelt niet vast dat deze regel van toepassing is "
                                            "({facts} onbekend); op de vermelde feiten doet geen van de voorwaarden zich voor",
           "reading": "de omstreden grond doet zich voor, maar de toegepaste lezing geeft geen probleem"},
}

# A rule that did not fire because the record does not establish its conditions or its scope is not
# "no problem found": it is shown apart, saying what the record leaves open.
NOT_ESTABLISHED_REASONS = frozenset({"condition_false_not_established", "condition_false_scope_unknown",
                                     "scope_not_established"})


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


def shown_level(level: str, reason: str) -> str:
    """The level as a report groups it: an OK on facts not all established is set apart."""
    return "NOT_ESTABLISHED" if level in ("OK", "NOT_APPLICABLE") and reason in NOT_ESTABLISHED_REASONS else level


def quiet_reason(reason: str, lang: str, facts: Iterable[str] = ()) -> str:
    """Why a rule did not fire, in words."""
    text = REASONS.get(lang, REASONS["en"]).get(reason, reason)
    return text.replace("{facts}", join(list(facts), lang) or t(lang, "none"))


def why_not(level: str, reason: str, lang: str, missing: Iterable[str] = (), open_facts: Iterable[str] = (), *,
            judged_on: dt.date | None = None, judged_basis: str = "") -> str:
    """Why a rule did not fire, or what it still needs, in words (without the level in front)."""
    nl = lang == "nl"
    if reason == "event_date_unknown":
        needed = join(sorted(missing), lang)
        return (f"welke versie van het recht geldt hangt af van de datum van de gebeurtenis ({judged_basis}), en de "
                f"versies geven verschillende uitkomsten; nodig: {needed}" if nl else
                f"which version of the law applies depends on the date of the event ({judged_basis}), and the "
                f"versions give different results; needed: {needed}")
    if reason == "date_day_unknown":
        needed = ", ".join(sorted(missing))
        return (f"de uitkomst hangt af van de dag van een datum die alleen tot op de maand bekend is; nodig: {needed}, "
                f"tot op de dag" if nl else
                f"the result depends on the day of a date known only to the month; needed: {needed}, to the day")
    if level == "INSUFFICIENT_DATA":
        names = join(sorted(missing), lang) or ("onbekende feiten" if nl else "unknown facts")
        return f"{names} kan de uitkomst bepalen" if nl else f"{names} could decide it"
    if reason == "not_in_force" and judged_on is not None and judged_basis != "evaluation_date":
        on = long_date(judged_on, lang)
        return (f"deze regel gold niet op {on}, de datum van de gebeurtenis ({judged_basis})" if nl
                else f"this rule was not in force on {on}, the date of the event ({judged_basis})")
    return quiet_reason(reason, lang, open_facts)


def quiet_message(level: str, reason: str, lang: str, missing: Iterable[str] = (), open_facts: Iterable[str] = (), *,
                  judged_on: dt.date | None = None, judged_basis: str = "") -> str:
    """The message of a rule that did not fire: the rule's own message would read as if it had."""
    if level == "INSUFFICIENT_DATA" or reason == "event_date_unknown":
        head = "Nog niet te beoordelen" if lang == "nl" else "Cannot be decided yet"
    else:
        head = t(lang, shown_level(level, reason))
    why = why_not(level, reason, lang, missing, open_facts, judged_on=judged_on, judged_basis=judged_basis)
    return f"{head}: {why}."


def follow_up(facts: Iterable[str], level: str, potential: str | None, lang: str) -> str:
    """A finding that facts the authority has not disclosed could change: what to ask for, and why."""
    names = ", ".join(facts)
    nl = lang == "nl"
    raise_to = potential if potential and potential != level else None
    if nl:
        why = (f" Deze bevinding kan dan uitkomen op: {t(lang, raise_to).lower()}." if raise_to else "")
        return (f"Vraag de autoriteit om over te leggen wat zij niet openbaar heeft gemaakt: {names} (in het beroep, of "
                f"met een verzoek op grond van de Wet open overheid (Woo)).{why}")
    why = f" This finding could then become: {t(lang, raise_to).lower()}." if raise_to else ""
    return (f"Ask the authority to produce what it has not disclosed: {names} (in the appeal, or by a request under "
            f"the Open Government Act (Woo)).{why}")


def date_text(value: dt.date | str | None, lang: str) -> str:
    """A date in a report's header lines (ISO 8601 in both languages, the form case files use)."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def value_text(value: Any, lang: str, labels: Mapping[str, str] | None = None) -> str:
    """A fact's value as a report shows it: vocabulary wording and yes/no in Dutch; the vocabulary's own
    words, true/false and [a, b] in English (the value as the case file writes it)."""
    if lang != "en":
        if isinstance(value, list):
            return "{" + display(frozenset(str(v) for v in value), lang, labels) + "}" if value else display(frozenset(), lang)
        if value is None:
            value = NULL
        elif isinstance(value, float):
            value = Decimal(str(value))
        elif value == "unknown":
            value = UNKNOWN
        return display(value, lang, labels)
    if isinstance(value, list):
        return "[" + ", ".join(str(labels.get(str(x), x) if labels else x) for x in value) + "]"
    if value is None:
        return "none"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if labels and isinstance(value, str):
        return str(labels.get(value, value))
    return str(value)


# ---- facts, values and conditions in words ------------------------------------------------------

_WORDS = {
    "en": {"and": "and", "or": "or", "otherwise": "or else", "is": "is", "is_not": "is not", "not": "not",
           "yes": "yes", "no": "no", "unknown": "unknown", "none": "none", "empty": "(none)",
           "known": "is known", "is_unknown": "is unknown", "is_null": "is none", "is_empty": "is empty",
           "<": "is before", "<=": "is on or before", ">": "is after", ">=": "is on or after",
           "n<": "is less than", "n<=": "is at most", "n>": "is more than", "n>=": "is at least",
           "rule": "rule", "applies": "applies", "about": "a condition on"},
    "nl": {"and": "en", "or": "of", "otherwise": "anders", "is": "is", "is_not": "is niet", "not": "niet",
           "yes": "ja", "no": "nee", "unknown": "onbekend", "none": "geen", "empty": "(geen)",
           "known": "is bekend", "is_unknown": "is onbekend", "is_null": "is geen", "is_empty": "is leeg",
           "<": "ligt vóór", "<=": "ligt op of vóór", ">": "ligt na", ">=": "ligt op of na",
           "n<": "is kleiner dan", "n<=": "is ten hoogste", "n>": "is groter dan", "n>=": "is ten minste",
           "rule": "regel", "applies": "is van toepassing", "about": "een voorwaarde over"},
}


def word(key: str, lang: str) -> str:
    return _WORDS.get(lang, _WORDS["en"]).get(key, key)


def label(name: str, pack: ir.RulePack, lang: str) -> str:
    """A fact's name in words; the vocabulary gives one for every fact (a test checks)."""
    if name == "evaluation_date":
        return "peildatum" if lang == "nl" else "evaluation date"
    text = pack.fact_texts.get(name)
    found = text.label(lang) if text is not None else None
    return found or name.replace("_", " ")


def value(name: str | None, v: Any, pack: ir.RulePack, lang: str) -> str:
    """A value as a court would write it: an enum value in its words, yes/no, a date in full."""
    labels = pack.value_labels.get(name or "", {}).get(lang)
    if v is UNKNOWN:
        return word("unknown", lang)
    if v is NULL or v is None:
        return word("none", lang)
    if isinstance(v, bool):
        return word("yes" if v else "no", lang)
    if isinstance(v, dt.date):
        return long_date(v, lang)
    if isinstance(v, (frozenset, set, list, tuple)):
        if not v:
            return word("empty", lang)
        items = sorted((labels or {}).get(str(x), str(x)) for x in v)
        return ", ".join(items)
    if isinstance(v, str) and name and pack.fact_types.get(name, ir.TEXT).kind == "date":
        try:
            return long_date(dt.date.fromisoformat(v), lang)
        except ValueError:
            return v
    if isinstance(v, (int, Decimal, float)) and not isinstance(v, bool):
        return display(Decimal(str(v)) if isinstance(v, float) else v, lang)
    return display(v, lang, labels)


def _fact_of(node: ir.Node) -> str | None:
    return node.name if isinstance(node, ir.Fact) else None


def _operand(node: ir.Node, other: ir.Node, pack: ir.RulePack, lang: str) -> str:
    if isinstance(node, ir.Const):
        return value(_fact_of(other), node.value, pack, lang)
    if isinstance(node, ir.EvalDate):
        return label("evaluation_date", pack, lang)
    return expr(node, pack, lang)


def expr(node: ir.Node | None, pack: ir.RulePack, lang: str) -> str:
    """A condition or a date expression in words (never rule-language syntax)."""
    if node is None:
        return ""
    if isinstance(node, ir.Fact):
        if pack.fact_types.get(node.name, ir.TEXT).kind == "bool":
            return f"{label(node.name, pack, lang)}: {word('yes', lang)}"
        return label(node.name, pack, lang)
    if isinstance(node, ir.EvalDate):
        return label("evaluation_date", pack, lang)
    if isinstance(node, ir.Const):
        return value(None, node.value, pack, lang)
    if isinstance(node, ir.Otherwise):
        return f"{expr(node.left, pack, lang)}, {word('otherwise', lang)} {expr(node.right, pack, lang)}"
    if isinstance(node, (ir.And, ir.Or)):
        joiner = f" {word('and' if isinstance(node, ir.And) else 'or', lang)} "
        return joiner.join(expr(o, pack, lang) for o in node.operands)
    if isinstance(node, ir.Not):
        inner = node.operand
        if isinstance(inner, ir.Fact) and pack.fact_types.get(inner.name, ir.TEXT).kind == "bool":
            return f"{label(inner.name, pack, lang)}: {word('no', lang)}"
        return f"{word('not', lang)}: {expr(inner, pack, lang)}"
    if isinstance(node, ir.Fires):
        return f"{word('rule', lang)} {node.rule} {word('applies', lang)}"
    if isinstance(node, ir.Cmp):
        left = _operand(node.left, node.right, pack, lang)
        right = _operand(node.right, node.left, pack, lang)
        if node.op in ("==", "!="):
            return f"{left} {word('is' if node.op == '==' else 'is_not', lang)} {right}"
        kinds = {pack.fact_types.get(n.name, ir.TEXT).kind for n in (node.left, node.right) if isinstance(n, ir.Fact)}
        dated = "date" in kinds or isinstance(node.left, ir.EvalDate) or isinstance(node.right, ir.EvalDate) \
            or any(isinstance(n, ir.Const) and isinstance(n.value, dt.date) for n in (node.left, node.right))
        return f"{left} {word(node.op if dated else 'n' + node.op, lang)} {right}"
    if isinstance(node, ir.In) and isinstance(node.container, ir.Const) and isinstance(node.container.value, frozenset):
        fact = _fact_of(node.element)
        options = sorted(value(fact, v, pack, lang) for v in node.container.value)
        joined = f" {word('or', lang)} ".join(options)
        return f"{expr(node.element, pack, lang)} {word('is', lang)} {joined}"
    if isinstance(node, ir.Is):
        key = {"known": "known", "unknown": "is_unknown", "null": "is_null", "empty": "is_empty"}[node.test]
        return f"{expr(node.operand, pack, lang)} {word(key, lang)}"
    names = sorted(set(_facts(node)))
    return f"{word('about', lang)} " + ", ".join(label(n, pack, lang) for n in names) if names else node.text


def _facts(node: ir.Node) -> list[str]:
    out = [node.name] if isinstance(node, ir.Fact) else []
    for child in vars(node).values():
        if isinstance(child, ir.Node):
            out += _facts(child)
        elif isinstance(child, tuple):
            out += [n for c in child if isinstance(c, ir.Node) for n in _facts(c)]
    return out


def join(items: list[str], lang: str) -> str:
    """a, b and c / a, b en c."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word('and', lang)} " + items[-1]


# ---- the appeal export (`--format appeal`): how a ground of appeal is worded ------------------------

APPEAL: dict[str, dict[str, str]] = {
    "en": {
        "title": "Grounds of appeal", "record": "Case reference", "ground": "Ground",
        "intro": "The grounds below arise from a review of the file as it stood on {date}, against the law "
                 "in force on the date of each event concerned.",
        "intro_undated": "The grounds below arise from a review of the file against the law in force on the "
                         "date of each event concerned.",
        "BREACH": "Breach of the law", "RISK": "Risk of a breach of the law",
        "CONTESTED": "Contested interpretation of the law",
        "finding": "Finding", "law": "Rule of law", "facts": "Facts relied on",
        "counter": "Counter-argument to expect",
        "contested_intro": "This ground rests on a contested reading of the law. The other side can be expected "
                           "to argue:",
        "no_counter": "The law relied on is not known to be read otherwise; the other side may dispute the facts "
                      "relied on.",
        "applied": "The law applies as in force on {date} ({event}).",
        "applied_review": "The law applies as in force on {date}, the date of the review (a continuing situation).",
        "applied_unknown": "The date that decides which law applies ({event}) is not known, but every version of the law that could apply "
                           "leads to this ground.",
        "the_event": "the date of the event concerned",
        "rule_named": "“{title}”",
        "unverified_mark": "*", "unverified_note": "* The pinpoint has not been checked against the published text.",
        "no_grounds": "No grounds: the review found no breach of the law, no risk of a breach and no contested "
                      "interpretation in this file.",
        "failed": "This file could not be read, so no grounds could be drawn from it:",
        "annex": "Annex", "questions": "Facts to collect", "questions_intro":
            "Questions to put to the client or the authority; the answers could decide or change the outcome:",
        "no_questions": "No further facts are needed to decide the rules that apply to this file.",
        "references": "References", "reference": "{ground} {n}: normcheck rule {rule}",
        "receipt": "Receipt", "version": "normcheck version {version}", "pack": "rule set (SHA-256) {sha}",
        "as_of": "file reviewed as it stood on {date}",
        "yes": "yes", "no": "no", "none": "none", "at": "line {line}, column {column}",
    },
    "nl": {
        "title": "Beroepsgronden", "record": "Kenmerk dossier", "ground": "Grond",
        "intro": "De gronden hieronder volgen uit een toetsing van het dossier zoals het er op {date} bij lag, "
                 "aan het recht dat gold op de datum van elke betrokken gebeurtenis.",
        "intro_undated": "De gronden hieronder volgen uit een toetsing van het dossier aan het recht dat gold op "
                         "de datum van elke betrokken gebeurtenis.",
        "BREACH": "Schending van het recht", "RISK": "Risico op schending van het recht",
        "CONTESTED": "Omstreden uitleg van het recht",
        "finding": "Bevinding", "law": "Rechtsregel", "facts": "Feiten waarop deze grond steunt",
        "counter": "Te verwachten tegenargument",
        "contested_intro": "Deze grond berust op een omstreden uitleg van het recht. Van de wederpartij valt te "
                           "verwachten dat zij aanvoert:",
        "no_counter": "Voor zover bekend wordt het ingeroepen recht niet anders uitgelegd; de wederpartij kan de "
                      "feiten betwisten waarop deze grond steunt.",
        "applied": "Toepasselijk is het recht zoals dat gold op {date} ({event}).",
        "applied_review": "Toepasselijk is het recht zoals dat gold op {date}, de datum van de toetsing (een "
                          "voortdurende situatie).",
        "applied_unknown": "De datum die bepaalt welk recht geldt ({event}) is niet bekend, maar elke versie van het recht die in aanmerking "
                           "komt leidt tot deze grond.",
        "the_event": "de datum van de betrokken gebeurtenis",
        "rule_named": "‘{title}’",
        "unverified_mark": "*", "unverified_note": "* De vindplaats is niet aan de gepubliceerde tekst gecontroleerd.",
        "no_grounds": "Geen gronden: bij de toetsing is in dit dossier geen schending van het recht, geen risico "
                      "op schending en geen omstreden uitleg gevonden.",
        "failed": "Dit dossier kon niet worden gelezen; er konden dus geen gronden uit worden afgeleid:",
        "annex": "Bijlage", "questions": "Nog te verzamelen feiten", "questions_intro":
            "Vragen aan de cliënt of de overheid; het antwoord kan de uitkomst bepalen of veranderen:",
        "no_questions": "Er zijn geen verdere feiten nodig om de regels te beoordelen die op dit dossier van "
                        "toepassing zijn.",
        "references": "Verwijzingen", "reference": "{ground} {n}: normcheck-regel {rule}",
        "receipt": "Verantwoording", "version": "normcheck-versie {version}", "pack": "regelset (SHA-256) {sha}",
        "as_of": "dossier getoetst zoals het er op {date} bij lag",
        "yes": "ja", "no": "nee", "none": "geen", "at": "regel {line}, kolom {column}",
    },
}


def appeal_text(lang: str, key: str, **values: str) -> str:
    """A phrase of the appeal export in `lang`, with `{name}` filled in."""
    text = APPEAL.get(lang, APPEAL["en"])[key]
    return text.format(**values) if values else text

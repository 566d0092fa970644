"""The page's own wording in English and Dutch (the vocabulary words the facts, the rules the findings).

Errors of the case loader are English sentences; on a Dutch page `diagnostic_text` words them by
what kind of problem they are and which field they concern, so a Dutch page is Dutch throughout.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic
from ..facts import guard

LANGS = ("en", "nl")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "normcheck — check a case",
        "lead": "Fill in what the file says, then check it against the rules. This page runs on your own "
                "computer: nothing you type is stored or sent anywhere.",
        "skip_form": "Skip to the case form", "skip_findings": "Skip to the findings",
        "language": "Language", "check": "Check the case", "case": "The case",
        "id": "Reference", "id_help": "An anonymised reference for this case, e.g. amv-2025-0042: never a name, "
        "V-number or BSN.",
        "record_type": "Kind of record", "record_type_help": "A decision about one person, a policy checked in the "
        "abstract, or a measure of internal border control.",
        "as_of": "Evaluation date", "as_of_help": "The day of the review. Left empty: the decision date, else today. "
        "It picks which rules are in force.",
        "policy": "Policy", "policy_help": "A policy record of cases/policies/ whose parameters apply to this case. "
        "Its facts are added to the case; do not state them again below.",
        "policy_none": "— no policy —", "policy_uploaded": "the policy in the uploaded file",
        "note": "Note", "note_help": "Optional. Anonymised: no names.",
        "not_stated": "— not stated —", "as_ticked": "— as ticked —", "as_typed": "— as typed —", "or": "or",
        "none_of_these": "none of these (an empty list)", "null": "none (stated absence)",
        "true": "yes", "false": "no", "unknown": "unknown", "not_disclosed": "not disclosed by the authority",
        "derived": "Computed from other facts when left empty; if you give it, it is checked against them.",
        "free_set_help": "Items separated by commas.", "empty_hint": "An empty field, with nothing chosen beside it, leaves the fact unstated (unknown); a list with nothing ticked is unstated too, unless you choose none.", "fact_name": "in case files",
        "facts_stated": "facts stated: {n}", "more": "{n} more", "upload": "Open a case file (YAML)", "upload_button": "Fill the form from the file",
        "upload_help": "The file is read here, checked like a case file on the command line, and not kept.",
        "downloads": "Download", "download_case": "the case (YAML)", "download_findings": "the findings as",
        "findings": "Findings", "no_findings_yet": "Check the case to see the findings here.",
        "refused": "The case was not checked", "refused_upload": "The file was refused",
        "refused_help": "Correct the fields marked below and check again.",
        "warnings": "Warnings", "line": "line", "collect": "Facts to collect",
        "collect_help": "Answer these in the form and check again: each could decide or change the findings listed.",
        "could_change": "could decide or change", "dropped_expect": "The file's `expect:` block (pinned results) is "
        "not part of the form and was left out.",
        "offline": "Works offline · nothing stored · rules and engine of the command line",
        "error_page": "Something went wrong", "error_internal": "An internal error in normcheck. Nothing was stored. "
        "Go back and try again; if it happens again, please report it.",
        "refused_request": "Request refused", "back": "Back to the form",
        "lang_en": "English", "lang_nl": "Nederlands",
        # field errors
        "err_both": "Give a value or make a choice, not both.",
        "err_personal_key": "`{key}` looks like personal data; this page takes anonymised facts only.",
        "err_personal_value": "This looks like personal data ({what}); this page takes anonymised facts only.",
        "err_name": "This text seems to contain a person's name; replace it by a role, e.g. 'the applicant'.",
        "err_dob": "An exact date of birth is personal data; the age in months at application is enough.",
        "err_policy_both": "This fact is also stated by the chosen policy; state it once (clear it here, or choose no policy).",
        "err_policy_unknown": "This policy is not one this page offers; choose it from the list.",
        "err_id": "Give an anonymised reference of letters, digits and - _ . : / (no spaces), e.g. amv-2025-0042.",
        "err_kind_int": "Give a whole number, or choose unknown.",
        "err_kind_decimal": "Give a number, or choose unknown.",
        "err_kind_date": "Give a date (year-month-day), or choose unknown.",
        "err_date_order": "Dates are written year-month-day: did you mean {right}?",
        "err_kind_country": "Give a two-letter country code such as NL, AT or SO.",
        "err_kind_enum": "Choose one of the values listed.", "err_kind_bool": "Choose yes, no or unknown.",
        "err_kind_set": "Tick the items that apply, or choose one of the other answers.",
        "err_kind_text": "Give a text.", "err_kind_null": "This fact cannot be empty: choose unknown instead.",
        "err_mismatch": "This does not match what the other facts give ({computed}); correct one of them, or "
                        "leave this one empty and let normcheck compute it.",
        "err_unknown_key": "`{key}` is not a fact or key of a case file.",
        "err_yaml": "The file is not a plain case file: {detail}",
        "err_required": "The file has no `{key}`.",
        "err_other": "{detail}",
        "what_email": "an e-mail address", "what_phone": "a phone number", "what_bsn": "a citizen service number (BSN)",
        "what_vnumber": "a V-number", "what_iban": "a bank account number (IBAN)",
        "what_passport": "a passport or identity-document number", "what_name": "a person's name",
    },
    "nl": {
        "title": "normcheck — een zaak toetsen",
        "lead": "Vul in wat het dossier zegt en toets het aan de regels. Deze pagina draait op uw eigen computer: "
                "niets van wat u invult wordt bewaard of verstuurd.",
        "skip_form": "Naar het formulier", "skip_findings": "Naar de bevindingen",
        "language": "Taal", "check": "Zaak toetsen", "case": "De zaak",
        "id": "Kenmerk", "id_help": "Een geanonimiseerd kenmerk van deze zaak, bijv. amv-2025-0042: nooit een naam, "
        "V-nummer of BSN.",
        "record_type": "Soort dossier", "record_type_help": "Een besluit over één persoon, beleid dat in het algemeen "
        "wordt getoetst, of een maatregel van binnengrenscontrole.",
        "as_of": "Peildatum", "as_of_help": "De dag van de toetsing. Leeg: de beslisdatum, anders vandaag. Bepaalt welke "
        "regels gelden.",
        "policy": "Beleid", "policy_help": "Een beleidsdossier uit cases/policies/ waarvan de parameters voor deze zaak "
        "gelden. De feiten ervan worden aan de zaak toegevoegd; vul ze hieronder niet nog eens in.",
        "policy_none": "— geen beleid —", "policy_uploaded": "het beleid uit het geopende bestand",
        "note": "Opmerking", "note_help": "Optioneel. Geanonimiseerd: geen namen.",
        "not_stated": "— niet vermeld —", "as_ticked": "— zoals aangevinkt —", "as_typed": "— zoals ingevuld —", "or": "of",
        "none_of_these": "geen van deze (een lege lijst)", "null": "geen (uitdrukkelijk afwezig)",
        "true": "ja", "false": "nee", "unknown": "onbekend", "not_disclosed": "niet openbaar gemaakt door de autoriteit",
        "derived": "Wordt berekend uit andere feiten als u het leeg laat; vult u het in, dan wordt het daartegen "
                   "gecontroleerd.",
        "free_set_help": "Onderdelen gescheiden door komma's.", "empty_hint": "Een leeg veld zonder keuze ernaast laat het feit onvermeld (onbekend); een lijst zonder vinkjes ook, tenzij u geen kiest.", "fact_name": "in casusbestanden",
        "facts_stated": "feiten vermeld: {n}", "more": "nog {n}", "upload": "Een casusbestand openen (YAML)",
        "upload_button": "Formulier vullen uit het bestand",
        "upload_help": "Het bestand wordt hier gelezen, gecontroleerd zoals een casusbestand op de opdrachtregel, en "
                       "niet bewaard.",
        "downloads": "Downloaden", "download_case": "de zaak (YAML)", "download_findings": "de bevindingen als",
        "findings": "Bevindingen", "no_findings_yet": "Toets de zaak om hier de bevindingen te zien.",
        "refused": "De zaak is niet getoetst", "refused_upload": "Het bestand is geweigerd",
        "refused_help": "Verbeter de hieronder gemarkeerde velden en toets opnieuw.",
        "warnings": "Waarschuwingen", "line": "regel", "collect": "Nog te verzamelen feiten",
        "collect_help": "Beantwoord deze in het formulier en toets opnieuw: elk kan de genoemde bevindingen beslissen "
                        "of veranderen.",
        "could_change": "kan beslissen of veranderen", "dropped_expect": "Het `expect:`-blok van het bestand "
        "(vastgelegde uitkomsten) hoort niet bij het formulier en is weggelaten.",
        "offline": "Werkt offline · niets bewaard · dezelfde regels en rekenkern als de opdrachtregel",
        "error_page": "Er ging iets mis", "error_internal": "Een interne fout in normcheck. Er is niets bewaard. Ga terug "
        "en probeer het opnieuw; meld het als het nog eens gebeurt.",
        "refused_request": "Verzoek geweigerd", "back": "Terug naar het formulier",
        "lang_en": "English", "lang_nl": "Nederlands",
        "err_both": "Vul een waarde in of maak een keuze, niet allebei.",
        "err_personal_key": "`{key}` lijkt op persoonsgegevens; deze pagina accepteert alleen geanonimiseerde feiten.",
        "err_personal_value": "Dit lijkt op persoonsgegevens ({what}); deze pagina accepteert alleen geanonimiseerde "
                              "feiten.",
        "err_name": "Deze tekst lijkt een naam van een persoon te bevatten; vervang die door een rol, bijv. "
                    "'de aanvrager'.",
        "err_dob": "Een precieze geboortedatum is een persoonsgegeven; de leeftijd in maanden bij de aanvraag volstaat.",
        "err_policy_both": "Dit feit staat ook in het gekozen beleid; vermeld het één keer (maak het hier leeg, of kies "
                           "geen beleid).",
        "err_policy_unknown": "Dit beleid biedt deze pagina niet aan; kies het uit de lijst.",
        "err_id": "Geef een geanonimiseerd kenmerk van letters, cijfers en - _ . : / (geen spaties), bijv. amv-2025-0042.",
        "err_kind_int": "Vul een geheel getal in, of kies onbekend.",
        "err_kind_decimal": "Vul een getal in, of kies onbekend.",
        "err_kind_date": "Vul een datum in (jaar-maand-dag), of kies onbekend.",
        "err_date_order": "Een datum schrijft u als jaar-maand-dag: bedoelt u {right}?",
        "err_kind_country": "Vul een landcode van twee letters in, zoals NL, AT of SO.",
        "err_kind_enum": "Kies een van de genoemde waarden.", "err_kind_bool": "Kies ja, nee of onbekend.",
        "err_kind_set": "Vink de onderdelen aan die gelden, of kies een van de andere antwoorden.",
        "err_kind_text": "Vul een tekst in.", "err_kind_null": "Dit feit kan niet leeg zijn: kies dan onbekend.",
        "err_mismatch": "Dit klopt niet met wat de andere feiten geven ({computed}); verbeter een van beide, of laat "
                        "dit veld leeg zodat normcheck het berekent.",
        "err_unknown_key": "`{key}` is geen feit of sleutel van een casusbestand.",
        "err_yaml": "Het bestand is geen gewoon casusbestand: {detail}",
        "err_required": "Het bestand heeft geen `{key}`.",
        "err_other": "Het casusbestand is op dit punt geweigerd (toelichting in het Engels: {detail}).",
        "what_email": "een e-mailadres", "what_phone": "een telefoonnummer", "what_bsn": "een burgerservicenummer (BSN)",
        "what_vnumber": "een V-nummer", "what_iban": "een bankrekeningnummer (IBAN)",
        "what_passport": "een paspoort- of identiteitsdocumentnummer", "what_name": "een naam van een persoon",
    },
}

_YAML_DETAIL_NL = (
    ("anchors and aliases", "YAML-ankers en -aliassen (&naam, *naam) zijn niet toegestaan"),
    ("merge keys", "YAML-samenvoegsleutels (<<) zijn niet toegestaan"),
    ("appears twice", "een sleutel komt twee keer voor in hetzelfde blok"),
    ("too large", "het bestand is te groot voor een casusbestand"),
    ("too deeply nested", "het bestand is te groot of te diep genest voor een casusbestand"),
    ("not UTF-8", "het bestand is geen UTF-8-tekst"),
    ("not valid YAML", "geen geldige YAML"),
    ("is empty", "het bestand is leeg"),
    ("must be a mapping", "een casusbestand is een lijst van sleutels met waarden"),
    ("anonymised reference", "het kenmerk (`id`) moet een geanonimiseerd kenmerk zijn"),
    ("is not a date", "geen bestaande datum (JJJJ-MM-DD)"),
    ("is not a number", "geen getal"),
    ("a key must be a plain word", "een sleutel moet een gewoon woord zijn"),
)


def t(lang: str, key: str, /, **params: object) -> str:
    # positional-only: a text's own {key} placeholder is passed as key=… (e.g. err_unknown_key)
    text = TEXT.get(lang, TEXT["en"]).get(key) or TEXT["en"].get(key, key)
    return text.format(**params) if params else text


def value_label(value: str, lang: str, vocabulary_label: str | None = None) -> str:
    """An enum, set or special value in words: the vocabulary's wording, ours, or the value itself."""
    if vocabulary_label:
        return vocabulary_label
    if value in TEXT["en"] and value in ("true", "false", "unknown", "not_disclosed", "null"):
        return t(lang, value)
    return value.replace("_", " ")


def personal_data_words(value: str, lang: str) -> str:
    """What in `value` looks like personal data, in the page's language."""
    out = []
    for hit in guard.scan(value):
        out.append(t(lang, "what_" + hit.kind.replace("_", "")))
    return ", ".join(dict.fromkeys(out))


_KEY = re.compile(r"`([^`]+)`")


def diagnostic_text(d: Diagnostic, lang: str, kind: str | None, value: str | None) -> str:
    """A loader diagnostic about a field of `kind` holding `value`, in the page's language.

    The English page keeps the loader's own sentence (it names the value and what was expected);
    the Dutch page words the same problem by its kind, so no English appears in a Dutch page."""
    m = d.message
    found = _KEY.search(m)
    key = found.group(1) if found else ""
    if lang == "en":
        if "seems to contain a person's name" in m:
            return t(lang, "err_name")
        return m + (f" (expected: {d.expected})" if d.expected and "expected" not in m else "")
    if "looks like personal data" in m and d.message.startswith("`"):
        return t(lang, "err_personal_key", key=key)
    if "person's name" in m:
        return t(lang, "err_name")
    if re.match(r"this (value|key|comment) contains", m):
        return t(lang, "err_personal_value", what=personal_data_words(value or "", lang) or "?")
    if "person's name" in m:
        return t(lang, "err_name")
    if "exact date of birth" in m:
        return t(lang, "err_dob")
    if "stated both" in m:
        return t(lang, "err_policy_both")
    if "not one of the policies" in m or "policy file" in m:
        return t(lang, "err_policy_unknown")
    if "but the other facts give" in m:
        computed = m.rsplit("the other facts give", 1)[1].strip()
        return t(lang, "err_mismatch", computed=computed)
    if m.startswith(("unknown fact", "unknown key")):
        return t(lang, "err_unknown_key", key=key)
    if m.startswith("the file has no"):
        return t(lang, "err_required", key=key)
    if "cannot be empty" in m:
        return t(lang, "err_kind_null")
    if d.code == "NC-F016":
        return t(lang, "err_date_order", right=m.rsplit("did you mean", 1)[1].strip(" ?"))
    if kind == "id" or "`id`" in m:
        return t(lang, "err_id")
    for needle, words in _YAML_DETAIL_NL:
        if needle in m:
            return t(lang, "err_yaml", detail=words)
    if kind in ("int", "decimal", "date", "country", "enum", "bool", "set", "text"):
        return t(lang, f"err_kind_{kind}")
    return t(lang, "err_other", detail=m)

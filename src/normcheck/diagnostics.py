"""Errors a person can act on: file, line, column, the offending line with a caret, what was expected,
and a stable code saying what kind of problem it is.

Every stage raises `InputError` with one or more `Diagnostic`s instead of letting a library
exception (Lark, ruamel, pydantic) reach the user as a traceback. The code (`NC-R020`, …) is the
machine-readable kind: tests, the JSON report and a web page tell a typo from a refused YAML bomb
by the code, never by the wording; `CODES` lists every one and the README documents them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

Severity = Literal["error", "warning"]
QUOTE_WIDTH = 160  # a quoted line longer than this is shown around the column

# Control characters, C1 controls, bidirectional overrides and line separators: never sent to a terminal as they are.
_CONTROL = "[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"


def printable(text: str) -> str:
    """`text` with control characters shown escaped (\\x1b, \\n, \\u202e), so no input can drive the terminal.
    Every character of `_CONTROL` is one that `str.isprintable` refuses (Unicode's Other and Separator
    categories), so a printable text is returned as it is without the pattern (thousands of calls in a report,
    and the pattern's compiling, a third of a millisecond, only when a text has such a character)."""
    if text.isprintable():
        return text
    return _control().sub(_escape_char, text)


@lru_cache(maxsize=1)
def _control() -> re.Pattern[str]:
    return re.compile(_CONTROL)


def printable_lines(text: str) -> str:
    """Like `printable`, keeping the line breaks of a multi-line explanation."""
    return "\n".join(printable(line) for line in text.split("\n"))


def _escape_char(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c == 10:
        return "\\n"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

# Every code normcheck can give, with what it means (the README's table says the same). A code is
# never reused for another kind of problem; new kinds get new numbers.
CODES: dict[str, str] = {
    # Y: the YAML text of a case, policy or vocabulary file
    "NC-Y001": "not valid YAML (a syntax error)",
    "NC-Y002": "the file is not UTF-8 text, or holds characters YAML does not allow (a NUL byte, a control character)",
    "NC-Y003": "YAML anchors and aliases are refused",
    "NC-Y004": "YAML merge keys (<<) are refused",
    "NC-Y005": "a key appears twice in the same block",
    "NC-Y006": "a key is not a plain word",
    "NC-Y007": "a value is not what it is written as (an impossible date, a number normcheck does not read)",
    "NC-Y008": "a case file holds more than one YAML document",
    # L: limits that keep hostile input from exhausting the machine
    "NC-L001": "the file is too large",
    "NC-L002": "the document is too large or too deeply nested",
    "NC-L003": "the sweep grid has too many points",
    "NC-L004": "a number with too many digits, or an expression nested too deep",
    "NC-L005": "more problems in a file than are listed (the first ones are shown)",
    # P: paths
    "NC-P001": "no such file or folder",
    "NC-P002": "a folder holds no case files",
    "NC-P003": "the file cannot be read",
    "NC-P004": "the rules folder is missing or holds no rule files",
    "NC-P005": "no cases folder to test",
    "NC-P006": "the report cannot be written",
    "NC-P007": "an added rules folder (`--add-rules`, `normcheck_rules`) is missing, holds no rule or vocabulary files, or is given twice",
    "NC-P008": "`rules --diff OLD`: OLD is neither a folder of rule files nor a readable git revision of this repository",
    "NC-P009": "the file `normcheck new` would write already exists (it never overwrites one)",
    # F: facts, case files and the vocabulary
    "NC-F001": "unknown fact",
    "NC-F002": "unknown key",
    "NC-F003": "a fact's value is not allowed (type, value list, null)",
    "NC-F004": "a required key is missing",
    "NC-F005": "unsupported format version",
    "NC-F006": "unknown record type",
    "NC-F007": "a malformed `expect:` block",
    "NC-F008": "the file is empty or not a mapping of keys to values",
    "NC-F009": "a fact is stated both in the case and in its policy",
    "NC-F010": "the policy a case names is missing, broken or not a policy",
    "NC-F011": "a derived fact contradicts the facts it is computed from",
    "NC-F012": "another malformed value in a case file",
    "NC-F013": "the facts lead to a computation the rules cannot carry out (e.g. a date beyond the calendar)",
    "NC-F014": "a fact stated twice with different values (under `facts:` and at the top of the file)",
    "NC-F015": "`pinned_against` is not a rule pack's SHA-256 (64 hex digits, or at least the first 12)",
    "NC-F016": "a date not written year-month-day (15-03-2025, 15/03/2025, 2025/03/15): the error suggests the ISO date",
    "NC-F017": "a malformed `assessments:` block (not an open-norm fact, an unknown criterion, an unknown role)",
    "NC-F020": "a vocabulary file is malformed",
    "NC-F021": "a fact is declared twice in the vocabulary",
    "NC-F022": "a vocabulary fact has an unknown type, no values, or a malformed range or `not_established`",
    "NC-F023": "`values_of` names no enum or set fact",
    "NC-F024": "malformed `labels`, `label`, `question`, `ask` or `help` of a vocabulary fact",
    "NC-F025": "a malformed `open_norm` of a vocabulary fact, or a criterion citing an unknown source",
    "NC-F030": "rules/families.yaml is missing or malformed (the norm families and the kinds of record)",
    # A: anonymisation guard
    "NC-A001": "a key that names personal data",
    "NC-A002": "a text that contains an e-mail address",
    "NC-A003": "a text that contains a phone number",
    "NC-A004": "a text that contains a citizen service number (BSN)",
    "NC-A005": "a text that contains a V-number",
    "NC-A006": "a text that contains a bank account number (IBAN)",
    "NC-A007": "a text that contains a passport or identity-document number",
    "NC-A010": "a text that contains a person's name (an honorific, a first and family name)",
    "NC-A011": "an exact date of birth (warning)",
    # R: the rule language and its checker
    "NC-R001": "syntax error in a rule file",
    "NC-R002": "not a real calendar date in a rule file",
    "NC-R003": "a rule file is not UTF-8 text",
    "NC-R010": "a source is declared twice or has no identifier",
    "NC-R011": "a citation names no source or an unknown one, or has an empty pinpoint",
    "NC-R012": "a source is declared but never cited (warning)",
    "NC-R013": "a source declaration lacks what its court citation is built from (kind, court, case or application, "
               "parties, date, act) or gives it in one language only",
    "NC-R014": "a citation's pinpoint (in a rule file, or of an open norm's criterion in the vocabulary) is not in the "
               "locator notation or does not fit the kind of source, or what it is cited for is not in both languages",
    "NC-R015": "a source has no Dutch title or does not say what kind of source it is (warning)",
    "NC-R020": "unknown fact or value",
    "NC-R021": "type error",
    "NC-R022": "unknown function, or wrong arguments",
    "NC-R023": "unknown rule, or `RULE fires` where it cannot be used",
    "NC-R030": "a definition is duplicated, redefines a stated fact, or has the wrong type",
    "NC-R031": "definitions or rules refer to each other in a circle",
    "NC-R040": "a rule id or version is duplicated, or its validity is inconsistent",
    "NC-R041": "a title or message is missing, empty or doubled in a language",
    "NC-R042": "a missing or unknown level, severity or condition",
    "NC-R043": "a `replaces` line is malformed (twice in a rule, its reason missing in English or Dutch) or cannot take "
               "effect (in the bundled rules, no earlier rule of that id, the same folder, a rule replaced twice)",
    "NC-R044": "an added rule has the id of an earlier rule without saying `replaces` (a silent clash of ids)",
    "NC-R045": "rules in a file that is not a declared norm family, or a rule reading facts its family does not declare",
    "NC-R046": "a CONTESTED grade names fewer than two readings, or a reading follows no CONTESTED grade",
    "NC-R047": "a reading names no source, gives no level a reading can give, or lacks its words in a language; a "
               "counter-argument not written as readings",
    "NC-R048": "a `settled` line names no reading of the rule or an unknown source, or the rule has no `judged on`",
    "NC-R049": "the same place in a source is cited as verified in one rule and as unverified in another (a warning)",
    "NC-R050": "a counter-argument without a CONTESTED grade (no longer reported: every `counter` line is now an "
               "error, NC-R047)",
    "NC-R051": "`is null` on a fact that is never null (warning)",
    # C: command-line options
    "NC-C001": "an option names something that does not exist or is malformed",
    # I: normcheck itself
    "NC-I001": "internal error: the two engines disagree",
    "NC-I002": "internal error: normcheck failed",
    "NC-I003": "the compiled rule-pack cache could not be read or written (warning)",
}

# The same kinds in Dutch, keyed by code: a Dutch report words an input error by its kind (`localize`),
# never by translating the English sentence. A test checks that every code has its Dutch text.
CODES_NL: dict[str, str] = {
    "NC-Y001": "geen geldige YAML (een fout in de opbouw van het bestand)",
    "NC-Y002": "het bestand is geen UTF-8-tekst of bevat tekens die YAML niet toestaat (een NUL-byte, een stuurteken)",
    "NC-Y003": "YAML-ankers en -verwijzingen worden geweigerd",
    "NC-Y004": "YAML-samenvoegsleutels (<<) worden geweigerd",
    "NC-Y005": "een sleutel staat twee keer in hetzelfde blok",
    "NC-Y006": "een sleutel is geen gewoon woord",
    "NC-Y007": "een waarde is niet wat zij lijkt (een onmogelijke datum, een getal dat normcheck niet leest)",
    "NC-Y008": "een dossierbestand bevat meer dan één YAML-document",
    "NC-L001": "het bestand is te groot",
    "NC-L002": "het document is te groot of te diep genest",
    "NC-L003": "het raster van de doorrekening heeft te veel punten",
    "NC-L004": "een getal met te veel cijfers, of een uitdrukking die te diep genest is",
    "NC-L005": "er zijn meer problemen in dit bestand dan hier staan (de eerste worden getoond)",
    "NC-P001": "dit bestand of deze map bestaat niet",
    "NC-P002": "de map bevat geen dossierbestanden",
    "NC-P003": "het bestand kan niet worden gelezen",
    "NC-P004": "de map met regels ontbreekt of bevat geen regelbestanden",
    "NC-P005": "geen map met dossiers om te toetsen",
    "NC-P006": "het rapport kan niet worden geschreven",
    "NC-P007": "een toegevoegde regelmap (`--add-rules`, `normcheck_rules`) ontbreekt, bevat geen regel- of woordenlijstbestanden, of is twee keer "
               "opgegeven",
    "NC-P008": "`rules --diff OLD`: OLD is geen map met regelbestanden en geen leesbare git-versie van deze repository",
    "NC-P009": "het bestand dat `normcheck new` zou schrijven bestaat al (het wordt nooit overschreven)",
    "NC-F001": "onbekend feit",
    "NC-F002": "onbekende sleutel",
    "NC-F003": "deze waarde is voor dit feit niet toegestaan (soort, lijst van waarden, leeg)",
    "NC-F004": "een verplichte sleutel ontbreekt",
    "NC-F005": "deze versie van het bestandsformaat wordt niet ondersteund",
    "NC-F006": "onbekende soort dossier",
    "NC-F007": "een onjuist opgebouwd `expect:`-blok",
    "NC-F008": "het bestand is leeg of is geen lijst van sleutels met waarden",
    "NC-F009": "een feit staat zowel in het dossier als in het beleid waarnaar het verwijst",
    "NC-F010": "het beleid waarnaar het dossier verwijst ontbreekt, is onleesbaar of is geen beleid",
    "NC-F011": "een afgeleid feit is in strijd met de feiten waaruit het wordt berekend",
    "NC-F012": "een andere onjuiste waarde in een dossierbestand",
    "NC-F013": "de feiten leiden tot een berekening die de regels niet kunnen uitvoeren (bijv. een datum buiten de kalender)",
    "NC-F014": "een feit staat twee keer met verschillende waarden (onder `facts:` en bovenaan het bestand)",
    "NC-F015": "`pinned_against` is geen SHA-256 van een regelset (64 hexadecimale tekens, of ten minste de eerste 12)",
    "NC-F016": "een datum die niet als jaar-maand-dag (JJJJ-MM-DD) is geschreven",
    "NC-F017": "een onjuist blok `assessments:` (geen feit met een open norm, een onbekend criterium, een onbekende rol)",
    "NC-F020": "een bestand van de woordenlijst is onjuist opgebouwd",
    "NC-F021": "een feit staat twee keer in de woordenlijst",
    "NC-F022": "een feit in de woordenlijst heeft een onbekende soort, geen waarden, of een onjuist bereik of `not_established`",
    "NC-F023": "`values_of` verwijst niet naar een feit met een lijst van waarden",
    "NC-F024": "onjuiste `labels`, `label`, `question`, `ask` of `help` bij een feit in de woordenlijst",
    "NC-F025": "een onjuiste `open_norm` bij een feit in de woordenlijst, of een criterium dat een onbekende bron aanhaalt",
    "NC-F030": "rules/families.yaml ontbreekt of is onjuist (de normfamilies en de soorten dossiers)",
    "NC-A001": "een sleutel die naar persoonsgegevens verwijst",
    "NC-A002": "een tekst met een e-mailadres",
    "NC-A003": "een tekst met een telefoonnummer",
    "NC-A004": "een tekst met een burgerservicenummer (BSN)",
    "NC-A005": "een tekst met een V-nummer",
    "NC-A006": "een tekst met een bankrekeningnummer (IBAN)",
    "NC-A007": "een tekst met een paspoort- of identiteitsbewijsnummer",
    "NC-A010": "een tekst met de naam van een persoon (een aanspreekvorm, een voor- en achternaam)",
    "NC-A011": "een exacte geboortedatum (waarschuwing)",
    "NC-R001": "fout in de opbouw van een regelbestand",
    "NC-R002": "geen bestaande kalenderdatum in een regelbestand",
    "NC-R003": "een regelbestand is geen UTF-8-tekst",
    "NC-R010": "een bron is twee keer opgegeven of heeft geen kenmerk",
    "NC-R011": "een verwijzing noemt geen of een onbekende bron, of heeft een lege vindplaats",
    "NC-R012": "een bron is opgegeven maar wordt nergens aangehaald (waarschuwing)",
    "NC-R013": "bij een bron ontbreekt waaruit de aanhaling wordt opgebouwd (soort, instantie, zaak- of klachtnummer, partijen, datum, regeling), of "
               "het staat er in één taal",
    "NC-R014": "de vindplaats van een aanhaling (in een regelbestand, of bij een criterium van een open norm in de woordenlijst) volgt de "
               "notatie niet of past niet bij de soort bron, of waarvoor zij wordt aangehaald staat er niet in beide talen",
    "NC-R015": "een bron heeft geen Nederlandse titel of zegt niet wat voor bron het is (waarschuwing)",
    "NC-R020": "onbekend feit of onbekende waarde",
    "NC-R021": "de soorten waarden passen niet bij elkaar",
    "NC-R022": "onbekende functie, of verkeerde argumenten",
    "NC-R023": "onbekende regel, of `RULE fires` waar dat niet kan",
    "NC-R030": "een definitie staat er twee keer, herdefinieert een vermeld feit of heeft de verkeerde soort",
    "NC-R031": "definities of regels verwijzen in een kring naar elkaar",
    "NC-R040": "een regelkenmerk of -versie staat er twee keer, of de geldigheid klopt niet",
    "NC-R041": "een titel of boodschap ontbreekt, is leeg of staat er twee keer in een taal",
    "NC-R042": "een ontbrekend of onbekend niveau, ernst of voorwaarde",
    "NC-R043": "een `replaces`-regel is onjuist (twee keer in een regel, de reden ontbreekt in het Engels of Nederlands) of kan niet werken (in de "
               "meegeleverde regels, geen eerdere regel met dat kenmerk, dezelfde map, een regel twee keer vervangen)",
    "NC-R044": "een toegevoegde regel heeft het kenmerk van een eerdere regel zonder `replaces` (een stille botsing van kenmerken)",
    "NC-R045": "regels in een bestand dat geen opgegeven normfamilie is, of een regel die feiten leest die zijn familie niet opgeeft",
    "NC-R046": "een omstreden niveau noemt minder dan twee lezingen, of een lezing volgt op geen omstreden niveau",
    "NC-R047": "een lezing noemt geen bron, geeft geen niveau dat een lezing kan geven, of mist haar tekst in een taal; "
               "een tegenargument dat niet als lezingen is geschreven",
    "NC-R048": "een regel `settled` noemt geen lezing van de regel of een onbekende bron, of de regel heeft geen `judged on`",
    "NC-R049": "dezelfde vindplaats in een bron is in de ene regel als geverifieerd en in een andere als niet geverifieerd "
               "aangehaald (waarschuwing)",
    "NC-R050": "een tegenargument zonder omstreden niveau (wordt niet meer gemeld: elke regel `counter` is nu een fout, NC-R047)",
    "NC-R051": "`is null` bij een feit dat nooit leeg is (waarschuwing)",
    "NC-C001": "een optie noemt iets dat niet bestaat of onjuist is geschreven",
    "NC-I001": "interne fout: de twee rekenkernen zijn het oneens",
    "NC-I002": "interne fout: normcheck is vastgelopen",
    "NC-I003": "de opgeslagen regelset kon niet worden gelezen of geschreven (waarschuwing)",
}

# The words around a diagnostic in a Dutch report.
_WORDS = {"nl": {"error": "fout", "warning": "waarschuwing", "expected": "verwacht", "hint": "suggestie",
                 "or": "of"}}
_QUOTED = r"`([^`\n]{1,80})`"  # compiled on first use (by `re`): only a Dutch diagnostic needs it


def localize(d: Diagnostic, lang: str) -> Diagnostic:
    """`d` worded in `lang`: in Dutch, the kind of problem by its code (`CODES_NL`), with the names the
    English message quotes (a fact, a value, a key) and the names a hint suggests; position, quoted
    line and code stay. English is the diagnostic as raised."""
    if lang != "nl" or d.code not in CODES_NL:
        return d
    names = list(dict.fromkeys(re.findall(_QUOTED, d.message)))
    message = CODES_NL[d.code] + (": " + ", ".join(f"`{n}`" for n in names) if names else "")
    suggested = list(dict.fromkeys(re.findall(_QUOTED, d.hint or "")))
    # a date suggested in the message itself ("did you mean 2025-03-15?")
    suggested += [m for m in re.findall(r"did you mean (\d{4}-\d{2}-\d{2})", d.message) if m not in suggested]
    hint = " of ".join(f"`{n}`" for n in suggested) if suggested else None
    return replace(d, message=message, expected=None, hint=hint)


# Diagnostics raised by the case-file loader (facts/*) before it passes codes itself: their kind,
# recognised once, here. A new message there without a code gets NC-F012 (another malformed value).
# (Compiled on the first diagnostic without a code: a run without one does not pay for them.)
_UNCODED: tuple[tuple[str, str], ...] = (
    (r"^not valid YAML", "NC-Y001"),
    (r"not UTF-8|NUL byte|is not allowed in a YAML file", "NC-Y002"),
    (r"anchors and aliases", "NC-Y003"),
    (r"merge keys", "NC-Y004"),
    (r"appears twice in the same block", "NC-Y005"),
    (r"^a key must be a plain word", "NC-Y006"),
    (r"one YAML document; this is a second one", "NC-Y008"),
    (r"^file is too large", "NC-L001"),
    (r"too large or too deeply nested|nested more than \d+ levels|too deeply nested|has more than [\d,]+ values", "NC-L002"),
    (r"^this number has [\d,]+ digits", "NC-L004"),
    (r"^… and [\d,]+ more problems", "NC-L005"),
    (r"^cannot read the file|^not a regular file", "NC-P003"),
    (r"^unknown fact", "NC-F001"),
    (r"^unknown key", "NC-F002"),
    (r"^the file has no ", "NC-F004"),
    (r"^unsupported format version|^`normcheck` is the format version", "NC-F005"),
    (r"^`record_type` is '", "NC-F006"),
    (r"^(in `expect`|expected outcome)", "NC-F007"),
    (r"^(the file is empty|a case file must be a mapping|`facts` must be a mapping)", "NC-F008"),
    (r"both in this case and in the policy", "NC-F009"),
    (r"^(policy file|the policy `|`policy` |policy `)|not a policy(_instrument| record)|a policy record cannot", "NC-F010"),
    (r"here but .* at the top of the file$", "NC-F014"),
    (r"^`pinned_against` takes", "NC-F015"),
    (r"looks like personal data", "NC-A001"),
    (r"exact date of birth", "NC-A011"),
    (r"^`[^`]*` (is not a date$|is not a (plain )?number|is written with an exponent)", "NC-Y007"),
    (r"^`id` must", "NC-F012"),
    (r"assessment of `|is not a criterion of the test of `|is not the conclusion of an open norm|"
     r"an assessment is given for an open-norm fact|^`assessments` must", "NC-F017"),
    (r"dates are written year-month-day; did you mean", "NC-F016"),
    (r"^`[^`]*`(:| (takes|does not take|cannot be empty|has an unsupported type|is ))|^item \d+ of `", "NC-F003"),
)


@lru_cache(maxsize=1)
def _uncoded() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p), c) for p, c in _UNCODED)


# What the anonymisation guard found ("this value contains a phone number, …"): the first kind decides.
_PERSONAL = (("an e-mail", "NC-A002"), ("a phone", "NC-A003"), ("a citizen service number", "NC-A004"),
             ("a V-number", "NC-A005"), ("a bank account", "NC-A006"), ("a passport", "NC-A007"),
             ("a person's name", "NC-A010"))
_CONTAINS = r"^this (?:key|value|comment) contains (.*?); case files"  # compiled on first use (by `re`)


def code_of(message: str) -> str:
    """The code of a diagnostic raised without one (see `_UNCODED`)."""
    found = re.match(_CONTAINS, message)
    if found:
        return next((code for kind, code in _PERSONAL if found.group(1).startswith(kind)), "NC-A001")
    for pattern, code in _uncoded():
        if pattern.search(message):
            return code
    return "NC-F012"


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place in one file."""

    file: str
    line: int | None
    column: int | None
    message: str
    expected: str | None = None
    hint: str | None = None
    source_line: str | None = None
    severity: Severity = "error"
    width: int = 1
    code: str = ""

    def __post_init__(self) -> None:
        if not self.code:
            object.__setattr__(self, "code", code_of(self.message))
        elif self.code not in CODES:
            raise ValueError(f"unknown diagnostic code {self.code}")

    def location(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"

    def render(self, lang: str = "en") -> str:
        """Plain-text form, the same in a terminal, a log and a test failure (control characters escaped);
        in `lang` (the message as `localize` words it)."""
        words = _WORDS.get(lang, {})
        severity = words.get(self.severity, self.severity)
        out = [printable(f"{self.location()}: {severity}[{self.code}]: {self.message}")]
        if self.source_line is not None and self.line is not None:
            gutter = f"{self.line:>5} | "
            text = self.source_line.rstrip("\n").rstrip("\r")
            col = (self.column or 1) - 1
            lead = ""
            if len(text) > QUOTE_WIDTH:  # a long line (a 900 KB note) is shown around the column
                start = max(0, min(col - QUOTE_WIDTH // 2, len(text) - QUOTE_WIDTH))
                lead = "…" if start else ""
                tail = "…" if start + QUOTE_WIDTH < len(text) else ""
                col -= start
                text = text[start: start + QUOTE_WIDTH] + tail
            shown_before = lead + printable(text[:col])
            out.append(gutter + shown_before + printable(text[col:]))
            if self.column is not None:
                caret = " " * len(shown_before) + "^" * max(1, min(self.width, 80))
                out.append(" " * (len(gutter) - 2) + "| " + caret)
        if self.expected:
            out.append(f"  {words.get('expected', 'expected')}: " + printable(self.expected))
        if self.hint:
            out.append(f"  {words.get('hint', 'hint')}: " + printable(self.hint))
        return "\n".join(out)


@dataclass
class InputError(Exception):
    """Bad input (a case file, a rule file, an option): exit code 2, never a traceback."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


def source_line(text: str, line: int | None) -> str | None:
    """The 1-based `line` of `text`, for quoting under an error."""
    if line is None or line < 1:
        return None
    start = 0
    for _ in range(line - 1):  # lines end at \n only: a U+2028 inside a value does not shift them
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    end = text.find("\n", start)
    return text[start: end if end >= 0 else len(text)].rstrip("\r")


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> str | None:
    """A 'did you mean …?' hint from the closest known names, or None."""
    from difflib import get_close_matches  # only when there is a hint to give

    pool = sorted(set(candidates))
    close = get_close_matches(word, pool, n=n, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        close = [lowered[c] for c in get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)]
    if not close:
        return None
    return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


def one_of(values: Sequence[str], limit: int = 12) -> str:
    """'one of a, b, c' in plain words, shortened when the list is long."""
    vals = list(values)
    shown = ", ".join(vals[:limit])
    if len(vals) > limit:
        shown += f", … ({len(vals)} in all)"
    return f"one of {shown}"

"""Court-style citations, built from the data of a `source` declaration and a pinpoint.

A rule cites a source with a locator written in one small, checked notation ("para 47",
"§§ 77-105", "operative part, point 1", "Art. 26(1)(a)(i) and (b)(i)-(ii)", "recital 12",
"question 2") and, optionally, what the pinpoint is cited for, in each language. This module parses
the locator (the checker calls `parse_locator`, so a locator that does not parse is a rule-file
error) and writes the citation as a court would, in the report's language:

    nl  HvJ EU 14 januari 2021, C-441/19, ECLI:EU:C:2021:9 (T.Q.), punt 47
    en  Case C-441/19 TQ, EU:C:2021:9, para 47
    nl  EHRM (GK) 23 augustus 2016, nr. 59166/12 (J.K. e.a. t. Zweden), § 102
    en  J.K. and Others v Sweden [GC], no. 59166/12, § 102, 23 August 2016
    nl  art. 10 lid 2 Terugkeerrichtlijn (Richtlijn 2008/115/EG)
    en  Article 10(2) of Directive 2008/115/EC (Return Directive)

Nothing is guessed from free text: the court, the case or application number, the parties' short
name, the act and its short name are attributes of the source declaration. It depends on the IR
only, so every report shows the same words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from . import ir

KINDS: tuple[ir.SourceKind, ...] = ir.SOURCE_KINDS
# Kinds a finding cites in its body; secondary material is listed as background only.
BODY_KINDS: tuple[ir.SourceKind, ...] = ("judgment", "decision", "reference", "legislation", "policy")
RULINGS: tuple[ir.SourceKind, ...] = ("judgment", "decision", "reference")
FORMATIONS: tuple[ir.Formation, ...] = ir.FORMATIONS


@dataclass(frozen=True)
class Court:
    """How a court is named and its paragraphs are cited, per language."""

    nl: str
    en: str
    para_nl: str  # "punt" (CJEU, as the EU style guide cites it), "r.o." (Dutch courts) or "§" (Strasbourg)
    para_en: str  # "para" or "§"
    needs: tuple[str, ...]  # source attributes its citation is built from


COURTS: dict[ir.CourtCode, Court] = {  # one per ir.CourtCode
    "cjeu": Court("HvJ EU", "Court of Justice", "punt", "para", ("cases", "parties", "date")),
    "ecthr": Court("EHRM", "European Court of Human Rights", "§", "§", ("applications", "parties", "date")),
    "ecsr": Court("ECSR", "European Committee of Social Rights", "§", "§", ("cases", "parties", "date")),
    "abrvs": Court("ABRvS", "Council of State (ABRvS)", "r.o.", "para", ("ecli", "date")),
    "rb": Court("Rb.", "District Court of", "r.o.", "para", ("ecli", "date", "seats")),
}

# Where the official text lives: a link elsewhere is background, not the source (a test checks).
OFFICIAL_HOSTS = ("eur-lex.europa.eu", "curia.europa.eu", "hudoc.echr.coe.int", "hudoc.esc.coe.int",
                  "uitspraken.rechtspraak.nl", "deeplink.rechtspraak.nl", "wetten.overheid.nl",
                  "zoek.officielebekendmakingen.nl", "www.tweedekamer.nl", "www.europarl.europa.eu",
                  "www.rijksoverheid.nl", "ind.nl")

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_ORDINALS_NL = {1: "eerste", 2: "tweede", 3: "derde", 4: "vierde", 5: "vijfde"}
_ROMAN = r"(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)"  # compiled on first use (by `re`)

MARK = "*"
LEGEND = {"en": "* not verified against the published text (the paragraph, or the source's own text or identifiers)",
          "nl": "* niet geverifieerd aan de gepubliceerde tekst (het randnummer, of de tekst of gegevens van de bron zelf)"}
WORDING_NOTE = {"en": "wording not checked against the official text",
                "nl": "bewoording niet nagelezen in de officiële tekst"}


def long_date(d: dt.date, lang: str) -> str:
    """A date as a court writes it: 14 January 2021 / 14 januari 2021."""
    return f"{d.day} {_MONTHS.get(lang, _MONTHS['en'])[d.month - 1]} {d.year}"


# ---- the locator notation ---------------------------------------------------------------------


class LocatorError(ValueError):
    """A pinpoint that is not written in the locator notation."""


LOCATOR_FORMS = ('"para 47", "paras 46-47", "§ 102", "§§ 77-105", "operative part", "operative part, point 1", '
                 '"operative part, points 1 and 3", "operative part, first indent", "recital 12", "question 2", '
                 '"Art. 10(2)", "Art. 26(1)(a)(i) and (b)(i)-(ii)", "Art. 4(1), second sentence", "Art. 14(1), introductory words", "Arts 1 and 4", '
                 'several joined by ";" — or no locator at all ("") with what is cited in en "…" nl "…"')

Ranges = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class Paras:
    """A pinpoint to paragraphs of a judgment (`para. 57`, `paras 52-55`)."""

    numbers: Ranges


@dataclass(frozen=True)
class Operative:
    """A pinpoint to the operative part of a judgment (its points and indents)."""

    points: Ranges = ()
    indent: int | None = None


@dataclass(frozen=True)
class Recital:
    """A pinpoint to recitals of an act."""

    numbers: Ranges


@dataclass(frozen=True)
class Question:
    """A pinpoint to the questions referred to the Court."""

    numbers: Ranges


@dataclass(frozen=True)
class ArtRef:
    """One article with its paragraphs, points and subparagraphs, as the pinpoint writes them."""

    number: str
    tail: tuple[tuple[str, str], ...] = ()  # (connector "", "and", "-"; the part in brackets)
    sentence: tuple[int, str] | None = None  # (ordinal, "sentence" | "subparagraph")


@dataclass(frozen=True)
class Articles:
    """A pinpoint to articles of an act (`Art. 25(1)(b) and 26`)."""

    refs: tuple[ArtRef, ...]


Part = Paras | Operative | Recital | Question | Articles

_NUM = r"\d+(?:\.\d+)*[a-z]?"
_RANGE = rf"{_NUM}(?:\s*-\s*{_NUM})?"
_LIST = rf"{_RANGE}(?:\s*(?:,|and)\s*{_RANGE})*"


def _ranges(text: str) -> Ranges:
    out = []
    for item in re.split(r"\s*(?:,|\band\b)\s*", text.strip()):
        lo, _, hi = item.partition("-")
        out.append((lo.strip(), hi.strip() or None))
    return tuple(out)


@lru_cache(maxsize=2048)
def parse_locator(text: str) -> tuple[Part, ...]:
    """The parts of a locator ("" gives none); raises `LocatorError` with what was not understood.

    Cached (bounded; the parts are immutable): a pack cites the same few locators in many rules, and a
    report words each of them for every finding that cites it."""
    text = " ".join(text.split())
    if not text:
        return ()
    return tuple(_part(p.strip()) for p in text.split(";"))


_LIST_AFTER = re.compile(rf"\s*({_LIST})")  # the numbers after a locator's word (one pattern for every word)
# "operative part, first indent": compiled by `re` on first use (few packs cite an indent), not at every start
_INDENT = r"(\w+)\s+indent"


def _numbers_after(p: str, words: tuple[str, ...], space: bool) -> str | None:
    """The list of numbers after the first of `words` that `p` starts with (the longer form first: "paras"
    before "para"), with at least one space between them when `space`; None when `p` is not written so."""
    for word in words:
        if p.startswith(word):
            rest = p[len(word):]
            if space and not rest[:1].isspace():
                return None
            m = _LIST_AFTER.fullmatch(rest)
            return m.group(1) if m else None
    return None


def _part(p: str) -> Part:
    # A locator's word is read by hand and its numbers by one shared pattern (compiling a pattern per word
    # cost about a millisecond of every run); a list starts with a digit, so "paras" never reads as "para".
    numbers = _numbers_after(p, ("paras", "para", "§§", "§"), False)
    if numbers is not None:
        return Paras(_ranges(numbers))
    if p.startswith("operative part"):
        rest = p[len("operative part"):]
        if not rest:
            return Operative(())
        if rest.startswith(","):
            rest = rest[1:].lstrip()
            numbers = _numbers_after(rest, ("points", "point"), True)
            if numbers is not None:
                return Operative(_ranges(numbers))
            m = re.fullmatch(_INDENT, rest)
            if m:
                if m.group(1) not in _ORDINALS:
                    raise LocatorError(f"`{m.group(1)} indent`: write first, second, third … indent")
                return Operative(indent=_ORDINALS[m.group(1)])
    numbers = _numbers_after(p, ("recitals", "recital"), True)
    if numbers is not None:
        return Recital(_ranges(numbers))
    numbers = _numbers_after(p, ("questions", "question"), True)
    if numbers is not None:
        return Question(_ranges(numbers))
    m = re.fullmatch(r"Arts?\.?\s+(.+)", p) if p.startswith("Art") else None
    if m:
        return Articles(_articles(m.group(1)))
    raise LocatorError(f"`{p}` is not a locator")


_ART_TOKEN = re.compile(r"\s*(?:(?P<intro>,\s*introductory words)"
                        r"|(?P<sent>,\s*(?P<ord>first|second|third|fourth|fifth)\s+(?P<what>sentence|subparagraph))"
                        r"|(?P<group>\((?P<g>[0-9]+|[a-z]+)\))|(?P<conn>and|,|-)|(?:Art\.\s*)?(?P<art>\d+[a-z]*(?::\d+[a-z]*)?))")


def _articles(text: str) -> tuple[ArtRef, ...]:
    refs: list[ArtRef] = []
    pos, conn, expect_art = 0, "", True
    text = text.strip()
    while pos < len(text):
        m = _ART_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise LocatorError(f"`{text[pos:].strip()}` is not part of an article reference")
        pos = m.end()
        if m.group("art") is not None:
            if not expect_art and conn == "":
                raise LocatorError(f"`{m.group('art')}`: join article numbers with `and`")
            refs.append(ArtRef(m.group("art")))
            conn, expect_art = "", False
        elif m.group("group") is not None:
            if not refs:
                raise LocatorError("an article reference starts with its number")
            last = refs[-1]
            refs[-1] = ArtRef(last.number, last.tail + ((conn if last.tail else "", m.group("g")),), last.sentence)
            conn, expect_art = "", False
        elif m.group("conn") is not None:
            if conn or expect_art:
                raise LocatorError(f"`{m.group('conn')}` has nothing before it")
            conn, expect_art = m.group("conn"), True
        else:
            if not refs:
                raise LocatorError("an article reference starts with its number")
            last = refs[-1]
            words = (0, "intro") if m.group("intro") else (_ORDINALS[m.group("ord")], m.group("what"))
            refs[-1] = ArtRef(last.number, last.tail, words)
    if conn or not refs:
        raise LocatorError("the article reference ends too early")
    return tuple(refs)


# ---- rendering a locator -------------------------------------------------------------------------


def _last_item(pin: str) -> str:
    """The last numbered item of a Dutch pinpoint ("art. 5, onder a, en 6 lid 1" -> "6 lid 1";
    "art. 26 lid 1, onder a en b" stays whole: letters are not a new article or paragraph)."""
    return re.split(r"(?:, | en )(?=\d)", pin.rsplit("; ", 1)[-1])[-1]


def _and(items: list[str], lang: str) -> str:
    word = " en " if lang == "nl" else " and "
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + word + items[-1]


def _consecutive(a: str, b: str) -> bool:
    if a.isdigit() and b.isdigit():
        return int(b) == int(a) + 1
    return len(a) == 1 and len(b) == 1 and a.isalpha() and ord(b) == ord(a) + 1


def _numbers(r: Ranges, lang: str, pair_as_and: bool = False) -> str:
    items = []
    for lo, hi in r:
        if hi is None:
            items.append(lo)
        elif pair_as_and and _consecutive(lo, hi):
            items.append(f"{lo}{' en ' if lang == 'nl' else ' and '}{hi}")
        else:
            items.append(f"{lo}-{hi}")
    return _and(items, lang)


def _plural(r: Ranges) -> bool:
    return len(r) > 1 or any(hi for _, hi in r)


def _level(value: str, previous: int) -> int:
    if value.isdigit():
        return 1
    if re.fullmatch(_ROMAN, value) and previous >= 2:
        return 3
    return 2


def _art_nl(ref: ArtRef) -> str:
    words = {1: "lid", 2: "onder", 3: "sub"}
    out, previous = ref.number, 0
    for conn, value in ref.tail:
        level = _level(value, previous)
        if conn == "":
            out += f"{' ' if level == 1 else ', '}{words[level]} {value}"
        elif conn == "-":
            last = out.rsplit(" ", 1)[-1]
            out += f"{' en ' if _consecutive(last, value) else ' tot en met '}{value}"
        elif level == previous:
            out += f"{', ' if conn == ',' else ' en '}{value}"
        else:
            out += f", {'' if conn == ',' else 'en '}{words[level]} {value}"
        previous = level
    if ref.sentence:
        ordinal, what = ref.sentence
        out += ", aanhef" if what == "intro" else \
            f", {_ORDINALS_NL.get(ordinal, str(ordinal))} {'volzin' if what == 'sentence' else 'alinea'}"
    return out


def _art_en(ref: ArtRef) -> str:
    out = ref.number
    for conn, value in ref.tail:
        out += {"": "", "and": " and ", ",": ", ", "-": " to "}[conn] + f"({value})"
    if ref.sentence:
        ordinal, what = ref.sentence
        out += ", introductory words" if what == "intro" else \
            f", {next(k for k, v in _ORDINALS.items() if v == ordinal)} {what}"
    return out


def _part_text(part: Part, lang: str, court: Court | None) -> str:
    nl = lang == "nl"
    if isinstance(part, Paras):
        word = (court.para_nl if nl else court.para_en) if court else ("punt" if nl else "para")
        if word == "§":
            word = "§§" if _plural(part.numbers) else "§"
        elif word == "para" and _plural(part.numbers):
            word = "paras"
        elif word == "punt" and _plural(part.numbers):
            word = "punten"
        return f"{word} {_numbers(part.numbers, lang)}"
    if isinstance(part, Operative):
        out = "dictum" if nl else "operative part"
        if part.points:
            if nl:
                out += f", onder {_numbers(part.points, lang, pair_as_and=True)}"
            else:
                out += f", {'points' if _plural(part.points) else 'point'} {_numbers(part.points, lang, pair_as_and=True)}"
        if part.indent:
            out += (f", {_ORDINALS_NL[part.indent]} gedachtestreepje" if nl else
                    f", {next(k for k, v in _ORDINALS.items() if v == part.indent)} indent")
        return out
    if isinstance(part, Recital):
        word = ("overwegingen" if _plural(part.numbers) else "overweging") if nl else \
            ("recitals" if _plural(part.numbers) else "recital")
        return f"{word} {_numbers(part.numbers, lang)}"
    if isinstance(part, Question):
        word = ("vragen" if _plural(part.numbers) else "vraag") if nl else \
            ("questions" if _plural(part.numbers) else "question")
        return f"{word} {_numbers(part.numbers, lang)}"
    refs = part.refs
    if nl:
        out = "art. " + _art_nl(refs[0])
        for i, ref in enumerate(refs[1:], 1):
            sep = " en " if i == len(refs) - 1 else ", "
            out += ("," if ", " in _last_item(out) and sep == " en " else "") + sep + _art_nl(ref)
        return out
    texts = [_art_en(r) for r in refs]
    return ("Articles " if len(refs) > 1 else "Article ") + _and(texts, lang)


def is_locator(text: str) -> bool:
    """Is `text` in the locator notation? (A reading's source may be located by free text instead.)"""
    try:
        parse_locator(text)
    except LocatorError:
        return False
    return True


def pinpoint(c: ir.Citation, source: ir.Source, lang: str) -> str:
    """The citation's locator in the report's language ("" for the source as a whole). A source
    whose kind is not declared keeps its pinpoint as written (`normcheck lint` warns about it), and so
    does a reading's source located by free text (the checker accepts that for readings only, with a
    warning)."""
    if not source.kind:
        return c.pinpoint
    return _pinpoint(c.pinpoint, source.court, lang)


@lru_cache(maxsize=4096)
def _pinpoint(text: str, court: ir.CourtCode | None, lang: str) -> str:
    """A locator worded for a court and a language (cached, bounded: each finding citing it words it again)."""
    try:
        parts = parse_locator(text)
    except LocatorError:
        return text
    words = COURTS[court] if court else None
    return "; ".join(_part_text(p, lang, words) for p in parts)


# ---- the citation --------------------------------------------------------------------------------


def _text(source: ir.Source, attr: str, lang: str) -> str:
    return source.text(attr, lang) or ""


def _with_pin(text: str, pin: str) -> str:
    return f"{text}, {pin}" if pin else text


def citation(c: ir.Citation, source: ir.Source, lang: str) -> str:
    """The source with its pinpoint as a court would cite it, in `lang`."""
    return format_source(source, pinpoint(c, source, lang), lang)


def format_source(source: ir.Source, pin: str, lang: str) -> str:
    nl = lang == "nl"
    date = long_date(source.date, lang) if source.date else ""
    parties = _text(source, "parties", lang)
    cases = _and(list(source.cases), lang) if source.cases else ""
    if source.kind == "legislation":
        act, short = _text(source, "acts", lang), _text(source, "shorts", lang)
        if nl:
            named = f"{short} ({act})" if short else act
            # "art. 14 lid 1, onder b, Terugkeerrichtlijn": a pinpoint whose last article has its own
            # commas closes with one; "art. 28 lid 1, 3 en 4 Terugkeerrichtlijn" (a list) does not
            closes = ", " in _last_item(pin)
            return f"{pin}{',' if closes else ''} {named}" if pin else named
        named = f"{act} ({short})" if short else act
        text = f"{pin} of {named}" if pin else named
        return text[:1].upper() + text[1:]
    if source.kind in RULINGS and source.court in COURTS:
        court = source.court
        if source.kind == "reference":
            if nl:
                return _with_pin(f"HvJ EU, zaak {cases} ({parties}), aanhangig; verzoek om een prejudiciële beslissing "
                                 f"ingediend op {date}", pin)
            return _with_pin(f"Case {cases} {parties} (pending), request for a preliminary ruling lodged on {date}", pin)
        if court == "cjeu":
            if nl:
                head = f"HvJ EU {date}, {cases}" + (f", {source.ecli}" if source.ecli else "")
                return _with_pin(head + (f" ({parties})" if parties else ""), pin)
            head = f"{'Joined Cases' if len(source.cases) > 1 else 'Case'} {cases} {parties}".rstrip()
            head += f", {source.ecli.removeprefix('ECLI:')}" if source.ecli else f", judgment of {date}"
            return _with_pin(head, pin)
        if court == "ecthr":
            apps = _and(list(source.applications), lang)
            grand = source.formation == "grand_chamber"
            dec = source.kind == "decision"
            if nl:
                number = ("nrs. " if len(source.applications) > 1 else "nr. ") + apps
                head = f"EHRM{' (GK)' if grand else ''} {date}{' (ontv.)' if dec else ''}, {number} ({parties})"
                return _with_pin(head, pin)
            number = ("nos. " if len(source.applications) > 1 else "no. ") + apps
            head = f"{parties}{' [GC]' if grand else ''}{' (dec.)' if dec else ''}, {number}"
            return f"{_with_pin(head, pin)}, {date}"
        if court == "ecsr":
            if nl:
                return _with_pin(f"ECSR {date}, klacht nr. {cases} ({parties})", pin)
            return _with_pin(f"{parties}, Complaint No. {cases}, decision on the merits of {date}", pin)
        if court == "abrvs":
            return _with_pin(f"{COURTS[court].nl if nl else COURTS[court].en} {date}, {source.ecli}", pin)
        if court == "rb":
            seat = _text(source, "seats", lang)
            if nl:
                return _with_pin(f"Rb. {seat} {date}, {source.ecli}", pin)
            return _with_pin(f"District Court of {seat}, {date}, {source.ecli}", pin)
    return _with_pin(_text(source, "titles", lang), pin)


def court_name(source: ir.Source, lang: str) -> str | None:
    """The court or body that gave the source, in words in the report's language (a court code's
    name, with a district court's seat; or the court as the rule file words it)."""
    if source.court is None:
        return source.court_text
    court = COURTS[source.court]
    name = court.nl if lang == "nl" else court.en
    seat = _text(source, "seats", lang) if source.court == "rb" and source.seats else None
    return f"{name} {seat}" if seat else name


def link(source: ir.Source, lang: str) -> str | None:
    """A link to the official text, in the report's language where the official site has one."""
    if source.celex:
        return f"https://eur-lex.europa.eu/legal-content/{lang.upper()}/TXT/?uri=CELEX:{source.celex}"
    if source.ecli and source.ecli.startswith("ECLI:NL:"):
        return f"https://uitspraken.rechtspraak.nl/details?id={source.ecli}"
    if source.court == "ecthr":
        if source.hudoc:
            return f"https://hudoc.echr.coe.int/eng?i={source.hudoc}"
        if source.applications:
            numbers = ",".join(f'"{a}"' for a in source.applications)
            return "https://hudoc.echr.coe.int/eng#" + quote('{"appno":[' + numbers + "]}", safe='{}[]:,/')
    if source.url:
        return source.url
    if source.court == "cjeu" and source.cases:
        return f"https://curia.europa.eu/juris/liste.jsf?num={source.cases[0]}&language={lang}"
    return None


def official(url: str | None) -> bool:
    """Is the link on the site that publishes the official text?"""
    if not url:
        return False
    host = re.sub(r"^https?://", "", url).split("/", 1)[0].split("#", 1)[0].lower()
    return host in OFFICIAL_HOSTS


def footnote(c: ir.Citation, source: ir.Source) -> bool:
    """Does the citation carry the footnote mark (not verified against the published text)? An
    article of an act cited from EUR-Lex is the published text itself: never marked."""
    if source.kind == "legislation":
        return False
    return not c.verified or source.status == "unverified"


def wording_note(c: ir.Citation, source: ir.Source, lang: str) -> str | None:
    """A legislative article whose wording the rule's author could not check: a note, not a mark."""
    if source.kind == "legislation" and not c.verified and c.pinpoint:
        return WORDING_NOTE.get(lang, WORDING_NOTE["en"])
    return None

"""The anonymisation guard: case files hold anonymised facts, never personal data.

Every scalar of a case file (keys and values, numbers as written) and every YAML comment is
scanned once. The text is first normalised (NFKC, every kind of space, dash and digit made
plain, zero-width characters dropped), so `jan＠example.nl`, a BSN written with non-breaking
spaces or full-width digits, and `+31 (0)6 12345678` read like their plain forms. Each pattern
is bounded (no unbounded repetition next to another), so the scan is linear in the input.

What it finds: a citizen service number (BSN, by the 11-test of `python-stdnum`, in any
notation, or any nine digits after the word BSN), a V-number (after a V cue), a phone number
(Dutch, or international with + or 00), an e-mail address (IDN domains too), an IBAN (mod-97,
`python-stdnum`), a passport or identity-card number, and a person's name: an honorific or a
form of address ("dhr.", "mevr.", "mr.", "Mr", "Mrs", "Ms", "Cliënt:", "client") followed by a
name, a name announced as such ("naam: …"), or a first name followed by a family name (first
names from Faker's name lists). Dates, times, amounts, counts, ECLIs, case numbers, rule ids
and legal citations are not personal data and are left alone.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

PERSONAL_KEYS = {
    "name", "naam", "first_name", "firstname", "voornaam", "last_name", "lastname", "surname", "achternaam",
    "family_name", "full_name", "given_name", "initials", "voorletters", "v_number", "vnumber", "v_nummer",
    "vnummer", "bsn", "citizen_service_number", "burgerservicenummer", "email", "e_mail", "mail", "phone",
    "telephone", "telefoon", "telefoonnummer", "mobile", "mobiel", "address", "adres", "street", "straat", "postcode",
    "zip", "passport_number", "paspoortnummer", "document_number", "documentnummer", "iban", "client_name",
    "applicant_name", "client", "cliënt", "clientnaam", "geboorteplaats", "place_of_birth", "woonplaats",
}

# ---- normalisation ---------------------------------------------------------------------------

_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                               "\u2066\u2067\u2068\u2069"), None)
_DASHES = {ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043"}
_DIGIT_BLOCKS = (0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
                 0x0D66, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810, 0x1946, 0x19D0, 0xFF10, 0x1D7CE)
_DIGITS = {base + i: str(i) for base in _DIGIT_BLOCKS for i in range(10)}
_TABLE = {**_DROP, **_DASHES, **_DIGITS}
_SPACE = re.compile(r"\s")


class _Lazy:
    """A pattern compiled on its first use. Compiling the guard's patterns costs about 10 ms of every
    run; those behind a cue (a role word, "naam", "passport", an "@", a name that may be a case
    citation's party) are not needed for most case files."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled().finditer(text)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().match(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().search(text, pos, endpos)


class _NamePattern:
    """A name pattern in two forms, each compiled on its first use: as written, and with its letter classes
    cut to A-Z and a-z for a text all of whose characters come before "À" (U+00C0), as nearly every text of
    a case file's does. There the two find the same matches; the cut form compiles in a third of the time
    (the Unicode classes cost about 0.6 ms a pattern)."""

    __slots__ = ("full", "plain")

    def __init__(self, pattern: str) -> None:
        self.full = _Lazy(pattern)
        self.plain = _Lazy(pattern.replace(_UP, "A-Z").replace(_LOW, "a-z").replace("’", ""))

    def finditer(self, text: str, plain: bool) -> Iterator[re.Match[str]]:
        return (self.plain if plain else self.full).finditer(text)


def _plain(text: str) -> bool:
    """Does every character of `text` come before "À", so that its letters are A-Z and a-z only?"""
    return text.isascii() or max(text) < "\xc0"


# The characters up to U+00FF that NFKC leaves as they are: ASCII and most of Latin-1 ("é", "§"), none of them a
# combining mark, none composing with another. A text of these only is its own NFKC form.
_NFKC_SAME = frozenset(map(chr, range(0x100))) - frozenset(map(chr, (0xA0, 0xA8, 0xAA, 0xAF, 0xB2, 0xB3, 0xB4, 0xB5, 0xB8,
                                                                    0xB9, 0xBA, 0xBC, 0xBD, 0xBE)))


def _nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`; a text of _NFKC_SAME characters as it is, without loading
    unicodedata (a C extension: about 0.3 ms of a run whose case file has a "§" or an "é" and nothing more)."""
    if _NFKC_SAME.issuperset(text):
        return text
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def normalise(text: str) -> str:
    """One plain form of a text: NFKC, every space a space, every dash a hyphen, digits 0-9, no zero-width characters."""
    if not text.isascii():
        text = _nfkc(text).translate(_TABLE)
    return _SPACE.sub(" ", text)


# ---- findings --------------------------------------------------------------------------------

WHAT = {
    "bsn": "a citizen service number (BSN)",
    "v_number": "a V-number (vreemdelingennummer)",
    "phone": "a phone number",
    "email": "an e-mail address",
    "iban": "a bank account number (IBAN)",
    "passport": "a passport or identity-document number",
    "name": "a person's name",
}


MAX_HITS = 12  # per text: a value or a comment is refused at the first; a few more say what else it holds


@dataclass(frozen=True)
class Hit:
    """One piece of personal data in a normalised text: its kind and where it is."""

    kind: str
    start: int
    end: int

    @property
    def what(self) -> str:
        return WHAT[self.kind]


# ---- numbers: BSN, V-number, phone ------------------------------------------------------------

# A run of digits with the separators people put between them; maximal (never starts inside a number).
_CHUNK = re.compile(r"(?<![\w+])[+(]?[0-9][0-9 .\-/()]*")
_TOKEN = re.compile(r"[0-9]+|[^0-9]+")
_BSN_CUE = _Lazy(r"(?i)(?:bsn|burgerservice ?nummer|burger service nummer|sofi[- ]?nummer|sofinr|"
                      r"citizen service number|social security number|service number)[^0-9]{0,30}$")
_V_CUE = _Lazy(r"(?i)(?:\bv[- .]?(?:nummer|nr|number|no|num)\b\.?|vreemdelingen ?nummer|alien (?:registration )?number|"
                    r"immigration number)[^0-9]{0,30}$|\bv\W{0,3}$")
# A number followed by a unit or preceded by a currency is an amount or a count, not a BSN.
_UNIT_AFTER = _Lazy(r"(?i)[ ]?(?:euro|eur|€|dollar|usd|pond|gbp|persons|people|personen|mensen|inwoners|inhabitants|"
                         r"checks|controles|cases|zaken|km|kg|days|dagen|months|maanden|years|jaar|times|keer|x)\b")
_CURRENCY_BEFORE = _Lazy(r"(?i)(?:eur|€|usd|\$|£|gbp|chf)[ ]?$")
_V_INLINE = _Lazy(r"(?i)(?<![\w])v[- .]?(?:nummer|nr|number|no)?\.?[ :#]{0,3}([0-9](?:[ .\-]?[0-9]){9})(?![0-9])")


_BSN_CUE_WORDS = ("bsn", "burger", "sofi", "number")  # every alternative of _BSN_CUE holds one of these


def _bsn_cue_possible(before: str) -> bool:
    """Can _BSN_CUE match in `before`? Not in an ASCII text without one of _BSN_CUE_WORDS in any case (in another
    text, letters outside ASCII may match some of its letters when case is ignored: the pattern decides)."""
    if not before.isascii():
        return True
    low = before.lower()
    return any(word in low for word in _BSN_CUE_WORDS)


def _bsn_ok(digits: str) -> bool:
    """The BSN test of `python-stdnum`; nine digits that already fail its 11-test are refused without importing
    it (python-stdnum's start-up imports ssl, socket and pydoc: about 20 ms of every one-case run)."""
    if len(digits) == 9 and digits.isascii() and digits.isdigit() and \
            (sum((9 - i) * int(n) for i, n in enumerate(digits[:-1])) - int(digits[-1])) % 11:
        return False
    from stdnum.nl import bsn

    return bsn.is_valid(digits)


def _date_groups(groups: list[str], seps: list[str]) -> set[int]:
    """Indexes of digit groups that are part of a date (d-m-y, y-m-d) written with - . or /."""
    out: set[int] = set()
    for i in range(len(groups) - 2):
        s1, s2 = seps[i], seps[i + 1]
        if s1 != s2 or s1 not in ("-", ".", "/"):
            continue
        a, b, c = groups[i], groups[i + 1], groups[i + 2]
        if (i > 0 and seps[i - 1] == s1) or (i + 3 < len(groups) and seps[i + 2] == s1):
            continue  # 06.12.34.56.78: a longer sequence, not a date
        day_first = len(a) <= 2 and len(b) <= 2 and len(c) in (2, 4) and 1 <= int(a) <= 31 and 1 <= int(b) <= 31
        year_first = len(a) == 4 and a[:2] in ("19", "20") and len(b) <= 2 and len(c) <= 2 and 1 <= int(b) <= 12 and 1 <= int(c) <= 31
        if day_first or year_first:
            out.update((i, i + 1, i + 2))
    return out


def _numbers(text: str) -> Iterator[Hit]:
    # Every number found has eight digits 0-9 or more (a phone number, a BSN, a V-number), in one run of digits:
    # a text or a run with fewer (a date, a count of months) is not looked into.
    if _digits(text) < 8:
        return
    for m in _CHUNK.finditer(text):
        chunk = m.group(0).rstrip(" .-/(")
        start = m.start()
        if chunk.endswith(")") and chunk.count("(") < chunk.count(")"):
            chunk = chunk.rstrip(")")
        if _digits(chunk) >= 8:
            yield from _chunk_hits(text, chunk, start)
    for m in _V_INLINE.finditer(text) if _digits(text) >= 10 and _v_word(text) else ():
        if len(re.sub(r"[^0-9]", "", m.group(1))) == 10:
            yield Hit("v_number", m.start(), m.end())


def _digits(text: str) -> int:
    """How many of the characters of `text` are 0-9."""
    return sum(map(text.count, "0123456789"))


def _v_word(text: str) -> bool:
    """Does a word of `text` start with v or V? A match of _V_INLINE does (after no word character), with ten digits
    0-9 after it (only v and V are v when case is ignored): a text without both needs no pattern compiled."""
    for v in "vV":
        at = text.find(v)
        while at >= 0:
            if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"):
                return True
            at = text.find(v, at + 1)
    return False


def _chunk_hits(text: str, chunk: str, start: int) -> Iterator[Hit]:
    """Split a run of digits into groups, drop dates and times, and test the windows people write numbers in."""
    groups: list[str] = []
    offsets: list[int] = []
    seps: list[str] = []  # separator after each group ("" for the last)
    plus = chunk.startswith("+")
    pos = 0
    sub_starts = [0]  # index of the first group of each sub-chunk (a long separator splits)
    for tok in _TOKEN.findall(chunk):
        if tok[0].isdigit():
            groups.append(tok)
            offsets.append(start + pos)
            seps.append("")
        elif groups:
            seps[-1] = tok
            if len(tok) > 3:
                sub_starts.append(len(groups))
        pos += len(tok)
    if not groups:
        return
    end = start + len(chunk)
    excluded = _date_groups(groups, seps)
    if end < len(text) and text[end] == ":":  # an hour (10:00)
        excluded.add(len(groups) - 1)
    if start > 0 and text[start - 1] == ":":
        excluded.add(0)
    # runs of groups that are neither dates nor times, not across a long separator
    runs: list[list[int]] = []
    cur: list[int] = []
    bounds = set(sub_starts)
    for i in range(len(groups)):
        if i in excluded or (i in bounds and cur):
            if cur:
                runs.append(cur)
            cur = []
        if i not in excluded:
            cur.append(i)
    if cur:
        runs.append(cur)
    for run in runs:
        yield from _run_hits(text, groups, offsets, seps, run, plus and run[0] == 0)


def _window(groups: list[str], idx: list[int]) -> str:
    return "".join(groups[i] for i in idx)


def _run_hits(text: str, groups: list[str], offsets: list[int], seps: list[str], run: list[int], plus: bool) -> Iterator[Hit]:
    first, last = run[0], run[-1]
    span = (offsets[first], offsets[last] + len(groups[last]))
    whole = _window(groups, run)
    before = text[max(0, span[0] - 40): span[0]]
    # space-separated words of the run (a word keeps its . - / separators)
    words: list[list[int]] = [[]]
    for i in run:
        words[-1].append(i)
        if i != last and " " in seps[i]:
            words.append([])
    # phone numbers
    if plus:
        digits = _drop_trunk(groups, run, text, offsets)
        if 8 <= len(digits) <= 15:
            yield Hit("phone", span[0] - 1, span[1])
            return
    if _is_phone(whole):
        yield Hit("phone", span[0], span[1])
        return
    # a phone number among other numbers: consecutive words starting with 0, ten digits
    for w0 in range(len(words)):
        if not groups[words[w0][0]].startswith("0"):
            continue
        acc: list[int] = []
        for w in words[w0:]:
            acc.extend(w)
            n = len(_window(groups, acc))
            if n >= 10:
                if n == 10 and _is_phone(_window(groups, acc)):
                    yield Hit("phone", offsets[acc[0]], offsets[acc[-1]] + len(groups[acc[-1]]))
                    return
                break
    # BSN: the whole run, or one space-separated word
    # The cues are read only for a number they can decide (eight to ten digits): most numbers of a case file
    # (days, months, years, counts) are shorter, and their patterns are then never compiled.
    def cue() -> bool:
        return _bsn_cue_possible(before) and _BSN_CUE.search(before) is not None

    def v_cue() -> bool:
        return _V_CUE.search(before) is not None

    def measured() -> bool:
        return _UNIT_AFTER.match(text, span[1]) is not None or _CURRENCY_BEFORE.search(before) is not None

    for cand in [run] + (words if len(words) > 1 else []):
        digits = _window(groups, cand)
        where = (offsets[cand[0]], offsets[cand[-1]] + len(groups[cand[-1]]))
        if len(cand) == 2 and groups[cand[0]] == "001" and seps[cand[0]] == "-":
            continue  # a HUDOC item id (001-161829), not a BSN
        if (len(digits) == 9 and _bsn_ok(digits) and not (cand is run and measured())) or \
                (cand is run and len(digits) in (8, 9) and cue()):
            yield Hit("bsn", *where)
            return
        if cand is run and len(digits) == 10 and v_cue():
            yield Hit("v_number", *where)
            return


def _drop_trunk(groups: list[str], run: list[int], text: str, offsets: list[int]) -> str:
    """Digits of an international number without the "(0)" of the national trunk prefix."""
    out = []
    for i in run:
        if groups[i] == "0" and offsets[i] > 0 and text[offsets[i] - 1] == "(":
            continue
        out.append(groups[i])
    return "".join(out)


def _is_phone(digits: str) -> bool:
    """A Dutch number (0 + nine digits, not 00) or an international one written with 00."""
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        return True
    return digits.startswith("00") and digits[2:3] not in ("", "0") and 11 <= len(digits) <= 15


# ---- e-mail, IBAN, passport ------------------------------------------------------------------

_AT = r"(?:@|[ ]?[\[({][ ]?(?:at|apenstaartje)[ ]?[\])}][ ]?)"
_DOT = r"(?:\.|[ ]?[\[({][ ]?(?:dot|punt)[ ]?[\])}][ ]?)"
_EMAIL = _Lazy(r"(?i)(?<![\w.+%-])[\w.+%-]{1,64}" + _AT + r"[\w-]{1,63}(?:" + _DOT + r"[\w-]{1,63}){0,6}" + _DOT
                    + r"(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})(?![\w-])")
_IBAN = _Lazy(r"(?i)(?<![\w])[a-z]{2}[0-9]{2}(?:[ ]?[a-z0-9]){10,30}")
_PASSPORT_CUE = _Lazy(r"(?i)(?:paspoort|passport|reisdocument|travel document|identiteitskaart|identity card|"
                           r"id[- ]?kaart|id[- ]?card|id[- ]?bewijs|documentnummer|document number|doc\.? ?nr)"
                           r"\W{0,4}(?:nr\.?|nummer|number|no\.?)?[ :#.]{0,4}([A-Za-z0-9]{6,12})(?![\w])")
_PASSPORT = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]{7,8}(?![\w-])")


def _mod97(compact: str) -> bool:
    """The IBAN check (ISO 13616): country and check digits moved to the end, letters as numbers, mod 97 == 1.
    Only ASCII letters and digits can pass: with case ignored, _IBAN's [a-z] also matches a few other letters
    (U+0130 `İ`, the Kelvin sign), which are no IBAN and no base-36 digit."""
    if not (compact.isascii() and compact.isalnum()):
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


# The shape of the ASCII characters of a text: letters "a", digits "0", the others " " (see _iban_possible).
_SHAPE = str.maketrans({chr(c): "a" if chr(c).isalpha() else "0" if chr(c).isdigit() else " " for c in range(128)})


def _iban_possible(text: str) -> bool:
    """Does `text` hold two digits 0-9 after two characters that may be letters, as a match of _IBAN does? (With case
    ignored, [a-z] is an ASCII letter or one of a few other characters, all outside ASCII.) A text without needs no
    pattern compiled."""
    shape = text.translate(_SHAPE)
    at = shape.find("00", 2)
    while at >= 0:
        if all(c == "a" or c > "\x7f" for c in shape[at - 2: at]):
            return True
        at = shape.find("00", at + 1)
    return False


def _iban(text: str) -> Iterator[Hit]:
    if not _iban_possible(text):
        return
    for m in _IBAN.finditer(text):
        raw = m.group(0).upper()
        ends, n = [], 0  # an IBAN ends where a group ends: before a space, or at the end of the match
        for c in raw:
            if c == " ":
                ends.append(n)
            else:
                n += 1
        ends.append(n)
        compact = raw.replace(" ", "")
        for end in sorted(set(ends), reverse=True):
            if 15 <= end <= 34 and _mod97(compact[:end]) and _iban_ok(compact[:end]):
                yield Hit("iban", m.start(), m.end())
                break


def _iban_ok(compact: str) -> bool:
    """`python-stdnum`'s IBAN check (country formats too), imported only for a text that passes the mod-97 test."""
    from stdnum import iban

    return bool(iban.is_valid(compact))


_PASSPORT_CUES = ("pasp", "passport", "reisdoc", "travel doc", "identit", "id", "doc")
# In a text of characters before "À" (see _plain), where ignoring case is ignoring the case of A-Z, a match of
# _PASSPORT_CUE holds one of these as written (in lower case); "id" and "doc" alone are in many words.
_PASSPORT_CUES_PLAIN = ("paspoort", "passport", "reisdocument", "travel document", "identiteitskaart", "identity card",
                        "idkaart", "id-kaart", "id kaart", "idcard", "id-card", "id card", "idbewijs", "id-bewijs",
                        "id bewijs", "documentnummer", "document number", "docnr", "doc.nr", "doc nr", "doc. nr")


def _passport(text: str) -> Iterator[Hit]:
    low = text.lower()
    cues = _PASSPORT_CUES_PLAIN if _plain(text) else _PASSPORT_CUES
    for m in (_PASSPORT_CUE.finditer(text) if any(c in low for c in cues) else ()):
        token = m.group(1)
        if any(c.isdigit() for c in token):
            yield Hit("passport", m.start(1), m.end(1))
    for m in _PASSPORT.finditer(text):
        token = m.group(0)
        digits = sum(c.isdigit() for c in token)
        letters = len(token) - digits
        if digits >= 3 and letters >= 2 and token[-1].isdigit():
            yield Hit("passport", m.start(), m.end())


# ---- names -----------------------------------------------------------------------------------

_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"  # (a text of A-Z and a-z only is read with these cut to A-Z and a-z: see _NamePattern)
_LOW = "a-zß-öø-ÿā-ž"
_CAP = rf"[{_UP}][{_LOW}'’]{{1,30}}(?:-[{_UP}]?[{_LOW}'’]{{1,30}})?"
_PARTICLE = (r"(?:van|de|der|den|het|'t|ter|ten|te|von|vom|zu|el|al|bin|ben|ibn|abu|da|das|do|dos|du|del|della|di|la|le"
             r"|Van|De|El|Al|Abu|Bin|Ben|La|Le|Da|Di|Du)")
_INITIALS = rf"(?:[{_UP}]\.[ ]?){{1,4}}"
_NAME_AFTER = rf"(?:{_INITIALS}[ ]?)?(?:{_PARTICLE}[ ]){{0,2}}(?P<n>{_CAP})"
_HONORIFIC = _NamePattern(
    r"(?<![\w])(?:Mr|Mrs|Ms|Mx|Miss|Mister|Dr|Drs|Prof|Ir|Ing|Dhr|dhr|Mevr|mevr|Mw|mw|Mej|mej|mr|Mevrouw|mevrouw|"
    r"Meneer|meneer|Madame|Mme|Monsieur|Herr|Frau|Sayed|Sheikh|[Dd]e [Hh]eer|[Dd]e [Hh]eren)"
    r"(?:\.[ ]{0,3}|[ ]{1,3})(?:(?:mr|drs|dr|ir|ing|prof)\.[ ]{0,3}){0,3}" + _NAME_AFTER)
_ROLE = _NamePattern(
    r"(?i:(?<![\w])(?:cli[eë]nte?|client|aanvrager|aanvraagster|verzoeker|verzoekster|eiser|eiseres|appellant|"
    r"betrokkene|belanghebbende|minderjarige|pupil|applicant|claimant|asielzoeker|patient|patiënt|voogd|guardian))"
    r"(?P<colon>[ ]{0,3}:)?[ ]{1,3}" + _NAME_AFTER)
_ANNOUNCED = _NamePattern(
    r"(?i:(?<![\w])(?:naam|name|named|genaamd|heet|heette|called|alias|roepnaam|voornaam|achternaam|surname|"
    r"first name|family name|geboren als|born as|signed|getekend|ondertekend))[ ]{0,3}[:=]?[ ]{0,3}" + _NAME_AFTER)
_INITIALS_NAME = _NamePattern(rf"(?<![\w.])(?P<i>(?:[{_UP}]\.[ ]?){{1,4}})[ ]?(?:{_PARTICLE}[ ]){{0,2}}(?P<n>{_CAP})")
_WORD_BREAK = re.compile(r"\W+")
# The role words of _ROLE in a text of characters before "À" (see _plain), in lower case: there each is a whole
# word (after a non-word character, before a space or a colon), so a text without one of these has no match.
_ROLE_WORDS_PLAIN = frozenset("""client cliente aanvrager aanvraagster verzoeker verzoekster eiser eiseres appellant betrokkene
belanghebbende minderjarige pupil applicant claimant asielzoeker patient voogd guardian""".split())
# The honorifics of _HONORIFIC as words: each is a whole word there (after a non-word character, before a
# dot or a space), so a text none of whose words is one of these has no honorific.
_HONORIFIC_WORDS = frozenset("""Mr Mrs Ms Mx Miss Mister Dr Drs Prof Ir Ing Dhr dhr Mevr mevr Mw mw Mej mej mr Mevrouw mevrouw
Meneer meneer Madame Mme Monsieur Herr Frau Sayed Sheikh heer Heer heren Heren""".split())
_ARTICLES = frozenset("The A An He She It They De Het Een Hij Zij Ze Onbekend Unknown Geen None Nvt Zie See".split())
_PAIR = _NamePattern(rf"(?<![\w'’-])(?P<f>[{_UP}][{_LOW}'’]{{1,20}})[ ]{{1,2}}(?:{_PARTICLE}[ ]){{0,2}}(?P<n>{_CAP})")
_CASE_NAME_AFTER = _Lazy(r"(?:[ ,]{0,3}(?:v\.?|vs\.?|t\.|c\.|tegen|against|and others|e\.a\.|et al\.?|en anderen|"
                              r"and another|\(no\.|\(c-|\(ecli|\(app|§|, no\.|, c-|, ecli))(?![\w])", re.I)
_CASE_NAME_BEFORE = _Lazy(r"(?:\bv\.?|\bvs\.?|\bt\.|\btegen|\bagainst|\bjudgment|\barrest|\buitspraak|\bAG|\bA-G|"
                               r"\badvocate general|\badvocaat-generaal|\bjudge|\brapporteur|\bpresident)[ ]{1,2}$", re.I)

# Capitalised words that are not family names (articles, pronouns, months, days, institutions, places, legal words).
NOT_A_NAME = frozenset("""
The A An He She It They We You I His Her Its Their Our My This That These Those There Here What Which Who Whom Whose
When Where Why How In On At Of For And Or But If Is Was Are Were Has Had Have Be Been Being To From With By As Not No
Yes So Then Than Also All Any Each Every Both Either Neither Some Such Only Under Over After Before Since Until While
Although Because Whether Per Via Upon Into Onto Within Without Between Among Against During Through About Above Below
De Het Een Hij Zij Ze Dit Dat Deze Die Dan En Maar Als Zijn Heeft Hebben Werd Wordt Worden Op Bij Met Voor Na Uit Door
Om Te Van Naar Over Onder Tegen Tot Sinds Tijdens Ook Niet Geen Wel Nog Al Er Hier Daar Wie Wat Welke Waar Wanneer
January February March April May June July August September October November December Jan Feb Mar Apr Jun Jul Aug
Sep Sept Oct Nov Dec Januari Februari Maart Mei Juni Juli Augustus Oktober
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag
Article Articles Art Arts Paragraph Para Point Points Recital Annex Part Chapter Section Title Protocol Rule Rules
Court Courts Chamber Grand Judgment Judgments Decision Decisions Order Opinion Ruling Regulation Regulations Directive
Directives Code Convention Charter Treaty Treaties Act Acts Law Laws Wet Besluit Beschikking Uitspraak Arrest
Member State States Union European Europe Commission Council Parliament Committee Minister Ministers Ministry
Secretary Staatssecretaris Rechtbank Raad Afdeling Kamer Hof Republic Kingdom Government Police Politie Immigration
Service Agency Office Department Policy Instruction Werkinstructie Vreemdelingencirculaire Vreemdelingenwet
Case Cases Application Applications Complaint Complaints Report Reports Norm Norms Source Sources Others Anderen
Netherlands Nederland Dutch Belgium Belgian Germany German France French Austria Austrian Italy Italian Greece Greek
Hungary Hungarian Sweden Swedish Spain Spanish Poland Polish Denmark Danish Switzerland Swiss Luxembourg Bulgaria
Bulgarian Romania Romanian Croatia Slovenia Slovakia Czech Portugal Ireland Irish Britain British England English
Syria Syrian Afghanistan Afghan Iraq Iraqi Iran Iranian Somalia Somali Eritrea Eritrean Yemen Yemeni Nigeria Nigerian
Turkey Turkish Morocco Moroccan Algeria Algerian Tunisia Tunisian Libya Libyan Sudan Sudanese Ethiopia Ethiopian
Georgia Georgian Albania Albanian Serbia Serbian Kosovo Russia Russian Ukraine Ukrainian China Chinese India Indian
Pakistan Pakistani Bangladesh Egypt Egyptian Sri Lanka Lankan Tamil Kurdish Kurd Yazidi Arab Arabic Africa African
Asia Asian America American Amsterdam Rotterdam Haag Hague Utrecht Leiden Arnhem Zwolle Groningen Haarlem Brussels
Strasbourg Luxemburg Geneva Vienna Sofia Athens Rome Paris Berlin London Schengen Dublin Kabul Baghdad Mogadishu
Ter Apel Budel Zevenaar Wolvega Kennedy Nidos Dienst Terugkeer Vertrek Centraal Orgaan Opvang Asielzoekers
Vluchtelingenwerk Amnesty International Human Rights Watch Refugee Council Red Cross Kruis Rode
Qualification Return Reception Procedures Asylum Borders Border Schengen Social Rights Economic Cultural
Health Care Medical Treatment Shelter Food Clothing Security Safety Threat Public Order Internal External
Control Controls Check Checks Notification Prolongation Reintroduction Risk Assessment Breach Contested Insufficient
Data Unknown Valid Invalid True False Yes No None Null High Medium Low Yes Ja Nee
Lex Specialis Generalis Bis Ter Quater Ex Nunc Tunc Officio Ante Post Prima Facie
""".split())

# First names that are also everyday words in English or Dutch prose (kept out of the name list).
NOT_A_FIRST_NAME = frozenset("""
January February March April May June July August September October November December Mei Juni Juli Augustus
An Art Bill Can Case Chance Charity Comfort Christian Dean Earl Else Faith Favour Frank Gift Glen Grace Guy Hope Honor
Hunter Iris Ivy Jade Joy Justice King Lane Lex Liberty Major Mark Mason Mercy Miles Noble Norman Patience Peace Pearl
Precious Prince Ray River Rose Royal Ruby Sky Star Stone Summer Sunny Unity Valid Violet Wade Will Wisdom Angel
Amber Crystal Daisy Dawn Holly Heather Autumn Brook Cliff Dale Page Price Chase Carter Cooper Parker Sterling General
Bright Goodluck Blessing Goodness Deniz Umut Nur Ay Su Eren Wil Maan Ster Zon Hoop
Sofia Georgia India Virginia Sierra Leone Paris Florence Lourdes Adelaide Austin Dallas Jordan Chad Israel Kenya
Victoria Elizabeth Regina Lorraine Carolina Savannah Phoenix Sydney Asia Africa America Europa Holland Brittany
Ireland Trinity Genesis Nevada Dakota Montana Orlando Marcel Sharon Salem Medina Mecca Eden Jericho Sinai
German Germaine France Francis Kristen Kirk Church Temple Bishop Abbott Pope Dutch Welsh Irish English Scott
Van Den Ter Ten Del Della Abu Bin Ibn Al El Le La Da Di Du Dos
Amen Islam Iman Imam Hajji Haji Sultan Emir Malik Sheikh Said
""".split())

_SUPPLEMENT = """Mohammed Muhammad Mohamed Mohamad Mahmoud Mahmud Ahmed Ahmad Mustafa Mostafa Yusuf Youssef Yousef
Ibrahim Ismail Hussein Hossein Hassan Hasan Omar Umar Abdullah Abdallah Abdulrahman Abdirahman Abdi Abdikadir
Mahad Hamza Bilal Tariq Khalid Khaled Walid Samir Karim Rashid Reza Mehdi Hamid Javad Ali Akbar Jawad Farid Nasir
Zahra Zainab Fatima Fatma Aisha Ayesha Amina Khadija Maryam Mariam Layla Leila Nour Noor Hawa Halima Sahra Sara
Yonas Yohannes Tesfaye Tesfay Semhar Filmon Merhawi Mulugeta Habtom Tekle Kidane Yemane Abraham Senait Helen Mebrat
Abebe Dawit Biniam Berhane Ghebre Haile Selam Saba Rahel Eden Miriam Aklilu Hagos Goitom
Abdulkadir Abdiaziz Ayan Hodan Fadumo Faduma Hibo Ifrah Warsame Farah Jama Nuur Osman Abdulahi Mohamud Ahmedou
Ahmadzai Gul Wali Habib Najib Nasrin Parisa Shirin Soraya Farzana Mina Nazanin Arash Babak Dariush Kamran Reza
Lamin Alieu Ousman Mamadou Moussa Amadou Ibrahima Aminata Fatoumata Mariama Kadiatou Sekou Boubacar
Tigran Armen Levan Giorgi Nino Tamar Davit Irakli Artem Olena Oksana Dmytro Serhiy Andriy Olga Natalia Svetlana
""".split()

_LOCALES = ("nl_NL", "nl_BE", "en_US", "en_GB", "en_IE", "de_DE", "fr_FR", "fr_DZ", "tr_TR", "en_PK", "en_KE",
            "en_NG", "uz_UZ", "az_AZ", "sw", "ha_NG", "es_ES", "it_IT", "pl_PL", "ro_RO", "yo_NG", "ig_NG",
            "en_IN", "id_ID", "pt_PT", "pt_BR")


def _cached_names(kind: str, build: Callable[[], frozenset[str]]) -> frozenset[str]:
    """A name list read back from the cache folder: importing Faker's providers costs about a second
    (Faker's package start-up scans every locale), which every one-case run would otherwise pay.

    The list is stored as JSON (data only, never code) under a key of Faker's version and this
    module's source, read only when this user owns the file and nobody else can write it; any
    failure rebuilds it from Faker and is logged, never fatal."""
    import hashlib
    import importlib.util
    import json
    import logging
    import os
    from pathlib import Path

    from .. import packcache
    from ..diagnostics import Diagnostic
    from ..pack import _cache_dir

    folder = _cache_dir()
    if folder is None:
        return build()
    # Faker's installed copy, found without importing it (importing it is what the cache avoids)
    spec = importlib.util.find_spec("faker")
    try:
        st = os.stat(spec.origin) if spec and spec.origin else None
    except OSError:
        st = None
    faker_id = f"{spec.origin}:{st.st_size}:{st.st_mtime_ns}" if spec and st else "none"
    key = f"{kind}:{faker_id}:{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}"
    path = folder / f"namelist-{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"

    def warn(verb: str) -> Callable[[str], None]:
        return lambda why: logging.getLogger("normcheck").warning(Diagnostic(
            str(path), None, None, f"the cached list of {kind} could not be {verb} ({why}); it was built afresh",
            severity="warning", code="NC-I003", hint="set NORMCHECK_CACHE to a writable folder, or NORMCHECK_NO_CACHE=1").render())

    if path.exists():
        try:
            if not packcache.trusted(path):
                raise ValueError("the file is not a regular file owned and writable by this user only")
            doc = json.loads(path.read_bytes())
            if isinstance(doc, dict) and doc.get("key") == key and isinstance(doc.get("names"), list) \
                    and all(isinstance(n, str) for n in doc["names"]):
                return frozenset(doc["names"])
            raise ValueError("it was written for another list")
        except (ValueError, OSError, RecursionError) as exc:
            warn("read")(str(exc)[:120])
    names = build()
    try:
        packcache.write_private(path, json.dumps({"key": key, "names": sorted(names)}))
    except OSError as exc:
        warn("written")(exc.strerror or str(exc))
    return names


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """First names in Latin script, from Faker's person providers (a well-kept list), plus common transliterations."""
    return _cached_names("first-names", _build_first_names)


def _build_first_names() -> frozenset[str]:
    import importlib

    names: set[str] = set(_SUPPLEMENT)
    for loc in _LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except (ImportError, AttributeError):  # pragma: no cover - a Faker without this locale
            continue
        for attr in ("first_names", "first_names_male", "first_names_female"):
            for n in getattr(provider, attr, ()) or ():
                if isinstance(n, str) and n[:1].isupper() and n.isalpha() and len(n) >= 3:
                    names.add(_nfkc(n))
    return frozenset(names - NOT_A_FIRST_NAME - (NOT_A_NAME - {"Jan"}))


@lru_cache(maxsize=8)
def _public_words(public: frozenset[str]) -> frozenset[str]:
    return frozenset(w for p in public for w in re.split(r"[^\w'’]+", p.lower()) if w)


def _surname(word: str, public: frozenset[str]) -> bool:
    """A capitalised word that can be a family name: not an everyday or legal word, not a judgment's public name."""
    return word not in NOT_A_NAME and word.rsplit("-", 1)[-1] not in NOT_A_NAME and word.lower() not in _public_words(public)


# Cheap substring tests (in lower case) that decide whether a cue pattern can match at all.
_HONORIFIC_CUES = ("mr", "ms", "mx", "miss", "dr", "prof", "ir", "ing", "dhr", "mevr", "mw", "mej", "meneer", "madame", "mme",
                   "monsieur", "herr", "frau", "sayed", "sheikh", "heer", "heren")
_ANNOUNCED_CUES = ("naam", "name", "heet", "called", "alias", "geboren als", "born as", "signed", "getekend")
_ROLE_CUES = ("cli", "aanvra", "verzoek", "eiser", "appellant", "betrokkene", "belanghebbende", "minderjarige", "pupil",
              "applicant", "claimant", "asielzoeker", "pati", "voogd", "guardian")


def _names(text: str, public: frozenset[str]) -> Iterator[Hit]:
    low = text.lower()
    plain = _plain(text)
    if plain and low == text:
        return  # every name pattern needs a capital (of A-Z in such a text): a fact's value has none
    shape = text.translate(_NAME_SHAPE) if plain else ""
    if plain and "Aa" not in shape:
        return  # every name pattern ends in a name: a capital A-Z and a small letter in such a text ("TQ-04a" has none)
    for pattern, cues in ((_HONORIFIC, _HONORIFIC_CUES), (_ANNOUNCED, _ANNOUNCED_CUES)):
        if not any(c in low for c in cues):
            continue
        if pattern is _HONORIFIC and _HONORIFIC_WORDS.isdisjoint(_WORD_BREAK.split(text)):
            continue
        for m in pattern.finditer(text, plain):
            if _surname(m.group("n"), public):
                yield Hit("name", m.start(), m.end())
    role = any(c in low for c in _ROLE_CUES) and not (plain and _ROLE_WORDS_PLAIN.isdisjoint(_WORD_BREAK.split(low)))
    for m in (_ROLE.finditer(text, plain) if role else ()):
        word = m.group("n")
        if (m.group("colon") and word not in _ARTICLES and word.lower() not in _public_words(public)) or \
                (_surname(word, public) and not _case_citation(text, m)):
            yield Hit("name", m.start(), m.end())
    for m in _INITIALS_NAME.finditer(text, plain) if not plain or _initials_possible(text, shape) else ():
        if _surname(m.group("n"), public) and not _case_citation(text, m) and m.group("i").strip(". ") not in ("I", "V", "X"):
            yield Hit("name", m.start(), m.end())
    if not any(c.isupper() for c in text):
        return
    for m in _PAIR.finditer(text, plain) if not plain or _pair_possible(text, shape) else ():
        first, last = m.group("f"), m.group("n")
        if not _surname(last, frozenset()) or first not in first_names():  # the list is read only for a candidate
            continue
        words = _public_words(public)
        if f"{first} {last}".lower() in public or (first.lower() in words and last.lower() in words):
            continue
        if _case_citation(text, m):
            continue
        yield Hit("name", m.start(), m.end())


_PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))
# The shape of the ASCII characters of a text for _names: A-Z "A", a-z and ' "a", a space " ", a dot ".", the others
# "#" (a character from U+0080 to U+00BF, the rest of a text _plain, stays itself: none of these).
_NAME_SHAPE = str.maketrans({chr(c): "A" if chr(c).isupper() else "a" if chr(c).islower() or chr(c) == "'" else
                             chr(c) if chr(c) in " ." else "#" for c in range(128)})


def _pair_possible(text: str, shape: str) -> bool:
    """Can _PAIR (its plain form) find a pair in `text`, a text of characters before "À", whose family name can be
    one (`_surname`)? Its match is a capitalised word of up to twenty letters (A-Z, then a-z or '), one or two
    spaces, up to two of _PARTICLES each followed by one space, and the family name (_CAP): checked here at every
    capitalised word, without the lookbehind (so this may say yes where the pattern finds none, never no where it
    finds one). Compiling the pattern costs more than this test of every text with a capital; most such texts hold
    no such pair ("The Dutch" is none: "Dutch" is not a family name)."""
    at = shape.find("Aa")  # (`shape` is text.translate(_NAME_SHAPE))
    while at >= 0:
        end = at + 1
        while end < len(shape) and shape[end] == "a":
            end += 1
        gap = end
        while gap < len(shape) and shape[gap] == " ":
            gap += 1
        if end - at - 1 <= 20 and 1 <= gap - end <= 2 and _name_follows(text, shape, gap):
            return True
        at = shape.find("Aa", at + 1)
    return False


def _initials_possible(text: str, shape: str) -> bool:
    """Can _INITIALS_NAME (its plain form) find initials and a family name that can be one (`_surname`) in `text`, a
    text of characters before "À"? Its match is one to four initials (a capital A-Z and a dot, each perhaps followed
    by a space), at most two spaces in all after the last, then what _name_follows tests: checked at every initial,
    without the lookbehind (so this may say yes where the pattern finds none, never no where it finds one)."""
    at = shape.find("A.")
    while at >= 0:
        pos = at
        for _ in range(4):  # after one initial, two, three, four
            if not shape.startswith("A.", pos):
                break
            pos += 2
            spaces = 0
            while spaces < 3 and shape.startswith(" ", pos + spaces):
                spaces += 1
            if spaces <= 2 and _name_follows(text, shape, pos + spaces):
                return True
            if spaces:
                pos += 1  # the initial's own space; the next initial follows it
        at = shape.find("A.", at + 1)
    return False


def _name_follows(text: str, shape: str, at: int) -> bool:
    """Up to two of _PARTICLES at `at`, each followed by one space, then a family name (_CAP) that can be one?"""
    for _ in range(3):  # no particle, one, two
        if shape.startswith("Aa", at) and _surname(_cap_at(text, shape, at), frozenset()):
            return True
        stop = shape.find(" ", at)
        if stop < 0 or text[at:stop] not in _PARTICLES:
            return False
        at = stop + 1
    return False


def _cap_at(text: str, shape: str, start: int) -> str:
    """The name the plain form of _CAP matches at `start` (a capital followed by a small letter in `shape`): up to
    thirty small letters, then perhaps a hyphen, a capital and up to thirty small letters (as the pattern, greedy)."""
    end = start + 1
    while end < len(shape) and end <= start + 30 and shape[end] == "a":
        end += 1
    if end < len(text) and text[end] == "-":
        first = end + 2 if end + 1 < len(shape) and shape[end + 1] == "A" else end + 1
        stop = first
        while stop < len(shape) and stop < first + 30 and shape[stop] == "a":
            stop += 1
        if stop > first:
            end = stop
    return text[start:end]


def _case_citation(text: str, m: re.Match[str]) -> bool:
    """A party name in a case citation ("Salah Sheekh v the Netherlands", "v Jansen") is public, not personal data."""
    return bool(_CASE_NAME_AFTER.match(text, m.end(), min(len(text), m.end() + 12))
                or _CASE_NAME_BEFORE.search(text, max(0, m.start() - 14), m.start()))


# ---- entry points ----------------------------------------------------------------------------


_ASCII_DIGITS = frozenset("0123456789")
# An ASCII text without these characters and without a capital holds no personal data the guard finds: every
# number needs a digit, an e-mail address an "@" or "(at)", "[at]", "{at}", and every name a capital (normalising
# an ASCII text changes its spaces only).
_LOUD = _ASCII_DIGITS | frozenset("@([{")


@lru_cache(maxsize=8)
def _prep(public_names: frozenset[str]) -> frozenset[str]:
    return frozenset(normalise(p).lower() for p in public_names)


def scan(text: str, public_names: frozenset[str] = frozenset()) -> list[Hit]:
    """Personal data in `text` (a value or a comment), in the order found; empty when there is none.

    `text` is normalised here; the offsets of the hits refer to the normalised text. `public_names` are the
    names of judgments (from the vocabulary), public and not personal data."""
    if text.isascii() and _LOUD.isdisjoint(text) and text.lower() == text:
        return []  # (see _LOUD) most keys and values of a case file: `rejected`, `guardian_nidos`
    norm = normalise(text)
    public = _prep(public_names)
    hits: list[Hit] = []
    seen: list[tuple[int, int]] = []
    has_digit = not _ASCII_DIGITS.isdisjoint(norm) if norm.isascii() else any(c.isdigit() for c in norm)
    sources: list[Iterable[Hit]] = []
    if has_digit:
        sources += [_iban(norm), _numbers(norm), _passport(norm)]
    low = norm.lower()
    if "@" in norm or "(at)" in low or "[at]" in low or "{at}" in low:
        sources.append(_email_hits(norm))
    sources.append(_names(norm, public))
    for source in sources:
        for h in source:
            if any(not (h.end <= s or h.start >= e) for s, e in seen):
                continue
            seen.append((h.start, h.end))
            hits.append(h)
            if len(hits) >= MAX_HITS:  # enough to refuse the value and say why; the rest of the text is not needed
                return hits
    return hits


def _email_hits(text: str) -> Iterator[Hit]:
    for m in _EMAIL.finditer(text):
        yield Hit("email", m.start(), m.end())


def scan_id(value: str, public_names: frozenset[str] = frozenset(), words: Container[str] = frozenset()) -> list[Hit]:
    """An `id:` must be an anonymised reference: no number that identifies a person, no name in it.

    `words` are words an id may use although some family somewhere bears them (the vocabulary's words; asked
    only about a word of letters that is none of _ID_WORDS and no public name's, so it may be gathered then)."""
    hits = scan(value, public_names)
    if hits:
        return hits
    norm = normalise(value)
    if norm and _V_SHAPED.issuperset(norm) and _digits(norm) == 10:  # (the whole id is [0-9 .-]+, ten digits)
        return [Hit("v_number", 0, len(norm))]
    public = _prep(public_names)
    tokens = _id_tokens(norm)
    for i, low in enumerate(tokens):
        if not low.isalpha() or low in _ID_WORDS or low in _public_words(public) or low in words:
            continue
        firsts = _lower_first_names()  # the name lists are read only for an id with a word to look up
        lasts = last_names()
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        before = tokens[i - 1] if i else ""
        if after in _ID_PARTICLES and i + 2 < len(tokens) and tokens[i + 2].isalpha() and (low in firsts or low in lasts):
            return [Hit("name", 0, len(norm))]  # "jim-de-gratie", "fatima-el-amrani"
        # a first name of four letters or more; a shorter one (ali, jan, mia) next to another word or a year
        if low in firsts and (len(low) >= 4 or (len(low) == 3 and low not in _MONTHS and (
                (after.isalpha() and after not in _ID_WORDS) or re.fullmatch(r"(19|20)[0-9]{2}", after)
                or (before.isalpha() and len(before) >= 4 and before not in _ID_WORDS and before not in words)))):
                return [Hit("name", 0, len(norm))]
        if low in ("van", "ter", "ten", "vander") and after.isalpha() and after not in _ID_WORDS:
            return [Hit("name", 0, len(norm))]
        # a family name next to another family name or a first name ("gerritse-bakker", "de-vries-ali")
        neighbours = [w for w in (before, after) if w.isalpha() and w not in _ID_WORDS and w not in words]
        if len(low) >= 4 and low in lasts and any(w in lasts or w in firsts for w in neighbours):
            return [Hit("name", 0, len(norm))]
    return []


_V_SHAPED = frozenset("0123456789 .-")
_ID_SEPARATORS = frozenset("-_.:/ ")


def _id_tokens(text: str) -> list[str]:
    """The words of an id in lower case: split at runs of `-_.:/` and spaces, and before a capital A-Z that follows a
    small letter a-z (the words `re.split(r"[-_.:/ ]+|(?<=[a-z])(?=[A-Z])", text)` gives, without empty ones; an id is
    short, and the pattern would be compiled in every run for it)."""
    out: list[str] = []
    start = 0
    prev = ""
    for i, char in enumerate(text):
        if char in _ID_SEPARATORS:
            if i > start:
                out.append(text[start:i].lower())
            start = i + 1
        elif "A" <= char <= "Z" and "a" <= prev <= "z":
            out.append(text[start:i].lower())
            start = i
        prev = char
    if start < len(text):
        out.append(text[start:].lower())
    return out


# Words that occur in anonymised ids and happen to be names somewhere.
_ID_WORDS = frozenset("""amv case policy test pin border control family mother father child son daughter woman man
girl boy minor adult old new late early first second third last rd proc wd variant letter model hyp ok ind nl be de
cec sbc tq qd echr changu feantsa""".split())
_ID_PARTICLES = frozenset("de van der den el al ter ten bin ben abu".split())
_MONTHS = frozenset("jan feb mar apr may mei jun jul aug sep okt oct nov dec".split())


@lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    """Family names (lower case, each part of four letters or more), from Faker's person providers."""
    return _cached_names("family-names", _build_last_names)


def _build_last_names() -> frozenset[str]:
    import importlib

    names: set[str] = set()
    for loc in ("nl_NL", "nl_BE", "en_US", "en_GB", "de_DE", "fr_FR", "tr_TR", "en_PK", "en_KE", "es_ES", "it_IT", "pl_PL"):
        try:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except (ImportError, AttributeError):  # pragma: no cover
            continue
        for n in getattr(provider, "last_names", ()) or ():
            for part in re.split(r"[ '-]", str(n)):
                if len(part) >= 4 and part[:1].isupper():
                    names.add(_nfkc(part).lower())
    return frozenset(names - {w.lower() for w in NOT_A_NAME | NOT_A_FIRST_NAME} - _COMMON_WORDS)


# Everyday words that are also someone's family name somewhere: not a name in an id.
_COMMON_WORDS = frozenset("""best good case long short young king white black brown green small little hard open free
new old late early first last late close high low great wide rich poor fine sharp strong weak bird fish baker miller
smith hunter fisher cook wood woods hill field fields street lane brook bridge ford stone rock mill park water well
mann bakker visser smit bosch berg dijk veld boer beek molen kamp huis""".split())
@lru_cache(maxsize=1)
def _lower_first_names() -> frozenset[str]:
    return frozenset(map(str.lower, first_names()))


def personal_key(key: str) -> bool:
    k = normalise(key).strip().lower().replace("-", "_").replace(" ", "_")
    return k in PERSONAL_KEYS or (k.endswith("_name") and k not in {"rule_name"})


def bsn_valid(digits: str) -> bool:
    """The 11-test of the Dutch citizen service number (BSN)."""
    return len(digits) == 9 and digits.isdigit() and _bsn_ok(digits)

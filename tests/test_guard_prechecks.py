"""The guard's cheap tests that decide whether a pattern is compiled and run never say no where the pattern
finds something (facts/guard.py): the same hits, fewer patterns compiled in a run."""

from __future__ import annotations

import random
import re

from normcheck.facts import guard


def _texts(parts: list[str], seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    glue = ["", " ", " ", "  ", "   ", ".", "-", ":", "\u017f", "\u0131"]
    return ["".join(rng.choice(parts) + rng.choice(glue) for _ in range(rng.randint(1, 6))) for _ in range(count)]


def test_pair_precheck_keeps_every_pair_with_a_family_name() -> None:
    pattern = re.compile(guard._PAIR.plain.pattern)
    parts = ["Jan", "Jansen", "van", "de", "'t", "Van", "of", "State", "The", "Dutch", "A.", "ab", "Xy", "x", "MR", "§",
             "Smith-Jones", "Smith-jones", "De-Vries", "Dutch-Vries", "Abcdefghijklmnopqrstuvwxyzabcdefghij", "Court", "Bakker"]
    found = 0
    for text in _texts(parts, 1, 40000):
        if not guard._plain(text):
            continue
        shape = text.translate(guard._NAME_SHAPE)
        for m in pattern.finditer(text):
            assert guard._cap_at(text, shape, m.start("n")) == m.group("n"), text
            if guard._surname(m.group("n"), frozenset()):
                found += 1
                assert guard._pair_possible(text, shape), text
    assert found > 1000
    for text, possible in (("The Dutch amv policy of the Secretary of State", False), ("Jan van der Berg", True)):
        assert guard._pair_possible(text, text.translate(guard._NAME_SHAPE)) == possible


def test_initials_precheck_keeps_every_initials_name() -> None:
    pattern = re.compile(guard._INITIALS_NAME.plain.pattern)
    parts = ["A.", "B.", "T.Q.", "van", "de", "della", "Jansen", "point", "x", "Ab", "'t", "§", "Dutch", "Smith-Jones"]
    found = 0
    for text in _texts(parts, 2, 40000):
        if not guard._plain(text):
            continue
        for m in pattern.finditer(text):
            if guard._surname(m.group("n"), frozenset()):
                found += 1
                assert guard._initials_possible(text, text.translate(guard._NAME_SHAPE)), text
    assert found > 300
    for text, possible in (("T.Q. point 1; T.Q., operative point 2", False), ("A.B. van Jansen", True), ("A. B.  Smith", True),
                           ("A.   Smith", False), ("T.Q. Dutch", False)):
        assert guard._initials_possible(text, text.translate(guard._NAME_SHAPE)) == possible, text


def test_bsn_cue_precheck() -> None:
    pattern = re.compile(guard._BSN_CUE.pattern)
    parts = ["bsn", "BSN", "Burger", "burgerservice", "nummer", "sofi", "Sofinr", "service number", "\u017fofi", "number",
             "social security", "x", "12"]
    found = 0
    for text in _texts(parts, 3, 40000):
        if pattern.search(text):
            found += 1
            assert guard._bsn_cue_possible(text), text
    assert found > 1000
    assert not guard._bsn_cue_possible("amv-")


def test_iban_and_v_number_prechecks() -> None:
    iban, v_inline = re.compile(guard._IBAN.pattern), re.compile(guard._V_INLINE.pattern)
    parts = ["NL91ABNA0417164300", "nl91 abna 0417 1643 00", "\u0131s12345678901234", "V-nummer", "v.", "V", "v", "nr",
             "1234567890", "12 34 56 78 90", "ab", "00", "x", "_v", "év"]
    found = 0
    for text in _texts(parts, 4, 40000):
        if iban.search(text):
            found += 1
            assert guard._iban_possible(text), text
        if v_inline.search(text):
            found += 1
            assert guard._digits(text) >= 10 and guard._v_word(text), text
    assert found > 1000
    assert not guard._iban_possible("TQ-04a amv-2025-0042 ECLI:NL:RVS:2022:1530")


def test_quiet_texts_and_id_words() -> None:
    for text in ("rejected", "guardian_nidos", "a b c", "x.y/z", ""):
        assert guard.scan(text) == []
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice("aBz-_.:/ Zé1A") for _ in range(rng.randint(0, 8)))
        assert guard._id_tokens(text) == [t.lower() for t in re.split(r"[-_.:/ ]+|(?<=[a-z])(?=[A-Z])", text) if t]


def test_every_name_pattern_needs_a_capital_and_a_small_letter() -> None:
    patterns = [re.compile(p.plain.pattern) for p in (guard._HONORIFIC, guard._ROLE, guard._ANNOUNCED, guard._INITIALS_NAME,
                                                       guard._PAIR)]
    parts = ["Mr", "mevr.", "Jan", "jansen", "J", "van", "de", "Client:", "naam", "name", "X.", "'t", "'", "O'", "A", "ab", "§",
             "NL", "TQ-04a"]
    found = 0
    for text in _texts(parts, 6, 40000):
        if guard._plain(text) and any(p.search(text) for p in patterns):
            found += 1
            assert "Aa" in text.translate(guard._NAME_SHAPE), text
    assert found > 1000


def test_every_number_found_has_eight_digits() -> None:
    rng = random.Random(8)
    found = 0
    for _ in range(20000):
        chunk = "".join(rng.choice("0123456789 .-/()+") for _ in range(rng.randint(1, 16))).lstrip(" .-/()")
        if not chunk or not chunk[0].isdigit():
            continue
        text = rng.choice(["", "bsn ", "tel ", "V-nr ", "€ "]) + chunk + rng.choice(["", " euro", ":", " x"])
        start = text.index(chunk)
        if list(guard._chunk_hits(text, chunk, start)):
            found += 1
            assert guard._digits(chunk) >= 8, text
    assert found > 500


def test_nfkc_without_unicodedata_where_nothing_changes() -> None:
    import unicodedata

    rng = random.Random(9)
    same = sorted(guard._NFKC_SAME)
    for _ in range(20000):
        text = "".join(rng.choice(same) for _ in range(rng.randint(0, 10)))
        assert guard._nfkc(text) == unicodedata.normalize("NFKC", text) == text
    for code in range(0x100):
        assert (chr(code) in guard._NFKC_SAME) == (unicodedata.normalize("NFKC", chr(code)) == chr(code))
    assert guard._nfkc("jan\uff20example.nl \u00bd") == unicodedata.normalize("NFKC", "jan\uff20example.nl \u00bd")

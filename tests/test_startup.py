"""What start-up takes a shorter way to must give what the longer way gave (speed itself is measured in bench/)."""

from __future__ import annotations

import calendar
import platform
import re

import pytest
from ruamel.yaml.reader import Reader

from normcheck import diagnostics
from normcheck.facts.yamlio import _Reader
from normcheck.findings import python_name
from normcheck.values import days_in_month


def test_the_readers_class_of_refused_characters_is_ruamels() -> None:
    every = "".join(map(chr, range(0x110000)))
    ours = [m.start() for m in _Reader.NON_PRINTABLE.finditer(every)]
    assert ours == [m.start() for m in Reader.NON_PRINTABLE.finditer(every)]
    assert 0x0B in ours and 0x85 not in ours and 0xD800 in ours and 0xFFFE in ours and 0x1F600 not in ours


def test_the_receipts_python_is_what_platform_says() -> None:
    assert python_name() == f"{platform.python_implementation()} {platform.python_version()}"


def test_days_in_a_month_are_calendars() -> None:
    for year in (*range(1, 10_000), -400, 0, 10_400):
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1], (year, month)
    for month in (0, 13, -1):
        with pytest.raises(calendar.IllegalMonthError, match=f"bad month number {month}; must be 1-12"):
            days_in_month(2025, month)


def test_printable_escapes_what_the_pattern_escapes() -> None:
    """`printable` skips the pattern for a text `str.isprintable` accepts: it must then have nothing to escape."""
    pattern = re.compile(diagnostics._CONTROL)
    for c in map(chr, range(0x110000)):
        assert diagnostics.printable(c) == pattern.sub(diagnostics._escape_char, c), hex(ord(c))
        assert not (c.isprintable() and pattern.match(c)), hex(ord(c))
    text = "a\x1bb\tc\u202ed\u2028e\x85f é\xa0\u3000g"
    assert diagnostics.printable(text) == "a\\x1bb\tc\\u202ed\\u2028e\\x85f é\xa0\u3000g"
    assert diagnostics.printable_lines("x\ny\x07") == "x\ny\\x07"

"""The parts of facts/yamlio.py that take a shorter way than ruamel.yaml's defaults give what the defaults give:
the parser and scanner that hold their scanner and reader as attributes, the resolver made without a YAML object,
the reader's test for refused characters and the number tests made without compiling patterns, the line starts."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import MappingStartEvent, ScalarEvent, SequenceStartEvent
from ruamel.yaml.nodes import ScalarNode

from normcheck.facts import yamlio

ROOT = Path(__file__).resolve().parents[1]


def _sig(event: Any) -> tuple[Any, ...]:
    name = type(event).__name__
    marks = (event.start_mark.index, event.start_mark.line, event.start_mark.column, event.end_mark.index)
    if isinstance(event, ScalarEvent):
        return (name, *marks, event.value, event.style, event.implicit, str(event.ctag), event.anchor)
    if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
        return (name, *marks, event.anchor, str(event.ctag), event.implicit, event.flow_style)
    return (name, *marks)


def _events(text: str, ours: bool) -> tuple[list[tuple[Any, ...]], str | None]:
    """The events of `text` and the error that ended them (if any), read as load() reads (ours) or by plain ruamel."""
    yaml = YAML(typ="safe", pure=True)
    if ours:
        yaml.Reader, yaml.Scanner, yaml.Parser = yamlio._Reader, yamlio._Scanner, yamlio._Parser
    out: list[tuple[Any, ...]] = []
    try:
        for event in yaml.parse(text):
            out.append(_sig(event))
    except YAMLError as exc:
        return out, f"{type(exc).__name__}: {exc}"
    return out, None


EDGE = [
    "%YAML 1.1\n---\na: yes\nb: 0o17\nc: 010\n",
    "%YAML 1.2\n---\na: yes\n",
    "%YAML 1.1\n---\na: 1\n...\n%YAML 1.2\n---\nb: 2\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    "a: &x 1\nb: *x\n",
    "a: {b: [1, 2, {c: d}], e: 'f'}\n? g\n: h\n",
    "a: |\n  text\n  more\nb: >-\n  folded\n",
    "a: 1\n  b: 2\n",
    "a: [1, 2\n",
    "a: 'open\n",
    "- a\n- b: c\n  d: e\n- [x, y]\n",
    "\ta: 1\n",
    "a: b: c\n",
    "a: 1 # c\n#x\nb: \"q # not\"\n",
    "--- a\n--- b\n",
    "a: \x07\n",
    "a: é\x85b\u2028c\n",
    "[" * 50 + "]" * 50,
    "",
]


def _case_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "cases").rglob("*.yaml"))]


def test_the_case_files_and_edge_cases_give_ruamels_events_and_errors() -> None:
    texts = _case_texts() + EDGE
    assert len(texts) > len(EDGE) + 10
    for text in texts:
        assert _events(text, True) == _events(text, False), text[:200]


def test_mutated_files_give_ruamels_events_and_errors() -> None:
    rng = random.Random(11)
    texts = _case_texts()
    pieces = ["\n", " ", "  ", ":", "- ", "#", "'", '"', "{", "}", "[", "]", ",", "?", "&a ", "*a", "!!str ", "|", ">",
              "%YAML 1.1\n", "---\n", "...\n", "\t", "é", "\x07", "\u2028"]
    for _ in range(300):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(pieces) + text[at + rng.randint(0, 3):]
        assert _events(text, True) == _events(text, False), text[:200]


def test_the_parser_keeps_the_objects_the_yaml_object_gives() -> None:
    yaml = YAML(typ="safe", pure=True)
    yaml.Reader, yaml.Scanner, yaml.Parser = yamlio._Reader, yamlio._Scanner, yamlio._Parser
    assert [type(e).__name__ for e in yaml.parse("a: 1\n")][-1] == "StreamEndEvent"
    assert yaml.parser.scanner is yaml.scanner and yaml.scanner.reader is yaml.reader


def test_resolve_as_ruamels_resolver() -> None:
    resolver = YAML(typ="rt", pure=True).resolver
    rng = random.Random(7)
    alphabet = "tTfFnN~.-+0123456789_eExXoOb:<=!&*aiI \n"
    words = ["true", "True", "TRUE", "false", "yes", "no", "on", "~", "null", "Null", "NULL", "none", ".nan", ".inf", "-.inf",
             ".5", "._5", "../a", ".x", "1_0", "0x1F", "0o7", "010", "1.5", "1e3", "2025-01-01", "2025-1-1", "12:30", "<<", "=",
             "", "true\n", "~\n", "é", "1é"]
    words += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7))) for _ in range(5000)]
    for word in words:
        for implicit in ((True, False), (False, True), (False, False)):
            assert str(yamlio._resolve(word, implicit)) == str(resolver.resolve(ScalarNode, word, implicit)), word


def test_refused_characters_as_ruamels_pattern() -> None:
    pattern = yamlio._Reader.NON_PRINTABLE  # (the same class as ruamel's: tests/test_startup.py)
    assert all(bool(pattern.match(chr(c))) == yamlio._non_printable(chr(c)) for c in range(0x110000))
    assert yamlio._Reader._get_non_printable_regex("ab§c\x07d\x01") == (4, "\x07")
    assert yamlio._Reader._get_non_printable_regex("ab§\x01c\x07\x01") == (3, "\x01")
    assert yamlio._Reader._get_non_printable_regex("ab§") is None


@pytest.mark.parametrize("text", ["a: é\x07\n", "é\x01", "# é\n\x7f", "a: 'é'\n\ufffe"])
def test_a_refused_character_is_reported_where_it_is(text: str) -> None:
    with pytest.raises(yamlio.InputError) as exc:
        yamlio.load(text, "f.yaml")
    d = exc.value.diagnostics[0]
    bad = next(c for c in text if yamlio._non_printable(c))
    assert (d.line, d.column) == yamlio.Lines(text).position(text.index(bad))
    assert f"U+{ord(bad):04X}" in d.message


def test_number_tests_as_their_patterns() -> None:
    integer, decimal = re.compile(r"[-+]?[0-9]+"), re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
    rng = random.Random(3)
    words = ["", "+", "-", ".", "+.", "-.5", "5.", "1.2.3", "٣", "+-1", "00", "1 "]
    words += ["".join(rng.choice("0123456789+-._e \n٣a") for _ in range(rng.randint(0, 6))) for _ in range(30000)]
    for word in words:
        assert yamlio._is_int(word) == bool(integer.fullmatch(word)), word
        assert yamlio._is_decimal(word) == bool(decimal.fullmatch(word)), word


def test_lines_on_line_feeds_only() -> None:
    lines = yamlio.Lines("a\nb\u2028c\r\n\nd")
    assert lines.starts == [0, 2, 7, 8]
    assert lines.position(7) == (3, 1) and lines.line(2) == "b\u2028c" and lines.line(5) is None
    assert yamlio.Lines("").starts == [0] and yamlio.Lines("\n").starts == [0, 1]

"""facts/yamlio.py reads a text with libyaml's parser (ruamel.yaml.clib) where clib is installed and the text is one
libyaml reads as ruamel.yaml does, and with ruamel.yaml's own parser otherwise: the result (data, key and value
positions, scalars as written, comments) or the error (message, line, column) is the same either way, and without
clib every text is read as before."""

from __future__ import annotations

import dataclasses
import importlib.util
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from normcheck.diagnostics import InputError
from normcheck.facts import yamlio

ROOT = Path(__file__).resolve().parents[1]
HAS_CLIB = importlib.util.find_spec("_ruamel_yaml") is not None
needs_clib = pytest.mark.skipif(not HAS_CLIB, reason="ruamel.yaml.clib (libyaml's parser) is not installed")


def _outcome(read: Callable[[], yamlio.Doc]) -> tuple[Any, ...]:
    """What a reading gives, comparably: the document (its data with types, positions, scalars, comments) or the
    diagnostics of its error."""
    try:
        doc = read()
    except InputError as exc:
        return ("error", [dataclasses.astuple(d) for d in exc.diagnostics])
    scalars = [dataclasses.astuple(s) for s in doc.scalars]
    return ("doc", repr(doc.data), doc.keys, doc.values, scalars, doc.comments)


def _loaded(text: str) -> tuple[Any, ...]:
    """The outcome of `load` (libyaml's parser where it may read the text)."""
    return _outcome(lambda: yamlio.load(text, "case.yaml"))


def _pure(text: str) -> tuple[Any, ...]:
    """The outcome of ruamel.yaml's own parser (what `load` gave before libyaml's parser was used)."""
    return _outcome(lambda: yamlio._load_pure(text, "case.yaml", yamlio.Lines(text)))


def _took_c(text: str) -> bool:
    """Does `load` keep libyaml's reading of `text`?"""
    return yamlio._c_parser_may_read(text) and yamlio._load_c(text, "case.yaml", yamlio.Lines(text)) is not None


def _yaml_files() -> list[Path]:
    return sorted(p for folder in ("cases", "rules", "tests") for p in (ROOT / folder).rglob("*.yaml"))


@needs_clib
def test_every_yaml_file_of_the_repository_reads_alike_on_both_paths() -> None:
    files = _yaml_files()
    assert len(files) > 300 and any("bad" in p.parts for p in files) and any("guard" in p.parts for p in files)
    for path in files:
        text = path.read_text(encoding="utf-8")
        pure = _pure(text)
        assert _loaded(text) == pure, path
        assert _took_c(text) == (pure[0] == "doc"), path  # every file that reads is read by libyaml


EDGES = ["", "\n", "# only a comment\n", "---\n", "--- a\n", "~", "a", "'a'", " ", "\r", "a: 1\rb: 2\r", "a: 'x\r  y'\r",
         "a: 'x\r\n  y'\r\n", "a: \"x\\\r\n  y\"\n", "a: 1 #c\n#d", "a: {b: 1}#c\n", "a: b#c\n", "a: 'b'#c\n", "a:\n- 1\n- 2\n",
         "? a\n: b\n", "a: -\n", "a: -b\n", "a: [-b]\n", "a: [a:b]\n", "a: {a:b}\n", "a: {\"a\":b}\n",
         "a: 2025-01-01\nb: 2025-1-1\nc: 2025-01-01T10:00:00\n", "a: 1.0\nb: 1.\nc: .5\nd: +1\ne: -0\n",
         "a: True\nb: NULL\nc: Null\nd: ~\ne: null\n", "a: \"\\u00e9\\U0001F600\\x41\\N\\_\\L\\P\\/\\e\\0\"\n",
         "a: é😀 # ü\nb: '€'\n"]


@needs_clib
@pytest.mark.parametrize("text", EDGES)
def test_edge_texts_read_alike_on_both_paths(text: str) -> None:
    assert _loaded(text) == _pure(text)


@needs_clib
def test_case_files_with_other_line_ends_read_alike_on_both_paths() -> None:
    for path in sorted((ROOT / "cases").rglob("*.yaml"))[::10]:
        for end in ("\r\n", "\r"):
            text = path.read_text(encoding="utf-8").replace("\n", end)
            assert _loaded(text) == _pure(text) and _took_c(text), (path, end)


# ---- fuzz ---------------------------------------------------------------------------------------

_INSERTS = ["\t", ":", ": ", "#", " #", "'", '"', "-", "- ", "[", "]", "{", "}", ",", "&", "*", "!", "%", "?", "|", ">",
            "\\", "\n", "\n  ", "\r\n", " ", "  ", "é", "€", "😀", "\u2028", "\x85", "\ufeff", "\u00a0", "...", "---"]


def _mutate(rng: random.Random, text: str) -> str:
    """`text` with one to three characters (or short strings of YAML's syntax) inserted, deleted or replaced."""
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        pos = rng.randrange(len(chars) + 1)
        op = rng.random()
        if op < 0.45:
            chars.insert(pos, rng.choice(_INSERTS))
        elif chars and op < 0.75:
            del chars[min(pos, len(chars) - 1)]
        elif chars:
            chars[min(pos, len(chars) - 1)] = rng.choice(_INSERTS)
    return "".join(chars)


@needs_clib
def test_mutated_case_files_read_alike_on_both_paths() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "cases").rglob("*.yaml"))]
    rng = random.Random(20251201)
    took_c = 0
    for _ in range(2000):
        text = _mutate(rng, rng.choice(texts))
        assert _loaded(text) == _pure(text), repr(text)
        took_c += _took_c(text)
    assert took_c > 800  # the fuzz tests libyaml's path, not only the way back to ruamel.yaml's


_TOKENS = ["a", "key", "1", "-1", "1.5", "1e3", "0x1F", "1_000", "2024-01-02", "2024-02-30", "yes", "null", "~", ":", ": ",
           " ", "\n", "\n  ", "- ", "? ", "#", " # c", "'", '"', "\\", "\\n", "\\/", "\\x41", "[", "]", "{", "}", ", ", "&a ",
           "*a", "!", "!!str ", "|", ">-", "|2", "---", "...", "%", "é", "😀", "\r\n", "\r", "<<", "\u00a0", "x" * 1030]


@needs_clib
def test_token_soup_reads_alike_on_both_paths() -> None:
    rng = random.Random(10)
    took_c = 0
    for _ in range(4000):
        text = "".join(rng.choice(_TOKENS) for _ in range(rng.randint(1, 20)))
        assert _loaded(text) == _pure(text), repr(text)
        took_c += _took_c(text)
    assert took_c > 1000


# ---- the way back to ruamel.yaml's parser ------------------------------------------------------


def test_without_clib_every_file_reads_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)  # (`import _ruamel_yaml` raises ImportError)
    monkeypatch.setattr(yamlio, "_CPARSER", False)  # (not looked for yet)
    assert yamlio._c_parser() is None
    for path in _yaml_files():
        text = path.read_text(encoding="utf-8")
        assert yamlio._load_c(text, "case.yaml", yamlio.Lines(text)) is None
        assert _loaded(text) == _pure(text), path


# Texts libyaml (YAML 1.1) reads otherwise than ruamel.yaml (YAML 1.2), and reads without an error.
OTHERWISE = [
    "- a\n\u2028- b\n",  # a line break in YAML 1.1: two items, one in YAML 1.2
    "- a\n\u2029- b\n",
    "- a\n\x85- b\n",
    "a: [1,\n\ufeff2]\n",  # a byte-order mark starting a line: skipped by libyaml
    "\ufeffa: 1\n",  # ... and not counted in its positions
    "a: 1\nre\tord: 2\n",  # ruamel.yaml refuses the tab
    "a: 1\n...\n...\n",  # ruamel.yaml reads a second `...` as a second document
]
# Texts with a directive: libyaml (0.1.7) refuses `%YAML 1.2`; `%YAML 1.1` sets ruamel.yaml's version.
DIRECTIVES = ["%YAML 1.2\n---\na: yes\n", "%YAML 1.1\n---\na: yes\n", "%TAG !e! tag:example.com,2000:\n---\na: b\n"]


@pytest.mark.parametrize("text", OTHERWISE + DIRECTIVES + ["a: \x07\n", "a: 'x\x9f'\n", "a: x\u2028y\n"])
def test_a_text_libyaml_reads_otherwise_is_read_by_ruamel(text: str) -> None:
    assert not yamlio._c_parser_may_read(text)
    assert _loaded(text) == _pure(text)


@needs_clib
@pytest.mark.parametrize("text", OTHERWISE)
def test_libyaml_would_read_those_texts_otherwise(text: str) -> None:
    """(Each refusal of `_c_parser_may_read` keeps a result: without it libyaml's would differ.)"""
    doc = yamlio._load_c(text, "case.yaml", yamlio.Lines(text))
    assert doc is not None and _outcome(lambda: doc) != _pure(text)


# Events libyaml gives otherwise (or may): an empty value, a block scalar, a tag.
OTHER_EVENTS = ["a:\n  # c\nb: 1\n", "a: {b: , c: 1}\n", "a: [b: ]\n", "a: |\n  x\n", "a: >-\n  x\n  y\n", "a: !!str 1\n",
                "a: !x b\n", "- !!int 3\n"]


@needs_clib
@pytest.mark.parametrize("text", OTHER_EVENTS)
def test_an_event_libyaml_gives_otherwise_sends_the_text_to_ruamel(text: str) -> None:
    assert yamlio._c_parser_may_read(text)
    assert yamlio._load_c(text, "case.yaml", yamlio.Lines(text)) is None
    assert _loaded(text) == _pure(text)


@needs_clib
def test_libyaml_places_an_empty_value_elsewhere() -> None:
    """(Why an empty value is left to ruamel.yaml: its position would differ.)"""
    text = "a:\n  # c\nb: 1\n"
    parser = yamlio._c_parser()(text)
    empty = [e for e in iter(parser.get_event, None) if getattr(e, "value", None) == ""]
    assert [yamlio.Lines(text).position(e.start_mark.index) for e in empty] != [_pure(text)[3][("a",)]]


@needs_clib
@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: 0x1F\n", "a: 2024-02-30\n",
                                  "--- a\n--- b\n", "[" * 50 + "]" * 50, "a: b: c\n"])
def test_an_error_on_libyamls_path_is_ruamels_error(text: str) -> None:
    assert yamlio._c_parser_may_read(text)
    assert yamlio._load_c(text, "case.yaml", yamlio.Lines(text)) is None
    assert _loaded(text)[0] == "error" and _loaded(text) == _pure(text)


@needs_clib
def test_libyamls_events_go_one_by_one_into_the_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long document stops at the builder's limit: the events after it are never asked for."""
    real = yamlio._c_parser()
    asked = []

    class Counting:
        def __init__(self, text: str) -> None:
            self.parser = real(text)

        def get_event(self) -> Any:
            asked.append(1)
            return self.parser.get_event()

    monkeypatch.setattr(yamlio, "_CPARSER", Counting)
    monkeypatch.setattr(yamlio, "MAX_NODES", 100)
    text = "[" + "1, " * 5000 + "]\n"
    assert yamlio._load_c(text, "case.yaml", yamlio.Lines(text)) is None
    assert 100 < len(asked) < 110
    assert _loaded(text) == _pure(text) and "more than 100 values" in str(_loaded(text))


# ---- other YAML readers stay ruamel.yaml's ------------------------------------------------------


def test_the_templates_are_read_by_ruamels_parser_where_clib_is_installed(tmp_path: Path) -> None:
    """`YAML(typ="safe")` takes libyaml's parser where clib is installed; the templates are read by ruamel.yaml's
    (a NEL, U+0085, is no line break in YAML 1.2: libyaml refuses this file)."""
    from normcheck.casewriting import load_templates
    from normcheck.vocabulary import load_vocabulary

    (tmp_path / "v.yaml").write_text("family: x\nfacts:\n  a: {type: bool}\n", encoding="utf-8")
    (tmp_path / "templates.yaml").write_text("templates:\n  t:\n    title:\n      en: A\x85B\n    families: [x]\n",
                                             encoding="utf-8")
    templates = load_templates(tmp_path, load_vocabulary([tmp_path / "v.yaml"]))
    assert templates["t"].title("en") == YAML(typ="safe", pure=True).load("a: A\x85B\n")["a"]

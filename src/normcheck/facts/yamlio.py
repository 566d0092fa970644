"""Safe YAML reading with a position for every key, value and comment.

Plain data only (mappings, lists, strings, numbers, booleans, null, dates), built from the
parser's events with an explicit stack (no recursion, so `[` × 10,000 is an error with its
position, never a crash), under YAML 1.2 rules: `yes`, `no` and `on` stay text, as a lawyer meant
them. Refused, each with file, line and column: anchors and aliases, merge keys, duplicate keys,
more than one document, nesting deeper than MAX_DEPTH, more than MAX_NODES values, files over
MAX_BYTES, numbers written in a form a lawyer does not write (hex, exponents, `1_000`) or longer
than MAX_DIGITS digits (refused before any conversion), impossible dates, bytes that are not UTF-8
text, NUL bytes. Lines are counted on `\\n` only, so a U+2028 inside a value never shifts the
quoted line. Every scalar is kept as written, and every comment, for the anonymisation guard.
Nothing is ever written back. Where ruamel.yaml.clib is installed, libyaml's parser (C, YAML 1.1) gives
the events of a text it reads as ruamel.yaml's does; every other text, and every error, is ruamel.yaml's own
(`load`): the result is the same either way.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import Reader, ReaderError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import Scanner
from ruamel.yaml.util import RegExp

from ..diagnostics import Diagnostic, InputError, Severity

MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 50_000
MAX_DIGITS = 15  # a number with more digits is no fact of a case (the largest is a count of days or people)

PathKey = tuple[Any, ...]


def _is_int(text: str) -> bool:
    """Does `text` read `[-+]?[0-9]+` (whole)? (A test rather than a pattern: nothing to compile in a run.)"""
    digits = text[1:] if text[:1] in ("-", "+") else text
    return digits.isascii() and digits.isdigit()


def _is_decimal(text: str) -> bool:
    """Does `text` read `[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)` (whole)? A number with a dot, as a lawyer writes it."""
    body = text[1:] if text[:1] in ("-", "+") else text
    whole, dot, part = body.partition(".")
    if not body.isascii() or (part and not part.isdigit()) or (whole and not whole.isdigit()):
        return False
    return bool(whole) or (bool(dot) and bool(part))


class Lines:
    """Line starts of a text (on `\\n` only), for positions and quoted lines in O(log n)."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        hit = find("\n")
        while hit >= 0:  # (str.find rather than a pattern: no pattern to compile in a run)
            starts.append(hit + 1)
            hit = find("\n", hit + 1)
        self.starts = starts

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of a character index."""
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1

    def line(self, number: int | None) -> str | None:
        if number is None or number < 1 or number > len(self.starts):
            return None
        start = self.starts[number - 1]
        end = self.starts[number] - 1 if number < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r")


@dataclass
class Scalar:
    """One scalar as written: the guard reads it (a key, or a value with its path)."""

    path: PathKey
    is_key: bool
    value: str
    line: int
    column: int
    quoted: bool


@dataclass
class Doc:
    """A loaded YAML document: plain data plus positions (1-based line, column) per path."""

    file: str
    text: str
    data: Any
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    scalars: list[Scalar] = field(default_factory=list)
    comments: list[tuple[int, int, str]] = field(default_factory=list)  # (line, column, text after '#')
    lines: Lines | None = None

    def where(self, path: PathKey, key: bool = False) -> tuple[int | None, int | None]:
        """Position of the value at `path` (or of its key), falling back to the nearest parent."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if not key and p in self.keys:
                return self.keys[p]
            p = p[:-1]
        return (1, 1)

    def line(self, number: int | None) -> str | None:
        if self.lines is None:
            self.lines = Lines(self.text)
        return self.lines.line(number)

    def diag(self, path: PathKey, message: str, *, key: bool = False, expected: str | None = None,
             hint: str | None = None, severity: Severity = "error", quote: bool = True) -> Diagnostic:
        line, col = self.where(path, key)
        return Diagnostic(self.file, line, col, message, expected=expected, hint=hint,
                          source_line=self.line(line) if quote else None, severity=severity)


# ---- reading bytes -----------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_text(path: Path, display: str) -> str:
    """The text of a case file: a regular file under MAX_BYTES, UTF-8 (or UTF-16/32 with a byte-order mark)."""
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError([Diagnostic(display, None, None, f"cannot read the file: {exc.strerror or exc}")]) from None
    import stat as _stat

    if not _stat.S_ISREG(st.st_mode):
        raise InputError([Diagnostic(display, None, None, "not a regular file (a folder, a pipe or a device); give a case file")])
    if st.st_size > MAX_BYTES:
        raise InputError([Diagnostic(display, None, None, f"file is too large ({st.st_size:,} bytes; a case file stays under {MAX_BYTES:,})")])
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError([Diagnostic(display, None, None, f"cannot read the file: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_BYTES:
        raise InputError([Diagnostic(display, None, None, f"file is too large (over {MAX_BYTES:,} bytes)")])
    return decode(raw, display)


def decode(raw: bytes, display: str) -> str:
    """Bytes to text, or an error naming the line and column of the first byte that is not text."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError([Diagnostic(display, None, None, f"the file is not UTF-8 text (it starts with a {codec.upper()} "
                                             f"byte-order mark but is not {codec.upper()} text either: {exc.reason})",
                                             hint="save it as UTF-8")]) from None
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        sample = raw[:4000]
        utf16 = sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
        hint = ("the file looks like UTF-16 text without a byte-order mark; save it as UTF-8" if utf16
                else "a case file is text; remove the NUL byte (is this a binary file?)")
        raise InputError([Diagnostic(display, line, col, "the file contains a NUL byte (\\0), which is not text", hint=hint)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        bad = raw[exc.start: exc.start + 1]
        guess = ""
        with contextlib.suppress(UnicodeDecodeError):
            guess = f" (in Latin-1 / Windows-1252 it would read {raw[exc.start: exc.start + 1].decode('cp1252')!r})"
        raise InputError([Diagnostic(display, line, col, f"the file is not UTF-8 text: byte 0x{bad.hex().upper()}{guess}",
                                     hint="save the file as UTF-8", source_line=_raw_line(raw, exc.start))]) from None


def _byte_position(raw: bytes, index: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, index) + 1
    line = raw.count(b"\n", 0, index) + 1
    col = len(raw[line_start:index].decode("utf-8", "replace")) + 1
    return line, col


def _raw_line(raw: bytes, index: int) -> str:
    start = raw.rfind(b"\n", 0, index) + 1
    end = raw.find(b"\n", index)
    return raw[start: end if end >= 0 else len(raw)].decode("utf-8", "replace").rstrip("\r")


# ---- parsing -----------------------------------------------------------------------------------


class _Reader(Reader):
    """ruamel.yaml's reader, its test for the characters YAML does not allow (in a text that is not all ASCII:
    ruamel.yaml tests an ASCII text without a pattern) made without compiling a pattern. ruamel.yaml's class of
    the allowed characters costs about 15 ms of every run to compile, the class of the others (NON_PRINTABLE,
    the same characters, kept for reference) 0.3 ms; the distinct characters of a case file are a few dozen."""

    NON_PRINTABLE = RegExp("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

    @classmethod
    def _get_non_printable_regex(cls, data: str) -> tuple[int, str] | None:
        """The first character of `data` in NON_PRINTABLE and its index (what `NON_PRINTABLE.search` finds)."""
        bad = [c for c in set(data) if _non_printable(c)]
        if not bad:
            return None
        start = min(data.index(c) for c in bad)
        return start, data[start]


def _non_printable(char: str) -> bool:
    """Is `char` one YAML does not allow in a file (the class of _Reader.NON_PRINTABLE)?"""
    code = ord(char)
    if code < 0x20:
        return char not in "\t\n\r"
    return (0x7F <= code <= 0x9F and code != 0x85) or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)


class _Scanner(Scanner):
    """ruamel.yaml's scanner, its reader held as an attribute. ruamel.yaml's `reader` is a property that looks the
    reader up on the YAML object once and then returns it; the scanner asks for it about 5,000 times for a case
    file (some 0.2 ms of a run in property calls). The reader is the same object for the whole parse."""

    reader: Any = None  # (shadows the property; set before the scanner's own set-up reads it)

    def __init__(self, loader: Any = None) -> None:
        self.reader = loader.reader
        super().__init__(loader)


class _Parser(Parser):
    """ruamel.yaml's parser, its scanner held as an attribute. ruamel.yaml's `scanner` is a property that looks
    the scanner up on the YAML object at every use (about 2,000 times for a case file, some 0.2 ms of a run); that
    object creates it once and keeps it, so it is the same object for the whole parse. (The resolver stays a
    property: the YAML object makes it on first use, after a `%YAML` directive has set the version it reads.)"""

    scanner: Any = None  # (shadows the property)

    def __init__(self, loader: Any) -> None:
        super().__init__(loader)
        self.scanner = loader.scanner


class _Frame:
    __slots__ = ("container", "depth", "has_key", "key", "path")

    def __init__(self, container: Any, path: PathKey, depth: int) -> None:
        self.container = container
        self.path = path
        self.key: Any = None
        self.has_key = False
        self.depth = depth


def load(text: str, display: str) -> Doc:
    """Parse one YAML document into a `Doc`; raise `InputError` on anything unsafe or malformed.

    libyaml's parser (ruamel.yaml.clib) reads the text when it is installed and the text is one it reads as
    ruamel.yaml does (`_c_parser_may_read`); its result stands only when it is complete. Anything else, and any
    failure on that path, is read again by ruamel.yaml's own parser, so every result, error and position is the one
    ruamel.yaml gives."""
    if len(text) > MAX_BYTES and len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise InputError([Diagnostic(display, None, None, f"file is too large (over {MAX_BYTES:,} bytes)")])
    lines = Lines(text)
    if _c_parser_may_read(text):
        doc = _load_c(text, display, lines)
        if doc is not None:
            return doc
    return _load_pure(text, display, lines)


# libyaml reads YAML 1.1, ruamel.yaml (normcheck's reader) YAML 1.2. In 1.1, NEL (U+0085) and the line and
# paragraph separators (U+2028, U+2029) break lines, so values and positions after them would differ; libyaml skips
# a byte-order mark (U+FEFF) at the start of any line, ruamel.yaml only at the start of the text. A text with one of
# these is read by ruamel.yaml's parser alone.
_C_REFUSED = ("\x85", "\u2028", "\u2029", "\ufeff")


def _c_parser_may_read(text: str) -> bool:
    """May libyaml's parser read `text` (or does it hold what libyaml reads otherwise than ruamel.yaml)? Not with
    a tab (ruamel.yaml refuses some that libyaml takes, inside a plain key for one), a 1.1 line break or a
    byte-order mark (`_C_REFUSED`), a directive line (`%YAML 1.1`, `%TAG`: they set the version and the tags
    ruamel.yaml reads by), a document end line (`...`: ruamel.yaml reads a second one as a second document), or a
    character ruamel.yaml refuses (libyaml refuses others, and ruamel's message and position are the ones given).
    The test for the 1.1 characters and the set of the refused ones cost some 20 µs for a case file."""
    if "\t" in text or (not text.isascii() and any(char in text for char in _C_REFUSED)):
        return False
    if text.startswith(("%", "...")) or "\n%" in text or "\r%" in text or "\n..." in text or "\r..." in text:
        return False
    return _Reader._get_non_printable_regex(text) is None


def _load_c(text: str, display: str, lines: Lines) -> Doc | None:
    """The `Doc` of `text` from libyaml's events (ruamel.yaml.clib's `CParser`, some ten times faster than
    ruamel.yaml's pure-Python parser), or None when clib is not installed or anything fails on the way. A failure
    (a YAML error of libyaml's, an `InputError` of the builder's, an event `_as_ruamels` will not take, anything
    else) is not reported from here: the caller reads the text again with ruamel.yaml's parser, whose results,
    errors and positions are normcheck's. The events go one by one into the builder (none are gathered first), so
    its limits (MAX_NODES, MAX_DEPTH) bound the work as on the other path."""
    c_parser = _c_parser()
    if c_parser is None:
        return None
    doc = Doc(display, text, None, lines=lines)
    builder = _Builder(doc, lines)
    try:
        parser = c_parser(text)
        event = parser.get_event()
        while event is not None:
            if not _as_ruamels(event):
                return None
            builder.feed(event)
            event = parser.get_event()
    except Exception:  # any failure: ruamel.yaml's parser reads the text again and reports it
        return None
    doc.data = builder.root
    doc.comments = _comments(text, builder.spans, lines)
    return doc


_CPARSER: Any = False  # libyaml's parser class, None without clib; False: not looked for yet


def _c_parser() -> Any:
    """ruamel.yaml.clib's `CParser`, or None where clib is not installed (on PyPy, say). Imported here rather than
    at the top, and looked for once: a failed import costs some 40 µs each time; where clib is installed,
    ruamel.yaml has imported it already."""
    global _CPARSER
    if _CPARSER is False:
        try:
            from _ruamel_yaml import CParser
        except ImportError:
            CParser = None
        _CPARSER = CParser
    return _CPARSER


def _as_ruamels(event: Any) -> bool:
    """Make one of libyaml's events the one ruamel.yaml's parser gives: a plain scalar's style is None there, ''
    in libyaml's (the builder tells a plain scalar by None). False for an event that ruamel.yaml may give
    otherwise: one with a tag (the two read the characters of a tag differently), a block scalar (`|`, `>`:
    YAML 1.1 and 1.2 differ on its header, its indentation and its end), an empty value (`key:` with nothing after
    it: libyaml places it elsewhere, and its position is quoted in messages)."""
    if type(event) is not ScalarEvent:
        return getattr(event, "ctag", None) is None
    if event.ctag is not None or event.style in ("|", ">"):
        return False
    if event.style == "":
        if not event.value:
            return False
        event.style = None
    return True


def _load_pure(text: str, display: str, lines: Lines) -> Doc:
    """The `Doc` of `text` from ruamel.yaml's own (pure-Python, YAML 1.2) parser, with its errors as diagnostics."""
    doc = Doc(display, text, None, lines=lines)
    builder = _Builder(doc, lines)
    yaml = YAML(typ="safe", pure=True)  # events only; the rt scanner would also gather comments
    yaml.Reader, yaml.Scanner, yaml.Parser = _Reader, _Scanner, _Parser
    try:
        for event in yaml.parse(text):
            builder.feed(event)
    except InputError:
        raise
    except MarkedYAMLError as exc:
        raise InputError([_yaml_error(exc, doc, lines)]) from None
    except ReaderError as exc:
        pos = exc.position if isinstance(exc.position, int) else 0
        line, col = lines.position(pos)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character) if isinstance(exc.character, int) else "?"
        raise InputError([Diagnostic(display, line, col,
                                     f"the character {char!r} (U+{ord(char[:1] or '?'):04X}) is not allowed in a YAML file",
                                     hint="remove it; control characters are not text", source_line=lines.line(line))]) from None
    except YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError([Diagnostic(display, None, None, f"not valid YAML: {first}")]) from None
    except RecursionError:  # pragma: no cover - the parser is not recursive; kept as a last line of defence
        raise InputError([Diagnostic(display, None, None, "the document is too deeply nested for a case file")]) from None
    doc.data = builder.root
    doc.comments = _comments(text, builder.spans, lines)
    return doc


def _yaml_error(exc: MarkedYAMLError, doc: Doc, lines: Lines) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line = col = None
    if mark is not None:
        line, col = lines.position(mark.index) if getattr(mark, "index", None) is not None else (mark.line + 1, mark.column + 1)
    problem = exc.problem or exc.context or "invalid YAML"
    hint = None
    ctx = exc.context_mark
    if exc.context and ctx is not None and mark is not None and ctx.index != mark.index:
        cl, cc = lines.position(ctx.index)
        hint = f"{exc.context} at line {cl}, column {cc}: is it closed?"
    source = lines.line(line)
    if hint is None and "\t" in (source or ""):
        hint = "YAML does not allow tabs for indentation; use spaces"
    elif hint is None and "mapping values are not allowed" in problem:
        hint = "check the indentation of this line against the one above; a value containing ': ' must be quoted"
    return Diagnostic(doc.file, line, col, f"not valid YAML: {problem}", hint=hint, source_line=source)


class _Builder:
    """Plain data from parser events, with an explicit stack: depth, size and shape checked as it goes."""

    def __init__(self, doc: Doc, lines: Lines) -> None:
        self.doc = doc
        self.lines = lines
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.nodes = 0
        self.documents = 0
        self.spans: list[tuple[int, int]] = []  # character spans of scalars (comments lie outside them)

    def _fail(self, event: Any, message: str, hint: str | None = None, width: int = 1) -> InputError:
        line, col = self.lines.position(event.start_mark.index)
        return InputError([Diagnostic(self.doc.file, line, col, message, hint=hint, source_line=self.lines.line(line), width=width)])

    def feed(self, event: Any) -> None:
        if isinstance(event, DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self._fail(event, "a case file holds one YAML document; this is a second one",
                                 hint="remove the second `---` and what follows, or put it in its own file")
            return
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise self._fail(event, "YAML anchors and aliases (&name, *name) are not allowed in case files",
                             hint="write the value out in full; aliases can hide very large documents")
        if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            self.stack.pop()
            return
        if not isinstance(event, (ScalarEvent, MappingStartEvent, SequenceStartEvent)):
            return
        self.nodes += 1
        depth = len(self.stack)
        if self.nodes > MAX_NODES:
            raise self._fail(event, f"the document has more than {MAX_NODES:,} values, too many for a case file")
        if depth > MAX_DEPTH:
            raise self._fail(event, f"the document is nested more than {MAX_DEPTH} levels deep, too deep for a case file")
        frame = self.stack[-1] if self.stack else None
        is_key = frame is not None and isinstance(frame.container, dict) and not frame.has_key
        if is_key and not isinstance(event, ScalarEvent):
            raise self._fail(event, "a key must be a plain word")
        pos = self.lines.position(event.start_mark.index)
        if isinstance(event, ScalarEvent):
            self.spans.append((event.start_mark.index, event.end_mark.index))
            value = self._scalar(event, pos)
        else:
            value = {} if isinstance(event, MappingStartEvent) else []
        if frame is None:
            path: PathKey = ()
            self.root = value
        elif is_key and isinstance(event, ScalarEvent):  # (a key is always a scalar: checked above)
            self._key(frame, event, value, pos)
            return
        elif isinstance(frame.container, list):
            path = frame.path + (len(frame.container),)
            frame.container.append(value)
        else:
            path = frame.path + (frame.key,)
            frame.container[frame.key] = value
            frame.has_key = False
        self.doc.values[path] = pos
        if isinstance(event, ScalarEvent):
            self.doc.scalars.append(Scalar(path, False, event.value, pos[0], pos[1], event.style is not None))
        else:
            self.stack.append(_Frame(value, path, depth + 1))

    def _key(self, frame: _Frame, event: ScalarEvent, value: Any, pos: tuple[int, int]) -> None:
        if str(event.ctag or "").endswith(":merge") or event.value == "<<":
            raise self._fail(event, "YAML merge keys (<<) are not allowed in case files")
        key = value if isinstance(value, (str, int)) and not isinstance(value, bool) else str(event.value)
        if key in frame.container:
            first = self.doc.keys[frame.path + (key,)]
            raise self._fail(event, f"`{_short(key)}` appears twice in the same block (first on line {first[0]})")
        self.doc.keys[frame.path + (key,)] = pos
        self.doc.scalars.append(Scalar(frame.path + (key,), True, event.value, pos[0], pos[1], event.style is not None))
        frame.key = key
        frame.has_key = True

    def _scalar(self, event: ScalarEvent, pos: tuple[int, int]) -> Any:
        value = event.value
        if event.style is not None and event.style != "":  # quoted or block: a text, as written
            return value
        tag = event.ctag
        if tag is None or str(tag) == "!":
            tag = _resolve(value, event.implicit)
        tag = str(tag)
        if tag.endswith(":null"):
            return None
        if tag.endswith(":bool"):
            return value.lower() == "true"
        if tag.endswith(":int"):
            return self._int(event, value)
        if tag.endswith(":float"):
            return self._decimal(event, value)
        if tag.endswith(":timestamp"):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                hint = "dates are written YYYY-MM-DD and must exist in the calendar"
                if "T" in value or "t" in value or " " in value.strip():
                    hint = "give the date only (YYYY-MM-DD), without a time"
                raise self._fail(event, f"`{_short(value)}` is not a date", hint=hint, width=len(value)) from None
        return value

    def _int(self, event: ScalarEvent, value: str) -> int:
        if _is_int(value):
            digits = value.lstrip("+-")
            if len(digits) > MAX_DIGITS:
                raise self._fail(event, f"this number has {len(digits):,} digits; a fact has at most {MAX_DIGITS}",
                                 hint="state the value itself (a number of months, days or people)", width=min(len(value), 80))
            return int(value)
        if "_" in value:
            plain = value.replace("_", "")
            hint = (f"write the number without underscores: {plain}" if _is_int(plain) and len(plain) <= MAX_DIGITS + 1
                    else "write the number with digits only")
            raise self._fail(event, f"`{_short(value)}` is not a number as normcheck reads it (underscores are not allowed)",
                             hint=hint, width=min(len(value), 80))
        raise self._fail(event, f"`{_short(value)}` is not a plain number (hexadecimal, octal and binary numbers are not accepted)",
                         hint="write the number in ordinary digits, e.g. 183", width=min(len(value), 80))

    def _decimal(self, event: ScalarEvent, value: str) -> Decimal:
        if _is_decimal(value):
            digits = sum(c.isdigit() for c in value)
            if digits > MAX_DIGITS + 4:
                raise self._fail(event, f"this number has {digits:,} digits; a fact has at most {MAX_DIGITS}", width=min(len(value), 80))
            return Decimal(value)
        if "_" in value:
            raise self._fail(event, f"`{_short(value)}` is not a number as normcheck reads it (underscores are not allowed)",
                             hint=f"write it without underscores: {value.replace('_', '')}"[:120], width=min(len(value), 80))
        hint = "write the number out in ordinary digits, e.g. 1500 rather than 1.5e3"
        try:
            d = Decimal(value) if len(value) <= 40 else None
        except InvalidOperation:
            d = None
        if d is not None and d.is_finite() and -MAX_DIGITS <= d.adjusted() <= MAX_DIGITS:
            hint = f"write the number out in ordinary digits: {format(d, 'f')}"
        if (d is not None and not d.is_finite()) or value.lower().lstrip("+-") in (".inf", ".nan"):
            raise self._fail(event, f"`{_short(value)}` is not a number a case can state", width=len(value))
        raise self._fail(event, f"`{_short(value)}` is written with an exponent; normcheck reads plain numbers only",
                         hint=hint, width=min(len(value), 80))


_RESOLVER: VersionedResolver | None = None


_INT_TAG = "tag:yaml.org,2002:int"
_DATE_TAG = "tag:yaml.org,2002:timestamp"


def _resolve(value: str, implicit: Any) -> Any:
    """The tag of a plain scalar, as ruamel's YAML 1.2 resolver gives it. The two commonest kinds in a case
    file, a number of digits only (an int: a float needs a dot, an exponent, inf or nan) and a date
    YYYY-MM-DD (no int or float either), are told at once: ruamel compiles its float, int and timestamp
    patterns on their first use (about 0.6 ms of a run)."""
    global _RESOLVER
    if implicit[0] and value.isascii():
        if value.isdigit():
            return _INT_TAG
        if len(value) == 10 and value[4] == "-" and value[7] == "-" and (value[:4] + value[5:7] + value[8:]).isdigit():
            return _DATE_TAG
    if _RESOLVER is None:  # ruamel's resolver on its own (no YAML object to read a version from: YAML 1.2)
        _RESOLVER = VersionedResolver()
    return _RESOLVER.resolve(ScalarNode, value, implicit)


def _short(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _comments(text: str, spans: list[tuple[int, int]], lines: Lines) -> list[tuple[int, int, str]]:
    """Every comment: a `#` outside every scalar runs to the end of its line (one pass over the text)."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    bounds = spans + [(len(text), len(text))]
    for start, end in bounds:
        while pos < start:
            hit = text.find("#", pos, start)
            if hit < 0:
                break
            stop = text.find("\n", hit)
            stop = len(text) if stop < 0 else stop
            line, col = lines.position(hit)
            out.append((line, col, text[hit + 1: stop].rstrip("\r")))
            pos = stop
        pos = max(pos, end)
    return out

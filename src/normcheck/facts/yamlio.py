"""Safe YAML reading with a position for every key and value.

Only plain data is built (mappings, lists, strings, numbers, booleans, null, dates) from the
composed node tree, under YAML 1.2 rules: `yes`, `no` and `on` stay text, as a lawyer meant them.
Anchors and aliases are refused (no alias bombs), as are oversized files, duplicate keys and
impossible dates, each with file, line and column. Nothing is ever written back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Diagnostic, InputError, Severity, source_line

MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 50_000

PathKey = tuple[Any, ...]


@dataclass
class Doc:
    """A loaded YAML document: plain data plus positions (1-based line, column) per path."""

    file: str
    text: str
    data: Any
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

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

    def diag(self, path: PathKey, message: str, *, key: bool = False, expected: str | None = None,
             hint: str | None = None, severity: Severity = "error") -> Diagnostic:
        line, col = self.where(path, key)
        return Diagnostic(self.file, line, col, message, expected=expected, hint=hint,
                          source_line=source_line(self.text, line), severity=severity)


def read_text(path: Path, display: str) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError([Diagnostic(display, None, None, f"cannot read the file: {exc.strerror or exc}")]) from None
    if size > MAX_BYTES:
        raise InputError([Diagnostic(display, None, None, f"file is too large ({size:,} bytes; a case file stays under {MAX_BYTES:,})")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Diagnostic(display, None, None, f"cannot read the file: {exc.strerror or exc}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Diagnostic(display, line, None, "the file is not UTF-8 text", hint="save it as UTF-8")]) from None


def load(text: str, display: str) -> Doc:
    """Parse one YAML document into a `Doc`; raise `InputError` on anything unsafe or malformed."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise InputError([Diagnostic(display, None, None, f"file is too large (over {MAX_BYTES:,} bytes)")])
    yaml = YAML(typ="rt", pure=True)
    try:
        node = yaml.compose(text)
    except InputError:
        raise
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        hint = None
        ctx = exc.context_mark
        if exc.context and ctx is not None and mark is not None and (ctx.line, ctx.column) != (mark.line, mark.column):
            hint = f"{exc.context} at line {ctx.line + 1}, column {ctx.column + 1}: is it closed?"
        if hint is None and "\t" in (source_line(text, line) or ""):
            hint = "YAML does not allow tabs for indentation; use spaces"
        elif hint is None and "mapping values are not allowed" in problem:
            hint = "check the indentation of this line against the one above; a value containing ': ' must be quoted"
        raise InputError([Diagnostic(display, line, col, f"not valid YAML: {problem}", hint=hint,
                                     source_line=source_line(text, line))]) from None
    except YAMLError as exc:
        raise InputError([Diagnostic(display, None, None, f"not valid YAML: {exc}")]) from None
    doc = Doc(display, text, None)
    if node is None:
        return doc
    counter = [0]
    doc.data = _build(node, (), doc, 0, counter)
    return doc


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(node: Node, path: PathKey, doc: Doc, depth: int, counter: list[int], seen: set[int] | None = None) -> Any:
    seen = set() if seen is None else seen
    if id(node) in seen or getattr(node, "anchor", None):
        line, col = _pos(node)
        raise InputError([Diagnostic(doc.file, line, col, "YAML anchors and aliases (&name, *name) are not allowed in case files",
                                     hint="write the value out in full; aliases can hide very large documents",
                                     source_line=source_line(doc.text, line))])
    seen.add(id(node))
    counter[0] += 1
    if counter[0] > MAX_NODES or depth > MAX_DEPTH:
        line, col = _pos(node)
        raise InputError([Diagnostic(doc.file, line, col, "the document is too large or too deeply nested for a case file",
                                     source_line=source_line(doc.text, line))])
    doc.values[path] = _pos(node)
    if isinstance(node, MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                line, col = _pos(key_node)
                raise InputError([Diagnostic(doc.file, line, col, "a key must be a plain word",
                                             source_line=source_line(doc.text, line))])
            if (key_node.tag or "").endswith(":merge") or key_node.value == "<<":
                line, col = _pos(key_node)
                raise InputError([Diagnostic(doc.file, line, col, "YAML merge keys (<<) are not allowed in case files",
                                             source_line=source_line(doc.text, line))])
            key = _scalar(key_node, path, doc)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                key = str(key_node.value)
            if key in out:
                line, col = _pos(key_node)
                first = doc.keys[path + (key,)]
                raise InputError([Diagnostic(doc.file, line, col, f"`{key}` appears twice in the same block (first on line {first[0]})",
                                             source_line=source_line(doc.text, line))])
            doc.keys[path + (key,)] = _pos(key_node)
            out[key] = _build(value_node, path + (key,), doc, depth + 1, counter, seen)
        return out
    if isinstance(node, SequenceNode):
        return [_build(item, path + (i,), doc, depth + 1, counter, seen) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)  # ruamel composes mappings, sequences and scalars only
    return _scalar(node, path, doc)


def _scalar(node: ScalarNode, path: PathKey, doc: Doc) -> Any:
    tag = node.tag or ""
    value = node.value
    if node.style in ("'", '"', "|", ">"):
        return value
    try:
        if tag.endswith(":null"):
            return None
        if tag.endswith(":bool"):
            return value.lower() == "true"
        if tag.endswith(":int"):
            text = value.replace("_", "")
            try:
                return int(text)
            except ValueError:
                return int(text, 0)
        if tag.endswith(":float"):
            return Decimal(value.replace("_", ""))
        if tag.endswith(":timestamp"):
            return dt.date.fromisoformat(value)
    except (ValueError, InvalidOperation):
        line, col = _pos(node)
        what = "a date" if tag.endswith(":timestamp") else "a number"
        hint = "dates are written YYYY-MM-DD and must exist in the calendar" if "timestamp" in tag else None
        if "timestamp" in tag and ("T" in value or " " in value.strip()):
            hint = "give the date only (YYYY-MM-DD), without a time"
        raise InputError([Diagnostic(doc.file, line, col, f"`{value}` is not {what}", hint=hint,
                                     source_line=source_line(doc.text, line), width=len(value))]) from None
    return value

"""Text from case files is data, never commands to the reader's terminal or markup in a report.

A text fact can hold `\\e[2J` (YAML's double-quoted escapes make that easy), `<script>` or a
Markdown link; the rules interpolate facts into messages. `safe_record` returns a copy of a
record's result in which every string is made inert for one output format, so a renderer can
print the fields as they are:

* terminal: control characters, C1 controls, bidirectional overrides and line separators are
  shown escaped (`\\x1b`, `\\n`, `\\u202e`);
* markdown: additionally `\\`, `` ` ``, `<`, `>`, `[`, `]` and `|` are backslash-escaped in
  running text (no raw HTML, links, code spans or table cells can be opened), and in the fields
  a renderer puts inside a code span (file paths, fact names, the deciding facts) a backtick
  becomes `'`, so the span cannot be closed early.

(HTML output escapes everything with `html.escape` already.)
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable
from typing import Any

from ..diagnostics import printable
from ..findings import BackgroundRef, DecidingFact, ExceptionCheck, FactToCollect, Finding, Problem, RecordResult, SourceRef

_MD_SPECIAL = r"([\\`<>\[\]|])"  # compiled on first use (by `re`): only Markdown needs it

# Fields that the Markdown renderer puts inside `code spans`.
_CODE_FIELDS = {(RecordResult, "file"), (Problem, "file"), (FactToCollect, "fact"), (Finding, "missing_facts"),
                (DecidingFact, "name"), (DecidingFact, "definition"), (DecidingFact, "stated_at"),
                (ExceptionCheck, "condition")}
# Links to the official text come from the rule files, never from a case file: kept as written.
_RAW_FIELDS = {(SourceRef, "url"), (BackgroundRef, "url")}


terminal_text = printable  # a terminal needs only the control characters shown escaped (a printable text comes back itself)


def markdown_text(text: str) -> str:
    """Running Markdown text: no control characters, no raw HTML, no links, no code spans, no table cells."""
    return re.sub(_MD_SPECIAL, r"\\\1", printable(text))


def markdown_code(text: str) -> str:
    """Inside a Markdown code span: everything is inert except a backtick, which would close it."""
    return printable(text).replace("`", "'")


def _same(text: str) -> str:
    return text


Pick = Callable[[type, str], Callable[[str], str]]  # a field of a class -> how its strings are made inert


def _pick_markdown(owner: type, name: str) -> Callable[[str], str]:
    if (owner, name) in _RAW_FIELDS:
        return _same
    if (owner, name) in _CODE_FIELDS:
        return markdown_code
    return markdown_text


def _pick_terminal(owner: type, name: str) -> Callable[[str], str]:
    return terminal_text


def safe_record(record: RecordResult, fmt: str) -> RecordResult:
    """A copy of `record` whose strings are inert in `fmt` ("terminal" or "markdown"); the record itself if none changes."""
    if fmt != "markdown" and _printable_throughout(record):
        return record  # the usual case: nothing to escape, so no copy to build
    pick = _pick_markdown if fmt == "markdown" else _pick_terminal
    return _map(record, pick)  # type: ignore[no-any-return]  # _map rebuilds a record of the type it was given


def _printable_throughout(record: RecordResult) -> bool:
    """Whether every string `_map` would look at in `record` is printable, so that the terminal's escaping
    changes none of them. One walk over the values of each dataclass instance (its `__dict__`, read in C),
    without `_map`'s per-field bookkeeping: about a third of its time on a record of 3,000 strings. It
    may look at more than `_map` does (a value that is not a field) and gives up on what it does not know
    (a pydantic model): a False only means that `_map` decides."""
    todo: list[Any] = [record]
    pop, extend = todo.pop, todo.extend
    while todo:
        obj = pop()
        kind = type(obj)
        if kind is str:
            if not obj.isprintable():
                return False
        elif kind is tuple or kind is list:
            extend(obj)
        elif kind in _ATOMS or kind is dict:
            continue  # `_map` leaves a mapping as it is
        elif isinstance(obj, str):
            return False
        elif dataclasses.is_dataclass(kind) and hasattr(obj, "__dict__"):
            extend(obj.__dict__.values())
        elif dataclasses.is_dataclass(kind) or _pydantic_model(obj):
            return False
    return True


# A class and a pick -> its fields' names, each with how its strings are made inert (none: not a dataclass),
# worked out once: a record holds thousands of values, most of them in a few classes.
_PLANS: dict[tuple[type, Pick], tuple[tuple[str, Callable[[str], str]], ...]] = {}
# Values that hold no text: returned as they are without a look.
_ATOMS = frozenset({type(None), bool, int, float})


def _map(obj: Any, pick: Pick, fn: Callable[[str], str] | None = None) -> Any:
    if isinstance(obj, str):
        if fn is None:
            return obj
        new = fn(obj)
        return obj if new == obj else new
    if isinstance(obj, (tuple, list)):
        items = [x if type(x) in _ATOMS else _text(x, fn) if type(x) is str else _map(x, pick, fn) for x in obj]
        return obj if all(a is b for a, b in zip(items, obj)) else type(obj)(items)
    owner = type(obj)
    plan = _PLANS.get((owner, pick))
    if plan is None:  # an instance of a dataclass has its fields' names (a class itself is a `type`: none)
        names = tuple(f.name for f in dataclasses.fields(owner)) if dataclasses.is_dataclass(owner) else ()
        plan = _PLANS[(owner, pick)] = tuple((name, pick(owner, name)) for name in names)
    if plan:
        update = {}
        for name, field_fn in plan:
            value = getattr(obj, name)
            kind = type(value)
            if kind in _ATOMS:
                continue
            new = _text(value, field_fn) if kind is str else _map(value, pick, field_fn)
            if new is not value:
                update[name] = new
        return dataclasses.replace(obj, **update) if update else obj
    if _pydantic_model(obj):
        model = type(obj)
        update = {}
        for name in model.model_fields:
            value = getattr(obj, name)
            new = _map(value, pick, pick(model, name))
            if new is not value:
                update[name] = new
        return obj.model_copy(update=update) if update else obj
    return obj


def _text(text: str, fn: Callable[[str], str] | None) -> str:
    """A string as `_map` gives it (the same object when nothing changes), without its type tests."""
    if fn is None:
        return text
    new = fn(text)
    return text if new == text else new


def _pydantic_model(obj: Any) -> bool:
    """Whether `obj` is a pydantic model, without importing pydantic's model machinery (about 50 ms of every
    one-case run): no object can be a `BaseModel` before `pydantic.main` has been imported by someone."""
    main = sys.modules.get("pydantic.main")
    return main is not None and isinstance(obj, main.BaseModel)

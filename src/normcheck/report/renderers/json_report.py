"""`--format json`: the documented, versioned schema (docs/output-schema.json, `findings.Run`), written
record by record as the batch runs, so the document is valid JSON without ever being held whole. The
bytes are those of `Run(...).model_dump_json(indent=2)` (pydantic-core's compiled writer)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from ...findings import SCHEMA_VERSION, _Model
from ..view import RunView


def _dump(model: _Model, depth: int) -> str:
    """A record as its JSON writer indents it, nested `depth` levels deep."""
    return model.model_dump_json(indent=2).replace("\n", "\n" + "  " * depth)


def _array(out: TextIO, key: str, items: Iterable[Any], depth: int, last: bool = False) -> None:
    pad = "  " * depth
    out.write(f'{pad}"{key}": [')
    empty = True
    for item in items:
        out.write(("\n" if empty else ",\n") + pad + "  " + _dump(item, depth + 1))
        empty = False
    out.write("]" if empty else f"\n{pad}]")
    out.write("\n" if last else ",\n")


def render(run: RunView, out: TextIO) -> None:
    out.write("{\n")
    out.write(f'  "normcheck": {json.dumps(SCHEMA_VERSION)},\n')
    out.write(f'  "receipt": {_dump(run.receipt.receipt, 1)},\n')
    _array(out, "records", run.results(), 1)
    t = run.tally
    out.write('  "summary": {\n')
    out.write(f'    "records": {t.records},\n    "failed": {t.failed},\n')
    out.write(f'    "by_highest": {_dump(t.highest_counts(), 2)},\n')
    _array(out, "rows", (row.model() for row in t.rows()), 2)
    _array(out, "facts_to_collect", (f.model() for f in t.facts()), 2, last=True)
    out.write("  }\n}\n")

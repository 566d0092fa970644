"""`--format csv`: the batch summary as CSV, for a spreadsheet. One row per record (highest level,
count per level, errors), written as the batch runs; then, after an empty line, the facts to collect
across the batch with how many records each could decide. Headers in the report's language."""

from __future__ import annotations

import csv
from typing import TextIO

from ..view import RunView


def render(run: RunView, out: TextIO) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(run.summary().columns)
    for row in run.rows():  # one line per record as the batch runs
        w.writerow([row.id or "", row.file, row.highest, *row.counts, row.errors])
    end = run.summary()
    out.write("\n")
    w.writerow(end.facts_columns)
    for i, f in enumerate(end.facts, 1):
        w.writerow([i, f.question or f.fact, f.records])

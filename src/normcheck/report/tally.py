"""Run-level totals over a stream of records, in memory that does not grow with the batch: a few
counters, the facts to collect across the batch (bounded by the vocabulary), and one small row per
record spooled (in memory up to `SPOOL_MEMORY`, then in a temporary file) and read back for the
summary at the end."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .. import ir
from ..findings import FactAcrossRecords, LevelCounts, RecordResult, SummaryRow

_INDEX = {level: i for i, level in enumerate(ir.OUTCOMES)}
# The rows' characters held in memory before they move to a temporary file (several hundred records): a run
# of a few cases then creates none (the first temporary file of a process cost about 0.2 ms of a one-case run,
# and the web page's reports never touch the disk); a batch's memory stays bounded. The rows are kept in a
# StringIO until then, not in a `tempfile.SpooledTemporaryFile`, so that a run of a few cases does not import
# `tempfile` (and with it `shutil`, `zlib`, `bz2` and `lzma`: about 1 ms of every one-case run).
SPOOL_MEMORY = 1 << 16


@dataclass(frozen=True)
class SummaryRowData:
    """One record's counts for the batch summary, before it is worded."""

    id: str | None
    file: str
    highest: ir.Outcome | None  # None: the file has errors (no findings)
    counts: tuple[int, ...]  # per level, in ir.OUTCOMES order
    errors: int

    def model(self) -> SummaryRow:
        return SummaryRow(id=self.id, file=self.file, highest=self.highest,
                          counts=LevelCounts(**dict(zip(ir.OUTCOMES, self.counts))), errors=self.errors)


@dataclass(frozen=True)
class FactRow:
    """A fact to collect across the batch, with how many records it could decide, before it is worded."""

    fact: str
    records: int  # how many records it could decide or change a finding of
    weight: int
    question: str = ""  # the fact as a question, in the report's language

    def model(self) -> FactAcrossRecords:
        return FactAcrossRecords(fact=self.fact, records=self.records, weight=self.weight)


class Tally:
    def __init__(self) -> None:
        self.records = 0
        self.failed = 0
        self.by_highest = [0] * len(ir.OUTCOMES)
        # the highest level a finding could reach once what the authority has not disclosed is produced
        self.potential = -1
        self._facts: dict[str, list[int]] = {}
        self._questions: dict[str, str] = {}  # bounded by the vocabulary, like `_facts`
        # the rows, in memory and then on disk, for as long as the run lasts (closed by `close`)
        self._memory: io.StringIO | None = io.StringIO(newline="\n")  # None once the rows are on disk
        self._spool: IO[str] = self._memory

    def add(self, r: RecordResult) -> SummaryRowData:
        counts = [0] * len(ir.OUTCOMES)
        for f in r.findings:
            counts[_INDEX[f.level]] += 1
        highest = max((lv for lv in ir.OUTCOMES if counts[_INDEX[lv]]), key=ir.OUTCOME_RANK.__getitem__, default=None)
        self.records += 1
        self.failed += r.failed
        if highest is not None:
            self.by_highest[_INDEX[highest]] += 1
        for f in r.findings:
            if f.potential_level is not None:
                self.potential = max(self.potential, ir.OUTCOME_RANK[f.potential_level])
        for c in r.facts_to_collect:
            entry = self._facts.setdefault(c.fact, [0, 0])
            entry[0] += 1
            entry[1] += c.weight
            self._questions.setdefault(c.fact, c.question or c.label)
        errors = sum(p.severity == "error" for p in r.problems)
        self._spool.write(json.dumps([r.id, r.file, highest, counts, errors], ensure_ascii=False) + "\n")
        if self._memory is not None and self._memory.tell() > SPOOL_MEMORY:
            self._spill(self._memory)
        return SummaryRowData(r.id, r.file, highest, tuple(counts), errors)

    def _spill(self, memory: io.StringIO) -> None:
        """Move the rows held in memory to a temporary file, where the rows of the rest of the batch go too."""
        import tempfile  # only here: see SPOOL_MEMORY

        disk = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="\n")  # noqa: SIM115  (closed by `close`)
        disk.write(memory.getvalue())
        memory.close()
        self._spool, self._memory = disk, None

    def rows(self) -> Iterator[SummaryRowData]:
        """One row per record, in the order they were added, read back from the spool."""
        self._spool.flush()
        self._spool.seek(0)
        try:
            for line in self._spool:
                rid, file, highest, counts, errors = json.loads(line)
                yield SummaryRowData(rid, file, highest, tuple(counts), errors)
        finally:
            self._spool.seek(0, 2)

    def facts(self) -> tuple[FactRow, ...]:
        """Facts to collect across the batch: those that could decide the most records first."""
        ranked = sorted(self._facts.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        return tuple(FactRow(name, n, weight, self._questions.get(name, "")) for name, (n, weight) in ranked)

    def highest_counts(self) -> LevelCounts:
        return LevelCounts(**dict(zip(ir.OUTCOMES, self.by_highest)))

    def reached(self, level: ir.Outcome) -> bool:
        """Has any record a finding at or above `level`, or one that facts the authority has not disclosed
        could raise to it?"""
        threshold = ir.OUTCOME_RANK[level]
        return self.potential >= threshold or any(n and ir.OUTCOME_RANK[lv] >= threshold for lv, n in zip(ir.OUTCOMES, self.by_highest))

    def close(self) -> None:
        self._spool.close()

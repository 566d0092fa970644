"""One view of a run, many renderers: the registry, streaming in flat memory, the batch summary
(also as CSV), and 'no problem found' only where a rule's conditions were really evaluated."""

from __future__ import annotations

import copy
import csv
import dataclasses
import gc
import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from normcheck import findings
from normcheck.batch import check_files
from normcheck.cli import main
from normcheck.findings import RecordResult, Run, Summary
from normcheck.report import renderers
from normcheck.report.view import RunView, Words

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
TQ_FACTS = CASES / "tq" / "tq-c441-19-facts-pre-tq.yaml"  # reception never assessed, removal deferred until 18
SAFEGUARDS = CASES / "tq" / "tq-return-decision-all-safeguards.yaml"  # removal not deferred at all
FORMATS = ("terminal", "json", "markdown", "html", "csv")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def results(loaded, engine, *paths: Path, lang: str = "en") -> list[RecordResult]:
    return list(check_files(list(paths), loaded, engine, lang))


def by_rule(result: RecordResult) -> dict[str, findings.Finding]:
    return {f.rule: f for f in result.findings}


# ---- the schema --------------------------------------------------------------------------------


def test_documented_schema_lists_exactly_the_fields_of_the_report() -> None:
    """docs/output-schema.json is the contract; the records the report writes have exactly its fields,
    the required ones being those without a default, and its version is the report's."""
    on_disk = json.loads((ROOT / "docs" / "output-schema.json").read_text())
    assert on_disk["properties"]["normcheck"]["default"] == findings.SCHEMA_VERSION
    assert on_disk["title"].endswith(f"schema version {findings.SCHEMA_VERSION}")
    models = {"Run": findings.Run, **{name: getattr(findings, name) for name in on_disk["$defs"]}}
    for name, cls in models.items():
        schema = on_disk if name == "Run" else on_disk["$defs"][name]
        fields = dataclasses.fields(cls)
        assert list(schema["properties"]) == [f.name for f in fields], name
        required = [f.name for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        assert schema.get("required", []) == required, name


def test_streamed_json_is_the_whole_document_pydantic_would_write(loaded, evaluator_only, write) -> None:
    bad = write("bad.yaml", "normcheck: 1\nid: x\nfacts:\n  agee: 3\n")
    recs = results(loaded, evaluator_only, TQ_FACTS, bad, SAFEGUARDS)
    receipt = findings.receipt(loaded.pack, evaluator_only.label, "en")
    view = RunView(iter(recs), receipt, Words("en"), batch=True)
    out = io.StringIO()
    renderers.get("json")(view, out)
    t = view.tally
    whole = Run(receipt=receipt, records=tuple(recs), summary=Summary(
        records=t.records, failed=t.failed, by_highest=t.highest_counts(),
        rows=tuple(r.model() for r in t.rows()), facts_to_collect=tuple(f.model() for f in t.facts())))
    assert out.getvalue() == whole.model_dump_json(indent=2) + "\n"
    data = json.loads(out.getvalue())
    assert data["summary"]["records"] == 3 and data["summary"]["failed"] == 1
    assert [r["highest"] for r in data["summary"]["rows"]] == ["BREACH", None, by_highest_level(recs[2])]


def by_highest_level(r: RecordResult) -> str:
    from normcheck.ir import OUTCOME_RANK
    return max((f.level for f in r.findings), key=OUTCOME_RANK.__getitem__)


# ---- a new format is one module and one registry line ---------------------------------------


def _tiny(view: RunView, out: TextIO) -> None:
    """A renderer a user might add: one line per shown finding, worded by the view."""
    for r in view.records:
        for g in r.groups:
            for f in g.findings:
                out.write(f"{r.id}\t{f.rule}\t{f.label}\n")
    out.write(f"{view.receipt.label}\n")


def test_a_registered_renderer_is_a_new_format(capsys) -> None:
    renderers.register("tiny", _tiny)
    try:
        code, out, _ = run(capsys, "--format", "tiny", "--lang", "nl", str(TQ_FACTS))
    finally:
        del renderers.RENDERERS["tiny"]
    assert code == 1  # the exit code still counts every record
    assert "tq-c441-19\tTQ-02\tSchending" in out.splitlines()
    assert out.endswith("Verantwoording\n")


def test_a_renderer_that_reads_nothing_still_gets_the_exit_code_right(capsys) -> None:
    renderers.register("nothing", lambda view, out: None)
    try:
        assert run(capsys, "--format", "nothing", str(TQ_FACTS))[0] == 1
    finally:
        del renderers.RENDERERS["nothing"]


def test_every_renderer_shows_every_section_the_view_gives(loaded, engine) -> None:
    """Renderers lay out; the view decides what a finding shows. Whatever section it gives (a new
    field of a finding included), each human format prints it."""
    recs = results(loaded, engine, TQ_FACTS, CASES / "tq" / "tq04a-age-183-amv-2025.yaml", lang="nl")
    receipt = findings.receipt(loaded.pack, engine.label, "nl")
    words = Words("nl", loaded.pack.value_labels)
    texts = {}
    for fmt in ("terminal", "markdown", "html"):
        out = io.StringIO()
        renderers.get(fmt)(RunView(iter(recs), receipt, words, show_all=True), out)
        texts[fmt] = " ".join(out.getvalue().replace("│", " ").split())
    shown = [s for r in RunView(iter(recs), receipt, words, show_all=True).records
             for g in r.groups for f in g.findings for s in f.sections]
    assert {s.key for s in shown} >= {"law", "sources", "decided_by", "readings", "note", "exceptions", "missing"}
    for fmt, text in texts.items():
        for s in shown:
            first = s.items[0].text if s.style == "emphasis" else s.label
            assert " ".join(first.split()[:6]).replace("&", "&amp;").replace("'", "&#x27;") in text or \
                " ".join(first.split()[:6]) in text, (fmt, s.key)


def test_every_format_is_deterministic_and_in_one_language(capsys) -> None:
    for fmt in FORMATS:
        first = run(capsys, "--format", fmt, "--lang", "nl", str(CASES / "tq"))[1]
        assert first == run(capsys, "--format", fmt, "--lang", "nl", str(CASES / "tq"))[1], fmt
        assert "No problem found" not in first and "Insufficient data" not in first, fmt


# ---- streaming: memory does not grow with the batch -------------------------------------------


class _Sink(io.TextIOBase):
    """An output that keeps nothing (a file would not grow memory either)."""

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        return len(s)


def _peak(fmt: str, template: RecordResult, n: int, receipt: findings.Receipt) -> int:
    """The peak of memory allocated while `n` records pass through the view and a renderer.

    Each record is a fresh object, as the batch makes them. Two things that are bounded but would blur
    a comparison of 20 and 200 records are held steady: the ids repeat in tens (rich keeps bounded
    caches of the strings it measures), and the cycle collector runs every ten records (garbage it
    frees anyway is not what this test is about)."""
    def batch() -> Iterator[RecordResult]:
        for i in range(n):
            if i % 10 == 0:
                gc.collect()
            fresh = copy.deepcopy(template)  # its own findings, sources, facts
            yield dataclasses.replace(fresh, id=f"r-{i % 10:03d}", file=f"cases/gen/r-{i % 10:03d}.yaml")
    view = RunView(batch(), receipt, Words("nl"), batch=True)
    gc.collect()
    gc.freeze()  # the rule pack and the session's objects: not scanned by every collection
    tracemalloc.start()
    try:
        renderers.get(fmt)(view, _Sink())
        view.drain()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        gc.unfreeze()
        view.tally.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_memory_stays_flat_over_the_batch(loaded, evaluator_only, fmt: str) -> None:
    """Records stream through the view and the renderer: ten times the records, not more memory (the
    JSON document, the summary rows and the facts across the batch included)."""
    template = results(loaded, evaluator_only, CASES / "tq" / "tq07-permit-still-running.yaml", lang="nl")[0]
    receipt = findings.receipt(loaded.pack, evaluator_only.label, "nl")
    _peak(fmt, template, 5, receipt)  # warm-up: imports and first-use caches are not the batch's
    small = _peak(fmt, template, 20, receipt)
    large = _peak(fmt, template, 200, receipt)
    assert large < small * 1.25, (fmt, small, large)


def test_the_summary_rows_move_to_a_temporary_file_past_the_memory_bound(loaded, evaluator_only, monkeypatch) -> None:
    """A few records' rows stay in memory (no temporary file for one case); a batch's move to disk, every row
    read back in order, the same rows either way."""
    import tempfile

    from normcheck.report import tally

    template = results(loaded, evaluator_only, TQ_FACTS)[0]
    made: list[object] = []
    real = tempfile.TemporaryFile
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda *a, **k: made.append(1) or real(*a, **k))
    rows, bound = {}, tally.SPOOL_MEMORY
    for memory in (bound, 200):
        monkeypatch.setattr(tally, "SPOOL_MEMORY", memory)
        t = tally.Tally()
        try:
            for i in range(20):
                t.add(dataclasses.replace(template, id=f"r-{i:02d}"))
            rows[memory] = list(t.rows())
            t.add(dataclasses.replace(template, id="last"))
            rows[memory] += list(t.rows())[-1:]
        finally:
            t.close()
        assert len(made) == (0 if memory == bound else 1)
    assert [r.id for r in rows[200]] == [f"r-{i:02d}" for i in range(20)] + ["last"]
    assert rows[200] == rows[bound]


# ---- the batch summary ------------------------------------------------------------------------


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "batch"
    d.mkdir()
    for src in (TQ_FACTS, SAFEGUARDS, CASES / "sbc" / "nl-2024-notification.yaml"):
        text = src.read_text().replace("policy: ../policies/", f"policy: {CASES / 'policies'}/")
        (d / src.name).write_text(text)
    (d / "zz-bad.yaml").write_text("normcheck: 1\nid: bad\nfacts:\n  agee: 3\n")
    return d


def test_csv_summary_has_a_row_per_record_and_the_facts_across_the_batch(capsys, folder: Path) -> None:
    code, out, _ = run(capsys, "--format", "csv", str(folder))
    assert code == 2  # one file has errors
    table, facts = out.split("\n\n")
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[0] == ["Record", "File", "Highest result", "Breach", "Risk", "Contested", "Insufficient data", "OK",
                       "Not applicable", "Problems"]
    assert [r[0] for r in rows[1:]] == ["sbc-nl-2024-11-notification", "tq-c441-19", "amv-rd-0001", ""]
    first = rows[2]
    assert first[2] == "Breach" and int(first[3]) == 2 and sum(int(x) for x in first[3:9]) > 40
    assert rows[4][2] == "could not be read" and rows[4][9] == "1"
    fact_rows = list(csv.reader(io.StringIO(facts)))
    assert fact_rows[0] == ["#", "Question", "records it could decide"]
    assert all(r[1].endswith("?") for r in fact_rows[1:])  # each fact to collect as its question
    assert fact_rows[1][0] == "1" and int(fact_rows[1][2]) >= int(fact_rows[-1][2]) >= 1


def test_human_formats_end_a_batch_with_the_summary(capsys, folder: Path) -> None:
    _, out, _ = run(capsys, "--format", "markdown", "--lang", "nl", str(folder))
    summary = out[out.index("## Samenvatting (4)"):]
    assert "| tq-c441-19 | `" in summary and "| Schending |" in summary and "kon niet worden gelezen" in summary
    assert summary.index("Samenvatting") < summary.index("## Verantwoording")
    _, out, _ = run(capsys, "--format", "terminal", str(folder))
    assert "Summary (4)" in out and "records it could decide" in out
    _, out, _ = run(capsys, "--format", "html", str(folder))
    assert "<h2>Summary (4)</h2>" in out
    _, out, _ = run(capsys, str(TQ_FACTS))  # one record: no summary
    assert "Summary (" not in out


# ---- "no problem found" only when the conditions were evaluated ------------------------------


def test_a_precondition_the_record_does_not_establish_is_not_no_problem(loaded, engine) -> None:
    """T.Q.'s own facts: reception was never assessed and removal deferred until 18. TQ-05 (deferral after
    verified reception) does not fire, but not because there is no problem: its premise is not established."""
    f = by_rule(results(loaded, engine, TQ_FACTS)[0])["TQ-05"]
    assert f.level == "OK" and f.reason == "condition_false_not_established"
    assert f.not_established == ("adequate_reception_status",)
    # in words: the vocabulary's name of the fact and of its value, never the identifiers
    assert not f.message.startswith("No problem found") and "not investigated" in f.message
    assert "not_assessed" not in f.message and "adequate_reception_status" not in f.message
    f = by_rule(results(loaded, engine, TQ_FACTS, lang="nl")[0])["TQ-05"]
    assert "niet onderzocht" in f.message and not f.message.startswith("Geen probleem gevonden")


def test_conditions_evaluated_and_false_are_no_problem(loaded, engine) -> None:
    f = by_rule(results(loaded, engine, SAFEGUARDS)[0])["TQ-05"]  # removal is simply not deferred
    assert f.level == "OK" and f.reason == "condition_false" and f.not_established == ()
    assert f.message.startswith("No problem found")


def test_an_unknown_scope_is_not_no_problem(loaded, engine) -> None:
    f = by_rule(results(loaded, engine, SAFEGUARDS)[0])["TQ-09"]
    assert f.level == "OK" and f.reason == "condition_false_scope_unknown" and f.not_established
    assert not f.message.startswith("No problem found")


def test_reports_set_such_rules_apart(capsys) -> None:
    _, out, _ = run(capsys, str(TQ_FACTS))
    other = " ".join(out[out.index("Other rules:"):].split())
    other = other.replace("│", "").replace(" ", "")
    assert "Nofinding,notfullyestablished:TQ-05" in other
    _, out, _ = run(capsys, "--format", "markdown", str(TQ_FACTS))
    assert "| TQ-05 | No finding, not fully established: the conditions for a finding fail only on what the " \
           "record does not establish (adequate reception in the State of return: not investigated) |" in out


def test_a_dutch_report_gives_what_a_derived_fact_means_in_dutch_or_not_at_all(capsys, loaded) -> None:
    """`decided_by[].doc` is in the report's language: a definition documented in English only has no
    `doc` in a Dutch report (a Dutch report is Dutch throughout)."""
    main([str(CASES / "tq" / "tq04a-age-183-amv-2025.yaml"), "--format", "json", "--lang", "nl"])
    doc = json.loads(capsys.readouterr().out)
    seen: dict[str, str | None] = {}

    def walk(items: list[dict]) -> None:
        for d in items:
            if d["derived"]:
                seen[d["name"]] = d["doc"]
            walk(d["inputs"])

    for f in doc["records"][0]["findings"]:
        walk(f["decided_by"])
    docs = {name: dict(loaded.pack.define(name).docs) for name in seen}
    assert any("en" in d and "nl" not in d for d in docs.values())  # the case shows an English-only definition
    assert any("nl" in d for d in docs.values())
    assert all(seen[name] == docs[name].get("nl") for name in seen)


# ---- the terminal's shortcuts give rich's own output ------------------------------------------


def test_brief_findings_print_the_same_terminal_report(loaded, engine) -> None:
    """`brief` leaves out of a rule that did not fire only what the terminal's one line never shows, and out of
    a rule of a family the record is not about (which it only counts) every word."""
    paths = [CASES / "tq" / "tq04a-age-183-amv-2025.yaml", TQ_FACTS]
    receipt = findings.receipt(loaded.pack, engine.label, "en")
    words = Words("en", loaded.pack.value_labels)
    full = results(loaded, engine, *paths)
    brief = list(check_files(paths, loaded, engine, "en", brief=True))
    texts = []
    for recs in (full, brief):
        out = io.StringIO()
        renderers.get("terminal")(RunView(iter(recs), receipt, words, batch=True), out)
        texts.append(out.getvalue())
    assert texts[0] == texts[1]
    counted = 0
    for a, b in zip(full, brief):
        for fa, fb in zip(a.findings, b.findings):
            if findings.unconcerned(fa.level, fa.reason):
                counted += 1
                assert fb.title == fb.message == "" and fb.note is None
                assert dataclasses.replace(fa, title="", message="", note=None, sources=(), background=(), law_applied=None,
                                           rule_message="") == fb
            elif fa.level in findings.QUIET_LEVELS:
                assert fb.sources == () and fb.law_applied is None and fb.rule_message == ""
                assert dataclasses.replace(fa, sources=(), background=(), law_applied=None, rule_message="") == fb
            else:
                assert fa == fb
    assert counted


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_records_deciding_facts_worded_once_read_as_each_finding_words_them(loaded, engine, lang) -> None:
    """`record_result` words a deciding fact once for all the record's findings (`_deciding`'s `worded`): the
    findings are those each finding words on its own, and a fact that decides several rules is worded once."""
    from normcheck.facts import load_record

    record = load_record(CASES / "tq" / "tq04a-age-183-amv-2025.yaml", loaded.vocabulary)
    run = engine.run(record.facts, record.as_of, record.origins.keys())
    shared = findings.record_result(record, run, engine.pack, lang).findings
    origins = dict(record.origins)
    alone = tuple(findings.finding(f_res, run, engine.pack, lang, origins, frozenset(record.not_disclosed))
                  for f_res in sorted(run.results, key=lambda r: (engine.pack.family_rank(r.rule.family), r.rule.family,
                                                                 r.rule.line)))
    assert shared == alone
    facts = [d for f in shared for d in f.decided_by]
    assert len({d.name for d in facts}) < len(facts)  # facts that decide several rules: worded once, shared
    assert len({id(d) for d in facts}) == len({(d.name, d.text) for d in facts})


def test_a_printable_record_is_not_copied_and_a_control_character_is_still_escaped(loaded, engine) -> None:
    from normcheck.report.escape import safe_record

    r = results(loaded, engine, TQ_FACTS)[0]
    assert safe_record(r, "terminal") is r
    bad = dataclasses.replace(r, findings=(dataclasses.replace(r.findings[0], title="a\x1b[2Jb\u202ec"),) + r.findings[1:])
    safe = safe_record(bad, "terminal")
    assert safe.findings[0].title == "a\\x1b[2Jb\\u202ec" and safe.findings[1:] == r.findings[1:]


def _print_as_rich_gives_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The terminal renderer without its shortcuts: one text per line, one print per line after the records,
    and the console cropping every line it prints."""
    from rich.console import Console

    from normcheck.report.renderers import terminal

    printing = Console.print

    def cropping(self: Console, *objects: object, **options: object) -> None:
        options.pop("crop", None)
        printing(self, *objects, **options)

    monkeypatch.setattr(terminal, "_joined", lambda items, styled=True: list(items))
    monkeypatch.setattr(terminal, "_print_lines", lambda lines, console: [console.print(line) for line in lines])
    monkeypatch.setattr(Console, "print", cropping)


@pytest.mark.parametrize(("width", "colours"), [(40, None), (80, "truecolor"), (120, None), (200, "256")])
def test_joined_lines_print_what_rich_prints_line_by_line(loaded, engine, monkeypatch, width: int,
                                                          colours: str | None) -> None:
    """The lines of a panel are printed as one text per run of lines (and those after the records in one
    print, a panel without the console's cropping pass): the same bytes, colours and wrapping included."""
    import re

    from rich.console import Console

    from normcheck.report.renderers import terminal

    def console(out: TextIO) -> Console:
        return Console(file=out, highlight=False, width=width, color_system=colours,  # type: ignore[arg-type]
                       force_terminal=colours is not None)

    monkeypatch.setattr(terminal, "console_for", console)
    bench = CASES / "tq" / "tq04a-age-183-amv-2025.yaml"  # readings, open norms, facts to collect, a noted rule
    receipt = findings.receipt(loaded.pack, engine.label, "en")
    words = Words("en", loaded.pack.value_labels)
    runs = [(recs, show_all, len(recs) > 1) for recs in (results(loaded, engine, bench),
                                                          results(loaded, engine, bench, TQ_FACTS, SAFEGUARDS))
            for show_all in (False, True)]

    def printed() -> list[str]:
        texts = []
        for recs, show_all, batch in runs:
            out = io.StringIO()
            renderers.get("terminal")(RunView(iter(recs), receipt, words, show_all=show_all, batch=batch), out)
            texts.append(re.sub(r"id=\d+;", "id=X;", out.getvalue()))  # a hyperlink's id is random
        return texts

    shortcut = printed()
    _print_as_rich_gives_it(monkeypatch)
    assert shortcut == printed()
    assert any("\x1b[" in t for t in shortcut) == (colours is not None)


def test_rules_of_families_the_record_says_nothing_about_are_counted_not_worded(loaded, engine, monkeypatch) -> None:
    from normcheck.report import view

    r = results(loaded, engine, CASES / "tq" / "tq04a-age-183-amv-2025.yaml")[0]
    words = Words("en", loaded.pack.value_labels)
    unconcerned = {f.rule for f in r.findings if f.level == "NOT_APPLICABLE" and f.reason in ("no_facts", "record_type")}
    worded: list[str] = []
    finding_view = view.finding_view
    monkeypatch.setattr(view, "finding_view", lambda f, w, show_all=True: worded.append(f.rule) or finding_view(f, w, show_all))
    brief = view.record_view(r, words)
    assert unconcerned and not unconcerned & set(worded)
    assert sum(n for _, n in brief.unconcerned) == len(unconcerned)
    assert len(brief.others) + sum(len(g.findings) for g in brief.groups) == len(r.findings) - len(unconcerned)
    worded.clear()
    everything = view.record_view(r, words, show_all=True)
    assert set(worded) == {f.rule for f in r.findings} and not everything.unconcerned


@pytest.mark.parametrize(("case", "table"), [("cec/cec-nl-lawful-resident.yaml", False),  # nothing to collect
                                             ("tq/tq04a-age-183-amv-2025.yaml", True)])
def test_rich_table_is_imported_only_to_print_a_table(case: str, table: bool) -> None:
    import subprocess
    import sys

    script = ("import sys, io, contextlib\nfrom normcheck.cli import main\n"
              "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
              f"    main(['--fail-on', 'never', {str(CASES / case)!r}])\n"
              "print('┃' in out.getvalue(), 'rich.table' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.split() == [str(table), str(table)]

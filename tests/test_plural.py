"""A count and its noun agree in number, in English and in Dutch: no "1 files", "1 pins depend",
"1 bestanden" in any message (normcheck/plural.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from normcheck import findings
from normcheck.cli import main
from normcheck.pack import load_pack
from normcheck.plural import counted
from normcheck.report.view import Words, receipt_view

ROOT = Path(__file__).resolve().parents[1]
C441 = ROOT / "cases" / "tq" / "tq-c441-19-facts-pre-tq.yaml"


def test_counted_picks_the_form_by_the_number() -> None:
    assert counted(1, "file", "files") == "1 file"
    assert counted(0, "file", "files") == "0 files"
    assert counted(2, "bestand", "bestanden") == "2 bestanden"
    assert counted(1, "pin depends", "pins depend") == "1 pin depends"
    assert counted(12_345, "point", "points", sep=True) == "12,345 points"
    assert counted(1, "point", "points", sep=True) == "1 point"


@pytest.mark.parametrize(("lang", "one", "seven"), [("en", "(1 file)", "7 files"), ("nl", "(1 bestand)", "7 bestanden")])
def test_the_receipt_counts_rule_files_in_the_reports_language(lang: str, one: str, seven: str) -> None:
    rc = findings.receipt(load_pack().pack, "engine", lang)
    rc = replace(rc, added_rules=(findings.AddedRules(folder="office_rules", sha256="0" * 64, rule_files=("office.norm",)),))
    view = receipt_view(rc, Words.of(lang, {}, None))
    assert one in view.composition() and "(1 files)" not in view.composition() and "(1 bestanden)" not in view.composition()
    assert view.files(7) == seven


def _one_pin(tmp_path: Path, rules: list[str]) -> Path:
    """A copy of a bundled case keeping the pins of `rules` only (the policy it names found where it is)."""
    text = C441.read_text().replace("../policies/", str(ROOT / "cases" / "policies") + "/")
    head, _, pins = text.partition("expect:\n")
    kept = [line for line in pins.splitlines(keepends=True) if line.strip().split(":")[0] in rules]
    path = tmp_path / f"pins-{len(rules)}.yaml"
    path.write_text(head + "expect:\n" + "".join(kept))
    return path


def test_normcheck_test_counts_pins_and_files_in_the_right_number(tmp_path: Path, capsys) -> None:
    one = _one_pin(tmp_path, ["TQ-02"])
    assert main(["test", str(one)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "1 pinned interpretation holds, 0 fail (1 case file with `expect:`)" in out, out
    two = _one_pin(tmp_path, ["TQ-02", "TQ-03"])
    assert main(["test", str(one), str(two)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "3 pinned interpretations hold, 0 fail (2 case files with `expect:`)" in out, out


def test_no_message_source_writes_a_count_with_a_fixed_plural() -> None:
    """The messages that count say `counted(n, one, many)`; a hand-written "(s)" or a count glued to a fixed
    plural noun ("{n} files", "{len(x)} pins") is what this refuses (an upper bound, "at most 80 digits", is
    no count of things present and may stay plural)."""
    glued = re.compile(r"\{(?:len\([^{}]*\)|[a-z_]*(?:count|passed|failed|pinned|files|depends)[a-z_]*)[^{}]*\}\)?"
                       r" (?:case |pinned )?(?:files|cases|findings|rules|pins|records|interpretations|bestanden|dossiers|bevindingen|regels)\b")
    hand_written = re.compile(r"\b(?:file|case|finding|rule|pin|record|argument|reading|source|warning|error|point)\(s\)")
    hits = []
    for path in sorted((ROOT / "src" / "normcheck").rglob("*.py")):
        for no, line in enumerate(path.read_text().splitlines(), 1):
            if hand_written.search(line) or glued.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    assert not hits, "\n".join(hits)

"""Errors with kinds: every diagnostic has a stable code (documented in the README), shown in terminal
and JSON output; tests match codes, not wording. IR nodes keep their position; a cache failure is
logged with a code, never swallowed."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest

from normcheck import ir
from normcheck.cli import main
from normcheck.diagnostics import CODES, Diagnostic, InputError
from normcheck.facts import load_record
from normcheck.pack import load_pack
from normcheck.resources import rules_dir

from conftest import families_yaml

ROOT = Path(__file__).resolve().parent.parent

VOCAB = """
family: t
facts:
  age: {type: int}
  status: {type: enum, values: [a, b]}
  flag: {type: bool}
  decision_date: {type: date}
"""

RULE = '''
source S "A source" ecli "ECLI:EU:C:2021:9"
rule T-01
  title en "t" title nl "t"
  cite S "para 1" verified
  fires when {cond}
  level {level} severity high
  en "m" nl "m"
'''


def rule_codes(tmp_path: Path, body: str, vocab: str = VOCAB, families: str | None = None, name: str = "t.norm") -> list[str]:
    d = tmp_path / "rules"
    (d / "vocabulary").mkdir(parents=True, exist_ok=True)
    (d / "vocabulary" / "t.yaml").write_text(vocab)
    (d / "families.yaml").write_text(families_yaml({"t": ["t.yaml"]}, "decision_date") if families is None else families)
    (d / name).write_text(body)
    with pytest.raises(InputError) as exc:
        load_pack(str(d))
    return [x.code for x in exc.value.diagnostics]


def case_codes(write, loaded, text: str) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_record(write("case.yaml", text), loaded.vocabulary)
    return [x.code for x in exc.value.diagnostics]


def test_every_code_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    documented = dict(re.findall(r"^\| `(NC-[A-Z]\d{3})` \| (.*) \|$", readme, flags=re.M))
    assert documented == CODES


def test_an_unknown_code_is_a_defect() -> None:
    with pytest.raises(ValueError):
        Diagnostic("f", 1, 1, "x", code="NC-Z999")


@pytest.mark.parametrize("cond, level, code", [
    ("agee > 3", "BREACH", "NC-R020"),          # unknown fact
    ("status == c", "BREACH", "NC-R020"),       # unknown value
    ("age + 1", "BREACH", "NC-R021"),           # not a condition
    ("age > 2025-01-01", "BREACH", "NC-R021"),  # type error
    ("monthz(age) > 1", "BREACH", "NC-R022"),   # unknown function
    ("T-09 fires", "BREACH", "NC-R023"),        # unknown rule
    ("flag", "CONTESTED", "NC-R046"),           # contested without readings
    ("flag", "OK", "NC-R042"),                  # not a level a rule can raise
    ("flag and", "BREACH", "NC-R001"),          # syntax
])
def test_rule_file_errors_have_their_code(tmp_path: Path, cond: str, level: str, code: str) -> None:
    assert code in rule_codes(tmp_path, RULE.format(cond=cond, level=level))


def test_more_rule_file_codes(tmp_path: Path) -> None:
    body = RULE.format(cond="flag", level="BREACH")
    assert "NC-R040" in rule_codes(tmp_path / "a", body + body.split("\n", 2)[2])  # the rule twice
    assert "NC-R011" in rule_codes(tmp_path / "b", body.replace('cite S "para 1"', 'cite SS "para 1"'))
    assert "NC-R031" in rule_codes(tmp_path / "c", "define x = y + 1\ndefine y = x + 1\n" + body)
    assert "NC-R002" in rule_codes(tmp_path / "d", body.replace("fires when flag", "fires when 2025-02-30 > 2025-01-01"))
    assert "NC-F022" in rule_codes(tmp_path / "e", body, VOCAB + "  other: {type: enum}\n")
    assert rule_codes(tmp_path / "f", body, families="families: [\n") == ["NC-F030"]  # families.yaml not YAML
    assert "NC-F030" in rule_codes(tmp_path / "g", body, families=families_yaml({"t": ["t.yaml"]}, "decison_date"))
    assert "NC-R045" in rule_codes(tmp_path / "h", body, name="x.norm")  # rules of an undeclared family


@pytest.mark.parametrize("text, code", [
    ("normcheck: 1\nid: x\nfacts: [\n", "NC-Y001"),
    ("normcheck: 1\nid: x\nfacts:\n  agee: 3\n", "NC-F001"),
    ("normcheck: 1\nid: x\nfact:\n  age_at_application_months: 3\n", "NC-F002"),
    ("normcheck: 1\nid: x\nfacts:\n  adequate_reception_status: maybe\n", "NC-F003"),
    ("normcheck: 1\nfacts: {}\n", "NC-F004"),
    ("normcheck: 1\nid: x\nfacts:\n  application_date: 2025-02-30\n", "NC-Y007"),
    ("normcheck: 1\nid: x\na: &x 1\nb: *x\nfacts: {}\n", "NC-Y003"),
    ("normcheck: 1\nid: x\nid: y\nfacts: {}\n", "NC-Y005"),
    ("normcheck: 1\nid: x\nbsn: 1\nfacts: {}\n", "NC-A001"),
    ("normcheck: 1\nid: x\nnote: mail me at someone@example.org\nfacts: {}\n", "NC-A002"),
    ("", "NC-F008"),
])
def test_case_file_errors_have_their_code(write, loaded, text: str, code: str) -> None:
    assert code in case_codes(write, loaded, text)


def test_bundled_bad_inputs_carry_their_code_in_json(capsys) -> None:
    want = {"bad-enum-value.yaml": {"NC-F003"}, "malformed-yaml.yaml": {"NC-Y001"},
            "personal-data-field.yaml": {"NC-A001", "NC-A002"}, "unknown-fact-typo.yaml": {"NC-F001"}}
    code = main(["--format", "json", str(ROOT / "tests" / "data" / "bad")])
    out, err = capsys.readouterr()
    assert code == 2
    got = {Path(r["file"]).name: {p["code"] for p in r["problems"] if p["severity"] == "error"}
           for r in json.loads(out)["records"]}
    assert got == want
    assert "error[NC-F001]" in err  # and on stderr, with the position


def test_terminal_shows_the_code(capsys, write) -> None:
    code = main([str(write("x.yaml", "normcheck: 1\nid: x\nfacts:\n  agee: 3\n"))])
    out, _ = capsys.readouterr()
    assert code == 2 and "error[NC-F001]" in out


def test_option_errors_have_a_code(capsys) -> None:
    assert main(["explain", "TQ-4a"]) == 2
    assert "[NC-C001]" in capsys.readouterr().err
    assert main(["no-such-file.yaml"]) == 2
    assert "[NC-P001]" in capsys.readouterr().err


def _nodes(node: ir.Node) -> Iterator[ir.Node]:
    yield node
    for f in fields(node):
        value = getattr(node, f.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, ir.Node):
                yield from _nodes(child)


def test_ir_nodes_keep_file_line_and_column(loaded) -> None:
    rule = next(r for r in loaded.pack.rules if r.id == "TQ-04a")
    node = rule.grades[0].expr
    assert node.file.endswith("tq.norm") and node.line > rule.line and node.column > 1
    roots = [n for r in loaded.pack.rules for n in [r.applies, *(g.expr for g in r.grades), *r.unless] if n is not None]
    roots += [d.expr for d in loaded.pack.defines]
    every = [n for root in roots for n in _nodes(root)]
    assert len(every) > 1000 and all(n.file.endswith(".norm") and n.line and n.column for n in every)
    assert ir.Fact("a", text="x", line=1, column=3) == ir.Fact("a", text="y", line=2, column=9)  # positions never affect equality


def test_a_cache_failure_is_logged_with_a_code(tmp_path: Path, monkeypatch, caplog) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("NORMCHECK_CACHE", str(blocker))
    with caplog.at_level(logging.WARNING, logger="normcheck"):
        load_pack(str(rules))
    assert any("NC-I003" in r.getMessage() and "written" in r.getMessage() for r in caplog.records)


def test_a_broken_cache_entry_is_logged_and_rebuilt(tmp_path: Path, monkeypatch, caplog) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    monkeypatch.setenv("NORMCHECK_CACHE", str(tmp_path / "cache"))
    load_pack(str(rules))
    entry = next((tmp_path / "cache" / "normcheck").glob("pack-*.json"))
    entry.write_bytes(b"[not a rule pack")
    load_pack.cache_clear()
    with caplog.at_level(logging.WARNING, logger="normcheck"):
        loaded = load_pack(str(rules))
    assert loaded.pack.rules
    assert any("NC-I003" in r.getMessage() and "read" in r.getMessage() for r in caplog.records)

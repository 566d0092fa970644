"""The parser: the AST it builds and the syntax errors a lawyer sees."""

from __future__ import annotations

import datetime as dt

import pytest

from normcheck import ast, dsl
from normcheck.diagnostics import InputError

GOOD = '''
source TQ "CJEU T.Q." ecli "ECLI:EU:C:2021:9" date 2021-01-14
define age = months_between(date_of_birth, application_date) otherwise 3
rule TQ-99
  title en "t" title nl "t"
  cite TQ "operative part, point 2" verified
  valid from 2025-04-08 until 2026-01-01
  applies when x == high and not y in {a, b} and TQ-01 fires
  fires as BREACH severity high when z is not null and 216 - age < 5
  fires when {a, b} missing from s is not empty
  unless TQ-02 fires
  level CONTESTED severity medium
  en "hello {age}" "continued"
  nl "hallo"
  reading applicant gives BREACH
    held by TQ "para 2" verified
    holder en "a" holder nl "a"
    argues en "x" argues nl "x"
  reading state gives OK
    held by TQ "para 3" unverified
    holder en "b" holder nl "b"
    argues en "y" argues nl "y"
'''


def test_parses_every_construct() -> None:
    f = dsl.parse(GOOD, "x.norm")
    assert [s.name for s in f.sources] == ["TQ"]
    assert f.sources[0].date == dt.date(2021, 1, 14)
    d = f.defines[0]
    assert isinstance(d.expr, ast.Otherwise) and isinstance(d.expr.left, ast.Call)
    r = f.rules[0]
    assert r.id == "TQ-99"
    assert r.valid[0][:2] == (dt.date(2025, 4, 8), dt.date(2026, 1, 1))
    assert [g.level for g in r.grades] == ["BREACH", None]
    assert r.messages[0][1] == "hello {age}continued"
    assert r.cites[0].verified is True
    scope = r.applies[0]
    assert isinstance(scope, ast.BoolOp) and scope.op == "and" and len(scope.operands) == 3
    assert isinstance(scope.operands[2], ast.RuleFires)


def test_positions_and_source_text_are_kept() -> None:
    f = dsl.parse(GOOD, "x.norm")
    g = f.rules[0].grades[0]
    assert g.expr.pos.line == 9
    assert g.expr.text == "z is not null and 216 - age < 5"


def test_precedence_of_and_or_not() -> None:
    e = dsl.parse("define a = p or q and not r", "p.norm").defines[0].expr
    assert isinstance(e, ast.BoolOp) and e.op == "or"
    assert isinstance(e.operands[1], ast.BoolOp) and e.operands[1].op == "and"
    assert isinstance(e.operands[1].operands[1], ast.Not)


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ('rule TQ-01\n  cite TQ "point 1"\n  level BREACH severity high\n', 3, 3, "verified or unverified"),
        ("define a = x = 3\n", 1, 14, "=="),
        ("rule TQ-01\n  applies when x and\n", 2, 21, "the file ends too early"),
        ("rule TQ-01\n  en 'single quotes'\n", 2, 6, "double quotes"),
        ("define a = 2024-02-30\n", 1, 12, "real calendar date"),
        ("rule TQ-01\n  fires when a && b\n", 2, 16, "and` / `or` in words"),
    ],
)
def test_syntax_errors_are_plain_words_with_position(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(InputError) as exc:
        dsl.parse(text, "rules/broken.norm")
    d = exc.value.diagnostics[0]
    rendered = d.render()
    assert (d.file, d.line) == ("rules/broken.norm", line)
    assert d.column == column
    assert rendered.startswith(f"rules/broken.norm:{line}:")
    assert "^" in rendered  # the caret under the offending text
    assert words in rendered
    assert "Traceback" not in rendered and "Token(" not in rendered


def test_expected_lists_keywords_in_words() -> None:
    with pytest.raises(InputError) as exc:
        dsl.parse("rule TQ-01\n  frobnicate when x\n", "r.norm")
    d = exc.value.diagnostics[0]
    assert d.line == 2 and d.expected is not None
    assert '"fires"' in d.expected and '"applies"' in d.expected

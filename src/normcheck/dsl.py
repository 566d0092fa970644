"""Parse rule files (the normcheck DSL) into the syntax tree of `normcheck.ast`.

The grammar lives in `grammar/normcheck.lark`; this module only builds the parser once, turns
the Lark tree into AST nodes with positions, and turns Lark's exceptions into plain-words
diagnostics (file:line:column, the line with a caret, what was expected).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import ast
from .diagnostics import Diagnostic, InputError, did_you_mean, source_line
from .resources import grammar_path

MAX_NESTING = 64  # levels of an expression (each operand of an `and` chain counts as one): deeper is refused
MAX_LITERAL_DIGITS = 15  # a number in a rule is a duration, an age or a count, never longer
MAX_RULE_BYTES = 2_000_000
E = TypeVar("E", bound=ast.Expr)

# What each terminal means, in words a lawyer can follow.
_TERMINAL_WORDS = {
    "NAME": "a name (a fact, a value or a source)",
    "RULE_ID": "a rule id such as TQ-04a",
    "STRING": 'a text in double quotes ("…")',
    "DATE": "a date written YYYY-MM-DD",
    "INT": "a whole number",
    "DECIMAL": "a decimal number",
    "COMP_OP": "a comparison (==, !=, <, <=, >, >=)",
    "ADD_OP": "+ or -",
    "MUL_OP": "* or /",
    "LANG": "a language: en or nl",
    "VERIFICATION": "verified or unverified (has the pinpoint been checked against the published text?)",
    "IS_TEST": "null, known, unknown or empty",
    "$END": "the end of the file",
}


@lru_cache(maxsize=1)
def _parser() -> Lark:
    path = grammar_path()
    return Lark(
        path.read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=False,
    )


def _describe_terminal(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    try:
        pattern = _parser().get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if pattern.type == "str":
        return f'"{pattern.value}"'
    return name.lower()


def _expected_words(expected: set[str] | frozenset[str]) -> str:
    words = sorted({_describe_terminal(t) for t in expected})
    keywords = [w for w in words if w.startswith('"')]
    others = [w for w in words if not w.startswith('"')]
    parts = others + ([("one of the words " + ", ".join(keywords)) if len(keywords) > 1 else keywords[0]] if keywords else [])
    return "; or ".join(parts) if parts else "something else"


def _unescape(token: str) -> str:
    body = token[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


class _Builder(Transformer[Token, Any]):
    """Lark tree -> AST. Positions come from Lark's `meta`."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self.path = path
        self.source = text

    # -- helpers
    def _pos(self, meta: Any) -> ast.Pos:
        if getattr(meta, "empty", True):
            return ast.Pos(self.path, 0, 0, 0, 0)
        return ast.Pos(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _src(self, meta: Any) -> str:
        if getattr(meta, "empty", True):
            return ""
        return " ".join(self.source[meta.start_pos : meta.end_pos].split())

    def _e(self, cls: type[E], meta: Any, **kw: Any) -> E:
        return cls(pos=self._pos(meta), text=self._src(meta), **kw)

    # -- text
    @v_args(meta=True)
    def text(self, meta: Any, children: list[Token]) -> tuple[str, ast.Pos]:
        return "".join(_unescape(str(c)) for c in children), self._pos(meta)

    # -- expressions
    @v_args(meta=True)
    def int_lit(self, meta: Any, c: list[Token]) -> ast.Expr:
        return self._e(ast.Lit, meta, value=int(c[0]))

    @v_args(meta=True)
    def dec_lit(self, meta: Any, c: list[Token]) -> ast.Expr:
        return self._e(ast.Lit, meta, value=Decimal(str(c[0])))

    @v_args(meta=True)
    def date_lit(self, meta: Any, c: list[Token]) -> ast.Expr:
        return self._e(ast.Lit, meta, value=_date(c[0], self.path))

    @v_args(meta=True)
    def str_lit(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Lit, meta, value=c[0][0])

    @v_args(meta=True)
    def true_lit(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Lit, meta, value=True)

    @v_args(meta=True)
    def false_lit(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Lit, meta, value=False)

    @v_args(meta=True)
    def eval_date(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.EvalDate, meta)

    @v_args(meta=True)
    def name(self, meta: Any, c: list[Token]) -> ast.Expr:
        return self._e(ast.Name, meta, name=str(c[0]))

    @v_args(meta=True)
    def call(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Call, meta, func=str(c[0]), args=tuple(c[1:]))

    @v_args(meta=True)
    def set_lit(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.SetLit, meta, items=tuple(c))

    def set_item(self, c: list[Any]) -> str:
        item = c[0]
        return item[0] if isinstance(item, tuple) else str(item)

    @v_args(meta=True)
    def rule_fires(self, meta: Any, c: list[Token]) -> ast.Expr:
        return self._e(ast.RuleFires, meta, rule=str(c[0]))

    @v_args(meta=True)
    def not_(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Not, meta, operand=c[0])

    @v_args(meta=True)
    def neg(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Neg, meta, operand=c[0])

    def _boolop(self, op: str, meta: Any, c: list[Any]) -> ast.Expr:
        flat: list[ast.Expr] = []
        for item in c:
            if isinstance(item, ast.BoolOp) and item.op == op:
                flat.extend(item.operands)
            else:
                flat.append(item)
        return self._e(ast.BoolOp, meta, op=op, operands=tuple(flat))

    @v_args(meta=True)
    def and_(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._boolop("and", meta, c)

    @v_args(meta=True)
    def or_(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._boolop("or", meta, c)

    @v_args(meta=True)
    def compare(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Compare, meta, op=str(c[1]), left=c[0], right=c[2])

    @v_args(meta=True)
    def member(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Member, meta, element=c[0], container=c[1], negated=False)

    @v_args(meta=True)
    def not_member(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Member, meta, element=c[0], container=c[1], negated=True)

    @v_args(meta=True)
    def subset(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Subset, meta, left=c[0], right=c[1])

    @v_args(meta=True)
    def is_test(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.IsTest, meta, operand=c[0], test=str(c[1]), negated=False)

    @v_args(meta=True)
    def is_not_test(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.IsTest, meta, operand=c[0], test=str(c[1]), negated=True)

    @v_args(meta=True)
    def otherwise(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Otherwise, meta, left=c[0], right=c[1])

    @v_args(meta=True)
    def arith(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.Arith, meta, op=str(c[1]), left=c[0], right=c[2])

    @v_args(meta=True)
    def missing_from(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.MissingFrom, meta, left=c[0], right=c[1])

    @v_args(meta=True)
    def if_expr(self, meta: Any, c: list[Any]) -> ast.Expr:
        return self._e(ast.If, meta, cond=c[0], then=c[1], orelse=c[2])

    # -- declarations
    @v_args(meta=True)
    def source_decl(self, meta: Any, c: list[Any]) -> ast.SourceDecl:
        single: dict[str, Any] = {}
        multi: dict[str, list[Any]] = {}
        repeated: list[str] = []
        for kind, value in c[2:]:
            if kind in _LANG_ATTRS:
                multi.setdefault(kind, []).extend(value)
            elif kind in _MULTI_ATTRS:
                multi.setdefault(kind, []).append(value)
            else:
                if kind in single:
                    repeated.append(kind)
                single[kind] = value
        fields: dict[str, Any] = {**single, **{k: tuple(v) for k, v in multi.items()}}  # checked by the grammar
        return ast.SourceDecl(name=str(c[0]), title=c[1][0], pos=self._pos(meta), repeated=tuple(repeated), **fields)

    def src_ecli(self, c: list[Any]) -> tuple[str, Any]:
        return "ecli", c[0][0]

    def src_celex(self, c: list[Any]) -> tuple[str, Any]:
        return "celex", c[0][0]

    def src_hudoc(self, c: list[Any]) -> tuple[str, Any]:
        return "hudoc", c[0][0]

    def src_url(self, c: list[Any]) -> tuple[str, Any]:
        return "url", c[0][0]

    def src_court(self, c: list[Any]) -> tuple[str, Any]:
        return "court", str(c[0])

    def src_court_text(self, c: list[Any]) -> tuple[str, Any]:
        return "court", c[0][0]  # the court in words (a source without `kind`; a kind needs a court code)

    def src_date(self, c: list[Any]) -> tuple[str, Any]:
        return "date", _date(c[0], self.path)

    def src_status(self, c: list[Any]) -> tuple[str, Any]:
        return "status", str(c[0])

    def src_kind(self, c: list[Any]) -> tuple[str, Any]:
        return "kind", str(c[0])

    def src_formation(self, c: list[Any]) -> tuple[str, Any]:
        return "formation", str(c[0])

    def src_case(self, c: list[Any]) -> tuple[str, Any]:
        return "cases", c[0][0]

    def src_application(self, c: list[Any]) -> tuple[str, Any]:
        return "applications", c[0][0]

    def src_title(self, c: list[Any]) -> tuple[str, Any]:
        return "titles", tuple(c)

    def src_parties(self, c: list[Any]) -> tuple[str, Any]:
        return "parties", tuple(c)

    def src_act(self, c: list[Any]) -> tuple[str, Any]:
        return "acts", tuple(c)

    def src_short(self, c: list[Any]) -> tuple[str, Any]:
        return "shorts", tuple(c)

    def src_seat(self, c: list[Any]) -> tuple[str, Any]:
        return "seats", tuple(c)

    def src_background(self, c: list[Any]) -> tuple[str, Any]:
        return "backgrounds", (c[0][0], tuple(c[1:]))

    def lang_text(self, c: list[Any]) -> tuple[str, str]:
        return str(c[0]), c[1][0]

    def define_doc(self, c: list[Any]) -> tuple[str, tuple[str, str]]:
        return "docs", (str(c[0]), c[1][0])

    def define_label(self, c: list[Any]) -> tuple[str, Any]:
        return "labels", tuple(c)

    @v_args(meta=True)
    def define_decl(self, meta: Any, c: list[Any]) -> ast.DefineDecl:
        docs = tuple(v for k, v in c[2:] if k == "docs")
        labels = tuple(pair for k, v in c[2:] if k == "labels" for pair in v)
        return ast.DefineDecl(name=str(c[0]), expr=c[1], pos=self._pos(meta), docs=docs, labels=labels)

    @v_args(meta=True)
    def title(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "titles", (str(c[0]), c[1][0], self._pos(meta))

    @v_args(meta=True)
    def cite(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        pinpoint = c[1][0] if len(c) > 2 and isinstance(c[1], tuple) else ""
        about = tuple(a for a in c[1:-1] if isinstance(a, list))
        return "cites", ast.Cite(str(c[0]), pinpoint, str(c[-1]) == "verified", self._pos(meta),
                                 tuple((str(a[0]), a[1]) for a in about))

    def cite_about(self, c: list[Any]) -> list[Any]:
        return [str(c[0]), c[1][0]]

    @v_args(meta=True)
    def quote(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "quotes", ast.Quote(str(c[0]), c[1][0], self._pos(meta))

    @v_args(meta=True)
    def version(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "versions", (c[0][0], self._pos(meta), tuple(c[1:]))

    def valid_from(self, c: list[Token]) -> tuple[str, dt.date]:
        return "from", _date(c[0], self.path)

    def valid_until(self, c: list[Token]) -> tuple[str, dt.date]:
        return "until", _date(c[0], self.path)

    @v_args(meta=True)
    def valid(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        bounds = dict(c)
        return "valid", (bounds.get("from"), bounds.get("until"), self._pos(meta))

    @v_args(meta=True)
    def judged_on(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "judged_on", c[0]

    @v_args(meta=True)
    def applies(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "applies", c[0]

    @v_args(meta=True)
    def fires(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "grades", ast.Grade(c[0], None, None, self._pos(meta))

    @v_args(meta=True)
    def fires_as(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "grades", ast.Grade(c[2], str(c[0]), str(c[1]), self._pos(meta))

    @v_args(meta=True)
    def unless(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "unless", c[0]

    @v_args(meta=True)
    def level(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "levels", (str(c[0]), str(c[1]), self._pos(meta))

    @v_args(meta=True)
    def message(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "messages", (str(c[0]), c[1][0], self._pos(meta))

    @v_args(meta=True)
    def counter(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "counters", (str(c[0]), c[1][0], self._pos(meta))

    @v_args(meta=True)
    def note(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "notes", (str(c[0]), c[1][0], self._pos(meta))

    @v_args(meta=True)
    def reading(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        severity = None
        items: dict[str, list[Any]] = {}
        for item in c[2:]:
            if isinstance(item, tuple) and item[0] == "severity":
                severity = item[1]
            else:
                items.setdefault(item[0], []).append(item[1])
        return "readings", ast.ReadingDecl(
            name=str(c[0]), level=str(c[1]), severity=severity, pos=self._pos(meta), grade=None,
            held_by=tuple(items.get("held_by", ())), holders=tuple(items.get("holder", ())),
            arguments=tuple(items.get("argues", ())))

    def reading_severity(self, c: list[Any]) -> tuple[str, str]:
        return "severity", str(c[0])

    @v_args(meta=True)
    def held_by(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        about = tuple((str(a[0]), a[1]) for a in c[2:-1] if isinstance(a, list))
        return "held_by", ast.Cite(str(c[0]), c[1][0], str(c[-1]) == "verified", self._pos(meta), about)

    @v_args(meta=True)
    def holder(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "holder", (str(c[0]), c[1][0], self._pos(meta))

    @v_args(meta=True)
    def argues(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return "argues", (str(c[0]), c[1][0], self._pos(meta))

    @v_args(meta=True)
    def settled(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        since = c[-1] if isinstance(c[-1], dt.date) else None
        rest = c[3:-1] if since is not None else c[3:]
        about = tuple((str(a[0]), a[1]) for a in rest[:-1] if isinstance(a, list))
        cite = ast.Cite(str(c[1]), c[2][0], str(rest[-1]) == "verified", self._pos(meta), about)
        return "settled", ast.SettledDecl(reading=str(c[0]), cite=cite, since=since, pos=self._pos(meta))

    def settled_from(self, c: list[Token]) -> dt.date:
        return _date(c[0], self.path)

    @v_args(meta=True)
    def replaces(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        because = ((str(c[1]), c[2][0], c[2][1]), (str(c[3]), c[4][0], c[4][1]))
        return "replaces", ast.Replaces(str(c[0]), because, self._pos(meta))

    @v_args(meta=True)
    def rule_decl(self, meta: Any, c: list[Any]) -> ast.RuleDecl:
        fields: dict[str, list[Any]] = {}
        for kind, value in c[1:]:
            if kind == "readings":  # a reading belongs to the `fires … when` line it follows
                grades = fields.get("grades", ())
                value = replace(value, grade=len(grades) - 1 if grades else None)
            fields.setdefault(kind, []).append(value)
        return ast.RuleDecl(id=str(c[0]), pos=self._pos(meta), **{k: tuple(v) for k, v in fields.items()})

    def start(self, c: list[Any]) -> list[Any]:
        return c


# Source attributes that may be given more than once (per language, or several numbers).
_LANG_ATTRS = frozenset({"titles", "parties", "acts", "shorts", "seats"})
_MULTI_ATTRS = frozenset({"cases", "applications", "backgrounds"})


def _date(tok: Token | str, path: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(tok))
    except ValueError:
        line = getattr(tok, "line", None)
        col = getattr(tok, "column", None)
        raise _DateError(path, line, col, str(tok)) from None


class _DateError(Exception):
    def __init__(self, path: str, line: int | None, col: int | None, text: str) -> None:
        super().__init__(text)
        self.path, self.line, self.col, self.text = path, line, col, text


def parse(text: str, path: str | Path = "<rules>") -> ast.RuleFile:
    """Parse one rule file; raise `InputError` with a readable diagnostic on a syntax error."""
    path = str(path)
    if len(text) > MAX_RULE_BYTES:
        raise InputError([Diagnostic(path, None, None, f"rule file is too large (over {MAX_RULE_BYTES:,} characters)", code="NC-L001")])
    try:
        tree = _parser().parse(text)
        _bounded(tree, text, path)
        items = _Builder(path, text).transform(tree)
    except UnexpectedInput as exc:
        raise InputError([_syntax_diagnostic(exc, text, path)]) from None
    except VisitError as exc:
        orig = exc.orig_exc
        if isinstance(orig, _DateError):
            raise InputError(
                [
                    Diagnostic(
                        path,
                        orig.line,
                        orig.col,
                        f"`{orig.text}` is not a real calendar date",
                        expected="a date written YYYY-MM-DD that exists (month 01-12, a day that month has)",
                        source_line=source_line(text, orig.line),
                        width=len(orig.text),
                        code="NC-R002",
                    )
                ]
            ) from None
        raise
    sources = tuple(i for i in items if isinstance(i, ast.SourceDecl))
    defines = tuple(i for i in items if isinstance(i, ast.DefineDecl))
    rules = tuple(i for i in items if isinstance(i, ast.RuleDecl))
    return ast.RuleFile(path=path, text=text, sources=sources, defines=defines, rules=rules)


def _bounded(tree: Tree[Token], text: str, path: str) -> None:
    """Refuse expressions nested deeper than MAX_NESTING and number literals longer than MAX_LITERAL_DIGITS,
    walking the tree without recursion, before anything recursive (the AST builder, the checker) sees it."""
    problems: list[Diagnostic] = []
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Token):
            if node.type in ("INT", "DECIMAL") and sum(c.isdigit() for c in node) > MAX_LITERAL_DIGITS:
                problems.append(Diagnostic(path, node.line, node.column, f"this number has {sum(c.isdigit() for c in node):,} "
                                           f"digits; a number in a rule has at most {MAX_LITERAL_DIGITS}",
                                           source_line=source_line(text, node.line), width=min(len(node), 80), code="NC-L004"))
            continue
        if depth > MAX_NESTING:
            meta = node.meta
            line = getattr(meta, "line", None) if not getattr(meta, "empty", True) else None
            col = getattr(meta, "column", None) if line is not None else None
            raise InputError([Diagnostic(path, line, col, f"this expression is nested more than {MAX_NESTING} levels deep "
                                         "(each operand of a chain of `and`/`or` counts as a level)",
                                         hint="split it into `define`d parts; a rule a lawyer can read needs far fewer levels",
                                         source_line=source_line(text, line), code="NC-L004")])
        for child in node.children:
            stack.append((child, depth + 1))
        if len(problems) > 20:
            break
    if problems:
        raise InputError(problems)


def _syntax_diagnostic(exc: UnexpectedInput, text: str, path: str) -> Diagnostic:
    line = getattr(exc, "line", None)
    col = getattr(exc, "column", None)
    if isinstance(line, int) and line < 1:
        line = None
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            lines = text.splitlines() or [""]
            line, col = len(lines), len(lines[-1]) + 1
            what = "the file ends too early"
        else:
            what = f"unexpected {_token_words(tok)}"
        return Diagnostic(
            path, line, col, what,
            expected=_expected_words(exc.expected),
            hint=_keyword_hint(exc.expected, tok) or _hint(exc.expected, tok),
            source_line=source_line(text, line),
            width=len(str(tok)) if tok.type != "$END" else 1, code="NC-R001",
        )
    if isinstance(exc, UnexpectedCharacters):
        at = exc.pos_in_stream
        char = text[at] if at is not None and 0 <= at < len(text) else "?"
        hint = None
        if char == "'":
            hint = "texts are written in double quotes"
        elif char == '"':
            hint = "a text must close on the same line; split long texts into several quoted pieces"
        elif char == "=":
            hint = "to compare, write == (two equals signs)"
        elif char == "&" or char == "|":
            hint = "write `and` / `or` in words"
        return Diagnostic(
            path, line, col, f"unexpected character {char!r}",
            expected=_expected_words(exc.allowed or set()),
            hint=hint,
            source_line=source_line(text, line), code="NC-R001",
        )
    if isinstance(exc, UnexpectedEOF):
        lines = text.splitlines() or [""]
        return Diagnostic(
            path, len(lines), len(lines[-1]) + 1, "the file ends too early",
            expected=_expected_words(set(exc.expected)), source_line=lines[-1], code="NC-R001",
        )
    return Diagnostic(path, line, col, str(exc).splitlines()[0], source_line=source_line(text, line), code="NC-R001")


def _keyword_hint(expected: set[str] | frozenset[str], tok: Token) -> str | None:
    """A misspelt keyword ("fire when", "aplies when") gets "did you mean"."""
    if tok.type != "NAME":
        return None
    words = []
    for name in expected:
        try:
            pattern = _parser().get_terminal(name).pattern
        except KeyError:
            continue
        if pattern.type == "str" and pattern.value.isalpha():
            words.append(pattern.value)
    return did_you_mean(str(tok), words)


def _token_words(tok: Token) -> str:
    value = str(tok)
    if tok.type == "STRING":
        return f"text {value[:40]}"
    if tok.type == "NAME":
        return f"word `{value}`"
    return f"`{value}`"


def _hint(expected: set[str] | frozenset[str], tok: Token) -> str | None:
    if "VERIFICATION" in expected:
        return ('every citation ends with `verified` or `unverified`, e.g. cite TQ "operative part, point 1" verified, '
                'or cite TQ "para 47" en "what it is cited for" nl "waarvoor het wordt aangehaald" verified')
    if str(tok) == "=" or tok.type == "EQUAL":
        return "to compare, write == (two equals signs)"
    if "RULE" in expected and tok.type == "NAME":
        return "a rule starts with `rule ID`, a definition with `define name = …`, a source with `source NAME \"title\"`"
    return None

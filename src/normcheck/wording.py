"""Facts, values and conditions in words, in the report's language.

A report never shows rule-language fragments (`otherwise`, `decision_date < policy_effective_date`)
or fact identifiers in prose: a fact is named by its label in the vocabulary (or, for a derived fact
that is only a `define`, by the define's `label`), a value by its label or as a court writes it, and
the few conditions a report has to state (an exception, the event whose date picks the law) are put
into words from the expression itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from . import ir
from .citations import long_date
from .values import NULL, UNKNOWN, display

_WORDS = {
    "en": {"and": "and", "or": "or", "otherwise": "or else", "is": "is", "is_not": "is not", "not": "not",
           "yes": "yes", "no": "no", "unknown": "unknown", "none": "none", "empty": "(none)",
           "known": "is known", "is_unknown": "is unknown", "is_null": "is none", "is_empty": "is empty",
           "<": "is before", "<=": "is on or before", ">": "is after", ">=": "is on or after",
           "n<": "is less than", "n<=": "is at most", "n>": "is more than", "n>=": "is at least",
           "rule": "rule", "applies": "applies", "about": "a condition on"},
    "nl": {"and": "en", "or": "of", "otherwise": "anders", "is": "is", "is_not": "is niet", "not": "niet",
           "yes": "ja", "no": "nee", "unknown": "onbekend", "none": "geen", "empty": "(geen)",
           "known": "is bekend", "is_unknown": "is onbekend", "is_null": "is geen", "is_empty": "is leeg",
           "<": "ligt vóór", "<=": "ligt op of vóór", ">": "ligt na", ">=": "ligt op of na",
           "n<": "is kleiner dan", "n<=": "is ten hoogste", "n>": "is groter dan", "n>=": "is ten minste",
           "rule": "regel", "applies": "is van toepassing", "about": "een voorwaarde over"},
}


def word(key: str, lang: str) -> str:
    return _WORDS.get(lang, _WORDS["en"]).get(key, key)


def label(name: str, pack: ir.RulePack, lang: str) -> str:
    """A fact's name in words; the vocabulary gives one for every fact (a test checks)."""
    if name == "evaluation_date":
        return "peildatum" if lang == "nl" else "evaluation date"
    text = pack.fact_texts.get(name)
    found = text.label(lang) if text is not None else None
    return found or name.replace("_", " ")


def value(name: str | None, v: Any, pack: ir.RulePack, lang: str) -> str:
    """A value as a court would write it: an enum value in its words, yes/no, a date in full."""
    labels = pack.value_labels.get(name or "", {}).get(lang)
    if v is UNKNOWN:
        return word("unknown", lang)
    if v is NULL or v is None:
        return word("none", lang)
    if isinstance(v, bool):
        return word("yes" if v else "no", lang)
    if isinstance(v, dt.date):
        return long_date(v, lang)
    if isinstance(v, (frozenset, set, list, tuple)):
        if not v:
            return word("empty", lang)
        items = sorted((labels or {}).get(str(x), str(x)) for x in v)
        return ", ".join(items)
    if isinstance(v, str) and name and pack.fact_types.get(name, ir.TEXT).kind == "date":
        try:
            return long_date(dt.date.fromisoformat(v), lang)
        except ValueError:
            return v
    if isinstance(v, (int, Decimal, float)) and not isinstance(v, bool):
        return display(Decimal(str(v)) if isinstance(v, float) else v, lang)
    return display(v, lang, labels)


def _fact_of(node: ir.Node) -> str | None:
    return node.name if isinstance(node, ir.Fact) else None


def _operand(node: ir.Node, other: ir.Node, pack: ir.RulePack, lang: str) -> str:
    if isinstance(node, ir.Const):
        return value(_fact_of(other), node.value, pack, lang)
    if isinstance(node, ir.EvalDate):
        return label("evaluation_date", pack, lang)
    return expr(node, pack, lang)


def expr(node: ir.Node | None, pack: ir.RulePack, lang: str) -> str:
    """A condition or a date expression in words (never rule-language syntax)."""
    if node is None:
        return ""
    if isinstance(node, ir.Fact):
        if pack.fact_types.get(node.name, ir.TEXT).kind == "bool":
            return f"{label(node.name, pack, lang)}: {word('yes', lang)}"
        return label(node.name, pack, lang)
    if isinstance(node, ir.EvalDate):
        return label("evaluation_date", pack, lang)
    if isinstance(node, ir.Const):
        return value(None, node.value, pack, lang)
    if isinstance(node, ir.Otherwise):
        return f"{expr(node.left, pack, lang)}, {word('otherwise', lang)} {expr(node.right, pack, lang)}"
    if isinstance(node, (ir.And, ir.Or)):
        joiner = f" {word('and' if isinstance(node, ir.And) else 'or', lang)} "
        return joiner.join(expr(o, pack, lang) for o in node.operands)
    if isinstance(node, ir.Not):
        inner = node.operand
        if isinstance(inner, ir.Fact) and pack.fact_types.get(inner.name, ir.TEXT).kind == "bool":
            return f"{label(inner.name, pack, lang)}: {word('no', lang)}"
        return f"{word('not', lang)}: {expr(inner, pack, lang)}"
    if isinstance(node, ir.Fires):
        return f"{word('rule', lang)} {node.rule} {word('applies', lang)}"
    if isinstance(node, ir.Cmp):
        left = _operand(node.left, node.right, pack, lang)
        right = _operand(node.right, node.left, pack, lang)
        if node.op in ("==", "!="):
            return f"{left} {word('is' if node.op == '==' else 'is_not', lang)} {right}"
        kinds = {pack.fact_types.get(n.name, ir.TEXT).kind for n in (node.left, node.right) if isinstance(n, ir.Fact)}
        dated = "date" in kinds or isinstance(node.left, ir.EvalDate) or isinstance(node.right, ir.EvalDate) \
            or any(isinstance(n, ir.Const) and isinstance(n.value, dt.date) for n in (node.left, node.right))
        return f"{left} {word(node.op if dated else 'n' + node.op, lang)} {right}"
    if isinstance(node, ir.In) and isinstance(node.container, ir.Const) and isinstance(node.container.value, frozenset):
        fact = _fact_of(node.element)
        options = sorted(value(fact, v, pack, lang) for v in node.container.value)
        joined = f" {word('or', lang)} ".join(options)
        return f"{expr(node.element, pack, lang)} {word('is', lang)} {joined}"
    if isinstance(node, ir.Is):
        key = {"known": "known", "unknown": "is_unknown", "null": "is_null", "empty": "is_empty"}[node.test]
        return f"{expr(node.operand, pack, lang)} {word(key, lang)}"
    names = sorted(set(_facts(node)))
    return f"{word('about', lang)} " + ", ".join(label(n, pack, lang) for n in names) if names else node.text


def _facts(node: ir.Node) -> list[str]:
    out = [node.name] if isinstance(node, ir.Fact) else []
    for child in vars(node).values():
        if isinstance(child, ir.Node):
            out += _facts(child)
        elif isinstance(child, tuple):
            out += [n for c in child if isinstance(c, ir.Node) for n in _facts(c)]
    return out


def join(items: list[str], lang: str) -> str:
    """a, b and c / a, b en c."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word('and', lang)} " + items[-1]

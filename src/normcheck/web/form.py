"""The case form, generated from the fact vocabulary, and the two ways between form and case file.

Nothing here is written per fact: every field comes from a `FactSpec` (its kind, values, wording),
so a fact added to `rules/vocabulary/` appears in the form with no code change. A submitted form
becomes the text of a case file (`case_yaml`), which is then loaded exactly as a case file is; an
uploaded case file becomes a form state (`state_from_case`).

Form state is what a browser sends: field name → list of strings. Field names are the top keys of
a case file (`id`, `record_type`, `as_of`, `policy`, `note`) and `fact.NAME` for a fact, with
`fact.NAME.or` for the "or: unknown / none …" choice beside a typed value or a list of boxes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..diagnostics import InputError
from ..facts import model, yamlio
from ..vocabulary import FactSpec, Vocabulary
from . import i18n

State = dict[str, list[str]]
TOP_FIELDS = ("id", "record_type", "as_of", "policy", "note")
CHOICE_KINDS = ("bool", "enum")  # one select: not stated, the values, unknown (and any other special value)
DEFAULT_ID = "case-1"
_INT = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")


def fact_key(name: str) -> str:
    return f"fact.{name}"


def or_key(name: str) -> str:
    return f"fact.{name}.or"


@dataclass(frozen=True)
class Section:
    family: str
    facts: tuple[FactSpec, ...]


@dataclass(frozen=True)
class Policy:
    """A bundled policy record the form offers (cases/policies/*.yaml)."""

    key: str  # the file's name
    id: str
    data: dict[str, Any]  # its plain data, inlined into the case so the case file stands alone


@dataclass(frozen=True)
class CaseForm:
    """The form for one vocabulary: its sections and the policies it offers."""

    vocabulary: Vocabulary
    sections: tuple[Section, ...]
    policies: tuple[Policy, ...]

    def policy(self, key: str) -> Policy | None:
        return next((p for p in self.policies if p.key == key), None)

    directory: Path | None = None  # where the policies are (cases/policies/)

    def policy_path(self, ref: str) -> Path | None:
        """A `policy:` path of an uploaded file, matched by its file name to a bundled policy: no other
        file is ever read."""
        name = Path(ref).name
        return self.directory / name if self.directory is not None and self.policy(name) else None


def build_form(vocabulary: Vocabulary, policies_dir: Path | None) -> CaseForm:
    """One section per norm family of the vocabulary; `record_type` is a top field of the case."""
    families = list(dict.fromkeys(vocabulary.families))  # the context first, then as rules/families.yaml lists them
    sections = tuple(Section(fam, tuple(s for s in vocabulary.facts.values()
                                        if s.family == fam and s.name != "record_type"))
                     for fam in families)
    return CaseForm(vocabulary, tuple(s for s in sections if s.facts), _policies(policies_dir), policies_dir)


def _policies(directory: Path | None) -> tuple[Policy, ...]:
    if directory is None or not directory.is_dir():
        return ()
    out = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            doc = yamlio.load(yamlio.read_text(path, path.name), path.name)
        except InputError:
            continue  # a broken bundled policy is reported by `normcheck test`, not offered here
        if isinstance(doc.data, dict) and doc.data.get("record_type") == "policy_instrument":
            data = {k: v for k, v in doc.data.items() if k != "expect"}
            out.append(Policy(path.name, str(data.get("id", path.stem)), data))
    return tuple(out)


# ---- form state → case data → YAML text --------------------------------------------------------


@dataclass
class Built:
    """A case built from a form: its data, its YAML text, which field each line states, and the
    problems the form itself can see (a value and a choice both given)."""

    data: dict[str, Any]
    text: str = ""
    lines: dict[int, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)  # field key -> i18n keys


def first(state: Mapping[str, list[str]], key: str) -> str:
    """The value of a single-valued field (the last one sent, stripped; empty when absent)."""
    vals = state.get(key) or [""]
    return vals[-1].strip()


def _typed(spec: FactSpec, raw: str) -> Any:
    """A typed text as the YAML value a lawyer would write; what is not valid stays text, so the
    case model refuses it with its own message."""
    if spec.kind == "int" and _INT.match(raw):
        return int(raw)
    if spec.kind == "decimal" and _DECIMAL.match(raw):
        try:
            return Decimal(raw)
        except InvalidOperation:
            return raw
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return raw
    if spec.kind == "set":  # a set without a fixed list of values: items separated by commas
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def fact_value(spec: FactSpec, state: Mapping[str, list[str]]) -> tuple[bool, Any, str | None]:
    """(stated?, value, error key) of one fact in a form state."""
    if spec.kind in CHOICE_KINDS:
        raw = first(state, fact_key(spec.name))
        if not raw:
            return False, None, None
        if spec.kind == "bool" and raw in ("true", "false"):
            return True, raw == "true", None
        return True, raw, None
    choice = first(state, or_key(spec.name))
    if spec.kind == "set" and spec.values is not None:
        ticked = [v for v in (state.get(fact_key(spec.name)) or []) if v]
        order = {v: i for i, v in enumerate(spec.values)}
        ticked = sorted(dict.fromkeys(ticked), key=lambda v: order.get(v, len(order)))
        if choice and ticked:
            return True, ticked, "err_both"
        if choice == "none":
            return True, [], None
        if choice:
            return True, choice, None
        return (True, ticked, None) if ticked else (False, None, None)
    raw = first(state, fact_key(spec.name))
    if choice and raw:
        return True, raw, "err_both"
    if choice == "none" and spec.kind == "set":
        return True, [], None
    if choice == "null":
        return True, None, None
    if choice:
        return True, choice, None
    if not raw:
        return False, None, None
    return True, _typed(spec, raw), None


def case_data(form: CaseForm, state: Mapping[str, list[str]]) -> Built:
    """The case file a form state describes (plain data, in the order a case file is written)."""
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {"normcheck": 1, "id": first(state, "id") or DEFAULT_ID}
    record_type = first(state, "record_type") or form.vocabulary.default_record_type
    data["record_type"] = record_type
    facts: dict[str, Any] = {}
    for section in form.sections:
        for spec in section.facts:
            stated, value, error = fact_value(spec, state)
            if error:
                errors.setdefault(fact_key(spec.name), []).append(error)
            if stated:
                facts[spec.name] = value
    if isinstance(facts.get("member_state"), str) and re.fullmatch(r"[A-Z]{2}", facts["member_state"]):
        data["member_state"] = facts.pop("member_state")  # where case files state it
    as_of = first(state, "as_of")
    if as_of:
        try:
            data["as_of"] = dt.date.fromisoformat(as_of)
        except ValueError:
            data["as_of"] = as_of
    policy = first(state, "policy")
    if policy == "uploaded":
        inline = _inline_policy(first(state, "policy_inline"))
        if inline is None:
            errors.setdefault("policy", []).append("err_policy_unknown")
        else:
            data["policy"] = inline
    elif policy:
        chosen = form.policy(policy)
        if chosen is None:
            errors.setdefault("policy", []).append("err_policy_unknown")
        else:
            data["policy"] = chosen.data
    note = first(state, "note")
    if note:
        data["note"] = note
    data["facts"] = facts
    return Built(data, errors=errors)


def _inline_policy(text: str) -> dict[str, Any] | None:
    """The policy an uploaded file gave inline, carried in the form as YAML (read as hardened as any)."""
    if not text:
        return None
    try:
        doc = yamlio.load(text, "policy")
    except InputError:
        return None
    return doc.data if isinstance(doc.data, dict) else None


def case_yaml(form: CaseForm, state: Mapping[str, list[str]]) -> Built:
    built = case_data(form, state)
    policy_note = None
    ref = first(state, "policy")
    chosen = form.policy(ref) if ref and ref != "uploaded" else None
    if chosen is not None:
        policy_note = f"{chosen.id} (cases/policies/{chosen.key}), inlined so that this file stands alone"
    built.text, built.lines = emit(built.data, policy_note)
    return built


# ---- YAML writing --------------------------------------------------------------------------------

_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")  # a plain word: never a number, date, key or comment
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def scalar(value: Any) -> str:
    """One value as YAML 1.2 that normcheck's loader reads back as exactly this value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text if "." in text else text + ".0"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = str(value)
    if _BARE.match(text) and text.lower() not in _RESERVED:
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar …
    return _NOT_PRINTABLE.sub(lambda m: _escape(m.group(0)), quoted)  # … once what YAML may not hold is escaped


# Characters a YAML stream may not contain as such (YAML 1.2 §5.1), and those a reader may take for
# a line break (NEL, LS, PS) or a byte-order mark: written as escapes instead.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
                            "\U00010000-\U0010ffff]")


def _escape(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def emit(data: Mapping[str, Any], policy_note: str | None = None) -> tuple[str, dict[int, str]]:
    """The case as YAML text, and which form field each line states."""
    lines: list[str] = ["# normcheck case file, made on the local page (normcheck serve)"]
    where: dict[int, str] = {}

    def put(text: str, key: str | None) -> None:
        lines.append(text)
        if key:
            where[len(lines)] = key

    def mapping(m: Mapping[str, Any], indent: str, key_of: Any) -> None:
        for k, v in m.items():
            fkey = key_of(k)
            if isinstance(v, Mapping):
                put(f"{indent}{k}:" + ("" if v else " {}"), fkey)
                inner = key_of if fkey == "policy" else (lambda name: fact_key(name))
                mapping(v, indent + "  ", inner)
            else:
                put(f"{indent}{k}: {scalar(v)}", fkey)

    for k, v in data.items():
        if k == "policy" and isinstance(v, Mapping):
            put("policy:" + (f"   # {policy_note}" if policy_note else ""), "policy")
            mapping(v, "  ", lambda _k: "policy")
        elif k == "facts":
            put("facts:" + ("" if v else " {}"), None)
            mapping(v, "  ", lambda name: fact_key(name))
        elif k == "member_state":
            put(f"{k}: {scalar(v)}", fact_key("member_state"))
        else:
            put(f"{k}: {scalar(v)}", k)
    return "\n".join(lines) + "\n", where


# ---- an uploaded case file → form state ----------------------------------------------------------


def state_from_case(form: CaseForm, data: Mapping[str, Any]) -> tuple[State, list[str]]:
    """The form state that states what a (validated) case file states; and notices (i18n keys) of
    what the form leaves out."""
    state: State = {}
    notices: list[str] = []
    for key in ("id", "record_type", "note"):
        if data.get(key) is not None:
            state[key] = [str(data[key])]
    if data.get("as_of") is not None:
        state["as_of"] = [_text(data["as_of"])]
    facts = dict(data.get("facts") or {})
    if data.get("member_state") is not None and "member_state" not in facts:
        facts["member_state"] = data["member_state"]
    for name, value in facts.items():
        spec = form.vocabulary.get(str(name))
        if spec is not None:
            state.update(_fact_state(spec, value))
    policy = data.get("policy")
    if isinstance(policy, str):
        path = form.policy_path(policy)
        if path is not None:
            state["policy"] = [path.name]
    elif isinstance(policy, Mapping):
        same = next((p for p in form.policies if _same_policy(p.data, policy)), None)
        if same is not None:
            state["policy"] = [same.key]
        else:
            state["policy"] = ["uploaded"]
            state["policy_inline"] = [emit(dict(policy))[0]]
    if data.get("expect"):
        notices.append("dropped_expect")
    return state, notices


def _same_policy(bundled: Mapping[str, Any], given: Mapping[str, Any]) -> bool:
    given_facts = given.get("facts") if "facts" in given else given
    return bool(given.get("id", bundled.get("id")) == bundled.get("id") and given_facts == bundled.get("facts"))


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _fact_state(spec: FactSpec, value: Any) -> State:
    key, other = fact_key(spec.name), or_key(spec.name)
    special = isinstance(value, str) and value.strip().lower() in model.special_values(spec)
    if spec.kind in CHOICE_KINDS:
        if spec.kind == "bool" and isinstance(value, str) and not special:
            value = model.BOOL_WORDS.get(value.strip().lower(), value)
        return {key: [value.strip().lower() if special else _text(value)]}
    if special:
        return {other: [value.strip().lower()]}
    if value is None:
        return {other: ["null"]}
    if spec.kind == "set":
        items = list(value) if isinstance(value, (list, tuple, dict)) else [value]
        if not items:
            return {other: ["none"]}
        if spec.values is None:
            return {key: [", ".join(str(i) for i in items)]}
        return {key: [str(i) for i in items]}
    return {key: [_text(value)]}


# ---- what the template needs ---------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


def choice_options(spec: FactSpec, state: Mapping[str, list[str]], lang: str) -> list[Option]:
    current = first(state, fact_key(spec.name))
    values = ["true", "false"] if spec.kind == "bool" else list(spec.values or ())
    out = [Option("", i18n.t(lang, "not_stated"), not current)]
    out += [Option(v, i18n.value_label(v, lang, spec.label(v, lang)), current == v) for v in values]
    out += [Option(v, i18n.value_label(v, lang), current == v) for v in model.special_values(spec)]
    if spec.nullable:
        out.append(Option("null", i18n.t(lang, "null"), current == "null"))
    return out


def other_options(spec: FactSpec, state: Mapping[str, list[str]], lang: str) -> list[Option]:
    """The 'or' choice beside a typed value or a list of boxes."""
    current = first(state, or_key(spec.name))
    lead = "as_ticked" if spec.kind == "set" and spec.values is not None else "as_typed"
    out = [Option("", i18n.t(lang, lead), not current)]
    if spec.kind == "set":
        out.append(Option("none", i18n.t(lang, "none_of_these"), current == "none"))
    out += [Option(v, i18n.value_label(v, lang), current == v) for v in model.special_values(spec)]
    if spec.nullable:
        out.append(Option("null", i18n.t(lang, "null"), current == "null"))
    return out


def boxes(spec: FactSpec, state: Mapping[str, list[str]], lang: str) -> list[Option]:
    ticked = set(state.get(fact_key(spec.name)) or [])
    return [Option(v, i18n.value_label(v, lang, spec.label(v, lang)), v in ticked) for v in spec.values or ()]


def input_type(spec: FactSpec) -> str:
    return {"date": "date", "int": "number", "decimal": "text"}.get(spec.kind, "text")


def record_type_options(state: Mapping[str, list[str]], vocabulary: Vocabulary, lang: str) -> list[Option]:
    current = first(state, "record_type") or vocabulary.default_record_type
    spec = vocabulary.get("record_type")
    return [Option(v, i18n.value_label(v, lang, spec.label(v, lang) if spec else None), v == current)
            for v in (t.id for t in vocabulary.record_types)]


def stated_count(section: Section, state: Mapping[str, list[str]]) -> int:
    return sum(1 for spec in section.facts if fact_value(spec, state)[0])


def keys(form: CaseForm) -> Iterable[str]:
    """Every field name the form knows (anything else a browser sends is ignored)."""
    yield from TOP_FIELDS
    yield "policy_inline"
    for section in form.sections:
        for spec in section.facts:
            yield fact_key(spec.name)
            yield or_key(spec.name)

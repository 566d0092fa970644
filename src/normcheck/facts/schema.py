"""JSON Schema (draft 2020-12) of case files, generated from the vocabulary, for editors and CI."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..ir import OUTCOMES, SEVERITIES
from ..vocabulary import FactSpec, Vocabulary

_UNKNOWN = {"const": "unknown"}


def fact_schema(spec: FactSpec, computed: bool = False) -> dict[str, Any]:
    k = spec.kind
    if k == "bool":
        base: dict[str, Any] = {"type": "boolean"}
    elif k == "int":
        base = {"type": "integer"}
    elif k == "decimal":
        base = {"type": "number"}
    elif k == "date":
        base = {"anyOf": [{"type": "string", "format": "date"},
                          {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "description": "the month only (YYYY-MM)"}]}
    elif k == "enum":
        base = {"enum": list(spec.values or ())}
    elif k == "set":
        items: dict[str, Any] = {"enum": list(spec.values)} if spec.values is not None else {"type": "string"}
        base = {"type": "array", "items": items, "uniqueItems": True}
    elif k == "country":
        base = {"type": "string", "pattern": "^[A-Z]{2}$"}
    else:
        base = {"type": "string"}
    options = [base, _UNKNOWN]
    if spec.disclosable:
        options.append({"const": "not_disclosed", "description": "the authority has not disclosed it"})
    if spec.nullable:
        options.append({"type": "null"})
    out: dict[str, Any] = {"anyOf": options, "description": (spec.doc or "").strip() or spec.name}
    if spec.derived and computed:
        out["description"] += " (derived: normcheck computes it; if you state it, it is checked)"
    return out


def json_schema(vocabulary: Vocabulary, model: Any, computed: frozenset[str] = frozenset()) -> dict[str, Any]:
    """`computed`: the derived facts that a `define` in the rules computes."""
    facts = {name: fact_schema(spec, name in computed) for name, spec in sorted(vocabulary.facts.items())
             if name != "record_type"}
    levels = list(OUTCOMES)
    expectation = {
        "anyOf": [
            {"enum": levels},
            {"type": "object", "additionalProperties": False, "required": ["level"],
             "properties": {"level": {"enum": levels}, "severity": {"enum": list(SEVERITIES)},
                            "missing": {"type": "array", "items": {"type": "string"}}, "note": {"type": "string"},
                            "readings": {"type": "object", "additionalProperties": {"enum": levels},
                                         "description": "what the rule gives under each named reading: READING: LEVEL"}}},
        ]
    }
    facts_obj = {"type": "object", "additionalProperties": False, "properties": facts}
    from .model import ASSESSORS

    assessed = {}
    for name, spec in sorted(vocabulary.facts.items()):
        if spec.open_norm is None:
            continue
        assessed[name] = {
            "type": "object", "additionalProperties": False, "required": ["criteria_examined", "by"],
            "description": "what was examined of the test: " + dict(spec.open_norm.test).get("en", name),
            "properties": {
                "criteria_examined": {"type": "array", "uniqueItems": True,
                                      "items": {"enum": [c.id for c in spec.open_norm.criteria]}},
                "by": {"enum": list(ASSESSORS), "description": "who examined it, as a role (never a name)"},
                "source": {"type": "string", "description": "the document and passage (no names)"},
                "date": {"type": "string", "format": "date"},
            },
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://normcheck.invalid/schema/case-{__version__}.json",
        "title": "normcheck case or policy file",
        "type": "object",
        "additionalProperties": False,
        "required": ["normcheck", "id"],
        "properties": {
            "normcheck": {"const": 1, "description": "format version"},
            "id": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}$",
                   "description": "anonymised reference: never a name, V-number or BSN"},
            "record_type": {"enum": [t.id for t in vocabulary.record_types]},
            "member_state": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "as_of": {"type": "string", "format": "date", "description": "evaluation date"},
            "policy": {"anyOf": [{"type": "string"}, {"type": "object"}],
                       "description": "a policy record: a path relative to this file, or inline"},
            "note": {"type": "string"},
            "facts": facts_obj,
            "assessments": {"type": "object", "additionalProperties": False, "properties": assessed,
                            "description": "for facts that are conclusions of an open norm: which criteria of the "
                                           "legal test were examined, by whom, and where"},
            "expect": {"type": "object", "additionalProperties": expectation},
            "pinned_against": {"type": "string", "pattern": "^(sha256:)?[0-9a-f]{12,64}$",
                               "description": "the rule pack's SHA-256 (as in the receipt) the `expect:` block was "
                                              "written against; `normcheck test` names the rules changed since"},
        },
    }

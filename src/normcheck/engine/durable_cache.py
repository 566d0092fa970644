"""The durable-rules ruleset compiled from a pack, cached as JSON next to the compiled pack.

Compiling a pack to durable-rules conditions (`durable_adapter.compile_pack`) is pure data work that
gives the same result for the same rules and the same normcheck, yet cost every one-case run about
as much as loading the pack itself. The result is stored in the pack cache's folder under the pack
cache's key (the rule files' digest and the fingerprint of normcheck's code), with the same trust
rules (`packcache.trusted`: a regular file this user owns and nobody else can write; JSON only):

* the ruleset definition is durable-rules' own JSON (it is handed to durable-rules as JSON anyway);
  every rule name in it must name a rule and a grade of this pack;
* per rule, the fact properties its durable-rules fact carries (strings), the computed leaves
  ("atoms") and operands ("terms"), each stored as a path of field names and indexes inside *this
  pack's* rule and found there again, and the derived facts the rule needs (names of this pack's
  definitions; a `_def@k` rule of the definition, which derives the k-th dependency level of them, must
  have k below their number);
* anything else is refused; the caller then compiles afresh (and logs why, NC-I003).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import ir
from ..diagnostics import Diagnostic

FORMAT = 3

Step = str | int
Leaves = tuple[tuple[ir.Node, str], ...]
# per rule of the pack: props, atoms (computed leaves), terms (computed operands), derived facts it needs
Views = list[tuple[tuple[str, ...], Leaves, Leaves, frozenset[str]]]


class Rejected(ValueError):
    """The cached ruleset does not belong to this pack or is malformed."""


def location(pack: ir.RulePack) -> tuple[Path, str] | None:
    """Where the ruleset of `pack` is cached and under which key (None: caching is off)."""
    from ..pack import _cache_dir, _code_fingerprint

    folder = _cache_dir()
    if folder is None or not pack.digest:
        return None
    from .durable_adapter import VERSION  # a ruleset is cached once durable-rules accepted it: this version did

    fingerprint = _code_fingerprint()
    return folder / f"durable-{pack.digest[:24]}-{fingerprint[:12]}.json", f"{pack.digest}-{fingerprint}-{VERSION}"


def _paths(obj: Any, path: tuple[Step, ...]) -> Iterator[tuple[Any, tuple[Step, ...]]]:
    """Every node and grade below `obj` with its path (fields by name, tuple items by index)."""
    yield obj, path
    for name, value in vars(obj).items():
        if isinstance(value, (ir.Node, ir.Grade)):
            yield from _paths(value, path + (name,))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, (ir.Node, ir.Grade)):
                    yield from _paths(item, path + (name, i))


def _follow(rule: ir.Rule, path: Any) -> ir.Node:
    if not isinstance(path, list) or not path:
        raise Rejected("malformed atom path")
    obj: Any = rule
    for step in path:
        if type(step) is str and isinstance(obj, (ir.Rule, ir.Node, ir.Grade)) and step in vars(obj):
            obj = vars(obj)[step]
        elif type(step) is int and isinstance(obj, tuple) and 0 <= step < len(obj):
            obj = obj[step]
        else:
            raise Rejected("an atom path that leads nowhere in this pack")
    if not isinstance(obj, ir.Node):
        raise Rejected("an atom path that does not end at a condition")
    return obj


def dump(pack: ir.RulePack, name: str, definition: dict[str, dict[str, Any]], views: Views, strata: int) -> dict[str, Any] | None:
    """The JSON document of a compiled ruleset; None when an atom is not a node of its rule (then it is not cached)."""
    out_views = []
    for rule, (props, atoms, terms, defines) in zip(pack.rules, views):
        where = {id(node): list(path) for node, path in _paths(rule, ()) if isinstance(node, ir.Node)}
        stored: list[list[list[Any]]] = [[], []]
        for slot, leaves in enumerate((atoms, terms)):
            for node, prop in leaves:
                path = where.get(id(node))
                if path is None:
                    return None
                stored[slot].append([path, prop])
        out_views.append([list(props), stored[0], stored[1], sorted(defines)])
    return {"name": name, "definition": definition, "views": out_views, "strata": strata}


def load(pack: ir.RulePack, doc: Any) -> tuple[str, dict[str, dict[str, Any]], Views, int]:
    """A cached ruleset checked against `pack`; `Rejected` if it does not fit it exactly."""
    if not isinstance(doc, dict) or set(doc) != {"name", "definition", "views", "strata"}:
        raise Rejected("not a compiled ruleset")
    name, definition, views, strata = doc["name"], doc["definition"], doc["views"], doc["strata"]
    if name != "nc_" + pack.digest[:16] or type(strata) is not int or strata < 0:
        raise Rejected("a ruleset of another pack")
    defined = frozenset(d.name for d in pack.defines)
    if not isinstance(definition, dict):
        raise Rejected("malformed ruleset definition")
    # a rule's durable rules are named `<rule key>#<grade>#<alternative>`: the names its grades allow, less
    # the alternative (a number), which is checked apart
    named = {f"{r.key}#{g}#" for r in pack.rules for g in range(len(r.grades))}
    for key, rule in definition.items():
        head, _, alternative = key.rpartition("#")
        if not isinstance(rule, dict) or (key not in ("_begin", "_sink")
                                          and not (key.startswith("_def@") and key[5:].isdigit() and int(key[5:]) < len(defined))
                                          and not (head + "#" in named and alternative.isascii() and alternative.isdigit())):
            raise Rejected(f"a durable rule that is not a rule of this pack: {key[:40]!r}")
    if not isinstance(views, list) or len(views) != len(pack.rules):
        raise Rejected("views of another pack")
    out: Views = []
    for rule, view in zip(pack.rules, views):
        if not (isinstance(view, list) and len(view) == 4 and all(isinstance(v, list) for v in view)
                and {type(p) for p in view[0]} <= {str} and {type(d) for d in view[3]} <= {str}
                and defined.issuperset(view[3])):
            raise Rejected("malformed rule view")
        leaves: list[Leaves] = []
        for slot in (1, 2):
            found = []
            for item in view[slot]:
                if not (isinstance(item, list) and len(item) == 2 and type(item[1]) is str):
                    raise Rejected("malformed atom")
                found.append((_follow(rule, item[0]), item[1]))
            leaves.append(tuple(found))
        out.append((tuple(view[0]), leaves[0], leaves[1], frozenset(view[3])))
    return name, definition, out, strata


def read(pack: ir.RulePack) -> tuple[str, dict[str, dict[str, Any]], Views, int] | None:
    """The cached ruleset of `pack`, or None (none yet, caching off, or refused: then logged)."""
    from ..packcache import trusted

    where = location(pack)
    if where is None or not where[0].exists():
        return None
    path, key = where
    if not trusted(path):
        _warn(path, "read", "the file is not a regular file owned and writable by this user only")
        return None
    try:
        doc = json.loads(path.read_bytes())
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("key") != key:
            raise Rejected("it was written by another version of normcheck")
        return load(pack, doc.get("ruleset"))
    except (Rejected, ValueError, TypeError, RecursionError, UnicodeDecodeError, OSError) as exc:
        _warn(path, "read", f"{type(exc).__name__}: {str(exc)[:120]}")
        return None


def write(pack: ir.RulePack, name: str, definition: dict[str, dict[str, Any]], views: Views, strata: int) -> None:
    """Store the ruleset atomically, readable and writable by this user only; a failure is logged, never fatal."""
    from ..packcache import write_private

    where = location(pack)
    if where is None:
        return
    path, key = where
    try:
        ruleset = dump(pack, name, definition, views, strata)
        if ruleset is None:
            return
        text = json.dumps({"format": FORMAT, "key": key, "ruleset": ruleset}, separators=(",", ":"), ensure_ascii=False)
        write_private(path, text)
    except OSError as exc:
        _warn(path, "written", exc.strerror or str(exc))
    except (TypeError, ValueError) as exc:
        _warn(path, "written", str(exc))


def _warn(path: Path, verb: str, why: str) -> None:
    """A cache failure costs time, not correctness: say so on stderr (logging's default), and go on."""
    logging.getLogger("normcheck").warning(Diagnostic(
        str(path), None, None, f"the compiled durable-rules ruleset could not be {verb} ({why}); it was compiled afresh",
        severity="warning", code="NC-I003", hint="set NORMCHECK_CACHE to a writable folder, or NORMCHECK_NO_CACHE=1").render())

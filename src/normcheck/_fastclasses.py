"""normcheck's dataclasses without `dataclasses`' per-class work at every start.

On Python 3.11 `dataclasses` analyses each class (its string annotations parsed for ClassVar/InitVar/
KW_ONLY, a `Field` per field), writes the source text of each generated method (`__init__`, `__repr__`,
`__eq__`, `__hash__`, a frozen class's `__setattr__` and `__delattr__`) and `exec`s it, and gives a class
without a docstring one from `inspect.signature`: done at every start, a quarter of a one-case run.
`_dataclass_methods.py` (and `_dataclass_methods_apart.py` for the modules a check does not import: see
`_APART`) holds, per normcheck class, what that work depends on and produced: the class's own annotations,
the shape of its fields (names, flags, whether each has a default or a factory), its parameters, the methods
compiled once (into that module's bytecode like any module; one factory per class makes them all), and a
generated docstring. A class whose annotations, parameters and field shape are those of the table gets the
very functions `dataclasses` would have compiled (same code, same closure values, its own module's globals)
and the same `Field`s, `__dataclass_params__`, `__match_args__`, hash and slots. Any other class (changed
since the table was written, another module, another Python) goes through `dataclasses` as always, so the
table decides the speed, never the behaviour. Python 3.13 compiles once per class and needs none of this.

Rewrite the tables after changing a dataclass (a test says when it is out of date):

    python -m normcheck._fastclasses
"""

from __future__ import annotations

import abc
import dataclasses
import sys
import types
from typing import Any

_ORIGINAL: Any = None  # dataclasses._process_class, once installed
_RECORD: dict[str, Any] | None = None  # while the table is written: class key -> what the table keeps
missed: list[str] = []  # normcheck classes processed by `dataclasses` (the table is out of date for them)

# dataclasses' private markers (Python 3.11's; read with getattr so that another Python still imports this)
_MISSING = dataclasses.MISSING
_FIELD = getattr(dataclasses, "_FIELD", None)
_TYPE_CODE = {_FIELD: "f", getattr(dataclasses, "_FIELD_INITVAR", None): "i", getattr(dataclasses, "_FIELD_CLASSVAR", None): "c"}
_LOCALS = {"MISSING": _MISSING, "_HAS_DEFAULT_FACTORY": getattr(dataclasses, "_HAS_DEFAULT_FACTORY", None),
           "__dataclass_builtins_object__": object, "_return_type": None,
           "FrozenInstanceError": dataclasses.FrozenInstanceError}
_LOCAL_VALUES = tuple(_LOCALS.values())  # the last arguments of each factory of the table
_EMPTY_METADATA: Any = getattr(dataclasses, "_EMPTY_METADATA", None)  # a field's metadata when none is given
_NEW_FIELD = object.__new__


def _annotations(cls: type) -> dict[str, Any]:
    """The class's own annotations, read as `dataclasses` reads them (not `inspect.get_annotations`)."""
    return cls.__dict__.get("__annotations__", {})  # type: ignore[no-any-return]  # noqa: RUF063


_TYPE_NAMES = frozenset(dir(type))


def _class_attribute(cls: type, name: str, dicts: list[Any] | None = None) -> Any:
    """`getattr(cls, name, MISSING)`, as `dataclasses` reads a default, without an AttributeError raised and
    caught for each field that has none (the usual case). `dicts`: the dictionaries of `cls.__mro__`, listed
    once by a caller that reads every field of a class."""
    if type(cls) is type and name not in _TYPE_NAMES:
        for d in dicts if dicts is not None else [b.__dict__ for b in cls.__mro__]:
            if name in d:
                break
        else:
            return _MISSING
    return getattr(cls, name, _MISSING)


def _own_fields(cls: type, kw_only: bool) -> tuple[list[dataclasses.Field[Any]], list[str]] | None:
    """The class's own fields as `dataclasses._get_field` makes them, when every annotation is a plain field
    (the caller has checked the annotation texts against the table's), and the names whose class attribute
    is a `field(...)`; None when `dataclasses` must decide. Each default is read with `_class_attribute`
    (the class dictionaries listed once per class), and a plain field's slots are set once, as
    `field(default=...)` and `_get_field` set them (without `Field.__init__`'s call and the slots set twice:
    together about a third of the table's work per class)."""
    own = []
    given = []
    dicts = [b.__dict__ for b in cls.__mro__]
    for name, annotation in _annotations(cls).items():
        default = _class_attribute(cls, name, dicts)
        if isinstance(default, dataclasses.Field):
            f = default
            given.append(name)
            f.name = name
            f.type = annotation
            f._field_type = _FIELD  # type: ignore[attr-defined]
            if f.kw_only is _MISSING:
                f.kw_only = kw_only
        else:
            if isinstance(default, types.MemberDescriptorType):
                default = _MISSING
            f = _NEW_FIELD(dataclasses.Field)
            f.name = name
            f.type = annotation
            f.default = default
            f.default_factory = _MISSING
            f.init = True
            f.repr = True
            f.hash = None
            f.compare = True
            f.metadata = _EMPTY_METADATA
            f.kw_only = kw_only
            f._field_type = _FIELD  # type: ignore[attr-defined]
        if f.default.__class__.__hash__ is None:  # a mutable default: dataclasses raises
            return None
        own.append(f)
    return own, given


def _shape(fields: dict[str, dataclasses.Field[Any]], has_post_init: bool, has_explicit_hash: bool) -> tuple[Any, ...]:
    """Everything the generated methods' texts depend on besides the parameters."""
    return (has_post_init, has_explicit_hash,
            tuple([(f.name, _TYPE_CODE[f._field_type], f.init, f.repr, f.hash, f.compare, f.kw_only,  # type: ignore[attr-defined]
                    f.default is _MISSING, f.default_factory is _MISSING) for f in fields.values()]))


def _analyse(cls: type, kw_only: bool) -> tuple[dict[str, dataclasses.Field[Any]], bool | None, tuple[Any, ...], list[str]] | None:
    """The class's fields (bases' first), whether a base is frozen (None: no dataclass base), its shape and the
    names given a `field(...)`; None: leave it to `dataclasses`."""
    fields: dict[str, dataclasses.Field[Any]] = {}
    any_frozen_base = has_dataclass_bases = False
    for b in cls.__mro__[-1:0:-1]:
        base_fields = _class_attribute(b, "__dataclass_fields__")  # (getattr's answer, without raising for most)
        if base_fields is not _MISSING and base_fields is not None:
            has_dataclass_bases = True
            fields.update(base_fields)
            if b.__dataclass_params__.frozen:  # type: ignore[attr-defined]
                any_frozen_base = True
    found = _own_fields(cls, kw_only)
    if found is None:
        return None
    own, given = found
    annotations = _annotations(cls)
    for name, value in cls.__dict__.items():
        if isinstance(value, dataclasses.Field) and name not in annotations:
            return None  # dataclasses raises
    for f in own:
        fields[f.name] = f
    class_hash = cls.__dict__.get("__hash__", _MISSING)
    has_explicit_hash = not (class_hash is _MISSING or (class_hash is None and "__eq__" in cls.__dict__))
    frozen_bases = any_frozen_base if has_dataclass_bases else None
    return fields, frozen_bases, _shape(fields, _class_attribute(cls, "__post_init__") is not _MISSING, has_explicit_hash), given


def _methods(factory: Any, fields: dict[str, dataclasses.Field[Any]], cls: type, globals: dict[str, Any]) -> dict[str, Any]:
    """The class's methods, made by the table's compiled factory (one per class: each method is the function
    `dataclasses` would compile, closing over the same values: the factory reads the fields' types and
    defaults itself) run in the class's module: its globals."""
    return types.FunctionType(factory.__code__, globals)(fields, cls, *_LOCAL_VALUES)  # type: ignore[no-any-return]


def _key(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _process_class(cls: type, init: bool, repr: bool, eq: bool, order: bool, unsafe_hash: bool, frozen: bool,
                   match_args: bool, kw_only: bool, slots: bool, weakref_slot: bool) -> type:
    """`dataclasses._process_class` for a class the table knows as it is; any other goes to `dataclasses`."""
    params = (init, repr, eq, order, unsafe_hash, frozen, match_args, kw_only, slots, weakref_slot)
    module = cls.__module__
    if not module.startswith("normcheck."):
        return _ORIGINAL(cls, *params)  # type: ignore[no-any-return]
    entry = _classes(module).get(_key(cls))
    analysed = None
    if entry is not None and entry[0] == params and entry[1] == tuple(_annotations(cls).items()):
        analysed = _analyse(cls, kw_only)
    if (entry is None or analysed is None or analysed[2] != entry[2] or analysed[1] not in (None, bool(frozen))
            or any(name in cls.__dict__ for name in _MUST_NOT_EXIST[bool(order), bool(frozen)])):
        missed.append(_key(cls))  # (a class that dataclasses rejects is rejected there too)
        return _ORIGINAL(cls, *params)  # type: ignore[no-any-return]
    fields = analysed[0]
    doc = entry[4]
    globals = sys.modules[module].__dict__ if module in sys.modules else {}
    methods = _methods(entry[3], fields, cls, globals)
    cls.__dataclass_params__ = dataclasses._DataclassParams(init, repr, eq, order, unsafe_hash, frozen)  # type: ignore[attr-defined]
    for name in analysed[3]:  # a field(...) in the class body: its default, or nothing, takes its place
        default = fields[name].default
        if default is _MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, default)
    cls.__dataclass_fields__ = fields  # type: ignore[attr-defined]
    new = dataclasses._set_new_attribute  # type: ignore[attr-defined]
    own_init = init and "__init__" not in cls.__dict__
    if own_init:
        new(cls, "__init__", methods["__init__"])
    if repr and "__repr__" not in cls.__dict__:
        new(cls, "__repr__", dataclasses._recursive_repr(methods["__repr__"]))  # type: ignore[attr-defined]
    for name in ("__eq__", "__lt__", "__le__", "__gt__", "__ge__", "__setattr__", "__delattr__"):
        if name in methods and name not in cls.__dict__:
            new(cls, name, methods[name])
    action = dataclasses._hash_action[bool(unsafe_hash), bool(eq), bool(frozen), entry[2][1]]  # type: ignore[attr-defined]
    if action is dataclasses._hash_add:  # type: ignore[attr-defined]
        cls.__hash__ = dataclasses._set_qualname(cls, methods["__hash__"])  # type: ignore[attr-defined,method-assign]
    elif action is not None:
        cls.__hash__ = action(cls, [f for f in fields.values() if f._field_type is _FIELD], globals)  # type: ignore[attr-defined,method-assign]
    if not cls.__doc__:
        if doc is not None and own_init and _doc_key(cls) == doc[0]:
            cls.__doc__ = doc[1]
        else:
            import inspect

            try:
                text_sig = str(inspect.signature(cls)).replace(" -> None", "")
            except (TypeError, ValueError):
                text_sig = ""
            cls.__doc__ = cls.__name__ + text_sig
    if match_args:
        new(cls, "__match_args__", entry[5])
    if slots:
        cls = dataclasses._add_slots(cls, frozen, weakref_slot)  # type: ignore[attr-defined]
    if type(cls) is not type or "__abstractmethods__" in cls.__dict__:  # (else `hasattr` is False: nothing to do)
        abc.update_abstractmethods(cls)
    return cls


# The methods a class may not define itself (dataclasses raises), by (order, frozen).
_MUST_NOT_EXIST = {(False, False): (), (True, False): ("__lt__", "__le__", "__gt__", "__ge__"),
                   (False, True): ("__setattr__", "__delattr__"),
                   (True, True): ("__lt__", "__le__", "__gt__", "__ge__", "__setattr__", "__delattr__")}


def _doc_key(cls: type) -> str | None:
    """What a generated docstring (`inspect.signature` of the class, which is that of the `__init__` written
    for it) depends on: the parameters' annotations and defaults. None where a metaclass, a `__new__` or a
    `__signature__` could stand in for the `__init__`."""
    if type(cls) is not type or any("__new__" in b.__dict__ or "__signature__" in b.__dict__ for b in cls.__mro__[:-1]):
        return None
    init = cls.__init__  # type: ignore[misc]
    return repr((init.__defaults__, init.__kwdefaults__, init.__annotations__))


# The modules that checking cases with a cached rule pack does not import (the rule language's syntax tree, the
# rule checker, the web page, rule diffs and history, sweeps, pinned-case tests, case writing, the vectorised
# evaluator): their classes are in a table apart, read only when one of them is imported, so that a check does
# not read their methods (a quarter of all) at every start. Only where a class is looked up depends on this list.
_APART = frozenset(("normcheck.ast", "normcheck.check", "normcheck.rulediff", "normcheck.packhistory",
                    "normcheck.sweep", "normcheck.testing", "normcheck.casewriting", "normcheck.engine.vector"))
_APART_PACKAGES = ("normcheck.web.",)
_TABLE_MODULES = ("_dataclass_methods", "_dataclass_methods_apart")  # the table modules, by `_apart`
_TABLES: dict[bool, dict[str, Any]] = {}


def _apart(module: str) -> bool:
    """Whether the module's classes are in the table apart."""
    return module in _APART or module.startswith(_APART_PACKAGES)


def _classes(module: str) -> dict[str, Any]:
    """The table that holds the module's classes (read on first use; empty when not written yet)."""
    apart = _apart(module)
    table = _TABLES.get(apart)
    if table is None:
        try:
            table = _TABLES[apart] = _read_table(apart)
        except ImportError:  # not written yet
            return {}
    return table


def _read_table(apart: bool) -> dict[str, Any]:
    if apart:
        from ._dataclass_methods_apart import CLASSES as apart_classes

        return apart_classes
    from ._dataclass_methods import CLASSES

    return CLASSES


def every_class() -> dict[str, Any]:
    """Both tables' classes (to test them)."""
    return {**_classes("normcheck"), **_classes("normcheck.ast")}


def install() -> None:
    """Route normcheck's classes through the table (Python 3.11 only; idempotent)."""
    global _ORIGINAL
    if _ORIGINAL is not None or sys.version_info[:2] != (3, 11):
        return
    original = getattr(dataclasses, "_process_class", None)
    if original is None or not hasattr(dataclasses, "_create_fn"):
        return
    _ORIGINAL = original
    dataclasses._process_class = _process_class  # type: ignore[attr-defined]


def uninstall() -> None:
    """Give every class to `dataclasses` again (to compare the table's classes with its own)."""
    global _ORIGINAL
    if _ORIGINAL is not None:
        dataclasses._process_class = _ORIGINAL  # type: ignore[attr-defined]
        _ORIGINAL = None


def _modules() -> list[str]:
    import pkgutil

    import normcheck

    return sorted(m.name for m in pkgutil.walk_packages(normcheck.__path__, "normcheck.") if not m.name.startswith("normcheck._"))


def _recording_process_class(cls: type, *params: Any) -> type:
    """`dataclasses._process_class` with what the table keeps about the class recorded on the way."""
    assert _RECORD is not None
    texts: dict[str, tuple[str, dict[str, Any]]] = {}  # method name -> the method's text and its factory's locals

    def create_fn(name: str, args: list[str], body: list[str], *, globals: dict[str, Any] | None = None,
                  locals: dict[str, Any] | None = None, return_type: Any = _MISSING) -> Any:
        texts[name] = _text(name, args, body, dict(locals or {}), return_type)
        return original_create(name, args, body, globals=globals, locals=locals, return_type=return_type)

    annotations = tuple(_annotations(cls).items())
    had_doc = bool(cls.__doc__)
    own_init = params[0] and "__init__" not in cls.__dict__
    analysed = _analyse(cls, params[7]) if all(isinstance(a, str) for _, a in annotations) else None
    original_create = dataclasses._create_fn  # type: ignore[attr-defined]
    dataclasses._create_fn = create_fn  # type: ignore[attr-defined]
    try:
        made: type = _ORIGINAL(cls, *params)
    finally:
        dataclasses._create_fn = original_create  # type: ignore[attr-defined]
    fields = made.__dataclass_fields__  # type: ignore[attr-defined]
    plain = all(name in fields and fields[name]._field_type is _FIELD for name, _ in annotations)
    if cls.__module__.startswith("normcheck.") and analysed is not None and plain:
        key = None if had_doc or not own_init else _doc_key(made)
        doc = None if key is None else (key, made.__doc__)
        _RECORD[_key(cls)] = (params, annotations, analysed[2], _factory_text(_key(cls), texts, fields, cls), doc,
                              getattr(made, "__match_args__", ()))
    return made


def table_texts() -> dict[str, str]:
    """The tables for every dataclass of normcheck's modules (imported here, in a fresh process), by module."""
    global _RECORD
    import importlib

    _RECORD = {}
    dataclasses._process_class = _recording_process_class  # type: ignore[attr-defined]
    for name in _modules():
        importlib.import_module(name)
    return {_TABLE_MODULES[apart]: _table_text({key: entry for key, entry in _RECORD.items() if _apart(key.split(":")[0]) == apart})
            for apart in (False, True)}


def _table_text(record: dict[str, Any]) -> str:
    """One table module's text: its classes' factories (one per distinct text), then what it keeps per class."""
    numbers = {txt: i for i, txt in enumerate(sorted({entry[3] for entry in record.values()}))}
    out = ['"""Generated by `python -m normcheck._fastclasses` (see _fastclasses.py): per normcheck dataclass, its',
           "parameters, own annotations, field shape, a factory of the methods Python 3.11's `dataclasses` writes for",
           'it (compiled once), its generated docstring and `__match_args__`. Do not edit."""',
           "# ruff: noqa", "# mypy: ignore-errors", "# fmt: off", ""]
    for txt, i in numbers.items():
        out += [txt, f"_m{i} = __create_fn__", ""]
    out.append("CLASSES = {")
    for key in sorted(record):
        params, annotations, shape, factory, doc, match_args = record[key]
        out.append(f"    {key!r}: ({params!r}, {annotations!r}, {shape!r}, _m{numbers[factory]}, {doc!r}, {match_args!r}),")
    out.append("}")
    return "\n".join(out) + "\n"


def _text(name: str, args: list[str], body: list[str], locals: dict[str, Any], return_type: Any) -> tuple[str, dict[str, Any]]:
    """The text of the method `dataclasses._create_fn` (Python 3.11) compiles, indented as there (inside its
    `__create_fn__`), and the locals that `__create_fn__` takes."""
    return_annotation = ""
    if return_type is not _MISSING:
        locals["_return_type"] = return_type
        return_annotation = "->_return_type"
    joined = ",".join(args)
    lines = "\n".join(f"  {b}" for b in body)
    return f" def {name}({joined}){return_annotation}:\n{lines}", locals


def _factory_text(key: str, texts: dict[str, tuple[str, dict[str, Any]]], fields: dict[str, dataclasses.Field[Any]],
                  cls: type) -> str:
    """One `__create_fn__` that defines all of a class's methods and returns them by name: a call per class
    instead of one per method at start-up, given the class's fields, the class and `_LOCALS`' values; it reads
    each field's type and default (or default factory) as `dataclasses` passes them. Each method is compiled
    as `dataclasses` compiles it alone (checked here: the same code, closing over the same names, which must
    stand for the same values in every method and be what the factory computes)."""
    prologue = []
    for _, locals in texts.values():
        for name, value in locals.items():
            if name in _LOCALS or name == "cls":
                expected = _LOCALS.get(name, cls)
            elif name[:6] in ("_type_", "_dflt_") and name[6:] in fields:
                f = fields[name[6:]]
                attribute = "type" if name[:6] == "_type_" else "default" if f.default_factory is _MISSING else "default_factory"
                expected = getattr(f, attribute)
                line = f" {name} = fields[{name[6:]!r}].{attribute}"
                if line not in prologue:
                    prologue.append(line)
            else:
                raise ValueError(f"{key}: `{name}` is not a local the table's factory makes")
            if value is not expected:
                raise ValueError(f"{key}: `{name}` stands for another value than the factory's")
    defs = "\n".join([*prologue, *(txt for txt, _ in texts.values())])
    returned = ", ".join(f"{name!r}: {name}" for name in texts)
    combined = f"def __create_fn__(fields, cls, {', '.join(_LOCALS)}):\n{defs}\n return {{{returned}}}"
    made = _inner_codes(combined)
    for name, (txt, locals) in texts.items():
        alone = _inner_codes(f"def __create_fn__({', '.join(locals)}):\n{txt}\n return {name}")
        if _placeless(made[name]) != _placeless(alone[name]):
            raise ValueError(f"{key}.{name} compiles otherwise in one factory with the class's other methods")
    return combined


def _inner_codes(text: str) -> dict[str, types.CodeType]:
    """The code objects of the functions that the text's `__create_fn__` defines, by name."""
    outer = next(c for c in compile(text, "<string>", "exec").co_consts if isinstance(c, types.CodeType))
    return {c.co_name: c for c in outer.co_consts if isinstance(c, types.CodeType)}


def _placeless(code: types.CodeType) -> tuple[Any, ...]:
    """A code object without its place in the file (line numbers, positions): what its behaviour depends on."""
    return (code.replace(co_firstlineno=1, co_linetable=b""), code.co_qualname, code.co_freevars)


if __name__ == "__main__":
    if sys.version_info[:2] != (3, 11):
        raise SystemExit("the table is written with Python 3.11 (the only version that uses it)")
    import json
    import subprocess
    from pathlib import Path

    if "--print" in sys.argv:
        from normcheck import _fastclasses  # the installed module (this one runs as __main__)

        sys.stdout.write(json.dumps(_fastclasses.table_texts()))
    else:  # a fresh process, so that every class is created (and recorded) there
        texts = json.loads(subprocess.run([sys.executable, "-W", "ignore::RuntimeWarning", "-m", "normcheck._fastclasses",
                                           "--print"], check=True, capture_output=True, text=True).stdout)
        for name, text in texts.items():
            table = Path(__file__).with_name(name + ".py")
            table.write_text(text, encoding="utf-8")
            print(f"{table}: {text.count(chr(10) + ' def ')} methods in {text.count('= __create_fn__')} factories for "
                  f"{text.count(chr(10) + '    ' + chr(39))} classes")

"""The compiled-pack cache as JSON: data that can only ever become IR, never run code.

The cache folder (`NORMCHECK_CACHE`, `XDG_CACHE_HOME`, `~/.cache`) is writable by any process of
the user, so what is read back from it must not be able to do anything but describe a rule pack:

* the file is JSON; every object of the pack is one row of a table (`["T", classes, files, values,
  rows, root]`), children before parents, naming one of the closed list of IR / vocabulary / diagnostic
  classes below by its number in `classes`, which lists each class with exactly its fields and how
  each is stored: as a JSON scalar, a file's number in `files`, an earlier row, a tuple of scalars,
  of tuples of scalars or of earlier rows, a mapping of scalars to earlier rows, or a tagged value (a
  scalar or a tagged list: `["t", …]` a tuple, `["s", …]` a frozenset, `["d", [k, v], …]` a dict (a
  read-only mapping of the IR is stored as one and made read-only again by its class), `["D", iso]`
  a date, `["M", text]` a decimal, `["N"]` null, `["U"]` unknown, `["F", name]` a rule or
  vocabulary file, `["r", n]` an earlier row); a field whose values cannot be changed (tuples and
  tagged values without a mapping) may be stored as indexes into `values`, the pack's distinct
  values of that kind, each stored once (a family's gate, a fact's labels, repeated in its words
  for the reports): the objects then share one value. An object is built as its constructor builds
  it, field by field; anything else is refused, and the caller rebuilds the pack from the rule files;
* a file of the pack is stored by its name relative to the rules folder and shown again under
  the path of *this* run: a pack cached by another installation (same rules, same code) never
  shows that installation's paths;
* the caller reads a cache file only when the current user owns it and nobody else can write it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

from . import ir
from .diagnostics import Diagnostic
from .values import NULL, UNKNOWN
from .vocabulary import FactSpec, RecordType, Vocabulary

FORMAT = 4


class CacheRejected(ValueError):
    """The cache file is not a rule pack written by this normcheck; rebuild it."""


def _classes() -> dict[str, type]:
    out: dict[str, type] = {}
    for name in dir(ir):
        obj = getattr(ir, name)
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == ir.__name__:
            out[name] = obj
    for cls in (FactSpec, RecordType, Vocabulary, Diagnostic):
        out[cls.__name__] = cls
    return out


_CLASSES = _classes()
_FIELDS: dict[str, tuple[str, ...]] = {name: tuple(f.name for f in dataclasses.fields(cls) if f.init)
                                       for name, cls in _CLASSES.items()}


# How the fields of one class are stored, chosen by `encode` for each (class, field) from the values the
# pack holds, so that decoding converts a field with one C-level call instead of walking it value by value.
_RAW, _FILE, _REF, _SCALARS_T, _PAIRS_T, _REFS_T, _REF_MAP, _TAGGED = "v", "f", "r", "ts", "tt", "to", "do", "g"
_KINDS = (_FILE, _RAW, _REF, _SCALARS_T, _PAIRS_T, _REFS_T, _REF_MAP, _TAGGED)
# A kind with this mark: the column holds, per object, the index of its value in the pack's table of the
# distinct values of that kind (`values`). Only for kinds whose values are tuples or tagged values, and only
# when no value of the field holds a mapping (a shared value must be one that cannot be changed).
_SHARED = "="
_SHAREABLE = (_SCALARS_T, _PAIRS_T, _TAGGED)
_ALL_KINDS = frozenset(_KINDS) | {_SHARED + k for k in _SHAREABLE}


def _is_scalar(v: Any) -> bool:
    return v is None or isinstance(v, (bool, int, str))


def _is_object(v: Any) -> bool:
    return _CLASSES.get(type(v).__name__) is type(v)


def _fits(kind: str, field: str, v: Any, files: Mapping[str, str]) -> bool:
    if kind == _RAW:
        return _is_scalar(v)
    if kind == _FILE:
        return field == "file" and isinstance(v, str) and v in files
    if kind == _REF:
        return _is_object(v)
    if kind == _SCALARS_T:
        return isinstance(v, tuple) and all(_is_scalar(x) for x in v)
    if kind == _PAIRS_T:
        return isinstance(v, tuple) and all(isinstance(x, tuple) and all(_is_scalar(y) for y in x) for x in v)
    if kind == _REFS_T:
        return isinstance(v, tuple) and all(_is_object(x) for x in v)
    if kind == _REF_MAP:
        return isinstance(v, Mapping) and all(_is_scalar(k) and _is_object(x) for k, x in v.items())
    return True


class _Encoder:
    """Every object of the pack once, grouped by class and height (a group refers to earlier groups
    only, so decoding builds a group column by column; an object the pack shares is shared again)."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = files
        self.index: dict[int, int] = {}
        self.height: dict[int, int] = {}
        self.objects: list[Any] = []

    def visit(self, value: Any) -> int:
        """Record the objects in `value`; the greatest height among them (-1: none)."""
        if _is_scalar(value) or value is NULL or value is UNKNOWN:
            return -1
        if isinstance(value, (tuple, frozenset)):
            return max((self.visit(x) for x in value), default=-1)
        if isinstance(value, Mapping):
            return max((max(self.visit(k), self.visit(x)) for k, x in value.items()), default=-1)
        if _is_object(value):
            if id(value) not in self.height:
                self.height[id(value)] = 1 + max((self.visit(getattr(value, f)) for f in _FIELDS[type(value).__name__]),
                                                 default=-1)
                self.objects.append(value)
            return self.height[id(value)]
        if not isinstance(value, (dt.date, Decimal)) or isinstance(value, dt.datetime):
            raise TypeError(f"cannot cache a {type(value).__name__}")
        return -1

    def tagged(self, obj: Any, file: bool = False) -> Any:
        """A value as a JSON scalar or a tagged list (objects by their row)."""
        if _is_scalar(obj):
            return ["F", self.files[obj]] if file and isinstance(obj, str) and obj in self.files else obj
        if obj is NULL:
            return ["N"]
        if obj is UNKNOWN:
            return ["U"]
        if isinstance(obj, tuple):
            return ["t", *(self.tagged(x) for x in obj)]
        if isinstance(obj, frozenset):
            return ["s", *sorted((self.tagged(x) for x in obj), key=json.dumps)]
        if isinstance(obj, Mapping):  # a dict, or the IR's read-only views of one
            return ["d", *([self.tagged(k), self.tagged(v)] for k, v in obj.items())]
        if isinstance(obj, dt.date) and not isinstance(obj, dt.datetime):
            return ["D", obj.isoformat()]
        if isinstance(obj, Decimal):
            return ["M", str(obj)]
        if _is_object(obj):
            return ["r", self.index[id(obj)]]
        raise TypeError(f"cannot cache a {type(obj).__name__}")

    def stored(self, kind: str, field: str, v: Any, names: dict[str, int]) -> Any:
        index = self.index
        if kind == _RAW:
            return v
        if kind == _FILE:
            return names.setdefault(self.files[v], len(names))
        if kind == _REF:
            return index[id(v)]
        if kind == _SCALARS_T:
            return list(v)
        if kind == _PAIRS_T:
            return [list(x) for x in v]
        if kind == _REFS_T:
            return [index[id(x)] for x in v]
        if kind == _REF_MAP:
            return [list(v), [index[id(x)] for x in v.values()]]
        return self.tagged(v, field == "file")


def _immutable(v: Any) -> bool:
    """Whether a value of a field may be shared between objects: nothing in it can be changed."""
    if isinstance(v, (tuple, frozenset)):
        return all(_immutable(x) for x in v)
    return not isinstance(v, (Mapping, list, set))


def _column(enc: _Encoder, kind: str, field: str, objs: list[Any], names: dict[str, int],
            tables: dict[str, dict[str, int]]) -> list[Any]:
    """A field of a group as stored: the values one by one, or (shared) each one's index in its kind's table."""
    base = kind.lstrip(_SHARED)
    stored = [enc.stored(base, field, getattr(o, field), names) for o in objs]
    if base == kind:
        return stored
    table = tables[base]
    return [table.setdefault(json.dumps(x, separators=(",", ":")), len(table)) for x in stored]


def encode(obj: Any, files: Mapping[str, str]) -> Any:
    """`obj` as JSON data; `files` maps a path as shown in this run to its name in the rules folder.

    `["T", classes, files, values, groups, root]`: `classes` lists each class stored with the kind of
    each of its fields, `files` the names of the rule and vocabulary files, `values` the distinct
    values of the fields stored shared (`_SHARED`: per shareable kind, a list), `groups` the objects
    of one class and height as `[class number, how many, column of each field…]` (an object refers to
    objects of earlier groups by their place in the whole), `root` the object itself as a tagged value."""
    enc = _Encoder(files)
    enc.visit(obj)
    by_class: dict[str, list[Any]] = {}
    for o in enc.objects:
        by_class.setdefault(type(o).__name__, []).append(o)
    classes: dict[str, tuple[int, list[str]]] = {}
    for name, objs in by_class.items():
        kinds = [next(k for k in _KINDS if all(_fits(k, f, getattr(o, f), files) for o in objs)) for f in _FIELDS[name]]
        classes[name] = (len(classes), kinds)
    grouped: dict[tuple[int, int], list[Any]] = {}
    for o in enc.objects:
        grouped.setdefault((enc.height[id(o)], classes[type(o).__name__][0]), []).append(o)
    for o in (o for key in sorted(grouped) for o in grouped[key]):
        enc.index[id(o)] = len(enc.index)
    for name, (_, kinds) in classes.items():
        kinds[:] = [_SHARED + k if k in _SHAREABLE and all(_immutable(getattr(o, f)) for o in by_class[name]) else k
                    for k, f in zip(kinds, _FIELDS[name])]
    names: dict[str, int] = {}
    tables: dict[str, dict[str, int]] = {k: {} for k in _SHAREABLE}
    groups = []
    for (_, number), objs in sorted(grouped.items()):
        name = type(objs[0]).__name__
        groups.append([number, len(objs), *(_column(enc, k, f, objs, names, tables)
                                            for k, f in zip(classes[name][1], _FIELDS[name]))])
    values = [[json.loads(x) for x in tables[k]] for k in _SHAREABLE]
    return ["T", [[name, kinds] for name, (_, kinds) in classes.items()], list(names), values, groups, enc.tagged(obj)]


def _plain(cls: type) -> bool:
    """Whether the constructor of `cls` only stores its fields (a dataclass with no `__post_init__`, no
    slots and no field outside `__init__`): its objects can then be built by filling their `__dict__`,
    which gives the same object at a fraction of the cost (a frozen dataclass's `__init__` assigns each
    field through `object.__setattr__`); `tests/test_packcache.py` compares the two on the whole pack."""
    params = getattr(cls, "__dataclass_params__", None)
    return (params is not None and params.init and not hasattr(cls, "__post_init__") and "__slots__" not in vars(cls)
            and all(f.init for f in dataclasses.fields(cls)))


_PLAIN = {name: _plain(cls) for name, cls in _CLASSES.items()}
_SCALARS = frozenset((str, int, bool, type(None)))  # JSON values that stand for themselves
_LISTS = frozenset((list,))
_INTS = frozenset((int,))


def _tagged(objects: list[Any], shown: Callable[[str], str]) -> Callable[[Any], Any]:
    """The decoder of a tagged value (`_Encoder.tagged`), its objects taken from the rows decoded before it."""

    def dec(data: Any) -> Any:
        if type(data) in _SCALARS:
            return data
        if type(data) is not list or not data or type(data[0]) is not str:
            raise CacheRejected(f"unexpected value {str(data)[:40]!r}")
        tag = data[0]
        if tag == "t":
            return tuple([v if type(v) in _SCALARS else dec(v) for v in data[1:]])
        if tag == "d":
            out = {}
            for item in data[1:]:
                if type(item) is not list or len(item) != 2:
                    raise CacheRejected("malformed mapping")
                out[dec(item[0])] = dec(item[1])
            return out
        if tag == "s":
            return frozenset(dec(x) for x in data[1:])
        if len(data) == 2 and type(data[1]) is int and tag == "r":
            return objects[data[1]]
        if len(data) == 2 and type(data[1]) is str:
            try:
                if tag == "D":
                    return dt.date.fromisoformat(data[1])
                if tag == "M":
                    return Decimal(data[1])
            except (ValueError, ArithmeticError) as exc:  # (a malformed decimal: decimal.InvalidOperation)
                raise CacheRejected(f"{type(exc).__name__}: {str(exc)[:40]}") from None
            if tag == "F":
                return shown(data[1])
        if data == ["N"]:
            return NULL
        if data == ["U"]:
            return UNKNOWN
        raise CacheRejected(f"unknown tag {tag!r}")

    return dec


def _nested_scalars(column: list[Any], depth: int) -> None:
    """Refuse a column that is not lists (nested `depth` deep) of JSON scalars."""
    items = column
    for _ in range(depth):
        if not _LISTS.issuperset(map(type, items)):
            raise CacheRejected("malformed tuple")
        items = list(chain.from_iterable(items))
    if not _SCALARS.issuperset(map(type, items)):
        raise CacheRejected("malformed tuple")


def _indexes(column: Any, count: int, size: int) -> list[int]:
    """A shared column (`_SHARED`): `count` indexes into a table of `size` values (checked)."""
    if type(column) is not list or len(column) != count or not _INTS.issuperset(map(type, column)) or (
            column and not 0 <= min(column) <= max(column) < size):
        raise CacheRejected("malformed shared column")
    return column


_UNSET: Any = object()


def _shared_values(tables: dict[str, list[Any]], convert: Mapping[str, Callable[[list[Any]], Any]],
                   tagged: Callable[[Any], Any]) -> dict[str, tuple[Callable[[int], Any], int]]:
    """Per shared kind (`_SHARED`): how to get a value of its table by index, and the table's size. The
    tuples are converted at once; a tagged value when first asked for, since it may refer to an object
    (which, as every reference of the pack, is one of the groups decoded before the one asking)."""
    out: dict[str, tuple[Callable[[int], Any], int]] = {}
    for kind, table in tables.items():
        if kind != _TAGGED:
            out[_SHARED + kind] = (list(convert[kind](table)).__getitem__, len(table))
    table = tables[_TAGGED]
    done = [_UNSET] * len(table)

    def value(i: int) -> Any:
        v = done[i]
        if v is _UNSET:
            v = done[i] = tagged(table[i])
        return v
    out[_SHARED + _TAGGED] = (value, len(table))
    return out


def decode(data: Any, show: Callable[[str], str], *, construct: bool = False) -> Any:
    """The inverse of `encode`; `show` turns a file's name in the rules folder into a path for this run.

    The pack's thousands of objects make this the larger part of loading a cached pack: a group of
    objects is built column by column, each column converted by the one call its kind names (a
    reference to an earlier object, a tuple of them, a tuple of scalars...) and each object by filling
    its `__dict__`. `construct=True` builds every object through its constructor (the reference the
    fast path is tested against)."""
    if type(data) is not list or len(data) != 6 or data[0] != "T":
        raise CacheRejected("not a rule pack")
    _, header, names, tables, groups, root = data
    if type(header) is not list or type(names) is not list or type(groups) is not list or type(tables) is not list \
            or len(tables) != len(_SHAREABLE) or not _LISTS.issuperset(map(type, tables)):
        raise CacheRejected("not a rule pack")
    if not all(type(n) is str for n in names):
        raise CacheRejected("malformed file names")
    files = [show(n) for n in names]
    objects: list[Any] = []
    tagged = _tagged(objects, show)
    get = objects.__getitem__

    def scalar_tuples(column: list[Any]) -> Iterator[tuple[Any, ...]]:
        _nested_scalars(column, 1)
        return map(tuple, column)

    def pairs(column: list[Any]) -> list[tuple[Any, ...]]:
        _nested_scalars(column, 2)
        return [tuple(map(tuple, v)) for v in column]

    def refs(column: list[Any]) -> list[tuple[Any, ...]]:
        _nested_scalars(column, 1)
        return [tuple(map(get, v)) for v in column]

    def ref_map(column: list[Any]) -> list[dict[Any, Any]]:
        out = []
        for keys, values in column:
            if len(keys) != len(values) or type(keys) is not list or not _SCALARS.issuperset(map(type, keys)):
                raise CacheRejected("malformed mapping")
            out.append(dict(zip(keys, map(get, values))))
        return out

    convert: dict[str, Callable[[list[Any]], Any]] = {
        _FILE: lambda c: map(files.__getitem__, c), _REF: lambda c: map(get, c), _SCALARS_T: scalar_tuples,
        _PAIRS_T: pairs, _REFS_T: refs, _REF_MAP: ref_map, _TAGGED: lambda c: map(tagged, c)}
    specs = []
    new, scalars, append = object.__new__, _SCALARS.issuperset, objects.append
    try:
        shared = _shared_values(dict(zip(_SHAREABLE, tables)), convert, tagged)
        for entry in header:
            if not (type(entry) is list and len(entry) == 2 and type(entry[0]) is str and entry[0] in _CLASSES
                    and type(entry[1]) is list and len(entry[1]) == len(_FIELDS[entry[0]])
                    and all(type(k) is str and k in _ALL_KINDS for k in entry[1])):
                raise CacheRejected(f"not a class of the rule pack: {str(entry)[:40]}")
            name, kinds = entry
            specs.append((_CLASSES[name], _FIELDS[name], [convert.get(k) for k in kinds],  # None: as they are, or shared
                          [shared.get(k) for k in kinds], _PLAIN[name] and not construct))
        for group in groups:
            cls, fields, converters, shares, plain = specs[group[0]]
            count = group[1]
            if len(group) != len(fields) + 2 or type(group[0]) is not int or type(count) is not int:
                raise CacheRejected(f"malformed {cls.__name__}")
            columns: list[Iterable[Any]] = []
            for column, conv, share in zip(group[2:], converters, shares):
                if share is not None:  # each object's value by its index in the table of its kind
                    get_shared, size = share
                    columns.append(map(get_shared, _indexes(column, count, size)))
                    continue
                if type(column) is not list or len(column) != count:
                    raise CacheRejected(f"malformed {cls.__name__}")
                if conv is None:  # stored as they are: JSON scalars all
                    if not scalars(map(type, column)):
                        raise CacheRejected(f"malformed {cls.__name__}")
                    columns.append(column)
                else:
                    columns.append(conv(column))
            if plain:  # field by field over the group (a quarter cheaper than object by object); every
                # column has `count` values (checked above, or by `_indexes`), every class a field
                built = [new(cls) for _ in range(count)]
                slots = [vars(obj) for obj in built]
                for field, values in zip(fields, columns):
                    for slot, value in zip(slots, values):
                        slot[field] = value
                objects.extend(built)  # (only now: a reference is to an object of a group decoded before)
            else:
                for values in zip(*columns):
                    append(cls(**dict(zip(fields, values))))
        return tagged(root)
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CacheRejected):
            raise
        raise CacheRejected(f"{type(exc).__name__}: {str(exc)[:80]}") from None


def trusted(path: Path) -> bool:
    """Read only a regular file that this user owns and that no one else may write."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    geteuid = getattr(os, "geteuid", None)
    return geteuid is None or st.st_uid == geteuid()


def read(path: Path, key: str, show: Callable[[str], str], on_error: Callable[[str], None] = lambda why: None) -> Any:
    """The cached object under `key`, or None when there is none that can be trusted. A cache file that
    exists but is refused is reported through `on_error` (it costs a rebuild: worth a warning)."""
    if not path.exists():
        return None
    if not trusted(path):
        on_error("the file is not a regular file owned and writable by this user only")
        return None
    try:
        doc = json.loads(path.read_bytes())
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("key") != key:
            on_error("it was written by another version of normcheck")
            return None
        return decode(doc.get("pack"), show)
    except (CacheRejected, ValueError, TypeError, RecursionError, UnicodeDecodeError, OSError) as exc:
        on_error(f"{type(exc).__name__}: {str(exc)[:120]}")
        return None


def write_private(path: Path, text: str) -> None:
    """Write `text` atomically to `path`, readable and writable by this user only (what `trusted`
    requires to read it back); an OSError is the caller's to report."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def write(path: Path, key: str, obj: Any, files: Mapping[str, str], on_error: Callable[[str], None] = lambda why: None) -> None:
    """Write atomically, readable and writable by this user only; a failure leaves no cache (and is
    reported through `on_error`)."""
    try:
        text = json.dumps({"format": FORMAT, "key": key, "pack": encode(obj, files)}, separators=(",", ":"))
        write_private(path, text)
    except OSError as exc:
        on_error(exc.strerror or str(exc))
    except TypeError as exc:
        on_error(str(exc))

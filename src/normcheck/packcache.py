"""The compiled-pack cache as JSON: data that can only ever become IR, never run code.

The cache folder (`NORMCHECK_CACHE`, `XDG_CACHE_HOME`, `~/.cache`) is writable by any process of
the user, so what is read back from it must not be able to do anything but describe a rule pack:

* the file is JSON; a value is a JSON scalar or a tagged list (`["t", …]` a tuple, `["s", …]` a
  frozenset, `["d", [k, v], …]` a dict (a read-only mapping of the IR is stored as one and made
  read-only again by its class), `["D", iso]` a date, `["M", text]` a decimal, `["N"]`
  null, `["U"]` unknown, `["F", name]` a rule or vocabulary file, `["C", class, field, …]` one
  of the closed list of IR / vocabulary / diagnostic classes below, built as its constructor builds it, field by field);
  anything else is refused, and the caller rebuilds the pack from the rule files;
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
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import ir
from .diagnostics import Diagnostic
from .values import NULL, UNKNOWN
from .vocabulary import FactSpec, RecordType, Vocabulary

FORMAT = 1


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


def encode(obj: Any, files: Mapping[str, str]) -> Any:
    """`obj` as JSON data; `files` maps a path as shown in this run to its name in the rules folder."""
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if obj is NULL:
        return ["N"]
    if obj is UNKNOWN:
        return ["U"]
    if isinstance(obj, tuple):
        return ["t", *(encode(x, files) for x in obj)]
    if isinstance(obj, frozenset):
        return ["s", *sorted((encode(x, files) for x in obj), key=json.dumps)]
    if isinstance(obj, Mapping):  # a dict, or the IR's read-only views of one
        return ["d", *([encode(k, files), encode(v, files)] for k, v in obj.items())]
    if isinstance(obj, dt.date) and not isinstance(obj, dt.datetime):
        return ["D", obj.isoformat()]
    if isinstance(obj, Decimal):
        return ["M", str(obj)]
    name = type(obj).__name__
    if _CLASSES.get(name) is type(obj):
        out: list[Any] = ["C", name]
        for f in _FIELDS[name]:
            value = getattr(obj, f)
            if f == "file" and isinstance(value, str) and value in files:
                out.append(["F", files[value]])
            else:
                out.append(encode(value, files))
        return out
    raise TypeError(f"cannot cache a {type(obj).__name__}")


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


def decode(data: Any, show: Callable[[str], str], *, construct: bool = False) -> Any:
    """The inverse of `encode`; `show` turns a file's name in the rules folder into a path for this run.

    The pack's thousands of nodes make this the larger part of loading a cached pack, so the common
    tags are handled first and scalars are not decoded by a call of their own. `construct=True` builds
    every object through its constructor (the reference the fast path is tested against)."""
    classes, fields, plain, scalars, new = _CLASSES, _FIELDS, _PLAIN, _SCALARS, object.__new__

    def dec(data: Any) -> Any:
        if type(data) in scalars:
            return data
        if type(data) is not list or not data or type(data[0]) is not str:
            raise CacheRejected(f"unexpected value {str(data)[:40]!r}")
        tag = data[0]
        if tag == "C":
            if len(data) < 2 or type(data[1]) is not str or data[1] not in classes:
                raise CacheRejected(f"not a class of the rule pack: {str(data[1:2])[:40]}")
            name = data[1]
            names = fields[name]
            if len(data) - 2 != len(names):
                raise CacheRejected(f"wrong number of fields for {name}")
            values = [v if type(v) in scalars else dec(v) for v in data[2:]]
            if plain[name] and not construct:
                obj: Any = new(classes[name])
                obj.__dict__.update(zip(names, values))
                return obj
            return classes[name](**dict(zip(names, values)))
        if tag == "t":
            return tuple([v if type(v) in scalars else dec(v) for v in data[1:]])
        if tag == "s":
            return frozenset(dec(x) for x in data[1:])
        if tag == "d":
            out = {}
            for item in data[1:]:
                if type(item) is not list or len(item) != 2:
                    raise CacheRejected("malformed mapping")
                out[dec(item[0])] = dec(item[1])
            return out
        if len(data) == 2 and type(data[1]) is str:
            try:
                if tag == "D":
                    return dt.date.fromisoformat(data[1])
                if tag == "M":
                    return Decimal(data[1])
            except ValueError as exc:
                raise CacheRejected(str(exc)) from None
            if tag == "F":
                return show(data[1])
        if data == ["N"]:
            return NULL
        if data == ["U"]:
            return UNKNOWN
        raise CacheRejected(f"unknown tag {tag!r}")

    return dec(data)


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

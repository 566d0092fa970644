"""normcheck's dataclasses take their generated methods from a compiled table (`_fastclasses`): the
table must hold every class (else start-up compiles again) and give the very code `dataclasses` would."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap

import pytest

from normcheck import _fastclasses, ir

pytestmark = pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the table is used on Python 3.11 only")


def test_the_table_holds_every_dataclass_of_normcheck() -> None:
    script = textwrap.dedent("""
        import importlib
        from normcheck import _fastclasses
        for name in _fastclasses._modules():
            importlib.import_module(name)
        print(len(_fastclasses.missed))
        print(_fastclasses.missed[:3])
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split("\n", 1)[0] == "0", "the table is out of date: python -m normcheck._fastclasses\n" + out


_DESCRIBE = textwrap.dedent("""
    import dataclasses, importlib, marshal, re, sys, types
    from normcheck import _fastclasses
    if sys.argv[1] == "real":
        _fastclasses.uninstall()
    for name in _fastclasses._modules():
        importlib.import_module(name)

    def placeless(code):
        consts = tuple(placeless(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
        return code.replace(co_filename="", co_firstlineno=1, co_consts=consts, co_linetable=b"")

    def show(value):
        if isinstance(value, (types.FunctionType, type)):
            return f"<{value.__module__}.{value.__qualname__}>"
        if isinstance(value, dataclasses.Field):
            return [show(getattr(value, a)) for a in value.__slots__]
        return re.sub(" at 0x[0-9a-f]+", "", repr(value))

    def method(fn):
        wrapped = getattr(fn, "__wrapped__", None)
        if wrapped is not None:  # __repr__ under dataclasses' recursion guard
            return ["wrapper", fn.__qualname__, method(wrapped)]
        if not isinstance(fn, types.FunctionType):
            return show(fn)
        return [fn.__qualname__, fn.__name__, fn.__module__, fn.__globals__ is vars(sys.modules[fn.__module__]),
                marshal.dumps(placeless(fn.__code__)).hex(), show(fn.__defaults__), show(fn.__kwdefaults__),
                [show(c.cell_contents) for c in fn.__closure__ or ()], show(fn.__annotations__)]

    def behaviour(cls):
        fields = dataclasses.fields(cls)
        args = {f.name: i for i, f in enumerate(fields) if f.init and f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING}
        try:
            a, b = cls(**args), cls(**args)
        except Exception as e:
            return ["init", type(e).__name__]
        out = [repr(a), a == b, a != b, dataclasses.astuple(a) == dataclasses.astuple(b), str(dataclasses.asdict(a))]
        try:
            out.append(hash(a) == hash(b))
        except TypeError as e:
            out.append(str(e))
        try:
            out.append(a < b)
        except TypeError as e:
            out.append(str(e))
        try:
            setattr(a, fields[0].name if fields else "x", -1)
            out.append(repr(a))
        except Exception as e:
            out.append(type(e).__name__ + str(e))
        try:
            out.append(repr(dataclasses.replace(b)) == repr(b))
        except Exception as e:
            out.append(type(e).__name__)
        return out

    for key in sorted(_fastclasses.every_class()):
        module, qualname = key.split(":")
        cls = sys.modules[module]
        for part in qualname.split("."):
            cls = getattr(cls, part)
        print(key, show(cls.__dataclass_params__), [show(f) for f in cls.__dataclass_fields__.values()],
              getattr(cls, "__match_args__", None), cls.__doc__, cls.__dict__.get("__slots__"), cls.__hash__ is None,
              dataclasses.is_dataclass(cls), [f.name for f in dataclasses.fields(cls)],
              {name: method(cls.__dict__[name]) for name in sorted(cls.__dict__) if name.startswith("__")
               and isinstance(cls.__dict__[name], (types.FunctionType, type(None)))},
              {name: show(value) for name, value in sorted(cls.__dict__.items()) if not name.startswith("__")},
              behaviour(cls), sep="\\n  ")
    print("made by", sys.modules["normcheck.ir"].Const.__init__.__code__.co_filename.rsplit("/", 1)[-1])
""")


def test_each_class_in_the_table_is_the_class_dataclasses_makes() -> None:
    """Every class of the table, made from it and made by `dataclasses` alone (in two fresh processes):
    the same fields (every attribute), parameters, `__match_args__`, docstring, slots, methods (code,
    closure values, defaults, names) and behaviour on instances (repr, eq, hash, order, frozen-ness,
    asdict/astuple/replace)."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    fast, real = (subprocess.run([sys.executable, "-c", _DESCRIBE, mode], capture_output=True, text=True, check=True,
                                 env=env).stdout for mode in ("fast", "real"))
    classes = _fastclasses.every_class()
    assert fast.count("\n  _DataclassParams(") == len(classes) > 150
    fast, made_by = fast.rsplit("made by ", 1)
    real, real_made_by = real.rsplit("made by ", 1)
    assert (made_by, real_made_by) == ("_dataclass_methods.py\n", "<string>\n")
    assert fast.split("\nnormcheck.") == real.split("\nnormcheck.")
    assert fast.count("\nnormcheck.") == len(classes) - 1


def test_each_table_holds_the_classes_of_its_modules() -> None:
    """The table apart holds the classes of the modules that a check does not import, the other table the rest."""
    from normcheck import _dataclass_methods, _dataclass_methods_apart

    apart = {key.split(":")[0] for key in _dataclass_methods_apart.CLASSES}
    assert apart and all(_fastclasses._apart(module) for module in apart)
    assert "normcheck.ast" in apart and "normcheck.web.form" in apart
    assert not any(_fastclasses._apart(key.split(":")[0]) for key in _dataclass_methods.CLASSES)
    assert not _fastclasses._apart("normcheck.astx") and not _fastclasses._apart("normcheck.ir")


def test_a_class_gets_the_tables_functions_with_its_own_modules_globals() -> None:
    init = ir.Const.__init__
    assert init.__code__.co_filename.endswith("_dataclass_methods.py")
    assert init.__globals__ is vars(ir)
    assert init.__qualname__ == "Const.__init__" and init.__module__ == "normcheck.ir"
    c = ir.Const(3)
    assert c == ir.Const(3) and hash(c) == hash(ir.Const(3)) and c != ir.Const(4)
    assert repr(c) == "Const(text='', line=0, column=0, file='', value=3)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.value = 4  # type: ignore[misc]
    assert dataclasses.replace(c, value=5) == ir.Const(5)


def test_other_modules_dataclasses_are_left_to_dataclasses() -> None:
    @dataclasses.dataclass(frozen=True)
    class Local:
        a: int

    assert Local.__init__.__code__.co_filename == "<string>"
    assert "Local" not in " ".join(_fastclasses.every_class())


@pytest.mark.parametrize("body", [
    "@dataclass(frozen=True)\nclass Const(Node):\n    value: Value = 2\n",  # a default the table does not have
    "@dataclass(frozen=True)\nclass Const(Node):\n    value: Value\n    unit: str = 'x'\n",  # another field
    "@dataclass(frozen=True, order=True)\nclass Const(Node):\n    value: Value\n",  # other parameters
    "@dataclass(frozen=True)\nclass Const(Node):\n    value: Value = field(default_factory=list)\n",
])
def test_a_class_that_is_not_as_in_the_table_goes_to_dataclasses(body: str) -> None:
    ns = {"__name__": "normcheck.ir", "dataclass": dataclasses.dataclass, "field": dataclasses.field,
          "Node": ir.Node, "Value": object}
    exec(body, ns)  # the table's class normcheck.ir:Const, changed
    cls = ns["Const"]
    assert cls.__init__.__code__.co_filename == "<string>" and "normcheck.ir:Const" in _fastclasses.missed
    a = cls(value=5)
    assert dataclasses.replace(a) == a and repr(a).startswith("Const(text='', line=0, column=0, file='', value=5")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.value = 4


def test_a_class_that_dataclasses_rejects_is_still_rejected() -> None:
    ns = {"__name__": "normcheck.ir", "dataclass": dataclasses.dataclass, "Node": ir.Node, "Value": object}
    with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__"):
        exec("@dataclass(frozen=True)\nclass Const(Node):\n    value: Value\n"
             "    def __setattr__(self, name, value): pass\n", ns)
    with pytest.raises(ValueError, match="mutable default"):
        exec("@dataclass(frozen=True)\nclass Const(Node):\n    value: Value = []\n", ns)


def test_a_default_is_read_as_getattr_reads_it() -> None:
    class Base:
        inherited = 3
        __slots__ = ("slot",)

        def method(self) -> None: ...

    class Meta(type):
        extra = 1

    class Derived(Base, metaclass=Meta):
        __slots__ = ()
        own = "x"

    for cls in (Base, Derived, ir.Const, ir.Node):
        for name in ("inherited", "slot", "method", "own", "mro", "__name__", "__doc__", "extra", "value", "text", "nothing"):
            assert _fastclasses._class_attribute(cls, name) == getattr(cls, name, dataclasses.MISSING), (cls, name)
            dicts = [b.__dict__ for b in cls.__mro__]  # (as `_own_fields` lists them once per class)
            assert _fastclasses._class_attribute(cls, name, dicts) == getattr(cls, name, dataclasses.MISSING), (cls, name)

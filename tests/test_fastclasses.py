"""normcheck's dataclasses take their generated methods from a compiled table (`_fastclasses`): the
table must hold every class (else start-up compiles again) and give the very code `dataclasses` would."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
import types

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
        for txt in _fastclasses.missed[:3]:
            print(txt)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split("\n", 1)[0] == "0", "the table is out of date: python -m normcheck._fastclasses\n" + out


def _placeless(code: types.CodeType) -> types.CodeType:
    """The code without where it was written (file and line), nested code objects too."""
    consts = tuple(_placeless(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename="", co_firstlineno=1, co_consts=consts)


def test_the_table_compiles_each_text_to_what_dataclasses_compiles() -> None:
    from normcheck._dataclass_methods import FACTORIES

    assert len(FACTORIES) > 300
    for txt, factory in FACTORIES.items():
        ns: dict[str, object] = {}
        exec(compile(txt, "<string>", "exec", dont_inherit=True), {}, ns)  # as dataclasses does (no __future__ flags)
        ours, theirs = factory.__code__, ns["__create_fn__"].__code__  # type: ignore[attr-defined]
        assert _placeless(ours) == _placeless(theirs), txt


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
    assert _fastclasses.TABLE.name == "_dataclass_methods.py"

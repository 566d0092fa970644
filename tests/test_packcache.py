"""The compiled-pack cache cannot run code, cannot be swapped by another user, and never shows
another installation's file paths."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from normcheck import packcache
from normcheck.pack import load_pack

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NORMCHECK_CACHE", str(folder))
    monkeypatch.delenv("NORMCHECK_NO_CACHE", raising=False)
    load_pack.cache_clear()
    yield folder / "normcheck"
    load_pack.cache_clear()


def _rules_copy(where: Path) -> Path:
    shutil.copytree(ROOT / "rules", where)
    return where


def _entry(cache: Path) -> Path:
    (entry,) = cache.glob("pack-*.json")
    return entry


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_planted_in_the_cache_is_never_run(cache, tmp_path) -> None:
    rules = _rules_copy(tmp_path / "rules")
    first = load_pack(str(rules))
    entry = _entry(cache)
    marker = tmp_path / "pwned"
    entry.write_bytes(pickle.dumps(_Payload(marker)))
    entry.chmod(0o600)
    load_pack.cache_clear()
    again = load_pack(str(rules))
    assert not marker.exists()
    assert again.pack == first.pack
    assert json.loads(_entry(cache).read_text())["format"] == packcache.FORMAT  # rebuilt, as JSON


def test_a_cache_naming_anything_but_an_ir_class_is_refused(cache, tmp_path) -> None:
    rules = _rules_copy(tmp_path / "rules")
    load_pack(str(rules))
    entry = _entry(cache)
    doc = json.loads(entry.read_text())
    for planted in (["C", "system", "touch x"], ["C", "Path", "/etc/passwd"], ["C", "Const"], ["X", 1], {"a": 1}):
        with pytest.raises(packcache.CacheRejected):
            packcache.decode(planted, str)
        entry.write_text(json.dumps(dict(doc, pack=planted)))
        entry.chmod(0o600)
        load_pack.cache_clear()
        assert len(load_pack(str(rules)).pack.rules) > 50


def test_a_group_holding_anything_but_its_fields_as_stored_is_refused(cache, tmp_path) -> None:
    """The table's columns are checked against the kinds its header gives, and the header against the IR."""
    rules = _rules_copy(tmp_path / "rules")
    load_pack(str(rules))
    tag, header, files, tables, groups, root = json.loads(_entry(cache).read_text())["pack"]
    assert packcache.decode([tag, header, files, tables, groups, root], str)[0].rules

    def planted(number: int, kind: str, value: object) -> list[object]:
        """The groups with the first value of the first column of `kind` of class `number` replaced."""
        at = next(i for i, g in enumerate(groups) if g[0] == number)
        column = 2 + header[number][1].index(kind)
        group = [*groups[at]]
        group[column] = [value, *group[column][1:]]
        return groups[:at] + [group] + groups[at + 1:]

    fact = next(i for i, (name, _) in enumerate(header) if name == "Fact")
    rule = next(i for i, (name, _) in enumerate(header) if name == "Rule")
    bad = [planted(fact, "v", value) for value in (["C", "system", "touch x"], {"a": 1}, [1, 2])]
    bad += [planted(rule, "to", [10 ** 9]), planted(rule, "to", "abc"), planted(fact, "f", 10 ** 9)]
    first = groups[0]
    bad.append([[*first, []]] + groups[1:])  # a column too many
    bad.append([[first[0], first[1] + 1, *first[2:]]] + groups[1:])  # columns shorter than the group
    for planted_groups in bad:
        with pytest.raises(packcache.CacheRejected):
            packcache.decode([tag, header, files, tables, planted_groups, root], str)
    kinds = header[fact][1]
    for bad_header in ([["system", header[0][1]]] + header[1:], [[header[fact][0], kinds + ["v"]]],
                       [[name, ["exec"] * len(k)] for name, k in header]):
        with pytest.raises(packcache.CacheRejected):
            packcache.decode([tag, bad_header, files, tables, groups, root], str)


def test_a_shared_column_holding_anything_but_indexes_of_its_values_is_refused(cache, tmp_path) -> None:
    """A field whose values cannot be changed is stored as indexes into the pack's table of distinct values
    of its kind: an index that is not one of them, a column that is not the group's count of indexes, a
    table that is not one list per kind, or a table value that is not of its kind, is refused."""
    rules = _rules_copy(tmp_path / "rules")
    first = load_pack(str(rules))
    tag, header, files, tables, groups, root = json.loads(_entry(cache).read_text())["pack"]
    rule = next(i for i, (name, _) in enumerate(header) if name == "Rule")
    assert packcache._SHARED + "ts" in header[rule][1]  # the gate: one per rule family
    at = next(i for i, g in enumerate(groups) if g[0] == rule)
    column = 2 + header[rule][1].index(packcache._SHARED + "ts")
    indexes = groups[at][column]
    size = len(tables[packcache._SHAREABLE.index("ts")])

    def planted(value: object) -> list[object]:
        group = [*groups[at]]
        group[column] = value
        return groups[:at] + [group] + groups[at + 1:]

    for value in ([size, *indexes[1:]], [-1, *indexes[1:]], ["0", *indexes[1:]], [True, *indexes[1:]], indexes[1:],
                  [*indexes, 0], [[0], *indexes[1:]], "abc"):
        with pytest.raises(packcache.CacheRejected):
            packcache.decode([tag, header, files, tables, planted(value), root], str)
    ts = packcache._SHAREABLE.index("ts")
    tt = packcache._SHAREABLE.index("tt")
    for bad_tables in (tables[:-1], [*tables, []], [*tables[:ts], [["a", ["nested"]], *tables[ts][1:]], *tables[ts + 1:]],
                       [*tables[:tt], [[["en", {"a": 1}]], *tables[tt][1:]], *tables[tt + 1:]],
                       [*tables[:ts], "abc", *tables[ts + 1:]], {"ts": tables[ts]}):
        with pytest.raises(packcache.CacheRejected):
            packcache.decode([tag, header, files, bad_tables, groups, root], str)
    with pytest.raises(packcache.CacheRejected):  # a header may not share a field of a kind that is never shared
        packcache.decode([tag, [[n, [packcache._SHARED + k for k in kinds]] for n, kinds in header], files, tables, groups,
                          root], str)
    pack = packcache.decode([tag, header, files, tables, groups, root], str)[0]
    gates = [r.gate for r in pack.rules]
    assert gates == [r.gate for r in first.pack.rules]
    assert all(isinstance(g, tuple) for g in gates) and len({id(g) for g in gates}) < len(gates)  # shared, unchangeable


def test_a_cache_file_others_can_write_is_not_read(cache, tmp_path) -> None:
    rules = _rules_copy(tmp_path / "rules")
    load_pack(str(rules))
    entry = _entry(cache)
    text = entry.read_text()
    assert "Return decision against an unaccompanied minor" in text
    entry.write_text(text.replace("Return decision against an unaccompanied minor", "Tampered title"))
    entry.chmod(0o666)
    load_pack.cache_clear()
    titles = [r.text("titles", "en") for r in load_pack(str(rules)).pack.rules]
    assert not any("Tampered" in t for t in titles)
    entry.chmod(0o600)  # the same file, owned by this user and private, is trusted (the check is real)
    entry.write_text(text.replace("Return decision against an unaccompanied minor", "Tampered title"))
    load_pack.cache_clear()
    assert any("Tampered" in r.text("titles", "en") for r in load_pack(str(rules)).pack.rules)


def test_a_pack_cached_by_another_installation_shows_this_installations_paths(cache, tmp_path) -> None:
    one = _rules_copy(tmp_path / "venv-one" / "rules")
    two = _rules_copy(tmp_path / "venv-two" / "rules")
    first = load_pack(str(one))
    assert all("venv-one" in r.file for r in first.pack.rules)
    load_pack.cache_clear()
    second = load_pack(str(two))  # same rules, same code: the cache entry of the first is reused
    assert len(list(cache.glob("pack-*.json"))) == 1
    assert second.pack.digest == first.pack.digest
    files = [r.file for r in second.pack.rules] + [d.file for d in second.pack.defines]
    files += [s.file for s in second.vocabulary.facts.values()] + [w.file for w in second.warnings]
    assert files and all("venv-two" in f and "venv-one" not in f for f in files)
    assert "venv-one" not in _entry(cache).read_text()


def test_the_fast_decoder_builds_the_same_objects_as_the_constructors(cache, tmp_path) -> None:
    """Objects of the pack are built by filling their fields (a frozen dataclass's `__init__` is slow);
    every one must be what its constructor makes of the same fields: same class, same fields, same order."""
    rules = _rules_copy(tmp_path / "rules")
    load_pack(str(rules))
    data = json.loads(_entry(cache).read_text())["pack"]
    fast, slow = packcache.decode(data, str), packcache.decode(data, str, construct=True)
    seen = 0

    def same(a: object, b: object) -> None:
        nonlocal seen
        assert type(a) is type(b)
        if isinstance(a, (tuple, list, frozenset)):
            assert len(a) == len(b)  # type: ignore[arg-type]
            for x, y in zip(sorted(a, key=repr) if isinstance(a, frozenset) else a,
                            sorted(b, key=repr) if isinstance(b, frozenset) else b):  # type: ignore[arg-type]
                same(x, y)
        elif isinstance(a, dict):
            assert list(a) == list(b)  # type: ignore[arg-type]
            for k in a:
                same(a[k], b[k])  # type: ignore[index]
        elif hasattr(a, "__dict__") and type(a).__name__ in packcache._CLASSES:
            seen += 1
            assert list(vars(a)) == list(vars(b)), type(a)
            for k in vars(a):
                same(vars(a)[k], vars(b)[k])
        else:
            assert a == b
    same(fast, slow)
    assert seen > 1000 and fast[0] == slow[0]
    assert {name for name, plain in packcache._PLAIN.items() if not plain} >= {"Diagnostic"}


def test_a_rule_folder_loads_when_the_working_folder_was_deleted(tmp_path, monkeypatch) -> None:
    """A shell whose folder was removed (seen when a checkout is replaced under a running job):
    the pack still loads, its files shown by the path given, not a traceback."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    loaded = load_pack(str(rules))
    assert loaded.pack.rules


def test_the_pack_is_hashed_as_digest_of_hashes_its_files(tmp_path) -> None:
    """The cache key streams each file into the hash; it is `digest_of` the files' bytes as
    `hashed_parts` orders them (what `packhistory` computes for a rules folder of an older commit)."""
    from normcheck import __version__, pack
    from normcheck.resources import grammar_path

    rules = _rules_copy(tmp_path / "rules")
    (rules / "vocabulary" / "big.yaml").write_bytes(b"# a file larger than the read buffer\n" * 20_000)
    rule_files, vocab_files = pack._files(rules)
    listing = {p.relative_to(rules).as_posix(): p.read_bytes() for p in vocab_files + rule_files + [rules / "families.yaml"]}
    assert pack._digest(rule_files, vocab_files, rules) == pack.digest_of(
        __version__, grammar_path().read_bytes(), pack.hashed_parts(listing))


def test_code_fingerprint_follows_every_change_of_a_code_file(tmp_path: Path) -> None:
    """A changed normcheck never reuses a pack compiled by another: a code file's content (with its size or
    time of change), a new file or a removed one changes the fingerprint; the generated tables do not count."""
    from normcheck.pack import code_fingerprint_of

    (tmp_path / "engine").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "engine" / "b.py").write_text("y = 2\n")
    (tmp_path / "notes.txt").write_text("not code\n")
    first = code_fingerprint_of(str(tmp_path))
    assert code_fingerprint_of(str(tmp_path)) == first
    (tmp_path / "notes.txt").write_text("still not code\n")
    (tmp_path / "_dataclass_methods.py").write_text("# generated\n")
    assert code_fingerprint_of(str(tmp_path)) == first
    seen = {first}
    stat = (tmp_path / "a.py").stat()
    (tmp_path / "a.py").write_text("x = 2\n")  # same size: the time of change tells
    os.utime(tmp_path / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    seen.add(code_fingerprint_of(str(tmp_path)))
    (tmp_path / "a.py").write_text("x = 22\n")
    seen.add(code_fingerprint_of(str(tmp_path)))
    (tmp_path / "engine" / "c.py").write_text("")
    seen.add(code_fingerprint_of(str(tmp_path)))
    (tmp_path / "engine" / "b.py").unlink()
    seen.add(code_fingerprint_of(str(tmp_path)))
    assert len(seen) == 5


def test_a_reference_to_an_object_of_its_own_group_is_refused(cache, tmp_path) -> None:
    """A group's objects are filled field by field and join the table only once all are built: a
    reference may only be to an object of a group decoded before (as `encode` writes them), never to
    one of its own group, which would still be missing fields."""
    rules = _rules_copy(tmp_path / "rules")
    load_pack(str(rules))
    tag, header, files, tables, groups, root = json.loads(_entry(cache).read_text())["pack"]
    at = next(i for i, g in enumerate(groups) if "r" in header[g[0]][1] and g[1] > 1)  # a group with a reference
    group, before = groups[at], sum(g[1] for g in groups[:at])  # (the objects decoded before it)
    column = 2 + header[group[0]][1].index("r")
    for own in (before, before + 1):  # its first object (not built yet either way), or the second
        bad = [*group]
        bad[column] = [*group[column]]
        bad[column][-1] = own
        with pytest.raises(packcache.CacheRejected):
            packcache.decode([tag, header, files, tables, groups[:at] + [bad] + groups[at + 1:], root], str)
    assert packcache.decode([tag, header, files, tables, groups, root], str)[0].rules


def test_a_malformed_tagged_value_is_refused_not_raised(tmp_path) -> None:
    """A tagged value that is not what its tag says (a date, a decimal, a mapping, a tag of no kind) is
    refused like any other malformed part: a decimal's own error (`decimal.InvalidOperation`) is no
    ValueError, and must not escape as a traceback instead of a rebuild."""
    empty = [[], [], []]
    for value in (["M", "abc"], ["M", "1e"], ["D", "2024-13-01"], ["d", ["a"]], ["d", "ab"], ["t", {"a": 1}], ["X", 1],
                  ["r", "0"], ["s", ["d", [["t"], 1]]], {"a": 1}, 1.5, []):
        with pytest.raises(packcache.CacheRejected):
            packcache.decode(["T", [], [], empty, [], value], str)
    assert packcache.decode(["T", [], [], empty, [], ["t", ["M", "1.50"], ["D", "2024-02-29"], ["s", "a"], 1]], str) == (
        Decimal("1.50"), date(2024, 2, 29), frozenset({"a"}), 1)
    entry = tmp_path / "pack.json"
    entry.write_text(json.dumps({"format": packcache.FORMAT, "key": "k", "pack": ["T", [], [], empty, [], ["M", "abc"]]}))
    entry.chmod(0o600)
    why: list[str] = []
    assert packcache.read(entry, "k", str, why.append) is None and why


def test_code_fingerprint_does_not_walk_the_bytecode_folders(tmp_path: Path) -> None:
    """`__pycache__` holds compiled files only: it is not listed (a file there is never normcheck's code)."""
    from normcheck.pack import code_fingerprint_of

    (tmp_path / "engine").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    first = code_fingerprint_of(str(tmp_path))
    for folder in (tmp_path / "__pycache__", tmp_path / "engine" / "__pycache__"):
        folder.mkdir()
        (folder / "a.cpython-311.pyc").write_bytes(b"\0" * 16)
        (folder / "stray.py").write_text("y = 2\n")
    assert code_fingerprint_of(str(tmp_path)) == first
    (tmp_path / "engine" / "b.py").write_text("")
    assert code_fingerprint_of(str(tmp_path)) != first

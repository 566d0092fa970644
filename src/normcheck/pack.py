"""Load a rule pack: parse and check every rule file once, and cache the compiled result.

The pack's identity is the SHA-256 of the grammar, `families.yaml`, the vocabulary and the rule
files (and the normcheck version); the receipt of every run carries it. Folders of an office's own
rules may be added to the bundled ones (`added`): each has its own hash (of its rule and vocabulary
files and its own `families.yaml`, which declares the new families it brings), and the pack as run
is identified by the bundled hash and theirs together. A compiled pack is stored as JSON under that
hash in the user's cache folder (`packcache`: data that cannot run code, file paths stored relative
to their rules folder), so a run on one case neither re-parses the grammar nor re-checks the rules
when nothing changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import __version__, ir
from .diagnostics import Diagnostic, InputError
from .resources import FAMILIES_FILE, grammar_path, rules_dir
from .vocabulary import Vocabulary, load_vocabulary

if TYPE_CHECKING:  # families.yaml is read only when the pack is not cached
    from .families import Declarations

log = logging.getLogger("normcheck")


@dataclass(frozen=True)
class LoadedPack:
    """A rule pack with its vocabulary and what the report needs to say about it (hash, files)."""

    pack: ir.RulePack
    vocabulary: Vocabulary
    warnings: tuple[Diagnostic, ...]


def _files(directory: Path) -> tuple[list[Path], list[Path]]:
    vocab_dir = directory / "vocabulary"
    return _named(directory, ".norm"), _named(vocab_dir, ".yaml") if vocab_dir.is_dir() else []


def _named(folder: Path, suffix: str) -> list[Path]:
    """The files (or links to one) in `folder` whose name ends in `suffix`, by name: `sorted(folder.glob("*" +
    suffix))` less what is not a file, listed with `os.scandir` (pathlib's globbing costs more, on every run)."""
    with os.scandir(folder) as entries:
        return [folder / name for name in sorted(e.name for e in entries if e.name.endswith(suffix) and e.is_file())]


def _digest(rule_files: list[Path], vocab_files: list[Path], root: Path) -> str:
    """`digest_of` the folder's files as `hashed_parts` orders them, each file streamed into the hash
    (the same bytes hashed, without holding every file in memory at once: cheaper, on every run)."""
    listing = {p.relative_to(root).as_posix(): str(p) for p in vocab_files + rule_files + _families_file(root)}
    h = hashlib.sha256()
    h.update(f"normcheck {__version__}\n".encode())
    buffer = _Buffer()
    buffer.hash(h, str(grammar_path()))
    for name, path in hashed_parts(listing):
        h.update(b"\0" + name.encode() + b"\0")
        buffer.hash(h, path)
    return h.hexdigest()


_T = TypeVar("_T")


def hashed_parts(listing: Mapping[str, _T]) -> list[tuple[str, _T]]:
    """The files of a rules folder (path within the folder -> its bytes, or its path to stream them
    from: `_digest`) that make its hash, named and in order: `families.yaml`, the vocabulary, then the
    rule files. `packhistory` hashes a folder of an older commit with this too, so a change here
    changes both."""
    families = [FAMILIES_FILE] if FAMILIES_FILE in listing else []
    rules = sorted(n for n in listing if "/" not in n and n.endswith(".norm"))
    vocab = sorted(n for n in listing if n.startswith("vocabulary/") and n.count("/") == 1 and n.endswith(".yaml"))
    return [(n.rsplit("/", 1)[-1], listing[n]) for n in families + vocab + rules]


def digest_of(version: str, grammar: bytes, files: list[tuple[str, bytes]]) -> str:
    """The rule pack's SHA-256 from its parts (also used to find a pack in the history of rules/):
    the normcheck version, the grammar, then families.yaml, each vocabulary file and each rule file by name."""
    h = hashlib.sha256()
    h.update(f"normcheck {version}\n".encode())
    h.update(grammar)
    for name, data in files:
        h.update(b"\0" + name.encode() + b"\0")
        h.update(data)
    return h.hexdigest()


def folder_digest(rule_files: list[Path], vocab_files: list[Path], root: Path) -> str:
    """An added folder's SHA-256: its families.yaml, vocabulary and rule files, by path within the folder."""
    h = hashlib.sha256()
    for p in _families_file(root) + vocab_files + rule_files:
        h.update(b"\0" + p.relative_to(root).as_posix().encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


def _families_file(root: Path) -> list[Path]:
    path = root / FAMILIES_FILE
    return [path] if path.is_file() else []


def combined_digest(base: str, added: list[str]) -> str:
    """The pack as run: the bundled hash alone, or the bundled hash with each added folder's, in order."""
    if not added:
        return base
    return hashlib.sha256("".join([base + "\n"] + [f"+{d}\n" for d in added]).encode()).hexdigest()


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The compiled pack depends on the checker too: a changed normcheck never reuses an old cache. A file of
    normcheck's code counts by its path, size and time of last change, as Python's own bytecode cache judges a
    source file: every run computes this, and reading and hashing the ~70 files cost ~1.3 ms of a one-case run.
    (The rule files, which users edit, count by their content: `_digest`. The tables of compiled dataclass
    methods do not count: they only mirror the classes' own source, see _fastclasses.)"""
    return code_fingerprint_of(os.path.dirname(os.path.realpath(__file__)))


def code_fingerprint_of(folder: str) -> str:
    """The fingerprint of the `*.py` files below `folder` (see `_code_fingerprint`)."""
    h = hashlib.sha256()
    for parts, path in sorted(_code_files(folder, ())):
        if parts in (("_dataclass_methods.py",), ("_dataclass_methods_apart.py",)):
            continue
        st = os.stat(path)
        h.update(f"{'/'.join(parts)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


class _Buffer:
    """Hash files through one reused buffer, read unbuffered. Reading each whole file into new bytes
    (through a buffered file object) cost more than hashing them: every run hashes the rule files and
    the grammar for the cache key (`_digest`)."""

    def __init__(self, size: int = 1 << 17) -> None:
        self.data = bytearray(size)
        self.view = memoryview(self.data)

    def hash(self, h: Any, path: str) -> None:
        """Feed the bytes of the file at `path` to the hash `h`."""
        with open(path, "rb", buffering=0) as fh:
            while n := fh.readinto(self.data):
                h.update(self.view[:n])


def _code_files(folder: str, parts: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Each `*.py` file below `folder`: its path within it as parts (the order of sorted Paths), and its path.
    A `__pycache__` folder is not listed (it holds the compiled `.pyc` files only, and listing them all
    cost a third of the walk on every run)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                if entry.name != "__pycache__":
                    yield from _code_files(entry.path, parts + (entry.name,))
            elif entry.name.endswith(".py"):
                yield parts + (entry.name,), entry.path


def _cache_dir() -> Path | None:
    if os.environ.get("NORMCHECK_NO_CACHE"):
        return None
    base = os.environ.get("NORMCHECK_CACHE") or os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "normcheck"


@dataclass(frozen=True)
class _Folder:
    """A rules folder and how its files are named in messages."""

    root: Path
    shown: str
    rules: list[Path]
    vocab: list[Path]
    layer: int

    @property
    def families(self) -> list[Path]:
        return _families_file(self.root)

    def name(self, p: Path) -> str:
        """A file's name in the cache: relative to its folder (an added folder's under `+N/`)."""
        rel = p.relative_to(self.root).as_posix()
        return rel if self.layer == 0 else f"+{self.layer}/{rel}"


def load_pack(directory: str | Path | None = None, added: tuple[str | Path, ...] | list[str | Path] = (), *,
              lenient: bool = False) -> LoadedPack:
    """The rule pack in `directory` (default: the bundled rules/), with the rule folders `added`
    beside it, compiled once per process. `lenient`: an older pack read for comparison, whose
    rules may predate checks of rule quality (`check.Checker`); never used to check cases."""
    return _load_pack(str(directory) if directory else None, tuple(str(a) for a in added or ()), lenient)


@lru_cache(maxsize=8)
def _load_pack(directory: str | None, added: tuple[str, ...], lenient: bool = False) -> LoadedPack:
    root = Path(directory) if directory else rules_dir()
    if not root.is_dir():
        raise InputError([Diagnostic(str(root), None, None, "rules folder not found",
                                     expected="a folder with *.norm rule files and vocabulary/*.yaml", code="NC-P004")])
    rule_files, vocab_files = _files(root)
    if not rule_files:
        raise InputError([Diagnostic(str(root), None, None, "no *.norm rule files in this folder", code="NC-P004")])
    folders = [_Folder(root, str(root), rule_files, vocab_files, 0)] + _added_folders(root, added)
    base_digest = _digest(rule_files, vocab_files, root)
    added_info = tuple(ir.AddedFolder(f.shown, folder_digest(f.rules, f.vocab, f.root), tuple(p.name for p in f.rules))
                       for f in folders[1:])
    digest = combined_digest(base_digest, [a.sha256 for a in added_info])
    cache = _cache_dir()
    key = f"{digest}-{_code_fingerprint()}" + ("-lenient" if lenient else "")
    cached = cache / f"pack-{digest[:24]}-{_code_fingerprint()[:12]}{'-lenient' if lenient else ''}.json" if cache else None
    every = [(f, p) for f in folders for p in f.rules + f.vocab + f.families]
    here = _working_folder()
    shown = {f.name(p): _display(p, here) for f, p in every}
    if cached is not None:
        from . import packcache

        hit = packcache.read(cached, key, lambda name: shown.get(name, name),
                             on_error=lambda why: _cache_warning(cached, "read", why))
        if (isinstance(hit, tuple) and len(hit) == 3 and isinstance(hit[0], ir.RulePack) and hit[0].digest == digest
                and isinstance(hit[1], Vocabulary)):
            pack = hit[0]
            if pack.added != added_info:  # the same files in another place: show this run's folders
                pack = replace(pack, added=tuple(replace(a, folder=b.folder) for a, b in zip(pack.added, added_info)))
            return LoadedPack(pack, hit[1], tuple(hit[2]))
        if hit is not None:
            _cache_warning(cached, "read", "it holds another rule pack")
    from . import dsl  # the parser and the checker are needed only when the pack is not cached
    from .check import check, check_open_norms, fact_type
    from .families import check_against

    declarations = _declarations(root, folders[1:], lenient)
    vocabulary = load_vocabulary([p for f in folders for p in f.vocab], declarations.record_types,
                                 declarations.default_record_type,
                                 order=declarations.context + tuple(v for f in declarations.families for v in f.vocabulary),
                                 context=declarations.context)
    declared = check_against(declarations, vocabulary, [p.name for f in folders for p in f.vocab],
                             [p.name for f in folders for p in f.rules])
    if lenient:  # an older pack read for comparison: what it declares is not this run's concern
        warned, declared = [replace(d, severity="warning") for d in declared], []
    else:
        warned = []
    problems: list[Diagnostic] = []
    parsed = []
    for folder in folders:
        for path in folder.rules:
            try:
                parsed.append(replace(dsl.parse(_read_rules(path), _display(path)), layer=folder.layer))
            except InputError as exc:
                problems.extend(exc.diagnostics)
    if problems:
        raise InputError(declared + problems)
    try:
        sources, defines, rules, warnings = check(vocabulary, parsed, declarations, lenient)
        open_norms = check_open_norms(vocabulary, sources)
    except InputError as exc:
        raise InputError(declared + exc.diagnostics) from None
    if declared:
        raise InputError(declared + warnings)
    warnings = warned + warnings
    fact_types = {name: fact_type(spec) for name, spec in vocabulary.facts.items()}
    for d in defines:
        fact_types.setdefault(d.name, d.type)
    value_labels = {name: {lang: dict(pairs) for lang, pairs in spec.labels}
                    for name, spec in vocabulary.facts.items() if spec.labels}
    for d in defines:  # a computed set or value (e.g. the items missing from a notification) speaks
        values = d.type.values  # the words of the fact its values come from
        if d.name in value_labels or not values:
            continue
        for name, spec in vocabulary.facts.items():
            if name in value_labels and spec.values is not None and values <= set(spec.values):
                value_labels[d.name] = value_labels[name]
                break
    fact_texts = {name: ir.FactText(spec.family, spec.label_texts, spec.question, spec.ask, spec.ask_instead)
                  for name, spec in vocabulary.facts.items()}
    for d in defines:
        if d.name not in fact_texts or (d.labels and not fact_texts[d.name].labels):
            family = fact_texts[d.name].family if d.name in fact_texts else ""
            fact_texts[d.name] = ir.FactText(family, d.labels)
    added_info = tuple(replace(a, replaces=tuple(sorted(r.replaces for r in rules if r.layer == i and r.replaces)))
                       for i, a in enumerate(added_info, 1))
    pack = ir.RulePack(sources=sources, defines=defines, rules=rules, fact_types=fact_types, digest=digest,
                       files=tuple(p.name for p in rule_files), families=declarations.families,
                       value_labels=value_labels, open_norms=open_norms, fact_texts=fact_texts,
                       base_digest=base_digest, added=added_info,
                       not_established={name: frozenset(spec.not_established)
                                        for name, spec in vocabulary.facts.items() if spec.not_established})
    loaded = LoadedPack(pack, vocabulary, tuple(warnings))
    if cached is not None:
        from . import packcache

        as_files = {**{_display(p): f.name(p) for f, p in every}, **{str(p): f.name(p) for f, p in every}}
        packcache.write(cached, key, (loaded.pack, loaded.vocabulary, loaded.warnings), as_files,
                        on_error=lambda why: _cache_warning(cached, "written", why))
    return loaded


load_pack.cache_clear = _load_pack.cache_clear  # type: ignore[attr-defined]  # tests clear the lru_cache through the public name


def _declarations(root: Path, added: list[_Folder], lenient: bool) -> Declarations:
    """The bundled families.yaml, with the families each added folder declares in its own. An older
    pack read for comparison (`lenient`) from before families.yaml takes the current declarations."""
    from .families import add_families, load_declarations

    path = root / FAMILIES_FILE
    if lenient and not path.is_file():
        path = rules_dir() / FAMILIES_FILE
    declarations = load_declarations(path, _display(path))
    for folder in added:
        for extra in folder.families:
            declarations = add_families(declarations, extra, _display(extra))
    return replace(declarations, added_vocabulary=tuple((f.layer, tuple(p.name for p in f.vocab)) for f in added))


def _added_folders(root: Path, added: tuple[str, ...]) -> list[_Folder]:
    """The added rule folders, checked: each exists, holds rule or vocabulary files, and is given once."""
    out: list[_Folder] = []
    problems: list[Diagnostic] = []
    seen = {root.resolve(): "the bundled rules"}
    for i, raw in enumerate(added, 1):
        path = Path(raw)
        if not path.is_dir():
            problems.append(Diagnostic(raw, None, None, "added rules folder not found",
                                       expected="a folder with *.norm rule files (and vocabulary/*.yaml for new facts)", code="NC-P007"))
            continue
        if path.resolve() in seen:
            problems.append(Diagnostic(raw, None, None, f"this rules folder is given twice (also as {seen[path.resolve()]})",
                                       code="NC-P007"))
            continue
        seen[path.resolve()] = raw
        rules, vocab = _files(path)
        if not rules and not vocab:
            problems.append(Diagnostic(raw, None, None, "no *.norm rule files or vocabulary/*.yaml in this added folder",
                                       code="NC-P007"))
            continue
        out.append(_Folder(path, raw, rules, vocab, i))
    if problems:
        raise InputError(problems)
    return out


def _cache_warning(path: Path, verb: str, why: str) -> None:
    """A cache failure costs time, not correctness: say so on stderr (logging's default), and go on."""
    log.warning(Diagnostic(str(path), None, None, f"the compiled rule pack could not be {verb} ({why}); "
                           "the rules were checked afresh", severity="warning", code="NC-I003",
                           hint="set NORMCHECK_CACHE to a writable folder, or NORMCHECK_NO_CACHE=1").render())


def _read_rules(path: Path) -> str:
    """A rule file's text; bytes that are not UTF-8 are an error with their line and column."""
    from .dsl import MAX_RULE_BYTES

    shown = _display(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Diagnostic(shown, None, None, f"cannot read the rule file: {exc.strerror or exc}", code="NC-P003")]) from None
    if len(raw) > MAX_RULE_BYTES:
        raise InputError([Diagnostic(shown, None, None, f"rule file is too large ({len(raw):,} bytes)", code="NC-L001")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1: exc.start].decode("utf-8", "replace")) + 1
        raise InputError([Diagnostic(shown, line, col, f"the rule file is not UTF-8 text (byte 0x{raw[exc.start]:02X})",
                                     hint="save it as UTF-8", code="NC-R003")]) from None


def _working_folder() -> str | None:
    """The working folder, resolved (None: there is none any more), for `_display` to show many files."""
    try:
        return os.path.realpath(os.getcwd())
    except OSError:
        return None


def _display(path: Path, cwd: str | None = None) -> str:
    """A path as the user would type it: relative to the working folder when it is below it (as
    given when there is no working folder any more: a folder deleted under a running shell). With
    `os.path` (what `Path.resolve` and `relative_to` come to): every run shows each rule file's path.
    `cwd`: the working folder resolved once for many paths (`_working_folder`)."""
    try:
        real, cwd = os.path.realpath(path), cwd or os.path.realpath(os.getcwd())
    except OSError:
        return str(path)
    if real == cwd:
        return "."
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    return real[len(prefix):] if real.startswith(prefix) else str(path)

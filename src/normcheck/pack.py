"""Load a rule pack: parse and check every rule file once, and cache the compiled result.

The pack's identity is the SHA-256 of the grammar, `families.yaml`, the vocabulary and the rule
files (and the normcheck version); the receipt of every run carries it. A compiled pack is stored
as JSON under that hash in the user's cache folder (`packcache`: data that cannot run code, file
paths stored relative to the rules folder), so a run on one case neither re-parses the grammar nor
re-checks the rules when nothing changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import __version__, ir
from .diagnostics import Diagnostic, InputError
from .families import FILE_NAME as FAMILIES_FILE
from .families import check_against, load_declarations
from .resources import grammar_path, rules_dir
from .vocabulary import Vocabulary, load_vocabulary

log = logging.getLogger("normcheck")


@dataclass(frozen=True)
class LoadedPack:
    pack: ir.RulePack
    vocabulary: Vocabulary
    warnings: tuple[Diagnostic, ...]


def _files(directory: Path) -> tuple[list[Path], list[Path]]:
    rules = sorted(p for p in directory.glob("*.norm") if p.is_file())
    vocab_dir = directory / "vocabulary"
    vocab = sorted(p for p in vocab_dir.glob("*.yaml") if p.is_file()) if vocab_dir.is_dir() else []
    return rules, vocab


def _digest(rule_files: list[Path], vocab_files: list[Path], families: Path) -> str:
    h = hashlib.sha256()
    h.update(f"normcheck {__version__}\n".encode())
    h.update(grammar_path().read_bytes())
    for p in ([families] if families.is_file() else []) + vocab_files + rule_files:
        h.update(b"\0" + p.name.encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The compiled pack depends on the checker too: a changed normcheck never reuses an old cache."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for p in sorted(here.rglob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _cache_dir() -> Path | None:
    if os.environ.get("NORMCHECK_NO_CACHE"):
        return None
    base = os.environ.get("NORMCHECK_CACHE") or os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "normcheck"


@lru_cache(maxsize=8)
def load_pack(directory: str | None = None) -> LoadedPack:
    """The rule pack in `directory` (default: the bundled rules/), compiled once per process."""
    root = Path(directory) if directory else rules_dir()
    if not root.is_dir():
        raise InputError([Diagnostic(str(root), None, None, "rules folder not found",
                                     expected="a folder with *.norm rule files and vocabulary/*.yaml", code="NC-P004")])
    rule_files, vocab_files = _files(root)
    if not rule_files:
        raise InputError([Diagnostic(str(root), None, None, "no *.norm rule files in this folder", code="NC-P004")])
    families_file = root / FAMILIES_FILE
    digest = _digest(rule_files, vocab_files, families_file)
    cache = _cache_dir()
    key = f"{digest}-{_code_fingerprint()}"
    cached = cache / f"pack-{digest[:24]}-{_code_fingerprint()[:12]}.json" if cache else None
    pack_files = rule_files + vocab_files + ([families_file] if families_file.is_file() else [])
    shown = {p.relative_to(root).as_posix(): _display(p) for p in pack_files}
    if cached is not None:
        from . import packcache

        hit = packcache.read(cached, key, lambda name: shown.get(name, name),
                             on_error=lambda why: _cache_warning(cached, "read", why))
        if (isinstance(hit, tuple) and len(hit) == 3 and isinstance(hit[0], ir.RulePack) and hit[0].digest == digest
                and isinstance(hit[1], Vocabulary)):
            return LoadedPack(hit[0], hit[1], tuple(hit[2]))
        if hit is not None:
            _cache_warning(cached, "read", "it holds another rule pack")
    from . import dsl  # the parser and the checker are needed only when the pack is not cached
    from .check import check, fact_type

    declarations = load_declarations(families_file, _display(families_file))
    vocabulary = load_vocabulary(vocab_files, declarations.record_types, declarations.default_record_type,
                                 order=declarations.context + tuple(v for f in declarations.families for v in f.vocabulary),
                                 context=declarations.context)
    declared = check_against(declarations, vocabulary, [p.name for p in vocab_files], [p.name for p in rule_files])
    problems: list[Diagnostic] = []
    parsed = []
    for path in rule_files:
        try:
            parsed.append(dsl.parse(_read_rules(path), _display(path)))
        except InputError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise InputError(declared + problems)
    try:
        sources, defines, rules, warnings = check(vocabulary, parsed, declarations)
    except InputError as exc:
        raise InputError(declared + exc.diagnostics) from None
    if declared:
        raise InputError(declared + warnings)
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
    pack = ir.RulePack(sources=sources, defines=defines, rules=rules, fact_types=fact_types, digest=digest,
                       files=tuple(p.name for p in rule_files), families=declarations.families,
                       value_labels=value_labels,
                       not_established={name: frozenset(spec.not_established)
                                        for name, spec in vocabulary.facts.items() if spec.not_established})
    loaded = LoadedPack(pack, vocabulary, tuple(warnings))
    if cached is not None:
        from . import packcache

        as_files = {**{_display(p): n for n, p in zip(shown, pack_files)},
                    **{str(p): n for n, p in zip(shown, pack_files)}}
        packcache.write(cached, key, (loaded.pack, loaded.vocabulary, loaded.warnings), as_files,
                        on_error=lambda why: _cache_warning(cached, "written", why))
    return loaded


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


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

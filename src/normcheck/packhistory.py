"""Older rule packs: the rules at a git revision of the repository they live in, and a pack found
again by its SHA-256 (the hash a receipt shows and a pin records).

Nothing here writes to the work tree: a revision's rules are read with `git archive` into a
temporary folder. A pack's hash is looked up by recomputing, for every commit that touched the
rules, the grammar or the version, the hash that normcheck computes for a rules folder (see
`pack.digest_of`); failing that, in the compiled-pack cache, where a pack this user ran before is
kept under its hash.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .diagnostics import Diagnostic, InputError
from .pack import LoadedPack, digest_of, hashed_parts, load_pack

_VERSION = re.compile(r'^__version__\s*=\s*["\']([^"\']+)["\']', re.M)
MAX_COMMITS = 2000  # how far back a hash is looked for


@dataclass(frozen=True)
class Repo:
    top: Path
    rules: str  # the rules folder, relative to the top ("rules")
    grammar: str | None  # the grammar file, relative to the top, when it is in the same repository
    version_file: str | None


def _git(top: Path, *args: str, data: bytes | None = None) -> bytes:
    done = subprocess.run(["git", "-C", str(top), *args], input=data, capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


def repository(rules_root: Path) -> Repo | None:
    """The git repository that holds `rules_root`, or None (an installed normcheck has no history)."""
    try:
        top = Path(_git(rules_root, "rev-parse", "--show-toplevel").decode().strip())
        prefix = _git(rules_root, "rev-parse", "--show-prefix").decode().strip().rstrip("/")
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return None
    from .resources import grammar_path

    def inside(p: Path) -> str | None:
        try:
            return p.resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            return None

    return Repo(top, prefix, inside(grammar_path()), inside(Path(__file__).resolve().parent / "__init__.py"))


def _commit(repo: Repo, rev: str) -> str:
    try:
        return _git(repo.top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").decode().strip()
    except RuntimeError:
        raise InputError([Diagnostic(rev, None, None, "not a folder of rule files, nor a revision of this repository",
                                     expected="a folder with *.norm files, or a git revision (a commit, a tag, a branch, HEAD~1)",
                                     hint=f"the repository is {repo.top}", code="NC-P008")]) from None


def export_rules(repo: Repo, rev: str, into: Path) -> tuple[Path, str]:
    """The rules folder as it was at `rev`, written under `into` (a temporary folder); (folder, commit)."""
    commit = _commit(repo, rev)
    try:
        data = _git(repo.top, "archive", "--format=tar", commit, "--", repo.rules or ".")
    except RuntimeError as exc:
        raise InputError([Diagnostic(rev, None, None, f"cannot read the rules at this revision: {exc}", code="NC-P008")]) from None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            for member in tar.getmembers():
                if not (member.isfile() or member.isdir()) or member.name.startswith(("/", "..")) or ".." in member.name:
                    raise InputError([Diagnostic(rev, None, None, f"unexpected entry in the archive: {member.name}", code="NC-P008")])
            tar.extractall(into)
    folder = into / repo.rules if repo.rules else into
    if not folder.is_dir() or not any(folder.glob("*.norm")):
        raise InputError([Diagnostic(rev, None, None, f"there are no rule files in {repo.rules or 'the repository'} at {commit[:12]}",
                                     code="NC-P008")])
    return folder, commit


@dataclass
class OldPack:
    loaded: LoadedPack
    label: str  # where it came from, in words
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def old_pack(spec: str, rules_root: Path, added: tuple[str, ...] = ()) -> OldPack:
    """OLD for `rules --diff OLD`: a folder of rule files, or a git revision of this repository.
    The folders in `added` are added to it as they are to the current rules."""
    path = Path(spec)
    if path.is_dir():
        return OldPack(load_pack(str(path), added, lenient=True), f"the rules in {spec}")
    repo = repository(rules_root)
    if repo is None:
        raise InputError([Diagnostic(spec, None, None, "no such folder, and the rules are not in a git repository "
                                     "(so a revision cannot be read)",
                                     expected="a folder with the old *.norm files (e.g. an older normcheck's rules)", code="NC-P008")])
    tmp = tempfile.TemporaryDirectory(prefix="normcheck-rules-")
    try:
        folder, commit = export_rules(repo, spec, Path(tmp.name))
        return OldPack(load_pack(str(folder), added, lenient=True), f"the rules at {spec} ({commit[:12]})", tmp)
    except BaseException:
        tmp.cleanup()
        raise


# ---- finding a pack by its hash ---------------------------------------------------------------


def _blobs(repo: Repo, shas: list[str]) -> dict[str, bytes]:
    """Many blobs at once through `git cat-file --batch`."""
    out: dict[str, bytes] = {}
    if not shas:
        return out
    raw = _git(repo.top, "cat-file", "--batch", data=("\n".join(shas) + "\n").encode())
    pos = 0
    for sha in shas:
        end = raw.index(b"\n", pos)
        header = raw[pos:end].split()
        size = int(header[2])
        out[sha] = raw[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
    return out


def find_in_history(repo: Repo, digest: str) -> str | None:
    """The newest commit whose rules folder has this hash (or hash prefix), or None."""
    paths = [repo.rules or "."] + [p for p in (repo.grammar, repo.version_file) if p]
    try:
        log = _git(repo.top, "log", f"--max-count={MAX_COMMITS}", "--format=%H", "--", *paths).decode().split()
    except RuntimeError:
        return None
    listings: dict[str, list[tuple[str, str]]] = {}
    wanted: set[str] = set()
    for commit in log:
        try:
            tree = _git(repo.top, "ls-tree", "-r", commit, "--", *paths).decode("utf-8", "replace")
        except RuntimeError:
            continue
        entries = []
        for line in tree.splitlines():
            meta, _, name = line.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob":
                entries.append((name, parts[2]))
                wanted.add(parts[2])
        listings[commit] = entries
    try:
        blobs = _blobs(repo, sorted(wanted))
    except (RuntimeError, ValueError, IndexError):
        return None
    for commit in log:
        if _digest_at(repo, listings.get(commit, []), blobs).startswith(digest):
            return commit
    return None


def _digest_at(repo: Repo, entries: list[tuple[str, str]], blobs: dict[str, bytes]) -> str:
    """The hash normcheck gives the rules folder of one commit (`pack.hashed_parts`, `pack.digest_of`),
    with that commit's grammar and version where they are in the same repository."""
    base = PurePosixPath(repo.rules) if repo.rules else None
    listing: dict[str, bytes] = {}
    grammar = version = None
    for name, sha in entries:
        if name == repo.grammar:
            grammar = blobs[sha]
        elif name == repo.version_file:
            match = _VERSION.search(blobs[sha].decode("utf-8", "replace"))
            version = match.group(1) if match else None
        else:
            p = PurePosixPath(name)
            if base is None or p.is_relative_to(base):
                listing[(p.relative_to(base) if base is not None else p).as_posix()] = blobs[sha]
    if grammar is None or version is None:
        from . import __version__
        from .resources import grammar_path

        grammar = grammar if grammar is not None else grammar_path().read_bytes()
        version = version or __version__
    return digest_of(version, grammar, hashed_parts(listing))


def find_in_cache(digest: str) -> LoadedPack | None:
    """A compiled pack this user ran before, kept in the pack cache under its hash (when the cached
    IR is still readable by this normcheck)."""
    from . import ir, packcache
    from .pack import _cache_dir
    from .vocabulary import Vocabulary

    cache = _cache_dir()
    if cache is None or len(digest) < 12 or not cache.is_dir():
        return None
    for path in sorted(cache.glob(f"pack-{digest[:24]}*.json")):
        if not packcache.trusted(path):
            continue
        try:
            key = json.loads(path.read_bytes()).get("key", "")
        except (ValueError, OSError):
            continue
        if not isinstance(key, str) or not key.startswith(digest):
            continue
        hit = packcache.read(path, key, lambda name: name)
        if isinstance(hit, tuple) and len(hit) == 3 and isinstance(hit[0], ir.RulePack) and isinstance(hit[1], Vocabulary):
            return LoadedPack(hit[0], hit[1], tuple(hit[2]))
    return None


@dataclass(frozen=True)
class Found:
    loaded: LoadedPack
    label: str


def find_pack(digest: str, rules_root: Path, added: tuple[str, ...] = ()) -> Found | None:
    """The pack with this hash (or hash prefix): from the history of the rules, else from the cache."""
    repo = repository(rules_root)
    if repo is not None:
        commit = find_in_history(repo, digest)
        if commit is not None:
            with tempfile.TemporaryDirectory(prefix="normcheck-rules-") as tmp:
                folder, _ = export_rules(repo, commit, Path(tmp))
                try:
                    loaded = load_pack(str(folder), added, lenient=True)
                except InputError:
                    loaded = None
                if loaded is not None:
                    date = _git(repo.top, "log", "-1", "--format=%cs", commit).decode().strip()
                    return Found(loaded, f"the rules at commit {commit[:12]} ({date})")
    cached = find_in_cache(digest)
    if cached is not None:
        return Found(cached, "a pack kept in the compiled-pack cache")
    return None

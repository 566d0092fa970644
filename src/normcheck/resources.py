"""Where the grammar, the rules and the vocabulary live, in a source checkout and in a wheel.

`grammar/` and `rules/` sit at the top of the repository so lawyers can read and edit them; the
wheel carries copies under `normcheck/_data/`. A checkout wins, so an edited rule takes effect
without reinstalling.
"""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# The rules folder's declarations of its families and kinds of record (`families`); named here, where the
# rule files are found, because every run hashes it with them and only a run that compiles the pack reads it.
FAMILIES_FILE = "families.yaml"


def _root() -> Path:
    override = os.environ.get("NORMCHECK_DATA")
    if override:
        return Path(override)
    checkout = _HERE.parent.parent
    if (checkout / "grammar" / "normcheck.lark").is_file() and (checkout / "rules").is_dir():
        return checkout
    return _HERE / "_data"


def grammar_path() -> Path:
    return _root() / "grammar" / "normcheck.lark"


def rules_dir() -> Path:
    return _root() / "rules"


def cases_dir() -> Path | None:
    """The bundled example cases (only in a checkout or when shipped)."""
    path = _root() / "cases"
    return path if path.is_dir() else None

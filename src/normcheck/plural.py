"""A count with its noun in the right number ("1 file", "7 files"; "1 bestand", "7 bestanden").

Every message that counts goes through here, so that none reads "1 files": the caller names both forms
(English and Dutch plurals are irregular enough that no rule derives one from the other).
"""

from __future__ import annotations


def counted(n: int, one: str, many: str, *, sep: bool = False) -> str:
    """`n` followed by `one` when it is 1, else by `many`; `sep` writes thousands separators (12,345)."""
    return (f"{n:,}" if sep else str(n)) + " " + (one if n == 1 else many)

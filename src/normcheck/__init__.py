"""normcheck: check anonymised migration cases and policies against legal norms, with pinpoint sources."""

from . import _fastclasses

__version__ = "0.1.0"

_fastclasses.install()  # normcheck's dataclasses take their methods from a compiled table (start-up time)

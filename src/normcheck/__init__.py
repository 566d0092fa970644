"""normcheck: check anonymised migration cases and policies against legal norms, with pinpoint sources."""

__version__ = "0.1.0"

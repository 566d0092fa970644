"""Case and policy files: safe YAML with positions, the pydantic model built from the vocabulary, the anonymisation guard."""

from .records import FactOrigin, Record, load_record, load_record_text

__all__ = ["FactOrigin", "Record", "load_record", "load_record_text"]

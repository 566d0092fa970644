"""The one place where the page calls the stages below it: case text → record (the same YAML
hardening, anonymisation guard and model as a case file) → engine run → findings → report.

Everything the page shows or offers for download about findings comes from the report layer's
renderers (`report.renderers`, by name) through `report_formats` and `report_fragment`.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .. import findings, ir
from ..batch import evaluate_record
from ..diagnostics import Diagnostic, InputError
from ..engine import Engine
from ..facts import Record, load_record_text, yamlio
from ..pack import LoadedPack, load_pack
from ..report import renderers
from ..report.view import RunView, Words
from ..resources import cases_dir
from .form import CaseForm, build_form


@dataclass(frozen=True)
class Report:
    """A checked case as the report layer takes it: its result and the receipt of the run."""

    receipt: findings.Receipt
    records: tuple[findings.RecordResult, ...]
    value_labels: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    fact_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # the vocabulary's `label` of each fact
    questions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # and its `question`
    families: tuple[ir.Family, ...] = ()  # the pack's, in report order


def render(name: str, run: Report, lang: str) -> str | bytes:
    """`run` in the format `name` of the report layer: text, or bytes for a binary format (.docx)."""
    view = RunView(iter(run.records), run.receipt, Words(lang, run.value_labels, run.fact_labels, run.questions, run.families))
    out: io.StringIO | io.BytesIO = io.BytesIO() if renderers.is_binary(name) else io.StringIO()
    try:
        renderers.get(name)(view, out)
        view.drain()
    finally:
        view.tally.close()
    return out.getvalue()


def render_text(name: str, run: Report, lang: str) -> str:
    text = render(name, run, lang)
    assert isinstance(text, str), name
    return text


@dataclass(frozen=True)
class Format:
    """A format the findings can be downloaded in."""

    name: str
    label: str
    extension: str
    media_type: str
    render: Callable[[Report, str], str | bytes]  # bytes for a binary format such as .docx
    labels: dict[str, str] = field(default_factory=dict)  # the button's label by the page's language, where it has words
    stem: str = "findings"  # the downloaded file is CASE-ID-<stem>.<extension>

    def label_in(self, lang: str) -> str:
        return self.labels.get(lang, self.label)


def report_formats() -> tuple[Format, ...]:
    """Every format the report layer renders a run in (the page offers a download for each)."""
    return (
        Format("json", "JSON", "json", "application/json", lambda run, lang: render("json", run, lang)),
        Format("markdown", "Markdown", "md", "text/markdown; charset=utf-8", lambda run, lang: render("markdown", run, lang)),
        Format("html", "HTML", "html", "text/html; charset=utf-8", lambda run, lang: render("html", run, lang)),
        # the grounds of appeal (`--format appeal`), as Word, HTML and Markdown
        *(Format(name, f"grounds of appeal ({kind})", ext, media, partial(render, name),
                 {"en": f"grounds of appeal ({kind})", "nl": f"beroepsgronden ({kind})"}, "appeal")
          for name, kind, ext, media in (
              ("appeal-docx", "Word", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
              ("appeal-html", "HTML", "html", "text/html; charset=utf-8"),
              ("appeal", "Markdown", "md", "text/markdown; charset=utf-8"))),
    )


def report_fragment(run: Report, lang: str) -> str:
    """The HTML report of a run, as the body of the standalone page the report layer writes (its
    inline style is left out: the page's own stylesheet styles the same classes), its headings one
    level down under the page's own."""
    page = render_text("html", run, lang)
    body = page.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    return re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", body)


def is_name_warning(d: Diagnostic) -> bool:
    """The guard warns about a text that announces a person's name; the page refuses it."""
    return d.severity == "warning" and "person's name" in d.message


@dataclass
class Checked:
    """The outcome of checking one case text."""

    text: str
    record: Record | None = None
    run: Report | None = None
    problems: list[Diagnostic] = field(default_factory=list)  # errors refuse the case; warnings are shown

    @property
    def refused(self) -> bool:
        return self.run is None


class Pipeline:
    """The rule pack, the engine and the form of one server: built once, used for every request."""

    def __init__(self, rules: str | None = None, added: tuple[str, ...] = ()) -> None:
        self.loaded: LoadedPack = load_pack(rules, added)
        self.engine = Engine(self.loaded.pack)
        self.form: CaseForm = build_form(self.loaded.vocabulary, policies_dir())
        self._lock = threading.Lock()  # one case at a time through the engine (durable-rules keeps state)

    def check(self, text: str, display: str, lang: str) -> Checked:
        """Load `text` as a case file and evaluate it; refuse it on any error or a person's name."""
        out = Checked(text)
        try:
            record = load_record_text(text, self.loaded.vocabulary, display=display, policy_file=self.form.policy_path)
        except InputError as exc:
            out.problems = [_strict(d) for d in exc.diagnostics]
            return out
        out.problems = [_strict(d) for d in record.warnings]
        if any(d.severity == "error" for d in out.problems):
            return out
        with self._lock:
            result = evaluate_record(record, self.loaded, self.engine, lang)
        errors = [_diagnostic(p) for p in result.problems if p.severity == "error"]
        if errors:
            out.problems = errors + out.problems
            return out
        out.record = record
        words = Words.of(lang, self.loaded.pack.value_labels, self.loaded.vocabulary)
        out.run = Report(findings.receipt(self.loaded.pack, self.engine.label, lang), (result,),
                         self.loaded.pack.value_labels, words.fact_labels, words.questions, self.loaded.pack.families)
        return out

    def read_upload(self, raw: bytes, display: str) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
        """An uploaded case file, checked as a case file is (size, encoding, YAML hardening, guard,
        model); its plain data when it passes, else the problems."""
        if len(raw) > yamlio.MAX_BYTES:
            return None, [Diagnostic(display, None, None, f"file is too large ({len(raw):,} bytes; a case file stays "
                                                          f"under {yamlio.MAX_BYTES:,})", code="NC-L001")]
        try:
            text = yamlio.decode(raw, display)  # UTF-8 (or UTF-16/32 with a BOM); else an error with line and column
        except InputError as exc:
            return None, list(exc.diagnostics)
        try:
            record = load_record_text(text, self.loaded.vocabulary, display=display, policy_file=self.form.policy_path)
            problems = [_strict(d) for d in record.warnings]
            if any(d.severity == "error" for d in problems):
                return None, problems
            data = yamlio.load(text, display).data
        except InputError as exc:
            return None, [_strict(d) for d in exc.diagnostics]
        return data, problems


def _strict(d: Diagnostic) -> Diagnostic:
    if is_name_warning(d):
        return Diagnostic(d.file, d.line, d.column, d.message, expected=d.expected, hint=d.hint,
                          source_line=d.source_line, severity="error", width=d.width, code=d.code)
    return d


def _diagnostic(p: findings.Problem) -> Diagnostic:
    return Diagnostic(p.file, p.line, p.column, p.message, expected=p.expected, hint=p.hint,
                      source_line=p.source_line, severity=p.severity, code=p.code)


def policies_dir() -> Path | None:
    bundled = cases_dir()
    return bundled / "policies" if bundled else None

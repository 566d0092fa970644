"""One language per report: scan every output of every bundled case for the other language's words,
for rule-language fragments and identifiers, and for file paths in prose.

Used by tests/test_language.py; run it directly (`python tests/language_scan.py [en|nl]`) to list
every hit while editing rules or the vocabulary.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console

from normcheck import findings
from normcheck.batch import evaluate_record
from normcheck.engine import Engine
from normcheck.facts import load_record
from normcheck.pack import load_pack
from normcheck.report import renderers
from normcheck.report.escape import safe_record
from normcheck.report.renderers import terminal
from normcheck.report.view import RunView, Words
from normcheck.resources import cases_dir

# Words of one language that have no business in a report in the other (whole words, case as given:
# a capitalised Dutch month would be an English month name).
ENGLISH = ("the", "and", "with", "without", "which", "not", "from", "for", "unverified", "verified", "decided",
           "operative", "part", "paragraph", "para", "paras", "point", "points", "rule", "unknown", "none", "yes",
           "true", "false", "where", "when", "this", "that", "could", "would", "must", "should", "has", "have", "been",
           "January", "February", "March", "May", "June", "July", "August", "October", "Article", "Articles",
           "judgment", "applicant", "decision", "otherwise", "Case", "Joined", "Cases", "no.", "nos.", "recital")
DUTCH = ("de", "het", "een", "van", "en", "niet", "voor", "bij", "zonder", "wordt", "zijn", "dictum",
         "randnummer", "lid", "onder", "overweging", "januari", "februari", "maart", "mei", "juni", "juli",
         "augustus", "oktober", "geverifieerd", "uitspraak", "besluit", "aanvraag", "onbekend", "ja", "nee", "regel",
         "r.o.", "nrs.", "t.", "e.a.", "HvJ", "EHRM", "Rb.")
# Proper names that keep their own language in both reports.
PROPER = (
    "European Database of Asylum Law", "American Journal of International Law", "Information Note",
    "Conference of European Churches", "European Federation of National Organisations working with the Homeless",
    "International Protection Appeals Tribunal", "Best Practices Leidraad", "Strasbourg Observers", "BAILII",
    "Lexploria", "MIL-OSI", "Staatssecretaris van Justitie en Veiligheid", "Raad van State", "Vreemdelingenwet 2000",
    "Algemene wet bestuursrecht", "Rechtbank Den Haag", "Den Haag", "Mobiel Toezicht Veiligheid", "Landespolizeidirektion Steiermark",
    "Bezirkshauptmannschaft Leibnitz", "Landesverwaltungsgericht Steiermark", "Bundesrepublik Deutschland",
    "Intervyuirasht organ na Darzhavna agentsia za bezhantsite pri Ministerskia savet",
    "Zamestnik-predsedatel na Darzhavna agentsia za bezhantsite", "Defence for Children",
    "Centre public d'action sociale d'Ottignies-Louvain-La-Neuve",
    "Bundesamt für Fremdenwesen und Asyl", "CM/ResChS", "Werkinstructie", "Kamerbrief", "NH Nieuws", "EenVandaag",
    "asyl.net", "bed-bad-brood", "bed-bath-bread", "Mobiel Toezicht", "zp.", "(zp ", "Stichting LOS", "de facto",
)
# (`otherwise`, the rule language's keyword, is an English word: ENGLISH catches it in a Dutch report.)
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[A-Za-z]+_[A-Za-z0-9_]+\b")
PATH = re.compile(r"(?<![\w/])(?:cases|rules|src|tests)/[\w./-]+|\b[\w-]+\.(?:ya?ml|norm|py)\b")
OPTION = re.compile(r"--reading \S+?(?=[`)\s]|$)")  # a command line is not prose: `--reading applicant`
URL = re.compile(r"https?://\S+?(?=[)>\]\s\"']|$)")

HUMAN_FIELDS = {
    "finding": ("title", "message", "rule_message", "counter_argument", "note", "law_applied", "later_case_law",
                "missing_labels"),
    "source": ("citation", "title", "pinpoint", "about", "note"),
    "background": ("title", "relates_to", "about"),
    "deciding": ("label", "text"),
    "exception": ("description",),
    "collect": ("label", "question", "ask_label"),
    "record": ("as_of_basis",),
}


def _deciding(d: dict) -> Iterator[str]:
    for key in HUMAN_FIELDS["deciding"]:
        if d.get(key):
            yield d[key]
    for i in d.get("inputs", ()):
        yield from _deciding(i)


def json_texts(record: dict) -> Iterator[str]:
    """The human text fields of one record of the JSON report (machine fields are left as they are)."""
    for key in HUMAN_FIELDS["record"]:
        if record.get(key):
            yield record[key]
    for f in record.get("findings", ()):
        for key in HUMAN_FIELDS["finding"]:
            value = f.get(key)
            if isinstance(value, list):
                yield from value
            elif value:
                yield value
        for s in f.get("sources", ()):
            yield from (s[k] for k in HUMAN_FIELDS["source"] if s.get(k))
        for b in f.get("background", ()):
            yield from (b[k] for k in HUMAN_FIELDS["background"] if b.get(k))
        for d in f.get("decided_by", ()):
            yield from _deciding(d)
        for e in f.get("exceptions", ()):
            yield from (e[k] for k in HUMAN_FIELDS["exception"] if e.get(k))
    for c in record.get("facts_to_collect", ()):
        yield from (c[k] for k in HUMAN_FIELDS["collect"] if c.get(k))
    for n in record.get("open_norms", ()):  # "needs human assessment": the test, the fact's words, the checklist
        yield from (n[k] for k in ("label", "test") if n.get(k))
        for c in n.get("criteria", ()):
            yield c["text"]
            yield from (c["source"][k] for k in HUMAN_FIELDS["source"] if c["source"].get(k))


def hits(text: str, lang: str, own: tuple[str, ...] = ()) -> list[str]:
    """Words of the other language, identifiers and paths in one text."""
    for name in sorted(own, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    text = URL.sub(" ", text)
    text = OPTION.sub(" ", text)
    for name in PROPER:
        text = text.replace(name, " ")
    found = [f"path {m.group(0)}" for m in PATH.finditer(text)]
    text = PATH.sub(" ", text)
    found += [f"identifier {m.group(0)}" for m in IDENTIFIER.finditer(text)]
    found += [f"word {m.group(0)!r}" for m in _WORDS[lang].finditer(text)]
    return found


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    dotted = [re.escape(w) for w in words if w.endswith(".")]
    plain = [re.escape(w) for w in words if not w.endswith(".")]
    parts = []
    if plain:
        parts.append(rf"(?<![\w.'-])(?:{'|'.join(plain)})(?![\w'-])")
    if dotted:
        parts.append(rf"(?<![\w.])(?:{'|'.join(dotted)})(?!\w)")
    return re.compile("|".join(parts))


_WORDS = {"nl": _word_pattern(ENGLISH), "en": _word_pattern(DUTCH)}


def _strip_receipt(text: str) -> str:
    """The receipt (package versions, rule files, the engine) is a machine record, not prose."""
    keep = []
    for line in text.splitlines():
        if "normcheck " in line and ("sha256" in line or "JSON schema" in line or "schema" in line):
            continue
        if re.search(r"sha256|CPython|durable-rules|\.norm\b", line):
            continue
        keep.append(line)
    return "\n".join(keep)


def _typed(record: object, loaded: object) -> tuple[str, ...]:
    """What the user typed as free text (a group's description, personal risk factors): quoted as
    written, in whatever language the file is in."""
    out: list[str] = []
    for name, value in record.facts.items():  # type: ignore[attr-defined]
        spec = loaded.vocabulary.get(name)  # type: ignore[attr-defined]
        if spec is None:
            continue
        if spec.kind == "text" and isinstance(value, str):
            out.append(value)
        elif spec.kind == "set" and spec.values is None and isinstance(value, (frozenset, set, list, tuple)):
            out.extend(str(v) for v in value)
    for given in (getattr(record, "assessments", None) or {}).values():  # where the file says an assessment is written
        if getattr(given, "source", None):
            out.append(given.source)
    return tuple(out)


def outputs(lang: str, files: list[Path] | None = None) -> Iterator[tuple[str, str, str, tuple[str, ...]]]:
    """(case file, format, text, the record's own names) for every bundled case in every format."""
    loaded = load_pack()
    engine = Engine(loaded.pack, use_durable=False)
    root = cases_dir()
    assert root is not None
    for path in files or sorted(root.rglob("*.yaml")):
        shown = str(path)
        record = load_record(path, loaded.vocabulary, display=shown)
        result = evaluate_record(record, loaded, engine, lang)
        receipt = findings.receipt(loaded.pack, "evaluator", lang)
        # Diagnostics about the case file (a warning about a date of birth) quote the file and stay in
        # English for now: they are the loader's, not the report's (see the README).
        diagnostics = tuple(line.strip() for p in result.problems for line in p.render().splitlines() if line.strip())
        own = (shown, record.id or "", record.policy_id or "", str(record.file)) + _typed(record, loaded) + diagnostics
        yield shown, "json", "\n".join(json_texts(json.loads(result.model_dump_json()))), own
        yield shown, "markdown", _strip_receipt(_render("markdown", result, receipt, loaded, lang)), own
        page = _render("html", result, receipt, loaded, lang)
        page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
        page = re.sub(r"<[^>]+>", " ", page)
        yield shown, "html", _strip_receipt(page.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")), own
        yield shown, "terminal", _strip_receipt(_render("terminal", result, receipt, loaded, lang)), own


def _render(fmt: str, result: findings.RecordResult, receipt: findings.Receipt, loaded: object, lang: str) -> str:
    """One record in one format, every finding in full (`--all`)."""
    view = RunView(iter((result,)), receipt, Words(lang, loaded.pack.value_labels), show_all=True)  # type: ignore[attr-defined]
    out = io.StringIO()
    try:
        if fmt == "terminal":  # one line per line of text: a console as wide as it needs (no wrapping)
            console = Console(file=out, width=4000, no_color=True, highlight=False)
            view.inert = lambda r: safe_record(r, "terminal")
            for record in view.records:
                console.print(terminal.record_panel(record, True))
            if view.legend:
                console.print(view.legend)
        else:
            renderers.get(fmt)(view, out)
    finally:
        view.tally.close()
    return out.getvalue()


def scan(lang: str, files: list[Path] | None = None) -> list[str]:
    problems = []
    for shown, fmt, text, own in outputs(lang, files):
        if not hits(text, lang, own):  # nothing in the whole text (no name, path or word spans a line break)
            continue
        for line in text.splitlines():
            for h in hits(line, lang, own):
                problems.append(f"{shown} [{fmt}] {h}: {line.strip()[:200]}")
    return problems


if __name__ == "__main__":
    langs = sys.argv[1:2] or ["nl", "en"]
    files = [Path(p) for p in sys.argv[2:]] or None
    for lg in langs:
        found = scan(lg, files)
        for p in found:
            print(lg, p)
        print(f"{lg}: {len(found)} hits", file=sys.stderr)

"""Writing a case: `normcheck new --template NAME` (a commented case file with the facts of the
template's families) and `normcheck schema --family F` (a readable table of a family's facts).

Both are made from data: the templates from `rules/templates.yaml` (kind of record, families), the
facts from the vocabulary (type, values, Dutch wording, question or doc). A fact added to the
vocabulary appears in both with no code change.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .diagnostics import Diagnostic, InputError, did_you_mean, one_of
from .facts.model import special_values
from .vocabulary import FactSpec, Vocabulary

TEMPLATES_FILE = "templates.yaml"
WIDTH = 100

KIND_WORDS = {
    "en": {"bool": "yes/no", "int": "whole number", "decimal": "number", "date": "date (YYYY-MM-DD, or YYYY-MM)",
           "enum": "one of", "set": "list of", "text": "text", "country": "country code (NL, AT …)"},
    "nl": {"bool": "ja/nee", "int": "geheel getal", "decimal": "getal", "date": "datum (JJJJ-MM-DD, of JJJJ-MM)",
           "enum": "een van", "set": "lijst van", "text": "tekst", "country": "landcode (NL, AT …)"},
}
TYPE_WORDS = {
    "en": {"bool": "yes/no", "int": "whole number", "decimal": "number", "date": "date", "enum": "choice",
           "set": "list", "text": "text", "country": "country code"},
    "nl": {"bool": "ja/nee", "int": "geheel getal", "decimal": "getal", "date": "datum", "enum": "keuze",
           "set": "lijst", "text": "tekst", "country": "landcode"},
}
WORDS: dict[str, dict[str, Any]] = {
    "en": {"fact": "fact", "type": "type", "values": "allowed values", "question": "question",
           "any": "any texts", "null": "null (a stated absence)", "derived": "derived: or state its inputs",
           "head": ("normcheck case file from the template `{name}`: {title}.",
                    "Replace each `unknown` by what the file shows; leave `unknown` where it says nothing. Write",
                    "`not_disclosed` where the authority has not disclosed a yes/no or list-of-values fact: the report",
                    "then asks for it. Dates are YYYY-MM-DD, or YYYY-MM when only the month is known. A fact you delete",
                    "is unknown too. Never write names, V-numbers, BSNs or other personal data.",
                    "Check it with: normcheck FILE (the README's 'Case files' explains every key)."),
           "id": "anonymised reference: never a name, V-number or BSN",
           "as_of": "evaluation date (optional; default: the decision date)",
           "facts": "facts (rules/vocabulary/*.yaml; `normcheck schema --family F` lists them)"},
    "nl": {"fact": "feit", "type": "soort", "values": "toegestane waarden", "question": "vraag",
           "any": "vrije teksten", "null": "null (uitdrukkelijk afwezig)", "derived": "afgeleid: of vermeld de gegevens waaruit het volgt",
           "head": ("normcheck-casusbestand volgens het sjabloon `{name}`: {title}.",
                    "Vervang elke `unknown` door wat het dossier laat zien; laat `unknown` staan waar het niets zegt. Schrijf",
                    "`not_disclosed` waar de autoriteit een ja/nee-feit of een keuzefeit niet openbaar heeft gemaakt: het",
                    "rapport vraagt er dan om. Datums als JJJJ-MM-DD, of JJJJ-MM als alleen de maand bekend is. Een feit",
                    "dat u weghaalt, is ook onbekend. Schrijf nooit namen, V-nummers, BSN's of andere persoonsgegevens.",
                    "Controleer het met: normcheck BESTAND (de README, 'Case files', beschrijft elke sleutel)."),
           "id": "geanonimiseerd kenmerk: nooit een naam, V-nummer of BSN",
           "as_of": "peildatum (optioneel; standaard de beslisdatum)",
           "facts": "feiten (rules/vocabulary/*.yaml; `normcheck schema --family F` somt ze op)"},
}


@dataclass(frozen=True)
class Template:
    name: str
    titles: dict[str, str]
    record_type: str
    families: tuple[str, ...]

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name


def load_templates(rules: Path, vocabulary: Vocabulary) -> dict[str, Template]:
    """The templates of `rules/templates.yaml`; every family they name must be a vocabulary family. (Read by
    ruamel.yaml's own parser, `pure=True`, as every YAML file of normcheck's: where ruamel.yaml.clib is installed,
    `YAML(typ="safe")` would take libyaml's parser, which reads YAML 1.1, not 1.2.)"""
    path = rules / TEMPLATES_FILE
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise InputError([Diagnostic(str(path), None, None, f"cannot read the case-file templates ({type(exc).__name__})",
                                     code="NC-F020")]) from None
    out: dict[str, Template] = {}
    problems = []
    for name, spec in ((data or {}).get("templates") or {}).items():
        families = tuple(str(f) for f in spec.get("families") or ())
        for fam in families:
            if fam not in vocabulary.families:
                problems.append(Diagnostic(str(path), None, None, f"template `{name}` names unknown family `{fam}`",
                                           expected=one_of(vocabulary.families), code="NC-F020"))
        record_type = str(spec.get("record_type") or vocabulary.default_record_type)  # kinds: rules/families.yaml
        kinds = [k.id for k in vocabulary.record_types]
        if kinds and record_type not in kinds:
            problems.append(Diagnostic(str(path), None, None, f"template `{name}` names unknown record type `{record_type}`",
                                       expected=one_of(kinds), code="NC-F020"))
        titles = spec.get("title") or {}
        out[str(name)] = Template(str(name), {str(k): str(v) for k, v in (titles.items() if isinstance(titles, dict) else ())},
                                  record_type, families)
    if problems:
        raise InputError(problems)
    return out


def pick(templates: dict[str, Template], name: str) -> Template:
    if name not in templates:
        raise InputError([Diagnostic("--template", None, None, f"no template `{name}`", expected=one_of(sorted(templates)),
                                     hint=did_you_mean(name, templates), code="NC-C001")])
    return templates[name]


def family_facts(vocabulary: Vocabulary, family: str) -> list[FactSpec]:
    """A family's facts in the vocabulary's order (`record_type` is a key of its own in a case file)."""
    return [s for s in vocabulary.facts.values() if s.family == family and s.name != "record_type"]


def question(spec: FactSpec, lang: str) -> str:
    """What to ask for this fact: its `question` in `lang` where the vocabulary has one, else its doc."""
    return (spec.text("question", lang) or spec.doc or spec.name).strip()


def allowed(spec: FactSpec, lang: str, *, labels: bool = True) -> str:
    """The values a fact takes, in words: its own values (with the Dutch wording in a Dutch text), then the
    words every such fact takes."""
    w = WORDS[lang]
    kind = KIND_WORDS[lang][spec.kind]
    if spec.kind in ("enum", "set"):
        if spec.values is None:
            own = w["any"]
        else:
            own = ", ".join(f"{v} ({spec.label(v, lang)})" if labels and lang != "en" and spec.label(v, lang) else v
                            for v in spec.values)
        text = f"{kind}: {own}"
        if spec.kind == "set":
            text += ", [] " + ("(geen)" if lang == "nl" else "(none)")
    elif spec.kind == "bool":
        text = "true, false" + (" (ja, nee)" if lang == "nl" else "")
    else:
        text = kind
        if spec.range is not None and spec.kind in ("int", "decimal"):
            lo, hi = (f"{v:,}" if lang == "en" else f"{v:,}".replace(",", ".") for v in spec.range)
            text += f" ({lo} {'to' if lang == 'en' else 'tot'} {hi})"
    extra = list(special_values(spec))
    if spec.nullable:
        extra.append(w["null"])
    return text + "; " + ", ".join(extra)


def _comment(text: str, indent: str) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), width=WIDTH - len(indent) - 2, break_long_words=False,
                          break_on_hyphens=False) or [""]
    return [f"{indent}# {line}" for line in lines]


def template_text(tpl: Template, vocabulary: Vocabulary, lang: str) -> str:
    """The commented case file: every fact of the template's families, each `unknown` until filled in."""
    w = WORDS[lang]
    out = [f"# {line}".rstrip() for line in "\n".join(w["head"]).format(name=tpl.name, title=tpl.title(lang)).split("\n")]
    out += ["normcheck: 1", f"id: {tpl.name}-0001".ljust(32) + f"# {w['id']}", f"record_type: {tpl.record_type}",
            "# as_of: 2025-01-31".ljust(32) + f"# {w['as_of']}", "facts:".ljust(32) + f"# {w['facts']}"]
    for family in tpl.families:
        out += ["", f"  # ── {vocabulary.title(family, lang)} ──"]
        for spec in family_facts(vocabulary, family):
            out += _comment(question(spec, lang), "  ")
            note = f" ({w['derived']})" if spec.derived else ""
            out += _comment(f"{w['values']}: {allowed(spec, lang)}{note}", "  ")
            out.append(f"  {spec.name}: unknown")
    return "\n".join(out) + "\n"


def write_new(text: str, output: str | None, stdout: TextIO) -> None:
    """To standard output, or to a new file: an existing file is never overwritten."""
    if output is None:
        stdout.write(text)
        return
    path = Path(output)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        raise InputError([Diagnostic(output, None, None, "this file already exists; normcheck new never overwrites a file",
                                     hint="give a new file name", code="NC-P009")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(output, None, None, f"cannot write the case file ({exc.strerror or exc})",
                                     code="NC-P006")]) from None


def schema_rows(vocabulary: Vocabulary, family: str, lang: str) -> list[tuple[str, str, str, str]]:
    if family not in vocabulary.families:
        raise InputError([Diagnostic("--family", None, None, f"no fact family `{family}`", expected=one_of(vocabulary.families),
                                     hint=did_you_mean(family, vocabulary.families), code="NC-C001")])
    rows = []
    for spec in family_facts(vocabulary, family):
        rows.append((spec.name, TYPE_WORDS[lang][spec.kind], allowed(spec, lang), question(spec, lang)))
    return rows


def print_schema(vocabulary: Vocabulary, family: str, lang: str, out: TextIO, terminal: bool) -> None:
    """A family's facts as a table: rich in a terminal, tab-separated lines when piped or redirected."""
    rows = schema_rows(vocabulary, family, lang)
    w = WORDS[lang]
    header = (w["fact"], w["type"], w["values"], w["question"])
    if not terminal:
        out.write(f"# {vocabulary.title(family, lang)}\n")
        for row in (header, *rows):
            out.write("\t".join(" ".join(c.split()) for c in row) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=vocabulary.title(family, lang), title_justify="left", show_lines=True, expand=True)
    for i, h in enumerate(header):
        table.add_column(h, overflow="fold", ratio=(2, 1, 3, 5)[i], no_wrap=False)
    for row in rows:
        table.add_row(*(" ".join(c.split()) for c in row))
    Console(file=out, force_terminal=True, highlight=False).print(table)

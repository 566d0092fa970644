"""`--format appeal` (Word, `-o FILE.docx`): the grounds of appeal as a .docx made with python-docx,
with Word's own heading and list styles, so a lawyer can take it into a brief as it is. Lays out
`report.appeal`. A binary format: `render` writes bytes (`BINARY`), never to a terminal."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import BinaryIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from ..appeal import AppealRecord, AppealView, Ground
from ..view import RunView

BINARY = True
_FIXED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # document dates fixed: the same input gives the same bytes


def _hyperlink(p: Paragraph, text: str, url: str) -> None:
    """A link to the official text (python-docx has no call that writes one)."""
    rel = p.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    props.append(colour)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    p._p.append(link)


def _labelled(doc: DocxDocument, label: str, text: str = "") -> Paragraph:
    p = doc.add_paragraph()
    p.add_run(label + ".").bold = True
    if text:
        p.add_run(" " + text)
    return p


def ground(doc: DocxDocument, g: Ground) -> None:
    doc.add_heading(g.heading, level=2)
    doc.add_paragraph().add_run(g.nature).italic = True
    _labelled(doc, g.finding_label, g.finding)
    _labelled(doc, g.law_label)
    for c in g.law:
        p = doc.add_paragraph(style="List Bullet")
        if c.url:
            _hyperlink(p, c.text, c.url)
        else:
            p.add_run(c.text)
    if g.law_applied:
        doc.add_paragraph(g.law_applied)
    if g.unverified_note:
        doc.add_paragraph().add_run(g.unverified_note).font.size = Pt(9)
    if g.facts:
        _labelled(doc, g.facts_label)
        for f in g.facts:
            doc.add_paragraph(f"{f.label}: {f.value}", style="List Bullet")
    _labelled(doc, g.counter_label, g.counter_intro or "")
    for text in g.counter:
        doc.add_paragraph(text)


def record(doc: DocxDocument, r: AppealRecord) -> None:
    doc.add_heading(r.heading, level=1)
    doc.add_paragraph(r.reference_line)
    doc.add_paragraph(r.intro)
    if r.failed:
        doc.add_paragraph(r.failed_text)
        for p in r.problems:
            doc.add_paragraph(p, style="List Bullet")
    for g in r.grounds:
        ground(doc, g)
    if r.no_grounds:
        doc.add_paragraph(r.no_grounds)
    doc.add_heading(r.annex_label, level=2)
    if not r.failed:
        doc.add_heading(r.questions_label, level=3)
        doc.add_paragraph(r.questions_intro)
    for q in r.questions:
        doc.add_paragraph(q, style="List Number")
    if r.references:
        doc.add_heading(r.references_label, level=3)
        for x in r.references:
            doc.add_paragraph(x, style="List Bullet")
    doc.add_heading(r.receipt_label, level=3)
    for x in r.receipt:
        doc.add_paragraph(x, style="List Bullet")


def render(run: RunView, out: BinaryIO) -> None:
    view = AppealView(run)
    doc = Document()
    props = doc.core_properties
    props.title, props.language, props.author = view.title, {"nl": "nl-NL"}.get(view.lang, "en-GB"), "normcheck"
    props.created = props.modified = _FIXED
    props.last_modified_by, props.revision = "normcheck", 1
    for i, r in enumerate(view.records):
        if i:
            doc.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated
        record(doc, r)
    buffer = io.BytesIO()
    doc.save(buffer)
    out.write(_steady(buffer.getvalue()))


def _steady(package: bytes) -> bytes:
    """The .docx (a zip) with fixed entry times: python-docx stamps each part with the time of saving."""
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return fixed.getvalue()

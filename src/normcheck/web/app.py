"""The local page: one form, generated from the vocabulary, and its findings.

Routes (every POST comes from the page's one form, whose buttons choose the action):
  GET  /                  an empty form (`?lang=nl` for Dutch)
  POST /check             check the case the form states, show the findings; the form stays filled
  POST /upload            fill the form from a case file (checked as a case file is), then check it
  POST /download/case     the case the form states, as a case file (YAML)
  POST /download/FORMAT   the findings in a format of the report layer (json, markdown, html, …)
  GET  /static/…          the stylesheet and icon (nothing is fetched from elsewhere)

Nothing is stored: a request is read into memory, answered, and forgotten; nothing is logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..diagnostics import Diagnostic
from ..vocabulary import FactSpec
from . import form as F
from . import i18n
from .pipeline import Checked, Pipeline, report_formats, report_fragment
from .security import MAX_BODY, Guard, HostPolicy

STATIC = Path(__file__).resolve().parent / "static"


class _InMemoryMultiPart(MultiPartParser):
    """Starlette's multipart parser, with an uploaded file kept in memory: the body is already in
    memory and limited (security.MAX_BODY), so a case file never touches the disk."""

    spool_max_size = 4 * MAX_BODY


@dataclass
class Page:
    """What one answer shows."""

    lang: str
    state: F.State
    checked: Checked | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)  # field key -> messages (page language)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)  # problems no field owns
    refused: str | None = None  # i18n key of the refusal banner
    notices: list[str] = field(default_factory=list)


def create_app(pipeline: Pipeline, hosts: HostPolicy, lang: str = "en") -> Any:
    """The ASGI app behind `normcheck serve`: the page, behind the security middleware."""
    env = Environment(loader=PackageLoader("normcheck.web", "templates"), autoescape=select_autoescape(("html",)),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    default_lang = lang if lang in i18n.LANGS else "en"
    formats = report_formats()
    known = set(F.keys(pipeline.form))

    def render(page: Page, status: int = 200) -> HTMLResponse:
        return HTMLResponse(env.get_template("page.html").render(**_context(pipeline, page, formats)), status_code=status)

    async def read(request: Request) -> tuple[F.State, str, UploadFile | None, FormData]:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("multipart/form-data"):
            parser: Any = _InMemoryMultiPart(request.headers, request.stream(), max_files=1, max_fields=5000,
                                             max_part_size=MAX_BODY)
        else:
            parser = FormParser(request.headers, request.stream())
        data = await parser.parse()
        state: F.State = {}
        upload = None
        for key, value in data.multi_items():
            if isinstance(value, UploadFile):
                upload = value if key == "upload" else upload
            elif key in known:
                state.setdefault(key, []).append(value)
        chosen = str(data.get("lang_switch") or data.get("lang") or default_lang)
        return state, chosen if chosen in i18n.LANGS else default_lang, upload, data

    def check(state: F.State, lang: str) -> Page:
        page = Page(lang, state)
        built = F.case_yaml(pipeline.form, state)
        for key, errs in built.errors.items():
            page.errors.setdefault(key, []).extend(i18n.t(lang, e) for e in errs)
        if page.errors:
            page.refused = "refused"
            return page
        display = _file_name(str(built.data.get("id", F.DEFAULT_ID)), "yaml")
        page.checked = pipeline.check(built.text, display, lang)
        _place(page, page.checked.problems, built, pipeline.form)
        if page.checked.refused:
            page.refused = "refused"
        return page

    async def index(request: Request) -> Response:
        lang = request.query_params.get("lang", default_lang)
        return render(Page(lang if lang in i18n.LANGS else default_lang, {}))

    async def do_check(request: Request) -> Response:
        try:
            state, lang, _upload, data = await read(request)
            if data.get("lang_switch") and not data.get("checked"):
                return render(Page(lang, state))  # a pristine form only changes language
            return render(check(state, lang))
        except MultiPartException:
            return PlainTextResponse("the form could not be read", status_code=400)
        except Exception:  # never a traceback with case data in a log: a plain page instead
            return _internal_error(env, default_lang)

    async def do_upload(request: Request) -> Response:
        try:
            state, lang, upload, _data = await read(request)
            if upload is None or not upload.filename:
                return render(Page(lang, state, general=[i18n.t(lang, "upload_help")], refused="refused_upload"))
            raw = await upload.read()
            display = Path(upload.filename).name[:80] or "case.yaml"
            case, problems = pipeline.read_upload(raw, display)
            if case is None:
                page = Page(lang, state, refused="refused_upload")
                page.general = [_where(d, lang) + i18n.diagnostic_text(d, lang, None, None) for d in problems]
                return render(page)
            new_state, notices = F.state_from_case(pipeline.form, case)
            page = check(new_state, lang)
            page.notices = notices
            return render(page)
        except MultiPartException:
            return PlainTextResponse("the form could not be read", status_code=400)
        except Exception:
            return _internal_error(env, default_lang)

    async def download(request: Request) -> Response:
        what = request.path_params["what"]
        try:
            state, lang, _upload, _data = await read(request)
            page = check(state, lang)
            checked = page.checked
            if checked is None or checked.refused:
                return render(page)
            case_id = str(checked.record.id if checked.record else F.DEFAULT_ID)
            if what == "case":
                return _attachment(checked.text, "application/yaml; charset=utf-8", _file_name(case_id, "yaml"))
            fmt = next((f for f in formats if f.name == what), None)
            if fmt is None or checked.run is None:
                return PlainTextResponse("no such format", status_code=404)
            return _attachment(fmt.render(checked.run, lang), fmt.media_type,
                               _file_name(f"{case_id}-{fmt.stem}", fmt.extension))
        except MultiPartException:
            return PlainTextResponse("the form could not be read", status_code=400)
        except Exception:
            return _internal_error(env, default_lang)

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/check", do_check, methods=["POST"]),
        Route("/upload", do_upload, methods=["POST"]),
        Route("/download/{what}", download, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes)
    return Guard(app, hosts)


def _internal_error(env: Environment, lang: str) -> HTMLResponse:
    return HTMLResponse(env.get_template("error.html").render(lang=lang, t=lambda k: i18n.t(lang, k)), status_code=500)


def _attachment(content: str | bytes, media_type: str, name: str) -> Response:
    body = content.encode("utf-8") if isinstance(content, str) else content
    return Response(body, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def _file_name(stem: str, ext: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:80] + "." + ext


def _where(d: Diagnostic, lang: str) -> str:
    if d.line is None:
        return ""
    return f"{i18n.t(lang, 'line')} {d.line}" + (f":{d.column}" if d.column else "") + ": "


def _place(page: Page, problems: list[Diagnostic], built: F.Built, form: F.CaseForm) -> None:
    """Put each problem next to the field whose line it names (the form wrote the case, so it knows
    which line states which field); the rest goes above the form."""
    for d in problems:
        key = built.lines.get(d.line or 0)
        kind, value = _field_kind(key, form), (F.first(page.state, key) if key else None)
        text = i18n.diagnostic_text(d, page.lang, kind, value)
        if key is None:
            page.general.append(text)
        elif d.severity == "error":
            page.errors.setdefault(key, []).append(text)
        else:
            page.warnings.setdefault(key, []).append(text)


def _field_kind(key: str | None, form: F.CaseForm) -> str | None:
    if key is None:
        return None
    if key.startswith("fact."):
        spec = form.vocabulary.get(key[5:])
        return spec.kind if spec else None
    return {"id": "id", "as_of": "date", "record_type": "enum"}.get(key)


# ---- the template's context ---------------------------------------------------------------------


def _field(spec: FactSpec, page: Page, form: F.CaseForm) -> dict[str, Any]:
    lang, state = page.lang, page.state
    key = F.fact_key(spec.name)
    question = spec.text("question", lang)
    help_text = spec.text("help", lang) or spec.doc
    help_lang = None
    if not spec.text("help", lang) and lang != "en":
        help_lang = "en"  # the vocabulary has this help text in English only
    label = question or spec.name.replace("_", " ").capitalize()
    widget = "choice" if spec.kind in F.CHOICE_KINDS else "boxes" if spec.kind == "set" and spec.values is not None \
        else "input"
    return {
        "key": key, "name": spec.name, "id": f"f-{spec.name}", "label": label,
        "label_lang": None if (question and dict(spec.question).get(lang)) or lang == "en" else "en",
        "help": help_text, "help_lang": help_lang, "kind": spec.kind, "widget": widget,
        "derived": spec.derived, "free_set": spec.kind == "set" and spec.values is None,
        "options": F.choice_options(spec, state, lang) if widget == "choice" else [],
        "boxes": F.boxes(spec, state, lang) if widget == "boxes" else [],
        "other": F.other_options(spec, state, lang) if widget != "choice" else [],
        "value": F.first(state, key) if widget == "input" else "",
        "input_type": F.input_type(spec),
        "errors": page.errors.get(key, []), "warnings": page.warnings.get(key, []),
    }


def _context(pipeline: Pipeline, page: Page, formats: Any) -> dict[str, Any]:
    lang, state, form = page.lang, page.state, pipeline.form
    checked = page.checked
    run = checked.run if checked is not None else None
    collect = []
    if run is not None and run.records:
        for c in run.records[0].facts_to_collect:
            spec = form.vocabulary.get(c.fact)
            collect.append({"fact": c.fact, "anchor": f"f-{c.fact}",
                            "label": (spec.text("question", lang) if spec else None) or c.fact.replace("_", " ").capitalize(),
                            "rules": ", ".join(c.could_change)})
    to_collect = {c["fact"] for c in collect}
    sections: list[dict[str, Any]] = []
    for s in form.sections:
        fields = [_field(spec, page, form) for spec in s.facts]
        count = F.stated_count(s, state)
        open_ = s.family in form.vocabulary.context or count > 0 or any(f["errors"] or f["warnings"] for f in fields) \
            or any(spec.name in to_collect for spec in s.facts)
        sections.append({"family": s.family, "title": form.vocabulary.title(s.family, lang), "fields": fields,
                         "count": count, "open": open_})
    policy = F.first(state, "policy")
    policies = [F.Option("", i18n.t(lang, "policy_none"), not policy)]
    policies += [F.Option(p.key, f"{p.id} ({p.key})", policy == p.key) for p in form.policies]
    if policy == "uploaded":
        policies.append(F.Option("uploaded", i18n.t(lang, "policy_uploaded"), True))
    top_errors = {k: page.errors.get(k, []) for k in F.TOP_FIELDS}
    labels = {f["key"]: f["label"] for sec in sections for f in sec["fields"]}
    error_links = [{"anchor": ("f-" + key[5:]) if key.startswith("fact.") else f"f-{key}",
                    "label": labels.get(key) or i18n.t(lang, key), "messages": " ".join(msgs)}
                   for key, msgs in page.errors.items()]
    return {
        "lang": lang, "other_langs": [x for x in i18n.LANGS if x != lang], "langs": i18n.LANGS,
        "t": lambda key, **kw: i18n.t(lang, key, **kw),
        "state_id": F.first(state, "id") or F.DEFAULT_ID, "state_as_of": F.first(state, "as_of"),
        "state_note": F.first(state, "note"), "policy_inline": F.first(state, "policy_inline"),
        "record_types": F.record_type_options(state, form.vocabulary, lang), "policies": policies,
        "top_errors": top_errors, "sections": sections, "formats": formats,
        "refused": page.refused, "general": page.general, "error_links": error_links, "notices": [i18n.t(lang, n) for n in page.notices],
        "report": Markup(report_fragment(run, lang)) if run is not None else None,
        "collect": collect, "checked": run is not None,
    }

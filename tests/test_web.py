"""`normcheck serve` without a browser: the form generated from the vocabulary, form ↔ case file,
the same findings as the command line, and the guards (Host, Origin, body limit, CSP, uploads)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest

pytest.importorskip("starlette")
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from normcheck.diagnostics import InputError
from normcheck.facts import load_record, yamlio
from normcheck.web import form as F
from normcheck.web.app import create_app
from normcheck.web.pipeline import Pipeline, report_formats
from normcheck.web.security import CSP, MAX_BODY, HostPolicy

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
SAME = {"origin": BASE}
AMV_183 = {
    "id": "amv-web-183", "record_type": "individual_case", "policy": "nl-amv-2025.yaml", "as_of": "2025-11-15",
    "fact.member_state": "NL", "fact.age_at_application_months": "183",
    "fact.is_unaccompanied_minor_at_application": "true", "fact.decision_date": "2025-10-27",
}


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="module")
def client(pipeline: Pipeline) -> TestClient:
    return TestClient(create_app(pipeline, HostPolicy(PORT)), base_url=BASE)


def levels(run) -> dict[str, tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    return {f"{f.rule}/{f.version}": (f.level, f.severity) for f in run.records[0].findings}


def errors_of(html: str) -> dict[str, str]:
    return {m.group(1): re.sub(r"\s+", " ", m.group(2)).strip()
            for m in re.finditer(r'<p class="error" id="([^"]+)-err">(.*?)</p>', html, re.S)}


# ---- the form is generated from the vocabulary ---------------------------------------------------


def test_every_fact_of_the_vocabulary_is_a_field_in_its_familys_section(client, pipeline):
    html = client.get("/").text
    vocabulary = pipeline.loaded.vocabulary
    for name in vocabulary.facts:
        if name == "record_type":
            assert 'name="record_type"' in html
            continue
        assert f'id="f-{name}"' in html, name
    for family in vocabulary.families:
        assert f'id="fam-{family}"' in html
        assert vocabulary.title(family, "en") in html
    # a norm family is collapsed until opened; the record's context is open
    assert re.search(r'<details class="family" id="fam-tq">', html)
    assert re.search(r'<details class="family" id="fam-record" open>', html)


def test_kinds_become_the_right_controls(client, pipeline):
    html = client.get("/").text
    assert re.search(r'<input type="date" id="f-decision_date"', html)
    assert re.search(r'<input type="number" id="f-age_at_application_months"', html)
    # a set fact with fixed values: one checkbox per value, and the "or" choice (none of these / unknown)
    spec = pipeline.loaded.vocabulary.get("basic_needs_provided")
    for value in spec.values:
        assert f'name="fact.basic_needs_provided" value="{value}"' in html
    select = re.search(r'<select id="f-basic_needs_provided-or".*?</select>', html, re.S).group(0)
    assert 'value="none"' in select and 'value="unknown"' in select
    # an enum: its values, unknown, and "not stated"
    select = re.search(r'<select id="f-adequate_reception_status".*?</select>', html, re.S).group(0)
    for value in pipeline.loaded.vocabulary.get("adequate_reception_status").values:
        assert f'value="{value}"' in select
    assert 'value="unknown"' in select and 'value=""' in select
    # a nullable date: "none (stated absence)"
    assert 'value="null"' in re.search(r'<select id="f-return_decision_date-or".*?</select>', html, re.S).group(0)
    # the policy records of cases/policies/ are offered
    for path in (ROOT / "cases" / "policies").glob("*.yaml"):
        assert f'<option value="{path.name}"' in html


def test_dutch_page_uses_the_vocabularys_dutch_wording(client):
    html = client.get("/?lang=nl").text
    assert '<html lang="nl">' in html
    assert ">vastgesteld niet beschikbaar<" in html  # adequate_reception_status, labels.nl
    assert "Alleenstaande minderjarigen en terugkeer" in html  # the family's Dutch title
    assert ">ja<" in html and ">onbekend<" in html
    # help text the vocabulary has in English only is marked as English for screen readers
    assert re.search(r'<p class="help" id="f-application_date-help" lang="en">', html)


def test_a_fact_added_to_a_copy_of_the_vocabulary_appears_in_the_form(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    with (rules / "vocabulary" / "tq.yaml").open("a", encoding="utf-8") as fh:
        fh.write('  guardian_visits_per_month:\n    type: enum\n    values: [none, monthly, weekly]\n'
                 '    labels: {nl: {none: "geen", monthly: "maandelijks", weekly: "wekelijks"}}\n'
                 '    question: {en: "How often did the guardian visit?", nl: "Hoe vaak bezocht de voogd?"}\n'
                 '    doc: "How often the guardian visited the minor."\n')
    p = Pipeline(str(rules))
    client = TestClient(create_app(p, HostPolicy(PORT)), base_url=BASE)
    html = client.get("/?lang=nl").text
    assert 'id="f-guardian_visits_per_month"' in html
    assert "Hoe vaak bezocht de voogd?" in html and ">wekelijks<" in html
    # and it is a fact like any other: stated in the form, it is in the case file checked
    r = client.post("/download/case", data={"fact.guardian_visits_per_month": "weekly"}, headers=SAME)
    assert "guardian_visits_per_month: weekly" in r.text


# ---- form ↔ case file ------------------------------------------------------------------------------


def test_the_form_writes_the_case_file_a_lawyer_would(pipeline):
    state = {k: [v] for k, v in AMV_183.items()}
    state["fact.basic_needs_provided"] = ["food", "shelter"]
    state["fact.return_decision_date.or"] = ["null"]
    state["fact.best_interests_assessment_documented"] = ["unknown"]
    built = F.case_yaml(pipeline.form, state)
    assert not built.errors
    doc = yamlio.load(built.text, "x.yaml")
    assert doc.data["id"] == "amv-web-183" and doc.data["member_state"] == "NL"
    assert doc.data["as_of"] == dt.date(2025, 11, 15)
    assert doc.data["policy"]["id"] == "nl-amv-2025"  # inlined: the file stands alone
    facts = doc.data["facts"]
    assert facts["age_at_application_months"] == 183 and facts["is_unaccompanied_minor_at_application"] is True
    assert facts["basic_needs_provided"] == ["shelter", "food"]  # vocabulary order
    assert facts["return_decision_date"] is None and facts["best_interests_assessment_documented"] == "unknown"
    assert "adequate_reception_status" not in facts  # not stated stays out: unknown, never false
    # each line that states a field is known, so an error can be shown next to the field
    line = next(i for i, text in enumerate(built.text.splitlines(), 1) if text.strip().startswith("age_at_application"))
    assert built.lines[line] == "fact.age_at_application_months"


def test_a_value_and_a_choice_both_given_is_an_error_at_the_field(client):
    r = client.post("/check", data={**AMV_183, "fact.age_at_application_months.or": "unknown"}, headers=SAME)
    assert "Give a value or make a choice, not both." in errors_of(r.text)["f-age_at_application_months"]
    r = client.post("/check", data={**AMV_183, "fact.age_at_application_months.or": "unknown", "lang": "nl"}, headers=SAME)
    assert "niet allebei" in errors_of(r.text)["f-age_at_application_months"]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), st.integers(-10**12, 10**12), st.booleans(), st.none(), st.dates(),
                 # numbers within the bounded-resources contract (README): at most 15 digits before the point
                 st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**12, max_value=10**12),
                 st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8), max_size=3)))
def test_written_values_read_back_as_themselves(value):
    text, _ = F.emit({"facts": {"x": value}})
    try:
        back = yamlio.load(text, "x.yaml").data["facts"]["x"]
    except InputError:
        pytest.fail(f"{value!r} was written as {text!r}, which does not load")
    if isinstance(value, Decimal):
        assert Decimal(back) == value
    else:
        assert back == value


BUNDLED = sorted(p for p in (ROOT / "cases").rglob("*.yaml") if "policies" not in p.parts)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT / "cases")))
def test_a_case_file_opened_in_the_form_gives_the_command_lines_findings(path, pipeline):
    """Upload → form → the case file the form writes → the same findings as `normcheck` on the file."""
    from normcheck.batch import evaluate_record

    cli = evaluate_record(load_record(path, pipeline.loaded.vocabulary), pipeline.loaded, pipeline.engine, "en")
    data, problems = pipeline.read_upload(path.read_bytes(), path.name)
    assert data is not None, [p.render() for p in problems]
    state, _notices = F.state_from_case(pipeline.form, data)
    built = F.case_yaml(pipeline.form, state)
    checked = pipeline.check(built.text, "web.yaml", "en")
    assert not checked.refused, [p.render() for p in checked.problems]
    assert levels(checked.run) == {f"{f.rule}/{f.version}": (f.level, f.severity) for f in cli.findings}
    assert [f.message for f in checked.run.records[0].findings] == [f.message for f in cli.findings]


# ---- checking, errors in the page's language, downloads -------------------------------------------


def test_check_shows_the_findings_and_keeps_the_form_filled(client):
    r = client.post("/check", data=AMV_183, headers=SAME)
    assert r.status_code == 200
    html = r.text
    assert "TQ-04a" in html and "Contested interpretation" in html
    assert "Case C-441/19 TQ, EU:C:2021:9" in html  # the sources, cited as the HTML report cites them
    assert "Facts to collect" in html and 'href="#f-' in html
    assert "Receipt" in html
    assert re.search(r'id="f-age_at_application_months" name="fact.age_at_application_months" value="183"', html)
    assert re.search(r'<option value="nl-amv-2025.yaml" selected>', html)


def test_an_input_error_appears_next_to_its_field_in_the_pages_language(client):
    bad = {**AMV_183, "fact.age_at_application_months": "fifteen", "fact.member_state": "Netherlands"}
    en = errors_of(client.post("/check", data=bad, headers=SAME).text)
    assert "whole number" in en["f-age_at_application_months"]
    assert "two-letter country code" in en["f-member_state"]
    nl = errors_of(client.post("/check", data={**bad, "lang": "nl"}, headers=SAME).text)
    assert nl["f-age_at_application_months"] == "Vul een geheel getal in, of kies onbekend."
    assert nl["f-member_state"].startswith("Vul een landcode van twee letters in")


def test_a_fact_stated_both_in_the_case_and_the_policy_is_refused_at_the_field(client):
    r = client.post("/check", data={**AMV_183, "fact.policy_permit_ends_at_majority": "true", "lang": "nl"}, headers=SAME)
    assert "staat ook in het gekozen beleid" in errors_of(r.text)["f-policy_permit_ends_at_majority"]


def test_switching_language_rechecks_in_dutch(client):
    r = client.post("/check", data={**AMV_183, "checked": "1", "lang_switch": "nl"}, headers=SAME)
    assert '<html lang="nl">' in r.text and "Omstreden uitleg" in r.text and "Nog te verzamelen feiten" in r.text


def test_downloads_offer_every_format_of_the_report_layer(client, pipeline):
    html = client.post("/check", data=AMV_183, headers=SAME).text
    for fmt in report_formats():
        assert f'formaction="/download/{fmt.name}"' in html
        r = client.post(f"/download/{fmt.name}", data=AMV_183, headers=SAME)
        assert r.status_code == 200 and r.headers["content-disposition"] == \
            f'attachment; filename="amv-web-183-{fmt.stem}.{fmt.extension}"'
        if fmt.extension == "docx":  # a Word document: read with python-docx
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
            assert text.startswith("Grounds of appeal") and "TQ-04a" in text
        else:
            assert "TQ-04a" in r.text
    assert {f.name for f in report_formats()} >= {"appeal", "appeal-html", "appeal-docx"}
    nl = client.post("/check", data={**AMV_183, "lang": "nl"}, headers=SAME).text
    assert "beroepsgronden (Word)" in nl
    case = client.post("/download/case", data=AMV_183, headers=SAME)
    assert case.headers["content-disposition"] == 'attachment; filename="amv-web-183.yaml"'
    # the downloaded case file is exactly the text that was checked: the command line agrees
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.yaml"
        path.write_text(case.text, encoding="utf-8")
        from normcheck.batch import evaluate_record
        cli = evaluate_record(load_record(path, pipeline.loaded.vocabulary), pipeline.loaded, pipeline.engine, "en")
    assert levels(pipeline.check(case.text, "x.yaml", "en").run) == {f"{f.rule}/{f.version}": (f.level, f.severity) for f in cli.findings}
    assert any(f.rule == "TQ-04a" and f.level == "CONTESTED" for f in cli.findings)


def test_a_refused_case_is_not_downloaded(client):
    r = client.post("/download/json", data={**AMV_183, "note": "Mr Ahmadi told the guardian"}, headers=SAME)
    assert r.headers["content-type"].startswith("text/html") and "content-disposition" not in r.headers
    assert "person&#39;s name" in errors_of(r.text)["f-note"]


# ---- nothing leaked --------------------------------------------------------------------------------


@pytest.mark.parametrize("field,value,expect", [
    ("note", "Mr Ahmadi came in May", "name"),
    ("note", "call 06-12345678", "phone"),
    ("note", "mail x.y@example.org", "e-mail"),
    ("fact.group_membership_claimed", "BSN 111222333", "BSN"),
    ("fact.group_membership_claimed", "naam: Jan Jansen", "name"),
])
def test_personal_data_in_a_field_is_refused_there(client, field, value, expect):
    r = client.post("/check", data={**AMV_183, field: value}, headers=SAME)
    errs = errors_of(r.text)
    key = "f-" + field.removeprefix("fact.")
    assert key in errs and expect.lower() in errs[key].lower().replace("citizen service number", "bsn"), errs
    assert 'id="refusal"' in r.text and '<div class="report">' not in r.text  # not checked
    nl = errors_of(client.post("/check", data={**AMV_183, field: value, "lang": "nl"}, headers=SAME).text)
    assert "persoonsgegevens" in nl[key] or "naam" in nl[key]


def _upload(client, text: bytes, name: str = "case.yaml", data: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post("/upload", data=data or {}, files={"upload": (name, text, "application/yaml")}, headers=SAME)


def test_upload_fills_the_form_and_checks_it(client):
    r = _upload(client, (ROOT / "cases/tq/tq04a-age-183-amv-2025.yaml").read_bytes())
    html = r.text
    assert 'value="amv-2025-0042"' in html
    assert re.search(r'<option value="nl-amv-2025.yaml" selected>', html)  # `policy: ../policies/…` matched by name
    assert "TQ-04a" in html and "Contested interpretation" in html
    assert "expect:" in html  # the notice that the pinned results are left out


@pytest.mark.parametrize("text,words", [
    (b"normcheck: 1\nid: a\nname: Jan Jansen\nfacts: {}\n", "personal data"),
    (b"normcheck: 1\nid: a\nfacts:\n  group_membership_claimed: 'Mr Ahmadi, Yazidi'\n", "name"),
    (b"normcheck: 1\nid: a\nfacts:\n  group_membership_claimed: '111222333'\n", "BSN"),
    (b"a: &a [1, 2]\nb: [*a, *a, *a]\n", "aliases"),
    (b"normcheck: 1\nid: a\nid: b\n", "twice"),
    (b"normcheck: 1\n<<: {id: a}\n", "merge keys"),
    (b"normcheck: 1\nid: a\npolicy: /etc/passwd\n", "not one of the policies"),
    (b"normcheck: 1\nid: a\npolicy: ../../../../etc/hostname\n", "not one of the policies"),
    (b"\xff\xfe not text", "UTF-8"),
    (b"normcheck: 1\nid: a\nfacts:\n  age_at_application_months: !!python/object:os.system x\n", "whole number"),
    (b"- just\n- a list\n", "mapping"),
])
def test_a_hostile_upload_is_refused(client, text, words):
    r = _upload(client, text)
    assert r.status_code == 200 and 'id="refusal"' in r.text, r.text[:300]
    refusal = re.search(r'<div class="alert".*?</div>', r.text, re.S).group(0)
    assert words.lower() in refusal.lower().replace("citizen service number", "bsn"), refusal
    assert "Jan Jansen" not in r.text and "Ahmadi" not in r.text  # personal data is not echoed back


def test_an_upload_over_the_case_file_limit_is_refused(client):
    big = b"normcheck: 1\nid: a\nnote: '" + b"x" * (yamlio.MAX_BYTES + 10) + b"'\n"
    r = _upload(client, big)
    assert "too large" in r.text or r.status_code == 413


def test_a_request_body_over_the_limit_is_refused(client):
    r = client.post("/check", content=b"x" * (MAX_BODY + 1), headers={**SAME, "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(MAX_BODY // 65536 + 2):
            yield b"y" * 65536
    r = client.post("/check", content=chunks(), headers={**SAME, "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


@pytest.mark.parametrize("host", ["evil.example:8765", "localhost.evil.example:8765", "127.0.0.1:9999", "localhost",
                                  "10.0.0.5:8765", "", "127.0.0.1.nip.io:8765"])
def test_a_foreign_host_header_is_refused(client, host):
    """DNS rebinding: a page of another site reaches the server under that site's host name."""
    assert client.get("/", headers={"host": host}).status_code == 421
    assert client.post("/check", data=AMV_183, headers={"host": host, "origin": f"http://{host}"}).status_code == 421


@pytest.mark.parametrize("host", ["localhost:8765", "127.0.0.1:8765", "[::1]:8765"])
def test_the_loopback_names_are_accepted(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200
    assert client.post("/check", data=AMV_183, headers={"host": host, "origin": f"http://{host}"}).status_code == 200


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"}, {"origin": "http://localhost:8765"}, {"origin": "null"}, {},
    {"origin": BASE, "sec-fetch-site": "cross-site"}, {"origin": "https://127.0.0.1:8765"},
])
def test_a_cross_site_post_is_refused(client, headers):
    r = client.post("/check", data=AMV_183, headers=headers)
    assert r.status_code == 403
    assert "TQ-04a" not in r.text


def test_every_response_has_a_strict_content_security_policy_and_no_inline_code(client):
    for r in (client.get("/"), client.post("/check", data=AMV_183, headers=SAME), client.get("/static/style.css"),
              client.get("/nowhere"), client.get("/", headers={"host": "evil.example:8765"})):
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"
    assert "script-src" not in CSP and "'unsafe-inline'" not in CSP and "default-src 'none'" in CSP
    html = client.post("/check", data=AMV_183, headers=SAME).text
    assert "<script" not in html and "<style" not in html and not re.search(r"\sstyle=", html)
    assert not re.search(r'(src|href)="(https?:)?//', re.sub(r'<div class="report">.*', "", html, flags=re.S))


def test_other_methods_are_refused(client):
    assert client.put("/check", headers=SAME).status_code == 405
    assert client.delete("/", headers=SAME).status_code == 405


def test_an_upload_never_touches_the_disk(client, monkeypatch):
    def refuse(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("a temporary file was created")
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    text = (ROOT / "cases/tq/tq04a-age-183-amv-2025.yaml").read_bytes()
    padded = text + b"\n# " + b"p" * (MAX_BODY - len(text) - 2000) + b"\n"  # near the limit: above the spool size
    r = _upload(client, padded)
    assert r.status_code == 200 and "TQ-04a" in r.text


def test_nothing_about_a_case_is_logged(client, caplog, capfd):
    caplog.set_level("DEBUG")
    client.post("/check", data={**AMV_183, "id": "secret-ref-77"}, headers=SAME)
    _upload(client, b"normcheck: 1\nid: secret-ref-78\nname: Jan Jansen\n")
    out, err = capfd.readouterr()
    for text in (caplog.text, out, err):
        assert "secret-ref-7" not in text and "Jan Jansen" not in text


def test_not_disclosed_is_offered_for_every_enum_and_bool_fact_and_only_there(pipeline):
    """`not_disclosed` (the authority has not disclosed it) is a choice wherever the case format takes it: every
    enum and bool fact; a date, a number or a list offers `unknown` only."""
    client = TestClient(create_app(pipeline, HostPolicy(PORT)), base_url=BASE)
    html = client.get("/").text
    for fid in ("f-adequate_reception_status", "f-return_decision_issued"):
        select = re.search(rf'<select id="{fid}".*?</select>', html, re.S).group(0)
        assert 'value="not_disclosed">not disclosed by the authority<' in select, fid
    for fid in ("f-decision_date-or", "f-basic_needs_provided-or"):
        select = re.search(rf'<select id="{fid}".*?</select>', html, re.S).group(0)
        assert 'value="unknown"' in select and "not_disclosed" not in select, fid
    page = client.post("/check", data={**AMV_183, "fact.return_decision_issued": "true",
                                       "fact.best_interests_assessment_documented": "not_disclosed"}, headers=SAME).text
    assert 'value="not_disclosed" selected' in page  # the form stays filled
    assert "Ask the authority to produce what it has not disclosed: best-interests assessment documented before the return decision" in page


def test_serve_refuses_an_address_other_machines_can_reach(capsys):
    from normcheck.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "not a loopback address" in err and "--allow-remote" in err


def test_serve_with_allow_remote_warns_and_accepts_ip_literals_only(monkeypatch, capsys):
    import uvicorn

    from normcheck.cli import main
    from normcheck.web import server

    seen = {}

    def fake_run(self, sockets=None):  # type: ignore[no-untyped-def]
        seen["app"] = self.config.app
        seen["port"] = sockets[0].getsockname()[1]
    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    real_bind = server.bind
    monkeypatch.setattr(server, "bind", lambda host, port: real_bind("127.0.0.1", 0))  # no real network address in tests
    assert main(["serve", "--host", "192.0.2.10", "--allow-remote", "--port", "0"]) == 0
    out = capsys.readouterr()
    assert "warning" in out.err and "not a loopback address" in out.err
    hosts = seen["app"].hosts
    assert hosts.allows(f"192.0.2.10:{seen['port']}") and hosts.allows(f"localhost:{seen['port']}")
    assert not hosts.allows(f"evil.example:{seen['port']}")  # DNS rebinding needs a name: names stay refused


def test_a_warning_is_shown_at_its_field_and_the_case_is_still_checked(client):
    r = client.post("/check", data={**AMV_183, "fact.age_at_application_months": "", "fact.date_of_birth": "2010-02-01",
                                     "fact.application_date": "2025-05-12", "lang": "nl"}, headers=SAME)
    warning = re.search(r'<p class="warn" id="f-date_of_birth-warn">(.*?)</p>', r.text, re.S)
    assert warning and "geboortedatum is een persoonsgegeven" in warning.group(1)
    assert '<div class="report">' in r.text and 'id="refusal"' not in r.text


def test_a_derived_fact_that_contradicts_its_inputs_is_an_error_at_that_field(client):
    r = client.post("/check", data={**AMV_183, "fact.date_of_birth": "2010-01-01", "fact.application_date": "2025-05-12",
                                     "lang": "nl"}, headers=SAME)  # 184 months, not the 183 stated
    assert "klopt niet met wat de andere feiten geven (184)" in errors_of(r.text)["f-age_at_application_months"]
    assert '<div class="report">' not in r.text


def test_a_forged_record_type_is_refused_at_its_field(client):
    r = client.post("/check", data={**AMV_183, "record_type": "person", "lang": "nl"}, headers=SAME)
    assert errors_of(r.text)["f-record_type"] == "Kies een van de genoemde waarden."


def test_an_internal_error_shows_a_plain_page_and_logs_nothing(pipeline, monkeypatch, caplog, capfd):
    def broken(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret-ref-99 leaked into an exception")
    monkeypatch.setattr(pipeline, "check", broken)
    client = TestClient(create_app(pipeline, HostPolicy(PORT)), base_url=BASE, raise_server_exceptions=False)
    r = client.post("/check", data={**AMV_183, "id": "secret-ref-99"}, headers=SAME)
    assert r.status_code == 500 and "internal error in normcheck" in r.text.lower()
    assert "secret-ref-99" not in r.text
    out, err = capfd.readouterr()
    assert "secret-ref-99" not in caplog.text + out + err


def test_dutch_page_words_an_unknown_key_with_its_name():
    """A page text with its own {key} placeholder (i18n.t took `key` as its own argument and failed)."""
    from normcheck.diagnostics import Diagnostic
    from normcheck.web import i18n

    d = Diagnostic("case.yaml", 4, 3, "unknown fact `age_at_aplication_months`")
    assert "`age_at_aplication_months`" in i18n.diagnostic_text(d, "nl", None, None)
    assert "`id`" in i18n.diagnostic_text(Diagnostic("case.yaml", 1, 1, "the file has no `id`"), "nl", None, None)

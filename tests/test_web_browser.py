"""`normcheck serve` in a real browser: Debian's headless Chromium, driven by Selenium through
Debian's chromedriver (nothing is downloaded). One server and one browser for the whole session.

The screenshots are saved under the session's temporary folder (or $NORMCHECK_SCREENSHOTS).
In CI (`CI` set) a missing Chromium is a failure, not a skip: `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CASE_ID = "e2e-amv-183"

if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
    if os.environ.get("CI"):
        raise RuntimeError("Chromium and chromedriver are needed for the browser tests: apt-get install chromium chromium-driver")
    pytest.skip("no Chromium here (apt-get install chromium chromium-driver)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="session")
def server():
    """`normcheck serve --port 0` as a user starts it; its whole output is kept to check that it
    says nothing about the cases it saw."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-c", "from normcheck.cli import main; raise SystemExit(main())",
                             "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, cwd=ROOT)
    first = proc.stdout.readline()  # type: ignore[union-attr]
    match = re.search(r"http://127\.0\.0\.1:\d+/", first)
    assert match, first
    output = [first]
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    yield match.group(0), output
    proc.terminate()
    proc.wait(timeout=10)
    reader.join(timeout=5)


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    out = Path(os.environ.get("NORMCHECK_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="session")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def browser(tmp_path_factory, downloads):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=en-US",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
                 # nothing but this machine can be reached: the page must work offline
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    size(driver, 1280, 800)
    yield driver
    driver.quit()


def size(driver, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    """The page's viewport at exactly width × height CSS pixels."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def wait_for(driver, css: str, timeout: float = 20):  # type: ignore[no-untyped-def]
    return WebDriverWait(driver, timeout).until(lambda d: d.find_element(By.CSS_SELECTOR, css))


def submit(driver, button_id: str) -> None:  # type: ignore[no-untyped-def]
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, button_id).click()
    WebDriverWait(driver, 30).until(lambda d: _stale(old))


def _stale(element) -> bool:  # type: ignore[no-untyped-def]
    try:
        _ = element.tag_name  # raises once the element has left the page
        return False
    except Exception:
        return True


def open_section(driver, family: str) -> None:  # type: ignore[no-untyped-def]
    details = driver.find_element(By.ID, f"fam-{family}")
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()


def type_date(driver, field_id: str, iso: str) -> None:  # type: ignore[no-untyped-def]
    """Type a date as a person does into Chromium's date field (en-US: month, day, year)."""
    y, m, d = iso.split("-")
    el = driver.find_element(By.ID, field_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus()", el)  # as by Tab: the first part
    el.send_keys(m + d + y)
    assert el.get_attribute("value") == iso, el.get_attribute("value")


def finding(driver, rule: str):  # type: ignore[no-untyped-def]
    """The finding box of `rule` in the findings column."""
    for box in driver.find_elements(By.CSS_SELECTOR, "#findings .report div.f"):
        if box.find_element(By.TAG_NAME, "h5").text.startswith(rule + " "):
            return box
    raise AssertionError(f"{rule} is not among the findings")


def fill_amv_183(driver, url: str) -> None:  # type: ignore[no-untyped-def]
    """An unaccompanied minor of 15 years and 3 months (183 months) under the 2025 amv policy."""
    driver.get(url)
    field = driver.find_element(By.ID, "f-id")
    field.clear()
    field.send_keys(CASE_ID)
    Select(driver.find_element(By.ID, "f-policy")).select_by_value("nl-amv-2025.yaml")
    type_date(driver, "f-as_of", "2025-11-15")
    driver.find_element(By.ID, "f-member_state").send_keys("NL")
    type_date(driver, "f-decision_date", "2025-10-27")
    open_section(driver, "tq")
    driver.find_element(By.ID, "f-age_at_application_months").send_keys("183")
    type_date(driver, "f-application_date", "2025-05-12")
    Select(driver.find_element(By.ID, "f-is_unaccompanied_minor_at_application")).select_by_value("true")
    Select(driver.find_element(By.ID, "f-return_decision_issued")).select_by_value("true")
    type_date(driver, "f-return_decision_date", "2025-10-27")
    Select(driver.find_element(By.ID, "f-adequate_reception_status")).select_by_value("assessment_pending")
    Select(driver.find_element(By.ID, "f-reception_assessment_before_return_decision")).select_by_value("false")
    Select(driver.find_element(By.ID, "f-best_interests_assessment_documented")).select_by_value("unknown")


def wait_download(folder: Path, name: str, timeout: float = 20) -> Path:
    path = folder / name
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.is_file() and not list(folder.glob("*.crdownload")):
            return path
        time.sleep(0.1)
    raise AssertionError(f"{name} was not downloaded (folder holds {sorted(p.name for p in folder.iterdir())})")


def test_whole_path_fill_check_dutch_download_and_the_command_line_agrees(server, browser, shots, downloads):
    url, _output = server
    fill_amv_183(browser, url)
    submit(browser, "check-top")
    wait_for(browser, "#findings .report")
    box = finding(browser, "TQ-04a")
    assert "CONTESTED" in box.get_attribute("class")
    assert "183" in box.text and "C-441/19" in box.text
    assert browser.find_element(By.ID, "f-age_at_application_months").get_attribute("value") == "183"  # still filled
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", box)
    browser.save_screenshot(str(shots / "1-findings-en.png"))

    submit(browser, "lang-nl")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    box = finding(browser, "TQ-04a")
    assert "CONTESTED" in box.get_attribute("class")
    assert "Omstreden uitleg" in browser.find_element(By.ID, "findings").text
    assert browser.find_element(By.ID, "f-age_at_application_months").get_attribute("value") == "183"
    assert Select(browser.find_element(By.ID, "f-policy")).first_selected_option.get_attribute("value") == "nl-amv-2025.yaml"
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", box)
    browser.save_screenshot(str(shots / "2-findings-nl.png"))

    browser.find_element(By.ID, "download-case").click()
    case = wait_download(downloads, f"{CASE_ID}.yaml")
    browser.find_element(By.ID, "download-json").click()
    page_json = json.loads(wait_download(downloads, f"{CASE_ID}-findings.json").read_text(encoding="utf-8"))
    cli = subprocess.run([sys.executable, "-c", "from normcheck.cli import main; raise SystemExit(main())",
                          "--format", "json", "--lang", "nl", "--fail-on", "never", str(case)],
                         capture_output=True, text=True, cwd=ROOT)
    assert cli.returncode == 0, cli.stderr
    cli_json = json.loads(cli.stdout)

    def essence(run):  # type: ignore[no-untyped-def]
        return [(f["rule"], f["version"], f["level"], f["severity"], f["title"], f["message"], f["missing_facts"])
                for f in run["records"][0]["findings"]]

    assert essence(cli_json) == essence(page_json)
    assert ("TQ-04a", None, "CONTESTED", "high") in {e[:4] for e in essence(cli_json)}
    assert cli_json["records"][0]["facts_to_collect"] == page_json["records"][0]["facts_to_collect"]


def test_an_uploaded_file_with_a_name_in_it_is_refused(server, browser, shots, tmp_path):
    url, _output = server
    browser.get(url + "?lang=nl")
    hostile = tmp_path / "client.yaml"
    hostile.write_text("normcheck: 1\nid: upload-1\nnote: Mr Ahmadi arrived alone\nfacts:\n"
                       "  age_at_application_months: 183\n", encoding="utf-8")
    browser.find_element(By.ID, "f-upload").send_keys(str(hostile))
    submit(browser, "upload-button")
    refusal = browser.find_element(By.ID, "refusal")
    assert "Het bestand is geweigerd" in refusal.text and "naam" in refusal.text
    assert "Ahmadi" not in browser.page_source
    assert not browser.find_elements(By.CSS_SELECTOR, "#findings .report")
    browser.save_screenshot(str(shots / "3-upload-refused-nl.png"))


def test_an_uploaded_case_file_fills_the_form(server, browser):
    url, _output = server
    browser.get(url)
    browser.find_element(By.ID, "f-upload").send_keys(str(ROOT / "cases/tq/tq04a-age-183-amv-2025.yaml"))
    submit(browser, "upload-button")
    assert browser.find_element(By.ID, "f-id").get_attribute("value") == "amv-2025-0042"
    assert Select(browser.find_element(By.ID, "f-adequate_reception_status")).first_selected_option.get_attribute("value") \
        == "assessment_pending"
    assert "CONTESTED" in finding(browser, "TQ-04a").get_attribute("class")


def test_a_name_typed_into_a_field_is_refused_next_to_it(server, browser, shots):
    url, _output = server
    fill_amv_183(browser, url)
    browser.find_element(By.ID, "f-note").send_keys("Mr Ahmadi told the guardian")
    submit(browser, "check-top")
    error = browser.find_element(By.ID, "f-note-err")
    assert "name" in error.text
    summary = browser.find_element(By.CSS_SELECTOR, '#refusal a[href="#f-note"]')  # the summary links to the field
    summary.click()
    assert browser.switch_to.active_element.get_attribute("id") == "f-note"
    assert browser.find_element(By.ID, "f-note").get_attribute("aria-invalid") == "true"
    assert not browser.find_elements(By.CSS_SELECTOR, "#findings .report")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", error)
    browser.save_screenshot(str(shots / "4-name-refused.png"))


@pytest.mark.parametrize("width,height", [(1280, 800), (1366, 768), (1024, 768)])
def test_no_horizontal_scrolling(server, browser, shots, width, height):
    url, _output = server
    size(browser, width, height)
    try:
        fill_amv_183(browser, url)
        submit(browser, "check-top")
        for details in browser.find_elements(By.CSS_SELECTOR, "details"):
            browser.execute_script("arguments[0].open = true", details)
        scroll, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert inner == width and scroll <= inner, (scroll, inner)
        if (width, height) == (1280, 800):
            browser.save_screenshot(str(shots / "5-all-open-1280x800.png"))
    finally:
        size(browser, 1280, 800)


def test_every_field_is_labelled_and_assets_load_under_the_csp(server, browser):
    url, _output = server
    browser.get_log("browser")  # drop what earlier tests left
    browser.get(url)
    unlabelled = browser.execute_script("""
        return [...document.querySelectorAll('input, select, textarea')]
          .filter(e => e.type !== 'hidden')
          .filter(e => !(e.labels && e.labels.length && [...e.labels].some(l => l.textContent.trim()))
                       && !e.getAttribute('aria-label'))
          .map(e => e.id || e.name);""")
    assert unlabelled == []
    fields = browser.execute_script("return document.querySelectorAll('input:not([type=hidden]), select, textarea').length")
    assert fields > 100
    # the stylesheet applied (served by normcheck itself, allowed by the CSP), nothing refused
    assert browser.execute_script("return getComputedStyle(document.querySelector('.top')).backgroundColor") \
        == "rgb(29, 63, 143)"
    problems = [e["message"] for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []


def test_keyboard_only(server, browser):
    url, _output = server
    browser.get(url)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    order = []
    for _ in range(14):
        active = browser.switch_to.active_element
        order.append(active.get_attribute("id") or active.get_attribute("class") or active.tag_name)
        outline = browser.execute_script(
            "const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]")
        assert outline[0] != "none" and outline[1] >= 2, (order[-1], outline)  # focus is visible
        active.send_keys(Keys.TAB)
    assert order[0] == "skip"
    expected = ["check-top", "lang-en", "lang-nl", "f-id", "f-record_type", "f-as_of", "f-policy", "f-note"]
    positions = [order.index(x) for x in expected]
    assert positions == sorted(positions), order
    # fill and check with the keyboard alone: type the reference, open a family, choose a value, press Enter
    field = browser.find_element(By.ID, "f-id")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("kbd-1")
    summary = browser.find_element(By.CSS_SELECTOR, "#fam-tq summary")
    browser.execute_script("arguments[0].focus()", summary)
    summary.send_keys(Keys.ENTER)
    assert browser.find_element(By.ID, "fam-tq").get_attribute("open") is not None
    age = browser.find_element(By.ID, "f-age_at_application_months")
    summary.send_keys(Keys.TAB)
    while browser.switch_to.active_element != age:
        browser.switch_to.active_element.send_keys(Keys.TAB)
    age.send_keys("183")
    old = browser.find_element(By.TAG_NAME, "html")
    age.send_keys(Keys.ENTER)  # Enter in a field checks the case (the first button of the form)
    WebDriverWait(browser, 30).until(lambda d: _stale(old))
    assert browser.find_element(By.ID, "f-id").get_attribute("value") == "kbd-1"
    assert browser.find_elements(By.CSS_SELECTOR, "#findings .report")


def test_text_contrast(server, browser):
    url, _output = server
    fill_amv_183(browser, url)
    browser.find_element(By.ID, "f-age_at_application_months").send_keys("x")  # an error shown too
    submit(browser, "check-top")
    low = browser.execute_script("""
        function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return m; }
        function lum(c) { return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]); }
        function ch(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
        function bg(e) {
          for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length < 4 || c[3] > 0) return c; }
          return [255, 255, 255];
        }
        const out = [];
        for (const e of document.querySelectorAll('body *')) {
          if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
          const r = e.getBoundingClientRect(); if (!r.width || !r.height) continue;
          const a = lum(rgb(getComputedStyle(e).color)), b = lum(bg(e));
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < 4.5) out.push([e.tagName, e.className, ratio.toFixed(2), e.textContent.trim().slice(0, 40)]);
        }
        return out;""")
    assert low == []


def test_the_server_logged_nothing_about_the_cases(server, browser):
    url, output = server
    browser.get(url)  # the other tests ran first, in this session, against this server
    text = "".join(output)
    assert CASE_ID not in text and "Ahmadi" not in text and "183" not in text
    assert text.startswith("normcheck serve: open http://127.0.0.1:")

"""Hostile input, by kind (issue: no hang, no lost batch, no foreign file quoted, no name let through).

Property-based: hypothesis generates hostile case files, rule files and command lines. Each input is bounded in
size (a case file stays under the 1 MB cap) and run under a time bound (SIGALRM); the batch tests run a real
`normcheck` process under memory and time limits. Every hostile file must give exit 2 / a failed result with a
line and column, never "internal error", and the other files of the batch must still be reported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normcheck import dsl
from normcheck.batch import check_files
from normcheck.check import check
from normcheck.cli import main
from normcheck.diagnostics import InputError
from normcheck.families import load_declarations

ROOT = Path(__file__).resolve().parent.parent
GOOD = ("normcheck: 1\nid: good-{n}\nrecord_type: individual_case\nmember_state: NL\nfacts:\n"
        "  age_at_application_months: 183\n  is_unaccompanied_minor_at_application: true\n"
        "  return_decision_issued: true\n  best_interests_assessment_documented: false\n")
HEAD = "normcheck: 1\nid: hostile-1\nrecord_type: individual_case\nmember_state: NL\n"
INT_FACTS = ["age_at_application_months", "procedure_duration_months", "persons_checked_period", "notice_days",
             "months_irregular_stay", "policy_permit_max_duration_months"]
DATE_FACTS = ["decision_date", "application_date", "return_decision_date", "control_start_date"]
SECRET = "hunter2-do-not-print"
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # large generated inputs
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block runs longer than `seconds`."""
    def _alarm(signum, frame):  # type: ignore[no-untyped-def]
        raise TimeoutError(f"took longer than {seconds} s: a hang")
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ---- hostile case files ----------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(16, 6000).map(lambda n: "9" * n),
    st.integers(16, 6000).map(lambda n: "-" + "1" * n),
    st.integers(14, 6000).map(lambda n: "0x" + "f" * n),
    st.tuples(st.sampled_from(["1", "-2.5", "7", "1.0"]), st.integers(7, 10**12)).map(lambda t: f"{t[0]}e{t[1]}"),
    st.integers(1, 40).map(lambda n: "1_" * n + "8"),
    st.sampled_from([".inf", "-.inf", ".nan", "0o777", "0b1010", "1e-999999", "1E+400", "12.5e3"]),
    st.integers(16, 400).map(lambda n: "1." + "3" * n),
)


@st.composite
def hostile_case(draw) -> tuple[str, bytes, int | None]:  # type: ignore[no-untyped-def]
    """(kind, file content, the line the error must name, or None if any line will do)."""
    kind = draw(st.sampled_from(["number", "date", "range", "deep_flow", "deep_block", "control", "nul", "utf16",
                                 "latin1", "separator", "many_keys", "many_values", "alias", "duplicate", "documents",
                                 "tab", "long_key", "version", "set_of_numbers"]))
    fact = draw(st.sampled_from(INT_FACTS))
    if kind == "number":
        return kind, (HEAD + f"facts:\n  {fact}: {draw(numbers)}\n").encode(), 6
    if kind == "date":
        year = draw(st.one_of(st.integers(1, 1899), st.integers(2101, 9999)))
        d = dt.date(year, draw(st.integers(1, 12)), draw(st.integers(1, 28))).isoformat()
        where = draw(st.sampled_from(["as_of", "fact"]))
        if where == "as_of":
            return kind, (HEAD + f"as_of: {d}\nfacts: {{}}\n").encode(), 5
        return kind, (HEAD + f"facts:\n  {draw(st.sampled_from(DATE_FACTS))}: {d}\n").encode(), 6
    if kind == "range":
        # outside every INT_FACTS range (notice_days may be negative: down to -36,600 days)
        value = draw(st.one_of(st.integers(-10**14, -36_601), st.integers(10**9 + 1, 10**14)))
        return kind, (HEAD + f"facts:\n  {fact}: {value}\n").encode(), 6
    if kind == "deep_flow":
        opener = draw(st.sampled_from(["[", "{a: ", "[{b: "]))
        n = draw(st.integers(21, 200_000 // len(opener)))
        return kind, (HEAD + "facts: " + opener * n + "\n").encode(), 5
    if kind == "deep_block":
        n = draw(st.integers(22, 300))
        return kind, (HEAD + "".join("  " * i + f"k{i}:\n" for i in range(n)) + "  " * n + "x: 1\n").encode(), None
    if kind == "control":
        c = draw(st.sampled_from(["\x1b", "\x07", "\x08", "\x7f", "\x0b", "\x0c", "\x1f"]))
        return kind, (HEAD + f"note: before{c}after\nfacts: {{}}\n").encode(), 5
    if kind == "nul":
        text = (HEAD + "note: hello\nfacts: {}\n").encode()
        pos = draw(st.integers(0, len(text) - 1))
        line = text[:pos].count(b"\n") + 1
        return kind, text[:pos] + b"\0" + text[pos:], line
    if kind == "utf16":
        return kind, (HEAD + "facts: {}\n").encode(draw(st.sampled_from(["utf-16-le", "utf-16-be"]))), None
    if kind == "latin1":
        word = draw(st.sampled_from(["café", "Müller-straße", "naïef", "été"]))
        return kind, (HEAD + f"note: {word}\nfacts: {{}}\n").encode("latin-1"), 5
    if kind == "separator":  # a U+2028/U+2029/NEL inside a value must not shift the line of a later error
        sep = draw(st.sampled_from(["\u2028", "\u2029", "\x85"]))
        return kind, (HEAD + f'note: "a{sep}b{sep}c"\nfacts:\n  {fact}: not-a-number\n').encode(), 7
    if kind == "many_keys":
        n = draw(st.integers(30, 24_000))
        return kind, (HEAD + "facts:\n" + "".join(f"  agee_{i}: 1\n" for i in range(n))).encode(), 6
    if kind == "many_values":
        n = draw(st.integers(30, 3000))
        return kind, (HEAD + "facts:\n  claim_grounds: [" + ", ".join(f"v{i}" for i in range(n)) + "]\n").encode(), 6
    if kind == "alias":
        return kind, (HEAD + "a: &x [1, 2]\nb: *x\n").encode(), 5
    if kind == "duplicate":
        return kind, (HEAD + f"facts:\n  {fact}: 1\n  {fact}: 2\n").encode(), 7
    if kind == "documents":
        return kind, (HEAD + "facts: {}\n---\n" + HEAD).encode(), 6
    if kind == "tab":
        return kind, (HEAD + f"facts:\n\t{fact}: 3\n").encode(), None
    if kind == "long_key":
        return kind, (HEAD + "facts:\n  " + "x" * draw(st.integers(1000, 500_000)) + ": 1\n").encode(), 6
    if kind == "version":
        return kind, (f"normcheck: {draw(st.sampled_from(['1.0', '1_0', '01.0', '2', 'true', '0x1']))}\nid: v-1\n").encode(), 1
    return kind, (HEAD + f"facts:\n  claim_grounds: [{draw(numbers)}]\n").encode(), 6


@settings(max_examples=70, **SETTINGS)
@given(case=hostile_case())
def test_hostile_case_files_fail_with_a_place_and_the_batch_goes_on(tmp_path_factory, loaded, evaluator_only, case) -> None:
    kind, content, line = case
    assert len(content) <= 1_000_000
    folder = tmp_path_factory.mktemp("batch")
    (folder / "a-good.yaml").write_text(GOOD.format(n="a"), encoding="utf-8")
    (folder / "b-hostile.yaml").write_bytes(content)
    (folder / "c-good.yaml").write_text(GOOD.format(n="c"), encoding="utf-8")
    files = sorted(folder.iterdir())
    with time_bound(30):
        results = list(check_files(files, loaded, evaluator_only, "en"))
    good_a, bad, good_c = results
    assert not good_a.failed and not good_c.failed and good_a.findings and good_c.findings
    assert bad.failed, (kind, bad)
    errors = [p for p in bad.problems if p.severity == "error"]
    text = "\n".join(p.render() for p in bad.problems)
    assert "internal error" not in text and "Traceback" not in text
    assert errors[0].line is not None and errors[0].column is not None, (kind, text)
    if line is not None:
        assert errors[0].line == line, (kind, text)
    assert len(bad.problems) <= 27, (kind, len(bad.problems))  # capped, with a count of the rest
    assert len(text) < 40_000


@settings(max_examples=15, **SETTINGS)
@given(target=st.sampled_from(["/etc/passwd", "../../../../../../etc/hostname", ".env", "secrets.yaml", "secrets.yml",
                               "notes.txt", "/dev/zero", "folder.yaml", "fifo.yaml", "empty.yaml", "list.yaml"]))
def test_a_policy_path_to_a_foreign_file_is_refused_without_quoting_it(tmp_path_factory, loaded, evaluator_only, target) -> None:
    folder = tmp_path_factory.mktemp("pol")
    (folder / ".env").write_text(f"PASSWORD={SECRET}\n")
    (folder / "secrets.yaml").write_text(f"password: {SECRET}\ntoken: {SECRET}\n")
    (folder / "secrets.yml").write_text(f"- {SECRET}\n")
    (folder / "notes.txt").write_text(f"{SECRET}\n")
    (folder / "empty.yaml").write_text("")
    (folder / "list.yaml").write_text(f"[{SECRET}, {{{{]\n")
    (folder / "folder.yaml").mkdir()
    os.mkfifo(folder / "fifo.yaml")
    case = folder / "case.yaml"
    case.write_text(HEAD + f"policy: {target}\nfacts: {{}}\n")
    with time_bound(20):
        (result,) = check_files([case], loaded, evaluator_only, "en")
    text = "\n".join(p.render() for p in result.problems) + json.dumps([p.model_dump() for p in result.problems])
    assert result.failed and SECRET not in text and "root:" not in text
    assert result.problems[0].line == 5 and result.problems[0].column == 9


# ---- a real process under memory and time limits ------------------------------------------------------

def _limits() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
    resource.setrlimit(resource.RLIMIT_CPU, (120, 120))


def test_a_folder_of_hostile_files_is_reported_whole_under_limits(tmp_path) -> None:
    """One process, 2 GiB of address space: every hostile kind at its largest, good files between them."""
    files = {
        "exp.yaml": HEAD + "facts:\n  age_at_application_months: 1e1000000000\n",
        "hex.yaml": HEAD + "facts:\n  age_at_application_months: 0x" + "f" * 5000 + "\n",
        "digits.yaml": HEAD + "facts:\n  age_at_application_months: " + "9" * 5000 + "\n",
        "date.yaml": HEAD + "facts:\n  decision_date: 9999-12-31\n",
        "deep.yaml": HEAD + "facts: " + "[" * 10_000 + "\n",
        "note.yaml": HEAD + "note: \"" + ("name" + " " * 50_000) * 17 + "\"\nfacts: {}\n",
        "keys.yaml": HEAD + "facts:\n" + "".join(f"  agee_{i}: 1\n" for i in range(24_000)),
        "set.yaml": HEAD + "facts:\n  claim_grounds: [" + ", ".join(f"v{i}" for i in range(2000)) + "]\n",
        "passwd.yaml": HEAD + "policy: /etc/passwd\nfacts: {}\n",
    }
    for i in range(0, 12):
        files[f"good-{i:02d}.yaml"] = GOOD.format(n=i)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = dict(os.environ, COLUMNS="100")
    proc = subprocess.run([sys.executable, "-m", "normcheck.cli", str(tmp_path), "--format", "json"], capture_output=True,
                          text=True, timeout=300, preexec_fn=_limits, env=env)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    records = {Path(r["file"]).name: r for r in json.loads(proc.stdout)["records"]}
    assert set(records) == set(files)
    for name, r in records.items():
        if name.startswith("good"):
            assert r["findings"] and not r["problems"], name
        elif name == "note.yaml":  # a long text is no error; it is only scanned (in linear time)
            assert not r["problems"], r["problems"][:2]
        else:
            errors = [p for p in r["problems"] if p["severity"] == "error"]
            assert errors and errors[0]["line"], (name, r["problems"][:2])
    assert len(proc.stderr.splitlines()) < 2000  # capped per file


# ---- hostile rule files --------------------------------------------------------------------------------

RULE = ('source HX "x" ecli "ECLI:EU:C:2021:9"\nrule HX-01\n  title en "t"\n  title nl "t"\n  cite HX "p" verified\n'
        '  level RISK severity low\n  en "m"\n  nl "m"\n  fires when {expr}\n')


@st.composite
def hostile_expr(draw) -> str:  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(["not", "and", "or", "if", "neg", "literal", "decimal", "add_months", "add_days", "parens",
                                 "otherwise", "arith"]))
    b = "is_unaccompanied_minor_at_application"
    n = draw(st.integers(65, 6000))
    if kind == "not":
        return "not " * n + b
    if kind in ("and", "or"):
        return f" {kind} ".join([b] * draw(st.integers(66, 25_000)))
    if kind == "if":
        return "if true then " * n + "true" + " else false" * n
    if kind == "neg":
        return "age_at_application_months > " + "- " * n + "1"
    if kind == "literal":
        return "age_at_application_months > " + "9" * draw(st.integers(16, 6000))
    if kind == "decimal":
        return "age_at_application_months > 1." + "5" * draw(st.integers(16, 6000))
    if kind in ("add_months", "add_days"):
        big = draw(st.one_of(st.integers(2401, 10**15), st.integers(-10**15, -73_001)))
        return f"{kind}(application_date, {big}) > decision_date"
    if kind == "parens":
        return "(" * n + b + ")" * n
    if kind == "otherwise":
        return "age_at_application_months" + " otherwise 1" * n + " > 3"
    return "age_at_application_months" + " + 1" * n + " > 3"


@settings(max_examples=50, **SETTINGS)
@given(expr=hostile_expr())
def test_hostile_rule_files_give_positions_not_crashes(loaded, expr: str) -> None:
    text = RULE.format(expr=expr)
    declarations = load_declarations(ROOT / "rules" / "families.yaml", "rules/families.yaml")
    with time_bound(30):
        try:
            parsed = dsl.parse(text, "rules/tq.norm")  # in place of the T.Q. family's rules
            check(loaded.vocabulary, [parsed], declarations)
        except InputError as exc:
            d = next(x for x in exc.diagnostics if x.severity == "error")
            assert d.file == "rules/tq.norm" and d.line == 9 and d.column, exc.render()[:500]
            assert "internal error" not in exc.render()


def test_lint_and_check_agree_on_a_hostile_rule(tmp_path, capsys) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    families = (rules / "families.yaml").read_text()  # a family of its own for the hostile rule
    (rules / "families.yaml").write_text(families.replace("\nfamilies:\n", '\nfamilies:\n  zz:\n    title: {en: "ZZ", nl: "ZZ"}\n'
                                                          "    record_types: [individual_case]\n    vocabulary: [tq.yaml]\n", 1))
    (rules / "zz.norm").write_text(RULE.format(expr="add_months(application_date, 99999999) > decision_date"))
    case = ROOT / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml"
    assert main(["lint", "--rules", str(rules)]) == 2
    lint_err = capsys.readouterr().err.replace("\n", "")  # the console wraps long lines
    assert main(["check", "--rules", str(rules), str(case)]) == 2
    check_err = capsys.readouterr().err.replace("\n", "")
    assert "zz.norm:9:43" in lint_err and "zz.norm:9:43" in check_err


# ---- hostile command lines --------------------------------------------------------------------------------

def _argv_fragments(tmp: Path) -> dict[str, list[list[str]]]:
    case = str(ROOT / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml")
    policy = str(ROOT / "cases" / "policies" / "nl-amv-2025.yaml")
    return {
        "paths": [[""], [case], [case, case], [str(tmp / "nowhere.yaml")], [str(tmp / "fifo.yaml")], [str(tmp / "dangling.yaml")],
                  [str(tmp / "empty-dir")], [case, "./" + os.path.relpath(case)]],
        "opts": [[], ["-o", str(tmp)], ["-o", "/nonexistent/x/report.md"], ["-o", case], ["-o", str(tmp / "r.md")],
                 ["--as-of", "9999-12-31"], ["--as-of", "0001-01-01"], ["--as-of", "2025-02-30"], ["--as-of", "x"],
                 ["--fail-on", "never"], ["--format", "markdown"], ["--format", "json"], ["--lang", "de"], ["--personal-data", "warn"],
                 ["-o", ""]],
        "sweep": [["sweep", policy, "--vary", v] for v in ("age_at_application_months=0..10:x", "age_at_application_months=-100..-1",
                                                           "age_at_application_months=0..99999999999", "age_at_application_months=5..1",
                                                           "age_at_application_months=0..10:0", "nope=0..1", "=", "age_at_application_months=a..b",
                                                           "age_at_application_months=0..10")]
                 + [["sweep", policy, "--vary", "age_at_application_months=0..3", "--set", s] for s in
                    ("procedure_duration_months=1e1000", "procedure_duration_months=-3", "x", "procedure_duration_months=[[[[",
                     "procedure_duration_months=" + "9" * 5000, "decision_date=9999-12-31", "is_unaccompanied_minor_at_application=&a b")],
    }


@settings(max_examples=40, **SETTINGS)
@given(data=st.data())
def test_hostile_command_lines_give_plain_errors(tmp_path_factory, capsys, monkeypatch, data) -> None:
    tmp = tmp_path_factory.mktemp("cli")
    (tmp / "empty-dir").mkdir()
    os.mkfifo(tmp / "fifo.yaml")
    (tmp / "dangling.yaml").symlink_to(tmp / "gone.yaml")
    frags = _argv_fragments(tmp)
    if data.draw(st.booleans()):
        argv = data.draw(st.sampled_from(frags["sweep"]))
    else:
        argv = data.draw(st.sampled_from(frags["paths"])) + data.draw(st.sampled_from(frags["opts"]))
    lang = data.draw(st.sampled_from([None, "de", "nl", ""]))
    if lang is None:
        monkeypatch.delenv("NORMCHECK_LANG", raising=False)
    else:
        monkeypatch.setenv("NORMCHECK_LANG", lang)
    with time_bound(60):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse refuses an option: its own plain message, exit 2
            code = exc.code
    out = capsys.readouterr()
    assert code in (0, 1, 2), (argv, code)
    assert "internal error" not in out.err + out.out and "Traceback" not in out.err, (argv, out.err[-500:])
    case = str(ROOT / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml")
    assert Path(case).read_text(encoding="utf-8").startswith("# README example")  # an input is never overwritten

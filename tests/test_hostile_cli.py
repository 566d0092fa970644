"""The command line against hostile use: plain errors, inputs never overwritten, quiet broken pipes, each file
checked once, special files never opened, `normcheck test` never passing what it could not read, and report
text that cannot drive a terminal or inject markup."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from normcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml"
A303 = ROOT / "cases" / "echr3" / "ind-e09-salah-sheekh-ashraf.yaml"
HOSTILE_TEXT = '"\\e[2J\\e[1;32mNo problem found <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) `c` | p\\n# h"'


def _hostile_a303(tmp_path: Path) -> Path:
    """A case whose text fact (interpolated into A3-03's message) holds escape sequences and markup."""
    lines = []
    for line in A303.read_text(encoding="utf-8").splitlines():
        if line.startswith("expect:"):
            break
        if line.strip().startswith("group_membership_claimed:"):
            line = "  group_membership_claimed: " + HOSTILE_TEXT
        lines.append(line)
    path = tmp_path / "hostile.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_terminal_output_shows_control_characters_escaped(tmp_path, capsys) -> None:
    path = _hostile_a303(tmp_path)
    main([str(path), "--fail-on", "never"])
    out = capsys.readouterr().out
    assert "No problem found" in out and "\x1b" not in out and "\\x1b[2J" in out


def test_markdown_output_escapes_markup(tmp_path, capsys) -> None:
    path = _hostile_a303(tmp_path)
    main([str(path), "--fail-on", "never", "--format", "markdown"])
    out = capsys.readouterr().out
    assert re.search(r"(?<!\\)<(?:script|img)", out) is None and re.search(r"(?<!\\)\]\(javascript", out) is None
    assert "\\<script\\>" in out and "\x1b" not in out
    assert not any(line.startswith("# h") for line in out.splitlines())


def test_output_file_checks(tmp_path, capsys) -> None:
    before = CASE.read_bytes()
    assert main([str(CASE), "-o", str(CASE)]) == 2
    assert main([str(CASE), "-o", str(tmp_path)]) == 2
    assert main([str(CASE), "-o", str(tmp_path / "nowhere" / "x.md")]) == 2
    err = capsys.readouterr().err
    assert "never overwrites" in err and "folder" in err and "does not exist" in err
    assert CASE.read_bytes() == before
    assert main([str(CASE), "-o", str(tmp_path / "r.md"), "--format", "markdown", "--fail-on", "never"]) == 0
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("#")


def test_small_ones(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NORMCHECK_LANG", "de")
    assert main([str(CASE)]) == 2
    assert "NORMCHECK_LANG" in capsys.readouterr().err
    monkeypatch.delenv("NORMCHECK_LANG")
    assert main([""]) == 2  # never the current folder
    assert "empty path" in capsys.readouterr().err
    assert main(["sweep", str(ROOT / "cases" / "policies" / "nl-amv-2025.yaml"), "--vary", "age_at_application_months=0..10:x"]) == 2
    assert main(["sweep", str(ROOT / "cases" / "policies" / "nl-amv-2025.yaml"), "--vary", "age_at_application_months=-100..-1"]) == 2
    err = capsys.readouterr().err
    assert "step" in err and "outside the range" in err and "internal error" not in err
    assert main([str(CASE), str(CASE), "./" + os.path.relpath(CASE), "--format", "json", "--fail-on", "never"]) == 0
    assert len(json.loads(capsys.readouterr().out)["records"]) == 1  # the same file given three times: checked once


def test_special_files_in_a_folder_get_a_warning_and_are_never_opened(tmp_path, capsys) -> None:
    policies = b"policy: " + str(ROOT / "cases" / "policies").encode() + b"/"
    (tmp_path / "good.yaml").write_bytes(CASE.read_bytes().replace(b"policy: ../policies/", policies))
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "gone.yaml")
    (tmp_path / "loop").symlink_to(tmp_path)
    code = main([str(tmp_path), "--format", "json", "--fail-on", "never"])
    out = capsys.readouterr()
    err = out.err.replace("\n", "")  # the console wraps long lines
    assert code == 0 and len(json.loads(out.out)["records"]) == 1
    assert "fifo.yaml: warning" in err and "dangling.yaml: warning" in err


def test_normcheck_test_reports_what_it_cannot_read(tmp_path, capsys) -> None:
    (tmp_path / "broken.yaml").write_text("normcheck: 1\nid: [\n", encoding="utf-8")
    quoted = CASE.read_text(encoding="utf-8").replace("\nexpect:", '\n"expect":').replace(
        "policy: ../policies/", f"policy: {ROOT / 'cases' / 'policies'}/")
    (tmp_path / "quoted.yaml").write_text(quoted, encoding="utf-8")
    code = main(["test", str(tmp_path)])
    out = " ".join(capsys.readouterr().out.split())  # the terminal wraps lines where it likes
    assert code == 2 and "broken.yaml" in out and "1 could not be read" in out
    assert "(1 case file with `expect:`" in out  # the quoted "expect": key is read, and its pins checked
    empty = tmp_path / "none"
    empty.mkdir()
    (empty / "plain.yaml").write_text("normcheck: 1\nid: plain-1\nfacts: {}\n", encoding="utf-8")
    assert main(["test", str(empty)]) == 2  # never "0 case files", exit 0


def test_a_closed_pipe_is_quiet_and_keeps_the_exit_code(tmp_path) -> None:
    """`normcheck … | head -1`: the run ends with the exit code it would have had, without a BrokenPipeError."""
    proc = subprocess.Popen([sys.executable, "-m", "normcheck.cli", str(ROOT / "cases" / "tq"), "--format", "json",
                             "--fail-on", "never"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 0, err[-1000:]
    assert "BrokenPipe" not in err and "Exception ignored" not in err

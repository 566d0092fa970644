"""The pytest plugin collects pins from the `expect:` keys alone and evaluates when a test runs: a
broken rule pack fails the tests (with the rule file's position), not the collection."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from normcheck.resources import grammar_path, rules_dir

CASE = """normcheck: 1
id: plugin-1
facts:
  is_unaccompanied_minor_at_application: true
  return_decision_issued: true
  best_interests_assessment_documented: false
expect:
  TQ-01: BREACH
  TQ-02: OK
"""


def _pytest(where: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NORMCHECK_DATA=str(data), NORMCHECK_NO_CACHE="1", NORMCHECK_NO_DURABLE="1")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args, str(where / "cases")],
                          capture_output=True, text=True, cwd=where, env=env)


def test_collection_reads_pins_and_running_evaluates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(rules_dir(), data / "rules")
    (data / "grammar").mkdir()
    shutil.copy(grammar_path(), data / "grammar" / grammar_path().name)
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "pin.yaml").write_text(CASE)

    done = _pytest(tmp_path, data, "-q")
    assert done.returncode == 1, done.stdout + done.stderr  # TQ-02 is pinned wrongly on purpose
    assert "1 failed, 1 passed" in done.stdout and "-level: OK" in done.stdout

    tq = data / "rules" / "tq.norm"
    tq.write_text(tq.read_text().replace("level BREACH severity high", "level BREACH severity", 1))
    listed = _pytest(tmp_path, data, "--collect-only", "-q")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "pin.yaml::TQ-01" in listed.stdout and "pin.yaml::TQ-02" in listed.stdout
    broken = _pytest(tmp_path, data, "-q")
    assert broken.returncode == 1 and "2 failed" in broken.stdout
    assert "tq.norm:" in broken.stdout and "Traceback" not in broken.stdout

"""The guard's name lists come from Faker once and from the cache folder after that (Faker's import
costs about a second per run); what is read back is data only, and a file others can write is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from normcheck.facts import guard

PROBE = ("import sys; from normcheck.facts import guard; names = guard.first_names(); "
         "print(len(names), 'faker' in sys.modules, 'Mohammed' in names)")


def _run(cache: Path) -> list[str]:
    env = {**os.environ, "NORMCHECK_CACHE": str(cache)}
    env.pop("NORMCHECK_NO_CACHE", None)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split() + [out.stderr]


def test_second_run_reads_the_list_without_importing_faker(tmp_path: Path) -> None:
    first = _run(tmp_path)
    second = _run(tmp_path)
    assert first[1] == "True" and second[1] == "False"  # Faker imported only to build the list
    assert first[0] == second[0] and int(first[0]) > 1000 and second[2] == "True"
    assert list((tmp_path / "normcheck").glob("namelist-first-names-*.json"))


def test_a_cache_file_others_can_write_is_refused_and_rebuilt(tmp_path: Path) -> None:
    _run(tmp_path)
    (cached,) = (tmp_path / "normcheck").glob("namelist-first-names-*.json")
    doc = json.loads(cached.read_text())
    doc["names"] = ["Nobody"]
    cached.write_text(json.dumps(doc))
    os.chmod(cached, 0o666)
    count, faker_loaded, has_name, stderr = _run(tmp_path)
    assert faker_loaded == "True" and has_name == "True" and int(count) > 1000
    assert "NC-I003" in stderr


def test_a_list_written_for_another_key_is_not_used(tmp_path: Path) -> None:
    _run(tmp_path)
    (cached,) = (tmp_path / "normcheck").glob("namelist-first-names-*.json")
    cached.write_text(json.dumps({"key": "something else", "names": ["Nobody"]}))
    os.chmod(cached, 0o600)
    count, _, has_name, _ = _run(tmp_path)
    assert has_name == "True" and int(count) > 1000


def test_without_a_cache_folder_the_list_is_built(monkeypatch) -> None:
    monkeypatch.setenv("NORMCHECK_NO_CACHE", "1")
    assert "Mohammed" in guard._cached_names("first-names", guard._build_first_names)

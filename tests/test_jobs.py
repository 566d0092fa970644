"""`normcheck -j N FOLDER`: N processes, the same report in the same order as one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from normcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_jobs_give_the_same_bytes_and_exit_code(tmp_path, capsys) -> None:
    folder = tmp_path / "cases"
    shutil.copytree(ROOT / "cases" / "tq", folder / "tq")
    shutil.copytree(ROOT / "cases" / "policies", folder / "policies")
    (folder / "tq" / "zz-broken.yaml").write_text("normcheck: 1\nid: broken\nfacts:\n  age_at_application_months: [\n")
    one = main(["--format", "json", str(folder)])
    out_one = capsys.readouterr().out
    many = main(["-j", "3", "--format", "json", str(folder)])
    out_many = capsys.readouterr().out
    assert (one, out_one) == (many, out_many)
    assert one == 2 and out_one.count('"file":') > 40
    with pytest.raises(SystemExit) as exc:  # argparse: a usage error
        main(["-j", "0", str(folder)])
    assert exc.value.code == 2

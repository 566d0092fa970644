"""The Schengen Borders Code rules apply the version of the Code in force on the day of the facts they
govern (issue 6): a notification by its date, a control period by its last day, a fine by the day of
the check - never by the review date. The pinned case files fix the levels; this test fixes the date
that chose the law (`judged_on`) and the version applied, which `expect:` blocks cannot pin, and that the
review date changes neither."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normcheck.cli import main

CASES = Path(__file__).resolve().parent.parent / "cases" / "sbc"

# (case file, rule, level, version applied, judged_on); judged_on None = the event date is unknown.
EXPECTED = [
    ("sbc-2023-fine-reviewed-2025.yaml", "SBC-05", "BREACH", "old Arts 25(4), 28, 29", "2023-11-11"),
    ("sbc-2023-fine-reviewed-2025.yaml", "SBC-09", "BREACH", "NW on old Art. 25(4)", "2023-11-11"),
    ("sbc-2023-fine-reviewed-2025.yaml", "SBC-10", "BREACH", "NW on old Art. 25(4)", "2023-08-01"),
    ("sbc-2023-fine-reviewed-2025.yaml", "SBC-07", "NOT_APPLICABLE", None, "2023-04-12"),
    ("sbc-2023-fine-check-date-unknown.yaml", "SBC-10", "BREACH", "NW on old Art. 25(4)", "2023-11-11"),
    ("at-2024-spanning-check-before.yaml", "SBC-10", "BREACH", "NW on old Art. 25(4)", "2024-06-20"),
    ("at-2024-spanning-check-before.yaml", "SBC-05", "CONTESTED", "Art. 25a", "2024-11-11"),
    ("at-2024-spanning-check-after.yaml", "SBC-10", "CONTESTED", "NW, amended Code", "2024-09-03"),
    ("at-2024-spanning-period.yaml", "SBC-10", "INSUFFICIENT_DATA", None, None),
    ("sbc-2024-04-notification-old-code.yaml", "SBC-06", "OK", "old Art. 27(1)", "2024-04-12"),
    ("sbc-2024-04-notification-old-code.yaml", "SBC-04", "OK", "old Art. 27(1)", "2024-04-12"),
    ("sbc-2024-04-notification-old-code.yaml", "SBC-02", "NOT_APPLICABLE", None, "2024-04-12"),
    ("sbc-2024-04-notification-old-code.yaml", "SBC-05", "OK", "Art. 25a", "2024-11-09"),
    ("sbc-2024-07-09-notification-no-assessment.yaml", "SBC-06", "OK", "old Art. 27(1)", "2024-07-09"),
    ("sbc-2024-07-10-notification-no-assessment.yaml", "SBC-06", "BREACH", "Art. 27(1) as amended", "2024-07-10"),
    ("sbc-notification-date-unknown-versions-differ.yaml", "SBC-06", "INSUFFICIENT_DATA", None, None),
    ("sbc-notification-date-unknown-versions-agree.yaml", "SBC-06", "BREACH", None, None),
    ("sbc-period-ends-2024-07-09.yaml", "SBC-05", "BREACH", "old Arts 25(4), 28, 29", "2024-07-09"),
    ("sbc-period-ends-2024-07-10.yaml", "SBC-05", "OK", "Art. 25a", "2024-07-10"),
    ("sbc-2025-fine-first-period.yaml", "SBC-10", "OK", "NW, amended Code", "2025-02-01"),
]


def _findings(capsys, *argv: str) -> dict[str, dict]:
    main(["--format", "json", "--all", *argv])
    out = capsys.readouterr().out
    return {f["rule"]: f for f in json.loads(out)["records"][0]["findings"]}


@pytest.mark.parametrize("case, rule, level, version, judged_on", EXPECTED,
                         ids=[f"{c[:-5]}:{r}" for c, r, *_ in EXPECTED])
def test_version_and_event_date(capsys, case, rule, level, version, judged_on) -> None:
    f = _findings(capsys, str(CASES / case))[rule]
    assert f["level"] == level
    assert f["judged_on"] == judged_on
    if version is not None:
        assert f["version"] == version
    if judged_on is None and level == "INSUFFICIENT_DATA":
        assert f["reason"] == "event_date_unknown"


@pytest.mark.parametrize("case", ["sbc-2023-fine-reviewed-2025.yaml", "sbc-2024-04-notification-old-code.yaml",
                                  "at-2024-spanning-check-before.yaml"])
def test_review_date_does_not_change_the_law(capsys, case) -> None:
    """The same file reviewed on the day of the facts and years later: same levels, same dates."""
    early = _findings(capsys, "--as-of", "2024-07-01", str(CASES / case))
    late = _findings(capsys, "--as-of", "2027-01-01", str(CASES / case))
    for rule in (r for r in early if r.startswith("SBC-")):
        assert (early[rule]["level"], early[rule]["judged_on"]) == (late[rule]["level"], late[rule]["judged_on"]), rule
        if early[rule]["judged_on"] is not None:  # an unknown event date must have been by the review: fewer candidates early
            assert early[rule]["version"] == late[rule]["version"], rule

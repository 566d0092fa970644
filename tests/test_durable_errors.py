"""An exception inside a durable-rules action (which durable-rules swallows into the session state)
is raised again by the adapter, whether the action ran directly or was chained."""

from __future__ import annotations

import datetime as dt

import pytest

from normcheck.engine import durable_adapter

pytestmark = pytest.mark.skipif(not durable_adapter.AVAILABLE, reason="durable-rules does not import on this Python")


class _Broken(dict):
    def setdefault(self, *args, **kwargs):
        raise ValueError("planted failure in an action")


def test_a_failing_action_is_raised_not_swallowed(engine, monkeypatch) -> None:
    case = {"record_type": "individual_case", "is_unaccompanied_minor_at_application": True,
            "return_decision_issued": True, "best_interests_assessment_documented": False}
    assert engine.run(case, dt.date(2025, 1, 1), case.keys()).disagreements == []
    monkeypatch.setattr(engine.durable, "_fired", _Broken())  # the state of this engine's actions
    with pytest.raises(RuntimeError, match=r"durable-rules action failed.*planted failure"):
        engine.run(case, dt.date(2025, 1, 1), case.keys())

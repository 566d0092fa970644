"""Law-time vs fact-time (design §5): the version of a norm is the one in force on the date of the
event it governs (`judged on`), not on the day of the review; an unknown event date leaves the
result open unless every candidate version agrees. Both engines must say the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from normcheck.engine import Engine
from normcheck.engine.evaluate import Evaluator, candidate_versions, covers_until
from normcheck.findings import later_case_law, law_applied
from normcheck.pack import load_pack
from normcheck.values import UNKNOWN

from conftest import families_yaml

VOCAB = """
family: t
facts:
  a: {type: bool}
  n: {type: int}
  event_date: {type: date}
  other_date: {type: date}
"""

RULES = '''
source S "A source" celex "32024R1717"
source CJ "CJEU 1 June 2024, X, C-1/24" ecli "ECLI:EU:C:2024:1" date 2024-06-01

rule V-1
  title en "t" title nl "t"
  cite S "Art. 1" verified
  version "old"
  valid until 2024-07-09
  judged on event_date
  fires when n > 6
  level BREACH severity high
  en "old m" nl "old m"

rule V-1
  title en "t" title nl "t"
  cite S "Art. 1" verified
  version "new"
  valid from 2024-07-10
  judged on event_date
  fires when n > 24
  level BREACH severity high
  en "new m" nl "new m"

rule W-1
  title en "t" title nl "t"
  cite S "Art. 2" verified
  valid from 2024-07-10
  judged on event_date otherwise other_date
  fires when a
  level RISK severity medium
  en "w" nl "w"

rule C-1
  title en "t" title nl "t"
  cite CJ "para 1" verified
  judged on event_date
  fires when a
  level BREACH severity high
  en "c" nl "c"

rule U-1
  title en "t" title nl "t"
  cite S "Art. 4" verified
  fires when a
  unless V-1 fires
  level RISK severity medium
  en "u" nl "u"

rule P-1
  title en "t" title nl "t"
  cite S "Art. 5" verified
  fires when V-1 fires and a
  level RISK severity low
  en "p" nl "p"

rule F-1
  title en "t" title nl "t"
  cite S "Art. 6" verified
  version "before"
  valid until 2026-06-30
  judged on event_date
  fires when a
  level RISK severity low
  en "f" nl "f"

rule F-1
  title en "t" title nl "t"
  cite S "Art. 6" verified
  version "after"
  valid from 2026-07-01
  judged on event_date
  fires when n > 1
  level RISK severity low
  en "f" nl "f"

rule Q-1
  title en "t" title nl "t"
  cite S "Art. 7" verified
  judged on event_date
  fires when a
  level INSUFFICIENT_DATA severity low
  en "q" nl "q"

rule E-1
  title en "t" title nl "t"
  cite S "Art. 3" verified
  valid from 2024-07-10
  judged on evaluation_date
  fires when a
  level RISK severity low
  en "e" nl "e"
'''

REVIEW = dt.date(2025, 11, 15)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    d = tmp_path_factory.mktemp("j") / "rules"
    (d / "vocabulary").mkdir(parents=True)
    (d / "vocabulary" / "t.yaml").write_text(VOCAB)
    (d / "families.yaml").write_text(families_yaml({"j": ["t.yaml"]}, "event_date"))
    (d / "j.norm").write_text(RULES)
    return load_pack(str(d)).pack


def result(pack: Any, facts: dict[str, Any], rule: str, as_of: dt.date = REVIEW) -> Any:
    _, results, _ = Evaluator(pack).evaluate(facts, as_of)
    return next(r for r in results if r.rule.id == rule)


def test_version_of_the_event_date_not_of_the_review(pack: Any) -> None:
    # 12 months of control, judged on an event of 2023 but reviewed in 2025: the old law applies
    r = result(pack, {"n": 12, "event_date": dt.date(2023, 8, 1)}, "V-1")
    assert (r.outcome, r.rule.version, r.judged_on) == ("BREACH", "old", dt.date(2023, 8, 1))
    assert "event_date" in r.decided
    r = result(pack, {"n": 12, "event_date": dt.date(2024, 7, 10)}, "V-1")
    assert (r.outcome, r.rule.version, r.judged_on) == ("OK", "new", dt.date(2024, 7, 10))
    # the review date changes nothing
    r = result(pack, {"n": 12, "event_date": dt.date(2024, 7, 9)}, "V-1", as_of=dt.date(2030, 1, 1))
    assert (r.outcome, r.rule.version) == ("BREACH", "old")


def test_unknown_event_date_open_unless_every_version_agrees(pack: Any) -> None:
    r = result(pack, {"n": 12}, "V-1")  # old: BREACH, new: OK
    assert (r.outcome, r.reason) == ("INSUFFICIENT_DATA", "event_date_unknown")
    assert r.missing == {"event_date"} and r.judged_on is None
    r = result(pack, {"n": 30}, "V-1")  # both BREACH
    assert (r.outcome, r.versions_agree, r.judged_on) == ("BREACH", True, None)
    r = result(pack, {"n": 3}, "V-1")  # both OK
    assert (r.outcome, r.versions_agree) == ("OK", True)
    r = result(pack, {"n": 12, "event_date": UNKNOWN}, "V-1")
    assert r.outcome == "INSUFFICIENT_DATA"


def test_event_before_the_rule_existed_is_not_applicable(pack: Any) -> None:
    r = result(pack, {"a": True, "event_date": dt.date(2024, 1, 1)}, "W-1")
    assert (r.outcome, r.reason, r.judged_on) == ("NOT_APPLICABLE", "not_in_force", dt.date(2024, 1, 1))
    r = result(pack, {"a": True, "other_date": dt.date(2024, 8, 1)}, "W-1")  # the fallback date of the clause
    assert (r.outcome, r.judged_on) == ("RISK", dt.date(2024, 8, 1))
    # unknown date, a window with a gap before it: "not in force" is a candidate, so the result stays open
    r = result(pack, {"a": True}, "W-1")
    assert (r.outcome, r.reason) == ("INSUFFICIENT_DATA", "event_date_unknown")
    assert r.missing == {"event_date", "other_date"}
    # ... but when no candidate finds anything, there is nothing to collect
    r = result(pack, {"a": False}, "W-1")
    assert r.outcome == "OK"


def test_rule_without_event_date_keeps_the_evaluation_date(pack: Any) -> None:
    r = result(pack, {"a": True}, "E-1", as_of=dt.date(2024, 1, 1))
    assert (r.outcome, r.judged_basis) == ("NOT_APPLICABLE", "evaluation_date")
    r = result(pack, {"a": True}, "E-1")
    assert (r.outcome, r.judged_on) == ("RISK", REVIEW)


def test_findings_say_which_law_was_applied_in_both_languages(pack: Any) -> None:
    r = result(pack, {"n": 12, "event_date": dt.date(2023, 8, 1)}, "V-1")
    assert law_applied(r, "en") == "Applied: the rule (old) as in force on 1 August 2023, the date of the event (event_date)."
    assert law_applied(r, "nl") == "Toegepast: de regel (old) zoals die gold op 1 augustus 2023, de datum van de gebeurtenis (event_date)."
    r = result(pack, {"n": 30}, "V-1")
    assert "unknown, but every version" in (law_applied(r, "en") or "")
    assert "onbekend, maar elke versie" in (law_applied(r, "nl") or "")


def test_later_cjeu_judgment_is_noted(pack: Any) -> None:
    before = result(pack, {"a": True, "event_date": dt.date(2024, 1, 1)}, "C-1")
    note = later_case_law(before, pack, "en")
    assert note is not None and "ECLI:EU:C:2024:1" in note and "1 January 2024" in note and "EU:C:1980:101" in note
    assert "gevoegde zaken" in (later_case_law(before, pack, "nl") or "")
    after = result(pack, {"a": True, "event_date": dt.date(2024, 6, 2)}, "C-1")
    assert later_case_law(after, pack, "en") is None


def test_windows_cover_the_time_up_to_the_review(pack: Any) -> None:
    assert covers_until(tuple(pack.versions("V-1")), REVIEW)
    assert not covers_until(tuple(pack.versions("W-1")), REVIEW)
    assert [r.version for r in candidate_versions(tuple(pack.versions("F-1")), REVIEW)] == ["before"]


def test_unknown_event_date_happened_by_the_review(pack: Any) -> None:
    # the later version cannot govern an event that happened by the review date
    r = result(pack, {"a": True, "n": 0}, "F-1")
    assert (r.outcome, r.rule.version) == ("RISK", "before")
    r = result(pack, {"a": True, "n": 0}, "F-1", as_of=dt.date(2026, 8, 1))
    assert (r.outcome, r.reason) == ("INSUFFICIENT_DATA", "event_date_unknown")
    # nothing in force by the review date
    r = result(pack, {"a": True}, "W-1", as_of=dt.date(2024, 1, 1))
    assert (r.outcome, r.reason) == ("NOT_APPLICABLE", "not_in_force")


def test_rules_that_refer_to_a_versioned_rule_of_unknown_date(pack: Any) -> None:
    # versions agree (both fire): the rule fires, so `unless V-1 fires` holds and `V-1 fires` is true
    facts = {"a": True, "n": 30}
    assert result(pack, facts, "U-1").outcome == "NOT_APPLICABLE"
    assert result(pack, facts, "P-1").outcome == "RISK"
    # versions disagree: V-1 is open, and so are the rules that depend on it
    facts = {"a": True, "n": 12}
    assert result(pack, facts, "U-1").outcome == "RISK"  # an exception that is not established does not defeat
    assert result(pack, facts, "P-1").outcome == "INSUFFICIENT_DATA"


@pytest.mark.parametrize("facts", [
    {"n": 12, "event_date": dt.date(2023, 8, 1)}, {"n": 12, "event_date": dt.date(2024, 8, 1)}, {"n": 12},
    {"n": 30}, {"n": 3}, {"a": True}, {"a": True, "event_date": dt.date(2024, 1, 1)},
    {"a": True, "other_date": dt.date(2024, 8, 1)}, {"a": True, "n": 30, "event_date": dt.date(2020, 1, 1)},
    {"a": True, "n": 30}, {"a": True, "n": 12}, {"a": True, "n": 3}, {"a": False, "n": 30},
    {"a": True, "n": 12, "event_date": dt.date(2023, 1, 1)}, {"a": True, "n": 0, "event_date": dt.date(2026, 7, 2)},
])
def test_durable_rules_agrees(pack: Any, facts: dict[str, Any]) -> None:
    engine = Engine(pack)
    if engine.durable is None:
        pytest.skip("durable-rules is not available on this Python")
    for as_of in (REVIEW, dt.date(2024, 1, 1), dt.date(2026, 8, 1)):
        run = engine.run(facts, as_of)
        assert run.disagreements == [], (as_of, run.disagreements)


def test_checker_refuses_a_non_date_event(tmp_path: Any) -> None:
    from normcheck.diagnostics import InputError

    d = tmp_path / "rules"
    (d / "vocabulary").mkdir(parents=True)
    (d / "vocabulary" / "t.yaml").write_text(VOCAB)
    (d / "families.yaml").write_text(families_yaml({"j": ["t.yaml"]}, "event_date"))
    (d / "j.norm").write_text(RULES.replace("judged on event_date otherwise other_date", "judged on n"))
    with pytest.raises(InputError) as exc:
        load_pack(str(d))
    assert any("judged on" in p.message and p.line for p in exc.value.diagnostics)


def test_checker_refuses_a_window_without_event_date(tmp_path: Any) -> None:
    from normcheck.diagnostics import InputError

    d = tmp_path / "rules"
    (d / "vocabulary").mkdir(parents=True)
    (d / "vocabulary" / "t.yaml").write_text(VOCAB)
    (d / "families.yaml").write_text(families_yaml({"j": ["t.yaml"]}, "event_date"))
    (d / "j.norm").write_text(RULES.replace("  judged on evaluation_date\n", ""))
    with pytest.raises(InputError) as exc:
        load_pack(str(d))
    assert any("E-1" in p.message and "judged on" in p.message and p.line for p in exc.value.diagnostics)


def test_unknown_event_date_is_missing_for_a_follow_up_flag(pack: Any) -> None:
    """An INSUFFICIENT_DATA grade (a declared follow-up flag) that holds while the event date is unknown
    names the date among the facts to collect, as any INSUFFICIENT_DATA result of an undated rule does;
    in a batch (the generated code) as with the closures."""
    ev = Evaluator(pack)
    rule = next(r for r in pack.rules if r.id == "Q-1")
    for facts in ({"a": True}, {"a": True, "event_date": dt.date(2025, 1, 1)}):
        got = []
        for hot in (False, True):
            env = ev.new_env(facts, REVIEW)
            env.hot = hot
            got.append(ev.evaluate_id((rule,), env))
        assert got[0] == got[1]
        assert (got[0].outcome, got[0].reason) == ("INSUFFICIENT_DATA", "fires")
        assert ("event_date" in got[0].missing) is ("event_date" not in facts)

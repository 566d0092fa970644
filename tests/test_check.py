"""The checker: name resolution, types, duplicate ids, pinpoints, bilingual messages, counter-arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from normcheck.diagnostics import InputError
from normcheck.pack import load_pack

from conftest import families_yaml

VOCAB = """
family: t
facts:
  age_at_application_months: {type: int}
  adequate_reception_status: {type: enum, values: [verified_available, verified_unavailable]}
  claim_grounds: {type: set, values: [religion, medical]}
  application_date: {type: date}
  decision_date: {type: date}
  flag: {type: bool}
  limit: {type: int, nullable: true}
  computed: {type: int, derived: true}
"""

HEAD = '''
source S "A source" ecli "ECLI:EU:C:2021:9"
'''

RULE = '''
rule T-01
  title en "t" title nl "t"
  cite S "para 1" verified
  fires when {cond}
  level {level} severity high
  en "m" nl "m"
'''


def pack_of(tmp_path: Path, body: str, vocab: str = VOCAB):
    d = tmp_path / "rules"
    (d / "vocabulary").mkdir(parents=True, exist_ok=True)
    (d / "vocabulary" / "t.yaml").write_text(vocab)
    (d / "families.yaml").write_text(families_yaml({"t": ["t.yaml"]}, "decision_date"))
    (d / "t.norm").write_text(HEAD + body)
    return load_pack(str(d))


def errors(tmp_path: Path, body: str) -> list[str]:
    with pytest.raises(InputError) as exc:
        pack_of(tmp_path, body)
    return [d.render() for d in exc.value.diagnostics if d.severity == "error"]


def codes(tmp_path: Path, body: str) -> list[str]:
    """The kinds of the errors (tests match these, not the wording)."""
    with pytest.raises(InputError) as exc:
        pack_of(tmp_path, body)
    return [d.code for d in exc.value.diagnostics if d.severity == "error"]


def test_a_valid_pack_loads(tmp_path: Path) -> None:
    p = pack_of(tmp_path, RULE.format(cond="flag and age_at_application_months > 180", level="BREACH")).pack
    assert [r.id for r in p.rules] == ["T-01"]
    # the gate: every fact of the norm families the rule reads (here the one test family)
    assert set(p.rules[0].gate) == {"age_at_application_months", "adequate_reception_status", "claim_grounds",
                                    "application_date", "decision_date", "flag", "limit", "computed"}


def test_unknown_fact_gets_did_you_mean(tmp_path: Path) -> None:
    out = errors(tmp_path, RULE.format(cond="age_at_aplication_months > 180", level="BREACH"))
    assert len(out) == 1
    assert "error[NC-R020]" in out[0]
    assert "did you mean `age_at_application_months`" in out[0]
    assert "t.norm:7:14:" in out[0]


def test_unknown_enum_value_gets_suggestions(tmp_path: Path) -> None:
    out = errors(tmp_path, RULE.format(cond="adequate_reception_status == verified_unavailble", level="BREACH"))
    assert "error[NC-R020]" in out[0] and "verified_unavailable" in out[0]


def test_type_errors_are_reported(tmp_path: Path) -> None:
    assert codes(tmp_path, RULE.format(cond="application_date > 3 and flag + 1 == 2", level="BREACH")) == ["NC-R021"] * 2


def test_condition_must_be_boolean(tmp_path: Path) -> None:
    assert codes(tmp_path, RULE.format(cond="age_at_application_months + 1", level="BREACH")) == ["NC-R021"]


def test_contested_grade_needs_two_readings(tmp_path: Path) -> None:
    assert codes(tmp_path, RULE.format(cond="flag", level="CONTESTED")) == ["NC-R046"]


def test_a_counter_argument_is_written_as_readings(tmp_path: Path) -> None:
    body = RULE.format(cond="flag", level="CONTESTED") + '  counter en "c"\n  counter nl "c"\n'
    assert "NC-R047" in codes(tmp_path, body)


def test_rule_without_pinpoint_is_refused(tmp_path: Path) -> None:
    body = RULE.format(cond="flag", level="BREACH").replace('  cite S "para 1" verified\n', "")
    assert codes(tmp_path, body) == ["NC-R011"]


def test_unknown_source_and_missing_dutch(tmp_path: Path) -> None:
    body = RULE.format(cond="flag", level="BREACH").replace('cite S', 'cite SS').replace(' nl "m"', "")
    out = "\n".join(errors(tmp_path, body))
    assert "error[NC-R011]" in out and "did you mean `S`" in out
    assert sorted(codes(tmp_path / "again", body)) == ["NC-R011", "NC-R041"]


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    r = RULE.format(cond="flag", level="BREACH")
    assert codes(tmp_path, r + r) == ["NC-R040"]


def test_versions_must_not_overlap(tmp_path: Path) -> None:
    v1 = RULE.format(cond="flag", level="BREACH").replace(
        "  fires", '  version "old"\n  valid until 2024-07-09\n  judged on evaluation_date\n  fires')
    v2 = RULE.format(cond="flag", level="RISK").replace(
        "  fires", '  version "new"\n  valid from 2024-07-09\n  judged on evaluation_date\n  fires')
    assert codes(tmp_path, v1 + v2) == ["NC-R040"]
    v2ok = v2.replace("2024-07-09", "2024-07-10")
    pack = pack_of(tmp_path / "ok", v1 + v2ok).pack
    assert [r.key for r in pack.rules] == ["T-01@old", "T-01@new"]


def test_invalid_level_and_severity(tmp_path: Path) -> None:
    assert codes(tmp_path, RULE.format(cond="flag", level="OK").replace("severity high", "severity huge")) == ["NC-R042"] * 2


def test_define_cycles_and_input_facts(tmp_path: Path) -> None:
    assert codes(tmp_path, "define a = b + 1\ndefine b = a + 1\n" + RULE.format(cond="flag", level="BREACH")) == ["NC-R031"]
    assert codes(tmp_path / "2", "define flag = true\n" + RULE.format(cond="flag", level="BREACH")) == ["NC-R030"]


def test_rule_reference_cannot_be_negated(tmp_path: Path) -> None:
    r1 = RULE.format(cond="flag", level="BREACH")
    r2 = RULE.format(cond="not T-01 fires", level="BREACH").replace("T-01\n", "T-02\n", 1)
    out = "\n".join(errors(tmp_path, r1 + r2))
    assert "error[NC-R023]" in out and "unless T-01 fires" in out


def test_placeholders_must_name_facts(tmp_path: Path) -> None:
    body = RULE.format(cond="flag", level="BREACH").replace('en "m"', 'en "age {age_at_aplication}"')
    assert codes(tmp_path, body) == ["NC-R020"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    body = RULE.format(cond="nope1 and nope2", level="BREACH")
    assert len(errors(tmp_path, body)) == 2


def test_bundled_pack_is_clean(loaded) -> None:
    pack = loaded.pack
    assert pack.rules, "the bundled rules must load"
    for r in pack.rules:
        assert r.citations, r.id
        assert dict(r.messages).keys() == {"en", "nl"}, r.id
        for g in r.grades:
            if g.level == "CONTESTED":
                assert len(g.readings) >= 2, r.id
                for reading in g.readings:
                    assert reading.held_by, (r.id, reading.name)
                    assert dict(reading.holder).keys() == dict(reading.argument).keys() == {"en", "nl"}, (r.id, reading.name)
            else:
                assert not g.readings, r.id
    tq = {r.id for r in pack.rules if r.family == "tq"}
    assert tq == {"TQ-01", "TQ-02", "TQ-03", "TQ-04a", "TQ-04b", "TQ-05", "TQ-06", "TQ-07", "TQ-08", "TQ-09", "TQ-10",
                  "TQ-11", "TQ-12", "TQ-13", "TQ-14", "TQ-15"}
    changu = {r.id for r in pack.rules if r.family == "changu"}
    assert changu == {"CH-01", "CH-02", "CH-03", "CH-04", "CH-05", "CH-06"}

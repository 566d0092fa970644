"""Fuzzing: whatever the input, a clean error (InputError with a position), never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normcheck import dsl
from normcheck.diagnostics import InputError
from normcheck.facts import load_record
from normcheck.resources import rules_dir

CASE = (Path(__file__).resolve().parent.parent / "cases" / "policies" / "nl-amv-2025.yaml").read_text()
RULES = (rules_dir() / "tq.norm").read_text()

yaml_scalars = st.one_of(st.integers(-10**12, 10**12), st.booleans(), st.none(), st.text(max_size=30),
                         st.sampled_from(["unknown", "yes", "no", "2025-02-30", "2025-01-01", "~", "[", "{a: 1}",
                                          "verified_unavailable", "&a x", "*a", "!!python/object:os.system"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_case_files_fail_cleanly(tmp_path_factory, loaded, data) -> None:
    lines = CASE.splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    how = data.draw(st.sampled_from(["replace_value", "delete", "insert_text", "indent", "garble"]))
    if how == "replace_value" and ":" in lines[i]:
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: {data.draw(yaml_scalars)}"
    elif how == "delete":
        del lines[i]
    elif how == "insert_text":
        lines.insert(i, data.draw(st.text(max_size=40)))
    elif how == "indent":
        lines[i] = data.draw(st.sampled_from(["\t", " ", "    ", "- "])) + lines[i]
    else:
        pos = data.draw(st.integers(0, max(len(lines[i]) - 1, 0)))
        lines[i] = lines[i][:pos] + data.draw(st.text(max_size=3)) + lines[i][pos:]
    path = tmp_path_factory.mktemp("fz") / "case.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        load_record(path, loaded.vocabulary, display="case.yaml")
    except InputError as exc:
        assert exc.diagnostics and all(d.file for d in exc.diagnostics)
        assert "Traceback" not in exc.render()


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_rule_files_fail_cleanly(data) -> None:
    pos = data.draw(st.integers(0, len(RULES) - 1))
    cut = data.draw(st.integers(0, 30))
    insert = data.draw(st.one_of(st.text(max_size=12), st.sampled_from(['"', "(", ")", "and", "==", "{", "rule X-1", "fires when"])))
    text = RULES[:pos] + insert + RULES[pos + cut:]
    try:
        dsl.parse(text, "rules/tq.norm")
    except InputError as exc:
        d = exc.diagnostics[0]
        assert d.file == "rules/tq.norm" and "Traceback" not in d.render()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pos=st.integers(0, len(RULES) - 1), word=st.sampled_from(["x", "_y", " not", " 7", " TQ-99 fires", "s"]))
def test_mutated_rule_packs_check_cleanly(tmp_path_factory, pos: int, word: str) -> None:
    """Past the parser, the checker too must answer with positions, not exceptions."""
    d = tmp_path_factory.mktemp("rp") / "rules"
    shutil.copytree(rules_dir(), d)
    (d / "tq.norm").write_text(RULES[:pos] + word + RULES[pos:])
    from normcheck.pack import load_pack

    try:
        load_pack(str(d))
    except InputError as exc:
        assert all(x.render() for x in exc.diagnostics)

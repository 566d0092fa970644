"""Fuzzing: whatever the input, a clean error that points into the file (InputError with a position
that exists and the line as written), or a result that obeys the vocabulary; never a traceback."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normcheck import dsl
from normcheck.diagnostics import Diagnostic, InputError
from normcheck.facts import load_record
from normcheck.facts.model import ID_PATTERN
from normcheck.resources import rules_dir
from normcheck.values import NULL

CASE = (Path(__file__).resolve().parent.parent / "cases" / "policies" / "nl-amv-2025.yaml").read_text()
RULES = (rules_dir() / "tq.norm").read_text()
RULE_IDS = [r.id for r in dsl.parse(RULES, "rules/tq.norm").rules]

yaml_scalars = st.one_of(st.integers(-10**12, 10**12), st.booleans(), st.none(), st.text(max_size=30),
                         st.sampled_from(["unknown", "yes", "no", "2025-02-30", "2025-01-01", "~", "[", "{a: 1}",
                                          "verified_unavailable", "&a x", "*a", "!!python/object:os.system"]))


def assert_points_into(d: Diagnostic, text: str, file: str) -> None:
    """A diagnostic names the file, a line and column that exist, and quotes that line as written (lines
    end at \n only, as normcheck counts them: a form feed or U+2028 inside a line does not end it; the
    \r of a CRLF ending is not part of the quoted line)."""
    lines = text.split("\n")
    assert d.file == file and d.message.strip()
    if d.line is not None:
        assert 1 <= d.line <= len(lines) + 1, (d.line, len(lines))
        assert d.column is None or d.column >= 1
        if d.source_line is not None and d.line <= len(lines):
            assert d.source_line == lines[d.line - 1].removesuffix("\r")


def assert_obeys_vocabulary(record, vocabulary) -> None:
    assert ID_PATTERN.match(record.id)
    assert record.record_type in {t.id for t in vocabulary.record_types}
    for name, value in record.facts.items():
        spec = vocabulary.get(name)
        assert spec is not None, name
        if value is NULL:
            assert spec.nullable, name
            continue
        kind = spec.kind
        if kind == "bool":
            assert isinstance(value, bool), name
        elif kind == "int":
            assert isinstance(value, int) and not isinstance(value, bool), name
        elif kind == "date":
            assert isinstance(value, dt.date), name
        elif kind == "enum":
            assert value in spec.values, name
        elif kind == "set":
            assert isinstance(value, frozenset) and (spec.values is None or value <= set(spec.values)), name


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
    text = "\n".join(lines) + "\n"
    path = tmp_path_factory.mktemp("fz") / "case.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        record = load_record(path, loaded.vocabulary, display="case.yaml")
    except InputError as exc:
        assert exc.diagnostics and any(d.severity == "error" for d in exc.diagnostics)
        for d in exc.diagnostics:
            assert_points_into(d, text, "case.yaml")
    else:
        assert_obeys_vocabulary(record, loaded.vocabulary)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_rule_files_fail_cleanly(data) -> None:
    pos = data.draw(st.integers(0, len(RULES) - 1))
    cut = data.draw(st.integers(0, 30))
    insert = data.draw(st.one_of(st.text(max_size=12), st.sampled_from(['"', "(", ")", "and", "==", "{", "rule X-1", "fires when"])))
    text = RULES[:pos] + insert + RULES[pos + cut:]
    try:
        parsed = dsl.parse(text, "rules/tq.norm")
    except InputError as exc:
        assert len(exc.diagnostics) == 1  # the parser stops at the first syntax error and says where
        assert_points_into(exc.diagnostics[0], text, "rules/tq.norm")
        assert exc.diagnostics[0].line is not None
    else:
        for r in parsed.rules:
            assert 1 <= r.pos.line <= text.count("\n") + 1
        if text == RULES:
            assert [r.id for r in parsed.rules] == RULE_IDS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pos=st.integers(0, len(RULES) - 1), word=st.sampled_from(["x", "_y", " not", " 7", " TQ-99 fires", "s"]))
def test_mutated_rule_packs_check_cleanly(tmp_path_factory, pos: int, word: str) -> None:
    """Past the parser, the checker too must answer with positions in the rule file, not exceptions;
    a pack that still loads has every rule it had."""
    d = tmp_path_factory.mktemp("rp") / "rules"
    shutil.copytree(rules_dir(), d)
    text = RULES[:pos] + word + RULES[pos:]
    (d / "tq.norm").write_text(text)
    from normcheck.pack import load_pack

    try:
        pack = load_pack(str(d)).pack
    except InputError as exc:
        errors = [x for x in exc.diagnostics if x.severity == "error"]
        assert errors
        for x in errors:
            if x.file != "<rules>":  # a cycle between rules names no single place
                where = Path(x.file)
                assert where.parent == d and where.suffix == ".norm", x.render()
                assert_points_into(x, where.read_text(), x.file)
    else:
        assert len([r for r in pack.rules if r.family == "tq"]) == len(RULE_IDS)

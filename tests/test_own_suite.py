"""An office's own suite: rule folders added to the bundled ones (`--add-rules`, `replaces`), the
receipt's hashes, what a rule change moves (`rules --diff`), pins written against an older pack,
and the pytest plugin collecting case files by their content."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from normcheck.cli import main
from normcheck.diagnostics import InputError
from normcheck.pack import load_pack
from normcheck.resources import grammar_path, rules_dir
from normcheck.testing import claim

ROOT = Path(__file__).resolve().parent.parent

RULE = """
rule {rid}
  title en "Test rule"
  title nl "Testregel"
  {extra}
  cite TQ "operative part, point 1" unverified
  applies when is_unaccompanied_minor_at_application
  fires when {cond}
  level RISK severity {severity}
  en "{message}"
  nl "Testbericht."
"""

CASE = """normcheck: 1
id: own-1
facts:
  is_unaccompanied_minor_at_application: true
  representative_appointed: false
expect:
  OFFICE-01: RISK
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rule(rid: str = "OFFICE-01", cond: str = "representative_appointed == false", extra: str = "",
         severity: str = "high", message: str = "No representative.") -> str:
    return RULE.format(rid=rid, cond=cond, extra=extra, severity=severity, message=message)


def folder(tmp_path: Path, name: str, norm: str, vocabulary: bool = True) -> Path:
    d = tmp_path / name
    (d / "vocabulary").mkdir(parents=True, exist_ok=True)
    (d / "office.norm").write_text(norm, encoding="utf-8")
    # its own family, declared in the folder's families.yaml (the facts its rules read: its own and T.Q.'s)
    (d / "families.yaml").write_text(
        "families:\n  office:\n    title: {en: \"The office's own rules\", nl: \"Eigen regels van het kantoor\"}\n"
        "    record_types: [individual_case, policy_instrument]\n"
        f"    vocabulary: [{'representative.yaml, ' if vocabulary else ''}tq.yaml]\n", encoding="utf-8")
    if vocabulary:
        (d / "vocabulary" / "representative.yaml").write_text(
            "family: representative\ntitle: {en: Representative, nl: Vertegenwoordiger}\nfacts:\n"
            "  representative_appointed:\n    type: bool\n    doc: a representative was appointed\n", encoding="utf-8")
    return d


def messages(exc: pytest.ExceptionInfo[InputError]) -> str:
    return "\n".join(d.render() for d in exc.value.diagnostics)


# ---- what a file claims to be ------------------------------------------------------------------


@pytest.mark.parametrize("text, case, pinned", [
    ("normcheck: 1\nid: a\nexpect:\n  TQ-01: OK\n", True, True),
    ('normcheck: 1\nid: a\n"expect":\n  TQ-01: OK\n', True, True),
    ("normcheck: 1\nid: a\n'expect' :\n  TQ-01: OK\n", True, True),
    ("\ufeff# comment\n---\nnormcheck: 1\nexpect: {TQ-01: OK}\n", True, True),
    ('{normcheck: 1, id: a, "expect": {TQ-01: OK}}\n', True, True),
    ("id: a\nfacts: {}\nexpect:\n  TQ-01: OK\n", True, True),  # forgot `normcheck: 1`: still a case (and fails)
    ("normcheck: 1\nid: a\nfacts:\n  x: 1\n", True, False),
    ("expect:\n  some: thing\n", False, True),  # someone else's YAML
    ("steps:\n  expect: 1\n  normcheck: 2\n", False, False),  # nested keys are not top-level keys
])
def test_a_file_says_what_it_is_by_its_top_level_keys(text: str, case: bool, pinned: bool) -> None:
    got = claim(text)
    assert (got.case, got.pinned) == (case, pinned)


# ---- added rule folders ------------------------------------------------------------------------


def test_an_added_folder_brings_its_rules_facts_and_family(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    office = folder(tmp_path, "office_rules", rule())
    loaded = load_pack(None, (str(office),))
    bundled = load_pack(None)
    assert loaded.pack.base_digest == bundled.pack.digest != loaded.pack.digest
    added = loaded.pack.added[0]
    assert added.folder == str(office) and added.files == ("office.norm",) and len(added.sha256) == 64
    assert [r.family for r in loaded.pack.versions("OFFICE-01")] == ["office"]
    assert "representative_appointed" in loaded.vocabulary
    case = tmp_path / "case.yaml"
    case.write_text(CASE, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", "--add-rules", str(office), str(case))
    doc = json.loads(out)
    assert code == 1 and {f["rule"]: f["level"] for f in doc["records"][0]["findings"]}["OFFICE-01"] == "RISK"
    receipt = doc["receipt"]
    assert receipt["rule_pack_sha256"] == loaded.pack.digest
    assert receipt["bundled_pack_sha256"] == bundled.pack.digest
    assert receipt["added_rules"] == [{"folder": str(office), "sha256": added.sha256, "rule_files": ["office.norm"],
                                       "replaces": []}]
    code, out, _ = run(capsys, "check", "--add-rules", str(office), str(case))
    assert f"bundled rules sha256:{bundled.pack.digest[:16]}" in out and f"sha256:{added.sha256[:16]}" in out
    code, out, _ = run(capsys, "test", "--add-rules", str(office), str(case))
    assert code == 0 and "1 pinned interpretation holds, 0 fail" in out
    code, out, _ = run(capsys, "rules", "--format", "json", "--add-rules", str(office), "--family", "office")
    assert json.loads(out)[0]["added_folder"] == str(office)


def test_without_the_folder_the_pin_names_an_unknown_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(CASE.replace("  representative_appointed: false\n", ""), encoding="utf-8")
    code, out, _ = run(capsys, "test", str(case))
    assert code == 1 and "unknown rule `OFFICE-01`" in out


def test_the_compiled_pack_cache_keys_on_every_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMCHECK_CACHE", str(tmp_path / "cache"))
    office = folder(tmp_path, "office_rules", rule())
    first = load_pack(None, (str(office),))
    (office / "office.norm").write_text(rule(severity="low"), encoding="utf-8")
    load_pack.cache_clear()
    second = load_pack(None, (str(office),))
    assert second.pack.digest != first.pack.digest and second.pack.base_digest == first.pack.base_digest
    assert second.pack.versions("OFFICE-01")[0].grades[0].severity == "low"
    moved = tmp_path / "elsewhere"
    shutil.copytree(office, moved)
    load_pack.cache_clear()
    again = load_pack(None, (str(moved),))  # the same files in another folder: the cached pack, this folder shown
    assert again.pack.digest == second.pack.digest and again.pack.added[0].folder == str(moved)
    assert again.pack.versions("OFFICE-01")[0].file.endswith("elsewhere/office.norm")
    assert len(list((tmp_path / "cache" / "normcheck").glob("pack-*.json"))) >= 2


def test_an_added_family_is_declared_in_the_folders_families_yaml(tmp_path: Path) -> None:
    office = folder(tmp_path, "office_rules", rule())
    loaded = load_pack(None, (str(office),))
    bundled = load_pack(None).pack
    assert [f.id for f in loaded.pack.families] == [f.id for f in bundled.families] + ["office"]
    office_family = loaded.pack.family("office")
    assert office_family is not None and office_family.title("nl") == "Eigen regels van het kantoor"
    before = loaded.pack.added[0].sha256
    (office / "families.yaml").write_text((office / "families.yaml").read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    load_pack.cache_clear()
    assert load_pack(None, (str(office),)).pack.added[0].sha256 != before  # the folder's hash covers its families.yaml
    (office / "families.yaml").unlink()
    load_pack.cache_clear()
    with pytest.raises(InputError) as exc:
        load_pack(None, (str(office),))
    assert "`office` is not a declared norm family" in messages(exc) and {d.code for d in exc.value.diagnostics} == {"NC-R045"}


@pytest.mark.parametrize("text, message", [
    ("families: {}\nrecord_types: {x: {evaluation_date: [decision_date]}}\n", "declares `families:` only, not `record_types`"),
    ("families:\n  tq: {title: {en: a, nl: b}, record_types: [individual_case], vocabulary: [tq.yaml]}\n",
     "family `tq` is already declared"),
    ("families:\n  office: {title: {en: a}, record_types: [individual_case], vocabulary: [tq.yaml]}\n", "no title in nl"),
])
def test_a_bad_added_families_yaml_is_refused(tmp_path: Path, text: str, message: str) -> None:
    office = folder(tmp_path, "office_rules", rule())
    (office / "families.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_pack(None, (str(office),))
    assert message in messages(exc) and "NC-F030" in {d.code for d in exc.value.diagnostics}


def test_a_silent_clash_of_ids_is_refused(tmp_path: Path) -> None:
    office = folder(tmp_path, "office_rules", rule(rid="TQ-01"))
    with pytest.raises(InputError) as exc:
        load_pack(None, (str(office),))
    text = messages(exc)
    assert "office.norm:2:1: error[NC-R044]: rule id `TQ-01` is already used by a rule in the bundled rules" in text
    assert "replaces TQ-01 because" in text


def test_a_replacement_takes_the_rules_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reason = 'replaces TQ-04a because en "Our reading of the policy." nl "Onze lezing van het beleid."'
    office = folder(tmp_path, "office_rules", rule(rid="TQ-04a", extra=reason, cond="representative_appointed == false"))
    loaded = load_pack(None, (str(office),))
    (tq04a,) = loaded.pack.versions("TQ-04a")
    assert tq04a.replaces == "TQ-04a" and tq04a.family == "tq" and tq04a.layer == 1
    assert dict(tq04a.replaces_because)["nl"] == "Onze lezing van het beleid."
    assert loaded.pack.added[0].replaces == ("TQ-04a",)
    assert len(loaded.pack.rules) == len(load_pack(None).pack.rules)
    code, out, _ = run(capsys, "explain", "TQ-04a", "--add-rules", str(office))
    assert code == 0 and "Replaces: TQ-04a (bundled) — Our reading of the policy." in out
    case = tmp_path / "case.yaml"
    case.write_text(CASE.replace("OFFICE-01: RISK", "TQ-04a: RISK"), encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", "--add-rules", str(office), str(case))
    assert json.loads(out)["receipt"]["added_rules"][0]["replaces"] == ["TQ-04a"]
    assert run(capsys, "test", "--add-rules", str(office), str(case))[0] == 0


def test_a_replacement_under_a_new_id_is_read_by_rules_that_chain_on_the_old_one(tmp_path: Path,
                                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bundled = load_pack(None).pack
    chained = [r for r in bundled.rules if r.rule_deps]
    assert chained, "a bundled rule that reads another with `X fires`"
    target = chained[0].rule_deps[0]
    reason = f'replaces {target} because en "Our reading." nl "Onze lezing."'
    office = folder(tmp_path, "office_rules", rule(rid="NL-99", extra=reason))
    pack = load_pack(None, (str(office),)).pack
    assert not pack.versions(target) and pack.versions("NL-99")[0].replaces == target
    assert "NL-99" in pack.versions(chained[0].id)[0].rule_deps
    case = tmp_path / "case.yaml"
    case.write_text(CASE.replace("OFFICE-01: RISK", f"{target}: RISK"), encoding="utf-8")
    code, out, _ = run(capsys, "test", "--add-rules", str(office), str(case))
    assert code == 1 and f"`{target}` is replaced by NL-99" in out


@pytest.mark.parametrize("extra, message", [
    ('replaces TQ-99a because en "x" nl "y"', "replaces `TQ-99a`, but there is no rule TQ-99a"),
    ('replaces TQ-04a because en "x" en "y"', "must be given in English and Dutch"),
    ('replaces TQ-04a because en "" nl "y"', "the reason for replacing TQ-04a is empty in English"),
])
def test_a_bad_replacement_is_refused(tmp_path: Path, extra: str, message: str) -> None:
    office = folder(tmp_path, "office_rules", rule(rid="NL-01", extra=extra))
    with pytest.raises(InputError) as exc:
        load_pack(None, (str(office),))
    # (the office rule cites T.Q.'s operative point 1 `unverified`, the bundled readings `verified`: NC-R049 warns)
    assert message in messages(exc) and {d.code for d in exc.value.diagnostics if d.severity == "error"} == {"NC-R043"}


def test_replacing_twice_and_replacing_in_the_bundled_folder_are_refused(tmp_path: Path) -> None:
    reason = 'replaces TQ-04a because en "x" nl "y"'
    office = folder(tmp_path, "office_rules", rule(rid="NL-01", extra=reason) + rule(rid="NL-02", extra=reason))
    with pytest.raises(InputError) as exc:
        load_pack(None, (str(office),))
    assert "error[NC-R043]: TQ-04a is replaced twice: by NL-01" in messages(exc)
    base = tmp_path / "base"
    shutil.copytree(rules_dir(), base)
    with (base / "tq.norm").open("a", encoding="utf-8") as fh:
        fh.write(rule(rid="TQ-99", extra=reason))
    with pytest.raises(InputError) as exc:
        load_pack(str(base))
    assert "only a rule in an added folder" in messages(exc) and exc.value.diagnostics[0].code == "NC-R043"


def test_an_added_folder_must_exist_and_be_given_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "lint", "--add-rules", str(tmp_path / "nowhere"))
    assert code == 2 and "error[NC-P007]: added rules folder not found" in " ".join(err.split())
    office = folder(tmp_path, "office_rules", rule())
    code, _, err = run(capsys, "lint", "--add-rules", str(office), "--add-rules", str(office))
    assert code == 2 and "given twice" in " ".join(err.split()) and "NC-P007" in err


# ---- what a rule change moves ------------------------------------------------------------------


def _edited(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled rules (old) and an edit of it (new): a threshold, a message, a pinpoint."""
    old = tmp_path / "old"
    shutil.copytree(rules_dir(), old)
    new = tmp_path / "new"
    shutil.copytree(rules_dir(), new)
    tq = new / "tq.norm"
    text = tq.read_text(encoding="utf-8")
    assert text.count("216 - age_at_application_months < policy_durable") == 1
    text = text.replace("216 - age_at_application_months < policy_durable", "228 - age_at_application_months < policy_durable")
    start = text.index("rule TQ-04b")
    at = text.index('\n  en "', start) + len('\n  en "')
    text = text[:at] + "Reworded: " + text[at:]
    start = text.index("rule TQ-07")
    at = text.index('\n  cite ', start) + len('\n  cite ')
    end = text.index("\n", at)
    line = text[at:end]
    assert line.startswith('TQ "operative part, point'), line
    cite = 'TQ "para 47"'  # another pinpoint in the same judgment (a locator the checker accepts)
    text = text[:at] + cite + text[end:]
    tq.write_text(text, encoding="utf-8")
    return old, new


def test_rules_diff_tells_meaning_from_wording_and_lists_the_findings_that_move(tmp_path: Path,
                                                                              capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _edited(tmp_path)
    code, out, _ = run(capsys, "rules", "--rules", str(new), "--diff", str(old), "--format", "json",
                       "--cases", str(ROOT / "cases" / "tq"))
    assert code == 0
    doc = json.loads(out)
    kinds = {c["rule"]: c["change"] for c in doc["rules"]}
    assert kinds["TQ-04a"] == "meaning" and kinds["TQ-04b"] == "wording" and kinds["TQ-07"] == "sources"
    assert len(kinds) == 3, kinds
    detail = next(c for c in doc["rules"] if c["rule"] == "TQ-04a")["details"][0]
    assert "216 - age_at_application_months" in detail and "228 - age_at_application_months" in detail
    moved = {(Path(c["file"]).name, c["rule"]): (c["old"], c["new"]) for c in doc["cases"]["level_changes"]}
    assert moved[("tq04a-age-183-amv-2025.yaml", "TQ-04a")] == ("CONTESTED", "OK")
    assert {rule for _, rule in moved} == {"TQ-04a"}
    code, out, _ = run(capsys, "rules", "--rules", str(new), "--diff", str(old))
    assert "Changed in meaning (1):" in out and "Changed in wording only (1):" in out and "TQ-04b  (message reworded)" in out
    code, out, _ = run(capsys, "rules", "--diff", str(rules_dir()))
    assert "No rule changed." in out


def test_a_changed_definition_moves_the_rules_that_read_it_and_their_chains(tmp_path: Path) -> None:
    from normcheck.rulediff import diff_packs

    old = load_pack(None).pack
    target = next(d for d in old.defines if not d.in_vocabulary and any(d.name in _read_by(r, old) for r in old.rules))
    new_dir = tmp_path / "new"
    shutil.copytree(rules_dir(), new_dir)
    rule_file = new_dir / Path(target.file).name
    text = rule_file.read_text(encoding="utf-8")
    head = f"define {target.name} ="
    assert text.count(head) == 1
    # the same value, written differently: a change of structure, so "meaning" (the cases would show no move)
    rule_file.write_text(text.replace(head, f"{head}\n  if false then ({target.expr.text}) else", 1), encoding="utf-8")
    diff = diff_packs(old, load_pack(str(new_dir)).pack)
    readers = [r.id for r in old.rules if target.name in _read_by(r, old)]
    assert readers
    for rid in readers:
        change = diff.of(rid)
        assert change is not None and change.kind == "meaning", (rid, change)
        assert any(f"definition `{target.name}`" in d for d in change.details)
    for change in diff.changes:
        assert change.rule in readers or any("fires`, which changed" in d for d in change.details), change


def _read_by(rule, pack) -> set[str]:  # type: ignore[no-untyped-def]
    from normcheck.rulediff import _reads

    return _reads(rule, pack)


def _git_rules(tmp_path: Path) -> Path:
    """A git repository holding a copy of the rules, one commit."""
    repo = tmp_path / "repo"
    shutil.copytree(rules_dir(), repo / "rules")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid")
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "rules"]):
        subprocess.run(["git", "-C", str(repo), *cmd], check=True, env=env, capture_output=True)
    return repo


def test_rules_diff_reads_a_git_revision_without_touching_the_work_tree(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    repo = _git_rules(tmp_path)
    tq = repo / "rules" / "tq.norm"
    edited = tq.read_text(encoding="utf-8").replace("216 - age_at_application_months < policy_durable",
                                                     "228 - age_at_application_months < policy_durable")
    tq.write_text(edited, encoding="utf-8")
    code, out, _ = run(capsys, "rules", "--rules", str(repo / "rules"), "--diff", "HEAD")
    assert code == 0 and "the rules at HEAD" in out and "Changed in meaning (1):" in out and "TQ-04a" in out
    assert tq.read_text(encoding="utf-8") == edited
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True).stdout
    assert status.split() == ["M", "rules/tq.norm"]
    code, _, err = run(capsys, "rules", "--rules", str(repo / "rules"), "--diff", "no-such-revision")
    assert code == 2 and "error[NC-P008]: not a folder of rule files, nor a revision of this repository" in " ".join(err.split())
    code, _, err = run(capsys, "rules", "--cases", "cases")
    assert code == 2 and "--diff" in err and "NC-C001" in err


def test_a_pin_written_against_an_older_pack_names_the_rules_changed_since(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    repo = _git_rules(tmp_path)
    rules = repo / "rules"
    written_against = load_pack(str(rules)).pack.digest
    tq = rules / "tq.norm"
    tq.write_text(tq.read_text(encoding="utf-8").replace("216 - age_at_application_months < policy_durable",
                                                          "228 - age_at_application_months < policy_durable"), encoding="utf-8")
    load_pack.cache_clear()  # one process read the folder before the edit
    case = tmp_path / "pin.yaml"
    source = (ROOT / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml").read_text(encoding="utf-8")
    case.write_text(source.replace("policy: ../policies/", f"policy: {ROOT / 'cases' / 'policies'}/")
                    .replace("normcheck: 1\n", f"normcheck: 1\npinned_against: {written_against[:16]}\n", 1), encoding="utf-8")
    code, out, _ = run(capsys, "test", "--rules", str(rules), str(case))
    assert code == 1
    flat = " ".join(out.split())
    assert f"This pin was written against rule pack sha256:{written_against[:16]}" in flat
    assert "TQ-04a changed since (the rules at commit" in flat and "changed in meaning" in flat
    assert "228 - age_at_application_months" in flat
    assert "changed in meaning: TQ-04a" in flat
    case.write_text(case.read_text(encoding="utf-8").replace(written_against[:16], "0123456789abcdef"), encoding="utf-8")
    code, out, _ = run(capsys, "test", "--rules", str(rules), str(case))
    assert code == 1 and "cannot be named" in " ".join(out.split())


def test_a_pin_against_bundled_rules_kept_in_the_cache_compares_the_bundled_rules(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinned against the bundled rules' hash of an older pack that only the cache keeps: the
    office's own folder is not listed as added since, the edited bundled rule is."""
    monkeypatch.setenv("NORMCHECK_CACHE", str(tmp_path / "cache"))
    now, old = tmp_path / "rules-now", tmp_path / "rules-old"
    shutil.copytree(rules_dir(), now)
    shutil.copytree(rules_dir(), old)
    tq = old / "tq.norm"
    tq.write_text(tq.read_text(encoding="utf-8").replace("216 - age_at_application_months < policy_durable",
                                                          "228 - age_at_application_months < policy_durable"), encoding="utf-8")
    written_against = load_pack(str(old)).pack.digest  # compiled once, so the cache keeps it
    load_pack.cache_clear()
    office = folder(tmp_path, "office_rules", rule())
    case = tmp_path / "pin.yaml"
    case.write_text(CASE.replace("normcheck: 1\n", f"normcheck: 1\npinned_against: {written_against}\n"), encoding="utf-8")
    code, out, _ = run(capsys, "test", "--rules", str(now), "--add-rules", str(office), str(case))
    flat = " ".join(out.split())
    assert code == 0 and "1 pinned interpretation holds" in flat
    assert f"pinned against sha256:{written_against[:16]} (a pack kept in the compiled-pack cache)" in flat
    assert "changed in meaning: TQ-04a" in flat and "OFFICE-01" not in flat


def test_pinned_against_takes_a_hash_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "pin.yaml"
    case.write_text(CASE.replace("normcheck: 1\n", "normcheck: 1\npinned_against: last week\n"), encoding="utf-8")
    code, out, _ = run(capsys, "test", str(case))
    assert code == 2 and "pin.yaml:2:17: error[NC-F015]: `pinned_against` takes the rule pack's SHA-256" in " ".join(out.split())
    digits = "111222333" + "0" * 55  # a run of digits in a hash is not a BSN
    case.write_text(CASE.replace("normcheck: 1\n", f"normcheck: 1\npinned_against: sha256:{digits}\n")
                    .replace("OFFICE-01: RISK", "TQ-01: INSUFFICIENT_DATA").replace("  representative_appointed: false\n", ""),
                    encoding="utf-8")
    code, out, _ = run(capsys, "test", str(case))
    assert code == 0 and "1 pinned interpretation holds" in out


def test_a_lenient_read_of_an_older_pack_judges_a_window_on_the_evaluation_date(tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(rules_dir(), old)
    text = (old / "sbc.norm").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.strip().startswith("judged on")]
    (old / "sbc.norm").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_pack(str(old))
    pack = load_pack(str(old), lenient=True).pack
    windowed = [r for r in pack.rules if r.family == "sbc" and r.windowed]
    assert windowed and all(type(r.judged_on).__name__ == "EvalDate" for r in windowed)


# ---- the pytest plugin, as an office uses it ---------------------------------------------------


def readme_files() -> dict[str, str]:
    """The files of the README's worked example ("Your own test suite"), by path."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Your own test suite"):]
    section = section[: section.index("\n## ", 10)]
    return {m.group(1): m.group(2) for m in
            re.finditer(r"^\*\*`([^`]+)`\*\*[^\n]*\n\n```[a-z]*\n(.*?)```", section, re.M | re.S)}


def _pytest(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a fresh process, in a folder outside the repository: the plugin comes from the
    installed package's entry point, nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPATH"))}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", *args],
                          capture_output=True, text=True, cwd=where, env=env, timeout=600)


def _office(tmp_path: Path) -> Path:
    where = tmp_path / "my-pins"
    for name, body in readme_files().items():
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_text(body, encoding="utf-8")
    (where / "pins" / "policies").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "cases" / "policies" / "nl-amv-2025.yaml", where / "pins" / "policies")
    return where


def test_the_readme_example_runs_with_plain_pytest(tmp_path: Path) -> None:
    files = readme_files()
    assert {"pytest.ini", "pins/amv-2025-0042.yaml", "office_rules/representative.norm",
            "office_rules/vocabulary/representative.yaml"} <= set(files)
    where = _office(tmp_path)
    assert not where.resolve().is_relative_to(ROOT.resolve())
    done = _pytest(where)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "1 failed, 2 passed" in out and "normcheck" in out.split("collected")[0]
    assert "FAILED pins/amv-2025-0042.yaml::TQ-01" in out
    assert "-level: BREACH" in out and "+level: INSUFFICIENT_DATA" in out
    assert "Facts that could decide this: best-interests assessment documented before the return decision" in out, out
    assert "pinned because: no best-interests assessment before the return decision" in out
    pin = where / "pins" / "amv-2025-0042.yaml"
    pin.write_text(pin.read_text(encoding="utf-8").replace(
        "  representative_appointed: false\n",
        "  representative_appointed: false\n  best_interests_assessment_documented: false\n"), encoding="utf-8")
    done = _pytest(where)
    assert done.returncode == 0 and "3 passed" in done.stdout, done.stdout + done.stderr


def test_every_file_that_claims_to_be_a_case_is_tested_and_nothing_is_skipped_silently(tmp_path: Path) -> None:
    where = _office(tmp_path)
    pins = where / "pins"
    (pins / "sub").mkdir()
    (pins / "sub" / "bad-yaml.yaml").write_text("normcheck: 1\nid: bad-1\nfacts: [\nexpect:\n  TQ-01: OK\n")
    (pins / "sub" / "unknown-fact.yaml").write_text("normcheck: 1\nid: bad-2\nfacts:\n  not_a_fact: 3\nexpect:\n  TQ-01: OK\n")
    (pins / "sub" / "quoted.yaml").write_text(
        'normcheck: 1\nid: q-3\nfacts:\n  is_unaccompanied_minor_at_application: true\n"expect":\n  TQ-01: INSUFFICIENT_DATA\n')
    (pins / "sub" / "expect-text.yaml").write_text("normcheck: 1\nid: q-4\nfacts: {}\nexpect: TQ-01\n")
    (pins / "sub" / "empty-expect.yaml").write_text("normcheck: 1\nid: q-5\nfacts: {}\nexpect:\n")
    (pins / "sub" / "latin1.yaml").write_bytes(b"normcheck: 1\nid: q-6\nnote: \"caf\xe9\"\nexpect:\n  TQ-01: OK\n")
    (pins / "sub" / "not-a-case.yaml").write_text("colours: [red, green]\n")
    (where / "elsewhere").mkdir()
    (where / "elsewhere" / "outside-the-glob.yaml").write_text("normcheck: 1\nid: x-1\nfacts: {}\nexpect:\n  TQ-01: OK\n")
    done = _pytest(where, "-rf")
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    failed = set(re.findall(r"^FAILED (\S+)", out, re.M))
    assert failed == {"pins/amv-2025-0042.yaml::TQ-01", "pins/sub/bad-yaml.yaml::case", "pins/sub/unknown-fact.yaml::TQ-01",
                      "pins/sub/expect-text.yaml::expect", "pins/sub/empty-expect.yaml::expect", "pins/sub/latin1.yaml::case",
                      "pins/sub/not-a-case.yaml::case"}, out
    assert "pins/sub/quoted.yaml::TQ-01" not in out.split("short test summary")[1]
    assert "bad-yaml.yaml:5:8: error[NC-Y001]: not valid YAML" in out
    assert "unknown-fact.yaml:4:3: error[NC-F001]: unknown fact `not_a_fact`" in out
    assert "is not a normcheck case file" in out and "the `expect:` block is empty" in out
    assert "not UTF-8" in out
    assert "outside-the-glob" not in out
    assert "8 failed" not in out and "7 failed, 3 passed" in out


def test_without_normcheck_cases_pins_are_found_by_content_in_any_folder(tmp_path: Path) -> None:
    where = tmp_path / "suite"
    (where / "readings" / "2025").mkdir(parents=True)
    (where / "pytest.ini").write_text("[pytest]\n")
    (where / "readings" / "2025" / "pin.yaml").write_text(
        "normcheck: 1\nid: r-1\nfacts:\n  is_unaccompanied_minor_at_application: true\nexpect:\n  TQ-01: INSUFFICIENT_DATA\n")
    (where / "readings" / "config.yaml").write_text("expect:\n  something: else\n")  # not a case: left alone
    done = _pytest(where, "-q")
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def test_collection_does_not_evaluate_and_a_broken_added_rule_fails_the_tests(tmp_path: Path) -> None:
    where = _office(tmp_path)
    norm = where / "office_rules" / "representative.norm"
    norm.write_text(norm.read_text(encoding="utf-8").replace("level RISK severity high", "level RISK severity"))
    listed = _pytest(where, "--collect-only", "-q")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "pins/amv-2025-0042.yaml::OFFICE-01" in listed.stdout
    broken = _pytest(where, "-q")
    assert broken.returncode == 1 and "3 failed" in broken.stdout
    assert "representative.norm:" in broken.stdout and "Traceback" not in broken.stdout


def test_the_plugin_names_the_rules_changed_since_a_pin_was_written(tmp_path: Path) -> None:
    """A suite whose rules are a copy in a git repository (NORMCHECK_DATA): a pin written against the
    committed pack, then a rule edited."""
    repo = _git_rules(tmp_path)
    (repo / "grammar").mkdir()
    shutil.copy(grammar_path(), repo / "grammar" / grammar_path().name)
    env_data = str(repo)
    old = subprocess.run([sys.executable, "-c", "from normcheck.pack import load_pack; print(load_pack().pack.digest)"],
                         capture_output=True, text=True, env=dict(os.environ, NORMCHECK_DATA=env_data), check=True).stdout.strip()
    tq = repo / "rules" / "tq.norm"
    tq.write_text(tq.read_text(encoding="utf-8").replace("216 - age_at_application_months < policy_durable",
                                                          "228 - age_at_application_months < policy_durable"), encoding="utf-8")
    where = tmp_path / "suite"
    (where / "pins").mkdir(parents=True)
    (where / "pytest.ini").write_text("[pytest]\nnormcheck_cases = pins/*.yaml\n")
    source = (ROOT / "cases" / "tq" / "tq04a-age-183-amv-2025.yaml").read_text(encoding="utf-8")
    (where / "pins" / "pin.yaml").write_text(
        source.replace("policy: ../policies/", f"policy: {ROOT / 'cases' / 'policies'}/")
        .replace("normcheck: 1\n", f"normcheck: 1\npinned_against: {old}\n", 1), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPATH"))}
    env["NORMCHECK_DATA"] = env_data
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"], capture_output=True, text=True,
                          cwd=where, env=env, timeout=600)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "FAILED pins/pin.yaml::TQ-04a" in out
    assert "TQ-04a changed since (the rules at commit" in out and "228 - age_at_application_months" in out
    assert "normcheck: pins written against another rule pack" in out and "changed in meaning: TQ-04a" in out


def test_the_local_page_shows_an_added_folders_facts_and_checks_its_rules(tmp_path: Path) -> None:
    from normcheck.web.pipeline import Pipeline

    office = folder(tmp_path, "office_rules", rule())
    p = Pipeline(None, (str(office),))
    sections = {s.family: [f.name for f in s.facts] for s in p.form.sections}
    assert sections.get("representative") == ["representative_appointed"]
    checked = p.check(CASE, "case.yaml", "en")
    assert checked.run is not None, checked.problems
    (record,) = checked.run.records
    assert {f.rule: f.level for f in record.findings}["OFFICE-01"] == "RISK"
    assert checked.run.receipt.added_rules[0].folder == str(office)

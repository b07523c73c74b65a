"""Hostile CKLB structures, built from the sample by code: one clear error line, or a write that lands on
the reported rule and changes nothing outside its review values."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cklauto.cli import main
from cklauto.errors import ChecklistError
from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_target_rule
from tests.conftest import SAMPLES

SAMPLE = (SAMPLES / "ex02.contoso.mil.cklb").read_text(encoding="utf-8")
TARGET = '"rule_version":"EX13-MB-000120"'


def _span_from(text: str, start: int) -> tuple[int, int]:
    return start, json.JSONDecoder().raw_decode(text, start)[1]


def _target_rule_span(text: str = SAMPLE) -> tuple[int, int]:
    """Span of the target rule object (the sample is minified: rules are flat objects)."""
    return _span_from(text, text.rindex('{"group_id_src"', 0, text.index(TARGET)))


def _other_rule_span(text: str = SAMPLE) -> tuple[int, int]:
    span = _span_from(text, text.index('{"group_id_src"'))
    assert span != _target_rule_span(text)
    return span


def _insert(text: str, at: int, piece: str) -> bytes:
    return (text[:at] + piece + text[at:]).encode("utf-8")


def _replace(text: str, span: tuple[int, int], new: str) -> bytes:
    return (text[: span[0]] + new + text[span[1] :]).encode("utf-8")


# -- refused --------------------------------------------------------------------------------------


def integer_beyond_the_int_string_limit() -> bytes:
    return _insert(SAMPLE, 1, '"size":' + "9" * 5000 + ",")


def integer_beyond_the_limit_inside_the_target_rule() -> bytes:
    start, _ = _target_rule_span()
    return _insert(SAMPLE, start + 1, '"weight":1' + "0" * 4400 + ",")


def nested_too_deeply() -> bytes:
    start, _ = _target_rule_span()
    return _insert(SAMPLE, start + 1, '"x":' + "[" * 100_000 + "]" * 100_000 + ",")


def padded_group_id_in_another_rule() -> bytes:
    span = _other_rule_span()
    rule = SAMPLE[span[0] : span[1]]
    group = json.loads(rule)["group_id"]
    return _replace(SAMPLE, span, rule.replace(f'"group_id":"{group}"', '"group_id":" V-207290\\t"'))


def rule_that_is_not_an_object() -> bytes:
    return _replace(SAMPLE, _target_rule_span(), "[1,2]")


REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "integer beyond the int-string limit": (integer_beyond_the_int_string_limit, "4,300 digits"),
    "integer beyond the limit inside the target rule": (integer_beyond_the_limit_inside_the_target_rule, "digits"),
    "nested too deeply": (nested_too_deeply, "nested too deeply"),
    "padded group_id in another rule": (padded_group_id_in_another_rule, "2 times"),
    "rule that is not an object": (rule_that_is_not_an_object, "is not an object"),
}


@pytest.mark.parametrize("build,expected", list(REFUSED.values()), ids=list(REFUSED))
def test_engine_refuses_with_one_line_naming_the_file(
    tmp_path: Path, build: Callable[[], bytes], expected: str
) -> None:
    content = build()
    path = tmp_path / "ex02.contoso.mil.cklb"
    path.write_bytes(content)
    with pytest.raises(ChecklistError) as caught:
        checklist = open_checklist(path)
        checklist.rules()
        rule = find_target_rule(checklist)
        checklist.with_review(rule, status=Status.OPEN, finding_details="x").save()
    message = str(caught.value)
    assert str(path) in message and expected in message and "\n" not in message
    assert path.read_bytes() == content


# -- written on the reported rule only ------------------------------------------------------------


def duplicate_status_key_in_the_target() -> bytes:
    start, _ = _target_rule_span()
    return _insert(SAMPLE, start + 1, '"status":"not_a_finding",')


def nested_copy_of_the_target_inside_itself() -> bytes:
    start, end = _target_rule_span()
    return _insert(SAMPLE, start + 1, '"copy":' + SAMPLE[start:end] + ",")


def nested_copy_of_the_target_inside_another_rule() -> bytes:
    start, _ = _other_rule_span()
    t_start, t_end = _target_rule_span()
    return _insert(SAMPLE, start + 1, '"copy":' + SAMPLE[t_start:t_end] + ",")


def review_keys_as_text_before_the_real_ones() -> bytes:
    start, _ = _target_rule_span()
    return _insert(SAMPLE, start + 1, '"note":"\\"status\\":\\"open\\",\\"finding_details\\":\\"x\\"",')


def padded_rule_id_in_another_rules_title() -> bytes:
    span = _other_rule_span()
    rule = SAMPLE[span[0] : span[1]]
    return _replace(SAMPLE, span, rule.replace('"rule_title":"', '"rule_title":" SV-207290r961110_rule ', 1))


def status_that_is_a_number() -> bytes:
    span = _target_rule_span()
    return _replace(SAMPLE, span, SAMPLE[span[0] : span[1]].replace('"status":"not_reviewed"', '"status":7'))


def target_without_review_keys() -> bytes:
    span = _target_rule_span()
    rule = json.loads(SAMPLE[span[0] : span[1]])
    for key in ("status", "finding_details", "comments"):
        del rule[key]
    return _replace(SAMPLE, span, json.dumps(rule, separators=(",", ":"), ensure_ascii=False))


WRITTEN: dict[str, Callable[[], bytes]] = {
    "duplicate status key in the target": duplicate_status_key_in_the_target,
    "nested copy of the target inside itself": nested_copy_of_the_target_inside_itself,
    "nested copy of the target inside another rule": nested_copy_of_the_target_inside_another_rule,
    "review keys as text before the real ones": review_keys_as_text_before_the_real_ones,
    "padded rule_id in another rule's title": padded_rule_id_in_another_rules_title,
    "status that is a number": status_that_is_a_number,
    "target without review keys": target_without_review_keys,
}


def _assert_written_on_the_reported_rule(path: Path, before: bytes, reported: frozenset[str]) -> None:
    after = path.read_bytes()
    reopened = open_checklist(path)
    rule = find_target_rule(reopened)
    assert rule.names == reported and rule.review.status == Status.OPEN
    assert rule.review.finding_details == "written by the test"
    old_doc, new_doc = json.loads(before), json.loads(after)
    old_rules = [r for stig in old_doc["stigs"] for r in stig["rules"]]
    new_rules = [r for stig in new_doc["stigs"] for r in stig["rules"]]
    changed = [i for i, (a, b) in enumerate(zip(old_rules, new_rules)) if a != b]
    assert len(old_rules) == len(new_rules) and len(changed) == 1
    target_old, target_new = old_rules[changed[0]], new_rules[changed[0]]
    for key in ("status", "finding_details", "updatedAt"):
        target_old.pop(key, None)
        target_new.pop(key, None)
    assert target_old == target_new  # nested copies and other keys untouched
    old_doc["stigs"] = new_doc["stigs"] = None
    assert old_doc == new_doc


@pytest.mark.parametrize("build", list(WRITTEN.values()), ids=list(WRITTEN))
def test_engine_writes_only_the_real_target(tmp_path: Path, build: Callable[[], bytes]) -> None:
    content = build()
    path = tmp_path / "ex02.contoso.mil.cklb"
    path.write_bytes(content)
    checklist = open_checklist(path)
    rule = find_target_rule(checklist)
    checklist.with_review(rule, status=Status.OPEN, finding_details="written by the test").save()
    _assert_written_on_the_reported_rule(path, content, rule.names)


def test_a_duplicate_key_keeps_its_stale_twin_byte_for_byte(tmp_path: Path) -> None:
    content = duplicate_status_key_in_the_target()
    path = tmp_path / "x.cklb"
    path.write_bytes(content)
    checklist = open_checklist(path)
    checklist.with_review(find_target_rule(checklist), status=Status.OPEN).save()
    assert b'"status":"not_a_finding","group_id_src"' in path.read_bytes()  # the first, ignored one


@pytest.mark.parametrize("build,expected", list(REFUSED.values()), ids=list(REFUSED))
def test_cli_refuses_with_one_line_and_leaves_the_file(
    tmp_path: Path, build: Callable[[], bytes], expected: str
) -> None:
    content = build()
    path = tmp_path / "ex02.contoso.mil.cklb"
    path.write_bytes(content)
    evidence = tmp_path / "sendconnectors.json"
    evidence.write_text(json.dumps([{"Name": "A", "Identity": "A", "TlsDomain": None}]), encoding="utf-8")
    runner = CliRunner()
    run = runner.invoke(
        main,
        ["run", str(path), "--rule", "EX13-MB-000120", "--domain", "contoso.mil", "--evidence", str(evidence)],
        catch_exceptions=False,
    )
    assert run.exit_code == 1 and "Traceback" not in run.output
    assert len([line for line in run.output.splitlines() if str(path) in line and expected in line]) == 1, run.output
    show = runner.invoke(main, ["show", str(path)], catch_exceptions=False)
    assert show.exit_code == 1 and expected in show.output
    assert path.read_bytes() == content

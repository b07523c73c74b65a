"""Hostile CKL structures around the target rule, built from the sample by code.

Each file either ends in one clear error line naming it (and stays byte for byte as it was), or
is written so that the new review sits on the very rule that was reported and not one byte
outside that rule's review fields changes.  Through the engine and through `cklauto run` /
`cklauto show`.
"""

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

SAMPLE = (SAMPLES / "ex01.contoso.mil.ckl").read_bytes()
TARGET_RULE_ID = b"SV-207290r961110_rule"


def _vulns(data: bytes) -> list[tuple[int, int]]:
    spans, position = [], 0
    while (start := data.find(b"<VULN>", position)) >= 0:
        end = data.index(b"</VULN>", start) + len(b"</VULN>")
        spans.append((start, end))
        position = end
    return spans


def _target(data: bytes) -> tuple[int, int]:
    at = data.index(b">" + TARGET_RULE_ID + b"<")
    return next((s, e) for s, e in _vulns(data) if s < at < e)


def _insert(data: bytes, at: int, piece: bytes) -> bytes:
    return data[:at] + piece + data[at:]


def _target_copy(data: bytes = SAMPLE) -> bytes:
    start, end = _target(data)
    return data[start:end]


def _first_other_vuln(data: bytes = SAMPLE) -> tuple[int, int]:
    target = _target(data)
    return next(span for span in _vulns(data) if span != target)


def _with_attribute(data: bytes, span: tuple[int, int], attribute: bytes, value: bytes) -> bytes:
    """Add a STIG_DATA (attribute, value) at the start of the VULN at ``span``."""
    stig_data = (
        b"<STIG_DATA><VULN_ATTRIBUTE>"
        + attribute
        + b"</VULN_ATTRIBUTE><ATTRIBUTE_DATA>"
        + value
        + b"</ATTRIBUTE_DATA></STIG_DATA>"
    )
    return _insert(data, span[0] + len(b"<VULN>"), stig_data)


# -- files that must be refused ------------------------------------------------------------------


def nested_copy_inside_another_vuln() -> bytes:
    _, end = _first_other_vuln()
    return _insert(SAMPLE, end - len(b"</VULN>"), _target_copy())


def nested_copy_inside_the_target_itself() -> bytes:
    _, end = _target(SAMPLE)
    return _insert(SAMPLE, end - len(b"</VULN>"), _target_copy())


def copy_inside_another_element_of_the_stig() -> bytes:
    start, _ = _vulns(SAMPLE)[0]
    return _insert(SAMPLE, start, b"<EXTRA>" + _target_copy() + b"</EXTRA>")


def copy_inside_a_stig_data_of_another_rule() -> bytes:
    start, _ = _first_other_vuln()
    stig_data = SAMPLE.index(b"</STIG_DATA>", start)
    return _insert(SAMPLE, stig_data, _target_copy())


def padded_ids_as_a_legacy_id_of_another_rule() -> bytes:
    return _with_attribute(SAMPLE, _first_other_vuln(), b"LEGACY_ID", b"  V-207290\t")


def lowercase_copy_of_the_rule_id_in_another_rule() -> bytes:
    return _with_attribute(SAMPLE, _first_other_vuln(), b"Rule_ID", TARGET_RULE_ID.lower())


def two_status_elements_in_the_target() -> bytes:
    start, _ = _target(SAMPLE)
    status = SAMPLE.index(b"<STATUS>", start)
    return _insert(SAMPLE, status, b"<STATUS>Open</STATUS>\n")


def elements_nested_too_deeply() -> bytes:
    start, _ = _target(SAMPLE)
    return _insert(SAMPLE, start, b"<X>" * 300 + b"</X>" * 300)


REFUSED: dict[str, tuple[Callable[[], bytes], str]] = {
    "nested copy inside another VULN": (nested_copy_inside_another_vuln, "nested inside <VULN>"),
    "nested copy inside the target itself": (nested_copy_inside_the_target_itself, "nested inside <VULN>"),
    "copy inside another element of the STIG": (copy_inside_another_element_of_the_stig, "nested inside <EXTRA>"),
    "copy inside a STIG_DATA of another rule": (copy_inside_a_stig_data_of_another_rule, "nested inside <STIG_DATA>"),
    "padded IDs as a legacy ID of another rule": (padded_ids_as_a_legacy_id_of_another_rule, "2 times"),
    "lower-case Rule_ID in another rule": (lowercase_copy_of_the_rule_id_in_another_rule, "2 times"),
    "two STATUS elements in the target": (two_status_elements_in_the_target, "more than one STATUS"),
    "elements nested too deeply": (elements_nested_too_deeply, "not well-formed"),
}


@pytest.mark.parametrize("build,expected", list(REFUSED.values()), ids=list(REFUSED))
def test_engine_refuses_with_one_line_naming_the_file(
    tmp_path: Path, build: Callable[[], bytes], expected: str
) -> None:
    content = build()
    path = tmp_path / "ex01.contoso.mil.ckl"
    path.write_bytes(content)
    with pytest.raises(ChecklistError) as caught:
        checklist = open_checklist(path)
        rule = find_target_rule(checklist)
        checklist.with_review(rule, status=Status.OPEN, finding_details="x").save()
    message = str(caught.value)
    assert str(path) in message and expected in message and "\n" not in message
    assert path.read_bytes() == content


# -- files that must be written on the real target only ------------------------------------------


def padded_rule_id_in_another_rules_title() -> bytes:
    return _with_attribute(SAMPLE, _first_other_vuln(), b"Rule_Title", b"  " + TARGET_RULE_ID + b"  ")


def stray_stig_data_with_the_ids_inside_another_rule() -> bytes:
    start, end = _first_other_vuln()
    stray = (
        b"<STRAY><STIG_DATA><VULN_ATTRIBUTE>Rule_ID</VULN_ATTRIBUTE><ATTRIBUTE_DATA>"
        + TARGET_RULE_ID
        + b"</ATTRIBUTE_DATA></STIG_DATA><STATUS>Not_Applicable</STATUS></STRAY>"
    )
    return _insert(SAMPLE, end - len(b"</VULN>"), stray)


def decoy_review_fields_inside_the_target() -> bytes:
    start, _ = _target(SAMPLE)
    first_stig_data_end = SAMPLE.index(b"</STIG_DATA>", start)
    decoy = b"<STATUS>decoy</STATUS><FINDING_DETAILS>decoy</FINDING_DETAILS><COMMENTS>decoy</COMMENTS>"
    return _insert(SAMPLE, first_stig_data_end, decoy)


def review_fields_in_a_comment_before_the_real_ones() -> bytes:
    start, _ = _target(SAMPLE)
    status = SAMPLE.index(b"<STATUS>", start)
    return _insert(SAMPLE, status, b"<!-- <STATUS>x</STATUS><FINDING_DETAILS>y</FINDING_DETAILS> -->")


def vuln_tags_inside_cdata_of_another_rule() -> bytes:
    start, _ = _first_other_vuln()
    details = SAMPLE.index(b"<FINDING_DETAILS>", start) + len(b"<FINDING_DETAILS>")
    return _insert(SAMPLE, details, b"<![CDATA[</VULN><VULN>" + TARGET_RULE_ID + b"</VULN>]]>")


def copy_of_the_target_in_a_comment() -> bytes:
    start, _ = _vulns(SAMPLE)[0]
    return _insert(SAMPLE, start, b"<!--" + _target_copy().replace(b"--", b"- -") + b"-->")


def attributes_with_angle_brackets_on_the_target() -> bytes:
    start, _ = _target(SAMPLE)
    return SAMPLE[:start] + b"<VULN note=\"a > b\" other='<'>".replace(b"'<'", b"'&lt;'") + SAMPLE[start + 6 :]


def self_closing_review_fields_in_the_target() -> bytes:
    start, end = _target(SAMPLE)
    vuln = SAMPLE[start:end]
    for tag in (b"FINDING_DETAILS", b"COMMENTS"):
        vuln = vuln.replace(b"<" + tag + b"></" + tag + b">", b"<" + tag + b" />")
    return SAMPLE[:start] + vuln + SAMPLE[end:]


def unrelated_vuln_nested_in_an_earlier_rule() -> bytes:
    """Counting VULN tags in the bytes would now point one rule too far."""
    start, end = _vulns(SAMPLE)[0]
    other_start, other_end = _vulns(SAMPLE)[1]
    return _insert(SAMPLE, end - len(b"</VULN>"), b"<HISTORY>" + SAMPLE[other_start:other_end] + b"</HISTORY>")


def lowercase_ids_in_the_target_itself() -> bytes:
    start, end = _target(SAMPLE)
    vuln = SAMPLE[start:end].replace(TARGET_RULE_ID, TARGET_RULE_ID.lower()).replace(b">V-207290<", b"> v-207290 <")
    return SAMPLE[:start] + vuln + SAMPLE[end:]


WRITTEN: dict[str, Callable[[], bytes]] = {
    "padded Rule_ID in another rule's title": padded_rule_id_in_another_rules_title,
    "stray STIG_DATA with the IDs inside another rule": stray_stig_data_with_the_ids_inside_another_rule,
    "decoy review fields inside the target": decoy_review_fields_inside_the_target,
    "review fields in a comment before the real ones": review_fields_in_a_comment_before_the_real_ones,
    "VULN tags inside CDATA of another rule": vuln_tags_inside_cdata_of_another_rule,
    "copy of the target in a comment": copy_of_the_target_in_a_comment,
    "attributes with angle brackets on the target": attributes_with_angle_brackets_on_the_target,
    "self-closing review fields in the target": self_closing_review_fields_in_the_target,
    "lower-case, padded IDs in the target itself": lowercase_ids_in_the_target_itself,
    "unrelated VULN nested in an earlier rule": unrelated_vuln_nested_in_an_earlier_rule,
}


def _assert_written_on_the_reported_rule(path: Path, before: bytes, reported_names: frozenset[str]) -> None:
    after = path.read_bytes()
    assert after != before
    reopened = open_checklist(path)
    rule = find_target_rule(reopened)
    assert rule.names == reported_names
    assert rule.review.status == Status.OPEN
    # The change is one region, inside the rule's review fields: no tag but theirs is touched.
    prefix = next(i for i, (a, b) in enumerate(zip(before, after)) if a != b)
    suffix = next(i for i, (a, b) in enumerate(zip(before[::-1], after[::-1])) if a != b)
    changed = before[prefix : len(before) - suffix]
    assert b"<VULN" not in changed and b"</VULN>" not in changed and b"ATTRIBUTE" not in changed
    assert b"decoy" not in changed and b"CDATA" not in changed and b"<!--" not in changed
    original = open_checklist(path.with_name("original.ckl"))
    assert [r for r in reopened.rules() if r.position != rule.position] == [
        r for r in original.rules() if r.position != rule.position
    ]


@pytest.mark.parametrize("build", list(WRITTEN.values()), ids=list(WRITTEN))
def test_engine_writes_only_the_real_target(tmp_path: Path, build: Callable[[], bytes]) -> None:
    content = build()
    (tmp_path / "original.ckl").write_bytes(content)
    path = tmp_path / "ex01.contoso.mil.ckl"
    path.write_bytes(content)
    checklist = open_checklist(path)
    rule = find_target_rule(checklist)
    checklist.with_review(rule, status=Status.OPEN, finding_details="written by the test").save()
    _assert_written_on_the_reported_rule(path, content, rule.names)


# -- the same through the CLI --------------------------------------------------------------------

OPEN_EVIDENCE = [{"Name": "Legacy", "Identity": "Legacy", "TlsDomain": None}]


def _run(tmp_path: Path, path: Path) -> tuple[int, str]:
    evidence = tmp_path / "sendconnectors.json"
    evidence.write_text(json.dumps(OPEN_EVIDENCE), encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["run", str(path), "--rule", "EX13-MB-000120", "--domain", "contoso.mil", "--evidence", str(evidence)],
        catch_exceptions=False,
    )
    return result.exit_code, result.output


@pytest.mark.parametrize("build,expected", list(REFUSED.values()), ids=list(REFUSED))
def test_cli_refuses_with_one_line_and_leaves_the_file(
    tmp_path: Path, build: Callable[[], bytes], expected: str
) -> None:
    content = build()
    path = tmp_path / "ex01.contoso.mil.ckl"
    path.write_bytes(content)
    code, output = _run(tmp_path, path)
    assert code == 1 and "Traceback" not in output
    assert len([line for line in output.splitlines() if str(path) in line and expected in line]) == 1, output
    show = CliRunner().invoke(main, ["show", str(path)], catch_exceptions=False)
    assert show.exit_code == 1 and expected in show.output and "Traceback" not in show.output
    assert path.read_bytes() == content


@pytest.mark.parametrize("build", list(WRITTEN.values()), ids=list(WRITTEN))
def test_cli_writes_only_the_real_target(tmp_path: Path, build: Callable[[], bytes]) -> None:
    content = build()
    (tmp_path / "original.ckl").write_bytes(content)
    path = tmp_path / "ex01.contoso.mil.ckl"
    path.write_bytes(content)
    reported = find_target_rule(open_checklist(path)).names
    code, output = _run(tmp_path, path)
    assert code == 0, output
    _assert_written_on_the_reported_rule(path, content, reported)

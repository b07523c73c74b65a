"""The fidelity contract, on every real checklist we have: no change, no byte changes; a
changed review changes only that review; the result still validates against DISA's schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from cklauto.formats import CklbChecklist, CklChecklist, open_checklist
from cklauto.model import Status
from tests.conftest import REFERENCE, reference_files

CKL_FILES = reference_files("ckl")
CKLB_FILES = reference_files("cklb")
ALL_FILES = CKL_FILES + CKLB_FILES
needs_reference = pytest.mark.skipif(not ALL_FILES, reason=f"reference checklists not found at {REFERENCE}")

NEW_DETAILS = "cklauto says: <b>&amp;</b> \"quoted\" 'single' ünïcødé — 日本語 😀\nsecond line\ttab"
NEW_COMMENTS = "reviewed by J. Smith & team <ISSO>"


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def _pick_rule(checklist):
    rules = checklist.rules()
    return rules[len(rules) // 2]


def _other_status(status: Status) -> Status:
    return Status.OPEN if status != Status.OPEN else Status.NOT_A_FINDING


@needs_reference
@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_open_and_save_without_change_is_byte_identical(path: Path, copy_of) -> None:
    original = path.read_bytes()
    copy = copy_of(path)
    checklist = open_checklist(copy)
    unchanged = checklist.with_review(_pick_rule(checklist))
    unchanged.save()
    assert copy.read_bytes() == original


@needs_reference
@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_edit_reads_back_and_changes_one_contiguous_region(path: Path, copy_of) -> None:
    original = path.read_bytes()
    copy = copy_of(path)
    checklist = open_checklist(copy)
    rule = _pick_rule(checklist)
    new_status = _other_status(rule.review.status)
    checklist.with_review(rule, status=new_status, finding_details=NEW_DETAILS, comments=NEW_COMMENTS).save()

    edited = copy.read_bytes()
    reopened = open_checklist(copy)
    again = reopened.rules()[len(reopened.rules()) // 2]
    assert again.names == rule.names
    assert again.review.status == new_status
    assert again.review.finding_details == NEW_DETAILS
    assert again.review.comments == NEW_COMMENTS
    assert again.review.severity_override == rule.review.severity_override
    # Bytes before the first change and after the last one are the original's, and the
    # changed region sits inside the rule (it never reaches a neighbouring rule's identifiers).
    prefix = _common_prefix(original, edited)
    suffix = _common_prefix(original[::-1], edited[::-1])
    changed_old = original[prefix : len(original) - suffix]
    assert b"<VULN>" not in changed_old and b"Rule_ID" not in changed_old and b'"rule_id"' not in changed_old
    # Every other rule reads exactly as before.
    before = [r for r in checklist.rules() if r.position != rule.position]
    after = [r for r in reopened.rules() if r.position != rule.position]
    assert before == after
    assert reopened.asset == checklist.asset and reopened.stigs == checklist.stigs


@needs_reference
@pytest.mark.parametrize("path", CKL_FILES, ids=_ids(CKL_FILES))
def test_edited_ckl_is_the_same_tree_but_for_the_three_review_fields(path: Path, copy_of) -> None:
    copy = copy_of(path)
    checklist = open_checklist(copy)
    rule = _pick_rule(checklist)
    checklist.with_review(
        rule, status=_other_status(rule.review.status), finding_details=NEW_DETAILS, comments=""
    ).save()
    old_root = etree.fromstring(path.read_bytes())
    new_root = etree.fromstring(copy.read_bytes())
    old_nodes = list(old_root.iter())
    new_nodes = list(new_root.iter())
    assert len(old_nodes) == len(new_nodes)
    target_vuln = old_root.findall("STIGS/iSTIG")[rule.position[0]].findall("VULN")[rule.position[1]]
    owned = {target_vuln.find(tag) for tag in ("STATUS", "FINDING_DETAILS", "COMMENTS")}
    for old, new in zip(old_nodes, new_nodes):
        assert old.tag == new.tag
        assert old.tail == new.tail
        if old not in owned:
            assert old.text == new.text, old.tag
    assert old_root.getroottree().docinfo.xml_version == new_root.getroottree().docinfo.xml_version


@needs_reference
@pytest.mark.parametrize("path", CKL_FILES, ids=_ids(CKL_FILES))
def test_edited_ckl_still_validates_against_disa_schema(path: Path, copy_of) -> None:
    schema = etree.XMLSchema(etree.parse(str(REFERENCE / "ckl" / "schema" / "U_Checklist_Schema_V2.xsd")))
    copy = copy_of(path)
    checklist = open_checklist(copy)
    for rule in checklist.rules()[:3]:
        checklist = checklist.with_review(
            rule, status=Status.OPEN, finding_details=NEW_DETAILS + "\x1b[31m\x00", comments="x"
        )
    checklist.save()
    document = etree.parse(str(copy))
    assert schema.validate(document), schema.error_log


@needs_reference
@pytest.mark.parametrize("path", CKLB_FILES, ids=_ids(CKLB_FILES))
def test_edited_cklb_keeps_key_order_and_unknown_keys(path: Path, copy_of) -> None:
    copy = copy_of(path)
    checklist = open_checklist(copy)
    rule = _pick_rule(checklist)
    checklist.with_review(rule, status=_other_status(rule.review.status), finding_details=NEW_DETAILS).save()

    def pairs(data: bytes):
        return json.loads(data.decode("utf-8-sig"), object_pairs_hook=lambda p: p)

    old, new = pairs(path.read_bytes()), pairs(copy.read_bytes())

    old_doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    new_doc = json.loads(copy.read_bytes().decode("utf-8-sig"))
    old_rule = old_doc["stigs"][rule.position[0]]["rules"][rule.position[1]]
    new_rule = new_doc["stigs"][rule.position[0]]["rules"][rule.position[1]]
    assert list(old_rule) == list(new_rule)  # key order, no key added or lost
    assert new_rule["status"] == _other_status(rule.review.status).cklb
    for key in ("status", "finding_details", "updatedAt"):
        old_rule.pop(key, None)
        new_rule.pop(key, None)
    assert old_doc == new_doc
    assert [k for k, _ in old] == [k for k, _ in new]  # top-level key order


@needs_reference
def test_formats_are_told_apart_by_content_not_extension(copy_of) -> None:
    ckl = copy_of(CKL_FILES[0], "looks-like.cklb")
    cklb = copy_of(CKLB_FILES[0], "looks-like.ckl")
    assert isinstance(open_checklist(ckl), CklChecklist)
    assert isinstance(open_checklist(cklb), CklbChecklist)


@needs_reference
def test_evaluate_stig_crlf_bom_layout_survives_an_edit(copy_of) -> None:
    path = REFERENCE / "ckl" / "evaluate-stig-1.2310.1_Chrome-V2R8_BOM_CRLF.ckl"
    copy = copy_of(path)
    checklist = open_checklist(copy)
    rule = _pick_rule(checklist)
    checklist.with_review(rule, finding_details="a\nb", comments="new comment").save()
    data = copy.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf<?xml")
    # Structural line endings stay CRLF; only the replaced texts' own newlines go.
    replaced = rule.review.finding_details.count("\n") + rule.review.comments.count("\n")
    assert data.count(b"\r\n") == path.read_bytes().count(b"\r\n") - replaced
    assert (
        data.count(b"\n") - data.count(b"\r\n") == path.read_bytes().count(b"\n") - path.read_bytes().count(b"\r\n") + 1
    )
    assert b"<!--<Evaluate-STIG><version>1.2310.1</version></Evaluate-STIG>-->" in data


def _common_prefix(a: bytes, b: bytes) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # binary search on equal prefixes: fast on multi-MB files
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low

"""What cklauto stores as review text, and property tests of the round trip with arbitrary Unicode."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cklauto.formats import open_checklist, parse_checklist
from cklauto.formats.text import MAX_FIELD_CHARS, TRUNCATION_MARKER, clean_review_text, utf16_length
from cklauto.model import Status
from tests.conftest import REFERENCE

SMALL_CKL = REFERENCE / "ckl" / "sv2.17_RHEL9-V1R3_overrides_all-statuses.ckl"
PRETTY_CKLB = REFERENCE / "cklb" / "evaluate-stig-1.2310.1_COMBINED_pretty_CRLF.cklb"
MINIFIED_CKLB = REFERENCE / "cklb" / "sv3_Splunk8x-Linux-V1R5_New-Checklist.cklb"
needs_reference = pytest.mark.skipif(not SMALL_CKL.exists(), reason=f"reference checklists not found at {REFERENCE}")


def test_ansi_colour_codes_and_control_characters_are_removed() -> None:
    raw = "\x1b[32mPASS\x1b[0m TlsDomain\x00 \x07bell\x0cfeed \x1b]0;title\x07end"
    assert clean_review_text(raw) == "PASS TlsDomain bellfeed end"


def test_newlines_become_lf_and_tabs_stay() -> None:
    assert clean_review_text("a\r\nb\rc\n\td") == "a\nb\nc\n\td"


def test_long_text_is_cut_to_the_limit_with_a_visible_marker() -> None:
    text = "x" * 40_000
    cleaned = clean_review_text(text)
    assert cleaned.endswith(TRUNCATION_MARKER)
    assert utf16_length(cleaned) == MAX_FIELD_CHARS


def test_limit_counts_utf16_units_and_never_splits_a_character() -> None:
    text = "😀" * 20_000  # 40,000 UTF-16 units
    cleaned = clean_review_text(text)
    assert utf16_length(cleaned) <= MAX_FIELD_CHARS
    assert set(cleaned[: -len(TRUNCATION_MARKER)]) == {"😀"}


def test_text_at_the_limit_is_kept_whole() -> None:
    text = "y" * MAX_FIELD_CHARS
    assert clean_review_text(text) == text


review_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=400)


def _roundtrip(source: Path, details: str, comments: str, status: Status) -> None:
    original = source.read_bytes()
    checklist = parse_checklist(source, original)
    rule = checklist.rules()[1]
    edited = checklist.with_review(rule, status=status, finding_details=details, comments=comments)
    reread = parse_checklist(source, edited.data)
    again = reread.rules()[1]
    assert again.review.finding_details == clean_review_text(details)
    assert again.review.comments == clean_review_text(comments)
    assert again.review.status == status
    assert [r for r in reread.rules() if r.position != rule.position] == [
        r for r in checklist.rules() if r.position != rule.position
    ]
    # Undo: writing the old review back gives the original bytes when the original used the
    # same text encoding cklauto writes (true of these files' rule 1).
    if (rule.review.finding_details, rule.review.comments) == ("", ""):
        restored = reread.with_review(again, status=rule.review.status, finding_details="", comments="")
        assert len(restored.data) <= len(original) + 64


@needs_reference
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(details=review_text, comments=review_text, status=st.sampled_from(list(Status)))
def test_arbitrary_unicode_round_trips_through_ckl(details: str, comments: str, status: Status) -> None:
    _roundtrip(SMALL_CKL, details, comments, status)


@needs_reference
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(details=review_text, comments=review_text, status=st.sampled_from(list(Status)))
def test_arbitrary_unicode_round_trips_through_minified_cklb(details: str, comments: str, status: Status) -> None:
    _roundtrip(MINIFIED_CKLB, details, comments, status)


@needs_reference
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(details=review_text, status=st.sampled_from(list(Status)))
def test_arbitrary_unicode_round_trips_through_pretty_crlf_cklb(details: str, status: Status) -> None:
    _roundtrip(PRETTY_CKLB, details, "", status)


@needs_reference
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(details=review_text)
def test_saved_file_differs_from_the_original_only_inside_the_rule(details: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / SMALL_CKL.name
        shutil.copyfile(SMALL_CKL, path)
        checklist = open_checklist(path)
        rule = checklist.rules()[2]
        checklist.with_review(rule, finding_details=details + "!").save()
        new = path.read_bytes()
    old = SMALL_CKL.read_bytes()
    head = old.index(b"<FINDING_DETAILS>", _nth_vuln(old, 2)) + len(b"<FINDING_DETAILS>")
    tail = old.index(b"</FINDING_DETAILS>", head)
    assert new[:head] == old[:head]
    assert new.endswith(old[tail:])


def _nth_vuln(data: bytes, n: int) -> int:
    position = -1
    for _ in range(n + 1):
        position = data.index(b"<VULN>", position + 1)
    return position

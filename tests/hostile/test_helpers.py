"""The corpus's damage check itself: it must accept a clean update and catch any byte changed elsewhere."""

from __future__ import annotations

import pytest

from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_target_rule
from tests.conftest import SAMPLES
from tests.hostile.helpers import assert_clean_update, non_target_bytes

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".ckl", ".cklb"))


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_a_clean_update_passes_and_a_byte_changed_elsewhere_is_caught(sample, tmp_path) -> None:
    old = sample.read_bytes()
    checklist = open_checklist(sample)
    rule = find_target_rule(checklist)
    new = checklist.with_review(rule, status=Status.OPEN, finding_details="details", comments="note").data
    assert_clean_update(old, new, sample.name)

    masked, targets = non_target_bytes(old)
    assert targets == 1 and masked.count(b"\0REVIEW\0") >= 3
    # A byte changed in an earlier rule's status, or in the target rule outside its review values.
    other = old.index(b"Not_Reviewed" if sample.suffix == ".ckl" else b"not_reviewed")
    assert other < masked.index(b"\0REVIEW\0"), "the first status seen must be another rule's"
    for offset in (other, new.index(b"EX13-MB-000120") + 1):
        damaged = new[:offset] + new[offset : offset + 1].swapcase() + new[offset + 1 :]
        with pytest.raises(AssertionError):
            assert_clean_update(old, damaged, sample.name)

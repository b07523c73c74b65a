"""Issue 7, items 1-3, through `cklauto run` and `cklauto show` as a user runs them.

A person's finding details (long, CRLF, form feeds, text appended below cklauto's block), a person's comment and a
status a person changed after cklauto wrote its own are never cut, dropped, rewritten or overwritten; cklauto only
shortens its own block, and refuses the rule when even that cannot fit.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cklauto.checks.frame import MAX_FIELD_CHARS, parse_details, utf16_length
from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_target_rule
from tests.conftest import SAMPLES
from tests.hostile.helpers import NONCOMPLIANT, run_then_show, write_evidence


def seed(tmp_path: Path, name: str, **review) -> Path:
    folder = tmp_path / "checklists"
    folder.mkdir(exist_ok=True)
    path = folder / name
    shutil.copyfile(SAMPLES / name, path)
    doc = open_checklist(path)
    from cklauto.formats import ReviewEdit

    doc.with_reviews([ReviewEdit(find_target_rule(doc), **review)]).save()
    return path


def target(path: Path):
    return find_target_rule(open_checklist(path)).review


def test_a_long_crlf_persons_text_survives_byte_for_byte_and_cklauto_shortens_itself(tmp_path: Path) -> None:
    person = ("Reviewed by J. Smith on 2026-10-01.\r\nConnector list checked against the EDSP.\r\n" * 700)[:30_000]
    path = seed(tmp_path, "ex02.contoso.mil.cklb", status=Status.NOT_REVIEWED, finding_details=person)
    many = NONCOMPLIANT + [
        {"Name": f"Relay {i:03d}", "Identity": f"Relay {i:03d}", "TlsDomain": None} for i in range(60)
    ]
    result = run_then_show([path.parent], evidence=write_evidence(tmp_path / "sc.json", many))
    assert result.run.returncode == 0, result.run.stdout + result.run.stderr
    details = target(path).finding_details
    assert details.endswith("\n\n" + person)  # every byte of it, CRLF included
    assert utf16_length(details) <= MAX_FIELD_CHARS
    block = parse_details(details).block
    assert block is not None and "Result: Open." in block and "left out to stay within" in block


def test_when_even_the_shortest_block_cannot_fit_the_rule_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    person = "x" * 32_700
    path = seed(tmp_path, "ex02.contoso.mil.cklb", status=Status.NOT_REVIEWED, finding_details=person)
    before = path.read_bytes()
    result = run_then_show([path.parent], evidence=write_evidence(tmp_path / "sc.json", NONCOMPLIANT))
    assert result.run.returncode == 1
    assert "leaves no room for cklauto's result" in result.run.stdout
    assert path.read_bytes() == before


def test_a_status_a_person_changed_after_cklauto_and_their_note_are_kept(tmp_path: Path) -> None:
    path = seed(tmp_path, "ex01.contoso.mil.ckl", status=Status.NOT_REVIEWED)
    evidence = write_evidence(tmp_path / "sc.json", NONCOMPLIANT)
    first = run_then_show([path.parent], evidence=evidence)
    assert first.run.returncode == 0 and target(path).status is Status.OPEN
    # The ISSO marks it Not_Applicable and appends a justification below cklauto's text, in STIG Viewer.
    doc = open_checklist(path)
    rule = find_target_rule(doc)
    note = "ISSO: connector retired 2026-11-20, see ticket 4711.\nWaiver W-17."
    from cklauto.formats import ReviewEdit

    doc.with_reviews(
        [
            ReviewEdit(
                rule,
                status=Status.NOT_APPLICABLE,
                finding_details=rule.review.finding_details + "\n\n" + note,
                comments="Waiver W-17",
            )
        ]
    ).save()
    before = path.read_bytes()
    again = run_then_show([path.parent], "--json", evidence=evidence)
    row = json.loads(again.run.stdout)["checklists"][0]
    assert row["outcome"] == "skipped" and "reviewed by a person (Not_Applicable)" in row["note"]
    assert path.read_bytes() == before
    shown = json.loads(
        __import__("subprocess")
        .run(
            [__import__("sys").executable, "-m", "cklauto", "show", str(path), "--json"], capture_output=True, text=True
        )
        .stdout
    )
    rule_entry = next(r for r in shown[0]["rules"] if r["stig_id"] == "EX13-MB-000120")
    assert rule_entry["set_by"] == "person" and rule_entry["status"] == "Not_Applicable"
    # Even when told to re-evaluate, the person's note and comment stay.
    forced = run_then_show([path.parent], "--overwrite-reviewed", evidence=evidence)
    assert forced.run.returncode == 0
    review = target(path)
    assert review.status is Status.OPEN and review.finding_details.endswith("\n\n" + note)
    assert review.comments == "Waiver W-17"


def test_a_form_feed_a_ckl_cannot_hold_is_never_written_silently(tmp_path: Path) -> None:
    # The person's text came from a CKLB (JSON holds \f); copied into a CKL it could not be stored: refused.
    path = seed(tmp_path, "ex02.contoso.mil.cklb", status=Status.NOT_REVIEWED, finding_details="page 1\fpage 2")
    result = run_then_show([path.parent], evidence=write_evidence(tmp_path / "sc.json", NONCOMPLIANT))
    assert result.run.returncode == 0
    assert target(path).finding_details.endswith("\n\npage 1\fpage 2")

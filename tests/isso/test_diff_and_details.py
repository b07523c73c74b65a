"""``--dry-run --diff`` shows per rule the finding details and comment that would be written, as a unified diff
against the current text; ``cklauto show --details RULE`` prints a rule's full finding details and comments."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cklauto.formats import open_checklist
from tests.conftest import SAMPLES
from tests.isso.estate import Estate, estate_at

RULE = "EX13-MB-000120"
PERSON_NOTE = "Reviewed with the mail team on 2026-10-01.\x1b[2J\u202eNothing to add."
STORED_NOTE = "Reviewed with the mail team on 2026-10-01.\u202eNothing to add."


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    with estate_at(tmp_path_factory.mktemp("diff")) as estate:
        yield estate


@pytest.fixture
def ex03(shared: Estate, tmp_path: Path) -> Path:
    """A fresh EX03 (V2R1) whose rule holds a person's note (with an escape sequence and a bidi override)."""
    path = tmp_path / "ex03.ckl"
    shutil.copyfile(SAMPLES / "ex03.contoso.mil.ckl", path)
    checklist = open_checklist(path)
    rule = next(r for r in checklist.rules() if r.rule_version == RULE)
    checklist.with_review(rule, finding_details=PERSON_NOTE).save()
    return path


def _rule(path: Path):
    return next(r for r in open_checklist(path).rules() if r.rule_version == RULE)


def test_dry_run_diff_shows_what_would_be_written_and_writes_nothing(shared: Estate, ex03: Path) -> None:
    before = ex03.read_bytes()
    result = shared.invoke(*shared.args(str(ex03), "--dry-run", "--diff", rule=RULE))
    assert result.exit_code == 0, result.output
    assert ex03.read_bytes() == before
    lines = result.stdout.splitlines()
    start = lines.index(f"=== {ex03}: {RULE} (V-207290): Not_Reviewed -> Open")
    block = lines[start:]
    assert block[1:3] == ["--- finding details (before)", "+++ finding details (would be written)"]
    assert block[3].startswith("@@ ")
    added = [line[1:] for line in block if line.startswith("+") and not line.startswith("+++")]
    assert added[0].startswith(f"cklauto 0.2.0 evaluated {RULE} (V-207290) as Open on ")
    assert any("Legacy Scan-to-Mail" in line for line in added)  # the failing connector, in the new text
    # The person's note is kept below cklauto's block: context, never removed; shown escaped.  (Stored as STIG
    # Viewer stores text: the ANSI sequence was removed when it was saved, the bidi override was kept.)
    assert _rule(ex03).review.finding_details == STORED_NOTE
    assert " Reviewed with the mail team on 2026-10-01.\\u202eNothing to add." in block
    assert not any(line.startswith("-") and "mail team" in line for line in block)
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    # The comment that would be written for the Open result.
    comments = block.index("--- comments (before)")
    assert block[comments + 1] == "+++ comments (would be written)"
    assert block[comments + 3].startswith("+cklauto: ")
    assert "Dry run: nothing was written." in result.stdout


def test_diff_of_a_rerun_shows_only_what_changes(shared: Estate, ex03: Path) -> None:
    first = shared.invoke(*shared.args(str(ex03), rule=RULE))
    assert first.exit_code == 0, first.output
    result = shared.invoke(*shared.args(str(ex03), "--dry-run", "--diff", rule=RULE))
    assert result.exit_code == 0, result.output
    changed = [
        line for line in result.stdout.splitlines() if line.startswith(("+", "-")) and line[:3] not in ("+++", "---")
    ]
    # The same answer: only the header's time and the end line's check digest may differ.
    assert all(" evaluated " in line or "end of cklauto text" in line for line in changed), changed
    assert "--- comments" not in result.stdout  # cklauto's own comment stays as it is


def test_diff_after_a_real_run_says_written(shared: Estate, ex03: Path) -> None:
    result = shared.invoke(*shared.args(str(ex03), "--diff", rule=RULE))
    assert result.exit_code == 0, result.output
    assert "+++ finding details (written)" in result.stdout
    assert _rule(ex03).review.status.value == "Open"


def test_diff_cannot_go_with_json(shared: Estate, ex03: Path) -> None:
    result = shared.invoke(*shared.args(str(ex03), "--dry-run", "--diff", "--json", rule=RULE))
    assert result.exit_code == 2
    assert "--diff prints text; it cannot be combined with --json" in result.output


def test_show_details_prints_the_full_finding_details_and_comments(shared: Estate, ex03: Path) -> None:
    shared.invoke(*shared.args(str(ex03), rule=RULE))
    review = _rule(ex03).review
    for asked in (RULE, "V-207290", "SV-207290r615936_rule"):
        result = shared.invoke("show", str(ex03), "--details", asked)
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        details_at = lines.index("    Finding details:")
        comments_at = lines.index("    Comments:")
        shown = [line[6:] for line in lines[details_at + 1 : comments_at]]
        expected = review.finding_details.replace("\x1b", "\\x1b").replace("\u202e", "\\u202e").split("\n")
        assert shown == expected
        assert lines[comments_at + 1] == "      " + review.comments
    # Only the rule asked for gets its texts.
    assert result.output.count("Finding details:") == 1


def test_show_details_as_json_keeps_the_exact_text(shared: Estate, ex03: Path) -> None:
    import json

    shared.invoke(*shared.args(str(ex03), rule=RULE))
    result = shared.invoke("show", str(ex03), "--details", RULE, "--json")
    rule = next(r for r in json.loads(result.output)[0]["rules"] if r["stig_id"] == RULE)
    assert rule["finding_details"] == _rule(ex03).review.finding_details
    assert rule["finding_details"].endswith("\n\n" + STORED_NOTE)
    assert rule["comments"].startswith("cklauto: ")

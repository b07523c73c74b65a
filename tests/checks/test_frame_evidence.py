"""Evidence-only blocks (rules that need a person, issue 10): their header, their ownership rules, no status."""

from __future__ import annotations

import dataclasses

from cklauto.checks.api import Answers, Check, Decision, Query, Read, Record, RuleIds, Table, Verdict
from cklauto.checks.frame import (
    Evaluation,
    compose_comment,
    compose_details,
    is_cklauto_details,
    parse_details,
    set_by_person,
)
from cklauto.formats.base import Review
from cklauto.model import Status
from tests.checks.test_frame import REMOTE, WHEN

SEND = Query("Get-SendConnector")
HOST_SOURCE = dataclasses.replace(REMOTE, description="https://ex01.contoso.mil:5986/wsman (configuration host)")


def _decide(answers: Answers, settings: object) -> Decision:
    names = [r["Name"] for r in answers[SEND]]
    return Decision.evidence(
        f"{len(names)} Send connectors; a person judges their names.",
        [Verdict(n, None, "named for purpose and direction?") for n in names],
        ["The STIG asks a person to judge the names."],
    )


CHECK = Check(
    ids=RuleIds("EX13-MB-000195", "V-207305", ("SV-207305r961155_rule",)),
    title="Exchange Send connectors must be clearly named.",
    severity="low",
    reads=(Read(SEND, ("Name",)),),
    stig_command="Get-SendConnector | Select Name, Identity",
    decide=_decide,  # type: ignore[arg-type]
    tabulate=lambda a: [Table(("Name",), tuple((r["Name"],) for r in a[SEND]))],
    evidence_only=True,
)


def evaluation(names: list[str], **kwargs: object) -> Evaluation:
    answers = Answers({SEND: [Record({"Name": n}) for n in names]}, server="EX01")
    return Evaluation(
        check=CHECK,
        decision=CHECK.decide(answers, None),  # type: ignore[arg-type]
        answers=answers,
        source=REMOTE,
        checked_at=WHEN,
        version="0.2.0",
        shown_id="V-207305",
        tables=tuple(CHECK.tabulate(answers)),
        evidence_only=True,
        **kwargs,  # type: ignore[arg-type]
    )


def test_evidence_block_is_headed_evidence_only_and_has_no_result_or_fix():
    text = compose_details(evaluation(["Internet", "To Site B"]), "")
    lines = text.split("\n")
    assert lines[0] == (
        "cklauto 0.2.0 collected evidence for EX13-MB-000195 (V-207305) on 2024-05-01 12:30:05 UTC: "
        "evidence only, not evaluated"
    )
    assert lines[3].startswith("EVIDENCE ONLY, NOT EVALUATED: this rule needs a person's judgement.")
    assert '[Info] "Internet": named for purpose and direction?' in lines
    assert "Note: The STIG asks a person to judge the names." in lines
    assert "Evidence: 2 Send connectors; a person judges their names." in lines
    assert not any(line.startswith(("Result:", "Fix")) for line in lines)
    assert is_cklauto_details(text)
    assert parse_details(text).status is None


def test_the_decisions_status_is_never_shown():
    ev = evaluation(["A"])
    forged = dataclasses.replace(ev, decision=dataclasses.replace(ev.decision, status=Status.OPEN))
    text = compose_details(forged, "")
    assert "Open" not in text and "NotAFinding" not in text


def test_both_sources_are_named():
    text = compose_details(evaluation(["A"], more_sources=(HOST_SOURCE,)), "")
    assert "Target: https://ex01.contoso.mil:443/PowerShell" in text
    assert "Target: https://ex01.contoso.mil:5986/wsman (configuration host)" in text


def test_rerun_replaces_the_evidence_block_and_keeps_a_persons_text():
    person_above = "Reviewed with the ISSO on 2024-04-30:\r\nnames follow the EDSP."
    first = compose_details(evaluation(["Old Name"]), person_above)
    assert first.endswith("\n\n" + person_above)
    edited = "Above, by hand\n\n" + first + "\n\nBelow, by hand"
    second = compose_details(evaluation(["New Name"]), edited)
    assert "Old Name" not in second
    assert '[Info] "New Name"' in second
    assert second.startswith("Above, by hand\n\ncklauto 0.2.0 collected evidence")
    assert second.endswith("\n\nBelow, by hand")
    assert second.count("collected evidence for") == 1


def test_an_edited_evidence_block_becomes_the_persons():
    first = compose_details(evaluation(["A"]), "")
    edited = first.replace("named for purpose and direction?", "named fine - J. Smith")
    assert parse_details(edited).block is None
    second = compose_details(evaluation(["A"]), edited)
    assert second.endswith("\n\n" + edited)


def test_any_status_beside_an_evidence_block_is_a_persons():
    text = compose_details(evaluation(["A"]), "")
    assert not set_by_person(Review(Status.NOT_REVIEWED, text, ""))
    for status in (Status.OPEN, Status.NOT_A_FINDING, Status.NOT_APPLICABLE):
        assert set_by_person(Review(status, text, ""))


def test_no_comment_is_written_for_evidence():
    assert compose_comment(evaluation(["A"]), "") is None
    assert compose_comment(evaluation(["A"]), "a person's comment") is None


def test_an_evaluated_block_after_an_evidence_block_is_found_first_by_position():
    evidence = compose_details(evaluation(["A"]), "")
    parsed = parse_details("intro\n\n" + evidence)
    assert parsed.before == "intro" and parsed.block is not None

"""EX13-MB-000250 (V-207316): the four antispam filters enabled (the STIG's "Set-" values read as Enabled)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000250 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.emulator.catalog.antispam import CMDLETS, sample_objects
from cklauto.model import Status

TYPES = {c.name.lower(): c.type_names for c in CMDLETS}
QUERIES = {
    "content": check.CONTENT_FILTER,
    "sender": check.SENDER_FILTER,
    "senderid": check.SENDER_ID,
    "reputation": check.SENDER_REPUTATION,
}
NAMES = {
    "content": "ContentFilterConfig",
    "sender": "SenderFilterConfig",
    "senderid": "SenderIdConfig",
    "reputation": "SenderReputationConfig",
}


def config(key: str, enabled) -> Record:
    query = QUERIES[key]
    return Record(
        {"Name": NAMES[key], "Identity": NAMES[key], "Enabled": enabled, "InternalMailEnabled": False},
        type_names=TYPES[query.cmdlet.lower()],
    )


def answers(**enabled) -> Answers:
    """Each filter's Enabled (True/False/None/str), or the string 'missing' for an empty answer."""
    records = {}
    for key, query in QUERIES.items():
        value = enabled.get(key, True)
        records[query] = [] if value == "missing" else [config(key, value)]
    return Answers(records, server="EX01", release="V2R3")


NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN

TABLE = [
    ("all enabled", {}, NAF, []),
    ("content off", {"content": False}, OPEN, ["ContentFilterConfig"]),
    ("sender off", {"sender": False}, OPEN, ["SenderFilterConfig"]),
    ("sender id off", {"senderid": False}, OPEN, ["SenderIdConfig"]),
    ("reputation off", {"reputation": False}, OPEN, ["SenderReputationConfig"]),
    ("all off", dict.fromkeys(QUERIES, False), OPEN, list(NAMES.values())),
    ("text values from evidence", dict.fromkeys(QUERIES, "True"), NAF, []),
    ("sender id returned nothing", {"senderid": "missing"}, OPEN, ["SenderIdConfig"]),
    ("nothing installed", dict.fromkeys(QUERIES, "missing"), OPEN, list(NAMES.values())),
]


@pytest.mark.parametrize(("enabled", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(enabled, status, failing):
    decision = check.decide(answers(**enabled), Settings())
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing
    fixes = {
        "ContentFilterConfig": "Set-ContentFilterConfig -Enabled $true",
        "SenderFilterConfig": "Set-SenderFilterConfig -Enabled $true",
        "SenderIdConfig": "Set-SenderIDConfig -Enabled $true",
        "SenderReputationConfig": "Set-SenderReputationConfig -Enabled $true",
    }
    for verdict in decision.failing:
        assert verdict.fix == fixes[verdict.subject]


def test_summary_names_the_filters_that_are_off():
    decision = check.decide(answers(senderid=False, reputation="missing"), Settings())
    assert (
        decision.summary == "2 of 4 antispam filters are not enabled: Sender ID filtering, sender reputation filtering."
    )
    missing = next(v for v in decision.verdicts if v.subject == "SenderReputationConfig")
    assert missing.reason == (
        "Get-SenderReputationConfig returned nothing, so sender reputation filtering is not enabled (its settings do "
        "not exist)"
    )


def test_all_enabled_summary_and_notes():
    decision = check.decide(answers(), Settings())
    assert decision.summary == "All 4 antispam filters are enabled (4 settings read, every Enabled True)."
    assert [v.ok for v in decision.verdicts] == [True] * 4
    assert any("Set- cmdlets" in note and "V-259690" in note for note in decision.notes)


def test_one_compliant_filter_never_passes_the_others():
    # The Evaluate-STIG pattern of comparing a whole array: here each of the four settings is judged on its own.
    decision = check.decide(answers(content=True, sender=False, senderid=False, reputation=False), Settings())
    assert decision.status is OPEN
    assert len(decision.failing) == 3


def test_an_approved_gateway_makes_it_not_applicable():
    decision = check.decide(answers(content=False), Settings({"approved_external_antispam": True}))
    assert decision.status is Status.NOT_APPLICABLE


@pytest.mark.parametrize("value", [None, "", "yes", 1, ["True"]])
def test_an_unreadable_enabled_raises(value):
    with pytest.raises(ValueError):
        check.decide(answers(sender=value), Settings())


def test_a_missing_enabled_raises_missing_property():
    records = {query: [config(key, True)] for key, query in QUERIES.items()}
    records[check.SENDER_ID] = [Record({"Name": "SenderIdConfig"})]
    with pytest.raises(MissingProperty):
        check.decide(Answers(records, server="EX01"), Settings())


def test_four_separate_pipelines():
    assert [read.query.command_line() for read in check.CHECK.reads] == [
        "Get-ContentFilterConfig",
        "Get-SenderFilterConfig",
        "Get-SenderIdConfig",
        "Get-SenderReputationConfig",
    ]


def test_the_content_filter_query_is_shared_with_ex13_mb_000245():
    from cklauto.checks import ex13_mb_000245

    assert check.CONTENT_FILTER == ex13_mb_000245.CONTENT_FILTER


def test_tabulate_one_row_per_setting_in_the_stig_order():
    (table,) = check.tabulate(answers(sender=False, reputation="missing"))
    assert table.headers == ("Command", "Name", "Enabled")
    assert table.rows == (
        ("Get-ContentFilterConfig", "ContentFilterConfig", "True"),
        ("Get-SenderFilterConfig", "SenderFilterConfig", "False"),
        ("Get-SenderIdConfig", "SenderIdConfig", "True"),
    )


def test_the_catalogue_samples_decide_as_intended():
    def records(compliant: bool) -> Answers:
        objects = sample_objects("EX01", compliant=compliant)
        found = {
            query: [Record(o, type_names=TYPES[query.cmdlet.lower()]) for o in objects[query.cmdlet]]
            for query in QUERIES.values()
        }
        return Answers(found, server="EX01")

    assert check.decide(records(True), Settings()).status is NAF
    assert check.decide(records(False), Settings()).status is OPEN


def test_every_id_of_every_release_finds_the_check():
    assert check.CHECK.ids.names() >= {
        "EX13-MB-000250",
        "V-207316",
        "SV-207316R615936_RULE",
        "SV-207316R961161_RULE",
        "SV-207316",
        "V-70039",
        "SV-84661",
        "SV-84661R1_RULE",
    }

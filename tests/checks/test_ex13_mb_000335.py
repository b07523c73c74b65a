"""EX13-MB-000335 (V-207332): this server in a database availability group with two or more Mailbox servers."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000335 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.emulator.catalog.dag import CMDLETS, database_availability_group, sample_objects
from cklauto.model import Status

TYPES = CMDLETS[0].type_names
NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN


def dag(name: str, *servers) -> Record:
    return Record(database_availability_group(name, list(servers), "contoso.mil"), type_names=TYPES)


def decide(*records: Record, checklist: str = "EX01"):
    return check.decide(Answers({check.DAGS: list(records)}, server=checklist, release="V2R3"), Settings())


TABLE = [
    ("two members", [dag("DAG01", "EX01", "EX02")], NAF, []),
    ("four members", [dag("DAG01", "EX01", "EX02", "EX03", "EX04")], NAF, []),
    ("member named in another case", [dag("DAG01", "ex01", "EX02")], NAF, []),
    ("alone in its DAG", [dag("DAG01", "EX01")], OPEN, ["DAG01"]),
    ("the same server listed twice is one member", [dag("DAG01", "EX01", "ex01")], OPEN, ["DAG01"]),
    ("in no DAG", [dag("DAG01", "EX02", "EX03")], OPEN, []),
    # Another DAG's redundancy says nothing about this server's databases.
    ("another DAG redundant, this server alone", [dag("DAG01", "EX02", "EX03"), dag("DAG02", "EX01")], OPEN, ["DAG02"]),
    ("an empty DAG", [dag("DAG01")], OPEN, []),
    ("no DAG at all", [], OPEN, []),
]


@pytest.mark.parametrize(("records", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(records, status, failing):
    decision = decide(*records)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing
    if status is OPEN:
        assert decision.fix == "Add two or more Mailbox servers to the database availability group."
        assert any("severity downgrade" in note for note in decision.notes)


def test_summaries():
    assert decide(dag("DAG01", "EX01", "EX02")).summary == (
        'EX01 is a member of the database availability group "DAG01" with 2 Mailbox servers.'
    )
    assert decide(dag("DAG01", "EX01")).summary == (
        'EX01 is the only Mailbox server in the database availability group "DAG01": EX01\'s mailbox databases '
        "have no copy on another server."
    )
    assert decide(dag("DAG01", "EX02", "EX03")).summary.startswith(
        "EX01 is not a member of the organisation's 1 database availability group:"
    )
    assert decide().summary.startswith("The organisation has no database availability group")


def test_reasons_and_fix():
    decision = decide(dag("DAG01", "EX01"), dag("DAG02", "EX02", "EX03"))
    reasons = {v.subject: (v.ok, v.reason, v.fix) for v in decision.verdicts}
    assert reasons["DAG01"] == (
        False,
        "EX01 is its only member server; expected two or more",
        "Add-DatabaseAvailabilityGroupServer -Identity 'DAG01' -MailboxServer '<Mailbox server>'",
    )
    assert reasons["DAG02"] == (None, "EX01 is not a member (member servers: EX02, EX03)", None)


def test_the_checklist_may_name_the_server_by_fqdn():
    assert decide(dag("DAG01", "EX01", "EX02"), checklist="ex01.contoso.mil").status is NAF


@pytest.mark.parametrize("servers", ["EX01", ["EX01", None], ["EX01", " "], 3])
def test_unreadable_members_raise(servers):
    with pytest.raises(ValueError):
        decide(Record({"Name": "DAG01", "Servers": servers, "WitnessServer": "fs01"}))


def test_a_missing_servers_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "DAG01", "WitnessServer": "fs01"}))


def test_no_checklist_server_is_an_error():
    with pytest.raises(ValueError, match="server"):
        decide(dag("DAG01", "EX01", "EX02"), checklist="")


def test_tabulate_shows_name_servers_and_witness():
    answers = Answers({check.DAGS: [dag("DAG02", "EX03"), dag("DAG01", "EX01", "EX02")]}, server="EX01")
    (table,) = check.tabulate(answers)
    assert table.headers == ("Name", "Servers", "WitnessServer")
    assert table.rows == (("DAG01", "{EX01, EX02}", "fs01.contoso.mil"), ("DAG02", "{EX03}", "fs01.contoso.mil"))


def test_the_query_is_organisation_wide():
    assert check.DAGS.command_line() == "Get-DatabaseAvailabilityGroup"


def test_the_catalogue_samples_decide_as_intended():
    def records(compliant: bool) -> list[Record]:
        objects = sample_objects("EX01", compliant=compliant)["Get-DatabaseAvailabilityGroup"]
        return [Record(o, type_names=TYPES) for o in objects]

    assert decide(*records(True)).status is NAF
    assert decide(*records(False)).status is OPEN


def test_every_id_of_every_release_finds_the_check():
    assert check.CHECK.ids.names() >= {
        "EX13-MB-000335",
        "V-207332",
        "SV-207332R615936_RULE",
        "SV-207332R961620_RULE",
        "SV-207332",
        "V-70061",
        "SV-84683",
        "SV-84683R1_RULE",
    }

"""EX13-MB-000305 (V-207327): Outlook Anywhere internal and external client authentication both NTLM."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000305 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.emulator.catalog.outlook_anywhere import CMDLETS, outlook_anywhere, sample_objects
from cklauto.model import Status

TYPES = CMDLETS[0].type_names
NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED


def vdir(server: str, internal, external, identity: str | None = None) -> Record:
    values = outlook_anywhere(server, f"{server.lower()}.contoso.mil", "contoso.mil")
    values.update(InternalClientAuthenticationMethod=internal, ExternalClientAuthenticationMethod=external)
    if identity is not None:
        values["Identity"] = identity
    return Record(values, type_names=TYPES)


def decide(*records: Record, checklist: str = "EX01"):
    return check.decide(Answers({check.OUTLOOK_ANYWHERE: list(records)}, server=checklist, release="V2R3"), Settings())


OA = "EX01\\Rpc (Default Web Site)"
TABLE = [
    ("both ntlm", [("EX01", "Ntlm", "Ntlm")], NAF, []),
    ("upper-case as the STIG writes it", [("EX01", "NTLM", "ntlm")], NAF, []),
    ("external negotiate (2016+ default)", [("EX01", "Ntlm", "Negotiate")], OPEN, [OA]),
    ("internal basic", [("EX01", "Basic", "Ntlm")], OPEN, [OA]),
    # The "and" of the check text read as "both must be NTLM": one wrong value is a finding.
    ("both wrong", [("EX01", "Basic", "Negotiate")], OPEN, [OA]),
    ("null is not NTLM", [("EX01", None, "Ntlm")], OPEN, [OA]),
    ("misconfigured", [("EX01", "Misconfigured", "Ntlm")], OPEN, [OA]),
    ("another server's wrong directory", [("EX01", "Ntlm", "Ntlm"), ("EX02", "Basic", "Basic")], NAF, []),
    ("only another server", [("EX02", "Ntlm", "Ntlm")], NR, []),
]


@pytest.mark.parametrize(("rows", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(rows, status, failing):
    decision = decide(*(vdir(*row) for row in rows))
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing


@pytest.mark.parametrize(
    ("internal", "external", "fix"),
    [
        (
            "Ntlm",
            "Negotiate",
            "Set-OutlookAnywhere -Identity 'EX01\\Rpc (Default Web Site)' -ExternalClientAuthenticationMethod NTLM",
        ),
        (
            "Basic",
            "Ntlm",
            "Set-OutlookAnywhere -Identity 'EX01\\Rpc (Default Web Site)' -InternalClientAuthenticationMethod NTLM",
        ),
        (
            "Basic",
            "Basic",
            "Set-OutlookAnywhere -Identity 'EX01\\Rpc (Default Web Site)' -InternalClientAuthenticationMethod NTLM "
            "-ExternalClientAuthenticationMethod NTLM",
        ),
    ],
)
def test_the_fix_sets_only_what_is_wrong(internal, external, fix):
    assert decide(vdir("EX01", internal, external)).failing[0].fix == fix


def test_reasons_and_summary():
    decision = decide(vdir("EX01", "Ntlm", "Negotiate"))
    assert decision.verdicts[0].reason == (
        "InternalClientAuthenticationMethod is Ntlm; ExternalClientAuthenticationMethod is Negotiate; expected NTLM for both"
    )
    assert decision.summary == (
        "1 of 1 Outlook Anywhere directory of EX01 does not use NTLM for both internal and external clients: "
        "EX01\\Rpc (Default Web Site)."
    )
    assert (
        decide(vdir("EX01", None, "Ntlm")).verdicts[0].reason.startswith("InternalClientAuthenticationMethod is $null")
    )
    assert any("both must be NTLM" in note for note in decision.notes)


def test_compliant_summary():
    assert decide(vdir("EX01", "Ntlm", "Ntlm")).summary == (
        "1 of 1 Outlook Anywhere directory of EX01 uses NTLM for internal and external clients."
    )
    two = decide(vdir("EX01", "Ntlm", "Ntlm"), vdir("EX01", "Ntlm", "Ntlm", identity="EX01\\Rpc (Exchange Back End)"))
    assert two.status is NAF
    assert two.summary == "2 of 2 Outlook Anywhere directories of EX01 use NTLM for internal and external clients."


def test_no_directory_is_not_a_pass():
    decision = decide()
    assert decision.status is NR
    assert "Client Access role" in decision.summary


def test_a_directory_naming_no_server_keeps_the_rule_from_passing():
    decision = decide(vdir("EX01", "Ntlm", "Ntlm"), vdir("EX01", "Ntlm", "Ntlm", identity="Rpc (Default Web Site)"))
    assert decision.status is NR
    assert "name no server" in decision.summary


def test_another_servers_directory_is_information():
    decision = decide(vdir("EX01", "Ntlm", "Ntlm"), vdir("EX02", "Basic", "Basic"))
    other = next(v for v in decision.verdicts if v.subject.startswith("EX02"))
    assert (other.ok, other.reason) == (None, "a directory of EX02, not of EX01; not judged")


def test_the_checklist_may_name_the_server_by_fqdn():
    assert decide(vdir("EX01", "Ntlm", "Ntlm"), checklist="ex01.contoso.mil").status is NAF


@pytest.mark.parametrize("value", ["Ntlm, Basic", ["Ntlm"], 3, "3"])
def test_an_unreadable_method_raises(value):
    with pytest.raises(ValueError):
        decide(vdir("EX01", value, "Ntlm"))


def test_a_missing_method_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "Rpc (Default Web Site)", "Identity": OA, "InternalClientAuthenticationMethod": "Ntlm"}))


def test_tabulate_is_the_stig_select():
    answers = Answers({check.OUTLOOK_ANYWHERE: [vdir("EX01", "Ntlm", "Negotiate")]}, server="EX01")
    (table,) = check.tabulate(answers)
    assert table.headers == (
        "Name",
        "Identity",
        "InternalClientAuthenticationMethod",
        "ExternalClientAuthenticationMethod",
    )
    assert table.rows == (("Rpc (Default Web Site)", OA, "Ntlm", "Negotiate"),)


def test_the_query_names_this_server():
    assert check.OUTLOOK_ANYWHERE.resolve("EX01").command_line() == "Get-OutlookAnywhere -Server EX01"


def test_the_catalogue_samples_decide_as_intended():
    def records(compliant: bool) -> list[Record]:
        return [Record(o, type_names=TYPES) for o in sample_objects("EX01", compliant=compliant)["Get-OutlookAnywhere"]]

    assert decide(*records(True)).status is NAF
    assert decide(*records(False)).status is OPEN


def test_every_id_of_every_release_finds_the_check():
    assert check.CHECK.ids.names() >= {
        "EX13-MB-000305",
        "V-207327",
        "SV-207327R615936_RULE",
        "SV-207327R961494_RULE",
        "SV-207327",
        "V-70075",
        "SV-84697",
        "SV-84697R1_RULE",
    }

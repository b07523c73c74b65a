"""EX13-MB-003030 (V-207335): the built-in Malware Agent disabled (or not installed: no output, no error)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_003030 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.emulator.catalog.transport_agent import CMDLETS, HUB_AGENTS, sample_objects, transport_agent
from cklauto.model import Status

TYPES = CMDLETS[0].type_names
NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
FACTORY, ASSEMBLY = next((f, a) for n, f, a in HUB_AGENTS if n == "Malware Agent")


def agent(enabled, identity: str = "Malware Agent", priority: int = 4) -> Record:
    # TransportAgent over remote PowerShell (exchange-objects.md §2.13): Identity <S>, Enabled <B>, Priority <I32>.
    return Record(transport_agent(identity, enabled, priority, FACTORY, ASSEMBLY), type_names=TYPES)


def decide(*records: Record):
    return check.decide(Answers({check.MALWARE_AGENT: list(records)}, server="EX01", release="V2R3"), Settings())


@pytest.mark.parametrize(
    ("records", "status"),
    [
        ([agent(False)], NAF),
        ([agent(True)], OPEN),
        ([agent("False")], NAF),
        ([agent("True")], OPEN),
        ([agent(True, identity="malware agent")], OPEN),
        # Not installed: Get-TransportAgent writes nothing and no error; no Enabled is True (and Evaluate-STIG agrees).
        ([], NAF),
    ],
    ids=["disabled", "enabled", "text False", "text True", "name case", "not installed"],
)
def test_decision_table(records, status):
    assert decide(*records).status is status


def test_enabled_gives_the_working_fix():
    decision = decide(agent(True))
    assert decision.summary == "The built-in Malware Agent of EX01 is enabled."
    assert decision.failing[0].fix == "& $env:ExchangeInstallPath\\Scripts\\Disable-AntimalwareScanning.ps1"
    assert decision.failing[0].reason == "Enabled is True; expected False"
    assert any("lacks the $" in note for note in decision.notes)


def test_disabled_summary():
    assert decide(agent(False)).summary == "The built-in Malware Agent of EX01 is disabled."


def test_not_installed_says_why_it_passes():
    decision = decide()
    assert decision.verdicts == ()
    assert "returned no agent named 'Malware Agent'" in decision.summary
    assert "no error for a name that matches nothing" in decision.summary


def test_another_agent_never_decides():
    decision = decide(agent(True, identity="Content Filter Agent", priority=9), agent(False))
    assert decision.status is NAF
    other = next(v for v in decision.verdicts if v.subject == "Content Filter Agent")
    assert (other.ok, other.reason) == (None, "not the Malware Agent; not judged")


def test_only_another_agent_is_read_as_not_installed():
    assert decide(agent(True, identity="Content Filter Agent")).status is NAF


@pytest.mark.parametrize("enabled", [None, "", "yes", 1])
def test_an_unreadable_enabled_raises(enabled):
    with pytest.raises(ValueError):
        decide(agent(enabled))


@pytest.mark.parametrize("identity", [None, "", "  "])
def test_an_agent_without_identity_raises(identity):
    with pytest.raises(ValueError):
        decide(Record({"Identity": identity, "Enabled": False, "Priority": 4}))


def test_a_missing_enabled_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Identity": "Malware Agent", "Priority": 4}))


def test_tabulate_is_get_transport_agents_default_table():
    (table,) = check.tabulate(Answers({check.MALWARE_AGENT: [agent(True)]}, server="EX01"))
    assert table.headers == ("Identity", "Enabled", "Priority")
    assert table.rows == (("Malware Agent", "True", "4"),)


def test_the_query_quotes_the_agent_name():
    # Evaluate-STIG's PS7 branch sends Get-TransportAgent Malware Agent unquoted: two positional arguments.
    assert check.MALWARE_AGENT.command_line() == "Get-TransportAgent -Identity 'Malware Agent'"
    assert check.MALWARE_AGENT.parameters == (("Identity", "Malware Agent"),)


def test_the_catalogue_samples_decide_as_intended():
    def records(compliant: bool) -> list[Record]:
        objects = sample_objects("EX01", compliant=compliant)["Get-TransportAgent"]
        # What -Identity 'Malware Agent' leaves of the server's list.
        return [Record(o, type_names=TYPES) for o in objects if o["Identity"].lower() == "malware agent"]

    assert decide(*records(True)).status is NAF
    assert decide(*records(False)).status is OPEN
    assert CMDLETS[0].not_found_is_error is False


def test_every_id_of_every_release_finds_the_check():
    assert check.CHECK.ids.names() >= {
        "EX13-MB-003030",
        "V-207335",
        "SV-207335R615936_RULE",
        "SV-207335R961194_RULE",
        "SV-207335",
        "V-70055",
        "SV-84677",
        "SV-84677R1_RULE",
    }

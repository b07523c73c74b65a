"""EX13-MB-000085: the local machine's execution policy must be RemoteSigned (host rule)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000085 as check
from cklauto.checks.api import Endpoint, MissingProperty, Settings
from cklauto.model import Status
from tests.checks.host_support import answers, assert_stig_text

SCOPES = ("MachinePolicy", "UserPolicy", "Process", "CurrentUser", "LocalMachine")


def listed(**policies: str) -> list[dict]:
    return [{"Scope": s, "ExecutionPolicy": policies.get(s, "Undefined")} for s in SCOPES]


def decide(records):
    return check.decide(answers({check.POLICIES: records}), Settings())


def test_asks_the_whole_list_on_the_host():
    assert check.POLICIES.endpoint is Endpoint.HOST
    assert check.POLICIES.command_line() == "Get-ExecutionPolicy -List"


@pytest.mark.parametrize(
    ("policies", "status", "deciding"),
    [
        ({"LocalMachine": "RemoteSigned"}, Status.NOT_A_FINDING, "LocalMachine"),
        ({"LocalMachine": "remotesigned"}, Status.NOT_A_FINDING, "LocalMachine"),
        ({"LocalMachine": "Unrestricted"}, Status.OPEN, "LocalMachine"),
        ({"LocalMachine": "Bypass"}, Status.OPEN, "LocalMachine"),
        ({"LocalMachine": "Restricted"}, Status.OPEN, "LocalMachine"),
        # Stricter, but "not RemoteSigned" in the STIG's words.
        ({"LocalMachine": "AllSigned"}, Status.OPEN, "LocalMachine"),
        # Group Policy overrides the local setting, both ways.
        ({"MachinePolicy": "RemoteSigned", "LocalMachine": "Unrestricted"}, Status.NOT_A_FINDING, "MachinePolicy"),
        ({"MachinePolicy": "Unrestricted", "LocalMachine": "RemoteSigned"}, Status.OPEN, "MachinePolicy"),
        # cklauto's own session's scopes never decide the machine's policy.
        (
            {"Process": "Bypass", "CurrentUser": "Unrestricted", "LocalMachine": "RemoteSigned"},
            Status.NOT_A_FINDING,
            "LocalMachine",
        ),
        (
            {"Process": "RemoteSigned", "CurrentUser": "RemoteSigned", "LocalMachine": "Unrestricted"},
            Status.OPEN,
            "LocalMachine",
        ),
        ({"UserPolicy": "RemoteSigned", "LocalMachine": "Unrestricted"}, Status.OPEN, "LocalMachine"),
    ],
)
def test_the_machines_policy_decides(policies, status, deciding):
    decision = decide(listed(**policies))
    assert decision.status is status
    judged = [v for v in decision.verdicts if v.ok is not None]
    assert [v.subject for v in judged] == [deciding]
    if status is Status.OPEN:
        assert judged[0].fix == ("Set-ExecutionPolicy RemoteSigned" if deciding == "LocalMachine" else judged[0].fix)
        assert "expected RemoteSigned" in judged[0].reason
    assert {v.subject for v in decision.verdicts} == set(SCOPES)


def test_allsigned_says_it_is_stricter():
    (verdict,) = [v for v in decide(listed(LocalMachine="AllSigned")).verdicts if v.ok is False]
    assert "stricter" in verdict.reason


def test_group_policy_fix_names_the_gpo():
    (verdict,) = [v for v in decide(listed(MachinePolicy="Unrestricted")).verdicts if v.ok is False]
    assert "Turn on Script Execution" in (verdict.fix or "")


def test_nothing_set_for_the_machine_is_left_for_a_person():
    decision = decide(listed(Process="RemoteSigned"))
    assert decision.status is Status.NOT_REVIEWED
    assert "Windows' default" in decision.summary


@pytest.mark.parametrize(
    "records",
    [
        [],  # an empty list is not an answer to -List
        [r for r in listed(LocalMachine="RemoteSigned") if r["Scope"] != "MachinePolicy"],
        [*listed(LocalMachine="RemoteSigned"), {"Scope": "LocalMachine", "ExecutionPolicy": "Unrestricted"}],
        [{"Scope": None, "ExecutionPolicy": "RemoteSigned"}, *listed()],
        [{"Scope": "LocalMachine", "ExecutionPolicy": ["RemoteSigned"]}, *listed()[:4]],
    ],
)
def test_incomplete_or_unreadable_answers_raise(records):
    with pytest.raises(ValueError):
        decide(records)


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide([{"Scope": s} for s in SCOPES])


def test_scope_names_in_any_case_and_unknown_scopes_are_shown():
    records = [{"Scope": s.upper(), "ExecutionPolicy": "Undefined"} for s in SCOPES[:4]]
    records += [
        {"Scope": "localmachine", "ExecutionPolicy": "RemoteSigned"},
        {"Scope": "Future", "ExecutionPolicy": "X"},
    ]
    decision = decide(records)
    assert decision.status is Status.NOT_A_FINDING
    assert any(v.subject == "Future" and v.ok is None for v in decision.verdicts)


def test_tabulate_in_precedence_order():
    records = list(reversed(listed(LocalMachine="RemoteSigned")))
    (table,) = check.tabulate(answers({check.POLICIES: records}))
    assert table.headers == ("Scope", "ExecutionPolicy")
    assert [r[0] for r in table.rows] == list(SCOPES)


def test_ids_and_stig_text():
    assert check.CHECK.stig_command == "Get-ExecutionPolicy"
    assert_stig_text(
        check,
        {
            "EX13-MB-000085",
            "V-207283",
            "SV-207283r615936_rule",
            "SV-207283r960954_rule",
            "SV-207283",
            "V-69973",
            "SV-84595",
            "SV-84595r1_rule",
        },
    )

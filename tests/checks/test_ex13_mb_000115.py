"""EX13-MB-000115 (V-207289): every Receive connector of the server has DomainSecureEnabled True."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000115 as check
from cklauto.checks.api import MissingProperty
from cklauto.model import Status
from tests.checks.ck_a_records import connector, connectors, names_of, no_settings, rc_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN

# id, DomainSecureEnabled of "Relay" (beside the five hardened default connectors), expected status
TABLE = [
    ("true", True, NAF),
    ("false", False, OPEN),
    ("text-true", "True", NAF),
    ("text-true-lower", "true", NAF),
    # Evaluate-STIG's Edge module tests `$true -in ("False" -split ...)`, which PowerShell reads as true (a non-empty
    # string); the text "False" is False here.
    ("text-false", "False", OPEN),
    ("text-false-padded", " false ", OPEN),
]


@pytest.mark.parametrize(("value", "status"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_decision_table(value, status):
    objects = connectors() + [connector("Relay", DomainSecureEnabled=value)]
    decision = check.decide(rc_answers(objects), no_settings())
    assert decision.status is status
    assert names_of(decision.verdicts, False) == ([] if status is NAF else ["Relay"])


def test_server_as_installed_is_open_on_three_connectors():
    decision = check.decide(rc_answers(connectors(hardened=False)), no_settings())
    assert decision.status is OPEN
    assert names_of(decision.verdicts, False) == ["Client Frontend EX01", "Client Proxy EX01", "Default EX01"]
    assert names_of(decision.verdicts, True) == ["Default Frontend EX01", "Outbound Proxy Frontend EX01"]
    assert decision.summary == (
        "3 of 5 Receive connectors of EX01 do not comply (DomainSecureEnabled is True): "
        '"Client Frontend EX01", "Client Proxy EX01", "Default EX01".'
    )


def test_hardened_server_complies():
    decision = check.decide(rc_answers(connectors()), no_settings())
    assert decision.status is NAF
    assert decision.summary == "All 5 Receive connectors of EX01 comply: DomainSecureEnabled is True."
    assert {v.reason for v in decision.verdicts} == {"DomainSecureEnabled is True"}


def test_reason_and_fix():
    verdict = check.decide(rc_answers([connector("Default", DomainSecureEnabled=False)]), no_settings()).verdicts[0]
    assert verdict.reason == "DomainSecureEnabled is False; expected True"
    assert verdict.fix == "Set-ReceiveConnector -Identity 'EX01\\Default EX01' -DomainSecureEnabled $true"


def test_single_connector_summary():
    decision = check.decide(rc_answers([connector("Default")]), no_settings())
    assert decision.summary == "The only Receive connector of EX01 complies: DomainSecureEnabled is True."


@pytest.mark.parametrize("value", [None, "yes", 1, 0, "", ["True"]])
def test_unreadable_value_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(rc_answers([connector("Default", DomainSecureEnabled=value)]), no_settings())


def test_missing_property_is_an_error():
    with pytest.raises(MissingProperty):
        check.decide(rc_answers([without(connector("Default"), "DomainSecureEnabled")]), no_settings())


def test_tabulate():
    (table,) = check.tabulate(rc_answers([connector("Default", DomainSecureEnabled=False)]))
    assert table.headers == ("Name", "Identity", "DomainSecureEnabled")
    assert table.rows == (("Default EX01", "EX01\\Default EX01", "False"),)


def test_declaration():
    assert check.CHECK.reads[0].query.command_line() == "Get-ReceiveConnector -Server <server>"
    assert check.CHECK.settings == ()
    assert check.CHECK.ids.names() == {
        "EX13-MB-000115",
        "V-207289",
        "SV-207289",
        "SV-207289R615936_RULE",
        "SV-207289R961110_RULE",
        "V-69985",
        "SV-84607",
        "SV-84607R1_RULE",
    }

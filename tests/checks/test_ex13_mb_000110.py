"""EX13-MB-000110 (V-207288): every Receive connector of the server has Tls among its AuthMechanism values."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000110 as check
from cklauto.checks import find_check
from cklauto.checks.api import MissingProperty
from cklauto.model import Status
from tests.checks.ck_a_records import SERVER, connector, connectors, names_of, no_settings, rc_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
ALL = "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer"

# id, AuthMechanism of "Relay" (beside the five hardened default connectors), expected status
TABLE = [
    ("every-mechanism", ALL, NAF),
    ("tls-only", "Tls", NAF),
    ("tls-last", "Integrated, BasicAuth, Tls", NAF),
    ("lower-case", "tls, integrated", NAF),
    ("upper-case", "TLS", NAF),
    ("odd-spacing", "Integrated ,Tls", NAF),
    ("as-a-list", ["Tls", "Integrated"], NAF),
    ("tls-with-external-authoritative", "Tls, ExternalAuthoritative", NAF),
    ("no-tls", "Integrated, BasicAuth", OPEN),
    ("none", "None", OPEN),
    ("empty-flags", "", OPEN),
    # "BasicAuthRequireTLS" holds the letters TLS but is not the Tls mechanism.
    ("require-tls-is-not-tls", "BasicAuth, BasicAuthRequireTLS", OPEN),
    ("external-authoritative-alone", "ExternalAuthoritative", OPEN),
    ("exchange-server-alone", "ExchangeServer", OPEN),
]


@pytest.mark.parametrize(("mechanisms", "status"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_decision_table(mechanisms, status):
    objects = connectors() + [connector("Relay", AuthMechanism=mechanisms)]
    decision = check.decide(rc_answers(objects), no_settings())
    assert decision.status is status
    assert len(decision.verdicts) == 6
    assert names_of(decision.verdicts, False) == ([] if status is NAF else ["Relay"])


def test_stock_connectors_comply():
    # Setup gives every connector Tls (HC19 capture), so a server as installed passes this rule.
    decision = check.decide(rc_answers(connectors(hardened=False)), no_settings())
    assert decision.status is NAF
    assert decision.summary == "All 5 Receive connectors of EX01 comply: AuthMechanism includes Tls."
    assert decision.notes == (check.READING,)
    assert "V-228375" in decision.notes[0]


def test_one_compliant_connector_does_not_pass_the_others():
    # Evaluate-STIG-style "any item passes" would call this compliant; the STIG says "for each Receive connector".
    objects = [connector("Default"), connector("Client Frontend", AuthMechanism="Integrated, BasicAuth")]
    decision = check.decide(rc_answers(objects), no_settings())
    assert decision.status is OPEN
    assert decision.summary == (
        '1 of 2 Receive connectors of EX01 does not comply (AuthMechanism includes Tls): "Client Frontend EX01".'
    )


def test_reasons_and_fix_keep_other_mechanisms():
    objects = [
        connector("Default"),
        connector("Relay", AuthMechanism="Integrated, BasicAuth"),
        connector("Open Relay", AuthMechanism="None"),
    ]
    verdicts = {v.subject: v for v in check.decide(rc_answers(objects), no_settings()).verdicts}
    assert verdicts["Default EX01"].reason == f"AuthMechanism is {ALL}, which includes Tls"
    assert verdicts["Default EX01"].fix is None
    assert verdicts["Relay"].reason == "AuthMechanism is Integrated, BasicAuth, which does not include Tls"
    assert (
        verdicts["Relay"].fix
        == "Set-ReceiveConnector -Identity 'EX01\\Relay' -AuthMechanism 'Tls, Integrated, BasicAuth'"
    )
    assert verdicts["Open Relay"].fix == "Set-ReceiveConnector -Identity 'EX01\\Open Relay' -AuthMechanism 'Tls'"


def test_fix_quotes_a_name_with_an_apostrophe():
    objects = [connector("O'Brien Relay", AuthMechanism="Integrated")]
    verdict = check.decide(rc_answers(objects), no_settings()).verdicts[0]
    assert verdict.fix == "Set-ReceiveConnector -Identity 'EX01\\O''Brien Relay' -AuthMechanism 'Tls, Integrated'"


@pytest.mark.parametrize("value", [None, "31", 31, "Tls, 64"])
def test_unreadable_auth_mechanism_fails_closed(value):
    objects = [connector("Default"), connector("Relay", AuthMechanism=value)]
    with pytest.raises(ValueError):
        check.decide(rc_answers(objects), no_settings())


def test_missing_auth_mechanism_is_an_error():
    with pytest.raises(MissingProperty):
        check.decide(rc_answers([without(connector("Default"), "AuthMechanism")]), no_settings())


def test_other_servers_connectors_never_decide():
    objects = connectors() + [connector("Default", server="EX02", AuthMechanism="None")]
    decision = check.decide(rc_answers(objects), no_settings())
    assert decision.status is NAF
    info = [v for v in decision.verdicts if v.ok is None]
    assert [v.subject for v in info] == ["Default EX02"]
    assert "belongs to server EX02" in info[0].reason


def test_tabulate_lists_the_stig_columns_sorted_by_identity():
    objects = [connector("Default", server="EX02"), connector("Client Frontend"), connector("Default")]
    (table,) = check.tabulate(rc_answers(objects))
    assert table.headers == ("Name", "Identity", "AuthMechanism")
    assert table.rows == (
        ("Client Frontend EX01", "EX01\\Client Frontend EX01", "Tls, Integrated, BasicAuth, BasicAuthRequireTLS"),
        ("Default EX01", "EX01\\Default EX01", ALL),
        ("Default EX02", "EX02\\Default EX02", ALL),
    )


def test_declaration():
    assert check.CHECK.stig_command == "Get-ReceiveConnector | Select Name, Identity, AuthMechanism"
    assert check.CHECK.reads[0].query.command_line() == "Get-ReceiveConnector -Server <server>"
    assert check.CHECK.settings == ()
    assert check.CHECK.severity == "medium"
    assert check.CHECK.ids.names() == {
        "EX13-MB-000110",
        "V-207288",
        "SV-207288",
        "SV-207288R615936_RULE",
        "SV-207288R961110_RULE",
        "V-69983",
        "SV-84605",
        "SV-84605R1_RULE",
    }
    assert find_check("sv-207288r961110_rule") is check.CHECK
    assert SERVER == "EX01"

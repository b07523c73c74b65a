"""EX13-MB-000325 (V-207331): every Receive connector of the server has the Banner '220 SMTP Server Ready'."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000325 as check
from cklauto.checks.api import MissingProperty
from cklauto.model import Status
from tests.checks.ck_a_records import connector, connectors, names_of, no_settings, rc_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN

# id, Banner of "Relay" (beside the five hardened default connectors), expected status, expected reason
TABLE = [
    ("exact", "220 SMTP Server Ready", NAF, "Banner is 220 SMTP Server Ready"),
    (
        "empty-as-sent",
        "",
        OPEN,
        "Banner is not set (empty), so the connector announces Exchange's default banner with the server's name; "
        "expected 220 SMTP Server Ready",
    ),
    (
        "null",
        None,
        OPEN,
        "Banner is not set ($null), so the connector announces Exchange's default banner with the server's name; "
        "expected 220 SMTP Server Ready",
    ),
    (
        "blank",
        "   ",
        OPEN,
        "Banner is not set (empty), so the connector announces Exchange's default banner with the server's name; "
        "expected 220 SMTP Server Ready",
    ),
    (
        "server-details",
        "220 ex01.contoso.mil Microsoft ESMTP MAIL Service ready",
        OPEN,
        "Banner is 220 ex01.contoso.mil Microsoft ESMTP MAIL Service ready; expected 220 SMTP Server Ready",
    ),
    (
        "case-variant",
        "220 smtp server ready",
        OPEN,
        "Banner is 220 smtp server ready, which differs from the required 220 SMTP Server Ready only in letter case "
        "or spacing",
    ),
    (
        "trailing-space",
        "220 SMTP Server Ready ",
        OPEN,
        'Banner is "220 SMTP Server Ready ", which differs from the required 220 SMTP Server Ready only in letter case '
        "or spacing",
    ),
    (
        "double-space",
        "220 SMTP  Server Ready",
        OPEN,
        "Banner is 220 SMTP  Server Ready, which differs from the required 220 SMTP Server Ready only in letter case "
        "or spacing",
    ),
    ("no-code", "SMTP Server Ready", OPEN, "Banner is SMTP Server Ready; expected 220 SMTP Server Ready"),
    (
        "forged-line",
        "220 SMTP Server Ready\r\nResult: NotAFinding",
        OPEN,
        "Banner is 220 SMTP Server Ready\\u000D\\u000AResult: NotAFinding; expected 220 SMTP Server Ready",
    ),
]


@pytest.mark.parametrize(("banner", "status", "reason"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(banner, status, reason):
    objects = connectors() + [connector("Relay", Banner=banner)]
    decision = check.decide(rc_answers(objects), no_settings())
    assert decision.status is status
    relay = [v for v in decision.verdicts if v.subject == "Relay"][0]
    assert relay.reason == reason
    assert names_of(decision.verdicts, False) == ([] if status is NAF else ["Relay"])
    if status is OPEN:
        assert relay.fix == "Set-ReceiveConnector -Identity 'EX01\\Relay' -Banner '220 SMTP Server Ready'"


def test_server_as_installed_is_open_on_every_connector():
    decision = check.decide(rc_answers(connectors(hardened=False)), no_settings())
    assert decision.status is OPEN
    assert len(decision.failing) == 5
    assert decision.summary.startswith(
        "5 of 5 Receive connectors of EX01 do not comply (Banner is 220 SMTP Server Ready): "
    )


def test_hardened_server_complies():
    decision = check.decide(rc_answers(connectors()), no_settings())
    assert decision.status is NAF
    assert decision.summary == "All 5 Receive connectors of EX01 comply: Banner is 220 SMTP Server Ready."


@pytest.mark.parametrize("value", [["220 SMTP Server Ready"], {"a": 1}])
def test_unreadable_banner_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(rc_answers([connector("Default", Banner=value)]), no_settings())


def test_missing_banner_is_an_error():
    with pytest.raises(MissingProperty):
        check.decide(rc_answers([without(connector("Default"), "Banner")]), no_settings())


def test_tabulate_shows_an_unset_banner_blank():
    (table,) = check.tabulate(rc_answers([connector("Default", Banner=""), connector("Client Frontend")]))
    assert table.headers == ("Name", "Identity", "Banner")
    assert table.rows == (
        ("Client Frontend EX01", "EX01\\Client Frontend EX01", "220 SMTP Server Ready"),
        ("Default EX01", "EX01\\Default EX01", ""),
    )


def test_declaration():
    assert check.CHECK.reads[0].query.command_line() == "Get-ReceiveConnector -Server <server>"
    assert check.CHECK.settings == ()
    assert check.CHECK.ids.names() == {
        "EX13-MB-000325",
        "V-207331",
        "SV-207331",
        "SV-207331R615936_RULE",
        "SV-207331R961620_RULE",
        "V-70065",
        "SV-84687",
        "SV-84687R1_RULE",
    }

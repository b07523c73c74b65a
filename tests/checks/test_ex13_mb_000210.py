"""EX13-MB-000210 (V-207308): the server's Transport service has MaxOutboundConnections 1000, or the EDSP-accepted value."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000210 as check
from cklauto.checks.api import MissingProperty, Settings
from cklauto.emulator.catalog import transport_service as catalog
from cklauto.model import Status
from tests.checks.ck_a_records import transport_service, ts_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
PROP = "MaxOutboundConnections"
SETTING = "accepted_max_outbound_connections"

# id, value as sent (Unlimited<int> arrives as text), site settings, expected status
TABLE = [
    ("required-as-sent", "1000", {}, NAF),
    ("required-as-int", 1000, {}, NAF),
    ("unlimited", "Unlimited", {}, OPEN),
    ("unlimited-lower-case", "unlimited", {}, OPEN),
    ("higher", "2000", {}, OPEN),
    ("lower-is-not-exempt", "500", {}, OPEN),
    ("edsp-accepts-it", "2000", {SETTING: 2000}, NAF),
    ("edsp-accepts-another", "2000", {SETTING: 2001}, OPEN),
    ("edsp-cannot-accept-unlimited", "Unlimited", {SETTING: 2000}, OPEN),
    ("edsp-setting-keeps-the-stig-value", "1000", {SETTING: 2000}, NAF),
]


@pytest.mark.parametrize(("value", "site", "status"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(value, site, status):
    decision = check.decide(ts_answers([transport_service(**{PROP: value})]), Settings(site))
    assert decision.status is status
    assert decision.verdicts[0].ok is (status is NAF)


def test_server_as_installed_passes():
    assert check.decide(ts_answers([catalog.transport_service("EX01")]), Settings({})).status is NAF


def test_texts():
    decision = check.decide(ts_answers([transport_service(**{PROP: "Unlimited"})]), Settings({}))
    assert decision.summary == (
        "The Transport service of EX01 does not comply (MaxOutboundConnections is 1000): MaxOutboundConnections is Unlimited; expected 1000."
    )
    assert decision.failing[0].fix == "Set-TransportService -Identity 'EX01' -MaxOutboundConnections 1000"
    accepted = check.decide(ts_answers([transport_service(**{PROP: "2000"})]), Settings({SETTING: 2000}))
    assert accepted.verdicts[0].reason == (
        "MaxOutboundConnections is 2000, not the STIG's 1000, but the value the site's EDSP accepts with signoff and risk "
        "acceptance (site setting accepted_max_outbound_connections)"
    )


@pytest.mark.parametrize("value", [None, True, "many", "1000.0", "", ["1000"]])
def test_unreadable_value_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(ts_answers([transport_service(**{PROP: value})]), Settings({}))


def test_missing_property_is_an_error():
    with pytest.raises(MissingProperty):
        check.decide(ts_answers([without(transport_service(), PROP)]), Settings({}))


def test_tabulate():
    (table,) = check.tabulate(ts_answers([transport_service(**{PROP: "Unlimited"})]))
    assert table.headers == ("Name", "Identity", PROP)
    assert table.rows == (("EX01", "EX01", "Unlimited"),)


def test_declaration():
    (setting,) = check.CHECK.settings
    assert (setting.name, setting.type.value, setting.required) == (SETTING, "integer", False)
    assert check.CHECK.ids.names() == {
        "SV-207308R961155_RULE",
        "SV-207308R615936_RULE",
        "V-207308",
        "V-70023",
        "SV-207308",
        "EX13-MB-000210",
        "SV-84645",
        "SV-84645R1_RULE",
    }

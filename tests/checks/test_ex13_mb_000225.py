"""EX13-MB-000225 (V-207311): the server's Transport service has MaxPerDomainOutboundConnections 20, or the EDSP-accepted value."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000225 as check
from cklauto.checks.api import MissingProperty, Settings
from cklauto.emulator.catalog import transport_service as catalog
from cklauto.model import Status
from tests.checks.ck_a_records import transport_service, ts_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
PROP = "MaxPerDomainOutboundConnections"
SETTING = "accepted_max_per_domain_outbound_connections"

# id, value as sent (Unlimited<int> arrives as text), site settings, expected status
TABLE = [
    ("required-as-sent", "20", {}, NAF),
    ("required-as-int", 20, {}, NAF),
    ("unlimited", "Unlimited", {}, OPEN),
    ("unlimited-lower-case", "unlimited", {}, OPEN),
    # Evaluate-STIG leaves "40 [Expected 20]" Not_Reviewed; the STIG makes it a finding.
    ("higher", "40", {}, OPEN),
    ("lower-is-not-exempt", "10", {}, OPEN),
    ("edsp-accepts-it", "40", {SETTING: 40}, NAF),
    ("edsp-accepts-another", "40", {SETTING: 41}, OPEN),
    ("edsp-cannot-accept-unlimited", "Unlimited", {SETTING: 40}, OPEN),
    ("edsp-setting-keeps-the-stig-value", "20", {SETTING: 40}, NAF),
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
        "The Transport service of EX01 does not comply (MaxPerDomainOutboundConnections is 20): MaxPerDomainOutboundConnections is Unlimited; expected 20."
    )
    assert decision.failing[0].fix == "Set-TransportService -Identity 'EX01' -MaxPerDomainOutboundConnections 20"
    accepted = check.decide(ts_answers([transport_service(**{PROP: "40"})]), Settings({SETTING: 40}))
    assert accepted.verdicts[0].reason == (
        "MaxPerDomainOutboundConnections is 40, not the STIG's 20, but the value the site's EDSP accepts with signoff and risk "
        "acceptance (site setting accepted_max_per_domain_outbound_connections)"
    )


@pytest.mark.parametrize("value", [None, True, "many", "20.0", "", ["20"]])
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
        "SV-84651",
        "SV-207311R961155_RULE",
        "SV-207311R615936_RULE",
        "EX13-MB-000225",
        "SV-84651R1_RULE",
        "V-70029",
        "SV-207311",
        "V-207311",
    }

"""EX13-MB-000235 (V-207313): no Receive connector of the server allows AnonymousUsers, except those the site names."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000235 as check
from cklauto.checks.api import MissingProperty, Settings
from cklauto.model import Status
from tests.checks.ck_a_records import connector, connectors, names_of, rc_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
SETTING = "anonymous_receive_connectors"
RELAY = {"PermissionGroups": "AnonymousUsers", "RemoteIPRanges": ["10.20.30.40", "10.20.31.0/24"]}

# id, PermissionGroups of "Relay" (beside the five hardened default connectors), designated entries, expected status
TABLE = [
    ("exchange-servers", "ExchangeServers", None, NAF),
    ("users-and-servers", "ExchangeUsers, ExchangeServers, ExchangeLegacyServers", None, NAF),
    ("partners", "Partners", None, NAF),
    ("none", "None", None, NAF),
    ("anonymous-only", "AnonymousUsers", None, OPEN),
    # "is AnonymousUsers" covers a connector that also has other groups: it still accepts anonymous connections.
    ("anonymous-among-others", "AnonymousUsers, ExchangeServers, ExchangeLegacyServers", None, OPEN),
    ("anonymous-lower-case", "anonymoususers", None, OPEN),
    ("anonymous-as-a-list", ["ExchangeServers", "AnonymousUsers"], None, OPEN),
    ("designated-by-name", "AnonymousUsers", ["Relay"], NAF),
    ("designated-by-identity", "AnonymousUsers", ["ex01\\relay"], NAF),
    ("designated-by-wildcard", "AnonymousUsers", ["Rel*"], NAF),
    ("designated-other-connector", "AnonymousUsers", ["Default Frontend *"], OPEN),
    ("designated-other-server", "AnonymousUsers", ["EX02\\Relay"], OPEN),
    ("designation-is-not-a-prefix", "AnonymousUsers", ["Rel"], OPEN),
]


@pytest.mark.parametrize(("groups", "designated", "status"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(groups, designated, status):
    objects = connectors() + [connector("Relay", **{**RELAY, "PermissionGroups": groups})]
    site = {} if designated is None else {SETTING: tuple(designated)}
    decision = check.decide(rc_answers(objects), Settings(site))
    assert decision.status is status
    assert names_of(decision.verdicts, False) == ([] if status is NAF else ["Relay"])


def test_server_as_installed_is_open_for_default_frontend():
    decision = check.decide(rc_answers(connectors(hardened=False)), Settings({}))
    assert decision.status is OPEN
    assert names_of(decision.verdicts, False) == ["Default Frontend EX01"]
    (verdict,) = decision.failing
    assert (
        verdict.reason
        == "PermissionGroups is AnonymousUsers, ExchangeServers, ExchangeLegacyServers, which includes AnonymousUsers"
    )
    assert verdict.fix == (
        "Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -PermissionGroups 'ExchangeServers, ExchangeLegacyServers'"
    )
    assert decision.notes == (check.READING,)


def test_designating_the_internet_facing_connector_of_every_server():
    # Evaluate-STIG opens this rule for every Internet-facing Default Frontend; the site can designate it here.
    site = Settings({SETTING: ("Default Frontend *",)})
    for server in ("EX01", "EX02"):
        decision = check.decide(rc_answers(connectors(server, hardened=False), server), site)
        assert decision.status is NAF, server
        frontend = [v for v in decision.verdicts if v.subject == f"Default Frontend {server}"][0]
        assert frontend.reason == (
            "PermissionGroups is AnonymousUsers, ExchangeServers, ExchangeLegacyServers, including AnonymousUsers, which "
            'the site allows on this connector (site setting anonymous_receive_connectors: "Default Frontend *"); '
            "RemoteIPRanges: ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, 0.0.0.0-255.255.255.255"
        )


def test_designated_relay_shows_its_remote_ranges():
    objects = [connector("Relay", **RELAY)]
    (verdict,) = check.decide(rc_answers(objects), Settings({SETTING: ("Relay",)})).verdicts
    assert verdict.ok is True
    assert verdict.reason.endswith("RemoteIPRanges: 10.20.30.40, 10.20.31.0/24")


def test_designated_relay_without_ranges_says_none():
    objects = [connector("Relay", **{**RELAY, "RemoteIPRanges": []})]
    (verdict,) = check.decide(rc_answers(objects), Settings({SETTING: ("Relay",)})).verdicts
    assert verdict.reason.endswith("RemoteIPRanges: none")


@pytest.mark.parametrize("setting", ["Default Frontend *", ("Relay", 5)])
def test_a_setting_that_is_not_a_list_of_names_fails_closed(setting):
    # A lone string iterated would make "*" an entry naming every connector.
    with pytest.raises(ValueError, match=SETTING):
        check.decide(rc_answers([connector("Relay", **RELAY)]), Settings({SETTING: setting}))


def test_fix_keeps_other_groups_or_falls_back_to_the_stig_example():
    objects = [
        connector("Relay", **RELAY),
        connector("Mixed", PermissionGroups="AnonymousUsers, Partners, ExchangeUsers"),
    ]
    fixes = {v.subject: v.fix for v in check.decide(rc_answers(objects), Settings({})).failing}
    assert fixes == {
        "Relay": "Set-ReceiveConnector -Identity 'EX01\\Relay' -PermissionGroups 'ExchangeUsers'",
        "Mixed": "Set-ReceiveConnector -Identity 'EX01\\Mixed' -PermissionGroups 'ExchangeUsers, Partners'",
    }


def test_summary():
    decision = check.decide(rc_answers(connectors() + [connector("Relay", **RELAY)]), Settings({}))
    assert decision.summary == (
        '1 of 6 Receive connectors of EX01 does not comply (PermissionGroups does not include AnonymousUsers): "Relay".'
    )


@pytest.mark.parametrize("value", [None, "1", 13, "AnonymousUsers, 64"])
def test_unreadable_groups_fail_closed(value):
    # A $null read as "no groups" would pass; it must not.
    with pytest.raises(ValueError):
        check.decide(rc_answers([connector("Relay", PermissionGroups=value)]), Settings({}))


def test_missing_groups_is_an_error():
    with pytest.raises(MissingProperty):
        check.decide(rc_answers([without(connector("Relay"), "PermissionGroups")]), Settings({}))


def test_unreadable_ranges_of_a_designated_connector_fail_closed():
    objects = [connector("Relay", **{**RELAY, "RemoteIPRanges": "10.20.30.40"})]
    with pytest.raises(ValueError):
        check.decide(rc_answers(objects), Settings({SETTING: ("Relay",)}))


def test_tabulate():
    (table,) = check.tabulate(rc_answers([connector("Relay", **RELAY)]))
    assert table.headers == ("Name", "Identity", "PermissionGroups")
    assert table.rows == (("Relay", "EX01\\Relay", "AnonymousUsers"),)


def test_declaration():
    (setting,) = check.CHECK.settings
    assert (setting.name, setting.type.value, setting.required) == (SETTING, "strings", False)
    assert check.CHECK.reads[0].properties == ("Name", "Identity", "PermissionGroups", "RemoteIPRanges")
    assert check.CHECK.ids.names() == {
        "EX13-MB-000235",
        "V-207313",
        "SV-207313",
        "SV-207313R615936_RULE",
        "SV-207313R961161_RULE",
        "V-70033",
        "SV-84655",
        "SV-84655R1_RULE",
    }

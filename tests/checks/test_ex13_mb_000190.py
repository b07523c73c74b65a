"""EX13-MB-000190 (V-207304): every Receive connector of the server has MaxHopCount 60, or the EDSP-accepted value."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000190 as check
from cklauto.checks.api import MissingProperty, Settings
from cklauto.model import Status
from tests.checks.ck_a_records import connector, connectors, names_of, rc_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
PROP = "MaxHopCount"
SETTING = "accepted_max_hop_count"

# id, value of "Relay" (beside the five hardened default connectors), site settings, expected status
TABLE = [
    ("required", 60, {}, NAF),
    ("required-as-text", "60", {}, NAF),
    ("one-less", 59, {}, OPEN),
    ("one-more", 61, {}, OPEN),
    ("lower-is-not-exempt", 30, {}, OPEN),
    ("zero", 0, {}, OPEN),
    ("edsp-accepts-it", 30, {SETTING: 30}, NAF),
    ("edsp-accepts-another", 30, {SETTING: 31}, OPEN),
    ("edsp-setting-keeps-the-stig-value", 60, {SETTING: 30}, NAF),
]


@pytest.mark.parametrize(("value", "site", "status"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(value, site, status):
    objects = connectors() + [connector("Relay", **{PROP: value})]
    decision = check.decide(rc_answers(objects), Settings(site))
    # Evaluate-STIG leaves a wrong value Not_Reviewed; the STIG says it is a finding.
    assert decision.status is status
    assert names_of(decision.verdicts, False) == ([] if status is NAF else ["Relay"])


def test_server_as_installed():
    assert check.decide(rc_answers(connectors(hardened=False)), Settings({})).status is NAF


def test_reasons_and_fixes():
    objects = [connector("Default"), connector("Relay", **{PROP: 30})]
    verdicts = {v.subject: v for v in check.decide(rc_answers(objects), Settings({})).verdicts}
    assert verdicts["Default EX01"].reason == "MaxHopCount is 60"
    assert verdicts["Relay"].reason == "MaxHopCount is 30; expected 60"
    assert verdicts["Relay"].fix == "Set-ReceiveConnector -Identity 'EX01\\Relay' -MaxHopCount 60"


def test_edsp_acceptance_is_said_in_the_verdict():
    objects = [connector("Relay", **{PROP: 30}), connector("Other", **{PROP: 7})]
    decision = check.decide(rc_answers(objects), Settings({SETTING: 30}))
    verdicts = {v.subject: v for v in decision.verdicts}
    assert verdicts["Relay"].ok is True
    assert verdicts["Relay"].reason == (
        "MaxHopCount is 30, not the STIG's 60, but the value the site's EDSP accepts with signoff and risk "
        "acceptance (site setting accepted_max_hop_count)"
    )
    assert (
        verdicts["Other"].reason
        == "MaxHopCount is 7; expected 60 (or 30, the EDSP-accepted value of site setting accepted_max_hop_count)"
    )
    assert decision.status is OPEN


@pytest.mark.parametrize("value", [None, True, "many", "60.0", "", ["60"]])
def test_unreadable_value_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(rc_answers([connector("Default", **{PROP: value})]), Settings({}))


def test_missing_property_is_an_error():
    with pytest.raises(MissingProperty):
        check.decide(rc_answers([without(connector("Default"), PROP)]), Settings({}))


def test_tabulate():
    (table,) = check.tabulate(rc_answers([connector("Client Frontend", **{PROP: 30})]))
    assert table.headers == ("Name", "MaxHopCount")
    assert table.rows == (("Client Frontend EX01", "30"),)


def test_declaration():
    (setting,) = check.CHECK.settings
    assert setting.name == SETTING
    assert setting.type.value == "integer"
    assert setting.required is False
    assert "EDSP" in setting.help
    assert check.CHECK.reads[0].query.command_line() == "Get-ReceiveConnector -Server <server>"
    assert check.CHECK.ids.names() == {
        "SV-84637",
        "V-70015",
        "V-207304",
        "SV-207304",
        "EX13-MB-000190",
        "SV-207304R615936_RULE",
        "SV-84637R1_RULE",
        "SV-207304R961155_RULE",
    }

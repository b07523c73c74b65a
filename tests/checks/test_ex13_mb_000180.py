"""EX13-MB-000180 (V-207302): every Receive connector of the server has MaxRecipientsPerMessage 5000, or the EDSP-accepted value."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000180 as check
from cklauto.checks.api import MissingProperty, Settings
from cklauto.model import Status
from tests.checks.ck_a_records import connector, connectors, names_of, rc_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
PROP = "MaxRecipientsPerMessage"
SETTING = "accepted_max_recipients_per_message"

# id, value of "Relay" (beside the five hardened default connectors), site settings, expected status
TABLE = [
    ("required", 5000, {}, NAF),
    ("required-as-text", "5000", {}, NAF),
    ("one-less", 4999, {}, OPEN),
    ("one-more", 5001, {}, OPEN),
    ("lower-is-not-exempt", 200, {}, OPEN),
    ("zero", 0, {}, OPEN),
    ("edsp-accepts-it", 200, {SETTING: 200}, NAF),
    ("edsp-accepts-another", 200, {SETTING: 201}, OPEN),
    ("edsp-setting-keeps-the-stig-value", 5000, {SETTING: 200}, NAF),
]


@pytest.mark.parametrize(("value", "site", "status"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(value, site, status):
    objects = connectors() + [connector("Relay", **{PROP: value})]
    decision = check.decide(rc_answers(objects), Settings(site))
    # Evaluate-STIG leaves a wrong value Not_Reviewed; the STIG says it is a finding.
    assert decision.status is status
    assert names_of(decision.verdicts, False) == ([] if status is NAF else ["Relay"])


def test_server_as_installed():
    assert check.decide(rc_answers(connectors(hardened=False)), Settings({})).status is OPEN


def test_reasons_and_fixes():
    objects = [connector("Default"), connector("Relay", **{PROP: 200})]
    verdicts = {v.subject: v for v in check.decide(rc_answers(objects), Settings({})).verdicts}
    assert verdicts["Default EX01"].reason == "MaxRecipientsPerMessage is 5000"
    assert verdicts["Relay"].reason == "MaxRecipientsPerMessage is 200; expected 5000"
    assert verdicts["Relay"].fix == "Set-ReceiveConnector -Identity 'EX01\\Relay' -MaxRecipientsPerMessage 5000"


def test_edsp_acceptance_is_said_in_the_verdict():
    objects = [connector("Relay", **{PROP: 200}), connector("Other", **{PROP: 7})]
    decision = check.decide(rc_answers(objects), Settings({SETTING: 200}))
    verdicts = {v.subject: v for v in decision.verdicts}
    assert verdicts["Relay"].ok is True
    assert verdicts["Relay"].reason == (
        "MaxRecipientsPerMessage is 200, not the STIG's 5000, but the value the site's EDSP accepts with signoff and risk "
        "acceptance (site setting accepted_max_recipients_per_message)"
    )
    assert (
        verdicts["Other"].reason
        == "MaxRecipientsPerMessage is 7; expected 5000 (or 200, the EDSP-accepted value of site setting accepted_max_recipients_per_message)"
    )
    assert decision.status is OPEN


@pytest.mark.parametrize("value", [None, True, "many", "5000.0", "", ["5000"]])
def test_unreadable_value_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(rc_answers([connector("Default", **{PROP: value})]), Settings({}))


def test_missing_property_is_an_error():
    with pytest.raises(MissingProperty):
        check.decide(rc_answers([without(connector("Default"), PROP)]), Settings({}))


def test_tabulate():
    (table,) = check.tabulate(rc_answers([connector("Client Frontend", **{PROP: 200})]))
    assert table.headers == ("Name", "Identity", "MaxRecipientsPerMessage")
    assert table.rows == (("Client Frontend EX01", "EX01\\Client Frontend EX01", "200"),)


def test_declaration():
    (setting,) = check.CHECK.settings
    assert setting.name == SETTING
    assert setting.type.value == "integer"
    assert setting.required is False
    assert "EDSP" in setting.help
    assert check.CHECK.reads[0].query.command_line() == "Get-ReceiveConnector -Server <server>"
    assert check.CHECK.ids.names() == {
        "SV-84633",
        "V-70011",
        "SV-207302",
        "SV-84633R1_RULE",
        "SV-207302R615936_RULE",
        "EX13-MB-000180",
        "V-207302",
        "SV-207302R961155_RULE",
    }

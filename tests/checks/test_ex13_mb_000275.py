"""EX13-MB-000275 (V-207321): every Receive connector of the server has ConnectionTimeout 00:10:00 (or the EDSP's)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000275 as check
from cklauto.checks.api import MissingProperty, Settings
from cklauto.model import Status
from tests.checks.ck_a_records import connector, connectors, names_of, rc_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
SETTING = "accepted_receive_connection_timeout"

# id, ConnectionTimeout of "Relay" (beside the five hardened default connectors), site settings, expected status
TABLE = [
    ("ten-minutes", "00:10:00", {}, NAF),
    ("ten-minutes-with-days", "0.00:10:00", {}, NAF),
    ("ten-minutes-with-ticks", "00:10:00.0000000", {}, NAF),
    ("ten-minutes-in-seconds-field-form", "00:09:60", {}, "raises"),
    ("shorter-is-not-exempt", "00:05:00", {}, OPEN),
    ("one-second-longer", "00:10:01", {}, OPEN),
    ("a-fraction-longer", "00:10:00.0000001", {}, OPEN),
    ("a-day", "1.00:00:00", {}, OPEN),
    ("negative", "-00:10:00", {}, OPEN),
    ("edsp-accepts-five-minutes", "00:05:00", {SETTING: "00:05:00"}, NAF),
    ("edsp-accepts-same-duration-other-form", "00:05:00", {SETTING: "0.00:05:00"}, NAF),
    ("edsp-accepts-another", "00:07:00", {SETTING: "00:05:00"}, OPEN),
    ("edsp-setting-keeps-the-stig-value", "00:10:00", {SETTING: "00:05:00"}, NAF),
]


@pytest.mark.parametrize(("value", "site", "status"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(value, site, status):
    objects = connectors() + [connector("Relay", ConnectionTimeout=value)]
    if status == "raises":
        with pytest.raises(ValueError):
            check.decide(rc_answers(objects), Settings(site))
        return
    decision = check.decide(rc_answers(objects), Settings(site))
    assert decision.status is status
    assert names_of(decision.verdicts, False) == ([] if status is NAF else ["Relay"])


def test_server_as_installed_complies():
    decision = check.decide(rc_answers(connectors(hardened=False)), Settings({}))
    assert decision.status is NAF
    assert decision.summary == "All 5 Receive connectors of EX01 comply: ConnectionTimeout is 00:10:00."


def test_reasons_and_fix():
    objects = [connector("Default"), connector("Relay", ConnectionTimeout="00:05:00")]
    verdicts = {v.subject: v for v in check.decide(rc_answers(objects), Settings({})).verdicts}
    assert verdicts["Default EX01"].reason == "ConnectionTimeout is 00:10:00"
    assert verdicts["Relay"].reason == "ConnectionTimeout is 00:05:00; expected 00:10:00"
    assert verdicts["Relay"].fix == "Set-ReceiveConnector -Identity 'EX01\\Relay' -ConnectionTimeout 00:10:00"


def test_edsp_acceptance_is_said_in_the_verdict():
    decision = check.decide(
        rc_answers([connector("Relay", ConnectionTimeout="00:05:00")]), Settings({SETTING: "00:05:00"})
    )
    assert decision.status is NAF
    assert decision.verdicts[0].reason == (
        "ConnectionTimeout is 00:05:00, not the STIG's 00:10:00, but the value the site's EDSP accepts with signoff "
        "and risk acceptance (site setting accepted_receive_connection_timeout)"
    )


@pytest.mark.parametrize("setting", ["five minutes", "5", "00:61:00"])
def test_unreadable_setting_fails_closed_and_names_the_setting(setting):
    objects = [connector("Relay", ConnectionTimeout="00:05:00")]
    with pytest.raises(ValueError, match=SETTING):
        check.decide(rc_answers(objects), Settings({SETTING: setting}))


@pytest.mark.parametrize("value", [None, 600, "10 minutes", "", ["00:10:00"], "PT10M", "Unlimited"])
def test_unreadable_value_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(rc_answers([connector("Default", ConnectionTimeout=value)]), Settings({}))


def test_missing_property_is_an_error():
    with pytest.raises(MissingProperty):
        check.decide(rc_answers([without(connector("Default"), "ConnectionTimeout")]), Settings({}))


def test_tabulate():
    (table,) = check.tabulate(rc_answers([connector("Default", ConnectionTimeout="00:05:00")]))
    assert table.headers == ("Name", "Identity", "ConnectionTimeout")
    assert table.rows == (("Default EX01", "EX01\\Default EX01", "00:05:00"),)


def test_declaration():
    (setting,) = check.CHECK.settings
    assert (setting.name, setting.type.value, setting.required) == (SETTING, "text", False)
    assert check.CHECK.ids.names() == {
        "EX13-MB-000275",
        "V-207321",
        "SV-207321",
        "SV-207321R615936_RULE",
        "SV-207321R961221_RULE",
        "V-70049",
        "SV-84671",
        "SV-84671R1_RULE",
    }

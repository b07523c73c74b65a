"""EX13-MB-000200 (V-207306): the server's Transport service has TransientFailureRetryCount 10 or less."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000200 as check
from cklauto.checks.api import MissingProperty, Settings
from cklauto.emulator.catalog import transport_service as catalog
from cklauto.model import Status
from tests.checks.ck_a_records import transport_service, ts_answers, without

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
PROP = "TransientFailureRetryCount"
SETTING = "accepted_transient_failure_retry_count"

# id, value, site settings, expected status
TABLE = [
    ("default-six", 6, {}, NAF),
    ("zero", 0, {}, NAF),
    ("ten", 10, {}, NAF),
    ("eleven", 11, {}, OPEN),
    ("fifteen", 15, {}, OPEN),
    ("negative", -1, {}, OPEN),
    # Evaluate-STIG's `-le '10'` compares text when the value is text: "9" sorts after "10".  Here it is 9.
    ("nine-as-text", "9", {}, NAF),
    ("eleven-as-text", "11", {}, OPEN),
    # The garbled "more than 10 or has signoff" is read as "and": more than 10 alone is still a finding.
    ("above-ten-is-not-excused-by-itself", 12, {}, OPEN),
    ("edsp-accepts-twelve", 12, {SETTING: 12}, NAF),
    ("edsp-accepts-another", 13, {SETTING: 12}, OPEN),
    ("edsp-setting-keeps-ten-or-less", 4, {SETTING: 12}, NAF),
]


@pytest.mark.parametrize(("value", "site", "status"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(value, site, status):
    decision = check.decide(ts_answers([transport_service(**{PROP: value})]), Settings(site))
    assert decision.status is status
    assert decision.verdicts[0].ok is (status is NAF)


def test_server_as_installed_passes():
    assert check.decide(ts_answers([catalog.transport_service("EX01")]), Settings({})).status is NAF


def test_texts():
    decision = check.decide(ts_answers([transport_service(**{PROP: 12})]), Settings({}))
    assert decision.summary == (
        "The Transport service of EX01 does not comply (TransientFailureRetryCount is 10 or less): "
        "TransientFailureRetryCount is 12; expected 10 or less."
    )
    assert decision.failing[0].fix == "Set-TransportService -Identity 'EX01' -TransientFailureRetryCount 10"
    assert decision.notes == (check.READING,)
    accepted = check.decide(ts_answers([transport_service(**{PROP: 12})]), Settings({SETTING: 12}))
    assert accepted.verdicts[0].reason == (
        "TransientFailureRetryCount is 12, not the STIG's 10 or less, but the value the site's EDSP accepts with "
        "signoff and risk acceptance (site setting accepted_transient_failure_retry_count)"
    )


@pytest.mark.parametrize("value", [None, True, "six", "6.0", "", [6]])
def test_unreadable_value_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(ts_answers([transport_service(**{PROP: value})]), Settings({}))


def test_missing_property_is_an_error():
    with pytest.raises(MissingProperty):
        check.decide(ts_answers([without(transport_service(), PROP)]), Settings({}))


def test_tabulate():
    (table,) = check.tabulate(ts_answers([transport_service(**{PROP: 12})]))
    assert table.headers == ("Name", "Identity", PROP)
    assert table.rows == (("EX01", "EX01", "12"),)


def test_declaration():
    (setting,) = check.CHECK.settings
    assert (setting.name, setting.type.value, setting.required) == (SETTING, "integer", False)
    assert check.CHECK.ids.names() == {
        "EX13-MB-000200",
        "V-207306",
        "SV-207306",
        "SV-207306R615936_RULE",
        "SV-207306R961155_RULE",
        "V-70019",
        "SV-84641",
        "SV-84641R1_RULE",
    }

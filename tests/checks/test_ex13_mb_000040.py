"""EX13-MB-000040 (V-207274): the server's Transport service has MessageTrackingLogSubjectLoggingEnabled False."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000040 as check
from cklauto.emulator.catalog import transport_service as catalog
from cklauto.model import Status
from tests.checks.ck_a_records import no_settings, transport_service, ts_answers

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
PROP = "MessageTrackingLogSubjectLoggingEnabled"

# id, value as it may arrive (a bool over remote PowerShell; its text in an evidence file), expected status
TABLE = [
    ("bool-false", False, NAF),
    ("bool-true", True, OPEN),
    ("text-False", "False", NAF),
    ("text-false-padded", " false ", NAF),
    ("text-True", "True", OPEN),
]


@pytest.mark.parametrize(("value", "status"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_decision_table(value, status):
    decision = check.decide(ts_answers([transport_service(**{PROP: value})]), no_settings())
    assert decision.status is status
    (verdict,) = decision.verdicts
    assert verdict.subject == "EX01"
    assert verdict.ok is (status is NAF)


@pytest.mark.parametrize("value", [None, "yes", "", 1, 0, ["False"]])
def test_unreadable_value_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(ts_answers([transport_service(**{PROP: value})]), no_settings())


def test_server_as_installed():
    decision = check.decide(ts_answers([catalog.transport_service("EX01")]), no_settings())
    assert decision.status is OPEN


def test_open_text_and_fix():
    decision = check.decide(ts_answers([transport_service(**{PROP: True})]), no_settings())
    assert decision.status is OPEN
    assert decision.summary == (
        "The Transport service of EX01 does not comply (MessageTrackingLogSubjectLoggingEnabled is False): "
        "MessageTrackingLogSubjectLoggingEnabled is True; expected False."
    )
    assert (
        decision.failing[0].fix
        == "Set-TransportService -Identity 'EX01' -MessageTrackingLogSubjectLoggingEnabled $false"
    )
    assert decision.fix == check.FIX_COMMAND


def test_compliant_text():
    decision = check.decide(ts_answers([transport_service(**{PROP: False})]), no_settings())
    assert (
        decision.summary == "The Transport service of EX01 complies: MessageTrackingLogSubjectLoggingEnabled is False."
    )
    assert decision.verdicts[0].fix is None


def test_tabulate():
    (table,) = check.tabulate(ts_answers([transport_service(**{PROP: True})]))
    assert table.headers == ("Name", "Identity", PROP)
    assert table.rows == (("EX01", "EX01", "True"),)


def test_declaration():
    assert check.CHECK.settings == ()
    assert check.CHECK.severity == "medium"
    assert check.CHECK.ids.names() == {
        "SV-207274R615936_RULE",
        "SV-84577R1_RULE",
        "SV-84577",
        "SV-207274",
        "EX13-MB-000040",
        "V-69955",
        "SV-207274R960900_RULE",
        "V-207274",
    }

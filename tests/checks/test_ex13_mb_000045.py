"""EX13-MB-000045 (V-207275): the server's Transport service has MessageTrackingLogEnabled True."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000045 as check
from cklauto.emulator.catalog import transport_service as catalog
from cklauto.model import Status
from tests.checks.ck_a_records import no_settings, transport_service, ts_answers

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
PROP = "MessageTrackingLogEnabled"

# id, value as it may arrive (a bool over remote PowerShell; its text in an evidence file), expected status
TABLE = [
    ("bool-true", True, NAF),
    ("bool-false", False, OPEN),
    ("text-True", "True", NAF),
    ("text-true-padded", " true ", NAF),
    ("text-False", "False", OPEN),
]


@pytest.mark.parametrize(("value", "status"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_decision_table(value, status):
    decision = check.decide(ts_answers([transport_service(**{PROP: value})]), no_settings())
    assert decision.status is status
    (verdict,) = decision.verdicts
    assert verdict.subject == "EX01"
    assert verdict.ok is (status is NAF)


@pytest.mark.parametrize("value", [None, "yes", "", 1, 0, ["True"]])
def test_unreadable_value_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(ts_answers([transport_service(**{PROP: value})]), no_settings())


def test_server_as_installed():
    decision = check.decide(ts_answers([catalog.transport_service("EX01")]), no_settings())
    assert decision.status is NAF


def test_open_text_and_fix():
    decision = check.decide(ts_answers([transport_service(**{PROP: False})]), no_settings())
    assert decision.status is OPEN
    assert decision.summary == (
        "The Transport service of EX01 does not comply (MessageTrackingLogEnabled is True): "
        "MessageTrackingLogEnabled is False; expected True."
    )
    assert decision.failing[0].fix == "Set-TransportService -Identity 'EX01' -MessageTrackingLogEnabled $true"
    assert decision.fix == check.FIX_COMMAND


def test_compliant_text():
    decision = check.decide(ts_answers([transport_service(**{PROP: True})]), no_settings())
    assert decision.summary == "The Transport service of EX01 complies: MessageTrackingLogEnabled is True."
    assert decision.verdicts[0].fix is None


def test_tabulate():
    (table,) = check.tabulate(ts_answers([transport_service(**{PROP: False})]))
    assert table.headers == ("Name", "Identity", PROP)
    assert table.rows == (("EX01", "EX01", "False"),)


def test_declaration():
    assert check.CHECK.settings == ()
    assert check.CHECK.severity == "medium"
    assert check.CHECK.ids.names() == {
        "SV-207275",
        "SV-207275R615936_RULE",
        "SV-207275R960900_RULE",
        "V-207275",
        "EX13-MB-000045",
        "SV-84579",
        "SV-84579R1_RULE",
        "V-69957",
    }

"""EX13-MB-000230 (V-207312): Send connector ConnectionInactivityTimeOut 10 minutes or less."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000230 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.checks.ex13_mb_000120 import SEND_CONNECTORS
from cklauto.model import Status
from tests.checks.org_helpers import SEND_CONNECTOR_TYPES, assert_named_by_every_id

# Get-SendConnector shapes: exchange-objects.md §2.7 (HC19 capture; ConnectionInactivityTimeOut '00:10:00', capital O).
TYPES = SEND_CONNECTOR_TYPES
NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN


def sc(name: str, timeout) -> Record:
    return Record(
        {
            "Name": name,
            "Identity": name,
            "ConnectionInactivityTimeOut": timeout,
            "MaxMessageSize": "35 MB (36,700,160 bytes)",
        },
        type_names=TYPES,
    )


def decide(*records: Record, **settings):
    return check.decide(Answers({SEND_CONNECTORS: list(records)}, server="EX01", release="V2R3"), Settings(settings))


TABLE = [
    ("ten", [sc("A", "00:10:00")], {}, NAF, []),
    ("ten-with-fraction", [sc("A", "00:10:00.0000000")], {}, NAF, []),
    ("ten-with-days", [sc("A", "0.00:10:00")], {}, NAF, []),
    ("five", [sc("A", "00:05:00")], {}, NAF, []),
    ("one-second", [sc("A", "00:00:01")], {}, NAF, []),
    ("just-over", [sc("A", "00:10:01")], {}, OPEN, ["A"]),
    ("fifteen", [sc("A", "00:15:00")], {}, OPEN, ["A"]),
    ("one-day", [sc("A", "1.00:00:00")], {}, OPEN, ["A"]),
    ("unlimited", [sc("A", "Unlimited")], {}, OPEN, ["A"]),
    ("edsp-accepted", [sc("A", "00:15:00")], {"accepted_connection_inactivity_timeout": "00:15:00"}, NAF, []),
    (
        "edsp-accepted-other-spelling",
        [sc("A", "00:15:00")],
        {"accepted_connection_inactivity_timeout": "0.00:15:00"},
        NAF,
        [],
    ),
    ("edsp-other-value", [sc("A", "00:20:00")], {"accepted_connection_inactivity_timeout": "00:15:00"}, OPEN, ["A"]),
    # Evaluate-STIG's V-228390 compares the whole list: one compliant connector passes all.  Not here.
    ("one-good-one-bad", [sc("Good", "00:10:00"), sc("Bad", "00:20:00")], {}, OPEN, ["Bad"]),
    ("none", [], {}, NAF, []),
]


@pytest.mark.parametrize(
    ("records", "settings", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE]
)
def test_decision_table(records, settings, status, failing):
    decision = decide(*records, **settings)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing


def test_texts():
    decision = decide(
        sc("Short", "00:05:00"),
        sc("Long", "00:20:00"),
        sc("Ten", "00:10:00"),
        sc("Risk", "00:15:00"),
        accepted_connection_inactivity_timeout="00:15:00",
    )
    reasons = {v.subject: v.reason for v in decision.verdicts}
    assert reasons == {
        "Long": "ConnectionInactivityTimeOut is 00:20:00, longer than 00:10:00",
        "Risk": "ConnectionInactivityTimeOut is 00:15:00, the value the EDSP accepts with risk acceptance",
        "Short": "ConnectionInactivityTimeOut is 00:05:00, under 10 minutes (the title: '10 minutes or less')",
        "Ten": "ConnectionInactivityTimeOut is 00:10:00",
    }
    assert decision.failing[0].fix == "Set-SendConnector -Identity 'Long' -ConnectionInactivityTimeOut 00:10:00"
    assert (
        decision.summary
        == '1 of 4 Send connectors does not have a ConnectionInactivityTimeOut of 00:10:00 or less: "Long".'
    )


def test_no_connectors_is_said_plainly():
    decision = decide()
    assert (
        decision.summary == "No Send connectors are configured, so none keeps idle connections longer than 10 minutes."
    )
    assert decision.notes == ("Get-SendConnector completed without error and returned no Send connectors.",)


@pytest.mark.parametrize("timeout", [None, "", "10 minutes", "00:60:00", 600, "-00:10:00", "00:00:00", ["00:10:00"]])
def test_unreadable_values_raise(timeout):
    with pytest.raises(ValueError):
        decide(sc("A", timeout))


@pytest.mark.parametrize("accepted", ["15 minutes", "00:00:00", "Unlimited"])
def test_bad_accepted_setting_raises_naming_it(accepted):
    with pytest.raises(ValueError, match="accepted_connection_inactivity_timeout"):
        decide(sc("A", "00:10:00"), accepted_connection_inactivity_timeout=accepted)


def test_lower_case_o_spelling_is_found_case_insensitively():
    record = Record({"Name": "A", "Identity": "A", "ConnectionInactivityTimeout": "00:10:00"}, type_names=TYPES)
    assert decide(record).status is NAF


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "A", "Identity": "A"}, type_names=TYPES))


def test_tabulate():
    answers = Answers({SEND_CONNECTORS: [sc("b", "00:20:00"), sc("A", "00:10:00")]})
    assert check.tabulate(answers) == [
        Table(("Name", "Identity", "ConnectionInactivityTimeOut"), (("A", "A", "00:10:00"), ("b", "b", "00:20:00")))
    ]


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000230",
        "V-207312",
        ("SV-207312r615936_rule", "SV-207312r961155_rule"),
        ("SV-84653", "V-70031"),
    )

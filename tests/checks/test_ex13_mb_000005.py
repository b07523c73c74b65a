"""EX13-MB-000005 (V-207267): administrator audit logging must be enabled."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000005 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import ADMIN_AUDIT_LOG_TYPES, assert_named_by_every_id

# Get-AdminAuditLogConfig output type names (exchange-objects.md §2.1).
TYPES = ADMIN_AUDIT_LOG_TYPES


def config(enabled, name="Admin Audit Log Settings", **extra) -> Record:
    return Record(
        {"Name": name, "AdminAuditLogEnabled": enabled, "AdminAuditLogParameters": ["*"], **extra}, type_names=TYPES
    )


def decide(*records: Record):
    answers = Answers({check.ADMIN_AUDIT_LOG_CONFIG: list(records)}, server="EX01", release="V2R3")
    return check.decide(answers, Settings())


@pytest.mark.parametrize(
    ("records", "status", "failing"),
    [
        ([config(True)], Status.NOT_A_FINDING, []),
        ([config(False)], Status.OPEN, ["Admin Audit Log Settings"]),
        # Evidence exported as text spells booleans as words, in any case.
        ([config("True")], Status.NOT_A_FINDING, []),
        ([config("false")], Status.OPEN, ["Admin Audit Log Settings"]),
        # Several objects (never on premises, possible in a hand-made bundle): every one must comply.
        ([config(True, "A"), config(False, "B")], Status.OPEN, ["B"]),
        ([config(True, "A"), config(True, "B")], Status.NOT_A_FINDING, []),
    ],
)
def test_decision_table(records, status, failing):
    decision = decide(*records)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing


def test_compliant_summary():
    decision = decide(config(True))
    assert (
        decision.summary
        == 'The admin audit log configuration "Admin Audit Log Settings" has AdminAuditLogEnabled set to True.'
    )
    assert decision.verdicts[0].reason == "AdminAuditLogEnabled is True"


def test_open_carries_the_stig_fix():
    decision = decide(config(False))
    assert decision.summary == (
        'The admin audit log configuration "Admin Audit Log Settings" does not have AdminAuditLogEnabled set to True.'
    )
    assert decision.failing[0].fix == "Set-AdminAuditLogConfig -AdminAuditLogEnabled $true"
    assert decision.failing[0].reason == "AdminAuditLogEnabled is False; expected True"


def test_null_is_not_read_as_false_or_true():
    with pytest.raises(ValueError, match=r"AdminAuditLogEnabled is \$null"):
        decide(config(None))


@pytest.mark.parametrize("value", ["yes", 1, 0, "", ["True"]])
def test_unreadable_value_raises(value):
    with pytest.raises(ValueError):
        decide(config(value))


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "Admin Audit Log Settings"}, type_names=TYPES))


def test_nameless_object_raises():
    with pytest.raises(ValueError, match="without a Name"):
        decide(config(True, name=" "))


def test_empty_answer_is_left_for_a_person():
    decision = decide()
    assert decision.status is Status.NOT_REVIEWED
    assert "returned no settings object" in decision.summary
    assert decision.verdicts == ()


def test_tabulate_shows_the_stig_columns_sorted():
    answers = Answers({check.ADMIN_AUDIT_LOG_CONFIG: [config(False, "b"), config(True, "A")]})
    assert check.tabulate(answers) == [Table(("Name", "AdminAuditLogEnabled"), (("A", "True"), ("b", "False")))]


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000005",
        "V-207267",
        ("SV-207267r615936_rule", "SV-207267r960780_rule"),
        ("SV-84563", "V-69941"),
    )


def test_declares_an_organisation_query_and_the_stig_command():
    assert check.CHECK.scope.value == "organization"
    assert check.CHECK.stig_command == "Get-AdminAuditLogConfig | Select Name, AdminAuditLogEnabled"
    assert check.CHECK.settings == ()

"""EX13-MB-000030 (V-207272): AdminAuditLogParameters must be exactly {*}."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000030 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import ADMIN_AUDIT_LOG_TYPES, assert_named_by_every_id

# Get-AdminAuditLogConfig output type names (exchange-objects.md §2.1); the parameters arrive as a list (§1.2 MVP).
TYPES = ADMIN_AUDIT_LOG_TYPES


def config(parameters, name="Admin Audit Log Settings") -> Record:
    return Record({"Name": name, "AdminAuditLogEnabled": True, "AdminAuditLogParameters": parameters}, type_names=TYPES)


def decide(*records: Record):
    answers = Answers({check.ADMIN_AUDIT_LOG_CONFIG: list(records)}, server="EX01", release="V2R3")
    return check.decide(answers, Settings())


@pytest.mark.parametrize(
    ("parameters", "status", "reason"),
    [
        (["*"], Status.NOT_A_FINDING, "AdminAuditLogParameters is {*}: every parameter is audited"),
        (("*",), Status.NOT_A_FINDING, "AdminAuditLogParameters is {*}: every parameter is audited"),
        (
            ["Identity", "Name"],
            Status.OPEN,
            "AdminAuditLogParameters is {Identity, Name}; expected {*} (every parameter)",
        ),
        (["*", "Identity"], Status.OPEN, "AdminAuditLogParameters is {*, Identity}; expected {*} (every parameter)"),
        (["Identity", "*"], Status.OPEN, "AdminAuditLogParameters is {Identity, *}; expected {*} (every parameter)"),
        ([" *"], Status.OPEN, "AdminAuditLogParameters is { *}; expected {*} (every parameter)"),
        (["**"], Status.OPEN, "AdminAuditLogParameters is {**}; expected {*} (every parameter)"),
        ([], Status.OPEN, "AdminAuditLogParameters is empty: no parameter is audited; expected {*}"),
        (None, Status.OPEN, "AdminAuditLogParameters is empty: no parameter is audited; expected {*}"),
    ],
)
def test_decision_table(parameters, status, reason):
    decision = decide(config(parameters))
    assert decision.status is status
    assert decision.verdicts[0].reason == reason
    if status is Status.OPEN:
        assert decision.failing[0].fix == "Set-AdminAuditLogConfig -AdminAuditLogParameters *"


def test_summaries():
    assert decide(config(["*"])).summary == (
        'The admin audit log configuration "Admin Audit Log Settings" has AdminAuditLogParameters set to {*}.'
    )
    assert decide(config(["Identity"])).summary == (
        'The admin audit log configuration "Admin Audit Log Settings" does not have AdminAuditLogParameters set to {*}.'
    )


@pytest.mark.parametrize("parameters", ["*", "{*}", ["*", None], 1, True])
def test_values_not_shaped_as_a_list_of_strings_raise(parameters):
    # Evaluate-STIG compares [String]$value -eq '*'; a lone string is not what Exchange sends, so it is not judged.
    with pytest.raises(ValueError):
        decide(config(parameters))


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "Admin Audit Log Settings"}, type_names=TYPES))


def test_every_object_must_comply():
    decision = decide(config(["*"], "A"), config(["Name"], "B"))
    assert decision.status is Status.OPEN
    assert [v.subject for v in decision.failing] == ["B"]


def test_empty_answer_is_left_for_a_person():
    decision = decide()
    assert decision.status is Status.NOT_REVIEWED
    assert decision.summary.startswith("Get-AdminAuditLogConfig returned no settings object, so which parameters")


def test_tabulate_shows_the_stig_column():
    answers = Answers({check.ADMIN_AUDIT_LOG_CONFIG: [config(["Identity", "Name"])]})
    assert check.tabulate(answers) == [Table(("AdminAuditLogParameters",), (("{Identity, Name}",),))]


def test_shares_the_query_with_ex13_mb_000005():
    from cklauto.checks import ex13_mb_000005

    assert check.CHECK.queries == ex13_mb_000005.CHECK.queries


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000030",
        "V-207272",
        ("SV-207272r615936_rule", "SV-207272r960879_rule"),
        ("SV-84573", "V-69951"),
    )

"""EX13-MB-000065 (V-207279): CustomerFeedbackEnabled must be False."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000065 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import ORGANIZATION_TYPES, assert_named_by_every_id

# Get-OrganizationConfig type names and shapes: exchange-objects.md §2.2 (HealthChecker capture of 2013 CU23, where
# CustomerFeedbackEnabled is <Nil>).
TYPES = ORGANIZATION_TYPES


def org(feedback, name="SoloORG") -> Record:
    return Record({"Name": name, "Identity": name, "CustomerFeedbackEnabled": feedback}, type_names=TYPES)


def decide(*records: Record):
    return check.decide(Answers({check.ORGANIZATION_CONFIG: list(records)}, server="EX01", release="V2R3"), Settings())


@pytest.mark.parametrize(
    ("feedback", "status", "reason"),
    [
        (False, Status.NOT_A_FINDING, "CustomerFeedbackEnabled is False"),
        ("False", Status.NOT_A_FINDING, "CustomerFeedbackEnabled is False"),
        (True, Status.OPEN, "CustomerFeedbackEnabled is True; expected False"),
        ("TRUE", Status.OPEN, "CustomerFeedbackEnabled is True; expected False"),
        (
            None,
            Status.OPEN,
            "CustomerFeedbackEnabled is $null (never set, so not set to False as the STIG requires); expected False",
        ),
    ],
)
def test_decision_table(feedback, status, reason):
    decision = decide(org(feedback))
    assert decision.status is status
    assert decision.verdicts[0].reason == reason
    if status is Status.OPEN:
        assert decision.failing[0].fix == "Set-OrganizationConfig -CustomerFeedbackEnabled $false"


def test_null_says_never_set_in_a_note_and_the_summary_names_the_organisation():
    decision = decide(org(None))
    assert decision.summary == 'The organisation "SoloORG" does not have CustomerFeedbackEnabled set to False.'
    assert decision.notes == ("$null means the setting was never made; the STIG requires it to be set to False.",)


def test_false_has_no_note():
    decision = decide(org(False))
    assert decision.summary == 'The organisation "SoloORG" has CustomerFeedbackEnabled set to False.'
    assert decision.notes == ()


@pytest.mark.parametrize("feedback", ["", "0", 0, "Disabled", ["False"]])
def test_unreadable_value_raises(feedback):
    with pytest.raises(ValueError):
        decide(org(feedback))


def test_missing_property_is_not_read_as_never_set():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "SoloORG"}, type_names=TYPES))


def test_empty_answer_is_left_for_a_person():
    decision = decide()
    assert decision.status is Status.NOT_REVIEWED
    assert "returned no organisation object" in decision.summary


def test_tabulate_shows_null_as_blank_like_powershell():
    answers = Answers({check.ORGANIZATION_CONFIG: [org(None)]})
    assert check.tabulate(answers) == [Table(("CustomerFeedbackEnabled",), (("",),))]


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000065",
        "V-207279",
        ("SV-207279r615936_rule", "SV-207279r960963_rule"),
        ("SV-84587", "V-69965"),
    )

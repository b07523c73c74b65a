"""EX13-MB-000315 (V-207329): no delivery reports to remote domains."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000315 as check
from cklauto.checks._remote_domains import REMOTE_DOMAINS
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import REMOTE_DOMAIN_TYPES, assert_named_by_every_id

# Get-RemoteDomain shapes: exchange-objects.md §2.11 (DomainContentConfig; DomainName '*' for Default; bools).
TYPES = REMOTE_DOMAIN_TYPES


def rd(name: str, domain: str | None, reports) -> Record:
    return Record(
        {"Name": name, "Identity": name, "DomainName": domain, "DeliveryReportEnabled": reports, "NDREnabled": False},
        type_names=TYPES,
    )


def decide(*records: Record):
    return check.decide(Answers({REMOTE_DOMAINS: list(records)}, server="EX01", release="V2R3"), Settings())


@pytest.mark.parametrize(
    ("records", "status", "failing"),
    [
        ([rd("Default", "*", False)], Status.NOT_A_FINDING, []),
        ([rd("Default", "*", True)], Status.OPEN, ["Default"]),
        ([rd("Default", "*", False), rd("Army", "army.mil", False)], Status.NOT_A_FINDING, []),
        # No .mil/.gov exception in this rule: a DoD remote domain with reports on is a finding too.
        ([rd("Default", "*", False), rd("Army", "army.mil", True)], Status.OPEN, ["Army"]),
        # Evaluate-STIG's single-item slip cannot happen here: one compliant domain never passes the others.
        ([rd("Default", "*", False), rd("b", "b.com", True), rd("A", "a.com", True)], Status.OPEN, ["A", "b"]),
        ([rd("Default", "*", "false"), rd("x", "x.com", "TRUE")], Status.OPEN, ["x"]),
    ],
)
def test_decision_table(records, status, failing):
    decision = decide(*records)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing
    assert len(decision.verdicts) == len(records)


def test_texts_and_fix():
    decision = decide(rd("Default", "*", False), rd("Partner's mail", "fabrikam.com", True))
    assert (
        decision.summary == '1 of 2 remote domains does not have DeliveryReportEnabled set to False: "Partner\'s mail".'
    )
    bad = decision.failing[0]
    assert bad.reason == "DeliveryReportEnabled is True for DomainName fabrikam.com; expected False"
    # The STIG's fix filled in, the identity as a PowerShell literal (the quote doubled).
    assert bad.fix == "Set-RemoteDomain -Identity 'Partner''s mail' -DeliveryReportEnabled $false"
    assert decision.verdicts[0].reason == "DeliveryReportEnabled is False"


def test_all_compliant_summary():
    decision = decide(rd("Default", "*", False), rd("Army", "army.mil", False))
    assert decision.summary == "2 of 2 remote domains have DeliveryReportEnabled set to False."


def test_null_is_refused():
    with pytest.raises(ValueError, match=r"\$null"):
        decide(rd("Default", "*", None))


@pytest.mark.parametrize("value", ["", "0", 1, ["False"]])
def test_unreadable_value_raises(value):
    with pytest.raises(ValueError):
        decide(rd("Default", "*", value))


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "Default", "Identity": "Default", "DomainName": "*"}, type_names=TYPES))


def test_empty_answer_is_left_for_a_person():
    decision = decide()
    assert decision.status is Status.NOT_REVIEWED
    assert "every organisation has the Default remote domain" in decision.summary


def test_tabulate_shows_the_stig_columns_sorted_by_name():
    answers = Answers({REMOTE_DOMAINS: [rd("Default", "*", False), rd("army", "army.mil", True)]})
    assert check.tabulate(answers) == [
        Table(("Identity", "DeliveryReportEnabled"), (("army", "True"), ("Default", "False")))
    ]


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000315",
        "V-207329",
        ("SV-207329r615936_rule", "SV-207329r961620_rule"),
        ("SV-84701", "V-70079"),
    )


def test_hostile_domain_name_is_shown_escaped():
    decision = decide(rd("Evil", "evil.com\n[NotAFinding] forged", True))
    reason = decision.failing[0].reason
    assert "\n" not in reason and "\\u000A" in reason

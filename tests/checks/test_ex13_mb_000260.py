"""EX13-MB-000260 (V-207318): no automated replies to remote domains, except .mil/.gov ones."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000260 as check
from cklauto.checks._remote_domains import REMOTE_DOMAINS
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import REMOTE_DOMAIN_TYPES, assert_named_by_every_id

# Get-RemoteDomain shapes: exchange-objects.md §2.11.
TYPES = REMOTE_DOMAIN_TYPES


def rd(name: str, domain: str | None, auto_reply) -> Record:
    return Record(
        {
            "Name": name,
            "Identity": name,
            "DomainName": domain,
            "AutoReplyEnabled": auto_reply,
            "AllowedOOFType": "External",
        },
        type_names=TYPES,
    )


def decide(*records: Record):
    return check.decide(Answers({REMOTE_DOMAINS: list(records)}, server="EX01", release="V2R3"), Settings())


TABLE = [
    ("all-off", [rd("Default", "*", False), rd("Fabrikam", "fabrikam.com", False)], Status.NOT_A_FINDING, []),
    ("default-on", [rd("Default", "*", True)], Status.OPEN, ["Default"]),
    ("mil-on", [rd("Default", "*", False), rd("Army", "army.mil", True)], Status.NOT_A_FINDING, []),
    ("gov-on", [rd("State", "state.gov", True)], Status.NOT_A_FINDING, []),
    ("all-mil-wildcard", [rd("All DoD", "*.mil", True)], Status.NOT_A_FINDING, []),
    ("sub-gov-wildcard", [rd("GSA", "*.gsa.gov", True)], Status.NOT_A_FINDING, []),
    ("upper-and-dot", [rd("Army", "ARMY.MIL.", True)], Status.NOT_A_FINDING, []),
    ("commercial-on", [rd("Fabrikam", "fabrikam.com", True)], Status.OPEN, ["Fabrikam"]),
    ("mil-looking-not-mil", [rd("Trick", "mil.fabrikam.com", True)], Status.OPEN, ["Trick"]),
    ("suffix-not-label", [rd("Trick", "notmil", True)], Status.OPEN, ["Trick"]),
    ("gov-uk", [rd("UK", "*.gov.uk", True)], Status.OPEN, ["UK"]),
    ("no-domain-name", [rd("Odd", None, True)], Status.OPEN, ["Odd"]),
    ("blank-domain-name", [rd("Odd", "  ", True)], Status.OPEN, ["Odd"]),
    # Evaluate-STIG lets DomainName -like '*.mil' pass; a .mil domain never excuses the Default one.
    ("mil-does-not-excuse-default", [rd("Army", "army.mil", True), rd("Default", "*", True)], Status.OPEN, ["Default"]),
]


@pytest.mark.parametrize(("records", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(records, status, failing):
    decision = decide(*records)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing


def test_texts():
    decision = decide(rd("Army", "army.mil", True), rd("Default", "*", True))
    army, default = decision.verdicts
    assert army.reason == (
        "AutoReplyEnabled is True for DomainName army.mil, a .mil/.gov domain "
        "(the STIG allows automated replies to .MIL or .GOV sites)"
    )
    assert default.reason == "AutoReplyEnabled is True for DomainName *; expected False"
    assert default.fix == "Set-RemoteDomain -Identity 'Default' -AutoReplyEnabled $false"
    assert decision.summary == (
        '1 of 2 remote domains does not have AutoReplyEnabled set to False, or a .mil/.gov DomainName: "Default".'
    )


def test_null_is_refused():
    with pytest.raises(ValueError):
        decide(rd("Default", "*", None))


def test_unreadable_domain_name_raises():
    with pytest.raises(ValueError):
        decide(rd("Default", ["*"], True))


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "Default", "Identity": "Default", "AutoReplyEnabled": False}, type_names=TYPES))


def test_empty_answer_is_left_for_a_person():
    assert decide().status is Status.NOT_REVIEWED


def test_tabulate():
    answers = Answers({REMOTE_DOMAINS: [rd("Default", "*", False), rd("Army", "army.mil", True)]})
    assert check.tabulate(answers) == [
        Table(("Name", "Identity", "AutoReplyEnabled"), (("Army", "Army", "True"), ("Default", "Default", "False")))
    ]


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000260",
        "V-207318",
        ("SV-207318r615936_rule", "SV-207318r961161_rule"),
        ("SV-84665", "V-70043"),
    )

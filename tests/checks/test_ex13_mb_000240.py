"""EX13-MB-000240 (V-207314): AllowedOOFType must be InternalLegacy on every remote domain."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000240 as check
from cklauto.checks._remote_domains import REMOTE_DOMAINS
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import REMOTE_DOMAIN_TYPES, assert_named_by_every_id

# Get-RemoteDomain shapes: exchange-objects.md §2.11 (AllowedOOFType sent as its enum name, default External).
TYPES = REMOTE_DOMAIN_TYPES


def rd(name: str, domain: str | None, oof) -> Record:
    return Record(
        {"Name": name, "Identity": name, "DomainName": domain, "AllowedOOFType": oof, "AutoReplyEnabled": False},
        type_names=TYPES,
    )


def decide(*records: Record):
    return check.decide(Answers({REMOTE_DOMAINS: list(records)}, server="EX01", release="V2R3"), Settings())


@pytest.mark.parametrize(
    ("oof", "status"),
    [
        ("InternalLegacy", Status.NOT_A_FINDING),
        ("internallegacy", Status.NOT_A_FINDING),
        (" INTERNALLEGACY ", Status.NOT_A_FINDING),
        ("External", Status.OPEN),
        ("ExternalLegacy", Status.OPEN),
        ("None", Status.OPEN),
    ],
)
def test_each_enum_name(oof, status):
    assert decide(rd("Default", "*", oof)).status is status


def test_every_remote_domain_must_comply_no_mil_exception():
    decision = decide(rd("Default", "*", "InternalLegacy"), rd("Army", "army.mil", "External"))
    assert decision.status is Status.OPEN
    bad = decision.failing[0]
    assert bad.subject == "Army"
    assert bad.reason == "AllowedOOFType is External for DomainName army.mil; expected InternalLegacy"
    assert bad.fix == "Set-RemoteDomain -Identity 'Army' -AllowedOOFType 'InternalLegacy'"
    assert decision.summary == '1 of 2 remote domains does not have AllowedOOFType set to InternalLegacy: "Army".'


def test_all_compliant_summary():
    decision = decide(rd("Default", "*", "InternalLegacy"), rd("Army", "army.mil", "InternalLegacy"))
    assert decision.status is Status.NOT_A_FINDING
    assert decision.summary == "2 of 2 remote domains have AllowedOOFType set to InternalLegacy."


@pytest.mark.parametrize("oof", [None, "", "65", 65, "Internal", "External, InternalLegacy", ["InternalLegacy"], True])
def test_unreadable_values_raise(oof):
    with pytest.raises(ValueError):
        decide(rd("Default", "*", oof))


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "Default", "Identity": "Default", "DomainName": "*"}, type_names=TYPES))


def test_empty_answer_is_left_for_a_person():
    assert decide().status is Status.NOT_REVIEWED


def test_tabulate_shows_the_stig_columns_in_its_order():
    answers = Answers({REMOTE_DOMAINS: [rd("Default", "*", "External")]})
    assert check.tabulate(answers) == [
        Table(("Name", "DomainName", "Identity", "AllowedOOFType"), (("Default", "*", "Default", "External"),))
    ]


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000240",
        "V-207314",
        ("SV-207314r615936_rule", "SV-207314r961161_rule"),
        ("SV-84657", "V-70035"),
    )

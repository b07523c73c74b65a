"""EX13-MB-000320 (V-207330): no nondelivery reports to remote domains (DoDIN domains only by site setting)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000320 as check
from cklauto.checks._remote_domains import REMOTE_DOMAINS
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import REMOTE_DOMAIN_TYPES, assert_named_by_every_id

# Get-RemoteDomain shapes: exchange-objects.md §2.11 (property spelled NDREnabled; DomainName '*' for Default).
TYPES = REMOTE_DOMAIN_TYPES


def rd(name: str, domain: str | None, ndr) -> Record:
    return Record(
        {"Name": name, "Identity": name, "DomainName": domain, "NDREnabled": ndr, "DeliveryReportEnabled": False},
        type_names=TYPES,
    )


def decide(*records: Record, **settings):
    return check.decide(Answers({REMOTE_DOMAINS: list(records)}, server="EX01", release="V2R3"), Settings(settings))


DODIN = ("army.mil", "*.navy.mil")

TABLE = [
    # (id, records, dodin_domains or None, status, failing)
    ("default-off", [rd("Default", "*", False)], None, Status.NOT_A_FINDING, []),
    ("default-on", [rd("Default", "*", True)], None, Status.OPEN, ["Default"]),
    ("mil-on-no-setting", [rd("Default", "*", False), rd("Army", "army.mil", True)], None, Status.OPEN, ["Army"]),
    ("mil-on-listed", [rd("Default", "*", False), rd("Army", "army.mil", True)], DODIN, Status.NOT_A_FINDING, []),
    ("mil-case-listed", [rd("Army", "ARMY.mil.", True)], DODIN, Status.NOT_A_FINDING, []),
    ("sub-of-wildcard", [rd("Fleet", "fleet.navy.mil", True)], DODIN, Status.NOT_A_FINDING, []),
    ("parent-of-wildcard", [rd("Navy", "navy.mil", True)], DODIN, Status.NOT_A_FINDING, []),
    ("wider-than-listed", [rd("ArmyAll", "*.army.mil", True)], DODIN, Status.OPEN, ["ArmyAll"]),
    ("sub-of-exact-not-listed", [rd("Mail", "mail.army.mil", True)], DODIN, Status.OPEN, ["Mail"]),
    ("other-mil-not-listed", [rd("AF", "af.mil", True)], DODIN, Status.OPEN, ["AF"]),
    ("default-never-dodin", [rd("Default", "*", True)], DODIN, Status.OPEN, ["Default"]),
    ("no-domain-name", [rd("Odd", None, True)], DODIN, Status.OPEN, ["Odd"]),
    ("suffix-trick", [rd("Evil", "evilarmy.mil", True)], DODIN, Status.OPEN, ["Evil"]),
]


@pytest.mark.parametrize(("records", "dodin", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(records, dodin, status, failing):
    decision = decide(*records, **({"dodin_domains": dodin} if dodin else {}))
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing


def test_dodin_verdict_says_why_and_cites_the_2016_note():
    decision = decide(rd("Default", "*", False), rd("Army", "army.mil", True), dodin_domains=DODIN)
    army = next(v for v in decision.verdicts if v.subject == "Army")
    assert army.ok is True
    assert army.reason == (
        "NDREnabled is True for DomainName army.mil, inside the DoDIN per dodin_domains (army.mil); "
        "the Exchange 2016 STIG permits NDRs there"
    )
    assert decision.summary == "2 of 2 remote domains have NDREnabled set to False, or a DomainName inside the DoDIN."


def test_finding_text_and_fix():
    decision = decide(rd("Default", "*", True))
    assert decision.summary == 'The remote domain "Default" does not have NDREnabled set to False.'
    assert decision.failing[0].reason == "NDREnabled is True for DomainName *; expected False"
    assert decision.failing[0].fix == "Set-RemoteDomain -Identity 'Default' -NDREnabled $false"


def test_null_is_refused():
    with pytest.raises(ValueError):
        decide(rd("Default", "*", None))


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "Default", "Identity": "Default", "NDREnabled": False}, type_names=TYPES))


def test_empty_answer_is_left_for_a_person():
    assert decide().status is Status.NOT_REVIEWED


def test_tabulate():
    answers = Answers({REMOTE_DOMAINS: [rd("Default", "*", True), rd("Army", "army.mil", False)]})
    assert check.tabulate(answers) == [
        Table(("Name", "Identity", "NDREnabled"), (("Army", "Army", "False"), ("Default", "Default", "True")))
    ]


def test_setting_is_optional_domains():
    (setting,) = check.CHECK.settings
    assert (setting.name, setting.type.value, setting.required) == ("dodin_domains", "domains", False)


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000320",
        "V-207330",
        ("SV-207330r615936_rule", "SV-207330r961620_rule"),
        ("SV-84703", "V-70081"),
    )

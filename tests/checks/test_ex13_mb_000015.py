"""EX13-MB-000015 (V-207269): auto-forwarding to remote domains off (Enterprise Mail: only to .mil/.gov)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000015 as check
from cklauto.checks._remote_domains import REMOTE_DOMAINS
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import REMOTE_DOMAIN_TYPES, assert_named_by_every_id

# Get-RemoteDomain shapes: exchange-objects.md §2.11 (AutoForwardEnabled bool; Default's DomainName '*').
TYPES = REMOTE_DOMAIN_TYPES
NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED


def rd(name: str, domain: str | None, forward) -> Record:
    return Record(
        {
            "Name": name,
            "Identity": name,
            "DomainName": domain,
            "AutoForwardEnabled": forward,
            "AutoReplyEnabled": False,
        },
        type_names=TYPES,
    )


def decide(*records: Record, enterprise: bool | None = None):
    settings = Settings({} if enterprise is None else {"enterprise_mail": enterprise})
    return check.decide(Answers({REMOTE_DOMAINS: list(records)}, server="EX01", release="V2R3"), settings)


OFF = [rd("Default", "*", False), rd("Fabrikam", "fabrikam.com", False)]
MIL_ON = [rd("Default", "*", False), rd("Army", "army.mil", True)]
DEFAULT_ON = [rd("Default", "*", True)]
MIXED = [rd("Default", "*", False), rd("Army", "army.mil", True), rd("Fabrikam", "fabrikam.com", True)]

# (id, records, enterprise_mail, status, failing, undecided)
TABLE = [
    ("off-non-enterprise", OFF, False, NAF, [], []),
    ("off-enterprise", OFF, True, NAF, [], []),
    ("off-unset", OFF, None, NAF, [], []),
    # Evaluate-STIG passes a .mil domain for everybody; for a non-Enterprise system it is a finding.
    ("mil-on-non-enterprise", MIL_ON, False, OPEN, ["Army"], []),
    ("mil-on-enterprise", MIL_ON, True, NAF, [], []),
    ("mil-on-unset", MIL_ON, None, NR, [], ["Army"]),
    ("default-on-non-enterprise", DEFAULT_ON, False, OPEN, ["Default"], []),
    ("default-on-enterprise", DEFAULT_ON, True, OPEN, ["Default"], []),
    ("default-on-unset", DEFAULT_ON, None, OPEN, ["Default"], []),
    ("mixed-non-enterprise", MIXED, False, OPEN, ["Army", "Fabrikam"], []),
    ("mixed-enterprise", MIXED, True, OPEN, ["Fabrikam"], []),
    ("mixed-unset", MIXED, None, OPEN, ["Fabrikam"], ["Army"]),
    ("gov-wildcard-enterprise", [rd("Default", "*", False), rd("Gov", "*.gov", True)], True, NAF, [], []),
    ("mil-lookalike-enterprise", [rd("Trick", "mil.fabrikam.com", True)], True, OPEN, ["Trick"], []),
    ("no-domain-enterprise", [rd("Odd", None, True)], True, OPEN, ["Odd"], []),
    ("only-mil-unset", [rd("Army", "army.mil", True)], None, NR, [], ["Army"]),
]


@pytest.mark.parametrize(
    ("records", "enterprise", "status", "failing", "undecided"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE]
)
def test_decision_table(records, enterprise, status, failing, undecided):
    decision = decide(*records, enterprise=enterprise)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing
    assert [v.subject for v in decision.verdicts if v.ok is None] == undecided
    assert len(decision.verdicts) == len(records)


def test_unset_and_branch_dependent_names_the_setting():
    decision = decide(*MIL_ON)
    assert decision.summary == (
        'AutoForwardEnabled is True only on .mil/.gov remote domains ("Army"): that is allowed for Enterprise Mail '
        "and a finding for any other mail system; set enterprise_mail in the site settings to decide."
    )
    army = decision.verdicts[0]
    assert army.reason == (
        "AutoForwardEnabled is True for DomainName army.mil, a .mil/.gov domain (Enterprise Mail may auto-forward to "
        ".mil/.gov domains); a finding for non-Enterprise Mail"
    )


def test_unset_but_both_branches_agree_says_so():
    decision = decide(*OFF)
    assert decision.notes == (
        "enterprise_mail is not set; the result is the same for Enterprise and non-Enterprise Mail.",
    )
    assert decision.summary == "2 of 2 remote domains have AutoForwardEnabled set to False."
    mixed = decide(*MIXED)
    assert "the .mil/.gov remote domains shown as Info count only for Enterprise Mail" in mixed.notes[0]


def test_branch_notes_and_fix():
    decision = decide(*MIXED, enterprise=True)
    assert decision.notes == (
        "Enterprise Mail (enterprise_mail = true): auto-forwarding is allowed only to .mil/.gov remote domains.",
    )
    assert decision.summary == (
        '1 of 3 remote domains does not have AutoForwardEnabled set to False, or a .mil/.gov DomainName: "Fabrikam".'
    )
    assert decision.failing[0].fix == "Set-RemoteDomain -Identity 'Fabrikam' -AutoForwardEnabled $false"
    strict = decide(*MIXED, enterprise=False)
    assert strict.notes[0].startswith("Non-Enterprise Mail (enterprise_mail = false)")
    assert strict.summary == ('2 of 3 remote domains do not have AutoForwardEnabled set to False: "Army", "Fabrikam".')


def test_null_is_refused():
    with pytest.raises(ValueError):
        decide(rd("Default", "*", None), enterprise=True)


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "Default", "Identity": "Default", "AutoForwardEnabled": False}, type_names=TYPES))


def test_empty_answer_is_left_for_a_person():
    assert decide(enterprise=False).status is NR


def test_tabulate():
    answers = Answers({REMOTE_DOMAINS: list(MIL_ON)})
    assert check.tabulate(answers) == [
        Table(
            ("Identity", "DomainName", "AutoForwardEnabled"), (("Army", "army.mil", "True"), ("Default", "*", "False"))
        )
    ]


def test_setting_is_an_optional_boolean():
    (setting,) = check.CHECK.settings
    assert (setting.name, setting.type.value, setting.required) == ("enterprise_mail", "boolean", False)


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000015",
        "V-207269",
        ("SV-207269r615936_rule", "SV-207269r960801_rule"),
        ("SV-84567", "V-69945"),
    )

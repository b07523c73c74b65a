"""EX13-MB-000150 (V-207296): the domain of every forwarding SMTP address must be documented in the EDSP."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000150 as check
from cklauto.checks._forwarding import FORWARDING_MAILBOXES
from cklauto.checks._remote_domains import REMOTE_DOMAINS
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import MAILBOX_TYPES, REMOTE_DOMAIN_TYPES, assert_named_by_every_id

# Shapes: Get-Mailbox exchange-objects.md §1.3 (3G capture) and §2.17; Get-RemoteDomain §2.11.
DOMAIN_TYPES = REMOTE_DOMAIN_TYPES
NAF, OPEN, NR, NA = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED, Status.NOT_APPLICABLE


def mbx(name: str, forward: str | None) -> Record:
    alias = name.lower().replace(" ", ".")
    return Record(
        {
            "Name": name,
            "Identity": f"contoso.mil/Users/{name}",
            "Alias": alias,
            "PrimarySmtpAddress": f"{alias}@contoso.mil",
            "ForwardingSmtpAddress": forward,
        },
        type_names=MAILBOX_TYPES,
    )


def rd(name: str, domain: str | None, forward) -> Record:
    return Record(
        {"Name": name, "Identity": name, "DomainName": domain, "AutoForwardEnabled": forward}, type_names=DOMAIN_TYPES
    )


REMOTE = [rd("Default", "*", False), rd("Army", "army.mil", True), rd("All Navy", "*.navy.mil", True)]
JANE = mbx("Jane Doe", "smtp:jane.doe@army.mil")
SAM = mbx("Sam Poe", "smtp:sam@fleet.navy.mil")
BOB = mbx("Bob Roe", "SMTP:bob@Gmail.COM")


def decide(mailboxes, remote=REMOTE, **settings):
    answers = Answers(
        {FORWARDING_MAILBOXES: list(mailboxes), REMOTE_DOMAINS: list(remote)}, server="EX01", release="V2R3"
    )
    return check.decide(answers, Settings(settings))


DOD = ("army.mil", "*.navy.mil")
TABLE = [
    ("none-forward", [], {}, NAF, []),
    ("none-forward-unused", [], {"auto_forwarding_used": False}, NA, []),
    ("forward-no-list", [JANE], {}, NR, []),
    ("documented-exact", [JANE], {"authorized_forwarding_domains": DOD}, NAF, []),
    ("documented-wildcard-sub", [SAM], {"authorized_forwarding_domains": DOD}, NAF, []),
    (
        "subdomain-of-exact-is-not-documented",
        [mbx("X", "smtp:x@mail.army.mil")],
        {"authorized_forwarding_domains": DOD},
        OPEN,
        ["X"],
    ),
    ("case-and-dot", [mbx("X", "smtp:x@ARMY.MIL.")], {"authorized_forwarding_domains": DOD}, NAF, []),
    ("undocumented", [JANE, BOB], {"authorized_forwarding_domains": DOD}, OPEN, ["Bob Roe"]),
    ("suffix-trick", [mbx("X", "smtp:x@evilarmy.mil")], {"authorized_forwarding_domains": DOD}, OPEN, ["X"]),
    (
        "edsp-says-unused",
        [JANE],
        {"auto_forwarding_used": False, "authorized_forwarding_domains": DOD},
        OPEN,
        ["Jane Doe"],
    ),
    ("unfiltered-export", [mbx("Admin", None), JANE], {"authorized_forwarding_domains": DOD}, NAF, []),
]


@pytest.mark.parametrize(
    ("mailboxes", "settings", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE]
)
def test_decision_table(mailboxes, settings, status, failing):
    decision = decide(mailboxes, **settings)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing


def test_remote_domains_do_not_decide_but_are_shown():
    # Evaluate-STIG judges AutoForwardEnabled here; the STIG judges the forwarding domains against the EDSP.
    decision = decide([BOB], remote=[rd("Default", "*", False)], authorized_forwarding_domains=("gmail.com",))
    assert decision.status is NAF
    info = [v for v in decision.verdicts if v.ok is None]
    assert [(v.subject, v.reason) for v in info] == [
        ("gmail.com", 'the remote domain "Default" (DomainName *) applies; its AutoForwardEnabled is False')
    ]


def test_most_specific_remote_domain_applies():
    remote = [rd("Default", "*", False), rd("All Navy", "*.navy.mil", True), rd("Fleet", "fleet.navy.mil", False)]
    decision = decide([SAM, mbx("Ann", "smtp:ann@navy.mil")], remote=remote, authorized_forwarding_domains=DOD)
    info = {v.subject: v.reason for v in decision.verdicts if v.ok is None}
    assert info == {
        "fleet.navy.mil": 'the remote domain "Fleet" (DomainName fleet.navy.mil) applies; its AutoForwardEnabled is False',
        "navy.mil": 'the remote domain "All Navy" (DomainName *.navy.mil) applies; its AutoForwardEnabled is True',
    }


def test_no_remote_domain_matches_and_empty_remote_answer():
    decision = decide([BOB], remote=[], authorized_forwarding_domains=("gmail.com",))
    assert decision.status is NAF
    assert [v.reason for v in decision.verdicts if v.ok is None] == ["no remote domain matches this forwarding domain"]
    assert "Get-RemoteDomain returned no remote domains." in decision.notes


def test_texts():
    decision = decide([JANE, BOB], authorized_forwarding_domains=DOD)
    bob = decision.failing[0]
    assert (
        bob.reason
        == "bob.roe@contoso.mil forwards to bob@Gmail.COM; gmail.com is not documented in the EDSP (authorized_forwarding_domains)"
    )
    assert bob.fix == "Set-Mailbox -Identity 'contoso.mil/Users/Bob Roe' -ForwardingSmtpAddress $null"
    jane = next(v for v in decision.verdicts if v.subject == "Jane Doe")
    assert jane.reason == (
        "jane.doe@contoso.mil forwards to jane.doe@army.mil; army.mil is documented in the EDSP "
        "(authorized_forwarding_domains: army.mil)"
    )
    assert decision.summary == (
        '1 of 2 forwarding mailboxes does not have a forwarding domain documented in the EDSP: "Bob Roe".'
    )


def test_no_list_keeps_the_remote_domain_evidence():
    decision = decide([JANE])
    assert decision.status is NR
    assert "set authorized_forwarding_domains in the site settings" in decision.summary
    assert [v.subject for v in decision.verdicts] == ["Jane Doe", "army.mil"]


@pytest.mark.parametrize("forward", ["X500:/o=Contoso/cn=jane", "smtp:jane", ["smtp:a@b.mil"]])
def test_unreadable_forwarding_address_raises(forward):
    with pytest.raises(ValueError):
        decide([mbx("Jane Doe", forward)], authorized_forwarding_domains=DOD)


def test_null_auto_forward_on_the_applying_remote_domain_raises():
    with pytest.raises(ValueError):
        decide([JANE], remote=[rd("Army", "army.mil", None)], authorized_forwarding_domains=DOD)


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide([Record({"Name": "Jane", "ForwardingSmtpAddress": "smtp:j@army.mil"}, type_names=MAILBOX_TYPES)])


def test_tabulate_shows_remote_domains_then_forwarding_mailboxes():
    answers = Answers({FORWARDING_MAILBOXES: [JANE], REMOTE_DOMAINS: [rd("Default", "*", False)]})
    assert check.tabulate(answers) == [
        Table(("Name", "Identity", "DomainName", "AutoForwardEnabled"), (("Default", "Default", "*", "False"),)),
        Table(("Name", "ForwardingSmtpAddress"), (("Jane Doe", "smtp:jane.doe@army.mil"),)),
    ]


def test_shares_its_queries_with_the_sibling_rules():
    from cklauto.checks import ex13_mb_000015, ex13_mb_000145

    assert check.CHECK.queries == (ex13_mb_000015.CHECK.queries[0], ex13_mb_000145.CHECK.queries[0])


def test_settings():
    assert [(s.name, s.type.value, s.required) for s in check.CHECK.settings] == [
        ("authorized_forwarding_domains", "domains", False),
        ("auto_forwarding_used", "boolean", False),
    ]


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000150",
        "V-207296",
        ("SV-207296r615936_rule", "SV-207296r961128_rule"),
        ("SV-84621", "V-69999"),
    )

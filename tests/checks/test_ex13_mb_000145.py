"""EX13-MB-000145 (V-207295): a mailbox may forward only when the EDSP documents the account."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000145 as check
from cklauto.checks._forwarding import FORWARDING_MAILBOXES
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.model import Status
from tests.checks.org_helpers import MAILBOX_TYPES, assert_named_by_every_id

# Get-Mailbox as pypsrp receives it (exchange-objects.md §1.3, the 3G capture; §2.17): ForwardingSmtpAddress is a
# ProxyAddress string 'smtp:user@domain' or <Nil>; Identity a canonical name.
TYPES = MAILBOX_TYPES
NAF, OPEN, NR, NA = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED, Status.NOT_APPLICABLE


def mbx(name: str, forward: str | None, alias: str | None = None) -> Record:
    alias = alias or name.lower().replace(" ", ".")
    return Record(
        {
            "Name": name,
            "Identity": f"contoso.mil/Users/{name}",
            "Alias": alias,
            "PrimarySmtpAddress": f"{alias}@contoso.mil",
            "ForwardingSmtpAddress": forward,
            "ForwardingAddress": None,
            "DeliverToMailboxAndForward": False,
        },
        type_names=TYPES,
    )


def decide(*records: Record, **settings):
    return check.decide(
        Answers({FORWARDING_MAILBOXES: list(records)}, server="EX01", release="V2R3"), Settings(settings)
    )


JANE = mbx("Jane Doe", "smtp:jane.doe@army.mil")
BOB = mbx("Bob Roe", "SMTP:bob@gmail.com")

TABLE = [
    ("none-forward", [], {}, NAF, []),
    ("none-forward-list-given", [], {"authorized_forwarding_accounts": ("x@contoso.mil",)}, NAF, []),
    ("none-forward-unused", [], {"auto_forwarding_used": False}, NA, []),
    ("none-forward-used", [], {"auto_forwarding_used": True}, NAF, []),
    ("forward-no-list", [JANE], {}, NR, []),
    ("forward-used-no-list", [JANE], {"auto_forwarding_used": True}, NR, []),
    ("documented-by-address", [JANE], {"authorized_forwarding_accounts": ("jane.doe@contoso.mil",)}, NAF, []),
    ("documented-by-address-case", [JANE], {"authorized_forwarding_accounts": ("JANE.DOE@Contoso.MIL",)}, NAF, []),
    ("documented-by-smtp-prefix", [JANE], {"authorized_forwarding_accounts": ("smtp:jane.doe@contoso.mil",)}, NAF, []),
    ("documented-by-alias", [JANE], {"authorized_forwarding_accounts": ("jane.doe",)}, NAF, []),
    ("documented-by-identity", [JANE], {"authorized_forwarding_accounts": ("contoso.mil/Users/Jane Doe",)}, NAF, []),
    # A display name repeats across OUs: it does not identify the account.
    ("name-is-not-enough", [JANE], {"authorized_forwarding_accounts": ("Jane Doe",)}, OPEN, ["Jane Doe"]),
    ("one-undocumented", [JANE, BOB], {"authorized_forwarding_accounts": ("jane.doe@contoso.mil",)}, OPEN, ["Bob Roe"]),
    (
        "forwarding-target-is-not-the-account",
        [BOB],
        {"authorized_forwarding_accounts": ("bob@gmail.com",)},
        OPEN,
        ["Bob Roe"],
    ),
    (
        "edsp-says-unused",
        [JANE],
        {"auto_forwarding_used": False, "authorized_forwarding_accounts": ("jane.doe",)},
        OPEN,
        ["Jane Doe"],
    ),
    # An export made without the filter carries non-forwarding mailboxes: they are not about this rule.
    ("unfiltered-export", [mbx("Admin", None), JANE], {"authorized_forwarding_accounts": ("jane.doe",)}, NAF, []),
    ("unfiltered-export-none", [mbx("Admin", None)], {}, NAF, []),
]


@pytest.mark.parametrize(
    ("records", "settings", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE]
)
def test_decision_table(records, settings, status, failing):
    decision = decide(*records, **settings)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing


def test_the_first_page_is_not_the_organisation():
    # Evaluate-STIG reads 1,000 mailboxes; here the 1,001st forwarding mailbox decides the rule.
    records = [mbx(f"User {i:04d}", None) for i in range(1000)] + [mbx("Zed", "smtp:zed@gmail.com")]
    decision = decide(*records, authorized_forwarding_accounts=("jane.doe",))
    assert decision.status is OPEN
    assert [v.subject for v in decision.verdicts] == ["Zed"]


def test_query_asks_for_every_mailbox_with_a_server_side_filter():
    assert FORWARDING_MAILBOXES.command_line() == (
        "Get-Mailbox -ResultSize Unlimited -Filter 'ForwardingSmtpAddress -ne $null'"
    )
    assert check.CHECK.scope.value == "organization"


def test_texts():
    decision = decide(JANE, BOB, authorized_forwarding_accounts=("jane.doe@contoso.mil",))
    bob, jane = decision.verdicts
    assert jane.reason == (
        "jane.doe@contoso.mil forwards to jane.doe@army.mil; documented in the EDSP "
        "(authorized_forwarding_accounts: jane.doe@contoso.mil)"
    )
    assert (
        bob.reason
        == "bob.roe@contoso.mil forwards to bob@gmail.com and is not documented in the EDSP (authorized_forwarding_accounts)"
    )
    assert bob.fix == "Set-Mailbox -Identity 'contoso.mil/Users/Bob Roe' -ForwardingSmtpAddress $null"
    assert decision.summary == (
        '1 of 2 forwarding mailboxes does not have an authorisation documented in the EDSP: "Bob Roe".'
    )
    assert decision.notes[0].startswith("Every mailbox of the organisation was asked for (-ResultSize Unlimited)")


def test_no_list_names_the_setting_and_lists_the_mailboxes():
    decision = decide(JANE, BOB)
    assert decision.summary == (
        '2 mailboxes have a forwarding SMTP address ("Bob Roe", "Jane Doe"); which accounts the EDSP authorises is '
        "not known: set authorized_forwarding_accounts in the site settings."
    )
    assert [v.ok for v in decision.verdicts] == [None, None]
    assert decision.verdicts[0].reason == "bob.roe@contoso.mil forwards to bob@gmail.com; not compared with the EDSP"


def test_not_applicable_and_compliant_summaries():
    assert decide(auto_forwarding_used=False).summary.startswith(
        "The EDSP says email auto-forwarding is not used (auto_forwarding_used = false) and no mailbox"
    )
    assert decide().summary == (
        "No mailbox has a forwarding SMTP address, so none forwards without being documented in the EDSP."
    )
    unused = decide(JANE, auto_forwarding_used=False)
    assert unused.failing[0].reason == (
        "jane.doe@contoso.mil forwards to jane.doe@army.mil, but the EDSP says auto-forwarding is not used "
        "(auto_forwarding_used = false)"
    )


@pytest.mark.parametrize("forward", ["X500:/o=Contoso/cn=jane", "smtp:jane", "jane doe@army.mil", ["smtp:a@b.mil"], 5])
def test_unreadable_forwarding_address_raises(forward):
    with pytest.raises(ValueError):
        decide(mbx("Jane Doe", forward), authorized_forwarding_accounts=("jane.doe",))


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "Jane", "Identity": "contoso.mil/Users/Jane"}, type_names=TYPES))


def test_tabulate_shows_the_stig_columns():
    answers = Answers({FORWARDING_MAILBOXES: [JANE, BOB]})
    assert check.tabulate(answers) == [
        Table(
            ("Name", "ForwardingSmtpAddress"),
            (("Bob Roe", "SMTP:bob@gmail.com"), ("Jane Doe", "smtp:jane.doe@army.mil")),
        )
    ]


def test_settings():
    assert [(s.name, s.type.value, s.required) for s in check.CHECK.settings] == [
        ("authorized_forwarding_accounts", "strings", False),
        ("auto_forwarding_used", "boolean", False),
    ]


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000145",
        "V-207295",
        ("SV-207295r615936_rule", "SV-207295r961128_rule"),
        ("SV-84619", "V-69997"),
    )

"""EX13-MB-000105 (V-207287): Internet-facing Send connectors send through the EDSP's smart host."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000105 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings, Table
from cklauto.checks.ex13_mb_000120 import SEND_CONNECTORS
from cklauto.model import Status
from tests.checks.org_helpers import SEND_CONNECTOR_TYPES, assert_named_by_every_id

# Get-SendConnector shapes: exchange-objects.md §2.7 (HC19): SmartHosts and AddressSpaces are lists of strings
# ('[10.1.1.1]' or a host name; 'SMTP:*;1'), DNSRoutingEnabled a bool.
TYPES = SEND_CONNECTOR_TYPES
NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED


def sc(name: str, hosts=(), spaces=("SMTP:*;1",), dns=None) -> Record:
    return Record(
        {
            "Name": name,
            "Identity": name,
            "SmartHosts": list(hosts),
            "SmartHostsString": ",".join(hosts),
            "AddressSpaces": list(spaces),
            "DNSRoutingEnabled": (not hosts) if dns is None else dns,
            "TlsDomain": None,
        },
        type_names=TYPES,
    )


def decide(*records: Record, **settings):
    return check.decide(Answers({SEND_CONNECTORS: list(records)}, server="EX01", release="V2R3"), Settings(settings))


SMART = {"smart_hosts": ("10.1.1.25",)}
OUT_OK = sc("Outbound to Internet", ["[10.1.1.25]"])
OUT_DNS = sc("Outbound to Internet", [])
OUT_OTHER = sc("Outbound to Internet", ["relay.fabrikam.com"])
PARTNER_DNS = sc("To Partner", [], spaces=("SMTP:fabrikam.com;1",))
PARTNER_SMART = sc("To Partner", ["[10.1.1.25]"], spaces=("SMTP:fabrikam.com;1",))
O365 = sc(
    "Outbound to Office 365",
    ["contoso-mil.mail.protection.outlook.com"],
    spaces=("SMTP:contoso.mail.onmicrosoft.com;1",),
)

TABLE = [
    # Without internet_facing_send_connectors: SMTP:* connectors are Internet-facing.
    ("star-via-smart-host", [OUT_OK], SMART, NAF, [], []),
    ("star-dns-routing", [OUT_DNS], SMART, OPEN, ["Outbound to Internet"], []),
    ("star-dns-routing-no-settings", [OUT_DNS], {}, OPEN, ["Outbound to Internet"], []),
    ("star-other-host", [OUT_OTHER], SMART, OPEN, ["Outbound to Internet"], []),
    ("star-smart-host-but-dns-on", [sc("Out", ["[10.1.1.25]"], dns=True)], SMART, OPEN, ["Out"], []),
    ("star-empty-dns-off", [sc("Out", [], dns=False)], SMART, OPEN, ["Out"], []),
    ("star-smart-host-unknown", [OUT_OK], {}, NR, [], ["Outbound to Internet"]),
    ("star-host-name-listed", [OUT_OTHER], {"smart_hosts": ("Relay.Fabrikam.COM.",)}, NAF, [], []),
    ("one-of-two-hosts-unknown", [sc("Out", ["[10.1.1.25]", "[10.9.9.9]"])], SMART, OPEN, ["Out"], []),
    # A partner connector using DNS routing may or may not face the Internet: left for a person.
    ("partner-dns-unknown", [OUT_OK, PARTNER_DNS], SMART, NR, [], ["To Partner"]),
    ("partner-complies-anyway", [OUT_OK, PARTNER_SMART], SMART, NAF, [], []),
    ("partner-does-not-hide-a-finding", [OUT_DNS, PARTNER_DNS], SMART, OPEN, ["Outbound to Internet"], ["To Partner"]),
    ("hybrid-o365-not-star-unknown-host", [OUT_OK, O365], SMART, NR, [], ["Outbound to Office 365"]),
    # With the site's list.
    (
        "listed-ok",
        [OUT_OK, PARTNER_DNS],
        {**SMART, "internet_facing_send_connectors": ("Outbound to Internet",)},
        NAF,
        [],
        ["To Partner"],
    ),
    (
        "listed-partner-dns",
        [OUT_OK, PARTNER_DNS],
        {**SMART, "internet_facing_send_connectors": ("to partner",)},
        OPEN,
        ["To Partner"],
        ["Outbound to Internet"],
    ),
    (
        "listed-missing-name",
        [OUT_OK],
        {**SMART, "internet_facing_send_connectors": ("Outbound to Internet", "Outbound 2")},
        NR,
        [],
        [],
    ),
    (
        "listed-missing-but-open",
        [OUT_DNS],
        {**SMART, "internet_facing_send_connectors": ("Outbound to Internet", "Typo")},
        OPEN,
        ["Outbound to Internet"],
        [],
    ),
    ("listed-none", [OUT_DNS], {"internet_facing_send_connectors": ()}, NAF, [], ["Outbound to Internet"]),
    ("no-connectors", [], SMART, NAF, [], []),
]


@pytest.mark.parametrize(
    ("records", "settings", "status", "failing", "info"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE]
)
def test_decision_table(records, settings, status, failing, info):
    decision = decide(*records, **settings)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing
    assert [v.subject for v in decision.verdicts if v.ok is None] == info


def test_reasons_and_fix():
    decision = decide(
        OUT_DNS, sc("B", ["[10.1.1.25]"], dns=True), sc("C", ["[10.9.9.9]"]), sc("D", ["[10.1.1.25]"]), **SMART
    )
    reasons = {v.subject: v.reason for v in decision.verdicts}
    assert reasons == {
        "Outbound to Internet": "SmartHosts is empty; DNSRoutingEnabled is True: mail goes to the MX hosts directly",
        "B": "SmartHosts is {[10.1.1.25]} but DNSRoutingEnabled is True, so they are not used",
        "C": "SmartHosts holds 10.9.9.9, not a smart host the EDSP names (10.1.1.25)",
        "D": "SmartHosts is {[10.1.1.25]}, the EDSP's smart host; DNSRoutingEnabled is False",
    }
    fixes = {v.subject: v.fix for v in decision.failing}
    assert fixes["Outbound to Internet"] == (
        "Set-SendConnector -Identity 'Outbound to Internet' -SmartHosts '10.1.1.25' -DNSRoutingEnabled $false"
    )
    assert decision.summary == (
        "3 of 4 Send connectors do not have the EDSP's smart host (SmartHosts set, DNSRoutingEnabled False): "
        '"B", "C", "Outbound to Internet".'
    )


def test_without_smart_hosts_the_fix_keeps_the_stig_placeholder():
    decision = decide(OUT_DNS)
    assert decision.failing[0].fix == (
        "Set-SendConnector -Identity 'Outbound to Internet' -SmartHosts 'IP Address of Smart Host' -DNSRoutingEnabled $false"
    )


def test_summaries_name_the_missing_setting():
    assert decide(OUT_OK).summary == (
        '"Outbound to Internet" names a smart host, but which smart host the EDSP names is not known: set smart_hosts '
        "in the site settings."
    )
    assert decide(OUT_OK, PARTNER_DNS, **SMART).summary == (
        'Whether "To Partner" faces the Internet is not known, and it does not send through the EDSP\'s smart host: '
        "set internet_facing_send_connectors in the site settings."
    )
    typo = decide(OUT_OK, **SMART, internet_facing_send_connectors=("Outbound to Internet", "Outbund"))
    assert typo.summary == (
        'internet_facing_send_connectors names "Outbund", which no Send connector of this organisation carries; '
        "correct the site settings."
    )


def test_partner_info_line_says_why_it_is_not_judged():
    decision = decide(OUT_OK, PARTNER_DNS, **SMART)
    partner = next(v for v in decision.verdicts if v.subject == "To Partner")
    assert partner.reason == (
        "SmartHosts is empty; DNSRoutingEnabled is True: mail goes to the MX hosts directly; a finding only if it "
        "faces the Internet (it does not route SMTP:*)"
    )


def test_evaluate_stig_weakness_any_smart_host_is_not_enough():
    # Evaluate-STIG passes a connector with any SmartHosts entry; the STIG wants the Smart Host.
    assert decide(OUT_OTHER, **SMART).status is OPEN


@pytest.mark.parametrize(
    "record",
    [
        sc("A", ["relay host"]),
        sc("A", ["[10.1.1.25]"], spaces=("SMTP:*",)),
        # A lone string where Exchange sends a list.
        Record(
            {
                "Name": "A",
                "Identity": "A",
                "SmartHosts": "[10.1.1.25]",
                "AddressSpaces": ["SMTP:*;1"],
                "DNSRoutingEnabled": False,
            },
            TYPES,
        ),
        Record(
            {"Name": "A", "Identity": "A", "SmartHosts": [], "AddressSpaces": ["SMTP:*;1"], "DNSRoutingEnabled": None},
            TYPES,
        ),
    ],
)
def test_unreadable_values_raise(record):
    with pytest.raises(ValueError):
        decide(record, **SMART)


def test_bad_smart_hosts_setting_names_it():
    with pytest.raises(ValueError, match="smart_hosts"):
        decide(OUT_OK, smart_hosts=("relay host",))


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "A", "Identity": "A", "SmartHosts": []}, type_names=TYPES))


def test_tabulate_shows_the_stig_columns():
    answers = Answers({SEND_CONNECTORS: [OUT_OK, PARTNER_DNS]})
    assert check.tabulate(answers) == [
        Table(
            ("Name", "Identity", "SmartHosts"),
            (("Outbound to Internet", "Outbound to Internet", "{[10.1.1.25]}"), ("To Partner", "To Partner", "{}")),
        )
    ]


def test_settings():
    assert [(s.name, s.type.value, s.required) for s in check.CHECK.settings] == [
        ("internet_facing_send_connectors", "strings", False),
        ("smart_hosts", "strings", False),
    ]


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000105",
        "V-207287",
        ("SV-207287r615936_rule", "SV-207287r961101_rule"),
        ("SV-84603", "V-69981"),
    )


def test_hostile_names_and_hosts_are_shown_escaped():
    # A bidi override in a smart host name must not reach the finding details raw.
    decision = decide(sc("Out", ["relay\u202e.evil.com"]), **SMART)
    reason = decision.failing[0].reason
    assert "\u202e" not in reason and "\\u202E" in reason

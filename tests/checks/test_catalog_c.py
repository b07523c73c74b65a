"""The emulator's sample objects for the checks' cmdlets: shaped as Exchange sends them, and decided as intended.

A compliant sample server must pass every one of these checks and a non-compliant one must fail each of them, so
the demo and the end-to-end runs show both sides.  The objects go through the same Record the remoting layer builds.
"""

from __future__ import annotations

import importlib

import pytest

from cklauto.checks.api import Answers, Check, Query, Record, Settings
from cklauto.emulator import catalog
from cklauto.emulator.catalog.mailbox import opath_filter
from cklauto.model import Status

CHECKS = [
    importlib.import_module(f"cklauto.checks.ex13_mb_{number}")
    for number in ("000005", "000015", "000030", "000065", "000105", "000145", "000150")
    + ("000205", "000230", "000240", "000260", "000315", "000320")
]
# What a site with these samples would write in its settings file.
SITE = Settings(
    {
        "smart_hosts": ("10.1.1.25",),
        "enterprise_mail": False,
        "authorized_forwarding_accounts": ("jane.doe@contoso.mil",),
        "authorized_forwarding_domains": ("army.mil",),
    }
)
# Get-TransportConfig belongs to another family module; EX13-MB-000205 needs its MaxSendSize (default 10 MB, §2.5).
TRANSPORT_CONFIG = Record(
    {"Name": "Transport Settings", "Identity": "Transport Settings", "MaxSendSize": "10 MB (10,485,760 bytes)"},
    type_names=("Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportConfigContainer", "System.Object"),
)


def _answer(query: Query, objects: dict[str, list[dict]]) -> list[Record]:
    if query.cmdlet == "Get-TransportConfig":
        return [TRANSPORT_CONFIG]
    cmdlet = catalog.cmdlets()[query.cmdlet.lower()]
    found = objects[cmdlet.name]
    parameters = dict(query.parameters)
    if "Filter" in parameters:
        assert cmdlet.filter is not None
        found = [o for o in found if cmdlet.filter(str(parameters["Filter"]), o)]
    if cmdlet.recipient and parameters.get("ResultSize") != "Unlimited":
        found = found[:1000]
    return [Record(o, type_names=cmdlet.type_names) for o in found]


def _decide(check: Check, compliant: bool):
    objects = catalog.sample_objects("ex01.contoso.mil", compliant=compliant)
    answers = Answers({q: _answer(q, objects) for q in check.queries}, server="EX01", release="V2R3")
    return check.decide(answers, SITE)


@pytest.mark.parametrize("module", CHECKS, ids=[m.CHECK.stig_id for m in CHECKS])
def test_compliant_sample_passes(module):
    decision = _decide(module.CHECK, compliant=True)
    assert decision.status is Status.NOT_A_FINDING, decision.summary


@pytest.mark.parametrize("module", CHECKS, ids=[m.CHECK.stig_id for m in CHECKS])
def test_non_compliant_sample_fails(module):
    decision = _decide(module.CHECK, compliant=False)
    assert decision.status is Status.OPEN, decision.summary


@pytest.mark.parametrize(
    "name", ["get-adminauditlogconfig", "get-organizationconfig", "get-remotedomain", "get-mailbox"]
)
def test_type_names_end_in_system_object(name):
    # pypsrp builds an object only when <TN> includes System.Object (exchange-objects.md §1.1.9).
    cmdlet = catalog.cmdlets()[name]
    assert cmdlet.type_names[-1] == "System.Object"
    assert cmdlet.scope == "organization"


def test_remote_domain_takes_only_identity_on_premises():
    assert catalog.cmdlets()["get-remotedomain"].parameters == ("Identity",)


def test_mailbox_is_a_recipient_cmdlet_whose_forwarder_is_past_the_first_page():
    cmdlet = catalog.cmdlets()["get-mailbox"]
    assert cmdlet.recipient and "ResultSize" in cmdlet.parameters and "Filter" in cmdlet.parameters
    boxes = catalog.sample_objects("ex01.contoso.mil", compliant=False)["Get-Mailbox"]
    assert len(boxes) > 1000
    first_page = [b for b in boxes[:1000] if b["ForwardingSmtpAddress"] is not None]
    assert first_page == []


@pytest.mark.parametrize(
    ("text", "obj", "expected"),
    [
        ("ForwardingSmtpAddress -ne $null", {"ForwardingSmtpAddress": "smtp:a@b.mil"}, True),
        ("ForwardingSmtpAddress -ne $null", {"ForwardingSmtpAddress": None}, False),
        ("forwardingsmtpaddress -NE $NULL", {"ForwardingSmtpAddress": "smtp:a@b.mil"}, True),
        ("(ForwardingSmtpAddress -eq $null)", {"ForwardingSmtpAddress": None}, True),
        ("Name -eq 'Jane Doe'", {"Name": "jane doe"}, True),
        ("Name -ne 'Jane Doe'", {"Name": "jane doe"}, False),
        ("Name -eq 'O''Brien'", {"Name": "O'Brien"}, True),
        ('Name -eq "Jane"', {"Name": "Jane"}, True),
        ("Missing -eq $null", {"Name": "Jane"}, True),
    ],
)
def test_opath_filter(text, obj, expected):
    assert opath_filter(text, obj) is expected


@pytest.mark.parametrize(
    "text", ["{ForwardingSmtpAddress -ne $null}", "ForwardingSmtpAddress -like '*'", "", "A -eq $null -and B -eq $null"]
)
def test_opath_filter_refuses_what_it_does_not_understand(text):
    with pytest.raises(ValueError):
        opath_filter(text, {"ForwardingSmtpAddress": None})

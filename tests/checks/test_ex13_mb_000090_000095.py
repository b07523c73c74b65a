"""EX13-MB-000090 / EX13-MB-000095: the IMAP4 and POP3 back-end services' registry Start value (host rules)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000090 as imap
from cklauto.checks import ex13_mb_000095 as pop
from cklauto.checks.api import Endpoint, MissingProperty, Settings
from cklauto.model import Status
from tests.checks.host_support import answers, assert_stig_text

CHECKS = [
    (imap, "MSExchangeIMAP4BE", "MSExchangeIMAP4", "Microsoft Exchange IMAP4 Backend"),
    (pop, "MSExchangePOP3BE", "MSExchangePOP3", "Microsoft Exchange POP3 Backend"),
]


def decide(module, *records):
    return module.CHECK.decide(answers({module.CHECK.reads[0].query: list(records)}), Settings())


def key(name: str, start) -> dict:
    return {"Start": start, "PSChildName": name, "PSPath": f"Microsoft.PowerShell.Core\\Registry::...\\{name}"}


@pytest.mark.parametrize(("module", "service", "front", "display"), CHECKS)
def test_asks_the_stigs_key_on_the_host(module, service, front, display):
    (read,) = module.CHECK.reads
    assert read.query.endpoint is Endpoint.HOST and module.CHECK.needs_host and not module.CHECK.evidence_only
    assert read.query.command_line() == (
        f"Get-ItemProperty -Path HKLM:\\SYSTEM\\CurrentControlSet\\Services\\{service} -Name Start"
    )


@pytest.mark.parametrize(("module", "service", "front", "display"), CHECKS)
@pytest.mark.parametrize(
    ("start", "status", "shown"),
    [
        (4, Status.NOT_A_FINDING, "Start is 4 (Disabled)"),
        (3, Status.OPEN, "Start is 3 (Manual); expected 4 (Disabled)"),  # Exchange 2013's default
        (2, Status.OPEN, "Start is 2 (Automatic)"),
        (0, Status.OPEN, "Start is 0 (Boot)"),
        (5, Status.OPEN, "Start is 5 (not a start type Windows knows)"),
        ("4", Status.NOT_A_FINDING, "Start is 4 (Disabled)"),  # evidence that kept the number as text
    ],
)
def test_start_value(module, service, front, display, start, status, shown):
    decision = decide(module, key(service, start))
    assert decision.status is status
    (verdict,) = decision.verdicts
    assert verdict.subject == display and shown in verdict.reason
    if status is Status.OPEN:
        assert verdict.fix == f"Set-Service -Name {service} -StartupType Disabled"


@pytest.mark.parametrize(("module", "service", "front", "display"), CHECKS)
def test_a_disabled_front_end_never_passes_the_back_end(module, service, front, display):
    # Evaluate-STIG's Exchange 2016 module reads the front end; its 2019 module asks for "MSExchangeIMAPBE", which
    # does not exist, and silences the error.  Either way a running back end passes there; here it is Open.
    decision = decide(module, key(front, 4), key(service, 3))
    assert decision.status is Status.OPEN
    assert [v.ok for v in decision.verdicts] == [None, False] or [v.ok for v in decision.verdicts] == [False, None]
    only_front = decide(module, key(front, 4), key(service.replace("4BE", "BE").replace("3BE", "BE"), 4))
    assert only_front.status is Status.NOT_REVIEWED


@pytest.mark.parametrize(("module", "service", "front", "display"), CHECKS)
def test_key_name_in_any_case(module, service, front, display):
    assert decide(module, key(service.lower(), 4)).status is Status.NOT_A_FINDING


@pytest.mark.parametrize(("module", "service", "front", "display"), CHECKS)
def test_empty_answer_is_not_a_pass(module, service, front, display):
    decision = decide(module)
    assert decision.status is Status.NOT_REVIEWED and "cannot be told" in decision.summary


@pytest.mark.parametrize(("module", "service", "front", "display"), CHECKS)
@pytest.mark.parametrize("bad", [None, "Disabled", True, [4], 4.5])
def test_unreadable_start_raises(module, service, front, display, bad):
    with pytest.raises(ValueError):
        decide(module, key(service, bad))


@pytest.mark.parametrize(("module", "service", "front", "display"), CHECKS)
def test_missing_property_raises(module, service, front, display):
    with pytest.raises(MissingProperty):
        decide(module, {"PSChildName": service})
    with pytest.raises(MissingProperty):
        decide(module, {"Start": 4})


def test_tabulate_sorted_by_key():
    tables = imap.tabulate(
        answers({imap.CHECK.reads[0].query: [key("MSExchangeIMAP4BE", 3), key("MSExchangeIMAP4", 4)]})
    )
    assert tables[0].headers == ("PSChildName", "Start")
    assert tables[0].rows == (("MSExchangeIMAP4", "4"), ("MSExchangeIMAP4BE", "3"))


def test_ids_and_stig_text():
    assert_stig_text(
        imap,
        {
            "EX13-MB-000090",
            "V-207284",
            "SV-207284r615936_rule",
            "SV-207284r960963_rule",
            "SV-207284",
            "V-69975",
            "SV-84597",
            "SV-84597r1_rule",
        },
    )
    assert_stig_text(
        pop,
        {
            "EX13-MB-000095",
            "V-207285",
            "SV-207285r615936_rule",
            "SV-207285r960963_rule",
            "SV-207285",
            "V-69977",
            "SV-84599",
            "SV-84599r1_rule",
        },
    )

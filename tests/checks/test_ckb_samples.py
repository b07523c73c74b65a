"""The database and transport-config checks against the emulator's own sample objects, through the real frame.

What the demo will show: a compliant server (with the demo site's EDSP values, read through ``cklauto.site`` exactly
as a site file is) and one with findings, every rule rendered into finding details by ``cklauto.checks.frame``.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cklauto.checks import find_check, frame
from cklauto.checks.api import Answers, Record, Settings
from cklauto.emulator.catalog import cmdlets, mailbox_database, public_folder_database, sample_objects, transport_config
from cklauto.model import Status
from cklauto.site import validate_settings

NAF, OPEN, NR, NA = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED, Status.NOT_APPLICABLE

RULES = {
    # STIG ID: (status on the compliant server, status on the server with findings)
    "EX13-MB-000035": (NAF, OPEN),
    "EX13-MB-000135": (NAF, OPEN),
    "EX13-MB-000140": (NAF, OPEN),
    "EX13-MB-000155": (NAF, OPEN),
    "EX13-MB-000160": (NAF, OPEN),
    "EX13-MB-000165": (NAF, OPEN),
    "EX13-MB-000170": (NAF, OPEN),
    "EX13-MB-000125": (NA, OPEN),
    "EX13-MB-000130": (NA, OPEN),
    "EX13-MB-000280": (NA, OPEN),
    "EX13-MB-000345": (NA, OPEN),
    "EX13-MB-000215": (NAF, OPEN),
    "EX13-MB-000220": (NAF, OPEN),
    "EX13-MB-000255": (NAF, OPEN),
    "EX13-MB-000270": (NAF, OPEN),
}


def demo_site() -> dict:
    """The demo site's EDSP values, given in the families' SITE_SETTINGS, checked as a site file would be."""
    raw = {
        **mailbox_database.SITE_SETTINGS,
        **public_folder_database.SITE_SETTINGS,
        **transport_config.SITE_SETTINGS,
        "public_folders_used": False,
    }
    checks = [find_check(stig_id) for stig_id in RULES]
    return validate_settings(raw, checks, origin="demo site")


def answers_for(stig_id: str, *, compliant: bool) -> Answers:
    check = find_check(stig_id)
    assert check is not None
    objects = sample_objects("ex01.contoso.mil", compliant=compliant)
    records = {}
    for query in check.queries:
        cmdlet = cmdlets()[query.cmdlet.lower()]
        records[query] = [Record(o, type_names=cmdlet.type_names) for o in objects[query.cmdlet]]
    return Answers(records, server="ex01.contoso.mil", release="V2R3")


@pytest.mark.parametrize("compliant", [True, False], ids=["compliant", "findings"])
@pytest.mark.parametrize("stig_id", sorted(RULES))
def test_samples_decide_and_render(stig_id, compliant):
    check = find_check(stig_id)
    found = answers_for(stig_id, compliant=compliant)
    decision = check.decide(found, Settings(demo_site()))
    assert decision.status is RULES[stig_id][0 if compliant else 1], decision.summary
    evaluation = frame.Evaluation(
        check=check,
        decision=decision,
        answers=found,
        source=frame.Source("remote", "https://ex01.contoso.mil/PowerShell (configuration Microsoft.Exchange)"),
        checked_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        version="0.2.0",
        shown_id=check.ids.group_id,
        tables=tuple(check.tabulate(found)),
    )
    text = frame.compose_details(evaluation, "")
    assert text.startswith(f"cklauto 0.2.0 evaluated {stig_id} ({check.ids.group_id}) as {decision.status.value} ")
    assert f"Command (STIG): {check.stig_command}" in text
    assert f"Result: {decision.status.value}." in text
    if decision.status is OPEN:
        assert "Fix (Exchange Management Shell" in text
    assert frame.is_cklauto_details(text)


def test_demo_site_values_are_valid_site_settings():
    site = demo_site()
    assert site["prohibit_send_quota"] == 2 * 1024**3
    assert site["issue_warning_quota"] == 1945 * 1024**2
    assert site["public_folders_used"] is False


def test_sample_families_declare_their_cmdlets():
    for name in ("Get-MailboxDatabase", "Get-PublicFolderDatabase", "Get-TransportConfig"):
        cmdlet = cmdlets()[name.lower()]
        assert cmdlet.type_names[-1] == "System.Object"
    assert cmdlets()["get-mailboxdatabase"].server_property == "Servers"
    assert cmdlets()["get-publicfolderdatabase"].scope == "organization"
    assert cmdlets()["get-transportconfig"].scope == "organization"

"""The checks EX13-MB-000010/-000025/-000055/-000245/-000250/-000305/-000335/-000340/-003030 as a set.

* their rule identifiers, titles and severities against the DISA XCCDF of every release (skipped without
  ../shared/reference);
* the registry finds them by every ID form;
* each decides the emulator catalogue's compliant and non-compliant servers as intended, with the answers cut the way
  the declared query's parameters cut them, and the shared frame renders every decision within the field limit.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from typing import Any

import pytest

from cklauto.checks import (
    ex13_mb_000010,
    ex13_mb_000025,
    ex13_mb_000055,
    ex13_mb_000245,
    ex13_mb_000250,
    ex13_mb_000305,
    ex13_mb_000335,
    ex13_mb_000340,
    ex13_mb_003030,
    find_check,
)
from cklauto.checks.api import Answers, Check, Query, Record, Settings
from cklauto.checks.frame import MAX_FIELD_CHARS, Evaluation, Source, render_block, utf16_length
from cklauto.emulator import catalog
from cklauto.model import Status
from tests.conftest import require_reference

CHECKS = [
    ex13_mb_000010.CHECK,
    ex13_mb_000025.CHECK,
    ex13_mb_000055.CHECK,
    ex13_mb_000245.CHECK,
    ex13_mb_000250.CHECK,
    ex13_mb_000305.CHECK,
    ex13_mb_000335.CHECK,
    ex13_mb_000340.CHECK,
    ex13_mb_003030.CHECK,
]
XCCDF = "{http://checklists.nist.gov/xccdf/1.1}"


def _xccdf_rules() -> dict[str, dict[str, dict[str, Any]]]:
    """release -> Group ID -> {rule_id, stig_id, title, severity, legacy}."""
    folder = require_reference() / "xccdf"
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for release in ("V2R1", "V2R2", "V2R3"):
        path = folder / f"U_MS_Exchange_2013_Mailbox_STIG_{release}_Manual-xccdf.xml"
        groups: dict[str, dict[str, Any]] = {}
        for group in ET.parse(path).getroot().iter(f"{XCCDF}Group"):
            rule = group.find(f"{XCCDF}Rule")
            assert rule is not None
            groups[group.get("id", "")] = {
                "rule_id": rule.get("id"),
                "severity": rule.get("severity"),
                "stig_id": rule.findtext(f"{XCCDF}version"),
                "title": rule.findtext(f"{XCCDF}title"),
                "legacy": {i.text for i in rule.iter(f"{XCCDF}ident") if i.get("system") == "http://cyber.mil/legacy"},
            }
        found[release] = groups
    return found


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.stig_id)
def test_identifiers_match_every_release_of_the_xccdf(check: Check):
    releases = _xccdf_rules()
    for release, groups in releases.items():
        rule = groups[check.ids.group_id]
        assert rule["stig_id"] == check.stig_id, release
        assert rule["rule_id"] in check.ids.rule_ids, release
        assert rule["severity"] == check.severity, release
        assert rule["legacy"] == set(check.ids.legacy_ids), release
    assert releases["V2R3"][check.ids.group_id]["title"] == check.title
    assert set(check.ids.rule_ids) == {groups[check.ids.group_id]["rule_id"] for groups in releases.values()}


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.stig_id)
def test_the_registry_finds_every_id_form(check: Check):
    for name in check.ids.names():
        assert find_check(name) is check
        assert find_check(name.lower()) is check


# ---------------------------------------------------------------------------------------------------------------
# The catalogue's servers, decided and rendered


def _cut(query: Query, server: str, objects: list[dict[str, Any]]) -> list[Record]:
    """What the real cmdlet returns for ``query`` from a host's table: -Identity matches, task-populated values."""
    cmdlet = catalog.cmdlets()[query.cmdlet.lower()]
    parameters = dict(query.resolve(server).parameters)
    identity = parameters.get("Identity")
    found = []
    for obj in objects:
        if identity is not None and not any(
            str(obj.get(p, "")).lower() in (str(identity).lower(), str(identity).split(".")[0].lower())
            for p in cmdlet.identity_properties
        ):
            continue
        values = {k: v for k, v in obj.items() if not k.startswith("$")}
        if not parameters.get("Status"):
            values.update(dict.fromkeys(cmdlet.status_properties))
        found.append(Record(values, type_names=cmdlet.type_names))
    return found


def _answers(check: Check, server: str, compliant: bool, release: str) -> Answers:
    table = catalog.sample_objects(server, compliant=compliant)
    records = {read.query: _cut(read.query, server, table.get(read.query.cmdlet, [])) for read in check.reads}
    return Answers(records, server=server, release=release)


SITE = Settings(
    {
        "approved_certificate_issuers": ("OU=PKI, OU=DoD, O=U.S. Government, C=US",),
        "minimum_exchange_build": "15.0.1497.2",
    }
)
NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
EXPECTED = {
    # stig_id: (compliant server, non-compliant server), on a V2R3 checklist
    "EX13-MB-000010": (NAF, OPEN),
    "EX13-MB-000025": (NAF, OPEN),
    "EX13-MB-000055": (NAF, OPEN),
    "EX13-MB-000245": (NAF, NAF),
    "EX13-MB-000250": (NAF, OPEN),
    "EX13-MB-000305": (NAF, OPEN),
    "EX13-MB-000335": (NAF, OPEN),
    "EX13-MB-000340": (OPEN, OPEN),
    "EX13-MB-003030": (NAF, OPEN),
}


@pytest.mark.parametrize("server", ["EX01", "ex02.contoso.mil"])
@pytest.mark.parametrize("compliant", [True, False], ids=["compliant", "findings"])
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.stig_id)
def test_catalogue_servers_decide_and_render(check: Check, compliant: bool, server: str):
    answers = _answers(check, server, compliant, "V2R3")
    decision = check.decide(answers, SITE)
    assert decision.status is EXPECTED[check.stig_id][0 if compliant else 1]
    evaluation = Evaluation(
        check=check,
        decision=decision,
        answers=answers,
        source=Source("remote", f"https://{server}:443/PowerShell (configuration Microsoft.Exchange)"),
        checked_at=datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc),
        version="0.2.0",
        shown_id=check.ids.group_id,
        tables=tuple(check.tabulate(answers)),
    )
    block = render_block(evaluation)
    assert utf16_length(block) < MAX_FIELD_CHARS
    assert f"Result: {decision.status.value}. " in block
    assert f"evaluated {check.stig_id} ({check.ids.group_id}) as {decision.status.value}" in block
    assert all(v.subject for v in decision.verdicts)


def test_the_version_rule_reads_the_older_release_text_with_the_site_build():
    check = ex13_mb_000340.CHECK
    assert check.decide(_answers(check, "EX01", True, "V2R2"), SITE).status is NAF
    assert check.decide(_answers(check, "EX01", False, "V2R1"), SITE).status is OPEN


def test_the_error_reporting_rule_never_passes_without_status():
    # The catalogue's Get-ExchangeServer leaves ErrorReportingEnabled $null unless -Status is asked.
    without = Query("Get-ExchangeServer", ex13_mb_000055.EXCHANGE_SERVER_STATUS.parameters[:1])
    records = _cut(without, "EX01", catalog.sample_objects("EX01")["Get-ExchangeServer"])
    answers = Answers({ex13_mb_000055.EXCHANGE_SERVER_STATUS: records}, server="EX01", release="V2R3")
    assert ex13_mb_000055.decide(answers, Settings()).status is Status.NOT_REVIEWED

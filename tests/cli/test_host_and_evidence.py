"""``cklauto run --host-checks`` and ``--collect-evidence`` end to end (issue 10): the real pypsrp client against the
emulated server's two endpoints, /PowerShell (Exchange) and /wsman (the Windows host)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cklauto.checks import find_check
from cklauto.checks.api import EXCHANGE_2013_MAILBOX
from cklauto.checks.frame import parse_details
from cklauto.cli import main
from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_rule
from tests.conftest import SAMPLES

USER, PASSWORD = "CONTOSO\\svc-stig", "host-and-evidence-password"
GOOD, BAD = "ex01.contoso.mil", "ex03.contoso.mil"
HOST_RULES = ("EX13-MB-000080", "EX13-MB-000085", "EX13-MB-000090", "EX13-MB-000095", "EX13-MB-000100")
#: Evidence-only rules read on the host, and one read on Exchange's endpoint only.
HOST_EVIDENCE, EXCHANGE_EVIDENCE = "EX13-MB-000300", "EX13-MB-000185"


@dataclass
class Lab:
    folder: Path
    emu: EmulatedExchange
    inventory: Path

    def checklist(self, host: str) -> Path:
        return self.folder / f"{host}.ckl"

    def invoke(self, *extra: str) -> Result:
        args = [
            "run",
            str(self.folder),
            "--inventory",
            str(self.inventory),
            "--auth",
            "basic",
            "--username",
            USER,
            "--ca-bundle",
            self.emu.ca_path,
            "--timeout",
            "20",
            *extra,
        ]
        return CliRunner().invoke(main, args, env={"CKLAUTO_PASSWORD": PASSWORD}, catch_exceptions=False)


def review(path: Path, stig_id: str):
    check = find_check(stig_id)
    assert check is not None
    return find_rule(open_checklist(path), EXCHANGE_2013_MAILBOX, check.ids.names()).review


def rules(*stig_ids: str) -> list[str]:
    return [arg for s in stig_ids for arg in ("--rule", s)]


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    folder = tmp_path / "checklists"
    folder.mkdir()
    for host in (GOOD, BAD):
        shutil.copyfile(SAMPLES / f"{host}.ckl", folder / f"{host}.ckl")
    hosts = [HostBehavior(GOOD, sample="compliant"), HostBehavior(BAD, sample="noncompliant")]
    with EmulatedExchange(hosts, tls=True, auth="basic", users={USER: PASSWORD}) as emu:
        # The emulator serves /wsman on the same port as /PowerShell: host_port says where the host's endpoint is.
        rows = ["host,server,port,host_port"] + [
            f"{h},127.0.0.1,{emu.port_of(h)},{emu.port_of(h)}" for h in (GOOD, BAD)
        ]
        inventory = tmp_path / "hosts.csv"
        inventory.write_text("\n".join(rows) + "\n", encoding="utf-8")
        yield Lab(folder, emu, inventory)


def test_host_rules_are_decided_from_the_hosts_own_endpoint(lab: Lab) -> None:
    result = lab.invoke("--host-checks", *rules(*HOST_RULES))
    assert result.exit_code == 0, result.output
    good = {s: review(lab.checklist(GOOD), s) for s in HOST_RULES}
    bad = {s: review(lab.checklist(BAD), s) for s in HOST_RULES}
    assert {s: r.status for s, r in good.items()} == {
        "EX13-MB-000080": Status.NOT_A_FINDING,  # the Logging folder is a partition of its own
        "EX13-MB-000085": Status.NOT_A_FINDING,
        "EX13-MB-000090": Status.NOT_A_FINDING,
        "EX13-MB-000095": Status.NOT_A_FINDING,
        "EX13-MB-000100": Status.NOT_REVIEWED,  # separate partitions never prove "dedicated"
    }
    assert all(r.status is Status.OPEN for r in bad.values())
    wsman = (
        f"https://127.0.0.1:{lab.emu.port_of(BAD)}/wsman (configuration Microsoft.PowerShell, the Windows host's own"
    )
    assert wsman in bad["EX13-MB-000090"].finding_details
    assert '[Open] "Microsoft Exchange IMAP4 Backend": Start is 3 (Manual)' in bad["EX13-MB-000090"].finding_details
    # EX13-MB-000100 read both endpoints, and names both.
    both = bad["EX13-MB-000100"].finding_details
    assert f"{lab.emu.port_of(BAD)}/PowerShell" in both and f"{lab.emu.port_of(BAD)}/wsman" in both
    assert "not decided" in result.output or "left" in result.output.lower()
    # One pool per endpoint per server: Exchange's and the host's.
    assert lab.emu.stats(BAD).pools_opened == 2
    # The host's pool ran plain Windows cmdlets, never a script and never the Exchange snap-in.
    commands = lab.emu.stats(BAD).commands
    assert "Add-PSSnapin" not in commands and "Get-Partition" in commands


def test_without_host_checks_host_rules_are_left_as_they_are(lab: Lab) -> None:
    before = lab.checklist(BAD).read_bytes()
    result = lab.invoke(*rules("EX13-MB-000090"), "--json")
    assert result.exit_code == 0, result.output
    assert lab.checklist(BAD).read_bytes() == before
    assert "--host-checks asks its own WinRM endpoint" in result.output
    assert lab.emu.stats(BAD).pools_opened == 0


def test_a_default_run_asks_neither_the_host_nor_writes_evidence(lab: Lab) -> None:
    result = lab.invoke(
        "--rule", "EX13-MB-000120", "--domain", "contoso.mil", "--report", str(lab.folder.parent / "r.csv")
    )
    assert result.exit_code == 0, result.output
    text = (lab.folder.parent / "r.csv").read_text(encoding="utf-8")
    assert "EX13-MB-000090" not in text and "EX13-MB-000300" not in text
    assert lab.emu.stats(GOOD).pools_opened == 1  # Exchange's endpoint only
    assert "Get-Service" not in lab.emu.stats(GOOD).commands


def test_host_endpoint_down_fails_only_the_host_rules(lab: Lab) -> None:
    behavior = lab.emu.behavior(BAD)
    behavior.fail, behavior.fail_on, behavior.fail_path = "drop", "Create", "/wsman"
    before = lab.checklist(BAD).read_bytes()
    result = lab.invoke("--host-checks", *rules("EX13-MB-000005", *HOST_RULES), "--json")
    assert result.exit_code == 1
    assert review(lab.checklist(BAD), "EX13-MB-000005").status is Status.OPEN  # Exchange's answer was written
    for stig_id in HOST_RULES:
        assert review(lab.checklist(BAD), stig_id).status is Status.NOT_REVIEWED
    assert lab.checklist(BAD).read_bytes() != before
    assert "closed the connection" in result.output
    # The other server's host answered.
    assert review(lab.checklist(GOOD), "EX13-MB-000085").status is Status.NOT_A_FINDING


def test_evidence_is_written_without_a_status_and_replaced_on_rerun(lab: Lab) -> None:
    result = lab.invoke("--collect-evidence", "--host-checks", *rules(HOST_EVIDENCE, EXCHANGE_EVIDENCE))
    assert result.exit_code == 0, result.output
    first = review(lab.checklist(BAD), HOST_EVIDENCE)
    assert first.status is Status.NOT_REVIEWED
    header = first.finding_details.split("\n")[0]
    assert header.startswith("cklauto ") and header.endswith(": evidence only, not evaluated")
    assert "MSExchangePOP3BE" in first.finding_details and "Spooler" in first.finding_details
    assert first.comments == ""
    connectors = review(lab.checklist(BAD), EXCHANGE_EVIDENCE)
    assert "evidence only, not evaluated" in connectors.finding_details and connectors.status is Status.NOT_REVIEWED
    # A person adds a note below; the server changes; a rerun replaces cklauto's block only.
    checklist = open_checklist(lab.checklist(BAD))
    rule = find_rule(checklist, EXCHANGE_2013_MAILBOX, find_check(HOST_EVIDENCE).ids.names())  # type: ignore[union-attr]
    checklist.with_review(rule, finding_details=first.finding_details + "\n\nReviewer: spooler is a finding.").save()
    lab.emu.behavior(BAD).objects = {
        "Get-Service": [
            {
                "Name": "W3SVC",
                "DisplayName": "World Wide Web Publishing Service",
                "Status": "Running",
                "StartType": "Automatic",
                "$types": ["System.ServiceProcess.ServiceController", "System.Object"],
            }
        ]
    }
    again = lab.invoke("--collect-evidence", "--host-checks", *rules(HOST_EVIDENCE))
    assert again.exit_code == 0, again.output
    second = review(lab.checklist(BAD), HOST_EVIDENCE)
    assert second.finding_details.count("evidence only, not evaluated") == 1
    assert "Spooler" not in parse_details(second.finding_details).block  # type: ignore[operator]
    assert second.finding_details.endswith("\n\nReviewer: spooler is a finding.")
    assert second.status is Status.NOT_REVIEWED


def test_a_persons_status_on_a_class_c_rule_is_never_touched(lab: Lab) -> None:
    checklist = open_checklist(lab.checklist(GOOD))
    rule = find_rule(checklist, EXCHANGE_2013_MAILBOX, find_check(EXCHANGE_EVIDENCE).ids.names())  # type: ignore[union-attr]
    checklist.with_review(rule, status=Status.NOT_A_FINDING, finding_details="Names reviewed with the ISSO.").save()
    before = lab.checklist(GOOD).read_bytes()
    result = lab.invoke("--collect-evidence", *rules(EXCHANGE_EVIDENCE))
    assert result.exit_code == 0, result.output
    assert lab.checklist(GOOD).read_bytes() == before  # left alone by default
    result = lab.invoke("--collect-evidence", "--overwrite-reviewed", *rules(EXCHANGE_EVIDENCE))
    assert result.exit_code == 0, result.output
    after = review(lab.checklist(GOOD), EXCHANGE_EVIDENCE)
    assert after.status is Status.NOT_A_FINDING  # even when asked to evaluate reviewed rules
    assert after.finding_details.endswith("\n\nNames reviewed with the ISSO.")
    assert "evidence only, not evaluated" in after.finding_details


def test_evidence_read_on_the_host_needs_host_checks(lab: Lab) -> None:
    result = lab.invoke("--collect-evidence", *rules(HOST_EVIDENCE, EXCHANGE_EVIDENCE), "--json")
    assert result.exit_code == 0, result.output
    assert review(lab.checklist(BAD), HOST_EVIDENCE).finding_details == ""
    assert "its evidence reads the Windows host; --host-checks" in result.output
    assert "evidence only" in review(lab.checklist(BAD), EXCHANGE_EVIDENCE).finding_details


def test_an_undecided_host_rule_gets_its_evidence_with_collect_evidence(lab: Lab) -> None:
    result = lab.invoke("--host-checks", "--collect-evidence", *rules("EX13-MB-000100"))
    assert result.exit_code == 0, result.output
    got = review(lab.checklist(GOOD), "EX13-MB-000100")
    assert got.status is Status.NOT_REVIEWED
    assert "evidence only, not evaluated" in got.finding_details.split("\n")[0]
    assert "which holds neither Windows nor Exchange" in got.finding_details


def test_a_bundle_with_the_hosts_answers_decides_host_rules(tmp_path: Path) -> None:
    import json

    from cklauto.checks import ex13_mb_000090

    folder = tmp_path / "checklists"
    folder.mkdir()
    shutil.copyfile(SAMPLES / f"{GOOD}.ckl", folder / f"{GOOD}.ckl")
    (query,) = [r.query for r in ex13_mb_000090.CHECK.reads]
    entry = {
        "command": query.cmdlet,
        "endpoint": "host",
        "parameters": dict(query.parameters),
        "completed": True,
        "errors": [],
        "warnings": [],
        "objects": [
            {
                "types": ["System.Management.Automation.PSCustomObject", "System.Object"],
                "properties": {"Start": 4, "PSChildName": "MSExchangeIMAP4BE"},
            }
        ],
    }
    bundle = {"cklauto_evidence": 1, "server": "EX01", "exported_at": "2026-11-28T09:14:03Z", "queries": [entry]}
    path = tmp_path / "ex01.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    args = ["run", str(folder), "--evidence", str(path), "--rule", "EX13-MB-000090"]
    left = CliRunner().invoke(main, args, catch_exceptions=False)
    assert left.exit_code == 0 and review(folder / f"{GOOD}.ckl", "EX13-MB-000090").status is Status.NOT_REVIEWED
    result = CliRunner().invoke(main, [*args, "--host-checks"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    got = review(folder / f"{GOOD}.ckl", "EX13-MB-000090")
    assert got.status is Status.NOT_A_FINDING and "Source: evidence bundle ex01.json" in got.finding_details

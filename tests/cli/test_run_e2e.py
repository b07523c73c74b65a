"""``cklauto run`` end to end: the real pypsrp client against the emulated Exchange endpoint."""

from __future__ import annotations

import base64
import csv
import json
import shutil
from pathlib import Path

import pytest

from cklauto.checks.ex13_mb_000120 import CHECK
from cklauto.checks.frame import is_cklauto_details
from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_target_rule
from tests.cli.conftest import DOMAIN, PASSWORD, USER, Site, write_inventory
from tests.conftest import REFERENCE


def review(path: Path):
    return find_target_rule(open_checklist(path)).review


def test_compliant_hosts_pass_and_the_noncompliant_one_is_open_naming_the_connector(site: Site) -> None:
    result = site.invoke(*site.base_args(str(site.folder)))
    assert result.exit_code == 0, result.output
    for host in ("ex01", "ex02", "ex04", "ex05", "ex06"):
        got = review(site.checklist(host))
        assert got.status is Status.NOT_A_FINDING, host
        assert is_cklauto_details(got.finding_details)
        assert "Get-SendConnector | Select Name, Identity, TlsDomain" in got.finding_details
    open_review = review(site.checklist("ex03"))
    assert open_review.status is Status.OPEN
    assert "Legacy Scan-to-Mail" in open_review.finding_details
    assert "Set-SendConnector -Identity 'Legacy Scan-to-Mail' -TlsDomain 'contoso.mil'" in open_review.finding_details
    assert f"https://127.0.0.1:{site.emu.port_of('ex03.contoso.mil')}/PowerShell" in open_review.finding_details
    assert "Totals (6 checklists): 5 NotAFinding, 1 Open" in result.output


def test_cklb_and_ckl_get_the_same_verdict_and_the_cklb_stays_minified(site: Site) -> None:
    site.invoke(*site.base_args(str(site.folder)))
    data = site.checklist("ex02").read_bytes()
    assert b"\n" not in data.replace(b"\\n", b"")
    doc = json.loads(data)
    rule = next(r for r in doc["stigs"][0]["rules"] if r["rule_version"] == "EX13-MB-000120")
    assert rule["status"] == "not_a_finding"


def test_only_the_target_rule_changes(site: Site) -> None:
    before = {p: open_checklist(p) for p in site.snapshot()}
    site.invoke(*site.base_args(str(site.folder)))
    for path, old in before.items():
        new = open_checklist(path)
        target = find_target_rule(old).position
        assert [r for r in old.rules() if r.position != target] == [r for r in new.rules() if r.position != target]
        assert new.asset == old.asset


def test_ntlm_with_message_encryption_over_http(tmp_path: Path, copy_of) -> None:
    from cklauto.emulator import EmulatedExchange, HostBehavior
    from tests.cli.conftest import COMPLIANT

    path = copy_of(Path("sample_ckl/ex01.contoso.mil.ckl").resolve())
    with EmulatedExchange(
        [HostBehavior("ex01.contoso.mil", connectors=COMPLIANT)], tls=False, auth="ntlm", users={USER: PASSWORD}
    ) as emu:
        from click.testing import CliRunner

        from cklauto.cli import main

        result = CliRunner().invoke(
            main,
            [
                "run",
                str(path),
                "--rule",
                "EX13-MB-000120",
                "--domain",
                DOMAIN,
                "--server",
                "127.0.0.1",
                "--port",
                str(emu.port_of("ex01.contoso.mil")),
                "--no-ssl",
                "--auth",
                "ntlm",
                "--username",
                USER,
            ],
            env={"CKLAUTO_PASSWORD": PASSWORD},
            catch_exceptions=False,
        )
    assert result.exit_code == 0, result.output
    assert review(path).status is Status.NOT_A_FINDING
    assert "HTTP with message encryption" in review(path).finding_details


FAILURES = {
    "unauthorized": "auth",
    "error_record": "Get-SendConnector",
    "nonterminating": "failed",
    "unknown_cmdlet": "Get-SendConnector",
    "stopped": "did not complete",
    "malformed": "",
    "html500": "500",
    "drop": "",
    "http503": "503",
}


@pytest.mark.parametrize("mode", list(FAILURES))
def test_every_failure_mode_leaves_the_checklist_byte_identical(site: Site, mode: str) -> None:
    site.emu.behavior("ex03.contoso.mil").fail = mode
    target = site.checklist("ex03")
    original = target.read_bytes()
    result = site.invoke(*site.base_args(str(target)))
    assert result.exit_code == 1, result.output
    assert target.read_bytes() == original
    error_line = next(
        line for line in result.output.splitlines() if line.startswith("  ") and "EX13-MB-000120: " in line
    )
    assert "ex03.contoso.mil" in result.output or "127.0.0.1" in error_line
    assert FAILURES[mode].lower() in error_line.lower()
    assert PASSWORD not in result.output


def test_wrong_password_is_an_auth_error_and_never_shows_the_password(site: Site) -> None:
    target = site.checklist("ex01")
    original = target.read_bytes()
    result = site.invoke("-vv", *site.base_args(str(target)), env={"CKLAUTO_PASSWORD": "wrong-" + PASSWORD})
    assert result.exit_code == 1
    assert "authenticat" in result.output.lower()
    assert PASSWORD not in result.output and "wrong-" not in result.output
    basic_header = base64.b64encode(f"{USER}:wrong-{PASSWORD}".encode()).decode()
    assert basic_header[:16] not in result.output and "Authorization" not in result.output
    assert "cklauto.remoting" in result.output  # -vv really was verbose
    assert target.read_bytes() == original


def test_untrusted_certificate_is_a_tls_error(site: Site) -> None:
    target = site.checklist("ex01")
    original = target.read_bytes()
    args = [a for a in site.base_args(str(target)) if a not in ("--ca-bundle", site.emu.ca_path)]
    result = site.invoke(*args)
    assert result.exit_code == 1
    assert "certificate" in result.output.lower() or "tls" in result.output.lower()
    assert target.read_bytes() == original


def test_hung_server_ends_within_the_deadline(site: Site) -> None:
    import time

    site.emu.behavior("ex01.contoso.mil").fail = "hang"
    target = site.checklist("ex01")
    original = target.read_bytes()
    args = site.base_args(str(target))
    args[args.index("--timeout") + 1] = "3"
    started = time.monotonic()
    result = site.invoke(*args)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert "within 3" in result.output or "timed out" in result.output.lower() or "timeout" in result.output.lower()
    assert elapsed < 3 + 5  # the deadline plus generous slack for a loaded machine
    assert target.read_bytes() == original


def test_dry_run_writes_nothing_and_shows_the_changes(site: Site) -> None:
    before = site.snapshot()
    result = site.invoke(*site.base_args(str(site.folder), "--dry-run"))
    assert result.exit_code == 0
    assert site.snapshot() == before
    assert "would change" in result.output and "Open" in result.output
    assert "Dry run: nothing was written." in result.output


def test_output_dir_keeps_originals_and_relative_paths(site: Site) -> None:
    nested = site.folder / "site-b"
    nested.mkdir()
    shutil.move(site.checklist("ex04"), nested)
    before = site.snapshot()
    out = site.tmp / "out"
    result = site.invoke(*site.base_args(str(site.folder), "--output-dir", str(out)))
    assert result.exit_code == 0, result.output
    assert site.snapshot() == before
    copied = out / "site-b" / "ex04.contoso.mil.cklb"
    assert copied.exists()
    assert review(copied).status is Status.NOT_A_FINDING
    assert review(out / "ex03.contoso.mil.ckl").status is Status.OPEN


def test_report_json_and_csv_have_one_row_per_checklist(site: Site) -> None:
    (site.folder / "broken.ckl").write_text("<CHECKLIST><ASSET>", encoding="utf-8")
    json_report = site.tmp / "review.json"
    result = site.invoke(*site.base_args(str(site.folder), "--report", str(json_report)))
    assert result.exit_code == 1
    doc = json.loads(json_report.read_text(encoding="utf-8"))
    rows = {Path(r["checklist"]).name: r for r in doc["checklists"]}
    assert len(rows) == 7
    assert rows["ex03.contoso.mil.ckl"]["status"] == "Open" and rows["ex03.contoso.mil.ckl"]["changed"] is True
    assert rows["ex03.contoso.mil.ckl"]["old_status"] == "Not_Reviewed"
    assert rows["ex03.contoso.mil.ckl"]["server"] == "127.0.0.1"
    assert "not well-formed" in rows["broken.ckl"]["error"]
    assert doc["totals"] == {"NotAFinding": 5, "Open": 1, "failed": 1}

    csv_report = site.tmp / "review.csv"
    site.invoke(*site.base_args(str(site.folder), "--report", str(csv_report)))
    with open(csv_report, newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 7
    assert {"checklist", "host", "server", "rule", "old_status", "status", "changed", "error"} <= set(table[0])
    ex03 = next(r for r in table if r["checklist"].endswith("ex03.contoso.mil.ckl"))
    assert ex03["status"] == "Open" and ex03["old_status"] == "Open" and ex03["changed"] == "false"
    assert PASSWORD not in csv_report.read_text(encoding="utf-8")


def test_exit_codes(site: Site) -> None:
    assert site.invoke(*site.base_args(str(site.checklist("ex01")))).exit_code == 0
    assert site.invoke(*site.base_args(str(site.checklist("ex03")), "--fail-on-open")).exit_code == 3
    assert site.invoke(*site.base_args(str(site.checklist("ex01")), "--fail-on-open")).exit_code == 0
    no_domain = [a for a in site.base_args(str(site.checklist("ex01"))) if a not in ("--domain", DOMAIN)]
    usage = site.invoke(*no_domain)
    assert usage.exit_code == 2 and "--domain" in usage.output
    assert site.invoke(*site.base_args(str(site.checklist("ex01")), "--domain", "not a domain!")).exit_code == 2
    certificate = site.invoke("run", str(site.checklist("ex01")), "--domain", DOMAIN, "--auth", "certificate")
    assert certificate.exit_code == 2 and "--cert-pem" in certificate.output
    site.emu.behavior("ex01.contoso.mil").fail = "unauthorized"
    assert site.invoke(*site.base_args(str(site.checklist("ex01")), "--fail-on-open")).exit_code == 1


def test_mixed_folder_skips_other_stigs_and_reports_broken_files(site: Site) -> None:
    other = REFERENCE / "ckl" / "sv2.17_RHEL9-V1R3_overrides_all-statuses.ckl"
    if not other.exists():
        pytest.skip(f"reference checklists not found at {REFERENCE}")
    shutil.copyfile(other, site.folder / "rhel9.ckl")
    (site.folder / "notes.ckl").write_bytes(b"\x00\x01binary")
    original_other = other.read_bytes()
    result = site.invoke(*site.base_args(str(site.folder), "--json"))
    doc = json.loads(result.output)
    rows = {Path(r["checklist"]).name: r for r in doc["checklists"]}
    assert rows["rhel9.ckl"]["outcome"] == "skipped"
    assert rows["notes.ckl"]["outcome"] == "error"
    assert result.exit_code == 1  # the broken file; the others were still written
    assert rows["ex03.contoso.mil.ckl"]["outcome"] == "written"
    assert (site.folder / "rhel9.ckl").read_bytes() == original_other


def test_one_connection_per_server_however_many_checklists(site: Site) -> None:
    shutil.copyfile(site.checklist("ex01"), site.folder / "ex01-copy.ckl")
    result = site.invoke(*site.base_args(str(site.folder)))
    assert result.exit_code == 0
    assert site.emu.stats("ex01.contoso.mil").pools_opened == 1
    assert review(site.folder / "ex01-copy.ckl").status is Status.NOT_A_FINDING


def test_per_org_asks_one_server_for_all_checklists_of_a_domain(site: Site) -> None:
    result = site.invoke(*site.base_args(str(site.folder), "--per-org"))
    assert result.exit_code == 0
    opened = sum(site.emu.stats(name).pools_opened for name in site.emu.host_names)
    assert opened == 1
    details = review(site.checklist("ex04")).finding_details
    assert "organisation-wide" in details


def test_inventory_errors_are_clear(site: Site) -> None:
    bad = site.tmp / "bad.csv"
    bad.write_text("hostname,server\nex01,127.0.0.1\n", encoding="utf-8")
    args = site.base_args(str(site.folder))
    args[args.index("--inventory") + 1] = str(bad)
    result = site.invoke(*args)
    assert result.exit_code == 1 and "no 'host' column" in result.output
    twice = site.tmp / "twice.csv"
    twice.write_text("host,server\nEX01,127.0.0.1\nex01.contoso.mil,127.0.0.1\n", encoding="utf-8")
    args = site.base_args(str(site.checklist("ex01")), "--json")
    args[args.index("--inventory") + 1] = str(twice)
    original = site.checklist("ex01").read_bytes()
    result = site.invoke(*args)
    rows = {Path(r["checklist"]).name: r for r in json.loads(result.output)["checklists"]}
    assert "matches several rows (lines 2, 3)" in rows["ex01.contoso.mil.ckl"]["error"]
    assert result.exit_code == 1
    assert site.checklist("ex01").read_bytes() == original


def test_person_set_status_is_left_alone_unless_overwrite_reviewed(site: Site) -> None:
    target = site.checklist("ex01")
    checklist = open_checklist(target)
    rule = find_target_rule(checklist)
    checklist.with_review(
        rule, status=Status.OPEN, finding_details="Checked by hand on 2026-10-01 by J. Smith", comments="see ticket 42"
    ).save()
    original = target.read_bytes()
    skipped = site.invoke(*site.base_args(str(target), "--json"))
    assert skipped.exit_code == 0
    row = json.loads(skipped.output)["checklists"][0]
    assert row["outcome"] == "skipped" and "reviewed by a person (Open)" in row["note"]
    assert target.read_bytes() == original

    result = site.invoke(*site.base_args(str(target), "--overwrite-reviewed", "--json"))
    assert "replaced a status set by a person (Open)" in json.loads(result.output)["checklists"][0]["note"]
    new = review(target)
    assert new.status is Status.NOT_A_FINDING
    assert new.comments == "see ticket 42"
    assert new.finding_details.endswith("Checked by hand on 2026-10-01 by J. Smith")
    # A rerun replaces cklauto's own text and still carries the person's text once.
    site.invoke(*site.base_args(str(target)))
    again = review(target).finding_details
    assert again.count("Checked by hand") == 1 and again.count("cklauto ") >= 1
    assert is_cklauto_details(again)


def test_evidence_file_instead_of_a_connection(site: Site) -> None:
    evidence = site.tmp / "ex03.json"
    evidence.write_text(json.dumps([{"Name": "Relay", "Identity": "Relay", "TlsDomain": None}]), encoding="utf-8")
    target = site.checklist("ex01")
    result = site.invoke(
        "run", str(target), "--rule", "EX13-MB-000120", "--domain", DOMAIN, "--evidence", str(evidence)
    )
    assert result.exit_code == 0, result.output
    got = review(target)
    assert got.status is Status.OPEN
    assert "ex03.json" in got.finding_details and "SHA-256" in got.finding_details
    assert site.emu.stats("ex01.contoso.mil").pools_opened == 0


def test_password_on_the_command_line_warns(site: Site) -> None:
    result = site.invoke(
        *site.base_args(str(site.checklist("ex01")), "--password", PASSWORD), env={"CKLAUTO_PASSWORD": ""}
    )
    assert "Warning: --password is visible" in result.output
    assert result.output.count(PASSWORD) == 0


def test_inventory_domain_column_overrides(site: Site) -> None:
    inventory = write_inventory(site.tmp / "inv.csv", site.emu, ["ex01.contoso.mil"])
    inventory.write_text(
        inventory.read_text()
        .replace("host,server,port", "host,server,port,domain")
        .replace(f"{site.emu.port_of('ex01.contoso.mil')}\n", f"{site.emu.port_of('ex01.contoso.mil')},other.mil\n")
    )
    args = site.base_args(str(site.checklist("ex01")))
    args[args.index("--inventory") + 1] = str(inventory)
    result = site.invoke(*args)
    assert result.exit_code == 0, result.output
    assert review(site.checklist("ex01")).status is Status.OPEN  # contoso.mil connectors vs other.mil


def test_winrm_endpoint_with_the_exchange_snapin(site: Site) -> None:
    target = site.checklist("ex03")
    result = site.invoke(*site.base_args(str(target), "--endpoint", "winrm"))
    assert result.exit_code == 0, result.output
    got = review(target)
    assert got.status is Status.OPEN
    assert "/wsman" in got.finding_details
    assert "Add-PSSnapin" in site.emu.stats("ex03.contoso.mil").commands


EVIDENCE_DATA = Path(__file__).resolve().parents[1] / "evidence" / "data"


def test_clixml_evidence_through_the_cli(site: Site) -> None:
    sample = EVIDENCE_DATA / "export_clixml_ps51_utf16le.xml"
    target = site.checklist("ex02")
    result = site.invoke("run", str(target), "--rule", "EX13-MB-000120", "--domain", DOMAIN, "--evidence", str(sample))
    assert result.exit_code == 0, result.output
    got = review(target)
    assert got.status in (Status.OPEN, Status.NOT_A_FINDING)
    assert "CLIXML" in got.finding_details and sample.name in got.finding_details


def test_hostile_evidence_is_refused_and_the_checklist_kept(site: Site) -> None:
    target = site.checklist("ex02")
    original = target.read_bytes()
    result = site.invoke(
        "run",
        str(target),
        "--rule",
        "EX13-MB-000120",
        "--domain",
        DOMAIN,
        "--evidence",
        str(EVIDENCE_DATA / "doctype_xxe.xml"),
    )
    assert result.exit_code == 1
    assert "doctype_xxe.xml" in result.output
    assert target.read_bytes() == original


def test_multi_stig_checklist_changes_only_inside_the_exchange_stig(site: Site) -> None:
    target = site.checklist("ex06")
    original = target.read_bytes()
    exchange_starts = original.index(b"<iSTIG>", original.index(b"</iSTIG>"))  # .NET first, Exchange second
    result = site.invoke(*site.base_args(str(target)))
    assert result.exit_code == 0, result.output
    edited = target.read_bytes()
    assert edited[:exchange_starts] == original[:exchange_starts]
    assert review(target).status is Status.NOT_A_FINDING
    dotnet = open_checklist(target).stigs[0]
    assert dotnet.benchmark_id == "MS_Dot_Net_Framework"
    assert all(r.review.status is Status.NOT_REVIEWED for r in open_checklist(target).rules(dotnet))


def test_output_dir_keeps_the_folders_of_two_inputs_with_one_name(site: Site) -> None:
    other = site.tmp / "elsewhere"
    other.mkdir()
    twin = other / site.checklist("ex01").name
    shutil.copyfile(site.checklist("ex01"), twin)
    out = site.tmp / "out"
    result = site.invoke(*site.base_args(str(site.checklist("ex01")), str(twin), "--output-dir", str(out), "--json"))
    rows = json.loads(result.output)["checklists"]
    assert [r["outcome"] for r in rows] == ["written", "written"]
    assert result.exit_code == 0
    # Laid out relative to the folder both share (site.tmp), as the summary shows them.
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.ckl")) == [
        f"checklists/{twin.name}",
        f"elsewhere/{twin.name}",
    ]


def test_verbose_logs_one_line_per_host_and_step_without_secrets(site: Site) -> None:
    import re

    site.emu.behavior("ex01.contoso.mil").fail = "unauthorized"
    result = site.invoke(*site.base_args(str(site.checklist("ex01")), str(site.checklist("ex03")), "-v"))
    assert result.exit_code == 1
    port = site.emu.port_of("ex03.contoso.mil")
    ex03 = [re.sub(r"\d+\.\d s", "T s", line) for line in result.stderr.splitlines() if "ex03.contoso.mil: " in line]
    assert ex03 == [
        f"cklauto: ex03.contoso.mil: connect https://127.0.0.1:{port}/PowerShell (basic, {USER})",
        f"cklauto: ex03.contoso.mil: authenticate: session open as {USER} (T s)",
        "cklauto: ex03.contoso.mil: query Get-SendConnector: 2 object(s) (T s)",
        "cklauto: ex03.contoso.mil: decide ex03.contoso.mil.ckl: 1 Open",
        f"cklauto: ex03.contoso.mil: write {site.checklist('ex03')}: 1 rule(s)",
    ]
    ex01 = [line for line in result.stderr.splitlines() if "ex01.contoso.mil: " in line]
    assert ex01[-1].startswith("cklauto: ex01.contoso.mil: authenticate failed: 127.0.0.1: authentication failed")
    assert "Traceback" not in result.output and PASSWORD not in result.output


def test_progress_reports_every_host_and_ends_complete(site: Site) -> None:
    from cklauto import runner
    from cklauto.discover import expand_paths
    from cklauto.inventory import load_inventory
    from cklauto.remoting import ConnectionSettings

    calls: list[tuple[int, int]] = []
    options = runner.RunOptions(
        checks=(CHECK,),
        site={"internal_smtp_domain": (DOMAIN,)},
        connection=ConnectionSettings("", auth="basic", username=USER, password=PASSWORD, ca_bundle=site.emu.ca_path),
        inventory=load_inventory(site.inventory),
    )
    result = runner.run(
        expand_paths([site.folder]), options, on_progress=lambda done, total: calls.append((done, total))
    )
    assert result.exit_code() == 0
    assert calls[-1] == (6, 6)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_evaluate_stig_markers_are_kept_and_the_isso_is_told(site: Site) -> None:
    target = site.checklist("ex01")
    data = target.read_bytes()
    marker = b"<!--<Evaluate-STIG><version>1.2507.6</version></Evaluate-STIG>-->"
    declaration_end = data.index(b"?>") + 2
    target.write_bytes(data[:declaration_end] + b"\n" + marker + data[declaration_end:])
    result = site.invoke(*site.base_args(str(target), "--json"))
    row = json.loads(result.output)["checklists"][0]
    assert row["outcome"] == "written" and "Evaluate-STIG" in row["note"]
    assert marker in target.read_bytes()


def test_a_checklist_without_a_host_is_an_error_for_it_alone(site: Site) -> None:
    target = site.checklist("ex02")  # CKLB
    doc = json.loads(target.read_bytes())
    doc["target_data"]["host_name"] = ""
    doc["target_data"]["fqdn"] = ""
    target.write_bytes(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    original = target.read_bytes()
    result = site.invoke(*site.base_args(str(site.folder), "--json"))
    rows = {Path(r["checklist"]).name: r for r in json.loads(result.output)["checklists"]}
    assert "names no host" in rows[target.name]["error"]
    assert [r["outcome"] for name, r in rows.items() if name != target.name] == ["written"] * 5
    assert result.exit_code == 1
    assert target.read_bytes() == original


def test_a_hung_host_does_not_stall_the_others_beyond_its_deadline(site: Site) -> None:
    import time

    site.emu.behavior("ex02.contoso.mil").fail = "hang"
    for name in site.emu.host_names:
        site.emu.behavior(name).delay = 0.5
    args = site.base_args(str(site.folder), "--json", "--jobs", "8")
    args[args.index("--timeout") + 1] = "4"
    started = time.monotonic()
    result = site.invoke(*args)
    elapsed = time.monotonic() - started
    rows = {Path(r["checklist"]).name: r for r in json.loads(result.output)["checklists"]}
    assert rows["ex02.contoso.mil.cklb"]["outcome"] == "error" and "no answer" in rows["ex02.contoso.mil.cklb"]["error"]
    assert "Traceback" not in result.output
    assert sum(r["outcome"] == "written" for r in rows.values()) == 5
    assert elapsed < 4 + 5  # the hung host's deadline, not the sum of all hosts, plus slack


def test_progress_bar_shows_on_a_terminal(site: Site) -> None:
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "cklauto", *site.base_args(str(site.folder))],
            stdout=subprocess.PIPE,
            stderr=follower,
            env={**os.environ, "CKLAUTO_PASSWORD": PASSWORD},
            timeout=60,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0
    assert b"Checking hosts" in b"".join(chunks)
    assert b"Checking hosts" not in proc.stdout  # the table on stdout stays clean for pipes


def test_a_checklist_edited_while_its_server_is_asked_is_read_again(site: Site) -> None:
    import threading
    import time

    from cklauto import runner
    from cklauto.discover import expand_paths
    from cklauto.inventory import load_inventory
    from cklauto.remoting import ConnectionSettings

    site.emu.behavior("ex01.contoso.mil").delay = 1.5
    target = site.checklist("ex01")
    options = runner.RunOptions(
        checks=(CHECK,),
        site={"internal_smtp_domain": (DOMAIN,)},
        connection=ConnectionSettings("", auth="basic", username=USER, password=PASSWORD, ca_bundle=site.emu.ca_path),
        inventory=load_inventory(site.inventory),
        overwrite_reviewed=True,
    )
    results = []
    worker = threading.Thread(target=lambda: results.append(runner.run(expand_paths([target]), options)))
    worker.start()
    time.sleep(0.7)  # planned and asked; the answer is still on its way
    checklist = open_checklist(target)
    checklist.with_review(
        find_target_rule(checklist), status=Status.OPEN, finding_details="Hand check, J. Smith"
    ).save()
    worker.join(30)
    row = results[0].rows[0]
    assert row.outcome == "written" and row.old_status == "Open"
    assert "replaced a status set by a person (Open)" in row.note
    assert review(target).finding_details.endswith("Hand check, J. Smith")


def test_per_org_asks_another_server_when_the_first_cannot_be_reached(site: Site) -> None:
    site.emu.behavior("ex01.contoso.mil").fail = "drop"
    result = site.invoke(*site.base_args(str(site.folder), "--per-org", "--json"))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["checklists"]
    assert {r["outcome"] for r in rows} == {"written"}
    assert site.emu.stats("ex02.contoso.mil").pools_opened == 1
    assert "answered by 127.0.0.1" in review(site.checklist("ex01")).finding_details
    details = review(site.checklist("ex04")).finding_details
    assert f":{site.emu.port_of('ex02.contoso.mil')}/PowerShell" in details


def test_per_org_does_not_hide_a_powershell_error_behind_another_server(site: Site) -> None:
    site.emu.behavior("ex01.contoso.mil").fail = "error_record"
    result = site.invoke(*site.base_args(str(site.folder), "--per-org", "--json"))
    rows = json.loads(result.output)["checklists"]
    assert result.exit_code == 1
    assert all(r["outcome"] == "error" and "Get-SendConnector failed" in r["error"] for r in rows)
    assert site.emu.stats("ex02.contoso.mil").pools_opened == 0


def test_insecure_is_recorded_in_the_finding_details(site: Site) -> None:
    args = [
        a
        for a in site.base_args(str(site.checklist("ex01")), "--insecure")
        if a not in ("--ca-bundle", site.emu.ca_path)
    ]
    result = site.invoke(*args)
    assert result.exit_code == 0, result.output
    assert "WARNING: --insecure" in result.output
    assert "TLS certificate NOT verified (--insecure)" in review(site.checklist("ex01")).finding_details


def test_a_bad_domain_in_the_inventory_is_a_clear_error(site: Site) -> None:
    bad = site.tmp / "bad-domain.csv"
    bad.write_text("host,server,domain\nex01.contoso.mil,127.0.0.1,not a domain!\n", encoding="utf-8")
    args = site.base_args(str(site.checklist("ex01")))
    args[args.index("--inventory") + 1] = str(bad)
    original = site.checklist("ex01").read_bytes()
    result = site.invoke(*args)
    assert result.exit_code == 1
    assert f"{bad}: line 2:" in result.output and "Traceback" not in result.output
    assert site.checklist("ex01").read_bytes() == original


def test_an_inventory_with_a_sites_own_columns_works_and_warns_once(site: Site) -> None:
    port = site.emu.port_of("ex01.contoso.mil")
    inventory = site.tmp / "with-notes.csv"
    inventory.write_text(
        f'host,Owner,server,port,notes\nex01.contoso.mil,J. Smith,127.0.0.1,{port},"rack 4, row B"\n'
        ",,,,spare line with a note only\n",
        encoding="utf-8",
    )
    args = site.base_args(str(site.checklist("ex01")))
    args[args.index("--inventory") + 1] = str(inventory)
    result = site.invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Warning: {inventory}: column(s) owner, notes ignored "
        "(cklauto reads host, server, port, domain, evidence, exchange_server, host_port)\n"
    )
    assert review(site.checklist("ex01")).status is Status.NOT_A_FINDING
    quiet = site.invoke(*args, "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""

"""The other commands (show, new, emulate, demo), help and version, and start-up weight."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from cklauto import __version__
from cklauto.cli import main
from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_target_rule
from tests.conftest import REFERENCE, REPO, SAMPLES

XCCDF = REFERENCE / "xccdf" / "U_MS_Exchange_2013_Mailbox_STIG_V2R3_Manual-xccdf.xml"
needs_xccdf = pytest.mark.skipif(not XCCDF.exists(), reason=f"DISA XCCDF not found at {XCCDF.parent}")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", [[], ["show"], ["new"], ["run"], ["emulate"], ["demo"]])
def test_every_command_has_help_with_examples(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    if command in ([], ["show"], ["new"], ["run"]):
        assert "Example" in result.output


def test_run_help_documents_exit_codes() -> None:
    output = invoke("run", "--help").output
    for code in ("0 ", "1 ", "2 ", "3 ", "130"):
        assert code in output


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_show_text_and_json() -> None:
    result = invoke("show", str(SAMPLES))
    assert result.exit_code == 0
    assert "    EX13-MB-000120  V-207290  SV-207290r961110_rule  Not_Reviewed\n" in result.output
    assert "    EX13-MB-000120  V-69987   SV-84609r1_rule        Not_Reviewed\n" in result.output
    entries = json.loads(invoke("show", str(SAMPLES), "--json").output)
    assert len(entries) == 6
    first = entries[0]
    assert first["format"] == "ckl" and first["fqdn"] == "ex01.contoso.mil"
    rules = {r["stig_id"]: r for r in first["rules"]}
    assert (
        rules["EX13-MB-000120"]["status"] == "Not_Reviewed"
        and first["stigs"][0]["id"] == "MS_Exchange_2013_Mailbox_STIG"
    )


def test_show_reports_broken_files_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cklb"
    bad.write_text("{not json", encoding="utf-8")
    result = invoke("show", str(bad), str(SAMPLES / "ex01.contoso.mil.ckl"))
    assert result.exit_code == 1
    assert "not valid JSON" in result.output and "ex01.contoso.mil.ckl" in result.output


@needs_xccdf
@pytest.mark.parametrize("fmt", ["ckl", "cklb"])
def test_new_creates_a_checklist_cklauto_can_then_fill(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"ex09.{fmt}"
    result = invoke(
        "new",
        "--xccdf",
        str(XCCDF),
        "--host",
        "EX09",
        "--fqdn",
        "ex09.contoso.mil",
        "--ip",
        "10.0.0.9",
        "--format",
        fmt,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    checklist = open_checklist(out)
    assert checklist.format == fmt
    assert checklist.asset.host_name == "EX09" and checklist.asset.fqdn == "ex09.contoso.mil"
    rule = find_target_rule(checklist)
    assert rule.rule_id == "SV-207290r961110_rule" and rule.review.status is Status.NOT_REVIEWED
    assert len(checklist.rules()) == 70
    if fmt == "ckl":
        schema = etree.XMLSchema(etree.parse(str(REFERENCE / "ckl" / "schema" / "U_Checklist_Schema_V2.xsd")))
        assert schema.validate(etree.parse(str(out))), schema.error_log
        assert out.read_bytes().startswith(
            b'<?xml version="1.0" encoding="UTF-8"?>\n<!--DISA STIG Viewer :: 2.17-->\n<CHECKLIST>'
        )


@needs_xccdf
def test_new_refuses_to_overwrite_and_reports_bad_input(tmp_path: Path) -> None:
    out = tmp_path / "ex09.ckl"
    out.write_text("precious", encoding="utf-8")
    result = invoke("new", "--xccdf", str(XCCDF), "--host", "EX09", "-o", str(out))
    assert result.exit_code == 1 and "already exists" in result.output
    assert out.read_text(encoding="utf-8") == "precious"
    broken = tmp_path / "broken.xml"
    broken.write_text("<Benchmark", encoding="utf-8")
    result = invoke("new", "--xccdf", str(broken), "--host", "EX09", "-o", str(tmp_path / "x.ckl"))
    assert result.exit_code == 1 and str(broken) in result.output and not (tmp_path / "x.ckl").exists()
    result = invoke("new", "--xccdf", str(XCCDF), "--host", "EX09", "-o", str(tmp_path / "x.txt"))
    assert result.exit_code == 2


def test_demo_runs_the_main_job_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = invoke("demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "cklauto run " in result.output and "--inventory" in result.output
    assert "Totals (6 checklists): " in result.output
    assert "Failures" not in result.output
    statuses = {p.name: find_target_rule(open_checklist(p)).review.status for p in (out / "checklists").iterdir()}
    assert statuses["ex03.contoso.mil.ckl"] is Status.OPEN
    assert sum(s is Status.NOT_A_FINDING for s in statuses.values()) == 5
    assert (out / "report.csv").exists()
    # The bundled samples themselves are never touched.
    assert all(find_target_rule(open_checklist(p)).review.status is Status.NOT_REVIEWED for p in SAMPLES.glob("*.ckl*"))


def test_emulate_serves_until_interrupted(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts.json"
    hosts.write_text(
        json.dumps(
            {
                "tls": True,
                "auth": "basic",
                "users": {"u": "p"},
                "hosts": [{"name": "ex01.contoso.mil", "connectors": []}],
            }
        ),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cklauto", "emulate", "--hosts", str(hosts)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("ex01.contoso.mil\thttps://") and "port=" in first
        assert proc.stdout.readline().startswith("ca\t")
    finally:
        proc.send_signal(2)
        proc.wait(timeout=15)
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = invoke("emulate", "--hosts", str(bad))
    assert result.exit_code == 1 and str(bad) in result.output


@pytest.mark.parametrize("args", [["--help"], ["show", str(SAMPLES)]], ids=["help", "show"])
def test_help_and_show_do_not_import_the_remoting_stack(args: list[str]) -> None:
    probe = (
        "import sys\nfrom cklauto.cli import main\n"
        "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pypsrp', 'cryptography', 'psrpcore', 'requests', 'spnego') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


def test_options_from_environment_variables(tmp_path: Path) -> None:
    import shutil

    checklist = tmp_path / "ex01.ckl"
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", checklist)
    evidence = tmp_path / "sc.json"
    evidence.write_text(
        json.dumps({"Name": "Relay", "Identity": "Relay", "TlsDomain": "contoso.mil"}), encoding="utf-8"
    )
    env = {"CKLAUTO_DOMAIN": "contoso.mil", "CKLAUTO_RUN_DRY_RUN": "1", "CKLAUTO_RUN_EVIDENCE": str(evidence)}
    result = CliRunner().invoke(
        main, ["run", str(checklist), "--rule", "EX13-MB-000120", "--json"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["dry_run"] is True and document["checklists"][0]["status"] == "NotAFinding"
    assert checklist.read_bytes() == (SAMPLES / "ex01.contoso.mil.ckl").read_bytes()

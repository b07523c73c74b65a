"""Who ran the query, where evidence came from, and evidence that goes to the checklist of its own server.

Through the CLI: a remote run names the account in the finding details; a bundle names when, where and by whom it was
exported; a bundle exported on another server is refused for a checklist (an error row: it would put one server's
answers into another server's audit record); a file that names no server, applied with --evidence to several hosts,
warns; and an empty Send connector export is answered with the command that exports "none" unambiguously.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cklauto.evidence_hygiene import same_server
from cklauto.formats import open_checklist
from cklauto.remoting import ConnectionSettings
from cklauto.remoting.account import CURRENT_TICKET, describe_account
from tests.isso.estate import PASSWORD, USER, Estate, estate_at

SEND_TYPES = [
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig",
    "Microsoft.Exchange.Data.Directory.ADObject",
    "System.Object",
]
RULE = "EX13-MB-000120"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    with estate_at(tmp_path_factory.mktemp("evidence")) as estate:
        yield estate


@pytest.fixture
def estate(shared: Estate, tmp_path: Path) -> Estate:
    """The shared emulator, with fresh copies of the samples for this test."""
    folder = tmp_path / "checklists"
    shutil.copytree(shared.folder, folder)
    return Estate(folder, shared.emu, shared.inventory, shared.site, tmp_path, shared.hosts)


def bundle(path: Path, server: str, *, tls: str | None = "contoso.mil") -> Path:
    document = {
        "cklauto_evidence": 1,
        "server": server,
        "exported_at": "2026-11-28T09:14:03Z",
        "exported_by": "CONTOSO\\exadmin",
        "generator": "cklauto collect-script 0.2.0",
        "queries": [
            {
                "command": "Get-SendConnector",
                "parameters": {},
                "completed": True,
                "errors": [],
                "warnings": [],
                "objects": [
                    {
                        "types": SEND_TYPES,
                        "properties": {"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": tls},
                    }
                ],
            }
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def details(path: Path) -> str:
    return next(r for r in open_checklist(path).rules() if r.rule_version == RULE).review.finding_details


def rows(result_output: str) -> dict[str, dict]:
    return {Path(r["checklist"]).name: r for r in json.loads(result_output)["checklists"]}


def run_evidence(estate: Estate, evidence: Path, *paths: Path, inventory: Path | None = None):
    args = ["run", *map(str, paths), "--rule", RULE, "--domain", "contoso.mil", "--json"]
    args += ["--evidence", str(evidence)] if inventory is None else ["--inventory", str(inventory)]
    return estate.invoke(*args)


# --------------------------------------------------------------------------------------------- who and where


def test_a_remote_run_names_the_account_that_asked(estate: Estate) -> None:
    ex01 = estate.checklist("EX01")
    result = estate.invoke(*estate.args(str(ex01), rule=RULE))
    assert result.exit_code == 0, result.output
    target_line = next(line for line in details(ex01).splitlines() if line.startswith("Target: "))
    port = estate.emu.port_of("ex01.contoso.mil")
    assert target_line.startswith(f"Target: https://127.0.0.1:{port}/PowerShell (configuration Microsoft.Exchange")
    assert target_line.endswith(f"; queried as {USER}")
    assert PASSWORD not in details(ex01)


def test_a_bundle_says_when_where_and_by_whom_it_was_exported(estate: Estate) -> None:
    ex01 = estate.checklist("EX01")
    evidence = bundle(estate.tmp / "ex01-evidence.json", "EX01")
    result = run_evidence(estate, evidence, ex01)
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256(evidence.read_bytes()).hexdigest()
    assert (
        f"Source: evidence bundle ex01-evidence.json (SHA-256 {digest}, exported 2026-11-28T09:14:03Z, on EX01, "
        "by CONTOSO\\exadmin)"
    ) in details(ex01)
    assert "Scope: the whole Exchange organisation (these objects are organisation-wide); answered by EX01" in details(
        ex01
    )


def test_certificate_and_ticket_accounts_are_named_without_secrets(tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "svc-stig"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Contoso")]
    )
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    settings = ConnectionSettings(
        "ex01.contoso.mil", auth="certificate", certificate_pem=pem, certificate_key_pem=key_pem
    )
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex().upper()
    assert describe_account(settings) == f"client certificate O=Contoso,CN=svc-stig (SHA-256 {fingerprint})"
    assert (
        describe_account(ConnectionSettings("ex01", auth="kerberos", username="svc@CONTOSO.MIL")) == "svc@CONTOSO.MIL"
    )
    # Without python-gssapi (or a ticket) the principal cannot be read: the details then say it was the ticket.
    ticket = describe_account(ConnectionSettings("ex01", auth="kerberos"))
    assert ticket == CURRENT_TICKET or ticket.endswith(" (Kerberos ticket)")
    assert "PRIVATE" not in describe_account(settings)


# ------------------------------------------------------------------------------------- evidence for its server


@pytest.mark.parametrize(
    ("exported_on", "name", "same"),
    [
        ("EX01", "ex01.contoso.mil", True),
        ("ex01.contoso.mil", "EX01", True),
        ("EX01.CONTOSO.MIL.", "ex01.contoso.mil", True),
        ("ex01", "EX01", True),
        ("EX02", "ex01.contoso.mil", False),
        ("ex01.fabrikam.mil", "ex01.contoso.mil", False),
        ("EX01", "ex010.contoso.mil", False),
        ("EX01", "", False),
    ],
)
def test_server_names_compare_as_an_admin_would(exported_on: str, name: str, same: bool) -> None:
    assert same_server(exported_on, name) is same


def test_a_bundle_from_another_server_is_refused_for_that_checklist(estate: Estate) -> None:
    ex01, ex02 = estate.checklist("EX01"), estate.checklist("EX02")
    before = ex01.read_bytes()
    evidence = bundle(estate.tmp / "ex02-evidence.json", "EX02")
    result = run_evidence(estate, evidence, ex01, ex02)
    assert result.exit_code == 1
    got = rows(result.stdout)
    assert got[ex02.name]["outcome"] == "written" and got[ex02.name]["status"] == "NotAFinding"
    refused = got[ex01.name]
    assert refused["outcome"] == "error"
    assert refused["error"] == (
        f"{evidence}: was exported on EX02, but {ex01} is the checklist of EX01 / ex01.contoso.mil; not used for it "
        "(give each checklist its own server's bundle (the inventory's evidence column maps one per host))"
    )
    assert ex01.read_bytes() == before


def test_a_bundle_is_matched_to_its_checklist_through_the_inventory(estate: Estate) -> None:
    ex01, ex02 = estate.checklist("EX01"), estate.checklist("EX02")
    bundle(estate.tmp / "ex01.json", "ex01.contoso.mil")
    bundle(estate.tmp / "ex02.json", "EX02", tls=None)  # EX02's Send connector does not require TLS
    inventory = estate.tmp / "evidence.csv"
    inventory.write_text("host,evidence\nEX01,ex01.json\nex02.contoso.mil,ex02.json\n", encoding="utf-8")
    result = run_evidence(estate, Path(), ex01, ex02, inventory=inventory)
    assert result.exit_code == 0, result.output
    got = rows(result.stdout)
    assert (got[ex01.name]["status"], got[ex02.name]["status"]) == ("NotAFinding", "Open")
    assert "Warning" not in result.stderr


def test_one_nameless_export_for_several_hosts_warns(estate: Estate) -> None:
    ex01, ex03 = estate.checklist("EX01"), estate.checklist("EX03")
    export = estate.tmp / "sendconnectors.json"
    export.write_text('[{"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"}]')
    result = run_evidence(estate, export, ex01, ex03)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Warning: {export}: names no server, yet --evidence applied it to the checklists of 2 hosts "
        "(ex01.contoso.mil, ex03.contoso.mil); its answers are right for them only if they share one Exchange "
        "organisation. To make this explicit, map evidence per host in the inventory's evidence column, or export "
        "each server with cklauto collect-script\n"
    )
    assert all("the evidence file names no server" in r["note"] for r in rows(result.stdout).values())


def test_no_warning_for_one_host_or_an_inventory_that_maps_the_file_per_host(estate: Estate) -> None:
    ex01, ex03 = estate.checklist("EX01"), estate.checklist("EX03")
    export = estate.tmp / "sendconnectors.json"
    export.write_text('[{"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"}]')
    alone = run_evidence(estate, export, ex01)
    assert alone.exit_code == 0 and alone.stderr == ""
    inventory = estate.tmp / "evidence.csv"
    inventory.write_text(f"host,evidence\nEX01,{export.name}\nEX03,{export.name}\n", encoding="utf-8")
    mapped = run_evidence(estate, Path(), ex01, ex03, inventory=inventory)
    assert mapped.exit_code == 0 and mapped.stderr == ""


# ---------------------------------------------------------------------------------------- no Send connectors


@pytest.mark.parametrize("content", ["", "\r\n", "null"])
def test_an_empty_export_is_refused_with_the_command_that_exports_none(estate: Estate, content: str) -> None:
    ex01 = estate.checklist("EX01")
    before = ex01.read_bytes()
    export = estate.tmp / "sendconnectors.json"
    export.write_text(content, encoding="utf-8")
    result = run_evidence(estate, export, ex01)
    assert result.exit_code == 1
    error = rows(result.stdout)[ex01.name]["error"]
    assert "is not evidence of zero Send connectors" in error
    assert (
        "if the organisation has no Send connectors, export with: ConvertTo-Json -InputObject @(Get-SendConnector | "
        "Select-Object Name, Identity, TlsDomain) | Set-Content -Encoding UTF8 <file>, which writes []"
    ) in error
    assert "Get-SendConnector | Select-Object Name, Identity, TlsDomain | ConvertTo-Json" not in error
    assert ex01.read_bytes() == before


def test_what_the_documented_command_writes_for_none_is_accepted(estate: Estate) -> None:
    ex01 = estate.checklist("EX01")
    export = estate.tmp / "sendconnectors.json"
    export.write_bytes(b"\xef\xbb\xbf[]\r\n")  # Windows PowerShell 5.1's Set-Content -Encoding UTF8: BOM and CRLF
    result = run_evidence(estate, export, ex01)
    assert result.exit_code == 0, result.output
    assert rows(result.stdout)[ex01.name]["status"] == "NotAFinding"

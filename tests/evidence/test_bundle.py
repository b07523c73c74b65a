"""Evidence bundles (cklauto collect-script's output): read strictly, every query on its own."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cklauto.bundle import load_evidence_set
from cklauto.checks.api import Endpoint, ResolvedQuery
from cklauto.cli import main
from cklauto.errors import CklautoError, EvidenceError
from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_target_rule
from tests.conftest import SAMPLES

SEND_TYPES = [
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig",
    "Microsoft.Exchange.Data.Directory.ADObject",
    "System.Object",
]
RECEIVE_TYPES = ["Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector", "System.Object"]


def connector(name: str, tls: str | None) -> dict:
    return {"types": SEND_TYPES, "properties": {"Name": name, "Identity": name, "TlsDomain": tls, "Port": 25}}


def query(command: str, objects: list, parameters: dict | None = None, **extra) -> dict:
    return {
        "command": command,
        "parameters": parameters or {},
        "completed": True,
        "errors": [],
        "warnings": [],
        "objects": objects,
        **extra,
    }


def bundle(*queries: dict, **extra) -> dict:
    return {
        "cklauto_evidence": 1,
        "server": "EX01",
        "exported_at": "2026-11-28T09:14:03Z",
        "exported_by": "CONTOSO\\admin",
        "generator": "cklauto collect-script 0.2.0",
        "queries": list(queries),
        **extra,
    }


def write(tmp_path: Path, document: dict | str, name: str = "ex01-evidence.json") -> Path:
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # Set-Content -Encoding UTF8 writes a BOM
    return path


SEND = ResolvedQuery("Get-SendConnector")
RECEIVE = ResolvedQuery("Get-ReceiveConnector", (("Server", "EX01"),))


def test_a_bundle_answers_each_query_it_holds(tmp_path):
    path = write(
        tmp_path,
        bundle(
            query("Get-SendConnector", [connector("A", "contoso.mil"), connector("B", None)]),
            query(
                "Get-ReceiveConnector",
                [{"types": RECEIVE_TYPES, "properties": {"Name": "Default EX01", "Bindings": ["0.0.0.0:2525"]}}],
                {"Server": "ex01"},
            ),
        ),
    )
    evidence = load_evidence_set(path)
    send = evidence.answer_for(SEND)
    assert [r["Name"] for r in send.records] == ["A", "B"] and send.records[1]["TlsDomain"] is None
    assert evidence.answer_for(RECEIVE).records[0]["bindings"] == ["0.0.0.0:2525"]  # parameters ignore case
    assert evidence.answer_for(ResolvedQuery("Get-TransportConfig")) is None
    assert evidence.server == "EX01"
    assert "exported 2026-11-28T09:14:03Z" in evidence.description and "on EX01" in evidence.description
    assert evidence.sha256 in evidence.description


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"cklauto_evidence": 1, "server": "EX01", "server": "EX02", "queries": []}', "appears twice"),
        ('{"cklauto_evidence": 1, "server": "EX01", "Server": "EX02", "queries": []}', "appears twice"),
        ('{"cklauto_evidence": 1, "server": "EX\\ud800", "queries": []}', "lone surrogate"),
        (
            '{"cklauto_evidence": 1, "server": "EX01", "queries": [{"command": "Get-SendConnector", "completed": true,'
            ' "objects": [{"types": [], "properties": {"Name": ["\\udc00"]}}]}]}',
            "lone surrogate",
        ),
        ('{"cklauto_evidence": 1, "server": "EX01", "queries": [], "n": ' + "9" * 5000 + "}", "usable"),
        ('{"cklauto_evidence": 1, "server": "EX01", "queries": [], "n": NaN}', "NaN"),
        ('{"cklauto_evidence": 2, "server": "EX01", "queries": []}', "version-1"),
        ('{"cklauto_evidence": 1, "server": "EX01"}', "queries"),
        ('{"cklauto_evidence": 1, "server": "", "queries": []}', "server"),
        ('{"cklauto_evidence": 1, "server": "EX01", "queries": [', "usable"),
    ],
)
def test_a_hostile_or_broken_bundle_is_refused_whole(tmp_path, text, message):
    with pytest.raises(EvidenceError, match=message) as caught:
        load_evidence_set(write(tmp_path, text))
    assert str(caught.value).startswith(str(tmp_path))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (query("Get-SendConnector", [connector("A", "x.mil")], completed=False), "did not complete"),
        (query("Get-SendConnector", [], errors=["Access is denied."]), "wrote an error: Access is denied."),
        (
            query("Get-SendConnector", [], warnings=["By default, only the first 1000 items are returned."]),
            "incomplete",
        ),
        (query("Get-SendConnector", [{"types": ["System.Diagnostics.Process"], "properties": {}}]), "not a"),
        (query("Get-SendConnector", [{"types": SEND_TYPES, "properties": {"Name": {"a": 1}}}]), "holds a dict"),
        (query("Get-SendConnector", None), "objects must be a list"),
    ],
)
def test_a_partial_or_odd_answer_fails_that_query_only(tmp_path, entry, message):
    good = query("Get-ReceiveConnector", [], {"Server": "EX01"})
    evidence = load_evidence_set(write(tmp_path, bundle(entry, good)))
    answer = evidence.answer_for(SEND)
    assert isinstance(answer, CklautoError)
    assert message in str(answer)
    assert not isinstance(evidence.answer_for(RECEIVE), CklautoError)


def test_warnings_that_do_not_say_the_answer_is_partial_are_kept(tmp_path):
    entry = query("Get-SendConnector", [connector("A", "contoso.mil")], warnings=["The cmdlet is deprecated."])
    answer = load_evidence_set(write(tmp_path, bundle(entry))).answer_for(SEND)
    assert answer.warnings == ("The cmdlet is deprecated.",)


def test_raw_bytes_travel_as_base64(tmp_path):
    cert = {
        "types": ["Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate"],
        "properties": {"RawData": {"$base64": "AAEC"}},
    }
    evidence = load_evidence_set(write(tmp_path, bundle(query("Get-ExchangeCertificate", [cert], {"Server": "EX01"}))))
    answer = evidence.answer_for(ResolvedQuery("Get-ExchangeCertificate", (("Server", "EX01"),)))
    assert answer.records[0]["RawData"] == b"\x00\x01\x02"


def test_the_old_single_send_connector_export_still_works(tmp_path):
    path = tmp_path / "sc.json"
    path.write_text('[{"Name":"A","Identity":"A","TlsDomain":"contoso.mil"}]', encoding="utf-8")
    evidence = load_evidence_set(path)
    assert [r["TlsDomain"] for r in evidence.answer_for(SEND).records] == ["contoso.mil"]
    assert evidence.answer_for(RECEIVE) is None


def test_run_from_a_bundle_writes_the_rule_and_names_the_evidence(tmp_path):
    checklist = tmp_path / "ex01.ckl"
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", checklist)
    path = write(tmp_path, bundle(query("Get-SendConnector", [connector("A", None)])))
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(checklist),
            "--rule",
            "EX13-MB-000120",
            "--domain",
            "contoso.mil",
            "--evidence",
            str(path),
            "--json",
        ],
        catch_exceptions=False,
    )
    rows = json.loads(result.output)["checklists"]
    assert result.exit_code == 0, result.output
    assert [r["outcome"] for r in rows] == ["written"]
    review = find_target_rule(open_checklist(checklist)).review
    assert review.status is Status.OPEN
    assert "Source: evidence bundle ex01-evidence.json (SHA-256 " in review.finding_details
    assert "on EX01, by CONTOSO\\admin)" in review.finding_details


# --- host queries (collect-script -HostChecks, issue 10) --------------------------------------------------------

HOST_START = ResolvedQuery(
    "Get-ItemProperty",
    (("Path", "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIMAP4BE"), ("Name", "Start")),
    endpoint=Endpoint.HOST,
)
CUSTOM_TYPES = ["System.Management.Automation.PSCustomObject", "System.Object"]


def _start_entry(**extra) -> dict:
    value = {"types": CUSTOM_TYPES, "properties": {"Start": 4, "PSChildName": "MSExchangeIMAP4BE"}}
    return query(
        "Get-ItemProperty",
        [value],
        {"Path": "HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIMAP4BE", "Name": "Start"},
        **extra,
    )


def test_a_host_answer_is_found_only_for_the_host_query(tmp_path):
    evidence = load_evidence_set(write(tmp_path, bundle(_start_entry(endpoint="host"))))
    answer = evidence.answer_for(HOST_START)
    assert answer is not None and not isinstance(answer, CklautoError)
    assert answer.records[0]["Start"] == 4
    # The same cmdlet and parameters asked on Exchange's endpoint are another question.
    assert evidence.answer_for(dataclasses.replace(HOST_START, endpoint=Endpoint.EXCHANGE)) is None


def test_a_host_type_in_an_entry_that_does_not_say_host_is_refused(tmp_path):
    evidence = load_evidence_set(write(tmp_path, bundle(_start_entry())))
    answer = evidence.answer_for(dataclasses.replace(HOST_START, endpoint=Endpoint.EXCHANGE))
    assert isinstance(answer, EvidenceError)
    assert "not an Exchange object" in answer.one_line()


def test_an_unknown_endpoint_is_refused(tmp_path):
    with pytest.raises(EvidenceError, match="endpoint must be exchange or host"):
        load_evidence_set(write(tmp_path, bundle(_start_entry(endpoint="ssh"))))

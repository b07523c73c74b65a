"""Offline evidence files: realistic PowerShell exports load; hostile or wrong files end in EvidenceError."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cklauto.errors import EvidenceError
from cklauto.evidence import MAX_BYTES, Evidence, load_evidence
from cklauto.model import SendConnector, Status

DATA = Path(__file__).parent / "data"
NS = 'Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"'


def triples(evidence: Evidence) -> list[tuple[str, str, str | None]]:
    return [(c.name, c.identity, c.tls_domain) for c in evidence.connectors]


# ---------------------------------------------------------------------------------------------------------------
# Realistic exports

GOOD = [
    (
        "ps51_list_utf16le.json",
        "json",
        "utf-16-le with BOM",
        [
            ("Outbound to Internet", "Outbound to Internet", None),
            ("To Partner Fabrikam", "To Partner Fabrikam", "fabrikam.com"),
            ("Internal Relay", "Internal Relay", "contoso.mil"),
        ],
    ),
    ("ps7_single.json", "json", "utf-8", [("Internal Relay", "Internal Relay", "contoso.mil")]),
    (
        "ps51_utf8bom.json",
        "json",
        "utf-8 with BOM",
        [("Zürich Relay", "Zürich Relay", "CONTOSO.MIL."), ("R&D <Lab>", "R&D <Lab>", "")],
    ),
    (
        "ps51_nested_utf16le.json",
        "json",
        "utf-16-le with BOM",
        [
            ("Internal Relay", "Internal Relay", "contoso.mil"),
            ("Subsidiaries", "Subsidiaries", "*.contoso.mil"),
            ("Outbound to Internet", "Outbound to Internet", None),
        ],
    ),
    (
        "ps51_value_count.json",
        "json",
        "utf-8",
        [("Internal Relay", "Internal Relay", "contoso.mil"), ("Outbound to Internet", "Outbound to Internet", None)],
    ),
    (
        "ps51_ansi_cp1252.json",
        "json",
        "cp1252",
        [("Zürich Relay", "Zürich Relay", "contoso.mil"), ("R&D <Lab>", "R&D <Lab>", "")],
    ),
    ("empty_list.json", "json", "utf-8", []),
    (
        "export_clixml_ps51_utf16le.xml",
        "clixml",
        "utf-16-le with BOM",
        [
            ("Outbound to Internet", "Outbound to Internet", None),
            ("Internal Relay", "Internal Relay", "contoso.mil"),
            ("To Partner Fabrikam", "To Partner Fabrikam", "fabrikam.com"),
        ],
    ),
    (
        "export_clixml_ps7_utf8.xml",
        "clixml",
        "utf-8",
        [
            ("Outbound to Internet", "Outbound to Internet", None),
            ("Internal Relay", "Internal Relay", "contoso.mil"),
            ("To Partner Fabrikam", "To Partner Fabrikam", "fabrikam.com"),
        ],
    ),
    (
        "export_clixml_live_objects.xml",
        "clixml",
        "utf-16-le with BOM",
        [("Subsidiaries", "Subsidiaries", "*.contoso.mil"), ("Internal Relay", "Internal Relay", "contoso.mil")],
    ),
    (
        "select_object_clixml.xml",
        "clixml",
        "utf-8",
        # CLIXML escapes a newline in a string as _x000A_; the deserializer restores it.
        [("To Partner", "To Partner", None), ("Internal\nRelay", "Internal Relay", "contoso.mil")],
    ),
    ("empty_clixml.xml", "clixml", "utf-16-le with BOM", []),
]


@pytest.mark.parametrize(("name", "fmt", "encoding", "expected"), GOOD, ids=[g[0] for g in GOOD])
def test_realistic_exports_load(name, fmt, encoding, expected):
    path = DATA / name
    evidence = load_evidence(path)
    assert triples(evidence) == expected
    assert evidence.format == fmt
    assert evidence.encoding == encoding
    assert evidence.path == str(path)
    assert evidence.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    for connector in evidence.connectors:
        # Plain str, not psrpcore's PSString, so nothing downstream sees PowerShell types.
        assert type(connector.name) is str and type(connector.identity) is str
        assert connector.tls_domain is None or type(connector.tls_domain) is str


def test_same_content_in_utf16_and_utf8_gives_same_connectors():
    a = load_evidence(DATA / "export_clixml_ps51_utf16le.xml")
    b = load_evidence(DATA / "export_clixml_ps7_utf8.xml")
    assert a.connectors == b.connectors
    assert a.sha256 != b.sha256  # the hash is of the raw bytes


def test_format_detected_by_content_not_extension(tmp_path):
    json_as_xml = tmp_path / "connectors.xml"
    shutil.copy(DATA / "ps7_single.json", json_as_xml)
    assert load_evidence(json_as_xml).format == "json"
    xml_as_json = tmp_path / "connectors.json"
    shutil.copy(DATA / "export_clixml_ps7_utf8.xml", xml_as_json)
    assert load_evidence(xml_as_json).format == "clixml"
    no_extension = tmp_path / "evidence"
    shutil.copy(DATA / "ps51_list_utf16le.json", no_extension)
    assert load_evidence(str(no_extension)).format == "json"


def test_description_names_file_and_full_hash():
    evidence = load_evidence(DATA / "ps7_single.json")
    assert evidence.description == f"evidence file ps7_single.json (JSON, SHA-256 {evidence.sha256})"


def test_evidence_feeds_the_decision():
    from cklauto.bundle import load_evidence_set
    from cklauto.checks import ex13_mb_000120 as check
    from cklauto.checks.api import Answers, ResolvedQuery, Settings

    evidence = load_evidence_set(DATA / "export_clixml_ps51_utf16le.xml")
    answer = evidence.answer_for(ResolvedQuery("Get-SendConnector"))
    answers = Answers({check.SEND_CONNECTORS: answer.records})
    decision = check.decide(answers, Settings({"internal_smtp_domain": ("contoso.mil",)}))
    assert decision.status is Status.OPEN
    assert [v.subject for v in decision.failing] == ["Outbound to Internet", "To Partner Fabrikam"]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", b""), ("utf-16-be", b"\xfe\xff"), ("utf-16-be", b""), ("utf-32-le", b"\xff\xfe\x00\x00")],
)
def test_other_unicode_encodings(tmp_path, encoding, bom):
    path = tmp_path / "sc.json"
    path.write_bytes(bom + '[{"Name":"A","Identity":"A","TlsDomain":"contoso.mil"}]'.encode(encoding))
    assert triples(load_evidence(path)) == [("A", "A", "contoso.mil")]


def test_pwsh_output_format_xml_marker_is_accepted(tmp_path):
    path = tmp_path / "out.clixml"
    path.write_text(
        "#< CLIXML\r\n"
        f'<Objs {NS}><Obj RefId="0"><MS><S N="Name">A</S><S N="Identity">A</S>'
        '<S N="TlsDomain">contoso.mil</S></MS></Obj>'
        '<S S="verbose">VERBOSE: reading connectors</S></Objs>',
        encoding="utf-8",
    )
    assert triples(load_evidence(path)) == [("A", "A", "contoso.mil")]


def test_xml_declaration_with_encoding_is_accepted(tmp_path):
    text = (DATA / "export_clixml_ps7_utf8.xml").read_text(encoding="utf-8")
    path = tmp_path / "decl.xml"
    path.write_bytes(b"\xff\xfe" + ('<?xml version="1.0" encoding="utf-16"?>\r\n' + text).encode("utf-16-le"))
    assert len(load_evidence(path).connectors) == 3


def test_json_property_names_are_case_insensitive(tmp_path):
    path = tmp_path / "sc.json"
    path.write_text('[{"name":"A","identity":"A","tlsdomain":"contoso.mil","PSComputerName":"ex01"}]')
    assert triples(load_evidence(path)) == [("A", "A", "contoso.mil")]


def test_missing_or_null_identity_falls_back_to_name(tmp_path):
    path = tmp_path / "sc.json"
    path.write_text('[{"Name":"A","TlsDomain":null},{"Name":"B","Identity":null,"TlsDomain":"x.mil"}]')
    assert triples(load_evidence(path)) == [("A", "A", None), ("B", "B", "x.mil")]


@pytest.mark.parametrize(
    ("tls", "expected"),
    [
        ({"Domain": "contoso.mil", "IncludeSubDomains": False}, "contoso.mil"),
        ({"Domain": "contoso.mil", "IncludeSubDomains": True}, "*.contoso.mil"),
        ({"Address": "contoso.mil"}, "contoso.mil"),
        ({"Address": "*.contoso.mil", "Domain": "contoso.mil"}, "*.contoso.mil"),
        ({"Domain": "*.contoso.mil", "IncludeSubDomains": True}, "*.contoso.mil"),
        ({"Domain": "*", "IsStar": True}, "*"),
    ],
)
def test_json_tls_domain_object_forms(tmp_path, tls, expected):
    path = tmp_path / "sc.json"
    path.write_text(json.dumps({"Name": "A", "Identity": "A", "TlsDomain": tls}))
    assert load_evidence(path).connectors == [SendConnector("A", "A", expected)]


# ---------------------------------------------------------------------------------------------------------------
# Hostile and wrong files: every one is an EvidenceError whose one-line message starts with the file's path.

BAD = [
    ("empty.json", "file is empty"),
    ("whitespace_only.json", "file is empty"),
    ("null.json", "JSON null"),
    ("other_json.json", "object 1 has no Name"),
    ("json_string.json", "not a Send connector export"),
    ("json_numbers.json", "object 1 is a number"),
    ("missing_name.json", "object 2 has no Name"),
    ("missing_tlsdomain.json", "has no TlsDomain property"),
    ("tlsdomain_number.json", "TlsDomain is a number"),
    ("nan.json", "not valid JSON"),
    ("truncated.json", "not valid JSON"),
    ("doctype_xxe.xml", "DOCTYPE"),
    ("entity_bomb.xml", "DOCTYPE"),
    ("undeclared_entity.xml", "not well-formed XML"),
    ("truncated.xml", "not well-formed XML"),
    ("not_clixml.xml", "not CLIXML"),
    ("clixml_missing_name.xml", "object 1 has no Name"),
    ("clixml_plain_string.xml", "plain value"),
    ("clixml_bad_ref.xml", "not valid CLIXML"),
    ("clixml_error_stream.xml", "recorded an error"),
    ("garbage.bin", "not a text file"),
    ("garbage_text.txt", "neither JSON nor CLIXML"),
]


def assert_evidence_error(path: str | Path, fragment: str) -> EvidenceError:
    with pytest.raises(EvidenceError) as info:
        load_evidence(path)
    error = info.value
    message = str(error)
    assert error.path == str(path)
    assert message.startswith(f"{path}: "), message
    assert fragment in message, message
    assert "\n" not in message and "\r" not in message
    return error


@pytest.mark.parametrize(("name", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_hostile_files_are_refused(name, fragment):
    assert_evidence_error(DATA / name, fragment)


def test_xxe_never_reads_the_target(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CANARY")
    for variant in (
        f'<!DOCTYPE Objs [<!ENTITY xxe SYSTEM "file://{secret}">]>',
        f'<!DOCTYPE Objs SYSTEM "file://{secret}">',
    ):
        path = tmp_path / "xxe.xml"
        path.write_text(
            variant + f'<Objs {NS}><Obj RefId="0"><MS><S N="Name">&xxe;</S><S N="Identity">x</S>'
            '<Nil N="TlsDomain" /></MS></Obj></Objs>'
        )
        error = assert_evidence_error(path, "DOCTYPE")
        assert "TOP-SECRET-CANARY" not in str(error)


def test_parameter_entity_and_utf16_doctype_refused(tmp_path):
    path = tmp_path / "pe.xml"
    text = f'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]><Objs {NS}/>'
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert_evidence_error(path, "DOCTYPE")


def test_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b"[" + b" " * MAX_BYTES + b"]")
    assert_evidence_error(path, "larger than 16 MiB")


def test_file_at_the_limit_is_read(tmp_path):
    path = tmp_path / "big.json"
    body = b'[{"Name":"A","Identity":"A","TlsDomain":"contoso.mil"}]'
    path.write_bytes(body + b" " * (MAX_BYTES - len(body)))
    assert len(load_evidence(path).connectors) == 1


def test_deeply_nested_json_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert_evidence_error(path, "nested too deeply")


def test_deeply_nested_xml_is_refused(tmp_path):
    path = tmp_path / "deep.xml"
    path.write_text(f"<Objs {NS}>" + "<Obj><LST>" * 300 + "</LST></Obj>" * 300 + "</Objs>")
    assert_evidence_error(path, "nested too deeply")


def test_missing_file(tmp_path):
    assert_evidence_error(tmp_path / "nope.json", "file not found")


def test_directory(tmp_path):
    assert_evidence_error(tmp_path, "is a directory")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.json"
    path.write_text("[]")
    path.chmod(0)
    assert_evidence_error(path, "permission denied")


def test_invalid_utf16_is_refused(tmp_path):
    path = tmp_path / "odd.json"
    path.write_bytes(b"\xff\xfe[\x00]")  # odd number of bytes after the BOM
    assert_evidence_error(path, "not valid UTF-16-LE text")


def test_clixml_error_record_object_is_refused(tmp_path):
    path = tmp_path / "err.xml"
    path.write_text(
        f'<Objs {NS}><Obj S="Error" RefId="0"><TN RefId="0"><T>System.Management.Automation.ErrorRecord</T>'
        "<T>System.Object</T></TN><ToString>Access is denied.</ToString>"
        '<MS><S N="Exception">Access is denied.</S></MS></Obj></Objs>'
    )
    with pytest.raises(EvidenceError) as info:
        load_evidence(path)
    assert str(info.value).startswith(f"{path}: ")


def test_clixml_tls_domain_of_wrong_type(tmp_path):
    path = tmp_path / "int.xml"
    path.write_text(
        f'<Objs {NS}><Obj RefId="0"><MS><S N="Name">A</S><S N="Identity">A</S>'
        '<I32 N="TlsDomain">42</I32></MS></Obj></Objs>'
    )
    assert_evidence_error(path, "TlsDomain is a")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_property_arbitrary_bytes_load_or_raise_evidence_error(tmp_path, data):
    path = tmp_path / "fuzz"
    path.write_bytes(data)
    try:
        evidence = load_evidence(path)
    except EvidenceError as exc:
        assert str(exc).startswith(f"{path}: ")
    else:
        assert all(isinstance(c, SendConnector) for c in evidence.connectors)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(sorted(p.name for p in DATA.iterdir() if not p.name.startswith("_"))),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=255),
)
def test_property_mutated_samples_load_or_raise_evidence_error(tmp_path, name, position, byte):
    raw = bytearray((DATA / name).read_bytes())
    if raw:
        raw[position % len(raw)] = byte
    path = tmp_path / "mutated"
    path.write_bytes(bytes(raw))
    try:
        load_evidence(path)
    except EvidenceError as exc:
        assert str(exc).startswith(f"{path}: ")

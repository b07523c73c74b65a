"""new_ckl / new_multi_ckl: valid against DISA's XSD and laid out byte for byte like STIG Viewer 2.17."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from cklauto.create import AssetSpec, load_benchmark, new_ckl, new_multi_ckl
from cklauto.errors import ConfigError
from cklauto.xccdf import parse_benchmark

from .create_helpers import RELEASES, counting_uuids, istig_to_xccdf, reference_file, reset_answers, xccdf_path

ASSET = AssetSpec(host_name="EXMBX01", fqdn="exmbx01.example.mil", ip="10.0.0.5")

# formats.md §1: what SV 2.17 writes for EX13-MB-000120 from the V2R3 XCCDF.
EXCHANGE_CHECK = (
    "Review the Email Domain Security Plan (EDSP). \n\nDetermine the internal SMTP Domain.\n\n"
    "Open the Exchange Management Shell and enter the following command:\n\n"
    "Get-SendConnector | Select Name, Identity, TlsDomain\n\n"
    "For each Send connector, if the value of TlsDomain is not set to the value of the internal "
    "<SMTP Domain>, this is a finding."
)
EXCHANGE_FIX = (
    "Open the Exchange Management Shell and enter the following command:\n\n"
    "Set-SendConnector -Identity <'IdentityName'> -TlsDomain <'SMTP Domain'>\n\n"
    "Note: The <IdentityName> and <SMTP Domain> values must be in quotes.\n\n"
    "Repeat the procedure for each Send connector."
)
STIG_REF = (
    "Microsoft Exchange 2013 Mailbox Server Security Technical Implementation Guide :: "
    "Version 2, Release: 3 Benchmark Date: 24 Jul 2024"
)


def stig_data(vuln) -> list[tuple[str, str]]:
    return [(sd.findtext("VULN_ATTRIBUTE"), sd.findtext("ATTRIBUTE_DATA") or "") for sd in vuln.iter("STIG_DATA")]


def find_vuln(root, vuln_num: str):
    matches = [v for v in root.iter("VULN") if dict(stig_data(v))["Vuln_Num"] == vuln_num]
    assert len(matches) == 1
    return matches[0]


@pytest.fixture(scope="module")
def v2r3_ckl(v2r3) -> bytes:
    return new_ckl(v2r3, ASSET, uuid_factory=counting_uuids())


# --- schema ------------------------------------------------------------------------------------


@pytest.mark.parametrize("release", RELEASES)
def test_every_release_validates_against_disa_xsd(release, ckl_schema):
    benchmark = load_benchmark(xccdf_path(release))
    root = etree.fromstring(new_ckl(benchmark, ASSET))
    assert ckl_schema.validate(root), ckl_schema.error_log
    vulns = root.findall("STIGS/iSTIG/VULN")
    assert len(vulns) == len(benchmark.rules) == 70
    assert [dict(stig_data(v))["Vuln_Num"] for v in vulns] == [r.group_id for r in benchmark.rules]
    assert {v.findtext("STATUS") for v in vulns} == {"Not_Reviewed"}


# --- SV 2.17 byte conventions ------------------------------------------------------------------


def test_prolog_is_exactly_stig_viewer_217(v2r3_ckl):
    assert v2r3_ckl.split(b"\n")[:3] == [
        b'<?xml version="1.0" encoding="UTF-8"?>',
        b"<!--DISA STIG Viewer :: 2.17-->",
        b"<CHECKLIST>",
    ]
    assert not v2r3_ckl.startswith(b"\xef\xbb\xbf")


def test_no_trailing_newline_no_self_closing_no_quote_entities(v2r3_ckl):
    assert v2r3_ckl.endswith(b"</CHECKLIST>")
    assert b"/>" not in v2r3_ckl
    assert b"&quot;" not in v2r3_ckl and b"&apos;" not in v2r3_ckl
    assert b"&#" not in v2r3_ckl and b"<![CDATA[" not in v2r3_ckl
    assert b"\r" not in v2r3_ckl
    # Only & < > are escaped.
    assert set(re.findall(rb"&\w+;", v2r3_ckl)) <= {b"&amp;", b"&lt;", b"&gt;"}


def test_tab_indentation_depths(v2r3_ckl):
    depth = {
        "ASSET": 1,
        "ROLE": 2,
        "TARGET_KEY": 2,
        "STIGS": 1,
        "iSTIG": 2,
        "STIG_INFO": 3,
        "SI_DATA": 4,
        "SID_NAME": 5,
        "SID_DATA": 5,
        "VULN": 3,
        "STIG_DATA": 4,
        "VULN_ATTRIBUTE": 5,
        "ATTRIBUTE_DATA": 5,
        "STATUS": 4,
        "FINDING_DETAILS": 4,
        "COMMENTS": 4,
        "SEVERITY_OVERRIDE": 4,
        "SEVERITY_JUSTIFICATION": 4,
    }
    # Text never holds a raw "<", so emptying every text leaves only the structural lines.
    skeleton = re.sub(r"<(\w+)>[^<]*</\1>", r"<\1></\1>", v2r3_ckl.decode("utf-8"))
    seen = set()
    for line in skeleton.split("\n")[2:]:
        match = re.fullmatch(r"(\t*)</?([A-Za-z_]+)>(?:</\2>)?", line)
        assert match, line
        assert len(match.group(1)) == depth.get(match.group(2), len(match.group(1))), line
        seen.add(match.group(2))
    assert set(depth) <= seen


def test_raw_utf8_not_character_references(v2r3):
    out = new_ckl(v2r3, AssetSpec(host_name="EXMBX01", comment="Büro “main” — naïve…"))
    assert "<TARGET_COMMENT>Büro “main” — naïve…</TARGET_COMMENT>".encode() in out


def test_host_with_markup_characters_is_escaped_like_stig_viewer(v2r3, ckl_schema):
    out = new_ckl(v2r3, AssetSpec(host_name="EX<&>\"'01"))
    assert b"<HOST_NAME>EX&lt;&amp;&gt;\"'01</HOST_NAME>" in out
    root = etree.fromstring(out)
    assert root.findtext("ASSET/HOST_NAME") == "EX<&>\"'01"
    assert ckl_schema.validate(root)


def test_asset_matches_skeleton(v2r3_ckl):
    asset = v2r3_ckl.split(b"\t<ASSET>\n", 1)[1].split(b"\t</ASSET>", 1)[0].decode()
    assert asset == (
        "\t\t<ROLE>Member Server</ROLE>\n\t\t<ASSET_TYPE>Computing</ASSET_TYPE>\n\t\t<MARKING>CUI</MARKING>\n"
        "\t\t<HOST_NAME>EXMBX01</HOST_NAME>\n\t\t<HOST_IP>10.0.0.5</HOST_IP>\n\t\t<HOST_MAC></HOST_MAC>\n"
        "\t\t<HOST_FQDN>exmbx01.example.mil</HOST_FQDN>\n\t\t<TARGET_COMMENT></TARGET_COMMENT>\n"
        "\t\t<TECH_AREA>Exchange Server</TECH_AREA>\n\t\t<TARGET_KEY>2923</TARGET_KEY>\n"
        "\t\t<WEB_OR_DATABASE>false</WEB_OR_DATABASE>\n\t\t<WEB_DB_SITE></WEB_DB_SITE>\n"
        "\t\t<WEB_DB_INSTANCE></WEB_DB_INSTANCE>\n"
    )


def test_several_ips_and_macs_are_one_per_line(v2r3, ckl_schema):
    out = new_ckl(
        v2r3,
        AssetSpec(
            host_name="EXMBX01", ip="10.1.11.12\n192.168.1.50, 172.16.0.23", mac="00:11:22:aa:bb:cc 00-11-22-AA-BB-CD"
        ),
    )
    assert b"<HOST_IP>10.1.11.12\n192.168.1.50\n172.16.0.23</HOST_IP>" in out
    assert b"<HOST_MAC>00:11:22:aa:bb:cc\n00-11-22-AA-BB-CD</HOST_MAC>" in out
    assert ckl_schema.validate(etree.fromstring(out))


# --- the Exchange rule ---------------------------------------------------------------------------


def test_exchange_rule_stig_data_is_exactly_what_sv217_writes(v2r3_ckl):
    root = etree.fromstring(v2r3_ckl)
    data = stig_data(find_vuln(root, "V-207290"))
    discussion = dict(data)["Vuln_Discuss"]
    assert discussion.startswith("The Simple Mail Transfer Protocol (SMTP) connector is used by Exchange")
    assert discussion.count("\n\n") == 2
    stig_uuid = dict(data)["STIG_UUID"]
    assert data == [
        ("Vuln_Num", "V-207290"),
        ("Severity", "medium"),
        ("Group_Title", "SRG-APP-000219"),
        ("Rule_ID", "SV-207290r961110_rule"),
        ("Rule_Ver", "EX13-MB-000120"),
        ("Rule_Title", "Exchange internal Send connectors must require encryption."),
        ("Vuln_Discuss", discussion),
        ("IA_Controls", ""),
        ("Check_Content", EXCHANGE_CHECK),
        ("Fix_Text", EXCHANGE_FIX),
        ("False_Positives", ""),
        ("False_Negatives", ""),
        ("Documentable", "false"),
        ("Mitigations", ""),
        ("Potential_Impact", ""),
        ("Third_Party_Tools", ""),
        ("Mitigation_Control", ""),
        ("Responsibility", ""),
        ("Security_Override_Guidance", ""),
        ("Check_Content_Ref", "M"),
        ("Weight", "10.0"),
        ("Class", "Unclass"),
        ("STIGRef", STIG_REF),
        ("TargetKey", "2923"),
        ("STIG_UUID", stig_uuid),
        ("LEGACY_ID", "V-69987"),
        ("LEGACY_ID", "SV-84609"),
        ("CCI_REF", "CCI-001184"),
    ]
    # STIG_INFO uuid is the first factory value, the VULNs' shared STIG_UUID the second.
    assert stig_uuid == "00000000-0000-4000-8000-000000000001"


def test_exchange_check_text_bytes(v2r3_ckl):
    expected = (
        b"\t\t\t\t\t<ATTRIBUTE_DATA>Review the Email Domain Security Plan (EDSP). \n\nDetermine the internal SMTP "
        b"Domain.\n\nOpen the Exchange Management Shell and enter the following command:\n\nGet-SendConnector | "
        b"Select Name, Identity, TlsDomain\n\nFor each Send connector, if the value of TlsDomain is not set to "
        b"the value of the internal &lt;SMTP Domain&gt;, this is a finding.</ATTRIBUTE_DATA>\n"
    )
    assert expected in v2r3_ckl


def test_rule_id_changes_between_releases():
    rule_ids = {}
    for release in RELEASES:
        root = etree.fromstring(new_ckl(load_benchmark(xccdf_path(release)), ASSET))
        rule_ids[release] = dict(stig_data(find_vuln(root, "V-207290")))["Rule_ID"]
    assert rule_ids == {
        "V2R1": "SV-207290r615936_rule",
        "V2R2": "SV-207290r615936_rule",
        "V2R3": "SV-207290r961110_rule",
    }


def test_stig_info_order_and_values(v2r3_ckl):
    root = etree.fromstring(v2r3_ckl)
    info = [
        (si.findtext("SID_NAME"), si.findtext("SID_DATA") if si.find("SID_DATA") is not None else None)
        for si in root.iter("SI_DATA")
    ]
    assert [name for name, _ in info] == [
        "version",
        "classification",
        "customname",
        "stigid",
        "description",
        "filename",
        "releaseinfo",
        "title",
        "uuid",
        "notice",
        "source",
    ]
    values = dict(info)
    assert values["customname"] is None  # written with no SID_DATA at all
    assert values["version"] == "2"
    assert values["classification"] == "UNCLASSIFIED"
    assert values["stigid"] == "MS_Exchange_2013_Mailbox_STIG"
    assert values["filename"] == "U_MS_Exchange_2013_Mailbox_STIG_V2R3_Manual-xccdf.xml"
    assert values["releaseinfo"] == "Release: 3 Benchmark Date: 24 Jul 2024"
    assert values["uuid"] == "00000000-0000-4000-8000-000000000000"
    assert values["notice"] == "terms-of-use"
    assert values["source"] == "STIG.DOD.MIL"


def test_benchmark_crs_are_normalised_in_ckl(v2r3, v2r3_ckl):
    # V-207289 has raw CR LF in the XCCDF; an XML parser (so SV 2) reads them as LF.
    assert any("\r" in r.check_content for r in v2r3.rules)
    data = dict(stig_data(find_vuln(etree.fromstring(v2r3_ckl), "V-207289")))
    rule = next(r for r in v2r3.rules if r.group_id == "V-207289")
    assert data["Check_Content"] == rule.check_content.replace("\r\n", "\n")


def test_deterministic_given_uuid_factory(v2r3):
    first = new_ckl(v2r3, ASSET, uuid_factory=counting_uuids())
    assert first == new_ckl(v2r3, ASSET, uuid_factory=counting_uuids())
    assert first != new_ckl(v2r3, ASSET)


# --- compared with real STIG Viewer files --------------------------------------------------------


def _regenerate(ckl_name: str) -> tuple[bytes, bytes]:
    """(what STIG Viewer wrote, answers reset; what new_multi_ckl writes from the same STIGs)."""
    raw = reference_file(f"ckl/{ckl_name}").read_bytes()
    root = etree.fromstring(raw)
    benchmarks, uuids = [], []
    for istig in root.iter("iSTIG"):
        xccdf, filename, istig_uuids = istig_to_xccdf(istig)
        benchmarks.append(parse_benchmark(xccdf, filename))
        uuids += istig_uuids
    asset = root.find("ASSET")
    spec = AssetSpec(
        host_name=asset.findtext("HOST_NAME") or "HOST",
        fqdn=asset.findtext("HOST_FQDN") or "",
        ip=asset.findtext("HOST_IP") or "",
        mac=asset.findtext("HOST_MAC") or "",
        role=asset.findtext("ROLE"),
        tech_area=asset.findtext("TECH_AREA") or "",
        marking=asset.findtext("MARKING"),
        comment=asset.findtext("TARGET_COMMENT") or "",
    )
    feed = iter(uuids)
    generated = new_multi_ckl(benchmarks, spec, uuid_factory=lambda: next(feed))
    expected = reset_answers(raw).replace(b"<HOST_NAME></HOST_NAME>", b"<HOST_NAME>HOST</HOST_NAME>")
    return expected, generated


@pytest.mark.parametrize(
    "ckl_name",
    [
        # 2.5 MB, three iSTIGs (AAA SRG, Tomcat 9, ASD): raw non-ASCII, &amp;quot; in text, LEGACY_ID order.
        "sv2.17_multi-stig_AAA-SRG_Tomcat9_ASD.ckl",
        "sv2.17_multiline-HOST_IP_asset-metadata.ckl",
    ],
)
def test_byte_identical_to_real_sv217_checklist(ckl_name):
    expected, generated = _regenerate(ckl_name)
    assert generated == expected


def test_byte_identical_to_real_sv214_checklist():
    # 2.14 writes the same layout as 2.17; only the comment line differs.
    expected, generated = _regenerate("sv2.14_RHEL8-V1R3_with-results.ckl")
    assert generated == expected.replace(b"DISA STIG Viewer :: 2.14", b"DISA STIG Viewer :: 2.17", 1)


def test_matches_rhel9_sample_apart_from_heimdall_edits():
    # Heimdall blanked STIG_UUID in three VULNs of this file after STIG Viewer saved it.
    expected, generated = _regenerate("sv2.17_RHEL9-V1R3_overrides_all-statuses.ckl")
    blank = b"<VULN_ATTRIBUTE>STIG_UUID</VULN_ATTRIBUTE>\n\t\t\t\t\t<ATTRIBUTE_DATA></ATTRIBUTE_DATA>"
    assert expected.count(blank) == 3
    filled = re.sub(
        rb"(<VULN_ATTRIBUTE>STIG_UUID</VULN_ATTRIBUTE>\n\t+<ATTRIBUTE_DATA>)[0-9a-f-]{36}(</ATTRIBUTE_DATA>)",
        rb"\1\2",
        generated,
    )
    assert filled == re.sub(
        rb"(<VULN_ATTRIBUTE>STIG_UUID</VULN_ATTRIBUTE>\n\t+<ATTRIBUTE_DATA>)[0-9a-f-]{36}(</ATTRIBUTE_DATA>)",
        rb"\1\2",
        expected,
    )


def _shape(root) -> list:
    """Element names in order for the ASSET, the STIG_INFO names and the first VULN."""
    asset = [child.tag for child in root.find("ASSET")]
    info = [si.findtext("SID_NAME") for si in root.find("STIGS/iSTIG/STIG_INFO")]
    vuln = root.find("STIGS/iSTIG/VULN")
    vuln_shape = [c.tag if c.tag != "STIG_DATA" else c.findtext("VULN_ATTRIBUTE") for c in vuln]
    return [asset, info, vuln_shape]


def test_same_shape_as_rhel9_sample(v2r3_ckl):
    sample = etree.parse(str(reference_file("ckl/sv2.17_RHEL9-V1R3_overrides_all-statuses.ckl"))).getroot()
    ours = _shape(etree.fromstring(v2r3_ckl))
    theirs = _shape(sample)
    assert ours[:2] == theirs[:2]
    # The sample's rule has no legacy ids (two empty LEGACY_ID); ours has two real ones: same shape.
    assert ours[2] == theirs[2]


# --- multi-STIG ----------------------------------------------------------------------------------


def test_multi_stig_ckl(ckl_schema):
    v2r1 = load_benchmark(xccdf_path("V2R1"))
    # A second, distinct STIG: same content under another id (the XCCDF text is otherwise real).
    other_xml = xccdf_path("V2R3").read_bytes().replace(b'id="MS_Exchange_2013_Mailbox_STIG"', b'id="Other_STIG"', 1)
    other = parse_benchmark(other_xml, "U_Other_STIG_V1R1_Manual-xccdf.xml")
    out = new_multi_ckl([v2r1, other], ASSET, uuid_factory=counting_uuids())
    root = etree.fromstring(out)
    assert ckl_schema.validate(root), ckl_schema.error_log
    istigs = root.findall("STIGS/iSTIG")
    assert [len(i.findall("VULN")) for i in istigs] == [70, 70]
    stigids = [
        next(si.findtext("SID_DATA") for si in i.iter("SI_DATA") if si.findtext("SID_NAME") == "stigid") for i in istigs
    ]
    assert stigids == ["MS_Exchange_2013_Mailbox_STIG", "Other_STIG"]
    assert len(root.findall("ASSET")) == 1


def test_multi_stig_refuses_duplicates_and_empty(v2r3):
    with pytest.raises(ConfigError, match="given twice"):
        new_multi_ckl([v2r3, v2r3], ASSET)
    with pytest.raises(ConfigError, match="non-empty"):
        new_multi_ckl([], ASSET)

"""new_cklb / new_multi_cklb: minified STIG Viewer 3 "Gen-B" JSON, key for key like SV3's own files."""

from __future__ import annotations

import copy
import json
import uuid

import pytest

from cklauto.create import AssetSpec, load_benchmark, new_cklb, new_multi_cklb
from cklauto.errors import ConfigError
from cklauto.xccdf import parse_benchmark

from .create_helpers import cklb_stig_to_xccdf, counting_uuids, key_paths, reference_file, xccdf_path

ASSET = AssetSpec(host_name="EXMBX01", fqdn="exmbx01.example.mil", ip="10.0.0.5")
SV3_SAMPLE = "cklb/sv3_Splunk8x-Linux-V1R5_New-Checklist.cklb"


@pytest.fixture(scope="module")
def v2r3_cklb(v2r3) -> bytes:
    return new_cklb(v2r3, ASSET, uuid_factory=counting_uuids())


def test_minified_and_round_trips_identically(v2r3_cklb):
    assert v2r3_cklb == json.dumps(json.loads(v2r3_cklb), separators=(",", ":"), ensure_ascii=False).encode()
    assert not v2r3_cklb.endswith(b"\n")
    assert not v2r3_cklb.startswith(b"\xef\xbb\xbf")
    assert b'": ' not in v2r3_cklb.replace(b'\\"', b"")  # no space after a key's colon anywhere


def test_key_order_at_every_level_equals_real_sv3_file(v2r3_cklb):
    sample = json.loads(reference_file(SV3_SAMPLE).read_bytes())
    ours = key_paths(json.loads(v2r3_cklb))
    theirs = key_paths(sample)
    assert set(ours) == set(theirs)
    for path, orders in ours.items():
        assert len(orders) == 1, path  # one key order per level, as SV3 writes
        assert orders == theirs[path], path


def test_content(v2r3, v2r3_cklb):
    doc = json.loads(v2r3_cklb)
    assert doc["title"] == "EXMBX01_MS_Exchange_2013_Mailbox_STIG_V2R3"
    assert doc["id"] == "00000000-0000-4000-8000-000000000000"
    assert (doc["active"], doc["mode"], doc["has_path"], doc["cklb_version"]) == (False, 2, True, "1.0")
    assert doc["target_data"] == {
        "target_type": "Computing",
        "host_name": "EXMBX01",
        "ip_address": "10.0.0.5",
        "mac_address": "",
        "fqdn": "exmbx01.example.mil",
        "comments": "",
        "role": "Member Server",
        "is_web_database": False,
        "technology_area": "Exchange Server",
        "web_db_site": "",
        "web_db_instance": "",
        "classification": None,
    }
    [stig] = doc["stigs"]
    assert stig["stig_name"] == "Microsoft Exchange 2013 Mailbox Server Security Technical Implementation Guide"
    assert stig["display_name"] == "Microsoft Exchange 2013 Mailbox Server"
    assert (stig["stig_id"], stig["version"]) == ("MS_Exchange_2013_Mailbox_STIG", "2")
    assert stig["release_info"] == "Release: 3 Benchmark Date: 24 Jul 2024"
    assert stig["reference_identifier"] == "2923"
    assert stig["size"] == len(stig["rules"]) == len(v2r3.rules) == 70
    assert [r["rule_id_src"] for r in stig["rules"]] == [r.rule_id for r in v2r3.rules]
    assert {r["status"] for r in stig["rules"]} == {"not_reviewed"}
    assert {r["stig_uuid"] for r in stig["rules"]} == {stig["uuid"]}
    assert len({r["uuid"] for r in stig["rules"]} | {stig["uuid"], doc["id"]}) == 72


def test_exchange_rule(v2r3_cklb):
    [stig] = json.loads(v2r3_cklb)["stigs"]
    rule = next(r for r in stig["rules"] if r["group_id"] == "V-207290")
    discussion = rule.pop("discussion")
    assert discussion.startswith("The Simple Mail Transfer Protocol (SMTP) connector")
    assert rule == {
        "group_id_src": "V-207290",
        "group_tree": [
            {"id": "V-207290", "title": "SRG-APP-000219", "description": "<GroupDescription></GroupDescription>"}
        ],
        "group_id": "V-207290",
        "severity": "medium",
        "group_title": "Exchange internal Send connectors must require encryption.",  # SV3 quirk: rule title
        "rule_id_src": "SV-207290r961110_rule",
        "rule_id": "SV-207290r961110",
        "rule_version": "EX13-MB-000120",
        "rule_title": "Exchange internal Send connectors must require encryption.",
        "fix_text": rule["fix_text"],
        "weight": "10.0",
        "check_content": (
            "Review the Email Domain Security Plan (EDSP). \n\nDetermine the internal SMTP Domain.\n\n"
            "Open the Exchange Management Shell and enter the following command:\n\n"
            "Get-SendConnector | Select Name, Identity, TlsDomain\n\n"
            "For each Send connector, if the value of TlsDomain is not set to the value of the internal "
            "<SMTP Domain>, this is a finding."
        ),
        "check_content_ref": {"href": "Microsoft_Exchange_2013_Mailbox_Server_STIG.xml", "name": "M"},
        "classification": "Unclassified",
        "false_positives": "",
        "false_negatives": "",
        "documentable": "false",
        "security_override_guidance": "",
        "potential_impacts": "",
        "third_party_tools": "",
        "ia_controls": "",
        "responsibility": "",
        "mitigations": "",
        "mitigation_control": "",
        "legacy_ids": ["V-69987", "SV-84609"],
        "ccis": ["CCI-001184"],
        "reference_identifier": "2923",
        "uuid": rule["uuid"],
        "stig_uuid": stig["uuid"],
        "status": "not_reviewed",
        "overrides": {},
        "comments": "",
        "finding_details": "",
    }
    assert rule["fix_text"].startswith("Open the Exchange Management Shell")


def test_benchmark_crlf_is_kept_like_sv3(v2r3_cklb):
    # SV3 keeps the XCCDF's CR LF inside strings (the RHEL 8 SV3 sample has "\r\n").
    [stig] = json.loads(v2r3_cklb)["stigs"]
    rule = next(r for r in stig["rules"] if r["group_id"] == "V-207289")
    assert "\r\n" in rule["check_content"]
    assert b"\\r\\n" in v2r3_cklb


def test_title_argument_and_default_uuids_are_uuid4(v2r3):
    doc = json.loads(new_cklb(v2r3, ASSET, title="EXMBX01 weekly"))
    assert doc["title"] == "EXMBX01 weekly"
    for value in [doc["id"], doc["stigs"][0]["uuid"], doc["stigs"][0]["rules"][0]["uuid"]]:
        assert uuid.UUID(value).version == 4


def test_deterministic_given_uuid_factory(v2r3):
    assert new_cklb(v2r3, ASSET, uuid_factory=counting_uuids()) == new_cklb(v2r3, ASSET, uuid_factory=counting_uuids())


# --- compared with real STIG Viewer 3 files ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["sv3_Splunk8x-Linux-V1R5_New-Checklist.cklb", "sv3_RHEL8-V2R1_mytesthost1_no-cklb_version.cklb"],
)
def test_byte_identical_to_real_sv3_checklist(name):
    """Rebuild the STIG as XCCDF from a real SV3 file, regenerate, and compare byte for byte.

    Only what a fresh checklist cannot share with a reviewed one is reset first: statuses,
    comments, details, overrides, and the file-state flags / target data.
    """
    raw = reference_file(f"cklb/{name}").read_bytes()
    real = json.loads(raw)
    benchmarks, uuids = [], [real["id"]]
    for stig in real["stigs"]:
        xccdf, stig_uuids = cklb_stig_to_xccdf(stig)
        benchmarks.append(parse_benchmark(xccdf, "x.xml"))
        uuids += stig_uuids
    target = real["target_data"]
    spec = AssetSpec(
        host_name=target["host_name"],
        fqdn=target["fqdn"],
        ip=target["ip_address"],
        mac=target["mac_address"],
        role=target["role"],
        tech_area=target["technology_area"],
        comment=target["comments"],
    )
    feed = iter(uuids)
    generated = new_multi_cklb(benchmarks, spec, title=real["title"], uuid_factory=lambda: next(feed))

    expected = copy.deepcopy(real)
    for stig in expected["stigs"]:
        for rule in stig["rules"]:
            rule.update(status="not_reviewed", overrides={}, comments="", finding_details="")
    expected.update(active=False, has_path=True)
    expected["cklb_version"] = "1.0"  # the RHEL 8 file lacks it; a generated file always has it
    assert generated == json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode()


# --- multi-STIG ----------------------------------------------------------------------------------


def test_multi_stig_cklb():
    v2r1 = load_benchmark(xccdf_path("V2R1"))
    other = parse_benchmark(
        xccdf_path("V2R3").read_bytes().replace(b'id="MS_Exchange_2013_Mailbox_STIG"', b'id="Other_STIG"', 1),
        "other.xml",
    )
    doc = json.loads(new_multi_cklb([v2r1, other], ASSET))
    assert [s["stig_id"] for s in doc["stigs"]] == ["MS_Exchange_2013_Mailbox_STIG", "Other_STIG"]
    assert [s["size"] for s in doc["stigs"]] == [70, 70]
    assert doc["title"] == "EXMBX01_2-STIGs"
    for stig in doc["stigs"]:
        assert {r["stig_uuid"] for r in stig["rules"]} == {stig["uuid"]}
    assert doc["stigs"][0]["uuid"] != doc["stigs"][1]["uuid"]
    with pytest.raises(ConfigError, match="given twice"):
        new_multi_cklb([v2r1, v2r1], ASSET)

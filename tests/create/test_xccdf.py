"""cklauto.xccdf: DISA benchmarks parse verbatim; hostile or wrong files fail with XccdfError naming the file."""

from __future__ import annotations

import pytest

from cklauto.errors import XccdfError
from cklauto.xccdf import load_benchmark, parse_benchmark, split_pseudo_tags

from .create_helpers import RELEASES, xccdf_path

MINIMAL = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Benchmark xmlns="http://checklists.nist.gov/xccdf/1.1" xmlns:dc="http://purl.org/dc/elements/1.1/" id="T_STIG">'
    '<title>T</title><plain-text id="release-info">Release: 1 Benchmark Date: 1 Jan 2024</plain-text>'
    "<version>1</version>{groups}</Benchmark>"
)
GROUP = (
    '<Group id="V-1"><title>SRG-1</title><Rule id="SV-1r1_rule" severity="low" weight="10.0">'
    "<version>T-1</version><title>Rule one</title>"
    "<description>&lt;VulnDiscussion&gt;x&lt;/VulnDiscussion&gt;</description>"
    '<check system="C-1"><check-content>c</check-content></check></Rule></Group>'
)


def test_v2r3_benchmark_fields(v2r3):
    assert v2r3.id == "MS_Exchange_2013_Mailbox_STIG"
    assert v2r3.title == "Microsoft Exchange 2013 Mailbox Server Security Technical Implementation Guide"
    assert v2r3.version == "2"
    assert v2r3.release_info == "Release: 3 Benchmark Date: 24 Jul 2024"
    assert v2r3.release == "3"
    assert v2r3.short_name == "MS_Exchange_2013_Mailbox_STIG_V2R3"
    assert v2r3.filename == "U_MS_Exchange_2013_Mailbox_STIG_V2R3_Manual-xccdf.xml"
    assert v2r3.notice == "terms-of-use"
    assert v2r3.source == "STIG.DOD.MIL"
    assert v2r3.description.startswith("This Security Technical Implementation Guide is published")
    assert len(v2r3.groups) == len(v2r3.rules) == 70
    severities = [r.severity for r in v2r3.rules]
    assert (severities.count("medium"), severities.count("low"), severities.count("high")) == (45, 24, 1)


def test_v2r3_exchange_rule(v2r3):
    rule = next(r for r in v2r3.rules if r.version == "EX13-MB-000120")
    assert rule.group_id == "V-207290"
    assert rule.group_title == "SRG-APP-000219"
    assert rule.group_description == "<GroupDescription></GroupDescription>"
    assert rule.rule_id == "SV-207290r961110_rule"
    assert (rule.severity, rule.weight) == ("medium", "10.0")
    assert rule.title == "Exchange internal Send connectors must require encryption."
    assert rule.reference_identifier == "2923"
    assert rule.legacy_ids == ("SV-84609", "V-69987")  # file order; writers put V- first
    assert rule.ccis == ("CCI-001184",)
    assert (rule.check_content_ref_name, rule.check_content_ref_href) == (
        "M",
        "Microsoft_Exchange_2013_Mailbox_Server_STIG.xml",
    )
    assert (rule.check_system, rule.fix_id) == ("C-7548r393383_chk", "F-7548r393384_fix")
    assert rule.documentable == "false"
    assert rule.check_content.startswith("Review the Email Domain Security Plan (EDSP). \n\n")
    assert rule.check_content.endswith("the value of the internal <SMTP Domain>, this is a finding.")
    assert "Set-SendConnector -Identity <'IdentityName'> -TlsDomain <'SMTP Domain'>" in rule.fix_text
    assert rule.discussion.startswith("The Simple Mail Transfer Protocol (SMTP) connector")
    assert rule.discussion.endswith("read or modify messages between servers.")
    for empty in (
        "false_positives",
        "false_negatives",
        "mitigations",
        "severity_override_guidance",
        "potential_impacts",
        "third_party_tools",
        "mitigation_control",
        "responsibility",
        "ia_controls",
    ):
        assert getattr(rule, empty) == ""


@pytest.mark.parametrize("release, rule_id", [("V2R1", "SV-207290r615936_rule"), ("V2R2", "SV-207290r615936_rule")])
def test_older_releases(release, rule_id):
    benchmark = load_benchmark(xccdf_path(release))
    assert benchmark.release_info.startswith(f"Release: {release[-1]} ")
    assert next(r for r in benchmark.rules if r.group_id == "V-207290").rule_id == rule_id


def test_raw_carriage_returns_are_kept(v2r3):
    # The V2R3 file has raw CR LF in V-207289; SV3 keeps them in CKLB, so the reader must too.
    rule = next(r for r in v2r3.rules if r.group_id == "V-207289")
    assert "\r\n" in rule.check_content and "\r\n" in rule.discussion


def test_cr_in_markup_is_left_alone():
    xml = MINIMAL.format(groups=GROUP.replace('<Group id="V-1">', '<Group\r\nid="V-1">')).replace(
        "<check-content>c</check-content>", "<check-content>a\r\nb<!-- x\r\n --></check-content>"
    )
    rule = parse_benchmark(xml.encode(), "t.xml").rules[0]
    assert rule.group_id == "V-1"
    assert rule.check_content == "a\r\nb"


def test_pseudo_tags_are_split_verbatim():
    text = (
        "<VulnDiscussion>a &quot;b&quot; <SMTP Domain> &lt;c&gt;\n</VulnDiscussion><Documentable>false</Documentable>"
    )
    assert split_pseudo_tags(text) == {
        "VulnDiscussion": "a &quot;b&quot; <SMTP Domain> &lt;c&gt;\n",
        "Documentable": "false",
    }


def test_plain_description_is_the_discussion():
    xml = MINIMAL.format(groups=GROUP.replace("&lt;VulnDiscussion&gt;x&lt;/VulnDiscussion&gt;", "just text"))
    assert parse_benchmark(xml.encode(), "t.xml").rules[0].discussion == "just text"


def test_missing_optional_parts_default():
    rule = parse_benchmark(MINIMAL.format(groups=GROUP).encode(), "t.xml").rules[0]
    assert rule.reference_identifier == "" and rule.legacy_ids == () and rule.ccis == ()
    assert rule.fix_text == "" and rule.check_content_ref_name == ""


def test_xccdf_1_2_namespace_is_accepted():
    xml = MINIMAL.format(groups=GROUP).replace("xccdf/1.1", "xccdf/1.2")
    assert parse_benchmark(xml.encode(), "t.xml").rules[0].rule_id == "SV-1r1_rule"


# --- hostile and wrong inputs --------------------------------------------------------------------

HOSTILE = {
    "empty": b"",
    "not_xml": b"this is not XML at all",
    "binary": bytes(range(256)),
    "truncated": MINIMAL.format(groups=GROUP).encode()[:300],
    "doctype_xxe": (
        b'<?xml version="1.0"?><!DOCTYPE Benchmark [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + MINIMAL.format(groups=GROUP.replace("<title>SRG-1</title>", "<title>&xxe;</title>"))
        .split("?>", 1)[1]
        .encode()
    ),
    "billion_laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<lolz>&lol2;</lolz>"
    ),
    "doctype_after_comment": b'<?xml version="1.0"?><!-- <a --><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
    "lowercase_doctype": b'<!doctype Benchmark SYSTEM "http://example.invalid/x.dtd"><Benchmark/>',
    "wrong_root": b'<?xml version="1.0" encoding="UTF-8"?><CHECKLIST><ASSET></ASSET></CHECKLIST>',
    "benchmark_without_namespace": b'<Benchmark id="X"><Group id="V-1"><Rule id="SV-1"/></Group></Benchmark>',
    "no_groups": MINIMAL.format(groups="").encode(),
    "group_without_rule": MINIMAL.format(groups='<Group id="V-1"><title>x</title></Group>').encode(),
    "rule_without_id": MINIMAL.format(groups=GROUP.replace(' id="SV-1r1_rule"', "")).encode(),
    "benchmark_without_id": MINIMAL.format(groups=GROUP).replace(' id="T_STIG"', "").encode(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_gives_xccdf_error_naming_the_file(tmp_path, name):
    path = tmp_path / f"{name}-xccdf.xml"
    path.write_bytes(HOSTILE[name])
    with pytest.raises(XccdfError) as info:
        load_benchmark(path)
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message
    assert info.value.path == str(path)


def test_doctype_never_reaches_the_parser(tmp_path):
    with pytest.raises(XccdfError, match="DOCTYPE"):
        parse_benchmark(HOSTILE["doctype_xxe"], "x.xml")


def test_missing_file(tmp_path):
    with pytest.raises(XccdfError, match="cannot read"):
        load_benchmark(tmp_path / "nope.xml")


def test_directory_is_not_a_benchmark(tmp_path):
    with pytest.raises(XccdfError, match="cannot read"):
        load_benchmark(tmp_path)


def test_too_large(tmp_path, monkeypatch):
    import cklauto.xccdf as xccdf

    monkeypatch.setattr(xccdf, "MAX_BENCHMARK_BYTES", 10)
    path = tmp_path / "big.xml"
    path.write_bytes(b"x" * 11)
    with pytest.raises(XccdfError, match="too large"):
        load_benchmark(path)


@pytest.mark.parametrize("release", RELEASES)
def test_all_reference_benchmarks_load(release):
    assert len(load_benchmark(xccdf_path(release)).rules) == 70

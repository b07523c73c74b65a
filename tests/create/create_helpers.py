"""Helpers for the generator tests: where the reference data is, and CKL -> XCCDF inversion.

Reference files live in ``shared/reference`` beside the repository checkout and are read in place
(never copied into the repo); a test that needs one is skipped, with the reason, when it is absent.
(They are here rather than in conftest.py so the test modules can import them.)

Inverting a real STIG Viewer CKL back into the XCCDF it was made from (formats.md §2.8 backwards):
no reference CKL shares its STIG with a reference XCCDF, so the generator is checked the other way
round: rebuild each iSTIG's benchmark from the CKL, generate a fresh CKL from that, and compare with
the real file byte for byte (after resetting its review answers).  Every field of the mapping, the
escaping of real DISA text and the layout are then checked against STIG Viewer's own output.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (REPO_ROOT / ".." / "shared" / "reference").resolve()
RELEASES = ("V2R1", "V2R2", "V2R3")


def reference_file(relative: str) -> Path:
    """Path of a reference file, or skip the test (with the reason) when it is not there."""
    path = REFERENCE / relative
    if not path.is_file():
        pytest.skip(f"reference data not available: {path} (expected shared/reference beside the repo)")
    return path


def xccdf_path(release: str) -> Path:
    return reference_file(f"xccdf/U_MS_Exchange_2013_Mailbox_STIG_{release}_Manual-xccdf.xml")


def counting_uuids(prefix: str = "00000000-0000-4000-8000-"):
    """A deterministic uuid_factory: ...-000000000000, ...-000000000001, ..."""
    counter = iter(range(10**12))
    return lambda: f"{prefix}{next(counter):012d}"


XCCDF = "http://checklists.nist.gov/xccdf/1.1"
DC = "http://purl.org/dc/elements/1.1/"

# CKL STIG_DATA name -> Rule/description pseudo-tag, in DISA's order.
PSEUDO = (
    ("Vuln_Discuss", "VulnDiscussion"),
    ("False_Positives", "FalsePositives"),
    ("False_Negatives", "FalseNegatives"),
    ("Documentable", "Documentable"),
    ("Mitigations", "Mitigations"),
    ("Security_Override_Guidance", "SeverityOverrideGuidance"),
    ("Potential_Impact", "PotentialImpacts"),
    ("Third_Party_Tools", "ThirdPartyTools"),
    ("Mitigation_Control", "MitigationControl"),
    ("Responsibility", "Responsibility"),
    ("IA_Controls", "IAControls"),
)


def _sub(parent, tag, text=None, ns=XCCDF, **attrs):
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def istig_to_xccdf(istig) -> tuple[bytes, str, list[str]]:
    """(XCCDF bytes, file name, [STIG_INFO uuid, VULN STIG_UUID]) for one parsed <iSTIG>."""
    info = {}
    for si in istig.iter("SI_DATA"):
        info[si.findtext("SID_NAME")] = si.findtext("SID_DATA")
    root = etree.Element(f"{{{XCCDF}}}Benchmark", nsmap={None: XCCDF, "dc": DC}, id=info["stigid"])
    _sub(root, "status", "accepted", date="2024-01-01")
    _sub(root, "title", info["title"])
    _sub(root, "description", info["description"])
    _sub(root, "notice", id=info["notice"])
    ref = _sub(root, "reference", href="https://cyber.mil")
    _sub(ref, "publisher", "DISA", ns=DC)
    _sub(ref, "source", info["source"], ns=DC)
    _sub(root, "plain-text", info["releaseinfo"], id="release-info")
    _sub(root, "version", info["version"])
    stig_uuid = None
    for vuln in istig.iter("VULN"):
        data: dict[str, list[str]] = {}
        for sd in vuln.iter("STIG_DATA"):
            data.setdefault(sd.findtext("VULN_ATTRIBUTE"), []).append(sd.findtext("ATTRIBUTE_DATA") or "")
        one = {k: v[0] for k, v in data.items()}
        stig_uuid = one["STIG_UUID"]
        group = _sub(root, "Group", id=one["Vuln_Num"])
        _sub(group, "title", one["Group_Title"])
        _sub(group, "description", "<GroupDescription></GroupDescription>")
        rule = _sub(group, "Rule", id=one["Rule_ID"], weight=one["Weight"], severity=one["Severity"])
        _sub(rule, "version", one["Rule_Ver"])
        _sub(rule, "title", one["Rule_Title"])
        # The pseudo-XML is text: lxml escapes it once, as DISA's files do.
        _sub(rule, "description", "".join(f"<{t}>{one[n]}</{t}>" for n, t in PSEUDO))
        rref = _sub(rule, "reference")
        _sub(rref, "identifier", one["TargetKey"], ns=DC)
        # DISA lists SV- before V-; SV 2.17 writes V- first, so feed the XCCDF order.
        for legacy in sorted((x for x in data["LEGACY_ID"] if x), key=lambda x: not x.startswith("SV-")):
            _sub(rule, "ident", legacy, system="http://cyber.mil/legacy")
        for cci in data.get("CCI_REF", []):
            _sub(rule, "ident", cci, system="http://cyber.mil/cci")
        _sub(rule, "fixtext", one["Fix_Text"], fixref="F-1_fix")
        _sub(rule, "fix", id="F-1_fix")
        check = _sub(rule, "check", system="C-1_chk")
        _sub(check, "check-content-ref", href="x.xml", name=one["Check_Content_Ref"])
        _sub(check, "check-content", one["Check_Content"])
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return xml, info["filename"], [info["uuid"], stig_uuid]


_ANSWER_RE = re.compile(
    rb"(<STATUS>)[^<]*(</STATUS>\n\t+<FINDING_DETAILS>).*?(</FINDING_DETAILS>\n\t+<COMMENTS>).*?"
    rb"(</COMMENTS>\n\t+<SEVERITY_OVERRIDE>)[^<]*(</SEVERITY_OVERRIDE>\n\t+<SEVERITY_JUSTIFICATION>).*?"
    rb"(</SEVERITY_JUSTIFICATION>)",
    re.DOTALL,
)


def reset_answers(ckl: bytes) -> bytes:
    """The CKL as it was before review: every VULN Not_Reviewed with empty answers."""
    return _ANSWER_RE.sub(rb"\1Not_Reviewed\2\3\4\5\6", ckl)


# CKLB rule key -> Rule/description pseudo-tag, in DISA's order.
CKLB_PSEUDO = (
    ("discussion", "VulnDiscussion"),
    ("false_positives", "FalsePositives"),
    ("false_negatives", "FalseNegatives"),
    ("documentable", "Documentable"),
    ("mitigations", "Mitigations"),
    ("security_override_guidance", "SeverityOverrideGuidance"),
    ("potential_impacts", "PotentialImpacts"),
    ("third_party_tools", "ThirdPartyTools"),
    ("mitigation_control", "MitigationControl"),
    ("responsibility", "Responsibility"),
    ("ia_controls", "IAControls"),
)


def cklb_stig_to_xccdf(stig: dict) -> tuple[bytes, list[str]]:
    """(XCCDF bytes, [stig uuid, rule uuids...]) for one ``stigs[]`` entry of a STIG Viewer 3 CKLB.

    CRs in the CKLB's strings are written as raw CR bytes, as DISA's files carry them.
    """
    root = etree.Element(f"{{{XCCDF}}}Benchmark", nsmap={None: XCCDF, "dc": DC}, id=stig["stig_id"])
    _sub(root, "title", stig["stig_name"])
    _sub(root, "description", "Description.")
    _sub(root, "notice", id="terms-of-use")
    _sub(root, "plain-text", stig["release_info"], id="release-info")
    _sub(root, "version", stig["version"])
    uuids = [stig["uuid"]]
    for r in stig["rules"]:
        uuids.append(r["uuid"])
        tree = r["group_tree"][0]
        group = _sub(root, "Group", id=r["group_id_src"])
        _sub(group, "title", tree["title"])
        _sub(group, "description", tree["description"])
        rule = _sub(group, "Rule", id=r["rule_id_src"], weight=r["weight"], severity=r["severity"])
        _sub(rule, "version", r["rule_version"])
        _sub(rule, "title", r["rule_title"])
        _sub(rule, "description", "".join(f"<{t}>{r[k]}</{t}>" for k, t in CKLB_PSEUDO))
        rref = _sub(rule, "reference")
        _sub(rref, "identifier", r["reference_identifier"], ns=DC)
        for legacy in sorted(r["legacy_ids"], key=lambda x: not x.startswith("SV-")):
            _sub(rule, "ident", legacy, system="http://cyber.mil/legacy")
        for cci in r["ccis"]:
            _sub(rule, "ident", cci, system="http://cyber.mil/cci")
        _sub(rule, "fixtext", r["fix_text"], fixref="F-1_fix")
        check = _sub(rule, "check", system="C-1_chk")
        ref = r["check_content_ref"]
        _sub(check, "check-content-ref", href=ref["href"], name=ref["name"])
        _sub(check, "check-content", r["check_content"])
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return xml.replace(b"&#13;", b"\r"), uuids


def key_paths(value, path: str = "$", found: dict | None = None) -> dict[str, set[tuple[str, ...]]]:
    """Every distinct key order of the objects at each path; list positions are ignored ("$.stigs[].rules[]")."""
    found = {} if found is None else found
    if isinstance(value, dict):
        found.setdefault(path, set()).add(tuple(value))
        for key, child in value.items():
            key_paths(child, f"{path}.{key}", found)
    elif isinstance(value, list):
        for child in value:
            key_paths(child, f"{path}[]", found)
    return found

"""Create a new, unreviewed checklist for one host from DISA XCCDF benchmarks.

``new_ckl`` writes what STIG Viewer 2.17 writes for "Create checklist from STIG" and "Save"
(docs/formats.md §2.2, §2.5, §2.8); ``new_cklb`` writes STIG Viewer 3's minified "Gen-B" CKLB
(§3.2-§3.4).  Both are strings built by hand rather than serialised by lxml/json defaults, because
those libraries' layout (``<X/>``, quotes, key order) differs from STIG Viewer's byte conventions.

The only non-determinism is the UUIDs, which come from ``uuid_factory``.
"""

from __future__ import annotations

import ipaddress
import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cklauto.errors import ConfigError
from cklauto.xccdf import Benchmark, Rule, load_benchmark

__all__ = [
    "AssetSpec",
    "ROLES",
    "TECH_AREAS",
    "load_benchmark",
    "new_ckl",
    "new_cklb",
    "new_multi_ckl",
    "new_multi_cklb",
]

UuidFactory = Callable[[], str]


def _uuid4() -> str:
    return str(uuid.uuid4())


# Enumerations of the DISA CKL XSD (U_Checklist_Schema_V2.xsd); anything else fails validation.
ROLES = ("None", "Workstation", "Member Server", "Domain Controller")
TECH_AREAS = (
    "",
    "Application Review",
    "Boundary Security",
    "CDS Admin Review",
    "CDS Technical Review",
    "Database Review",
    "Domain Name System (DNS)",
    "Exchange Server",
    "Host Based System Security (HBSS)",
    "Internal Network",
    "Mobility",
    "Releasable Networks (REL)",
    "Releaseable Networks (REL)",
    "Traditional Security",
    "UNIX OS",
    "VVOIP Review",
    "Web Review",
    "Windows OS",
    "Other Review",
)

MAX_HOST_NAME = 255  # STIG Manager rejects longer HOST_NAMEs (formats.md §4)
MAX_FIELD = 32767  # the de-facto checklist text limit (formats.md §0.4)

SV2_COMMENT = "<!--DISA STIG Viewer :: 2.17-->"
_MAC_RE = re.compile(r"^[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}$")
# Characters XML 1.0 cannot carry at all (the C0 set is handled with the Cc check).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class AssetSpec:
    """The Target Data of a new checklist.

    ``ip`` and ``mac`` may hold several values separated by newlines, commas or spaces; they are
    written one per line, as STIG Viewer does for multi-homed hosts.
    """

    host_name: str
    fqdn: str = ""
    ip: str = ""
    mac: str = ""
    role: str = "Member Server"
    tech_area: str = "Exchange Server"
    marking: str = "CUI"
    comment: str = ""


@dataclass(frozen=True)
class _Asset:
    """An AssetSpec after validation and normalisation; this is what gets written."""

    host_name: str
    fqdn: str
    ip: str
    mac: str
    role: str
    tech_area: str
    marking: str
    comment: str


# --- public API -------------------------------------------------------------------------------


def new_ckl(benchmark: Benchmark, asset: AssetSpec, *, uuid_factory: UuidFactory = _uuid4) -> bytes:
    """A STIG Viewer 2.17 CKL for ``asset`` with every rule of ``benchmark`` Not_Reviewed."""
    return new_multi_ckl([benchmark], asset, uuid_factory=uuid_factory)


def new_multi_ckl(benchmarks: Sequence[Benchmark], asset: AssetSpec, *, uuid_factory: UuidFactory = _uuid4) -> bytes:
    """One CKL holding an ``<iSTIG>`` per benchmark, in the given order, under one ASSET.

    TARGET_KEY comes from the first benchmark's first rule, as in SV 2.17's multi-STIG files.
    """
    checked = _check_asset(asset)
    _check_benchmarks(benchmarks)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', SV2_COMMENT, "<CHECKLIST>", "\t<ASSET>"]
    asset_fields = (
        ("ROLE", checked.role),
        ("ASSET_TYPE", "Computing"),
        ("MARKING", checked.marking),
        ("HOST_NAME", checked.host_name),
        ("HOST_IP", checked.ip),
        ("HOST_MAC", checked.mac),
        ("HOST_FQDN", checked.fqdn),
        ("TARGET_COMMENT", checked.comment),
        ("TECH_AREA", checked.tech_area),
        ("TARGET_KEY", _target_key(benchmarks[0])),
        ("WEB_OR_DATABASE", "false"),
        ("WEB_DB_SITE", ""),
        ("WEB_DB_INSTANCE", ""),
    )
    lines += [_element(2, tag, value) for tag, value in asset_fields]
    lines += ["\t</ASSET>", "\t<STIGS>"]
    for benchmark in benchmarks:
        lines += _istig(benchmark, uuid_factory)
    lines += ["\t</STIGS>", "</CHECKLIST>"]
    text = "\n".join(lines)  # SV 2.x writes no newline after </CHECKLIST>
    _assert_xml_chars(text)
    return text.encode("utf-8")


def new_cklb(
    benchmark: Benchmark,
    asset: AssetSpec,
    *,
    title: str | None = None,
    uuid_factory: UuidFactory = _uuid4,
) -> bytes:
    """A STIG Viewer 3 CKLB (minified Gen-B JSON) with every rule not_reviewed.

    ``title`` defaults to ``<host>_<stigid>_V<v>R<r>``; SV3 itself uses "New Checklist" until the
    file is saved and the file name afterwards.
    """
    return new_multi_cklb([benchmark], asset, title=title, uuid_factory=uuid_factory)


def new_multi_cklb(
    benchmarks: Sequence[Benchmark],
    asset: AssetSpec,
    *,
    title: str | None = None,
    uuid_factory: UuidFactory = _uuid4,
) -> bytes:
    """One CKLB with a ``stigs`` entry per benchmark, in the given order."""
    checked = _check_asset(asset)
    _check_benchmarks(benchmarks)
    if title is None:
        if len(benchmarks) == 1:
            title = f"{checked.host_name}_{benchmarks[0].short_name}"
        else:
            title = f"{checked.host_name}_{len(benchmarks)}-STIGs"
    else:
        _check_text("checklist title", title, required=True, max_len=MAX_HOST_NAME * 2)
    document: dict[str, object] = {
        "title": title,
        "id": str(uuid_factory()),
        "stigs": [_cklb_stig(b, uuid_factory) for b in benchmarks],
        # A saved file: SV3 writes active=false, has_path=true once it has a path (RHEL 8 sample).
        "active": False,
        "mode": 2,
        "has_path": True,
        "target_data": {
            "target_type": "Computing",
            "host_name": checked.host_name,
            "ip_address": checked.ip,
            "mac_address": checked.mac,
            "fqdn": checked.fqdn,
            "comments": checked.comment,
            "role": checked.role,
            "is_web_database": False,
            "technology_area": checked.tech_area,
            "web_db_site": "",
            "web_db_instance": "",
            "classification": None,
        },
        "cklb_version": "1.0",
    }
    # SV3 writes minified JSON, raw UTF-8, no trailing newline (formats.md §3.2).
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- validation -------------------------------------------------------------------------------


def _check_text(
    field: str,
    value: object,
    *,
    required: bool = False,
    max_len: int = MAX_FIELD,
    multiline: bool = False,
) -> str:
    """Return ``value`` if it can go into a checklist; ``field`` is e.g. "asset host_name"."""
    if not isinstance(value, str):
        raise ConfigError(f"{field} must be text, not {type(value).__name__}")
    if required and not value.strip():
        raise ConfigError(f"{field} is empty", "give a value")
    if len(value) > max_len:
        raise ConfigError(f"{field} is {len(value)} characters long; the limit is {max_len}")
    for ch in value:
        if multiline and ch in "\t\n\r":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff":
            raise ConfigError(
                f"{field} contains the control character U+{ord(ch):04X}",
                "checklists cannot hold control characters; remove it",
            )
    return value.replace("\r\n", "\n").replace("\r", "\n") if multiline else value


def _split_multi(value: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", value) if part]


def _check_asset(asset: AssetSpec) -> _Asset:
    if not isinstance(asset, AssetSpec):
        raise ConfigError(f"asset must be an AssetSpec, not {type(asset).__name__}")
    host = _check_text("asset host_name", asset.host_name, required=True, max_len=MAX_HOST_NAME)
    if host != host.strip():
        raise ConfigError(f"asset host_name {host!r} has leading or trailing spaces")
    fqdn = _check_text("asset fqdn", asset.fqdn, max_len=MAX_HOST_NAME)
    if fqdn != fqdn.strip():
        raise ConfigError(f"asset fqdn {fqdn!r} has leading or trailing spaces")
    ips = _split_multi(_check_text("asset ip", asset.ip, multiline=True))
    for ip in ips:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise ConfigError(f"asset ip {ip!r} is not an IPv4 or IPv6 address") from None
    macs = _split_multi(_check_text("asset mac", asset.mac, multiline=True))
    for mac in macs:
        if not _MAC_RE.match(mac):
            raise ConfigError(f"asset mac {mac!r} is not a MAC address", "write it as 00:11:22:AA:BB:CC")
    if asset.role not in ROLES:
        raise ConfigError(f"asset role {asset.role!r} is not one of {', '.join(ROLES)}")
    if asset.tech_area not in TECH_AREAS:
        raise ConfigError(
            f"asset tech_area {asset.tech_area!r} is not a STIG Viewer technology area",
            "e.g. 'Exchange Server', 'Windows OS' or '' (see the CKL XSD's TECH_AREA list)",
        )
    marking = _check_text("asset marking", asset.marking, max_len=MAX_HOST_NAME)
    comment = _check_text("asset comment", asset.comment, multiline=True)
    return _Asset(
        host_name=host,
        fqdn=fqdn,
        ip="\n".join(ips),
        mac="\n".join(macs),
        role=asset.role,
        tech_area=asset.tech_area,
        marking=marking,
        comment=comment,
    )


def _check_benchmarks(benchmarks: Sequence[Benchmark]) -> None:
    if isinstance(benchmarks, Benchmark) or not len(benchmarks):
        raise ConfigError("need a non-empty list of benchmarks")
    seen: set[str] = set()
    for benchmark in benchmarks:
        if not isinstance(benchmark, Benchmark):
            raise ConfigError(f"not a Benchmark: {type(benchmark).__name__}")
        if not benchmark.rules:
            raise ConfigError(f"benchmark {benchmark.id} has no rules")
        # Two copies of one STIG would make "the" rule ambiguous for every later edit.
        if benchmark.id in seen:
            raise ConfigError(f"benchmark {benchmark.id} is given twice", "one checklist holds each STIG once")
        seen.add(benchmark.id)


def _assert_xml_chars(text: str) -> None:
    # Benchmarks parsed by xccdf.py cannot hold these; a hand-built Benchmark might.
    match = _XML_ILLEGAL.search(text)
    if match:
        raise ConfigError(f"benchmark text contains U+{ord(match.group(0)):04X}, which XML cannot hold")


# --- CKL --------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    # STIG Viewer escapes exactly these three; quotes and non-ASCII stay raw.  CRs are normalised
    # as SV 2's XML parser does when it reads the benchmark.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _element(depth: int, tag: str, value: str) -> str:
    return f"{chr(9) * depth}<{tag}>{_escape(value)}</{tag}>"


def _target_key(benchmark: Benchmark) -> str:
    return benchmark.rules[0].reference_identifier


def _stig_ref(benchmark: Benchmark) -> str:
    return f"{benchmark.title} :: Version {benchmark.version}, {benchmark.release_info}"


def _legacy_ids_v_first(rule: Rule) -> list[str]:
    # SV 2.17 and SV3 write V- ids before SV- ids whatever the XCCDF order (Tomcat 9/ASD samples).
    ids = list(rule.legacy_ids)
    return [i for i in ids if i.startswith("V-")] + [i for i in ids if not i.startswith("V-")]


def _istig(benchmark: Benchmark, uuid_factory: UuidFactory) -> list[str]:
    info_uuid = str(uuid_factory())
    # SV 2.17 gives every VULN one shared STIG_UUID that differs from STIG_INFO's uuid (all samples).
    vuln_stig_uuid = str(uuid_factory())
    si_data = (
        ("version", benchmark.version),
        ("classification", "UNCLASSIFIED"),
        ("customname", ""),
        ("stigid", benchmark.id),
        ("description", benchmark.description),
        ("filename", benchmark.filename),
        ("releaseinfo", benchmark.release_info),
        ("title", benchmark.title),
        ("uuid", info_uuid),
        ("notice", benchmark.notice),
        ("source", benchmark.source),
    )
    lines = ["\t\t<iSTIG>", "\t\t\t<STIG_INFO>"]
    for name, value in si_data:
        lines += ["\t\t\t\t<SI_DATA>", _element(5, "SID_NAME", name)]
        if value:  # SV 2.17 leaves SID_DATA out for a value it does not have (customname)
            lines.append(_element(5, "SID_DATA", value))
        lines.append("\t\t\t\t</SI_DATA>")
    lines.append("\t\t\t</STIG_INFO>")
    stig_ref = _stig_ref(benchmark)
    for rule in benchmark.rules:
        lines.append("\t\t\t<VULN>")
        for attribute, value in _stig_data(rule, stig_ref, vuln_stig_uuid):
            lines += [
                "\t\t\t\t<STIG_DATA>",
                _element(5, "VULN_ATTRIBUTE", attribute),
                _element(5, "ATTRIBUTE_DATA", value),
                "\t\t\t\t</STIG_DATA>",
            ]
        lines += [
            _element(4, "STATUS", "Not_Reviewed"),
            _element(4, "FINDING_DETAILS", ""),
            _element(4, "COMMENTS", ""),
            _element(4, "SEVERITY_OVERRIDE", ""),
            _element(4, "SEVERITY_JUSTIFICATION", ""),
            "\t\t\t</VULN>",
        ]
    lines.append("\t\t</iSTIG>")
    return lines


def _stig_data(rule: Rule, stig_ref: str, stig_uuid: str) -> list[tuple[str, str]]:
    """STIG_DATA pairs in SV 2.17's order (formats.md §2.2, mapping §2.8)."""
    data = [
        ("Vuln_Num", rule.group_id),
        ("Severity", rule.severity),
        ("Group_Title", rule.group_title),
        ("Rule_ID", rule.rule_id),
        ("Rule_Ver", rule.version),
        ("Rule_Title", rule.title),
        ("Vuln_Discuss", rule.discussion),
        ("IA_Controls", rule.ia_controls),
        ("Check_Content", rule.check_content),
        ("Fix_Text", rule.fix_text),
        ("False_Positives", rule.false_positives),
        ("False_Negatives", rule.false_negatives),
        ("Documentable", rule.documentable),
        ("Mitigations", rule.mitigations),
        ("Potential_Impact", rule.potential_impacts),
        ("Third_Party_Tools", rule.third_party_tools),
        ("Mitigation_Control", rule.mitigation_control),
        ("Responsibility", rule.responsibility),
        # STIG Viewer's own (mis)spelling of Severity_Override_Guidance.
        ("Security_Override_Guidance", rule.severity_override_guidance),
        ("Check_Content_Ref", rule.check_content_ref_name),
        ("Weight", rule.weight),
        ("Class", "Unclass"),
        ("STIGRef", stig_ref),
        ("TargetKey", rule.reference_identifier),
        ("STIG_UUID", stig_uuid),
    ]
    legacy = _legacy_ids_v_first(rule)
    # With no legacy ids SV 2.17 writes two empty LEGACY_IDs; with one, padding to two is an
    # inference from that (no sample has exactly one).
    legacy += [""] * (2 - len(legacy))
    data += [("LEGACY_ID", value) for value in legacy]
    data += [("CCI_REF", cci) for cci in rule.ccis]
    return data


# --- CKLB -------------------------------------------------------------------------------------

_GUIDE_SUFFIX = " Security Technical Implementation Guide"


def _display_name(benchmark: Benchmark) -> str:
    # SV3 shows the title without the STIG suffix (Splunk, RHEL 8 samples).
    title = benchmark.title
    return title[: -len(_GUIDE_SUFFIX)] if title.endswith(_GUIDE_SUFFIX) else title


def _cklb_stig(benchmark: Benchmark, uuid_factory: UuidFactory) -> dict[str, object]:
    stig_uuid = str(uuid_factory())
    rules = [_cklb_rule(rule, stig_uuid, str(uuid_factory())) for rule in benchmark.rules]
    return {
        "stig_name": benchmark.title,
        "display_name": _display_name(benchmark),
        "stig_id": benchmark.id,
        "release_info": benchmark.release_info,
        "version": benchmark.version,
        "uuid": stig_uuid,
        "reference_identifier": _target_key(benchmark),
        "size": len(rules),
        "rules": rules,
    }


def _cklb_rule(rule: Rule, stig_uuid: str, rule_uuid: str) -> dict[str, object]:
    """One rule in SV3 "Gen-B" key order (formats.md §3.2)."""
    rule_id = rule.rule_id[: -len("_rule")] if rule.rule_id.endswith("_rule") else rule.rule_id
    return {
        "group_id_src": rule.group_id,
        "group_tree": [{"id": rule.group_id, "title": rule.group_title, "description": rule.group_description}],
        "group_id": rule.group_id,
        "severity": rule.severity,
        # SV3 quirk: group_title holds the rule title; the SRG id is in group_tree[0].title.
        "group_title": rule.title,
        "rule_id_src": rule.rule_id,
        "rule_id": rule_id,
        "rule_version": rule.version,
        "rule_title": rule.title,
        "fix_text": rule.fix_text,
        "weight": rule.weight,
        "check_content": rule.check_content,
        "check_content_ref": {"href": rule.check_content_ref_href, "name": rule.check_content_ref_name},
        "classification": "Unclassified",
        "discussion": rule.discussion,
        "false_positives": rule.false_positives,
        "false_negatives": rule.false_negatives,
        "documentable": rule.documentable,
        "security_override_guidance": rule.severity_override_guidance,
        "potential_impacts": rule.potential_impacts,
        "third_party_tools": rule.third_party_tools,
        "ia_controls": rule.ia_controls,
        "responsibility": rule.responsibility,
        "mitigations": rule.mitigations,
        "mitigation_control": rule.mitigation_control,
        "legacy_ids": _legacy_ids_v_first(rule),
        "ccis": list(rule.ccis),
        "reference_identifier": rule.reference_identifier,
        "uuid": rule_uuid,
        "stig_uuid": stig_uuid,
        "status": "not_reviewed",
        "overrides": {},
        "comments": "",
        "finding_details": "",
    }

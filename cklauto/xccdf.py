"""Read a DISA XCCDF benchmark (the "Manual" STIG file) into plain typed values.

Only what the checklist generator needs is kept, but all of it is kept verbatim: STIG Viewer copies
XCCDF text into checklists unchanged, so any trimming or entity decoding here would show up as a
difference from a checklist STIG Viewer made.

The parser is hardened because benchmarks are files users download and pass around: no DTDs, no
entity expansion, no network, and a document with a DOCTYPE is refused outright (a DISA benchmark
never has one, so a DOCTYPE only ever means a hostile or wrong file).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cklauto.errors import XccdfError
from cklauto.safexml import hardened_parser, has_dtd, prolog_declares_dtd

__all__ = [
    "Benchmark",
    "Group",
    "Rule",
    "load_benchmark",
    "parse_benchmark",
    "split_pseudo_tags",
    "PSEUDO_TAGS",
]

XCCDF_NAMESPACES = (
    "http://checklists.nist.gov/xccdf/1.1",
    "http://checklists.nist.gov/xccdf/1.2",
)
_DC = "http://purl.org/dc/elements/1.1/"

# A large Windows STIG is ~5 MB; anything near this is not a benchmark and is not worth holding in memory.
MAX_BENCHMARK_BYTES = 64 * 1024 * 1024

# The pseudo-tags DISA puts, as escaped text, inside Rule/description.
PSEUDO_TAGS = (
    "VulnDiscussion",
    "FalsePositives",
    "FalseNegatives",
    "Documentable",
    "Mitigations",
    "SeverityOverrideGuidance",
    "PotentialImpacts",
    "ThirdPartyTools",
    "MitigationControl",
    "Responsibility",
    "IAControls",
)
_PSEUDO_RE = re.compile(
    r"<(" + "|".join(PSEUDO_TAGS) + r")>(.*?)</\1>",
    re.DOTALL,
)


@dataclass(frozen=True)
class Rule:
    """One XCCDF Rule with the Group it sits in (a STIG has one Rule per Group).

    Text fields are verbatim.  They may hold ``\\r`` where the benchmark file has raw CR characters:
    STIG Viewer 3 keeps those in CKLB strings, while a CKL writer must normalise them as an XML
    parser (and so STIG Viewer 2) would.
    """

    group_id: str  # Vuln_Num, e.g. "V-207290"
    group_title: str  # SRG id, e.g. "SRG-APP-000219"
    group_description: str  # raw, e.g. "<GroupDescription></GroupDescription>"
    rule_id: str  # "SV-207290r961110_rule"
    severity: str
    weight: str
    version: str  # STIG ID / Rule_Ver, e.g. "EX13-MB-000120"
    title: str
    description: str  # the whole pseudo-XML text, once unescaped
    discussion: str
    false_positives: str
    false_negatives: str
    documentable: str
    mitigations: str
    severity_override_guidance: str
    potential_impacts: str
    third_party_tools: str
    mitigation_control: str
    responsibility: str
    ia_controls: str
    reference_identifier: str  # reference/dc:identifier, the CKL TargetKey
    legacy_ids: tuple[str, ...]  # in file order
    ccis: tuple[str, ...]
    fix_id: str
    fix_text: str
    check_system: str
    check_content_ref_name: str
    check_content_ref_href: str
    check_content: str


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    description: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Benchmark:
    id: str  # stigid, e.g. "MS_Exchange_2013_Mailbox_STIG"
    title: str
    description: str
    version: str
    release_info: str  # "Release: 3 Benchmark Date: 24 Jul 2024"
    filename: str  # base name of the file it was read from
    notice: str  # notice/@id, "terms-of-use"
    source: str  # reference/dc:source, "STIG.DOD.MIL"
    groups: tuple[Group, ...]

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(rule for group in self.groups for rule in group.rules)

    @property
    def release(self) -> str:
        """The release number from release-info ("3"), or "" when it has none."""
        match = re.search(r"Release:\s*(\S+)", self.release_info)
        return match.group(1) if match else ""

    @property
    def short_name(self) -> str:
        """``<id>_V<version>R<release>``, the way DISA names releases (used for default titles)."""
        tag = f"V{self.version}R{self.release}" if self.version and self.release else ""
        return f"{self.id}_{tag}" if tag else self.id


def split_pseudo_tags(text: str) -> dict[str, str]:
    """Split Rule/description pseudo-XML into ``{tag: inner text}``.

    This is string matching, never XML parsing: the inner text is free text that may hold ``<SMTP
    Domain>``-like fragments or literal ``&quot;``.  STIG Viewer copies it verbatim (the SV 2.17
    Tomcat sample keeps ``&amp;quot;`` in Vuln_Discuss), so entities are left undecoded.
    Missing tags are absent from the result.
    """
    found: dict[str, str] = {}
    for match in _PSEUDO_RE.finditer(text):
        found.setdefault(match.group(1), match.group(2))
    return found


def load_benchmark(path: str | os.PathLike[str]) -> Benchmark:
    """Read and parse an XCCDF benchmark file; every failure is an XccdfError naming the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BENCHMARK_BYTES:
            raise XccdfError(path, f"file is {size} bytes, too large for a STIG benchmark")
        data = path.read_bytes()
    except OSError as exc:
        raise XccdfError(path, f"cannot read file: {exc.strerror or exc}") from None
    return parse_benchmark(data, path)


def parse_benchmark(data: bytes, path: str | os.PathLike[str] = "<benchmark>") -> Benchmark:
    """Parse benchmark bytes; ``path`` is used for error messages and the ``filename`` field."""
    where = str(path)
    if len(data) > MAX_BENCHMARK_BYTES:
        raise XccdfError(where, f"{len(data)} bytes is too large for a STIG benchmark")
    if not data.strip():
        raise XccdfError(where, "file is empty", "expected a DISA XCCDF benchmark, a *-xccdf.xml file")
    _refuse_doctype(data, where)
    parser = hardened_parser(remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
        if b"\r" in data:
            # Re-read keeping CRs; only now, on input known to be well-formed, so the
            # tokenising in _protect_carriage_returns stays linear.
            root = etree.fromstring(_protect_carriage_returns(data), parser)
    except etree.XMLSyntaxError as exc:
        raise XccdfError(
            where, f"not well-formed XML ({exc.msg})", "expected a DISA XCCDF benchmark, a *-xccdf.xml file"
        ) from None
    except ValueError as exc:  # e.g. an unsupported encoding declaration
        raise XccdfError(where, f"cannot parse as XML ({exc})") from None
    if has_dtd(root):
        raise XccdfError(where, "has a DOCTYPE, which a DISA benchmark never has; refusing it")
    return _benchmark(root, where)


# --- internals -------------------------------------------------------------------------------

# Markup in which a CR must not be touched; everything between these tokens is character data.
_MARKUP = re.compile(
    rb"<!--.*?-->"
    rb"|<!\[CDATA\[.*?\]\]>"
    rb"|<\?.*?\?>"
    rb"|<[^\"'>]*(?:(?:\"[^\"]*\"|'[^']*')[^\"'>]*)*>",
    re.DOTALL,
)


def _refuse_doctype(data: bytes, where: str) -> None:
    # Before parsing, so that no DTD construct ever reaches libxml2; the docinfo check after
    # parsing is a second line for encodings this byte scan cannot read (UTF-16).
    if prolog_declares_dtd(data):
        raise XccdfError(where, "has a DOCTYPE, which a DISA benchmark never has; refusing it")


def _protect_carriage_returns(data: bytes) -> bytes:
    """Turn raw CRs in character data into ``&#13;`` so the parser keeps them.

    XML end-of-line handling would turn CR LF into LF, but STIG Viewer 3 keeps the benchmark's CR
    LF in CKLB strings (``\\r\\n`` in the SV3 RHEL 8 sample), so the reader must not lose them.
    Only ASCII-compatible encodings are rewritten; a UTF-16 file is parsed as is.
    """
    if b"\r" not in data or data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        return data
    out: list[bytes] = []
    pos = 0
    for match in _MARKUP.finditer(data):
        out.append(data[pos : match.start()].replace(b"\r", b"&#13;"))
        out.append(match.group(0))
        pos = match.end()
    out.append(data[pos:].replace(b"\r", b"&#13;"))
    return b"".join(out)


def _local(el: etree._Element) -> tuple[str, str]:
    qname = etree.QName(el)
    return qname.namespace or "", qname.localname


def _text(el: etree._Element | None) -> str:
    return "".join(el.itertext()) if el is not None else ""


def _benchmark(root: etree._Element, where: str) -> Benchmark:
    if not isinstance(root.tag, str):
        raise XccdfError(where, "has no root element")
    ns, name = _local(root)
    if name != "Benchmark" or ns not in XCCDF_NAMESPACES:
        found = f"{{{ns}}}{name}" if ns else name
        raise XccdfError(
            where,
            f"root element is {found}, not an XCCDF Benchmark",
            "expected a DISA XCCDF benchmark (a *-xccdf.xml file), not a checklist or other XML",
        )
    x = f"{{{ns}}}"
    bench_id = root.get("id") or ""
    if not bench_id:
        raise XccdfError(where, "Benchmark has no id attribute")

    release_info = ""
    for plain in root.findall(f"{x}plain-text"):
        if plain.get("id") == "release-info":
            release_info = _text(plain)
            break
    notice = root.find(f"{x}notice")
    reference = root.find(f"{x}reference")
    source = _text(reference.find(f"{{{_DC}}}source")) if reference is not None else ""

    groups = tuple(_group(g, x, where) for g in root.iter(f"{x}Group"))
    groups = tuple(g for g in groups if g.rules)
    if not groups:
        raise XccdfError(where, "Benchmark has no Group with a Rule", "is this a truncated or empty benchmark?")
    return Benchmark(
        id=bench_id,
        title=_text(root.find(f"{x}title")),
        description=_text(root.find(f"{x}description")),
        version=_text(root.find(f"{x}version")),
        release_info=release_info,
        filename=Path(where).name,
        notice=(notice.get("id") or "") if notice is not None else "",
        source=source,
        groups=groups,
    )


def _group(group: etree._Element, x: str, where: str) -> Group:
    group_id = group.get("id") or ""
    if not group_id:
        raise XccdfError(where, f"a Group has no id attribute (line {group.sourceline})")
    title = _text(group.find(f"{x}title"))
    description = _text(group.find(f"{x}description"))
    # Only direct Rules: a nested Group is visited on its own by the caller's iter().
    rules = tuple(_rule(r, x, group_id, title, description, where) for r in group.findall(f"{x}Rule"))
    return Group(id=group_id, title=title, description=description, rules=rules)


def _rule(rule: etree._Element, x: str, group_id: str, group_title: str, group_description: str, where: str) -> Rule:
    rule_id = rule.get("id") or ""
    if not rule_id:
        raise XccdfError(where, f"a Rule in Group {group_id} has no id attribute")
    description = _text(rule.find(f"{x}description"))
    tags = split_pseudo_tags(description)
    # A non-DISA benchmark may have a plain description; it is still the discussion.
    discussion = tags.get("VulnDiscussion", "" if tags else description)

    reference_identifier = ""
    for reference in rule.findall(f"{x}reference"):
        ident = reference.find(f"{{{_DC}}}identifier")
        if ident is not None:
            reference_identifier = _text(ident)
            break

    legacy: list[str] = []
    ccis: list[str] = []
    for ident in rule.findall(f"{x}ident"):
        system = ident.get("system") or ""
        value = _text(ident)
        if system.rstrip("/").endswith("/cci") or value.startswith("CCI-"):
            ccis.append(value)
        elif "legacy" in system:
            legacy.append(value)

    fixtext = rule.find(f"{x}fixtext")
    check = rule.find(f"{x}check")
    ref = check.find(f"{x}check-content-ref") if check is not None else None
    content = check.find(f"{x}check-content") if check is not None else None
    return Rule(
        group_id=group_id,
        group_title=group_title,
        group_description=group_description,
        rule_id=rule_id,
        # XCCDF's schema defaults, used only when a benchmark leaves the attributes out.
        severity=rule.get("severity") or "unknown",
        weight=rule.get("weight") or "1.0",
        version=_text(rule.find(f"{x}version")),
        title=_text(rule.find(f"{x}title")),
        description=description,
        discussion=discussion,
        false_positives=tags.get("FalsePositives", ""),
        false_negatives=tags.get("FalseNegatives", ""),
        documentable=tags.get("Documentable", ""),
        mitigations=tags.get("Mitigations", ""),
        severity_override_guidance=tags.get("SeverityOverrideGuidance", ""),
        potential_impacts=tags.get("PotentialImpacts", ""),
        third_party_tools=tags.get("ThirdPartyTools", ""),
        mitigation_control=tags.get("MitigationControl", ""),
        responsibility=tags.get("Responsibility", ""),
        ia_controls=tags.get("IAControls", ""),
        reference_identifier=reference_identifier,
        legacy_ids=tuple(legacy),
        ccis=tuple(ccis),
        fix_id=(fixtext.get("fixref") or "") if fixtext is not None else "",
        fix_text=_text(fixtext),
        check_system=(check.get("system") or "") if check is not None else "",
        check_content_ref_name=(ref.get("name") or "") if ref is not None else "",
        check_content_ref_href=(ref.get("href") or "") if ref is not None else "",
        check_content=_text(content),
    )

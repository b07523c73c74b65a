"""EX13-MB-000120: Exchange internal Send connectors must require encryption

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium
(CAT II), CCI-001184, SRG-APP-000219.  The STIG ID is the same in every release; the other IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1R6 (legacy)          V-69987      SV-84609r1_rule
V2R1, V2R2             V-207290     SV-207290r615936_rule   V-69987, SV-84609
V2R3 (current)         V-207290     SV-207290r961110_rule   V-69987, SV-84609
=====================  ===========  ======================  ==================================

"V-84609" is the name the rule is commonly known by in this project; it is not a Group ID in any release, so it
is kept only as an alias (see ``ALIASES``).

Check text (DISA XCCDF, verbatim)::

    Review the Email Domain Security Plan (EDSP).

    Determine the internal SMTP Domain.

    Open the Exchange Management Shell and enter the following command:

    Get-SendConnector | Select Name, Identity, TlsDomain

    For each Send connector, if the value of TlsDomain is not set to the value of the internal <SMTP Domain>,
    this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-SendConnector -Identity <'IdentityName'> -TlsDomain <'SMTP Domain'>

    Note: The <IdentityName> and <SMTP Domain> values must be in quotes.

    Repeat the procedure for each Send connector.

How cklauto decides (``decide``):

* The internal SMTP domain comes from the site's EDSP; the user gives it (``--domain``, repeatable).  It is never
  guessed, because only the EDSP knows it.
* A connector complies when its TlsDomain, compared without regard to ASCII case, surrounding whitespace or one
  trailing dot, equals one of those domains.  A wildcard TlsDomain such as ``*.contoso.mil`` (what Exchange shows
  for a ``SmtpDomainWithSubdomains`` with IncludeSubDomains) complies only when that same wildcard was given;
  wildcards are never expanded in either direction, because the STIG asks for *the* internal domain.
* An unset (``$null``), empty or blank TlsDomain never complies.
* Any non-compliant connector makes the rule Open; otherwise it is NotAFinding.  No Send connectors at all is
  NotAFinding (nothing can send without encryption), and the details say so plainly.

``decide`` is pure: no I/O, no clock.  ``render_finding_details`` turns a ``Decision`` into the text written to
FINDING_DETAILS; the time of the check is passed in.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from cklauto.model import SendConnector, Status

STIG_ID = "EX13-MB-000120"
BENCHMARK_ID = "MS_Exchange_2013_Mailbox_STIG"
TITLE = "Exchange internal Send connectors must require encryption"
#: The name this project (and its users) know the rule by; shown in the finding-details header.
DISPLAY_ID = "V-84609"

#: Every identifier a checklist may use for this rule, across releases (see the module docstring).
ALIASES: frozenset[str] = frozenset(
    {
        "V-84609",
        "SV-84609",
        "SV-84609r1_rule",
        "V-69987",
        "V-207290",
        "SV-207290",
        "SV-207290r615936_rule",
        "SV-207290r961110_rule",
        "EX13-MB-000120",
    }
)

#: The command from the STIG check text, exactly as DISA writes it.
STIG_COMMAND = "Get-SendConnector | Select Name, Identity, TlsDomain"
#: The command from the STIG fix text, exactly as DISA writes it (placeholders included).
FIX_COMMAND = "Set-SendConnector -Identity <'IdentityName'> -TlsDomain <'SMTP Domain'>"

#: Every finding-details text cklauto writes starts with this.
HEADER_PREFIX = "cklauto "

# Line 1 of the details.  Kept strict so that analyst text is never mistaken for ours (and replaced on re-run).
_HEADER_RE = re.compile(
    r"cklauto (?P<version>\S+) evaluated (?P<stig_id>EX13-MB-000120) \(V-84609\) as "
    r"(?P<status>NotAFinding|Open|Not_Applicable|Not_Reviewed) "
    r"on (?P<when>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC\r?"
)
# Evaluate-STIG separates its header block from the evidence with this bar; reusing it keeps ISSOs' habits working.
SEPARATOR = "~~~~~"


# --------------------------------------------------------------------------------------------------------------
# Domains


def normalize_domain(text: str) -> str:
    """Return ``text`` in the form used for comparison: stripped, ASCII-lower-cased, one trailing dot removed.

    ``None``-like values are the caller's business; an empty or blank string normalises to ``""``.
    """
    value = text.strip()
    if value.endswith("."):
        # A fully qualified "contoso.mil." is the same DNS name as "contoso.mil".
        value = value[:-1]
    # DNS names compare case-insensitively for ASCII letters only (RFC 4343); str.lower would also fold non-ASCII.
    return value.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def validate_domain(text: str) -> str:
    """Check that ``text`` is a DNS domain (``contoso.mil``) or a wildcard domain (``*.contoso.mil``).

    Returns the normalised domain (see ``normalize_domain``).  Raises ``ValueError`` with a message meant for the
    user otherwise.  At least two labels are required: an internal SMTP domain from an EDSP is fully qualified,
    and a lone label ("contoso") is far more often a typo than a real mail domain.
    """
    if not isinstance(text, str):
        raise ValueError(f"the internal SMTP domain must be text, not {type(text).__name__}")
    shown = text.strip()
    value = normalize_domain(text)
    if not value:
        raise ValueError("the internal SMTP domain is empty")
    if "@" in value:
        raise ValueError(f"{shown!r} is an email address; give only the domain part (after the @)")
    if "://" in value or "/" in value:
        raise ValueError(f"{shown!r} looks like a URL; give only the SMTP domain, such as contoso.mil")
    if any(ch.isspace() for ch in value):
        raise ValueError(f"{shown!r} contains whitespace; give one SMTP domain per option")
    if not value.isascii():
        raise ValueError(f"{shown!r} contains non-ASCII characters; give the domain in its ASCII (xn--) form")
    body = value[2:] if value.startswith("*.") else value
    if "*" in body:
        raise ValueError(f"{shown!r}: a wildcard is only allowed as a leading '*.' (as in *.contoso.mil)")
    if len(body) > 253:
        raise ValueError(f"{shown!r} is longer than the 253 characters a DNS name may have")
    labels = body.split(".")
    if len(labels) < 2:
        raise ValueError(f"{shown!r} is not a fully qualified domain; expected something like contoso.mil")
    for label in labels:
        if not label:
            raise ValueError(f"{shown!r} has an empty label (two dots in a row, or a leading dot)")
        if not _LABEL_RE.fullmatch(label):
            raise ValueError(
                f"{shown!r}: label {label!r} is not valid "
                "(use letters, digits and inner hyphens, at most 63 characters)"
            )
    if labels[-1].isdigit():
        raise ValueError(f"{shown!r} looks like an IP address; give the SMTP domain name")
    return value


def _normalized_accepted(accepted_domains: Sequence[str]) -> tuple[str, ...]:
    """Validate and normalise the accepted domains, dropping duplicates but keeping the user's order."""
    if isinstance(accepted_domains, str):
        # A bare str is a Sequence[str] of characters: a classic slip that would give nonsense messages.
        raise TypeError("accepted_domains must be a sequence of domains, not a single string")
    result: list[str] = []
    for domain in accepted_domains:
        value = validate_domain(domain)
        if value not in result:
            result.append(value)
    if not result:
        raise ValueError("no internal SMTP domain given; the EDSP's internal SMTP domain is required (--domain)")
    return tuple(result)


# --------------------------------------------------------------------------------------------------------------
# Decision


@dataclass(frozen=True)
class ConnectorVerdict:
    """The outcome for one Send connector.

    ``reason`` is a short clause for humans, e.g. ``TlsDomain is empty; expected contoso.mil``.
    """

    connector: SendConnector
    compliant: bool
    reason: str


@dataclass(frozen=True)
class Decision:
    """The rule's outcome: NotAFinding or Open, one verdict per connector, and a one-sentence summary."""

    status: Status
    verdicts: tuple[ConnectorVerdict, ...]
    summary: str

    @property
    def failing(self) -> tuple[ConnectorVerdict, ...]:
        """The verdicts of the non-compliant connectors, in verdict order."""
        return tuple(v for v in self.verdicts if not v.compliant)


def _sort_key(connector: SendConnector) -> tuple[str, str, str, str, bool]:
    # Total order, so equal inputs in any order give identical text.  casefold first for a human-friendly order,
    # then the raw values to break ties deterministically (None sorts just after "", never compared with str).
    tls = connector.tls_domain
    return (connector.name.casefold(), connector.name, connector.identity, tls or "", tls is None)


def _expected_text(accepted: tuple[str, ...]) -> str:
    return accepted[0] if len(accepted) == 1 else "one of " + ", ".join(accepted)


def _judge(connector: SendConnector, accepted: tuple[str, ...]) -> ConnectorVerdict:
    expected = _expected_text(accepted)
    raw = connector.tls_domain
    if raw is None:
        return ConnectorVerdict(connector, False, f"TlsDomain is empty ($null); expected {expected}")
    if not raw.strip():
        detail = "empty" if raw == "" else "blank (whitespace only)"
        return ConnectorVerdict(connector, False, f"TlsDomain is {detail}; expected {expected}")
    value = normalize_domain(raw)
    shown = _visible(raw, quote_if_padded=True)
    if value in accepted:
        if raw == value:
            return ConnectorVerdict(connector, True, f"TlsDomain is {shown}, the internal SMTP domain")
        return ConnectorVerdict(
            connector, True, f"TlsDomain is {shown}, which matches the internal SMTP domain {value}"
        )
    if value.startswith("*.") and value[2:] in accepted:
        # The with-subdomains form of an accepted domain: close, but not what the STIG asks for, and expanding it
        # silently would hide a configuration that differs from the EDSP.
        return ConnectorVerdict(
            connector,
            False,
            f"TlsDomain is {shown}, a wildcard; expected {expected} (wildcards are compared literally)",
        )
    return ConnectorVerdict(connector, False, f"TlsDomain is {shown}; expected {expected}")


def decide(connectors: Sequence[SendConnector], accepted_domains: Sequence[str]) -> Decision:
    """Decide EX13-MB-000120 for the organisation's Send connectors.

    ``accepted_domains`` are the internal SMTP domain(s) from the EDSP; each is validated with
    ``validate_domain`` and ``ValueError`` is raised if one is invalid or none is given.

    Verdicts are sorted by connector Name (then Identity and TlsDomain), not kept in input order:
    ``Get-SendConnector`` returns connectors in Active Directory enumeration order, which is not guaranteed to be
    stable, and sorting makes the finding details byte-identical across re-runs when nothing changed, so that a
    difference an ISSO sees is a real change.
    """
    accepted = _normalized_accepted(accepted_domains)
    verdicts = tuple(_judge(c, accepted) for c in sorted(connectors, key=_sort_key))
    failing = [v for v in verdicts if not v.compliant]
    domain_phrase = "the internal SMTP domain" if len(accepted) == 1 else "an internal SMTP domain"
    total = len(verdicts)
    if total == 0:
        return Decision(
            Status.NOT_A_FINDING,
            verdicts,
            "No Send connectors are configured, so none lacks the required TlsDomain.",
        )
    noun = "Send connector" if total == 1 else "Send connectors"
    if not failing:
        verb = "has" if total == 1 else "have"
        return Decision(
            Status.NOT_A_FINDING, verdicts, f"{total} of {total} {noun} {verb} TlsDomain set to {domain_phrase}."
        )
    verb = "does" if len(failing) == 1 else "do"
    names = ", ".join(_quoted(v.connector.name) for v in failing)
    return Decision(
        Status.OPEN,
        verdicts,
        f"{len(failing)} of {total} {noun} {verb} not have TlsDomain set to {domain_phrase}: {names}.",
    )


# --------------------------------------------------------------------------------------------------------------
# Finding details


@dataclass(frozen=True)
class Source:
    """Where the connector data came from, as one human-readable line.

    ``kind`` is ``"remote"`` (a live Exchange endpoint) or ``"evidence"`` (an offline evidence file).
    """

    kind: str
    description: str

    def __post_init__(self) -> None:
        if self.kind not in _SOURCE_LABELS:
            raise ValueError(f"Source.kind must be one of {sorted(_SOURCE_LABELS)}, not {self.kind!r}")


_SOURCE_LABELS = {"remote": "Target", "evidence": "Source"}


def details_digest(connectors: Sequence[SendConnector]) -> str:
    """SHA-256 (hex) of the connector data, independent of input order.

    It covers the exact Name, Identity and TlsDomain strings (``None`` kept distinct from ``""``), so any change to
    the evidence changes the digest while a re-run on unchanged configuration reproduces it.
    """
    rows = sorted(
        ([c.name, c.identity, c.tls_domain] for c in connectors),
        # None must not be compared with str; it sorts just after "" and stays distinct from it in the JSON.
        key=lambda r: (r[0], r[1], r[2] or "", r[2] is None),
    )
    payload = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def is_cklauto_details(text: str) -> bool:
    """True when ``text`` is finding details written by cklauto for this rule (its first line is our header)."""
    if not text.startswith(HEADER_PREFIX):
        return False
    first_line = text.split("\n", 1)[0]
    return _HEADER_RE.fullmatch(first_line) is not None


#: Checklist text fields are cut at 32,767 characters by STIG Manager, Evaluate-STIG and Excel (formats.md §4).
MAX_DETAILS_LENGTH = 32767


def render_finding_details(
    decision: Decision,
    *,
    accepted_domains: Sequence[str],
    source: Source,
    checked_at: datetime,
    version: str,
    per_org_note: str | None = None,
    max_length: int = MAX_DETAILS_LENGTH,
) -> str:
    """Render the FINDING_DETAILS text an ISSO reads in STIG Viewer and eMASS.

    Plain text, LF line endings, no trailing newline, identical for identical inputs.  Not XML-escaped (the
    checklist engine does that).  Characters that could forge or hide lines (control, format and line/paragraph
    separator characters) in connector data are shown as ``\\uXXXX`` escapes.

    ``checked_at`` must be timezone-aware; it is shown in UTC.  The ``Fix`` lines use the first accepted domain.

    When the full text would exceed ``max_length`` (an organisation with hundreds of connectors), it is shortened
    in steps that keep the result and every non-compliant connector, rather than leaving a blind cut at the end
    to the checklist engine: first the table is left out, then the compliant connectors' lines and the per-connector
    fix commands.  Each step says what it left out; the ResultHash still covers every connector.
    """
    if checked_at.tzinfo is None or checked_at.utcoffset() is None:
        raise ValueError("checked_at must be timezone-aware (cklauto writes UTC times)")
    if not version or any(ch.isspace() for ch in version):
        raise ValueError(f"version must be one word, not {version!r}")
    accepted = _normalized_accepted(accepted_domains)
    text = ""
    for level in (0, 1, 2):
        text = _render(decision, accepted, source, checked_at, version, per_org_note, level, max_length)
        if len(text) <= max_length:
            break
    return text


def _render(
    decision: Decision,
    accepted: tuple[str, ...],
    source: Source,
    checked_at: datetime,
    version: str,
    per_org_note: str | None,
    level: int,
    max_length: int,
) -> str:
    """The details at a given level of detail: 0 full, 1 without the table, 2 only non-compliant connectors."""
    utc = checked_at.astimezone(timezone.utc)
    # Not strftime("%Y"): it does not zero-pad years below 1000 on every platform, and the header must stay fixed-width.
    when = f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} {utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    connectors = [v.connector for v in decision.verdicts]

    lines = [
        f"{HEADER_PREFIX}{version} evaluated {STIG_ID} ({DISPLAY_ID}) as {decision.status.value} on {when} UTC",
        f"ResultHash: {details_digest(connectors)}",
        SEPARATOR,
        f"{_SOURCE_LABELS[source.kind]}: {_one_line(source.description)}",
        f"Internal SMTP domain{'' if len(accepted) == 1 else 's'} (EDSP): {', '.join(accepted)}",
    ]
    if per_org_note is not None and per_org_note.strip():
        lines.append(f"Note: {_one_line(per_org_note)}")
    lines.append(f"Command: {STIG_COMMAND}")
    lines.append("")
    if not connectors:
        lines.append("No Send connectors are configured.")
    else:
        if level == 0:
            lines.extend(
                format_table(
                    ("Name", "Identity", "TlsDomain"),
                    [(c.name, c.identity, c.tls_domain if c.tls_domain is not None else "") for c in connectors],
                )
            )
        elif level == 1:
            lines.append(
                f"(Command output table left out to stay within {max_length:,} characters; "
                f"the {len(connectors)} Send connectors are listed below.)"
            )
        else:
            rest = "the non-compliant ones are listed below" if decision.failing else "none is non-compliant"
            lines.append(
                f"(Command output table and the {len(connectors) - len(decision.failing)} compliant Send "
                f"connectors left out to stay within {max_length:,} characters; {rest}.)"
            )
        lines.append("")
        for verdict in decision.verdicts:
            if level == 2 and verdict.compliant:
                continue
            label = Status.NOT_A_FINDING.value if verdict.compliant else Status.OPEN.value
            lines.append(f"[{label}] {_quoted(verdict.connector.name)}: {verdict.reason}")
    lines.append("")
    lines.append(f"Result: {decision.status.value}. {decision.summary}")
    failing = decision.failing
    if decision.status is Status.OPEN and failing:
        lines.append("")
        if level == 2:
            template = f"Set-SendConnector -Identity <'IdentityName'> -TlsDomain {_ps_quote(accepted[0])}"
            lines.append(f"Fix (Exchange Management Shell, for each non-compliant Send connector): {template}")
        else:
            lines.append("Fix (Exchange Management Shell, one command per non-compliant Send connector):")
            for verdict in failing:
                lines.append(fix_command(verdict.connector.identity, accepted[0]))
    return "\n".join(lines)


def fix_command(identity: str, domain: str) -> str:
    """``FIX_COMMAND`` with its placeholders filled in, quoted for PowerShell as the STIG requires."""
    return f"Set-SendConnector -Identity {_ps_quote(identity)} -TlsDomain {_ps_quote(domain)}"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lay out ``rows`` as ``Format-Table -AutoSize`` does: left-aligned columns one space apart.

    The dash row under each header is as long as the header text (as PowerShell writes it), columns are as wide
    as their widest cell in terminal cells (East Asian wide characters count two, combining marks zero), and lines
    carry no trailing spaces.  Cells are never truncated: this is an audit record.
    """
    shown_rows = [[_visible(cell) for cell in row] for row in rows]
    widths = [_display_width(h) for h in headers]
    for row in shown_rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _display_width(cell))

    def line(cells: Sequence[str]) -> str:
        padded = [cell + " " * (widths[i] - _display_width(cell)) for i, cell in enumerate(cells)]
        return " ".join(padded).rstrip()

    out = [line(headers), line(["-" * _display_width(h) for h in headers])]
    out.extend(line(row) for row in shown_rows)
    return out


# --------------------------------------------------------------------------------------------------------------
# Text helpers


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _needs_escape(ch: str) -> bool:
    # Cc: controls (NUL, ESC, CR/LF...); Cf: format chars incl. bidi overrides that can make text read differently
    # from what it is; Zl/Zp: line/paragraph separators; Cs: lone surrogates; U+FFFE/U+FFFF are illegal in XML.
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") or ch in "\ufffe\uffff"


def _visible(text: str, *, quote_if_padded: bool = False) -> str:
    """Make ``text`` safe to show on one line: escape characters that could hide, forge or break lines."""
    shown = "".join(_escape_char(ch) if _needs_escape(ch) else ch for ch in text)
    if quote_if_padded and shown != shown.strip():
        return json.dumps(shown, ensure_ascii=False)
    return shown


def _quoted(text: str) -> str:
    """``"name"`` with embedded quotes and backslashes escaped, so a name cannot close its own quotes."""
    # Escape the quoting characters first, so a \uXXXX added by _visible stays distinct from a literal backslash.
    return '"' + _visible(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def _one_line(text: str) -> str:
    """Fold a free-text value onto one line (newlines become spaces) and escape what remains invisible."""
    return _visible(" ".join(text.split()))


def _ps_quote(text: str) -> str:
    """A PowerShell single-quoted string literal: only ' needs doubling (PowerShell also treats curly quotes as ')."""
    escaped = re.sub("(['\u2018\u2019\u201a\u201b])", r"\1\1", _visible(text))
    return f"'{escaped}'"


def _display_width(text: str) -> int:
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width

"""Read Exchange's deserialized property values as the quantities the STIG means.

Over remote PowerShell every non-primitive Exchange value arrives as the string its ``ToString()`` gives
(shared/docs/exchange-objects.md §1.1-1.2): sizes as ``10 MB (10,485,760 bytes)`` or ``Unlimited``, time spans as
``1.00:00:00``, flag enums as ``Tls, Integrated``, identities as ``EX01\\Default EX01``.  The remoting and evidence
layers hand checks those strings (plus bools, ints, ``None`` and lists); this module is the one place that turns them
into numbers, sets and seconds.  Every reader raises :class:`ValueError` with a short reason on a value it cannot
read, so a check fails closed instead of comparing display strings.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # cryptography is heavy: imported only when a certificate is read
    from cryptography import x509


class _Unlimited:
    """Exchange's ``Unlimited``: larger than any number, equal only to itself."""

    _instance: _Unlimited | None = None

    def __new__(cls) -> _Unlimited:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNLIMITED"

    def __str__(self) -> str:
        return "Unlimited"


#: The value of an ``Unlimited<T>`` property that is not limited.
UNLIMITED: Final = _Unlimited()

#: What :func:`size` returns: a byte count, or ``UNLIMITED``.
Size = int | _Unlimited


def text(value: Any) -> str | None:
    """A scalar property as text; ``None`` stays None.  Lists are refused: they are never one value."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple, dict)):
        raise ValueError("a list where one value was expected")
    raise ValueError(f"a {type(value).__name__} where text was expected")


def is_blank(value: Any) -> bool:
    """``$null``, ``''`` or whitespace: what the STIG calls "not set" or "blank"."""
    return value is None or (isinstance(value, str) and not value.strip())


def boolean(value: Any) -> bool | None:
    """A ``bool`` or ``bool?`` property: True, False, or None for ``$null`` ("not set" / "not read").

    Accepts the strings ``True``/``False`` (how evidence exported as text spells them); anything else raises.
    Callers must decide what ``None`` means; it is never read as False.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"{_shown(value)} is not True or False")


def integer(value: Any) -> int:
    """An ``int`` property (MaxHopCount, TransientFailureRetryCount); digits in a string are accepted."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{_shown(value)} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", value):
        return int(value)
    raise ValueError(f"{_shown(value)} is not a whole number")


def unlimited_integer(value: Any) -> int | _Unlimited:
    """An ``Unlimited<int>`` property (MaxOutboundConnections): an int, or ``UNLIMITED``."""
    if isinstance(value, str) and value.strip().lower() == "unlimited":
        return UNLIMITED
    return integer(value)


_SIZE = re.compile(r"^\s*[\d.,]+(?:E[+-]?\d+)?\s*(?:[KMGTPE]?B)\s*\(\s*([\d,]+)\s*bytes?\s*\)\s*$", re.IGNORECASE)
_PLAIN_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?B)?\s*$", re.IGNORECASE)
_UNITS = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40, "PB": 1 << 50}


def size(value: Any) -> int | _Unlimited:
    """A ``ByteQuantifiedSize`` or ``Unlimited<ByteQuantifiedSize>`` as bytes, or ``UNLIMITED``.

    Only the exact byte count in parentheses is used (``2 GB (2,147,482,624 bytes)`` is not 2 GB): the leading
    figure is rounded for display.  A bare integer is taken as bytes (evidence that kept the raw number).
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{_shown(value)} is not a size")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is not a size")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{_shown(value)} is not a size")
    if value.strip().lower() == "unlimited":
        return UNLIMITED
    found = _SIZE.match(value)
    if not found:
        raise ValueError(f"{_shown(value)} is not a size such as '10 MB (10,485,760 bytes)' or 'Unlimited'")
    return int(found.group(1).replace(",", ""))


def parse_size_setting(value: Any) -> int | _Unlimited:
    """A size a person wrote in a site settings file: ``10485760``, ``"10 MB"``, ``"Unlimited"`` or Exchange's form.

    Units are binary, as Exchange counts them (1 MB = 1,048,576 bytes).
    """
    if isinstance(value, str):
        if value.strip().lower() == "unlimited":
            return UNLIMITED
        plain = _PLAIN_SIZE.match(value)
        if plain:
            number, unit = plain.groups()
            amount = float(number) * _UNITS[(unit or "B").upper()]
            if amount != int(amount):
                raise ValueError(f"{value!r} is not a whole number of bytes")
            return int(amount)
    return size(value)


def format_size(value: int | _Unlimited) -> str:
    """A size as Exchange shows it: ``10 MB (10,485,760 bytes)``, or ``Unlimited``."""
    if value is UNLIMITED:
        return "Unlimited"
    assert isinstance(value, int)
    for unit in ("TB", "GB", "MB", "KB"):
        scale = _UNITS[unit]
        if value >= scale:
            figure = f"{value / scale:.4g}"
            return f"{figure} {unit} ({value:,} bytes)"
    return f"{value} B ({value:,} bytes)"


_TIMESPAN = re.compile(r"^\s*(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?\s*$")


def seconds(value: Any) -> float | _Unlimited:
    """An ``EnhancedTimeSpan`` (``[-][d.]hh:mm:ss[.fffffff]``) as seconds, or ``UNLIMITED``."""
    if isinstance(value, str) and value.strip().lower() == "unlimited":
        return UNLIMITED
    if not isinstance(value, str):
        raise ValueError(f"{_shown(value)} is not a time span")
    found = _TIMESPAN.match(value)
    if not found:
        raise ValueError(f"{_shown(value)} is not a time span such as '00:10:00'")
    negative, days, hours, minutes, secs, fraction = found.groups()
    if int(minutes) > 59 or int(secs) > 59 or int(hours) > 23:
        raise ValueError(f"{_shown(value)} is not a time span such as '00:10:00'")
    total = int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + int(secs)
    total_f = total + int((fraction or "0").ljust(7, "0")) / 1e7
    return -total_f if negative else total_f


def flags(value: Any) -> frozenset[str]:
    """A flag enum (``Tls, Integrated, BasicAuth``) as a set of lower-cased names; ``None`` (value 0) is empty.

    Undefined bits print as a number; such a value is refused rather than guessed at.
    """
    if value is None:
        return frozenset()
    if isinstance(value, (list, tuple)):
        parts = [text(v) or "" for v in value]
    else:
        shown = text(value) or ""
        parts = shown.split(",")
    names = {p.strip().lower() for p in parts if p.strip()}
    if any(n.lstrip("-").isdigit() for n in names):
        raise ValueError(f"{_shown(value)} holds a number, not flag names")
    return frozenset(names - {"none"})


def enum_name(value: Any) -> str | None:
    """An enum property (``Lowest``, ``InternalLegacy``, ``Ntlm``) as its lower-cased name; None stays None."""
    shown = text(value)
    if shown is None:
        return None
    if "," in shown:
        raise ValueError(f"{_shown(value)} is several values, not one")
    return shown.strip().lower()


def items(value: Any) -> list[Any]:
    """A multi-valued property as a list (``None`` is empty).  A lone string is refused: it is not a list."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValueError(f"{_shown(value)} is one value where a list was expected")


def string_items(value: Any) -> list[str]:
    """A multi-valued property of strings (AdminAuditLogParameters, SmartHosts, InternalSMTPServers)."""
    result = []
    for item in items(value):
        shown = text(item)
        if shown is None:
            raise ValueError("a list holding $null")
        result.append(shown)
    return result


def normalize_domain(value: str) -> str:
    """A DNS/SMTP domain for comparison: stripped, ASCII-lower-cased, one trailing dot removed (RFC 4343)."""
    domain = value.strip()
    if domain.endswith("."):
        domain = domain[:-1]
    return domain.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


_PROXY_PREFIX = re.compile(r"^\s*([A-Za-z0-9]{1,9}):(.*)$", re.DOTALL)
_SMTP_ADDRESS = re.compile(r"^[^@\s]+@([^@\s]+)$")


def smtp_address(value: Any) -> str | None:
    """A ``ProxyAddress`` such as ForwardingSmtpAddress (``smtp:jane@fabrikam.com``) as ``jane@fabrikam.com``.

    ``$null`` stays None (not set).  The ``smtp:``/``SMTP:`` prefix (any case) is dropped; a bare address (evidence
    that kept only the address) is accepted.  Any other prefix (``X500:``...) or a value that is not one
    ``local@domain`` raises: it is not an SMTP address whose domain could be judged.
    """
    shown = text(value)
    if shown is None:
        return None
    address = shown.strip()
    prefixed = _PROXY_PREFIX.match(address)
    if prefixed:
        if prefixed.group(1).lower() != "smtp":
            raise ValueError(f"{_shown(value)} is a {prefixed.group(1)} address, not an SMTP address")
        address = prefixed.group(2).strip()
    found = _SMTP_ADDRESS.match(address)
    if not found or found.group(1).startswith(".") or ".." in found.group(1):
        raise ValueError(f"{_shown(value)} is not an SMTP address such as 'smtp:jane@fabrikam.com'")
    return address


def smtp_domain(address: str) -> str:
    """The domain of an SMTP address (``jane@Fabrikam.COM`` -> ``fabrikam.com``), normalised for comparison."""
    if "@" not in address:
        raise ValueError(f"{_shown(address)} is not an SMTP address")
    return normalize_domain(address.rsplit("@", 1)[1])


def domain_within(domain: str, pattern: str) -> bool:
    """Whether every address ``domain`` covers is matched by ``pattern`` (Exchange's SmtpDomainWithSubdomains rules).

    ``contoso.mil`` matches only itself; ``*.contoso.mil`` matches contoso.mil and every subdomain of it; ``*``
    matches every domain.  ``domain`` may itself be such a pattern (a remote domain's DomainName): ``*.army.mil`` lies
    within ``*.mil`` but not within ``army.mil``.  Both sides are compared normalised (case, one trailing dot).
    """
    name, wanted = normalize_domain(domain), normalize_domain(pattern)
    if wanted == "*":
        return True
    if name == "*":
        return False
    if name.startswith("*."):
        return wanted.startswith("*.") and domain_within(name[2:], wanted)
    if wanted.startswith("*."):
        parent = wanted[2:]
        return name == parent or name.endswith("." + parent)
    return name == wanted


@dataclass(frozen=True)
class AddressSpace:
    """One entry of a Send connector's AddressSpaces: ``SMTP:*;1`` is type ``smtp``, address ``*``, cost 1."""

    type: str
    address: str
    cost: int

    @property
    def is_smtp_everything(self) -> bool:
        """``SMTP:*``: the connector routes mail for every domain no other connector claims (the Internet)."""
        return self.type == "smtp" and self.address.strip() == "*"


_ADDRESS_SPACE = re.compile(r"^\s*([A-Za-z0-9]+):(.*);(\d{1,3})\s*$", re.DOTALL)


def address_space(value: Any) -> AddressSpace:
    """An ``AddressSpace`` as Exchange prints it (``type:address;cost``)."""
    shown = text(value)
    found = _ADDRESS_SPACE.match(shown or "")
    if not found or not found.group(2).strip():
        raise ValueError(f"{_shown(value)} is not an address space such as 'SMTP:*;1'")
    return AddressSpace(found.group(1).lower(), found.group(2), int(found.group(3)))


def smart_host(value: Any) -> str:
    """A ``SmartHost`` entry as a comparable name: ``[10.1.1.1]`` -> ``10.1.1.1``, ``Relay.MIL.`` -> ``relay.mil``.

    IP addresses are written in their canonical form (``[2001:DB8::0:1]`` -> ``2001:db8::1``), so the site's list and
    Exchange's value compare equal whatever the spelling.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{_shown(value)} is not a smart host")
    host = value.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1].strip()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    name = normalize_domain(host)
    if not name or any(ch.isspace() or ch in "[]@/" for ch in name):
        raise ValueError(f"{_shown(value)} is not a smart host name or IP address")
    return name


def same_name(a: str | None, b: str | None) -> bool:
    """Exchange object names and identities compare without regard to case."""
    return a is not None and b is not None and a.strip().casefold() == b.strip().casefold()


def server_of(identity: str | None) -> str | None:
    """The server part of a per-server identity (``EX01\\Default EX01`` -> ``EX01``), or None."""
    if identity is None or "\\" not in identity:
        return None
    return identity.split("\\", 1)[0].strip() or None


def short_host(name: str) -> str:
    """``ex01.contoso.mil`` -> ``ex01``: Exchange server names are NetBIOS-style, FQDNs carry the domain."""
    return name.strip().split(".", 1)[0]


def is_same_server(candidate: str | None, server: str) -> bool:
    """True when ``candidate`` (a Server property or identity prefix) names ``server`` (name or FQDN)."""
    if candidate is None:
        return False
    a, b = candidate.strip().casefold(), server.strip().casefold()
    return a == b or short_host(a) == short_host(b)


@dataclass(frozen=True)
class Version:
    """An Exchange ``AdminDisplayVersion`` such as ``Version 15.0 (Build 1497.2)``."""

    major: int
    minor: int
    build: int
    revision: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor} (Build {self.build}.{self.revision})"


_VERSION = re.compile(r"^\s*Version\s+(\d+)\.(\d+)\s+\(Build\s+(\d+)\.(\d+)\)\s*$", re.IGNORECASE)


def version(value: Any) -> Version:
    shown = text(value)
    found = _VERSION.match(shown or "")
    if not found:
        raise ValueError(f"{_shown(value)} is not an Exchange version such as 'Version 15.0 (Build 1497.2)'")
    return Version(*(int(g) for g in found.groups()))


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if value is None:
        return "$null"
    return f"{type(value).__name__} {value!r}"[:80]


# ---------------------------------------------------------------------------------------------------------------
# Diagnostic logging levels (Get-EventLogLevel)

#: ``ExEventLog.EventLevel`` (exchange-objects.md §2.10): the names Exchange prints, and their numbers.
EVENT_LEVELS: Final = {"lowest": 0, "low": 1, "medium": 3, "high": 5, "expert": 7}


def event_level(value: Any) -> int:
    """An ``EventLevel`` as its number: ``Lowest`` is 0, ``Low`` 1 ... ``Expert`` 7.

    A level that has no name prints as its number (the Exchange 2019 STIG lists ``MSExchange OAuth\\Server - 2`` as a
    default), so a whole number is read as that level.  ``$null`` and unknown names raise.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= 255:
            return value
        raise ValueError(f"{_shown(value)} is not an event logging level")
    shown = text(value)
    if shown is None:
        raise ValueError("the event logging level is $null")
    key = shown.strip().lower()
    if key in EVENT_LEVELS:
        return EVENT_LEVELS[key]
    if re.fullmatch(r"\d{1,3}", key) and int(key) <= 255:
        return int(key)
    raise ValueError(f"{_shown(value)} is not an event logging level (Lowest, Low, Medium, High or Expert)")


def event_level_name(level: int) -> str:
    """The name Exchange prints for ``level`` (``Lowest``), or the bare number when it has none."""
    for name, number in EVENT_LEVELS.items():
        if number == level:
            return name.capitalize()
    return str(level)


# ---------------------------------------------------------------------------------------------------------------
# Exchange builds written in site settings


_BUILD = re.compile(r"^\s*(?:Version\s+)?(\d{1,4})\.(\d{1,4})(?:\.|\s+\(Build\s+)(\d{1,6})\.(\d{1,6})\)?\s*$", re.I)


def exchange_build(value: Any) -> Version:
    """A build a person wrote (``15.0.1497.2``) or Exchange's own form (``Version 15.0 (Build 1497.2)``)."""
    shown = text(value)
    found = _BUILD.match(shown or "")
    if not found or ("(" in (shown or "")) != (")" in (shown or "")):
        raise ValueError(f"{_shown(value)} is not an Exchange build such as '15.0.1497.2'")
    return Version(*(int(g) for g in found.groups()))


def build_order(build: Version) -> tuple[int, int, int, int]:
    """A key that orders builds as Exchange numbers them (major, minor, build, revision)."""
    return (build.major, build.minor, build.build, build.revision)


# ---------------------------------------------------------------------------------------------------------------
# Distinguished names and certificates (Get-ExchangeCertificate sends only RawData: exchange-objects.md §2.18)

#: Attribute types by OID, with the short names .NET's X500DistinguishedName prints (what Exchange shows as Issuer).
_DN_NAMES: Final = {
    "2.5.4.3": "CN",
    "2.5.4.4": "SN",
    "2.5.4.5": "SERIALNUMBER",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "S",
    "2.5.4.9": "STREET",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.12": "T",
    "2.5.4.42": "G",
    "2.5.4.43": "I",
    "1.2.840.113549.1.9.1": "E",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
}
_DN_TYPES: Final = {short: short for short in _DN_NAMES.values()} | {
    "ST": "S",
    "EMAIL": "E",
    "EMAILADDRESS": "E",
    "GIVENNAME": "G",
    "SURNAME": "SN",
    "TITLE": "T",
    "USERID": "UID",
}

#: One attribute of a distinguished name, normalised for comparison: (short type, case-folded value).
Attribute = tuple[str, str]


def _dn_type(raw: str) -> str:
    key = raw.strip().upper()
    if key.startswith("OID."):
        key = key[4:]
    if re.fullmatch(r"\d+(?:\.\d+)+", key):
        return _DN_NAMES.get(key, f"OID.{key}")
    if key in _DN_TYPES:
        return _DN_TYPES[key]
    raise ValueError(f"{raw.strip()!r} is not a distinguished-name attribute type such as CN, OU, O or C")


def _dn_value(raw: str) -> str:
    # X.520 caseIgnoreMatch: case and runs of spaces do not matter.
    return " ".join(raw.split()).casefold()


def distinguished_name(value: Any) -> tuple[Attribute, ...]:
    """A distinguished name a person wrote, in .NET (``CN=DOD SW CA-66, OU=PKI, OU=DoD, O=U.S. Government, C=US``)
    or RFC 4514 form, as normalised attributes in the order written.

    Values may be quoted (``O="Contoso, Inc."``) or escape a character with a backslash (``O=Contoso\\, Inc.``);
    ``,`` and ``;`` separate RDNs, ``+`` joins the attributes of one RDN.  Raises ValueError on anything else.
    """
    shown = text(value)
    if shown is None or not shown.strip():
        raise ValueError("an empty distinguished name")
    attributes: list[Attribute] = []
    for part in _split_dn(shown):
        name, sep, raw = part.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{_shown(value)}: {part.strip()!r} is not of the form TYPE=value")
        attribute_value = _unquote_dn(raw, value)
        if not attribute_value:
            raise ValueError(f"{_shown(value)}: {name.strip()} has an empty value")
        attributes.append((_dn_type(name), _dn_value(attribute_value)))
    return tuple(attributes)


def _split_dn(shown: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    escaped = False
    for ch in shown:
        if escaped:
            current.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch in ",;+" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if escaped or quoted:
        raise ValueError(f"{_shown(shown)} ends inside an escape or a quoted value")
    parts.append("".join(current))
    return parts


def _unquote_dn(raw: str, whole: Any) -> str:
    value = raw.strip()
    if value.startswith('"'):
        if len(value) < 2 or not value.endswith('"'):
            raise ValueError(f"{_shown(whole)}: unbalanced quotes in {value!r}")
        value = value[1:-1].replace('""', '"')
    # \XX (hex) and \c (a special character) escapes, as RFC 4514 writes them.
    return re.sub(
        r"\\([0-9A-Fa-f]{2}|.)", lambda m: chr(int(m.group(1), 16)) if len(m.group(1)) == 2 else m.group(1), value
    ).strip()


def dn_matches(name: tuple[Attribute, ...], pattern: tuple[Attribute, ...]) -> bool:
    """True when ``name`` holds every attribute of ``pattern`` (as often as the pattern does), in any order.

    ``OU=PKI, OU=DoD, O=U.S. Government, C=US`` thus matches every DoD PKI CA, and a full issuer DN matches that CA.
    Values are compared whole (no wildcards, no prefixes).
    """
    remaining = list(name)
    for attribute in pattern:
        if attribute not in remaining:
            return False
        remaining.remove(attribute)
    return bool(pattern)


@dataclass(frozen=True)
class Certificate:
    """What the STIG and an assessor read from an Exchange certificate, recovered from its DER ``RawData``."""

    thumbprint: str  #: SHA-1 of the DER, upper-case hex (Exchange's Thumbprint)
    subject: str  #: as .NET prints it: most specific RDN first, ``, `` between RDNs
    common_name: str | None  #: the subject's (most specific) CN, as written
    issuer: str
    subject_attributes: tuple[Attribute, ...]  #: normalised, in the order .NET prints them
    issuer_attributes: tuple[Attribute, ...]
    #: Exchange's CertificateDomains: the subject's CN if it is a DNS name, then the SAN's DNS names, without repeats.
    domains: tuple[str, ...]
    not_before: datetime
    not_after: datetime
    #: Subject and issuer are the same name (RFC 5280 "self-issued"): no CA vouched for this certificate.
    self_issued: bool


def certificate(value: Any) -> Certificate:
    """An ``ExchangeCertificate``'s ``RawData`` (bytes of the DER certificate) read with ``cryptography``."""
    if isinstance(value, (bytearray, memoryview)):
        value = bytes(value)
    if not isinstance(value, bytes):
        raise ValueError(f"{_shown(value)} is not a certificate's RawData (bytes)")
    if not value:
        raise ValueError("the certificate's RawData is empty")
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(value)
        subject, issuer = cert.subject, cert.issuer
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            dns_names = san.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            dns_names = []
        not_before, not_after = _validity(cert)
    except (ValueError, TypeError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType) as exc:
        raise ValueError(f"RawData is not a readable DER certificate ({exc})") from None
    # TlsCertificateInfo.GetFQDNs (exchange-objects.md §2.18): the subject's CN when it is a DNS name, then each SAN
    # DNS name that is one, without case-insensitive repeats.
    common_names = [str(a.value) for a in reversed(subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME))]
    domains: list[str] = []
    for domain in [*common_names[:1], *dns_names]:
        if _is_dns_name(domain) and domain.casefold() not in (d.casefold() for d in domains):
            domains.append(domain)
    return Certificate(
        thumbprint=hashlib.sha1(value, usedforsecurity=False).hexdigest().upper(),  # Exchange's Thumbprint is SHA-1
        subject=_dotnet_name(subject),
        common_name=common_names[0] if common_names else None,
        issuer=_dotnet_name(issuer),
        subject_attributes=_name_attributes(subject),
        issuer_attributes=_name_attributes(issuer),
        domains=tuple(domains),
        not_before=not_before,
        not_after=not_after,
        self_issued=subject.public_bytes() == issuer.public_bytes(),
    )


_DNS_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def _is_dns_name(name: str) -> bool:
    body = name[2:] if name.startswith("*.") and len(name) > 2 else name
    return 0 < len(body) <= 253 and all(_DNS_LABEL.fullmatch(label) for label in body.rstrip(".").split("."))


def _validity(cert: x509.Certificate) -> tuple[datetime, datetime]:
    if hasattr(cert, "not_valid_before_utc"):  # cryptography 42 and later
        return cert.not_valid_before_utc, cert.not_valid_after_utc
    return (  # pragma: no cover - cryptography 41 gives naive UTC times
        cert.not_valid_before.replace(tzinfo=timezone.utc),
        cert.not_valid_after.replace(tzinfo=timezone.utc),
    )


def _name_attributes(name: x509.Name) -> tuple[Attribute, ...]:
    return tuple(
        (_DN_NAMES.get(a.oid.dotted_string, f"OID.{a.oid.dotted_string}"), _dn_value(_attribute_text(a.value)))
        for a in reversed(list(name))
    )


def _attribute_text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.hex()


def _dotnet_name(name: x509.Name) -> str:
    # .NET lists the RDNs from the last (most specific) to the first, quoting values that hold separators.
    rdns = []
    for rdn in reversed(name.rdns):
        avas = []
        for attribute in rdn:
            short = _DN_NAMES.get(attribute.oid.dotted_string, f"OID.{attribute.oid.dotted_string}")
            shown = _attribute_text(attribute.value)
            if shown != shown.strip() or any(ch in shown for ch in ',+="\n<>#;'):
                shown = '"' + shown.replace('"', '""') + '"'
            avas.append(f"{short}={shown}")
        rdns.append(" + ".join(avas))
    return ", ".join(rdns)


def size_argument(value: int | _Unlimited) -> str:
    """A size as a Set- cmdlet argument that means exactly these bytes: ``Unlimited``, ``2GB``, ``2355MB`` or bytes.

    Exchange parses a bare number as bytes and ``<n>KB|MB|GB|TB`` in binary units (ByteQuantifiedSize.Parse), so the
    largest unit that divides the value exactly keeps the fix command short without rounding it.
    """
    if value is UNLIMITED:
        return "Unlimited"
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{_shown(value)} is not a size")
    for unit in ("TB", "GB", "MB", "KB"):
        scale = _UNITS[unit]
        if value and value % scale == 0:
            return f"{value // scale}{unit}"
    return str(value)


# ---------------------------------------------------------------------------------------------------------------
# IP addresses and ranges (InternalSMTPServers, RemoteIPRanges): Exchange's IPRange and the site's address lists

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class AddressRange:
    """A contiguous block of IP addresses of one family, ``first`` to ``last`` inclusive.

    Exchange's ``IPRange`` is exactly this (a lower and an upper bound); its four text forms (single address, CIDR,
    ``lo-hi`` and ``address(netmask)``) are only ways of writing the bounds, so ranges compare by their bounds.
    """

    first: Address
    last: Address

    def __post_init__(self) -> None:
        if self.first.version != self.last.version:
            raise ValueError(f"{self.first}-{self.last} mixes IPv4 and IPv6")
        if int(self.first) > int(self.last):
            raise ValueError(f"{self.first}-{self.last} ends before it starts")

    @property
    def version(self) -> int:
        return self.first.version

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.version, int(self.first), int(self.last))

    def covers(self, other: AddressRange) -> bool:
        """True when every address of ``other`` is in this range."""
        return (
            self.version == other.version and int(self.first) <= int(other.first) and int(other.last) <= int(self.last)
        )

    def __str__(self) -> str:
        if self.first == self.last:
            return str(self.first)
        blocks = list(ipaddress.summarize_address_range(self.first, self.last))
        if len(blocks) == 1:
            return str(blocks[0])
        return f"{self.first}-{self.last}"


def ip_range(value: Any) -> AddressRange:
    """One IP range: Exchange's ``IPRange`` text, or an address or network from the site settings.

    Exchange writes ``10.0.0.5``, ``10.0.0.0/24``, ``10.0.0.1-10.0.0.9`` or ``10.0.0.0(255.255.255.0)`` (IPv6 alike,
    ``IPRange.ToString``); a CIDR or netmask whose address has host bits set covers its whole network, as Exchange
    reads it.  Zone indexes (``fe80::1%4``) and non-contiguous masks are refused.
    """
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return AddressRange(value, value)
    if isinstance(value, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        return AddressRange(value.network_address, value.broadcast_address)
    if not isinstance(value, str):
        raise ValueError(f"{_shown(value)} is not an IP address or range")
    shown = value.strip()
    if not shown:
        raise ValueError("an empty IP range")
    if "%" in shown:
        raise ValueError(f"{_shown(value)}: zone indexes (%) are not IP ranges")
    cut = min((i for i in (shown.find("-"), shown.find("/"), shown.find("(")) if i > 0), default=-1)
    try:
        if cut < 0:
            address = _address(shown)
            return AddressRange(address, address)
        head, kind, tail = shown[:cut], shown[cut], shown[cut + 1 :]
        if kind == "-":
            return AddressRange(_address(head), _address(tail))
        if kind == "/":
            if not re.fullmatch(r"\s*\d{1,3}\s*", tail):
                raise ValueError(f"{tail.strip()!r} is not a prefix length")
            network = ipaddress.ip_network(f"{head.strip()}/{int(tail)}", strict=False)
            return AddressRange(network.network_address, network.broadcast_address)
        if not tail.endswith(")"):
            raise ValueError("a netmask must be written in parentheses, as in 10.0.0.0(255.255.255.0)")
        return _netmask_range(_address(head), _address(tail[:-1]))
    except ValueError as exc:
        raise ValueError(f"{_shown(value)} is not an IP address or range: {exc}") from None


def _address(text: str) -> Address:
    return ipaddress.ip_address(text.strip())


def _netmask_range(address: Address, mask: Address) -> AddressRange:
    if address.version != mask.version:
        raise ValueError("the address and its netmask are of different IP versions")
    bits = address.max_prefixlen
    host = ~int(mask) & ((1 << bits) - 1)
    if host & (host + 1):
        raise ValueError(f"{mask} is not a contiguous netmask")
    first = int(address) & ~host & ((1 << bits) - 1)
    cls = type(address)
    return AddressRange(cls(first), cls(first | host))


def ip_ranges(value: Any) -> list[AddressRange]:
    """A multi-valued IPRange property (or the site's address list) as ranges; ``None`` is empty."""
    ranges = []
    for item in items(value):
        if item is None:
            raise ValueError("a list holding $null")
        ranges.append(ip_range(item))
    return ranges


def merge_ranges(ranges: Iterable[AddressRange]) -> list[AddressRange]:
    """The same addresses as the fewest ranges: overlapping or adjacent ranges joined, sorted, IPv4 first."""
    merged: list[AddressRange] = []
    for current in sorted(ranges, key=lambda r: r.sort_key):
        if merged and merged[-1].version == current.version and int(current.first) <= int(merged[-1].last) + 1:
            if int(current.last) > int(merged[-1].last):
                merged[-1] = AddressRange(merged[-1].first, current.last)
            continue
        merged.append(current)
    return merged


def uncovered(ranges: Iterable[AddressRange], by: Iterable[AddressRange]) -> list[AddressRange]:
    """The addresses of ``ranges`` that no range of ``by`` holds, as merged ranges (empty: all are covered)."""
    cover = merge_ranges(by)
    left: list[AddressRange] = []
    for wanted in merge_ranges(ranges):
        start = int(wanted.first)
        end = int(wanted.last)
        cls = type(wanted.first)
        for block in cover:
            if block.version != wanted.version or int(block.last) < start or int(block.first) > end:
                continue
            if int(block.first) > start:
                left.append(AddressRange(cls(start), cls(int(block.first) - 1)))
            start = int(block.last) + 1
            if start > end:
                break
        if start <= end:
            left.append(AddressRange(cls(start), cls(end)))
    return left


def name_matches(pattern: str, name: str | None) -> bool:
    """Whether a site-setting entry (``Default Frontend EX01``, ``EX01\\Relay``, ``Default Frontend *``) names ``name``.

    Exchange names compare without regard to case or surrounding whitespace.  ``*`` in the entry stands for any
    text (so one entry can name the same connector on every server); no other character is special.
    """
    if name is None:
        return False
    wanted = pattern.strip().casefold()
    actual = name.strip().casefold()
    if not wanted:
        return False
    if "*" not in wanted:
        return wanted == actual
    regex = ".*".join(re.escape(part) for part in wanted.split("*"))
    return re.fullmatch(regex, actual, re.DOTALL) is not None

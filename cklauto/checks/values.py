"""Read Exchange's deserialized property values as the quantities the STIG means.

Over remote PowerShell every non-primitive Exchange value arrives as the string its ``ToString()`` gives
(shared/docs/exchange-objects.md §1.1-1.2): sizes as ``10 MB (10,485,760 bytes)`` or ``Unlimited``, time spans as
``1.00:00:00``, flag enums as ``Tls, Integrated``, identities as ``EX01\\Default EX01``.  The remoting and evidence
layers hand checks those strings (plus bools, ints, ``None`` and lists); this module is the one place that turns them
into numbers, sets and seconds.  Every reader raises :class:`ValueError` with a short reason on a value it cannot
read, so a check fails closed instead of comparing display strings.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Final


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

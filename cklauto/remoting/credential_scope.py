"""Where a password may be sent: a pure policy, no I/O.

Without ``--server`` or an inventory row, the server cklauto asks is the one the checklist names
(its FQDN, else its host name).  Whoever wrote the checklist would then decide where the
user's Basic, NTLM or CredSSP credentials go.  So a password-bearing logon is made only to a
server the user named (``--server``, the inventory's ``server`` or ``host`` column,
``--allow-server``) or to one whose DNS name lies under one of the internal domains given for
that checklist (``--domain`` or the inventory's ``domain`` column).

Kerberos and client certificates send no password to the server (a Kerberos service ticket is
bound to the server's principal; ``--username`` with a password for Kerberos goes only to the
KDC), so they are not limited here.  Negotiate with a password may fall back to NTLM, so it is.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Logons that hand the server the password itself (Basic, CredSSP) or a response derived from it
#: (NTLM), whatever else is given.
PASSWORD_AUTHS = frozenset({"basic", "ntlm", "credssp"})

#: What the user can do about a refusal.
HOW_TO_ALLOW = (
    "if that server is yours, name it with --server or in the inventory (host or server column), "
    "or allow it with --allow-server NAME (or CKLAUTO_ALLOW_SERVER)"
)

_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


def sends_password(auth: str, password: str | None) -> bool:
    """Whether a logon with ``auth`` would give the server the password or something derived from it."""
    return auth in PASSWORD_AUTHS or (auth == "negotiate" and password is not None)


def host_key(name: str) -> str | None:
    """``name`` in the one form names are compared in, or None when it is neither a DNS name nor an IP address.

    DNS names: ASCII lower case, one trailing dot dropped, every label letters, digits, ``-`` or ``_``.
    Anything else (a slash, ``@``, ``#``, ``:``, whitespace, non-ASCII...) is not a host name: such a
    "name" could put a different host into the URL than the one the domain test saw.
    """
    text = name
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if text.endswith("."):
        text = text[:-1]
    if not text or len(text) > 253 or not text.isascii():
        return None
    text = text.lower()
    if not all(_LABEL.fullmatch(label) for label in text.split(".")):
        return None
    return text


def is_under(name: str, domain: str) -> bool:
    """Whether DNS name ``name`` is ``domain`` or lies below it, label by label.

    ``ex01.contoso.mil`` is under ``contoso.mil``; ``evilcontoso.mil`` and ``contoso.mil.evil.com``
    are not.  A leading ``*.`` on the domain is ignored.  IP addresses are under no domain.
    """
    key = host_key(name)
    domain = domain.strip()
    base = host_key(domain[2:] if domain.startswith("*.") else domain)
    if key is None or base is None or _is_ip(key) or _is_ip(base):
        return False
    labels, base_labels = key.split("."), base.split(".")
    return len(labels) >= len(base_labels) and labels[-len(base_labels) :] == base_labels


@dataclass(frozen=True)
class NamedServers:
    """The server names the user gave, ready to compare; ``*.DOMAIN`` entries allow a whole domain."""

    keys: frozenset[str]
    domains: tuple[str, ...] = ()

    @classmethod
    def of(cls, names: Iterable[str]) -> NamedServers:
        keys: set[str] = set()
        domains: list[str] = []
        for name in names:
            name = name.strip()
            if name.startswith("*."):
                domains.append(name)
            elif (key := host_key(name)) is not None:
                keys.add(key)
        return cls(frozenset(keys), tuple(domains))


def refusal(server: str, *, named: NamedServers, domains: Iterable[str]) -> str | None:
    """None when a password may go to ``server``; otherwise why not (one line, without the hint).

    ``named``: the server names the user gave.  ``domains``: the internal domains given for this checklist.
    """
    key = host_key(server)
    if key is not None:
        if key in named.keys:
            return None
        if any(is_under(key, domain) for domain in (*domains, *named.domains)):
            return None
    given = ", ".join(sorted({d.strip() for d in domains if d.strip()})) or "none given"
    return (
        f"not sending the password to {server}: the checklist names that server, and you did not "
        f"(it is not under the internal domain(s) {given})"
    )


def _is_ip(key: str) -> bool:
    try:
        ipaddress.ip_address(key)
    except ValueError:
        return False
    return True

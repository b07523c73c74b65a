"""Kerberos failures in the user's words: one `RemoteError` per cause, naming the host and what to do.

The libraries report failures as codes: MIT/Heimdal error codes (``krb5.Krb5Error.err_code``, and
unsigned as GSS minor codes), GSS major codes, and on Windows SSPI status codes, wrapped by
pyspnego.  `failure` finds the code in an exception chain and says what it means; no exception
class name, status number or library decoration reaches the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cklauto.errors import RemoteError

# MIT Kerberos error codes (krb5.h), as Krb5Error.err_code and, unsigned, as GSS minor codes.
_NAME_EXP = -1765328383
_C_PRINCIPAL_UNKNOWN = -1765328378
_S_PRINCIPAL_UNKNOWN = -1765328377
_POLICY = -1765328372
_ETYPE_NOSUPP = -1765328370
_CLIENT_REVOKED = -1765328366
_KEY_EXP = -1765328361
_PREAUTH_FAILED = -1765328360
_BAD_INTEGRITY = -1765328353
_TKT_EXPIRED = -1765328352
_SKEW = -1765328347
_CC_NOTFOUND = -1765328243
_KDCREP_SKEW = -1765328236
_REALM_UNKNOWN = -1765328230
_KDC_UNREACH = -1765328228
_KT_NOTFOUND = -1765328203
_KT_END = -1765328202
_FCC_NOFILE = -1765328189
_GENERIC_PREAUTH_FAILED = -1765328174
_REALM_CANT_RESOLVE = -1765328164
# GSS major codes (RFC 2744).
_GSS_NO_CRED = 7 << 16
_GSS_CREDENTIALS_EXPIRED = 11 << 16
# SSPI status codes (winerror.h), as pyspnego reports them on Windows.
_SEC_E_TARGET_UNKNOWN = 0x80090303
_SEC_E_LOGON_DENIED = 0x8009030C
_SEC_E_NO_CREDENTIALS = 0x8009030E
_SEC_E_NO_AUTHENTICATING_AUTHORITY = 0x80090311
_SEC_E_WRONG_PRINCIPAL = 0x80090322
_SEC_E_TIME_SKEW = 0x80090324


@dataclass(frozen=True)
class Who:
    """What a message names: the host, the client principal and its realm, the SPN, where the ticket came from."""

    host: str
    principal: str
    realm: str
    spn: str
    kind: str  #: "ccache", "keytab", "password" or "sspi"
    keytab: str | None = None
    ccache: str | None = None


def missing_library(detail: str) -> tuple[str, str]:
    family = _os_family()
    if re.search(r"lib(gssapi|krb5|k5crypto|com_err)", detail):
        packages = {
            "debian": "apt-get install libgssapi-krb5-2",
            "redhat": "dnf install krb5-libs",
            "suse": "zypper install krb5",
        }
        hint = packages.get(
            family, "Debian/Ubuntu: apt-get install libgssapi-krb5-2; RHEL/Fedora: dnf install krb5-libs"
        )
        return "Kerberos is not available: the MIT Kerberos system library is missing", f"install it: {hint}"
    build = {
        "debian": "apt-get install libkrb5-dev gcc",
        "redhat": "dnf install krb5-devel gcc",
        "suse": "zypper install krb5-devel gcc",
    }
    first = build.get(family, "Debian/Ubuntu: apt-get install libkrb5-dev gcc; RHEL/Fedora: dnf install krb5-devel gcc")
    return (
        "Kerberos is not available: the Python packages gssapi and krb5 are not installed",
        f"{first}, then pip install 'cklauto[kerberos]'; or pick another --auth",
    )


def _os_family() -> str:
    try:
        with open("/etc/os-release", encoding="utf-8") as fh:
            text = fh.read().lower()
    except OSError:
        return ""
    ids = " ".join(re.findall(r"^id(?:_like)?=\"?([^\"\n]*)", text, re.MULTILINE))
    for family, names in (
        ("debian", ("debian", "ubuntu")),
        ("redhat", ("rhel", "fedora", "centos")),
        ("suse", ("suse",)),
    ):
        if any(name in ids for name in names):
            return family
    return ""


def failure(exc: BaseException, who: Who) -> RemoteError | None:
    """A `RemoteError` for a Kerberos failure from krb5, gssapi, pyspnego or SSPI; None for anything else."""
    code, major, text = _codes(exc)
    if code is None and major is None and text is None:
        return None
    principal, realm, spn, kind = who.principal, who.realm, who.spn, who.kind

    def err(reason: str, hint: str) -> RemoteError:
        return RemoteError(who.host, "auth", reason, hint)

    if code in (_PREAUTH_FAILED, _BAD_INTEGRITY, _GENERIC_PREAUTH_FAILED, _SEC_E_LOGON_DENIED):
        if kind == "keytab":
            return err(
                f"the KDC rejected the key for {principal} in {who.keytab or 'the keytab'}",
                "the keytab is out of date, the password changed since it was made; export a new one",
            )
        return err(
            f"Kerberos rejected the password of {principal}: pre-authentication failed",
            "check the password in CKLAUTO_PASSWORD or at the prompt; repeated failures can lock the account",
        )
    if code == _KEY_EXP:
        return err(
            f"the password of {principal} has expired",
            f"change it with kpasswd {principal} or at a Windows sign-in, then run again",
        )
    if code == _C_PRINCIPAL_UNKNOWN:
        return err(
            f"the Kerberos realm {realm} has no user {principal}",
            "check --username: user@REALM with the realm in upper case, e.g. svc-stig@CONTOSO.MIL",
        )
    if code in (_CLIENT_REVOKED, _NAME_EXP):
        return err(
            f"the account {principal} is disabled, expired or locked out", "ask a domain administrator to enable it"
        )
    if code == _POLICY:
        return err(
            f"the KDC refused a ticket for {principal} by policy",
            "check the account's logon restrictions: logon hours, allowed computers, Protected Users",
        )
    if code in (_S_PRINCIPAL_UNKNOWN, _SEC_E_TARGET_UNKNOWN, _SEC_E_WRONG_PRINCIPAL):
        return err(
            f"no Kerberos service principal {spn} is registered in realm {realm}",
            "connect with the server's own host name, the one in its SPN, not an alias or an address; for a "
            "load-balanced name registered to another account pass --spn-host and --spn-service as registered; "
            f"setspn -Q {spn} shows who holds it",
        )
    if code in (_SKEW, _KDCREP_SKEW, _SEC_E_TIME_SKEW):
        return err(
            f"this computer's clock and the Kerberos KDC's of realm {realm} differ by more than the allowed skew",
            "synchronise this computer's clock with the domain, e.g. with NTP, then run again",
        )
    if code == _TKT_EXPIRED or major == _GSS_CREDENTIALS_EXPIRED:
        where = f" in {who.ccache}" if who.ccache else ""
        return err(
            f"the Kerberos ticket of {principal}{where} has expired",
            f"run kinit {principal if '@' in principal else 'user@REALM'} again",
        )
    if code in (_KDC_UNREACH, _SEC_E_NO_AUTHENTICATING_AUTHORITY):
        return err(
            f"cannot reach any Kerberos KDC of realm {realm}: refused or unreachable; "
            "the Exchange server was not contacted",
            f"check the kdc entries for {realm} in krb5.conf or the DNS SRV records, the network, "
            "and firewalls on port 88",
        )
    if code in (_REALM_UNKNOWN, _REALM_CANT_RESOLVE):
        return err(
            f"no KDC is known for the Kerberos realm {realm}",
            "add the realm and its KDCs to /etc/krb5.conf as the README shows, or enable dns_lookup_kdc",
        )
    if code == _ETYPE_NOSUPP:
        return err(
            f"the KDC of realm {realm} and this computer share no Kerberos encryption type",
            "enable AES for the account in Active Directory and allow it in krb5.conf",
        )
    if code in (_KT_NOTFOUND, _KT_END):
        return err(f"the keytab holds no key for {principal}", "export a keytab for that account")
    if code in (_FCC_NOFILE, _CC_NOTFOUND, _SEC_E_NO_CREDENTIALS) or major == _GSS_NO_CRED:
        return err(
            "no Kerberos ticket and no --username",
            "run kinit user@REALM first, or give --username user@REALM with the password in CKLAUTO_PASSWORD",
        )
    return err(
        f"Kerberos failed for {principal} and {spn}: {text or 'no details given'}",
        "run with -v to see the principal and SPN used; klist shows the tickets you hold",
    )


def unexplained(who: Who) -> RemoteError:
    """For a failure that carries no Kerberos code at all."""
    return RemoteError(
        who.host,
        "auth",
        f"Kerberos failed for {who.principal} and {who.spn}",
        "run with -v to see the principal and SPN used; klist shows the tickets you hold",
    )


def _codes(exc: BaseException) -> tuple[int | None, int | None, str | None]:
    """(Kerberos or SSPI error code, GSS major code, the library's words) of a Kerberos failure."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        module = type(current).__module__ or ""
        text: str | None
        if module.startswith("krb5") and hasattr(current, "err_code"):
            text = re.sub(r"\s*-?\d{6,}$", "", str(current)).strip()
            return int(current.err_code), None, text
        if module.startswith("gssapi") and hasattr(current, "min_code"):
            minor = int(getattr(current, "min_code", 0) or 0)
            major = int(getattr(current, "maj_code", 0) or 0)
            text_match = re.search(r"Minor \(\d+\): ([^,]+)", str(current))
            text = text_match.group(1).strip() if text_match else None
            return (_signed(minor) if minor else None), major, text
        winerror = getattr(current, "winerror", None)
        if isinstance(winerror, int):
            return winerror & 0xFFFFFFFF, None, getattr(current, "strerror", None)
        if module.startswith("spnego"):
            base = getattr(current, "base_error", None)
            if isinstance(base, BaseException):
                current = base
                continue
            text_match = re.search(r"Minor \((\d+)\): ([^,]+)", str(current))
            if text_match:
                return _signed(int(text_match.group(1))), None, text_match.group(2).strip()
            return None, None, _plain(str(current))
        current = current.__cause__ or current.__context__
    return None, None, None


def _signed(code: int) -> int:
    return code - (1 << 32) if code >= 1 << 31 else code


def _plain(text: str) -> str:
    # pyspnego's messages carry "SpnegoError (N): ..." and "Context: ..." decorations.
    text = re.sub(r"^\w*Error \(\d+\):\s*", "", text)
    return " ".join(re.sub(r",?\s*Context:.*$", "", text).split())

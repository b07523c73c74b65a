"""Kerberos for the remoting layer: which identity, which service principal, and the tickets first.

Exchange's /PowerShell endpoint takes Kerberos (docs/exchange-remoting.md A1, A1b).  Before pypsrp
sends a single HTTP request, `prepare` settles the Kerberos side on its own:

1. *Plan* (no network): the credentials, in the order a person expects: a valid ticket in the
   ticket cache (``kinit``, ``KRB5CCNAME``), else a keytab (``KRB5_CLIENT_KTNAME``), else
   ``--username`` with its password; and the service principal, ``host/<server>`` (pypsrp's
   default) unless ``--spn-service``/``--spn-host`` say otherwise.
2. *Tickets* (the KDC only): the initial ticket (once per identity per process, so a batch of a
   hundred servers sends one password to the KDC, not a hundred, and a wrong one cannot lock the
   account by repetition), then the service ticket for this server.  Both are bounded in time,
   so a KDC that never answers is reported as the KDC's fault within ``--timeout``.

pypsrp then gets a credential that names only that Kerberos ticket cache, so ``--auth negotiate``
cannot quietly fall back to NTLM after a Kerberos failure (Exchange refuses NTLM; the user would
see the wrong cause).  On Windows pyspnego speaks to SSPI: the logon session's tickets, or
``--username`` with its password, are used as Windows would; no ticket cache is involved.

Every failure leaves as one `RemoteError` (kind ``auth``) that names the host and says what to do;
`cklauto.remoting.kerberos_errors` words them.  No token, ticket, key or password ever reaches a
message or a log record: pyspnego's own debug log prints tokens, and the CLI silences it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from cklauto.errors import RemoteError
from cklauto.remoting import kerberos_errors

if TYPE_CHECKING:  # the session module imports this one
    from cklauto.remoting.session import ConnectionSettings

log = logging.getLogger(__name__)

#: pypsrp's default service class since 0.9 (before: WSMAN).
DEFAULT_SPN_SERVICE = "host"
#: A KDC answers in milliseconds; MIT itself waits about 27 s for a silent one.
_MAX_KDC_WAIT = 20.0


# --- where Kerberos comes from ---------------------------------------------------------------------


def uses_sspi() -> bool:
    """On Windows pyspnego uses SSPI (no gssapi/krb5 packages, no ticket cache files)."""
    return sys.platform == "win32"


def unavailable() -> tuple[str, str] | None:
    """``(reason, hint)`` when Kerberos cannot work on this computer, else None."""
    if uses_sspi():
        return None
    try:
        import gssapi  # noqa: F401
        import krb5  # noqa: F401
    except ImportError as exc:
        return kerberos_errors.missing_library(str(exc))
    return None


# --- names -----------------------------------------------------------------------------------------


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def spn_parts(settings: ConnectionSettings) -> tuple[str, str]:
    """``(service, host)`` of the service principal pypsrp will ask a ticket for."""
    return settings.spn_service or DEFAULT_SPN_SERVICE, settings.spn_host or settings.server


def spn_text(settings: ConnectionSettings) -> str:
    service, host = spn_parts(settings)
    return f"{service}/{host}"


class NotAPrincipal(ValueError):
    """A user name Kerberos cannot use; ``hint`` says what to give instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def principal_for(username: str | None) -> str | None:
    """The Kerberos principal for ``--username``; raises `NotAPrincipal` when there is none.

    ``user@realm`` gets its realm in upper case (Active Directory realms are the upper-case DNS
    domain).  ``DOMAIN\\user`` is mapped to ``user@REALM`` only when DOMAIN is the first label of
    the default realm in krb5.conf; Windows (SSPI) maps NetBIOS domain names itself.
    """
    if not username:
        return None
    if uses_sspi():
        return username
    default = _default_realm()
    if "\\" in username:
        domain, _, user = username.partition("\\")
        if user and default and default.split(".")[0].upper() == domain.upper():
            return f"{user}@{default}"
        example = default or f"{domain.upper()}.MIL"
        raise NotAPrincipal(
            f"Kerberos needs the user name as user@REALM, not {username}",
            f"use --username {user or 'user'}@{example}",
        )
    user, at, realm = username.rpartition("@")
    if at:
        if not user or not realm:
            raise NotAPrincipal(f"{username} is not a Kerberos user name", "use --username user@REALM")
        return f"{user}@{realm.upper()}"
    return f"{username}@{default}" if default else username


def _default_realm() -> str | None:
    if uses_sspi():
        # The DNS name of the logon domain: the realm SSPI asks for tickets in.
        return os.environ.get("USERDNSDOMAIN", "").upper() or None
    if unavailable():
        return None
    import krb5

    try:
        return krb5.get_default_realm(krb5.init_context()).decode("utf-8", "replace")
    except krb5.Krb5Error:
        return None


def _realm_of(principal: str | None) -> str:
    if principal and "@" in principal:
        return principal.rpartition("@")[2]
    return _default_realm() or "(the default realm)"


# --- the plan: which credentials, which SPN (no network) ------------------------------------------------


@dataclass(frozen=True)
class KerberosPlan:
    """What `prepare` will use for one server; safe to print (no secret in ``repr`` or ``source``)."""

    host: str  #: the server as the user named it
    principal: str  #: the client principal, e.g. svc-stig@CONTOSO.MIL (SSPI: the logon user)
    source: str  #: where its ticket comes from, in words, e.g. "ticket cache FILE:/tmp/krb5cc_0"
    spn: str  #: e.g. host/ex01.contoso.mil
    realm: str
    kind: str  #: "ccache", "keytab", "password" or "sspi"
    ccache: str | None = None
    keytab: str | None = None
    password: str | None = field(default=None, repr=False)


def kerberos_possible(settings: ConnectionSettings) -> str | None:
    """Why Kerberos cannot even be tried for ``settings`` (negotiate then uses NTLM), or None."""
    missing = unavailable()
    if missing:
        return missing[0]
    if is_address(settings.server) and not settings.spn_host:
        return f"{settings.server} is an address, and Kerberos needs a host name"
    try:
        principal_for(settings.username)
    except NotAPrincipal as exc:
        return str(exc)
    return None


def plan(settings: ConnectionSettings) -> KerberosPlan:
    """Decide the credentials and SPN for ``settings``; raises `RemoteError` when there are none."""
    host = settings.server
    missing = unavailable()
    if missing:
        raise RemoteError(host, "auth", *missing)
    if is_address(settings.server) and not settings.spn_host:
        raise RemoteError(
            host,
            "auth",
            f"Kerberos needs the server's host name, not the address {settings.server}",
            "use --server with its DNS name, the one in its SPN, or keep the address and add --spn-host NAME",
        )
    try:
        principal = principal_for(settings.username)
    except NotAPrincipal as exc:
        raise RemoteError(host, "auth", str(exc), exc.hint) from None
    spn = spn_text(settings)
    if uses_sspi():
        source = "password" if settings.password is not None else "Windows logon session"
        who = principal or "the Windows logon user"
        return KerberosPlan(host, who, source, spn, _realm_of(principal), "sspi", password=settings.password)
    cache = _find_ticket(principal)
    if cache.valid:
        assert cache.principal is not None
        return KerberosPlan(
            host, cache.principal, f"ticket cache {cache.name}", spn, _realm_of(cache.principal), "ccache", cache.name
        )
    keytab_name = os.environ.get("KRB5_CLIENT_KTNAME")
    keytab_principal = _keytab_principal(keytab_name, principal) if keytab_name else None
    if keytab_name and keytab_principal:
        realm = _realm_of(keytab_principal)
        return KerberosPlan(host, keytab_principal, f"keytab {keytab_name}", spn, realm, "keytab", keytab=keytab_name)
    if principal and settings.password is not None:
        return KerberosPlan(
            host, principal, "password", spn, _realm_of(principal), "password", password=settings.password
        )
    owner = principal or cache.principal
    if cache.expired and (principal is None or cache.principal == principal):
        raise RemoteError(
            host,
            "auth",
            f"the Kerberos ticket of {owner} in {cache.name} has expired",
            f"run kinit {owner} again, or give --username with the password in CKLAUTO_PASSWORD",
        )
    if principal:
        raise RemoteError(
            host,
            "auth",
            f"no Kerberos ticket for {principal} in {cache.name} and no password",
            f"run kinit {principal} first, or set CKLAUTO_PASSWORD",
        )
    raise RemoteError(
        host,
        "auth",
        f"no Kerberos ticket in {cache.name} and no --username",
        "run kinit user@REALM first, give --username user@REALM with the password in CKLAUTO_PASSWORD, "
        "or set KRB5_CLIENT_KTNAME to a keytab",
    )


def has_credentials(username: str | None) -> bool:
    """True when a valid ticket or a keytab (KRB5_CLIENT_KTNAME) serves ``username`` without a password.

    Looks at local files only; no KDC is asked.
    """
    if unavailable() or uses_sspi():
        return False
    try:
        principal = principal_for(username)
    except NotAPrincipal:
        return False
    if _find_ticket(principal).valid:
        return True
    keytab = os.environ.get("KRB5_CLIENT_KTNAME")
    return bool(keytab and principal and _keytab_principal(keytab, principal))


@dataclass(frozen=True)
class _CacheState:
    name: str
    principal: str | None
    valid: bool
    expired: bool


def _ccache_name(cache: Any) -> str:
    kind = (cache.cache_type or b"FILE").decode("utf-8", "replace")
    return f"{kind}:{(cache.name or b'').decode('utf-8', 'replace')}"


def _find_ticket(principal: str | None) -> _CacheState:
    """Look for a ticket-granting ticket in the ticket cache (the collection's cache for ``principal``)."""
    import krb5

    ctx = krb5.init_context()
    default_name = krb5.cc_default_name(ctx).decode("utf-8", "replace")
    match = getattr(krb5, "cc_cache_match", None)  # absent from some Heimdal builds
    try:
        if principal and match is not None:
            cache = match(ctx, krb5.parse_name_flags(ctx, principal.encode("utf-8")))
        else:
            cache = krb5.cc_default(ctx)
        name = _ccache_name(cache)
        owner = krb5.unparse_name_flags(ctx, krb5.cc_get_principal(ctx, cache)).decode("utf-8", "replace")
        end = max(
            (c.times.endtime for c in cache if c.server.components and c.server.components[0] == b"krbtgt"), default=0
        )
    except krb5.Krb5Error:
        return _CacheState(default_name, None, False, False)
    if principal and owner.lower() != principal.lower():  # Active Directory names ignore case
        return _CacheState(name, owner, False, False)
    now = time.time()
    return _CacheState(name, owner, end > now + 5, 0 < end <= now + 5)


def _keytab_principal(keytab: str, principal: str | None) -> str | None:
    """The keytab's principal (``principal`` when it holds that one, else its first), or None."""
    import krb5

    ctx = krb5.init_context()
    try:
        names = [
            krb5.unparse_name_flags(ctx, entry.principal).decode("utf-8", "replace")
            for entry in krb5.kt_resolve(ctx, keytab.encode("utf-8"))
        ]
    except krb5.Krb5Error:
        return None
    if principal:
        return next((name for name in names if name.lower() == principal.lower()), None)
    return names[0] if names else None


# --- the tickets (the KDC only, bounded) --------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """What pypsrp gets: ``username`` is a pyspnego credential (or, on Windows, the user name)."""

    plan: KerberosPlan
    username: Any = field(repr=False)
    password: str | None = field(default=None, repr=False)


def prepare(settings: ConnectionSettings) -> Prepared:
    """Plan, then get the initial and service tickets; raises `RemoteError` only.

    Ends within `kdc_wait` seconds even when the KDC never answers.
    """
    chosen = plan(settings)
    log.info(
        "%s: Kerberos as %s (%s), service principal %s", settings.server, chosen.principal, chosen.source, chosen.spn
    )
    try:
        return _bounded(settings, chosen, lambda: _obtain(settings, chosen))
    except RemoteError:
        raise
    except Exception as exc:  # noqa: BLE001 - every library failure is translated here
        log.debug("%s: Kerberos failed: %s", settings.server, type(exc).__name__)
        who = _who(settings, chosen)
        raise kerberos_errors.failure(exc, who) or kerberos_errors.unexplained(who) from None


def kdc_wait(timeout: float) -> float:
    """How long the Kerberos exchanges of one server may take, within its ``--timeout``."""
    return max(0.5, min(_MAX_KDC_WAIT, max(timeout - 2.0, timeout / 2)))


_T = TypeVar("_T")


def _bounded(settings: ConnectionSettings, chosen: KerberosPlan, work: Callable[[], _T]) -> _T:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            box["error"] = exc

    wait = kdc_wait(settings.timeout)
    worker = threading.Thread(target=run, name=f"cklauto-kdc-{settings.server}", daemon=True)
    worker.start()
    # A daemon: if the KDC never answers we stop waiting; the library's own timeout ends it later.
    worker.join(wait)
    if worker.is_alive():
        raise RemoteError(
            settings.server,
            "auth",
            f"the Kerberos KDC of realm {chosen.realm} did not answer within {wait:g} s; "
            "the Exchange server was not contacted",
            "check that a domain controller is up and reachable on port 88 from here, "
            f"and the kdc entries for {chosen.realm} in krb5.conf",
        )
    if "error" in box:
        raise box["error"]
    value: _T = box["value"]
    return value


def _obtain(settings: ConnectionSettings, chosen: KerberosPlan) -> Prepared:
    import spnego

    service, host = spn_parts(settings)
    if chosen.kind == "sspi":
        context = spnego.client(settings.username, chosen.password, hostname=host, service=service, protocol="kerberos")
        context.step()
        return Prepared(chosen, settings.username, chosen.password)
    if chosen.kind == "ccache":
        assert chosen.ccache is not None
        ccache = chosen.ccache
    else:
        ccache = _TICKETS.initial(chosen)
    credential = spnego.KerberosCCache(ccache=ccache)
    # The service ticket: any KDC failure for this server (unknown SPN, skew) shows here, before
    # any HTTP.  It lands in the same cache, so pypsrp's own context does not ask the KDC again.
    spnego.client(credential, hostname=host, service=service, protocol="kerberos").step()
    log.debug("%s: service ticket for %s obtained", settings.server, chosen.spn)
    return Prepared(chosen, credential, None)


class _Entry:
    """One identity's initial ticket: fetched by the first thread that needs it, awaited by the rest."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ccache: str | None = None
        self.ends = 0.0
        self.error: BaseException | None = None
        self.keep: tuple[Any, ...] = ()  # the krb5 context and cache objects: the MEMORY cache lives with them

    def stale(self) -> bool:
        return self.done.is_set() and self.error is None and self.ends <= time.time() + 60


class _InitialTickets:
    """Initial tickets by identity, for the life of the process (a run).

    A failure is kept too: the other servers of a batch report it without asking the KDC again,
    so a wrong password is sent once, not once per server (account lock-out).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, ...], _Entry] = {}
        self._salt = secrets.token_bytes(16)

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()

    def initial(self, chosen: KerberosPlan) -> str:
        secret = hashlib.blake2b((chosen.password or "").encode("utf-8"), key=self._salt).hexdigest()
        key = (chosen.kind, chosen.principal, chosen.keytab or "", secret, os.environ.get("KRB5_CONFIG", ""))
        with self._lock:
            entry = self._entries.get(key)
            owner = entry is None or entry.stale()
            if owner:
                entry = self._entries[key] = _Entry()
        assert entry is not None
        if owner:
            try:
                entry.ccache, entry.ends, entry.keep = _kinit(chosen)
            except BaseException as exc:  # noqa: BLE001 - kept for every waiter
                entry.error = exc
            finally:
                entry.done.set()
        entry.done.wait()
        if entry.error is not None:
            raise entry.error
        assert entry.ccache is not None
        return entry.ccache


_TICKETS = _InitialTickets()


def forget_tickets() -> None:
    """Drop the initial tickets (and failures) kept for this process; for tests and long-lived callers."""
    _TICKETS.forget()


def _kinit(chosen: KerberosPlan) -> tuple[str, float, tuple[Any, ...]]:
    """An initial ticket from the password or keytab, in a private MEMORY ticket cache."""
    import krb5

    ctx = krb5.init_context()
    principal = krb5.parse_name_flags(ctx, chosen.principal.encode("utf-8"))
    options = krb5.get_init_creds_opt_alloc(ctx)
    if hasattr(krb5, "get_init_creds_opt_set_default_flags"):  # Heimdal reads krb5.conf defaults only so
        krb5.get_init_creds_opt_set_default_flags(ctx, options, b"gss_krb5", krb5.principal_get_realm(ctx, principal))
    krb5.get_init_creds_opt_set_canonicalize(options, True)
    if chosen.kind == "keytab":
        assert chosen.keytab is not None
        keytab = krb5.kt_resolve(ctx, chosen.keytab.encode("utf-8"))
        creds = krb5.get_init_creds_keytab(ctx, principal, options, keytab=keytab)
    else:
        creds = krb5.get_init_creds_password(ctx, principal, options, password=(chosen.password or "").encode("utf-8"))
    cache = krb5.cc_new_unique(ctx, b"MEMORY")
    krb5.cc_initialize(ctx, cache, creds.client)
    krb5.cc_store_cred(ctx, cache, creds)
    return _ccache_name(cache), float(creds.times.endtime), (ctx, cache)


# --- failures -----------------------------------------------------------------------------------------------


def translate(
    exc: BaseException, settings: ConnectionSettings, chosen: KerberosPlan | None = None
) -> RemoteError | None:
    """A `RemoteError` for a Kerberos failure from krb5, gssapi or pyspnego; None for anything else."""
    return kerberos_errors.failure(exc, _who(settings, chosen))


def _who(settings: ConnectionSettings, chosen: KerberosPlan | None) -> kerberos_errors.Who:
    if chosen is not None:
        return kerberos_errors.Who(
            settings.server, chosen.principal, chosen.realm, chosen.spn, chosen.kind, chosen.keytab, chosen.ccache
        )
    try:
        principal = principal_for(settings.username) or "your Kerberos identity"
    except NotAPrincipal:
        principal = settings.username or "your Kerberos identity"
    realm = _realm_of(principal if "@" in principal else None)
    kind = "password" if settings.password else "ccache"
    return kerberos_errors.Who(settings.server, principal, realm, spn_text(settings), kind)

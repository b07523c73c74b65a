"""Ask one Exchange server for its Send connectors over PowerShell remoting (pypsrp 0.9.1).

This is the only module in cklauto that imports pypsrp, and it does so inside functions so
that ``cklauto --help`` stays light.  Every failure leaves as one `RemoteError` whose reason is
one line and whose hint says what to do; no exception from pypsrp, requests, pyspnego or
ElementTree escapes, and the password never appears in a message or a log record.

Why the shapes below (docs/exchange-remoting.md):
* Exchange's /PowerShell endpoint runs in NoLanguage mode, so the pipeline is built with
  ``add_cmdlet``/``add_parameter`` only (A2).
* Select-Object may be missing from the RBAC-built runspace; plain Get-SendConnector carries the
  same values as adapted properties, so we fall back to it (A2, A3).
* pypsrp sets ``had_errors`` only for a Failed pipeline; non-terminating records sit in
  ``streams.error`` alone, so both are checked (A4).
* A hung Receive is retried by pypsrp for minutes; the explicit timeouts shorten that and a
  worker thread joined with a deadline bounds it absolutely (A4).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from cklauto.errors import RemoteError
from cklauto.model import SendConnector
from cklauto.remoting import kerberos

log = logging.getLogger(__name__)

AUTH_METHODS = ("kerberos", "negotiate", "ntlm", "basic", "credssp", "certificate")
ENDPOINTS = ("exchange", "winrm")
EXCHANGE_CONFIGURATION = "Microsoft.Exchange"
EXCHANGE_SNAPIN = "Microsoft.Exchange.Management.PowerShell.SnapIn"
SELECTED_PROPERTIES = ["Name", "Identity", "TlsDomain"]

_WSMAN_RESOURCE_NOT_FOUND = 2150858811
_WSMAN_SHELL_NOT_FOUND = 2150858843
_WSMAN_ACCESS_DENIED = 5
# Slack between the overall deadline and pypsrp's own per-request bounds.
_SLACK = 2.0


#: Authentication that cannot seal WinRM messages: it needs HTTPS.
TLS_ONLY_AUTHS = ("basic", "certificate")


def default_ssl(auth: str) -> bool:
    """Exchange's documented default: HTTP with message encryption, except for auth that cannot seal."""
    return auth in TLS_ONLY_AUTHS


@dataclass(frozen=True)
class ConnectionSettings:
    """How to reach one Exchange server.  ``password`` is kept out of ``repr``.

    ``ssl=None`` means the documented default for ``auth`` (`default_ssl`): Microsoft documents
    ``http://<FQDN>/PowerShell/`` with Kerberos and message encryption; Basic and certificate
    authentication cannot encrypt messages and so use HTTPS.  After construction ``ssl`` is a bool.
    """

    server: str
    port: int | None = None
    ssl: bool | None = None
    auth: str = "kerberos"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    endpoint: str = "exchange"
    path: str | None = None
    ca_bundle: str | None = None
    insecure: bool = False
    timeout: float = 60.0
    certificate_pem: str | None = None
    certificate_key_pem: str | None = field(default=None, repr=False)
    #: Service class and host name of the Kerberos SPN (default: host/<server>).
    spn_service: str | None = None
    spn_host: str | None = None

    def __post_init__(self) -> None:
        if self.ssl is None:
            object.__setattr__(self, "ssl", default_ssl(self.auth))

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        if self.endpoint == "winrm":
            return 5986 if self.ssl else 5985
        return 443 if self.ssl else 80

    @property
    def effective_path(self) -> str:
        if self.path is not None:
            return self.path.strip("/")
        return "wsman" if self.endpoint == "winrm" else "PowerShell"

    def url(self) -> str:
        """The endpoint URL, e.g. https://ex01.contoso.mil:443/PowerShell (never with credentials)."""
        scheme = "https" if self.ssl else "http"
        host = f"[{self.server}]" if ":" in self.server and not self.server.startswith("[") else self.server
        return f"{scheme}://{host}:{self.effective_port}/{self.effective_path}"


@dataclass(frozen=True)
class FetchResult:
    connectors: list[SendConnector]
    endpoint_url: str  #: what was asked (for finding details)
    configuration: str  #: "Microsoft.Exchange" or "Microsoft.PowerShell (+ Exchange snap-in)"


def fetch_send_connectors(settings: ConnectionSettings) -> FetchResult:
    """Run ``Get-SendConnector`` on ``settings.server`` and return its connectors.

    Raises `RemoteError` only; ends within ``settings.timeout`` seconds (plus thread-join slack)
    even when the server never answers.
    """
    _check_settings(settings)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = _fetch(settings)
        except RemoteError as err:
            outcome["error"] = err
        except BaseException as exc:  # noqa: BLE001 - translated at the edge, by contract
            outcome["error"] = _translate(exc, settings)

    started = time.monotonic()
    worker = threading.Thread(target=work, name=f"cklauto-remote-{settings.server}", daemon=True)
    worker.start()
    # The worker is a daemon: when the deadline passes we stop waiting for it; pypsrp's own
    # (shorter-than-forever) timeouts end it later without holding up the caller or exit.
    worker.join(settings.timeout)
    if worker.is_alive():
        log.debug("%s: overall deadline of %.1f s passed", settings.server, settings.timeout)
        raise RemoteError(
            settings.server,
            "timeout",
            f"no answer within {settings.timeout:g} s from {settings.url()}",
            "the server is slow or not answering; check it, or raise --timeout",
        )
    log.debug("%s: finished in %.2f s", settings.server, time.monotonic() - started)
    if "error" in outcome:
        raise outcome["error"]
    result: FetchResult = outcome["result"]
    return result


# --- settings ----------------------------------------------------------------------------------


def _check_settings(settings: ConnectionSettings) -> None:
    host = settings.server or "(no server)"
    if not settings.server:
        raise RemoteError(host, "connection", "no server name given", "name the Exchange server to check")
    if settings.auth not in AUTH_METHODS:
        raise RemoteError(
            host, "auth", f"unsupported authentication {settings.auth!r}", f"use one of {', '.join(AUTH_METHODS)}"
        )
    if settings.endpoint not in ENDPOINTS:
        raise RemoteError(host, "protocol", f"unknown endpoint style {settings.endpoint!r}", "use exchange or winrm")
    if settings.auth in TLS_ONLY_AUTHS and not settings.ssl:
        # pypsrp refuses too (no message encryption for these); say why in our words.
        raise RemoteError(
            host,
            "auth",
            f"{settings.auth} authentication over plain HTTP would expose credentials and every message",
            "use HTTPS, or kerberos/negotiate/ntlm authentication (which encrypt the messages)",
        )
    if settings.auth == "certificate" and not (settings.certificate_pem and settings.certificate_key_pem):
        raise RemoteError(host, "auth", "certificate authentication needs a certificate and a key", None)
    if settings.timeout <= 0:
        raise RemoteError(host, "timeout", f"timeout must be positive, not {settings.timeout:g}", None)


def _timeouts(total: float) -> dict[str, Any]:
    """Per-request bounds derived from the overall deadline.

    operation_timeout is how long the server may long-poll a Receive; read_timeout must exceed it
    or every idle long-poll becomes a ReadTimeout.  reconnection_backoff is small because pypsrp
    retries a timed-out Receive five times with exponential backoff.
    """
    operation = max(1, min(20, int(total // 3)))
    return {
        "operation_timeout": operation,
        "read_timeout": operation + max(2, min(10, int(total // 6))),
        "connection_timeout": max(1, min(10, int(total // 3))),
        "reconnection_retries": 0,
        "reconnection_backoff": 0.25,
    }


def _wsman(settings: ConnectionSettings) -> Any:
    from pypsrp.wsman import WSMan

    username, password = _credentials(settings)
    kwargs: dict[str, Any] = {
        "port": settings.effective_port,
        "ssl": settings.ssl,
        "path": settings.effective_path,
        "auth": settings.auth,
        "username": username,
        "password": password,
        "cert_validation": False if settings.insecure else (settings.ca_bundle or True),
        # Over HTTP every body is sealed (pypsrp refuses auth that cannot seal); over HTTPS TLS protects it.
        "encryption": "never" if settings.ssl else "always",
        **_timeouts(settings.timeout),
    }
    if settings.auth in ("kerberos", "negotiate"):
        kwargs["negotiate_service"] = settings.spn_service or kerberos.DEFAULT_SPN_SERVICE
        if settings.spn_host:
            kwargs["negotiate_hostname_override"] = settings.spn_host
    if settings.auth == "certificate":
        kwargs["certificate_pem"] = settings.certificate_pem
        kwargs["certificate_key_pem"] = settings.certificate_key_pem
    wsman = WSMan(settings.server, **kwargs)
    _resolve_environment_once(wsman)
    if not settings.ssl:
        _refuse_unsealed_answers(wsman)
    return wsman


def _credentials(settings: ConnectionSettings) -> tuple[Any, str | None]:
    """What pypsrp authenticates with: for Kerberos, the tickets `kerberos.prepare` obtained first.

    ``--auth negotiate`` uses Kerberos whenever it can be tried, and reports its failures; only
    when Kerberos cannot even start (an address, a ``DOMAIN\\user`` name, no Kerberos library)
    does it let pypsrp fall back to NTLM, as Windows would.
    """
    if settings.auth == "negotiate":
        why_not = kerberos.kerberos_possible(settings)
        if why_not:
            log.info("%s: negotiate falls back to NTLM: %s", settings.server, why_not)
            return settings.username, settings.password
    elif settings.auth != "kerberos":
        return settings.username, settings.password
    prepared = kerberos.prepare(settings)
    return prepared.username, prepared.password


class UnsealedAnswer(Exception):
    """The server answered a sealed request over plain HTTP in clear text."""


def _refuse_unsealed_answers(wsman: Any) -> None:
    """Reject any answer body that is not sealed, on a connection whose requests are sealed.

    NOTE: pypsrp 0.9 accepts a clear-text answer to an encrypted request, so anyone on the path
    of a plain-HTTP connection could forge the server's answer.  The hook sees every answer the
    session receives after authentication (the authentication exchange itself carries no body).
    """
    session = getattr(getattr(wsman, "transport", None), "session", None)
    if session is None:
        return

    def check(response: Any, *args: Any, **kwargs: Any) -> Any:
        content_type = response.headers.get("Content-Type", "").lower()
        sealed = content_type.startswith(("multipart/encrypted", "multipart/x-multi-encrypted"))
        if response.status_code < 400 and response.content and not sealed:
            raise UnsealedAnswer(response.status_code)
        return response

    session.hooks["response"].append(check)


def _resolve_environment_once(wsman: Any) -> None:
    """Let requests read proxy and CA settings from the environment once per check, not per request.

    NOTE: pypsrp 0.9 resolves proxies (HTTPS_PROXY, NO_PROXY) and the CA bundle
    (REQUESTS_CA_BUNDLE) for its endpoint when it builds its requests session, but leaves
    ``trust_env`` on, so requests walks ``os.environ`` again on every request: about 17 times
    per check, a fifth of a check's CPU in a batch.  The resolved values are kept; only the
    re-reading stops.  If pypsrp's internals ever differ, this does nothing.
    """
    transport = getattr(wsman, "transport", None)
    build = getattr(transport, "_build_session", None)
    if transport is None or build is None or getattr(transport, "session", False) is not None:
        return
    session = build()
    session.trust_env = False
    transport.session = session


# --- the conversation ---------------------------------------------------------------------------


def _fetch(settings: ConnectionSettings) -> FetchResult:
    from pypsrp.powershell import RunspacePool

    winrm = settings.endpoint == "winrm"
    configuration = "Microsoft.PowerShell (+ Exchange snap-in)" if winrm else EXCHANGE_CONFIGURATION
    log.debug(
        "%s: connecting to %s (auth=%s, user=%s, configuration=%s)",
        settings.server,
        settings.url(),
        settings.auth,
        settings.username or "(default credentials)",
        configuration,
    )
    pool_kwargs: dict[str, Any] = {} if winrm else {"configuration_name": EXCHANGE_CONFIGURATION}
    wsman = _wsman(settings)
    pool = RunspacePool(wsman, **pool_kwargs)
    try:
        pool.open()
        log.debug("%s: runspace pool open", settings.server)
        objects, errors, had_errors = _invoke(pool, winrm, select=True)
        if _select_object_missing(errors):
            # RBAC-built Exchange runspaces may not expose Select-Object (A2): plain output has
            # the same three values as adapted properties.
            log.debug("%s: Select-Object not available, asking again without it", settings.server)
            objects, errors, had_errors = _invoke(pool, winrm, select=False)
    finally:
        # Not a `with` block: a failure while closing must neither hide the error that got us
        # here nor spoil an answer that is already complete.
        _close_quietly(settings, pool, wsman)
    if had_errors or errors:
        raise _powershell_error(settings, errors)
    connectors = [_connector(settings, obj) for obj in objects]
    log.debug("%s: %d Send connector(s)", settings.server, len(connectors))
    return FetchResult(connectors=connectors, endpoint_url=settings.url(), configuration=configuration)


def _close_quietly(settings: ConnectionSettings, pool: Any, wsman: Any) -> None:
    try:
        pool.close()
    except Exception:  # noqa: BLE001 - see the caller
        log.debug("%s: closing the runspace pool failed (ignored)", settings.server, exc_info=True)
    try:
        wsman.close()
    except Exception:  # noqa: BLE001
        log.debug("%s: closing the HTTP session failed (ignored)", settings.server, exc_info=True)


def _invoke(pool: Any, winrm: bool, *, select: bool) -> tuple[list[Any], list[Any], bool]:
    from pypsrp.powershell import PowerShell

    ps = PowerShell(pool)
    if winrm:
        ps.add_cmdlet("Add-PSSnapin").add_parameter("Name", EXCHANGE_SNAPIN)
        ps.add_statement()
    ps.add_cmdlet("Get-SendConnector")
    if select:
        ps.add_cmdlet("Select-Object").add_parameter("Property", list(SELECTED_PROPERTIES))
    from pypsrp.powershell import PSInvocationState

    objects = list(ps.invoke())
    # pypsrp sets had_errors only for a Failed pipeline; a Stopped one (or any state but
    # Completed) may have produced part of the answer, which must never count as all of it.
    incomplete = ps.state != PSInvocationState.COMPLETED
    return objects, list(ps.streams.error), bool(ps.had_errors) or incomplete


def _select_object_missing(errors: list[Any]) -> bool:
    return any(
        str(getattr(e, "fq_error", "") or "").startswith("CommandNotFoundException")
        and "select-object" in (str(getattr(e, "target_object", "") or "") + str(e)).lower()
        for e in errors
    )


def _powershell_error(settings: ConnectionSettings, errors: list[Any]) -> RemoteError:
    if not errors:
        return RemoteError(
            settings.server,
            "powershell",
            "Get-SendConnector did not complete (pipeline stopped or failed without an error record)",
            _POWERSHELL_HINT,
        )
    first = errors[0]
    fq_error = str(getattr(first, "fq_error", "") or "")
    message = _one_line(str(first)) or "(no message)"
    command = "Add-PSSnapin" if "addpssnapin" in fq_error.lower() else "Get-SendConnector"
    more = f" (and {len(errors) - 1} more error record(s))" if len(errors) > 1 else ""
    reason = f"{command} failed: {message}" + (f" ({fq_error})" if fq_error else "") + more
    if fq_error.startswith("CommandNotFoundException"):
        hint = (
            "the Exchange snap-in did not load; is this an Exchange server?"
            if settings.endpoint == "winrm"
            else "the account has no Exchange role granting Get-SendConnector, or this is not an Exchange endpoint"
        )
    elif "ScriptsNotAllowed" in fq_error:
        hint = "the endpoint runs in NoLanguage mode"
    else:
        hint = _POWERSHELL_HINT
    return RemoteError(settings.server, "powershell", _scrub(reason, settings), hint)


_POWERSHELL_HINT = "check the account's Exchange permissions (View-Only Configuration) and the server's event log"


# --- answer normalisation ---------------------------------------------------------------------------


def _properties(obj: Any) -> dict[str, Any] | None:
    adapted = getattr(obj, "adapted_properties", None)
    extended = getattr(obj, "extended_properties", None)
    if not isinstance(adapted, dict) and not isinstance(extended, dict):
        return None
    # Extended (note) properties win, as in PowerShell's type system.
    return {**(adapted or {}), **(extended or {})}


def _text(value: Any) -> str | None:
    """A scalar or nested value as text: nested objects arrive as GenericComplexObject (use ToString)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        raise ValueError("a list where one value was expected")
    to_string = getattr(value, "to_string", None)
    if isinstance(to_string, str):
        return to_string
    props = _properties(value)
    if props is not None:
        for key in ("Name", "Address", "Domain"):
            if props.get(key) is not None:
                return _text(props[key])
        return None
    return str(value)


def _tls_domain(value: Any) -> str | None:
    """TlsDomain is normally a string or None; defensively accept an SmtpDomainWithSubdomains object."""
    if value is None or isinstance(value, str):
        text = value
    elif isinstance(getattr(value, "to_string", None), str):
        text = value.to_string
    else:
        props = _properties(value) or (value if isinstance(value, dict) else None)
        if props is None:
            raise ValueError(f"TlsDomain of unexpected type {type(value).__name__}")
        text = _text(props.get("Address"))
        if not text and props.get("Domain") is not None:
            text = _text(props["Domain"])
            if text and props.get("IncludeSubDomains") is True and not text.startswith("*."):
                text = "*." + text
    if text is None or not text.strip():
        return None
    return text.strip()


def _connector(settings: ConnectionSettings, obj: Any) -> SendConnector:
    props = _properties(obj)
    if props is None:
        raise RemoteError(
            settings.server,
            "answer",
            f"Get-SendConnector returned a {type(obj).__name__}, not a connector object",
            "the endpoint is not behaving like Exchange; check --endpoint and the server",
        )
    try:
        name = _text(props.get("Name"))
        if not name:
            raise ValueError("a connector without a Name")
        identity = _text(props.get("Identity")) or name
        if "TlsDomain" not in props:
            # Unset is a null value, not a missing property: an object without it is not an
            # answer to this check, and must not be judged as "TlsDomain is empty".
            raise ValueError(f"connector {name!r} has no TlsDomain property")
        tls_domain = _tls_domain(props.get("TlsDomain"))
    except ValueError as err:
        raise RemoteError(
            settings.server,
            "answer",
            f"Get-SendConnector returned an object cklauto cannot read: {err}",
            "the endpoint is not behaving like Exchange; check --endpoint and the server",
        ) from None
    return SendConnector(name=name, identity=identity, tls_domain=tls_domain)


# --- exception translation ----------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _scrub(text: str, settings: ConnectionSettings) -> str:
    # Nothing we build contains the password; this guards text that came from elsewhere.
    for secret in (settings.password, settings.certificate_key_pem):
        if secret:
            text = text.replace(secret, "***")
    return text


def _short(exc: object, limit: int = 200) -> str:
    text = _one_line(str(exc)) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _caused_by(exc: BaseException) -> str:
    """The innermost useful words of a requests/urllib3 error chain."""
    text = _one_line(str(exc))
    for pattern in (
        r"certificate verify failed: ([^()'\"]+)",
        r"\[SSL: ([A-Z_]+)\]",
        r"Connection refused",
        r"Name or service not known|nodename nor servname provided|Temporary failure in name resolution",
        r"RemoteDisconnected\('([^']+)'\)",
        r"Connection reset by peer",
        r"timed out",
    ):
        match = re.search(pattern, text)
        if match:
            return _one_line(match.group(1) if match.groups() else match.group(0))
    return _short(exc)


def _translate(exc: BaseException, settings: ConnectionSettings) -> RemoteError:
    """Map any exception from the remoting stack to one RemoteError (the edge of the layer)."""
    import xml.etree.ElementTree as ET

    import requests
    from pypsrp import exceptions as px

    try:
        from spnego.exceptions import SpnegoError
    except ImportError:  # pragma: no cover - pyspnego is a pypsrp dependency
        SpnegoError = ()  # type: ignore[assignment,misc]  # noqa: N806

    host = settings.server
    url = settings.url()
    log.debug("%s: remoting failed: %s", host, type(exc).__name__, exc_info=True)

    def err(kind: str, reason: str, hint: str | None) -> RemoteError:
        return RemoteError(host, kind, _scrub(_one_line(reason), settings), hint)

    creds_hint = (
        "check your Kerberos ticket (kinit) and that the server name is the one in its SPN"
        if settings.auth == "kerberos"
        else "check --username and CKLAUTO_PASSWORD"
    )
    if isinstance(exc, UnsealedAnswer):
        return err(
            "protocol",
            f"the server answered in clear text over plain HTTP after {settings.auth} authentication at {url}; "
            "the answer was refused, as anyone on the network path could have forged it",
            "check for a proxy or load balancer that strips WinRM message encryption, or connect with --ssl",
        )
    used_kerberos = settings.auth == "kerberos" or (
        settings.auth == "negotiate" and kerberos.kerberos_possible(settings) is None
    )
    if used_kerberos:
        translated = kerberos.translate(exc, settings)
        if translated is not None:
            return translated
    if isinstance(exc, px.AuthenticationError) and used_kerberos:
        return err(
            "auth",
            f"the server refused the Kerberos ticket for {kerberos.spn_text(settings)}: {url} answered 401",
            "the SPN may be registered to another account than the one the server runs as, which "
            f"setspn -Q {kerberos.spn_text(settings)} shows, or the server's keytab is out of date",
        )
    if isinstance(exc, px.AuthenticationError):
        return err("auth", f"authentication failed ({settings.auth}) at {url}", creds_hint)
    if isinstance(exc, SpnegoError):
        return err("auth", f"{settings.auth} authentication could not start: {_short(exc, 160)}", creds_hint)
    if isinstance(exc, requests.exceptions.SSLError):
        return err(
            "tls",
            f"TLS verification failed for {url}: {_caused_by(exc)}",
            "pass --ca-bundle with your CA, or check the server name",
        )
    if isinstance(exc, requests.exceptions.ProxyError):
        return err(
            "connection",
            f"the HTTP proxy for {url} failed: {_caused_by(exc)}",
            "the proxy comes from HTTPS_PROXY/HTTP_PROXY; add the server to NO_PROXY if it should be reached directly",
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return err(
            "connection",
            f"could not connect to {url} (no answer to the TCP connect)",
            "check the server name, the port and any firewall",
        )
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return err(
            "timeout", f"no answer from {url} within the read timeout", "the server is slow or hung; raise --timeout"
        )
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return err(
            "protocol", f"truncated or undecodable answer from {url}", "check the server and any proxy in between"
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        cause = _caused_by(exc)
        if "refused" in cause.lower():
            return err("connection", f"connection refused by {url}", "check the server name, --port and --ssl")
        if "name" in cause.lower() and ("resolution" in cause.lower() or "known" in cause.lower()):
            return err("connection", f"cannot resolve the server name {host!r}", "check the server name and DNS")
        if "closed" in cause.lower() or "aborted" in _one_line(str(exc)).lower() or "reset" in cause.lower():
            return err(
                "connection",
                f"the server closed the connection without answering ({url})",
                "is it plain HTTP sent to an HTTPS port (check --ssl and --port)? otherwise check the server's "
                "IIS logs and any proxy or load balancer in between",
            )
        return err("connection", f"cannot reach {url}: {cause}", "check the server name, --port and --ssl")
    if isinstance(exc, requests.exceptions.RequestException):
        return err("connection", f"HTTP request to {url} failed: {_caused_by(exc)}", None)
    if isinstance(exc, px.WSManFaultError):
        code = exc.code
        reason = _short(exc.reason or "", 160) if exc.reason else ""
        if code == _WSMAN_RESOURCE_NOT_FOUND:
            return err(
                "protocol",
                f"the server has no PowerShell configuration for this request (WSMan fault {code})",
                "wrong endpoint/configuration; Exchange serves Microsoft.Exchange at /PowerShell",
            )
        if code is None:
            return err(
                "protocol",
                f"the server refused the request without details (WSMan fault) at {url}",
                "Exchange's /PowerShell expects Kerberos with a UPN user name; check --auth and --endpoint",
            )
        if code == _WSMAN_ACCESS_DENIED:
            return err("auth", f"access denied by the WinRM service (WSMan fault {code})", creds_hint)
        return err("protocol", f"WSMan fault {code}: {reason or 'no reason given'}", None)
    if isinstance(exc, px.WinRMTransportError):
        code = exc.code
        hints = {
            404: "wrong path; Exchange serves /PowerShell (use --endpoint winrm for /wsman)",
            500: "the server failed internally; check the IIS and Exchange logs",
            503: "the service is unavailable (application pool stopped?); try again later",
        }
        return err("protocol", f"HTTP {code} from {url}", hints.get(code, "check the server's IIS logs"))
    if isinstance(exc, (px.WinRMError, ET.ParseError)):
        what = "not valid XML" if isinstance(exc, ET.ParseError) else _short(exc, 160)
        return err("protocol", f"unusable answer from {url}: {what}", "check that this is an Exchange/WinRM endpoint")
    if isinstance(exc, ImportError):
        # pypsrp imports the CredSSP / Kerberos helpers only when that auth is asked for.
        return err(
            "auth",
            f"{settings.auth} authentication is not available here: {_short(exc, 160)}",
            "install cklauto[kerberos] for Kerberos (or requests-credssp for CredSSP), or pick another --auth",
        )
    if isinstance(exc, ValueError):
        return err("protocol", f"cannot talk to {url}: {_short(exc, 160)}", None)
    if isinstance(exc, OSError):
        text = str(exc)
        if "CA certificate bundle" in text:
            return err(
                "tls", f"cannot use the CA bundle {settings.ca_bundle!r}", "check the --ca-bundle path (a PEM file)"
            )
        if "certificate file" in text or "key file" in text:
            return err(
                "auth",
                "cannot use the client certificate or its key",
                "check the certificate and key paths (PEM files)",
            )
        return err("connection", f"cannot reach {url}: {_short(exc, 160)}", None)
    return err("protocol", f"unexpected {type(exc).__name__} while talking to {url}: {_short(exc, 160)}", None)

"""How to reach one Exchange server over PowerShell remoting (pypsrp 0.9.1), and what its failures mean.

Together with :mod:`cklauto.remoting.pipelines` (which runs the queries), this is the only code in cklauto that
imports pypsrp, and it does so inside functions so that ``cklauto --help`` stays light.  Every failure leaves as
one `RemoteError` whose reason is one line and whose hint says what to do; no exception from pypsrp, requests,
pyspnego or ElementTree escapes, and the password never appears in a message or a log record.

Why the shapes below (docs/exchange-remoting.md):
* Exchange's /PowerShell endpoint runs in NoLanguage mode, so pipelines are built with
  ``add_cmdlet``/``add_parameter`` only (A2).
* A hung Receive is retried by pypsrp for minutes; the explicit timeouts shorten that and a
  worker thread joined with a deadline bounds it absolutely (A4).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from cklauto.errors import RemoteError
from cklauto.redact import redactor_for
from cklauto.remoting import kerberos
from cklauto.remoting.transport import bound_responses

log = logging.getLogger(__name__)

AUTH_METHODS = ("kerberos", "negotiate", "ntlm", "basic", "credssp", "certificate")
ENDPOINTS = ("exchange", "winrm")
EXCHANGE_CONFIGURATION = "Microsoft.Exchange"
EXCHANGE_SNAPIN = "Microsoft.Exchange.Management.PowerShell.SnapIn"

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
    #: Pipelines the server may run at once in cklauto's one runspace pool (--pipelines).
    max_pipelines: int = 24

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
    """Per-request bounds that never end a host before its overall deadline (``--timeout``).

    The overall deadline is the caller's (`ask_server` joins its worker with it, and the response bounds of
    transport.py stop reading at it), so a hung server fails at ``total`` with a message that names the figure,
    and a server that answers just inside it passes.  The per-request bounds therefore sit just beyond ``total``:
    each only frees the abandoned worker thread soon after.  operation_timeout is how long the server may
    long-poll a Receive before answering "no output yet" (then pypsrp asks again); read_timeout must exceed it.
    reconnection_retries is 0: pypsrp would otherwise retry a timed-out Receive with exponential backoff.
    """
    operation = max(1, min(20, int(total // 3)))
    beyond = total + _SLACK
    return {
        "operation_timeout": operation,
        "read_timeout": max(operation + 2, beyond),
        "connection_timeout": beyond,
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
    # Size, time and redirect bounds (transport.py); a redirect's Location is server text, hence the scrub.
    bound_responses(wsman, settings.server, settings.timeout, scrub=lambda text: _scrub(text, settings))
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


def _close_quietly(settings: ConnectionSettings, pool: Any, wsman: Any) -> None:
    try:
        pool.close()
    except Exception:  # noqa: BLE001 - see the caller
        log.debug("%s: closing the runspace pool failed (ignored)", settings.server, exc_info=True)
    try:
        wsman.close()
    except Exception:  # noqa: BLE001
        log.debug("%s: closing the HTTP session failed (ignored)", settings.server, exc_info=True)


# --- exception translation ----------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _scrub(text: str, settings: ConnectionSettings) -> str:
    """``text`` without the password or key, in any form a server may echo them (see cklauto.redact).

    Nothing we build contains them; this guards text that came from the server."""
    return redactor_for(settings.password, settings.certificate_key_pem, username=settings.username)(text)


def _scrub_value(value: Any, settings: ConnectionSettings) -> Any:
    """A property value whose texts echo the password keeps it masked: values go into the finding details."""
    if isinstance(value, str):
        return _scrub(value, settings)
    if isinstance(value, list):
        return [_scrub_value(item, settings) for item in value]
    return value


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
        return RemoteError(host, kind, _scrub(_one_line(_scrub(reason, settings)), settings), hint)

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
            f"could not connect to {url} (no answer to the TCP connect within {settings.timeout:g} s)",
            "check the server name, the port and any firewall",
        )
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return err(
            "timeout",
            f"no answer within {settings.timeout:g} s from {url}",
            "the server is slow or not answering; check it, or raise --timeout",
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

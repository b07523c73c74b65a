"""``cklauto doctor SERVER``: can this server be asked, and if not, which step fails and how to fix it.

Runs the steps a real connection goes through, in order, each on its own and bounded in time:

1. ``name``: the server name resolves;
2. ``port``: the TCP port accepts a connection;
3. ``tls``: the certificate verifies (HTTPS only);
4. ``identity``: the credentials and Kerberos service principal that would be used (no network);
5. ``ticket``: the Kerberos tickets can be obtained from the KDC;
6. ``exchange``: Get-SendConnector answers for this account (read-only; no checklist is touched).

A step that depends on a failed one is reported as skipped (the identity and ticket steps do not
need the server, so they still run when it cannot be reached).  Nothing here writes anything, and
no secret appears in a step's text.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from cklauto.errors import CklautoError, RemoteError
from cklauto.remoting import ConnectionSettings, kerberos

_AUTH_NAMES = {"kerberos": "Kerberos", "negotiate": "Negotiate", "ntlm": "NTLM", "credssp": "CredSSP"}


@dataclass(frozen=True)
class Step:
    """One line of the diagnosis: ``status`` is ok, error or skip; ``fix`` says what to do on error."""

    name: str
    status: str
    detail: str
    fix: str | None = None

    def line(self) -> str:
        text = f"{self.status:<5}  {self.name:<8}  {self.detail}"
        return f"{text} (fix: {self.fix})" if self.fix else text


def diagnose(settings: ConnectionSettings) -> Iterator[Step]:
    """Yield each step's result as soon as it is known (so a slow step shows where it waits)."""
    steps: list[tuple[str, Callable[[ConnectionSettings], Step], tuple[str, ...]]] = [
        ("name", _name, ()),
        ("port", _port, ("name",)),
        ("tls", _tls, ("port",)),
        ("identity", _identity, ()),
        ("ticket", _ticket, ("identity",)),
        ("exchange", _exchange, ("tls", "ticket")),
    ]
    not_ok: set[str] = set()  # failed, or skipped because of a failure
    for name, check, needs in steps:
        blocked = [need for need in needs if need in not_ok]
        if blocked:
            not_ok.add(name)
            yield Step(name, "skip", f"not checked: the {blocked[0]} step did not pass")
            continue
        step = _guarded(name, check, settings)
        if step.status == "error":
            not_ok.add(name)
        yield step


def _guarded(name: str, check: Callable[[ConnectionSettings], Step], settings: ConnectionSettings) -> Step:
    try:
        return check(settings)
    except RemoteError as err:
        return Step(name, "error", err.reason, err.hint)
    except CklautoError as err:
        return Step(name, "error", err.message, err.hint)


def _bounded(seconds: float, work: Callable[[], Any]) -> Any:
    """Run ``work`` in a daemon thread; raise TimeoutError when it has not finished after ``seconds``."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    worker = threading.Thread(target=run, name="cklauto-doctor", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError
    if "error" in box:
        raise box["error"]
    return box["value"]


# --- the steps ------------------------------------------------------------------------------------


def _name(settings: ConnectionSettings) -> Step:
    host = settings.server
    if kerberos.is_address(host):
        return Step("name", "ok", f"{host} is an address (no name lookup)")
    wait = min(settings.timeout, 10.0)
    try:
        infos = _bounded(wait, lambda: socket.getaddrinfo(host, settings.effective_port, type=socket.SOCK_STREAM))
    except TimeoutError:
        return Step(
            "name", "error", f"looking up {host} took over {wait:g} s", "check the DNS servers of this computer"
        )
    except OSError as exc:
        return Step(
            "name",
            "error",
            f"{host} does not resolve: {exc.strerror or exc}",
            "check the server name, its FQDN such as ex01.contoso.mil, and this computer's DNS",
        )
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    return Step("name", "ok", f"{host} resolves to {', '.join(addresses[:4])}")


def _port(settings: ConnectionSettings) -> Step:
    where = f"{settings.server}:{settings.effective_port}"
    wait = min(settings.timeout, 10.0)
    try:
        with socket.create_connection((settings.server.strip("[]"), settings.effective_port), timeout=wait):
            pass
    except TimeoutError:
        return Step(
            "port", "error", f"no answer from {where} within {wait:g} s", "check firewalls between here and the server"
        )
    except OSError as exc:
        scheme = "HTTPS" if settings.ssl else "HTTP"
        return Step(
            "port",
            "error",
            f"{where} does not accept connections: {exc.strerror or exc}",
            f"check that {scheme} is served on port {settings.effective_port} (--port, --ssl/--no-ssl) and firewalls",
        )
    return Step("port", "ok", f"{where} accepts connections")


def _tls(settings: ConnectionSettings) -> Step:
    if not settings.ssl:
        if settings.auth in ("kerberos", "negotiate", "ntlm", "credssp"):
            detail = f"plain HTTP: every message is encrypted with the {_AUTH_NAMES[settings.auth]} session key"
        else:
            detail = "plain HTTP (no TLS)"
        return Step("tls", "skip", detail)
    host = settings.server.strip("[]")
    context = ssl.create_default_context(cafile=_ca_file(settings))
    if settings.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    wait = min(settings.timeout, 10.0)
    try:
        with socket.create_connection((host, settings.effective_port), timeout=wait) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                cert = tls.getpeercert() or {}
                version = tls.version()
    except ssl.SSLCertVerificationError as exc:
        return Step(
            "tls",
            "error",
            f"the certificate of {host} does not verify: {exc.verify_message or exc.reason}",
            "pass --ca-bundle with the CA that signed it, and connect with the name in the certificate",
        )
    except (ssl.SSLError, OSError) as exc:
        return Step(
            "tls",
            "error",
            f"no TLS handshake with {host}:{settings.effective_port}: {getattr(exc, 'reason', None) or exc}",
            "is the port plain HTTP? check --port and --ssl/--no-ssl",
        )
    if settings.insecure:
        return Step("tls", "ok", f"{version} handshake; the certificate was NOT verified (--insecure)")
    until = cert.get("notAfter", "?")
    return Step("tls", "ok", f"{version}; the certificate of {host} verifies (valid until {until})")


def _ca_file(settings: ConnectionSettings) -> str | None:
    import os

    if settings.ca_bundle:
        return settings.ca_bundle
    if os.environ.get("REQUESTS_CA_BUNDLE"):
        return os.environ["REQUESTS_CA_BUNDLE"]
    try:
        import certifi  # what requests (and so pypsrp) trusts by default
    except ImportError:  # pragma: no cover - a requests dependency
        return None
    return str(certifi.where())


def _identity(settings: ConnectionSettings) -> Step:
    if settings.auth == "certificate":
        return Step("identity", "ok", "client certificate from --cert-pem")
    if settings.auth in ("kerberos", "negotiate"):
        why_not = kerberos.kerberos_possible(settings) if settings.auth == "negotiate" else None
        if why_not is None:
            chosen = kerberos.plan(settings)
            return Step(
                "identity",
                "ok",
                f"Kerberos as {chosen.principal} ({chosen.source}); service principal {chosen.spn}",
            )
        detail = f"NTLM as {settings.username or '(no user)'} (Kerberos cannot be tried: {why_not})"
        return Step("identity", "ok", detail)
    if not settings.username:
        return Step("identity", "error", f"{settings.auth} authentication needs --username", "give --username")
    with_password = "with a password" if settings.password is not None else "WITHOUT a password"
    return Step("identity", "ok", f"{settings.auth} as {settings.username} {with_password}")


def _ticket(settings: ConnectionSettings) -> Step:
    if settings.auth not in ("kerberos", "negotiate") or (
        settings.auth == "negotiate" and kerberos.kerberos_possible(settings)
    ):
        return Step("ticket", "skip", f"{settings.auth} authentication uses no Kerberos ticket")
    prepared = kerberos.prepare(settings)
    chosen = prepared.plan
    return Step("ticket", "ok", f"service ticket for {chosen.spn} obtained from realm {chosen.realm}")


def _exchange(settings: ConnectionSettings) -> Step:
    from cklauto.checks.api import ResolvedQuery, Scope
    from cklauto.remoting.pipelines import ask_server

    query = ResolvedQuery("Get-SendConnector", scope=Scope.ORGANIZATION)
    result = ask_server(settings, [query])
    answer = result.answers[query]
    if isinstance(answer, CklautoError):
        raise answer
    count = len(answer.records)
    noun = "Send connector" if count == 1 else "Send connectors"
    return Step(
        "exchange",
        "ok",
        f"Get-SendConnector answered at {result.endpoint_url} ({result.configuration}): {count} {noun}",
    )

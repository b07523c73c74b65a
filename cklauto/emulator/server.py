"""The HTTP(S) front of the emulated Exchange: listeners, TLS, auth, fault injection, dispatch.

Design notes (docs/exchange-remoting.md part B):
* One listening socket per emulated host, all served by a single accept thread (a selector), and
  one worker thread per TCP connection.  The TLS handshake happens in that worker, so a slow or
  silent client cannot stall the accept loop.
* Every response leaves in ONE ``sendall`` with ``TCP_NODELAY`` set: split header/body writes
  meet Nagle + delayed ACK and cost ~40 ms per request.
* Shutdown releases hung requests (they wait on an Event), closes every open connection so
  keep-alive readers wake up, then joins the workers with a bound.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import http.server
import logging
import selectors
import shutil
import socket
import socketserver
import ssl
import tempfile
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from cklauto.emulator import certs, kerberos, ntlm, wsman
from cklauto.emulator.behavior import TRANSPORT_FAIL_MODES, HostBehavior, HostStats, validate_behavior
from cklauto.emulator.exchange import EndpointStyle
from cklauto.emulator.psrp import PoolSession

log = logging.getLogger(__name__)

_IDLE_TIMEOUT = 120.0  # IIS's default connection timeout; also bounds leaked keep-alive sockets
_JOIN_TIMEOUT = 5.0

_IIS_500 = (
    b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n'
    b'<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n'
    b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">\r\n'
    b"<title>500 - Internal server error.</title>\r\n</head>\r\n<body>\r\n"
    b'<div id="header"><h1>Server Error</h1></div>\r\n<div id="content">\r\n'
    b"<fieldset><h2>500 - Internal server error.</h2>\r\n"
    b"<h3>There is a problem with the resource you are looking for, and it cannot be displayed.</h3>\r\n"
    b"</fieldset></div>\r\n</body>\r\n</html>\r\n"
)
_HTTP_503 = (
    b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
    b"<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n"
    b'<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n'
    b"<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n"
    b"</BODY></HTML>\r\n"
)
#: How much a ``huge`` answer announces: far beyond anything a client should accept.
_HUGE_LENGTH = 2**40
_STREAM_CHUNK = b"<" * (1024 * 1024)
_TRICKLE_INTERVAL = 0.5
_GARBAGE = b'<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><broken'

#: Authentication an emulator can demand.
AUTH_MODES = ("basic", "ntlm", "kerberos")

_STYLES = {
    "/powershell": lambda b: EndpointStyle("exchange", b.configuration_name, no_language=True, needs_snapin=False),
    "/wsman": lambda b: EndpointStyle("winrm", "Microsoft.PowerShell", no_language=False, needs_snapin=True),
}


def _quiet(exc: BaseException) -> bool:
    """Errors that just mean the client went away (or never finished a TLS handshake)."""
    return isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError, OSError))


class _Listener(socketserver.TCPServer):
    """One host's listening socket; connections are handed to the emulator's workers."""

    allow_reuse_address = True

    def __init__(self, emu: EmulatedExchange, host: HostBehavior, address: tuple[str, int]) -> None:
        self.emu = emu
        self.host = host
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler, bind_and_activate=True)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.emu._spawn(self, request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:  # pragma: no cover - safety net
        log.debug("emulator: connection error from %s", client_address, exc_info=True)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-HTTPAPI/2.0"
    sys_version = ""
    timeout = _IDLE_TIMEOUT
    server: _Listener

    def setup(self) -> None:
        super().setup()
        self.auth_context: Any = None  # NTLM is connection-bound: the context lives per connection
        self.authenticated = False
        self.principal: str | None = None  # who authenticated (Kerberos), for the shell's owner
        self._auth_header: str | None = None
        self.encrypted = False
        self.seal_protocol = ntlm.PROTOCOL

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    # --- HTTP plumbing -------------------------------------------------------------------
    def _send(
        self, status: int, body: bytes = b"", headers: dict[str, str] | list[tuple[str, str]] | None = None
    ) -> None:
        reason = http.server.BaseHTTPRequestHandler.responses.get(status, ("",))[0]
        lines = [f"HTTP/1.1 {status} {reason}", f"Server: {self.server_version}", f"Content-Length: {len(body)}"]
        # A list allows a header twice (IIS offers each authentication scheme in its own WWW-Authenticate).
        for key, value in headers.items() if isinstance(headers, dict) else headers or []:
            lines.append(f"{key}: {value}")
        if self._auth_header and status != 401:
            lines.append(f"WWW-Authenticate: {self._auth_header}")
            self._auth_header = None
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # One write: see the module docstring (Nagle).
        self.wfile.write(head + body)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self) -> None:
        self.close_connection = True
        self._send(405, b"", {"Allow": "POST"})

    do_PUT = do_DELETE = do_GET

    def do_POST(self) -> None:
        emu = self.server.emu
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True  # cannot find the end of this body: do not reuse the stream
            self._send(411 if length >= 0 else 400)
            return
        body = self.rfile.read(length) if length else b""
        host = emu._route(self.server.host, self.headers.get("Host", ""))
        path = self.path.split("?", 1)[0].rstrip("/").lower() or "/"
        style_factory = _STYLES.get(path)
        if style_factory is None:
            self._send(404, b"", {"Content-Type": "text/html"})
            return
        if not self._authenticate(host):
            return
        # Over HTTPS NTLM/Kerberos messages travel in clear (TLS protects them); over HTTP pypsrp wraps them.
        content_type = self.headers.get("Content-Type", "")
        self.encrypted = content_type.lower().startswith("multipart/encrypted")
        if self.encrypted:
            self.seal_protocol = kerberos.sealing_protocol(content_type)
        if emu.auth in ("ntlm", "kerberos"):
            if not body:  # pypsrp's empty priming POST that sets up the security context
                self._send(200)
                return
            if self.encrypted:
                try:
                    body = ntlm.unwrap(self.auth_context, body, self.headers.get("Content-Type", ""))
                except Exception:  # noqa: BLE001 - any decryption failure is the client's problem
                    log.debug("emulator: could not decrypt a request", exc_info=True)
                    self._send(400)
                    return
            elif not emu.tls:
                # Real WinRM refuses unencrypted messages over HTTP (AllowUnencrypted=false).
                self._send(400)
                return

        try:
            request = wsman.parse_request(body)
        except (ET.ParseError, wsman.WSManError) as err:
            self._reply(500, wsman.fault("", wsman.FAULT_INVALID_REQUEST, f"Malformed request: {err}", host.name))
            return

        on_path = host.fail_path is None or host.fail_path.lower() == path
        if host.fail in TRANSPORT_FAIL_MODES and on_path and request.action.lower() == host.fail_on.lower():
            self._inject(host, request)
            return
        if host.fail == "echo_password_record":
            host = emu._echo_record_view(host, _echo(*self._credential()))

        status, payload = emu._dispatch(host, style_factory(host), request, self)
        if status is None:  # released hang: answer nothing
            self._drop()
            return
        self._reply(status, payload)

    def _reply(self, status: int, payload: bytes) -> None:
        if self.encrypted and self.server.emu.seal_replies:
            content_type = f'multipart/encrypted;protocol="{self.seal_protocol}";boundary="{ntlm.BOUNDARY}"'
            sealed = ntlm.wrap(self.auth_context, payload, self.seal_protocol)
            self._send(status, sealed, {"Content-Type": content_type})
        else:
            self._send(status, payload, {"Content-Type": "application/soap+xml;charset=UTF-8"})

    def _inject(self, host: HostBehavior, request: wsman.Request) -> None:
        if host.fail == "malformed":
            self._send(200, _GARBAGE, {"Content-Type": "application/soap+xml;charset=UTF-8"})
        elif host.fail == "html500":
            self._send(500, _IIS_500, {"Content-Type": "text/html"})
        elif host.fail == "http503":
            self._send(503, _HTTP_503, {"Content-Type": "text/html; charset=us-ascii"})
        elif host.fail == "drop":
            self._drop()
        elif host.fail == "hang":
            self.server.emu._stopping.wait()
            self._drop()
        elif host.fail == "huge":
            self._stream({"Content-Length": str(_HUGE_LENGTH)}, _forever(_STREAM_CHUNK))
        elif host.fail == "endless":
            chunk = b"%x\r\n" % len(_STREAM_CHUNK) + _STREAM_CHUNK + b"\r\n"
            self._stream({"Transfer-Encoding": "chunked"}, _forever(chunk))
        elif host.fail == "trickle":
            self._stream({"Content-Length": str(1024 * 1024)}, self._trickle())
        elif host.fail == "redirect":
            target = host.redirect_to or f"http://{self.headers.get('Host', '')}{self.path}"
            self._send(307, b"", {"Location": target})
        elif host.fail == "echo_password_body":
            page = _IIS_500.replace(b"</fieldset>", b"<p>" + _echo(*self._credential()).encode() + b"</p></fieldset>")
            self._send(500, page, {"Content-Type": "text/html"})
        elif host.fail == "echo_password_fault":
            self._reply(500, wsman.fault(request.message_id, 2150858752, _echo(*self._credential()), host.name))

    def _stream(self, headers: dict[str, str], chunks: Iterator[bytes]) -> None:
        """A 200 answer whose body is written piece by piece until the client hangs up (or shutdown)."""
        self.close_connection = True
        lines = ["HTTP/1.1 200 OK", f"Server: {self.server_version}", "Content-Type: application/soap+xml"]
        lines += [f"{key}: {value}" for key, value in headers.items()]
        try:
            self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            for chunk in chunks:
                if self.server.emu._stopping.is_set():
                    break
                self.wfile.write(chunk)
        except OSError:  # the client hung up: what a bounded client does
            pass
        self._drop()

    def _trickle(self) -> Iterator[bytes]:
        while not self.server.emu._stopping.wait(_TRICKLE_INTERVAL):
            yield b"<"

    def _credential(self) -> tuple[str, str]:
        """What the client logged on with: Basic carries it; otherwise the emulator's first user."""
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(token.strip()).decode("utf-8").partition(":")
                return user, password
            except (binascii.Error, ValueError):
                pass
        return next(iter(self.server.emu.users.items()))

    # --- authentication -------------------------------------------------------------------
    def _unauthorized(self, challenge: str) -> None:
        self._send(401, b"", {"WWW-Authenticate": challenge})

    def _challenge(self) -> None:
        """401 offering the emulator's schemes (Kerberos: each in its own header, as IIS does)."""
        emu = self.server.emu
        schemes = emu.kerberos_schemes if emu.auth == "kerberos" else ("Negotiate",)
        self._send(401, b"", [("WWW-Authenticate", scheme) for scheme in schemes])

    def _authenticate(self, host: HostBehavior) -> bool:
        emu = self.server.emu
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if emu.auth == "basic":
            if host.fail == "unauthorized":
                self._unauthorized('Basic realm="' + host.name + '"')
                return False
            if scheme.lower() == "basic" and emu._check_basic(token.strip()):
                return True
            self._unauthorized('Basic realm="' + host.name + '"')
            return False

        # NTLM / Negotiate / Kerberos
        if host.fail == "unauthorized":
            self.auth_context = None
            self.authenticated = False
            self._challenge()
            return False
        offered = ("negotiate", "ntlm") if emu.auth == "ntlm" else tuple(s.lower() for s in emu.kerberos_schemes)
        if scheme.lower() in offered and token.strip():
            reply_scheme = "Kerberos" if scheme.lower() == "kerberos" else "Negotiate"
            try:
                in_token = base64.b64decode(token.strip())
            except (binascii.Error, ValueError):
                self._challenge()
                return False
            if self.auth_context is None or self.authenticated:
                self.auth_context = kerberos.new_acceptor() if emu.auth == "kerberos" else ntlm.new_acceptor()
                self.authenticated = False
            try:
                out_token = self.auth_context.step(in_token)
            except Exception:  # wrong password, bad token, unknown key: spnego raises its own errors
                log.debug("emulator: %s authentication failed", emu.auth, exc_info=True)
                self.auth_context = None
                self._challenge()
                return False
            if not self.auth_context.complete:
                self._unauthorized(f"{reply_scheme} " + base64.b64encode(out_token or b"").decode())
                return False
            self.authenticated = True
            self.principal = kerberos.client_principal(self.auth_context) if emu.auth == "kerberos" else None
            if self.principal:
                emu.stats(host.name).record_principal(self.principal)
            if out_token:
                # Final leg (NTLM: SPNEGO mechListMIC; Kerberos: the mutual-authentication AP-REP):
                # it rides on the real answer.
                self._auth_header = f"{reply_scheme} " + base64.b64encode(out_token).decode()
            return True
        if self.authenticated:
            return True
        self._challenge()
        return False


class EmulatedExchange:
    """A set of fake Exchange servers on loopback, each on its own port, for real pypsrp clients.

    Use as a context manager; see the package docstring for an example.
    """

    def __init__(
        self,
        hosts: list[HostBehavior],
        *,
        tls: bool = True,
        auth: str = "basic",
        users: dict[str, str] | None = None,
        bind: str = "127.0.0.1",
        keytab: str | None = None,
        kerberos_schemes: tuple[str, ...] = kerberos.DEFAULT_SCHEMES,
    ) -> None:
        if auth not in AUTH_MODES:
            raise ValueError(f"auth must be one of {', '.join(AUTH_MODES)}, not {auth!r}")
        if auth == "kerberos" and not keytab:
            raise ValueError("Kerberos needs the keytab that holds the host/<name> keys of the emulated servers")
        if not hosts:
            raise ValueError("at least one host is needed")
        names = [h.name.lower() for h in hosts]
        if len(set(names)) != len(names):
            raise ValueError("host names must be unique")
        for host in hosts:
            validate_behavior(host)
        self.tls = tls
        self.auth = auth
        self.users = dict(users if users is not None else {"CONTOSO\\svc-stig": "P@ssw0rd!"})
        self.bind = bind
        self.keytab = keytab
        self.kerberos_schemes = tuple(kerberos_schemes)
        #: False makes the emulator answer sealed requests in clear, as a tampering proxy could (test knob).
        self.seal_replies = True
        self._hosts = {h.name.lower(): h for h in hosts}
        self._stats = {h.name.lower(): HostStats() for h in hosts}
        self._ports: dict[str, int] = {}
        self._listeners: list[_Listener] = []
        self._shells: dict[str, PoolSession] = {}
        self._shells_lock = threading.Lock()
        self._echo_views: dict[str, HostBehavior] = {}
        self._stopping = threading.Event()
        self._workers: set[threading.Thread] = set()
        self._conns: set[Any] = set()
        self._conn_lock = threading.Lock()
        self._acceptor: threading.Thread | None = None
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None
        self._tmpdir: str | None = None
        self._ssl: ssl.SSLContext | None = None
        self.ca_path: str = ""
        self._started = False

    # --- public API -------------------------------------------------------------------------
    def __enter__(self) -> EmulatedExchange:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def host_names(self) -> list[str]:
        return [h.name for h in self._hosts.values()]

    def port_of(self, name: str) -> int:
        return self._ports[name.lower()]

    def behavior(self, name: str) -> HostBehavior:
        return self._hosts[name.lower()]

    def stats(self, name: str) -> HostStats:
        return self._stats[name.lower()]

    def url(self, name: str, endpoint: str = "exchange", address: str | None = None) -> str:
        """Where to reach ``name``: e.g. https://127.0.0.1:PORT/PowerShell (or /wsman)."""
        scheme = "https" if self.tls else "http"
        path = "PowerShell" if endpoint == "exchange" else "wsman"
        where = address or self.bind
        if ":" in where:
            where = f"[{where}]"
        return f"{scheme}://{where}:{self.port_of(name)}/{path}"

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        try:
            self._tmpdir = tempfile.mkdtemp(prefix="cklauto-emu-")
            if self.tls:
                files = certs.generate(self._tmpdir, [h.name for h in self._hosts.values()])
                self.ca_path = files.ca_path
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.minimum_version = ssl.TLSVersion.TLSv1_2
                ctx.load_cert_chain(files.cert_path, files.key_path)
                self._ssl = ctx
            if self.auth == "ntlm":
                ntlm.UserFile.acquire(id(self), self.users)
            if self.auth == "kerberos":
                assert self.keytab is not None
                kerberos.AcceptorKeytab.acquire(id(self), self.keytab)
            for host in self._hosts.values():
                listener = _Listener(self, host, (self.bind, host.port))
                self._listeners.append(listener)
                self._ports[host.name.lower()] = listener.server_address[1]
            self._wake_r, self._wake_w = socket.socketpair()
            self._acceptor = threading.Thread(target=self._accept_loop, name="cklauto-emu-accept", daemon=True)
            self._acceptor.start()
        except BaseException:
            self.stop()
            raise
        log.debug("emulator: serving %d host(s) on %s", len(self._listeners), self.bind)

    def stop(self) -> None:
        """Stop serving: release hung requests, close connections, join threads, remove temp files."""
        if not self._started:
            return
        self._started = False
        self._stopping.set()
        if self._wake_w is not None:
            try:
                self._wake_w.send(b"x")
            except OSError:
                pass
        if self._acceptor is not None:
            self._acceptor.join(_JOIN_TIMEOUT)
        for listener in self._listeners:
            listener.server_close()
        with self._conn_lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + _JOIN_TIMEOUT
        with self._conn_lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        for sock in (self._wake_r, self._wake_w):
            if sock is not None:
                sock.close()
        if self.auth == "ntlm":
            ntlm.UserFile.release(id(self))
        if self.auth == "kerberos":
            kerberos.AcceptorKeytab.release(id(self))
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
        self._listeners.clear()
        with self._shells_lock:
            self._shells.clear()

    # --- accept loop and workers ----------------------------------------------------------------
    def _accept_loop(self) -> None:
        selector = selectors.DefaultSelector()
        assert self._wake_r is not None
        selector.register(self._wake_r, selectors.EVENT_READ, None)
        for listener in self._listeners:
            selector.register(listener.socket, selectors.EVENT_READ, listener)
        try:
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    listener = key.data
                    if listener is None or self._stopping.is_set():
                        continue
                    try:
                        request, address = listener.get_request()
                    except OSError:
                        continue
                    listener.process_request(request, address)
        finally:
            selector.close()

    def _spawn(self, listener: _Listener, request: socket.socket, address: Any) -> None:
        self._stats[listener.host.name.lower()].add("connections")
        worker = threading.Thread(
            target=self._serve_connection, args=(listener, request, address), name="cklauto-emu-conn", daemon=True
        )
        with self._conn_lock:
            self._workers.add(worker)
            self._conns.add(request)
        worker.start()

    def _serve_connection(self, listener: _Listener, raw: socket.socket, address: Any) -> None:
        conn: Any = raw
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            raw.settimeout(_IDLE_TIMEOUT)
            if self._ssl is not None:
                conn = self._ssl.wrap_socket(raw, server_side=True)  # handshake here, in the worker
                with self._conn_lock:
                    self._conns.discard(raw)
                    self._conns.add(conn)
            if self._stopping.is_set():
                return
            _Handler(conn, address, listener)
        except Exception as exc:  # noqa: BLE001 - a worker must never print a traceback for a gone client
            if not _quiet(exc):
                log.warning("emulator: unexpected error serving %s", address, exc_info=True)
        finally:
            try:
                conn.close()
            except OSError:
                pass
            with self._conn_lock:
                self._conns.discard(conn)
                self._conns.discard(raw)
                self._workers.discard(threading.current_thread())

    # --- request handling helpers ----------------------------------------------------------
    def _route(self, default: HostBehavior, host_header: str) -> HostBehavior:
        name = host_header.strip().lower()
        if name.startswith("["):
            name = name.split("]", 1)[0] + "]"
        else:
            name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
        return self._hosts.get(name, default)

    def _echo_record_view(self, host: HostBehavior, message: str) -> HostBehavior:
        """``host`` as a server whose Get-SendConnector fails with ``message`` (one stable object per host,
        as shells remember the behaviour they were opened with)."""
        with self._shells_lock:
            view = self._echo_views.get(host.name.lower())
            if view is None:
                view = self._echo_views[host.name.lower()] = dataclasses.replace(host)
            for item in dataclasses.fields(host):
                setattr(view, item.name, getattr(host, item.name))
            view.fail = "error_record"
            view.error_message = message
            return view

    def _check_basic(self, token: str) -> bool:
        try:
            user, _, password = base64.b64decode(token).decode("utf-8").partition(":")
        except (binascii.Error, ValueError):
            return False
        for known, secret in self.users.items():
            if known.lower() == user.lower() and secret == password:
                return True
        return False

    def _dispatch(
        self, host: HostBehavior, style: EndpointStyle, request: wsman.Request, handler: _Handler
    ) -> tuple[int | None, bytes]:
        try:
            return 200, self._dispatch_action(host, style, request, handler)
        except wsman.WSManError as err:
            return 500, wsman.fault(request.message_id, err.code, err.reason, host.name, err.subcode)
        except _Hung:
            return None, b""
        except Exception as exc:  # noqa: BLE001 - a bug or hostile payload must not kill the connection silently
            log.debug("emulator: %s failed on %s", request.action, host.name, exc_info=True)
            return 500, wsman.fault(
                request.message_id, 2150858752, f"The emulated server failed: {type(exc).__name__}: {exc}", host.name
            )

    def _dispatch_action(
        self, host: HostBehavior, style: EndpointStyle, request: wsman.Request, handler: _Handler
    ) -> bytes:
        action = request.action
        stats = self._stats[host.name.lower()]
        rsp = wsman.NS["rsp"]
        if action == "Create":
            expected = wsman.POWERSHELL_URI_PREFIX + style.configuration_name
            if request.resource_uri.lower() != expected.lower():
                raise wsman.WSManError(
                    wsman.FAULT_RESOURCE_NOT_FOUND,
                    f"The WS-Management service cannot process the request. The resource URI ({request.resource_uri}) "
                    "was not found in the WS-Management catalog. The catalog contains the metadata that describes "
                    "resources, or logical endpoints.",
                    "w:DestinationUnreachable",
                )
            body = request.body
            creation = body.find("pwsh:creationXml", wsman.NS) if body is not None else None
            if body is None or creation is None or not (creation.text or "").strip():
                raise wsman.WSManError(wsman.FAULT_INVALID_REQUEST, "The Create request carries no creationXml.")
            shell_id = (body.get("ShellId") or str(uuid.uuid4())).upper()
            session = PoolSession(shell_id, host, style, stats)
            with session.lock:
                session.open(_b64(creation.text))
            with self._shells_lock:
                self._shells[shell_id] = session
            stats.add("pools_opened")
            endpoint = self.url(host.name, style.name)
            owner = handler.principal or next(iter(self.users), "")
            return wsman.create_response(request, endpoint, shell_id, owner, handler.client_address[0])

        session = self._shell(request, host)
        if action == "Delete":
            with self._shells_lock:
                self._shells.pop(session.shell_id, None)
            return wsman.response(request)
        with session.lock:
            if action == "Command":
                line = request.body
                if line is None or line.tag != f"{{{rsp}}}CommandLine":
                    raise wsman.WSManError(wsman.FAULT_INVALID_REQUEST, "The Command request has no CommandLine.")
                args = line.find("rsp:Arguments", wsman.NS)
                stats.add("pipelines")
                command_id = session.command(
                    (line.get("CommandId") or "").upper(), _b64(args.text if args is not None else "")
                )
                return wsman.command_response(request, command_id)
            if action == "Send":
                streams = request.body.findall("rsp:Stream", wsman.NS) if request.body is not None else []
                for stream in streams:
                    session.send(_b64(stream.text), stream.get("CommandId"))
                return wsman.response(request, "<rsp:SendResponse/>")
            if action == "Signal":
                signal = request.body
                code = signal.find("rsp:Code", wsman.NS) if signal is not None else None
                session.signal(
                    signal.get("CommandId", "") if signal is not None else "",
                    (code.text or "") if code is not None else "",
                )
                return wsman.response(request, "<rsp:SignalResponse/>")
        if action == "Receive":
            desired = request.body.find("rsp:DesiredStream", wsman.NS) if request.body is not None else None
            receive_id: str | None = desired.get("CommandId") if desired is not None else None
            if receive_id and host.delay > 0:
                # A slow server: the wait is outside the shell lock and ends early at shutdown.
                with session.lock:
                    wait = session.seconds_until_ready(receive_id)
                if wait > 0 and self._stopping.wait(wait):
                    raise _Hung()
            with session.lock:
                data, done = session.receive(receive_id)
            if not receive_id and not data:
                # Nothing for the pool: real WinRM long-polls, then faults with OperationTimeout,
                # which pypsrp retries silently.  A short poll keeps tests fast.
                if self._stopping.wait(min(request.operation_timeout or 1.0, 1.0)):
                    raise _Hung()
                raise wsman.WSManError(
                    wsman.FAULT_OPERATION_TIMEOUT,
                    "The WS-Management service cannot complete the operation within the time specified in "
                    "OperationTimeout.",
                    "w:TimedOut",
                )
            return wsman.receive_response(request, data, receive_id, done)
        raise wsman.WSManError(
            wsman.FAULT_ACTION_NOT_SUPPORTED, f"The action {request.action} is not supported.", "a:ActionNotSupported"
        )

    def _shell(self, request: wsman.Request, host: HostBehavior) -> PoolSession:
        shell_id = (request.shell_id or "").upper()
        with self._shells_lock:
            session = self._shells.get(shell_id)
        if session is None or session.behavior is not host:
            raise wsman.WSManError(
                wsman.FAULT_SHELL_NOT_FOUND,
                "The request for the Windows Remote Shell with ShellId "
                f"{shell_id} failed because the shell was not found on the server.",
                "w:InvalidSelectors",
            )
        return session


def _forever(chunk: bytes) -> Iterator[bytes]:
    while True:
        yield chunk


def _echo(user: str, password: str) -> str:
    """What a hostile server might say back: the password plain, as a Basic header and URL-encoded."""
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    return (
        f"Logon failure for {user} with password {password}. Authorization: Basic {basic}. "
        f"Form: user={urllib.parse.quote(user, safe='')}&password={urllib.parse.quote(password, safe='')}"
    )


class _Hung(Exception):
    """The emulator is shutting down while a request waited: answer nothing."""


def _b64(text: str | None) -> bytes:
    try:
        return base64.b64decode((text or "").strip())
    except (binascii.Error, ValueError):
        raise wsman.WSManError(wsman.FAULT_INVALID_REQUEST, "A stream is not valid base64.") from None


__all__ = ["EmulatedExchange"]

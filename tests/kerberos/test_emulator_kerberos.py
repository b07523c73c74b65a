"""The emulated Exchange speaks Kerberos as a Windows server does, on the wire; and ``cklauto emulate``
serves it for people who bring their own KDC."""

from __future__ import annotations

import base64
import http.client
import json
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.emulator import ntlm as sealing
from tests.kerberos import kdc
from tests.kerberos.conftest import COMPLIANT, HOST, PASSWORD, USER, Client

SOAP = b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/><s:Body/></s:Envelope>'


def spnego_client(service_host: str = "localhost") -> object:
    import spnego

    return spnego.client(
        hostname=service_host, service="host", protocol="negotiate", options=spnego.NegotiateOptions.wrapping_winrm
    )


def post(conn: http.client.HTTPConnection, body: bytes = b"", headers: dict[str, str] | None = None):
    conn.request("POST", "/PowerShell", body=body, headers={"Content-Length": str(len(body)), **(headers or {})})
    response = conn.getresponse()
    return response, response.read()


def test_windows_wire_format(realm: kdc.Realm, kerberos_env: Path, exchange: EmulatedExchange) -> None:
    realm.kinit(f"{USER}@{kdc.REALM}", PASSWORD, kerberos_env)
    conn = http.client.HTTPConnection("localhost", exchange.port_of(HOST), timeout=10)
    # 1. No credentials: 401 offering Negotiate and Kerberos, each in its own header, as IIS does.
    response, _ = post(conn)
    assert response.status == 401
    assert response.headers.get_all("WWW-Authenticate") == ["Negotiate", "Kerberos"]
    # 2. The SPNEGO token on the empty priming POST: 200 carrying the mutual-authentication token.
    context = spnego_client()
    token = context.step()
    response, _ = post(conn, headers={"Authorization": "Negotiate " + base64.b64encode(token).decode()})
    assert response.status == 200
    scheme, _, answer = response.headers["WWW-Authenticate"].partition(" ")
    assert scheme == "Negotiate"
    context.step(base64.b64decode(answer))
    assert context.complete, "mutual authentication completes on the server's token"
    # 3. A sealed request gets a sealed answer in MS-WSMV's "Encrypted Boundary" format.
    sealed = sealing.wrap(context, SOAP)
    content_type = f'multipart/encrypted;protocol="{sealing.PROTOCOL}";boundary="Encrypted Boundary"'
    response, body = post(conn, sealed, {"Content-Type": content_type})
    assert response.status in (200, 500)  # an empty envelope is a fault, but a sealed one
    assert response.headers["Content-Type"] == content_type
    assert body.startswith(b"--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n")
    assert body.endswith(b"--Encrypted Boundary--\r\n")
    length = int(re.search(rb"Length=(\d+)", body).group(1))
    payload = body.split(b"\tContent-Type: application/octet-stream\r\n", 1)[1][: -len(b"--Encrypted Boundary--\r\n")]
    (header_length,) = struct.unpack("<I", payload[:4])
    plain = context.unwrap_winrm(payload[4 : 4 + header_length], payload[4 + header_length :])
    assert len(plain) == length and plain.startswith(b"<s:Envelope")
    # 4. After Kerberos authentication over plain HTTP an unsealed body is refused, as WinRM does.
    response, _ = post(conn, SOAP, {"Content-Type": "application/soap+xml;charset=UTF-8"})
    assert response.status == 400
    conn.close()
    assert exchange.stats(HOST).principals == [f"{USER}@{kdc.REALM}"]


def test_a_ticket_for_another_service_key_is_refused(realm: kdc.Realm, kerberos_env: Path, tmp_path: Path) -> None:
    # The KDC issues a ticket for host/localhost, but this server's keytab holds other keys only.
    keytab = tmp_path / "other.keytab"
    realm.kadmin("addprinc -randkey host/other.contoso.test", f"ktadd -k {keytab} host/other.contoso.test")
    realm.kinit(f"{USER}@{kdc.REALM}", PASSWORD, kerberos_env)
    host = HostBehavior(name=HOST, connectors=[dict(c) for c in COMPLIANT])
    with EmulatedExchange([host], tls=False, auth="kerberos", keytab=str(keytab)) as emu:
        conn = http.client.HTTPConnection("localhost", emu.port_of(HOST), timeout=10)
        token = spnego_client().step()
        response, _ = post(conn, headers={"Authorization": "Negotiate " + base64.b64encode(token).decode()})
        assert response.status == 401
        conn.close()
        assert emu.stats(HOST).principals == []


def test_kerberos_needs_a_keytab() -> None:
    with pytest.raises(ValueError, match="keytab"):
        EmulatedExchange([HostBehavior(name=HOST)], auth="kerberos")


def test_cklauto_emulate_serves_kerberos_for_your_own_kdc(realm: kdc.Realm, client: Client) -> None:
    hosts = client.folder / "hosts.json"
    hosts.write_text(
        json.dumps(
            {
                "tls": False,
                "auth": "kerberos",
                "keytab": str(realm.service_keytab),
                "hosts": [{"name": HOST, "connectors": COMPLIANT}],
            }
        ),
        encoding="utf-8",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "cklauto", "emulate", "--hosts", str(hosts)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=client.environment(),
    )
    try:
        lines = [server.stdout.readline() for _ in range(2)] if server.stdout else []
        port = re.search(r"port=(\d+)", lines[0]).group(1)
        assert lines[1].startswith("kerberos\t") and "--spn-host NAME" in lines[1]
        client.kinit()
        started = time.monotonic()
        base = [
            "run",
            str(client.checklist),
            "--rule",
            "EX13-MB-000120",
            "--domain",
            "contoso.mil",
            "--server",
            "127.0.0.1",
        ]
        run = client.run(*base, "--port", port, "--spn-host", HOST)
        assert run.code == 0, run.output
        assert time.monotonic() - started < 60
    finally:
        server.terminate()
        server.wait(10)

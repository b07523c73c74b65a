"""Proxy and CA settings from the environment are honoured, though read once per check."""

from __future__ import annotations

import socket

import pytest

from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.errors import RemoteError
from cklauto.remoting import ConnectionSettings
from tests.remoting.helpers import fetch_send_connectors

USER, PASSWORD = "CONTOSO\\svc-stig", "env-test-password"
HOST = "ex01.contoso.mil"


@pytest.fixture
def emu():
    with EmulatedExchange(
        [HostBehavior(HOST, connectors=[{"Name": "A", "TlsDomain": "contoso.mil"}])], users={USER: PASSWORD}
    ) as server:
        yield server


def settings(emu: EmulatedExchange, **overrides) -> ConnectionSettings:
    base = {"port": emu.port_of(HOST), "auth": "basic", "username": USER, "password": PASSWORD, "timeout": 10}
    return ConnectionSettings("127.0.0.1", **{**base, **overrides})


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_requests_ca_bundle_from_the_environment_is_used(emu: EmulatedExchange, monkeypatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", emu.ca_path)
    result = fetch_send_connectors(settings(emu))
    assert [c.name for c in result.connectors] == ["A"]


def test_https_proxy_from_the_environment_is_used_and_no_proxy_bypasses_it(emu: EmulatedExchange, monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with pytest.raises(RemoteError) as caught:
        fetch_send_connectors(settings(emu, ca_bundle=emu.ca_path))
    assert "proxy" in str(caught.value).lower()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert fetch_send_connectors(settings(emu, ca_bundle=emu.ca_path)).connectors

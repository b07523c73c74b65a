"""Server mechanics: routing, shutdown with hung requests, the NTLM user file, validation."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
import requests
from pypsrp.powershell import PowerShell, RunspacePool
from pypsrp.wsman import WSMan

from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.emulator.testing import DEFAULT_HOST, make_host, pypsrp_kwargs


def emulator_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("cklauto-emu")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_shutdown_releases_hung_requests_and_leaks_nothing() -> None:
    emu = EmulatedExchange([make_host(fail="hang")])
    emu.start()
    port = emu.port_of(DEFAULT_HOST)
    ca_dir = os.path.dirname(emu.ca_path)
    outcome: dict[str, BaseException] = {}

    def client() -> None:
        kwargs = pypsrp_kwargs(emu, DEFAULT_HOST, read_timeout=60, operation_timeout=50)
        wsman = WSMan(kwargs.pop("server"), **kwargs)
        try:
            with wsman, RunspacePool(wsman, configuration_name="Microsoft.Exchange"):
                pass
        except BaseException as exc:  # noqa: BLE001
            outcome["error"] = exc

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while emu.stats(DEFAULT_HOST).connections == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)  # let the request reach the hang
    started = time.monotonic()
    emu.stop()
    assert time.monotonic() - started < 3
    thread.join(5)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), requests.exceptions.ConnectionError)
    assert emulator_threads() == []
    assert not os.path.exists(ca_dir)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_idle_keepalive_connection_does_not_block_shutdown() -> None:
    emu = EmulatedExchange([make_host()], tls=False)
    emu.start()
    sock = socket.create_connection(("127.0.0.1", emu.port_of(DEFAULT_HOST)))
    time.sleep(0.1)
    started = time.monotonic()
    emu.stop()
    assert time.monotonic() - started < 3
    assert emulator_threads() == []
    sock.close()


def test_fixed_ports_and_host_header_routing(emulator_factory) -> None:
    port = free_port()
    emu = emulator_factory([make_host("ex01.contoso.mil", port=port), make_host("ex02.contoso.mil")], tls=False)
    assert emu.port_of("ex01.contoso.mil") == port
    # One port can serve every host: the Host header picks which (seen in the Basic realm).
    reply = requests.post(
        f"http://127.0.0.1:{port}/PowerShell", data=b"x", headers={"Host": "ex02.contoso.mil"}, timeout=5
    )
    assert reply.status_code == 401 and "ex02.contoso.mil" in reply.headers["WWW-Authenticate"]
    reply = requests.post(f"http://127.0.0.1:{port}/PowerShell", data=b"x", timeout=5)
    assert "ex01.contoso.mil" in reply.headers["WWW-Authenticate"]
    assert requests.post(f"http://127.0.0.1:{port}/nope", data=b"x", timeout=5).status_code == 404


def test_pypsrp_through_host_header_routing(emulator_factory) -> None:
    emu = emulator_factory(
        [make_host("ex01.contoso.mil"), HostBehavior("ex02.contoso.mil", connectors=[{"Name": "Two"}])], tls=False
    )
    kwargs = pypsrp_kwargs(emu, "ex01.contoso.mil", auth="basic", encryption="never")
    wsman = WSMan(kwargs.pop("server"), **kwargs)
    wsman.transport.session = None
    # requests lets a Host header override the URL's; pypsrp keeps session headers.
    session = wsman.transport._build_session()
    session.headers["Host"] = "ex02.contoso.mil"
    wsman.transport.session = session
    with wsman, RunspacePool(wsman, configuration_name="Microsoft.Exchange") as pool:
        ps = PowerShell(pool)
        ps.add_cmdlet("Get-SendConnector")
        assert [str(o) for o in ps.invoke()] == ["Two"]
    assert emu.stats("ex02.contoso.mil").pools_opened == 1
    assert emu.stats("ex01.contoso.mil").pools_opened == 0


def test_ntlm_user_file_env_var_is_restored(monkeypatch) -> None:
    monkeypatch.setenv("NTLM_USER_FILE", "/somewhere/else")
    first = EmulatedExchange([make_host()], tls=False, auth="ntlm")
    second = EmulatedExchange([make_host("ex02")], tls=False, auth="ntlm", users={"svc@contoso.mil": "x"})
    with first:
        path = os.environ["NTLM_USER_FILE"]
        assert path != "/somewhere/else"
        with second:
            with open(os.environ["NTLM_USER_FILE"]) as fh:
                content = fh.read()
            assert "CONTOSO:svc-stig:" in content and ":svc@contoso.mil:x" in content
        assert os.environ["NTLM_USER_FILE"] == path
    assert os.environ["NTLM_USER_FILE"] == "/somewhere/else"
    assert not os.path.exists(path)


def test_ntlm_user_file_env_var_is_removed_when_it_was_unset(monkeypatch) -> None:
    monkeypatch.delenv("NTLM_USER_FILE", raising=False)
    with EmulatedExchange([make_host()], tls=False, auth="ntlm"):
        assert "NTLM_USER_FILE" in os.environ
    assert "NTLM_USER_FILE" not in os.environ


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fail": "explode"},
        {"fail_on": "Teleport"},
        {"port": 70000},
        {"delay": -1},
        {"connectors": [{"TlsDomain": "x"}]},
    ],
)
def test_bad_behavior_values_are_rejected(kwargs) -> None:
    with pytest.raises(ValueError):
        HostBehavior("ex01", **kwargs)


def test_bad_emulator_arguments_are_rejected() -> None:
    with pytest.raises(ValueError):
        EmulatedExchange([make_host()], auth="kerberos")
    with pytest.raises(ValueError):
        EmulatedExchange([make_host("a"), make_host("A")])
    with pytest.raises(ValueError):
        EmulatedExchange([])


def test_client_that_never_handshakes_does_not_block_others(emulator: EmulatedExchange) -> None:
    port = emulator.port_of(DEFAULT_HOST)
    silent = socket.create_connection(("127.0.0.1", port))
    try:
        kwargs = pypsrp_kwargs(emulator, DEFAULT_HOST)
        wsman = WSMan(kwargs.pop("server"), **kwargs)
        with wsman, RunspacePool(wsman, configuration_name="Microsoft.Exchange") as pool:
            ps = PowerShell(pool)
            ps.add_cmdlet("Get-SendConnector")
            assert len(ps.invoke()) == 2
    finally:
        silent.close()


def test_aborted_clients_print_no_traceback(emulator: EmulatedExchange, capfd) -> None:
    port = emulator.port_of(DEFAULT_HOST)
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"\x16\x03\x01garbage")
        sock.close()
    time.sleep(0.2)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out


def test_hostile_http_gets_clean_answers(emulator_factory, capfd) -> None:
    emu = emulator_factory([make_host()], tls=False)
    port = emu.port_of(DEFAULT_HOST)
    for head in (b"Content-Length: nope\r\n", b"Transfer-Encoding: chunked\r\n", b"Content-Length: -5\r\n"):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"POST /PowerShell HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n")
            assert sock.recv(100).split(b" ")[1] in (b"400", b"411")
    assert requests.get(f"http://127.0.0.1:{port}/PowerShell", timeout=5).status_code == 405
    reply = requests.post(
        f"http://127.0.0.1:{port}/PowerShell", data=b"<not-soap/>", auth=("CONTOSO\\svc-stig", "P@ssw0rd!"), timeout=5
    )
    assert reply.status_code == 500 and b"WSManFault" in reply.content
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err

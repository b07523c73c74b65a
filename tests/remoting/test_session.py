"""ask_server against the emulated Exchange, over real sockets with the real pypsrp client."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest

from cklauto.emulator import EmulatedExchange
from cklauto.emulator.testing import (
    DEFAULT_HOST,
    DEFAULT_PASSWORD,
    DEFAULT_USER,
    NONCOMPLIANT_CONNECTORS,
    make_host,
)
from cklauto.errors import RemoteError
from cklauto.model import SendConnector
from cklauto.remoting import ConnectionSettings
from tests.remoting.helpers import fetch_send_connectors


def settings_for(emu: EmulatedExchange, name: str = DEFAULT_HOST, **overrides) -> ConnectionSettings:
    values = dict(
        server="127.0.0.1",
        port=emu.port_of(name),
        ssl=emu.tls,
        auth="basic" if emu.auth == "basic" else "ntlm",
        username=DEFAULT_USER,
        password=DEFAULT_PASSWORD,
        ca_bundle=emu.ca_path or None,
        timeout=10.0,
    )
    values.update(overrides)
    return ConnectionSettings(**values)


def fails(settings: ConnectionSettings) -> RemoteError:
    with pytest.raises(RemoteError) as info:
        fetch_send_connectors(settings)
    error = info.value
    text = str(error)
    assert "\n" not in text, "a RemoteError is one line"
    assert text.startswith(f"{settings.server}: "), "it names the host"
    assert error.host == settings.server and error.hint is None or isinstance(error.hint, str)
    return error


def test_compliant_connectors(emulator: EmulatedExchange) -> None:
    result = fetch_send_connectors(settings_for(emulator))
    assert result.connectors == [
        SendConnector("Outbound to Partner", "Outbound to Partner", "partner.mil"),
        SendConnector("Outbound to Internet", "Outbound to Internet", "*.contoso.mil"),
    ]
    assert result.endpoint_url == f"https://127.0.0.1:{emulator.port_of(DEFAULT_HOST)}/PowerShell"
    assert result.configuration == "Microsoft.Exchange"


def test_noncompliant_connector_keeps_none(emulator_factory) -> None:
    emu = emulator_factory([make_host(connectors=NONCOMPLIANT_CONNECTORS)])
    result = fetch_send_connectors(settings_for(emu))
    assert result.connectors[1] == SendConnector("Legacy Relay", "Legacy Relay", None)


def test_empty_list_is_valid(emulator_factory) -> None:
    emu = emulator_factory([make_host(connectors=[])])
    assert fetch_send_connectors(settings_for(emu)).connectors == []


def test_plain_cmdlet_output_without_select_object(emulator_factory) -> None:
    # Select-Object would turn a property the server did not send into $null; plain output cannot.
    emu = emulator_factory([make_host(connectors=NONCOMPLIANT_CONNECTORS, visible_core_cmdlets=[])])
    result = fetch_send_connectors(settings_for(emu))
    assert [c.tls_domain for c in result.connectors] == ["partner.mil", None]
    assert emu.stats(DEFAULT_HOST).commands == ["Get-SendConnector"]
    assert emu.stats(DEFAULT_HOST).pools_opened == 1


def test_nested_identity_and_domain_objects_are_normalised(emulator_factory) -> None:
    connectors = [
        {"Name": "A", "TlsDomain": {"Domain": "contoso.com", "Address": "*.contoso.com"}},
        {"Name": "B", "Identity": "Org\\B", "TlsDomain": None},
    ]
    emu = emulator_factory([make_host(connectors=connectors, nested_identity=True, visible_core_cmdlets=[])])
    result = fetch_send_connectors(settings_for(emu))
    assert result.connectors == [SendConnector("A", "A", "*.contoso.com"), SendConnector("B", "Org\\B", None)]


def test_ntlm_with_message_encryption(emulator_factory) -> None:
    emu = emulator_factory([make_host(connectors=NONCOMPLIANT_CONNECTORS)], tls=False, auth="ntlm")
    for auth in ("ntlm", "negotiate"):
        result = fetch_send_connectors(settings_for(emu, auth=auth, ca_bundle=None))
        assert [c.name for c in result.connectors] == ["Outbound to Partner", "Legacy Relay"]
        assert result.endpoint_url.startswith("http://")


def test_winrm_endpoint_with_snapin(emulator: EmulatedExchange) -> None:
    result = fetch_send_connectors(settings_for(emulator, endpoint="winrm"))
    assert len(result.connectors) == 2
    assert result.configuration == "Microsoft.PowerShell (+ Exchange snap-in)"
    assert result.endpoint_url.endswith("/wsman")
    assert emulator.stats(DEFAULT_HOST).commands[0] == "Add-PSSnapin"


def test_insecure_skips_verification(emulator: EmulatedExchange) -> None:
    assert len(fetch_send_connectors(settings_for(emulator, ca_bundle=None, insecure=True)).connectors) == 2


@pytest.mark.parametrize(
    ("fail", "fail_on", "kind", "words"),
    [
        ("unauthorized", "Create", "auth", "authentication failed"),
        ("error_record", "Create", "powershell", "Get-SendConnector failed: Active Directory operation failed"),
        ("nonterminating", "Create", "powershell", "couldn't be read"),
        ("unknown_cmdlet", "Create", "powershell", "CommandNotFoundException"),
        ("malformed", "Create", "protocol", "not valid XML"),
        ("malformed", "Receive", "protocol", "not valid XML"),
        ("html500", "Create", "protocol", "HTTP 500"),
        ("http503", "Command", "protocol", "HTTP 503"),
        ("drop", "Create", "connection", "closed the connection"),
        ("drop", "Receive", "connection", "closed the connection"),
    ],
)
def test_failure_modes(emulator: EmulatedExchange, fail: str, fail_on: str, kind: str, words: str) -> None:
    emulator.behavior(DEFAULT_HOST).fail = fail
    emulator.behavior(DEFAULT_HOST).fail_on = fail_on
    error = fails(settings_for(emulator))
    assert error.kind == kind
    assert words in str(error)
    assert error.hint


def test_nonterminating_error_fails_closed_even_with_objects(emulator: EmulatedExchange) -> None:
    # had_errors stays False for a non-terminating record: the objects must not be trusted.
    emulator.behavior(DEFAULT_HOST).fail = "nonterminating"
    assert fails(settings_for(emulator)).kind == "powershell"


def test_wrong_password_is_auth(emulator: EmulatedExchange) -> None:
    error = fails(settings_for(emulator, password="wrong"))
    assert error.kind == "auth" and "CKLAUTO_PASSWORD" in str(error)


def test_ntlm_wrong_password_is_auth(emulator_factory) -> None:
    emu = emulator_factory([make_host()], tls=False, auth="ntlm")
    assert fails(settings_for(emu, password="wrong", ca_bundle=None)).kind == "auth"


def test_tls_without_the_ca_is_tls(emulator: EmulatedExchange) -> None:
    error = fails(settings_for(emulator, ca_bundle=None))
    assert error.kind == "tls" and "--ca-bundle" in str(error)


def test_wrong_configuration_path(emulator: EmulatedExchange) -> None:
    error = fails(settings_for(emulator, path="wsman"))
    assert error.kind == "protocol" and "/PowerShell" in str(error) and "2150858811" in str(error)


def test_connection_refused(emulator: EmulatedExchange) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = fails(settings_for(emulator, port=port))
    assert error.kind == "connection" and "refused" in str(error)


def test_basic_over_plain_http_is_refused_before_connecting() -> None:
    error = fails(ConnectionSettings("127.0.0.1", port=1, ssl=False, auth="basic", username="u", password="p"))
    assert error.kind == "auth"


def test_bad_settings_are_remote_errors() -> None:
    assert fails(ConnectionSettings("ex01", auth="digest")).kind == "auth"
    assert fails(ConnectionSettings("ex01", endpoint="ews")).kind == "protocol"


@pytest.mark.parametrize("fail_on", ["Create", "Receive"])
def test_hung_server_ends_within_the_deadline(emulator: EmulatedExchange, fail_on: str) -> None:
    emulator.behavior(DEFAULT_HOST).fail = "hang"
    emulator.behavior(DEFAULT_HOST).fail_on = fail_on
    started = time.monotonic()
    error = fails(settings_for(emulator, timeout=2.0))
    elapsed = time.monotonic() - started
    assert error.kind == "timeout"
    assert elapsed < 2.0 + 2.0, f"took {elapsed:.1f} s"


def test_slow_server_beyond_the_deadline_is_a_timeout(emulator: EmulatedExchange) -> None:
    emulator.behavior(DEFAULT_HOST).delay = 30
    started = time.monotonic()
    error = fails(settings_for(emulator, timeout=2.0))
    elapsed = time.monotonic() - started
    assert error.kind == "timeout" and "no answer within 2 s" in str(error)
    assert elapsed < 2.0 + 2.0, f"took {elapsed:.1f} s"


def test_slow_server_within_the_deadline_succeeds(emulator: EmulatedExchange) -> None:
    emulator.behavior(DEFAULT_HOST).delay = 0.5
    assert len(fetch_send_connectors(settings_for(emulator, timeout=5.0)).connectors) == 2


def test_url_and_default_ports() -> None:
    # Microsoft's documented connection: http://<FQDN>/PowerShell/, Kerberos, messages encrypted.
    assert ConnectionSettings("ex01.contoso.mil").url() == "http://ex01.contoso.mil:80/PowerShell"
    assert ConnectionSettings("ex01.contoso.mil", ssl=True).url() == "https://ex01.contoso.mil:443/PowerShell"
    for auth in ("kerberos", "negotiate", "ntlm", "credssp"):
        assert ConnectionSettings("ex01", auth=auth).ssl is False, auth
    # Authentication that cannot encrypt messages defaults to HTTPS.
    assert ConnectionSettings("ex01", auth="basic").url() == "https://ex01:443/PowerShell"
    assert ConnectionSettings("ex01", auth="certificate").ssl is True
    assert ConnectionSettings("ex01", endpoint="winrm", ssl=True).url() == "https://ex01:5986/wsman"
    assert ConnectionSettings("ex01", endpoint="winrm").url() == "http://ex01:5985/wsman"
    assert ConnectionSettings("ex01", port=8443, path="/custom/", ssl=True).url() == "https://ex01:8443/custom"
    assert ConnectionSettings("::1", port=5, ssl=True).url() == "https://[::1]:5/PowerShell"
    assert "p4ss" not in ConnectionSettings("ex01", username="u", password="p4ss").url()


SECRET = "Zq8!unique-S3cret-Pw"


def test_password_never_leaks(emulator_factory, caplog) -> None:
    emu = emulator_factory([make_host()], users={DEFAULT_USER: SECRET})
    caplog.set_level(logging.DEBUG)
    good = settings_for(emu, password=SECRET)
    assert SECRET not in repr(good) and SECRET not in str(good)
    assert fetch_send_connectors(good).connectors
    texts = [repr(good)]
    host = emu.behavior(DEFAULT_HOST)
    for fail in ("unauthorized", "error_record", "malformed", "html500", "drop"):
        host.fail = fail
        error = fails(good)
        texts += [str(error), repr(error), error.reason, error.hint or ""]
    host.fail = None
    for bad in (dataclasses.replace(good, ca_bundle=None), dataclasses.replace(good, password=SECRET + "x")):
        error = fails(bad)
        texts += [str(error), repr(error), repr(bad)]
    assert caplog.records, "debug logging was captured"
    texts.append(caplog.text)
    texts += [str(r.args) for r in caplog.records]
    for text in texts:
        assert SECRET not in text


def test_missing_ca_bundle_file_is_tls(emulator: EmulatedExchange, tmp_path) -> None:
    error = fails(settings_for(emulator, ca_bundle=str(tmp_path / "missing.pem")))
    assert error.kind == "tls" and "--ca-bundle" in str(error)


def test_plain_http_to_an_https_port(emulator: EmulatedExchange) -> None:
    error = fails(settings_for(emulator, ssl=False, auth="ntlm", ca_bundle=None))
    assert error.kind == "connection" and "--ssl" in str(error)


def test_unavailable_auth_package_is_auth(emulator: EmulatedExchange) -> None:
    pytest.importorskip("pypsrp")
    try:
        import requests_credssp  # noqa: F401
    except ImportError:
        assert fails(settings_for(emulator, auth="credssp")).kind == "auth"
    else:  # pragma: no cover - depends on the environment
        pytest.skip("requests-credssp is installed")


def test_ipv6_loopback(emulator_factory) -> None:
    import socket

    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        emu = emulator_factory([make_host()], bind="::1")
    except OSError:
        pytest.skip("no IPv6 loopback")
    result = fetch_send_connectors(settings_for(emu, server="::1"))
    assert result.endpoint_url.startswith("https://[::1]:")


def test_failure_while_closing_does_not_spoil_a_complete_answer(emulator: EmulatedExchange) -> None:
    emulator.behavior(DEFAULT_HOST).fail = "drop"
    emulator.behavior(DEFAULT_HOST).fail_on = "Delete"
    assert len(fetch_send_connectors(settings_for(emulator)).connectors) == 2


def test_first_error_is_reported_not_a_later_close_error(emulator: EmulatedExchange) -> None:
    # Garbage on every Command; the Delete that follows works: the report is about the garbage.
    emulator.behavior(DEFAULT_HOST).fail = "malformed"
    emulator.behavior(DEFAULT_HOST).fail_on = "Command"
    assert fails(settings_for(emulator)).kind == "protocol"

"""Every fault knob shows the symptom docs/exchange-remoting.md A4 lists, seen by the real pypsrp client."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests
from pypsrp.exceptions import AuthenticationError, WinRMTransportError, WSManFaultError
from pypsrp.powershell import PowerShell, PSInvocationState, RunspacePool
from pypsrp.wsman import WSMan

from cklauto.emulator import EmulatedExchange
from cklauto.emulator.testing import DEFAULT_HOST, make_host, pypsrp_kwargs


def session(emu: EmulatedExchange, **overrides):
    kwargs = pypsrp_kwargs(emu, DEFAULT_HOST, **overrides)
    return WSMan(kwargs.pop("server"), **kwargs)


def invoke(wsman: WSMan, configuration: str = "Microsoft.Exchange"):
    with wsman, RunspacePool(wsman, configuration_name=configuration) as pool:
        ps = PowerShell(pool)
        ps.add_cmdlet("Get-SendConnector")
        return ps.invoke(), ps


@pytest.mark.parametrize(
    ("fail", "fail_on", "expected"),
    [
        ("unauthorized", "Create", AuthenticationError),
        ("malformed", "Create", ET.ParseError),
        ("malformed", "Receive", ET.ParseError),
        ("html500", "Create", WinRMTransportError),
        ("http503", "Command", WinRMTransportError),
        ("drop", "Create", requests.exceptions.ConnectionError),
        ("drop", "Command", requests.exceptions.ConnectionError),
    ],
)
def test_transport_faults_raise_what_pypsrp_raises(
    emulator: EmulatedExchange, fail: str, fail_on: str, expected
) -> None:
    emulator.behavior(DEFAULT_HOST).fail = fail
    emulator.behavior(DEFAULT_HOST).fail_on = fail_on
    with pytest.raises(expected) as info:
        invoke(session(emulator))
    if fail == "html500":
        assert info.value.code == 500 and "Internal server error" in info.value.response_text
    if fail == "http503":
        assert info.value.code == 503


def test_wrong_password_is_an_authentication_error(emulator: EmulatedExchange) -> None:
    with pytest.raises(AuthenticationError):
        invoke(session(emulator, password="not-it"))


def test_untrusted_certificate_is_an_ssl_error(emulator: EmulatedExchange) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        invoke(session(emulator, cert_validation=True))


def test_configuration_mismatch_is_wsman_fault_2150858811(emulator: EmulatedExchange) -> None:
    with pytest.raises(WSManFaultError) as info:
        invoke(session(emulator), configuration="Microsoft.PowerShell")
    assert info.value.code == 2150858811
    assert "Microsoft.PowerShell" in info.value.reason
    # The winrm-style path serves Microsoft.PowerShell, so Microsoft.Exchange is unknown there.
    with pytest.raises(WSManFaultError) as info:
        invoke(session(emulator, path="wsman"))
    assert info.value.code == 2150858811


def test_configuration_name_is_a_knob(emulator: EmulatedExchange) -> None:
    emulator.behavior(DEFAULT_HOST).configuration_name = "Microsoft.Exchange.Custom"
    with pytest.raises(WSManFaultError):
        invoke(session(emulator))
    output, _ = invoke(session(emulator), configuration="Microsoft.Exchange.Custom")
    assert len(output) == 2


def test_error_record_is_terminating(emulator: EmulatedExchange) -> None:
    emulator.behavior(DEFAULT_HOST).fail = "error_record"
    output, ps = invoke(session(emulator))
    assert output == [] and ps.had_errors and ps.state == PSInvocationState.FAILED
    assert "Access is denied" in str(ps.streams.error[0])


def test_nonterminating_error_leaves_had_errors_false(emulator: EmulatedExchange) -> None:
    emulator.behavior(DEFAULT_HOST).fail = "nonterminating"
    output, ps = invoke(session(emulator))
    assert len(output) == 2
    assert ps.had_errors is False and ps.state == PSInvocationState.COMPLETED
    assert len(ps.streams.error) == 1


def test_unknown_cmdlet(emulator: EmulatedExchange) -> None:
    emulator.behavior(DEFAULT_HOST).fail = "unknown_cmdlet"
    output, ps = invoke(session(emulator))
    assert output == [] and ps.had_errors
    assert ps.streams.error[0].fq_error == "CommandNotFoundException"


def test_hang_is_a_read_timeout(emulator: EmulatedExchange) -> None:
    emulator.behavior(DEFAULT_HOST).fail = "hang"
    with pytest.raises(requests.exceptions.ReadTimeout):
        invoke(session(emulator, operation_timeout=1, read_timeout=1))


def test_delay_slows_the_pipeline_receive(emulator: EmulatedExchange) -> None:
    import time

    emulator.behavior(DEFAULT_HOST).delay = 0.4
    started = time.monotonic()
    output, _ = invoke(session(emulator))
    assert len(output) == 2
    assert time.monotonic() - started >= 0.4


def test_knob_changes_apply_to_the_running_server(emulator: EmulatedExchange) -> None:
    emulator.behavior(DEFAULT_HOST).fail = "unauthorized"
    with pytest.raises(AuthenticationError):
        invoke(session(emulator))
    emulator.behavior(DEFAULT_HOST).fail = None
    output, _ = invoke(session(emulator))
    assert len(output) == 2


def test_ntlm_wrong_password_and_unauthorized(emulator_factory) -> None:
    emu = emulator_factory([make_host()], tls=False, auth="ntlm")
    with pytest.raises(AuthenticationError):
        invoke(session(emu, password="not-it"))
    emu.behavior(DEFAULT_HOST).fail = "unauthorized"
    with pytest.raises(AuthenticationError):
        invoke(session(emu))


@pytest.mark.parametrize("auth", ["ntlm", "negotiate"])
def test_ntlm_over_https_needs_no_message_encryption(emulator_factory, auth: str) -> None:
    emu = emulator_factory([make_host()], tls=True, auth="ntlm")
    wsman = session(emu, auth=auth)
    output, _ = invoke(wsman)
    assert len(output) == 2
    assert wsman.transport.encryption is None  # TLS protects the messages

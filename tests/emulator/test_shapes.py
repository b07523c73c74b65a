"""The emulator, driven by the real pypsrp client over real sockets: happy paths and object shapes."""

from __future__ import annotations

import pytest
from pypsrp.powershell import PowerShell, PSInvocationState, RunspacePool
from pypsrp.wsman import WSMan

from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.emulator.exchange import CONNECTOR_TYPE
from cklauto.emulator.testing import DEFAULT_HOST, NONCOMPLIANT_CONNECTORS, make_host, pypsrp_kwargs

SELECTED = ["Name", "Identity", "TlsDomain"]


def run(kwargs: dict, *, select: bool = True, configuration: str | None = "Microsoft.Exchange", snapin: bool = False):
    server = kwargs.pop("server")
    wsman = WSMan(server, **kwargs)
    pool_kwargs = {"configuration_name": configuration} if configuration else {}
    with wsman, RunspacePool(wsman, **pool_kwargs) as pool:
        ps = PowerShell(pool)
        if snapin:
            ps.add_cmdlet("Add-PSSnapin").add_parameter("Name", "Microsoft.Exchange.Management.PowerShell.SnapIn")
            ps.add_statement()
        ps.add_cmdlet("Get-SendConnector")
        if select:
            ps.add_cmdlet("Select-Object").add_parameter("Property", SELECTED)
        output = ps.invoke()
        return output, ps


def test_https_basic_select_object_gives_selected_custom_objects(emulator: EmulatedExchange) -> None:
    output, ps = run(pypsrp_kwargs(emulator, DEFAULT_HOST))
    assert not ps.had_errors and not ps.streams.error
    assert [o.extended_properties for o in output] == [
        {"Name": "Outbound to Partner", "Identity": "Outbound to Partner", "TlsDomain": "partner.mil"},
        {"Name": "Outbound to Internet", "Identity": "Outbound to Internet", "TlsDomain": "*.contoso.mil"},
    ]
    assert output[0].types == [
        f"Selected.{CONNECTOR_TYPE}",
        "System.Management.Automation.PSCustomObject",
        "System.Object",
    ]
    assert str(output[0]) == "@{Name=Outbound to Partner; Identity=Outbound to Partner; TlsDomain=partner.mil}"
    assert output[0].adapted_properties == {}


def test_plain_get_sendconnector_carries_adapted_properties(emulator_factory) -> None:
    emu = emulator_factory([make_host(connectors=NONCOMPLIANT_CONNECTORS)])
    output, _ = run(pypsrp_kwargs(emu, DEFAULT_HOST), select=False)
    legacy = output[1]
    assert legacy.types[0] == CONNECTOR_TYPE
    assert str(legacy) == "Legacy Relay"
    assert set(legacy.adapted_properties) >= {
        "Name",
        "Identity",
        "TlsDomain",
        "AddressSpaces",
        "RequireTLS",
        "TlsAuthLevel",
        "Enabled",
    }
    assert legacy.adapted_properties["TlsDomain"] is None  # <Nil>, not ""
    assert legacy.adapted_properties["RequireTLS"] is False
    assert output[0].adapted_properties["TlsDomain"] == "partner.mil"


def test_empty_connector_list(emulator_factory) -> None:
    emu = emulator_factory([make_host(connectors=[])])
    output, ps = run(pypsrp_kwargs(emu, DEFAULT_HOST))
    assert output == [] and not ps.had_errors and not ps.streams.error


def test_nested_identity_and_tls_domain_object(emulator_factory) -> None:
    host = make_host(
        connectors=[
            {"Name": "A", "TlsDomain": {"Domain": "contoso.com", "Address": "*.contoso.com", "IncludeSubDomains": True}}
        ],
        nested_identity=True,
    )
    emu = emulator_factory([host])
    output, _ = run(pypsrp_kwargs(emu, DEFAULT_HOST), select=False)
    identity = output[0].adapted_properties["Identity"]
    assert str(identity) == "A" and identity.types[0] == "Microsoft.Exchange.Data.Directory.ADObjectId"
    tls = output[0].adapted_properties["TlsDomain"]
    assert str(tls) == "*.contoso.com" and tls.adapted_properties["Domain"] == "contoso.com"


def test_no_language_endpoint_rejects_scripts(emulator: EmulatedExchange) -> None:
    kwargs = pypsrp_kwargs(emulator, DEFAULT_HOST)
    wsman = WSMan(kwargs.pop("server"), **kwargs)
    with wsman, RunspacePool(wsman, configuration_name="Microsoft.Exchange") as pool:
        ps = PowerShell(pool)
        ps.add_script("Get-SendConnector | Select-Object Name")
        assert ps.invoke() == []
        assert ps.had_errors and ps.state == PSInvocationState.FAILED
        assert ps.streams.error[0].fq_error == "ScriptsNotAllowed"
        assert "no-language mode" in str(ps.streams.error[0])
        # The pool survives: a cmdlet pipeline on the same pool still works.
        ps2 = PowerShell(pool)
        ps2.add_cmdlet("Get-SendConnector")
        assert len(ps2.invoke()) == 2


def test_select_object_can_be_hidden_like_rbac(emulator_factory) -> None:
    emu = emulator_factory([make_host(visible_core_cmdlets=[])])
    output, ps = run(pypsrp_kwargs(emu, DEFAULT_HOST))
    assert ps.had_errors and output == []
    assert ps.streams.error[0].fq_error == "CommandNotFoundException"
    assert "'Select-Object' is not recognized" in str(ps.streams.error[0])


def test_identity_parameter_filters_and_a_miss_is_nonterminating(emulator: EmulatedExchange) -> None:
    kwargs = pypsrp_kwargs(emulator, DEFAULT_HOST)
    wsman = WSMan(kwargs.pop("server"), **kwargs)
    with wsman, RunspacePool(wsman, configuration_name="Microsoft.Exchange") as pool:
        ps = PowerShell(pool)
        ps.add_cmdlet("Get-SendConnector").add_parameter("Identity", "Outbound to Internet")
        assert [str(o) for o in ps.invoke()] == ["Outbound to Internet"]
        ps = PowerShell(pool)
        ps.add_cmdlet("Get-SendConnector").add_parameter("Identity", "nope")
        assert ps.invoke() == []
        assert not ps.had_errors and ps.state == PSInvocationState.COMPLETED
        assert "couldn't be found" in str(ps.streams.error[0])


def test_winrm_endpoint_needs_the_snapin(emulator: EmulatedExchange) -> None:
    kwargs = pypsrp_kwargs(emulator, DEFAULT_HOST, endpoint="winrm")
    output, ps = run(dict(kwargs), configuration=None, snapin=True)
    assert not ps.had_errors and not ps.streams.error
    assert [o.extended_properties["Name"] for o in output] == ["Outbound to Partner", "Outbound to Internet"]

    output, ps = run(dict(kwargs), configuration=None, snapin=False)
    assert ps.had_errors and ps.streams.error[0].fq_error == "CommandNotFoundException"
    assert "'Get-SendConnector' is not recognized" in str(ps.streams.error[0])


def test_large_output_spans_several_receives(emulator_factory) -> None:
    connectors = [
        {"Name": f"Connector {i:04d}", "TlsDomain": f"d{i}.contoso.mil" if i % 2 else None} for i in range(1500)
    ]
    emu = emulator_factory([make_host(connectors=connectors)])
    output, _ = run(pypsrp_kwargs(emu, DEFAULT_HOST))
    assert len(output) == 1500
    assert output[-1].extended_properties == {
        "Name": "Connector 1499",
        "Identity": "Connector 1499",
        "TlsDomain": "d1499.contoso.mil",
    }


@pytest.mark.parametrize("auth", ["ntlm", "negotiate"])
def test_ntlm_with_message_encryption_over_http(emulator_factory, auth: str) -> None:
    emu = emulator_factory([make_host()], tls=False, auth="ntlm")
    kwargs = pypsrp_kwargs(emu, DEFAULT_HOST, auth=auth)
    assert kwargs["ssl"] is False
    server = kwargs.pop("server")
    wsman = WSMan(server, encryption="always", **kwargs)
    with wsman, RunspacePool(wsman, configuration_name="Microsoft.Exchange") as pool:
        ps = PowerShell(pool)
        ps.add_cmdlet("Get-SendConnector")
        assert len(ps.invoke()) == 2
        # Messages really were wrapped (MS-WSMV encryption), not sent in clear text.
        assert wsman.transport.encryption is not None
        assert wsman.transport.encryption.protocol == "application/HTTP-SPNEGO-session-encrypted"


def test_hostname_in_certificate_sans(emulator_factory) -> None:
    emu = emulator_factory([make_host("ex01.contoso.mil"), make_host("ex02.contoso.mil")])
    # "localhost" is in the SANs, so name validation (not only chain validation) passes.
    output, _ = run(pypsrp_kwargs(emu, "ex02.contoso.mil", server="localhost"))
    assert len(output) == 2
    assert emu.port_of("ex01.contoso.mil") != emu.port_of("ex02.contoso.mil")
    from cryptography import x509

    with open(emu.ca_path, "rb") as fh:
        ca = x509.load_pem_x509_certificate(fh.read())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_each_host_serves_its_own_data_and_stats(emulator_factory) -> None:
    emu = emulator_factory(
        [make_host("ex01.contoso.mil"), HostBehavior("ex02.contoso.mil", connectors=[{"Name": "Only"}])]
    )
    for _ in range(2):
        run(pypsrp_kwargs(emu, "ex01.contoso.mil"))
    output, _ = run(pypsrp_kwargs(emu, "ex02.contoso.mil"), select=False)
    assert [str(o) for o in output] == ["Only"]
    ex01 = emu.stats("ex01.contoso.mil")
    assert ex01.pools_opened == 2 and ex01.connections == 2 and ex01.pipelines == 2
    assert ex01.commands == ["Get-SendConnector", "Select-Object"] * 2
    assert emu.stats("ex02.contoso.mil").pools_opened == 1
    assert emu.stats("EX02.contoso.mil").commands == ["Get-SendConnector"]

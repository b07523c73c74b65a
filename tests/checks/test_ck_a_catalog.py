"""The emulated endpoint's Receive connector and Transport service objects, judged by the checks that read them.

A compliant sample server must pass every one of these rules without site settings, and the non-compliant one must
show the findings the demo promises; the objects must keep the shapes remote PowerShell sends (exchange-objects.md).
"""

from __future__ import annotations

import importlib

import pytest

from cklauto.checks.api import Answers, Record, Settings
from cklauto.emulator import catalog
from cklauto.emulator.catalog import receive_connector, transport_service
from cklauto.model import Status

NAF, OPEN = Status.NOT_A_FINDING, Status.OPEN
# module: status on the non-compliant sample server
NON_COMPLIANT = {
    "ex13_mb_000020": OPEN,  # connectivity logging turned off
    "ex13_mb_000040": OPEN,  # subject logging as setup leaves it
    "ex13_mb_000045": NAF,
    "ex13_mb_000110": OPEN,  # the scan relay has no authentication mechanism at all
    "ex13_mb_000115": OPEN,
    "ex13_mb_000175": OPEN,  # 36 MB connectors against a 10 MB organisation
    "ex13_mb_000180": OPEN,
    "ex13_mb_000190": OPEN,  # the relay's MaxHopCount 30
    "ex13_mb_000200": OPEN,
    "ex13_mb_000210": OPEN,
    "ex13_mb_000225": OPEN,
    "ex13_mb_000235": OPEN,  # Default Frontend and the relay accept anonymous connections
    "ex13_mb_000275": OPEN,  # the relay's 00:05:00
    "ex13_mb_000325": OPEN,  # no banner set
}
# The organisation's default global limit (Get-TransportConfig belongs to another catalogue family).
TRANSPORT_CONFIG = Record({"Identity": "Transport Settings", "MaxReceiveSize": "10 MB (10,485,760 bytes)"})


def _answers(module, server: str, compliant: bool) -> Answers:
    objects = catalog.sample_objects(server, compliant=compliant)
    records = {}
    for read in module.CHECK.reads:
        if read.query.cmdlet == "Get-TransportConfig":
            records[read.query] = [TRANSPORT_CONFIG]
            continue
        types = catalog.cmdlets()[read.query.cmdlet.lower()].type_names
        records[read.query] = [Record(o, types) for o in objects[read.query.cmdlet]]
    return Answers(records, server=server, release="V2R3")


@pytest.mark.parametrize("server", ["EX01", "ex02.contoso.mil"])
@pytest.mark.parametrize("name", sorted(NON_COMPLIANT))
def test_compliant_sample_passes_without_site_settings(name, server):
    module = importlib.import_module(f"cklauto.checks.{name}")
    decision = module.decide(_answers(module, server, True), Settings({}))
    assert decision.status is NAF, decision.summary


@pytest.mark.parametrize("name", sorted(NON_COMPLIANT))
def test_non_compliant_sample_shows_its_findings(name):
    module = importlib.import_module(f"cklauto.checks.{name}")
    decision = module.decide(_answers(module, "EX01", False), Settings({}))
    assert decision.status is NON_COMPLIANT[name], decision.summary


def test_designating_default_frontend_leaves_only_the_relay_open():
    module = importlib.import_module("cklauto.checks.ex13_mb_000235")
    decision = module.decide(
        _answers(module, "EX01", False), Settings({"anonymous_receive_connectors": ("Default Frontend *",)})
    )
    assert [v.subject for v in decision.failing] == ["Scan Relay EX01"]


def test_setup_creates_five_connectors_per_server():
    found = receive_connector.default_receive_connectors("ex07.contoso.mil")
    assert [c["Identity"] for c in found] == [
        "EX07\\Default EX07",
        "EX07\\Client Proxy EX07",
        "EX07\\Default Frontend EX07",
        "EX07\\Outbound Proxy Frontend EX07",
        "EX07\\Client Frontend EX07",
    ]
    assert {c["Server"] for c in found} == {"EX07"}
    assert {c["Fqdn"] for c in found} == {"ex07.contoso.mil"}
    assert [c["Bindings"][-1] for c in found] == [
        "0.0.0.0:2525",
        "0.0.0.0:465",
        "0.0.0.0:25",
        "0.0.0.0:717",
        "0.0.0.0:587",
    ]


def _wire_shaped(value) -> bool:
    # Partial serialization: strings, bools, ints, $null, and lists of strings for multi-valued properties.
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return value is None or isinstance(value, (str, bool, int))


@pytest.mark.parametrize("compliant", [True, False])
def test_objects_keep_the_wire_shapes(compliant):
    objects = catalog.sample_objects("EX01", compliant=compliant)
    for cmdlet in ("Get-ReceiveConnector", "Get-TransportService"):
        for obj in objects[cmdlet]:
            assert all(_wire_shaped(v) for v in obj.values()), obj
    for connector in objects["Get-ReceiveConnector"]:
        # An unset Banner is '' on the wire, never $null; sizes carry their exact byte count.
        assert isinstance(connector["Banner"], str)
        assert connector["MaxMessageSize"].endswith(" bytes)")
        assert isinstance(connector["MaxHopCount"], int) and isinstance(connector["MaxRecipientsPerMessage"], int)
    for service in objects["Get-TransportService"]:
        assert isinstance(service["MaxOutboundConnections"], str)
        assert isinstance(service["TransientFailureRetryCount"], int)


def test_cmdlets_are_declared_as_exchange_declares_them():
    rc = catalog.cmdlets()["get-receiveconnector"]
    assert rc is receive_connector.CMDLETS[0]
    assert rc.type_names[0] == "Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector"
    assert rc.type_names[-1] == "System.Object"
    assert (rc.scope, rc.server_property, set(rc.parameters)) == ("server", "Server", {"Identity", "Server"})
    ts = catalog.cmdlets()["get-transportservice"]
    assert ts is transport_service.CMDLETS[0]
    assert ts.type_names[0] == "Microsoft.Exchange.Data.Directory.Management.TransportServer"
    assert ts.type_names[-1] == "System.Object"
    assert (ts.scope, ts.server_property, ts.parameters) == ("server", None, ("Identity",))

"""Host cmdlets' types are accepted only for queries on the host's own endpoint (issue 10), and one pool never mixes
Exchange's queries with the host's."""

from __future__ import annotations

import pytest

from cklauto.checks.api import Endpoint, ResolvedQuery
from cklauto.remoting.pipelines import ask_server
from cklauto.remoting.records import UnreadableObject, check_type
from cklauto.remoting.session import ConnectionSettings

CUSTOM = ("Deserialized.System.Management.Automation.PSCustomObject", "Deserialized.System.Object")
SERVICE = ("Deserialized.System.ServiceProcess.ServiceController", "Deserialized.System.ComponentModel.Component")
PARTITION = (
    "Deserialized.Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/Storage/MSFT_Partition",
    "Deserialized.Microsoft.Management.Infrastructure.CimInstance#MSFT_Partition",
    "Deserialized.Microsoft.Management.Infrastructure.CimInstance",
    "Deserialized.System.Object",
)
ACL = (
    "Deserialized.System.Security.AccessControl.DirectorySecurity",
    "Deserialized.System.Security.AccessControl.FileSystemSecurity",
    "Deserialized.System.Object",
)
TASK = (
    "Deserialized.Microsoft.Management.Infrastructure.CimInstance#Root/Microsoft/Windows/TaskScheduler/"
    "MSFT_ScheduledTask",
    "Deserialized.System.Object",
)


@pytest.mark.parametrize(
    ("cmdlet", "types"),
    [
        ("Get-ItemProperty", CUSTOM),
        ("Get-ExecutionPolicy", CUSTOM),
        ("get-service", SERVICE),
        ("Get-Partition", PARTITION),
        ("Get-Acl", ACL),
        ("Get-ScheduledTask", TASK),
    ],
)
def test_host_types_are_accepted_on_the_host_endpoint_only(cmdlet: str, types: tuple[str, ...]) -> None:
    check_type(cmdlet, types, Endpoint.HOST)
    with pytest.raises(UnreadableObject, match="not an Exchange object"):
        check_type(cmdlet, types)


@pytest.mark.parametrize(
    ("cmdlet", "types"),
    [
        ("Get-ItemProperty", SERVICE),  # a service where a registry value was asked
        ("Get-Service", CUSTOM),  # a PSCustomObject can be made to look like anything
        ("Get-Partition", ("Deserialized.Microsoft.Management.Infrastructure.CimInstance#MSFT_Volume",)),
        ("Get-Acl", ("Deserialized.System.Diagnostics.Process", "Deserialized.System.Object")),
        ("Get-ItemProperty", ()),
        # An Exchange object on the host endpoint, and a cmdlet cklauto never asks there.
        ("Get-Service", ("Microsoft.Exchange.Data.Directory.Management.ExchangeServer",)),
        ("Get-Process", ("Deserialized.System.Diagnostics.Process",)),
    ],
)
def test_other_types_are_refused_on_the_host_endpoint(cmdlet: str, types: tuple[str, ...]) -> None:
    with pytest.raises(UnreadableObject):
        check_type(cmdlet, types, Endpoint.HOST)


def test_cim_class_names_compare_without_case() -> None:
    check_type("Get-ScheduledTask", tuple(t.replace("Root/", "ROOT/") for t in TASK), Endpoint.HOST)


def test_one_pool_never_mixes_endpoints() -> None:
    host = ResolvedQuery("Get-Service", endpoint=Endpoint.HOST)
    exchange = ResolvedQuery("Get-SendConnector")
    winrm = ConnectionSettings(server="ex01.contoso.mil", endpoint="winrm")
    with pytest.raises(ValueError, match="never both"):
        ask_server(winrm, [host, exchange])
    with pytest.raises(ValueError, match="endpoint 'winrm'"):
        ask_server(ConnectionSettings(server="ex01.contoso.mil"), [host])

"""The emulated host endpoint (/wsman, Microsoft.PowerShell): Windows cmdlets answered as Windows PowerShell 5.1
writes them, read by the real client exactly as cklauto reads a real host (issue 10)."""

from __future__ import annotations

import pytest

from cklauto.checks.api import Endpoint, ResolvedQuery
from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.errors import CklautoError, RemoteError
from cklauto.remoting import ConnectionSettings
from cklauto.remoting.pipelines import HOST_CONFIGURATION, ask_server

USER, PASSWORD = "u", "host-cmdlets-password"
GOOD, BAD = "ex01.contoso.mil", "ex03.contoso.mil"
SERVICES = "HKLM:\\SYSTEM\\CurrentControlSet\\Services"


def host(cmdlet: str, *parameters: tuple[str, object]) -> ResolvedQuery:
    return ResolvedQuery(cmdlet, tuple(parameters), endpoint=Endpoint.HOST)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def emu():
    hosts = [HostBehavior(GOOD, sample="compliant"), HostBehavior(BAD, sample="noncompliant")]
    with EmulatedExchange(hosts, tls=True, auth="basic", users={USER: PASSWORD}) as running:
        yield running


def ask(emu: EmulatedExchange, name: str, *queries: ResolvedQuery, endpoint: str = "winrm"):
    settings = ConnectionSettings(
        "127.0.0.1",
        port=emu.port_of(name),
        auth="basic",
        username=USER,
        password=PASSWORD,
        ca_bundle=emu.ca_path,
        endpoint=endpoint,
        timeout=20,
    )
    return ask_server(settings, list(queries))


def test_a_service_start_value_and_the_errors_of_a_missing_key_or_value(emu):
    start = host("Get-ItemProperty", ("Path", f"{SERVICES}\\MSExchangeIMAP4BE"), ("Name", "Start"))
    front = host("Get-ItemProperty", ("Path", f"{SERVICES}\\MSExchangeIMAP4"), ("Name", "Start"))
    # Evaluate-STIG's Exchange 2019 module asks for this name; no such service exists.
    wrong = host("Get-ItemProperty", ("Path", f"{SERVICES}\\MSExchangeIMAPBE"), ("Name", "Start"))
    no_value = host("Get-ItemProperty", ("Path", f"{SERVICES}\\MSExchangeIMAP4BE"), ("Name", "Startup"))
    result = ask(emu, BAD, start, front, wrong, no_value)
    assert result.configuration == HOST_CONFIGURATION
    assert result.endpoint_url.endswith("/wsman")
    (record,) = result.answers[start].records
    assert record["Start"] == 3 and record["PSChildName"] == "MSExchangeIMAP4BE"
    assert "DisplayName" not in record  # -Name keeps only the value asked for
    assert record["PSPath"].endswith(
        "Registry::HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIMAP4BE"
    )
    assert record["PSDrive"] == "HKLM"
    assert record.type_names[0].endswith("System.Management.Automation.PSCustomObject")
    assert result.answers[front].records[0]["Start"] == 4  # the front end alone was disabled
    assert isinstance(result.answers[wrong], CklautoError)
    assert "Cannot find path" in str(result.answers[wrong]) and "PathNotFound" in str(result.answers[wrong])
    assert isinstance(result.answers[no_value], CklautoError)
    assert "Property Startup does not exist" in str(result.answers[no_value])


def test_installed_programs_by_wildcard_and_the_setup_key(emu):
    programs = host(
        "Get-ItemProperty",
        (
            "Path",
            (
                "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*",
                "HKLM:\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*",
            ),
        ),
    )
    setup = host(
        "Get-ItemProperty",
        ("Path", "HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup"),
        ("Name", "MsiInstallPath"),
    )
    answers = ask(emu, GOOD, programs, setup).answers
    records = answers[programs].records
    names = [r["DisplayName"] for r in records if "DisplayName" in r]
    assert "McAfee Security for Microsoft Exchange" in names and "McAfee Agent" in names
    assert any(r["PSChildName"] == "Connection Manager" and "DisplayName" not in r for r in records)
    assert not any(r["PSChildName"] == "AddressBook" for r in records)  # a key without values writes nothing
    assert answers[setup].records[0]["MsiInstallPath"] == "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"


def test_execution_policy_list_services_partitions_acls_and_tasks(emu):
    policy = host("Get-ExecutionPolicy", ("List", True))
    services = host("Get-Service")
    partitions = host("Get-Partition")
    acl = host("Get-Acl", ("Path", "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging"))
    tasks = host("Get-ScheduledTask", ("TaskPath", "\\Microsoft\\Windows\\PLA\\"))
    answers = ask(emu, BAD, policy, services, partitions, acl, tasks).answers
    scopes = [(r["Scope"], r["ExecutionPolicy"]) for r in answers[policy].records]
    assert scopes == [
        ("MachinePolicy", "Undefined"),
        ("UserPolicy", "Undefined"),
        ("Process", "Undefined"),
        ("CurrentUser", "Undefined"),
        ("LocalMachine", "Unrestricted"),
    ]
    by_name = {r["Name"]: r for r in answers[services].records}
    assert (
        by_name["MSExchangePOP3BE"]["Status"] == "Running" and by_name["MSExchangePOP3BE"]["StartType"] == "Automatic"
    )
    assert [r["Name"] for r in answers[services].records] == sorted(by_name, key=str.lower)
    disk = answers[partitions].records
    assert [(p["DiskNumber"], p["PartitionNumber"], p["DriveLetter"]) for p in disk] == [(0, 1, "\x00"), (0, 2, "C")]
    assert disk[1]["AccessPaths"][0] == "C:\\" and disk[1]["IsBoot"] is True
    (folder,) = answers[acl].records
    assert "CONTOSO\\Help Desk Allow  Modify, Synchronize" in folder["AccessToString"].split("\n")
    assert folder["Sddl"].startswith("O:SYG:SYD:AI(A;OICI;0x1301bf;;;S-1-5-21-")
    assert [t["TaskName"] for t in answers[tasks].records] == [
        "Server Manager Performance Monitor",
        "ExchangeDiagnosticsDailyPerformanceLog",
        "ExchangeDiagnosticsPerformanceLog",
    ]


def test_host_cmdlets_are_not_on_exchanges_endpoint_and_exchange_cmdlets_need_the_snapin(emu):
    on_exchange = ask(emu, GOOD, ResolvedQuery("Get-Service"), endpoint="exchange").answers
    assert "not recognized" in str(next(iter(on_exchange.values())))
    # The host's pool loads no snap-in: Exchange's cmdlets are not there.
    on_host = ask(emu, GOOD, host("Get-SendConnector")).answers
    assert "not recognized" in str(next(iter(on_host.values())))


def test_a_host_endpoint_that_is_down_leaves_exchanges_answering():
    behavior = HostBehavior(GOOD, sample="compliant", fail="drop", fail_on="Create", fail_path="/wsman")
    with EmulatedExchange([behavior], tls=True, auth="basic", users={USER: PASSWORD}) as running:
        with pytest.raises(RemoteError, match="closed the connection"):
            ask(running, GOOD, host("Get-Service"))
        answers = ask(running, GOOD, ResolvedQuery("Get-OrganizationConfig"), endpoint="exchange").answers
        assert not isinstance(next(iter(answers.values())), CklautoError)


def test_fail_path_is_validated():
    with pytest.raises(ValueError, match="fail_path"):
        HostBehavior(GOOD, fail="drop", fail_path="/owa")

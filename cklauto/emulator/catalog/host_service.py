"""Get-Service on the host (EX13-MB-000300's running services, EX13-MB-000295's monitoring agents).

Shape: ``System.ServiceProcess.ServiceController`` objects (Microsoft Learn, Get-Service, "Outputs"), sorted by
name, whose Status (``ServiceControllerStatus``) and StartType (``ServiceStartMode``, Windows PowerShell 5.0 and
later) are enums that travel as their names, and whose dependency lists arrive as the services' names.  ``-Name``
and ``-DisplayName`` take wildcards; a name without wildcards that matches no service is a ServiceCommandException
(``NoServiceFoundForGivenName``).

The Exchange 2013 Mailbox services and their startup types are Microsoft's list (x13-me/OfficeDocs-Exchange,
services-overview.md); IMAP4 and POP3 are Manual and stopped by default.  The Windows services are a Server 2012 R2
member server's usual ones; the compliant sample adds the DoD HBSS (McAfee/Trellix) agent's services.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import Cmdlet, HostError
from cklauto.emulator.catalog._host import enum, has_wildcard, like, words

TYPE_NAMES = (
    "System.ServiceProcess.ServiceController",
    "System.ComponentModel.Component",
    "System.MarshalByRefObject",
    "System.Object",
)

#: (name, display name, startup type, running) of an Exchange 2013 Mailbox server (services-overview.md).
EXCHANGE_SERVICES = (
    ("HostControllerService", "Microsoft Exchange Search Host Controller", "Automatic", True),
    ("MSExchangeADTopology", "Microsoft Exchange Active Directory Topology", "Automatic", True),
    ("MSExchangeAntispamUpdate", "Microsoft Exchange Anti-spam Update", "Automatic", True),
    ("MSExchangeDagMgmt", "Microsoft Exchange DAG Management", "Automatic", True),
    ("MSExchangeDelivery", "Microsoft Exchange Mailbox Transport Delivery", "Automatic", True),
    ("MSExchangeDiagnostics", "Microsoft Exchange Diagnostics", "Automatic", True),
    ("MSExchangeEdgeSync", "Microsoft Exchange EdgeSync", "Automatic", True),
    ("MSExchangeFastSearch", "Microsoft Exchange Search", "Automatic", True),
    ("MSExchangeFrontEndTransport", "Microsoft Exchange Frontend Transport", "Automatic", True),
    ("MSExchangeHM", "Microsoft Exchange Health Manager", "Automatic", True),
    ("MSExchangeIMAP4", "Microsoft Exchange IMAP4", "Manual", False),
    ("MSExchangeIMAP4BE", "Microsoft Exchange IMAP4 Backend", "Manual", False),
    ("MSExchangeIS", "Microsoft Exchange Information Store", "Automatic", True),
    ("MSExchangeMailboxAssistants", "Microsoft Exchange Mailbox Assistants", "Automatic", True),
    ("MSExchangeMailboxReplication", "Microsoft Exchange Mailbox Replication", "Automatic", True),
    ("MSExchangePOP3", "Microsoft Exchange POP3", "Manual", False),
    ("MSExchangePOP3BE", "Microsoft Exchange POP3 Backend", "Manual", False),
    ("MSExchangeRepl", "Microsoft Exchange Replication", "Automatic", True),
    ("MSExchangeRPC", "Microsoft Exchange RPC Client Access", "Automatic", True),
    ("MSExchangeServiceHost", "Microsoft Exchange Service Host", "Automatic", True),
    ("MSExchangeSubmission", "Microsoft Exchange Mailbox Transport Submission", "Automatic", True),
    ("MSExchangeThrottling", "Microsoft Exchange Throttling", "Automatic", True),
    ("MSExchangeTransport", "Microsoft Exchange Transport", "Automatic", True),
    ("MSExchangeTransportLogSearch", "Microsoft Exchange Transport Log Search", "Automatic", True),
    ("MSExchangeUM", "Microsoft Exchange Unified Messaging", "Automatic", True),
    ("MSExchangeUMCR", "Microsoft Exchange Unified Messaging Call Router", "Automatic", True),
    ("WSBExchange", "Microsoft Exchange Server Extension for Windows Server Backup", "Manual", False),
)
WINDOWS_SERVICES = (
    ("Dnscache", "DNS Client", "Automatic", True),
    ("EventLog", "Windows Event Log", "Automatic", True),
    ("IISADMIN", "IIS Admin Service", "Automatic", True),
    ("LanmanServer", "Server", "Automatic", True),
    ("Netlogon", "Netlogon", "Automatic", True),
    ("NetTcpPortSharing", "Net.Tcp Port Sharing Service", "Automatic", True),
    ("RemoteRegistry", "Remote Registry", "Automatic", True),
    ("RpcSs", "Remote Procedure Call (RPC)", "Automatic", True),
    ("Schedule", "Task Scheduler", "Automatic", True),
    ("Spooler", "Print Spooler", "Disabled", False),
    ("W32Time", "Windows Time", "Automatic", True),
    ("W3SVC", "World Wide Web Publishing Service", "Automatic", True),
    ("WAS", "Windows Process Activation Service", "Manual", True),
    ("Winmgmt", "Windows Management Instrumentation", "Automatic", True),
    ("WinRM", "Windows Remote Management (WS-Management)", "Automatic", True),
)
#: The HBSS agent's services on the compliant sample (McAfee Agent and Endpoint Security).
HBSS_SERVICES = (
    ("macmnsvc", "McAfee Agent Common Services", "Automatic", True),
    ("masvc", "McAfee Agent Service", "Automatic", True),
    ("mfeesp", "McAfee Endpoint Security Platform Service", "Automatic", True),
    ("mfefire", "McAfee Firewall Core Service", "Automatic", True),
    ("mfemms", "McAfee Service Controller", "Automatic", True),
    ("mfetp", "McAfee Endpoint Security Threat Prevention Service", "Automatic", True),
)


def service(name: str, display: str, start: str, running: bool) -> dict[str, Any]:
    return {
        "Name": name,
        "DisplayName": display,
        "ServiceName": name,
        "Status": enum("System.ServiceProcess.ServiceControllerStatus", "Running" if running else "Stopped"),
        "StartType": enum("System.ServiceProcess.ServiceStartMode", start),
        "ServiceType": enum("System.ServiceProcess.ServiceType", "Win32OwnProcess"),
        "CanStop": running,
        "MachineName": ".",
        "$tostring": "System.ServiceProcess.ServiceController",
    }


def select(named: dict[str, Any], services: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names, displays = words(named.get("name")), words(named.get("displayname"))
    chosen = services
    if names:
        for wanted in names:
            if not has_wildcard(wanted) and not any(str(s["Name"]).lower() == wanted.lower() for s in services):
                raise HostError(
                    f"Cannot find any service with service name '{wanted}'.",
                    "NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand",
                    "ObjectNotFound",
                    "Microsoft.PowerShell.Commands.ServiceCommandException",
                    target=wanted,
                )
        chosen = [s for s in chosen if any(like(w, str(s["Name"])) for w in names)]
    if displays:
        chosen = [s for s in chosen if any(like(w, str(s["DisplayName"])) for w in displays)]
    return sorted(chosen, key=lambda s: str(s["Name"]).lower())


CMDLETS = [
    Cmdlet(
        name="Get-Service",
        type_names=TYPE_NAMES,
        parameters=("Name", "DisplayName"),
        host=True,
        select=select,
    )
]


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    rows = list(EXCHANGE_SERVICES + WINDOWS_SERVICES)
    if compliant:
        rows = [r for r in rows if not r[0].startswith(("MSExchangeIMAP4", "MSExchangePOP3"))]
        rows += [
            (n, d, "Disabled", False)
            for n, d, _s, _r in EXCHANGE_SERVICES
            if n.startswith(("MSExchangeIMAP4", "MSExchangePOP3"))
        ]
        rows += list(HBSS_SERVICES)
    else:
        # Someone started the POP3 back end, and a print spooler runs where nothing prints.
        rows = [
            (n, d, "Automatic", True) if n in ("MSExchangePOP3BE", "Spooler") else (n, d, s, r) for n, d, s, r in rows
        ]
    return {"Get-Service": [service(*row) for row in rows]}

"""Get-EventLogLevel -Server <server> (per server): exchange-objects.md §2.10.

Each object is one diagnostic logging category, ``Microsoft.Exchange.Data.EventCategoryObject`` (ToString
``"<Number> <Name>"``), with Identity ``<server>\\<source>[\\<subsource>]\\<category>`` (the server is in the identity
when the task knows it, as it does with -Server), EventLevel the ``ExEventLog.EventLevel`` name (Lowest, Low, Medium,
High, Expert; a level without a name prints as its number), Name and Number.

The categories are a representative part of an Exchange 2013 Mailbox/Client Access server's list (a real one has
a few hundred).  The levels a fresh installation leaves above Lowest are the ones the Exchange 2019 STIG (V-259653)
lists: ADAccess Topology and Validation, BackEndRehydration, OAuth, RBAC and ADTopology; the non-compliant server
keeps those defaults and has transport logging raised for a debugging session that was never undone.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-EventLogLevel",
        type_names=(
            "Microsoft.Exchange.Data.EventCategoryObject",
            "Microsoft.Exchange.Diagnostics.ExEventCategory",
            "System.Object",
        ),
        scope="server",
        parameters=("Identity", "Server"),
        # The server is only the first part of Identity; the objects in a host's table are that host's own.
        server_property=None,
        identity_properties=("Identity",),
    )
]

#: (source, categories) as Get-EventLogLevel lists them on Exchange 2013.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("MSExchange ActiveSync", ("Requests", "Configuration")),
    (
        "MSExchange ADAccess",
        (
            "General",
            "Cache",
            "Topology",
            "Configuration",
            "LDAP",
            "Validation",
            "Recipient Update Service",
            "Site Update",
        ),
    ),
    ("MSExchange Assistants", ("Assistants",)),
    ("MSExchange Autodiscover", ("Core", "Web", "Provider")),
    ("MSExchange BackEndRehydration", ("Configuration", "Server")),
    ("MSExchange Common", ("General", "Configuration", "Logging")),
    ("MSExchange Control Panel", ("Web", "Proxy")),
    ("MSExchange OAuth", ("Configuration", "Server")),
    ("MSExchange OWA", ("Core", "FormsRegistry", "Themes", "Transcoding", "SmimeControl", "Proxy")),
    ("MSExchange RBAC", ("RBAC",)),
    ("MSExchange RpcClientAccess", ("General",)),
    ("MSExchangeADTopology", ("General", "Topology", "Configuration")),
    ("MSExchangeIS\\9000 Private", ("Transport General", "General", "Logons", "Virus Scanning")),
    ("MSExchangeMailboxAssistants", ("Service", "OOF Assistant", "Resource Booking Attendant")),
    ("MSExchangeRepl", ("Service", "Exchange VSS Writer")),
    (
        "MSExchangeTransport",
        (
            "ResourceManager",
            "DSN",
            "Components",
            "SmtpReceive",
            "SmtpSend",
            "Categorizer",
            "PoisonMessage",
            "MessageSecurity",
            "TransportService",
            "Process",
            "Configuration",
            "Storage",
            "Agents",
            "Routing",
            "Logging",
            "Pickup",
            "RemoteDelivery",
            "ShadowRedundancy",
            "Approval",
            "TransportSafetyNet",
        ),
    ),
    ("MSExchangeFrontEndTransport", ("SmtpReceive", "SmtpSend", "Routing", "Configuration")),
)

#: Levels a fresh Exchange installation leaves above Lowest (Exchange 2019 STIG V-259653's note; "2" has no name).
INSTALL_DEFAULTS = {
    "MSExchange ADAccess\\Topology": "Low",
    "MSExchange ADAccess\\Validation": "Low",
    "MSExchange BackEndRehydration\\Configuration": "Low",
    "MSExchange BackEndRehydration\\Server": "2",
    "MSExchange OAuth\\Configuration": "Low",
    "MSExchange OAuth\\Server": "2",
    "MSExchange RBAC\\RBAC": "Low",
    "MSExchangeADTopology\\Topology": "Low",
}
#: Raised while debugging mail flow and never set back.
DEBUGGING = {"MSExchangeTransport\\SmtpReceive": "Medium", "MSExchangeTransport\\SmtpSend": "Expert"}


def event_category(server: str, source: str, category: str, number: int, level: str = "Lowest") -> dict[str, Any]:
    return {
        "$tostring": f"{number} {category}",
        "Identity": f"{server}\\{source}\\{category}",
        "Name": category,
        "Number": number,
        "EventLevel": level,
    }


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    short = server.split(".", 1)[0].upper()
    raised = {} if compliant else {**INSTALL_DEFAULTS, **DEBUGGING}
    found = []
    for source, categories in CATEGORIES:
        for number, category in enumerate(categories, start=1):
            level = raised.get(f"{source}\\{category}", "Lowest")
            found.append(event_category(short, source, category, number, level))
    return {"Get-EventLogLevel": found}

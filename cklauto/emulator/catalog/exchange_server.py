"""Get-ExchangeServer [[-Identity] srv] [-Status] (organisation): exchange-objects.md §2.3, capture HC15.

Without parameters the cmdlet lists every Exchange server of the organisation; ``-Identity`` picks one (by name,
FQDN...).  ``ErrorReportingEnabled`` is task-populated: ``$null`` unless ``-Status`` is given, when Exchange reads the
server's ``DisableErrorReporting`` registry value (a missing value reads as True, so a stock server is a finding for
EX13-MB-000055).  ``AdminDisplayVersion`` is the ServerVersion string, ``Version 15.0 (Build 1497.2)`` for Exchange
2013 CU23 [HC15].  ``ServerRole`` is a flag enum sent as its names.

The organisation here has two multi-role Exchange 2013 servers, this one and a peer in the same DAG.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-ExchangeServer",
        type_names=(
            "Microsoft.Exchange.Data.Directory.Management.ExchangeServer",
            "Microsoft.Exchange.Data.Directory.Management.ADPresentationObject",
            *AD_OBJECT_TAIL,
        ),
        scope="organization",
        parameters=("Domain", "Identity", "Status"),
        identity_properties=("Identity", "Name", "Fqdn"),
        status_properties=("ErrorReportingEnabled",),
    )
]

#: Exchange 2013 CU23 (the last CU) and CU22, as AdminDisplayVersion shows them.
CU23 = "Version 15.0 (Build 1497.2)"
CU22 = "Version 15.0 (Build 1473.3)"
ORGANIZATION_DN = "CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=mil"


def peer_server(short: str) -> str:
    """The other member of this server's organisation (and DAG)."""
    return "EX02" if short.upper() != "EX02" else "EX01"


def exchange_server(short: str, domain: str, **overrides: Any) -> dict[str, Any]:
    """One Exchange 2013 multi-role (Mailbox, Client Access) server as Get-ExchangeServer -Status sends it."""
    server: dict[str, Any] = {
        "Name": short,
        "Identity": short,
        "Fqdn": f"{short.lower()}.{domain}",
        "Domain": domain,
        "Edition": "Enterprise",
        "AdminDisplayVersion": CU23,
        "ExchangeVersion": "0.1 (14.0.100.0)",
        "ServerRole": "Mailbox, ClientAccess",
        "IsMailboxServer": True,
        "IsClientAccessServer": True,
        "IsE15OrLater": True,
        "Site": f"{domain}/Configuration/Sites/Default-First-Site-Name",
        "DistinguishedName": f"CN={short},CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),"
        f"CN=Administrative Groups,{ORGANIZATION_DN}",
        "ErrorReportingEnabled": False,
    }
    server.update(overrides)
    return server


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    short = server.split(".", 1)[0].upper()
    domain = server.split(".", 1)[1].lower() if "." in server else "contoso.mil"
    this = exchange_server(short, domain)
    if not compliant:
        # Stock error reporting (no DisableErrorReporting value reads as True) and one CU behind.
        this.update(ErrorReportingEnabled=True, AdminDisplayVersion=CU22)
    return {"Get-ExchangeServer": [this, exchange_server(peer_server(short), domain)]}

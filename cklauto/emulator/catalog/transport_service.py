"""Get-TransportService (per server): exchange-objects.md §2.4.

The output type is ``Microsoft.Exchange.Data.Directory.Management.TransportServer`` (exchange-objects.md §2.4, from
the class chain in decompiled Exchange 2013 CU23).  At Partial serialization (§1.1) bools and ints keep their types,
while Unlimited<int> values (MaxOutboundConnections, MaxPerDomainOutboundConnections) and time spans arrive as text;
Identity and Name are the server's name.  Default values are those of the Exchange 2013 cmdlet reference
(MicrosoftDocs/office-docs-powershell @13e7158, ``exchange/exchange-ps/exchange/Set-TransportService.md``, the 2013/2016
page): ConnectivityLogEnabled, MessageTrackingLogEnabled and MessageTrackingLogSubjectLoggingEnabled $true,
TransientFailureRetryCount 6, MaxOutboundConnections 1000, MaxPerDomainOutboundConnections 20 (later Exchange
versions default to 40, which exchange-objects.md §2.4 quotes from the current page).
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-TransportService",
        type_names=(
            "Microsoft.Exchange.Data.Directory.Management.TransportServer",
            "Microsoft.Exchange.Data.Directory.Management.ADPresentationObject",
            *AD_OBJECT_TAIL,
        ),
        scope="server",
        parameters=("Identity",),
        identity_properties=("Identity", "Name"),
    )
]

_LOGS = "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\TransportRoles\\Logs"

#: The one STIG value a stock server lacks (EX13-MB-000040): subject logging is on by default.
HARDENED: dict[str, Any] = {"MessageTrackingLogSubjectLoggingEnabled": False}


def transport_service(server: str, **overrides: Any) -> dict[str, Any]:
    """The Transport service of ``server`` with Exchange 2013's defaults."""
    short = server.split(".", 1)[0].upper()
    service: dict[str, Any] = {
        "Name": short,
        "Identity": short,
        "AdminDisplayVersion": "Version 15.0 (Build 1497.2)",
        "ConnectivityLogEnabled": True,
        "ConnectivityLogMaxAge": "30.00:00:00",
        "ConnectivityLogPath": f"{_LOGS}\\Hub\\Connectivity",
        "MessageTrackingLogEnabled": True,
        "MessageTrackingLogMaxAge": "30.00:00:00",
        "MessageTrackingLogPath": f"{_LOGS}\\MessageTracking",
        "MessageTrackingLogSubjectLoggingEnabled": True,
        "ReceiveProtocolLogPath": f"{_LOGS}\\Hub\\ProtocolLog\\SmtpReceive",
        "SendProtocolLogPath": f"{_LOGS}\\Hub\\ProtocolLog\\SmtpSend",
        "TransientFailureRetryCount": 6,
        "TransientFailureRetryInterval": "00:05:00",
        "OutboundConnectionFailureRetryInterval": "00:10:00",
        "MessageRetryInterval": "00:01:00",
        "MessageExpirationTimeout": "2.00:00:00",
        "MaxOutboundConnections": "1000",
        "MaxPerDomainOutboundConnections": "20",
        "MaxConnectionRatePerMinute": 1200,
        "ExternalDNSServers": [],
        "InternalDNSServers": [],
    }
    service.update(overrides)
    return service


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    if compliant:
        return {"Get-TransportService": [transport_service(server, **HARDENED)]}
    # Subject logging as setup leaves it, connectivity logging turned off, and delivery tuning away from the STIG's.
    return {
        "Get-TransportService": [
            transport_service(
                server,
                ConnectivityLogEnabled=False,
                TransientFailureRetryCount=12,
                MaxOutboundConnections="Unlimited",
                MaxPerDomainOutboundConnections="40",
            )
        ]
    }

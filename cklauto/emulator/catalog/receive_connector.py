"""Get-ReceiveConnector (per server): exchange-objects.md §2.6.

Shapes are those of the HC19 capture (microsoft/CSS-Exchange @f88378b,
``Diagnostics/HealthChecker/Tests/DataCollection/E19/Exchange/GetReceiveConnector.xml``: the five connectors setup
creates on a Mailbox server) sent at Partial serialization (exchange-objects.md §1.1): flag enums such as
AuthMechanism and PermissionGroups, ByteQuantifiedSize, EnhancedTimeSpan, Unlimited<int> and ADObjectId values are
their ToString() text, Bindings and RemoteIPRanges are lists, an unset Banner is ``''`` (not ``$null``, §5 row 5) and
TlsCertificateName/DefaultDomain are ``$null``.  Exchange 2013 creates the same five connectors with the same values
(exchange-objects.md §2.6 [I]; MaxHopCount 60 and MaxRecipientsPerMessage 5000/200 are the captured setup values, not
the New-ReceiveConnector defaults of the cmdlet docs, §5 row 4).  The capture's DomainSecureEnabled is true on
"Default Frontend" and "Outbound Proxy Frontend" and false on the other three (exchange-objects.md §2.6 says false on
all five; the capture wins).
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-ReceiveConnector",
        type_names=(
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector",
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADConfigurationObject",
            *AD_OBJECT_TAIL,
        ),
        scope="server",
        parameters=("Identity", "Server"),
        server_property="Server",
        identity_properties=("Identity", "Name"),
    )
]

#: What setup writes on every connector (HC19), before the per-connector differences below.
_COMMON: dict[str, Any] = {
    "Banner": "",
    "Comment": "",
    "Enabled": True,
    "RequireTLS": False,
    "ConnectionTimeout": "00:10:00",
    "ConnectionInactivityTimeout": "00:05:00",
    "MaxMessageSize": "36 MB (37,748,736 bytes)",
    "MaxHeaderSize": "256 KB (262,144 bytes)",
    "MaxHopCount": 60,
    "MaxLocalHopCount": 5,
    "MaxLogonFailures": 3,
    "MaxInboundConnection": "5000",
    "MaxInboundConnectionPerSource": "Unlimited",
    "MaxInboundConnectionPercentagePerSource": 100,
    "MaxProtocolErrors": "5",
    "RemoteIPRanges": ["::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0.0.0.0-255.255.255.255"],
    "TlsCertificateName": None,
    "DefaultDomain": None,
    "ChunkingEnabled": True,
    "PipeliningEnabled": True,
    "EnhancedStatusCodesEnabled": True,
}

_ALL_MECHANISMS = "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer"

#: The five connectors of a Mailbox server: (name prefix, role, port, AuthMechanism, PermissionGroups, differences).
_DEFAULTS: tuple[tuple[str, str, int, str, str, dict[str, Any]], ...] = (
    (
        "Default",
        "HubTransport",
        2525,
        _ALL_MECHANISMS,
        "ExchangeUsers, ExchangeServers, ExchangeLegacyServers",
        {"MaxRecipientsPerMessage": 5000, "MessageRateLimit": "Unlimited", "ProtocolLoggingLevel": "None"},
    ),
    (
        "Client Proxy",
        "HubTransport",
        465,
        _ALL_MECHANISMS,
        "ExchangeUsers, ExchangeServers",
        {"MaxRecipientsPerMessage": 200, "MessageRateLimit": "5", "ProtocolLoggingLevel": "None"},
    ),
    (
        "Default Frontend",
        "FrontendTransport",
        25,
        _ALL_MECHANISMS,
        "AnonymousUsers, ExchangeServers, ExchangeLegacyServers",
        {
            "MaxRecipientsPerMessage": 200,
            "MessageRateLimit": "Unlimited",
            "ProtocolLoggingLevel": "Verbose",
            "DomainSecureEnabled": True,
        },
    ),
    (
        "Outbound Proxy Frontend",
        "FrontendTransport",
        717,
        _ALL_MECHANISMS,
        "ExchangeServers",
        {
            "MaxRecipientsPerMessage": 200,
            "MessageRateLimit": "Unlimited",
            "ProtocolLoggingLevel": "Verbose",
            "DomainSecureEnabled": True,
        },
    ),
    (
        "Client Frontend",
        "FrontendTransport",
        587,
        "Tls, Integrated, BasicAuth, BasicAuthRequireTLS",
        "ExchangeUsers",
        {"MaxRecipientsPerMessage": 200, "MessageRateLimit": "5", "ProtocolLoggingLevel": "None"},
    ),
)

#: The STIG values a hardened server carries (EX13-MB-000110/-115/-175/-180/-190/-235/-275/-325); 10 MB is the
#: organisation's default MaxReceiveSize (Get-TransportConfig, exchange-objects.md §2.5), which -000175 compares with.
HARDENED: dict[str, Any] = {
    "Banner": "220 SMTP Server Ready",
    "DomainSecureEnabled": True,
    "MaxMessageSize": "10 MB (10,485,760 bytes)",
    "MaxRecipientsPerMessage": 5000,
    "MaxHopCount": 60,
    "ConnectionTimeout": "00:10:00",
}


def _names(server: str) -> tuple[str, str]:
    short = server.split(".", 1)[0].upper()
    fqdn = server if "." in server else f"{short.lower()}.contoso.mil"
    return short, fqdn


def receive_connector(
    server: str, name: str, role: str, port: int, auth: str, groups: str, **overrides: Any
) -> dict[str, Any]:
    """One Receive connector of ``server`` as Exchange 2013 sends it (Identity ``SERVER\\Name``)."""
    short, fqdn = _names(server)
    connector: dict[str, Any] = {
        "Name": name,
        "Identity": f"{short}\\{name}",
        "Server": short,
        "Fqdn": fqdn,
        "TransportRole": role,
        "Bindings": [f"[::]:{port}", f"0.0.0.0:{port}"],
        "AuthMechanism": auth,
        "PermissionGroups": groups,
        "DomainSecureEnabled": False,
        **_COMMON,
    }
    connector["RemoteIPRanges"] = list(_COMMON["RemoteIPRanges"])
    connector.update(overrides)
    return connector


def default_receive_connectors(server: str) -> list[dict[str, Any]]:
    """The five connectors Exchange 2013 setup creates on a Mailbox server, with setup's values (HC19)."""
    short, _ = _names(server)
    return [
        receive_connector(server, f"{prefix} {short}", role, port, auth, groups, **extra)
        for prefix, role, port, auth, groups, extra in _DEFAULTS
    ]


def hardened_receive_connectors(server: str) -> list[dict[str, Any]]:
    """The five connectors of a server configured as the STIG asks, needing no site setting to pass."""
    connectors = default_receive_connectors(server)
    for connector in connectors:
        connector.update(HARDENED)
        if connector["Name"].startswith("Default Frontend "):
            # Internet mail reaches this server through an Edge Transport server, so nothing connects anonymously.
            connector["PermissionGroups"] = "ExchangeServers, ExchangeLegacyServers"
    return connectors


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    if compliant:
        return {"Get-ReceiveConnector": hardened_receive_connectors(server)}
    connectors = default_receive_connectors(server)
    short, _ = _names(server)
    # As setup left them (Banner '', 36 MB, 200 recipients, AnonymousUsers on Default Frontend), plus a relay a
    # scanner uses, made with New-ReceiveConnector's own defaults and no authentication at all.
    connectors.append(
        receive_connector(
            server,
            f"Scan Relay {short}",
            "FrontendTransport",
            25,
            "None",
            "AnonymousUsers",
            Bindings=["10.20.1.15:25"],
            RemoteIPRanges=["10.20.30.40"],
            MaxHopCount=30,
            MaxRecipientsPerMessage=200,
            ConnectionTimeout="00:05:00",
            MessageRateLimit="Unlimited",
            ProtocolLoggingLevel="None",
        )
    )
    return {"Get-ReceiveConnector": connectors}

"""Get-SendConnector (organisation-wide): exchange-objects.md §2.7, captured shapes from HC19."""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-SendConnector",
        type_names=(
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig",
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.MailGateway",
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.SendConnector",
            "Microsoft.Exchange.Data.Directory.ADLegacyVersionableObject",
            "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
            *AD_OBJECT_TAIL,
        ),
        scope="organization",
        parameters=("Identity",),
        identity_properties=("Identity", "Name"),
    )
]


def send_connector(name: str, tls_domain: str | None, **overrides: Any) -> dict[str, Any]:
    """One Send connector as Exchange 2013 sends it, with the defaults of a new internal connector."""
    connector: dict[str, Any] = {
        "Name": name,
        "Identity": name,
        "AddressSpaces": ["SMTP:*;1"],
        "SmartHosts": [],
        "SmartHostsString": "",
        "TlsDomain": tls_domain,
        "TlsAuthLevel": "DomainValidation" if tls_domain else None,
        "RequireTLS": tls_domain is not None,
        "DomainSecureEnabled": False,
        "DNSRoutingEnabled": True,
        "Enabled": True,
        "MaxMessageSize": "10 MB (10,485,760 bytes)",
        "ConnectionInactivityTimeOut": "00:10:00",
        "SourceTransportServers": [],
        "Port": 25,
    }
    connector.update(overrides)
    return connector


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    short = server.split(".", 1)[0].upper()
    connectors = [send_connector("Internal Relay", "contoso.mil", SourceTransportServers=[short])]
    if not compliant:
        connectors.append(send_connector("Legacy Scan-to-Mail", None, SourceTransportServers=[short]))
    return {"Get-SendConnector": connectors}

"""Get-SendConnector (organisation-wide): exchange-objects.md §2.7, captured shapes from HC19.

SmartHosts, AddressSpaces and SourceTransportServers are multi-valued properties (lists); MaxMessageSize an
``Unlimited<ByteQuantifiedSize>`` and ConnectionInactivityTimeOut (capital O) an EnhancedTimeSpan, both sent as text.
"""

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


def send_connector(
    name: str, tls_domain: str | None, *, smart_hosts: tuple[str, ...] = (), **overrides: Any
) -> dict[str, Any]:
    """One Send connector as Exchange 2013 sends it, with the defaults of a new internal connector.

    ``smart_hosts`` are SmartHosts entries as Exchange prints them (``[10.1.1.25]`` for an IP address, §1.2); a
    connector with smart hosts has DNS routing off, as Set-SendConnector -SmartHosts leaves it.
    """
    connector: dict[str, Any] = {
        "Name": name,
        "Identity": name,
        "AddressSpaces": ["SMTP:*;1"],
        "SmartHosts": list(smart_hosts),
        "SmartHostsString": ",".join(smart_hosts),
        "TlsDomain": tls_domain,
        "TlsAuthLevel": "DomainValidation" if tls_domain else None,
        "RequireTLS": tls_domain is not None,
        "DomainSecureEnabled": False,
        "DNSRoutingEnabled": not smart_hosts,
        "Enabled": True,
        "MaxMessageSize": "10 MB (10,485,760 bytes)",
        "ConnectionInactivityTimeOut": "00:10:00",
        "SourceTransportServers": [],
        "Port": 25,
    }
    connector.update(overrides)
    return connector


#: The smart host the samples send through (the demo's site settings name it: smart_hosts = ["10.1.1.25"]).
SMART_HOST = "[10.1.1.25]"


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    short = server.split(".", 1)[0].upper()
    # All mail leaves through the site's smart host: SMTP:* with SmartHosts set, DNS routing off (EX13-MB-000105),
    # 10 MB like the default global MaxSendSize (-000205), the 10-minute idle timeout (-000230).
    connectors = [
        send_connector("Internal Relay", "contoso.mil", smart_hosts=(SMART_HOST,), SourceTransportServers=[short])
    ]
    if not compliant:
        # An old connector that looks up MX records itself, with no size limit and a 30-minute idle timeout:
        # findings for EX13-MB-000105, -000120, -000205 and -000230.
        legacy = send_connector(
            "Legacy Scan-to-Mail",
            None,
            SourceTransportServers=[short],
            MaxMessageSize="Unlimited",
            ConnectionInactivityTimeOut="00:30:00",
        )
        connectors.append(legacy)
    return {"Get-SendConnector": connectors}

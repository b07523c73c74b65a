"""Get-OutlookAnywhere -Server <server> (per server): exchange-objects.md §2.12.

One ``ADRpcHttpVirtualDirectory`` per Client Access server, Identity ``SRV\\Rpc (Default Web Site)``.  The
authentication methods are ``AuthenticationMethod`` enum names (``Ntlm``, ``Basic``, ``Negotiate``...) and
IISAuthenticationMethods a MultiValuedProperty of them.  Without ``-ADPropertiesOnly`` the cmdlet also reads IIS; the
values shown here are the AD ones.  The non-compliant server has the Exchange 2016+ documented default for external
clients, Negotiate.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

_CONFIG = "Microsoft.Exchange.Data.Directory.SystemConfiguration."
CMDLETS = [
    Cmdlet(
        name="Get-OutlookAnywhere",
        type_names=(
            _CONFIG + "ADRpcHttpVirtualDirectory",
            _CONFIG + "ExchangeVirtualDirectory",
            _CONFIG + "ADVirtualDirectory",
            "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
            *AD_OBJECT_TAIL,
        ),
        scope="server",
        parameters=("ADPropertiesOnly", "Identity", "Server", "ShowMailboxVirtualDirectories"),
        server_property="Server",
        identity_properties=("Identity", "Name"),
    )
]


def outlook_anywhere(short: str, fqdn: str, domain: str, **overrides: Any) -> dict[str, Any]:
    """The Outlook Anywhere virtual directory of one Exchange 2013 Client Access server."""
    vdir: dict[str, Any] = {
        "Name": "Rpc (Default Web Site)",
        "Identity": f"{short}\\Rpc (Default Web Site)",
        "Server": short,
        "ExternalHostname": f"mail.{domain}",
        "InternalHostname": fqdn,
        "ExternalClientAuthenticationMethod": "Ntlm",
        "InternalClientAuthenticationMethod": "Ntlm",
        "IISAuthenticationMethods": ["Basic", "Ntlm", "Negotiate"],
        "ExternalClientsRequireSsl": True,
        "InternalClientsRequireSsl": True,
        "SSLOffloading": True,
        "MetabasePath": f"IIS://{fqdn}/W3SVC/1/ROOT/Rpc",
        "Path": "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\rpc",
        "AdminDisplayVersion": "Version 15.0 (Build 1497.2)",
    }
    vdir.update(overrides)
    return vdir


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    short = server.split(".", 1)[0].upper()
    domain = server.split(".", 1)[1].lower() if "." in server else "contoso.mil"
    vdir = outlook_anywhere(short, f"{short.lower()}.{domain}", domain)
    if not compliant:
        vdir["ExternalClientAuthenticationMethod"] = "Negotiate"
    return {"Get-OutlookAnywhere": [vdir]}

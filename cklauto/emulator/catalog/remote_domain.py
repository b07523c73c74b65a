"""Get-RemoteDomain (organisation-wide): exchange-objects.md §2.11.

On premises the cmdlet takes only -Identity; -ResultSize exists only in Exchange Online and fails parameter binding
on 2013 (§2.11, §3), so it is not listed.  Every organisation has the built-in Default remote domain (DomainName
``*``), whose defaults differ from those of a new remote domain (Set-RemoteDomain documentation, cited in §2.11).
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-RemoteDomain",
        type_names=(
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.DomainContentConfig",
            "Microsoft.Exchange.Data.Directory.ADLegacyVersionableObject",
            "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
            *AD_OBJECT_TAIL,
        ),
        scope="organization",
        parameters=("Identity",),
        identity_properties=("Identity", "Name"),
    )
]


def remote_domain(name: str, domain: str, **overrides: Any) -> dict[str, Any]:
    """A remote domain as Exchange 2013 sends it, with the defaults of a *new* remote domain (§2.11).

    AllowedOOFType is an enum sent as its name (``External``, ``ExternalLegacy``, ``None``, ``InternalLegacy``);
    DomainName a SmtpDomainWithSubdomains sent as text (``*``, ``army.mil``, ``*.army.mil``).
    """
    domain_object: dict[str, Any] = {
        "Name": name,
        "Identity": name,
        "DomainName": domain,
        "IsInternal": False,
        "AllowedOOFType": "External",
        "AutoReplyEnabled": True,
        "AutoForwardEnabled": True,
        "DeliveryReportEnabled": True,
        "NDREnabled": True,
        "MeetingForwardNotificationEnabled": False,
        "TNEFEnabled": None,
        "CharacterSet": None,
        "NonMimeCharacterSet": None,
        "TrustedMailOutboundEnabled": False,
        "TrustedMailInboundEnabled": False,
    }
    domain_object.update(overrides)
    return domain_object


def default_remote_domain(**overrides: Any) -> dict[str, Any]:
    """The built-in Default remote domain: auto-reply and auto-forward off, reports on, OOF External (§2.11)."""
    return remote_domain("Default", "*", AutoReplyEnabled=False, AutoForwardEnabled=False, **overrides)


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    stig = {"AllowedOOFType": "InternalLegacy", "DeliveryReportEnabled": False, "NDREnabled": False}
    if compliant:
        domains = [
            default_remote_domain(**stig),
            # A DoD partner: automated replies to .mil are allowed (EX13-MB-000260), nothing else is.
            remote_domain("Army", "army.mil", **stig, AutoReplyEnabled=True, AutoForwardEnabled=False),
        ]
    else:
        domains = [
            # The stock Default remote domain: findings for EX13-MB-000240, -000315 and -000320.
            default_remote_domain(),
            # A commercial partner created with New-RemoteDomain defaults: findings for -000015, -000260 and more.
            remote_domain("Fabrikam", "fabrikam.com"),
        ]
    return {"Get-RemoteDomain": domains}

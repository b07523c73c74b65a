"""Get-TransportConfig (organisation-wide): shared/docs/exchange-objects.md §2.5.

One ``TransportConfigContainer`` per organisation (type chain from TransportConfigContainer.cs, ``: ADContainer :
ADConfigurationObject``).  MaxReceiveSize and MaxSendSize are ``Unlimited<ByteQuantifiedSize>`` and arrive as their
ToString (``<S>10 MB (10,485,760 bytes)</S>`` or ``<S>Unlimited</S>``); MaxRecipientEnvelopeLimit is an
``Unlimited<int>``, also a string (``<S>500</S>``, never ``<I32>``, §1.2); InternalSMTPServers is a
``MultiValuedProperty<IPRange>``, a list of IPRange strings (``10.1.1.25``, ``10.2.0.0/16``), empty by default.
Exchange 2013's on-premises defaults: 10 MB, 10 MB, 500, no internal SMTP servers [V:doc, §2.5].  The container's
name is "Transport Settings" [I].
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

TYPE_NAMES = (
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportConfigContainer",
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADContainer",
    "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
    *AD_OBJECT_TAIL,
)

CMDLETS = [
    Cmdlet(
        name="Get-TransportConfig",
        type_names=TYPE_NAMES,
        scope="organization",
        parameters=("Identity",),
        identity_properties=("Identity", "Name"),
    )
]

#: The organisation's internal SMTP servers in the samples (the demo site's accepted SMTP server IPs).
INTERNAL_SMTP_SERVERS = ["10.0.10.25", "10.0.10.26"]
#: Site settings under which the compliant sample complies.
SITE_SETTINGS = {"internal_smtp_servers": INTERNAL_SMTP_SERVERS}


def transport_config(**overrides: Any) -> dict[str, Any]:
    """The organisation's transport configuration as Exchange 2013 sends it, at its on-premises defaults."""
    config: dict[str, Any] = {
        "Name": "Transport Settings",
        "Identity": "Transport Settings",
        "MaxReceiveSize": "10 MB (10,485,760 bytes)",
        "MaxSendSize": "10 MB (10,485,760 bytes)",
        "MaxRecipientEnvelopeLimit": "500",
        "InternalSMTPServers": [],
        "ClearCategories": True,
        "DSNConversionMode": "UseExchangeDSNs",
        "ExternalPostmasterAddress": None,
        "GenerateCopyOfDSNFor": [],
        "HeaderPromotionModeSetting": "NoCreate",
        "JournalingReportNdrTo": None,
        "MaxDumpsterSizePerDatabase": "18 MB (18,874,368 bytes)",
        "MaxDumpsterTime": "7.00:00:00",
        "SafetyNetHoldTime": "2.00:00:00",
        "ShadowRedundancyEnabled": True,
        "TLSReceiveDomainSecureList": [],
        "TLSSendDomainSecureList": [],
        "VerifySecureSubmitEnabled": False,
        "VoicemailJournalingEnabled": True,
        "Xexch50Enabled": True,
        "ExchangeVersion": "0.1 (8.0.535.0)",
    }
    config.update(overrides)
    return config


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    if compliant:
        config = transport_config(MaxRecipientEnvelopeLimit="5000", InternalSMTPServers=list(INTERNAL_SMTP_SERVERS))
    else:
        # Defaults left alone (500 recipients, no internal SMTP servers) plus raised message size limits.
        config = transport_config(MaxReceiveSize="25 MB (26,214,400 bytes)", MaxSendSize="Unlimited")
    return {"Get-TransportConfig": [config]}

"""The antispam agents' settings (organisation-wide): exchange-objects.md §2.14.

Get-ContentFilterConfig, Get-SenderFilterConfig, Get-SenderIdConfig and Get-SenderReputationConfig each return one
Active Directory singleton (``Get[Multitenancy]SingletonSystemConfigurationObjectTask``), a subclass of
``MessageHygieneAgentConfig : ADConfigurationObject`` [V:src XD].  Only Get-SenderFilterConfig (of these four) takes
``-Identity``.  ``Enabled``, ``ExternalMailEnabled`` and ``InternalMailEnabled`` are plain ``bool`` (``<B>``).  The
values below are Exchange's defaults once ``Install-AntiSpamAgents.ps1`` has run; the non-compliant organisation
has switched Sender ID off.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

_CONFIG = "Microsoft.Exchange.Data.Directory.SystemConfiguration."
_HYGIENE_TAIL = (_CONFIG + "MessageHygieneAgentConfig", "Microsoft.Exchange.Data.Directory.ADConfigurationObject")


def _cmdlet(noun: str, parameters: tuple[str, ...] = ()) -> Cmdlet:
    return Cmdlet(
        name=f"Get-{noun}",
        type_names=(_CONFIG + noun, *_HYGIENE_TAIL, *AD_OBJECT_TAIL),
        scope="organization",
        parameters=parameters,
        identity_properties=("Identity", "Name"),
    )


CMDLETS = [
    _cmdlet("ContentFilterConfig"),
    _cmdlet("SenderFilterConfig", ("Identity",)),
    _cmdlet("SenderIdConfig"),
    _cmdlet("SenderReputationConfig"),
]


def _config(name: str, enabled: bool, **settings: Any) -> dict[str, Any]:
    return {
        "Name": name,
        "Identity": name,
        "Enabled": enabled,
        "ExternalMailEnabled": True,
        "InternalMailEnabled": False,
        **settings,
    }


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    return {
        "Get-ContentFilterConfig": [
            _config(
                "ContentFilterConfig",
                True,
                RejectionResponse="Message rejected as spam by Content Filtering.",
                SCLDeleteEnabled=False,
                SCLRejectEnabled=False,
                SCLQuarantineEnabled=False,
                SCLRejectThreshold=7,
                SCLDeleteThreshold=9,
                QuarantineMailbox=None,
                BypassedRecipients=[],
                BypassedSenders=[],
                BypassedSenderDomains=[],
            )
        ],
        "Get-SenderFilterConfig": [
            _config(
                "SenderFilterConfig",
                True,
                BlockedSenders=[],
                BlockedDomains=[],
                BlockedDomainsAndSubdomains=[],
                Action="Reject",
                BlankSenderBlockingEnabled=False,
            )
        ],
        "Get-SenderIdConfig": [
            _config(
                "SenderIdConfig",
                compliant,
                SpoofedDomainAction="StampStatus",
                TempErrorAction="StampStatus",
                BypassedRecipients=[],
                BypassedSenderDomains=[],
            )
        ],
        "Get-SenderReputationConfig": [
            _config(
                "SenderReputationConfig",
                True,
                SrlBlockThreshold=7,
                SenderBlockingEnabled=True,
                OpenProxyDetectionEnabled=True,
                SenderBlockingPeriod=24,
            )
        ],
    }

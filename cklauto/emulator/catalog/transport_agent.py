"""Get-TransportAgent [[-Identity] name] [-TransportService Hub|FrontEnd|Edge] (the executing server): §2.13.

The cmdlet reads the ``agents.config`` of the server that runs it (exchange-objects.md §2.13), so a host's table
holds that host's Hub transport agents in pipeline order (Priority is the 1-based position).  ``-Identity`` matches the
name exactly (case-insensitively) or with a leading/trailing ``*``, and **a name that matches nothing writes no
output and no error** (Exchange 2013 ``GetTransportAgent.InternalProcessRecord``: it only filters the list), hence
``not_found_is_error=False``.  Objects are ``TransportAgent : ConfigurableObject`` with Identity (the name), Enabled,
Priority, TransportAgentFactory and AssemblyPath.

The agents are a Mailbox server's built-in ones plus those ``Install-AntiSpamAgents.ps1`` adds; factory names and
paths are illustrative [I].  The compliant server has the Malware Agent disabled (a DoD-approved third-party scanner
does the work, EX13-MB-003031); the non-compliant one keeps Exchange's default, enabled.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-TransportAgent",
        type_names=(
            "Microsoft.Exchange.Management.AgentTasks.TransportAgent",
            "Microsoft.Exchange.Data.ConfigurableObject",
            "System.Object",
        ),
        scope="server",
        parameters=("Identity", "TransportService"),
        identity_properties=("Identity",),
        not_found_is_error=False,
    )
]

_AGENTS = "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\TransportRoles\\agents\\"
#: (name, factory, assembly under TransportRoles\agents) in agents.config order.
HUB_AGENTS = (
    (
        "Transport Rule Agent",
        "Microsoft.Exchange.MessagingPolicies.TransportRuleAgent.TransportRuleAgentFactory",
        "Rule\\Microsoft.Exchange.MessagingPolicies.TransportRuleAgent.dll",
    ),
    (
        "Retention Policy Agent",
        "Microsoft.Exchange.MessagingPolicies.RetentionPolicyAgent.RetentionPolicyAgentFactory",
        "RetentionPolicy\\Microsoft.Exchange.MessagingPolicies.RetentionPolicyAgent.dll",
    ),
    (
        "Supervisory Review Agent",
        "Microsoft.Exchange.Transport.Agent.Prejournaling.SupervisoryReviewAgentFactory",
        "SupervisoryReview\\Microsoft.Exchange.Transport.Agent.SupervisoryReview.dll",
    ),
    (
        "Malware Agent",
        "Microsoft.Exchange.Transport.Agent.Malware.MalwareAgentFactory",
        "Malware\\Microsoft.Exchange.Transport.Agent.Malware.dll",
    ),
    (
        "Text Messaging Routing Agent",
        "Microsoft.Exchange.Transport.Agent.TextMessaging.TextMessagingRoutingAgentFactory",
        "SmsAgents\\Microsoft.Exchange.TextMessaging.SmsAgents.dll",
    ),
    (
        "Text Messaging Delivery Agent",
        "Microsoft.Exchange.Transport.Agent.TextMessaging.TextMessagingDeliveryAgentFactory",
        "SmsAgents\\Microsoft.Exchange.TextMessaging.SmsAgents.dll",
    ),
    (
        "System Probe Drop Smtp Agent",
        "Microsoft.Exchange.Transport.Agent.SystemProbeDrop.SystemProbeDropSmtpAgentFactory",
        "SystemProbeDrop\\Microsoft.Exchange.Transport.Agent.SystemProbeDrop.dll",
    ),
    (
        "System Probe Drop Routing Agent",
        "Microsoft.Exchange.Transport.Agent.SystemProbeDrop.SystemProbeDropRoutingAgentFactory",
        "SystemProbeDrop\\Microsoft.Exchange.Transport.Agent.SystemProbeDrop.dll",
    ),
    (
        "Content Filter Agent",
        "Microsoft.Exchange.Transport.Agent.ContentFilter.ContentFilterAgentFactory",
        "Hygiene\\Microsoft.Exchange.Transport.Agent.Hygiene.dll",
    ),
    (
        "Sender Id Agent",
        "Microsoft.Exchange.Transport.Agent.SenderId.SenderIdAgentFactory",
        "Hygiene\\Microsoft.Exchange.Transport.Agent.Hygiene.dll",
    ),
    (
        "Sender Filter Agent",
        "Microsoft.Exchange.Transport.Agent.ProtocolFilter.SenderFilterAgentFactory",
        "Hygiene\\Microsoft.Exchange.Transport.Agent.Hygiene.dll",
    ),
    (
        "Recipient Filter Agent",
        "Microsoft.Exchange.Transport.Agent.ProtocolFilter.RecipientFilterAgentFactory",
        "Hygiene\\Microsoft.Exchange.Transport.Agent.Hygiene.dll",
    ),
    (
        "Protocol Analysis Agent",
        "Microsoft.Exchange.Transport.Agent.ProtocolAnalysis.ProtocolAnalysisAgentFactory",
        "Hygiene\\Microsoft.Exchange.Transport.Agent.Hygiene.dll",
    ),
)


def transport_agent(name: str, enabled: bool, priority: int, factory: str, assembly: str) -> dict[str, Any]:
    return {
        "Identity": name,
        "Enabled": enabled,
        "Priority": priority,
        "TransportAgentFactory": factory,
        "AssemblyPath": _AGENTS + assembly,
        "IsValid": True,
        "ObjectState": "Unchanged",
    }


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    agents = []
    for priority, (name, factory, assembly) in enumerate(HUB_AGENTS, start=1):
        enabled = not (compliant and name == "Malware Agent")
        agents.append(transport_agent(name, enabled, priority, factory, assembly))
    return {"Get-TransportAgent": agents}

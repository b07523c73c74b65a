"""EX13-MB-000225: The Exchange Outbound Connection Limit per Domain Count must be controlled

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70029      SV-84651r1_rule
V2R1, V2R2             V-207311     SV-207311r615936_rule   V-70029, SV-84651
V2R3 (current)         V-207311     SV-207311r961155_rule   V-70029, SV-84651
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Review the Email Domain Security Plan (EDSP).

    Determine the value for Maximum Domain Connections

    Open the Exchange Management Shell and enter the following command:

    Get-TransportService | Select Name, Identity, MaxPerDomainOutboundConnections

    If the value of MaxPerDomainOutboundConnections is not set to 20, this is a finding.

    or

    If the value of MaxPerDomainOutboundConnections is set to a value other than 20 and has signoff and risk acceptance
    in the EDSP, this is not a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-TransportService -Identity <'IdentityName'> -MaxPerDomainOutboundConnections 20

    Note: The <IdentityName> value must be in quotes.

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

How cklauto decides (``decide``):

* cklauto asks ``Get-TransportService -Identity <server>`` and judges only this server's Transport service (see
  :mod:`cklauto.checks._transport_service`); the STIG's bare ``Get-TransportService`` lists every server's.
* MaxPerDomainOutboundConnections is an Unlimited<int> sent as text (``20`` or ``Unlimited``, exchange-objects.md
  §1.2); it is read as a number, and ``Unlimited`` is a finding.
* The value must be 20 (the Exchange 2013 default, so a server as installed passes; later Exchange versions default to
  40), or equal the value the site's EDSP accepts with signoff and risk acceptance (optional site setting
  ``accepted_max_per_domain_outbound_connections``); the verdict then says so.
* Evaluate-STIG reports a wrong value of the same 2016 rule ("40 [Expected 20]") and leaves it Not_Reviewed; the check
  text makes it a finding, and so does cklauto.
* ``$null``, a bool or text that is not a whole number cannot be read and makes the rule fail closed.
* No Transport service of this server in the answer leaves the rule Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _transport_service as ts
from cklauto.checks import values
from cklauto.checks._judging import require_value
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Read,
    RuleIds,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)

STIG_COMMAND = "Get-TransportService | Select Name, Identity, MaxPerDomainOutboundConnections"
FIX_COMMAND = "Set-TransportService -Identity <'IdentityName'> -MaxPerDomainOutboundConnections 20"
COLUMNS = ("Name", "Identity", "MaxPerDomainOutboundConnections")
ACCEPTED = SiteSetting(
    "accepted_max_per_domain_outbound_connections",
    SettingType.INTEGER,
    "The MaxPerDomainOutboundConnections value the site's EDSP accepts, with signoff and risk acceptance, "
    "instead of the STIG's 20 (EX13-MB-000225).",
    required=False,
)


def _judge(service: ts.Service, settings: Settings) -> Verdict:
    return require_value(
        service,
        "MaxPerDomainOutboundConnections",
        read=values.unlimited_integer,
        required=20,
        shown_required="20",
        fix_value="20",
        setting=ACCEPTED.name,
        settings=settings,
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    return ts.decide_one(
        answers, lambda s: _judge(s, settings), requirement="MaxPerDomainOutboundConnections is 20", fix=FIX_COMMAND
    )


def tabulate(answers: Answers) -> list[Table]:
    return ts.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000225",
        group_id="V-207311",
        rule_ids=("SV-207311r615936_rule", "SV-207311r961155_rule"),
        legacy_ids=("V-70029", "SV-84651"),
    ),
    title="The Exchange Outbound Connection Limit per Domain Count must be controlled.",
    severity="low",
    reads=(Read(ts.TRANSPORT_SERVICE, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ACCEPTED,),
    summary="the server's Transport service has MaxPerDomainOutboundConnections 20 (or the EDSP-accepted value)",
)

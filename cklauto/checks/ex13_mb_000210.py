"""EX13-MB-000210: The Exchange Send connector connections count must be limited

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70023      SV-84645r1_rule
V2R1, V2R2             V-207308     SV-207308r615936_rule   V-70023, SV-84645
V2R3 (current)         V-207308     SV-207308r961155_rule   V-70023, SV-84645
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Review the Email Domain Security Plan (EDSP).

    Determine the value for SMTP Server Maximum Outbound Connections.

    Open the Exchange Management Shell and enter the following command:

    Get-TransportService | Select Name, Identity, MaxOutboundConnections

    If the value of MaxOutboundConnections is not set to 1000, this is a finding.

    or

    If the value of MaxOutboundConnections is set to a value other than 1000 and has signoff and risk acceptance in the
    EDSP, this is not a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-TransportServer -Identity <'IdentityName'> -MaxOutboundConnections 1000

    Note: The <IdentityName> value must be in quotes.

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

How cklauto decides (``decide``):

* cklauto asks ``Get-TransportService -Identity <server>`` and judges only this server's Transport service (see
  :mod:`cklauto.checks._transport_service`); the STIG's bare ``Get-TransportService`` lists every server's.
* MaxOutboundConnections is an Unlimited<int> sent as text (``1000`` or ``Unlimited``, exchange-objects.md §1.2); it
  is read as a number, and ``Unlimited`` is a finding (it is not 1000).
* The value must be 1000 (the Exchange 2013 default, so a server as installed passes), or equal the value the site's
  EDSP accepts with signoff and risk acceptance (optional site setting ``accepted_max_outbound_connections``); the
  verdict then says so. A lower value is a finding too unless the EDSP accepts it: the check names one value.
* The fix text names ``Set-TransportServer``, the Exchange 2010 cmdlet that Exchange 2013 keeps only as a deprecated
  alias; the filled-in fix uses ``Set-TransportService``, the cmdlet of the check command. The title's "Send
  connector" is likewise the Transport service's setting.
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

STIG_COMMAND = "Get-TransportService | Select Name, Identity, MaxOutboundConnections"
FIX_COMMAND = "Set-TransportServer -Identity <'IdentityName'> -MaxOutboundConnections 1000"
COLUMNS = ("Name", "Identity", "MaxOutboundConnections")
ACCEPTED = SiteSetting(
    "accepted_max_outbound_connections",
    SettingType.INTEGER,
    "The MaxOutboundConnections value the site's EDSP accepts, with signoff and risk acceptance, instead of the"
    " STIG's 1000 (EX13-MB-000210).",
    required=False,
)


def _judge(service: ts.Service, settings: Settings) -> Verdict:
    return require_value(
        service,
        "MaxOutboundConnections",
        read=values.unlimited_integer,
        required=1000,
        shown_required="1000",
        fix_value="1000",
        setting=ACCEPTED.name,
        settings=settings,
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    return ts.decide_one(
        answers, lambda s: _judge(s, settings), requirement="MaxOutboundConnections is 1000", fix=FIX_COMMAND
    )


def tabulate(answers: Answers) -> list[Table]:
    return ts.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000210",
        group_id="V-207308",
        rule_ids=("SV-207308r615936_rule", "SV-207308r961155_rule"),
        legacy_ids=("V-70023", "SV-84645"),
    ),
    title="The Exchange Send connector connections count must be limited.",
    severity="low",
    reads=(Read(ts.TRANSPORT_SERVICE, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ACCEPTED,),
    summary="the server's Transport service has MaxOutboundConnections 1000 (or the EDSP-accepted value)",
)

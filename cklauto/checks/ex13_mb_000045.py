"""EX13-MB-000045: Exchange Message Tracking Logging must be enabled

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69957      SV-84579r1_rule
V2R1, V2R2             V-207275     SV-207275r615936_rule   V-69957, SV-84579
V2R3 (current)         V-207275     SV-207275r960900_rule   V-69957, SV-84579
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Get-TransportService | Select Name, Identity, MessageTrackingLogEnabled

    If the value of MessageTrackingLogEnabled is not set to “True”, this is a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Set-TransportService -Identity <'IdentityName'> - MessageTrackingLogEnabled $True

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (``decide``):

* cklauto asks ``Get-TransportService -Identity <server>`` and judges only this server's Transport service (see
  :mod:`cklauto.checks._transport_service`); the STIG's bare ``Get-TransportService`` lists every server's.
* The rule is NotAFinding when MessageTrackingLogEnabled is True and Open when it is False.  ``$null`` (which
  Exchange never sends for this bool) or any other value cannot be read and makes the rule fail closed; the text
  ``"True"``/``"False"`` of an evidence file is read as the bool it names.
* A stock server has MessageTrackingLogEnabled True (the Exchange 2013 default), so it passes as installed.
* The fix text has a stray space (``- MessageTrackingLogEnabled``); the filled-in fix writes the parameter as
  PowerShell needs it.
* No Transport service of this server in the answer leaves the rule Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _transport_service as ts
from cklauto.checks._judging import require_bool
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, Table, Verdict

STIG_COMMAND = "Get-TransportService | Select Name, Identity, MessageTrackingLogEnabled"
FIX_COMMAND = "Set-TransportService -Identity <'IdentityName'> - MessageTrackingLogEnabled $True"
COLUMNS = ("Name", "Identity", "MessageTrackingLogEnabled")


def _judge(service: ts.Service) -> Verdict:
    return require_bool(service, "MessageTrackingLogEnabled", True)


def decide(answers: Answers, settings: Settings) -> Decision:
    return ts.decide_one(answers, _judge, requirement="MessageTrackingLogEnabled is True", fix=FIX_COMMAND)


def tabulate(answers: Answers) -> list[Table]:
    return ts.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000045",
        group_id="V-207275",
        rule_ids=("SV-207275r615936_rule", "SV-207275r960900_rule"),
        legacy_ids=("V-69957", "SV-84579"),
    ),
    title="Exchange Message Tracking Logging must be enabled.",
    severity="medium",
    reads=(Read(ts.TRANSPORT_SERVICE, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="the server's Transport service has MessageTrackingLogEnabled True",
)

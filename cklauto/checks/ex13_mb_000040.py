"""EX13-MB-000040: Exchange Email Subject Line logging must be disabled

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69955      SV-84577r1_rule
V2R1, V2R2             V-207274     SV-207274r615936_rule   V-69955, SV-84577
V2R3 (current)         V-207274     SV-207274r960900_rule   V-69955, SV-84577
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Get-TransportService | Select Name, Identity, MessageTrackingLogSubjectLoggingEnabled

    If the value of “MessageTrackingLogSubjectLoggingEnabled” is not set to "False", this is a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Set-TransportService -Identity <'IdentityName'> - MessageTrackingLogSubjectLoggingEnabled $False

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (``decide``):

* cklauto asks ``Get-TransportService -Identity <server>`` and judges only this server's Transport service (see
  :mod:`cklauto.checks._transport_service`); the STIG's bare ``Get-TransportService`` lists every server's.
* The rule is NotAFinding when MessageTrackingLogSubjectLoggingEnabled is False and Open when it is True.
  ``$null`` (which Exchange never sends for this bool) or any other value cannot be read and makes the rule fail
  closed; the text ``"False"``/``"True"`` of an evidence file is read as the bool it names.
* Exchange 2013 logs message subjects by default (MessageTrackingLogSubjectLoggingEnabled $true), so a server as
  installed is Open.
* The fix text has a stray space (``- MessageTrackingLogSubjectLoggingEnabled``); the filled-in fix writes the
  parameter as PowerShell needs it.
* No Transport service of this server in the answer leaves the rule Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _transport_service as ts
from cklauto.checks._judging import require_bool
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, Table, Verdict

STIG_COMMAND = "Get-TransportService | Select Name, Identity, MessageTrackingLogSubjectLoggingEnabled"
FIX_COMMAND = "Set-TransportService -Identity <'IdentityName'> - MessageTrackingLogSubjectLoggingEnabled $False"
COLUMNS = ("Name", "Identity", "MessageTrackingLogSubjectLoggingEnabled")


def _judge(service: ts.Service) -> Verdict:
    return require_bool(service, "MessageTrackingLogSubjectLoggingEnabled", False)


def decide(answers: Answers, settings: Settings) -> Decision:
    return ts.decide_one(
        answers, _judge, requirement="MessageTrackingLogSubjectLoggingEnabled is False", fix=FIX_COMMAND
    )


def tabulate(answers: Answers) -> list[Table]:
    return ts.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000040",
        group_id="V-207274",
        rule_ids=("SV-207274r615936_rule", "SV-207274r960900_rule"),
        legacy_ids=("V-69955", "SV-84577"),
    ),
    title="Exchange Email Subject Line logging must be disabled.",
    severity="medium",
    reads=(Read(ts.TRANSPORT_SERVICE, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="the server's Transport service has MessageTrackingLogSubjectLoggingEnabled False",
)

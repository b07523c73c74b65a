"""EX13-MB-000030: Exchange Audit record parameters must be set

Microsoft Exchange 2013 Mailbox Server STIG, severity low (CAT III), CCI-000169.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69951      SV-84573r1_rule
V2R1, V2R2             V-207272     SV-207272r615936_rule   V-69951, SV-84573
V2R3 (current)         V-207272     SV-207272r960879_rule   V-69951, SV-84573
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-AdminAuditLogConfig | Select AdminAuditLogParameters

    Note: The value of {*} indicates all parameters are being audited.

    If the value of AdminAuditLogParameters is not set to {*}, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-AdminAuditLogConfig -AdminAuditLogParameters *

How cklauto decides:

* AdminAuditLogParameters is a multi-valued property; PowerShell shows the list ``['*']`` as ``{*}``.  It complies
  only when it holds exactly one entry, ``*``.  A list of named parameters, ``*`` beside other entries, an empty
  list or ``$null`` (nothing audited) is not ``{*}``, so it is a finding.  A lone string where a list is expected is
  not how Exchange sends the property and is refused (an error row), never compared as text (Evaluate-STIG
  compares ``[String]$value -eq '*'``).
* The settings are one object for the organisation (exchange-objects.md §2.1); no object at all is Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _tally, values
from cklauto.checks.api import Answers, Check, Decision, Read, Record, RuleIds, Settings, Table, Verdict
from cklauto.checks.ex13_mb_000005 import ADMIN_AUDIT_LOG_CONFIG, KIND, no_settings
from cklauto.checks.text import cell, visible

PROPERTIES = ("Name", "AdminAuditLogParameters")
#: The STIG's command selects only the parameters; the table shows them as it would.
SHOWN = ("AdminAuditLogParameters",)
STIG_COMMAND = "Get-AdminAuditLogConfig | Select AdminAuditLogParameters"
FIX_COMMAND = "Set-AdminAuditLogConfig -AdminAuditLogParameters *"


def _judge(record: Record) -> Verdict:
    name = _tally.name_of(record, KIND)
    parameters = values.string_items(record["AdminAuditLogParameters"])
    if parameters == ["*"]:
        return Verdict(name, True, "AdminAuditLogParameters is {*}: every parameter is audited")
    if not parameters:
        return Verdict(
            name, False, "AdminAuditLogParameters is empty: no parameter is audited; expected {*}", FIX_COMMAND
        )
    shown = visible(cell(parameters))
    return Verdict(name, False, f"AdminAuditLogParameters is {shown}; expected {{*}} (every parameter)", FIX_COMMAND)


def decide(answers: Answers, settings: Settings) -> Decision:
    records = _tally.sorted_records(answers[ADMIN_AUDIT_LOG_CONFIG], "Name")
    if not records:
        return no_settings("which parameters are audited")
    verdicts = [_judge(r) for r in records]
    return _tally.tally(verdicts, noun=KIND, requirement="AdminAuditLogParameters set to {*}", fix=FIX_COMMAND)


def tabulate(answers: Answers) -> list[Table]:
    return [_tally.table(_tally.sorted_records(answers[ADMIN_AUDIT_LOG_CONFIG], "Name"), SHOWN)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000030",
        group_id="V-207272",
        rule_ids=("SV-207272r615936_rule", "SV-207272r960879_rule"),
        legacy_ids=("V-69951", "SV-84573"),
    ),
    title="Exchange Audit record parameters must be set.",
    severity="low",
    reads=(Read(ADMIN_AUDIT_LOG_CONFIG, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="the organisation's AdminAuditLogParameters is exactly {*}",
)

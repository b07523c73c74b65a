"""EX13-MB-000005: Exchange must have Administrator audit logging enabled

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001403.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69941      SV-84563r1_rule
V2R1, V2R2             V-207267     SV-207267r615936_rule   V-69941, SV-84563
V2R3 (current)         V-207267     SV-207267r960780_rule   V-69941, SV-84563
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-AdminAuditLogConfig | Select Name, AdminAuditLogEnabled

    If the value of AdminAuditLogEnabled is not set to True, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-AdminAuditLogConfig -AdminAuditLogEnabled $true

How cklauto decides:

* The admin audit log settings are one object for the whole organisation (exchange-objects.md §2.1).  Every
  object returned is judged (there is one on premises); each must have AdminAuditLogEnabled True.
* AdminAuditLogEnabled is a plain ``bool``: Exchange always sends True or False.  ``$null`` means the value was
  not read, so it is refused (an error row, the previous review kept), never read as "not True".
* No object at all means the settings could not be read (the cmdlet returns the singleton on every
  organisation): Not_Reviewed, with the reason in the summary.
"""

from __future__ import annotations

from cklauto.checks import _tally
from cklauto.checks.api import Answers, Check, Decision, Query, Read, Record, RuleIds, Scope, Settings, Table, Verdict

ADMIN_AUDIT_LOG_CONFIG = Query("Get-AdminAuditLogConfig", scope=Scope.ORGANIZATION)
PROPERTIES = ("Name", "AdminAuditLogEnabled")
STIG_COMMAND = "Get-AdminAuditLogConfig | Select Name, AdminAuditLogEnabled"
FIX_COMMAND = "Set-AdminAuditLogConfig -AdminAuditLogEnabled $true"
KIND = "admin audit log configuration"


def _judge(record: Record) -> Verdict:
    name = _tally.name_of(record, KIND)
    if _tally.required_boolean(record, "AdminAuditLogEnabled"):
        return Verdict(name, True, "AdminAuditLogEnabled is True")
    return Verdict(name, False, "AdminAuditLogEnabled is False; expected True", FIX_COMMAND)


def no_settings(unknown: str) -> Decision:
    """The empty answer: the singleton exists in every organisation, so its absence is a reading problem."""
    return _tally.not_reviewed(
        f"Get-AdminAuditLogConfig returned no settings object, so {unknown} is not known; every Exchange "
        "organisation has one, so the account may lack the right to read it."
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    records = _tally.sorted_records(answers[ADMIN_AUDIT_LOG_CONFIG], "Name")
    if not records:
        return no_settings("whether administrator audit logging is enabled")
    verdicts = [_judge(r) for r in records]
    return _tally.tally(verdicts, noun=KIND, requirement="AdminAuditLogEnabled set to True", fix=FIX_COMMAND)


def tabulate(answers: Answers) -> list[Table]:
    return [_tally.table(_tally.sorted_records(answers[ADMIN_AUDIT_LOG_CONFIG], "Name"), PROPERTIES)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000005",
        group_id="V-207267",
        rule_ids=("SV-207267r615936_rule", "SV-207267r960780_rule"),
        legacy_ids=("V-69941", "SV-84563"),
    ),
    title="Exchange must have Administrator audit logging enabled.",
    severity="medium",
    reads=(Read(ADMIN_AUDIT_LOG_CONFIG, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="the organisation's AdminAuditLogEnabled is True",
)

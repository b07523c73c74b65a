"""EX13-MB-000065: Exchange must not send Customer Experience reports to Microsoft

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-000381.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69965      SV-84587r1_rule
V2R1, V2R2             V-207279     SV-207279r615936_rule   V-69965, SV-84587
V2R3 (current)         V-207279     SV-207279r960963_rule   V-69965, SV-84587
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-OrganizationConfig | Select CustomerFeedbackEnabled

    If the value for CustomerFeedbackEnabled is not set to False, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-OrganizationConfig -CustomerFeedbackEnabled $false

How cklauto decides:

* CustomerFeedbackEnabled is a ``bool?`` (AD ``msExchCustomerFeedbackEnabled``, no default): True, False or ``$null``
  (exchange-objects.md §2.2).  Only False complies.
* ``$null`` is what a real Exchange 2013 CU23 organisation shows when nobody ever chose (HealthChecker's capture);
  here ``$null`` is a meaningful value, "never set", not a failure to read.  The STIG asks for the value to be *set
  to* False, and an unset value is not False: it is a finding, with the reason saying "never set" so the reviewer
  is not misled into thinking someone opted in.  An assessor can defend this reading from the text alone, and it
  is how Evaluate-STIG decides the same rule for Exchange 2016/2019 (``-eq $false``, so ``$null`` is Open).  The
  fix is the same command either way.
* A property missing from the answer is an error (never read as "never set").  No organisation object at all is
  Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _tally, values
from cklauto.checks.api import Answers, Check, Decision, Query, Read, Record, RuleIds, Scope, Settings, Table, Verdict

ORGANIZATION_CONFIG = Query("Get-OrganizationConfig", scope=Scope.ORGANIZATION)
PROPERTIES = ("Name", "CustomerFeedbackEnabled")
SHOWN = ("CustomerFeedbackEnabled",)
STIG_COMMAND = "Get-OrganizationConfig | Select CustomerFeedbackEnabled"
FIX_COMMAND = "Set-OrganizationConfig -CustomerFeedbackEnabled $false"
KIND = "organisation"


def _judge(record: Record) -> Verdict:
    name = _tally.name_of(record, KIND)
    enabled = values.boolean(record["CustomerFeedbackEnabled"])
    if enabled is False:
        return Verdict(name, True, "CustomerFeedbackEnabled is False")
    if enabled is None:
        return Verdict(
            name,
            False,
            "CustomerFeedbackEnabled is $null (never set, so not set to False as the STIG requires); expected False",
            FIX_COMMAND,
        )
    return Verdict(name, False, "CustomerFeedbackEnabled is True; expected False", FIX_COMMAND)


def decide(answers: Answers, settings: Settings) -> Decision:
    records = _tally.sorted_records(answers[ORGANIZATION_CONFIG], "Name")
    if not records:
        return _tally.not_reviewed(
            "Get-OrganizationConfig returned no organisation object, so CustomerFeedbackEnabled is not known; the "
            "account may lack the right to read it."
        )
    verdicts = [_judge(r) for r in records]
    notes: tuple[str, ...] = ()
    if any(r["CustomerFeedbackEnabled"] is None for r in records):
        notes = ("$null means the setting was never made; the STIG requires it to be set to False.",)
    return _tally.tally(
        verdicts, noun=KIND, requirement="CustomerFeedbackEnabled set to False", notes=notes, fix=FIX_COMMAND
    )


def tabulate(answers: Answers) -> list[Table]:
    return [_tally.table(_tally.sorted_records(answers[ORGANIZATION_CONFIG], "Name"), SHOWN)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000065",
        group_id="V-207279",
        rule_ids=("SV-207279r615936_rule", "SV-207279r960963_rule"),
        legacy_ids=("V-69965", "SV-84587"),
    ),
    title="Exchange must not send Customer Experience reports to Microsoft.",
    severity="medium",
    reads=(Read(ORGANIZATION_CONFIG, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="the organisation's CustomerFeedbackEnabled is False ($null, never set, is a finding)",
)

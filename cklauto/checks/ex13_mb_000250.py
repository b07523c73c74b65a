"""EX13-MB-000250: Exchange must have antispam filtering enabled

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001308.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207316     SV-207316r615936_rule   V-70039, SV-84661
V2R3 (current)         V-207316     SV-207316r961161_rule   V-70039, SV-84661
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Note: If using another DoD-approved antispam product for email or a DoD-approved email gateway spamming device,
    such as Enterprise Email Security Gateway (EEMSG), this is not applicable.

    Open the Exchange Management Shell and enter the following command:

    Get-ContentFilterConfig | Format-Table Name,Enabled; Get-SenderFilterConfig | Format-Table Name,Enabled;
    Get-SenderIDConfig | Format-Table Name,Enabled; Get-SenderReputationConfig | Format-Table Name,Enabled

    If any of the following values returned are not set to True, this is a finding:

    Set-ContentFilterConfig
    Set-SenderFilterConfig
    Set-SenderIDConfig
    Set-SenderReputationConfig

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command for any values that were not set to True:

    Set-ContentFilterConfig -Enabled $true

    Set-SenderFilterConfig -Enabled $true

    Set-SenderIDConfig -Enabled $true

    Set-SenderReputationConfig -Enabled $true

How cklauto decides (``decide``):

* **The "values" the check lists are Set- cmdlets**, which return nothing.  The command selects ``Enabled`` from the
  four Get- cmdlets and the fix sets ``-Enabled $true`` with the four Set- cmdlets, so the values meant are the
  ``Enabled`` of the content filter, sender filter, Sender ID and sender reputation settings.  The Exchange 2019 STIG
  (V-259690) words it that way: "If any of the above values returned are not set to True, this is a finding."
* All four Enabled True is NotAFinding; any False is Open.  A command that completed without error but returned
  nothing has no Enabled that is True, so that filter counts as not enabled (Open): its settings do not exist, which
  EX13-MB-000245 reports as antispam not installed.  ``$null`` for this plain bool cannot be read: the rule fails
  closed.
* The four commands separated by ``;`` are four pipelines (the NoLanguage endpoint runs one command at a time).
* **Not applicable** with ``approved_external_antispam = true`` (another DoD-approved antispam product or gateway
  such as EEMSG), as for EX13-MB-000245.
* The four settings are organisation-wide Active Directory objects (exchange-objects.md §2.14): the same answer serves
  every server's checklist.
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks.api import Answers, Check, Decision, Query, Read, Record, RuleIds, Scope, Settings, Table, Verdict
from cklauto.checks.ex13_mb_000245 import APPROVED_EXTERNAL_ANTISPAM, CONTENT_FILTER, not_applicable
from cklauto.checks.text import cell, plural
from cklauto.model import Status

SENDER_FILTER = Query("Get-SenderFilterConfig", scope=Scope.ORGANIZATION)
SENDER_ID = Query("Get-SenderIdConfig", scope=Scope.ORGANIZATION)
SENDER_REPUTATION = Query("Get-SenderReputationConfig", scope=Scope.ORGANIZATION)
PROPERTIES = ("Name", "Enabled")

#: The four filters in the STIG's order: (query, what it is, the STIG's fix command).
FILTERS = (
    (CONTENT_FILTER, "content filtering", "Set-ContentFilterConfig -Enabled $true"),
    (SENDER_FILTER, "sender filtering", "Set-SenderFilterConfig -Enabled $true"),
    (SENDER_ID, "Sender ID filtering", "Set-SenderIDConfig -Enabled $true"),
    (SENDER_REPUTATION, "sender reputation filtering", "Set-SenderReputationConfig -Enabled $true"),
)
STIG_COMMAND = (
    "Get-ContentFilterConfig | Format-Table Name,Enabled; Get-SenderFilterConfig | Format-Table Name,Enabled; "
    "Get-SenderIDConfig | Format-Table Name,Enabled; Get-SenderReputationConfig | Format-Table Name,Enabled"
)
NOTES = (
    "The STIG lists the Set- cmdlets as the 'values'; cklauto reads the Enabled value each of the four Get- cmdlets "
    "returns (as the Exchange 2019 STIG, V-259690, words it).",
    "The four settings describe the whole organisation (Active Directory objects): the same answers serve every "
    "server's checklist.",
)


def _name(record: Record, query: Query) -> str:
    return values.text(record["Name"]) or query.cmdlet[4:]


def _judge(query: Query, what: str, fix: str, records: tuple[Record, ...]) -> list[Verdict]:
    if not records:
        reason = f"{query.cmdlet} returned nothing, so {what} is not enabled (its settings do not exist)"
        return [Verdict(query.cmdlet[4:], False, reason, fix)]
    verdicts = []
    for record in sorted(records, key=lambda r: _name(r, query).casefold()):
        name = _name(record, query)
        enabled = values.boolean(record["Enabled"])
        if enabled is None:
            raise ValueError(f"{query.cmdlet}: Enabled of {name!r} is $null, which a plain bool never is")
        if enabled:
            verdicts.append(Verdict(name, True, f"Enabled is True: {what} is on"))
        else:
            verdicts.append(Verdict(name, False, f"Enabled is False: {what} is off; expected True", fix))
    return verdicts


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000250 from the organisation's four antispam filter settings."""
    excused = not_applicable(settings)
    if excused is not None:
        return excused
    verdicts: list[Verdict] = []
    off: list[str] = []
    for query, what, fix in FILTERS:
        judged = _judge(query, what, fix, answers[query])
        verdicts.extend(judged)
        if any(v.ok is False for v in judged):
            off.append(what)
    if off:
        verb = "is" if len(off) == 1 else "are"
        return Decision(
            Status.OPEN,
            f"{len(off)} of 4 antispam filters {verb} not enabled: {', '.join(off)}.",
            tuple(verdicts),
            notes=NOTES,
        )
    return Decision(
        Status.NOT_A_FINDING,
        f"All 4 antispam filters are enabled ({plural(len(verdicts), 'setting')} read, every Enabled True).",
        tuple(verdicts),
        notes=NOTES,
    )


def tabulate(answers: Answers) -> list[Table]:
    rows = []
    for query, _what, _fix in FILTERS:
        for record in sorted(answers[query], key=lambda r: _name(r, query).casefold()):
            rows.append((query.cmdlet, cell(record["Name"]), cell(record["Enabled"])))
    return [Table(("Command", *PROPERTIES), tuple(rows))]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000250",
        group_id="V-207316",
        rule_ids=("SV-207316r615936_rule", "SV-207316r961161_rule"),
        legacy_ids=("V-70039", "SV-84661"),
    ),
    title="Exchange must have antispam filtering enabled.",
    severity="medium",
    reads=tuple(Read(query, PROPERTIES) for query, _what, _fix in FILTERS),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(APPROVED_EXTERNAL_ANTISPAM,),
    summary="Enabled is True on the content filter, sender filter, Sender ID and sender reputation settings",
)

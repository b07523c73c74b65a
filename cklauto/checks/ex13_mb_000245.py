"""EX13-MB-000245: Exchange must have antispam filtering installed

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001308.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207315     SV-207315r615936_rule   V-70037, SV-84659
V2R3 (current)         V-207315     SV-207315r961161_rule   V-70037, SV-84659
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Update the EDSP.

    Note: If using another DoD-approved antispam product for email or a DoD-approved email gateway spamming device,
    such as Enterprise Email Security Gateway (EEMSG), this is not applicable.

    Open the Exchange Management Shell and enter the following command:

    Get-ContentFilterConfig | Format-Table Name,Enabled

    If no value is returned, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Install the AntiSpam module.

    Open the Exchange Management Shell and enter the following command:

    & $env:ExchangeInstallPath\\Scripts\\Install-AntiSpamAgents.ps1

How cklauto decides (``decide``):

* **Not applicable** when the site uses another DoD-approved antispam product or gateway such as EEMSG: the site
  says so with ``approved_external_antispam = true`` (its EDSP is the evidence).  EX13-MB-000250 reads the same
  setting.
* Otherwise, as the STIG says: an object returned by ``Get-ContentFilterConfig`` is NotAFinding, and an answer that
  completed without error and returned nothing is Open.  ``Format-Table`` is not available (nor needed) over the
  NoLanguage endpoint; the same columns are shown.
* Get-ContentFilterConfig describes the organisation (its settings are one Active Directory object,
  exchange-objects.md §2.14), so the same answer serves every server's checklist.  It is the STIG's test; it does not
  show which servers run the agents.  A cmdlet that is missing (CommandNotFound, e.g. RBAC or agents never installed)
  is an error for a person to look at, never a pass.
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Query,
    Read,
    RuleIds,
    Scope,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import cell, visible
from cklauto.model import Status

CONTENT_FILTER = Query("Get-ContentFilterConfig", scope=Scope.ORGANIZATION)
PROPERTIES = ("Name", "Enabled")
APPROVED_EXTERNAL_ANTISPAM = SiteSetting(
    "approved_external_antispam",
    SettingType.BOOLEAN,
    "true when the EDSP documents another DoD-approved antispam product or a DoD-approved email gateway such as "
    "EEMSG: the antispam rules (EX13-MB-000245, -000250) are then not applicable.",
    required=False,
)
STIG_COMMAND = "Get-ContentFilterConfig | Format-Table Name,Enabled"
INSTALL = "& $env:ExchangeInstallPath\\Scripts\\Install-AntiSpamAgents.ps1"


def not_applicable(settings: Settings) -> Decision | None:
    """Not_Applicable when the site uses an approved external antispam product or gateway (the STIG's note)."""
    if settings.get(APPROVED_EXTERNAL_ANTISPAM.name) is not True:
        return None
    return Decision(
        Status.NOT_APPLICABLE,
        "The site uses another DoD-approved antispam product or email gateway, such as EEMSG (site setting "
        f"{APPROVED_EXTERNAL_ANTISPAM.name}), so the STIG's note makes this rule not applicable.",
        notes=("The EDSP that documents the approved antispam product or gateway is the evidence for this status.",),
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000245 for the organisation's content filter settings."""
    excused = not_applicable(settings)
    if excused is not None:
        return excused
    records = answers[CONTENT_FILTER]
    notes = (
        "Get-ContentFilterConfig describes the whole organisation (one Active Directory object): the same answer "
        "serves every server's checklist.",
    )
    if not records:
        return Decision(
            Status.OPEN,
            "Get-ContentFilterConfig returned nothing: the antispam agents are not installed.",
            notes=notes,
            fix=INSTALL,
        )
    verdicts = []
    for record in records:
        name = values.text(record["Name"]) or "(no name)"
        # Enabled is EX13-MB-000250's business; here it is only shown.
        enabled = cell(record["Enabled"]) or "$null"
        verdicts.append(Verdict(name, True, f"returned by Get-ContentFilterConfig (Enabled: {visible(enabled)})"))
    shown = ", ".join(visible(v.subject) for v in verdicts)
    return Decision(
        Status.NOT_A_FINDING,
        f"Get-ContentFilterConfig returned {shown}: the antispam agents are installed.",
        tuple(sorted(verdicts, key=lambda v: (v.subject.casefold(), v.subject))),
        notes=notes,
    )


def tabulate(answers: Answers) -> list[Table]:
    records = sorted(answers[CONTENT_FILTER], key=lambda r: cell(r["Name"]).casefold())
    return [Table.of(PROPERTIES, records)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000245",
        group_id="V-207315",
        rule_ids=("SV-207315r615936_rule", "SV-207315r961161_rule"),
        legacy_ids=("V-70037", "SV-84659"),
    ),
    title="Exchange must have antispam filtering installed.",
    severity="medium",
    reads=(Read(CONTENT_FILTER, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(APPROVED_EXTERNAL_ANTISPAM,),
    summary="Get-ContentFilterConfig returns the content filter settings (Not_Applicable with an approved gateway)",
)

r"""EX13-MB-000300: Exchange services must be documented and unnecessary services must be removed or disabled

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated" (the evidence is read on the Windows host: add ``--host-checks``).

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207326     SV-207326r615936_rule   V-70073, SV-84695
V2R3 (current)         V-207326     SV-207326r961470_rule   V-70073, SV-84695
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Note: Required services will vary between organizations and will vary depending on the role of the individual system. Organizations will develop their own list of services, which will be documented and justified with the ISSO. The site’s list will be provided for any security review. Services that are common to multiple systems can be addressed in one document. Exceptions for individual systems should be identified separately by system.

    Open a Windows PowerShell and enter the following command:

    Get-Service | Where-Object {$_.status -eq 'running'}

    Note: The command returns a list of installed services and the status of that service.

    If the services required are not documented in the EDSP or undocumented or unnecessary services are running, this is a finding.

    If any undocumented or unnecessary services are running, this is a finding.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Update the EDSP with the services required for the system to function.

    Remove or disable any services that are not required.

What cklauto gathers (``decide``): the host's services (``Get-Service``, the STIG's command without its script
block), and, as the STIG's ``Where-Object {$_.status -eq 'running'}`` does, the running ones in the table.  Whether
each is documented and justified in the EDSP, and whether any is unnecessary, is the reviewer's judgement.
Services that do not run but would start with Windows are pointed at too.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._evidence import evidence_check, table, text_of
from cklauto.checks._host import SERVICE_PROPERTIES, SERVICES
from cklauto.checks.api import Answers, Decision, Read, RuleIds, Settings, Table, Verdict

STIG_COMMAND = "Get-Service | Where-Object {$_.status -eq 'running'}"


def running(answers: Answers) -> list:
    return [r for r in answers[SERVICES] if text_of(r, "Status").casefold() == "running"]


def decide(answers: Answers, settings: Settings) -> Decision:
    up = running(answers)
    idle_automatic = sorted(
        (r for r in answers[SERVICES] if r not in up and text_of(r, "StartType").casefold() == "automatic"),
        key=lambda r: text_of(r, "Name").casefold(),
    )
    lines = [
        Verdict(text_of(r, "Name"), None, f"{text_of(r, 'DisplayName')}: not running, but starts with Windows")
        for r in idle_automatic
    ]
    summary = (
        f"{len(up)} of {len(answers[SERVICES])} services are running; each must be documented in the EDSP, and "
        "undocumented or unnecessary ones are a finding: a person compares them."
    )
    return Decision.evidence(summary, lines, ("The table lists the running services, as the STIG's command does.",))


def tabulate(answers: Answers) -> list[Table]:
    return [table(running(answers), SERVICE_PROPERTIES)]


CHECK = evidence_check(
    ids=RuleIds(
        stig_id="EX13-MB-000300",
        group_id="V-207326",
        rule_ids=(
            "SV-207326r615936_rule",
            "SV-207326r961470_rule",
        ),
        legacy_ids=("V-70073", "SV-84695"),
    ),
    title="Exchange services must be documented and unnecessary services must be removed or disabled.",
    severity="medium",
    reads=(Read(SERVICES, SERVICE_PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="evidence only: the host's running services (--collect-evidence --host-checks)",
)

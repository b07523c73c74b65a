r"""EX13-MB-000295: Exchange software must be monitored for unauthorized changes

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated" (the evidence is read on the Windows host: add ``--host-checks``).

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207325     SV-207325r615936_rule   V-70071, SV-84693
V2R3 (current)         V-207325     SV-207325r961464_rule   V-70071, SV-84693
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine whether the site monitors system files (e.g., *.exe, *.bat, *.com, *.cmd, and *.dll) on servers for unauthorized changes against a baseline on a weekly basis.

    If software files are not monitored for unauthorized changes, this is a finding.

    Note: A properly configured HBSS Policy Auditor File Integrity Monitor (FIM) module will meet the requirement for file integrity checking. The Asset module within HBSS does not meet this requirement.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Update the EDSP.

    Monitor the software files (e.g., *.exe, *.bat, *.com, *.cmd, and *.dll) on Exchange servers for unauthorized changes against a baseline on a weekly basis.

    Note: This can be done with the use of various monitoring tools.

What cklauto gathers (``decide``): the host's services (``Get-Service``), pointing at those of integrity monitoring and
endpoint security agents (the STIG's note: a properly configured HBSS Policy Auditor File Integrity Monitor meets the
requirement; HBSS's Asset module does not).  Whether the site monitors the software files weekly against a baseline
is in the EDSP and the agent's policy: the reviewer's to see.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._evidence import SECURITY_VENDORS, evidence_check, table, text_of
from cklauto.checks._host import SERVICE_PROPERTIES, SERVICES
from cklauto.checks.api import Answers, Decision, Read, RuleIds, Settings, Table, Verdict


def agents(answers: Answers) -> list:
    return [
        r for r in answers[SERVICES] if SECURITY_VENDORS.search(text_of(r, "Name") + " " + text_of(r, "DisplayName"))
    ]


def decide(answers: Answers, settings: Settings) -> Decision:
    found = sorted(agents(answers), key=lambda r: text_of(r, "Name").casefold())
    lines = [
        Verdict(
            text_of(r, "DisplayName") or text_of(r, "Name"),
            None,
            f"service {text_of(r, 'Name')}, {text_of(r, 'Status')}, {text_of(r, 'StartType')}: a monitoring agent?",
        )
        for r in found
    ]
    summary = (
        f"{len(found)} service(s) of integrity monitoring or endpoint security vendors; whether the software files "
        "are monitored weekly for unauthorized changes is for a person (EDSP, the agent's policy)."
    )
    notes = (
        "The STIG's note: a properly configured HBSS Policy Auditor File Integrity Monitor (FIM) module meets the "
        "requirement; the Asset module within HBSS does not.",
    )
    return Decision.evidence(summary, lines, notes)


def tabulate(answers: Answers) -> list[Table]:
    return [table(agents(answers), SERVICE_PROPERTIES)]


CHECK = evidence_check(
    ids=RuleIds(
        stig_id="EX13-MB-000295",
        group_id="V-207325",
        rule_ids=(
            "SV-207325r615936_rule",
            "SV-207325r961464_rule",
        ),
        legacy_ids=("V-70071", "SV-84693"),
    ),
    title="Exchange software must be monitored for unauthorized changes.",
    severity="medium",
    reads=(Read(SERVICES, SERVICE_PROPERTIES),),
    stig_command="(none: review the EDSP's file monitoring)",
    decide=decide,
    tabulate=tabulate,
    summary="evidence only: the host's monitoring agents' services (--collect-evidence --host-checks)",
)

r"""EX13-MB-000060: Exchange must protect audit data against unauthorized read access

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated" (the evidence is read on the Windows host: add ``--host-checks``).

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1                   V-207278     SV-207278r615936_rule   V-69963, SV-84585
V2R2                   V-207278     SV-207278r811167_rule   V-69963, SV-84585
V2R3 (current)         V-207278     SV-207278r960930_rule   V-69963, SV-84585
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the authorized groups or users that should have read access to the audit data.

    If any group or user has read access to the audit data that is not documented in the EDSP, this is a finding.

V2R1 fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Restrict any unauthorized groups' or users' read access to the audit logs.

V2R2 and V2R3 fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Restrict any unauthorized groups' or users' read access to the audit logs.

    By default, the logs are located on the application partition in \Program Files\Microsoft\Exchange Server\V15\Logging

What cklauto gathers (:mod:`cklauto.checks._folder_access`): ``Get-Acl -Path '<Exchange>\Logging'`` on the Windows
host (the folder the STIG names), its owner, SDDL and every access rule, and it points at each principal whose rights
include read access (Read, ReadAndExecute, ListDirectory, Modify, FullControl, or GENERIC_READ/GENERIC_ALL of an inherit-only rule).  Whether each is documented in the EDSP is
the reviewer's to say.  "Audit data" is ambiguous in Exchange 2013: the administrator audit log itself is kept in a
mailbox, not in this folder; the STIG's fix names this folder, so this is the folder shown.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._folder_access import folder_access_check
from cklauto.checks._host import DEFAULT_LOGGING
from cklauto.checks.api import RuleIds

QUESTION = (
    "The STIG's question: does any group or user have read access to the audit data that the EDSP does not document?"
)

CHECK = folder_access_check(
    ids=RuleIds(
        stig_id="EX13-MB-000060",
        group_id="V-207278",
        rule_ids=(
            "SV-207278r615936_rule",
            "SV-207278r811167_rule",
            "SV-207278r960930_rule",
        ),
        legacy_ids=("V-69963", "SV-84585"),
    ),
    title="Exchange must protect audit data against unauthorized read access.",
    folder=DEFAULT_LOGGING,
    access="read",
    question=QUESTION,
    stig_command="(none: review the EDSP and the audit data's permissions)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

r"""EX13-MB-000070: Exchange must protect audit data against unauthorized access

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated" (the evidence is read on the Windows host: add ``--host-checks``).

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1                   V-207280     SV-207280r615936_rule   V-69967, SV-84589
V2R2                   V-207280     SV-207280r811169_rule   V-69967, SV-84589
V2R3 (current)         V-207280     SV-207280r960933_rule   V-69967, SV-84589
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the authorized groups or users that should have access to the audit data.

    If any group or user has modify privileges for the audit data that is not documented in the EDSP, this is a finding.

V2R1 fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Restrict any unauthorized groups' or users' modify permissions for the audit logs.

V2R2 and V2R3 fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Restrict any unauthorized groups' or users' modify permissions for the audit logs.

    By default, the logs are located on the application partition in \Program Files\Microsoft\Exchange Server\V15\Logging

What cklauto gathers (:mod:`cklauto.checks._folder_access`): ``Get-Acl -Path '<Exchange>\Logging'`` on the Windows
host (the folder the STIG names), its owner, SDDL and every access rule, and it points at each principal whose rights
include modify access (Write, WriteData, AppendData, CreateFiles, ChangePermissions, TakeOwnership, Modify, FullControl, or GENERIC_WRITE/GENERIC_ALL).  Whether each is documented in the EDSP is
the reviewer's to say.  "Audit data" is ambiguous in Exchange 2013: the administrator audit log itself is kept in a
mailbox, not in this folder; the STIG's fix names this folder, so this is the folder shown.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._folder_access import folder_access_check
from cklauto.checks._host import DEFAULT_LOGGING
from cklauto.checks.api import RuleIds

QUESTION = (
    "The STIG's question: does any group or user have modify privileges for the audit data"
    " that the EDSP does not document?"
)

CHECK = folder_access_check(
    ids=RuleIds(
        stig_id="EX13-MB-000070",
        group_id="V-207280",
        rule_ids=(
            "SV-207280r615936_rule",
            "SV-207280r811169_rule",
            "SV-207280r960933_rule",
        ),
        legacy_ids=("V-69967", "SV-84589"),
    ),
    title="Exchange must protect audit data against unauthorized access.",
    folder=DEFAULT_LOGGING,
    access="modify",
    question=QUESTION,
    stig_command="(none: review the EDSP and the audit data's permissions)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

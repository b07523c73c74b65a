r"""EX13-MB-000285: The Exchange application directory must be protected from unauthorized access

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated" (the evidence is read on the Windows host: add ``--host-checks``).

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207323     SV-207323r615936_rule   V-70067, SV-84689
V2R3 (current)         V-207323     SV-207323r961455_rule   V-70067, SV-84689
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the authorized groups and users that have access to the Exchange application directories.

    Verify the access permissions on the directory match the access permissions listed in the EDSP.

    If any group or user has different access permissions, this is a finding.

    Note: The default installation directory is \Program Files\Microsoft\Exchange Server\V15.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Update the EDSP.

    Navigate to the Exchange application directory and remove or modify the group or user access permissions.

    Note: The default installation directory is \Program Files\Microsoft\Exchange Server\V15.

What cklauto gathers (:mod:`cklauto.checks._folder_access`): ``Get-Acl -Path 'C:\Program Files\Microsoft\Exchange
Server\V15'`` on the Windows host (the STIG's default installation directory), its owner, SDDL and every access rule:
the STIG asks that they match the EDSP's list exactly, so every rule is shown for the reviewer to compare.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._folder_access import folder_access_check
from cklauto.checks._host import DEFAULT_INSTALL
from cklauto.checks.api import RuleIds

QUESTION = (
    "The STIG's question: do the access permissions on the Exchange application directory match those the EDSP lists "
    "(any group or user with different access is a finding)?"
)

CHECK = folder_access_check(
    ids=RuleIds(
        stig_id="EX13-MB-000285",
        group_id="V-207323",
        rule_ids=(
            "SV-207323r615936_rule",
            "SV-207323r961455_rule",
        ),
        legacy_ids=("V-70067", "SV-84689"),
    ),
    title="The Exchange application directory must be protected from unauthorized access.",
    folder=DEFAULT_INSTALL,
    access=None,
    question=QUESTION,
    stig_command="(none: review the EDSP and the application directory's permissions)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

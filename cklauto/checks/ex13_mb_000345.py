"""EX13-MB-000345: Exchange Public Folder Stores must mount at startup

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207334) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207334r615936_rule in V2R1/V2R2, SV-207334r961863_rule in V2R3); V1 checklists call it V-70057 / SV-84679.

Check text (DISA XCCDF, verbatim)::

    If public folders are not used, this check is not applicable.

    Open the Exchange Management Shell and enter the following command:

    Get-PublicFolderDatabase | Select Name, Identity, MountAtStartup

    If the value of MountAtStartup is not set to True, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-PublicFolderDatabase -Identity <'IdentityName'> -MountAtStartup $true

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (``decide``):

* Which databases, and what no database means, as for EX13-MB-000125 (``cklauto.checks._databases``): all of
  the organisation's public folder databases; none at all is Not_Applicable when ``public_folders_used = false``
  says public folders are not used (the STIG's condition), and otherwise Not_Reviewed with the reason.
* Each database must have MountAtStartup True (Exchange's default); a database an administrator left unmounted at
  startup is Open.  ``$null`` or an unreadable value raises.
* The rule has no twin in the Exchange 2016/2019 STIGs.
"""

from __future__ import annotations

from cklauto.checks._databases import boolean_public_folder_check
from cklauto.checks.api import RuleIds

STIG_COMMAND = "Get-PublicFolderDatabase | Select Name, Identity, MountAtStartup"

CHECK = boolean_public_folder_check(
    ids=RuleIds(
        stig_id="EX13-MB-000345",
        group_id="V-207334",
        rule_ids=("SV-207334r615936_rule", "SV-207334r961863_rule"),
        legacy_ids=("V-70057", "SV-84679"),
    ),
    title="Exchange Public Folder Stores must mount at startup.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop="MountAtStartup",
    expected=True,
    summary="every public folder database has MountAtStartup True (N/A without public folders)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

"""EX13-MB-000125: Exchange Public Folder stores must be retained until backups are complete

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium.  The
STIG ID, Vuln ID (V-207291) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207291r615936_rule in V2R1/V2R2, SV-207291r961128_rule in V2R3); V1 checklists call it V-69989 / SV-84611.

Check text (DISA XCCDF, verbatim)::

    If public folders are not used, this check is not applicable.

    Open the Exchange Management Shell and enter the following command:

    Get-PublicFolderDatabase | Select Name, Identity, RetainDeletedItemsUntilBackup

    If the value of RetainDeletedItemsUntilBackup is not set to True, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-PublicFolderDatabase -Identity <'IdentityName'> -RetainDeletedItemsUntilBackup $true

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (``decide``):

* Public folder databases belong to the organisation: ``Get-PublicFolderDatabase`` lists them all, and each is
  judged whatever server holds it.  The cmdlet serves Exchange 2010 (legacy) public folders only: Exchange 2013
  keeps public folders in public folder mailboxes, so an Exchange 2013-only organisation returns nothing.
* The STIG says "If public folders are not used, this check is not applicable."  No public folder database does
  not prove that (modern public folders live in mailboxes), so an empty answer is Not_Applicable only when the
  site also says so (site setting ``public_folders_used = false``), and Not_Reviewed otherwise, with the reason.
  When databases exist they are judged, whatever that setting says (``cklauto.checks._databases``).
* Each database must have RetainDeletedItemsUntilBackup True (Exchange's default is False).  A ``$null`` or
  unreadable value raises, so the rule keeps its previous review.
* No Exchange 2016/2019 STIG keeps the public folder database rules, and Evaluate-STIG has no function for them.
"""

from __future__ import annotations

from cklauto.checks._databases import boolean_public_folder_check
from cklauto.checks.api import RuleIds

STIG_COMMAND = "Get-PublicFolderDatabase | Select Name, Identity, RetainDeletedItemsUntilBackup"

CHECK = boolean_public_folder_check(
    ids=RuleIds(
        stig_id="EX13-MB-000125",
        group_id="V-207291",
        rule_ids=("SV-207291r615936_rule", "SV-207291r961128_rule"),
        legacy_ids=("V-69989", "SV-84611"),
    ),
    title="Exchange Public Folder stores must be retained until backups are complete.",
    severity="medium",
    stig_command=STIG_COMMAND,
    prop="RetainDeletedItemsUntilBackup",
    expected=True,
    summary="every public folder database has RetainDeletedItemsUntilBackup True (N/A without public folders)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

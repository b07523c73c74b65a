"""EX13-MB-000130: The Exchange Public Folder database must not be overwritten by a restore

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207292) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207292r615936_rule in V2R1/V2R2, SV-207292r961128_rule in V2R3); V1 checklists call it V-69991 / SV-84613.

Check text (DISA XCCDF, verbatim)::

    If public folders are not used, this check is not applicable.

    Open the Exchange Management Shell and enter the following command:

    Get-PublicFolderDatabase| Select Name, Identity, AllowFileRestore

    If the value of AllowFileRestore is not set to False, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-PublicFolderDatabase  -Identity <'IdentityName'> -AllowFileRestore $false

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (``decide``):

* The organisation's public folder databases (``Get-PublicFolderDatabase``) are judged as for EX13-MB-000125:
  every one, whatever server holds it; an organisation without any is Not_Applicable only when the site says public
  folders are not used (``public_folders_used = false``, the STIG's own condition), else Not_Reviewed, because
  Exchange 2013 public folders live in mailboxes (``cklauto.checks._databases``).
* Each database must have AllowFileRestore False (also Exchange's default); ``$null`` or an unreadable value
  raises rather than being read as either.
* The rule has no twin in the Exchange 2016/2019 STIGs.
"""

from __future__ import annotations

from cklauto.checks._databases import boolean_public_folder_check
from cklauto.checks.api import RuleIds

STIG_COMMAND = "Get-PublicFolderDatabase| Select Name, Identity, AllowFileRestore"

CHECK = boolean_public_folder_check(
    ids=RuleIds(
        stig_id="EX13-MB-000130",
        group_id="V-207292",
        rule_ids=("SV-207292r615936_rule", "SV-207292r961128_rule"),
        legacy_ids=("V-69991", "SV-84613"),
    ),
    title="The Exchange Public Folder database must not be overwritten by a restore.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop="AllowFileRestore",
    expected=False,
    summary="every public folder database has AllowFileRestore False (N/A without public folders)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

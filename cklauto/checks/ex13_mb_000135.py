"""EX13-MB-000135: Exchange Mailboxes must be retained until backups are complete

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium.  The
STIG ID, Vuln ID (V-207293) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207293r615936_rule in V2R1/V2R2, SV-207293r961128_rule in V2R3); V1 checklists call it V-69993 / SV-84615.

Check text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Get-MailboxDatabase| Select Name, Identity, RetainDeletedItemsUntilBackup

    If the value of RetainDeletedItemsUntilBackup is not set to True, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-MailboxDatabase  -Identity <'IdentityName'> -RetainDeletedItemsUntilBackup $true

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (``decide``):

* Judged per server, like every mailbox database rule: ``Get-MailboxDatabase -Server <server>`` returns the
  databases with a copy on this server (in a DAG, every member holding a copy judges the same database); a
  database of another server in the answer is information only (see ``cklauto.checks._databases``).
* RetainDeletedItemsUntilBackup must be True on each of them.  Exchange's default is False, so a database left at
  its defaults is Open.  ``$null`` or a value other than True/False is refused (the rule keeps its previous
  review); an answer with no database of this server is Not_Reviewed, never a pass.
* Exchange 2016 (V-228376) and 2019 keep the same check.  Evaluate-STIG's Get-V228376 tests each database
  (``-eq $true``) as this check does.
"""

from __future__ import annotations

from cklauto.checks._databases import boolean_mailbox_check
from cklauto.checks.api import RuleIds

STIG_COMMAND = "Get-MailboxDatabase| Select Name, Identity, RetainDeletedItemsUntilBackup"

CHECK = boolean_mailbox_check(
    ids=RuleIds(
        stig_id="EX13-MB-000135",
        group_id="V-207293",
        rule_ids=("SV-207293r615936_rule", "SV-207293r961128_rule"),
        legacy_ids=("V-69993", "SV-84615"),
    ),
    title="Exchange Mailboxes must be retained until backups are complete.",
    severity="medium",
    stig_command=STIG_COMMAND,
    prop="RetainDeletedItemsUntilBackup",
    expected=True,
    summary="every mailbox database with a copy on the server has RetainDeletedItemsUntilBackup True",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

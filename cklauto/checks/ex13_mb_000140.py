"""EX13-MB-000140: The Exchange Mailbox database must not be overwritten by a restore

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207294) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207294r615936_rule in V2R1/V2R2, SV-207294r961128_rule in V2R3); V1 checklists call it V-69995 / SV-84617.

Check text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Get-MailboxDatabase| Select Name, Identity, AllowFileRestore

    If the value of AllowFileRestore is not set to False, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-MailboxDatabase  -Identity <'IdentityName'> -AllowFileRestore $false

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (``decide``):

* Judged per server over ``Get-MailboxDatabase -Server <server>``: the databases with a copy on this server,
  so in a database availability group each member that holds a copy reports the same database; a database with no
  copy here is shown as information and does not count (``cklauto.checks._databases``).
* AllowFileRestore must be False on every one of them (False is also Exchange's default).  A value that is
  ``$null`` or not True/False raises, so the rule keeps its previous review; no database of this server is
  Not_Reviewed.
* The rule has no twin in the Exchange 2016/2019 STIGs (Evaluate-STIG has no function for it); the 2013 text is
  unambiguous.
"""

from __future__ import annotations

from cklauto.checks._databases import boolean_mailbox_check
from cklauto.checks.api import RuleIds

STIG_COMMAND = "Get-MailboxDatabase| Select Name, Identity, AllowFileRestore"

CHECK = boolean_mailbox_check(
    ids=RuleIds(
        stig_id="EX13-MB-000140",
        group_id="V-207294",
        rule_ids=("SV-207294r615936_rule", "SV-207294r961128_rule"),
        legacy_ids=("V-69995", "SV-84617"),
    ),
    title="The Exchange Mailbox database must not be overwritten by a restore.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop="AllowFileRestore",
    expected=False,
    summary="every mailbox database with a copy on the server has AllowFileRestore False",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

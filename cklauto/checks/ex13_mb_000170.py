"""EX13-MB-000170: Exchange Mailbox Stores must mount at startup

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207300) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207300r615936_rule in V2R1/V2R2, SV-207300r961152_rule in V2R3); V1 checklists call it V-70007 / SV-84629.

Check text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Get-MailboxDatabase | Select Name, Identity, MountAtStartup

    If the value of MountAtStartup is not set to True, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-MailboxDatabase -Identity <'IdentityName'> -MountAtStartup $true

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (``decide``):

* The databases judged are those ``Get-MailboxDatabase -Server <server>`` returns with a copy on this server
  (DAG members each report the databases whose copies they hold); anything else in the answer is informational
  (``cklauto.checks._databases``).
* MountAtStartup (Exchange's default: True) must be True on each.  A ``$null`` or unreadable value is refused
  rather than guessed; an empty answer is Not_Reviewed: the STIG's command would show nothing to judge.
* Exchange 2016 (V-228381) and 2019 (V-259674) keep the same check; Evaluate-STIG's Get-V228381 tests each
  database as here.
"""

from __future__ import annotations

from cklauto.checks._databases import boolean_mailbox_check
from cklauto.checks.api import RuleIds

STIG_COMMAND = "Get-MailboxDatabase | Select Name, Identity, MountAtStartup"

CHECK = boolean_mailbox_check(
    ids=RuleIds(
        stig_id="EX13-MB-000170",
        group_id="V-207300",
        rule_ids=("SV-207300r615936_rule", "SV-207300r961152_rule"),
        legacy_ids=("V-70007", "SV-84629"),
    ),
    title="Exchange Mailbox Stores must mount at startup.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop="MountAtStartup",
    expected=True,
    summary="every mailbox database with a copy on the server has MountAtStartup True",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

"""EX13-MB-000160: Exchange Mail Quota settings must not restrict receiving mail

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207298) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207298r615936_rule in V2R1/V2R2, SV-207298r961152_rule in V2R3); V1 checklists call it V-70003 / SV-84625.

Check text (DISA XCCDF, verbatim)::

    Review the Email Domain Security Plan (EDSP).

    Determine the value for Prohibit Send Quota Limit.

    Open the Exchange Management Shell and enter the following command:

    Get-MailboxDatabase | Select Name, Identity, ProhibitSendQuota

    If the value of ProhibitSendQuota is not set to the site's Prohibit Send Quota Limit, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-MailboxDatabase  -Identity <'IdentityName'> -ProhibitSendQuota <'QuotaLimit'>

    Note: The <IdentityName> and <QuotaLimit> values must be in quotes.

How cklauto decides (``decide``):

* The site's Prohibit Send Quota comes from its EDSP: site setting ``prohibit_send_quota`` (a size such as
  ``"2 GB"``, or ``"Unlimited"`` if that is what the EDSP documents).  Without it the rule is left as it is.
* Per server, over ``Get-MailboxDatabase -Server <server>`` (the databases with a copy on this server; DAG members
  each judge the databases they hold, see ``cklauto.checks._databases``).
* Each database's ProhibitSendQuota is read as bytes (``values.size``: the count in parentheses, never the rounded
  figure before it) and must equal the site's value exactly; ``Unlimited`` equals only ``Unlimited``.  A
  different value is Open, with the fix filled in with the site's value; an unreadable or ``$null`` quota raises.
* The title repeats EX13-MB-000155's ("must not restrict receiving mail") although ProhibitSendQuota restricts
  sending; the check text decides, and the Exchange 2019 STIG (V-259676) retitles the same check "Exchange mail
  quota settings must not restrict sending mail".  Evaluate-STIG's Get-V228380 only lists the values
  (Not_Reviewed); here they are compared with the EDSP's.
"""

from __future__ import annotations

from cklauto.checks._databases import MAILBOX_DATABASE, Judge, mailbox_database_check, size_judge, size_text
from cklauto.checks._objects import required_size_setting
from cklauto.checks.api import RuleIds, Settings, SettingType, SiteSetting

PROPERTY = "ProhibitSendQuota"
STIG_COMMAND = "Get-MailboxDatabase | Select Name, Identity, ProhibitSendQuota"
QUOTA = SiteSetting(
    "prohibit_send_quota",
    SettingType.BYTES,
    'The Prohibit Send Quota limit from the site\'s EDSP (a size such as "2 GB", or "Unlimited"): every mailbox '
    "database's ProhibitSendQuota must be set to it.",
)


def _judge_for(site: Settings) -> tuple[Judge, str]:
    quota = required_size_setting(site, QUOTA.name)
    source = f", the site's Prohibit Send Quota ({QUOTA.name})"
    judge = size_judge(MAILBOX_DATABASE, "Set-MailboxDatabase", PROPERTY, quota, source=source)
    return judge, f"{PROPERTY} set to the site's Prohibit Send Quota, {size_text(quota)}"


CHECK = mailbox_database_check(
    ids=RuleIds(
        stig_id="EX13-MB-000160",
        group_id="V-207298",
        rule_ids=("SV-207298r615936_rule", "SV-207298r961152_rule"),
        legacy_ids=("V-70003", "SV-84625"),
    ),
    title="Exchange Mail Quota settings must not restrict receiving mail.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop=PROPERTY,
    judge_for=_judge_for,
    settings=(QUOTA,),
    summary="ProhibitSendQuota on the server's mailbox databases is the EDSP's Prohibit Send Quota",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

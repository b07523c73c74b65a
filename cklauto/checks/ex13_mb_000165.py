"""EX13-MB-000165: The Exchange Mail Store storage quota must issue a warning

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207299) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207299r615936_rule in V2R1/V2R2, SV-207299r961152_rule in V2R3); V1 checklists call it V-70005 / SV-84627.

Check text (DISA XCCDF, verbatim)::

    Review the Email Domain Security Plan (EDSP).

    Determine the value for Issue Warning Quota.

    Open the Exchange Management Shell and enter the following command:

    Get-MailboxDatabase | Select Name, Identity, IssueWarningQuota

    If the value of IssueWarningQuota is not set to the site's Issue Warning Quota, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-MailboxDatabase  -Identity  <'IdentityName'> -IssueWarningQuota <'WarningQuota'>

    Note: The <IdentityName> and <WarningQuota> values must be in quotes.

How cklauto decides (``decide``):

* The site's Issue Warning Quota comes from its EDSP: site setting ``issue_warning_quota`` (a size such as
  ``"1945 MB"``).  ``Unlimited`` is refused there: a database whose warning quota is unlimited never issues a
  warning, which is what the title forbids, so no EDSP value can make it compliant.
* Per server, over ``Get-MailboxDatabase -Server <server>`` (databases with a copy on this server; see
  ``cklauto.checks._databases`` for DAGs and for databases of other servers in the answer).
* Each database's IssueWarningQuota, read as bytes (``values.size``), must equal the site's value exactly.
  ``Unlimited`` is a finding ("never issues a warning"); an unreadable or ``$null`` quota raises, so the rule keeps
  its previous review; no database of this server is Not_Reviewed.
* There is no twin in the Exchange 2016/2019 STIGs, and Evaluate-STIG has no function for it.
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks._databases import MAILBOX_DATABASE, Judge, mailbox_database_check, size_judge, size_text
from cklauto.checks._objects import required_size_setting
from cklauto.checks.api import RuleIds, Settings, SettingType, SiteSetting

PROPERTY = "IssueWarningQuota"
STIG_COMMAND = "Get-MailboxDatabase | Select Name, Identity, IssueWarningQuota"
QUOTA = SiteSetting(
    "issue_warning_quota",
    SettingType.BYTES,
    'The Issue Warning Quota from the site\'s EDSP (a size such as "1945 MB"; not Unlimited, which never warns): '
    "every mailbox database's IssueWarningQuota must be set to it.",
)


def _judge_for(site: Settings) -> tuple[Judge, str]:
    quota = required_size_setting(site, QUOTA.name)
    if quota is values.UNLIMITED:
        raise ValueError(
            f"site setting {QUOTA.name} is Unlimited, which never issues a warning; give the EDSP's Issue Warning "
            "Quota as a size"
        )
    judge = size_judge(
        MAILBOX_DATABASE,
        "Set-MailboxDatabase",
        PROPERTY,
        quota,
        source=f", the site's Issue Warning Quota ({QUOTA.name})",
        when_unlimited="no warning is ever issued",
    )
    return judge, f"{PROPERTY} set to the site's Issue Warning Quota, {size_text(quota)}"


CHECK = mailbox_database_check(
    ids=RuleIds(
        stig_id="EX13-MB-000165",
        group_id="V-207299",
        rule_ids=("SV-207299r615936_rule", "SV-207299r961152_rule"),
        legacy_ids=("V-70005", "SV-84627"),
    ),
    title="The Exchange Mail Store storage quota must issue a warning.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop=PROPERTY,
    judge_for=_judge_for,
    settings=(QUOTA,),
    summary="IssueWarningQuota on the server's mailbox databases is the EDSP's Issue Warning Quota",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

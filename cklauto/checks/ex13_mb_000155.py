"""EX13-MB-000155: Exchange Mail quota settings must not restrict receiving mail

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207297) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207297r615936_rule in V2R1/V2R2, SV-207297r961152_rule in V2R3); V1 checklists call it V-70001 / SV-84623.

Check text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Get-MailboxDatabase | Select Name, Identity, ProhibitSendReceiveQuota

    If the value of ProhibitSendReceiveQuota is not set to Unlimited, this is a finding.

    or

    If the value of ProhibitSendReceiveQuote is set to an alternate value and has signoff and risk acceptance in the EDSP, this is not a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-MailboxDatabase -Identity <'IdentityName'> -ProhibitSendReceiveQuota Unlimited

    Note: The <IdentityName> value must be in quotes.

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

How cklauto decides (``decide``):

* Per server, over ``Get-MailboxDatabase -Server <server>``: the databases with a copy on this server (DAG members
  each judge the databases they hold a copy of; ``cklauto.checks._databases``).
* ProhibitSendReceiveQuota is an ``Unlimited<ByteQuantifiedSize>``; over remote PowerShell it arrives as the text
  ``Unlimited`` or ``2.3 GB (2,469,396,480 bytes)``.  It is read as a quantity (``values.size``): ``Unlimited``
  complies; any size is a finding unless it equals, byte for byte, the alternate value the site's EDSP accepts with
  signoff and risk acceptance (site setting ``accepted_prohibit_send_receive_quota``), and the verdict then says
  the EDSP accepted it.  The STIG's exception clause names "ProhibitSendReceiveQuote", a typo for this property.
* Exchange's default is 2355 MB, so a database left at its defaults is Open.  Evaluate-STIG (Get-V228379) tests
  ``.IsUnlimited``, a member of the live object that a remote session never receives, and leaves a limited quota
  Not_Reviewed; here the text is read and decided.
* An unreadable or ``$null`` quota raises (the rule keeps its previous review); no database of this server is
  Not_Reviewed.  The Exchange 2019 STIG (V-259675) keeps the same check and exception.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks._databases import MAILBOX_DATABASE, Judge, mailbox_database_check, size_judge, size_text
from cklauto.checks._objects import size_setting
from cklauto.checks.api import RuleIds, Settings, SettingType, SiteSetting

PROPERTY = "ProhibitSendReceiveQuota"
STIG_COMMAND = "Get-MailboxDatabase | Select Name, Identity, ProhibitSendReceiveQuota"
ACCEPTED = SiteSetting(
    "accepted_prohibit_send_receive_quota",
    SettingType.BYTES,
    "A ProhibitSendReceiveQuota other than Unlimited that the EDSP accepts with signoff and risk acceptance (a size "
    'such as "50 GB"); databases set to exactly this value are not a finding.',
    required=False,
)


def _judge_for(site: Settings) -> tuple[Judge, str]:
    accepted = size_setting(site, ACCEPTED.name)
    judge = size_judge(
        MAILBOX_DATABASE,
        "Set-MailboxDatabase",
        PROPERTY,
        values.UNLIMITED,
        accepted=accepted,
        accepted_source=f"the alternate value the EDSP accepts with signoff and risk acceptance ({ACCEPTED.name})",
    )
    requirement = f"{PROPERTY} set to Unlimited"
    if accepted is not None and accepted is not values.UNLIMITED:
        requirement += f" or to the EDSP-accepted {size_text(accepted)}"
    return judge, requirement


CHECK = mailbox_database_check(
    ids=RuleIds(
        stig_id="EX13-MB-000155",
        group_id="V-207297",
        rule_ids=("SV-207297r615936_rule", "SV-207297r961152_rule"),
        legacy_ids=("V-70001", "SV-84623"),
    ),
    title="Exchange Mail quota settings must not restrict receiving mail.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop=PROPERTY,
    judge_for=_judge_for,
    settings=(ACCEPTED,),
    summary="ProhibitSendReceiveQuota is Unlimited (or the EDSP-accepted value) on the server's mailbox databases",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

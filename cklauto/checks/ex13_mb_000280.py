"""EX13-MB-000280: The Exchange Public Store storage quota must be limited

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207322) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207322r615936_rule in V2R1/V2R2, SV-207322r961422_rule in V2R3); V1 checklists call it V-70051 / SV-84673.

Check text (DISA XCCDF, verbatim)::

    If public folders are not used, this check is not applicable.

    Review the Email Domain Security Plan (EDSP).

    Determine the value for ProhibitPostQuota.

    Open the Exchange Management Shell and enter the following command:

    Get-PublicFolderDatabase | Select Name, Identity, ProhibitPostQuota

    If the value of ProhibitPostQuota is not set to the ProhibitPostQuota values documented in the EDSP, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-PublicFolderDatabase -Identity <'IdentityName'> -ProhibitPostQuota <'QuotaLimit'>

    Note: The <IdentityName> and <QuotaLimit> values must be in quotes.

How cklauto decides (``decide``):

* The databases, and what none at all means, as for EX13-MB-000125 (``cklauto.checks._databases``): every public
  folder database of the organisation; none is Not_Applicable only with ``public_folders_used = false`` (the
  STIG's "if public folders are not used"), otherwise Not_Reviewed.
* The ProhibitPostQuota the EDSP documents is site setting ``prohibit_post_quota``.  It is needed only when there
  are databases to judge, so it is declared optional: an organisation without public folders is decided without
  it, and one with databases but no setting is Not_Reviewed with a line naming the setting.  ``Unlimited`` is
  refused as a setting, because the title requires the quota to be limited.
* Each database's ProhibitPostQuota, read as bytes (``values.size``), must equal the EDSP's value exactly;
  ``Unlimited`` is a finding ("does not limit the public store"); ``$null`` or an unreadable value raises.  The
  check says "values" but the EDSP documents one ProhibitPostQuota, so one size is compared.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks._databases import (
    PUBLIC_FOLDER_DATABASE,
    Judge,
    public_folder_database_check,
    size_judge,
    size_text,
)
from cklauto.checks._objects import required_size_setting
from cklauto.checks.api import RuleIds, Settings, SettingType, SiteSetting

PROPERTY = "ProhibitPostQuota"
STIG_COMMAND = "Get-PublicFolderDatabase | Select Name, Identity, ProhibitPostQuota"
QUOTA = SiteSetting(
    "prohibit_post_quota",
    SettingType.BYTES,
    'The ProhibitPostQuota documented in the site\'s EDSP (a size such as "2 GB"; not Unlimited): every public '
    "folder database's ProhibitPostQuota must be set to it.  Needed only when the organisation has public folder "
    "databases.",
    required=False,
)


def _judge_for(site: Settings) -> tuple[Judge, str]:
    quota = required_size_setting(site, QUOTA.name)
    if quota is values.UNLIMITED:
        raise ValueError(f"site setting {QUOTA.name} is Unlimited, but the rule requires the quota to be limited")
    judge = size_judge(
        PUBLIC_FOLDER_DATABASE,
        "Set-PublicFolderDatabase",
        PROPERTY,
        quota,
        source=f", the ProhibitPostQuota documented in the EDSP ({QUOTA.name})",
        when_unlimited="does not limit the public store",
    )
    return judge, f"{PROPERTY} set to the EDSP's value, {size_text(quota)}"


CHECK = public_folder_database_check(
    ids=RuleIds(
        stig_id="EX13-MB-000280",
        group_id="V-207322",
        rule_ids=("SV-207322r615936_rule", "SV-207322r961422_rule"),
        legacy_ids=("V-70051", "SV-84673"),
    ),
    title="The Exchange Public Store storage quota must be limited.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop=PROPERTY,
    judge_for=_judge_for,
    needs=QUOTA,
    summary="every public folder database's ProhibitPostQuota is the EDSP's value (N/A without public folders)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

"""EX13-MB-000270: The Exchange Global Recipient Count Limit must be set

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207320) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207320r615936_rule in V2R1/V2R2, SV-207320r961161_rule in V2R3); V1 checklists call it V-70047 / SV-84669.

Check text (DISA XCCDF, verbatim)::

    Review the Email Domain Security Plan (EDSP).

    Determine the global maximum message recipient count.

    Open the Exchange Management Shell and enter the following command:

    Get-TransportConfig | Select Name, Identity, MaxRecipientEnvelopeLimit

    If the value of MaxRecipientEnvelopeLimit is not set to 5000, this is a finding.

    or

    If the value of MaxRecipientEnvelopeLimit value is set to an alternate value and has signoff and risk acceptance in the EDSP, this is not a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Set-TransportConfig -MaxRecipientEnvelopeLimit 5000

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

    Restart the Microsoft Exchange Information Store service.

How cklauto decides (``decide``):

* MaxRecipientEnvelopeLimit is an ``Unlimited<int>`` of the organisation's transport configuration
  (``Get-TransportConfig``; one answer copied to every server's checklist, see
  ``cklauto.checks._transport_config``).  Over remote PowerShell it is the text ``5000`` or ``Unlimited``,
  never an integer; it is read with ``values.unlimited_integer``.
* 5000 complies.  ``Unlimited`` is a finding (Evaluate-STIG's Get-V228398 tests ``.IsUnlimited`` and
  ``.Value``, which a remote session never has, and leaves the rule Not_Reviewed).  Any other number is Open
  unless it is the alternate the EDSP accepts with signoff and risk acceptance (optional site setting
  ``accepted_recipient_limit``); Exchange 2013's own default, 500, is therefore Open without it.
* The Exchange 2019 STIG (V-259693) keeps the check; its discussion calls "less than or equal to 5000" reasonable
  and "unlimited" abusable, which does not change the check text: a smaller limit, too, needs the EDSP's
  acceptance.  The fix's "Restart the Microsoft Exchange Information Store service" is not part of the check.
* An empty answer is Not_Reviewed; an unreadable value raises, so the rule keeps its previous review.
"""  # noqa: E501

from __future__ import annotations

from typing import Any

from cklauto.checks import values
from cklauto.checks._transport_config import fixed_value_check, show_raw
from cklauto.checks.api import RuleIds, Settings, SettingType, SiteSetting

STIG_COMMAND = "Get-TransportConfig | Select Name, Identity, MaxRecipientEnvelopeLimit"
LIMIT = 5000
ACCEPTED = SiteSetting(
    "accepted_recipient_limit",
    SettingType.INTEGER,
    "A MaxRecipientEnvelopeLimit other than 5000 that the EDSP accepts with signoff and risk acceptance; the "
    "organisation's limit set to exactly this number is not a finding.",
    required=False,
)


def _accepted(site: Settings) -> Any:
    value = site.get(ACCEPTED.name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"site setting {ACCEPTED.name} must be a whole number, not {value!r}")
    return value


CHECK = fixed_value_check(
    ids=RuleIds(
        stig_id="EX13-MB-000270",
        group_id="V-207320",
        rule_ids=("SV-207320r615936_rule", "SV-207320r961161_rule"),
        legacy_ids=("V-70047", "SV-84669"),
    ),
    title="The Exchange Global Recipient Count Limit must be set.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop="MaxRecipientEnvelopeLimit",
    reader=values.unlimited_integer,
    show=show_raw,
    expected=LIMIT,
    expected_text=str(LIMIT),
    fix=f"Set-TransportConfig -MaxRecipientEnvelopeLimit {LIMIT}",
    accepted=ACCEPTED,
    accepted_value=_accepted,
    accepted_text=str,
    summary="the organisation's MaxRecipientEnvelopeLimit is 5000 (or the EDSP-accepted number)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

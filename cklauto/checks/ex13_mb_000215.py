"""EX13-MB-000215: The Exchange global inbound message size must be controlled

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207309) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207309r615936_rule in V2R1/V2R2, SV-207309r961155_rule in V2R3); V1 checklists call it V-70025 / SV-84647.

Check text (DISA XCCDF, verbatim)::

    Review the Email Domain Security Plan (EDSP).

    Determine the global maximum message receive size.

    Open the Exchange Management Shell and enter the following command:

    Get-TransportConfig | Select Name, Identity, MaxReceiveSize

    If the value of MaxReceiveSize is not set to 10MB, this is a finding.

    or

    If the value of MaxReceiveSize is set to an alternate value and has signoff and risk acceptance in the EDSP, this is not a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-TransportConfig -MaxReceiveSize 10MB

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

How cklauto decides (``decide``):

* MaxReceiveSize belongs to the organisation's transport configuration (``Get-TransportConfig``), so every server's
  checklist gets the same answer and the details say so (``cklauto.checks._transport_config``).
* "10MB" means 10,485,760 bytes (Exchange's units are binary).  The value is read as a quantity
  (``values.size``), never compared as display text: ``10 MB (10,485,760 bytes)`` complies, while
  ``10 MB (10,486,272 bytes)`` (which Exchange also prints as "10 MB") and ``Unlimited`` do not.
  Evaluate-STIG's Get-V228387 compares ``.Value`` with the display string and reads ``.IsUnlimited``, members a
  remote session never receives, and leaves a mismatch Not_Reviewed.
* Another value is Open unless it equals, byte for byte, the alternate the EDSP accepts with signoff and risk
  acceptance (optional site setting ``accepted_max_receive_size``); the verdict then says the EDSP accepted it.
* The Exchange 2019 STIG (V-259682) keeps the check and adds that the global receive size "should not be set to
  unlimited" and "should be set to 10 MB at most but often [is] smaller": a smaller value still needs the EDSP's
  acceptance here, because the check text asks for 10MB.  An empty answer is Not_Reviewed (every organisation
  has a transport configuration); an unreadable value raises, so the rule keeps its previous review.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._transport_config import ten_mb_check
from cklauto.checks.api import RuleIds, SettingType, SiteSetting

STIG_COMMAND = "Get-TransportConfig | Select Name, Identity, MaxReceiveSize"
ACCEPTED = SiteSetting(
    "accepted_max_receive_size",
    SettingType.BYTES,
    "A global MaxReceiveSize other than 10 MB that the EDSP accepts with signoff and risk acceptance (a size such as "
    '"25 MB"); the organisation\'s MaxReceiveSize set to exactly this value is not a finding.',
    required=False,
)

CHECK = ten_mb_check(
    ids=RuleIds(
        stig_id="EX13-MB-000215",
        group_id="V-207309",
        rule_ids=("SV-207309r615936_rule", "SV-207309r961155_rule"),
        legacy_ids=("V-70025", "SV-84647"),
    ),
    title="The Exchange global inbound message size must be controlled.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop="MaxReceiveSize",
    accepted=ACCEPTED,
    summary="the organisation's MaxReceiveSize is 10 MB (or the EDSP-accepted value)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

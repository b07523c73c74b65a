"""EX13-MB-000220: The Exchange global outbound message size must be controlled

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207310) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207310r615936_rule in V2R1/V2R2, SV-207310r961155_rule in V2R3); V1 checklists call it V-70027 / SV-84649.

Check text (DISA XCCDF, verbatim)::

    Review the Email Domain Security Plan (EDSP).

    Determine the global maximum message send size.

    Open the Exchange Management Shell and enter the following command:

    Get-TransportConfig | Select  Name, Identity, MaxSendSize

    If the value of MaxSendSize is not set to 10MB, this is a finding.

    or

    If the value of MaxSendSize is set to an alternate value and has signoff and risk acceptance in the EDSP, this is not a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-TransportConfig  -MaxSendSize 10MB

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

How cklauto decides (``decide``):

* As EX13-MB-000215 decides MaxReceiveSize, for MaxSendSize (``cklauto.checks._transport_config``): one answer
  for the organisation, copied to every server's checklist; 10MB is 10,485,760 bytes, compared as a quantity and
  never as display text, so ``Unlimited`` and a size Exchange merely prints as "10 MB" are findings.
* Evaluate-STIG's Get-V228388 reads ``.IsUnlimited`` and ``.Value``, which a remote session never has, and leaves a
  mismatch Not_Reviewed; here any other value is Open unless it is, byte for byte, the alternate the EDSP accepts
  with signoff and risk acceptance (optional site setting ``accepted_max_send_size``).
* The Exchange 2019 STIG (V-259683) keeps the check; its discussion ("10 MB at most but often smaller") does not
  change the check text, so a smaller value too needs the EDSP's acceptance.  An empty answer is Not_Reviewed; an
  unreadable value raises.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._transport_config import ten_mb_check
from cklauto.checks.api import RuleIds, SettingType, SiteSetting

STIG_COMMAND = "Get-TransportConfig | Select  Name, Identity, MaxSendSize"
ACCEPTED = SiteSetting(
    "accepted_max_send_size",
    SettingType.BYTES,
    "A global MaxSendSize other than 10 MB that the EDSP accepts with signoff and risk acceptance (a size such as "
    '"25 MB"); the organisation\'s MaxSendSize set to exactly this value is not a finding.',
    required=False,
)

CHECK = ten_mb_check(
    ids=RuleIds(
        stig_id="EX13-MB-000220",
        group_id="V-207310",
        rule_ids=("SV-207310r615936_rule", "SV-207310r961155_rule"),
        legacy_ids=("V-70027", "SV-84649"),
    ),
    title="The Exchange global outbound message size must be controlled.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop="MaxSendSize",
    accepted=ACCEPTED,
    summary="the organisation's MaxSendSize is 10 MB (or the EDSP-accepted value)",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

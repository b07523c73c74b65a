"""EX13-MB-000090: The Exchange IMAP4 service must be disabled

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-000381.  A host rule: asked only with
``cklauto run --host-checks``, on the server's own WinRM endpoint.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207284     SV-207284r615936_rule   V-69975, SV-84597
V2R3 (current)         V-207284     SV-207284r960963_rule   V-69975, SV-84597
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Windows Power Shell and enter the following command:

    Get-ItemProperty 'hklm:\\system\\currentcontrolset\\services\\MSExchangeIMAP4be' | Select Start

    Note: The hklm:\\system\\currentcontrolset\\services\\MSExchangeIMAP4 value must be in quotes.

    If the value of Start is not set to 4, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Windows Power Shell and enter the following command:

    services.msc

    Navigate to and double-click on Microsoft Exchange IMAP4 Backend.

    Click on the "General" tab.

    In the Startup Type: dropdown, select Disabled.

    Click the OK button.

How cklauto decides: :mod:`cklauto.checks._service_disabled` (the back-end key by its real name, MSExchangeIMAP4BE;
Start 4 is NotAFinding, any other value Open; a missing key or an unreadable value is never a pass).  The fix line is
the PowerShell equivalent of the STIG's services.msc steps.
"""

from __future__ import annotations

from cklauto.checks._service_disabled import service_disabled_check
from cklauto.checks.api import RuleIds

STIG_COMMAND = "Get-ItemProperty 'hklm:\\system\\currentcontrolset\\services\\MSExchangeIMAP4be' | Select Start"

CHECK = service_disabled_check(
    ids=RuleIds(
        stig_id="EX13-MB-000090",
        group_id="V-207284",
        rule_ids=("SV-207284r615936_rule", "SV-207284r960963_rule"),
        legacy_ids=("V-69975", "SV-84597"),
    ),
    title="The Exchange IMAP4 service must be disabled.",
    service="MSExchangeIMAP4BE",
    display="Microsoft Exchange IMAP4 Backend",
    stig_command=STIG_COMMAND,
    front_end="MSExchangeIMAP4",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

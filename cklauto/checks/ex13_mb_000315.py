"""EX13-MB-000315: Exchange must not send delivery reports to remote domains

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-002385.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70079      SV-84701r1_rule
V2R1, V2R2             V-207329     SV-207329r615936_rule   V-70079, SV-84701
V2R3 (current)         V-207329     SV-207329r961620_rule   V-70079, SV-84701
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-RemoteDomain | Select Identity, DeliveryReportEnabled

    If the value of DeliveryReportEnabled is not set to False, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-RemoteDomain -Identity <'IdentityName'> -DeliveryReportEnabled $false

    Note: The <IdentityName> value must be in quotes.

How cklauto decides:

* Every remote domain of the organisation, the Default one (``*``) included, must have DeliveryReportEnabled
  False; there is no exception in this STIG or in the Exchange 2016 one (V-228406).  Each True is a finding with
  its own fix command.
* DeliveryReportEnabled is a plain ``bool`` (default True): ``$null`` is refused as unread, never judged.
* No remote domain at all cannot be (the Default one always exists): Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _remote_domains
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, Table

PROPERTY = "DeliveryReportEnabled"
STIG_COMMAND = "Get-RemoteDomain | Select Identity, DeliveryReportEnabled"


def decide(answers: Answers, settings: Settings) -> Decision:
    return _remote_domains.decide_false(answers, PROPERTY, unknown="whether delivery reports go to remote domains")


def tabulate(answers: Answers) -> list[Table]:
    return _remote_domains.tabulate(answers, ("Identity", PROPERTY))


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000315",
        group_id="V-207329",
        rule_ids=("SV-207329r615936_rule", "SV-207329r961620_rule"),
        legacy_ids=("V-70079", "SV-84701"),
    ),
    title="Exchange must not send delivery reports to remote domains.",
    severity="medium",
    reads=(Read(_remote_domains.REMOTE_DOMAINS, (*_remote_domains.NAMES, PROPERTY)),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="every remote domain has DeliveryReportEnabled False",
)

"""EX13-MB-000260: Exchange must not send automated replies to remote domains

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001308.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70043      SV-84665r1_rule
V2R1, V2R2             V-207318     SV-207318r615936_rule   V-70043, SV-84665
V2R3 (current)         V-207318     SV-207318r961161_rule   V-70043, SV-84665
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Note: Automated replies to .MIL or .GOV sites are allowed.
    Open the Exchange Management Shell and enter the following command:

    Get-RemoteDomain | Select Name, Identity, AutoReplyEnabled
    If the value of "AutoReplyEnabled" is set to "True" and is configured to only Reply to .MIL or .GOV sites, this is
    not a finding.

    If the value of AutoReplyEnabled is not set to False, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-RemoteDomain -Identity <'IdentityName'> -AutoReplyEnabled $false

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (the STIG is loose: "configured to only Reply to .MIL or .GOV sites"):

* AutoReplyEnabled is a setting of each remote domain, so "configured to only reply to .MIL or .GOV sites" is read
  per remote domain: True complies only on a remote domain whose DomainName covers nothing but .mil or .gov
  addresses (``army.mil``, ``*.mil``, ``*.state.gov``: the last label is mil or gov).  True anywhere else is a
  finding, above all on the Default remote domain (``*``), which covers every domain on the Internet; a remote
  domain without a DomainName cannot be shown to be .mil/.gov either.  False always complies.
* Every remote domain is judged on its own: one compliant domain never stands for the others.
* AutoReplyEnabled is a plain ``bool``: ``$null`` is refused as unread.  No remote domain at all: Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _remote_domains
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, Table

PROPERTY = "AutoReplyEnabled"
STIG_COMMAND = "Get-RemoteDomain | Select Name, Identity, AutoReplyEnabled"
ALLOWED = _remote_domains.mil_or_gov_allowed("the STIG allows automated replies to .MIL or .GOV sites")


def decide(answers: Answers, settings: Settings) -> Decision:
    return _remote_domains.decide_false(
        answers,
        PROPERTY,
        unknown="whether automated replies go to remote domains",
        allowed=ALLOWED,
        requirement="AutoReplyEnabled set to False, or a .mil/.gov DomainName",
    )


def tabulate(answers: Answers) -> list[Table]:
    return _remote_domains.tabulate(answers, ("Name", "Identity", PROPERTY))


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000260",
        group_id="V-207318",
        rule_ids=("SV-207318r615936_rule", "SV-207318r961161_rule"),
        legacy_ids=("V-70043", "SV-84665"),
    ),
    title="Exchange must not send automated replies to remote domains.",
    severity="medium",
    reads=(Read(_remote_domains.REMOTE_DOMAINS, (*_remote_domains.NAMES, PROPERTY)),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="every remote domain has AutoReplyEnabled False, or True only for a .mil/.gov DomainName",
)

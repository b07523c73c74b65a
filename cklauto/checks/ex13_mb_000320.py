"""EX13-MB-000320: Exchange must not send nondelivery reports to remote domains

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-002385.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70081      SV-84703r1_rule
V2R1, V2R2             V-207330     SV-207330r615936_rule   V-70081, SV-84703
V2R3 (current)         V-207330     SV-207330r961620_rule   V-70081, SV-84703
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-RemoteDomain | Select Name, Identity, NDREnabled

    If the value of NDREnabled is not set to False, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-RemoteDomain -Identity <'IdentityName'> -NDREnabled $false

    Note: The <IdentityName> value must be in quotes.

How cklauto decides:

* Every remote domain, the Default one (``*``) included, must have NDREnabled False; each True is a finding with
  its own fix command.  NDREnabled is a plain ``bool`` (default True): ``$null`` is refused as unread.
* The Exchange 2016 Mailbox STIG clarifies the same check (V-228407): "For the purpose of this requirement,
  'remote' refers to those domains external to the DoDIN, whether classified or unclassified.  NDRs between DoDIN
  networks is permitted."  Which remote domains lie inside the DoDIN only the site can say, so cklauto follows the
  clarification only through the optional ``dodin_domains`` setting: a remote domain whose DomainName lies within
  one of those domains (``army.mil``, or ``*.army.mil`` for it and its subdomains) may keep NDRs on, and its verdict
  says why.  Without the setting every remote domain must be False, as the 2013 text says; the Default domain (``*``)
  is never inside the DoDIN.  (Evaluate-STIG does not implement the note at all.)
* No remote domain at all cannot be (the Default one always exists): Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _remote_domains, values
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, SettingType, SiteSetting, Table

PROPERTY = "NDREnabled"
STIG_COMMAND = "Get-RemoteDomain | Select Name, Identity, NDREnabled"
DODIN_DOMAINS = SiteSetting(
    "dodin_domains",
    SettingType.DOMAINS,
    "Remote domains inside the DoDIN, to which the Exchange 2016 STIG's note (V-228407) permits NDRs, e.g. army.mil "
    "or *.army.mil (that domain and its subdomains).  Optional: without it every remote domain must have NDREnabled "
    "False.",
    required=False,
)


def _dodin(accepted: tuple[str, ...]) -> _remote_domains.Exception_:
    def allowed(domain: str | None) -> str | None:
        if domain is None:
            return None
        for pattern in accepted:
            if values.domain_within(domain, pattern):
                return f"inside the DoDIN per dodin_domains ({pattern}); the Exchange 2016 STIG permits NDRs there"
        return None

    return allowed


def decide(answers: Answers, settings: Settings) -> Decision:
    dodin = tuple(settings.get(DODIN_DOMAINS.name) or ())
    return _remote_domains.decide_false(
        answers,
        PROPERTY,
        unknown="whether nondelivery reports go to remote domains",
        allowed=_dodin(dodin) if dodin else None,
        requirement="NDREnabled set to False, or a DomainName inside the DoDIN" if dodin else None,
    )


def tabulate(answers: Answers) -> list[Table]:
    return _remote_domains.tabulate(answers, ("Name", "Identity", PROPERTY))


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000320",
        group_id="V-207330",
        rule_ids=("SV-207330r615936_rule", "SV-207330r961620_rule"),
        legacy_ids=("V-70081", "SV-84703"),
    ),
    title="Exchange must not send nondelivery reports to remote domains.",
    severity="medium",
    reads=(Read(_remote_domains.REMOTE_DOMAINS, (*_remote_domains.NAMES, PROPERTY)),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(DODIN_DOMAINS,),
    summary="every remote domain has NDREnabled False (optionally except DoDIN domains the site lists)",
)

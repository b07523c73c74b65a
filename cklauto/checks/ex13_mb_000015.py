"""EX13-MB-000015: Exchange auto-forwarding email to remote domains must be disabled or restricted

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001368.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69945      SV-84567r1_rule
V2R1, V2R2             V-207269     SV-207269r615936_rule   V-69945, SV-84567
V2R3 (current)         V-207269     SV-207269r960801_rule   V-69945, SV-84567
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Non-Enterprise Mail Check Content:

    Open the Exchange Management Shell and enter the following command:

    Get-RemoteDomain | Select Identity, AutoForwardEnabled

    If the value of AutoForwardEnabled is not set to False, this is a finding.

    Enterprise Mail Check Content:

    If the value of AutoForwardEnabled is set to True, this is not a finding.

    and

    In the Exchange Management Shell, enter the following command:

    Get-RemoteDomain

    If the value of RemoteDomain is not set to a .mil and/or .gov domain(s), this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Non-Enterprise Mail Fix Text:

    Open the Exchange Management Shell and enter the following command:

    Set-RemoteDomain -Identity <'IdentityName'> -AutoForwardEnabled $false

    Note: The <IdentityName> value must be in quotes.

    Enterprise Mail Fix Text:

    New-RemoteDomain -Name <NewRemoteDomainName> -DomainName <SMTP Address>

    Note: NewRemoteDomainName must either be a .mil or .gov domain.

    Set-RemoteDomain -Identity <'RemoteDomainIdentity'> -AutoForwardEnabled $true

    Note: The <RemoteDomainIdentity> value must be in quotes.

How cklauto decides (the STIG has two branches, and only the site knows which one it is in):

* The site says which branch applies with the ``enterprise_mail`` setting (true: Enterprise Mail; false: any other
  mail system).  The Exchange 2016 STIG's discussion of the same rule (V-228356) states the intent: "Verify
  Automatic Forwards to remote domains are disabled, except for enterprise mail that must be restricted to forward
  only to .mil and .gov domains."
* Non-Enterprise Mail: every remote domain, the Default one (``*``) included, must have AutoForwardEnabled False.
  Evaluate-STIG applies the Enterprise exception to everybody; cklauto does not.
* Enterprise Mail: "the value of RemoteDomain" has no such property; it is read as the remote domain's DomainName.
  AutoForwardEnabled True complies only on a remote domain whose DomainName covers nothing but .mil or .gov
  addresses (``army.mil``, ``*.mil``); True on any other remote domain, above all the Default one (``*``, every
  domain), is a finding.  False always complies (forwarding off is never less restricted).  Reading the branch as
  "every remote domain must be .mil/.gov" would make the Default remote domain, which cannot be removed, a
  permanent finding, so that reading is rejected.
* Without the setting, cklauto decides whenever both branches give the same result (all False: NotAFinding; True on
  a non-.mil/.gov domain: Open) and says so; only when AutoForwardEnabled is True on .mil/.gov remote domains alone
  does the answer depend on the branch, and then the rule is left Not_Reviewed with a summary naming the setting.
* The 2016 STIG adds "not applicable on classified or completely closed networks"; the 2013 text does not, so
  cklauto never marks this rule Not_Applicable.
* AutoForwardEnabled is a plain ``bool``: ``$null`` is refused as unread.  No remote domain at all: Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _remote_domains, _tally
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Read,
    RuleIds,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import quoted

PROPERTY = "AutoForwardEnabled"
STIG_COMMAND = "Get-RemoteDomain | Select Identity, AutoForwardEnabled"
ENTERPRISE_MAIL = SiteSetting(
    "enterprise_mail",
    SettingType.BOOLEAN,
    "true when the site's mail system is Enterprise Mail, which the STIG lets auto-forward to .mil/.gov remote "
    "domains (EX13-MB-000015's 'Enterprise Mail' branch); false for any other mail system, which must not "
    "auto-forward to any remote domain.  Optional: without it the rule is decided whenever both branches agree.",
    required=False,
)
ALLOWED = _remote_domains.mil_or_gov_allowed("Enterprise Mail may auto-forward to .mil/.gov domains")
STRICT = "AutoForwardEnabled set to False"
LENIENT = "AutoForwardEnabled set to False, or a .mil/.gov DomainName"


def decide(answers: Answers, settings: Settings) -> Decision:
    records = _remote_domains.records(answers)
    if not records:
        return _remote_domains.no_remote_domains("whether mail is auto-forwarded to remote domains")
    enterprise = settings.get(ENTERPRISE_MAIL.name)
    strict = [_remote_domains.judge_false(r, PROPERTY) for r in records]
    if enterprise is False:
        note = "Non-Enterprise Mail (enterprise_mail = false): auto-forwarding must be off for every remote domain."
        return _tally.tally(strict, noun=_remote_domains.KIND, requirement=STRICT, notes=(note,))
    lenient = [_remote_domains.judge_false(r, PROPERTY, ALLOWED) for r in records]
    if enterprise is True:
        note = "Enterprise Mail (enterprise_mail = true): auto-forwarding is allowed only to .mil/.gov remote domains."
        return _tally.tally(lenient, noun=_remote_domains.KIND, requirement=LENIENT, notes=(note,))
    # The branch is unknown: a verdict both branches agree on stands; the others depend on the branch.
    verdicts = [
        s if s.ok == e.ok else Verdict(s.subject, None, f"{e.reason}; a finding for non-Enterprise Mail")
        for s, e in zip(strict, lenient, strict=True)
    ]
    undecided = [v for v in verdicts if v.ok is None]
    if any(v.ok is False for v in verdicts) or not undecided:
        note = "enterprise_mail is not set; the result is the same for Enterprise and non-Enterprise Mail" + (
            " (the .mil/.gov remote domains shown as Info count only for Enterprise Mail)." if undecided else "."
        )
        return _tally.tally(
            verdicts, noun=_remote_domains.KIND, requirement=STRICT if not undecided else LENIENT, notes=(note,)
        )
    names = ", ".join(quoted(v.subject) for v in undecided)
    return _tally.not_reviewed(
        f"AutoForwardEnabled is True only on .mil/.gov remote domains ({names}): that is allowed for Enterprise Mail "
        "and a finding for any other mail system; set enterprise_mail in the site settings to decide.",
        verdicts,
    )


def tabulate(answers: Answers) -> list[Table]:
    return _remote_domains.tabulate(answers, ("Identity", "DomainName", PROPERTY))


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000015",
        group_id="V-207269",
        rule_ids=("SV-207269r615936_rule", "SV-207269r960801_rule"),
        legacy_ids=("V-69945", "SV-84567"),
    ),
    title="Exchange auto-forwarding email to remote domains must be disabled or restricted.",
    severity="medium",
    reads=(Read(_remote_domains.REMOTE_DOMAINS, (*_remote_domains.NAMES, PROPERTY)),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ENTERPRISE_MAIL,),
    summary="AutoForwardEnabled False on every remote domain (Enterprise Mail: True only on .mil/.gov domains)",
)

"""EX13-MB-000240: Exchange external/Internet-bound automated response messages must be disabled

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001308.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70035      SV-84657r1_rule
V2R1, V2R2             V-207314     SV-207314r615936_rule   V-70035, SV-84657
V2R3 (current)         V-207314     SV-207314r961161_rule   V-70035, SV-84657
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-RemoteDomain  | Select Name, DomainName, Identity, AllowedOOFType

    If the value of AllowedOOFType is not set to InternalLegacy, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-RemoteDomain -Identity <'IdentityName'> -AllowedOOFType 'InternalLegacy'

    Note: The <IdentityName> and InternalLegacy values must be in quotes.

How cklauto decides:

* AllowedOOFType is an enum sent by name: External, ExternalLegacy, None or InternalLegacy (exchange-objects.md
  §2.11; not a flags enum).  Every remote domain, the Default one (``*``) included, must be InternalLegacy, compared
  without regard to case.  Any other of the four names is a finding with its own fix command; there is no .mil/.gov
  exception in this rule.
* A value that is none of the four names (a number, a list, text Exchange never sends) is refused as unreadable, and
  ``$null`` (never sent for this enum) likewise: the rule fails closed with an error row.
* No remote domain at all: Not_Reviewed (the Default one always exists).
"""

from __future__ import annotations

from cklauto.checks import _remote_domains, _tally, values
from cklauto.checks.api import Answers, Check, Decision, Read, Record, RuleIds, Settings, Table, Verdict
from cklauto.checks.text import ps_literal, visible

PROPERTY = "AllowedOOFType"
STIG_COMMAND = "Get-RemoteDomain  | Select Name, DomainName, Identity, AllowedOOFType"
#: AllowedOOFType's names (Exchange 2013 AllowedOOFType.cs: External 0, ExternalLegacy 1, None 32, InternalLegacy 65).
OOF_TYPES = frozenset({"external", "externallegacy", "none", "internallegacy"})


def _judge(record: Record) -> Verdict:
    name = _tally.name_of(record, _remote_domains.KIND)
    raw = record[PROPERTY]
    oof = values.enum_name(raw)
    if oof is None:
        raise ValueError(f"{PROPERTY} is $null, which Exchange never sends for this enum")
    if oof not in OOF_TYPES:
        raise ValueError(
            f"{PROPERTY} {visible(str(raw))!r} is not one of External, ExternalLegacy, None, InternalLegacy"
        )
    if oof == "internallegacy":
        return Verdict(name, True, f"{PROPERTY} is InternalLegacy")
    domain = _remote_domains.shown_domain(_remote_domains.domain_name(record))
    fix = f"Set-RemoteDomain -Identity {ps_literal(_tally.identity_of(record))} -{PROPERTY} 'InternalLegacy'"
    return Verdict(name, False, f"{PROPERTY} is {visible(str(raw).strip())} for {domain}; expected InternalLegacy", fix)


def decide(answers: Answers, settings: Settings) -> Decision:
    records = _remote_domains.records(answers)
    if not records:
        return _remote_domains.no_remote_domains("which automatic replies go to remote domains")
    verdicts = [_judge(r) for r in records]
    return _tally.tally(verdicts, noun=_remote_domains.KIND, requirement="AllowedOOFType set to InternalLegacy")


def tabulate(answers: Answers) -> list[Table]:
    return _remote_domains.tabulate(answers, ("Name", "DomainName", "Identity", PROPERTY))


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000240",
        group_id="V-207314",
        rule_ids=("SV-207314r615936_rule", "SV-207314r961161_rule"),
        legacy_ids=("V-70035", "SV-84657"),
    ),
    title="Exchange external/Internet-bound automated response messages must be disabled.",
    severity="medium",
    reads=(Read(_remote_domains.REMOTE_DOMAINS, (*_remote_domains.NAMES, PROPERTY)),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="every remote domain has AllowedOOFType InternalLegacy",
)

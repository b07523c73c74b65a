"""EX13-MB-000150: Exchange email-forwarding SMTP domains must be restricted

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001199.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69999      SV-84621r1_rule
V2R1, V2R2             V-207296     SV-207296r615936_rule   V-69999, SV-84621
V2R3 (current)         V-207296     SV-207296r961128_rule   V-69999, SV-84621
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine any accounts that have been authorized to have email auto-forwarded.

    Note: If email auto-forwarding is not being used, this check is not applicable.

    Open the Exchange Management Shell and enter the following commands:

    Get-RemoteDomain | Select Name, Identity, DomainName, AutoForwardEnabled

    If any domain for a user forwarding SMTP address is not documented in the EDSP, this is a finding.

    Note: If no remote SMTP domain matching the mail-enabled user or contact that allows forwarding is configured for
    users identified with a forwarding address, this function will not work properly.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set- RemoteDomain -Identity <RemoteDomainIdParameter>

How cklauto decides (the command lists remote domains, the condition is about users' forwarding addresses):

* The finding condition names "a user forwarding SMTP address", which only Get-Mailbox shows, so cklauto reads the
  forwarding addresses with ``Get-Mailbox -ResultSize Unlimited -Filter 'ForwardingSmtpAddress -ne $null'`` (every
  mailbox, filtered on the server) as EX13-MB-000145 does, and the remote domains with the STIG's Get-RemoteDomain.
  Evaluate-STIG instead judges the remote domains' AutoForwardEnabled, which is EX13-MB-000015's question.
* The domains the EDSP documents come from the optional ``authorized_forwarding_domains`` setting (``army.mil``, or
  ``*.army.mil`` for that domain and its subdomains, as Exchange matches remote domains).  A forwarding address
  whose domain is not covered is a finding, named by mailbox.
* The remote domains are evidence, not the verdict: for each forwarding domain an Info line names the remote domain
  that applies to it (the most specific match, as Exchange picks it) and its AutoForwardEnabled, because the STIG's
  second Note says forwarding does not work properly without a matching remote domain that allows it.
* No forwarding mailbox: NotAFinding, or Not_Applicable when the site says auto-forwarding is not used
  (``auto_forwarding_used = false``); with that setting false, any forwarding address is a finding.  Forwarding
  mailboxes but no domain list given: Not_Reviewed, the setting named.
* The STIG's fix command is incomplete; each finding's fix removes the forwarding address (the Exchange 2016 STIG's
  fix for the sibling rule, V-228377), the alternative being to document the domain in the EDSP.
"""

from __future__ import annotations

from collections.abc import Sequence

from cklauto.checks import _forwarding, _remote_domains, _tally, values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Read,
    Record,
    RuleIds,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import quoted, visible

STIG_COMMAND = "Get-RemoteDomain | Select Name, Identity, DomainName, AutoForwardEnabled"
REMOTE_COLUMNS = ("Name", "Identity", "DomainName", "AutoForwardEnabled")
AUTHORIZED_DOMAINS = SiteSetting(
    "authorized_forwarding_domains",
    SettingType.DOMAINS,
    "The SMTP domains the EDSP documents as destinations of auto-forwarded email, e.g. army.mil, or *.army.mil for "
    "it and its subdomains.  Optional: without it a forwarding mailbox leaves EX13-MB-000150 for a person.",
    required=False,
)
REMOTE_NOTE = (
    "Info lines name the remote domain that applies to each forwarding domain; the STIG notes that forwarding does "
    "not work properly without a matching remote domain that allows it."
)


def _specificity(pattern: str) -> tuple[int, int]:
    # Exchange applies the most specific remote domain: an exact name, then the longest wildcard, then '*'.
    if pattern == "*":
        return (0, 0)
    if pattern.startswith("*."):
        return (1, len(pattern))
    return (2, len(pattern))


def _applies(domain: str, remote: Sequence[Record]) -> Verdict:
    matches = []
    for record in remote:
        pattern = _remote_domains.domain_name(record)
        if pattern is not None and values.domain_within(domain, pattern):
            matches.append((_specificity(pattern), record))
    if not matches:
        return Verdict(domain, None, "no remote domain matches this forwarding domain")
    _rank, record = max(matches, key=lambda m: m[0])
    forward = _tally.required_boolean(record, "AutoForwardEnabled")
    pattern = _remote_domains.domain_name(record) or ""
    return Verdict(
        domain,
        None,
        f"the remote domain {quoted(_tally.name_of(record, _remote_domains.KIND))} (DomainName {visible(pattern)}) "
        f"applies; its AutoForwardEnabled is {forward}",
    )


def _judge(found: _forwarding.Forwarder, accepted: Sequence[str]) -> Verdict:
    domain = values.smtp_domain(found.address)
    where = f"{found.shown} forwards to {visible(found.address)}"
    pattern = next((p for p in accepted if values.domain_within(domain, p)), None)
    if pattern is not None:
        return Verdict(
            found.name,
            True,
            f"{where}; {visible(domain)} is documented in the EDSP (authorized_forwarding_domains: {pattern})",
        )
    return Verdict(
        found.name,
        False,
        f"{where}; {visible(domain)} is not documented in the EDSP (authorized_forwarding_domains)",
        found.fix,
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    found = _forwarding.forwarders(answers)
    if not found:
        return _forwarding.without_forwarders(settings, "no forwarding domain is undocumented")
    remote = _remote_domains.records(answers)
    domains = sorted({values.smtp_domain(f.address) for f in found})
    evidence = [_applies(d, remote) for d in domains]
    notes = [_forwarding.SCOPE_NOTE, REMOTE_NOTE]
    if not remote:
        notes.append("Get-RemoteDomain returned no remote domains.")
    if _forwarding.not_used(settings):
        verdicts = [_forwarding.forwarding_despite_edsp(f) for f in found]
    else:
        accepted = settings.get(AUTHORIZED_DOMAINS.name)
        if accepted is None:
            return _forwarding.list_unknown(found, AUTHORIZED_DOMAINS, "which domains the EDSP documents", evidence)
        verdicts = [_judge(f, tuple(accepted)) for f in found]
    return _forwarding.tally([*verdicts, *evidence], "a forwarding domain documented in the EDSP", notes)


def tabulate(answers: Answers) -> list[Table]:
    return [_remote_domains.tabulate(answers, REMOTE_COLUMNS)[0], _forwarding.mailbox_table(answers)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000150",
        group_id="V-207296",
        rule_ids=("SV-207296r615936_rule", "SV-207296r961128_rule"),
        legacy_ids=("V-69999", "SV-84621"),
    ),
    title="Exchange email-forwarding SMTP domains must be restricted.",
    severity="medium",
    reads=(
        Read(_remote_domains.REMOTE_DOMAINS, (*_remote_domains.NAMES, "AutoForwardEnabled")),
        Read(_forwarding.FORWARDING_MAILBOXES, _forwarding.MAILBOX_PROPERTIES),
    ),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(AUTHORIZED_DOMAINS, _forwarding.AUTO_FORWARDING_USED),
    summary="the domain of every forwarding SMTP address is documented in the EDSP",
)

"""EX13-MB-000145: Exchange email forwarding must be restricted

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001199.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69997      SV-84619r1_rule
V2R1, V2R2             V-207295     SV-207295r615936_rule   V-69997, SV-84619
V2R3 (current)         V-207295     SV-207295r961128_rule   V-69997, SV-84619
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine any accounts that have been authorized to have email auto-forwarded.

    Note: If email auto-forwarding is not being used, this check is not applicable. .

    Open the Exchange Management Shell and enter the following commands:

    Get-Mailbox | select Name, ForwardingSMTPAddress
    If any user has a forwarding SMTP address and is not documented in the EDSP, this is a finding.

    Note: If no remote SMTP domain matching the mail-enabled user or contact that allows forwarding is configured for
    users identified with a forwarding address, this function will not work properly.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-Mailbox | select Name, ForwardingSMTPAddress $null

How cklauto decides:

* cklauto asks ``Get-Mailbox -ResultSize Unlimited -Filter 'ForwardingSmtpAddress -ne $null'``: every mailbox of the
  organisation, filtered on the server.  Evaluate-STIG asks ``Get-Mailbox -Server $env:COMPUTERNAME`` without
  -ResultSize, so it sees only the first 1,000 mailboxes of one server and passes an organisation whose forwarding
  mailbox is the 1,001st.
* ForwardingSmtpAddress is a ProxyAddress (``smtp:jane@fabrikam.com``); the prefix is dropped for display.  A value
  that is not an SMTP address is refused as unreadable.
* The accounts the EDSP authorises come from the optional ``authorized_forwarding_accounts`` setting, each entry a
  mailbox's primary SMTP address, alias or identity (names are not unique, so a display name is not accepted).  A
  forwarding mailbox not in the list is a finding; in the list, it complies, and its verdict says the EDSP
  documents it.
* No forwarding mailbox: NotAFinding (no user forwards without being documented), or Not_Applicable when the site
  says auto-forwarding is not used (``auto_forwarding_used = false``), as the Note says.  With that setting false,
  any forwarding mailbox is a finding (the EDSP documents no forwarding at all).
* Forwarding mailboxes but no list given: Not_Reviewed, with the mailboxes listed and the setting named.
* The STIG's fix is not valid PowerShell; each finding's fix is the command the Exchange 2016 STIG gives for the
  same rule (V-228377): ``Set-Mailbox -Identity <'IdentityName'> -ForwardingSmtpAddress $null``, or the EDSP is
  updated.
"""

from __future__ import annotations

from cklauto.checks import _forwarding
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
from cklauto.checks.text import visible

STIG_COMMAND = "Get-Mailbox | select Name, ForwardingSMTPAddress"
AUTHORIZED_ACCOUNTS = SiteSetting(
    "authorized_forwarding_accounts",
    SettingType.STRINGS,
    "The accounts the EDSP authorises to have email auto-forwarded, each by primary SMTP address, alias or identity "
    "(jane.doe@contoso.mil, jdoe, contoso.mil/Users/Jane Doe).  Optional: without it a forwarding mailbox leaves "
    "EX13-MB-000145 for a person.",
    required=False,
)


def _judge(found: _forwarding.Forwarder, accepted: dict[str, str]) -> Verdict:
    where = f"{found.shown} forwards to {visible(found.address)}"
    entry = next((accepted[k] for k in sorted(found.keys()) if k in accepted), None)
    if entry is not None:
        return Verdict(
            found.name, True, f"{where}; documented in the EDSP (authorized_forwarding_accounts: {visible(entry)})"
        )
    return Verdict(
        found.name, False, f"{where} and is not documented in the EDSP (authorized_forwarding_accounts)", found.fix
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    found = _forwarding.forwarders(answers)
    if not found:
        return _forwarding.without_forwarders(settings, "none forwards without being documented in the EDSP")
    if _forwarding.not_used(settings):
        verdicts = [_forwarding.forwarding_despite_edsp(f) for f in found]
    else:
        entries = settings.get(AUTHORIZED_ACCOUNTS.name)
        if entries is None:
            return _forwarding.list_unknown(found, AUTHORIZED_ACCOUNTS, "which accounts the EDSP authorises")
        accepted = {_forwarding.entry_key(e): e for e in entries}
        verdicts = [_judge(f, accepted) for f in found]
    return _forwarding.tally(verdicts, "an authorisation documented in the EDSP", (_forwarding.SCOPE_NOTE,))


def tabulate(answers: Answers) -> list[Table]:
    return [_forwarding.mailbox_table(answers)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000145",
        group_id="V-207295",
        rule_ids=("SV-207295r615936_rule", "SV-207295r961128_rule"),
        legacy_ids=("V-69997", "SV-84619"),
    ),
    title="Exchange email forwarding must be restricted.",
    severity="medium",
    reads=(Read(_forwarding.FORWARDING_MAILBOXES, _forwarding.MAILBOX_PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(AUTHORIZED_ACCOUNTS, _forwarding.AUTO_FORWARDING_USED),
    summary="every mailbox with a forwarding SMTP address is an account the EDSP authorises",
)

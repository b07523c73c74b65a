"""EX13-MB-000035: Exchange Circular Logging must be disabled

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.  The
STIG ID, Vuln ID (V-207273) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207273r615936_rule in V2R1/V2R2, SV-207273r960900_rule in V2R3); V1 checklists call it V-69953 / SV-84575.

Check text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Get-MailboxDatabase | Select Name, Identity, CircularLoggingEnabled

    If the value of CircularLoggingEnabled is not set to False, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-MailboxDatabase -Identity <'IdentityName'> -CircularLoggingEnabled $false

    Note: The <IdentityName> value must be in quotes.

How cklauto decides (``decide``):

* It asks ``Get-MailboxDatabase -Server <server>``, not the STIG's bare ``Get-MailboxDatabase`` (which lists the
  whole organisation): the rule is judged per server, for the databases with a copy on this server.  In a database
  availability group the same database appears on every member's checklist that holds a copy of it; a database in
  the answer with no copy on this server is shown as information and never decides the rule (``_databases``).
* A database complies when CircularLoggingEnabled is False.  The property is a plain ``bool``: ``$null`` or a value
  that is not True/False is refused, so the rule keeps its previous review.
* Any database with True makes the rule Open: each database is judged on its own value, so one compliant database
  never passes the others (the mistake Evaluate-STIG's Get-V228390 makes for Send connectors).  Otherwise
  NotAFinding.  No database with a copy on this server is Not_Reviewed: the check has nothing to judge, and a
  person must confirm which databases the server holds.
* The Exchange 2016 (V-228360) and 2019 STIGs keep the same check; there is no ambiguity to settle.
"""

from __future__ import annotations

from cklauto.checks._databases import boolean_mailbox_check
from cklauto.checks.api import RuleIds

STIG_COMMAND = "Get-MailboxDatabase | Select Name, Identity, CircularLoggingEnabled"

CHECK = boolean_mailbox_check(
    ids=RuleIds(
        stig_id="EX13-MB-000035",
        group_id="V-207273",
        rule_ids=("SV-207273r615936_rule", "SV-207273r960900_rule"),
        legacy_ids=("V-69953", "SV-84575"),
    ),
    title="Exchange Circular Logging must be disabled.",
    severity="low",
    stig_command=STIG_COMMAND,
    prop="CircularLoggingEnabled",
    expected=False,
    summary="every mailbox database with a copy on the server has CircularLoggingEnabled False",
)
decide = CHECK.decide
tabulate = CHECK.tabulate

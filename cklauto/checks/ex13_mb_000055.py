"""EX13-MB-000055: Exchange Send Fatal Errors to Microsoft must be disabled

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-000381.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207277     SV-207277r615936_rule   V-69961, SV-84583
V2R3 (current)         V-207277     SV-207277r960963_rule   V-69961, SV-84583
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3; the dash before ``status`` is DISA's en dash)::

    Open the Exchange Management Shell and enter the following command:

    Get-ExchangeServer –status | Select Name, Identity, ErrorReportingEnabled

    For each Exchange Server, if the value of ErrorReportingEnabled is not set to False, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-ExchangeServer -Identity <'IdentityName'> -ErrorReportingEnabled $false

    Note: The <IdentityName> value must be in quotes.

    Repeat the process for each Exchange Server.

How cklauto decides (``decide``):

* **This server, not the organisation.**  The STIG's command lists every Exchange server, and it says "for each
  Exchange Server"; but the setting is each server's own (``-Status`` reads the ``DisableErrorReporting`` value in that
  server's registry, exchange-objects.md §2.3), the fix is "repeat for each Exchange Server", and a checklist is one
  server's.  So each server's checklist carries that server's result: cklauto asks
  ``Get-ExchangeServer -Identity <server> -Status`` and judges this server only.  Another server in the answer is
  shown as information and judged on its own checklist; asking for one server also keeps an unreachable registry
  elsewhere in the organisation from failing this server's rule.
* ``False`` is NotAFinding, ``True`` is Open.  **``$null`` is "not read"**: Exchange leaves ErrorReportingEnabled
  ``$null`` when it could not read the registry (it writes a warning, shown in the details) or when -Status was not
  honoured.  That is never a pass, and not a finding either: the rule is left Not_Reviewed.
* No object for this server is not a pass either (Not_Reviewed).
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Placeholder,
    Query,
    Read,
    Record,
    RuleIds,
    Scope,
    Settings,
    Table,
    Verdict,
)
from cklauto.checks.text import plural, ps_literal, visible
from cklauto.model import Status

EXCHANGE_SERVER_STATUS = Query("Get-ExchangeServer", (("Identity", Placeholder.SERVER), ("Status", True)), Scope.SERVER)
PROPERTIES = ("Name", "Identity", "ErrorReportingEnabled")
STIG_COMMAND = "Get-ExchangeServer –status | Select Name, Identity, ErrorReportingEnabled"
NOTES = (
    "The setting is each server's own (read from its registry), so this checklist carries this server's value: "
    "cklauto asked Get-ExchangeServer -Identity <server> -Status; the other servers are judged on their own "
    "checklists.",
)


def _name(record: Record) -> str:
    name = values.text(record["Name"])
    if not name or not name.strip():
        raise ValueError("an Exchange server without a Name")
    return name


def _judge(record: Record, server: str) -> tuple[Verdict, bool]:
    """The server's verdict, and whether it is this checklist's server."""
    name = _name(record)
    if not values.is_same_server(name, server):
        return Verdict(name, None, f"another Exchange server, not {server}; judged on its own checklist"), False
    enabled = values.boolean(record["ErrorReportingEnabled"])
    if enabled is None:
        return Verdict(name, None, "ErrorReportingEnabled is $null: Exchange did not read it"), True
    if enabled:
        fix = f"Set-ExchangeServer -Identity {ps_literal(name)} -ErrorReportingEnabled $false"
        return Verdict(name, False, "ErrorReportingEnabled is True; expected False", fix), True
    return Verdict(name, True, "ErrorReportingEnabled is False"), True


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000055 for this Exchange server."""
    server = answers.server.strip()
    if not server:
        raise ValueError("no Exchange server name to judge")
    records = sorted(answers[EXCHANGE_SERVER_STATUS], key=lambda r: (_name(r).casefold(), _name(r)))
    judged = [_judge(record, server) for record in records]
    verdicts = tuple(verdict for verdict, _ in judged)
    ours = [verdict for verdict, own in judged if own]
    notes: tuple[str, ...] = NOTES
    if answers.warnings:
        notes += (
            f"Exchange wrote {plural(len(answers.warnings), 'warning')} while reading the servers (shown above).",
        )
    if not ours:
        return Decision(
            Status.NOT_REVIEWED,
            f"Get-ExchangeServer -Identity {server} -Status returned no server named {server}; a person must look.",
            verdicts,
            notes=notes,
        )
    if any(v.ok is False for v in ours):
        return Decision(
            Status.OPEN,
            f"{visible(server)} sends fatal errors to Microsoft: ErrorReportingEnabled is True.",
            verdicts,
            notes=notes,
        )
    if any(v.ok is None for v in ours):
        warned = f" Exchange warned: {visible(answers.warnings[0])}" if answers.warnings else ""
        return Decision(
            Status.NOT_REVIEWED,
            f"ErrorReportingEnabled of {visible(server)} was not read ($null although -Status was asked), so cklauto "
            f"cannot tell whether error reporting is off; a person must look.{warned}",
            verdicts,
            notes=notes,
        )
    return Decision(
        Status.NOT_A_FINDING,
        f"{visible(server)} does not send fatal errors to Microsoft: ErrorReportingEnabled is False.",
        verdicts,
        notes=notes,
    )


def tabulate(answers: Answers) -> list[Table]:
    records = sorted(answers[EXCHANGE_SERVER_STATUS], key=lambda r: (_name(r).casefold(), _name(r)))
    return [Table.of(PROPERTIES, records)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000055",
        group_id="V-207277",
        rule_ids=("SV-207277r615936_rule", "SV-207277r960963_rule"),
        legacy_ids=("V-69961", "SV-84583"),
    ),
    title="Exchange Send Fatal Errors to Microsoft must be disabled.",
    severity="medium",
    reads=(Read(EXCHANGE_SERVER_STATUS, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="the server's ErrorReportingEnabled (read with -Status) is False",
)

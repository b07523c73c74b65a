"""EX13-MB-000025: The Exchange Email Diagnostic log level must be set to the lowest level

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-000169.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207271     SV-207271r615936_rule   V-69949, SV-84571
V2R3 (current)         V-207271     SV-207271r960879_rule   V-69949, SV-84571
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-EventLogLevel

    If Diagnostic of any EventLevel is not set to Lowest, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-EventLogLevel -Identity <'IdentityName\\EventlogName'> -Level Lowest

    Note: The <IdentityName\\EventlogName> value must be in quotes.

How cklauto decides (``decide``):

* **The garbled sentence** "If Diagnostic of any EventLevel is not set to Lowest" is read as: every diagnostic
  logging category that Get-EventLogLevel lists must have EventLevel Lowest; any other level is a finding.  The fix
  (``Set-EventLogLevel ... -Level Lowest`` per category) and the Exchange 2019 STIG (V-259653: "Default installation
  of Exchange has all Event Levels set to Lowest with exception of the following: MSExchange ADAccess\\Topology - Low
  ... MSExchange OAuth\\Server - 2 ... All of these must be set to Lowest") say the same.  So a stock server is Open.
* A level without a name arrives as its number (``2`` above): any level other than 0 (Lowest) is a finding.  An
  unknown name or ``$null`` cannot be read and fails the rule closed.
* **This server's categories only**: cklauto asks ``Get-EventLogLevel -Server <server>`` (the bare command of the STIG
  reads whichever server the session landed on), and with -Server Exchange names the server first in every Identity
  (``EX01\\MSExchangeTransport\\SmtpReceive``).  A category of another server is listed as information and not judged.
  An Identity that names no server (``Source\\Category``) cannot be told apart, so it is not judged either, and the rule
  is not passed while one is in the answer.
* **No category at all** is not evidence (every Exchange server has a few hundred): the rule is left Not_Reviewed.
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

EVENT_LOG_LEVELS = Query("Get-EventLogLevel", (("Server", Placeholder.SERVER),), Scope.SERVER)
PROPERTIES = ("Identity", "EventLevel")
STIG_COMMAND = "Get-EventLogLevel"
FIX_COMMAND = "Set-EventLogLevel -Identity <'IdentityName\\EventlogName'> -Level Lowest"
#: How many non-compliant categories the one-sentence summary names before it counts the rest.
NAMED_IN_SUMMARY = 10

NOTES = (
    "The STIG's 'If Diagnostic of any EventLevel is not set to Lowest' is read as: every diagnostic logging category "
    "must be at Lowest (as the Exchange 2019 STIG, V-259653, states it).",
)


def _identity(record: Record) -> str:
    identity = values.text(record["Identity"])
    if identity is None or identity.count("\\") < 1 or any(not part.strip() for part in identity.split("\\")):
        raise ValueError(f"{identity!r} is not an event logging category such as 'EX01\\MSExchange ADAccess\\General'")
    return identity


def _sort_key(record: Record) -> tuple[str, str]:
    identity = _identity(record)
    return (identity.casefold(), identity)


def _judge(record: Record, server: str) -> tuple[Verdict, str]:
    """The category's verdict, and whose it is: ``ours``, ``other`` or ``unknown`` (no server in the Identity)."""
    identity = _identity(record)
    parts = identity.split("\\")
    if len(parts) == 2:
        return Verdict(identity, None, "names no server, so whose category it is cannot be told; not judged"), "unknown"
    if not values.is_same_server(parts[0], server):
        return Verdict(identity, None, f"a category of {parts[0]}, not of {server}; not judged"), "other"
    level = values.event_level(record["EventLevel"])
    shown = values.event_level_name(level)
    if level == 0:
        return Verdict(identity, True, "EventLevel is Lowest"), "ours"
    unnamed = " (a level without a name, above Lowest)" if shown.isdigit() else ""
    fix = f"Set-EventLogLevel -Identity {ps_literal(identity)} -Level Lowest"
    return Verdict(identity, False, f"EventLevel is {shown}{unnamed}; expected Lowest", fix), "ours"


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000025 for this server's diagnostic logging categories."""
    server = answers.server.strip()
    if not server:
        raise ValueError("no Exchange server name to judge the event logging categories of")
    judged = [_judge(record, server) for record in sorted(answers[EVENT_LOG_LEVELS], key=_sort_key)]
    verdicts = tuple(verdict for verdict, _ in judged)
    ours = [verdict for verdict, owner in judged if owner == "ours"]
    unknown = sum(1 for _, owner in judged if owner == "unknown")
    failing = [v for v in ours if v.ok is False]
    notes: tuple[str, ...] = NOTES
    if unknown:
        notes += (f"{plural(unknown, 'category')} in the answer name no server and were not judged.",)
    if failing:
        # The summary already says whose categories these are: name them without the server part.
        names = ", ".join(visible(v.subject.split("\\", 1)[1]) for v in failing[:NAMED_IN_SUMMARY])
        more = f" and {len(failing) - NAMED_IN_SUMMARY} more" if len(failing) > NAMED_IN_SUMMARY else ""
        verb = "is" if len(failing) == 1 else "are"
        return Decision(
            Status.OPEN,
            f"{len(failing)} of {plural(len(ours), 'diagnostic logging category', 'diagnostic logging categories')} "
            f"of {server} {verb} not at Lowest: {names}{more}.",
            verdicts,
            notes=notes,
            fix=FIX_COMMAND,
        )
    if unknown:
        return Decision(
            Status.NOT_REVIEWED,
            f"{plural(unknown, 'category', 'categories')} in the answer name no server, so cklauto cannot tell whether "
            f"they are {server}'s; a person must look.",
            verdicts,
            notes=notes,
        )
    if not ours:
        return Decision(
            Status.NOT_REVIEWED,
            f"Get-EventLogLevel -Server {server} returned no diagnostic logging category of {server}; every Exchange "
            "server has a few hundred, so this answer proves nothing and a person must look.",
            verdicts,
            notes=notes,
        )
    noun = plural(len(ours), "diagnostic logging category", "diagnostic logging categories")
    verb = "is" if len(ours) == 1 else "are"
    return Decision(Status.NOT_A_FINDING, f"All {noun} of {server} {verb} at Lowest.", verdicts, notes=notes)


def tabulate(answers: Answers) -> list[Table]:
    records = sorted(answers[EVENT_LOG_LEVELS], key=_sort_key)
    return [Table.of(PROPERTIES, records)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000025",
        group_id="V-207271",
        rule_ids=("SV-207271r615936_rule", "SV-207271r960879_rule"),
        legacy_ids=("V-69949", "SV-84571"),
    ),
    title="The Exchange Email Diagnostic log level must be set to the lowest level.",
    severity="medium",
    reads=(Read(EVENT_LOG_LEVELS, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="every diagnostic logging category of the server is at EventLevel Lowest",
)

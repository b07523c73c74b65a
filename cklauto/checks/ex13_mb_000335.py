"""EX13-MB-000335: Exchange must provide Mailbox databases in a highly available and redundant configuration

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-002385.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207332     SV-207332r615936_rule   V-70061, SV-84683
V2R3 (current)         V-207332     SV-207332r961620_rule   V-70061, SV-84683
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine if the Exchange Mailbox databases are using redundancy.

    Open an Exchange Admin Center.

    Navigate to and select Microsoft Exchange >> Microsoft Exchange On - Premises <server.domain> >> Organization
    Configuration >> Mailbox.

    In the right pane, if two or more Mailbox servers are not listed, this is a finding.

    Note: The EDSP must indicate what availability the system must have, as approved by the ISSO. This can be used
    for justification when determining finding and possibly a severity downgrade.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Add two or more Mailbox servers to the database availability group.

How cklauto decides (``decide``):

* **A console path, read as the fact it shows.**  The check walks an Exchange 2010-style console to a list of
  Mailbox servers; the fix says what the list must show: two or more Mailbox servers in the database availability
  group (DAG).  The Exchange 2019 STIG (V-259709) asks the same with ``Get-DatabaseAvailabilityGroup``: "If no
  DatabaseAvailabilityGroup is listed or a Database Availability Group is listed but has no member servers, this is a
  finding ... If two or more member servers are not listed, this is a finding."  cklauto reads
  ``Get-DatabaseAvailabilityGroup`` (every DAG of the organisation; DAG members are Mailbox servers by definition) and
  judges this server's databases: the server must be a member of a DAG with at least two member servers.
* A server in no DAG, a DAG with this server alone, and an organisation with no DAG at all (an empty answer) are
  Open: this server's databases have no copy on another server.  Other DAGs are listed as information.
* The EDSP's availability requirement may justify the finding or a severity downgrade; that is the ISSO's decision,
  so cklauto reports the finding and says so in a note.
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks.api import Answers, Check, Decision, Query, Read, Record, RuleIds, Scope, Settings, Table, Verdict
from cklauto.checks.text import plural, ps_literal, quoted, visible
from cklauto.model import Status

DAGS = Query("Get-DatabaseAvailabilityGroup", scope=Scope.ORGANIZATION)
PROPERTIES = ("Name", "Servers", "WitnessServer")
STIG_COMMAND = (
    "Exchange Admin Center: Microsoft Exchange >> Microsoft Exchange On - Premises <server.domain> >> Organization "
    "Configuration >> Mailbox"
)
FIX_TEXT = "Add two or more Mailbox servers to the database availability group."
NOTES = (
    "The STIG's console path is read as the fact it shows: this server must be a member of a database availability "
    "group with two or more Mailbox servers (as the fix and the Exchange 2019 STIG, V-259709, say); cklauto reads "
    "Get-DatabaseAvailabilityGroup.",
)
EDSP_NOTE = (
    "The STIG lets the EDSP's availability requirement, approved by the ISSO, justify this finding or a severity "
    "downgrade; that is a person's decision."
)


def _name(record: Record) -> str:
    name = values.text(record["Name"])
    if not name or not name.strip():
        raise ValueError("a database availability group without a Name")
    return name


def _members(record: Record) -> list[str]:
    members: list[str] = []
    for member in values.string_items(record["Servers"]):
        if not member.strip():
            raise ValueError(f"database availability group {_name(record)!r} lists a blank server")
        if member.strip().casefold() not in (m.casefold() for m in members):
            members.append(member.strip())
    return members


def _sorted(answers: Answers) -> list[Record]:
    return sorted(answers[DAGS], key=lambda r: (_name(r).casefold(), _name(r)))


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000335 for this server's mailbox databases."""
    server = answers.server.strip()
    if not server:
        raise ValueError("no Exchange server name to judge")
    verdicts = []
    own: list[tuple[str, list[str]]] = []
    for record in _sorted(answers):
        name, members = _name(record), _members(record)
        listed = ", ".join(visible(m) for m in members) or "none"
        if not any(values.is_same_server(m, server) for m in members):
            verdicts.append(Verdict(name, None, f"{server} is not a member (member servers: {listed})"))
            continue
        own.append((name, members))
        if len(members) >= 2:
            verdicts.append(Verdict(name, True, f"{server} is a member, with {len(members)} member servers: {listed}"))
        else:
            fix = f"Add-DatabaseAvailabilityGroupServer -Identity {ps_literal(name)} -MailboxServer '<Mailbox server>'"
            verdicts.append(Verdict(name, False, f"{server} is its only member server; expected two or more", fix))
    redundant = [(name, members) for name, members in own if len(members) >= 2]
    if redundant:
        name, members = redundant[0]
        return Decision(
            Status.NOT_A_FINDING,
            f"{server} is a member of the database availability group {quoted(name)} with {len(members)} Mailbox "
            "servers.",
            tuple(verdicts),
            notes=NOTES,
        )
    if own:
        why = f"{server} is the only Mailbox server in the database availability group {quoted(own[0][0])}"
    elif verdicts:
        groups = plural(len(verdicts), "database availability group")
        why = f"{server} is not a member of the organisation's {groups}"
    else:
        why = "The organisation has no database availability group (Get-DatabaseAvailabilityGroup returned nothing)"
    return Decision(
        Status.OPEN,
        f"{why}: {server}'s mailbox databases have no copy on another server.",
        tuple(verdicts),
        notes=(*NOTES, EDSP_NOTE),
        fix=FIX_TEXT,
    )


def tabulate(answers: Answers) -> list[Table]:
    return [Table.of(PROPERTIES, _sorted(answers))]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000335",
        group_id="V-207332",
        rule_ids=("SV-207332r615936_rule", "SV-207332r961620_rule"),
        legacy_ids=("V-70061", "SV-84683"),
    ),
    title="Exchange must provide Mailbox databases in a highly available and redundant configuration.",
    severity="medium",
    reads=(Read(DAGS, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="the server is a member of a database availability group with two or more Mailbox servers",
)

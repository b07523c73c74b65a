r"""EX13-MB-003031: A DoD-approved third party Exchange-aware malicious code protection application must be implemented

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated".

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207336     SV-207336r615936_rule   V-70053, SV-84675
V2R3 (current)         V-207336     SV-207336r961194_rule   V-70053, SV-84675
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Site must utilize an approved DoD third party malicious code scanner.

    Consult with System Administrator to demonstrate the application being used to provide malicious code protection in the Exchange implementation.

    If System Administrator is unable to demonstrate a third party malicious code protection application, this is a finding.

    If System Administrator is unaware of a third party malicious code protection application, this is a finding.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Following vendor best practice guidance, install and configure the third party malicious code protection application.

What cklauto gathers (``decide``): the transport agents of this server (``Get-TransportAgent``, asked on its own
endpoint), which is where an Exchange-aware malicious code scanner plugs into mail flow; agents Exchange does not ship
are pointed at.  Whether the System Administrator can demonstrate a DoD-approved third-party product is the
reviewer's to see (the STIG's check is a demonstration); EX13-MB-003030 separately requires Exchange's own Malware
Agent disabled.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Sequence

from cklauto.checks import values
from cklauto.checks._evidence import evidence_check, table, text_of
from cklauto.checks.api import Answers, Decision, Query, Read, Record, RuleIds, Scope, Settings, Table, Verdict

TRANSPORT_AGENTS = Query("Get-TransportAgent", scope=Scope.SERVER)
PROPERTIES = ("Identity", "Enabled", "Priority")
#: The transport agents Exchange 2013 installs on a Mailbox server (the emulator's catalogue, transport_agent.py).
BUILT_IN_AGENTS = frozenset(
    name.casefold()
    for name in (
        "Transport Rule Agent",
        "Retention Policy Agent",
        "Supervisory Review Agent",
        "Malware Agent",
        "Text Messaging Routing Agent",
        "Text Messaging Delivery Agent",
        "System Probe Drop Smtp Agent",
        "System Probe Drop Routing Agent",
        "Content Filter Agent",
        "Sender Id Agent",
        "Sender Filter Agent",
        "Recipient Filter Agent",
        "Protocol Analysis Agent",
    )
)


def agent_lines(records: Sequence[Record]) -> list[Verdict]:
    """One line per transport agent; an agent Exchange does not ship is pointed at."""
    lines = []
    for record in sorted(records, key=lambda r: text_of(r, "Identity").casefold()):
        name = text_of(record, "Identity")
        state = "enabled" if values.boolean(record["Enabled"]) else "disabled"
        origin = (
            "built into Exchange"
            if name.casefold() in BUILT_IN_AGENTS
            else "not built into Exchange: a third-party agent?"
        )
        lines.append(Verdict(name, None, f"transport agent, {state}, priority {text_of(record, 'Priority')}; {origin}"))
    return lines


def decide(answers: Answers, settings: Settings) -> Decision:
    lines = agent_lines(answers[TRANSPORT_AGENTS])
    others = [v for v in lines if "third-party" in v.reason]
    summary = (
        f"{len(lines)} transport agent(s), {len(others)} not built into Exchange; the System Administrator must "
        "demonstrate the DoD-approved third-party malicious code protection in use."
    )
    notes = (
        "The STIG's question: can the System Administrator demonstrate a third-party malicious code protection "
        "application?",
    )
    return Decision.evidence(summary, lines, notes)


def tabulate(answers: Answers) -> list[Table]:
    return [table(answers[TRANSPORT_AGENTS], PROPERTIES)]


CHECK = evidence_check(
    ids=RuleIds(
        stig_id="EX13-MB-003031",
        group_id="V-207336",
        rule_ids=(
            "SV-207336r615936_rule",
            "SV-207336r961194_rule",
        ),
        legacy_ids=("V-70053", "SV-84675"),
    ),
    title="A DoD-approved third party Exchange-aware malicious code protection application must be implemented.",
    severity="medium",
    reads=(Read(TRANSPORT_AGENTS, PROPERTIES),),
    stig_command="(none: the System Administrator demonstrates the product)",
    decide=decide,
    tabulate=tabulate,
    summary="evidence only: the server's transport agents (--collect-evidence)",
)

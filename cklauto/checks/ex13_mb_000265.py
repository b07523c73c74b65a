r"""EX13-MB-000265: Exchange servers must have an approved DoD email-aware virus protection software installed

Microsoft Exchange 2013 Mailbox Server STIG, severity high (CAT I).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated" (the evidence is read on the Windows host: add ``--host-checks``).

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207319     SV-207319r615936_rule   V-70045, SV-84667
V2R3 (current)         V-207319     SV-207319r961161_rule   V-70045, SV-84667
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the antivirus strategy.

    Verify the email-aware antivirus scanner product is Exchange 2013 compatible and DoD-approved.

    If email servers are using an email-aware antivirus scanner product that is not DoD-approved and Exchange 2013 compatible, this is a finding.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Update the EDSP.

    Install and configure a DoD-approved compatible Exchange 2013 email-aware antivirus scanner product.

What cklauto gathers (``decide``): the programs installed on the Windows host (the 64- and 32-bit Uninstall keys that
Programs and Features lists, read with ``Get-ItemProperty``; never Win32_Product, which triggers installer repairs)
and the server's transport agents (where an email-aware scanner plugs into Exchange).  Products of antivirus and
endpoint security vendors and agents Exchange does not ship are pointed at.  Whether the product is DoD-approved and
Exchange 2013 compatible, as the EDSP's antivirus strategy says, is the reviewer's judgement.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Sequence

from cklauto.checks import values
from cklauto.checks._evidence import SECURITY_VENDORS, evidence_check, table, text_of
from cklauto.checks._host import PROGRAMS
from cklauto.checks.api import Answers, Decision, Query, Read, Record, RuleIds, Scope, Settings, Table, Verdict

TRANSPORT_AGENTS = Query("Get-TransportAgent", scope=Scope.SERVER)
AGENT_PROPERTIES = ("Identity", "Enabled", "Priority")
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


def programs(records: Sequence[Record]) -> list[Record]:
    """The installed programs: Uninstall keys with a DisplayName (the others are no program Windows lists)."""
    return [r for r in records if "DisplayName" in r and (values.text(r["DisplayName"]) or "").strip()]


def decide(answers: Answers, settings: Settings) -> Decision:
    installed = programs(answers[PROGRAMS])
    lines = []
    for record in sorted(installed, key=lambda r: text_of(r, "DisplayName").casefold()):
        name = text_of(record, "DisplayName")
        publisher = text_of(record, "Publisher") if "Publisher" in record else ""
        if SECURITY_VENDORS.search(name + " " + publisher):
            version = text_of(record, "DisplayVersion") if "DisplayVersion" in record else ""
            lines.append(
                Verdict(
                    name, None, f"{publisher} {version}: a security product; DoD-approved and Exchange 2013 compatible?"
                )
            )
    lines += agent_lines(answers[TRANSPORT_AGENTS])
    found = sum(1 for v in lines if "security product" in v.reason)
    summary = (
        f"{len(installed)} installed program(s), {found} from antivirus or endpoint security vendors; whether an "
        "email-aware antivirus scanner that is DoD-approved and Exchange 2013 compatible is in use is for a person."
    )
    notes = (
        "The STIG's question: is the email-aware antivirus scanner product DoD-approved and Exchange 2013 "
        "compatible, as the EDSP's antivirus strategy says?",
    )
    return Decision.evidence(summary, lines, notes)


def tabulate(answers: Answers) -> list[Table]:
    shown = [r for r in programs(answers[PROGRAMS]) if all(p in r for p in ("Publisher", "DisplayVersion"))]
    return [
        table(shown, ("DisplayName", "Publisher", "DisplayVersion")),
        table(answers[TRANSPORT_AGENTS], AGENT_PROPERTIES),
    ]


CHECK = evidence_check(
    ids=RuleIds(
        stig_id="EX13-MB-000265",
        group_id="V-207319",
        rule_ids=(
            "SV-207319r615936_rule",
            "SV-207319r961161_rule",
        ),
        legacy_ids=("V-70045", "SV-84667"),
    ),
    title="Exchange servers must have an approved DoD email-aware virus protection software installed.",
    severity="high",
    reads=(Read(PROGRAMS, ("PSChildName",)), Read(TRANSPORT_AGENTS, AGENT_PROPERTIES)),
    stig_command="(none: review the EDSP's antivirus strategy)",
    decide=decide,
    tabulate=tabulate,
    summary="evidence only: installed security products and transport agents (--collect-evidence --host-checks)",
)

r"""EX13-MB-000050: Exchange Queue monitoring must be configured with threshold and action

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated" (the evidence is read on the Windows host: add ``--host-checks``).

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207276     SV-207276r615936_rule   V-69959, SV-84581
V2R3 (current)         V-207276     SV-207276r960918_rule   V-69959, SV-84581
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Note: If a third-party application is performing monitoring functions, the reviewer should verify the application is monitoring correctly and mark the vulnerability NA.

    Open the Exchange Management Shell and enter the following command:

    perfmon

    In the left pane, expand and navigate Performance >> Data Collector Sets >> User Defined.

    If no sets are defined or queues are not being monitored, this is a finding.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    perfmon

    In the left pane, navigate to and select Performance >> Data Collector Sets >> User Defined.

    Right-click on, navigate to, and configure User Defined >> New >> Data Collector Sets and configure the system to use the data collection set for monitoring the queues.

What cklauto gathers (``decide``): Performance Monitor keeps each Data Collector Set as a scheduled task under
``\Microsoft\Windows\PLA\``, so ``Get-ScheduledTask -TaskPath '\Microsoft\Windows\PLA\'`` on the Windows host
lists the sets the STIG's perfmon step shows (Server Manager's and Exchange's own diagnostic sets among them).  The
counters a set collects and its alert thresholds are not in that list: the reviewer opens the set (perfmon, as the
STIG says) to see whether it monitors the transport queues ("MSExchangeTransport Queues") with a threshold and an
action, or confirms that a third-party monitor does (then the STIG's note makes the rule Not_Applicable).  Sets whose
name or description mentions queues are pointed at.
"""  # noqa: E501

from __future__ import annotations

import re

from cklauto.checks._evidence import evidence_check, table, text_of
from cklauto.checks.api import Answers, Decision, Endpoint, Query, Read, RuleIds, Scope, Settings, Table, Verdict

COLLECTOR_SETS = Query("Get-ScheduledTask", (("TaskPath", "\\Microsoft\\Windows\\PLA\\"),), Scope.SERVER, Endpoint.HOST)
PROPERTIES = ("TaskName", "TaskPath", "State", "Description")
_QUEUES = re.compile(r"queue", re.IGNORECASE)


def decide(answers: Answers, settings: Settings) -> Decision:
    records = sorted(answers[COLLECTOR_SETS], key=lambda r: text_of(r, "TaskName").casefold())
    verdicts = []
    for record in records:
        name, state, about = text_of(record, "TaskName"), text_of(record, "State"), text_of(record, "Description")
        hint = "; its name or description mentions queues" if _QUEUES.search(name + " " + about) else ""
        verdicts.append(Verdict(name, None, f"Data Collector Set, {state}{hint}"))
    summary = (
        f"{len(records)} Data Collector Set(s) on the host; whether one monitors the transport queues with a threshold "
        "and an action (or a third-party monitor does) is for a person to see in perfmon."
    )
    notes = (
        "Data Collector Sets are read as the scheduled tasks Performance Monitor keeps under "
        "\\Microsoft\\Windows\\PLA\\; their counters and alerts are not.",
        "The STIG's note: a third-party application performing the monitoring makes this rule Not_Applicable, once "
        "the reviewer verifies it monitors correctly.",
    )
    return Decision.evidence(summary, verdicts, notes)


def tabulate(answers: Answers) -> list[Table]:
    return [table(answers[COLLECTOR_SETS], ("TaskName", "State", "Description"))]


CHECK = evidence_check(
    ids=RuleIds(
        stig_id="EX13-MB-000050",
        group_id="V-207276",
        rule_ids=(
            "SV-207276r615936_rule",
            "SV-207276r960918_rule",
        ),
        legacy_ids=("V-69959", "SV-84581"),
    ),
    title="Exchange Queue monitoring must be configured with threshold and action.",
    severity="medium",
    reads=(Read(COLLECTOR_SETS, PROPERTIES),),
    stig_command="perfmon",
    decide=decide,
    tabulate=tabulate,
    summary="evidence only: the host's Data Collector Sets (--collect-evidence --host-checks)",
)

r"""EX13-MB-000185: Exchange Receive connectors must be clearly named

Microsoft Exchange 2013 Mailbox Server STIG, severity low (CAT III).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated".

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207303     SV-207303r615936_rule   V-70013, SV-84635
V2R3 (current)         V-207303     SV-207303r961155_rule   V-70013, SV-84635
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-ReceiveConnector | Select Name, Identity

    Review the naming for connectors.

    If the connectors are not clearly named for purpose and direction, this is a finding.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Set-ReceiveConnector -Name <'NewReceiveConnectorName'> -Identity <'IdentityName'>

    Note: Both the <NewSendReceiveName> and <IdentityName> value must be in quotes.

What cklauto gathers (``decide``): this server's Receive connectors (``Get-ReceiveConnector -Server <server>``), with the STIG's columns (Name, Identity) and what tells a connector's
purpose and direction apart (TransportRole, Bindings, RemoteIPRanges, PermissionGroups), one line per connector.  Whether each name is clear about
purpose and direction is the reviewer's judgement; cklauto never judges names.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._evidence import evidence_check, table, text_of
from cklauto.checks.api import Answers, Decision, Placeholder, Query, Read, RuleIds, Scope, Settings, Table, Verdict

RECEIVE_CONNECTORS = Query("Get-ReceiveConnector", (("Server", Placeholder.SERVER),), Scope.SERVER)
PROPERTIES = ("Name", "Identity", "TransportRole", "Bindings", "RemoteIPRanges", "PermissionGroups")
STIG_COMMAND = "Get-ReceiveConnector | Select Name, Identity"


def decide(answers: Answers, settings: Settings) -> Decision:
    records = sorted(answers[RECEIVE_CONNECTORS], key=lambda r: (text_of(r, "Name").casefold(), text_of(r, "Identity")))
    verdicts = []
    for record in records:
        shown = {
            "TransportRole": text_of(record, "TransportRole"),
            "Bindings": text_of(record, "Bindings"),
            "RemoteIPRanges": text_of(record, "RemoteIPRanges"),
            "PermissionGroups": text_of(record, "PermissionGroups"),
        }
        detail = (
            "TransportRole {TransportRole}; bindings {Bindings}; remote IP ranges {RemoteIPRanges}; "
            "permission groups {PermissionGroups}"
        ).format(**{k: v or "(none)" for k, v in shown.items()})
        verdicts.append(Verdict(text_of(record, "Name"), None, f"{text_of(record, 'Identity')}: {detail}"))
    summary = (
        f"{len(records)} Receive connector(s); whether each is clearly named for purpose and direction is "
        "the reviewer's judgement."
    )
    notes = ("The STIG's question: are the connectors clearly named for purpose and direction?",)
    return Decision.evidence(summary, verdicts, notes)


def tabulate(answers: Answers) -> list[Table]:
    return [table(answers[RECEIVE_CONNECTORS], ("Name", "Identity"))]


CHECK = evidence_check(
    ids=RuleIds(
        stig_id="EX13-MB-000185",
        group_id="V-207303",
        rule_ids=(
            "SV-207303r615936_rule",
            "SV-207303r961155_rule",
        ),
        legacy_ids=("V-70013", "SV-84635"),
    ),
    title="Exchange Receive connectors must be clearly named.",
    severity="low",
    reads=(Read(RECEIVE_CONNECTORS, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="evidence only: the Receive connectors' names and what they connect (--collect-evidence)",
)

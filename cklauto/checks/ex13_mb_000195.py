r"""EX13-MB-000195: Exchange Send connectors must be clearly named

Microsoft Exchange 2013 Mailbox Server STIG, severity low (CAT III).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated".

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207305     SV-207305r615936_rule   V-70017, SV-84639
V2R3 (current)         V-207305     SV-207305r961155_rule   V-70017, SV-84639
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-SendConnector | Select Name, Identity

    Determine the naming for the Send connectors.

    For each Send connector, if the connectors are not clearly named for purpose and direction, this is a finding.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Set-SendConnector -Name <'NewSendConnectorName'> -Identity <'IdentityName'>

    Note: Both the <NewSendConnectorName> and <IdentityName> value must be in quotes.

    Repeat the procedure for each Send connector.

What cklauto gathers (``decide``): the organisation's Send connectors (``Get-SendConnector``; they are organisation-wide), with the STIG's columns (Name, Identity) and what tells a connector's
purpose and direction apart (AddressSpaces, SmartHosts, Enabled), one line per connector.  Whether each name is clear about
purpose and direction is the reviewer's judgement; cklauto never judges names.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._evidence import evidence_check, table, text_of
from cklauto.checks.api import Answers, Decision, Query, Read, RuleIds, Scope, Settings, Table, Verdict

SEND_CONNECTORS = Query("Get-SendConnector", scope=Scope.ORGANIZATION)
PROPERTIES = ("Name", "Identity", "AddressSpaces", "SmartHosts", "Enabled")
STIG_COMMAND = "Get-SendConnector | Select Name, Identity"


def decide(answers: Answers, settings: Settings) -> Decision:
    records = sorted(answers[SEND_CONNECTORS], key=lambda r: (text_of(r, "Name").casefold(), text_of(r, "Identity")))
    verdicts = []
    for record in records:
        shown = {
            "AddressSpaces": text_of(record, "AddressSpaces"),
            "SmartHosts": text_of(record, "SmartHosts"),
            "Enabled": text_of(record, "Enabled"),
        }
        detail = "address spaces {AddressSpaces}; smart hosts {SmartHosts}; enabled {Enabled}".format(
            **{k: v or "(none)" for k, v in shown.items()}
        )
        verdicts.append(Verdict(text_of(record, "Name"), None, f"{text_of(record, 'Identity')}: {detail}"))
    summary = (
        f"{len(records)} Send connector(s); whether each is clearly named for purpose and direction is "
        "the reviewer's judgement."
    )
    notes = ("The STIG's question: are the connectors clearly named for purpose and direction?",)
    return Decision.evidence(summary, verdicts, notes)


def tabulate(answers: Answers) -> list[Table]:
    return [table(answers[SEND_CONNECTORS], ("Name", "Identity"))]


CHECK = evidence_check(
    ids=RuleIds(
        stig_id="EX13-MB-000195",
        group_id="V-207305",
        rule_ids=(
            "SV-207305r615936_rule",
            "SV-207305r961155_rule",
        ),
        legacy_ids=("V-70017", "SV-84639"),
    ),
    title="Exchange Send connectors must be clearly named.",
    severity="low",
    reads=(Read(SEND_CONNECTORS, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="evidence only: the Send connectors' names and what they connect (--collect-evidence)",
)

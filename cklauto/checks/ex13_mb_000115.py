"""EX13-MB-000115: Exchange internal Receive connectors must use Domain Security (mutual authentication
Transport Layer Security)

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69985      SV-84607r1_rule
V2R1, V2R2             V-207289     SV-207289r615936_rule   V-69985, SV-84607
V2R3 (current)         V-207289     SV-207289r961110_rule   V-69985, SV-84607
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Get-ReceiveConnector | Select Name, Identity, DomainSecureEnabled

    For each Receive connector, if the value of DomainSecureEnabled is not set to True, this is a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Set-ReceiveConnector -Identity <'IdentityName'> -DomainSecureEnabled $true

    Note: The <IdentityName> value must be in quotes.

    Repeat the procedures for each Receive connector.

How cklauto decides (``decide``):

* cklauto asks ``Get-ReceiveConnector -Server <server>`` and judges only this server's connectors (see
  :mod:`cklauto.checks._receive_connectors`).
* A connector complies when DomainSecureEnabled is True.  False is a finding; ``$null`` (which Exchange never sends
  for this bool) or any other value cannot be read and makes the rule fail closed.  The text ``"False"`` of an
  evidence file is read as False: a non-empty string is never taken as true.
* The title says *internal* connectors while the check says *each* connector, and no later Mailbox STIG narrows it
  (the rule is absent from the Exchange 2016 and 2019 Mailbox STIGs), so every connector of the server is judged, as
  the check text says.  Setup leaves DomainSecureEnabled False on "Default", "Client Proxy" and "Client Frontend"
  (HC19 capture), so a server as installed is Open.
* Any non-compliant connector makes the rule Open; no connector of this server leaves it Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _receive_connectors as rc
from cklauto.checks._judging import require_bool
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, Table, Verdict

STIG_COMMAND = "Get-ReceiveConnector | Select Name, Identity, DomainSecureEnabled"
FIX_COMMAND = "Set-ReceiveConnector -Identity <'IdentityName'> -DomainSecureEnabled $true"
COLUMNS = ("Name", "Identity", "DomainSecureEnabled")


def _judge(connector: rc.Connector) -> Verdict:
    return require_bool(connector, "DomainSecureEnabled", True)


def decide(answers: Answers, settings: Settings) -> Decision:
    return rc.decide_each(answers, _judge, requirement="DomainSecureEnabled is True", fix=FIX_COMMAND)


def tabulate(answers: Answers) -> list[Table]:
    return rc.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000115",
        group_id="V-207289",
        rule_ids=("SV-207289r615936_rule", "SV-207289r961110_rule"),
        legacy_ids=("V-69985", "SV-84607"),
    ),
    title=(
        "Exchange internal Receive connectors must use Domain Security "
        "(mutual authentication Transport Layer Security)."
    ),
    severity="medium",
    reads=(Read(rc.RECEIVE_CONNECTORS, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="every Receive connector of the server has DomainSecureEnabled True",
)

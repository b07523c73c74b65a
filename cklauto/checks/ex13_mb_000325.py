"""EX13-MB-000325: The Exchange SMTP automated banner response must not reveal server details

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70065      SV-84687r1_rule
V2R1, V2R2             V-207331     SV-207331r615936_rule   V-70065, SV-84687
V2R3 (current)         V-207331     SV-207331r961620_rule   V-70065, SV-84687
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Get-ReceiveConnector | Select Name, Identity, Banner

    For each Receive connector, if the value of Banner is not set to 220 SMTP Server Ready, this is a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Set-ReceiveConnector -Identity <'IdentityName'> -Banner '220 SMTP Server Ready'

    Note: The <IdentityName> and 220 SMTP Server Ready values must be in quotes.

    Repeat the procedures for each Receive connector.

How cklauto decides (``decide``):

* cklauto asks ``Get-ReceiveConnector -Server <server>`` and judges only this server's connectors (see
  :mod:`cklauto.checks._receive_connectors`).
* A connector complies when its Banner is exactly ``220 SMTP Server Ready``: same letters, same case, no extra
  spaces, because the STIG gives the exact text and only that text proves compliance.  Evaluate-STIG's ``-eq`` on the
  2016 rule ignores letter case; cklauto does not, and leaves a variant that differs only in case or spacing Open with
  a reason that says so, for a person to accept if the site wishes.
* An unset Banner (``''``, as Exchange sends it, or ``$null``) is a finding: the connector then answers with
  Exchange's default banner, which names the server and its software ("220 <FQDN> Microsoft ESMTP MAIL Service
  ready at <date>"), exactly what the rule forbids.  Setup leaves every connector's Banner unset, so a server as
  installed is Open.
* Any non-compliant connector makes the rule Open; no connector of this server leaves it Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _receive_connectors as rc
from cklauto.checks import values
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, Table, Verdict
from cklauto.checks.text import ps_literal, visible

STIG_COMMAND = "Get-ReceiveConnector | Select Name, Identity, Banner"
FIX_COMMAND = "Set-ReceiveConnector -Identity <'IdentityName'> -Banner '220 SMTP Server Ready'"
COLUMNS = ("Name", "Identity", "Banner")
REQUIRED_BANNER = "220 SMTP Server Ready"


def _judge(connector: rc.Connector) -> Verdict:
    banner = values.text(connector.record["Banner"])
    fix = connector.fix(f"-Banner {ps_literal(REQUIRED_BANNER)}")
    if banner == REQUIRED_BANNER:
        return Verdict(connector.name, True, f"Banner is {REQUIRED_BANNER}")
    if banner is None or values.is_blank(banner):
        shown = "$null" if banner is None else "empty"
        return Verdict(
            connector.name,
            False,
            f"Banner is not set ({shown}), so the connector announces Exchange's default banner with the server's "
            f"name; expected {REQUIRED_BANNER}",
            fix,
        )
    shown = visible(banner, quote_if_padded=True)
    if " ".join(banner.split()).casefold() == REQUIRED_BANNER.casefold():
        return Verdict(
            connector.name,
            False,
            f"Banner is {shown}, which differs from the required {REQUIRED_BANNER} only in letter case or spacing",
            fix,
        )
    return Verdict(connector.name, False, f"Banner is {shown}; expected {REQUIRED_BANNER}", fix)


def decide(answers: Answers, settings: Settings) -> Decision:
    return rc.decide_each(answers, _judge, requirement=f"Banner is {REQUIRED_BANNER}", fix=FIX_COMMAND)


def tabulate(answers: Answers) -> list[Table]:
    return rc.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000325",
        group_id="V-207331",
        rule_ids=("SV-207331r615936_rule", "SV-207331r961620_rule"),
        legacy_ids=("V-70065", "SV-84687"),
    ),
    title="The Exchange SMTP automated banner response must not reveal server details.",
    severity="medium",
    reads=(Read(rc.RECEIVE_CONNECTORS, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="every Receive connector of the server has the Banner '220 SMTP Server Ready'",
)

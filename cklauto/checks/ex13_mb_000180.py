"""EX13-MB-000180: Exchange Receive connectors must control the number of recipients per message

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70011      SV-84633r1_rule
V2R1, V2R2             V-207302     SV-207302r615936_rule   V-70011, SV-84633
V2R3 (current)         V-207302     SV-207302r961155_rule   V-70011, SV-84633
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Review the Email Domain Security Plan (EDSP).

    Determine the Maximum Recipients per Message value.

    Open the Exchange Management Shell and enter the following command:

    Get-ReceiveConnector | Select Name, Identity, MaxRecipientsPerMessage

    For each Receive connector, evaluate the MaxRecipientsPerMessage value.

    For each Receive connector, if the value of MaxRecipientsPerMessage is not set to 5000, this is a finding.

    or

    If the value of Maximum Recipients per Message is set to a value other than 5000 and has signoff and risk acceptance
    in the EDSP, this is not a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-ReceiveConnector -Identity <'IdentityName'> -MaxRecipientsPerMessage 5000

    Note: The <IdentityName> value must be in quotes.

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

    Repeat the procedure for each Receive connector.

How cklauto decides (``decide``):

* cklauto asks ``Get-ReceiveConnector -Server <server>`` and judges only this server's connectors (see
  :mod:`cklauto.checks._receive_connectors`).
* A connector complies when its MaxRecipientsPerMessage is 5000. It also complies when its value equals the one the
  site's EDSP accepts with signoff and risk acceptance (optional site setting
  ``accepted_max_recipients_per_message``); the verdict then says so. The STIG's "or" sentence is that exception: the
  value differs from 5000 *and* the EDSP accepts it.
* "not set to 5000" is exact: a lower limit is a finding too unless the EDSP accepts it. Setup gives four of the five
  default connectors 200 (HC19 capture), so a server as installed is Open unless the EDSP accepts 200.
* ``$null``, a bool or text that is not a whole number cannot be read and makes the rule fail closed.
* Any non-compliant connector makes the rule Open; no connector of this server leaves it Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _receive_connectors as rc
from cklauto.checks import values
from cklauto.checks._judging import require_value
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Read,
    RuleIds,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)

STIG_COMMAND = "Get-ReceiveConnector | Select Name, Identity, MaxRecipientsPerMessage"
FIX_COMMAND = "Set-ReceiveConnector -Identity <'IdentityName'> -MaxRecipientsPerMessage 5000"
COLUMNS = ("Name", "Identity", "MaxRecipientsPerMessage")
REQUIRED = 5000
ACCEPTED_MAX_RECIPIENTS_PER_MESSAGE = SiteSetting(
    "accepted_max_recipients_per_message",
    SettingType.INTEGER,
    "The Maximum Recipients per Message value the site's EDSP accepts, with signoff and risk acceptance, "
    "instead of the STIG's 5000 (EX13-MB-000180).",
    required=False,
)


def _judge(connector: rc.Connector, settings: Settings) -> Verdict:
    return require_value(
        connector,
        "MaxRecipientsPerMessage",
        read=values.integer,
        required=REQUIRED,
        shown_required=str(REQUIRED),
        fix_value=str(REQUIRED),
        setting=ACCEPTED_MAX_RECIPIENTS_PER_MESSAGE.name,
        settings=settings,
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    return rc.decide_each(
        answers, lambda c: _judge(c, settings), requirement=f"MaxRecipientsPerMessage is {REQUIRED}", fix=FIX_COMMAND
    )


def tabulate(answers: Answers) -> list[Table]:
    return rc.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000180",
        group_id="V-207302",
        rule_ids=("SV-207302r615936_rule", "SV-207302r961155_rule"),
        legacy_ids=("V-70011", "SV-84633"),
    ),
    title="Exchange Receive connectors must control the number of recipients per message.",
    severity="low",
    reads=(Read(rc.RECEIVE_CONNECTORS, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ACCEPTED_MAX_RECIPIENTS_PER_MESSAGE,),
    summary="every Receive connector of the server has MaxRecipientsPerMessage 5000 (or the EDSP-accepted value)",
)

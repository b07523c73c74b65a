"""EX13-MB-000190: The Exchange Receive Connector Maximum Hop Count must be 60

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70015      SV-84637r1_rule
V2R1, V2R2             V-207304     SV-207304r615936_rule   V-70015, SV-84637
V2R3 (current)         V-207304     SV-207304r961155_rule   V-70015, SV-84637
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Review the Email Domain Security Plan (EDSP).

    Determine the value for Receive connectors.

    Open the Exchange Management Shell and enter the following command:

    Get-ReceiveConnector | Select Name, MaxHopCount

    For each Receive connector, if the value of MaxHopCount is not set to 60, this is a finding.

    or

    If the value of MaxHopCount is set to a value other than 60 and has signoff and risk acceptance in the EDSP, this is
    not a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-ReceiveConnector -MaxHopCount 60

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

    Repeat the procedure for each Receive connector.

How cklauto decides (``decide``):

* cklauto asks ``Get-ReceiveConnector -Server <server>`` and judges only this server's connectors (see
  :mod:`cklauto.checks._receive_connectors`).
* A connector complies when its MaxHopCount is 60. It also complies when its value equals the one the site's EDSP
  accepts with signoff and risk acceptance (optional site setting ``accepted_max_hop_count``); the verdict then says
  so. The STIG's "or" sentence is that exception: the value differs from 60 *and* the EDSP accepts it.
* "not set to 60" is exact. Setup gives every default connector 60 (HC19 capture); a connector made later with
  New-ReceiveConnector may carry another value.
* The STIG's command selects only Name and MaxHopCount; cklauto also reads Identity, to tell whose connector it is and
  to fill in the fix (the STIG's fix omits -Identity).
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

STIG_COMMAND = "Get-ReceiveConnector | Select Name, MaxHopCount"
FIX_COMMAND = "Set-ReceiveConnector -MaxHopCount 60"
COLUMNS = ("Name", "MaxHopCount")
REQUIRED = 60
ACCEPTED_MAX_HOP_COUNT = SiteSetting(
    "accepted_max_hop_count",
    SettingType.INTEGER,
    "The MaxHopCount the site's EDSP accepts for Receive connectors, with signoff and risk acceptance, instead "
    "of the STIG's 60 (EX13-MB-000190).",
    required=False,
)


def _judge(connector: rc.Connector, settings: Settings) -> Verdict:
    return require_value(
        connector,
        "MaxHopCount",
        read=values.integer,
        required=REQUIRED,
        shown_required=str(REQUIRED),
        fix_value=str(REQUIRED),
        setting=ACCEPTED_MAX_HOP_COUNT.name,
        settings=settings,
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    return rc.decide_each(
        answers, lambda c: _judge(c, settings), requirement=f"MaxHopCount is {REQUIRED}", fix=FIX_COMMAND
    )


def tabulate(answers: Answers) -> list[Table]:
    return rc.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000190",
        group_id="V-207304",
        rule_ids=("SV-207304r615936_rule", "SV-207304r961155_rule"),
        legacy_ids=("V-70015", "SV-84637"),
    ),
    title="The Exchange Receive Connector Maximum Hop Count must be 60.",
    severity="low",
    reads=(Read(rc.RECEIVE_CONNECTORS, (*COLUMNS, "Identity")),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ACCEPTED_MAX_HOP_COUNT,),
    summary="every Receive connector of the server has MaxHopCount 60 (or the EDSP-accepted value)",
)

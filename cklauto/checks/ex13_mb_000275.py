"""EX13-MB-000275: The Exchange Receive connector timeout must be limited

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70049      SV-84671r1_rule
V2R1, V2R2             V-207321     SV-207321r615936_rule   V-70049, SV-84671
V2R3 (current)         V-207321     SV-207321r961221_rule   V-70049, SV-84671
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Review the Email Domain Security Plan (EDSP).

    Determine the Connection Timeout value.

    Open the Exchange Management Shell and enter the following command:

    Get-ReceiveConnector | Select Name, Identity, ConnectionTimeout

    For each Receive connector, if the value of ConnectionTimeout is not set to 00:10:00, this is a finding.

    or

    If ConnectionTimeout is set to other than 00:10:00 and has signoff and risk acceptance in the EDSP, this is not a
    finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-ReceiveConnector -Identity <'IdentityName'> -ConnectionTimeout 00:10:00

    Note: The <IdentityName> value must be in quotes.

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

How cklauto decides (``decide``):

* cklauto asks ``Get-ReceiveConnector -Server <server>`` and judges only this server's connectors (see
  :mod:`cklauto.checks._receive_connectors`).
* ConnectionTimeout is an EnhancedTimeSpan sent as text (``00:10:00``, exchange-objects.md §1.2); it is compared as a
  duration, so ``0.00:10:00`` and ``00:10:00.0000000`` are ten minutes too.
* A connector complies when its ConnectionTimeout is exactly 10 minutes, or equals the duration the site's EDSP
  accepts with signoff and risk acceptance (optional site setting ``accepted_receive_connection_timeout``, written as
  Exchange writes it, e.g. ``00:05:00``); the verdict then says so.
* The title says the timeout "must be limited" but the check text names one value: a shorter timeout is a finding too
  unless the EDSP accepts it, as the check text says (and as Evaluate-STIG tests the same rule of the 2016 STIG).
  Setup gives every default connector 00:10:00 (HC19 capture).
* ``$null`` or text that is not a time span cannot be read and makes the rule fail closed; so does a setting that is
  not a time span (the error names the setting).
* Any non-compliant connector makes the rule Open; no connector of this server leaves it Not_Reviewed.
"""

from __future__ import annotations

from typing import Any

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

STIG_COMMAND = "Get-ReceiveConnector | Select Name, Identity, ConnectionTimeout"
FIX_COMMAND = "Set-ReceiveConnector -Identity <'IdentityName'> -ConnectionTimeout 00:10:00"
COLUMNS = ("Name", "Identity", "ConnectionTimeout")
REQUIRED = "00:10:00"
ACCEPTED_TIMEOUT = SiteSetting(
    "accepted_receive_connection_timeout",
    SettingType.TEXT,
    "The Receive connector ConnectionTimeout the site's EDSP accepts, with signoff and risk acceptance, instead"
    ' of the STIG\'s 00:10:00, written as Exchange writes it, e.g. "00:05:00" (EX13-MB-000275).',
    required=False,
)


def _timeout(value: Any) -> Any:
    seconds = values.seconds(value)
    if seconds is values.UNLIMITED:
        raise ValueError("ConnectionTimeout is Unlimited, which a Receive connector's timeout never is")
    return seconds


def _setting_seconds(value: Any) -> Any:
    try:
        return values.seconds(value)
    except ValueError as exc:
        raise ValueError(f"site setting {ACCEPTED_TIMEOUT.name}: {exc}") from None


def _judge(connector: rc.Connector, settings: Settings) -> Verdict:
    return require_value(
        connector,
        "ConnectionTimeout",
        read=_timeout,
        required=values.seconds(REQUIRED),
        shown_required=REQUIRED,
        fix_value=REQUIRED,
        setting=ACCEPTED_TIMEOUT.name,
        settings=settings,
        read_setting=_setting_seconds,
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    return rc.decide_each(
        answers, lambda c: _judge(c, settings), requirement=f"ConnectionTimeout is {REQUIRED}", fix=FIX_COMMAND
    )


def tabulate(answers: Answers) -> list[Table]:
    return rc.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000275",
        group_id="V-207321",
        rule_ids=("SV-207321r615936_rule", "SV-207321r961221_rule"),
        legacy_ids=("V-70049", "SV-84671"),
    ),
    title="The Exchange Receive connector timeout must be limited.",
    severity="low",
    reads=(Read(rc.RECEIVE_CONNECTORS, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ACCEPTED_TIMEOUT,),
    summary="every Receive connector of the server has ConnectionTimeout 00:10:00 (or the EDSP-accepted value)",
)

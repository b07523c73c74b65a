"""EX13-MB-000200: Exchange Send connectors delivery retries must be controlled

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70019      SV-84641r1_rule
V2R1, V2R2             V-207306     SV-207306r615936_rule   V-70019, SV-84641
V2R3 (current)         V-207306     SV-207306r961155_rule   V-70019, SV-84641
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Review the Email Domain Security Plan (EDSP).

    Determine the value for Transient Failure Retry Count.

    Open the Exchange Management Shell and enter the following command:

    Get-TransportService  | Select Name, Identity, TransientFailureRetryCount

    If the value of TransientFailureRetryCount is not set to 10 or less, this is a finding.

    or

    If the value of TransientFailureRetryCount is set to more than 10 or has signoff and risk acceptance in the EDSP,
    this is not a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-TransportService -Identity <'IdentityName'> -TransientFailureRetryCount 10

    Note: The <ServerIdentity> value must be in quotes.

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

How cklauto decides (``decide``):

* cklauto asks ``Get-TransportService -Identity <server>`` and judges only this server's Transport service (see
  :mod:`cklauto.checks._transport_service`); the STIG's bare ``Get-TransportService`` lists every server's.
* A value from 0 to 10 complies (Exchange accepts 0 to 15; the default is 6, so a server as installed passes). A value
  above 10 complies only when it equals the value the site's EDSP accepts with signoff and risk acceptance (optional
  site setting ``accepted_transient_failure_retry_count``); the verdict then says so. A negative value, which Exchange
  never holds, is a finding.
* **"or has signoff" is read as "and has signoff".** Taken literally, the second sentence ("If the value ... is set to
  more than 10 or has signoff and risk acceptance in the EDSP, this is not a finding") would make every value above 10
  not a finding and contradict the first sentence. Every other rule of this STIG with an EDSP exception says "set to a
  value other than ... and has signoff and risk acceptance", so that is the reading: above 10 is a finding unless the
  EDSP accepts it.
* The count is compared as a number: Evaluate-STIG's Edge module tests the same rule with ``-le '10'``, which compares
  text when the value arrives as text ("9" would then sort after "10"); here ``"9"`` is 9.
* The title speaks of Send connectors, but the property is the Transport service's, as the check command shows; the
  fix note's ``<ServerIdentity>`` is the same ``<'IdentityName'>``, the server's name.
* ``$null``, a bool or text that is not a whole number cannot be read and makes the rule fail closed.
* No Transport service of this server in the answer leaves the rule Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _transport_service as ts
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

STIG_COMMAND = "Get-TransportService  | Select Name, Identity, TransientFailureRetryCount"
FIX_COMMAND = "Set-TransportService -Identity <'IdentityName'> -TransientFailureRetryCount 10"
COLUMNS = ("Name", "Identity", "TransientFailureRetryCount")
ACCEPTED = SiteSetting(
    "accepted_transient_failure_retry_count",
    SettingType.INTEGER,
    "The TransientFailureRetryCount above 10 that the site's EDSP accepts, with signoff and risk acceptance "
    "(EX13-MB-000200).",
    required=False,
)
READING = (
    'The STIG\'s "set to more than 10 or has signoff" is read as "and has signoff": a value above 10 is a finding '
    "unless the site's EDSP accepts it, as every other EDSP exception of this STIG is worded."
)


def _judge(service: ts.Service, settings: Settings) -> Verdict:
    return require_value(
        service,
        "TransientFailureRetryCount",
        read=values.integer,
        required=None,
        shown_required="10 or less",
        fix_value="10",
        setting=ACCEPTED.name,
        settings=settings,
        complies=lambda count: 0 <= count <= 10,
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    return ts.decide_one(
        answers,
        lambda s: _judge(s, settings),
        requirement="TransientFailureRetryCount is 10 or less",
        fix=FIX_COMMAND,
        notes=(READING,),
    )


def tabulate(answers: Answers) -> list[Table]:
    return ts.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000200",
        group_id="V-207306",
        rule_ids=("SV-207306r615936_rule", "SV-207306r961155_rule"),
        legacy_ids=("V-70019", "SV-84641"),
    ),
    title="Exchange Send connectors delivery retries must be controlled.",
    severity="low",
    reads=(Read(ts.TRANSPORT_SERVICE, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ACCEPTED,),
    summary="the server's Transport service has TransientFailureRetryCount 10 or less (or the EDSP-accepted value)",
)

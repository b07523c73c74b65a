"""EX13-MB-000230: The Exchange Outbound Connection Timeout must be 10 minutes or less

Microsoft Exchange 2013 Mailbox Server STIG, severity low (CAT III), CCI-001095.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70031      SV-84653r1_rule
V2R1, V2R2             V-207312     SV-207312r615936_rule   V-70031, SV-84653
V2R3 (current)         V-207312     SV-207312r961155_rule   V-70031, SV-84653
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the Connection Timeout value.

    Open the Exchange Management Shell and enter the following command:

    Get-SendConnector | Select Name, Identity, ConnectionInactivityTimeOut

    For each Send connector, if the value of ConnectionInactivityTimeOut is not set to 00:10:00, this is a finding.

    or

    If ConnectionInactivityTimeOut is set to other than 00:10:00 and has signoff and risk acceptance in the EDSP, this
    is not a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-SendConnector -Identity <'IdentityName'> -ConnectionInactivityTimeOut  00:10:00

    Note: The <IdentityName> value must be in quotes.

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

How cklauto decides (the title says "10 minutes or less", the check "not set to 00:10:00"):

* ConnectionInactivityTimeOut (capital O) is an EnhancedTimeSpan sent as text (``00:10:00``), read as seconds, never
  compared as a string: ``00:10:00.0000000`` and ``0.00:10:00`` are ten minutes too.
* 00:10:00 complies.  A shorter timeout complies as well, with a verdict saying so: the title requires "10 minutes or
  less", and the discussion of the same rule in the Exchange 2016 STIG (V-228390) says "A value of '10' or less is
  optimal"; a shorter idle timeout only frees connections sooner.  A timeout of zero or less is not a value Exchange
  accepts and is refused as unreadable.
* A longer timeout (or Unlimited) is a finding, unless it equals the value the EDSP accepts with signoff and risk
  acceptance, given in the optional ``accepted_connection_inactivity_timeout`` setting; that verdict says the EDSP
  accepted it.
* Every connector is judged on its own.  (Evaluate-STIG compares the whole list with the expected value inside its
  per-connector loop, so one compliant connector passes them all.)  No Send connectors: NotAFinding, said plainly.
"""

from __future__ import annotations

from cklauto.checks import _send_connectors, _tally, values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Read,
    Record,
    RuleIds,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import ps_literal, visible

PROPERTY = "ConnectionInactivityTimeOut"
PROPERTIES = ("Name", "Identity", PROPERTY)
STIG_COMMAND = "Get-SendConnector | Select Name, Identity, ConnectionInactivityTimeOut"
LIMIT = 600.0
ACCEPTED_TIMEOUT = SiteSetting(
    "accepted_connection_inactivity_timeout",
    SettingType.TEXT,
    "A Send connector ConnectionInactivityTimeOut longer than 00:10:00 that the EDSP accepts with signoff and risk "
    'acceptance, as a time span such as "00:15:00".  Optional.',
    required=False,
)


def _accepted(settings: Settings) -> float | None:
    raw = settings.get(ACCEPTED_TIMEOUT.name)
    if raw is None:
        return None
    try:
        accepted = values.seconds(raw)
    except ValueError as exc:
        raise ValueError(f"site setting {ACCEPTED_TIMEOUT.name}: {exc}") from None
    if not isinstance(accepted, float) or accepted <= 0:
        raise ValueError(f"site setting {ACCEPTED_TIMEOUT.name}: {raw!r} is not a time span such as '00:15:00'")
    return accepted


def _judge(record: Record, accepted: float | None) -> Verdict:
    name = _tally.name_of(record, _send_connectors.KIND)
    raw = record[PROPERTY]
    timeout = values.seconds(raw)
    shown = visible(str(raw).strip())
    if isinstance(timeout, float) and timeout <= 0:
        raise ValueError(f"{PROPERTY} {shown} is not a timeout Exchange accepts")
    if isinstance(timeout, float) and timeout == LIMIT:
        return Verdict(name, True, f"{PROPERTY} is {shown}")
    if isinstance(timeout, float) and timeout < LIMIT:
        return Verdict(name, True, f"{PROPERTY} is {shown}, under 10 minutes (the title: '10 minutes or less')")
    if accepted is not None and timeout == accepted:
        return Verdict(name, True, f"{PROPERTY} is {shown}, the value the EDSP accepts with risk acceptance")
    fix = f"Set-SendConnector -Identity {ps_literal(_tally.identity_of(record))} -{PROPERTY} 00:10:00"
    return Verdict(name, False, f"{PROPERTY} is {shown}, longer than 00:10:00", fix)


def decide(answers: Answers, settings: Settings) -> Decision:
    accepted = _accepted(settings)
    records = _send_connectors.records(answers)
    if not records:
        return _send_connectors.none_configured("none keeps idle connections longer than 10 minutes")
    verdicts = [_judge(r, accepted) for r in records]
    return _tally.tally(verdicts, noun=_send_connectors.KIND, requirement=f"a {PROPERTY} of 00:10:00 or less")


def tabulate(answers: Answers) -> list[Table]:
    return [_send_connectors.tabulate(answers, PROPERTIES)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000230",
        group_id="V-207312",
        rule_ids=("SV-207312r615936_rule", "SV-207312r961155_rule"),
        legacy_ids=("V-70031", "SV-84653"),
    ),
    title="The Exchange Outbound Connection Timeout must be 10 minutes or less.",
    severity="low",
    reads=(Read(_send_connectors.SEND_CONNECTORS, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ACCEPTED_TIMEOUT,),
    summary="every Send connector's ConnectionInactivityTimeOut is 00:10:00 or less (or the EDSP-accepted value)",
)

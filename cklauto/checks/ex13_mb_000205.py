"""EX13-MB-000205: Exchange Message size restrictions must be controlled on Send connectors

Microsoft Exchange 2013 Mailbox Server STIG, severity low (CAT III), CCI-001095.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70021      SV-84643r1_rule
V2R1, V2R2             V-207307     SV-207307r615936_rule   V-70021, SV-84643
V2R3 (current)         V-207307     SV-207307r961155_rule   V-70021, SV-84643
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the maximum message send size.

    Open the Exchange Management Shell and enter the following command:

    Get-SendConnector | Select Name, Identity, MaxMessageSize

    For each Send connector, if the value of MaxMessageSize is not the same as the global value, this is a finding.

    or

    If MaxMessageSize is set to a numeric value different from the maximum message send size value documented in the
    EDSP, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-SendConnector -Identity <'IdentityName'> -MaxMessageSize <MaxSendSize>

    Note: The <IdentityName> value must be in quotes.

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

    Repeat the procedures for each Send connector.

How cklauto decides (two finding clauses; which one governs is not said):

* "The global value" is the organisation's MaxSendSize (``Get-TransportConfig``), the global limit on the size of a
  message sent, which the fix's ``<MaxSendSize>`` names.  Sizes are compared as byte counts read from
  ``10 MB (10,485,760 bytes)``, never as display text; ``Unlimited`` equals only ``Unlimited``.
* Without an EDSP value every Send connector's MaxMessageSize must equal the global MaxSendSize (the first clause).
* The EDSP's maximum message send size, given in the optional ``max_send_size`` setting, governs when given: the
  check begins "Determine the maximum message send size" from the EDSP, the second clause makes any other numeric
  value a finding, and the fix accepts "the value as identified by the EDSP that has obtained a signoff with risk
  acceptance".  A connector then complies only when it equals the EDSP value; the verdict says so, and a note shows
  the global value beside it.  When the two agree, both clauses are met at once.
* No global value (Get-TransportConfig returned nothing) and no EDSP value: Not_Reviewed.  More than one transport
  configuration is not an organisation's answer and is refused.  No Send connectors: NotAFinding, said plainly.
"""

from __future__ import annotations

from cklauto.checks import _send_connectors, _tally, values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Query,
    Read,
    Record,
    RuleIds,
    Scope,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import ps_literal, visible

TRANSPORT_CONFIG = Query("Get-TransportConfig", scope=Scope.ORGANIZATION)
PROPERTY = "MaxMessageSize"
PROPERTIES = ("Name", "Identity", PROPERTY)
GLOBAL_PROPERTY = "MaxSendSize"
STIG_COMMAND = "Get-SendConnector | Select Name, Identity, MaxMessageSize"
MAX_SEND_SIZE = SiteSetting(
    "max_send_size",
    SettingType.BYTES,
    'The maximum message send size the EDSP documents, e.g. "10 MB", 10485760 or "Unlimited".  Optional: without it '
    "each Send connector's MaxMessageSize must equal the organisation's MaxSendSize (Get-TransportConfig).",
    required=False,
)


def powershell_size(size: values.Size) -> str:
    """A size as a Set-SendConnector argument: ``Unlimited``, ``10MB`` (a PowerShell number literal) or bytes."""
    if size is values.UNLIMITED:
        return "Unlimited"
    assert isinstance(size, int)
    for suffix, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size and size % scale == 0:
            return f"{size // scale}{suffix}"
    return str(size)


def _global(answers: Answers) -> values.Size | None:
    found = answers[TRANSPORT_CONFIG]
    if not found:
        return None
    if len(found) > 1:
        raise ValueError(f"Get-TransportConfig returned {len(found)} objects; an organisation has one")
    return values.size(found[0][GLOBAL_PROPERTY])


def _judge(record: Record, expected: values.Size, source: str) -> Verdict:
    name = _tally.name_of(record, _send_connectors.KIND)
    raw = record[PROPERTY]
    size = values.size(raw)
    shown = visible(str(raw).strip())
    if size == expected:
        return Verdict(name, True, f"{PROPERTY} is {shown}, the same as {source}")
    identity = ps_literal(_tally.identity_of(record))
    fix = f"Set-SendConnector -Identity {identity} -{PROPERTY} {powershell_size(expected)}"
    return Verdict(name, False, f"{PROPERTY} is {shown}; {source} is {values.format_size(expected)}", fix)


def decide(answers: Answers, settings: Settings) -> Decision:
    edsp = settings.get(MAX_SEND_SIZE.name)
    global_size = _global(answers)
    records = _send_connectors.records(answers)
    notes = []
    if global_size is not None:
        notes.append(f"The global value (Get-TransportConfig MaxSendSize) is {values.format_size(global_size)}.")
    if edsp is not None:
        expected, source = edsp, "the EDSP's maximum message send size (max_send_size)"
        notes.append(f"The EDSP's maximum message send size (max_send_size) is {values.format_size(edsp)} and governs.")
    elif global_size is not None:
        expected, source = global_size, "the global MaxSendSize"
    else:
        return _tally.not_reviewed(
            "Get-TransportConfig returned no transport configuration, so the global MaxSendSize is not known, and no "
            "EDSP value is given: set max_send_size in the site settings."
        )
    if not records:
        return _send_connectors.none_configured("none has a MaxMessageSize that differs from it")
    verdicts = [_judge(r, expected, source) for r in records]
    return _tally.tally(verdicts, noun=_send_connectors.KIND, requirement=f"{PROPERTY} equal to {source}", notes=notes)


def tabulate(answers: Answers) -> list[Table]:
    return [
        _send_connectors.tabulate(answers, PROPERTIES),
        _tally.table(list(answers[TRANSPORT_CONFIG]), (GLOBAL_PROPERTY,)),
    ]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000205",
        group_id="V-207307",
        rule_ids=("SV-207307r615936_rule", "SV-207307r961155_rule"),
        legacy_ids=("V-70021", "SV-84643"),
    ),
    title="Exchange Message size restrictions must be controlled on Send connectors.",
    severity="low",
    reads=(Read(_send_connectors.SEND_CONNECTORS, PROPERTIES), Read(TRANSPORT_CONFIG, (GLOBAL_PROPERTY,))),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(MAX_SEND_SIZE,),
    summary="every Send connector's MaxMessageSize equals the global MaxSendSize (or the EDSP's max_send_size)",
)

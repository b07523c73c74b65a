"""EX13-MB-000175: Exchange Message size restrictions must be controlled on Receive connectors

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity low.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70009      SV-84631r1_rule
V2R1, V2R2             V-207301     SV-207301r615936_rule   V-70009, SV-84631
V2R3 (current)         V-207301     SV-207301r961155_rule   V-70009, SV-84631
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Review the Email Domain Security Plan (EDSP).

    Determine the global maximum message receive size and whether signoff with risk acceptance is documented for the
    Receive connector to have a different value.

    Open the Exchange Management Shell and enter the following command:

    Get-ReceiveConnector | Select Name, Identity, MaxMessageSize

    Identify Internet-facing connectors.

    For each Receive connector, if the value of MaxMessageSize is not the same as the global value, this is a finding.

    or

    If MaxMessageSize is set to a numeric value different from the global value and has signoff and risk acceptance in
    the EDSP, this is not a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Set-ReceiveConnector -Identity <'IdentityName'> -MaxMessageSize <'MaxReceiveSize'>

    Note: The <IdentityName> and <MaxReceiveSize> values must be in quotes.

    or

    The value as identified by the EDSP that has obtained a signoff with risk acceptance.

    Repeat the procedure for each Receive connector.

How cklauto decides (``decide``):

* cklauto asks ``Get-ReceiveConnector -Server <server>`` and judges only this server's connectors (see
  :mod:`cklauto.checks._receive_connectors`).
* **"the global value" is the organisation's MaxReceiveSize** (``Get-TransportConfig``, the global maximum message
  receive size the check's first step names; exchange-objects.md §2.5). Whether that global value itself matches the
  EDSP is EX13-MB-000215's question; here every connector is held against it, so the rule needs no site value.
* Sizes are compared in bytes, from the exact count Exchange prints in parentheses (``36 MB (37,748,736 bytes)``),
  never as display text. A connector's MaxMessageSize is a plain size and never ``Unlimited``; an ``Unlimited`` there
  cannot be a real answer and makes the rule fail closed.
* A global MaxReceiveSize of ``Unlimited`` is a finding for every connector: no connector can equal it. Their verdicts
  say so, and the fix asks for the global value first.
* "Identify Internet-facing connectors" carries no condition of its own: the next sentence judges *each* Receive
  connector, so every one is held against the global value, Internet-facing or not.
* **EDSP exception.** The discussion allows a connector value set lower than the global one "with the rationale
  documented in the EDSP", and the check's "or" sentence makes a numeric value with EDSP signoff and risk acceptance
  not a finding. The site names such connectors in the optional setting ``receive_connector_size_exceptions`` (Name or
  ``SERVER\\Name``, ``*`` for any text); a connector so named complies whatever its size, and its verdict says the
  EDSP accepts it and shows the size for the assessor to hold against the EDSP.
* Setup gives every default connector 36 MB while the organisation's default MaxReceiveSize is 10 MB, so a server as
  installed is Open. Evaluate-STIG only lists the values of the same 2016 rule and leaves it Not_Reviewed.
* No Transport configuration in the answer leaves the rule Not_Reviewed (the global value is unknown); two cannot be
  told apart and fail closed.
* Any non-compliant connector makes the rule Open; no connector of this server leaves it Not_Reviewed.
"""

from __future__ import annotations

from typing import Any

from cklauto.checks import _receive_connectors as rc
from cklauto.checks import values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Query,
    Read,
    RuleIds,
    Scope,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import quoted
from cklauto.model import Status

STIG_COMMAND = "Get-ReceiveConnector | Select Name, Identity, MaxMessageSize"
FIX_COMMAND = "Set-ReceiveConnector -Identity <'IdentityName'> -MaxMessageSize <'MaxReceiveSize'>"
COLUMNS = ("Name", "Identity", "MaxMessageSize")
#: The organisation's global limits; the same query as the global message size rules (EX13-MB-000215, -000220).
TRANSPORT_CONFIG = Query("Get-TransportConfig", scope=Scope.ORGANIZATION)
GLOBAL_COLUMNS = ("MaxReceiveSize",)
SIZE_EXCEPTIONS = SiteSetting(
    "receive_connector_size_exceptions",
    SettingType.STRINGS,
    "Receive connectors whose MaxMessageSize the site's EDSP accepts, with signoff and risk acceptance, to "
    "differ from the global MaxReceiveSize (EX13-MB-000175). Name or SERVER\\Name; * matches any text.",
    required=False,
)


def _global_size(answers: Answers) -> Any:
    """The organisation's MaxReceiveSize in bytes (or UNLIMITED); None when Get-TransportConfig returned nothing."""
    configs = answers[TRANSPORT_CONFIG]
    if len(configs) > 1:
        raise ValueError(f"Get-TransportConfig returned {len(configs)} objects; the organisation has one")
    if not configs:
        return None
    raw = configs[0]["MaxReceiveSize"]
    if raw is None:
        raise ValueError("Get-TransportConfig: MaxReceiveSize is $null, which Exchange never sends for it")
    return values.size(raw)


def _fix_size(size: int) -> str:
    # Exchange reads an unqualified number as bytes; a unit keeps the command readable and exact.
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size % scale == 0:
            return f"'{size // scale}{unit}'"
    return f"'{size}B'"


def _judge(connector: rc.Connector, settings: Settings, global_size: Any) -> Verdict:
    size = values.size(connector.value("MaxMessageSize"))
    if size is values.UNLIMITED:
        raise ValueError(
            f"Receive connector {connector.identity!r}: MaxMessageSize is Unlimited, which a Receive connector's "
            "limit never is, so the answer cannot be judged"
        )
    shown = connector.shown("MaxMessageSize")
    wanted = values.format_size(global_size)
    if size == global_size:
        return Verdict(connector.name, True, f"MaxMessageSize is {shown}, the global MaxReceiveSize")
    entry = rc.designated(connector, settings, SIZE_EXCEPTIONS.name)
    if entry is not None:
        return Verdict(
            connector.name,
            True,
            f"MaxMessageSize is {shown}, not the global MaxReceiveSize {wanted}, but the site's EDSP accepts a "
            f"different value for this connector with signoff and risk acceptance (site setting "
            f"{SIZE_EXCEPTIONS.name}: {quoted(entry)})",
        )
    if global_size is values.UNLIMITED:
        return Verdict(
            connector.name,
            False,
            f"MaxMessageSize is {shown}; the global MaxReceiveSize is Unlimited, which no connector's size can equal",
        )
    return Verdict(
        connector.name,
        False,
        f"MaxMessageSize is {shown}; expected the global MaxReceiveSize {wanted}",
        connector.fix(f"-MaxMessageSize {_fix_size(global_size)}"),
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    global_size = _global_size(answers)
    if global_size is None:
        return Decision(
            Status.NOT_REVIEWED,
            "Get-TransportConfig returned nothing, so the global MaxReceiveSize the connectors are compared with is "
            "unknown and a person must review the rule.",
        )
    note = f"Global MaxReceiveSize (Get-TransportConfig): {values.format_size(global_size)}."
    fix = FIX_COMMAND
    if global_size is values.UNLIMITED:
        fix = "Set-TransportConfig -MaxReceiveSize <'EDSP value'> (EX13-MB-000215), then " + FIX_COMMAND
    return rc.decide_each(
        answers,
        lambda c: _judge(c, settings, global_size),
        requirement="MaxMessageSize is the global MaxReceiveSize",
        fix=fix,
        notes=(note,),
    )


def tabulate(answers: Answers) -> list[Table]:
    configs = answers[TRANSPORT_CONFIG]
    return [
        *rc.tabulate(answers, COLUMNS),
        Table.of(GLOBAL_COLUMNS, configs),
    ]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000175",
        group_id="V-207301",
        rule_ids=("SV-207301r615936_rule", "SV-207301r961155_rule"),
        legacy_ids=("V-70009", "SV-84631"),
    ),
    title="Exchange Message size restrictions must be controlled on Receive connectors.",
    severity="low",
    reads=(Read(rc.RECEIVE_CONNECTORS, COLUMNS), Read(TRANSPORT_CONFIG, GLOBAL_COLUMNS)),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(SIZE_EXCEPTIONS,),
    summary="every Receive connector's MaxMessageSize equals the global MaxReceiveSize (or the EDSP accepts it)",
)

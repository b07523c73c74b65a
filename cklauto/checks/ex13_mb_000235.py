"""EX13-MB-000235: Exchange Internal Receive connectors must not allow anonymous connections

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-70033      SV-84655r1_rule
V2R1, V2R2             V-207313     SV-207313r615936_rule   V-70033, SV-84655
V2R3 (current)         V-207313     SV-207313r961161_rule   V-70033, SV-84655
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Open the Exchange Management Shell and enter the following command:

    Get-ReceiveConnector | Select Name, Identity, PermissionGroups

    For each Receive connector, if the value of PermissionGroups is AnonymousUsers for any receive connector, this is a
    finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces and long lines wrapped)::

    Open the Exchange Management Shell and enter the following command:

    Set-ReceiveConnector -Identity <'IdentityName'> -PermissionGroups and enter a valid value user group.

    Note: The <IdentityName> value must be in quotes.

    Example: Set-ReceiveConnector -Identity <'IdentityName'> -PermissionGroups ExchangeUsers

    This is an Example only: Set-ReceiveConnector -Identity <'IdentityName'> -PermissionGroups ExchangeUsers

    Repeat the procedures for each Receive connector.

How cklauto decides (``decide``):

* cklauto asks ``Get-ReceiveConnector -Server <server>`` and judges only this server's connectors (see
  :mod:`cklauto.checks._receive_connectors`).
* **"PermissionGroups is AnonymousUsers" is read as "PermissionGroups includes AnonymousUsers".** PermissionGroups is
  a flag enum; a connector whose groups are ``AnonymousUsers, ExchangeServers`` accepts anonymous connections just as
  one whose only group is AnonymousUsers does.
* **Internal vs Internet-facing.** The title limits the rule to *Internal* Receive connectors while the check text
  says "for any receive connector". The Exchange 2016 Edge STIG words the same check "for any non-Internet connector"
  (V-221245), and the Exchange 2016 Mailbox STIG (V-228391, SV-228391r766722_rule) adds: "In some instances,
  AnonymousUsers may be necessary for organization-specific operations. In such cases, allowing AnonymousUsers must be
  paired with restricting to specific lists of servers allowed to access. In addition, the risk must be documented and
  accepted by the ISSO, ISSM, or AO." Only the site knows which connectors those are, so it names them in the optional
  site setting ``anonymous_receive_connectors`` (Name or ``SERVER\\Name``, ``*`` for any text, e.g.
  ``Default Frontend *`` for the Internet-facing connector of every server). A designated connector with
  AnonymousUsers complies, and its verdict shows its RemoteIPRanges for the assessor to hold against the EDSP.
* Without that setting every connector is judged, as the check text says; setup gives "Default Frontend <server>"
  AnonymousUsers (it receives Internet mail), so a server as installed is Open until the site designates it or mail
  arrives through an Edge Transport server. Evaluate-STIG makes the same rule of the 2016 STIG Open for every such
  connector, with no way to designate the Internet-facing one.
* ``$null`` or a numeric PermissionGroups value cannot be read and makes the rule fail closed (a null must never read
  as "no groups", which would pass).
* Each finding's fix keeps the connector's other permission groups and drops AnonymousUsers; a connector left with
  none gets ExchangeUsers, the STIG's example.
* Any non-compliant connector makes the rule Open; no connector of this server leaves it Not_Reviewed.
"""

from __future__ import annotations

from cklauto.checks import _receive_connectors as rc
from cklauto.checks import values
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
from cklauto.checks.text import ps_literal, quoted, visible

STIG_COMMAND = "Get-ReceiveConnector | Select Name, Identity, PermissionGroups"
FIX_COMMAND = "Set-ReceiveConnector -Identity <'IdentityName'> -PermissionGroups ExchangeUsers"
COLUMNS = ("Name", "Identity", "PermissionGroups")
ANONYMOUS_CONNECTORS = SiteSetting(
    "anonymous_receive_connectors",
    SettingType.STRINGS,
    "Receive connectors the site's EDSP designates to accept anonymous connections: Internet-facing connectors,"
    " or relays restricted to listed servers with documented risk acceptance (EX13-MB-000235). Name or "
    'SERVER\\Name; * matches any text, e.g. "Default Frontend *".',
    required=False,
)
#: PermissionGroups flag names in enum order (exchange-objects.md §2.6), to write a fix as Exchange prints the value.
_GROUPS = ("AnonymousUsers", "ExchangeUsers", "ExchangeServers", "ExchangeLegacyServers", "Partners", "Custom")
_CANONICAL = {name.lower(): name for name in _GROUPS}

READING = (
    "PermissionGroups is judged as including AnonymousUsers or not; connectors the site designates in "
    "anonymous_receive_connectors (Internet-facing, or restricted relays with documented risk acceptance, as the "
    "Exchange 2016 STIG's note V-228391 allows) may keep it."
)


def _without_anonymous(groups: frozenset[str]) -> str:
    kept = [name for name in _GROUPS[1:] if name.lower() in groups]
    kept += sorted(name for name in groups if name not in _CANONICAL)
    return ", ".join(kept) or "ExchangeUsers"


def _judge(connector: rc.Connector, settings: Settings) -> Verdict:
    groups = values.flags(connector.value("PermissionGroups"))
    shown = connector.shown("PermissionGroups")
    if "anonymoususers" not in groups:
        return Verdict(connector.name, True, f"PermissionGroups is {shown}, without AnonymousUsers")
    entry = rc.designated(connector, settings, ANONYMOUS_CONNECTORS.name)
    if entry is not None:
        ranges = ", ".join(visible(r) for r in values.string_items(connector.record["RemoteIPRanges"])) or "none"
        return Verdict(
            connector.name,
            True,
            f"PermissionGroups is {shown}, including AnonymousUsers, which the site allows on this connector "
            f"(site setting {ANONYMOUS_CONNECTORS.name}: {quoted(entry)}); RemoteIPRanges: {ranges}",
        )
    return Verdict(
        connector.name,
        False,
        f"PermissionGroups is {shown}, which includes AnonymousUsers",
        connector.fix(f"-PermissionGroups {ps_literal(_without_anonymous(groups))}"),
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    return rc.decide_each(
        answers,
        lambda c: _judge(c, settings),
        requirement="PermissionGroups does not include AnonymousUsers",
        fix=FIX_COMMAND,
        notes=(READING,),
    )


def tabulate(answers: Answers) -> list[Table]:
    return rc.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000235",
        group_id="V-207313",
        rule_ids=("SV-207313r615936_rule", "SV-207313r961161_rule"),
        legacy_ids=("V-70033", "SV-84655"),
    ),
    title="Exchange Internal Receive connectors must not allow anonymous connections.",
    severity="medium",
    reads=(Read(rc.RECEIVE_CONNECTORS, (*COLUMNS, "RemoteIPRanges")),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ANONYMOUS_CONNECTORS,),
    summary="no Receive connector of the server allows AnonymousUsers, except those the site designates",
)

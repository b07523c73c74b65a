"""EX13-MB-000110: Exchange internal Receive connectors must require encryption

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium.
The check and fix text are the same in V2R1, V2R2 and V2R3; the IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69983      SV-84605r1_rule
V2R1, V2R2             V-207288     SV-207288r615936_rule   V-69983, SV-84605
V2R3 (current)         V-207288     SV-207288r961110_rule   V-69983, SV-84605
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Get-ReceiveConnector | Select Name, Identity, AuthMechanism

    For each Receive connector, if the value of AuthMechanism is not set to Tls, this is a finding.

Fix text (DISA XCCDF, verbatim but for trailing spaces)::

    Open the Exchange Management Shell and enter the following command:

    Set-ReceiveConnector -Identity <'IdentityName'> -AuthMechanism 'Tls'

    Note: The <IdentityName> value must be in quotes.

    Repeat the procedures for each Receive connector.

How cklauto decides (``decide``):

* cklauto asks ``Get-ReceiveConnector -Server <server>`` and judges only this server's connectors (see
  :mod:`cklauto.checks._receive_connectors`); the STIG's bare ``Get-ReceiveConnector`` lists every server's.
* **"not set to Tls" is read as "does not include Tls".**  AuthMechanism is a flag enum, and every default connector
  carries several mechanisms (``Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer``).  The Exchange
  2016 Mailbox STIG clarifies the same check (V-228375, EX16-MB-000220, SV-228375r612748_rule): "Note: AuthMechanism
  may include other mechanisms as long as the "Tls" is identified."  Setting exactly ``Tls``, as the fix text
  literally says, would remove ExchangeServer authentication from the connectors servers use to talk to each other.
* A connector complies when its AuthMechanism names ``Tls``, compared without regard to case.  ``None`` (no
  mechanism) does not; ``$null`` or a numeric value cannot be read and makes the rule fail closed.
* The title says *internal* connectors while the check says *each* connector; every connector is judged, as the
  check text says (every default connector includes Tls, so no site exemption is needed).
* Any non-compliant connector makes the rule Open; no connector of this server leaves it Not_Reviewed.
* Each finding's fix keeps the connector's other mechanisms and adds Tls (the 2016 clarification), so applying it
  changes only what the rule needs.
"""

from __future__ import annotations

from cklauto.checks import _receive_connectors as rc
from cklauto.checks import values
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, Table, Verdict
from cklauto.checks.text import ps_literal

STIG_COMMAND = "Get-ReceiveConnector | Select Name, Identity, AuthMechanism"
FIX_COMMAND = "Set-ReceiveConnector -Identity <'IdentityName'> -AuthMechanism 'Tls'"
COLUMNS = ("Name", "Identity", "AuthMechanism")

#: AuthMechanisms flag names in enum order (exchange-objects.md §2.6), to write a fix as Exchange prints the value.
_MECHANISMS = ("Tls", "Integrated", "BasicAuth", "BasicAuthRequireTLS", "ExchangeServer", "ExternalAuthoritative")
_CANONICAL = {name.lower(): name for name in _MECHANISMS}

READING = (
    "AuthMechanism may include other mechanisms as long as Tls is among them, as the Exchange 2016 Mailbox STIG "
    "(V-228375) clarifies for the same check."
)


def _with_tls(present: frozenset[str]) -> str:
    wanted = set(present) | {"tls"}
    known = [name for name in _MECHANISMS if name.lower() in wanted]
    unknown = sorted(name for name in wanted if name not in _CANONICAL)
    return ", ".join(known + unknown)


def _judge(connector: rc.Connector) -> Verdict:
    mechanisms = values.flags(connector.value("AuthMechanism"))
    shown = connector.shown("AuthMechanism")
    if "tls" in mechanisms:
        return Verdict(connector.name, True, f"AuthMechanism is {shown}, which includes Tls")
    fix = connector.fix(f"-AuthMechanism {ps_literal(_with_tls(mechanisms))}")
    return Verdict(connector.name, False, f"AuthMechanism is {shown}, which does not include Tls", fix)


def decide(answers: Answers, settings: Settings) -> Decision:
    return rc.decide_each(answers, _judge, requirement="AuthMechanism includes Tls", fix=FIX_COMMAND, notes=(READING,))


def tabulate(answers: Answers) -> list[Table]:
    return rc.tabulate(answers, COLUMNS)


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000110",
        group_id="V-207288",
        rule_ids=("SV-207288r615936_rule", "SV-207288r961110_rule"),
        legacy_ids=("V-69983", "SV-84605"),
    ),
    title="Exchange internal Receive connectors must require encryption.",
    severity="medium",
    reads=(Read(rc.RECEIVE_CONNECTORS, COLUMNS),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="every Receive connector of the server has Tls among its AuthMechanism values",
)

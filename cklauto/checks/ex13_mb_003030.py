"""EX13-MB-003030: The applications built-in Malware Agent must be disabled

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001242.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207335     SV-207335r615936_rule   V-70055, SV-84677
V2R3 (current)         V-207335     SV-207335r961194_rule   V-70055, SV-84677
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-TransportAgent "Malware Agent"

    If the value of Enabled is set to True, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    & env:ExchangeInstallPath\\Scripts\\Disable-Antimalwarescanning.ps1

How cklauto decides (``decide``):

* As the STIG says: the agent named "Malware Agent" with Enabled True is Open, with Enabled False NotAFinding.
* **Not installed.**  Get-TransportAgent filters the server's agent list by name and writes nothing, and no error,
  when no agent matches (Exchange 2013 ``GetTransportAgent.InternalProcessRecord``; exchange-objects.md §2.13).  So an
  answer that completed without error and returned nothing means the Malware Agent is not in that server's transport
  pipeline: there is no Enabled set to True, which is NotAFinding, and the details say why (Evaluate-STIG's Exchange
  2016 check, V-228413, decides the same).
* ``$null`` for Enabled (a plain bool) cannot be read: the rule fails closed.
* The fix text's ``& env:`` lacks the ``$`` of ``$env:``; the fix shown is the working command.
* Get-TransportAgent has no -Server: it reads the agents of the server that runs the command, which is why cklauto
  asks on this server's own endpoint.  (The Exchange 2019 STIG reverses this rule and requires the agent enabled,
  V-259694; this is the Exchange 2013 STIG, and it requires the agent disabled.)
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks.api import Answers, Check, Decision, Query, Read, Record, RuleIds, Scope, Settings, Table, Verdict
from cklauto.checks.text import visible
from cklauto.model import Status

AGENT = "Malware Agent"
MALWARE_AGENT = Query("Get-TransportAgent", (("Identity", AGENT),), Scope.SERVER)
PROPERTIES = ("Identity", "Enabled", "Priority")
STIG_COMMAND = 'Get-TransportAgent "Malware Agent"'
FIX_COMMAND = "& $env:ExchangeInstallPath\\Scripts\\Disable-AntimalwareScanning.ps1"
NOTES = (
    "Get-TransportAgent reads the transport agents of the server that runs the command; cklauto asked on this "
    "server's endpoint.",
    "The STIG's fix '& env:ExchangeInstallPath\\Scripts\\Disable-Antimalwarescanning.ps1' lacks the $ of $env:.",
)


def _identity(record: Record) -> str:
    identity = values.text(record["Identity"])
    if not identity or not identity.strip():
        raise ValueError("a transport agent without an Identity")
    return identity


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-003030 for the server that answered."""
    server = answers.server.strip() or "the server"
    records = sorted(answers[MALWARE_AGENT], key=lambda r: (_identity(r).casefold(), _identity(r)))
    verdicts = []
    enabled_agents = 0
    judged = 0
    for record in records:
        identity = _identity(record)
        if not values.same_name(identity, AGENT):
            verdicts.append(Verdict(identity, None, f"not the {AGENT}; not judged"))
            continue
        judged += 1
        enabled = values.boolean(record["Enabled"])
        if enabled is None:
            raise ValueError(f"Enabled of the {AGENT} is $null, which a plain bool never is")
        if enabled:
            enabled_agents += 1
            verdicts.append(Verdict(identity, False, "Enabled is True; expected False", FIX_COMMAND))
        else:
            verdicts.append(Verdict(identity, True, "Enabled is False"))
    if enabled_agents:
        return Decision(
            Status.OPEN, f"The built-in {AGENT} of {visible(server)} is enabled.", tuple(verdicts), notes=NOTES
        )
    if judged:
        return Decision(
            Status.NOT_A_FINDING,
            f"The built-in {AGENT} of {visible(server)} is disabled.",
            tuple(verdicts),
            notes=NOTES,
        )
    return Decision(
        Status.NOT_A_FINDING,
        f"Get-TransportAgent returned no agent named '{AGENT}' (Exchange writes no error for a name that matches "
        f"nothing): the {AGENT} is not installed on {visible(server)}, so it is not enabled.",
        tuple(verdicts),
        notes=NOTES,
    )


def tabulate(answers: Answers) -> list[Table]:
    records = sorted(answers[MALWARE_AGENT], key=lambda r: (_identity(r).casefold(), _identity(r)))
    return [Table.of(PROPERTIES, records)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-003030",
        group_id="V-207335",
        rule_ids=("SV-207335r615936_rule", "SV-207335r961194_rule"),
        legacy_ids=("V-70055", "SV-84677"),
    ),
    title="The applications built-in Malware Agent must be disabled.",
    severity="medium",
    reads=(Read(MALWARE_AGENT, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="the Malware Agent is disabled or not installed (Get-TransportAgent -Identity 'Malware Agent')",
)

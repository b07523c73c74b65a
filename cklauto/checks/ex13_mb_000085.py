"""EX13-MB-000085: Exchange Local machine policy must require signed scripts

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001749.  A host rule: asked only with
``cklauto run --host-checks``, on the server's own WinRM endpoint.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207283     SV-207283r615936_rule   V-69973, SV-84595
V2R3 (current)         V-207283     SV-207283r960954_rule   V-69973, SV-84595
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-ExecutionPolicy

    If the value returned is not RemoteSigned, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-ExecutionPolicy RemoteSigned

How cklauto decides (``decide``), and why it reads ``Get-ExecutionPolicy -List``:

* A bare ``Get-ExecutionPolicy`` returns the *effective* policy of the shell that runs it: the first scope that is
  not Undefined in the order MachinePolicy, UserPolicy, Process, CurrentUser, LocalMachine (about_Execution_Policies).
  Run by cklauto over remoting, the Process, CurrentUser and UserPolicy scopes are those of cklauto's own account and
  remoting process, not of the administrator the STIG imagines at the console, so the bare value would judge the
  wrong thing.  The title names what the rule is about: the **local machine** policy.
* So the machine's policy is judged: MachinePolicy (set by Group Policy, which overrides every other scope) when it is
  defined, otherwise LocalMachine (what the STIG's fix, ``Set-ExecutionPolicy RemoteSigned``, sets).  RemoteSigned is
  NotAFinding; any other value is Open, including AllSigned, which is stricter but is "not RemoteSigned" in the STIG's
  words (an EDSP that prefers it must accept it as a documented deviation).  The user scopes are shown as information.
* Neither MachinePolicy nor LocalMachine set (both Undefined): the effective policy is then Windows' default, which
  differs between Windows versions (Restricted on clients, RemoteSigned on recent servers), so nothing proves it is
  RemoteSigned and nothing proves it is not; the rule is left Not_Reviewed for a person to run the STIG's command.
* The answer must hold MachinePolicy and LocalMachine exactly once each; otherwise the rule fails closed.
* Evaluate-STIG (Exchange 2016, Get-V228370) compares the effective policy of its own scan session, so a Process or
  CurrentUser policy of whoever runs the scan decides there; cklauto never judges its own session's scopes.
"""

from __future__ import annotations

from collections.abc import Sequence

from cklauto.checks import values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Endpoint,
    Query,
    Read,
    Record,
    RuleIds,
    Scope,
    Settings,
    Table,
    Verdict,
)
from cklauto.checks.text import cell
from cklauto.model import Status

POLICIES = Query("Get-ExecutionPolicy", (("List", True),), Scope.SERVER, Endpoint.HOST)
STIG_COMMAND = "Get-ExecutionPolicy"
REQUIRED = "RemoteSigned"
UNDEFINED = "Undefined"
#: Precedence order (about_Execution_Policies): the first scope that is not Undefined wins.
SCOPES = ("MachinePolicy", "UserPolicy", "Process", "CurrentUser", "LocalMachine")
_WHOSE = {
    "UserPolicy": "Group Policy for the account cklauto connected with",
    "Process": "cklauto's own remoting session",
    "CurrentUser": "the account cklauto connected with",
}


def _policies(records: Sequence[Record]) -> dict[str, str]:
    found: dict[str, str] = {}
    for record in records:
        scope = values.text(record["Scope"])
        policy = values.text(record["ExecutionPolicy"])
        if scope is None or policy is None or not scope.strip() or not policy.strip():
            raise ValueError("an execution policy scope without a name or a value")
        name = next((s for s in SCOPES if s.lower() == scope.strip().lower()), scope.strip())
        if name in found:
            raise ValueError(f"the execution policy of scope {name} was listed twice")
        found[name] = policy.strip()
    for needed in ("MachinePolicy", "LocalMachine"):
        if needed not in found:
            raise ValueError(f"Get-ExecutionPolicy -List did not list the {needed} scope")
    return found


def decide(answers: Answers, settings: Settings) -> Decision:
    policies = _policies(answers[POLICIES])
    machine_scope = "MachinePolicy" if policies["MachinePolicy"].lower() != UNDEFINED.lower() else "LocalMachine"
    machine = policies[machine_scope]
    verdicts: list[Verdict] = []
    notes = [
        "Judged: the local machine's policy (MachinePolicy from Group Policy when set, else LocalMachine), as the "
        "title says; the user and process scopes that a bare Get-ExecutionPolicy would add belong to cklauto's own "
        "session and are shown as information."
    ]
    for scope in SCOPES:
        if scope not in policies:
            continue
        value = policies[scope]
        if scope == machine_scope and value.lower() != UNDEFINED.lower():
            if value.lower() == REQUIRED.lower():
                verdicts.append(Verdict(scope, True, f"ExecutionPolicy is {value}, the machine's policy"))
            else:
                stricter = " (stricter, but the STIG requires RemoteSigned)" if value.lower() == "allsigned" else ""
                fix = (
                    "Group Policy: Computer Configuration > Administrative Templates > Windows Components > Windows "
                    "PowerShell > Turn on Script Execution: Allow local scripts and remote signed scripts"
                    if scope == "MachinePolicy"
                    else "Set-ExecutionPolicy RemoteSigned"
                )
                verdicts.append(
                    Verdict(scope, False, f"ExecutionPolicy is {value}{stricter}; expected RemoteSigned", fix)
                )
        elif scope == "LocalMachine" and machine_scope == "MachinePolicy":
            verdicts.append(
                Verdict(scope, None, f"ExecutionPolicy is {value}; Group Policy (MachinePolicy) overrides it")
            )
        elif scope in _WHOSE:
            verdicts.append(
                Verdict(scope, None, f"ExecutionPolicy is {value}; the scope of {_WHOSE[scope]}, not judged")
            )
        else:
            verdicts.append(Verdict(scope, None, f"ExecutionPolicy is {value}"))
    for scope in sorted(set(policies) - set(SCOPES)):
        verdicts.append(Verdict(scope, None, f"ExecutionPolicy is {policies[scope]}; a scope cklauto does not judge"))
    if machine.lower() == UNDEFINED.lower():
        return Decision(
            Status.NOT_REVIEWED,
            "Neither Group Policy (MachinePolicy) nor the local machine (LocalMachine) sets an execution policy, so "
            "the effective one is Windows' default, which differs between Windows versions; a person must run "
            "Get-ExecutionPolicy in the Exchange Management Shell, as the STIG says.",
            tuple(verdicts),
            tuple(notes),
        )
    if machine.lower() == REQUIRED.lower():
        return Decision(
            Status.NOT_A_FINDING,
            f"The local machine's execution policy is RemoteSigned ({machine_scope}).",
            tuple(verdicts),
            tuple(notes),
        )
    return Decision(
        Status.OPEN,
        f"The local machine's execution policy is {machine} ({machine_scope}), not RemoteSigned.",
        tuple(verdicts),
        tuple(notes),
    )


def tabulate(answers: Answers) -> list[Table]:
    order = {s.lower(): i for i, s in enumerate(SCOPES)}
    records = sorted(answers[POLICIES], key=lambda r: (order.get(cell(r["Scope"]).lower(), 99), cell(r["Scope"])))
    return [Table(("Scope", "ExecutionPolicy"), tuple((cell(r["Scope"]), cell(r["ExecutionPolicy"])) for r in records))]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000085",
        group_id="V-207283",
        rule_ids=("SV-207283r615936_rule", "SV-207283r960954_rule"),
        legacy_ids=("V-69973", "SV-84595"),
    ),
    title="Exchange Local machine policy must require signed scripts.",
    severity="medium",
    reads=(Read(POLICIES, ("Scope", "ExecutionPolicy")),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="the machine's execution policy (MachinePolicy, else LocalMachine) is RemoteSigned (--host-checks)",
)

"""Get-ExecutionPolicy on the host (EX13-MB-000085).

Shapes (Microsoft Learn, Get-ExecutionPolicy; about_Execution_Policies): ``-List`` writes one PSCustomObject per scope,
in precedence order MachinePolicy, UserPolicy, Process, CurrentUser, LocalMachine, with the note properties Scope
(``Microsoft.PowerShell.ExecutionPolicyScope``) and ExecutionPolicy (``Microsoft.PowerShell.ExecutionPolicy``), both
enums that travel as their names.  Without ``-List`` it writes the effective policy itself (the first scope that is
not Undefined); ``-Scope X`` writes that scope's.  MachinePolicy and UserPolicy come from Group Policy.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import Cmdlet
from cklauto.emulator.catalog._host import PS_CUSTOM_OBJECT, custom_object, enum

POLICY_TYPE = "Microsoft.PowerShell.ExecutionPolicy"
SCOPE_TYPE = "Microsoft.PowerShell.ExecutionPolicyScope"
SCOPES = ("MachinePolicy", "UserPolicy", "Process", "CurrentUser", "LocalMachine")


def _value(policy: str) -> dict[str, Any]:
    return {"$types": [POLICY_TYPE, "System.Enum", "System.ValueType", "System.Object"], "$tostring": policy}


def select(named: dict[str, Any], scopes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_scope = {str(s["Scope"]): str(s["ExecutionPolicy"]) for s in scopes}
    if "list" in named:
        return [
            custom_object(
                {
                    "Scope": enum(SCOPE_TYPE, scope),
                    "ExecutionPolicy": enum(POLICY_TYPE, by_scope.get(scope, "Undefined")),
                }
            )
            for scope in SCOPES
        ]
    if "scope" in named:
        return [_value(by_scope.get(str(named["scope"]), "Undefined"))]
    effective = next((by_scope[s] for s in SCOPES if by_scope.get(s, "Undefined") != "Undefined"), "Restricted")
    return [_value(effective)]


CMDLETS = [
    Cmdlet(
        name="Get-ExecutionPolicy",
        type_names=PS_CUSTOM_OBJECT,
        parameters=("List", "Scope"),
        host=True,
        select=select,
    )
]


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    # Compliant: RemoteSigned set for the machine (Set-ExecutionPolicy RemoteSigned, the STIG's fix).  Non-compliant:
    # someone ran Set-ExecutionPolicy Unrestricted to get a script going, and a GPO leaves the machine scope alone.
    machine = "RemoteSigned" if compliant else "Unrestricted"
    policies = {"LocalMachine": machine}
    return {"Get-ExecutionPolicy": [{"Scope": s, "ExecutionPolicy": policies.get(s, "Undefined")} for s in SCOPES]}

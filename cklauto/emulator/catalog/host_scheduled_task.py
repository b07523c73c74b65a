"""Get-ScheduledTask on the host (evidence for EX13-MB-000050, queue monitoring).

Performance Monitor keeps each Data Collector Set as a scheduled task under ``\\Microsoft\\Windows\\PLA\\`` (Performance
Logs and Alerts), named after the set; ``Get-ScheduledTask -TaskPath '\\Microsoft\\Windows\\PLA\\'`` therefore lists
the sets the STIG's check looks at in perfmon.  Shape (Microsoft Learn, Get-ScheduledTask; ScheduledTasks module,
Windows Server 2012 and later): ``MSFT_ScheduledTask`` CIM instances with TaskName, TaskPath, State (an enum: Ready,
Disabled, Running) and Description; Actions and Triggers arrive as their CIM class names.  A -TaskPath that matches
no task is a CimException (``CmdletizationQuery_NotFound_TaskPath``).

Both samples carry Server Manager's own set and the two diagnostic sets Exchange 2013 creates; the compliant one adds
the set the STIG's fix asks for, monitoring the transport queues.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import Cmdlet, HostError
from cklauto.emulator.catalog._host import enum, like, words

_CIM = "Microsoft.Management.Infrastructure.CimInstance"
TYPE_NAMES = (
    f"{_CIM}#Root/Microsoft/Windows/TaskScheduler/MSFT_ScheduledTask",
    f"{_CIM}#MSFT_ScheduledTask",
    _CIM,
    "System.Object",
)
PLA = "\\Microsoft\\Windows\\PLA\\"


def task(name: str, description: str, state: str = "Ready", path: str = PLA) -> dict[str, Any]:
    return {
        "TaskName": name,
        "TaskPath": path,
        "State": enum("Microsoft.PowerShell.Cmdletization.GeneratedTypes.ScheduledTask.StateEnum", state),
        "Description": description,
        "Author": "CONTOSO\\exadmin" if "Queue" in name else None,
        "Actions": ["MSFT_TaskComHandlerAction"],
        "Triggers": [],
        "$tostring": f'MSFT_ScheduledTask (TaskName = "{name}", TaskPath = "{path}")',
    }


def select(named: dict[str, Any], tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    chosen = tasks
    for parameter, key in (("taskpath", "TaskPath"), ("taskname", "TaskName")):
        wanted = words(named.get(parameter))
        if wanted:
            chosen = [t for t in chosen if any(like(w, str(t[key])) for w in wanted)]
            if not chosen:
                raise HostError(
                    f"No MSFT_ScheduledTask objects found with property '{key}' equal to '{wanted[0]}'.  Verify the "
                    "value of the property and retry.",
                    f"CmdletizationQuery_NotFound_{key},Get-ScheduledTask",
                    "ObjectNotFound",
                    "Microsoft.Management.Infrastructure.CimException",
                    target=wanted[0],
                )
    return chosen


CMDLETS = [
    Cmdlet(
        name="Get-ScheduledTask",
        type_names=TYPE_NAMES,
        parameters=("TaskPath", "TaskName"),
        host=True,
        select=select,
    )
]


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    tasks = [
        task("Server Manager Performance Monitor", "Server Manager performance data collection", "Disabled"),
        task("ExchangeDiagnosticsDailyPerformanceLog", "Exchange diagnostics daily performance log"),
        task("ExchangeDiagnosticsPerformanceLog", "Exchange diagnostics performance log"),
        task("ScheduledDefrag", "Optimizes local storage drives", path="\\Microsoft\\Windows\\Defrag\\"),
    ]
    if compliant:
        tasks.append(task("Transport Queues", "MSExchangeTransport Queues counters; alert above 200 messages"))
    return {"Get-ScheduledTask": tasks}

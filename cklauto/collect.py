"""``cklauto collect-script``: a PowerShell script that exports every query's answer as one evidence bundle.

For enclaves that forbid remote PowerShell: an Exchange admin runs the script in the Exchange Management Shell;
it runs the same read-only Get- cmdlets with the same parameters cklauto would send (nothing that changes the
server, no Select-Object or Where-Object) and writes one JSON bundle that ``cklauto run --evidence`` reads
(:mod:`cklauto.bundle`).  Each value is written the way remote PowerShell sends it at its default serialization
level: scalars as they are, lists as lists of strings, anything else as its ToString(), so a bundle and a live
answer are judged by the same code.
"""

from __future__ import annotations

from collections.abc import Sequence

from cklauto import __version__
from cklauto.checks.api import Check, Endpoint, Placeholder, Query

_PROLOGUE = r"""<#
  cklauto {version} evidence export for the Exchange 2013 Mailbox STIG.
  Run in the Exchange Management Shell:   .\cklauto-collect.ps1 [-Server EX01] [-OutFile ex01.json]
  Read-only: it runs only the Get- cmdlets listed at the end, and writes one JSON file.
  Then: cklauto run <checklist> --evidence <that file>
#>
param(
    [string]$Server = $env:COMPUTERNAME,
    [string]$OutFile = ("cklauto-evidence-{{0}}.json" -f $env:COMPUTERNAME)
)
$ErrorActionPreference = 'Continue'

function ConvertTo-CklautoValue($Value) {{
    if ($null -eq $Value) {{ return $null }}
    if ($Value -is [string] -or $Value -is [bool] -or $Value -is [int] -or $Value -is [long] -or
        $Value -is [double]) {{ return $Value }}
    if ($Value -is [byte[]]) {{ return [ordered]@{{ '$base64' = [Convert]::ToBase64String($Value) }} }}
    if ($Value -is [System.Collections.IEnumerable]) {{
        return ,@($Value | ForEach-Object {{ if ($null -eq $_) {{ $null }} else {{ $_.ToString() }} }})
    }}
    return $Value.ToString()
}}

function Invoke-CklautoQuery([string]$Command, [hashtable]$Parameters, [string]$Endpoint = 'exchange') {{
    $errs = $null
    $warns = $null
    $completed = $true
    try {{
        $objects = @(& $Command @Parameters -ErrorVariable errs -WarningVariable warns `
            -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
    }} catch {{
        $completed = $false
        $objects = @()
        $errs = @($_)
    }}
    $exported = @(foreach ($o in $objects) {{
        $props = [ordered]@{{}}
        foreach ($p in $o.PSObject.Properties) {{ $props[$p.Name] = ConvertTo-CklautoValue $p.Value }}
        [ordered]@{{ types = @($o.PSObject.TypeNames); properties = $props }}
    }})
    [ordered]@{{
        command = $Command
        endpoint = $Endpoint
        parameters = $Parameters
        completed = $completed
        errors = @($errs | ForEach-Object {{ $_.ToString() }})
        warnings = @($warns | ForEach-Object {{ $_.ToString() }})
        objects = $exported
    }}
}}

$queries = @(
"""

_EPILOGUE = r"""
)
$bundle = [ordered]@{{
    cklauto_evidence = 1
    server = $Server
    exported_at = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    exported_by = "$env:USERDOMAIN\$env:USERNAME"
    generator = 'cklauto collect-script {version}'
    queries = $queries
}}
$bundle | ConvertTo-Json -Depth 8 -Compress | Set-Content -Path $OutFile -Encoding UTF8
Write-Host "cklauto evidence written to $OutFile"
"""


def _ps_value(value: object) -> str:
    if value is Placeholder.SERVER:
        return "$Server"
    if value is True:
        return "$true"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "@(" + ", ".join(_ps_value(v) for v in value) + ")"
    return "'" + str(value).replace("'", "''") + "'"


def query_line(query: Query) -> str:
    params = "; ".join(f"{name} = {_ps_value(value)}" for name, value in query.parameters)
    # The host's queries are plain Windows cmdlets, run in the same shell; the bundle says where each was asked.
    where = " 'host'" if query.endpoint is Endpoint.HOST else ""
    return f"    Invoke-CklautoQuery '{query.cmdlet}' @{{{params}}}{where}"


def collect_script(checks: Sequence[Check], *, host_checks: bool = False) -> str:
    """The script for ``checks`` (each distinct query once, in a stable order).

    The Windows host's queries (registry values, services, partitions, ACLs) are included only with ``host_checks``,
    as ``cklauto run --host-checks`` asks them only then.
    """
    queries: list[Query] = []
    for check in checks:
        for read in check.reads:
            if read.query.endpoint is Endpoint.HOST and not host_checks:
                continue
            if read.query not in queries:
                queries.append(read.query)
    queries.sort(key=lambda q: (q.endpoint is Endpoint.HOST, q.cmdlet.lower(), q.command_line()))
    body = "\n".join(query_line(q) for q in queries)
    return _PROLOGUE.format(version=__version__) + body + _EPILOGUE.format(version=__version__)

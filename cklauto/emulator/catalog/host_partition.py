"""Get-Partition on the host (EX13-MB-000080's audit logs and EX13-MB-000100's databases, EX13-MB-000310's evidence).

Shape: ``MSFT_Partition`` CIM instances of the Storage module (Windows Server 2012 and later; Microsoft Learn,
Get-Partition and "MSFT_Partition class"): DiskNumber and PartitionNumber (UInt32), DriveLetter (a Char, NUL when the
partition has none), AccessPaths (String[]: every path the partition is reached by: its drive letter root, each
folder it is mounted on, and its ``\\\\?\\Volume{GUID}\\`` path), Size and Offset (UInt64), Type, and IsBoot (the
partition Windows runs from) and IsSystem (the one it boots from).  Deserialized, their type names keep the CIM class:
``Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/Storage/MSFT_Partition``.

Both samples have Windows and Exchange (Setup's default folder) on C:.  The compliant one keeps Exchange's Logging
folder on a partition of its own mounted on that folder, the databases on E: and their logs on F:; the non-compliant
one has everything on C:, as a default install leaves it.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import Cmdlet
from cklauto.emulator.catalog._host import char, strings, words

_CIM = "Microsoft.Management.Infrastructure.CimInstance"
TYPE_NAMES = (
    f"{_CIM}#ROOT/Microsoft/Windows/Storage/MSFT_Partition",
    f"{_CIM}#ROOT/Microsoft/Windows/Storage/MSFT_StorageObject",
    f"{_CIM}#MSFT_Partition",
    f"{_CIM}#MSFT_StorageObject",
    _CIM,
    "System.Object",
)
GB = 1 << 30


def partition(
    disk: int,
    number: int,
    size_gb: float,
    *,
    letter: str = "",
    mounts: tuple[str, ...] = (),
    boot: bool = False,
    system: bool = False,
    guid: str = "",
) -> dict[str, Any]:
    volume = f"\\\\?\\Volume{{{guid or f'{disk:08x}-{number:04x}-11e3-80b4-806e6f6e6963'}}}\\"
    paths = ([f"{letter}:\\"] if letter else []) + list(mounts) + [volume]
    return {
        "DiskNumber": disk,
        "PartitionNumber": number,
        "DriveLetter": char(letter),
        "AccessPaths": strings(paths),
        "Offset": 1048576 if number == 1 else 368050176,
        "Size": int(size_gb * GB),
        "Type": "Basic" if not system else "IFS",
        "IsBoot": boot,
        "IsSystem": system,
        "IsActive": system,
        "IsHidden": False,
        "IsOffline": False,
        "IsReadOnly": False,
        "$tostring": f"MSFT_Partition (DiskNumber = {disk}, PartitionNumber = {number})",
    }


def select(named: dict[str, Any], partitions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    chosen = partitions
    for name, key in (("disknumber", "DiskNumber"), ("partitionnumber", "PartitionNumber")):
        if name in named:
            wanted = {int(w) for w in words(named[name])}
            chosen = [p for p in chosen if p[key] in wanted]
    return chosen


CMDLETS = [
    Cmdlet(
        name="Get-Partition",
        type_names=TYPE_NAMES,
        parameters=("DiskNumber", "PartitionNumber", "DriveLetter"),
        host=True,
        select=select,
    )
]


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    os_disk = [
        partition(0, 1, 0.34, system=True),  # "System Reserved": the boot loader, no drive letter
        partition(0, 2, 99.66, letter="C", boot=True),
    ]
    if not compliant:
        return {"Get-Partition": os_disk}
    return {
        "Get-Partition": [
            *os_disk,
            # Exchange's logs, on a partition mounted on its Logging folder.
            partition(1, 2, 100, mounts=("C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\",)),
            partition(2, 2, 2000, letter="E"),  # mailbox databases
            partition(3, 2, 500, letter="F"),  # their transaction logs
        ]
    }

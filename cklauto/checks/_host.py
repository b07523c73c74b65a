"""What the host rules share (issue 10): the queries they ask on the Windows host's own endpoint, and how a folder is
placed on a partition.

Every query here is one Windows cmdlet with parameters (never a script), asked on ``/wsman`` (Microsoft.PowerShell)
only with ``cklauto run --host-checks``.  Paths are compared as Windows compares them (without regard to case, ``/``
and ``\\`` alike); a folder is on the partition whose access path (a drive letter root, or a folder a partition is
mounted on, as ``Get-Partition``'s AccessPaths lists them) is the longest that contains it, so a partition mounted on
``...\\V15\\Logging`` counts for the logs even though its parent folder is on C:.  A path that no partition contains
(a UNC share, a relative path, a volume Get-Partition does not list, such as a dynamic disk's) is not placed: the
rules that need it are not decided.  Junctions and symbolic links inside a path cannot be seen this way; the finding
details say so.  Not a check module (the registry skips modules whose name starts with ``_``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cklauto.checks import values
from cklauto.checks.api import Endpoint, Query, Record, Scope, Table
from cklauto.checks.text import cell

#: The STIG's registry key for a service, as Windows writes it.
SERVICES_KEY = "HKLM:\\SYSTEM\\CurrentControlSet\\Services"
EXCHANGE_SETUP_KEY = "HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup"
#: Exchange's application folder by default; the STIG's notes name it ("\\Program Files\\Microsoft\\Exchange
#: Server\\V15") and its Logging folder as where the audit logs are by default.
DEFAULT_INSTALL = "C:\\Program Files\\Microsoft\\Exchange Server\\V15"
DEFAULT_LOGGING = f"{DEFAULT_INSTALL}\\Logging"
UNINSTALL_KEYS = (
    "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*",
    "HKLM:\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*",
)

#: Exchange's install folder, as Setup records it (MsiInstallPath, with a trailing backslash).
EXCHANGE_SETUP = Query(
    "Get-ItemProperty", (("Path", EXCHANGE_SETUP_KEY), ("Name", "MsiInstallPath")), Scope.SERVER, Endpoint.HOST
)
#: Every partition of the host, with the paths it is reached by.
PARTITIONS = Query("Get-Partition", scope=Scope.SERVER, endpoint=Endpoint.HOST)
PARTITION_PROPERTIES = ("DiskNumber", "PartitionNumber", "AccessPaths", "IsBoot", "IsSystem")
#: The host's services (all of them; the rules filter).
SERVICES = Query("Get-Service", scope=Scope.SERVER, endpoint=Endpoint.HOST)
SERVICE_PROPERTIES = ("Name", "DisplayName", "Status", "StartType")
#: The installed programs, 64- and 32-bit (Programs and Features' list).
PROGRAMS = Query("Get-ItemProperty", (("Path", UNINSTALL_KEYS),), Scope.SERVER, Endpoint.HOST)


def service_start(service: str) -> Query:
    """``Get-ItemProperty -Path HKLM:\\SYSTEM\\CurrentControlSet\\Services\\<service> -Name Start``."""
    return Query(
        "Get-ItemProperty", (("Path", f"{SERVICES_KEY}\\{service}"), ("Name", "Start")), Scope.SERVER, Endpoint.HOST
    )


def acl(path: str) -> Query:
    """``Get-Acl -Path <path>``: a folder's owner and access rules."""
    return Query("Get-Acl", (("Path", path),), Scope.SERVER, Endpoint.HOST)


#: Windows' service Start values (the SCM's SERVICE_*_START).
START_TYPES = {0: "Boot", 1: "System", 2: "Automatic", 3: "Manual", 4: "Disabled"}


def start_type(value: int) -> str:
    return START_TYPES.get(value, "not a start type Windows knows")


# --- paths and partitions -------------------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:\\")


def windows_path(text: str) -> str | None:
    """An absolute local path in a form to compare (``\\`` only, no trailing ``\\``, case kept), or None when the
    text is not one (blank, relative, a UNC share or a device path)."""
    path = text.strip().replace("/", "\\")
    if not _DRIVE.match(path) or "\\..\\" in path + "\\" or "\\.\\" in path + "\\":
        return None
    while "\\\\" in path:
        path = path.replace("\\\\", "\\")
    return path.rstrip("\\") if len(path) > 3 else path[:3]


def _within(path: str, folder: str) -> bool:
    p, f = path.lower().rstrip("\\") + "\\", folder.lower().rstrip("\\") + "\\"
    return p.startswith(f)


@dataclass(frozen=True)
class Partition:
    """One partition of the host, as Get-Partition describes it."""

    disk: int
    number: int
    access_paths: tuple[str, ...]
    boot: bool
    system: bool

    @property
    def local_paths(self) -> tuple[str, ...]:
        """Its drive letter root and mount folders (not its ``\\\\?\\Volume{...}`` path)."""
        return tuple(p for p in (windows_path(a) for a in self.access_paths) if p is not None)

    @property
    def label(self) -> str:
        where = ", ".join(self.local_paths) or "no drive letter or mount folder"
        os_role = " (Windows: boot partition)" if self.boot else " (system partition)" if self.system else ""
        return f"disk {self.disk} partition {self.number} ({where}){os_role}"

    @property
    def is_os(self) -> bool:
        return self.boot or self.system


def partitions(records: Sequence[Record]) -> list[Partition]:
    """The host's partitions; ValueError for one that cannot be read (the rule then fails closed)."""
    found = []
    for record in records:
        boot, system = values.boolean(record["IsBoot"]), values.boolean(record["IsSystem"])
        if boot is None or system is None:
            raise ValueError("a partition whose IsBoot or IsSystem is $null")
        found.append(
            Partition(
                disk=values.integer(record["DiskNumber"]),
                number=values.integer(record["PartitionNumber"]),
                access_paths=tuple(values.string_items(record["AccessPaths"])),
                boot=boot,
                system=system,
            )
        )
    keys = [(p.disk, p.number) for p in found]
    if len(set(keys)) != len(keys):
        raise ValueError("Get-Partition listed the same partition twice")
    return sorted(found, key=lambda p: (p.disk, p.number))


def partition_of(path: str, known: Sequence[Partition]) -> Partition | None:
    """The partition ``path`` lies on: the one with the longest local access path containing it (None: unknown)."""
    local = windows_path(path)
    if local is None:
        return None
    best: tuple[int, Partition] | None = None
    for partition in known:
        for access in partition.local_paths:
            if _within(local, access) and (best is None or len(access) > best[0]):
                best = (len(access), partition)
    return None if best is None else best[1]


def mounted_inside(folder: str, known: Sequence[Partition]) -> list[tuple[str, Partition]]:
    """Partitions mounted on a folder below ``folder`` (part of its content lives there)."""
    local = windows_path(folder)
    if local is None:
        return []
    return [
        (access, p)
        for p in known
        for access in p.local_paths
        if _within(access, local) and access.lower().rstrip("\\") != local.lower().rstrip("\\")
    ]


def install_path(records: Sequence[Record]) -> str:
    """Exchange's install folder from its Setup key's MsiInstallPath (exactly one, an absolute local path)."""
    if len(records) != 1:
        raise ValueError(f"the Exchange Setup key answered {len(records)} objects, not 1")
    raw = values.text(records[0]["MsiInstallPath"])
    path = windows_path(raw or "")
    if path is None:
        raise ValueError(f"MsiInstallPath {raw!r} is not an absolute local folder")
    return path


def partition_table(known: Sequence[Partition]) -> Table:
    """Get-Partition's answer, one row per partition."""
    rows = tuple((str(p.disk), str(p.number), cell(list(p.access_paths)), str(p.boot), str(p.system)) for p in known)
    return Table(("DiskNumber", "PartitionNumber", "AccessPaths", "IsBoot", "IsSystem"), rows)

"""Per-host overrides for batch runs, from a CSV file with a header row.

Columns: ``host`` (required; matched case-insensitively against a checklist's host name or
FQDN) and, optionally, ``server`` (where to connect), ``port``, ``domain`` (the internal SMTP
domain(s), several separated by ``;`` or spaces), ``evidence`` (a path, relative to the
inventory file), ``exchange_server`` (the server's own name in Exchange, for the rules that
ask about one server; default: the checklist's host name) and ``host_port`` (the port of the
host's own WinRM endpoint, for ``--host-checks``).  Other columns (a site's owner or notes) are
ignored, and named in `Inventory.ignored_columns` so that the CLI can warn about a misspelt one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from cklauto.errors import ConfigError
from cklauto.site import validate_domain

KNOWN_COLUMNS = ("host", "server", "port", "domain", "evidence", "exchange_server", "host_port")
MAX_INVENTORY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class InventoryEntry:
    """One row of the inventory."""

    host: str
    server: str | None = None
    port: int | None = None
    domains: tuple[str, ...] = ()
    evidence: Path | None = None
    line: int = 0
    #: The Exchange server's own name, for per-server queries (default: the checklist's host name).
    exchange_server: str | None = None
    #: The port of the host's own WinRM endpoint (--host-checks); default: --host-port, else WinRM's.
    host_port: int | None = None


class Inventory:
    """Inventory rows, looked up by host name or FQDN."""

    def __init__(self, path: Path, entries: list[InventoryEntry], ignored_columns: tuple[str, ...] = ()) -> None:
        self.path = path
        self.entries = entries
        #: Header columns cklauto does not read (kept by sites for their own notes; a typo shows up here too).
        self.ignored_columns = ignored_columns
        self._by_host: dict[str, list[InventoryEntry]] = {}
        for entry in entries:
            self._by_host.setdefault(entry.host.lower(), []).append(entry)

    def match(self, host_name: str, fqdn: str) -> InventoryEntry | None:
        """The row for a checklist with this host name / FQDN; ConfigError if two rows claim it."""
        keys = {k.strip().lower() for k in (host_name, fqdn) if k and k.strip()}
        found = {id(e): e for key in keys for e in self._by_host.get(key, [])}
        if len(found) > 1:
            lines = ", ".join(str(e.line) for e in sorted(found.values(), key=lambda e: e.line))
            raise ConfigError(f"{self.path}: host {host_name or fqdn!r} matches several rows (lines {lines}); keep one")
        return next(iter(found.values()), None)


def load_inventory(path: str | Path) -> Inventory:
    """Read and check an inventory CSV; raise ConfigError naming the file and line on any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: inventory cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_INVENTORY_BYTES:
        raise ConfigError(f"{path}: inventory is larger than {MAX_INVENTORY_BYTES // 2**20} MiB")
    try:
        text = raw.decode("utf-8-sig")  # Excel saves "CSV UTF-8" with a BOM
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: inventory is not UTF-8 text", "save it as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "host" not in header:
        raise ConfigError(
            f"{path}: inventory has no 'host' column in its header row", f"columns: {', '.join(KNOWN_COLUMNS)}"
        )
    ignored = tuple(dict.fromkeys(h for h in header if h and h not in KNOWN_COLUMNS))
    reader.fieldnames = header
    entries = []
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k and k not in ignored}
        if not any(values.values()):
            continue
        if None in row:
            raise ConfigError(f"{path}: line {line} has more fields than the header")
        host = values.get("host", "")
        if not host:
            raise ConfigError(f"{path}: line {line} has no host")
        port = _port(path, line, values, "port")
        host_port = _port(path, line, values, "host_port")
        domains = tuple(d for d in values.get("domain", "").replace(";", " ").replace(",", " ").split() if d)
        for domain in domains:
            try:
                validate_domain(domain)
            except ValueError as exc:
                raise ConfigError(f"{path}: line {line}: {exc}") from None
        evidence = (path.parent / values["evidence"]) if values.get("evidence") else None
        entries.append(
            InventoryEntry(
                host=host,
                server=values.get("server") or None,
                port=port,
                domains=domains,
                evidence=evidence,
                line=line,
                exchange_server=values.get("exchange_server") or None,
                host_port=host_port,
            )
        )
    if not entries:
        raise ConfigError(f"{path}: inventory has no rows")
    return Inventory(path, entries, ignored)


def _port(path: Path, line: int, values: dict[str, str], column: str) -> int | None:
    text = values.get(column)
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(f"{path}: line {line}: {column} {text!r} is not a TCP port")
    return int(text)

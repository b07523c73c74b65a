"""Hosts files for ``cklauto emulate --hosts FILE``: load them, and serve until interrupted.

Format::

    {"tls": true, "auth": "basic", "users": {"CONTOSO\\\\svc-stig": "..."},
     "hosts": [{"name": "ex01.contoso.mil", "port": 0, "connectors": [...], "fail": null, "delay": 0}]}

``"auth": "kerberos"`` needs ``"keytab"``: a keytab holding ``host/<name>`` keys for the hosts,
from the user's own KDC (the emulator is only the Exchange side).

Every key of a host entry is a `HostBehavior` field; unknown keys are an error so typos do not
silently produce a healthy server.  ``cklauto emulate --help`` explains every key to users.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path
from typing import IO, Any

from cklauto.emulator.behavior import HostBehavior
from cklauto.emulator.server import AUTH_MODES, EmulatedExchange
from cklauto.errors import ConfigError

_TOP_KEYS = {"tls", "auth", "users", "hosts", "bind", "keytab"}
_HOST_FIELDS = {f.name for f in dataclasses.fields(HostBehavior)}


def _fail(path: str, problem: str) -> ConfigError:
    return ConfigError(f"{path}: {problem}", "the hosts file format: cklauto emulate --help")


def load_hosts_file(path: str | Path) -> tuple[list[HostBehavior], dict[str, Any]]:
    """Read a hosts file; return the hosts and the keyword arguments for `EmulatedExchange`.

    Raises `ConfigError` (one line, naming the file) when the file is unreadable or invalid.
    """
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise _fail(where, f"cannot read hosts file: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise _fail(where, "hosts file is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _fail(where, f"not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    if not isinstance(data, dict):
        raise _fail(where, "the top level must be a JSON object")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _fail(where, f"unknown key(s): {', '.join(sorted(unknown))}")

    options: dict[str, Any] = {}
    tls = data.get("tls", True)
    if not isinstance(tls, bool):
        raise _fail(where, '"tls" must be true or false')
    options["tls"] = tls
    auth = data.get("auth", "basic")
    if auth not in AUTH_MODES:
        choices = ", ".join(f'"{mode}"' for mode in AUTH_MODES)
        raise _fail(where, f'"auth" must be one of {choices}')
    options["auth"] = auth
    if auth == "kerberos" or "keytab" in data:
        keytab = data.get("keytab")
        if auth != "kerberos" or not isinstance(keytab, str) or not keytab:
            raise _fail(where, '"keytab" (a path) goes with "auth": "kerberos", and Kerberos needs it')
        keytab_path = Path(keytab) if Path(keytab).is_absolute() else Path(where).parent / keytab
        if not keytab_path.is_file():
            raise _fail(where, f"keytab {keytab_path} not found")
        options["keytab"] = str(keytab_path)
    if "users" in data:
        users = data["users"]
        if (
            not isinstance(users, dict)
            or not users
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in users.items())
        ):
            raise _fail(where, '"users" must be a non-empty object of user name -> password strings')
        options["users"] = dict(users)
    if "bind" in data:
        if not isinstance(data["bind"], str):
            raise _fail(where, '"bind" must be an address string')
        options["bind"] = data["bind"]

    entries = data.get("hosts")
    if not isinstance(entries, list) or not entries:
        raise _fail(where, '"hosts" must be a non-empty list')
    hosts: list[HostBehavior] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        label = f"hosts[{index}]"
        if not isinstance(entry, dict):
            raise _fail(where, f"{label} must be an object")
        unknown = set(entry) - _HOST_FIELDS
        if unknown:
            raise _fail(where, f"{label}: unknown key(s): {', '.join(sorted(unknown))}")
        if not isinstance(entry.get("name"), str) or not entry["name"]:
            raise _fail(where, f'{label}: "name" must be a non-empty string')
        if entry["name"].lower() in seen:
            raise _fail(where, f"{label}: duplicate host name {entry['name']!r}")
        seen.add(entry["name"].lower())
        fields = {k: v for k, v in entry.items() if v is not None or k == "fail"}
        if "connectors" in fields and not isinstance(fields["connectors"], list):
            raise _fail(where, f'{label}: "connectors" must be a list')
        if "visible_core_cmdlets" in fields and not isinstance(fields["visible_core_cmdlets"], list):
            raise _fail(where, f'{label}: "visible_core_cmdlets" must be a list')
        try:
            hosts.append(HostBehavior(**fields))
        except ValueError as err:
            raise _fail(where, f"{label} ({entry['name']}): {err}") from None
        except TypeError:  # a value of the wrong kind deeper down (a number where a list belongs...)
            raise _fail(where, f"{label} ({entry['name']}): a value has the wrong type") from None
    return hosts, options


def describe(emu: EmulatedExchange) -> list[str]:
    """One line per host (name, URL, port) and one for the CA: what `emulate` prints."""
    lines = []
    for name in emu.host_names:
        lines.append(f"{name}\t{emu.url(name)}\tport={emu.port_of(name)}")
    if emu.tls:
        lines.append(f"ca\t{emu.ca_path}")
    if emu.auth == "kerberos":
        # Kerberos needs the name in the SPN, not the address the URL shows.
        lines.append(
            f"kerberos\tkeytab={emu.keytab}\tconnect with --server NAME --port PORT (NAME resolving to {emu.bind}),"
            " or --server 127.0.0.1 --spn-host NAME"
        )
    return lines


def inventory_lines(emu: EmulatedExchange) -> list[str]:
    """The inventory CSV (``cklauto run --inventory``) that points each host at its emulated server."""
    return ["host,server,port"] + [f"{name},{emu.bind},{emu.port_of(name)}" for name in emu.host_names]


def serve_forever_until_interrupted(
    emu: EmulatedExchange,
    out: IO[str],
    stop: threading.Event | None = None,
    *,
    inventory: bool = False,
    inventory_out: Path | None = None,
) -> None:
    """Start ``emu``, print where each host listens and the CA path to ``out``, serve until Ctrl-C.

    With ``inventory``, an inventory CSV for the hosts follows; ``inventory_out`` also writes it to that file.
    ``stop`` lets a caller (a signal handler, or a test) end the loop.  The emulator is always stopped on the way
    out, which removes its temporary folder (CA and key).
    """
    stop = stop or threading.Event()
    with emu:
        for line in describe(emu):
            out.write(line + "\n")
        if inventory or inventory_out:
            rows = inventory_lines(emu)
            if inventory_out is not None:
                try:
                    inventory_out.write_text("\n".join(rows) + "\n", encoding="utf-8")
                except OSError as err:
                    raise ConfigError(
                        f"{inventory_out}: inventory could not be written: {err.strerror or err}"
                    ) from None
            out.write("\nInventory (save as a CSV file for cklauto run --inventory FILE):\n")
            for line in rows:
                out.write(line + "\n")
        out.flush()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass

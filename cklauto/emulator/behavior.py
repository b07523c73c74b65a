"""What one emulated Exchange host serves, and how it misbehaves.

A `HostBehavior` is deliberately a plain mutable dataclass: tests flip its fields on a running
emulator (``emu.behavior("ex01").fail = "hang"``) and the next request sees the change.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

#: Every value ``HostBehavior.fail`` accepts, with the symptom a pypsrp client sees.
FAIL_MODES: dict[str, str] = {
    "unauthorized": "every request gets 401 (AuthenticationError)",
    "error_record": "Get-SendConnector ends with a terminating error (pipeline Failed)",
    "nonterminating": "objects plus one non-terminating error record (pipeline Completed)",
    "unknown_cmdlet": "Get-SendConnector is not recognized (CommandNotFoundException)",
    "stopped": "the pipeline ends Stopped after part of its output, with no error record",
    "malformed": "200 with garbage XML for the `fail_on` action (ParseError)",
    "html500": "IIS-style HTML 500 page for the `fail_on` action (WinRMTransportError)",
    "drop": "TCP connection closed without an answer for the `fail_on` action",
    "hang": "no answer ever for the `fail_on` action (released at emulator shutdown)",
    "http503": "HTTP 503 page for the `fail_on` action (WinRMTransportError 503)",
}

#: WSMan actions a transport-level fault can hit.
WSMAN_ACTIONS = ("Create", "Command", "Send", "Receive", "Signal", "Delete")

#: Core (non-Exchange) cmdlets the Microsoft.Exchange endpoint exposes by default.  Exchange builds
#: its runspace from RBAC role entries only, so whether Select-Object is there is configurable.
DEFAULT_VISIBLE_CORE_CMDLETS = ("Select-Object",)


def _default_visible() -> list[str]:
    return list(DEFAULT_VISIBLE_CORE_CMDLETS)


@dataclass
class HostBehavior:
    """One emulated Exchange server: its data and its fault knobs.

    ``connectors`` holds dicts with at least ``Name``; ``Identity`` defaults to the name and
    ``TlsDomain`` to None.  ``TlsDomain`` may also be a dict (sent as a nested object with those
    properties, e.g. ``{"Domain": "contoso.com", "Address": "contoso.com"}``).  Any other keys
    are emitted as extra adapted properties of plain ``Get-SendConnector`` output.
    """

    name: str
    port: int = 0
    connectors: list[dict[str, Any]] = field(default_factory=list)
    configuration_name: str = "Microsoft.Exchange"
    visible_core_cmdlets: list[str] = field(default_factory=_default_visible)
    fail: str | None = None
    fail_on: str = "Create"
    delay: float = 0.0
    nested_identity: bool = False
    #: Overrides the message of the error record ``error_record`` / ``nonterminating`` emit.
    error_message: str | None = None

    def __post_init__(self) -> None:
        validate_behavior(self)


def validate_behavior(behavior: HostBehavior) -> None:
    """Raise ValueError when a knob has a value the emulator does not know."""
    if not behavior.name or not isinstance(behavior.name, str):
        raise ValueError("host name must be a non-empty string")
    if behavior.fail is not None and behavior.fail not in FAIL_MODES:
        raise ValueError(f"unknown fail mode {behavior.fail!r}; expected one of {', '.join(FAIL_MODES)}")
    if behavior.fail_on.capitalize() not in WSMAN_ACTIONS:
        raise ValueError(f"unknown fail_on action {behavior.fail_on!r}; expected one of {', '.join(WSMAN_ACTIONS)}")
    if not isinstance(behavior.port, int) or not 0 <= behavior.port <= 65535:
        raise ValueError(f"port must be 0..65535, not {behavior.port!r}")
    if not isinstance(behavior.delay, (int, float)) or behavior.delay < 0:
        raise ValueError(f"delay must be a number >= 0, not {behavior.delay!r}")
    for connector in behavior.connectors:
        if not isinstance(connector, dict) or not isinstance(connector.get("Name"), str):
            raise ValueError(f"each connector needs a string Name: {connector!r}")


class HostStats:
    """Counters for one emulated host; updated by server threads, read by tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.connections = 0  #: TCP connections accepted
        self.pools_opened = 0  #: successful RunspacePool creates (WSMan Create)
        self.pipelines = 0  #: pipelines started (WSMan Command)
        self.commands: list[str] = []  #: every command name run, in order
        self.principals: list[str] = []  #: every Kerberos client principal authenticated, in order

    def add(self, counter: str, amount: int = 1) -> None:
        with self._lock:
            setattr(self, counter, getattr(self, counter) + amount)

    def record_command(self, name: str) -> None:
        with self._lock:
            self.commands.append(name)

    def record_principal(self, name: str) -> None:
        with self._lock:
            self.principals.append(name)

    def __repr__(self) -> str:
        return (
            f"HostStats(connections={self.connections}, pools_opened={self.pools_opened}, "
            f"pipelines={self.pipelines}, commands={self.commands!r})"
        )

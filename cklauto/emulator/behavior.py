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
    "huge": "200 whose Content-Length announces 1 TiB, then bytes until the client hangs up, for the `fail_on` action",
    "endless": "200 with a chunked body that never ends, for the `fail_on` action",
    "trickle": "200 whose body arrives one byte every half second, forever, for the `fail_on` action",
    "redirect": "307 redirect to plain HTTP (`redirect_to`, default the same address over http://) for `fail_on`",
    "echo_password_body": "HTTP 500 page echoing the client's credential (plain, base64, URL-encoded) for `fail_on`",
    "echo_password_fault": "WSMan fault whose reason echoes the client's credential, for the `fail_on` action",
    "echo_password_record": "Get-SendConnector ends with an error record that echoes the client's credential",
}

#: Fail modes answered by the HTTP front for the `fail_on` action, before any WSMan dispatch.
TRANSPORT_FAIL_MODES = (
    "malformed",
    "html500",
    "drop",
    "hang",
    "http503",
    "huge",
    "endless",
    "trickle",
    "redirect",
    "echo_password_body",
    "echo_password_fault",
)

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
    #: Where ``fail="redirect"`` points (default: the same address and path over plain http://).
    redirect_to: str | None = None
    #: Objects per cmdlet (``{"Get-ReceiveConnector": [{...}, ...]}``), as remote PowerShell sends them.
    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Fill every cmdlet not in ``objects`` from the catalogue's samples: "compliant" or "noncompliant".
    sample: str | None = None
    #: The PowerShell-level fault (error_record, nonterminating, unknown_cmdlet, stopped) hits only this cmdlet;
    #: None: every Exchange cmdlet.
    fail_cmdlet: str | None = None
    #: Exchange cmdlets the account's RBAC roles do not grant (CommandNotFoundException).
    hidden_cmdlets: list[str] = field(default_factory=list)
    #: Limits a transport-level ``fail`` to one endpoint path: "/wsman" (the host's own WinRM endpoint is down
    #: while Exchange's answers) or "/powershell"; None: both.
    fail_path: str | None = None

    def objects_for(self, cmdlet: str) -> list[dict[str, Any]]:
        """The objects this host returns for ``cmdlet`` (before parameters filter them)."""
        for name, found in self.objects.items():
            if name.lower() == cmdlet.lower():
                return list(found)
        if cmdlet.lower() == "get-sendconnector" and (self.connectors or self.sample is None):
            from cklauto.emulator.exchange import connector_properties

            return [connector_properties(c) for c in self.connectors]
        if self.sample is not None:
            from cklauto.emulator.catalog import sample_objects

            return list(sample_objects(self.name, compliant=self.sample == "compliant").get(cmdlet, []))
        return []

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
    if behavior.redirect_to is not None and not isinstance(behavior.redirect_to, str):
        raise ValueError(f"redirect_to must be a URL string, not {behavior.redirect_to!r}")
    if not isinstance(behavior.delay, (int, float)) or behavior.delay < 0:
        raise ValueError(f"delay must be a number >= 0, not {behavior.delay!r}")
    if behavior.fail_path is not None and behavior.fail_path.lower() not in ("/wsman", "/powershell"):
        raise ValueError(f"fail_path must be /wsman or /powershell, not {behavior.fail_path!r}")
    if behavior.sample not in (None, "compliant", "noncompliant"):
        raise ValueError(f"sample must be compliant or noncompliant, not {behavior.sample!r}")
    if not isinstance(behavior.objects, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(o, dict) for o in v)
        for k, v in behavior.objects.items()
    ):
        raise ValueError("objects must map cmdlet names to lists of objects")
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

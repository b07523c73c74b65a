"""Shared test helpers for anyone who needs an emulated Exchange in a test (imports pytest).

In a ``conftest.py``::

    from cklauto.emulator.testing import emulator, emulator_factory  # noqa: F401  (fixtures)

then::

    def test_something(emulator):                     # one healthy host, HTTPS + Basic
        name = emulator.host_names[0]
        kwargs = pypsrp_kwargs(emulator, name)        # WSMan(**kwargs) reaches it
        emulator.behavior(name).fail = "hang"         # flip knobs on the running server

    def test_other(emulator_factory):
        emu = emulator_factory([make_host("ex02", connectors=NONCOMPLIANT_CONNECTORS)], auth="ntlm", tls=False)

Nothing here knows about cklauto's own client; it only describes the fake server.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cklauto.emulator.behavior import HostBehavior
from cklauto.emulator.server import EmulatedExchange

DEFAULT_USER = "CONTOSO\\svc-stig"
DEFAULT_PASSWORD = "P@ssw0rd!"
DEFAULT_HOST = "ex01.contoso.mil"

#: Every connector names a TlsDomain: V-84609 compliant.
COMPLIANT_CONNECTORS: list[dict[str, Any]] = [
    {"Name": "Outbound to Partner", "Identity": "Outbound to Partner", "TlsDomain": "partner.mil"},
    {"Name": "Outbound to Internet", "Identity": "Outbound to Internet", "TlsDomain": "*.contoso.mil"},
]
#: One connector has no TlsDomain (Nil on the wire, None client side): an open finding.
NONCOMPLIANT_CONNECTORS: list[dict[str, Any]] = [
    {"Name": "Outbound to Partner", "Identity": "Outbound to Partner", "TlsDomain": "partner.mil"},
    {"Name": "Legacy Relay", "Identity": "Legacy Relay", "TlsDomain": None},
]


def make_host(name: str = DEFAULT_HOST, connectors: list[dict[str, Any]] | None = None, **knobs: Any) -> HostBehavior:
    """A HostBehavior with its own copy of the connector list (tests may mutate it)."""
    data = COMPLIANT_CONNECTORS if connectors is None else connectors
    return HostBehavior(name=name, connectors=copy.deepcopy(data), **knobs)


def pypsrp_kwargs(emu: EmulatedExchange, name: str, endpoint: str = "exchange", **overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``pypsrp.wsman.WSMan`` that reach host ``name`` on ``emu``."""
    kwargs: dict[str, Any] = {
        "server": "127.0.0.1",
        "port": emu.port_of(name),
        "ssl": emu.tls,
        "path": "PowerShell" if endpoint == "exchange" else "wsman",
        "auth": "basic" if emu.auth == "basic" else "ntlm",
        "username": next(iter(emu.users)),
        "password": next(iter(emu.users.values())),
        "cert_validation": emu.ca_path if emu.tls else False,
        "operation_timeout": 5,
        "read_timeout": 10,
        "connection_timeout": 5,
        "reconnection_backoff": 0.1,
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture
def emulator_factory() -> Iterator[Callable[..., EmulatedExchange]]:
    """Start emulators on demand; every one started is stopped when the test ends."""
    started: list[EmulatedExchange] = []

    def start(hosts: list[HostBehavior] | None = None, **options: Any) -> EmulatedExchange:
        emu = EmulatedExchange(hosts if hosts is not None else [make_host()], **options)
        emu.start()
        started.append(emu)
        return emu

    yield start
    for emu in reversed(started):
        emu.stop()


@pytest.fixture
def emulator(emulator_factory: Callable[..., EmulatedExchange]) -> EmulatedExchange:
    """One healthy, compliant host (``ex01.contoso.mil``) over HTTPS + Basic."""
    return emulator_factory()

"""Realistic Exchange 2013 records for the Receive connector and Transport service checks' tests.

Objects come from the emulator's catalogue (``cklauto.emulator.catalog.receive_connector`` / ``transport_service``),
which writes them as remote PowerShell sends them at Partial serialization (exchange-objects.md §1, §2.4, §2.6):
enums and flag enums, sizes, time spans and identities as strings, multi-valued properties as lists, bools, ints.
"""

from __future__ import annotations

from typing import Any

from cklauto.checks import _receive_connectors as rc
from cklauto.checks import _transport_service as ts
from cklauto.checks.api import Answers, Query, Record, Settings
from cklauto.emulator.catalog import receive_connector as rc_catalog
from cklauto.emulator.catalog import transport_service as ts_catalog

SERVER = "EX01"
RC_TYPES = rc_catalog.CMDLETS[0].type_names
TS_TYPES = ts_catalog.CMDLETS[0].type_names


def connectors(server: str = SERVER, *, hardened: bool = True) -> list[dict[str, Any]]:
    """The five connectors setup creates on ``server``; ``hardened`` applies the STIG's values."""
    if hardened:
        return rc_catalog.hardened_receive_connectors(server)
    return rc_catalog.default_receive_connectors(server)


def connector(name: str = "Default", server: str = SERVER, **overrides: Any) -> dict[str, Any]:
    """One hardened default connector (by name prefix, e.g. ``Client Frontend``) with ``overrides``."""
    short = server.split(".", 1)[0].upper()
    for candidate in connectors(server):
        if candidate["Name"] == f"{name} {short}":
            candidate.update(overrides)
            return candidate
    return rc_catalog.receive_connector(
        server, name, "FrontendTransport", 25, "Tls", "ExchangeUsers", **{**rc_catalog.HARDENED, **overrides}
    )


def rc_answers(objects: list[dict[str, Any]], server: str = SERVER, *, extra: dict[Query, list[Record]] | None = None):
    records: dict[Query, list[Record]] = {rc.RECEIVE_CONNECTORS: [Record(o, RC_TYPES) for o in objects]}
    records.update(extra or {})
    return Answers(records, server=server, release="V2R3")


def transport_service(server: str = SERVER, **overrides: Any) -> dict[str, Any]:
    found = ts_catalog.transport_service(server, **ts_catalog.HARDENED)
    found.update(overrides)
    return found


def ts_answers(objects: list[dict[str, Any]], server: str = SERVER) -> Answers:
    return Answers({ts.TRANSPORT_SERVICE: [Record(o, TS_TYPES) for o in objects]}, server=server, release="V2R3")


def no_settings() -> Settings:
    return Settings({})


def without(obj: dict[str, Any], prop: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != prop}


def names_of(verdicts, ok) -> list[str]:
    return [v.subject for v in verdicts if v.ok is ok]

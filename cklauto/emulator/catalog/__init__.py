"""What the emulated Exchange endpoint knows about each cmdlet: its output type, parameters and sample objects.

One module per cmdlet family (``send_connector.py``, ``receive_connector.py``...), each holding ``CMDLETS`` (a
list of :class:`Cmdlet`) and ``sample_objects(server, compliant)``.  The engine (:mod:`cklauto.emulator.exchange`)
serves any cmdlet listed here from a host's table of objects, and honours the parameters a real server honours.

Objects are plain dicts of property name -> value, written as remote PowerShell sends them at the default
(Partial) serialization level (shared/docs/exchange-objects.md §1): ``str`` becomes ``<S>`` (enums, flag enums,
sizes such as ``"10 MB (10,485,760 bytes)"``, time spans such as ``"00:10:00"`` and identities are strings),
``bool`` ``<B>``, ``int`` ``<I32>`` (``<I64>`` when large), ``None`` ``<Nil>``, ``list`` a MultiValuedProperty
(``<Obj>`` with ``<LST>``, empty or not), and a dict ``{"$types": [...], "$tostring": "...", ...}`` a nested object.

Host cmdlets (``host=True``: Get-ItemProperty, Get-ExecutionPolicy, Get-Service, Get-Partition, Get-Acl,
Get-ScheduledTask) are plain Windows cmdlets of the host's own WinRM endpoint (``/wsman``, Microsoft.PowerShell): they
are visible there without the Exchange snap-in and never on Exchange's NoLanguage ``/PowerShell``.  Their ``select``
turns the given parameters and the host's table into the objects the real cmdlet writes, or raises
:class:`HostError` for the error record it writes.  A dict ``{"$types": [...], "$items": [...]}`` is a typed .NET
array (``System.String[]``), and ``"$notes": True`` on an object sends its properties as note properties (``<MS>``),
as a PSCustomObject carries them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

#: Every AD-backed Exchange object's type list ends with these (exchange-objects.md §2.0).
AD_OBJECT_TAIL = (
    "Microsoft.Exchange.Data.Directory.ADObject",
    "Microsoft.Exchange.Data.Directory.ADRawEntry",
    "Microsoft.Exchange.Data.ConfigurableObject",
    "System.Object",
)


@dataclass(frozen=True)
class Cmdlet:
    """How one Get- cmdlet behaves on the emulated server.

    ``server_property`` names the property that ``-Server`` filters on (None: the cmdlet has no -Server);
    ``identity_properties`` the properties ``-Identity`` (or the first positional argument) matches, case-insensitively;
    ``status_properties`` are task-populated: ``$null`` unless ``-Status`` is given (Get-ExchangeServer's
    ErrorReportingEnabled).  ``parameters`` lists every parameter the real cmdlet accepts over RBAC: any other is a
    ParameterBindingException, as on a real server.  ``recipient`` cmdlets return at most 1,000 objects unless
    ``-ResultSize Unlimited`` (with a warning, as Exchange writes one).  ``not_found_is_error``: an ``-Identity``
    that matches nothing writes ManagementObjectNotFoundException (most cmdlets) rather than returning nothing.
    """

    name: str
    type_names: tuple[str, ...]
    scope: str = "server"  # "organization" or "server"
    parameters: tuple[str, ...] = ("Identity",)
    server_property: str | None = None
    identity_properties: tuple[str, ...] = ("Identity", "Name")
    status_properties: tuple[str, ...] = ()
    recipient: bool = False
    not_found_is_error: bool = True
    #: Filters ``-Filter`` understands: a function (filter text, object) -> bool, or None when unsupported.
    filter: Callable[[str, dict[str, Any]], bool] | None = None
    #: A plain Windows cmdlet of the host's own endpoint (see the module docstring).
    host: bool = False
    #: For host cmdlets: (named parameters, lower-cased; the host's objects) -> the objects written.
    select: Callable[[dict[str, Any], list[dict[str, Any]]], list[dict[str, Any]]] | None = None


class HostError(Exception):
    """The error record a host cmdlet writes (non-terminating, as Windows PowerShell writes these)."""

    def __init__(
        self,
        message: str,
        fq_error: str,
        category: str,
        exception_type: str,
        target: str = "",
        partial: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        #: What the cmdlet wrote before the error (a wildcard read goes on past a key it cannot read).
        self.partial = list(partial or [])
        self.message = message
        self.fq_error = fq_error
        self.category = category  #: an ErrorCategory name: ObjectNotFound, InvalidArgument, PermissionDenied...
        self.exception_type = exception_type
        self.target = target


@cache
def cmdlets() -> dict[str, Cmdlet]:
    """Every cmdlet of every family, by lower-cased name."""
    found: dict[str, Cmdlet] = {}
    for module in _families():
        for cmdlet in getattr(module, "CMDLETS", ()):
            found[cmdlet.name.lower()] = cmdlet
    return found


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Realistic objects for every cmdlet, for a server named ``server`` (its organisation's objects included).

    Built once per server: callers must copy an object before changing it (the engine does).
    """
    return _samples(server, compliant)


@cache
def _samples(server: str, compliant: bool) -> dict[str, list[dict[str, Any]]]:
    objects: dict[str, list[dict[str, Any]]] = {}
    for module in _families():
        sampler = getattr(module, "sample_objects", None)
        if sampler is not None:
            for name, found in sampler(server, compliant=compliant).items():
                objects.setdefault(name, []).extend(found)
    return objects


@cache
def _families() -> tuple[Any, ...]:
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return tuple(modules)

"""Turn what pypsrp hands back into plain records, in one place.

pypsrp 0.9 gives a top-level object as a ``GenericComplexObject`` whose properties are Python scalars, nested
complex objects (enums or identities that kept their ``<ToString>``), or multi-valued properties whose ``<LST>`` it
leaves as a raw XML string (shared/docs/exchange-objects.md §1.2-1.4).  This module makes every value ``str``,
``bool``, ``int``, ``float``, ``bytes``, ``None`` or a list of those, and refuses anything else: an answer cklauto
cannot read is never judged.  It knows nothing about any check.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from cklauto.checks.api import Endpoint, Record

#: A known cmdlet's output type; an object of any other type is not an answer to it (issue 7: a
#: ``System.Diagnostics.Process`` from a hostile endpoint must never be judged as a Send connector).
EXPECTED_TYPES: dict[str, str] = {
    "get-sendconnector": "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig",
    "get-receiveconnector": "Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector",
    "get-mailboxdatabase": "Microsoft.Exchange.Data.Directory.SystemConfiguration.MailboxDatabase",
    "get-publicfolderdatabase": "Microsoft.Exchange.Data.Directory.SystemConfiguration.PublicFolderDatabase",
    "get-adminauditlogconfig": "Microsoft.Exchange.Data.Directory.SystemConfiguration.AdminAuditLogConfig",
    "get-organizationconfig": "Microsoft.Exchange.Data.Directory.Management.OrganizationConfig",
    "get-exchangeserver": "Microsoft.Exchange.Data.Directory.Management.ExchangeServer",
    "get-transportservice": "Microsoft.Exchange.Data.Directory.Management.TransportServer",
    "get-transportconfig": "Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportConfigContainer",
    "get-remotedomain": "Microsoft.Exchange.Data.Directory.SystemConfiguration.DomainContentConfig",
    "get-mailbox": "Microsoft.Exchange.Data.Directory.Management.Mailbox",
}
#: What each Windows cmdlet asked on the host's own endpoint returns (``Endpoint.HOST`` queries only: a
#: PSCustomObject is never an answer to an Exchange query).  Every host cmdlet must be listed.
HOST_EXPECTED_TYPES: dict[str, str] = {
    # Get-ItemProperty's registry values, and Get-ExecutionPolicy -List's (Scope, ExecutionPolicy) pairs.
    "get-itemproperty": "System.Management.Automation.PSCustomObject",
    "get-executionpolicy": "System.Management.Automation.PSCustomObject",
    "get-service": "System.ServiceProcess.ServiceController",
    "get-partition": "Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/Storage/MSFT_Partition",
    "get-acl": "System.Security.AccessControl.FileSystemSecurity",
    "get-scheduledtask": "Microsoft.Management.Infrastructure.CimInstance#Root/Microsoft/Windows/TaskScheduler/"
    "MSFT_ScheduledTask",
}
_DESERIALIZED = "Deserialized."


class UnreadableObject(ValueError):
    """An object or value that is not what an Exchange cmdlet returns."""


def check_type(cmdlet: str, type_names: tuple[str, ...], endpoint: Endpoint = Endpoint.EXCHANGE) -> None:
    """Raise UnreadableObject unless ``type_names`` is what ``cmdlet`` returns (any Exchange type if unknown).

    On the host's endpoint only the listed Windows cmdlets and their own types are accepted (CIM class names are
    compared without regard to case, as WMI namespaces are case-insensitive)."""
    names = [t[len(_DESERIALIZED) :] if t.startswith(_DESERIALIZED) else t for t in type_names]
    if endpoint is Endpoint.HOST:
        wanted = HOST_EXPECTED_TYPES.get(cmdlet.lower())
        if wanted is None:
            raise UnreadableObject(f"{cmdlet} is not a cmdlet cklauto reads on the host's endpoint")
        if wanted.lower() not in (n.lower() for n in names):
            raise UnreadableObject(f"{cmdlet} returned a {names[0] if names else 'untyped object'}, not a {wanted}")
        return
    expected = EXPECTED_TYPES.get(cmdlet.lower())
    if expected is not None:
        if expected not in names:
            raise UnreadableObject(f"{cmdlet} returned a {names[0] if names else 'untyped object'}, not a {expected}")
    elif not any(n.startswith("Microsoft.Exchange.") for n in names):
        raise UnreadableObject(f"{cmdlet} returned a {names[0] if names else 'untyped object'}, not an Exchange object")


def to_record(obj: Any) -> Record:
    """One top-level output object as a :class:`Record`; UnreadableObject when it is not an object."""
    adapted = getattr(obj, "adapted_properties", None)
    extended = getattr(obj, "extended_properties", None)
    if not isinstance(adapted, dict) and not isinstance(extended, dict):
        raise UnreadableObject(f"a {type(obj).__name__} where an object was expected")
    values: dict[str, Any] = {}
    # Extended (note) properties win over adapted ones, as in PowerShell's type system: Select-Object output.
    for source in (adapted or {}, extended or {}):
        for name, value in source.items():
            if not isinstance(name, str):
                raise UnreadableObject("a property without a text name")
            for known in list(values):
                if known.lower() == name.lower() and known != name:
                    raise UnreadableObject(f"property {name!r} appears twice (also as {known!r})")
            values[name] = plain(value, name)
    types = tuple(str(t) for t in (getattr(obj, "types", None) or ()))
    try:
        return Record(values, types)
    except ValueError as exc:
        raise UnreadableObject(str(exc)) from None


def plain(value: Any, where: str = "value", depth: int = 0) -> Any:
    """A property value as plain Python (see the module docstring)."""
    if depth > 3:
        raise UnreadableObject(f"{where}: nested too deeply")
    if value is None or isinstance(value, (str, bool, int, float, bytes)):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(item, where, depth + 1) for item in value]
    if isinstance(value, dict):
        raise UnreadableObject(f"{where}: a dictionary where Exchange sends a value")
    raw_list = _raw_list(value)
    if raw_list is not None:
        return [plain(item, where, depth + 1) for item in raw_list]
    to_string = getattr(value, "to_string", None)
    if isinstance(to_string, str):
        return to_string
    props = getattr(value, "adapted_properties", None)
    if isinstance(props, dict) and not props and not getattr(value, "extended_properties", None):
        # An object with neither a ToString nor properties: what pypsrp makes of an unknown empty container.
        raise UnreadableObject(f"{where}: an object with no value")
    raise UnreadableObject(f"{where}: an object of type {type(value).__name__} without a text form")


_LIST_START = re.compile(r"^\s*<(LST|IE)\b")


def _raw_list(value: Any) -> list[Any] | None:
    """pypsrp 0.9.1 leaves a MultiValuedProperty's ``<LST>`` as raw XML in ``property_sets``; read it."""
    if getattr(value, "to_string", None) is not None:
        return None
    sets = getattr(value, "property_sets", None)
    if not sets or not isinstance(sets[0], str) or not _LIST_START.match(sets[0]):
        return None
    from pypsrp.serializer import Serializer

    inner = re.sub(r"^(\s*)<IE\b", r"\1<LST", sets[0]).replace("</IE>", "</LST>")
    document = (
        '<Obj RefId="0"><TN RefId="0"><T>System.Collections.ArrayList</T><T>System.Object</T></TN>' + inner + "</Obj>"
    )
    try:
        items = Serializer().deserialize(document)
    except Exception as exc:  # noqa: BLE001 - pypsrp raises many kinds on bad XML
        raise UnreadableObject(f"a list that cannot be read: {type(exc).__name__}") from None
    if not isinstance(items, list):
        raise UnreadableObject("a list that cannot be read")
    return items

"""What the host cmdlets' families share: provider paths, PSCustomObjects, enums, arrays and wildcards.

Shapes follow Windows PowerShell 5.1 over remoting at the default serialization depth (1): a PSCustomObject's values
are note properties (``<MS>``); an enum or other object nested one level down keeps only its type names and its
ToString (about_Object_Serialization / MS-PSRP §2.2.5.2); a .NET array is a ``<LST>`` under its own type names.
"""

from __future__ import annotations

import fnmatch
from typing import Any

PS_CUSTOM_OBJECT = ("System.Management.Automation.PSCustomObject", "System.Object")
_ENUM_TAIL = ("System.Enum", "System.ValueType", "System.Object")
STRING_ARRAY = ("System.String[]", "System.Array", "System.Object")


def enum(type_name: str, value: str) -> dict[str, Any]:
    """An enum value nested in an object: its type names and its name."""
    return {"$types": [type_name, *_ENUM_TAIL], "$tostring": value}


def strings(items: list[str]) -> dict[str, Any]:
    """A System.String[] property (a partition's AccessPaths)."""
    return {"$types": list(STRING_ARRAY), "$items": list(items)}


def char(letter: str) -> dict[str, Any]:
    """A System.Char property; "" is the NUL char Windows uses for "no drive letter"."""
    return {"$char": letter}


def custom_object(values: dict[str, Any]) -> dict[str, Any]:
    """A PSCustomObject with these note properties, its ToString as PowerShell writes it: ``@{a=1; b=x}``."""
    shown = "; ".join(f"{k}={_shown(v)}" for k, v in values.items())
    return {"$types": list(PS_CUSTOM_OBJECT), "$notes": True, "$tostring": "@{" + shown + "}", **values}


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("$tostring", ""))
    return "" if value is None else str(value)


def words(value: Any) -> list[str]:
    """A parameter value as a list of strings (pypsrp sends a list for ``-Path a,b``)."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [str(value)]
    return [str(v) for v in value]


def has_wildcard(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def like(pattern: str, text: str) -> bool:
    """PowerShell's -like: wildcards, without regard to case."""
    return fnmatch.fnmatchcase(text.lower(), pattern.lower())


def provider_item(provider: str, drive: str, full_path: str, parent: str, child: str) -> dict[str, Any]:
    """The PS* note properties a provider cmdlet (Get-ItemProperty, Get-Acl) adds to what it writes."""
    provider_name = f"Microsoft.PowerShell.Core\\{provider}"
    return {
        "PSPath": f"{provider_name}::{full_path}",
        "PSParentPath": f"{provider_name}::{parent}" if parent else "",
        "PSChildName": child,
        "PSDrive": {"$types": ["System.Management.Automation.PSDriveInfo", "System.Object"], "$tostring": drive},
        "PSProvider": {
            "$types": ["System.Management.Automation.ProviderInfo", "System.Object"],
            "$tostring": provider_name,
        },
    }

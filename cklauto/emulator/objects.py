"""Build the PSObjects the emulated endpoint sends, from plain dicts, as Exchange's remote PowerShell shapes them.

See :mod:`cklauto.emulator.catalog` for the mapping (str, bool, int, None, list -> MultiValuedProperty, dict ->
nested object).  Lists become ``MultiValuedProperty`` containers, not ArrayLists, so the client meets the raw
``<LST>`` that pypsrp 0.9 leaves unparsed for them, exactly as with a real server (exchange-objects.md §1.2).
"""

from __future__ import annotations

from typing import Any

from psrpcore.types import PSChar, PSInt64, PSList, PSNoteProperty, PSObject

MVP_TYPES = [
    "Microsoft.Exchange.Data.MultiValuedProperty`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, "
    "PublicKeyToken=b77a5c561934e089]]",
    "Microsoft.Exchange.Data.MultiValuedPropertyBase",
    "System.Object",
]
ADOBJECTID_TYPES = ["Microsoft.Exchange.Data.Directory.ADObjectId", "System.Object"]
_INT32 = range(-(2**31), 2**31)


def wire_value(value: Any) -> Any:
    """One property value as psrpcore serialises it."""
    if value is None or isinstance(value, (str, bool, bytes, float)):
        return value
    if isinstance(value, int):
        return value if value in _INT32 else PSInt64(value)
    if isinstance(value, (list, tuple)):
        items = PSList([wire_value(v) for v in value])
        items.PSObject.type_names = list(MVP_TYPES)
        return items
    if isinstance(value, dict) and "$char" in value:
        # A System.Char (<C>): a partition's DriveLetter, "\x00" when it has none.
        return PSChar(ord(value["$char"]) if value["$char"] else 0)
    if isinstance(value, dict) and "$items" in value:
        # A typed .NET array (System.String[]), as Windows cmdlets send theirs.
        items = PSList([wire_value(v) for v in value["$items"]])
        items.PSObject.type_names = list(value.get("$types") or ["System.Object[]", "System.Array", "System.Object"])
        return items
    if isinstance(value, dict):
        types = list(value.get("$types") or ["System.Object"])
        to_string = value.get("$tostring")
        props = {k: v for k, v in value.items() if not k.startswith("$")}
        return nested(types, to_string, props)
    raise TypeError(f"the emulator cannot send a {type(value).__name__}")


def nested(type_names: list[str], to_string: str | None, props: dict[str, Any], *, notes: bool = False) -> PSObject:
    """An object; ``notes`` sends its properties as note properties (``<MS>``), as a PSCustomObject's."""
    obj = PSObject()
    obj.PSObject.type_names = list(type_names)
    if to_string is not None:
        obj.PSObject.to_string = to_string
    where = obj.PSObject.extended_properties if notes else obj.PSObject.adapted_properties
    for key, value in props.items():
        where.append(PSNoteProperty(key, wire_value(value)))
    return obj


def to_psobject(
    props: dict[str, Any], type_names: tuple[str, ...] | list[str], *, nested_identity: bool = False
) -> PSObject:
    """A top-level output object: ``type_names`` as its TN list, ToString its Name (or Identity)."""
    values = dict(props)
    if nested_identity and isinstance(values.get("Identity"), str):
        identity = values["Identity"]
        values["Identity"] = {
            "$types": ADOBJECTID_TYPES,
            "$tostring": identity,
            "Name": identity.rsplit("\\", 1)[-1],
            "DistinguishedName": f"CN={identity},CN=Configuration",
        }
    notes = bool(values.pop("$notes", False))
    if "$tostring" in values:
        shown = values.pop("$tostring")
    else:
        shown = values.get("Name") if isinstance(values.get("Name"), str) else values.get("Identity")
    return nested(list(type_names), str(shown) if isinstance(shown, str) else None, values, notes=notes)

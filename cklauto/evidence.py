"""Offline evidence: Send connector data exported on the Exchange side, for enclaves that forbid remoting.

Two exports are understood, recognised by content (never by file name extension):

* JSON, as ``ConvertTo-Json -InputObject @(Get-SendConnector | Select-Object Name, Identity, TlsDomain)`` (or the
  pipeline ``Get-SendConnector | Select-Object ... | ConvertTo-Json``) writes it in Windows PowerShell 5.1 or
  PowerShell 7: one object or an array of objects.  ``TlsDomain`` may be a string, ``null``
  or a nested ``SmtpDomainWithSubdomains`` object; ``Identity`` a string or a nested ``ADObjectId`` object.
* CLIXML, as ``Get-SendConnector | Export-Clixml`` writes it.  The objects are rebuilt with psrpcore's CLIXML
  deserializer after the XML has been parsed with a hardened lxml parser (no DTD, no entities, no network).

Windows PowerShell 5.1 writes ``>``/``Out-File`` output, and Export-Clixml files, as UTF-16 LE with a BOM, and
``Set-Content`` output in the ANSI code page; PowerShell 7 writes UTF-8 without BOM.  All of these are read.

Every failure is an ``EvidenceError`` whose one-line message names the file.  An evidence file is the sole basis of
an audit result, so anything that is not clearly a complete Send connector export is refused rather than guessed
at: in particular an empty file and a bare JSON ``null`` (both what a failed export looks like) are errors, while
``[]`` means "no Send connectors".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from cklauto.errors import EvidenceError
from cklauto.model import SendConnector
from cklauto.readfile import FileTooLarge, NotARegularFile, read_regular_file
from cklauto.safexml import hardened_parser

#: Larger files are refused: a real organisation has at most a few hundred Send connectors (a few MiB of CLIXML).
MAX_BYTES = 16 * 1024 * 1024

CLIXML_NAMESPACE = "http://schemas.microsoft.com/powershell/2004/04"

#: The export that is right for any number of Send connectors: -InputObject @(...) writes [] when there are none,
#: where a pipeline into ConvertTo-Json writes nothing at all (an empty file, which a failed export also leaves).
EXPORT_COMMAND = (
    "ConvertTo-Json -InputObject @(Get-SendConnector | Select-Object Name, Identity, TlsDomain) "
    "| Set-Content -Encoding UTF8 <file>"
)
_EXPORT_HINT = f"export with: {EXPORT_COMMAND}, or: Get-SendConnector | Export-Clixml <file>"
_EMPTY_HINT = (
    f"if the organisation has no Send connectors, export with: {EXPORT_COMMAND}, which writes [] "
    "(or use cklauto collect-script)"
)


@dataclass(frozen=True)
class Evidence:
    """Send connectors read from an evidence file.

    ``sha256`` is the hex SHA-256 of the file's raw bytes, so the finding details can pin the exact file used.
    ``format`` is ``"json"`` or ``"clixml"``; ``encoding`` is the text encoding the file was read with.
    """

    connectors: list[SendConnector]
    path: str
    sha256: str
    format: str
    encoding: str = "utf-8"

    @property
    def description(self) -> str:
        """One line for the finding details, e.g. ``evidence file sc.json (JSON, SHA-256 ab12...)``."""
        return f"evidence file {Path(self.path).name} ({self.format.upper()}, SHA-256 {self.sha256})"


def load_evidence(path: str | Path) -> Evidence:
    """Read a JSON or CLIXML Send connector export.  Raises ``EvidenceError`` (only) when it cannot be used."""
    raw = _read_bytes(path)
    sha256 = hashlib.sha256(raw).hexdigest()
    text, encoding = _decode(path, raw)
    if not text.strip():
        # What a pipeline into ConvertTo-Json writes when there are no Send connectors, and what a failed export
        # leaves: not evidence of either.
        raise EvidenceError(path, "file is empty, which is not evidence of zero Send connectors", _EMPTY_HINT)
    body = text.lstrip()
    if body.startswith("<") or body.startswith("#< CLIXML"):
        connectors = _load_clixml(path, body)
        kind = "clixml"
    else:
        connectors = _load_json(path, body)
        kind = "json"
    return Evidence(connectors=connectors, path=str(path), sha256=sha256, format=kind, encoding=encoding)


# --------------------------------------------------------------------------------------------------------------
# Bytes and text


def _read_bytes(path: str | Path) -> bytes:
    # Only a regular file is read: a FIFO would block forever and /dev/zero never ends.
    try:
        raw, _ = read_regular_file(path, MAX_BYTES)
    except FileNotFoundError:
        raise EvidenceError(path, "file not found") from None
    except NotARegularFile as exc:
        if exc.kind == "a folder":
            raise EvidenceError(path, "is a directory, not an evidence file") from None
        raise EvidenceError(
            path, f"is {exc.kind}, not a regular file; not read", "save the export to a file first"
        ) from None
    except FileTooLarge:
        raise _too_large(path) from None
    except PermissionError:
        raise EvidenceError(path, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise EvidenceError(path, f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:  # grew while being read
        raise _too_large(path)
    return raw


def _too_large(path: str | Path) -> EvidenceError:
    return EvidenceError(
        path, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", "is this really a Send connector export?"
    )


_BOMS = (
    # UTF-32 LE must be tested before UTF-16 LE: its BOM starts with the UTF-16 LE BOM.
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _decode(path: str | Path, raw: bytes) -> tuple[str, str]:
    """Decode by BOM, else by the NUL pattern of BOM-less UTF-16, else UTF-8, else the Windows ANSI code page."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _strict(path, raw[len(bom) :], encoding), f"{encoding} with BOM"
    if len(raw) >= 2 and raw[0] != 0 and raw[1] == 0:
        return _strict(path, raw, "utf-16-le"), "utf-16-le"
    if len(raw) >= 2 and raw[0] == 0 and raw[1] != 0:
        return _strict(path, raw, "utf-16-be"), "utf-16-be"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows PowerShell 5.1's Set-Content and Out-File -Encoding Default write the ANSI code page, which on the
    # Windows hosts this tool meets is cp1252.  Only names can carry non-ASCII text; TlsDomain is ASCII.
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise EvidenceError(path, "is not a text file (neither UTF-8, UTF-16 nor Windows-1252)") from None


def _strict(path: str | Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise EvidenceError(path, f"is not valid {encoding.upper()} text") from None


# --------------------------------------------------------------------------------------------------------------
# JSON


def _load_json(path: str | Path, text: str) -> list[SendConnector]:
    try:
        data = json.loads(text, parse_constant=reject_json_constant, object_pairs_hook=strict_json_object)
    except RecursionError:
        raise EvidenceError(path, "JSON is nested too deeply") from None
    except AmbiguousJSON as exc:
        raise EvidenceError(path, f"is not a usable export: {exc}", _EXPORT_HINT) from None
    except ValueError as exc:
        if text[:1] in ("{", "[", '"'):
            if isinstance(exc, json.JSONDecodeError):
                reason = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
                # An error at the very end of the text is what a copy or transfer that stopped early looks like.
                cut_short = exc.msg.startswith("Unterminated") or exc.pos >= len(text.rstrip()) - 1
            else:
                reason, cut_short = _first_line(str(exc)), False
            hint = "the file ends early; was the export cut short?" if cut_short else None
            raise EvidenceError(path, f"is not valid JSON: {reason}", hint) from None
        raise EvidenceError(path, "is neither JSON nor CLIXML", _EXPORT_HINT) from None
    if data is None:
        raise EvidenceError(
            path,
            "holds JSON null, which is what a failed or empty export writes, "
            "so it is not evidence of zero Send connectors",
            _EMPTY_HINT,
        )
    if isinstance(data, str):
        _no_surrogates(path, data)
    if isinstance(data, dict) and _is_value_count_wrapper(data):
        # Windows PowerShell 5.1 writes an array that carries ETS members as {"value": [...], "Count": n}.
        count = _get(data, "Count")
        data = _get(data, "value")
        if isinstance(count, bool) or not isinstance(count, int) or count != len(data):
            raise EvidenceError(
                path,
                f"says it holds {count!r} objects but holds {len(data)}, so part of the export may be missing",
                "export again",
            )
    if isinstance(data, dict):
        items: list[Any] = [data]
    elif isinstance(data, list):
        items = data
    else:
        raise EvidenceError(
            path, f"is JSON but not a Send connector export (a {_json_type(data)}, expected objects)", _EXPORT_HINT
        )
    return [_json_connector(path, index, item) for index, item in enumerate(items, 1)]


def reject_json_constant(name: str) -> Any:
    """``parse_constant`` for json.loads: NaN and Infinity are not JSON, and never evidence."""
    raise ValueError(f"{name} is not JSON")


class AmbiguousJSON(ValueError):
    """A JSON object that names one property twice, or a text that is not text."""


def strict_json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for json.loads on evidence (an export here, a bundle in cklauto.bundle).

    PowerShell property names ignore case: "TlsDomain" and "tlsdomain" in one object are one property given two
    values, and which one a reader takes decides the audit result.  Refuse rather than pick.  A lone surrogate
    anywhere in a key, a value or a list of values is refused too: it is not a character.
    """
    result: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for key, value in pairs:
        if has_surrogate(key) or _holds_surrogate(value):
            raise AmbiguousJSON("a text holds a lone surrogate (\\ud800-\\udfff), which is not a character")
        folded = key.lower()
        if folded in seen:
            raise AmbiguousJSON(f"property {key!r} appears twice in one object (also as {seen[folded]!r})")
        seen[folded] = key
        result[key] = value
    return result


def _holds_surrogate(value: Any) -> bool:
    # Objects were checked when they were built (the hook runs innermost first); strings and lists are not.
    if isinstance(value, str):
        return has_surrogate(value)
    return isinstance(value, list) and any(_holds_surrogate(item) for item in value)


def has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def _no_surrogates(path: str | Path, text: str) -> None:
    if has_surrogate(text):
        raise EvidenceError(path, "holds a lone surrogate (\\ud800-\\udfff), which is not a character")


def _is_value_count_wrapper(data: Mapping[str, Any]) -> bool:
    keys = {k.lower() for k in data}
    return keys == {"value", "count"} and isinstance(_get(data, "value"), list)


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(
        type(value), type(value).__name__
    )


_MISSING = object()


def _get(data: Mapping[str, Any], name: str, default: Any = _MISSING) -> Any:
    """A property by name, exact case first, then case-insensitively (PowerShell property names ignore case)."""
    if name in data:
        return data[name]
    for key, value in data.items():
        if isinstance(key, str) and key.lower() == name.lower():
            return value
    return default


def _json_connector(path: str | Path, index: int, item: Any) -> SendConnector:
    where = f"object {index}"
    if not isinstance(item, dict):
        raise EvidenceError(path, f"{where} is a {_json_type(item)}, not a Send connector object", _EXPORT_HINT)
    name = _get(item, "Name", None)
    if name is not None and not isinstance(name, str):
        raise EvidenceError(path, f"{where}: Name is a {_json_type(name)}, expected text")
    if name is None or not name.strip():
        raise EvidenceError(path, f"{where} has no Name property, so it is not a Send connector", _EXPORT_HINT)
    where = f"object {index} ({name!r})"
    tls = _get(item, "TlsDomain")
    if tls is _MISSING:
        # Select-Object always writes the property (null when unset); no property means a different export.
        raise EvidenceError(path, f"{where} has no TlsDomain property", _EXPORT_HINT)
    identity = _get(item, "Identity", None)
    return SendConnector(
        name=name,
        identity=_json_identity(path, where, identity, name),
        tls_domain=_json_tls_domain(path, where, tls),
    )


def _json_identity(path: str | Path, where: str, value: Any, name: str) -> str:
    if value is None:
        # A send connector's Identity is its Name (ADObjectId.ToString); only the display would differ.
        return name
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        # ConvertTo-Json of an ADObjectId: {"Name": ..., "DistinguishedName": ..., "ObjectGuid": ...}.
        for key in ("Name", "DistinguishedName"):
            found = _get(value, key, None)
            if isinstance(found, str) and found:
                return found
        raise EvidenceError(path, f"{where}: its Identity object has no Name")
    raise EvidenceError(path, f"{where}: Identity is a {_json_type(value)}, expected text or an object")


def _json_tls_domain(path: str | Path, where: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _domain_from_properties(path, where, value)
    raise EvidenceError(path, f"{where}: TlsDomain is a {_json_type(value)}, expected text, null or an object")


def _domain_from_properties(path: str | Path, where: str, props: Mapping[str, Any]) -> str:
    """The ToString of an SmtpDomainWithSubdomains given its properties: ``*.`` + Domain when IncludeSubDomains."""
    domain = _get(props, "Domain", None)
    address = _get(props, "Address", None)
    found = next((v for v in (domain, address) if isinstance(v, str) and v.strip()), None)
    if found is None:
        raise EvidenceError(path, f"{where}: the TlsDomain object has no Domain or Address")
    base = str(found)  # psrpcore's PSString -> plain str
    include_subdomains = _get(props, "IncludeSubDomains", False) is True
    is_wildcard = include_subdomains or (isinstance(address, str) and address.startswith("*."))
    if base == "*" or base.startswith("*."):
        return base
    return f"*.{base}" if is_wildcard else base


# --------------------------------------------------------------------------------------------------------------
# CLIXML

_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>", re.IGNORECASE)


def _hardened_parser() -> etree.XMLParser:
    # DOCTYPE is also refused outright before parsing (see _load_clixml).
    return hardened_parser(remove_comments=True, remove_pis=True)


def _load_clixml(path: str | Path, text: str) -> list[SendConnector]:
    if text.startswith("#< CLIXML"):
        # The form `pwsh -OutputFormat xml` writes to stdout; the XML follows the marker line.
        text = text[len("#< CLIXML") :].lstrip()
    # Refuse any DTD: an Export-Clixml file never has one, and DTDs are how entity bombs and XXE get in.
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise EvidenceError(path, "XML contains a DOCTYPE/ENTITY declaration, which a CLIXML export never has")
    # The text is already decoded; lxml refuses str input that still declares an encoding, so drop the declaration.
    body = _XML_DECLARATION.sub("", text, count=1).encode("utf-8")
    try:
        root = etree.fromstring(body, parser=_hardened_parser())
    except etree.XMLSyntaxError as exc:
        # lxml appends "(<string>, line N)": the file name is already in the message, so drop it.
        reason = re.sub(r"\s*\(<string>, line \d+\)$", "", _first_line(str(exc)))
        if reason.startswith("Excessive depth"):
            reason = "it is nested too deeply (more than 256 levels)"
        raise EvidenceError(path, f"is not well-formed XML: {reason}") from None
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        raise EvidenceError(path, "XML contains a DOCTYPE declaration, which a CLIXML export never has")
    qname = etree.QName(root)
    if qname.localname != "Objs" or qname.namespace not in (CLIXML_NAMESPACE, None):
        raise EvidenceError(
            path, f"is XML but not CLIXML (root element <{qname.localname}>, expected <Objs>)", _EXPORT_HINT
        )
    if len(root) == 0:
        # `Export-Clixml` with no input writes an empty <Objs/>: no Send connectors, like JSON's [].
        return []
    values = _deserialize(path, root)
    if not values:
        # Records but no output (progress, information, verbose, warning): a failed or interrupted export, not
        # evidence that there are no Send connectors.
        raise EvidenceError(
            path,
            "holds only progress, information or warning records and no objects, so it is not an export of the Send "
            "connectors",
            _EXPORT_HINT,
        )
    connectors = [_clixml_connector(path, index, value) for index, value in enumerate(values, 1)]
    for connector in connectors:
        for text in (connector.name, connector.identity, connector.tls_domain or ""):
            _no_surrogates(path, text)
    return connectors


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else "parse error"


class _NoSecrets:
    """Stand-in for a CLIXML SecureString cipher.

    Export-Clixml protects SecureStrings with the exporting user's DPAPI key, which cannot (and need not) be
    decrypted here; psrpcore only calls the cipher when a SecureString is read, which this module never does.
    """

    def decrypt(self, value: str) -> str:
        raise ValueError("SecureString values in evidence files are not decrypted")

    def encrypt(self, value: str) -> str:
        raise ValueError("SecureString values are not encrypted by cklauto")


def _deserialize(path: str | Path, root: etree._Element) -> list[Any]:
    from psrpcore.types import ClixmlStream, PSCryptoProvider, deserialize_clixml

    class _Cipher(_NoSecrets, PSCryptoProvider):
        pass

    # psrpcore's deserializer expects CLIXML elements without the namespace; strip it here rather than rely on its
    # text trick, and hand it lxml's re-serialisation, which cannot contain a DTD or an unexpanded entity.
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    etree.cleanup_namespaces(root)
    clean = etree.tostring(root, encoding="unicode")
    try:
        pairs = deserialize_clixml(clean, _Cipher(), preserve_streams=True)
    except RecursionError:
        raise EvidenceError(path, "CLIXML is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - third-party parser on untrusted input; any failure means "unusable"
        raise EvidenceError(path, f"is not valid CLIXML: {type(exc).__name__}: {_first_line(str(exc))}") from None
    values = []
    for value, stream in pairs:
        if stream is ClixmlStream.ERROR:
            raise EvidenceError(
                path,
                f"the export recorded an error, so it may be incomplete: {_first_line(str(value))}",
                "fix the error and export again",
            )
        if stream is ClixmlStream.OUTPUT:
            # Verbose/warning/progress/information records (pwsh -OutputFormat xml) are not data.
            values.append(value)
    return values


def _ps_properties(value: Any) -> dict[str, Any] | None:
    """Adapted then extended properties of a deserialized PSObject (extended win, as in PowerShell's ETS)."""
    from psrpcore.types import PSObject

    if not isinstance(value, PSObject):
        return None
    meta = value.PSObject
    props: dict[str, Any] = {}
    for group in (meta.adapted_properties, meta.extended_properties):
        for prop in group:
            props[prop.name] = prop.get_value(value)
    return props


def _to_string(value: Any) -> str | None:
    meta = getattr(value, "PSObject", None)
    text = getattr(meta, "to_string", None) if meta is not None else None
    return str(text) if isinstance(text, str) else None


def _clixml_connector(path: str | Path, index: int, value: Any) -> SendConnector:
    where = f"object {index}"
    props = _ps_properties(value) if not isinstance(value, str) else None
    if props is None:
        raise EvidenceError(path, f"{where} is a plain value, not a Send connector object", _EXPORT_HINT)
    name = _get(props, "Name", None)
    if not isinstance(name, str) or not name.strip():
        raise EvidenceError(path, f"{where} has no Name property, so it is not a Send connector", _EXPORT_HINT)
    name = str(name)  # PSString -> plain str
    where = f"object {index} ({name!r})"
    tls = _get(props, "TlsDomain")
    if tls is _MISSING:
        raise EvidenceError(path, f"{where} has no TlsDomain property", _EXPORT_HINT)
    return SendConnector(
        name=name,
        identity=_clixml_identity(path, where, _get(props, "Identity", None), name),
        tls_domain=_clixml_tls_domain(path, where, tls),
    )


def _clixml_identity(path: str | Path, where: str, value: Any, name: str) -> str:
    if value is None:
        return name
    if isinstance(value, str):
        return str(value)
    text = _to_string(value)
    if text:
        return text
    props = _ps_properties(value) or {}
    found = _get(props, "Name", None)
    if isinstance(found, str) and found:
        return str(found)
    raise EvidenceError(path, f"{where}: Identity has neither a string value nor a Name")


def _clixml_tls_domain(path: str | Path, where: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (bool, int, float)) or _ps_properties(value) is None:
        raise EvidenceError(path, f"{where}: TlsDomain is a {type(value).__name__}, expected text or a domain object")
    # A nested SmtpDomainWithSubdomains (Export-Clixml in a local Exchange Management Shell): its ToString is what
    # Get-SendConnector shows, e.g. "contoso.mil" or "*.contoso.mil".
    text = _to_string(value)
    if text is not None:
        return text
    return _domain_from_properties(path, where, _ps_properties(value) or {})


__all__ = ["CLIXML_NAMESPACE", "MAX_BYTES", "Evidence", "load_evidence"]

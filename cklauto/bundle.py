"""Offline evidence for every query: read an evidence bundle, or today's single Send connector export.

An evidence bundle is what ``cklauto collect-script`` makes an admin's Exchange Management Shell write, for enclaves
that forbid remoting: one JSON document holding each query's output, shaped as remote PowerShell sends it::

    {"cklauto_evidence": 1, "server": "EX01", "exported_at": "2026-11-28T09:14:03Z", "exported_by": "CONTOSO\\\\admin",
     "generator": "cklauto collect-script 0.2.0",
     "queries": [{"command": "Get-ReceiveConnector", "parameters": {"Server": "EX01"}, "completed": true,
                  "errors": [], "warnings": [],
                  "objects": [{"types": ["Microsoft.Exchange...ReceiveConnector", "..."],
                               "properties": {"Name": "Default EX01", "AuthMechanism": "Tls, Integrated", ...}}]}]}

It is the sole basis of an audit result, so it is read strictly: duplicate or case-variant keys, a lone surrogate,
a number too large to read, a query that did not complete or wrote an error record, or an object cklauto cannot read
make that query (or the whole file) fail closed with a one-line error naming the file.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cklauto.checks.api import Endpoint, Record, ResolvedQuery
from cklauto.errors import CklautoError, EvidenceError
from cklauto.evidence import (
    _decode,
    _read_bytes,
    has_surrogate,
    load_evidence,
    reject_json_constant,
    strict_json_object,
)
from cklauto.remoting.pipelines import _PARTIAL_WARNING, QueryAnswer
from cklauto.remoting.records import UnreadableObject, check_type

BUNDLE_KEY = "cklauto_evidence"
BUNDLE_VERSION = 1
SEND_CONNECTOR_TYPE = "Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig"

#: An answer's key: cmdlet, parameters (lower-cased, sorted) and the endpoint it was asked on.
_Key = tuple[str, tuple[tuple[str, str], ...], str]


@dataclass(frozen=True)
class EvidenceSet:
    """The answers an evidence file holds, and what the finding details say about it."""

    path: str
    sha256: str
    kind: str  #: "bundle" or the legacy export's "json"/"clixml"
    server: str  #: the Exchange server it was exported on ("" when the file does not say)
    exported_at: str
    exported_by: str
    answers: dict[_Key, QueryAnswer | CklautoError]

    def answer_for(self, query: ResolvedQuery) -> QueryAnswer | CklautoError | None:
        """The file's answer to ``query`` (parameters compared without regard to case), or None if it has none."""
        return self.answers.get(_key(query.cmdlet, query.parameters, query.endpoint))

    @property
    def description(self) -> str:
        what = "evidence bundle" if self.kind == "bundle" else f"evidence file ({self.kind.upper()})"
        parts = [f"SHA-256 {self.sha256}"]
        if self.exported_at:
            parts.append(f"exported {self.exported_at}")
        if self.server:
            parts.append(f"on {self.server}")
        if self.exported_by:
            parts.append(f"by {self.exported_by}")
        return f"{what} {Path(self.path).name} ({', '.join(parts)})"


def _key(cmdlet: str, parameters: Any, endpoint: Endpoint = Endpoint.EXCHANGE) -> _Key:
    items = parameters.items() if isinstance(parameters, Mapping) else parameters
    normalised = []
    for name, value in items:
        if isinstance(value, (list, tuple)):
            shown = ",".join(str(v) for v in value)
        elif value is True:
            shown = "$true"
        else:
            shown = str(value)
        normalised.append((str(name).lower(), shown.lower()))
    return cmdlet.lower(), tuple(sorted(normalised)), endpoint.value


def load_evidence_set(path: str | Path) -> EvidenceSet:
    """Read an evidence bundle or a legacy Get-SendConnector export.  Raises EvidenceError when unusable."""
    raw = _read_bytes(path)
    sha256 = hashlib.sha256(raw).hexdigest()
    text, _encoding = _decode(path, raw)
    body = text.lstrip()
    if body.startswith("{") and f'"{BUNDLE_KEY}"' in body[:4096]:
        return _load_bundle(path, body, sha256)
    legacy = load_evidence(path)
    records = tuple(
        Record({"Name": c.name, "Identity": c.identity, "TlsDomain": c.tls_domain}, (SEND_CONNECTOR_TYPE,))
        for c in legacy.connectors
    )
    query = ResolvedQuery("Get-SendConnector")
    return EvidenceSet(
        path=str(path),
        sha256=sha256,
        kind=legacy.format,
        server="",
        exported_at="",
        exported_by="",
        answers={_key("Get-SendConnector", ()): QueryAnswer(query, records)},
    )


def _no_surrogates(text: str) -> None:
    if has_surrogate(text):
        raise ValueError("a text holds a lone surrogate (\\ud800-\\udfff), which is not a character")


def _load_bundle(path: str | Path, text: str, sha256: str) -> EvidenceSet:
    try:
        data = json.loads(text, object_pairs_hook=strict_json_object, parse_constant=reject_json_constant)
    except RecursionError:
        raise EvidenceError(path, "JSON is nested too deeply") from None
    except ValueError as exc:
        reason = f"{exc.msg} (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else exc
        raise EvidenceError(path, f"is not a usable evidence bundle: {reason}") from None
    if not isinstance(data, dict) or data.get(BUNDLE_KEY) != BUNDLE_VERSION:
        raise EvidenceError(
            path, f"is not a version-{BUNDLE_VERSION} cklauto evidence bundle", "make it with cklauto collect-script"
        )
    server = _string(path, data, "server")
    queries = data.get("queries")
    if not isinstance(queries, list):
        raise EvidenceError(path, '"queries" must be a list')
    answers: dict[_Key, QueryAnswer | CklautoError] = {}
    for index, entry in enumerate(queries, 1):
        where = f"queries[{index}]"
        if not isinstance(entry, dict):
            raise EvidenceError(path, f"{where} must be an object")
        command = _string(path, entry, "command", where)
        parameters = entry.get("parameters") or {}
        if not isinstance(parameters, dict) or not all(
            isinstance(v, (str, int, bool, list)) for v in parameters.values()
        ):
            raise EvidenceError(path, f"{where} ({command}): parameters must be an object of simple values")
        # Host queries (collect-script with -HostChecks) say so; older bundles hold Exchange's answers only.
        where_asked = entry.get("endpoint", Endpoint.EXCHANGE.value)
        if where_asked not in (Endpoint.EXCHANGE.value, Endpoint.HOST.value):
            raise EvidenceError(path, f"{where} ({command}): endpoint must be exchange or host")
        endpoint = Endpoint(where_asked)
        key = _key(command, parameters, endpoint)
        if key in answers:
            raise EvidenceError(path, f"{where}: {command} with these parameters appears twice")
        query = ResolvedQuery(command, tuple((k, _param(v)) for k, v in parameters.items()), endpoint=endpoint)
        answers[key] = _answer(path, where, query, entry)
    return EvidenceSet(
        path=str(path),
        sha256=sha256,
        kind="bundle",
        server=server,
        exported_at=_string(path, data, "exported_at", required=False),
        exported_by=_string(path, data, "exported_by", required=False),
        answers=answers,
    )


def _param(value: Any) -> Any:
    return tuple(str(v) for v in value) if isinstance(value, list) else value


def _string(path: str | Path, data: Mapping[str, Any], key: str, where: str = "", *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise EvidenceError(path, f"{where + ': ' if where else ''}{key!r} must be non-empty text")
    return value.strip()


def _answer(path: str | Path, where: str, query: ResolvedQuery, entry: Mapping[str, Any]) -> QueryAnswer | CklautoError:
    label = f"{where} ({query.command_line()})"
    errors = entry.get("errors") or []
    warnings = entry.get("warnings") or []
    if not isinstance(errors, list) or not isinstance(warnings, list):
        return EvidenceError(path, f"{label}: errors and warnings must be lists")
    if entry.get("completed") is not True:
        return EvidenceError(path, f"{label}: the command did not complete on the server; part of an answer is not one")
    if errors:
        return EvidenceError(path, f"{label}: the command wrote an error: {str(errors[0])[:200]}")
    shown_warnings = tuple(str(w) for w in warnings)
    partial = [w for w in shown_warnings if _PARTIAL_WARNING.search(w)]
    if partial:
        return EvidenceError(path, f"{label}: the command warned that its output is incomplete: {partial[0][:200]}")
    objects = entry.get("objects")
    if not isinstance(objects, list):
        return EvidenceError(path, f"{label}: objects must be a list (an empty list when there are none)")
    records = []
    for number, obj in enumerate(objects, 1):
        try:
            records.append(_record(obj, query.cmdlet, query.endpoint))
        except (UnreadableObject, ValueError) as exc:
            return EvidenceError(path, f"{label}, object {number}: {exc}")
    return QueryAnswer(query, tuple(records), shown_warnings)


def _record(obj: Any, cmdlet: str, endpoint: Endpoint = Endpoint.EXCHANGE) -> Record:
    if not isinstance(obj, dict) or not isinstance(obj.get("properties"), dict):
        raise UnreadableObject("not an object with properties")
    types = obj.get("types") or []
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise UnreadableObject("types must be a list of type names")
    values = {name: _value(value, name) for name, value in obj["properties"].items()}
    check_type(cmdlet, tuple(types), endpoint)
    return Record(values, tuple(types))


def _value(value: Any, name: str, depth: int = 0) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        _no_surrogates(value)
        return value
    if isinstance(value, list) and depth == 0:
        return [_value(item, name, 1) for item in value]
    if isinstance(value, dict) and set(value) == {"$base64"} and isinstance(value["$base64"], str):
        try:
            return base64.b64decode(value["$base64"], validate=True)
        except ValueError:
            raise UnreadableObject(f"{name}: not valid base64") from None
    raise UnreadableObject(f"property {name!r} holds a {type(value).__name__}, not a value remote PowerShell sends")

"""STIG Viewer 3.x checklists (.cklb, JSON).

SV3 writes minified JSON; Evaluate-STIG 1.2310 and STIG Manager write it pretty-printed, some
with CRLF.  To keep every byte of every layout, the file is never re-serialised: the decoded
document says where the rules are, and a span scanner finds the byte range of each value to
replace.  Values are encoded as SV3 does (raw UTF-8, JSON escapes only where JSON requires
them), or with ``\\uXXXX`` escapes for non-ASCII text when the file already writes it so.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from cklauto.errors import ChecklistError, UnstorableText
from cklauto.formats.base import FIELD_LABELS, Asset, Change, Checklist, Review, Rule, StigInfo, first_significant_byte
from cklauto.formats.splice import Replacement, splice, unchanged_outside
from cklauto.formats.text import unicode_name
from cklauto.model import Status

_WS = re.compile(r"[ \t\n\r]*")
# A \uXXXX escape of a non-ASCII character: the file was written ensure_ascii-style.
_NON_ASCII_ESCAPE = re.compile(r"\\u(?:00[89a-fA-F][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_DECODER = json.JSONDecoder()
_SCANSTRING = json.decoder.scanstring  # type: ignore[attr-defined]


def looks_like_cklb(data: bytes) -> bool:
    """True when the content starts like a JSON object (after an optional BOM)."""
    return first_significant_byte(data) == b"{"


class CklbChecklist(Checklist):
    """A STIG Viewer 3.x checklist."""

    format = "cklb"

    def __init__(self, path: Path, data: bytes, disk_stamp: tuple[int, int, int] | None = None) -> None:
        super().__init__(path, data, disk_stamp)
        self._bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        try:
            self._text = data[self._bom :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ChecklistError(path, f"is not valid UTF-8 (byte {exc.start + self._bom})") from None
        try:
            self._doc = json.loads(self._text)
        except json.JSONDecodeError as exc:
            raise ChecklistError(
                path, f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        except RecursionError:
            raise ChecklistError(path, "is not a checklist: JSON nested too deeply") from None
        except ValueError as exc:  # Python refuses to convert a number of over 4,300 digits
            limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300
            problem = (
                f"holds a number of more than {limit:,} digits, which no checklist has"
                if "integer string conversion" in str(exc)
                else f"is not valid JSON: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            )
            raise ChecklistError(path, problem) from None
        _check_shape(path, self._doc)

    @cached_property
    def asset(self) -> Asset:
        target = self._doc.get("target_data") or {}

        def text(key: str) -> str:
            value = target.get(key)
            return value.strip() if isinstance(value, str) else ""

        return Asset(host_name=text("host_name"), fqdn=text("fqdn"), ip=text("ip_address"))

    @cached_property
    def stigs(self) -> list[StigInfo]:
        return [
            StigInfo(
                benchmark_id=_str(stig.get("stig_id")),
                title=_str(stig.get("stig_name")),
                version=_str(stig.get("version")),
                release_info=_str(stig.get("release_info")),
                position=position,
            )
            for position, stig in enumerate(self._doc["stigs"])
        ]

    def rules(self, stig: StigInfo | None = None) -> list[Rule]:
        stigs = self.stigs if stig is None else [self.stigs[stig.position]]
        return [rule for s in stigs for rule in self._rules_of(s)]

    def _rules_of(self, stig: StigInfo) -> list[Rule]:
        cache = self.__dict__.setdefault("_rule_cache", {})
        if stig.position not in cache:
            raw_rules = self._doc["stigs"][stig.position].get("rules") or []
            cache[stig.position] = [self._read_rule(stig, i, raw) for i, raw in enumerate(raw_rules)]
        return cache[stig.position]  # type: ignore[no-any-return]

    def rule_at(self, position: tuple[int, int]) -> Rule:
        raw = self._doc["stigs"][position[0]].get("rules") or []
        return self._read_rule(self.stigs[position[0]], position[1], raw[position[1]])

    def _read_rule(self, stig: StigInfo, index: int, raw: Any) -> Rule:
        if not isinstance(raw, dict):
            raise ChecklistError(
                self.path, f"not a checklist: rule {index + 1} of {stig.benchmark_id} is not an object"
            )
        group_id = _str(raw.get("group_id"))
        raw_status = _str(raw.get("status"))
        try:
            status = Status.parse(raw_status) if raw_status else Status.NOT_REVIEWED
        except ValueError:
            raise ChecklistError(
                self.path, f"rule {group_id or index + 1} has status {raw_status!r}, which STIG Viewer does not accept"
            ) from None
        overrides = raw.get("overrides")
        severity = overrides.get("severity") if isinstance(overrides, dict) else None
        severity = severity if isinstance(severity, dict) else {}
        legacy = raw.get("legacy_ids")
        return Rule(
            stig=stig,
            position=(stig.position, index),
            group_id=group_id,
            rule_id=_str(raw.get("rule_id_src")) or _str(raw.get("rule_id")),
            rule_version=_str(raw.get("rule_version")),
            legacy_ids=tuple(x.strip() for x in legacy if isinstance(x, str) and x.strip())
            if isinstance(legacy, list)
            else (),
            title=_str(raw.get("rule_title")),
            review=Review(
                status=status,
                finding_details=_str(raw.get("finding_details"), strip=False),
                comments=_str(raw.get("comments"), strip=False),
                severity_override=_str(severity.get("severity")),
                severity_justification=_str(severity.get("reason"), strip=False),
            ),
        )

    def _with_changes(self, changes: Sequence[Change], *, verbatim: bool) -> Checklist:
        text = self._text
        ascii_only = verbatim and self._escapes_non_ascii
        stamp: str | None = None
        edits: list[tuple[int, int, str]] = []  # in characters of self._text
        for rule, wanted in changes:
            old = rule.review
            values: dict[str, str] = {}
            if wanted.status != old.status:
                values["status"] = json.dumps(wanted.status.cklb)
            for field in ("finding_details", "comments"):
                value = getattr(wanted, field)
                if value != getattr(old, field):
                    values[field] = (
                        self._encode(rule, field, value, ascii_only)
                        if verbatim
                        else json.dumps(value, ensure_ascii=False)
                    )
            rule_start, rule_end = self._rule_spans(rule.position[0])[rule.position[1]]
            members = _member_spans(text, rule_start)
            if values and "updatedAt" in members:
                stamp = stamp or datetime.now(timezone.utc).isoformat(timespec="milliseconds")
                values["updatedAt"] = json.dumps(stamp)
            missing: list[str] = []
            for key, encoded in values.items():
                if key in members:
                    edits.append((*members[key], encoded))
                else:
                    missing.append(f"{json.dumps(key)}:{encoded}")
            if missing:
                # A rule without a status key is rare (hand-made files); add the keys at its end.
                close = rule_end - 1
                edits.append((close, close, ("," if members else "") + ",".join(missing)))
        replacements = self._in_bytes(edits)
        data = splice(self.data, replacements)
        if not unchanged_outside(self.data, data, replacements):
            raise ChecklistError(self.path, "internal error: the splice changed other bytes; file left unchanged")
        edited = CklbChecklist(self.path, data, self._disk_stamp)
        for rule, wanted in changes:
            after = edited.rule_at(rule.position)
            if after.names != rule.names or after.review != wanted:
                raise ChecklistError(
                    self.path, "internal error: the edited review did not read back as written; file left unchanged"
                )
        return edited

    def _encode(self, rule: Rule, field: str, value: str, ascii_only: bool) -> str:
        """A JSON string whose decoded value is exactly ``value``, in the file's escape style."""
        pair = _SURROGATE_PAIR.search(value)
        if pair is not None:  # JSON reads an escaped pair back as the one character it encodes
            raise UnstorableText(
                self.path,
                rule.label,
                FIELD_LABELS[field],
                f"{unicode_name(pair.group()[0])} followed by {unicode_name(pair.group()[1])}",
                "JSON would read the two back as one character",
            )
        encoded = json.dumps(value, ensure_ascii=ascii_only)
        if not ascii_only and _SURROGATE.search(encoded):  # raw UTF-8 cannot hold a lone surrogate
            encoded = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
        return encoded

    def _in_bytes(self, edits: list[tuple[int, int, str]]) -> list[Replacement]:
        """Character spans of the decoded text as byte spans of the file (after its BOM)."""
        replacements: list[Replacement] = []
        chars = 0
        offset = self._bom
        for start, end, encoded in sorted(edits):
            offset += len(self._text[chars:start].encode("utf-8"))
            length = len(self._text[start:end].encode("utf-8"))
            replacements.append((offset, offset + length, encoded.encode("utf-8")))
            chars, offset = end, offset + length
        return replacements

    @cached_property
    def _escapes_non_ascii(self) -> bool:
        """Whether the file writes non-ASCII text as \\uXXXX escapes (ensure_ascii style)."""
        return self.data[self._bom :].isascii() and _NON_ASCII_ESCAPE.search(self._text) is not None

    def _rule_spans(self, stig_position: int) -> list[tuple[int, int]]:
        """Character spans of one STIG's rules in the decoded text."""
        cache: dict[int, list[tuple[int, int]]] = self.__dict__.setdefault("_rule_span_cache", {})
        if stig_position not in cache:
            stig_start, _ = self._stig_spans[stig_position]
            cache[stig_position] = _item_spans(self._text, _member_start(self._text, stig_start, "rules"))
        return cache[stig_position]

    @cached_property
    def _stig_spans(self) -> list[tuple[int, int]]:
        return _item_spans(self._text, _member_start(self._text, _skip_ws(self._text, 0), "stigs"))


def _str(value: Any, *, strip: bool = True) -> str:
    if not isinstance(value, str):
        return ""
    return value.strip() if strip else value


def _check_shape(path: Path, doc: Any) -> None:
    if not isinstance(doc, dict):
        raise ChecklistError(path, f"not a STIG Viewer 3 checklist: the JSON is {type(doc).__name__}, not an object")
    stigs = doc.get("stigs")
    if not isinstance(stigs, list) or not isinstance(doc.get("target_data"), dict):
        raise ChecklistError(path, "not a STIG Viewer 3 checklist: it has no 'stigs' list and 'target_data' object")
    if not stigs:
        raise ChecklistError(path, "holds no STIG (its 'stigs' list is empty)")
    for position, stig in enumerate(stigs):
        if not isinstance(stig, dict) or not isinstance(stig.get("rules", []), list):
            raise ChecklistError(path, f"not a STIG Viewer 3 checklist: STIG {position + 1} is malformed")


def _skip_ws(text: str, index: int) -> int:
    return _WS.match(text, index).end()  # type: ignore[union-attr]


def _member_spans(text: str, start: int) -> dict[str, tuple[int, int]]:
    """Value spans of the members of the object starting at ``start``."""
    spans: dict[str, tuple[int, int]] = {}
    index = _skip_ws(text, start + 1)
    if text[index] == "}":
        return spans
    while True:
        key, index = _SCANSTRING(text, index + 1)
        index = _skip_ws(text, index)
        index = _skip_ws(text, index + 1)  # past ':'
        _, end = _DECODER.raw_decode(text, index)
        spans[key] = (index, end)  # last one wins, as json.loads decides
        index = _skip_ws(text, end)
        if text[index] == "}":
            return spans
        index = _skip_ws(text, index + 1)  # past ','


def _item_spans(text: str, start: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    index = _skip_ws(text, start + 1)
    if text[index] == "]":
        return spans
    while True:
        _, end = _DECODER.raw_decode(text, index)
        spans.append((index, end))
        index = _skip_ws(text, end)
        if text[index] == "]":
            return spans
        index = _skip_ws(text, index + 1)


def _member_start(text: str, start: int, wanted: str) -> int:
    """Where the (last) value of member ``wanted`` starts, skipping the other members."""
    found = None
    index = _skip_ws(text, start + 1)
    while text[index] != "}":
        key, index = _SCANSTRING(text, index + 1)
        index = _skip_ws(text, _skip_ws(text, index) + 1)
        if key == wanted:
            found = index
        _, end = _DECODER.raw_decode(text, index)
        index = _skip_ws(text, end)
        if text[index] == ",":
            index = _skip_ws(text, index + 1)
    if found is None:
        raise KeyError(wanted)
    return found

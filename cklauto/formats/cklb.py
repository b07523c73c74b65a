"""STIG Viewer 3.x checklists (.cklb, JSON).

SV3 writes minified JSON; Evaluate-STIG 1.2310 and STIG Manager write it pretty-printed, some
with CRLF.  To keep every byte of every layout, the file is never re-serialised: the decoded
document says where the target rule is, and a span scanner finds the byte range of each value
to replace.  Values cklauto writes are encoded as SV3 does (raw UTF-8, JSON escapes only where
JSON requires them).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from cklauto.errors import ChecklistError
from cklauto.formats.base import Asset, Checklist, Review, Rule, StigInfo, first_significant_byte
from cklauto.model import Status

_WS = re.compile(r"[ \t\n\r]*")
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

    def _splice_review(self, rule: Rule, review: Review) -> bytes:
        old = rule.review
        values: dict[str, str] = {}
        if review.status != old.status:
            values["status"] = review.status.cklb
        if review.finding_details != old.finding_details:
            values["finding_details"] = review.finding_details
        if review.comments != old.comments:
            values["comments"] = review.comments
        text = self._text
        rule_start, rule_end = _rule_span(text, *rule.position)
        members = _member_spans(text, rule_start)
        if values and "updatedAt" in members:
            values["updatedAt"] = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        replacements: list[tuple[int, int, str]] = []
        missing: list[str] = []
        for key, value in values.items():
            encoded = json.dumps(value, ensure_ascii=False)
            if key in members:
                start, end = members[key]
                replacements.append((start, end, encoded))
            else:
                missing.append(f"{json.dumps(key)}:{encoded}")
        if missing:
            # A rule without a status key is rare (hand-made files); add the keys at its end.
            close = rule_end - 1
            separator = "," if members else ""
            replacements.append((close, close, separator + ",".join(missing)))
        for start, end, encoded in sorted(replacements, reverse=True):
            text = text[:start] + encoded + text[end:]
        return self.data[: self._bom] + text.encode("utf-8")


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


def _rule_span(text: str, stig_position: int, rule_position: int) -> tuple[int, int]:
    root = _skip_ws(text, 0)
    stigs_start = _member_start(text, root, "stigs")
    stig_start, _ = _item_spans(text, stigs_start)[stig_position]
    rules_start = _member_start(text, stig_start, "rules")
    return _item_spans(text, rules_start)[rule_position]


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

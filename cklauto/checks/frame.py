"""The finding-details frame every check shares, and the rules that keep a person's text and status.

A check gives a :class:`~cklauto.checks.api.Decision` and the tables of its command output; this module writes the
text around them, the same for every rule:

.. code-block:: text

    cklauto 0.2.0 evaluated EX13-MB-000120 (V-207290) as Open on 2026-11-28 09:14:03 UTC
    ResultHash: <sha256 of the properties the check read>
    ~~~~~
    Target: https://ex01.contoso.mil:443/PowerShell (configuration Microsoft.Exchange), account svc-stig@CONTOSO.MIL
    Scope: the Exchange organisation (Send connectors are organisation-wide); answered by EX01
    Site settings: internal_smtp_domain = contoso.mil
    Command (STIG): Get-SendConnector | Select Name, Identity, TlsDomain
    <table>
    [Open] "Legacy Relay": TlsDomain is empty ($null); expected contoso.mil
    Result: Open. 1 of 2 Send connectors do not ...
    Fix (Exchange Management Shell): ...
    ~~~~~ end of cklauto text (check 1a2b3c4d5e6f); text below it is kept as written ~~~~~

Ownership rules (issue 7): cklauto owns only its own block, from its header line to its end line.  Text before or
after the block is a person's and is kept exactly.  A block whose check digest no longer matches was edited by a
person, so all of it is kept as theirs.  A status other than the one cklauto's intact header recorded was set by a
person.  When the whole field would exceed the 32,767-character limit, cklauto shortens its own part (the table
first, then compliant objects, then the list of failing objects) and never a person's text; when even that cannot
fit, the rule is refused.

Evidence-only blocks (rules that need a person, issue 10) have their own header line, ``cklauto 0.2.0 collected
evidence for EX13-MB-000060 (V-207278) on ... UTC: evidence only, not evaluated``, and end with an ``Evidence:`` line
instead of a result and a fix.  They record no status, so any status the rule has is a person's; the same ownership
rules apply (the block is replaced on a re-run, a person's text around it is kept).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from cklauto.checks.api import Answers, Check, Decision, Table, Verdict
from cklauto.checks.text import format_table, one_line, plural, quoted
from cklauto.errors import CklautoError
from cklauto.formats.base import Review
from cklauto.formats.text import MAX_FIELD_CHARS, clean_command_output, utf16_length
from cklauto.model import Status

HEADER_PREFIX = "cklauto "
# Evaluate-STIG separates its header block from the evidence with this bar; reusing it keeps ISSOs' habits working.
SEPARATOR = "~~~~~"

_STATUSES = "NotAFinding|Open|Not_Applicable|Not_Reviewed"
# Line 1 of cklauto's block.  Kept strict so that a person's text is never mistaken for cklauto's.
_HEADER_RE = re.compile(
    rf"^cklauto (?P<version>[^\s]+) evaluated (?P<stig_id>[A-Z0-9][A-Z0-9-]*) \((?P<shown_id>[^()\s]+)\) as "
    rf"(?P<status>{_STATUSES}) on (?P<when>\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}) UTC\r?$",
    re.MULTILINE,
)
# Line 1 of an evidence-only block (a rule that needs a person): no status of its own.
_EVIDENCE_HEADER_RE = re.compile(
    r"^cklauto (?P<version>[^\s]+) collected evidence for (?P<stig_id>[A-Z0-9][A-Z0-9-]*) \((?P<shown_id>[^()\s]+)\) "
    r"on (?P<when>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC: evidence only, not evaluated\r?$",
    re.MULTILINE,
)
_END_RE = re.compile(
    r"^~~~~~ end of cklauto text \(check (?P<digest>[0-9a-f]{12})\); text below it is kept as written ~~~~~\r?$",
    re.MULTILINE,
)
#: What an evidence-only block says in its header, and its first line after the separator.
EVIDENCE_ONLY = "evidence only, not evaluated"
EVIDENCE_ONLY_LINE = (
    "EVIDENCE ONLY, NOT EVALUATED: this rule needs a person's judgement. cklauto gathered what a reviewer needs and "
    "left the status as it is."
)
#: cklauto 0.1 kept a person's earlier text below its own under this line.
LEGACY_KEPT_MARKER = "----- Finding details written before cklauto (kept verbatim) -----"


def end_line(digest: str) -> str:
    return f"~~~~~ end of cklauto text (check {digest}); text below it is kept as written ~~~~~"


def _block_digest(block: str) -> str:
    # Line endings and trailing blanks are normalised: a checklist editor that rewrites them has not changed a word.
    canonical = "\n".join(line.rstrip() for line in block.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:12]


# ---------------------------------------------------------------------------------------------------------------
# Reading an existing field


@dataclass(frozen=True)
class ParsedDetails:
    """A FINDING_DETAILS field split into a person's text and cklauto's block.

    ``block`` is cklauto's intact block (None when there is none, or when a person edited it, in which case the
    whole edited block is part of ``before``/``after``).  ``status`` is what that block's header recorded.
    """

    before: str
    block: str | None
    after: str
    status: Status | None = None
    edited_block: bool = False

    @property
    def person_text(self) -> str:
        """Everything that is not cklauto's intact block."""
        return self.before + self.after if self.block is not None else self.before


@functools.lru_cache(maxsize=256)
def parse_details(text: str) -> ParsedDetails:
    """Find cklauto's block in ``text``; everything else is a person's.  Never raises."""
    found = [m for m in (_HEADER_RE.search(text), _EVIDENCE_HEADER_RE.search(text)) if m is not None]
    if not found:
        return ParsedDetails(before=text, block=None, after="")
    header = min(found, key=lambda m: m.start())
    evidence = header.re is _EVIDENCE_HEADER_RE
    end = _END_RE.search(text, header.end())
    if end is None:
        legacy = None if evidence else _parse_legacy(text, header)
        if legacy is not None:
            return legacy
        return ParsedDetails(before=text, block=None, after="", edited_block=True)
    block = text[header.start() : end.start()].rstrip("\r\n")
    if _block_digest(block) != end.group("digest"):
        # A person changed words inside cklauto's block: from now on it is their text, kept whole.
        return ParsedDetails(before=text, block=None, after="", edited_block=True)
    before = _strip_suffix(text[: header.start()], ("\r\n\r\n", "\n\n"))
    after = _strip_prefix(text[end.end() :], ("\r\n\r\n", "\n\n"))
    # An evidence-only block records no status: whatever status the rule has is a person's.
    return ParsedDetails(before, block, after, None if evidence else Status(header.group("status")))


def _parse_legacy(text: str, header: re.Match[str]) -> ParsedDetails | None:
    """cklauto 0.1's block: header at the very start, through its Result and Fix lines, no end line.

    What follows it (its "kept verbatim" section, or anything a person appended) is the person's.
    """
    if header.start() != 0 or header.group("shown_id") != "V-84609":
        return None
    lines = text.split("\n")
    index = next((i for i, line in enumerate(lines) if line.startswith("Result: ")), None)
    if index is None:
        return None
    end = index + 1
    if end + 1 < len(lines) and lines[end] == "" and lines[end + 1].startswith("Fix (Exchange Management Shell"):
        end += 2
        while end < len(lines) and lines[end].startswith("Set-SendConnector "):
            end += 1
    block = "\n".join(lines[:end])
    rest = text[len(block) :]
    kept_prefix = "\n\n" + LEGACY_KEPT_MARKER + "\n"
    if rest.startswith(kept_prefix):
        after = rest[len(kept_prefix) :]
    else:
        after = _strip_prefix(rest, ("\n\n", "\n"))
    return ParsedDetails("", block, after, Status(header.group("status")))


def _strip_prefix(text: str, prefixes: Sequence[str]) -> str:
    for prefix in prefixes:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _strip_suffix(text: str, suffixes: Sequence[str]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def is_cklauto_details(text: str) -> bool:
    """True when ``text`` holds an intact block written by cklauto."""
    return parse_details(text).block is not None


def set_by_person(review: Review) -> bool:
    """A status other than Not_Reviewed that cklauto's own intact header does not account for."""
    if review.status is Status.NOT_REVIEWED:
        return False
    parsed = parse_details(review.finding_details)
    return parsed.block is None or parsed.status is not review.status


# ---------------------------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class Source:
    """Where the evidence came from, for the finding details.

    ``kind`` is ``remote`` (a live endpoint; ``description`` names it and how it was trusted) or ``evidence`` (an
    offline file; ``description`` names it, its hash, and when and where it was exported).
    """

    kind: str
    description: str
    account: str = ""

    def lines(self) -> list[str]:
        label = "Target" if self.kind == "remote" else "Source"
        line = f"{label}: {one_line(self.description)}"
        if self.account:
            line += f"; queried as {one_line(self.account)}"
        return [line]


@dataclass(frozen=True)
class Evaluation:
    """Everything the frame writes about one rule: the check, its decision and where the evidence came from."""

    check: Check
    decision: Decision
    answers: Answers
    source: Source
    checked_at: datetime
    version: str
    #: The rule's ID as the checklist itself carries it (V-207290, or V-69987 in a V1 checklist).
    shown_id: str
    #: The rule's STIG ID as the checklist carries it (its Rule_Ver); the check's own when empty.
    shown_stig_id: str = ""
    settings_used: tuple[tuple[str, str], ...] = ()
    #: The commands really run, when they differ from the STIG's (e.g. with -Server).
    asked: tuple[str, ...] = ()
    scope_line: str = ""
    notes: tuple[str, ...] = ()
    tables: tuple[Table, ...] = field(default_factory=tuple)
    #: Evidence for a person, not a result: the block says "evidence only, not evaluated", carries no status and no
    #: fix, and the rule's status is left as it is (evidence-only checks, and host rules the evidence cannot decide).
    evidence_only: bool = False
    #: More places the evidence came from (a rule that read both Exchange's endpoint and the host's).
    more_sources: tuple[Source, ...] = ()


def result_hash(check: Check, answers: Answers) -> str:
    """SHA-256 of the properties the check read, in a canonical form independent of object order."""
    payload: list[Any] = []
    for read in check.reads:
        if read.query not in answers:
            continue
        rows = []
        for record in answers[read.query]:
            rows.append([_canonical(record[p]) if p in record else ["<missing>"] for p in read.properties])
        rows.sort(key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))
        payload.append([read.query.command_line(), list(read.properties), rows])
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"bytes": hashlib.sha256(value).hexdigest()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def _when(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("checked_at must be timezone-aware (cklauto writes UTC times)")
    utc = moment.astimezone(timezone.utc)
    # Not strftime("%Y"): it does not zero-pad years below 1000 everywhere, and the header must stay fixed-width.
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} {utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"


#: How much of the block to show: 0 all, 1 without tables, 2 without compliant objects, 3 failing objects cut to
#: half of what room is left, 4 no per-object lines and a summary cut short (the field is nearly full of a person's
#: text, which is never cut).
LEVELS = (0, 1, 2, 3, 4)
_SHORT_SUMMARY = 300


def render_block(ev: Evaluation, level: int = 0, budget: int = MAX_FIELD_CHARS) -> str:
    """cklauto's block for ``ev`` at ``level`` of detail, without its end line."""
    if not ev.version or any(ch.isspace() for ch in ev.version):
        raise ValueError(f"version must be one word, not {ev.version!r}")
    decision = ev.decision
    check = ev.check
    if ev.evidence_only:
        first = (
            f"{HEADER_PREFIX}{ev.version} collected evidence for {ev.shown_stig_id or check.stig_id} ({ev.shown_id}) "
            f"on {_when(ev.checked_at)} UTC: {EVIDENCE_ONLY}"
        )
    else:
        first = (
            f"{HEADER_PREFIX}{ev.version} evaluated {ev.shown_stig_id or check.stig_id} ({ev.shown_id}) "
            f"as {decision.status.value} on {_when(ev.checked_at)} UTC"
        )
    lines = [first, f"ResultHash: {result_hash(check, ev.answers)}", SEPARATOR]
    if ev.evidence_only:
        lines.append(EVIDENCE_ONLY_LINE)
    lines.extend(ev.source.lines())
    for more in ev.more_sources:
        lines.extend(more.lines())
    if ev.scope_line:
        lines.append(f"Scope: {one_line(ev.scope_line)}")
    for name, value in ev.settings_used:
        lines.append(f"Site setting {name}: {one_line(value)}")
    lines.append(f"Command (STIG): {check.stig_command}")
    for command in ev.asked:
        lines.append(f"Asked: {one_line(command)}")
    for warning in ev.answers.warnings:
        lines.append(f"Warning from the server: {one_line(warning)}")
    lines.append("")
    tables = ev.tables
    if tables and level == 0:
        for table in tables:
            lines.extend(format_table(table.headers, table.rows))
            lines.append("")
    elif tables:
        rows = sum(len(t.rows) for t in tables)
        lines.append(f"(Command output table of {plural(rows, 'row')} left out to stay within {budget:,} characters.)")
        lines.append("")
    verdicts = list(decision.verdicts)
    if level >= 2:
        compliant = [v for v in verdicts if v.ok is not False]
        verdicts = [v for v in verdicts if v.ok is False]
        if compliant:
            lines.append(f"({plural(len(compliant), 'compliant or informational line')} left out.)")
    shown = verdicts
    if level == 3:
        shown = _fit_verdicts(verdicts, budget // 2)
    elif level >= 4:
        shown = []
    for verdict in shown:
        lines.append(_verdict_line(verdict))
    if len(shown) < len(verdicts):
        lines.append(
            f"(and {len(verdicts) - len(shown)} more non-compliant objects, left out to stay within the limit)"
        )
    if decision.verdicts:
        lines.append("")
    for note in decision.notes:
        lines.append(f"Note: {one_line(note)}")
    for note in ev.notes:
        lines.append(f"Note: {one_line(note)}")
    summary = one_line(decision.summary)
    if level >= 4 and len(summary) > _SHORT_SUMMARY:
        summary = summary[:_SHORT_SUMMARY] + "… (cut short: the finding details are nearly full)"
    if ev.evidence_only:
        lines.append(f"Evidence: {summary}")
        return "\n".join(lines)
    lines.append(f"Result: {decision.status.value}. {summary}")
    if decision.status is Status.OPEN:
        fixes = [v.fix for v in decision.failing if v.fix]
        if fixes and level < 2:
            lines.append("")
            lines.append("Fix (Exchange Management Shell, one command per non-compliant object):")
            lines.extend(fixes)
        elif decision.fix:
            lines.append("")
            lines.append(f"Fix (Exchange Management Shell): {decision.fix}")
    return "\n".join(lines)


def _verdict_line(verdict: Verdict) -> str:
    label = {True: Status.NOT_A_FINDING.value, False: Status.OPEN.value, None: "Info"}[verdict.ok]
    return f"[{label}] {quoted(verdict.subject)}: {verdict.reason}"


def _fit_verdicts(verdicts: list[Verdict], budget: int) -> list[Verdict]:
    kept: list[Verdict] = []
    used = 0
    for verdict in verdicts:
        used += utf16_length(_verdict_line(verdict)) + 1
        if used > budget:
            break
        kept.append(verdict)
    return kept


class DetailsTooLong(CklautoError):
    """A person's text leaves no room for cklauto's shortest block within the field limit."""


def compose_details(ev: Evaluation, old_details: str, *, limit: int = MAX_FIELD_CHARS) -> str:
    """The new FINDING_DETAILS: cklauto's fresh block in place of its old one, a person's text exactly as it was.

    A person's text that was there before cklauto's first run goes below cklauto's block.  Raises
    :class:`DetailsTooLong` when not even the shortest block fits beside the person's text.
    """
    parsed = parse_details(old_details)
    if parsed.block is None:
        before, after = "", parsed.before
    else:
        before, after = parsed.before, parsed.after
    person = utf16_length(before) + utf16_length(after)
    for level in LEVELS:
        # cklauto's own text only: whole ANSI sequences and characters a checklist cannot hold are removed.  A
        # person's text is never cleaned: it is stored exactly as it was.
        block = clean_command_output(render_block(ev, level, max(limit - person, 0)))
        text = _assemble(before, block, after)
        if utf16_length(text) <= limit:
            return text
    raise DetailsTooLong(
        f"{ev.check.stig_id}: a person's text in its finding details ({person:,} characters) leaves no room "
        f"for cklauto's result within the {limit:,}-character limit; the rule was not written",
        "shorten that text (or move it to the comments) and run cklauto again",
    )


def _assemble(before: str, block: str, after: str) -> str:
    text = block + "\n" + end_line(_block_digest(block))
    if before:
        text = before + "\n\n" + text
    if after:
        text = text + "\n\n" + after
    return text


# ---------------------------------------------------------------------------------------------------------------
# COMMENTS


COMMENT_PREFIX = "cklauto: "
_COMMENT_RE = re.compile(r"^cklauto: .*\(automated by cklauto \S+ on \d{4}-\d{2}-\d{2}\)$", re.DOTALL)


def is_cklauto_comment(text: str) -> bool:
    return _COMMENT_RE.match(text.strip()) is not None


def compose_comment(ev: Evaluation, old_comment: str) -> str | None:
    """A short factual comment for an Open result, or None to leave the comments as they are.

    STIG Manager's default collection settings require a comment on Open results; a person's comment is never
    touched, and cklauto's own earlier comment is replaced (or removed once the rule is no longer Open).
    """
    mine = not old_comment.strip() or is_cklauto_comment(old_comment)
    if not mine or ev.evidence_only:
        return None
    if ev.decision.status is not Status.OPEN:
        return "" if old_comment.strip() else None
    failing = ev.decision.failing
    what = one_line(ev.decision.summary)
    fix = next((v.fix for v in failing if v.fix), None) or ev.decision.fix
    text = f"{COMMENT_PREFIX}{what}"
    if fix:
        text += f" Fix: {one_line(fix)}" + (" (and likewise for the others)." if len(failing) > 1 else "")
    day = ev.checked_at.astimezone(timezone.utc).strftime("%Y-%m-%d")
    text += f" (automated by cklauto {ev.version} on {day})"
    if utf16_length(text) > 2000:
        text = f"{COMMENT_PREFIX}{one_line(ev.decision.summary)[:1500]}… (automated by cklauto {ev.version} on {day})"
    return text

"""What every checklist format offers: its asset, its STIGs, its rules and their reviews.

A :class:`Checklist` is an immutable view of one file's bytes.  Editing reviews returns a new
``Checklist`` whose bytes differ from the old ones only inside those rules' review fields;
saving writes those bytes atomically.  Format modules (``ckl``, ``cklb``) implement the
parsing and the byte-level splice; nothing here knows XML or JSON.
"""

from __future__ import annotations

import abc
import functools
import os
import stat
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cklauto.errors import ChecklistError, FieldTooLong, SaveConflict
from cklauto.formats import atomic
from cklauto.formats.text import MAX_FIELD_CHARS, clean_review_text, fits_field, utf16_length
from cklauto.model import Status

#: STIG Manager strips this prefix from benchmark ids; some writers keep it.
_BENCHMARK_PREFIX = "xccdf_mil.disa.stig_benchmark_"


def first_significant_byte(data: bytes) -> bytes:
    """The first byte after an optional UTF-8 BOM and whitespace: how a format is told by content."""
    return data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()[:1]


def normalize_benchmark_id(text: str) -> str:
    """``xccdf_mil.disa.stig_benchmark_X`` and ``X`` name the same STIG."""
    text = text.strip()
    return text[len(_BENCHMARK_PREFIX) :] if text.startswith(_BENCHMARK_PREFIX) else text


@dataclass(frozen=True)
class Asset:
    """The target a checklist describes (CKL ``ASSET``, CKLB ``target_data``)."""

    host_name: str
    fqdn: str
    ip: str


@dataclass(frozen=True)
class StigInfo:
    """One STIG inside a checklist."""

    benchmark_id: str
    title: str
    version: str
    release_info: str
    position: int

    @property
    def label(self) -> str:
        """A short human name: the benchmark id plus its version and release."""
        release = self.release_info.split("Benchmark Date")[0].replace("Release:", "R").replace(" ", "")
        version = f"V{self.version}" if self.version else ""
        return f"{self.benchmark_id} {version}{release}".strip()


@dataclass(frozen=True)
class Review:
    """A rule's review in the format-neutral vocabulary."""

    status: Status
    finding_details: str
    comments: str
    severity_override: str = ""
    severity_justification: str = ""


@dataclass(frozen=True)
class Rule:
    """One rule (CKL ``VULN``, CKLB rule) with its identifiers and current review.

    ``position`` is (STIG position, rule position) in document order; it is how a format
    module finds the rule's bytes again.
    """

    stig: StigInfo
    position: tuple[int, int]
    group_id: str
    rule_id: str
    rule_version: str
    legacy_ids: tuple[str, ...]
    title: str
    review: Review

    @functools.cached_property  # a frozen dataclass: computed once, never changes
    def names(self) -> frozenset[str]:
        """Every identifier this rule answers to, upper-cased.

        The Rule ID is also known without its revision (``SV-207290r961110_rule`` is
        ``SV-207290``) because revisions change between releases while people keep the name.
        """
        names = {self.group_id, self.rule_id, self.rule_version, *self.legacy_ids}
        rule_id = self.rule_id
        if rule_id.endswith("_rule"):
            names.add(rule_id[: -len("_rule")])
        base, sep, _revision = rule_id.partition("r")
        if sep and base.startswith("SV-"):
            names.add(base)
        return frozenset(n.strip().upper() for n in names if n and n.strip())

    @property
    def label(self) -> str:
        """How messages name the rule: its Group ID, else its Rule ID, else its place."""
        return self.group_id or self.rule_id or f"#{self.position[1] + 1} of {self.stig.benchmark_id or 'its STIG'}"


@dataclass(frozen=True)
class ReviewEdit:
    """New review fields for one rule; None keeps a field as it is."""

    rule: Rule
    status: Status | None = None
    finding_details: str | None = None
    comments: str | None = None


#: (the rule as it is in the checklist now, the review it must have afterwards)
Change = tuple[Rule, Review]

#: How messages name the two text fields, in STIG Viewer's words.
FIELD_LABELS = {"finding_details": "FINDING_DETAILS", "comments": "COMMENTS"}


class Checklist(abc.ABC):
    """A parsed checklist file; subclasses are the formats."""

    #: ``"ckl"`` or ``"cklb"``.
    format: str

    def __init__(self, path: Path, data: bytes, disk_stamp: tuple[int, int, int] | None) -> None:
        self.path = path
        self.data = data
        self._disk_stamp = disk_stamp

    @property
    def fingerprint(self) -> tuple[tuple[int, int, int] | None, int]:
        """What identifies these exact bytes on disk: the file's stamp and a CRC of the content."""
        stamp = self._disk_stamp
        # A plain triple: a fingerprint is kept for every file of a batch and must not hold its bytes.
        return (None if stamp is None else (stamp[0], stamp[1], stamp[2]), zlib.crc32(self.data))

    @property
    @abc.abstractmethod
    def asset(self) -> Asset: ...

    @property
    @abc.abstractmethod
    def stigs(self) -> list[StigInfo]: ...

    @abc.abstractmethod
    def rules(self, stig: StigInfo | None = None) -> list[Rule]:
        """Rules in document order, of one STIG or of all."""

    @abc.abstractmethod
    def _with_changes(self, changes: Sequence[Change], *, verbatim: bool) -> Checklist:
        """A checklist whose bytes carry every change, spliced in one pass and verified.

        Each changed rule must read back exactly as wanted, and every byte outside the changed
        fields must be the original's; otherwise ChecklistError, and nothing reaches the disk.
        ``verbatim`` stores text byte for byte as the format allows (``with_reviews``); without
        it text is written as ``with_review`` always has (LF newlines, raw UTF-8).
        """

    def find_rules(self, stig: StigInfo, names: frozenset[str]) -> list[Rule]:
        """Rules of ``stig`` answering to any of ``names`` (upper-cased identifiers)."""
        return [rule for rule in self.rules(stig) if rule.names & names]

    def rule_at(self, position: tuple[int, int]) -> Rule:
        """The rule at ``position`` (as in :attr:`Rule.position`)."""
        return self.rules(self.stigs[position[0]])[position[1]]

    def stigs_with_id(self, benchmark_id: str) -> list[StigInfo]:
        wanted = normalize_benchmark_id(benchmark_id).lower()
        return [s for s in self.stigs if normalize_benchmark_id(s.benchmark_id).lower() == wanted]

    def with_reviews(self, edits: Sequence[ReviewEdit]) -> Checklist:
        """A new checklist with every edit applied, spliced into the original bytes in one pass.

        Text is stored verbatim: exactly the given characters, byte for byte where the format
        allows (a CKL keeps its line-ending style; a CR of the text is written ``&#13;``).  A
        character the format cannot hold raises UnstorableText and a field over 32,767 UTF-16
        units raises FieldTooLong: text is refused, never changed.  The result is verified (each
        edited rule reads back as asked, every byte outside the edited fields is unchanged)
        before it is returned.  Edits that change nothing are skipped; with none left, the
        result is this checklist itself.  Two edits for one rule are a ValueError.
        """
        return self._apply(edits, verbatim=True)

    def with_review(
        self,
        rule: Rule,
        *,
        status: Status | None = None,
        finding_details: str | None = None,
        comments: str | None = None,
    ) -> Checklist:
        """A new checklist whose ``rule`` has the given review fields (None keeps a field).

        For cklauto's own text: it is cleaned (control sequences and characters XML forbids
        removed, LF newlines, length capped) before it is stored.  The result is re-read and
        compared with what was asked, so a splice that went wrong can never reach the disk.
        """
        edit = ReviewEdit(
            rule,
            status=status,
            finding_details=clean_review_text(finding_details) if finding_details is not None else None,
            comments=clean_review_text(comments) if comments is not None else None,
        )
        return self._apply([edit], verbatim=False)

    def _apply(self, edits: Sequence[ReviewEdit], *, verbatim: bool) -> Checklist:
        changes: list[Change] = []
        seen: set[tuple[int, int]] = set()
        for edit in edits:
            if edit.rule.position in seen:
                raise ValueError(f"two edits for rule {edit.rule.label} of {self.path}")
            seen.add(edit.rule.position)
            current = self._current(edit.rule)
            old = current.review
            wanted = Review(
                status=edit.status if edit.status is not None else old.status,
                finding_details=edit.finding_details if edit.finding_details is not None else old.finding_details,
                comments=edit.comments if edit.comments is not None else old.comments,
                severity_override=old.severity_override,
                severity_justification=old.severity_justification,
            )
            for field in ("finding_details", "comments"):
                text = getattr(wanted, field)
                if text != getattr(old, field) and not fits_field(text):
                    raise FieldTooLong(
                        self.path, current.label, FIELD_LABELS[field], utf16_length(text), MAX_FIELD_CHARS
                    )
            if wanted != old:
                changes.append((current, wanted))
        if not changes:
            return self
        return self._with_changes(changes, verbatim=verbatim)

    def _current(self, rule: Rule) -> Rule:
        """``rule`` as this checklist holds it now (the caller's copy may come from an earlier read)."""
        try:
            current = self.rule_at(rule.position)
        except (IndexError, KeyError):
            current = None
        if current is None or current.names != rule.names:
            raise ChecklistError(
                self.path, f"rule {rule.label} is no longer where it was read from; file left unchanged", "run again"
            )
        return current

    def save(self, path: str | Path | None = None) -> None:
        """Write the bytes atomically to ``path`` (default: where they came from).

        Saving in place writes through a symbolic link to the real file, and proves that what
        it replaces is byte for byte what was read: a file that changed on disk after it was
        read is refused, and one another program saves during the save raises
        :class:`~cklauto.errors.SaveConflict` with that program's version kept.  Refused too:
        read-only files and folders, a file this user could not write, or whose owner and group
        it could not keep, and a file with other hard links (see :mod:`cklauto.formats.atomic`).
        """
        target = Path(path) if path is not None else self.path
        check_writable(target)
        expected = None
        mode = None
        if path is None and self._disk_stamp is not None:
            stamp = self._disk_stamp
            expected = atomic.Expected((stamp[0], stamp[1], stamp[2]), getattr(stamp, "content", None))
        elif path is not None:
            if os.path.islink(target):
                # A link cklauto did not read could point anywhere (another user's file, /etc/...).
                raise ChecklistError(
                    target, "is a symbolic link cklauto did not read; not followed, not saved", "remove the link"
                )
            mode = _mode_for_copy(self.path, target)
        try:
            written = atomic.write_atomically(target, self.data, mode=mode, expected=expected)
        except atomic.SaveConflict as exc:
            raise SaveConflict(target, exc.problem, exc.hint, kept=exc.kept) from None
        except atomic.SaveRefused as exc:
            raise ChecklistError(target, exc.problem, exc.hint) from None
        except OSError as exc:
            raise ChecklistError(
                target, f"could not be saved: {exc.strerror or exc}", "the original is unchanged"
            ) from None
        if path is None:
            self._disk_stamp = file_stamp(os.stat(written), self.data)


def _mode_for_copy(source: Path, target: Path) -> int | None:
    """A new copy gets its source's permission bits: a copy of a private checklist stays private."""
    if os.path.lexists(target):
        return None  # an existing file keeps its own
    try:
        return stat.S_IMODE(os.stat(source).st_mode)
    except OSError:
        return 0o600  # the source is gone: the narrowest mode, not the widest


def check_writable(target: Path) -> None:
    """Raise ChecklistError when a save must not replace ``target``: read-only file or folder,
    not writable by this user, owner or group that could not be kept, other hard links, not a
    regular file.  A symbolic link is judged by the file it points to.
    """
    try:
        atomic.check_replaceable(Path(os.path.realpath(target)) if os.path.islink(target) else target)
    except atomic.SaveRefused as exc:
        raise ChecklistError(target, exc.problem, exc.hint) from None


class FileStamp(tuple[int, int, int]):
    """(inode, size, mtime) of a file as it was read, plus the bytes that were read, when known.

    It compares as the plain triple, so a stamp taken later from ``os.stat`` alone tells
    whether the file may have changed; ``content`` lets a save prove that what it replaces is
    byte for byte what was read.
    """

    content: bytes | None

    def __new__(cls, inode: int, size: int, mtime_ns: int, content: bytes | None = None) -> FileStamp:
        stamp = super().__new__(cls, (inode, size, mtime_ns))
        stamp.content = content
        return stamp


def file_stamp(st: os.stat_result, content: bytes | None = None) -> FileStamp:
    """(inode, size, mtime): what tells that a file on disk is no longer the one that was read.

    Pass the bytes read from the file as ``content`` when they are at hand (see :class:`FileStamp`).
    """
    return FileStamp(st.st_ino, st.st_size, st.st_mtime_ns, content)

"""Where a CKL's parts lie in its bytes, found without building a tree, when that is certain.

Building an lxml tree of a multi-megabyte checklist costs more than everything else cklauto does
with it.  A checklist as STIG Viewer, Evaluate-STIG and STIG Manager write it has a fixed
skeleton: ``<CHECKLIST>``, one ``<ASSET>``, one ``<STIGS>`` holding ``<iSTIG>`` elements, each a
``<STIG_INFO>`` followed by ``<VULN>`` elements, with only whitespace and comments between them.
:func:`read_layout` walks that skeleton with ``find`` and returns the byte span of every part,
or None whenever it cannot be certain (any other element at those places, attributes on those
tags, a CDATA section or processing instruction, a comment that holds skeleton tags).  The
caller then uses the full tree instead.

Why a successful walk is certain (given bytes already known to be well-formed XML): outside
comments, CDATA and processing instructions (here: none, or comments without skeleton tags),
every ``<`` starts a real tag, since text and attribute values cannot hold one.  The walk
accounts for every byte: skeleton tags at the places it expects them, whitespace and comments
between them, and the insides of ASSET, STIG_INFO and VULN, each bounded by the first matching
end tag.  Were any of those insides not a whole element (a nested VULN, say), some real end tag
would have to stand where the walk accepts only whitespace or a different skeleton tag, and the
walk would have returned None.  The parts it reports are then the very elements a tree would
hold at ``CHECKLIST/ASSET``, ``CHECKLIST/STIGS/iSTIG/STIG_INFO`` and ``.../iSTIG/VULN``.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

Span = tuple[int, int]

_WS = re.compile(rb"[ \t\r\n]*")
# Tags the walk relies on; a comment holding one could mislead a find, so it ends the fast path.
_SKELETON_TAG = re.compile(rb"</?(?:CHECKLIST|ASSET|STIGS|iSTIG|STIG_INFO|VULN)[\s/>]")


@dataclass(frozen=True)
class IStigLayout:
    """One iSTIG: its STIG_INFO element, its VULN elements in order, and where it ends."""

    info: Span
    vulns: tuple[Span, ...]
    end: int

    @property
    def vuln_starts(self) -> list[int]:
        return [start for start, _ in self.vulns]


@dataclass(frozen=True)
class Layout:
    """Byte spans of a checklist's ASSET and iSTIGs."""

    asset: Span
    istigs: tuple[IStigLayout, ...]


class _Uncertain(Exception):
    """The bytes are not laid out as the walk expects; use the tree."""


def read_layout(data: bytes) -> Layout | None:
    """The layout of well-formed checklist bytes, or None when it cannot be read with certainty."""
    try:
        return _Walk(data).checklist()
    except (_Uncertain, ValueError):  # ValueError: an unclosed comment or declaration
        return None


def root_start(data: bytes) -> int | None:
    """Where the root element starts (after a BOM, the XML declaration, comments), or None."""
    try:
        return _after_prolog(data)
    except ValueError:  # an unclosed comment or declaration
        return None


def rules_naming(data: bytes, istig: IStigLayout, needles: list[str]) -> list[int] | None:
    """Numbers of the VULNs of ``istig`` whose bytes hold any of ``needles``; None if uncertain.

    The needles are case-proof runs of the wanted names (see ``ckl._needles``): every rule
    answering to a name holds one in its raw bytes, unless a character reference spells part
    of it, and then the answer is None.
    """
    # From STIG_INFO on: a name there (a stray copy of a rule, say) is for the tree to judge.
    first = istig.info[0]
    if _has_char_reference(data, first, istig.end):
        return None
    starts = istig.vuln_starts
    found: set[int] = set()
    for pattern in _needle_patterns(tuple(needles)):
        for hit in pattern.finditer(data, first, istig.end):
            index = bisect.bisect_right(starts, hit.start()) - 1
            if index < 0 or hit.start() >= istig.vulns[index][1]:
                return None  # in STIG_INFO or in a comment between rules
            found.add(index)
    return sorted(found)


@functools.lru_cache(maxsize=64)
def _needle_patterns(needles: tuple[str, ...]) -> list[re.Pattern[bytes]]:
    """One pattern per first character: ``-(?:207290|69987)`` is one fast scan for both needles.

    With a literal first character, the regex engine skips ahead to it in C; four separate
    ``find`` calls would read the region four times.
    """
    by_first: dict[str, list[str]] = {}
    for needle in needles:
        by_first.setdefault(needle[0], []).append(needle[1:])
    return [
        re.compile(re.escape(first.encode()) + b"(?:" + b"|".join(re.escape(rest.encode()) for rest in rests) + b")")
        for first, rests in sorted(by_first.items())
    ]


def _after_prolog(data: bytes) -> int:
    """Where the root element starts: after a BOM, the XML declaration, comments and whitespace."""
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    pos = _WS.match(data, pos).end()  # type: ignore[union-attr]
    if data.startswith(b"<?xml", pos):
        pos = data.index(b"?>", pos) + 2
    while True:
        pos = _WS.match(data, pos).end()  # type: ignore[union-attr]
        if not data.startswith(b"<!--", pos):
            return pos
        pos = data.index(b"-->", pos + 4) + 3


def _has_char_reference(data: bytes, start: int, end: int) -> bool:
    # '#' is rare in checklists, so finding it with memchr and looking back beats a search for "&#".
    hash_mark = data.find(b"#", start, end)
    while hash_mark >= 0:
        if data[hash_mark - 1 : hash_mark] == b"&":
            return True
        hash_mark = data.find(b"#", hash_mark + 1, end)
    return False


class _Walk:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def checklist(self) -> Layout:
        data = self.data
        self.pos = _after_prolog(data)
        self._check_markup()
        self._expect(b"<CHECKLIST>")
        self._skip()
        asset = self._element(b"ASSET")
        self._skip()
        self._expect(b"<STIGS>")
        istigs: list[IStigLayout] = []
        while True:
            self._skip()
            if data.startswith(b"</STIGS>", self.pos):
                self.pos += len(b"</STIGS>")
                break
            istigs.append(self._istig())
        self._skip()
        self._expect(b"</CHECKLIST>")
        self._skip()
        if self.pos != len(data) or not istigs:
            raise _Uncertain
        return Layout(asset=asset, istigs=tuple(istigs))

    def _istig(self) -> IStigLayout:
        data = self.data
        self._expect(b"<iSTIG>")
        self._skip()
        info = self._element(b"STIG_INFO")
        vulns: list[Span] = []
        # The hot loop (one turn per rule): _skip and _element inlined.
        find, startswith, blank = data.find, data.startswith, _WS.match
        pos = self.pos
        while True:
            pos = blank(data, pos).end()  # type: ignore[union-attr]
            if startswith(b"<VULN>", pos):
                end = find(b"</VULN>", pos + 6)
                if end < 0:
                    raise _Uncertain
                vulns.append((pos, end + 7))
                pos = end + 7
            elif startswith(b"<!--", pos):
                pos = data.index(b"-->", pos + 4) + 3
            elif startswith(b"</iSTIG>", pos):
                self.pos = pos + len(b"</iSTIG>")
                return IStigLayout(info=info, vulns=tuple(vulns), end=self.pos)
            else:
                raise _Uncertain

    def _element(self, name: bytes) -> Span:
        """``<name>`` here, up to the first ``</name>``: a whole element, as the walk proves."""
        start = self.pos
        self._expect(b"<" + name + b">")
        close = b"</" + name + b">"
        end = self.data.find(close, self.pos)
        if end < 0:
            raise _Uncertain
        self.pos = end + len(close)
        return start, self.pos

    def _expect(self, tag: bytes) -> None:
        if not self.data.startswith(tag, self.pos):
            raise _Uncertain
        self.pos += len(tag)

    def _skip(self) -> None:
        """Past whitespace and comments (already checked to hold no skeleton tag)."""
        data = self.data
        while True:
            self.pos = _WS.match(data, self.pos).end()  # type: ignore[union-attr]
            if not data.startswith(b"<!--", self.pos):
                return
            self.pos = data.index(b"-->", self.pos + 4) + 3

    def _check_markup(self) -> None:
        """No CDATA or processing instruction after the prolog, no comment holding skeleton tags.

        Found with memchr on '!' and '?', both rare in checklists, instead of searching the
        whole file for each two-byte opener.
        """
        data = self.data
        comments: list[Span] = []
        bang = data.find(b"!", self.pos)
        while bang >= 0:
            if data[bang - 1 : bang] == b"<":
                if not data.startswith(b"!--", bang):
                    raise _Uncertain  # CDATA (a DOCTYPE cannot follow the root's start)
                end = data.index(b"-->", bang + 3) + 3
                if _SKELETON_TAG.search(data, bang, end):
                    raise _Uncertain
                comments.append((bang - 1, end))
                bang = data.find(b"!", end)
            else:
                bang = data.find(b"!", bang + 1)
        starts = [start for start, _ in comments]
        question = data.find(b"?", self.pos)
        while question >= 0:
            if data[question - 1 : question] == b"<":
                index = bisect.bisect_right(starts, question) - 1
                if index < 0 or question >= comments[index][1]:
                    raise _Uncertain  # a processing instruction, not inside a comment
            question = data.find(b"?", question + 1)

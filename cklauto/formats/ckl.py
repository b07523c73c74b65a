"""STIG Viewer 2.x checklists (.ckl, XML).

Reading uses lxml with every network and entity feature off.  A checklist laid out as its
writers lay it out (see ``ckl_layout``) is checked for well-formedness without building a tree,
and only the parts asked for (the ASSET, each STIG_INFO, the candidate VULNs) are parsed; any
other checklist is read as one tree.  Both ways read the same values and write the same bytes.

Writing never re-serialises a tree: lxml would rewrite the declaration, drop a BOM and turn
``<X></X>`` into ``<X/>`` (formats.md §2.9).  Instead the new review text is spliced into the
original bytes, between the tags of each edited VULN's STATUS, FINDING_DETAILS and COMMENTS, so
every other byte stays as the writer (STIG Viewer, Evaluate-STIG, STIG Manager) left it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from lxml import etree

from cklauto.errors import ChecklistError, UnstorableText
from cklauto.formats.base import Asset, Change, Checklist, Review, Rule, StigInfo, first_significant_byte
from cklauto.formats.ckl_layout import Layout, read_layout, root_start, rules_naming
from cklauto.formats.splice import Replacement, splice, unchanged_outside
from cklauto.formats.text import encode_xml_text, first_unstorable_in_xml, unicode_name
from cklauto.model import Status
from cklauto.safexml import hardened_parser, has_dtd, prolog_declares_dtd

# Reading never needs the indentation between elements: writing splices the original bytes.
_PARSER = hardened_parser(remove_blank_text=True)

# Markup whose inside must never be mistaken for tags when locating elements in raw bytes.
_OPAQUE = rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
# The rest of a tag after its name: attributes may hold '>' inside quotes (never '<').
_TAG_REST = rb"""(?:[^>"']|"[^"]*"|'[^']*')*>"""
_VULN_TAGS = re.compile(_OPAQUE + rb"|<(/?)VULN(?=[\s/>])" + _TAG_REST, re.S)
_ANY_TAG = re.compile(_OPAQUE + rb"|<(/?)([^\s/>!?]+)" + _TAG_REST, re.S)
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")

# Characters that case mapping never changes and never produces, and that XML writes as they
# are: a run of them in a name is in the raw bytes of every identifier answering to that name.
_CASELESS_RUN = re.compile(r"[0-9._-]*[0-9][0-9._-]*")


def _needles(names: frozenset[str]) -> list[str] | None:
    """For each name its longest run of digits, dots, dashes and underscores; None if one has none.

    An identifier answering to a name holds that name, whatever the case of its letters or the
    whitespace around it (``v-207290 `` answers to ``V-207290``), so it holds the run too: a
    text without any of the runs cannot name the rule.  ``V-207290`` gives ``-207290``.
    """
    needles: set[str] = set()
    for name in names:
        runs = _CASELESS_RUN.findall(name)
        if not runs or max(len(run) for run in runs) < 3:
            return None
        needles.add(max(runs, key=len))  # the leftmost of the longest
    return sorted(needles)


_PLAIN_NAME = re.compile(r"[A-Z0-9._-]+")

#: Beyond this many names, parsing a candidate costs less than testing each name against it.
_MAX_NAMES_TO_TEST = 16


def _plain_names(names: frozenset[str]) -> list[bytes] | None:
    """The names as ASCII bytes when all are plain (upper-case letters, digits, ``._-``), else None."""
    if len(names) > _MAX_NAMES_TO_TEST or not all(_PLAIN_NAME.fullmatch(name) for name in names):
        return None
    return [name.encode("ascii") for name in names]


def _may_answer(data: bytes, span: tuple[int, int], plain_names: list[bytes] | None) -> bool:
    """False only when the VULN at ``span`` certainly answers to none of the names.

    Spares parsing a VULN that merely holds a needle (``SRG-APP-000120`` for ``-000120``).  Only
    for ASCII bytes and plain names, where upper-casing the bytes is what upper-casing the
    identifiers does (the caller has ruled out character references and CDATA).
    """
    if plain_names is None:
        return True
    vuln = data[span[0] : span[1]]
    if not vuln.isascii():
        return True
    upper = vuln.upper()
    return any(name in upper for name in plain_names)


def looks_like_ckl(data: bytes) -> bool:
    """True when the content starts like XML (after an optional BOM)."""
    return first_significant_byte(data) == b"<"


class CklChecklist(Checklist):
    """A STIG Viewer 2.x checklist."""

    format = "ckl"

    def __init__(
        self, path: Path, data: bytes, disk_stamp: tuple[int, int, int] | None = None, *, fast: bool = True
    ) -> None:
        super().__init__(path, data, disk_stamp)
        self._fast = fast
        # Check now, so that a checklist that opened is a valid one: well-formed and laid out
        # as expected, or else parsed whole (which raises the error a bad file deserves).
        if not (fast and _well_formed(path, data) and self._layout is not None):
            self.__dict__["_layout"] = None
            _ = self._istigs

    @cached_property
    def _layout(self) -> Layout | None:
        return read_layout(self.data) if self._fast else None

    @cached_property
    def _root(self) -> etree._Element:
        return _parse(self.path, self.data)

    @cached_property
    def _istigs(self) -> list[etree._Element]:
        istigs = self._root.findall("STIGS/iSTIG")
        if self._root.find("ASSET") is None or not istigs:
            missing = "ASSET" if self._root.find("ASSET") is None else "STIGS/iSTIG"
            raise ChecklistError(self.path, f"not a STIG Viewer checklist: it has no {missing} element")
        return istigs

    @cached_property
    def _vuln_spans(self) -> dict[tuple[int, int], tuple[int, int]]:
        return {}

    def _part(self, span: tuple[int, int]) -> etree._Element:
        """The element at ``span`` of the layout, parsed on its own."""
        try:
            return etree.fromstring(self.data[span[0] : span[1]], _PARSER)
        except etree.XMLSyntaxError:
            raise ChecklistError(self.path, "internal error: a part of the checklist did not parse alone") from None

    @cached_property
    def asset(self) -> Asset:
        asset = self._part(self._layout.asset) if self._layout is not None else self._root.find("ASSET")
        assert asset is not None

        def text(tag: str) -> str:
            return (asset.findtext(tag) or "").strip()

        return Asset(host_name=text("HOST_NAME"), fqdn=text("HOST_FQDN"), ip=text("HOST_IP"))

    @cached_property
    def stigs(self) -> list[StigInfo]:
        if self._layout is not None:
            si_data = [self._part(istig.info).iterfind("SI_DATA") for istig in self._layout.istigs]
        else:
            si_data = [istig.iterfind("STIG_INFO/SI_DATA") for istig in self._istigs]
        result = []
        for position, items in enumerate(si_data):
            info: dict[str, str] = {}
            for si in items:
                name = (si.findtext("SID_NAME") or "").strip()
                if name and name not in info:
                    info[name] = (si.findtext("SID_DATA") or "").strip()
            result.append(
                StigInfo(
                    benchmark_id=info.get("stigid", ""),
                    title=info.get("title", ""),
                    version=info.get("version", ""),
                    release_info=info.get("releaseinfo", ""),
                    position=position,
                )
            )
        return result

    def rules(self, stig: StigInfo | None = None) -> list[Rule]:
        stigs = self.stigs if stig is None else [self.stigs[stig.position]]
        return [rule for s in stigs for rule in self._rules_of(s.position)]

    def _rules_of(self, stig_position: int) -> list[Rule]:
        cache = self.__dict__.setdefault("_rule_cache", {})
        if stig_position not in cache:
            stig = self.stigs[stig_position]
            vulns = self._istigs[stig_position].findall("VULN")
            cache[stig_position] = [self._read_rule(stig, i, vuln) for i, vuln in enumerate(vulns)]
        return cache[stig_position]  # type: ignore[no-any-return]

    def rule_at(self, position: tuple[int, int]) -> Rule:
        if position[0] < 0 or position[1] < 0:
            raise IndexError(position)
        cache: dict[tuple[int, int], Rule] = self.__dict__.setdefault("_rule_at_cache", {})
        if position not in cache:  # the bytes never change, so neither does a rule read from them
            if self._layout is not None:
                vuln = self._part(self._layout.istigs[position[0]].vulns[position[1]])
            else:
                vuln = self._istigs[position[0]].findall("VULN")[position[1]]
            cache[position] = self._read_rule(self.stigs[position[0]], position[1], vuln)
        return cache[position]

    def find_rules(self, stig: StigInfo, names: frozenset[str]) -> list[Rule]:
        # Reading every rule in Python costs ~0.1 ms each; the identifiers that hold one of
        # the names' case-proof runs pick the few candidate rules, which are then read in full
        # and matched exactly.  In the bytes when the layout is certain, else in the tree.
        needles = _needles(names)
        if needles is None:
            return [rule for rule in self._rules_of(stig.position) if rule.names & names]
        if self._layout is not None:
            istig = self._layout.istigs[stig.position]
            found = rules_naming(self.data, istig, needles)
            if found is not None:
                plain = _plain_names(names)
                rules = (
                    self.rule_at((stig.position, index))
                    for index in found
                    if _may_answer(self.data, istig.vulns[index], plain)
                )
                return [rule for rule in rules if rule.names & names]
        istig = self._istigs[stig.position]
        index_of = {vuln: i for i, vuln in enumerate(istig.findall("VULN"))}
        candidates: dict[int, etree._Element] = {}
        for data in istig.iter("ATTRIBUTE_DATA"):
            text = data.text
            if not text or not any(needle in text for needle in needles):
                continue
            stig_data = data.getparent()
            owner = stig_data.getparent() if stig_data is not None else None
            if stig_data is not None and stig_data.tag == "STIG_DATA" and owner in index_of:
                candidates[index_of[owner]] = owner
                continue
            self._refuse_nested_copy(stig, data, names, index_of)
        rules = (self._read_rule(stig, i, candidates[i]) for i in sorted(candidates))
        return [rule for rule in rules if rule.names & names]

    def _refuse_nested_copy(
        self, stig: StigInfo, data: etree._Element, names: frozenset[str], rules: dict[etree._Element, int]
    ) -> None:
        """Raise when ``data`` lies in a copy of a wanted rule that is not one of the STIG's rules.

        STIG Viewer puts rules (VULN) only directly in an iSTIG.  A VULN anywhere else that
        answers to the same names makes "which one is the rule" a guess, so it is refused.
        """
        copy = next(data.iterancestors("VULN"), None)
        if copy is None or copy in rules:
            return  # not inside any VULN, or an odd element inside a real rule: not an identifier
        if self._read_rule(stig, -1, copy).names & names:
            parent = copy.getparent()
            where = parent.tag if parent is not None and isinstance(parent.tag, str) else "?"
            raise ChecklistError(
                self.path,
                f"holds a copy of rule {sorted(names)[0]} nested inside <{where}> (line {copy.sourceline}), "
                "where STIG Viewer never puts a rule; fix the checklist so the rule appears once",
            )

    def _vuln_span_of(self, rule: Rule) -> tuple[int, int]:
        return self._vuln_spans_of([rule.position])[rule.position]

    def _vuln_spans_of(self, positions: Sequence[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
        """Byte spans of the VULNs at ``positions``, found in one scan of the bytes."""
        if self._layout is not None:
            return {p: self._layout.istigs[p[0]].vulns[p[1]] for p in positions}
        missing = [p for p in positions if p not in self._vuln_spans]
        if missing:
            # The n-th VULN start tag in the bytes is the n-th VULN element in document order
            # (the tree counts nested and stray copies too, so a hostile copy cannot shift it).
            wanted = {self._istigs[p[0]].findall("VULN")[p[1]]: p for p in missing}
            ordinals = {i: wanted[el] for i, el in enumerate(self._root.iter("VULN")) if el in wanted}
            for ordinal, span in _locate_vulns(self.path, self.data, set(ordinals)).items():
                self._vuln_spans[ordinals[ordinal]] = span
        return {p: self._vuln_spans[p] for p in positions}

    def _with_changes(self, changes: Sequence[Change], *, verbatim: bool) -> Checklist:
        spans = self._vuln_spans_of([rule.position for rule, _ in changes])
        replacements: list[Replacement] = []
        for rule, wanted in changes:
            start, end = spans[rule.position]
            replacements += self._field_replacements(rule, wanted, start, end, verbatim=verbatim)
        data = splice(self.data, replacements)
        if not unchanged_outside(self.data, data, replacements):
            raise ChecklistError(self.path, "internal error: the splice changed other bytes; file left unchanged")
        # Only bytes inside the edited VULNs changed, so proving each of them well-formed and
        # holding exactly the wanted review proves the whole file: no need to re-parse megabytes.
        replacements.sort()
        replaced_ends = [end for _, end, _ in replacements]
        growth = list(itertools.accumulate((len(new) - (e - s) for s, e, new in replacements), initial=0))
        for rule, wanted in changes:
            start, end = spans[rule.position]
            # Bytes gained or lost before the VULN, and inside it (replacements never straddle it).
            before = growth[bisect.bisect_right(replaced_ends, start)]
            through = growth[bisect.bisect_right(replaced_ends, end)]
            try:
                fragment = etree.fromstring(data[start + before : end + through], _PARSER)
            except etree.XMLSyntaxError:
                fragment = None
            after = self._read_rule(rule.stig, rule.position[1], fragment) if fragment is not None else None
            if after is None or fragment.tag != "VULN" or after.names != rule.names or after.review != wanted:
                raise ChecklistError(
                    self.path, "internal error: the edited review did not read back as written; file left unchanged"
                )
        return CklChecklist.trusted(self.path, data, self._disk_stamp)

    def _field_replacements(
        self, rule: Rule, wanted: Review, start: int, end: int, *, verbatim: bool
    ) -> list[Replacement]:
        old = rule.review
        new_text = {
            b"STATUS": wanted.status.value if wanted.status != old.status else None,
            b"FINDING_DETAILS": wanted.finding_details if wanted.finding_details != old.finding_details else None,
            b"COMMENTS": wanted.comments if wanted.comments != old.comments else None,
        }
        fields = _field_spans(self.path, self.data, start, end, rule.label)
        replacements: list[Replacement] = []
        for tag, text in new_text.items():
            if text is None:
                continue
            if tag not in fields:
                raise ChecklistError(self.path, f"rule {rule.label} has no {tag.decode()} element; file left unchanged")
            elem_start, content_start, content_end, elem_end = fields[tag]
            newline = b"\n"
            if verbatim:
                bad = first_unstorable_in_xml(text)
                if bad is not None:
                    raise UnstorableText(self.path, rule.label, tag.decode(), unicode_name(bad))
                newline = self._newline_of(content_start, content_end)
            encoded = encode_xml_text(text, newline)
            if content_start is None or content_end is None:  # <X/> or <X />
                if encoded:
                    replacements.append((elem_start, elem_end, b"<" + tag + b">" + encoded + b"</" + tag + b">"))
            else:
                replacements.append((content_start, content_end, encoded))
        return replacements

    def _newline_of(self, content_start: int | None, content_end: int | None) -> bytes:
        """The line ending a field's new text is written with: the field's own, else the file's."""
        if content_start is not None and content_end is not None:
            newline = self.data.find(b"\n", content_start, content_end)
            if newline >= 0:
                return b"\r\n" if self.data[newline - 1 : newline] == b"\r" else b"\n"
        return self._file_newline

    @cached_property
    def _file_newline(self) -> bytes:
        newline = self.data.find(b"\n")
        return b"\r\n" if newline > 0 and self.data[newline - 1 : newline] == b"\r" else b"\n"

    @classmethod
    def trusted(cls, path: Path, data: bytes, disk_stamp: tuple[int, int, int] | None) -> CklChecklist:
        """Bytes this process already parsed and checked: skip the parse until something needs it.

        An edit still proves itself (the edited VULN is re-parsed), and reading anything parses.
        """
        checklist = cls.__new__(cls)
        Checklist.__init__(checklist, path, data, disk_stamp)
        checklist._fast = True
        return checklist

    def _read_rule(self, stig: StigInfo, index: int, vuln: etree._Element) -> Rule:
        attrs: dict[str, str] = {}
        legacy: list[str] = []
        tail: dict[str, str] = {}
        repeated = None
        for child in vuln.iterchildren(tag=etree.Element):
            if child.tag == "STIG_DATA":
                name, value = _attribute(child)
                if name == "LEGACY_ID":
                    if value.strip():
                        legacy.append(value.strip())
                elif name not in attrs:
                    attrs[name] = value
            else:
                if child.tag in tail and child.tag in _REVIEW_FIELD_NAMES:
                    repeated = child.tag
                tail[child.tag] = _element_text(child)
        group_id = attrs.get("Vuln_Num", "").strip()
        if repeated is not None:
            # Which of two STATUS elements is the review is a guess; a write would have to guess too.
            raise ChecklistError(
                self.path,
                f"rule {group_id or index + 1} has more than one {repeated} element; fix the checklist so it has one",
            )
        raw_status = tail.get("STATUS", "").strip()
        try:
            status = Status.parse(raw_status) if raw_status else Status.NOT_REVIEWED
        except ValueError:
            raise ChecklistError(
                self.path, f"rule {group_id or index + 1} has status {raw_status!r}, which STIG Viewer does not accept"
            ) from None
        return Rule(
            stig=stig,
            position=(stig.position, index),
            group_id=group_id,
            rule_id=attrs.get("Rule_ID", "").strip(),
            rule_version=attrs.get("Rule_Ver", "").strip(),
            legacy_ids=tuple(legacy),
            title=attrs.get("Rule_Title", "").strip(),
            review=Review(
                status=status,
                finding_details=tail.get("FINDING_DETAILS", ""),
                comments=tail.get("COMMENTS", ""),
                severity_override=tail.get("SEVERITY_OVERRIDE", "").strip(),
                severity_justification=tail.get("SEVERITY_JUSTIFICATION", ""),
            ),
        )


def _check_prolog(path: Path, body: bytes) -> None:
    """Refuse what must never reach the parser: UTF-16, another encoding, a DTD."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ChecklistError(path, "is UTF-16 encoded; STIG Viewer checklists are UTF-8", "re-save it as UTF-8")
    declared = _DECLARED_ENCODING.match(body)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise ChecklistError(
            path, f"declares encoding {declared.group(1).decode()!r}; only UTF-8 checklists are supported"
        )
    if prolog_declares_dtd(body):
        raise ChecklistError(path, "contains a DTD (<!DOCTYPE>); STIG Viewer never writes one, so it is refused unread")


class _NoTree:
    """A parser target that builds nothing: libxml2 still checks every byte, in C."""

    def __init__(self) -> None:
        self.doctype_seen = False

    def doctype(self, *_: object) -> None:
        self.doctype_seen = True

    def close(self) -> None:
        return None


#: libxml2 limits a text node to this many bytes only while it builds a tree; a file no longer
#: than this cannot hold a longer text node, so for it the check without a tree agrees.
_MAX_TREE_FREE_BYTES = 10_000_000


def _well_formed(path: Path, data: bytes) -> bool:
    """Whether the hardened parser, building a tree, would accept ``data``; checked without one.

    Everything but what follows the root element, which the layout walk checks (only
    whitespace and comments).  Raises ChecklistError for what the prolog check refuses.  False
    (also for a file it cannot judge) sends the caller to the full parse, which reports any
    error in its own words.
    """
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    _check_prolog(path, body)
    root = root_start(data)
    if root is None or len(data) > _MAX_TREE_FREE_BYTES:
        return False
    # libxml2 stops a tree one level of nesting sooner than a parse into a target, so the check
    # reads the document wrapped in one more element.  What the wrapper lets pass after the
    # root (text, a second root) the layout walk refuses.
    view = memoryview(data)
    wrapped = b"".join((view[:root], b"<w>", view[root:], b"</w>"))
    target = _NoTree()
    parser = hardened_parser(target=target)
    try:
        etree.fromstring(wrapped, parser)
    except etree.XMLSyntaxError:
        return False
    if target.doctype_seen:
        raise ChecklistError(path, "contains a DTD (<!DOCTYPE>); STIG Viewer never writes one, so it is refused unread")
    # Errors libxml2 recovers from (an undeclared namespace prefix, say) fail a tree parse but
    # not a parse into a target.
    return not any(entry.level >= etree.ErrorLevels.ERROR for entry in parser.error_log)


def _parse(path: Path, data: bytes) -> etree._Element:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    _check_prolog(path, body)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise ChecklistError(path, f"is not valid UTF-8 (byte {bad.start + len(data) - len(body)})") from None
        raise ChecklistError(path, f"is not well-formed XML: {_syntax_message(exc)}") from None
    if root is None:
        raise ChecklistError(path, "is empty")
    if has_dtd(root):
        raise ChecklistError(path, "contains a DTD (<!DOCTYPE>); STIG Viewer never writes one, so it is refused unread")
    if not isinstance(root.tag, str) or root.tag != "CHECKLIST":
        name = root.tag if isinstance(root.tag, str) else "?"
        raise ChecklistError(path, f"not a STIG Viewer checklist: its root element is <{name}>, not <CHECKLIST>")
    return root


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    message = (exc.msg or str(exc)).strip()
    line = getattr(exc, "lineno", None) or (exc.position[0] if exc.position else None)
    return f"{message} (line {line})" if line and "line" not in message else message


def _attribute(stig_data: etree._Element) -> tuple[str, str]:
    """(VULN_ATTRIBUTE, ATTRIBUTE_DATA) of a STIG_DATA: the texts of the first of each.

    The two are nearly always its first two children; taking them by index is what findtext
    would return then, at a fraction of its cost (a rule has some 25 STIG_DATA).
    """
    if len(stig_data) >= 2:
        first, second = stig_data[0], stig_data[1]
        if first.tag == "VULN_ATTRIBUTE" and second.tag == "ATTRIBUTE_DATA":
            return first.text or "", second.text or ""
    return stig_data.findtext("VULN_ATTRIBUTE") or "", stig_data.findtext("ATTRIBUTE_DATA") or ""


def _element_text(element: etree._Element) -> str:
    if len(element) == 0:
        return element.text or ""
    # Text split by comments or CDATA sections: the string value joins the text nodes.
    return str(element.xpath("string()"))


def _locate_vulns(path: Path, data: bytes, ordinals: set[int]) -> dict[int, tuple[int, int]]:
    """Byte spans of the VULN elements with these document-order numbers (0-based), in one scan."""
    spans: dict[int, tuple[int, int]] = {}
    count = -1
    start = None
    depth = 0
    for match in _VULN_TAGS.finditer(data):
        closing = match.group(1)
        if closing is None:
            continue  # comment, CDATA or PI
        if closing == b"":
            empty = match.group(0).endswith(b"/>")
            if start is not None:
                depth += 0 if empty else 1
                continue
            count += 1
            if count in ordinals:
                if empty:
                    spans[count] = (match.start(), match.end())
                else:
                    start, depth = match.start(), 1
        elif start is not None:
            depth -= 1
            if depth == 0:
                spans[count] = (start, match.end())
                start = None
        if len(spans) == len(ordinals):
            return spans
    raise ChecklistError(path, "internal error: could not locate the rule's bytes; file left unchanged")


#: Element span, content start and end (None for ``<X/>``), element end.
_FieldSpan = tuple[int, "int | None", "int | None", int]
_REVIEW_FIELDS = (b"STATUS", b"FINDING_DETAILS", b"COMMENTS")
_REVIEW_FIELD_NAMES = frozenset(tag.decode() for tag in _REVIEW_FIELDS)


def _field_spans(path: Path, data: bytes, start: int, end: int, label: str) -> dict[bytes, _FieldSpan]:
    """STATUS, FINDING_DETAILS and COMMENTS that are children of the VULN at ``start:end``.

    Elements are matched by depth, so a look-alike nested deeper (inside a STIG_DATA, say) is
    never taken for the rule's own field.
    """
    quick = _children_walk(data, start, end)
    if quick is not None:
        return quick
    spans: dict[bytes, _FieldSpan] = {}
    depth = 0
    open_field: tuple[bytes, int, int] | None = None
    for match in _ANY_TAG.finditer(data, start, end):
        closing, name = match.group(1), match.group(2)
        if closing is None:
            continue  # comment, CDATA or PI
        if closing == b"/":
            depth -= 1
            if depth == 1 and open_field is not None:
                spans[open_field[0]] = (open_field[1], open_field[2], match.start(), match.end())
                open_field = None
            continue
        empty = match.group(0).endswith(b"/>")
        if depth == 1 and name in _REVIEW_FIELDS:
            if name in spans or (open_field is not None and open_field[0] == name):
                raise ChecklistError(
                    path,
                    f"rule {label} has more than one {name.decode()} element; fix the checklist so it has one",
                )
            if empty:
                spans[name] = (match.start(), None, None, match.end())
            else:
                open_field = (name, match.start(), match.end())
        if not empty:
            depth += 1
    return spans


_WS = re.compile(rb"[ \t\r\n]*")
_PLAIN_START_TAG = re.compile(rb"<([A-Za-z_][A-Za-z0-9_.-]*)(\s*/)?>")


def _children_walk(data: bytes, start: int, end: int) -> dict[bytes, _FieldSpan] | None:
    """:func:`_field_spans` for a VULN written as its writers write it, or None.

    Steps from child to child, each bounded by its first end tag, and must arrive exactly at
    ``</VULN>`` (the argument of ``ckl_layout``: a child that is not a whole element leaves an
    end tag where only whitespace or a start tag may stand).  None, and the tokenizer decides,
    for anything else: attributes, text between children, comments, CDATA, a field twice.
    """
    close = end - len(b"</VULN>")
    if not data.startswith(b"<VULN>", start) or not data.startswith(b"</VULN>", close):
        return None
    if data.find(b"<!", start, end) >= 0 or data.find(b"<?", start, end) >= 0:
        return None
    spans: dict[bytes, _FieldSpan] = {}
    pos = start + len(b"<VULN>")
    while True:
        pos = _WS.match(data, pos).end()  # type: ignore[union-attr]
        if pos == close:
            return spans
        tag = _PLAIN_START_TAG.match(data, pos)
        if tag is None:
            return None
        name = tag.group(1)
        if tag.group(2):  # <X/> or <X />
            span: _FieldSpan = (pos, None, None, tag.end())
            pos = tag.end()
        else:
            end_tag = data.find(b"</" + name + b">", tag.end(), close)
            if end_tag < 0:
                return None
            pos = end_tag + len(name) + 3
            span = (tag.start(), tag.end(), end_tag, pos)
        if name in _REVIEW_FIELDS:
            if name in spans:
                return None
            spans[name] = span

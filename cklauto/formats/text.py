"""Text as checklists store it: cleaning cklauto's own output, the field limit, XML escaping.

Command output is hostile to checklists: PowerShell 7 colours it with ANSI escapes, some tools
emit NUL or form feeds, and a long answer can exceed what STIG Manager, Excel and eMASS accept.
cklauto's OWN text goes through :func:`clean_command_output` (and, for ``with_review``, the cap of
:func:`clean_review_text`), for both formats, so a CKL and a CKLB of the same host say the same
thing.  A person's text is never cleaned: ``Checklist.with_reviews`` stores what it is given
byte for byte where the format allows, and refuses what the format cannot hold.
"""

from __future__ import annotations

import re

#: STIG Manager, Evaluate-STIG and Excel all stop at 32,767 characters (formats.md §4), counted
#: in UTF-16 code units (:func:`utf16_length`).
MAX_FIELD_CHARS = 32_767

TRUNCATION_MARKER = "\n\n---truncated by cklauto: text exceeded the 32,767-character limit---"

# A whole ANSI/VT100 control sequence, not just its ESC byte: dropping only ESC would leave
# "[32m" litter in the review.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
# Characters XML 1.0 forbids even as references (&#x1B; is fatal too), plus lone surrogates,
# which cannot be encoded as UTF-8.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_command_output(text: str) -> str:
    """cklauto's own text made storable in either format, nothing else changed.

    Whole ANSI sequences and characters XML cannot hold are removed and newlines become LF.
    Only for text cklauto produced (command output, its own reports): a person's text is
    stored verbatim or refused, never cleaned.
    """
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def clean_review_text(text: str) -> str:
    """What ``with_review`` stores: :func:`clean_command_output`, cut to the limit with a marker."""
    return cap_length(clean_command_output(text))


def utf16_length(text: str) -> int:
    """Length as Java, JavaScript and Excel count it (UTF-16 code units): what the limit means."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def fits_field(text: str) -> bool:
    """Whether ``text`` is within :data:`MAX_FIELD_CHARS` UTF-16 code units."""
    return len(text) <= MAX_FIELD_CHARS // 2 or utf16_length(text) <= MAX_FIELD_CHARS


def cap_length(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """Cut ``text`` so that, marker included, it is at most ``limit`` UTF-16 code units."""
    if len(text) <= limit // 2 or utf16_length(text) <= limit:
        return text
    budget = limit - utf16_length(TRUNCATION_MARKER)
    kept: list[str] = []
    used = 0
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if used + width > budget:
            break
        kept.append(ch)
        used += width
    return "".join(kept) + TRUNCATION_MARKER


def first_unstorable_in_xml(text: str) -> str | None:
    """The first character of ``text`` that XML 1.0 cannot hold at all, even as a reference."""
    found = _XML_ILLEGAL.search(text)
    return found.group() if found else None


def escape_xml_text(text: str) -> str:
    """Escape element text the way STIG Viewer does: only ``& < >``, quotes stay raw."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def encode_xml_text(text: str, newline: bytes = b"\n") -> bytes:
    """Element content whose parsed value is exactly ``text``.

    ``& < >`` are escaped as STIG Viewer does; each LF is written as ``newline`` (the file's or
    field's line-ending style: an XML parser reads CRLF back as LF); a CR of the text itself is
    written as ``&#13;``, the only way it survives parsing.  The caller has made sure that
    :func:`first_unstorable_in_xml` finds nothing.
    """
    escaped = escape_xml_text(text)
    if "\r" in escaped:
        escaped = escaped.replace("\r", "&#13;")
    if newline != b"\n" and "\n" in escaped:
        escaped = escaped.replace("\n", newline.decode("ascii"))
    return escaped.encode("utf-8")


def unicode_name(ch: str) -> str:
    """``U+XXXX`` for a character, as messages name one."""
    return f"U+{ord(ch):04X}"

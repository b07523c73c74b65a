"""Make text safe to store in a checklist review field.

Command output is hostile to checklists: PowerShell 7 colours it with ANSI escapes, some
tools emit NUL or form feeds, and a long answer can exceed what STIG Manager, Excel and
eMASS accept.  Everything cklauto writes into FINDING_DETAILS / COMMENTS goes through
:func:`clean_review_text` first, for both formats, so a CKL and a CKLB of the same host say
the same thing.
"""

from __future__ import annotations

import re

#: STIG Manager, Evaluate-STIG and Excel all stop at 32,767 characters (formats.md §4).
MAX_FIELD_CHARS = 32_767

TRUNCATION_MARKER = "\n\n---truncated by cklauto: text exceeded the 32,767-character limit---"

# A whole ANSI/VT100 control sequence, not just its ESC byte: dropping only ESC would leave
# "[32m" litter in the review.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
# Characters XML 1.0 forbids even as references (&#x1B; is fatal too), plus lone surrogates,
# which cannot be encoded as UTF-8.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_review_text(text: str) -> str:
    """Return ``text`` as cklauto stores it: no control sequences, LF newlines, within the limit."""
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _XML_ILLEGAL.sub("", text)
    return cap_length(text)


def utf16_length(text: str) -> int:
    """Length as Java, JavaScript and Excel count it (UTF-16 code units): what the limit means."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


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


def escape_xml_text(text: str) -> str:
    """Escape element text the way STIG Viewer does: only ``& < >``, quotes stay raw."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

"""Text from checklists, file names and servers, made safe to print on a terminal.

A host name, a file name, a connector name or a server's error message is written by someone
else.  Printed raw, an escape sequence in it could move the cursor, clear the screen, recolour
or rewrite rows of the summary; a newline or carriage return could add a fake row; a bidi
override (U+202E) could show ``lcs.exe`` as ``exe.scl``; a zero-width character could make two
different names look the same.  `visible` renders every such character as a visible escape
(``\\x1b``, ``\\n``, ``\\u202e``) and leaves all other text, including non-ASCII letters, as it is.

JSON output stays JSON: `json_text` writes the same values, with those characters as ``\\uXXXX``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any


def _unsafe(char: str) -> bool:
    """Control (C0, DEL, C1), format (bidi, zero-width, soft hyphen...), line/paragraph separator,
    surrogate (an undecodable byte of a file name) or unassigned."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Cn")


#: Every character that might be unsafe: anything but printable ASCII (the rest is decided per character).
_CANDIDATE = re.compile(r"[^\x20-\x7e]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_char(char: str) -> str:
    """One character as a visible escape: ``\\n``, ``\\x1b``, ``\\u202e``, ``\\U000e0041``."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: object) -> str:
    """``text`` as one line a terminal shows as it is: unsafe characters escaped, nothing else changed."""
    value = text if isinstance(text, str) else str(text)
    return _CANDIDATE.sub(lambda m: escape_char(m.group(0)) if _unsafe(m.group(0)) else m.group(0), value)


def visible_lines(text: str) -> str:
    """Like `visible`, but keeps line breaks (for multi-line text such as a traceback)."""
    return "\n".join(visible(line) for line in text.split("\n"))


def json_text(document: Any, indent: int | None = 2) -> str:
    """``document`` as JSON whose values are unchanged but whose text holds no unsafe character raw."""
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    # json.dumps already escapes C0 controls inside strings; a raw newline here is indentation.
    return _CANDIDATE.sub(
        lambda m: json.dumps(m.group(0))[1:-1] if m.group(0) != "\n" and _unsafe(m.group(0)) else m.group(0), text
    )

"""Text helpers for finding details: one-line values, quoting, and PowerShell-style tables.

Object names come from the server (or an evidence file someone else wrote): a name holding a newline, an escape
sequence or a bidi override could forge lines or hide text in an audit record.  Everything a check puts into the
finding details passes through :func:`visible` first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _needs_escape(ch: str) -> bool:
    # Cc: controls (NUL, ESC, CR/LF...); Cf: format chars incl. bidi overrides that can make text read differently
    # from what it is; Zl/Zp: line/paragraph separators; Cs: lone surrogates; U+FFFE/U+FFFF are illegal in XML.
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") or ch in "\ufffe\uffff"


def visible(text: str, *, quote_if_padded: bool = False) -> str:
    """Make ``text`` safe to show on one line: escape characters that could hide, forge or break lines."""
    # str.isprintable() is False for every category escaped here (and a few harmless ones), so most text, which
    # is printable, skips the per-character walk.
    shown = text if text.isprintable() else "".join(_escape_char(ch) if _needs_escape(ch) else ch for ch in text)
    if quote_if_padded and shown != shown.strip():
        return json.dumps(shown, ensure_ascii=False)
    return shown


def quoted(text: str) -> str:
    """``"name"`` with embedded quotes and backslashes escaped, so a name cannot close its own quotes."""
    # Escape the quoting characters first, so a \\uXXXX added by visible() stays distinct from a literal backslash.
    return '"' + visible(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def one_line(text: str) -> str:
    """Fold a free-text value onto one line (newlines become spaces) and escape what remains invisible."""
    return visible(" ".join(text.split()))


def ps_literal(text: str) -> str:
    """A PowerShell single-quoted string literal: only ' needs doubling (PowerShell also treats curly quotes as ')."""
    escaped = re.sub("(['\u2018\u2019\u201a\u201b])", r"\1\1", visible(text))
    return f"'{escaped}'"


def display_width(text: str) -> int:
    """Terminal cells: East Asian wide characters count two, combining marks zero."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lay out ``rows`` as ``Format-Table -AutoSize`` does: left-aligned columns one space apart.

    The dash row under each header is as long as the header text (as PowerShell writes it), columns are as wide
    as their widest cell, and lines carry no trailing spaces.  Cells are never truncated: this is an audit record.
    """
    shown_rows = [[visible(cell) for cell in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in shown_rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))

    def line(cells: Sequence[str]) -> str:
        padded = [cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(cells)]
        return " ".join(padded).rstrip()

    out = [line(headers), line(["-" * display_width(h) for h in headers])]
    out.extend(line(row) for row in shown_rows)
    return out


def cell(value: object) -> str:
    """A property value as PowerShell's table shows it: ``$null`` blank, lists as ``{a, b}``, bools True/False."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(cell(v) for v in value) + "}"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 Send connector`` / ``3 Send connectors``."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"

"""Replacing spans of a file's bytes in one pass, and proving that nothing else changed."""

from __future__ import annotations

from collections.abc import Sequence

#: (start, end, new bytes): the span ``data[start:end]`` is replaced by the new bytes.
Replacement = tuple[int, int, bytes]


def splice(data: bytes, replacements: Sequence[Replacement]) -> bytes:
    """``data`` with every span replaced, in one copy; spans must not overlap."""
    view = memoryview(data)  # slices of a memoryview are not copies
    pieces: list[bytes | memoryview] = []
    cursor = 0
    for start, end, new in sorted(replacements):
        if start < cursor or end < start:
            raise ValueError("overlapping replacements")
        pieces += [view[cursor:start], new]
        cursor = end
    pieces.append(view[cursor:])
    return b"".join(pieces)


def unchanged_outside(old: bytes, new: bytes, replacements: Sequence[Replacement]) -> bool:
    """Whether ``new`` is exactly ``old`` with ``replacements`` applied: every other byte the same."""
    view = memoryview(old)
    old_cursor = new_cursor = 0
    for start, end, text in sorted(replacements):
        if not new.startswith(view[old_cursor:start], new_cursor):
            return False
        new_cursor += start - old_cursor
        if not new.startswith(text, new_cursor):
            return False
        old_cursor, new_cursor = end, new_cursor + len(text)
    return len(new) - new_cursor == len(old) - old_cursor and new.startswith(view[old_cursor:], new_cursor)

"""Open STIG Viewer checklists of either format, told apart by content, not by file name."""

from __future__ import annotations

import zlib
from pathlib import Path

from cklauto.errors import ChecklistError
from cklauto.formats.base import Asset, Checklist, Review, ReviewEdit, Rule, StigInfo, check_writable, file_stamp
from cklauto.formats.ckl import CklChecklist, looks_like_ckl
from cklauto.formats.cklb import CklbChecklist, looks_like_cklb
from cklauto.readfile import FileTooLarge, NotARegularFile, read_regular_file

__all__ = [
    "MAX_CHECKLIST_BYTES",
    "Asset",
    "Checklist",
    "CklChecklist",
    "CklbChecklist",
    "Review",
    "ReviewEdit",
    "Rule",
    "StigInfo",
    "check_writable",
    "open_checklist",
    "parse_checklist",
    "reopen_if_unchanged",
]

#: Real multi-STIG checklists reach a few MB; anything this big is not one, and would only
#: exhaust memory.
MAX_CHECKLIST_BYTES = 64 * 1024 * 1024


def open_checklist(path: str | Path) -> Checklist:
    """Read and parse a checklist; raise ChecklistError (never anything else) if that fails.

    Only a regular file is read: a FIFO, device or socket is refused before anything could
    block on it (see :mod:`cklauto.readfile`).
    """
    path = Path(path)
    try:
        data, st = read_regular_file(path, MAX_CHECKLIST_BYTES)
    except FileNotFoundError:
        raise ChecklistError(path, "no such file") from None
    except NotARegularFile as exc:
        if exc.kind == "a folder":
            raise ChecklistError(path, "is a folder, not a checklist") from None
        raise ChecklistError(path, f"is {exc.kind}, not a regular file; not read") from None
    except FileTooLarge as exc:
        raise ChecklistError(
            path, f"is {exc.size:,} bytes, over the {MAX_CHECKLIST_BYTES // 2**20} MiB limit for a checklist"
        ) from None
    except PermissionError:
        raise ChecklistError(path, "permission denied reading it") from None
    except OSError as exc:
        raise ChecklistError(path, f"could not be read: {exc.strerror or exc}") from None
    if len(data) > MAX_CHECKLIST_BYTES:
        raise ChecklistError(path, f"is over the {MAX_CHECKLIST_BYTES // 2**20} MiB limit for a checklist")
    return parse_checklist(path, data, disk_stamp=file_stamp(st, data))


def reopen_if_unchanged(path: str | Path, fingerprint: tuple[tuple[int, int, int] | None, int]) -> Checklist | None:
    """The checklist at ``path`` if it is byte for byte the one fingerprinted, else None.

    A batch reads every checklist once to plan, then again when its server answers; when the
    file has not changed in between, the second read need not parse it all again.
    """
    stamp, crc = fingerprint
    if stamp is None:
        return None
    try:
        data, st = read_regular_file(path, MAX_CHECKLIST_BYTES)
    except OSError:
        return None  # open_checklist reports why
    if file_stamp(st) != stamp or zlib.crc32(data) != crc or not looks_like_ckl(data):
        return None  # changed, or a CKLB, whose full parse is cheap anyway
    return CklChecklist.trusted(Path(path), data, file_stamp(st, data))


def parse_checklist(path: str | Path, data: bytes, disk_stamp: tuple[int, int, int] | None = None) -> Checklist:
    """Parse checklist bytes; ``path`` is only used in messages and as the default save target."""
    path = Path(path)
    if not data[:4096].strip() and not data.strip():  # the slice keeps big files from being copied
        raise ChecklistError(path, "is empty")
    if looks_like_ckl(data):
        return CklChecklist(path, data, disk_stamp)
    if looks_like_cklb(data):
        return CklbChecklist(path, data, disk_stamp)
    raise ChecklistError(path, "is neither a STIG Viewer .ckl (XML) nor a .cklb (JSON) checklist")

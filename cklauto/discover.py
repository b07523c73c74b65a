"""Turn the paths a user gives into the list of checklist files to process."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from cklauto.formats.atomic import is_temp_file

log = logging.getLogger(__name__)

CHECKLIST_SUFFIXES = (".ckl", ".cklb")


def expand_paths(paths: Sequence[str | Path], *, skip: Sequence[Path] = ()) -> list[Path]:
    """Files as given (whatever their extension), folders searched recursively for .ckl/.cklb.

    The order is stable (given order; sorted within a folder) and each file appears once, so
    reports and summaries are reproducible.  A missing path is kept: opening it reports the error.
    Anything named like a checklist that is not a regular file (a FIFO, a device, a dangling
    link) is kept too, so that it is reported rather than silently passed over; opening it is
    refused without blocking.  Folders in ``skip`` (``--output-dir``) are not searched, so a run
    never takes the copies an earlier run wrote there for inputs.  Links to folders are not
    followed.
    """
    skipped = {_real(p) for p in skip}
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        candidates = sorted(_search(path, skipped)) if path.is_dir() else [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _search(folder: Path, skipped: set[Path]) -> Iterator[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        log.warning("%s: cannot be searched: %s", folder, exc.strerror or exc)
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_folder = entry.is_dir()
            is_real_folder = is_folder and not entry.is_symlink()
        except OSError:
            is_folder = is_real_folder = False
        if is_real_folder:
            if _real(path) in skipped:
                log.info("%s: not searched (it is the --output-dir)", path)
                continue
            yield from _search(path, skipped)
        elif not is_folder and path.suffix.lower() in CHECKLIST_SUFFIXES and not is_temp_file(path):
            yield path


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))

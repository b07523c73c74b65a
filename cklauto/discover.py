"""Turn the paths a user gives into the list of checklist files to process."""

from __future__ import annotations

from pathlib import Path

from cklauto.formats.atomic import is_temp_file

CHECKLIST_SUFFIXES = (".ckl", ".cklb")


def expand_paths(paths: list[str] | list[Path]) -> list[Path]:
    """Files as given (whatever their extension), folders searched recursively for .ckl/.cklb.

    The order is stable (given order; sorted within a folder) and each file appears once, so
    reports and summaries are reproducible.  A missing path is kept: opening it reports the error.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in CHECKLIST_SUFFIXES and p.is_file() and not is_temp_file(p)
            )
        else:
            candidates = [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found

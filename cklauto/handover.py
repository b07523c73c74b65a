"""``--output-dir``: the complete set of checklists to hand over, laid out as the summary shows them.

Every checklist of the run gets its copy: the updated one when cklauto wrote rules into it (also when some of its
rules failed: those keep their previous review, as they would in place), a byte-identical one otherwise (other STIGs,
nothing to evaluate, every rule left alone or failed).  A file that cannot be read as a checklist is not copied, and
its row says so.  Each copy sits at the checklist's path relative to the folder all checklists of the run share,
the path the summary shows: ``siteA/ex01.ckl`` and ``siteB/ex01.ckl`` keep their folders.  Copies are written
atomically with the original's permissions, and never over an input checklist.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from cklauto.errors import ChecklistError, ConfigError
from cklauto.formats.atomic import write_atomically


def output_paths(files: Sequence[Path], output_dir: Path) -> dict[Path, Path]:
    """Each checklist's copy under ``output_dir``, at its path relative to the folder all of them share."""
    absolute = [Path(os.path.abspath(f)) for f in files]
    if not absolute:
        return {}
    common = Path(os.path.commonpath([a.parent for a in absolute]))
    return {f: output_dir / a.relative_to(common) for f, a in zip(files, absolute, strict=True)}


def check_output_dir(files: Sequence[Path], output_dir: Path) -> None:
    """Refuse an --output-dir that holds checklists of the run: copies would land on (or among) the inputs."""
    for path in files:
        if _inside(path, output_dir):
            raise ConfigError(
                f"--output-dir {output_dir} holds {path}, a checklist of this run; nothing was written",
                "give an --output-dir outside the folders of the checklists",
            )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def overwrite_refusal(source: Path, output: Path, inputs: Iterable[Path]) -> ConfigError | None:
    """An error when ``output`` is one of the run's input checklists (an --output-dir that overlaps the inputs)."""
    try:
        resolved = output.resolve()
    except OSError:
        return None
    for other in inputs:
        if resolved == other:
            return ConfigError(
                f"{source}: its copy would overwrite the input checklist {other}; not written",
                "give an --output-dir outside the folders of the checklists",
            )
    return None


def write_copy(source: Path, output: Path, data: bytes) -> None:
    """Write ``data`` as ``source``'s copy at ``output``, atomically, with ``source``'s permissions."""
    try:
        mode: int | None = stat.S_IMODE(os.stat(source).st_mode)
    except OSError:
        mode = None
    if os.path.islink(output):
        # A link cklauto did not read could point anywhere (another user's file, /etc/...).
        raise ChecklistError(
            output, "is a symbolic link cklauto did not read; not followed, not saved", "remove the link"
        )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(output, data, mode=mode)
    except OSError as exc:
        raise ChecklistError(
            output, f"could not be written: {exc.strerror or exc}", "the original is unchanged"
        ) from None

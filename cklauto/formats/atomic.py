"""Replace a file atomically, so a checklist is always either fully old or fully new.

The new bytes are written to an unnamed file in the target's folder (Linux ``O_TMPFILE``),
flushed and fsynced, given the original's permissions, then linked under a temporary name
and renamed over the target.  A process killed while writing leaves nothing behind: the
unnamed file vanishes with it.  Only the few microseconds between link and rename can leave a
named temporary; those are recognisable (``.NAME.cklauto-PID-*.tmp``) and removed by the next
save into that folder once their process is gone.  Where ``O_TMPFILE`` is unavailable the same
steps run with an ordinary named temporary file.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import stat
from pathlib import Path

_TMP_INFIX = ".cklauto-"
_TMP_SUFFIX = ".tmp"
_AT_FDCWD = -100
_AT_SYMLINK_FOLLOW = 0x400


def temp_name_for(target: Path) -> Path:
    """A fresh temporary name beside ``target`` that names our process."""
    return target.with_name(f".{target.name}{_TMP_INFIX}{os.getpid()}-{secrets.token_hex(4)}{_TMP_SUFFIX}")


def is_temp_file(path: Path) -> bool:
    """True for a temporary file this module creates (folder scans must ignore these)."""
    return path.name.startswith(".") and _TMP_INFIX in path.name and path.name.endswith(_TMP_SUFFIX)


_cleaned: set[tuple[str, str]] = set()


def remove_stale_temps(target: Path, *, once_per_process: bool = False) -> list[Path]:
    """Delete temporaries left beside ``target`` by cklauto processes that no longer run.

    With ``once_per_process``, a (folder, name) already cleaned by this process is not listed
    again: a batch saving 1,000 checklists into one folder would otherwise list it 1,000 times.
    """
    key = (str(target.parent), target.name)
    if once_per_process and key in _cleaned:
        return []
    _cleaned.add(key)
    removed = []
    prefix = f".{target.name}{_TMP_INFIX}"
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not (entry.name.startswith(prefix) and entry.name.endswith(_TMP_SUFFIX)):
                continue
            pid_text = entry.name[len(prefix) :].split("-", 1)[0]
            if pid_text.isdigit() and not _process_alive(int(pid_text)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        # On Windows os.kill(pid, 0) does not probe: it terminates that process.  Keep the temporary instead.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_atomically(target: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``target`` with ``data`` atomically; raise OSError on failure, leaving it intact.

    ``mode`` defaults to the existing file's permission bits (0o644 for a new file).
    """
    target = Path(target)
    folder = target.parent
    if mode is None:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o644
    remove_stale_temps(target, once_per_process=True)
    try:
        _write_and_replace(folder, target, data, mode, unnamed=_linkat is not None)
    except _UnnamedUnsupported:
        _write_and_replace(folder, target, data, mode, unnamed=False)
    _fsync_folder(folder)


class _UnnamedUnsupported(Exception):
    """This file system (or sandbox) cannot create or link an unnamed file."""


def _write_and_replace(folder: Path, target: Path, data: bytes, mode: int, *, unnamed: bool) -> None:
    fd, temp_path = _open_temp(folder, target, unnamed)
    try:
        _write_all(fd, data)
        if hasattr(os, "fchmod"):  # not on Windows, where permission bits hardly apply
            os.fchmod(fd, mode)
        _keep_owner(fd, target)
        os.fsync(fd)
        if temp_path is None:
            temp_path = temp_name_for(target)
            _link_unnamed(fd, temp_path)
        os.replace(temp_path, target)
        temp_path = None
    finally:
        os.close(fd)
        if temp_path is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_path)


def _open_temp(folder: Path, target: Path, unnamed: bool) -> tuple[int, Path | None]:
    """An unnamed file in ``folder`` if asked and possible, else a named one."""
    if unnamed:
        try:
            return os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600), None
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                raise
    temp = temp_name_for(target)
    # O_BINARY (Windows): without it the bytes would be written in text mode, every \n as \r\n.
    return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600), temp


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _keep_owner(fd: int, target: Path) -> None:
    # Root editing another user's checklist must not hand it over to root.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        with contextlib.suppress(OSError):
            st = os.stat(target)
            os.fchown(fd, st.st_uid, st.st_gid)


def _link_unnamed(fd: int, name: Path) -> None:
    assert _linkat is not None
    source = f"/proc/self/fd/{fd}".encode()
    if _linkat(_AT_FDCWD, source, _AT_FDCWD, os.fsencode(name), _AT_SYMLINK_FOLLOW) != 0:
        err = ctypes.get_errno()
        if err in (errno.ENOENT, errno.EXDEV, errno.EOPNOTSUPP, errno.EPERM, errno.EINVAL):
            raise _UnnamedUnsupported(os.strerror(err))
        raise OSError(err, os.strerror(err), str(name))


def _fsync_folder(folder: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _load_linkat():  # type: ignore[no-untyped-def]
    if not hasattr(os, "O_TMPFILE"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.linkat
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


_linkat = _load_linkat()

"""Replace a file atomically and without harm, so a checklist is always either fully old or fully new.

How a save (:func:`write_atomically`) goes:

1. A symbolic link is followed: the real file is replaced, and the link stays a link.
2. Refusals come before anything is written (:func:`check_replaceable`): a target that is not a
   regular file; one this user could not write; one with other hard links (replacing it would
   leave them on the old version); one whose owner and group a save by this user could not keep
   (only root can give a file to someone else); a folder that is not writable.
3. The new bytes go to an unnamed file in the real file's folder (Linux ``O_TMPFILE``).  It gets
   the original's owner and group, extended attributes (POSIX ACLs, the SELinux label,
   ``user.*``) and permissions, is fsynced, and is linked under a temporary name.  Anything that
   cannot be kept is a refusal, never a silent loss.
4. Under an advisory lock on the folder (``flock``: every cklauto save takes it, and unlike a lock
   on the file it survives the rename) the temporary replaces the target.  When the caller says
   what it read (:class:`Expected`), the replacement proves it replaced exactly that: the two
   names are swapped in one step (``renameat2(RENAME_EXCHANGE)``), so the temporary name then
   holds what was replaced, which is compared byte for byte with what was read.  If another
   program saved the file in between, its version is swapped back into place and
   :class:`SaveConflict` is raised: no one's edit is lost.  Where the swap is not available (not
   Linux, or a file system without it) the comparison is made just before an ordinary rename.
5. The folder is fsynced, so the rename itself is durable.

A process killed while writing leaves nothing behind: the unnamed file vanishes with it.  Only
the instants between link and rename can leave a named temporary; those are recognisable
(``.NAME.cklauto-PID-*.tmp``) and removed by the next cklauto process that saves into that
folder once their process is gone (one scan per folder per process, so the cost of a save does
not grow with the number of files beside it).  Where ``O_TMPFILE`` is unavailable the same steps
run with an ordinary named temporary file.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cklauto.readfile import FileTooLarge, kind_of, read_regular_file

try:
    import fcntl
except ImportError:  # not POSIX: no advisory locks
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

_TMP_INFIX = ".cklauto-"
_TMP_SUFFIX = ".tmp"
_AT_FDCWD = -100
_AT_SYMLINK_FOLLOW = 0x400
_RENAME_EXCHANGE = 2
_NO_XATTRS = frozenset({errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})
_NO_EXCHANGE = frozenset({errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})

#: How long a save waits for another save into the same folder (each holds the lock for
#: milliseconds).  Short, because a signal must still end the process within a second or two.
LOCK_TIMEOUT = 2.0

#: Test seam: called with the target just before the finished temporary replaces it, the
#: instant in which another program's save would race this one.
_before_replace_hook: Callable[[Path], None] | None = None


class SaveRefused(OSError):
    """A save that was not made, for a reason the user can act on; the file was not changed.

    ``problem`` is a phrase to follow the file's name; ``hint`` says what to do.
    """

    def __init__(self, problem: str, hint: str | None = None) -> None:
        super().__init__(errno.EPERM, problem)
        self.problem = problem
        self.hint = hint


class ChangedOnDisk(SaveRefused):
    """The file is no longer what the caller read, so it was not replaced."""


class SaveConflict(SaveRefused):
    """Another program saved the file while this save replaced it; its version survives at ``kept``.

    ``kept`` is the file itself (the other version was put back) or a ``NAME.conflict-<UTC>``
    file beside it.
    """

    def __init__(self, problem: str, hint: str, kept: Path) -> None:
        super().__init__(problem, hint)
        self.kept = kept


@dataclass(frozen=True)
class Expected:
    """What the caller read from the file it is about to replace: its stamp and, if known, its bytes."""

    stamp: tuple[int, int, int]  # inode, size, mtime in ns
    content: bytes | None = None


def temp_name_for(target: Path) -> Path:
    """A fresh temporary name beside ``target`` that names our process."""
    return target.with_name(f".{target.name}{_TMP_INFIX}{os.getpid()}-{secrets.token_hex(4)}{_TMP_SUFFIX}")


def is_temp_file(path: Path) -> bool:
    """True for a temporary file this module creates (folder scans must ignore these)."""
    return path.name.startswith(".") and _TMP_INFIX in path.name and path.name.endswith(_TMP_SUFFIX)


_cleaned_folders: set[str] = set()


def remove_stale_temps(target: Path, *, once_per_process: bool = False) -> list[Path]:
    """Delete the temporaries left in ``target``'s folder by cklauto processes that no longer run.

    Every checklist's temporaries in that folder go, not only ``target``'s.  With
    ``once_per_process``, a folder this process already cleaned is not listed again: a batch
    saving 10,000 checklists into one folder lists it once, not 10,000 times.
    """
    folder = os.path.realpath(target.parent)
    if once_per_process and folder in _cleaned_folders:
        return []
    _cleaned_folders.add(folder)
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            pid = _temp_owner(entry.name)
            if pid is not None and not _process_alive(pid):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _temp_owner(name: str) -> int | None:
    """The process id in a temporary's name (``.NAME.cklauto-PID-TOKEN.tmp``), else None."""
    if not (name.startswith(".") and name.endswith(_TMP_SUFFIX)):
        return None
    at = name.rfind(_TMP_INFIX, 0, len(name) - len(_TMP_SUFFIX))
    if at <= 0:
        return None
    pid_text, dash, token = name[at + len(_TMP_INFIX) : -len(_TMP_SUFFIX)].partition("-")
    return int(pid_text) if pid_text.isdigit() and dash and token else None


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


def write_atomically(target: Path, data: bytes, *, mode: int | None = None, expected: Expected | None = None) -> Path:
    """Replace ``target`` with ``data`` atomically (see the module docstring); return the file written.

    The file written is the real file behind ``target`` when that is a symbolic link.  ``mode``
    defaults to the existing file's permission bits (0o644 for a new file).  With ``expected``,
    the file must still be what the caller read: :class:`ChangedOnDisk` if it is not before the
    save, :class:`SaveConflict` if another program saved it during the save.  Any other
    refusal is a :class:`SaveRefused`; other failures raise ``OSError``.  In every failure the
    target keeps its previous content, except for the rare conflict whose message says that
    cklauto's result is in place and the other version is kept beside it.
    """
    real = follow_links(Path(target))
    check_replaceable(real)
    folder = real.parent
    remove_stale_temps(real, once_per_process=True)
    with _folder_lock(folder) as folder_fd:
        try:
            original: os.stat_result | None = os.stat(real)
        except FileNotFoundError:
            original = None
        if expected is not None and (original is None or _stamp_of(original) != expected.stamp):
            raise _changed(original is None)
        if mode is None:
            mode = stat.S_IMODE(original.st_mode) if original is not None else 0o644
        try:
            _write_and_replace(real, data, mode, original, expected, unnamed=_linkat is not None)
        except _UnnamedUnsupported:
            _write_and_replace(real, data, mode, original, expected, unnamed=False)
        _fsync_folder(folder, folder_fd)
    return real


def follow_links(target: Path) -> Path:
    """The real file behind ``target`` if it is a symbolic link (said in the log), else ``target``."""
    if not os.path.islink(target):
        return target
    real = Path(os.path.realpath(target))
    log.info("%s is a symbolic link: writing through to %s", target, real)
    return real


def check_replaceable(path: Path) -> None:
    """Raise :class:`SaveRefused` when a save must not replace ``path`` (links already followed).

    Mode bits are checked explicitly for root: ``os.access`` says yes to everything then, yet an
    admin who made a checklist read-only meant it.
    """
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise SaveRefused(f"cannot be examined: {exc.strerror}") from None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise SaveRefused(f"is {kind_of(st.st_mode)}, not a regular file; not replaced")
        _check_file_writable(path, st)
        if st.st_nlink > 1:
            raise SaveRefused(
                f"has {st.st_nlink} hard links (names for the same file); replacing it would leave the "
                "other names on the old version, so it is not saved",
                "give it a copy of its own (cp FILE FILE.new && mv FILE.new FILE), or write copies with --output-dir",
            )
        _check_owner_keepable(st)
    folder = path.parent
    try:
        fst = os.stat(folder)
    except OSError as exc:
        raise SaveRefused(f"its folder cannot be examined: {exc.strerror}") from None
    if not fst.st_mode & 0o222 or not _may(folder, os.W_OK | os.X_OK):
        state = "is read-only" if not fst.st_mode & 0o222 or _is_root() else f"is not writable by {_user(_euid())}"
        raise SaveRefused(f"its folder {folder} {state}; not saved", "make the folder writable or use --output-dir")


def _check_file_writable(path: Path, st: os.stat_result) -> None:
    if not st.st_mode & 0o222:
        raise SaveRefused("is read-only; not saved", "make it writable (chmod u+w) and run cklauto again")
    if not _is_root() and not _may(path, os.W_OK):
        # The folder may well be writable, but replacing a file its user may not write would
        # go around its permissions.
        raise SaveRefused(
            f"is not writable by {_user(_euid())} (owner {_user(st.st_uid)}, group {_group(st.st_gid)}, "
            f"mode {stat.S_IMODE(st.st_mode):04o}); not saved",
            "ask for write access, or write copies with --output-dir",
        )


def _check_owner_keepable(st: os.stat_result) -> None:
    """Only root can give a file to another user, or to a group its user is not in."""
    if _is_root() or not hasattr(os, "geteuid"):  # root, or no POSIX owners at all
        return
    me = _euid()
    if st.st_uid != me:
        raise SaveRefused(
            f"belongs to {_user(st.st_uid)}; saved by {_user(me)} it would belong to {_user(me)}, so it is not saved",
            f"run cklauto as {_user(st.st_uid)}, or write copies with --output-dir",
        )
    if st.st_gid != os.getegid() and st.st_gid not in os.getgroups():
        raise SaveRefused(
            f"its group {_group(st.st_gid)} cannot be kept: {_user(me)} is not a member; not saved",
            f"run cklauto as a member of {_group(st.st_gid)}, or write copies with --output-dir",
        )


class _UnnamedUnsupported(Exception):
    """This file system (or sandbox) cannot create or link an unnamed file."""


def _write_and_replace(
    real: Path,
    data: bytes,
    mode: int,
    original: os.stat_result | None,
    expected: Expected | None,
    *,
    unnamed: bool,
) -> None:
    fd, temp = _open_temp(real.parent, real, unnamed)
    try:
        _write_all(fd, data)
        if original is not None:
            _keep_owner(fd, original)
            _keep_xattrs(real, fd)
        if hasattr(os, "fchmod"):  # not on Windows, where permission bits hardly apply
            os.fchmod(fd, mode)  # after fchown, which clears set-id bits, and after the ACL, which sets the mask
        os.fsync(fd)
        if temp is None:
            temp = temp_name_for(real)
            _link_unnamed(fd, temp)
        if _before_replace_hook is not None:
            _before_replace_hook(real)
        if expected is None:
            os.replace(temp, real)
        else:
            handed_over, temp = temp, None  # from here on the name may hold someone else's version
            _replace_expected(handed_over, real, fd, expected)
        temp = None
    finally:
        os.close(fd)
        if temp is not None:
            _unlink_quietly(temp)


def _replace_expected(temp: Path, real: Path, our_fd: int, expected: Expected) -> None:
    """Put ``temp`` in ``real``'s place, proving that what it replaced is what the caller read."""
    try:
        swapped = _exchange(temp, real)
    except OSError as exc:
        _unlink_quietly(temp)
        if isinstance(exc, FileNotFoundError):
            raise _changed(deleted=True) from None
        raise
    if not swapped:  # no atomic swap here: compare just before an ordinary rename
        if not _holds(real, expected):
            _unlink_quietly(temp)
            raise _changed(deleted=False)
        try:
            os.replace(temp, real)
        except OSError:
            _unlink_quietly(temp)
            raise
        return
    # ``temp`` now names what ``real`` held at the instant of the swap.  (Were this process
    # killed before the lines below, a later run would take it for a stale temporary; the
    # window is the time to read one file back.)
    if _holds(temp, expected):
        _unlink_quietly(temp)
        return
    _put_other_version_back(temp, real, our_fd)


def _put_other_version_back(temp: Path, real: Path, our_fd: int) -> None:
    """Another program saved ``real`` during this save: its version goes back in place; raise SaveConflict."""
    ours = os.fstat(our_fd)
    try:
        swapped_back = _exchange(temp, real)
    except OSError:
        swapped_back = False
    if swapped_back:
        try:
            now = os.lstat(temp)
        except OSError:
            now = None
        if now is not None and (now.st_dev, now.st_ino) == (ours.st_dev, ours.st_ino):
            _unlink_quietly(temp)
            raise SaveConflict(
                "another program saved it while cklauto was saving it; that version was kept in place "
                "and cklauto's result was not written",
                "run cklauto again",
                real,
            )
        # A third save landed between the two swaps; its version is the one at ``temp`` now.
        kept = _keep_beside(temp, real)
        raise SaveConflict(
            "other programs saved it while cklauto was saving it; one version is in place and the other "
            f"is kept beside it as {kept.name}; cklauto's result was not written",
            "compare the two, keep the right one, then run cklauto again",
            kept,
        )
    kept = _keep_beside(temp, real)
    raise SaveConflict(
        "another program saved it while cklauto was saving it; cklauto's result is in place and the other "
        f"version is kept beside it as {kept.name}",
        "carry that version's changes over by hand, or put it back and run cklauto again",
        kept,
    )


def _keep_beside(temp: Path, real: Path) -> Path:
    """Rename ``temp`` to ``NAME.conflict-<UTC time>`` beside ``real``, never over an existing file."""
    when = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        kept = real.with_name(f"{real.name}.conflict-{when}" + (f"-{n}" if n > 1 else ""))
        try:
            os.link(temp, kept)
        except FileExistsError:
            continue
        except OSError:  # no hard links on this file system
            if os.path.lexists(kept):
                continue
            os.rename(temp, kept)
            return kept
        _unlink_quietly(temp)
        return kept
    raise OSError(errno.EEXIST, "no free name for the conflicting version", str(temp))


def _holds(path: Path, expected: Expected) -> bool:
    """Whether ``path`` is still the file the caller read: byte for byte when its bytes are known."""
    try:
        if expected.content is None:
            st = os.stat(path)
            return stat.S_ISREG(st.st_mode) and _stamp_of(st) == expected.stamp
        data, _ = read_regular_file(path, len(expected.content))
    except FileTooLarge:
        return False
    except OSError:
        return False
    return data == expected.content


def _changed(deleted: bool) -> ChangedOnDisk:
    if deleted:
        return ChangedOnDisk("was deleted or moved after cklauto read it; not saved", "run cklauto again")
    return ChangedOnDisk("changed on disk after cklauto read it; not overwritten", "run cklauto again")


def _stamp_of(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _keep_owner(fd: int, original: os.stat_result) -> None:
    """Give the new file the original's owner and group, or refuse: a shared folder's group must keep access."""
    wanted = (original.st_uid, original.st_gid)
    now = os.fstat(fd)
    if (now.st_uid, now.st_gid) == wanted:
        return
    who = f"{_user(original.st_uid)}:{_group(original.st_gid)}"
    try:
        os.fchown(fd, *wanted)
    except OSError as exc:
        raise SaveRefused(
            f"its owner and group ({who}) cannot be kept ({exc.strerror}); not saved",
            "run cklauto as its owner, or write copies with --output-dir",
        ) from None
    now = os.fstat(fd)
    if (now.st_uid, now.st_gid) != wanted:
        raise SaveRefused(
            f"its owner and group ({who}) cannot be kept on this file system; not saved",
            "write copies with --output-dir",
        )


def _keep_xattrs(original: Path, fd: int) -> None:
    """Copy the original's extended attributes (ACLs, SELinux label, user.*) to the new file, or refuse.

    Attributes the new file got from its folder (a default ACL) that the original lacks are
    removed, so the new file is exactly as accessible as the old one.  ``trusted.*``
    attributes are visible only to root: a save by another user cannot see, so cannot keep, them.
    """
    if not hasattr(os, "listxattr"):
        return
    try:
        wanted = {name: os.getxattr(original, name) for name in os.listxattr(original)}
    except OSError as exc:
        if exc.errno in _NO_XATTRS:
            return
        raise SaveRefused(f"its extended attributes cannot be read ({exc.strerror}); not saved") from None
    try:
        present = set(os.listxattr(fd))
    except OSError as exc:
        if exc.errno not in _NO_XATTRS:
            raise
        present = set()
    hint = "ask an administrator, or write copies with --output-dir"
    for name, value in wanted.items():
        try:
            if name in present and os.getxattr(fd, name) == value:
                continue
            os.setxattr(fd, name, value)
        except OSError as exc:
            problem = f"its extended attribute {name} cannot be kept ({exc.strerror}); not saved"
            raise SaveRefused(problem, hint) from None
    for name in present - wanted.keys():
        if name.startswith("security."):
            continue  # the system's own label for every new file, not ours to take away
        try:
            os.removexattr(fd, name)
        except OSError as exc:
            raise SaveRefused(
                f"the new file got an extended attribute {name} from its folder that the original does not "
                f"have, and it cannot be removed ({exc.strerror}); not saved",
                hint,
            ) from None
    if wanted:
        log.debug("%s: kept extended attributes %s", original, ", ".join(sorted(wanted)))


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[int | None]:
    """Hold an exclusive advisory lock on ``folder`` (yields its descriptor, or None if it cannot be opened)."""
    try:
        fd: int | None = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        fd = None  # a folder that cannot be read cannot be locked; the check at the rename still guards
    try:
        if fd is not None and fcntl is not None:
            _lock(fd, folder)
        yield fd
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


def _lock(fd: int, folder: Path) -> None:
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise SaveRefused(
                    f"another program has held the lock on its folder {folder} for {LOCK_TIMEOUT:g} s; not saved",
                    "run cklauto again once the other save has finished",
                ) from None
            time.sleep(0.01)
        except OSError:
            return  # no locks on this file system (some network file systems); the check at the rename still guards


def _exchange(a: Path, b: Path) -> bool:
    """Swap the files named ``a`` and ``b`` in one step; False where the system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in _NO_EXCHANGE:
        return False
    raise OSError(err, os.strerror(err), str(b))


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


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


def _link_unnamed(fd: int, name: Path) -> None:
    assert _linkat is not None
    source = f"/proc/self/fd/{fd}".encode()
    if _linkat(_AT_FDCWD, source, _AT_FDCWD, os.fsencode(name), _AT_SYMLINK_FOLLOW) != 0:
        err = ctypes.get_errno()
        if err in (errno.ENOENT, errno.EXDEV, errno.EOPNOTSUPP, errno.EPERM, errno.EINVAL):
            raise _UnnamedUnsupported(os.strerror(err))
        raise OSError(err, os.strerror(err), str(name))


def _fsync_folder(folder: Path, fd: int | None) -> None:
    # The rename is durable only once the directory entry is on disk.
    with contextlib.suppress(OSError):
        if fd is not None:
            os.fsync(fd)
            return
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def _may(path: Path, mode: int) -> bool:
    """``os.access`` for the effective user, which is the one that writes."""
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)


def _user(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _group(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return f"gid {gid}"


def _libc_function(name: str, argtypes: list[type]):  # type: ignore[no-untyped-def]
    try:
        fn = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError, TypeError):
        return None
    fn.argtypes = argtypes
    fn.restype = ctypes.c_int
    return fn


_linkat = (
    _libc_function("linkat", [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int])
    if hasattr(os, "O_TMPFILE")
    else None
)
_renameat2 = _libc_function("renameat2", [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint])

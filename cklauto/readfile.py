"""Read a file only if it is a regular file, without ever blocking on a FIFO or opening a device.

``open()`` on a FIFO waits for a writer that may never come, and no signal handler can end that
wait: Python retries the interrupted call.  Opening a device can have side effects (a tape
rewinds) or read forever (``/dev/zero``).  So the file type is checked before it is opened, and
again on the open descriptor, which is opened non-blocking in case the path was swapped in
between; only a regular file is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotARegularFile(OSError):
    """The path names a folder, FIFO, device or socket; ``kind`` says which, e.g. ``a FIFO (named pipe)``."""

    def __init__(self, path: str | Path, kind: str) -> None:
        self.kind = kind
        super().__init__(f"is {kind}, not a regular file")
        self.filename = str(path)


class FileTooLarge(OSError):
    """The file holds more than the caller's limit; ``size`` is its size in bytes."""

    def __init__(self, path: str | Path, size: int) -> None:
        self.size = size
        super().__init__(f"is {size:,} bytes")
        self.filename = str(path)


def kind_of(mode: int) -> str:
    """What a non-regular ``st_mode`` is, in words."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def read_regular_file(path: str | Path, limit: int) -> tuple[bytes, os.stat_result]:
    """At most ``limit + 1`` bytes of the regular file ``path``, and its status.

    Raises :class:`NotARegularFile` for anything else, :class:`FileTooLarge` when its size is over
    ``limit`` (before reading it), and ``OSError`` when it cannot be read.  A file that grows while
    it is read comes back longer than ``limit``: callers compare the length too.
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(path, kind_of(st.st_mode))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    with open(fd, "rb", closefd=True) as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped for something else after the check above
            raise NotARegularFile(path, kind_of(st.st_mode))
        if st.st_size > limit:
            raise FileTooLarge(path, st.st_size)
        os.set_blocking(fd, True)
        # read(limit + 1) would allocate the whole limit (64 MiB) for every file: read what stat says is there,
        # then whatever a writer added meanwhile, up to the limit.
        data = handle.read(st.st_size + 1)
        if len(data) > st.st_size:
            data += handle.read(limit + 1 - len(data))
        return data, st

"""Saving on Windows: the quick start runs there too (README), so the atomic save must neither kill a process
while cleaning up (os.kill(pid, 0) terminates it on Windows) nor write text-mode bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cklauto.formats import atomic


def test_cleaning_up_never_signals_a_process_on_windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "ex01.ckl"
    target.write_bytes(b"old")
    stale = tmp_path / f".ex01.ckl{atomic._TMP_INFIX}4242-abcd{atomic._TMP_SUFFIX}"
    stale.write_bytes(b"half")

    def kill(pid: int, sig: int) -> None:
        raise AssertionError(f"os.kill({pid}, {sig}) would terminate process {pid} on Windows")

    monkeypatch.setattr(os, "kill", kill)
    monkeypatch.setattr(os, "name", "nt")
    assert atomic.remove_stale_temps(target) == []
    assert stale.exists()


def test_the_temporary_file_is_opened_in_binary_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    flags_seen: list[int] = []
    real_open = os.open

    def spy(path, flags, mode=0o777, **kwargs):  # type: ignore[no-untyped-def]
        flags_seen.append(flags)
        return real_open(path, flags & ~0x8000, mode, **kwargs)

    monkeypatch.setattr(os, "O_BINARY", 0x8000, raising=False)
    monkeypatch.setattr(os, "open", spy)
    monkeypatch.setattr(atomic, "_linkat", None)  # as on Windows: a named temporary file
    target = tmp_path / "ex01.ckl"
    atomic.write_atomically(target, b"line 1\nline 2\n")
    assert target.read_bytes() == b"line 1\nline 2\n"
    assert any(flags & 0x8000 for flags in flags_seen)

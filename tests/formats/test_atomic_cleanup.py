"""Stale temporaries: one cleanup scan per folder per process, whatever the number of checklists saved there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cklauto.formats import atomic


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_batch_lists_its_folder_once_however_many_checklists_it_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"host{n:03d}.ckl" for n in range(50)]
    for name in names:
        (tmp_path / name).write_bytes(b"old")
    listed: list[str] = []
    real_scandir = os.scandir

    def counting_scandir(path):  # type: ignore[no-untyped-def]
        listed.append(os.path.realpath(path))
        return real_scandir(path)

    monkeypatch.setattr(atomic.os, "scandir", counting_scandir)
    for name in names:
        atomic.write_atomically(tmp_path / name, b"new")
    assert listed.count(os.path.realpath(tmp_path)) == 1  # a scan per save would make 10,000 saves quadratic
    assert all((tmp_path / name).read_bytes() == b"new" for name in names)


def test_one_scan_removes_the_stale_temporaries_of_every_checklist_in_the_folder(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = [
        tmp_path / f".ex01.ckl.cklauto-{dead}-0a1b2c3d.tmp",
        tmp_path / f".ex02.cklb.cklauto-{dead}-deadbeef.tmp",
        tmp_path / f".odd.cklauto-name.ckl.cklauto-{dead}-00000001.tmp",
    ]
    alive = tmp_path / f".ex03.ckl.cklauto-{os.getpid()}-0a1b2c3d.tmp"  # a save of this process in progress
    not_ours = [tmp_path / ".ex04.ckl.cklauto-notapid.tmp", tmp_path / "ex05.ckl"]
    for path in [*stale, alive, *not_ours]:
        path.write_bytes(b"x")
    atomic.write_atomically(tmp_path / "ex01.ckl", b"new")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["ex01.ckl", alive.name, *(p.name for p in not_ours)])

"""Another program saves the checklist while cklauto saves it: its edit survives and the save reports a conflict.

The race is made deterministic with the save's test seam (``atomic._before_replace_hook``),
which runs just before the finished new file replaces the checklist: the other writer (a
second process, or a thread) saves the checklist at exactly that instant.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from cklauto.errors import ChecklistError, SaveConflict
from cklauto.formats import Checklist, atomic, open_checklist
from cklauto.formats.atomic import is_temp_file
from cklauto.model import Status
from cklauto.rules import find_target_rule
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "ex01.contoso.mil.ckl"
PERSON = b"<COMMENTS>Checked by J. Doe, ISSO</COMMENTS>"

# Saves the checklist as an editor or STIG Viewer does: a new file renamed over the old one.
EDITOR = """
import os, sys
path = sys.argv[1]
data = open(path, "rb").read().replace(b"<COMMENTS></COMMENTS>", sys.argv[2].encode(), 1)
with open(path + ".swp", "wb") as handle:
    handle.write(data)
os.replace(path + ".swp", path)
"""


def _person_saves_in_another_process(path: Path, comment: bytes = PERSON) -> None:
    subprocess.run([sys.executable, "-c", EDITOR, str(path), comment.decode()], check=True)


def _person_saves_in_another_thread(path: Path, comment: bytes = PERSON) -> None:
    def save() -> None:
        data = path.read_bytes().replace(b"<COMMENTS></COMMENTS>", comment, 1)
        path.with_name(path.name + ".swp").write_bytes(data)
        os.replace(path.with_name(path.name + ".swp"), path)

    thread = threading.Thread(target=save)
    thread.start()
    thread.join()


def _person_edits_in_place_keeping_size_and_mtime(path: Path, comment: bytes = PERSON) -> None:
    """The hardest edit to see: same inode, same size, same modification time."""
    st = path.stat()
    with open(path, "r+b") as handle:
        at = handle.read().index(b"Exchange")
        handle.seek(at)
        handle.write(b"EXCHANGE")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns


def _edited(tmp_path: Path) -> tuple[Path, Checklist]:
    path = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, path)
    checklist = open_checklist(path)
    rule = find_target_rule(checklist)
    return path, checklist.with_review(rule, status=Status.OPEN, finding_details="cklauto's verdict")


def _race(monkeypatch: pytest.MonkeyPatch, writer: Callable[[Path], None]) -> list[Path]:
    raced: list[Path] = []

    def hook(target: Path) -> None:
        if not raced:
            raced.append(target)
            writer(target)

    monkeypatch.setattr(atomic, "_before_replace_hook", hook, raising=False)
    return raced


def _leftovers(folder: Path, *keep: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p not in keep)


@pytest.mark.parametrize(
    "writer",
    [_person_saves_in_another_process, _person_saves_in_another_thread, _person_edits_in_place_keeping_size_and_mtime],
    ids=["other process renames", "other thread renames", "in-place edit, same size and mtime"],
)
def test_an_edit_saved_during_the_save_is_kept_in_place_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: Callable[[Path], None]
) -> None:
    path, edited = _edited(tmp_path)
    raced = _race(monkeypatch, writer)
    with pytest.raises(SaveConflict) as caught:
        edited.save()
    assert raced == [path]
    after = path.read_bytes()
    assert after != SAMPLE.read_bytes() and after != edited.data  # the other program's version
    message = str(caught.value)
    assert message.startswith(f"{path}: another program saved it while cklauto was saving it")
    assert "that version was kept in place" in message and "\n" not in message
    assert caught.value.kept == str(path)
    assert _leftovers(tmp_path, path) == []
    assert isinstance(caught.value, ChecklistError)  # the batch turns it into an error row


def test_without_an_atomic_swap_the_edit_is_still_caught_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "_renameat2", None, raising=False)  # as on a file system without RENAME_EXCHANGE
    path, edited = _edited(tmp_path)
    _race(monkeypatch, _person_saves_in_another_process)
    with pytest.raises(ChecklistError, match="changed on disk after cklauto read it; not overwritten"):
        edited.save()
    assert PERSON in path.read_bytes()
    assert _leftovers(tmp_path, path) == []


def test_a_third_save_between_the_two_swaps_is_kept_beside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, edited = _edited(tmp_path)
    _race(monkeypatch, _person_saves_in_another_process)
    real_exchange = atomic._exchange
    calls: list[int] = []

    def exchange_with_a_third_save_before_the_swap_back(a: Path, b: Path) -> bool:
        calls.append(1)
        if len(calls) == 2:
            _person_saves_in_another_process(path, b"<COMMENTS>Second reviewer</COMMENTS>")
        return real_exchange(a, b)

    monkeypatch.setattr(atomic, "_exchange", exchange_with_a_third_save_before_the_swap_back)
    with pytest.raises(SaveConflict) as caught:
        edited.save()
    kept = Path(caught.value.kept)
    assert kept.parent == tmp_path and kept.name.startswith(f"{path.name}.conflict-")
    assert kept.name in str(caught.value)
    versions = {path.read_bytes(), kept.read_bytes()}
    assert any(PERSON in v for v in versions) and any(b"Second reviewer" in v for v in versions)
    assert _leftovers(tmp_path, path, kept) == []


def test_when_the_swap_back_fails_the_other_version_is_kept_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, edited = _edited(tmp_path)
    _race(monkeypatch, _person_saves_in_another_process)
    real_exchange = atomic._exchange
    calls: list[int] = []

    def exchange_once(a: Path, b: Path) -> bool:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        return real_exchange(a, b)

    monkeypatch.setattr(atomic, "_exchange", exchange_once)
    with pytest.raises(SaveConflict, match="cklauto's result is in place and the other version is kept beside"):
        edited.save()
    conflicts = [p for p in tmp_path.iterdir() if ".conflict-" in p.name]
    assert len(conflicts) == 1 and PERSON in conflicts[0].read_bytes()
    assert path.read_bytes() == edited.data


def test_a_checklist_deleted_during_the_save_is_not_recreated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, edited = _edited(tmp_path)
    _race(monkeypatch, lambda target: target.unlink())
    with pytest.raises(ChecklistError, match="was deleted or moved after cklauto read it"):
        edited.save()
    assert list(tmp_path.iterdir()) == []


def test_a_save_waits_for_another_save_into_the_folder_and_gives_up_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, edited = _edited(tmp_path)
    monkeypatch.setattr(atomic, "LOCK_TIMEOUT", 0.3, raising=False)
    holder = os.open(tmp_path, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)  # another cklauto process in the middle of a save there
        with pytest.raises(ChecklistError, match="another program has held the lock on its folder"):
            edited.save()
        assert path.read_bytes() == SAMPLE.read_bytes()
        # Released while the save waits: it goes ahead.
        monkeypatch.setattr(atomic, "LOCK_TIMEOUT", 10.0)
        timer = threading.Timer(0.2, fcntl.flock, (holder, fcntl.LOCK_UN))
        timer.start()
        edited.save()
        timer.join()
    finally:
        os.close(holder)
    assert path.read_bytes() == edited.data
    assert not [p for p in tmp_path.iterdir() if is_temp_file(p)]


def test_a_second_save_of_the_same_checklist_object_still_checks_what_it_replaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, edited = _edited(tmp_path)
    edited.save()
    _race(monkeypatch, _person_saves_in_another_process)
    with pytest.raises(SaveConflict):
        edited.save()
    assert PERSON in path.read_bytes()

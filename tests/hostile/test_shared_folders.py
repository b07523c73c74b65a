"""A non-root user saving into a shared folder: owner, group and permissions are kept, or the save is refused.

Replacing a file needs only write access to its folder, so a plain atomic save by another user
would take the file over: it would become theirs, drop the team's group (so other members lose
write access) and even replace files they may not write.  Each case runs ``cklauto run`` and
``cklauto show`` as a throwaway non-root user and checks the checklist afterwards.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.hostile.helpers import NONCOMPLIANT, OtherUser, run_then_show, write_evidence

SAMPLE = SAMPLES / "ex01.contoso.mil.ckl"


def _site(root: Path, user: OtherUser, *, owner: int, group: int, mode: int) -> tuple[Path, Path]:
    """A team folder (root:team, 0775, so members may create and rename files) holding one checklist."""
    folder = root / "team-checklists"
    folder.mkdir()
    os.chown(folder, 0, user.team_gid)
    folder.chmod(0o775)
    checklist = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, checklist)
    os.chown(checklist, owner, group)
    checklist.chmod(mode)
    evidence = write_evidence(root / "sendconnectors.json", NONCOMPLIANT)
    evidence.chmod(0o644)
    return checklist, evidence


def _identity(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode))


def test_own_file_in_the_team_group_keeps_its_group_and_mode(shared_tmp: Path, other_user: OtherUser) -> None:
    checklist, evidence = _site(shared_tmp, other_user, owner=other_user.uid, group=other_user.team_gid, mode=0o664)
    result = run_then_show([checklist], evidence=evidence, user=other_user)
    assert result.run.returncode == 0, result.run.stdout + result.run.stderr
    assert result.outcomes == {checklist: "updated"}
    st = checklist.stat()
    # Not the user's own primary group: the rest of the team keeps write access.
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (other_user.uid, other_user.team_gid, 0o664)


def test_root_saving_a_users_checklist_keeps_its_owner_group_and_mode(shared_tmp: Path, other_user: OtherUser) -> None:
    checklist, evidence = _site(shared_tmp, other_user, owner=other_user.uid, group=other_user.team_gid, mode=0o640)
    result = run_then_show([checklist], evidence=evidence)  # as root
    assert result.run.returncode == 0, result.run.stdout + result.run.stderr
    assert result.outcomes == {checklist: "updated"}
    st = checklist.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (other_user.uid, other_user.team_gid, 0o640)


@pytest.mark.parametrize(
    "owner,group,mode,message",
    [
        ("root", "team", 0o664, "belongs to root; saved by {user} it would belong"),
        ("root", "team", 0o644, "is not writable by {user} (owner root, group {team}"),
        ("user", "root", 0o664, "its group root cannot be kept: {user} is not a member"),
    ],
    ids=["someone else's group-writable file", "a file the user may not write", "own file, group the user is not in"],
)
def test_a_save_that_would_change_owner_or_go_around_permissions_is_refused(
    shared_tmp: Path, other_user: OtherUser, owner: str, group: str, mode: int, message: str
) -> None:
    uid = other_user.uid if owner == "user" else 0
    gid = other_user.team_gid if group == "team" else 0
    checklist, evidence = _site(shared_tmp, other_user, owner=uid, group=gid, mode=mode)
    before = _identity(checklist)
    result = run_then_show([checklist], evidence=evidence, user=other_user)
    text = result.run.stdout + result.run.stderr
    assert result.run.returncode == 1, text
    expected = message.format(user=other_user.name, team=other_user.team)
    error_lines = [line for line in text.splitlines() if expected in line]
    assert len(error_lines) == 1, text  # said once, on one line
    assert result.outcomes == {checklist: "identical"}
    assert _identity(checklist) == before  # same file, same owner, group and mode
    assert sorted(p.name for p in checklist.parent.iterdir()) == [checklist.name]

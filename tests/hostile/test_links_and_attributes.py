"""Symbolic links, hard links, extended attributes and ACLs survive a save, or the save is refused.

An atomic save writes a new file and renames it over the old name.  Done naively, that replaces
a symbolic link with a copy (the real file is never updated), splits hard links (the other
names keep the old version) and drops the old file's extended attributes and ACLs.
"""

from __future__ import annotations

import errno
import os
import shutil
import struct
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.hostile.helpers import NONCOMPLIANT, run_then_show, write_evidence

SAMPLE = SAMPLES / "ex01.contoso.mil.ckl"
SAMPLE_CKLB = SAMPLES / "ex02.contoso.mil.cklb"
ACL_ACCESS = "system.posix_acl_access"
ACL_DEFAULT = "system.posix_acl_default"


def posix_acl(user_obj: int, group_obj: int, other: int, users: dict[int, int] | None = None) -> bytes:
    """A POSIX ACL in the kernel's xattr format (version 2; tag, permissions, id per entry, sorted)."""
    users = users or {}
    undefined = 0xFFFFFFFF
    entries = [(0x01, user_obj, undefined)]
    entries += [(0x02, perm, uid) for uid, perm in sorted(users.items())]
    entries += [(0x04, group_obj, undefined)]
    if users:
        entries += [(0x10, group_obj | max(users.values()), undefined)]  # the mask
    entries += [(0x20, other, undefined)]
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, ident) for tag, perm, ident in entries)


def _xattrs(path: Path) -> dict[str, bytes]:
    return {name: os.getxattr(path, name) for name in os.listxattr(path)}


def _set_or_skip(path: Path, name: str, value: bytes) -> None:
    try:
        os.setxattr(path, name, value)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
            pytest.skip(f"{name} cannot be set on {path.parent} here: {exc.strerror}")
        raise


@pytest.mark.parametrize("given", ["folder", "link itself"])
@pytest.mark.parametrize("sample", [SAMPLE, SAMPLE_CKLB], ids=["ckl", "cklb"])
def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path: Path, given: str, sample: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    real = store / ("real-" + sample.name)
    shutil.copyfile(sample, real)
    folder = tmp_path / "checklists"
    folder.mkdir()
    link = folder / sample.name
    link.symlink_to(Path("..") / "store" / real.name)
    evidence = write_evidence(tmp_path / "sc.json", NONCOMPLIANT)
    result = run_then_show([folder if given == "folder" else link], evidence=evidence, global_args=["-v"])
    assert result.run.returncode == 0, result.run.stdout + result.run.stderr
    assert result.outcomes == {link: "updated"}
    assert link.is_symlink() and os.readlink(link) == str(Path("..") / "store" / real.name)
    assert real.read_bytes() != sample.read_bytes()  # the real file got the new review
    assert f"{link} is a symbolic link: writing through to {real}" in result.run.stderr
    assert sorted(p.name for p in store.iterdir()) == [real.name]


def test_a_file_with_other_hard_links_is_refused_and_both_names_keep_it(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    checklist = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, checklist)
    other_name = tmp_path / "archive-ex01.ckl"
    os.link(checklist, other_name)
    inode = checklist.stat().st_ino
    result = run_then_show([folder], evidence=write_evidence(tmp_path / "sc.json", NONCOMPLIANT))
    text = result.run.stdout + result.run.stderr
    assert result.run.returncode == 1, text
    assert [line for line in text.splitlines() if "has 2 hard links" in line and str(checklist) in line], text
    assert result.outcomes == {checklist: "identical"}
    assert checklist.stat().st_ino == other_name.stat().st_ino == inode
    assert checklist.stat().st_nlink == 2


def test_extended_attributes_and_the_acl_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    checklist = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, checklist)
    checklist.chmod(0o640)
    _set_or_skip(checklist, "user.classification", b"CUI//SP-PRVCY")
    _set_or_skip(checklist, ACL_ACCESS, posix_acl(6, 4, 0, users={54321: 6}))  # uid 54321 may read and write
    before = _xattrs(checklist)
    mode = checklist.stat().st_mode
    result = run_then_show([folder], evidence=write_evidence(tmp_path / "sc.json", NONCOMPLIANT))
    assert result.run.returncode == 0, result.run.stdout + result.run.stderr
    assert result.outcomes == {checklist: "updated"}
    assert _xattrs(checklist) == before
    assert checklist.stat().st_mode == mode


def test_a_default_acl_of_the_folder_does_not_widen_access_to_a_saved_file(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    checklist = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, checklist)
    checklist.chmod(0o600)
    # Set after the file was made: new files in the folder would give uid 54321 read access.
    _set_or_skip(folder, ACL_DEFAULT, posix_acl(7, 5, 0, users={54321: 4}))
    before = _xattrs(checklist)
    result = run_then_show([folder], evidence=write_evidence(tmp_path / "sc.json", NONCOMPLIANT))
    assert result.run.returncode == 0, result.run.stdout + result.run.stderr
    assert result.outcomes == {checklist: "updated"}
    assert ACL_ACCESS not in _xattrs(checklist) and _xattrs(checklist) == before
    assert checklist.stat().st_mode & 0o777 == 0o600


def test_the_selinux_label_is_kept(tmp_path: Path) -> None:
    if not Path("/sys/fs/selinux/enforce").exists():
        pytest.skip("SELinux is not enabled on this machine")
    folder = tmp_path / "checklists"
    folder.mkdir()
    checklist = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, checklist)
    label = os.getxattr(checklist, "security.selinux")
    relabelled = label.replace(b":user_tmp_t:", b":admin_home_t:").replace(b":tmp_t:", b":admin_home_t:")
    if relabelled == label:
        pytest.skip(f"no other label to try for {label!r}")
    _set_or_skip(checklist, "security.selinux", relabelled)
    result = run_then_show([folder], evidence=write_evidence(tmp_path / "sc.json", NONCOMPLIANT))
    assert result.run.returncode == 0, result.run.stdout + result.run.stderr
    assert os.getxattr(checklist, "security.selinux") == relabelled

"""A process killed (SIGKILL) in the middle of saving leaves the checklist fully old or fully new."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cklauto.formats import open_checklist
from cklauto.formats.atomic import is_temp_file, remove_stale_temps
from tests.conftest import REFERENCE

BIG_CKL = REFERENCE / "ckl" / "sv2.17_multi-stig_AAA-SRG_Tomcat9_ASD.ckl"
needs_reference = pytest.mark.skipif(not BIG_CKL.exists(), reason=f"reference checklists not found at {REFERENCE}")

# Saves the checklist over and over, alternating two reviews, until it is killed.
WRITER = """
import sys
from cklauto.formats import open_checklist
from cklauto.formats.atomic import write_atomically
from cklauto.model import Status
path = sys.argv[1]
checklist = open_checklist(path)
rule = checklist.rules()[0]
versions = [
    checklist.with_review(rule, status=status, finding_details=("version %d " % n) * 3000).data
    for n, status in enumerate((Status.NOT_A_FINDING, Status.OPEN))
]
print("ready", flush=True)
n = 0
while True:  # the write phase dominates, so the kill lands in the middle of one
    write_atomically(path, versions[n % 2])
    n += 1
"""


@needs_reference
def test_sigkill_mid_save_never_leaves_a_partial_checklist(tmp_path: Path) -> None:
    path = tmp_path / "server.ckl"
    path.write_bytes(BIG_CKL.read_bytes())
    versions = {BIG_CKL.read_bytes()}
    checklist = open_checklist(path)
    rule = checklist.rules()[0]
    for n, status in ((0, "NotAFinding"), (1, "Open")):
        from cklauto.model import Status

        versions.add(checklist.with_review(rule, status=Status(status), finding_details=(f"version {n} ") * 3000).data)
    rng = random.Random(84609)
    kills = 0
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, cwd=Path.cwd())
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
        assert path.read_bytes() in versions, "checklist was left partially written"
        leftovers = [p for p in tmp_path.iterdir() if p != path]
        # Only the microseconds between link and rename can leave a named temporary; the next
        # cklauto process to save there removes it, since its owner is gone.
        assert all(is_temp_file(p) for p in leftovers), leftovers
        remove_stale_temps(path)
        assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert kills == 12

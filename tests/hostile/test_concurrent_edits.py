"""A person saves a checklist in the instant ``cklauto run`` replaces it: their edit survives, the row says so.

``cklauto run`` runs as a subprocess with the save's test seam set (a small wrapper script),
so that a second process, standing in for STIG Viewer, saves the first checklist at exactly the
instant between cklauto's read and its rename.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLES
from tests.hostile.helpers import (
    DOMAIN,
    NONCOMPLIANT,
    REPO,
    assert_clean_update,
    assert_no_temporaries,
    run_then_show,
    write_evidence,
)

PERSON = "<COMMENTS>Checked by J. Doe, ISSO</COMMENTS>"

STIG_VIEWER = """
import os, sys
path = sys.argv[1]
data = open(path, "rb").read().replace(b"<COMMENTS></COMMENTS>", sys.argv[2].encode(), 1)
with open(path + ".tmp-viewer", "wb") as handle:
    handle.write(data)
os.replace(path + ".tmp-viewer", path)
"""

# cklauto run, with a person saving the first .ckl in the instant before cklauto's save replaces it.
RACING_CKLAUTO = """
import subprocess, sys
from pathlib import Path
import cklauto.formats.atomic as atomic
from cklauto.cli import main
viewer, comment = sys.argv[1], sys.argv[2]
raced = []
def a_person_saves(target: Path) -> None:
    if not raced and target.suffix == ".ckl":
        raced.append(target)
        subprocess.run([sys.executable, viewer, str(target), comment], check=True)
atomic._before_replace_hook = a_person_saves
sys.argv = ["cklauto", *sys.argv[3:]]
main()
"""


def test_a_person_saving_during_the_run_keeps_their_edit_and_the_row_reports_the_conflict(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    for name in ("ex01.contoso.mil.ckl", "ex02.contoso.mil.cklb"):
        shutil.copyfile(SAMPLES / name, folder / name)
    first, second = folder / "ex01.contoso.mil.ckl", folder / "ex02.contoso.mil.cklb"
    original_second = second.read_bytes()
    viewer = tmp_path / "viewer.py"
    viewer.write_text(STIG_VIEWER, encoding="utf-8")
    evidence = write_evidence(tmp_path / "sc.json", NONCOMPLIANT)
    report = tmp_path / "report.json"
    args = [sys.executable, "-c", RACING_CKLAUTO, str(viewer), PERSON, "run", str(folder)]
    args += ["--rule", "EX13-MB-000120", "--domain", DOMAIN, "--evidence", str(evidence), "--report", str(report)]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, cwd=REPO)
    text = run.stdout + run.stderr
    assert run.returncode == 1, text
    assert "Traceback" not in text

    person_version = first.read_bytes()
    # Exactly what the person saved: the original with their comment, and not cklauto's result.
    assert person_version == (SAMPLES / first.name).read_bytes().replace(b"<COMMENTS></COMMENTS>", PERSON.encode(), 1)
    rows = {Path(r["checklist"]).name: r for r in json.loads(report.read_text(encoding="utf-8"))["checklists"]}
    assert rows[first.name]["outcome"] == "error"
    assert rows[first.name]["error"].startswith(f"{first}: another program saved it while cklauto was saving it")
    assert "kept in place" in rows[first.name]["error"]
    assert rows[second.name]["outcome"] == "written"  # the rest of the batch went on
    assert_clean_update(original_second, second.read_bytes(), second.name)
    assert_no_temporaries(folder)

    # The next run takes the person's version as it is, and keeps their edit.
    rerun = run_then_show([folder], evidence=evidence)
    assert rerun.run.returncode == 0, rerun.run.stdout + rerun.run.stderr
    assert rerun.outcomes[first] == "updated" and PERSON.encode() in first.read_bytes()
    assert_clean_update(person_version, first.read_bytes(), first.name)

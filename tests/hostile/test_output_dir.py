"""--output-dir inside an input folder: a later run never takes its own earlier copies for inputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import SAMPLES
from tests.hostile.helpers import NONCOMPLIANT, cklauto, run_then_show, snapshot, write_evidence


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "checklists"
    (folder / "site-b").mkdir(parents=True)
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", folder / "ex01.contoso.mil.ckl")
    shutil.copyfile(SAMPLES / "ex02.contoso.mil.cklb", folder / "site-b" / "ex02.contoso.mil.cklb")
    return folder


def test_second_run_does_not_pick_up_the_copies_of_the_first(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    originals = snapshot(folder)
    evidence = write_evidence(tmp_path / "sc.json", NONCOMPLIANT)
    out = folder / "updated"
    for attempt in (1, 2):
        report = tmp_path / f"report{attempt}.json"
        result = run_then_show([folder], "--output-dir", out, "--report", report, evidence=evidence)
        assert result.run.returncode == 0, result.run.stdout + result.run.stderr
        rows = json.loads(report.read_text(encoding="utf-8"))["checklists"]
        assert sorted(Path(r["checklist"]).name for r in rows) == ["ex01.contoso.mil.ckl", "ex02.contoso.mil.cklb"]
        assert all(r["outcome"] == "written" for r in rows)
    copies = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != ".cklauto-output"
    )
    assert copies == ["ex01.contoso.mil.ckl", "site-b/ex02.contoso.mil.cklb"]  # no updated/updated/...
    assert {p: p.read_bytes() for p in originals} == originals  # the originals stay untouched


def test_output_dir_that_is_the_input_folder_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    before = snapshot(folder)
    evidence = write_evidence(tmp_path / "sc.json", NONCOMPLIANT)
    result = cklauto(
        "run",
        folder,
        "--rule",
        "EX13-MB-000120",
        "--domain",
        "contoso.mil",
        "--evidence",
        evidence,
        "--output-dir",
        f"{folder}/.",
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is also an input folder" in result.stderr and len(result.stderr.strip().splitlines()) <= 4
    assert snapshot(folder) == before


def test_a_copy_keeps_the_permissions_of_its_original(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    private = folder / "ex01.contoso.mil.ckl"
    private.chmod(0o600)  # a checklist only its owner may read
    out = tmp_path / "copies"
    result = run_then_show([folder], "--output-dir", out, evidence=write_evidence(tmp_path / "sc.json", NONCOMPLIANT))
    assert result.run.returncode == 0, result.run.stdout + result.run.stderr
    assert (out / private.name).stat().st_mode & 0o777 == 0o600


def test_an_existing_symbolic_link_in_the_output_folder_is_not_followed(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out = tmp_path / "copies"
    out.mkdir()
    victim = tmp_path / "someone-elses-file.ckl"
    victim.write_bytes(b"not yours to overwrite")
    (out / "ex01.contoso.mil.ckl").symlink_to(victim)  # planted where cklauto will write a copy
    result = run_then_show([folder], "--output-dir", out, evidence=write_evidence(tmp_path / "sc.json", NONCOMPLIANT))
    text = result.run.stdout + result.run.stderr
    assert result.run.returncode == 1, text
    assert "is a symbolic link cklauto did not read; not followed" in text
    assert victim.read_bytes() == b"not yours to overwrite"
    assert (out / "ex01.contoso.mil.ckl").is_symlink()

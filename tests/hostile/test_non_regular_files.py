"""FIFOs, devices and other non-regular files as checklists or evidence: refused at once, never waited on.

``open()`` on a FIFO blocks until a writer appears, and a signal handler cannot end that wait
(Python retries the call), so a run pointed at one used to hang for good, deaf to Ctrl-C and
SIGTERM.  Every case here runs cklauto as a subprocess with a deadline.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cklauto.emulator import EmulatedExchange, HostBehavior
from tests.conftest import SAMPLES
from tests.hostile.helpers import (
    COMPLIANT,
    DOMAIN,
    REPO,
    assert_intact_or_cleanly_updated,
    cklauto,
    run_then_show,
    snapshot,
    write_evidence,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this platform has no FIFOs")

SAMPLE = SAMPLES / "ex01.contoso.mil.ckl"
FIFO_ERROR = "is a FIFO (named pipe), not a regular file"


def _folder_with_specials(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "checklists"
    folder.mkdir()
    shutil.copyfile(SAMPLE, folder / SAMPLE.name)
    fifo = folder / "a-pipe.ckl"
    os.mkfifo(fifo)
    device = folder / "zero.cklb"
    device.symlink_to("/dev/zero")
    return folder, fifo, device


def test_fifo_device_and_socket_given_as_checklists_are_refused_at_once(tmp_path: Path) -> None:
    folder, fifo, device = _folder_with_specials(tmp_path)
    evidence = write_evidence(tmp_path / "sc.json")
    with socket.socket(socket.AF_UNIX) as listening:
        sock = folder / "s.ckl"
        listening.bind(str(sock))
        result = run_then_show([fifo, device, sock, folder / SAMPLE.name], evidence=evidence, timeout=30)
    assert result.run.returncode == 1
    errors = result.run.stderr + result.run.stdout
    assert f"{fifo}: {FIFO_ERROR}" in errors
    assert f"{device}: is a character device, not a regular file" in errors
    assert f"{sock}: is a socket, not a regular file" in errors
    assert result.outcomes == {folder / SAMPLE.name: "updated"}  # the good checklist still ran
    assert FIFO_ERROR in result.show.stdout


def test_fifo_inside_a_searched_folder_is_reported_not_skipped(tmp_path: Path) -> None:
    folder, fifo, _device = _folder_with_specials(tmp_path)
    report = tmp_path / "report.json"
    result = run_then_show([folder], "--report", report, evidence=write_evidence(tmp_path / "sc.json"), timeout=30)
    rows = {Path(r["checklist"]).name: r for r in json.loads(report.read_text(encoding="utf-8"))["checklists"]}
    assert rows[fifo.name]["outcome"] == "error" and FIFO_ERROR in rows[fifo.name]["error"]
    assert rows["zero.cklb"]["outcome"] == "error"
    assert rows[SAMPLE.name]["outcome"] == "written"
    assert result.outcomes == {folder / SAMPLE.name: "updated"}


@pytest.mark.parametrize("special", ["fifo", "device"])
def test_evidence_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path, special: str) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    shutil.copyfile(SAMPLE, folder / SAMPLE.name)
    evidence = tmp_path / "sendconnectors.json"
    if special == "fifo":
        os.mkfifo(evidence)
    else:
        evidence.symlink_to("/dev/null")  # read, it looks like an empty export
    result = run_then_show([folder], evidence=evidence, timeout=30)
    assert result.run.returncode == 1
    expected = FIFO_ERROR if special == "fifo" else "is a character device, not a regular file"
    assert expected in result.run.stdout + result.run.stderr
    assert result.outcomes == {folder / SAMPLE.name: "identical"}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("given", ["fifo-path", "folder-with-fifo"])
def test_signal_ends_a_run_that_met_a_fifo_within_two_seconds(tmp_path: Path, signum: int, given: str) -> None:
    """The FIFO is refused, the real checklist's server is slow; a signal must end the run promptly."""
    folder = tmp_path / "checklists"
    folder.mkdir()
    checklist = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, checklist)
    fifo = folder / "a-pipe.ckl"
    os.mkfifo(fifo)
    host = HostBehavior(name="ex01.contoso.mil", connectors=[dict(c) for c in COMPLIANT], delay=60)
    report = tmp_path / "report.json"
    before = snapshot(folder)
    with EmulatedExchange([host], tls=True, auth="basic", users={"u": "p"}) as emu:
        paths = [str(fifo), str(checklist)] if given == "fifo-path" else [str(folder)]
        args = [
            sys.executable,
            "-m",
            "cklauto",
            "run",
            *paths,
            "--rule",
            "EX13-MB-000120",
            "--domain",
            DOMAIN,
            "--server",
            "127.0.0.1",
        ]
        args += [
            "--port",
            str(emu.port_of(host.name)),
            "--ca-bundle",
            emu.ca_path,
            "--auth",
            "basic",
            "--username",
            "u",
        ]
        args += ["--report", str(report)]
        env = {**os.environ, "CKLAUTO_PASSWORD": "p", "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, cwd=REPO
        )
        try:
            deadline = time.monotonic() + 20
            # Signal once the run is past every checklist and waiting for the server.
            while emu.stats(host.name).connections == 0 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
            proc.send_signal(signum)
            signalled = time.monotonic()
            try:
                out, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                pytest.fail("cklauto did not end within 10 s of the signal (stuck on the FIFO?)")
            took = time.monotonic() - signalled
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert took < 2.0, f"took {took:.1f} s to end after the signal"
    assert proc.returncode == 130, out.decode() + err.decode()
    rows = {Path(r["checklist"]).name: r for r in json.loads(report.read_text(encoding="utf-8"))["checklists"]}
    assert FIFO_ERROR in rows[fifo.name]["error"]
    assert rows[checklist.name]["outcome"] == "interrupted"
    assert_intact_or_cleanly_updated(before)


def test_show_of_a_fifo_returns_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "ex01.ckl"
    os.mkfifo(fifo)
    result = cklauto("show", fifo, timeout=30)
    assert result.returncode == 1 and FIFO_ERROR in result.stdout

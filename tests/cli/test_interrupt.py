"""Ctrl-C (SIGINT) and SIGTERM mid-batch: no new hosts, finished writes stand, the summary prints."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_target_rule
from tests.cli.conftest import DOMAIN, PASSWORD, USER, Site


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_batch_stops_new_hosts_and_keeps_finished_writes(site: Site, signum: int) -> None:
    for name in site.emu.host_names:
        site.emu.behavior(name).delay = 1.0  # each host answers after about a second
    before = site.snapshot()
    report = site.tmp / "report.json"
    args = [
        sys.executable,
        "-m",
        "cklauto",
        "run",
        str(site.folder),
        "--domain",
        DOMAIN,
        "--inventory",
        str(site.inventory),
        "--auth",
        "basic",
        "--username",
        USER,
        "--ca-bundle",
        site.emu.ca_path,
        "--jobs",
        "1",
        "--report",
        str(report),
    ]
    env = {**os.environ, "CKLAUTO_PASSWORD": PASSWORD}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=Path.cwd())
    deadline = time.monotonic() + 30
    # Wait until the first checklist has been written, then interrupt.
    while time.monotonic() < deadline and all(p.read_bytes() == data for p, data in before.items()):
        time.sleep(0.05)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    text = out.decode() + err.decode()
    assert proc.returncode == 130, text
    assert "Interrupted" in text and "Totals (" in text
    written = [p for p, data in before.items() if p.read_bytes() != data]
    untouched = [p for p, data in before.items() if p.read_bytes() == data]
    assert written, "the first host's write should stand"
    assert untouched, "hosts after the signal must not be started"
    for path in written:
        assert find_target_rule(open_checklist(path)).review.status in (Status.NOT_A_FINDING, Status.OPEN)
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["interrupted"] is True
    outcomes = sorted(r["outcome"] for r in doc["checklists"])
    assert "written" in outcomes and "interrupted" in outcomes
    assert PASSWORD not in text


def test_after_ctrl_c_every_error_line_names_its_checklist_and_host_also_with_quiet(site: Site) -> None:
    for name in site.emu.host_names:
        site.emu.behavior(name).delay = 1.0
    before = site.snapshot()
    args = [sys.executable, "-m", "cklauto", "run", "-q", *site.base_args(str(site.folder))[1:], "--jobs", "1"]
    env = {**os.environ, "CKLAUTO_PASSWORD": PASSWORD}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and all(p.read_bytes() == data for p, data in before.items()):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert out == ""
    errors = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert errors, err
    names = {p.name for p in before}
    for line in errors:
        checklist, rest = line.removeprefix("Error: ").split(" (", 1)
        host = rest.split(")", 1)[0]
        assert checklist in names, line
        assert host == f"{checklist.split('.contoso.mil')[0]}.contoso.mil" or host == "host not read", line
        assert "the run was interrupted" in line
    assert err.splitlines()[-1] == "Interrupted: no new hosts were started; finished writes stand."

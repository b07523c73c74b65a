"""--timeout is the whole host, connect to answer: a hung host fails at that figure (not at a fraction of it) with
a message that says it, a slow host that answers inside it passes, and the progress bar names the hosts a stalled
run is waiting for."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time

import pytest

from tests.cli.conftest import PASSWORD, Site


def with_timeout(args: list[str], seconds: str) -> list[str]:
    args[args.index("--timeout") + 1] = seconds
    return args


def test_a_host_that_answers_in_7_s_passes_with_timeout_10(site: Site) -> None:
    site.emu.behavior("ex01.contoso.mil").delay = 7.0
    started = time.monotonic()
    result = site.invoke(*with_timeout(site.base_args(str(site.checklist("ex01")), "--json"), "10"))
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["checklists"][0]["outcome"] == "written"
    assert elapsed >= 7


@pytest.mark.parametrize(
    ("stage", "waiting"),
    [("connect", "waiting to connect and authenticate"), ("query", "waiting for Get-SendConnector")],
)
def test_a_hung_host_fails_at_the_timeout_and_says_so(site: Site, stage: str, waiting: str) -> None:
    if stage == "connect":
        site.emu.behavior("ex01.contoso.mil").fail = "hang"  # no answer to the session's Create
    else:
        site.emu.behavior("ex01.contoso.mil").delay = 60.0  # the session opens; Get-SendConnector never answers
    target = site.checklist("ex01")
    original = target.read_bytes()
    started = time.monotonic()
    result = site.invoke(*with_timeout(site.base_args(str(target), "-q"), "4"))
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    url = f"https://127.0.0.1:{site.emu.port_of('ex01.contoso.mil')}/PowerShell"
    assert result.stderr == (
        f"Error: {target.name} (ex01.contoso.mil) EX13-MB-000120: 127.0.0.1: no answer within 4 s from {url} "
        f"({waiting}) (the server is slow or not answering; check it, or raise --timeout)\n"
    )
    assert 4 <= elapsed < 4 + 4  # at the figure given, not at a fraction of it; slack for a loaded machine
    assert target.read_bytes() == original


def test_the_progress_bar_names_the_hosts_it_is_still_waiting_for(site: Site) -> None:
    site.emu.behavior("ex02.contoso.mil").fail = "hang"
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "cklauto", *with_timeout(site.base_args(str(site.folder)), "6")],
            stdout=subprocess.PIPE,
            stderr=follower,
            env={**os.environ, "CKLAUTO_PASSWORD": PASSWORD},
            timeout=60,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 1
    shown = b"".join(chunks).decode()
    assert "Checking hosts" in shown
    assert "Waiting for ex02.contoso.mil (3 s)" in shown and "Waiting for ex02.contoso.mil (5 s)" in shown
    assert "Waiting for ex01" not in shown

"""Options a person types on every run: -v/-q anywhere, --version/-V, environment variables that say which one is
wrong, and Ctrl-C at the password prompt."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cklauto import __version__
from cklauto.cli import main
from tests.conftest import SAMPLES


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = invoke(flag)
    assert result.exit_code == 0
    assert result.output == f"cklauto, version {__version__}\n"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CKLAUTO_RUN_JOBS", "abc", "CKLAUTO_RUN_JOBS=abc: not a number (the environment variable for --jobs)"),
        ("CKLAUTO_RUN_JOBS", "1.5", "CKLAUTO_RUN_JOBS=1.5: not a whole number (the environment variable for --jobs)"),
        (
            "CKLAUTO_RUN_JOBS",
            "0",
            "CKLAUTO_RUN_JOBS=0: 0 is not in the range 1<=x<=256 (the environment variable for --jobs)",
        ),
        (
            "CKLAUTO_RUN_TIMEOUT",
            "soon",
            "CKLAUTO_RUN_TIMEOUT=soon: not a number (the environment variable for --timeout)",
        ),
        (
            "CKLAUTO_RUN_DRY_RUN",
            "maybe",
            "CKLAUTO_RUN_DRY_RUN=maybe: not yes or no (use 1 or 0, true or false) (the environment variable for "
            "--dry-run)",
        ),
        (
            "CKLAUTO_CA_BUNDLE",
            "/nonexistent/ca.pem",
            "CKLAUTO_CA_BUNDLE=/nonexistent/ca.pem: File '/nonexistent/ca.pem' does not exist (the environment "
            "variable for --ca-bundle)",
        ),
    ],
)
def test_a_bad_environment_variable_is_named(variable: str, value: str, message: str) -> None:
    result = invoke("run", str(SAMPLES / "ex01.contoso.mil.ckl"), env={variable: value})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: {message}"


def test_the_same_bad_value_on_the_command_line_names_the_option() -> None:
    result = invoke("run", str(SAMPLES / "ex01.contoso.mil.ckl"), "--jobs", "abc")
    assert result.exit_code == 2 and "'--jobs'" in result.output and "CKLAUTO_RUN_JOBS" not in result.output


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_before_or_after_the_command_name(tmp_path: Path, where: str) -> None:
    evidence = tmp_path / "send-connectors.json"
    evidence.write_text('[{"Name": "Relay", "Identity": "Relay", "TlsDomain": "contoso.mil"}]', encoding="utf-8")
    checklist = tmp_path / "ex01.ckl"
    checklist.write_bytes((SAMPLES / "ex01.contoso.mil.ckl").read_bytes())
    args = ["run", str(checklist), "--rule", "EX13-MB-000120", "--domain", "contoso.mil", "--evidence", str(evidence)]
    args = ["-v", *args] if where == "before" else [*args, "-v"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"cklauto: ex01.contoso.mil: read evidence {evidence} (1 queries)",
        "cklauto: ex01.contoso.mil: decide ex01.ckl: 1 NotAFinding",
        f"cklauto: ex01.contoso.mil: write {checklist}: 1 rule(s)",
    ]
    assert "Totals (1 checklists): 1 NotAFinding" in result.stdout


def test_ctrl_c_at_the_password_prompt_exits_130_with_a_short_message(tmp_path: Path) -> None:
    checklist = tmp_path / "ex01.ckl"
    checklist.write_bytes((SAMPLES / "ex01.contoso.mil.ckl").read_bytes())
    args = ["run", str(checklist), "--rule", "EX13-MB-000120", "--domain", "contoso.mil", "--server", "127.0.0.1"]
    args += ["--auth", "basic", "--username", "CONTOSO\\svc-stig"]
    env = {k: v for k, v in os.environ.items() if k != "CKLAUTO_PASSWORD"}
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cklauto", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    output = b""
    try:
        deadline = time.monotonic() + 30
        while b"Password for" not in output and time.monotonic() < deadline:
            output += os.read(leader, 4096)
        assert b"Password for CONTOSO\\svc-stig" in output
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    text = output.decode()
    assert "Interrupted at the password prompt; nothing was checked." in text
    assert "Traceback" not in text and "Aborted" not in text
    assert checklist.read_bytes() == (SAMPLES / "ex01.contoso.mil.ckl").read_bytes()

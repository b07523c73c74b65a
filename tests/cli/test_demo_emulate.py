"""The demo and the emulator as a new admin meets them: the demo from any folder, --keep for runs of one's own,
and an emulator whose help explains its hosts file, that prints an inventory and cleans up on SIGTERM."""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cklauto.cli import main
from cklauto.emulator.behavior import FAIL_MODES, HostBehavior

#: Python that runs cklauto as installed: the checkout is not on the path (cwd is elsewhere, no PYTHONPATH).
INSTALLED = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def cklauto(*args: str) -> list[str]:
    return [sys.executable, "-m", "cklauto", *args]


def read_until(proc: subprocess.Popen, marker: str, timeout: float = 60) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if marker in line:
            return lines
    raise AssertionError(f"{marker!r} not seen in {lines}")


def test_demo_works_from_any_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        cklauto("demo", "--out", "demo"), cwd=elsewhere, env=INSTALLED, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    demo = elsewhere / "demo"
    assert sorted(p.name for p in (demo / "checklists").iterdir()) == [
        "ex01.contoso.mil.ckl",
        "ex02.contoso.mil.cklb",
        "ex03.contoso.mil.ckl",
        "ex04.contoso.mil.cklb",
        "ex05.contoso.mil_V1R6-style.ckl",
        "ex06.contoso.mil_multi-STIG.ckl",
    ]
    assert "Totals (6 checklists): 259 NotAFinding, 20 Not_Applicable, 56 Open, 85 evidence only" in done.stdout
    inventory = (demo / "inventory.csv").read_text(encoding="utf-8").splitlines()
    hosts = json.loads((demo / "hosts.json").read_text(encoding="utf-8"))
    assert inventory[0] == "host,server,port,host_port" and len(inventory) == 7
    assert [f"{h['name']},127.0.0.1,{h['port']},{h['port']}" for h in hosts["hosts"]] == inventory[1:]
    assert (demo / "hosts.json").stat().st_mode & 0o077 == 0  # it holds the demo's password
    assert hosts["users"]["CONTOSO\\svc-stig"] not in done.stdout + done.stderr


def test_demo_keep_serves_until_ctrl_c_and_prints_a_command_that_works(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        cklauto("demo", "--out", str(tmp_path / "demo"), "--keep"),
        cwd=tmp_path,
        env=INSTALLED,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = read_until(proc, 'CKLAUTO_PASSWORD="$(cat ')
        command = lines[-1].strip()
        assert (
            lines[-2]
            == "The emulated servers keep running until Ctrl-C. In another terminal, run cklauto against them:"
        )
        assert command.startswith('CKLAUTO_PASSWORD="$(cat ') and " cklauto run " in command
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"  # where pip put cklauto
        again = subprocess.run(
            ["sh", "-c", command],
            cwd=tmp_path,
            env={**INSTALLED, "PATH": path},
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert again.returncode == 0, again.stdout + again.stderr
        assert "Totals (6 checklists): 259 NotAFinding, 20 Not_Applicable, 56 Open, 85 evidence only" in again.stdout
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert out.strip().endswith("Stopped the emulated servers.")


def hosts_file(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "hosts.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_emulate_prints_an_inventory_and_cleans_up_on_sigterm(tmp_path: Path) -> None:
    hosts = hosts_file(
        tmp_path,
        {
            "users": {"u": "p"},
            "hosts": [{"name": "ex01.contoso.mil"}, {"name": "ex02.contoso.mil", "sample": "compliant"}],
        },
    )
    written = tmp_path / "inventory.csv"
    proc = subprocess.Popen(
        cklauto("emulate", "--hosts", str(hosts), "--inventory-out", str(written)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = read_until(proc, "ex02.contoso.mil,127.0.0.1,")
        ports = {line.split("\t")[0]: int(line.split("port=")[1]) for line in lines if "\tport=" in line}
        ca = Path(next(line for line in lines if line.startswith("ca\t")).split("\t")[1])
        assert ca.exists()
        assert lines[-4:] == [
            "Inventory (save as a CSV file for cklauto run --inventory FILE):",
            "host,server,port",
            f"ex01.contoso.mil,127.0.0.1,{ports['ex01.contoso.mil']}",
            f"ex02.contoso.mil,127.0.0.1,{ports['ex02.contoso.mil']}",
        ]
        assert written.read_text(encoding="utf-8").splitlines() == lines[-3:]
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert not ca.parent.exists(), "the temporary folder with the CA key must be removed on SIGTERM"


def test_emulate_help_explains_every_key_of_the_hosts_file() -> None:
    text = " ".join(CliRunner().invoke(main, ["emulate", "--help"]).output.split())
    for key in ("tls", "auth", "users", "keytab", "bind", "hosts"):
        assert f'"{key}"' in text
    for field in dataclasses.fields(HostBehavior):
        assert f'"{field.name}"' in text, field.name
    for mode in FAIL_MODES:
        assert any(f" {mode}{end}" in text for end in ",.;"), mode
    assert "see README" not in text


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "not valid JSON (line 1, column 2: Expecting property name enclosed in double quotes)"),
        ({"hosts": [{"name": "ex01", "fial": "hang"}]}, "hosts[0]: unknown key(s): fial"),
        ({"hosts": [{"name": "ex01", "fail": "explode"}]}, "hosts[0] (ex01): unknown fail mode 'explode'"),
        ({"hosts": [{"name": "ex01", "delay": "soon"}]}, "hosts[0] (ex01): delay must be a number >= 0, not 'soon'"),
    ],
)
def test_a_bad_hosts_file_is_reported_in_user_terms(tmp_path: Path, content: object, problem: str) -> None:
    path = hosts_file(tmp_path, content)
    result = CliRunner().invoke(main, ["emulate", "--hosts", str(path)])
    assert result.exit_code == 1
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"Error: {path}: {problem}")
    assert line.endswith("(the hosts file format: cklauto emulate --help)")
    assert "cklauto.emulator" not in result.output and "Traceback" not in result.output


def test_the_demo_command_is_quoted_for_the_shell() -> None:
    from cklauto.demo import command_line

    assert shlex.split(command_line(["run", "a folder/x.ckl", "CONTOSO\\svc"])) == [
        "run",
        "a folder/x.ckl",
        "CONTOSO\\svc",
    ]

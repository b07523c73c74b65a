"""Shared pieces of the hostile network and output tests: the real CLI as a subprocess, on a copy of a sample.

Not a conftest: another part of the hostile corpus lives in this folder too.  Test modules
import what they need from here explicitly.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from cklauto.emulator import EmulatedExchange
from cklauto.emulator.testing import DEFAULT_HOST, DEFAULT_PASSWORD, DEFAULT_USER
from cklauto.remoting import ConnectionSettings
from tests.conftest import REPO, SAMPLES

#: A checklist whose FQDN is ex01.contoso.mil (DEFAULT_HOST of the emulator).
SAMPLE_CKL = SAMPLES / "ex01.contoso.mil.ckl"
SAMPLE_CKLB = SAMPLES / "ex02.contoso.mil.cklb"


def settings_for(emu: EmulatedExchange, name: str = DEFAULT_HOST, **overrides: Any) -> ConnectionSettings:
    """Connection settings that reach ``name`` on ``emu`` as cklauto would (Basic or NTLM)."""
    values: dict[str, Any] = dict(
        server="127.0.0.1",
        port=emu.port_of(name),
        ssl=emu.tls,
        auth="basic" if emu.auth == "basic" else "ntlm",
        username=next(iter(emu.users)),
        password=next(iter(emu.users.values())),
        ca_bundle=emu.ca_path or None,
        timeout=10.0,
    )
    values.update(overrides)
    return ConnectionSettings(**values)


def copy_sample(tmp_path: Path, sample: Path = SAMPLE_CKL) -> Path:
    target = tmp_path / sample.name
    shutil.copyfile(sample, target)
    return target


@dataclasses.dataclass
class Finished:
    """A finished ``cklauto`` subprocess, with its peak memory."""

    returncode: int
    stdout: str
    stderr: str
    max_rss_kib: int

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cklauto(
    *args: str, password: str | None = DEFAULT_PASSWORD, env: dict[str, str] | None = None, cwd: Path = REPO
) -> Finished:
    """``python -m cklauto ARGS`` in a clean environment (no CKLAUTO_* of the caller), waited for with wait4."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CKLAUTO_")}
    environment.update({"PYTHONPATH": str(REPO), **(env or {})})
    if password is not None:
        environment["CKLAUTO_PASSWORD"] = password
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cklauto", *args],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=environment,
            cwd=cwd,
        )
        # wait4 gives this child's own peak memory (RUSAGE_CHILDREN would mix in earlier children).
        timer = threading.Timer(120, proc.kill)  # a bug must not hang the suite
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss,
        )


def run_args(emu: EmulatedExchange, checklist: Path, *extra: str, name: str = DEFAULT_HOST) -> list[str]:
    """``cklauto run`` arguments that ask host ``name`` of ``emu`` about ``checklist``."""
    args = [
        "run",
        "--rule",
        "EX13-MB-000120",
        str(checklist),
        "--domain",
        "contoso.mil",
        "--server",
        "127.0.0.1",
        "--port",
        str(emu.port_of(name)),
        "--auth",
        "basic" if emu.auth == "basic" else "ntlm",
        "--username",
        next(iter(emu.users)),
        "--timeout",
        "10",
    ]
    if emu.tls:
        args += ["--ca-bundle", emu.ca_path]
    else:
        args += ["--no-ssl"]
    return [*args, *extra]


class RecordingListener:
    """A plain TCP listener on loopback that only counts who connects (a redirect target)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/PowerShell"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


__all__ = ["DEFAULT_HOST", "DEFAULT_PASSWORD", "DEFAULT_USER"]

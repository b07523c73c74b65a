"""A small site for end-to-end tests: sample checklists, an emulated Exchange per host, an inventory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cklauto.cli import main
from cklauto.emulator import EmulatedExchange, HostBehavior
from tests.conftest import SAMPLES

PASSWORD = "Tr0ub4dor&3-never-print-me"
USER = "CONTOSO\\svc-stig"
DOMAIN = "contoso.mil"

COMPLIANT = [
    {"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"},
    {"Name": "To Site B", "Identity": "To Site B", "TlsDomain": "CONTOSO.MIL."},
]
NONCOMPLIANT = [
    {"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"},
    {"Name": "Legacy Scan-to-Mail", "Identity": "Legacy Scan-to-Mail", "TlsDomain": None},
]


@dataclass
class Site:
    """Checklists in ``folder``, one emulated server per sample host, and a matching inventory."""

    folder: Path
    emu: EmulatedExchange
    inventory: Path
    tmp: Path

    def checklist(self, host: str) -> Path:
        return next(p for p in sorted(self.folder.rglob("*")) if p.name.startswith(host + "."))

    def snapshot(self) -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in sorted(self.folder.rglob("*")) if p.is_file()}

    def base_args(self, *extra: str) -> list[str]:
        # These runs are about EX13-MB-000120 and the batch around it; the other rules have tests of their own.
        return [
            "run",
            "--rule",
            "EX13-MB-000120",
            "--domain",
            DOMAIN,
            "--inventory",
            str(self.inventory),
            "--auth",
            "basic",
            "--username",
            USER,
            "--ca-bundle",
            self.emu.ca_path,
            "--timeout",
            "10",
            *extra,
        ]

    def invoke(self, *args: str, env: dict[str, str] | None = None) -> Result:
        environment = {"CKLAUTO_PASSWORD": PASSWORD, **(env or {})}
        return CliRunner().invoke(main, list(args), env=environment, catch_exceptions=False)


def write_inventory(path: Path, emu: EmulatedExchange, hosts: list[str]) -> Path:
    rows = ["host,server,port"] + [f"{h},127.0.0.1,{emu.port_of(h)}" for h in hosts]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    folder = tmp_path / "checklists"
    folder.mkdir()
    for sample in sorted(SAMPLES.glob("*.ckl*")):
        shutil.copyfile(sample, folder / sample.name)
    names = [
        "ex01.contoso.mil",
        "ex02.contoso.mil",
        "ex03.contoso.mil",
        "ex04.contoso.mil",
        "ex05.contoso.mil",
        "ex06.contoso.mil",
    ]
    hosts = [
        HostBehavior(name=n, connectors=[dict(c) for c in (NONCOMPLIANT if n.startswith("ex03") else COMPLIANT)])
        for n in names
    ]
    with EmulatedExchange(hosts, tls=True, auth="basic", users={USER: PASSWORD}) as emu:
        yield Site(folder=folder, emu=emu, inventory=write_inventory(tmp_path / "hosts.csv", emu, names), tmp=tmp_path)

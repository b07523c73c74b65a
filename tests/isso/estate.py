"""A small estate for the ISSO hand-off tests: every sample checklist, one emulated Exchange server per host.

Every rule is evaluated (no ``--rule``), so each host runs with the catalogue's ``noncompliant`` sample: many Open
results, which is what the hand-off to STIG Manager and eMASS is about.  Samples are found by the host they name,
not by file name, so renaming a sample does not break these tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner, Result

from cklauto.cli import main
from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.errors import CklautoError
from cklauto.formats import Checklist, open_checklist
from tests.conftest import SAMPLES

PASSWORD = "isso-estate-Pa55word!"
USER = "CONTOSO\\svc-stig"

#: The sample organisation's site settings (every setting a rule requires, so no rule is left for want of one).
SITE_TOML = """\
internal_smtp_domain = ["contoso.mil"]
approved_certificate_issuers = ["OU=PKI, OU=DoD, O=U.S. Government, C=US"]
smart_hosts = ["10.1.1.25"]
internal_smtp_servers = ["10.0.10.25", "10.0.10.26"]
prohibit_send_quota = "2 GB"
issue_warning_quota = "1945 MB"
prohibit_post_quota = "2 GB"
public_folders_used = false
minimum_exchange_build = "15.0.1497.2"
"""


@dataclass
class Estate:
    folder: Path
    emu: EmulatedExchange
    inventory: Path
    site: Path
    tmp: Path
    hosts: list[str] = field(default_factory=list)

    def files(self) -> list[Path]:
        return sorted(p for p in self.folder.rglob("*") if p.suffix in (".ckl", ".cklb"))

    def checklist(self, host_name: str) -> Path:
        """The sample whose HOST_NAME is ``host_name`` (e.g. EX05)."""
        for path in self.files():
            try:
                if open_checklist(path).asset.host_name.upper() == host_name.upper():
                    return path
            except CklautoError:  # a broken file a test put there
                continue
        raise LookupError(host_name)

    def opened(self, host_name: str) -> Checklist:
        return open_checklist(self.checklist(host_name))

    def args(self, *extra: str, rule: str | None = None) -> list[str]:
        """``cklauto run`` against this estate: every rule with the site file, or one rule with --domain."""
        chosen = ["--rule", rule, "--domain", "contoso.mil"] if rule else ["--site", str(self.site)]
        return [
            "run",
            *chosen,
            "--inventory",
            str(self.inventory),
            "--auth",
            "basic",
            "--username",
            USER,
            "--ca-bundle",
            self.emu.ca_path,
            "--timeout",
            "30",
            *extra,
        ]

    def invoke(self, *args: str) -> Result:
        return CliRunner().invoke(main, list(args), env={"CKLAUTO_PASSWORD": PASSWORD}, catch_exceptions=False)

    def snapshot(self) -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in sorted(self.folder.rglob("*")) if p.is_file()}


def sample_hosts() -> list[str]:
    hosts = []
    for sample in sorted(SAMPLES.glob("*.ckl*")):
        asset = open_checklist(sample).asset
        hosts.append(asset.fqdn or asset.host_name)
    return hosts


@contextmanager
def estate_at(tmp: Path, *, sample: str = "noncompliant") -> Iterator[Estate]:
    folder = tmp / "checklists"
    folder.mkdir(parents=True)
    for path in sorted(SAMPLES.glob("*.ckl*")):
        shutil.copyfile(path, folder / path.name)
    hosts = sample_hosts()
    behaviors = [HostBehavior(name=name, sample=sample) for name in hosts]
    with EmulatedExchange(behaviors, tls=True, auth="basic", users={USER: PASSWORD}) as emu:
        inventory = tmp / "hosts.csv"
        rows = ["host,server,port"] + [f"{h},127.0.0.1,{emu.port_of(h)}" for h in hosts]
        inventory.write_text("\n".join(rows) + "\n", encoding="utf-8")
        site = tmp / "site.toml"
        site.write_text(SITE_TOML, encoding="utf-8")
        yield Estate(folder=folder, emu=emu, inventory=inventory, site=site, tmp=tmp, hosts=hosts)

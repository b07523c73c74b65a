"""``cklauto demo``: the main job end to end, safely, on a fresh clone.

Copies the bundled sample checklists to a new folder, starts the emulated Exchange endpoint on
loopback (HTTPS with its own CA, Basic auth) with one server per sample host, writes the
inventory that points each host at its emulated server, and runs ``cklauto run`` exactly as a
user would, through the same client code that talks to a real server.  ex03 is configured
non-compliant, so the demo shows both outcomes.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import sys
from datetime import datetime
from pathlib import Path

import click

from cklauto.errors import CklautoError

DOMAIN = "contoso.mil"
USERNAME = "CONTOSO\\svc-stig"

#: The demo organisation's site settings (what its EDSP and SSP would say), written to site.toml.
DEMO_SITE = """\
# Site settings of the demo organisation: values from its Email Domain Security Plan (EDSP) and SSP.
# Every key is listed, with its meaning, by: cklauto checks
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

#: The demo's Exchange servers; each answers every cmdlet with the catalogue's realistic objects.
DEMO_HOSTS = (
    "ex01.contoso.mil",
    "ex02.contoso.mil",
    "ex03.contoso.mil",
    "ex04.contoso.mil",
    "ex05.contoso.mil",
    "ex06.contoso.mil",
)


#: The demo servers configured with findings.
NONCOMPLIANT = frozenset({"ex03.contoso.mil"})


def find_samples(start: Path | None = None) -> Path:
    """The sample_ckl folder of the checkout the user is in."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "sample_ckl"
        if candidate.is_dir() and any(candidate.glob("*.ckl*")):
            return candidate
    source_tree = Path(__file__).resolve().parents[1] / "sample_ckl"
    if source_tree.is_dir():
        return source_tree
    raise CklautoError("sample_ckl/ not found", "run cklauto demo from the cklauto checkout")


def run_demo(out_dir: Path | None = None, samples: Path | None = None) -> int:
    """Run the demo; return the exit code of the ``cklauto run`` it executed."""
    from cklauto.cli import main as cli_main
    from cklauto.emulator import EmulatedExchange, HostBehavior

    samples = samples or find_samples()
    out_dir = out_dir or Path(f"cklauto-demo-{datetime.now():%Y%m%d-%H%M%S}")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise CklautoError(f"{out_dir}: already exists and is not empty", "give a new folder with --out")
    checklists = out_dir / "checklists"
    checklists.mkdir(parents=True, exist_ok=True)
    for sample in sorted(samples.glob("*.ckl*")):
        shutil.copy2(sample, checklists / sample.name)

    password = secrets.token_urlsafe(18)  # a fresh secret per demo; never printed
    # Every cmdlet answers with the catalogue's realistic objects; ex03 is the server with findings.
    hosts = [
        HostBehavior(name=name, sample="noncompliant" if name in NONCOMPLIANT else "compliant") for name in DEMO_HOSTS
    ]
    with EmulatedExchange(hosts, tls=True, auth="basic", users={USERNAME: password}) as emu:
        ca_bundle = out_dir / "emulator-ca.pem"
        shutil.copyfile(emu.ca_path, ca_bundle)
        site = out_dir / "site.toml"
        site.write_text(DEMO_SITE, encoding="utf-8")
        inventory = out_dir / "inventory.csv"
        # The emulator serves each host's own WinRM endpoint (/wsman) on the same port (host_port, --host-checks).
        rows = ["host,server,port,host_port"] + [
            f"{name},127.0.0.1,{emu.port_of(name)},{emu.port_of(name)}" for name in DEMO_HOSTS
        ]
        inventory.write_text("\n".join(rows) + "\n", encoding="utf-8")
        report = out_dir / "report.csv"
        args = [
            "run",
            str(checklists),
            "--site",
            str(site),
            "--inventory",
            str(inventory),
            "--auth",
            "basic",
            "--username",
            USERNAME,
            "--ca-bundle",
            str(ca_bundle),
            "--report",
            str(report),
            "--host-checks",
            "--collect-evidence",
        ]
        click.echo(
            f"Demo: {len(hosts)} emulated Exchange servers on 127.0.0.1 (HTTPS, Basic auth, own CA); "
            f"sample checklists copied to {checklists}"
        )
        click.echo("Running the equivalent of:")
        click.echo(f"  CKLAUTO_PASSWORD=... cklauto {shlex.join(args)}")
        click.echo("")
        previous = os.environ.get("CKLAUTO_PASSWORD")
        os.environ["CKLAUTO_PASSWORD"] = password
        try:
            cli_main.main(args, prog_name="cklauto", standalone_mode=False)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            if previous is None:
                os.environ.pop("CKLAUTO_PASSWORD", None)
            else:
                os.environ["CKLAUTO_PASSWORD"] = previous
    click.echo("")
    click.echo(f"Report: {report}")
    click.echo(f"See the results: cklauto show {checklists}")
    sys.stdout.flush()
    return code

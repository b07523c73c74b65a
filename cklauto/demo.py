"""``cklauto demo``: the main job end to end, safely, on a fresh clone.

Copies the sample checklists shipped with cklauto to a new folder, starts the emulated Exchange endpoint on
loopback (HTTPS with its own CA, Basic auth) with one server per sample host, writes the inventory that points
each host at its emulated server and the emulator's hosts file, and runs ``cklauto run`` exactly as a user would,
through the same client code that talks to a real server.  ex03 is configured non-compliant, so the demo shows
both outcomes.  ``--keep`` leaves the servers running for more runs of your own.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cklauto.errors import CklautoError

if TYPE_CHECKING:
    from cklauto.emulator import EmulatedExchange

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


def find_samples() -> Path:
    """The sample checklists: shipped in the package (a plain ``pip install``), else the checkout's sample_ckl/
    (an editable install or a source tree), wherever cklauto is run from."""
    here = Path(__file__).resolve().parent
    for folder in (here / "samples", here.parent / "sample_ckl"):
        if folder.is_dir() and any(folder.glob("*.ckl*")):
            return folder
    raise CklautoError(
        "the sample checklists are not installed with cklauto", "reinstall it: pip install --force-reinstall cklauto"
    )


def run_demo(out_dir: Path | None = None, samples: Path | None = None, *, keep: bool = False) -> int:
    """Run the demo; return the exit code of the ``cklauto run`` it executed.

    With ``keep``, the emulated servers keep serving after the run until Ctrl-C (or SIGTERM), and the command
    that runs cklauto against them again is printed.
    """
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
        os.chmod(checklists / sample.name, 0o644)  # an installed package's files may be read-only

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
            f"{name},{emu.bind},{emu.port_of(name)},{emu.port_of(name)}" for name in DEMO_HOSTS
        ]
        inventory.write_text("\n".join(rows) + "\n", encoding="utf-8")
        hosts_file = out_dir / "hosts.json"
        _write_private(hosts_file, json.dumps(_hosts_document(emu, password), indent=2) + "\n")
        password_file = out_dir / "password.txt"
        _write_private(password_file, password + "\n")
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
            f"Demo: {len(hosts)} emulated Exchange servers on {emu.bind} (HTTPS, Basic auth, own CA); "
            f"sample checklists copied to {checklists}"
        )
        click.echo("Running the equivalent of:")
        click.echo(f"  CKLAUTO_PASSWORD=... cklauto {command_line(args)}")
        click.echo("")
        previous = os.environ.get("CKLAUTO_PASSWORD")
        os.environ["CKLAUTO_PASSWORD"] = password
        try:
            # The demo's run depends on nothing of the user's (no config file); its options are all given.
            cli_main.main(args, prog_name="cklauto", standalone_mode=False, obj={"no_config": True})
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
        click.echo(f"See the results: cklauto show {command_line([str(checklists)])}")
        click.echo(
            f"The demo folder also holds the inventory ({inventory.name}) and the emulator's hosts file "
            f"({hosts_file.name}): cklauto emulate --hosts {command_line([str(hosts_file)])} serves the same servers "
            "on the same ports later (with a new CA, which it prints)."
        )
        if keep:
            _serve_until_interrupted(args, password_file)
    sys.stdout.flush()
    return code


def _serve_until_interrupted(args: list[str], password_file: Path) -> None:
    """Keep the emulator of the enclosing ``with`` serving until Ctrl-C or SIGTERM; say how to use it."""
    click.echo("")
    click.echo("The emulated servers keep running until Ctrl-C. In another terminal, run cklauto against them:")
    if os.name == "nt":
        click.echo(f"  $env:CKLAUTO_PASSWORD = Get-Content {command_line([str(password_file)])}")
        click.echo(f"  cklauto {command_line(args)}")
    else:
        click.echo(f'  CKLAUTO_PASSWORD="$(cat {command_line([str(password_file)])})" cklauto {command_line(args)}')
    sys.stdout.flush()
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo("Stopped the emulated servers.")


def _hosts_document(emu: EmulatedExchange, password: str) -> dict[str, object]:
    """The hosts file (cklauto emulate --hosts) for the demo's servers, on the ports they use now, so that the
    inventory stays valid when they are served again."""
    return {
        "tls": True,
        "auth": "basic",
        "users": {USERNAME: password},
        "hosts": [
            {
                "name": name,
                "port": emu.port_of(name),
                "sample": "noncompliant" if name in NONCOMPLIANT else "compliant",
            }
            for name in DEMO_HOSTS
        ],
    }


def _write_private(path: Path, text: str) -> None:
    """A file only its owner can read (it holds the demo's password)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def command_line(args: list[str]) -> str:
    """``args`` quoted for this system's shell (POSIX shells; on Windows, PowerShell and cmd)."""
    if os.name == "nt":
        return subprocess.list2cmdline(args)
    return shlex.join(args)

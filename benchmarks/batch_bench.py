"""Batch benchmark: `cklauto run` over 100 hosts of the emulated endpoint, --jobs 1 vs --jobs 16.

Each emulated host delays its answer so that one host takes about 0.3 s end to end.  The
emulator runs in its own process (`cklauto emulate`), as a real server would, so client and
server do not share one interpreter lock.  Prints both wall times, the speedup, the ratio of
the parallel wall time to the ideal (hosts x per-host time / jobs), peak memory, and the
start-up time of `cklauto --help` and `cklauto show` (which must not import pypsrp or
cryptography).

    python benchmarks/batch_bench.py [--hosts 100] [--delay 0.27]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password"
USER = "CONTOSO\\svc-stig"


def start_emulator(folder: Path, hosts: list[str], delay: float) -> tuple[subprocess.Popen[str], dict[str, int], str]:
    config = {
        "tls": True,
        "auth": "basic",
        "users": {USER: PASSWORD},
        "hosts": [
            {
                "name": h,
                "delay": delay,
                "connectors": [{"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"}],
            }
            for h in hosts
        ],
    }
    hosts_file = folder / "hosts.json"
    hosts_file.write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cklauto", "emulate", "--hosts", str(hosts_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    ports: dict[str, int] = {}
    ca = ""
    assert proc.stdout is not None
    while len(ports) < len(hosts) or not ca:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the emulator exited early")
        fields = line.rstrip("\n").split("\t")
        if fields[0] == "ca":
            ca = fields[1]
        else:
            ports[fields[0]] = int(fields[2].split("=", 1)[1])
    return proc, ports, ca


def make_checklists(folder: Path, hosts: list[str]) -> None:
    from cklauto.create import AssetSpec, load_benchmark, new_ckl

    benchmark = load_benchmark(
        REPO.parent / "shared" / "reference" / "xccdf" / "U_MS_Exchange_2013_Mailbox_STIG_V2R3_Manual-xccdf.xml"
    )
    folder.mkdir(parents=True, exist_ok=True)
    for host in hosts:
        data = new_ckl(benchmark, AssetSpec(host_name=host.split(".")[0].upper(), fqdn=host))
        (folder / f"{host}.ckl").write_bytes(data)


def timed_run(checklists: Path, inventory: Path, ca: str, jobs: int) -> float:
    from cklauto import runner
    from cklauto.checks.ex13_mb_000120 import CHECK
    from cklauto.discover import expand_paths
    from cklauto.inventory import load_inventory
    from cklauto.remoting import ConnectionSettings

    options = runner.RunOptions(
        checks=(CHECK,),
        site={"internal_smtp_domain": ("contoso.mil",)},
        connection=ConnectionSettings("", auth="basic", username=USER, password=PASSWORD, ca_bundle=ca, timeout=60),
        inventory=load_inventory(inventory),
        jobs=jobs,
    )
    files = expand_paths([checklists])
    started = time.perf_counter()
    result = runner.run(files, options, base_dirs=[checklists])
    elapsed = time.perf_counter() - started
    failed = [r for r in result.rows if r.outcome != "written"]
    if failed:
        raise SystemExit(f"{len(failed)} checklist(s) failed, e.g. {failed[0].error}")
    return elapsed


def startup_seconds(args: list[str]) -> tuple[float, list[str]]:
    probe = (
        "import sys, time; t = time.perf_counter()\n"
        "from cklauto.cli import main\n"
        "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('pypsrp', 'cryptography', 'psrpcore', 'requests', 'spnego') if m in sys.modules)\n"
        "print('@@', time.perf_counter() - t, ','.join(heavy), file=sys.stderr)\n"
    )
    walls = []
    heavy: list[str] = []
    for _ in range(5):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        marker = [line for line in done.stderr.splitlines() if line.startswith("@@")][-1].split(" ")
        heavy = [m for m in (marker[2] if len(marker) > 2 else "").split(",") if m]
    return statistics.median(walls), heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.27, help="seconds each host waits before answering")
    parser.add_argument("--jobs", type=int, default=16)
    args = parser.parse_args()
    hosts = [f"ex{i:03d}.contoso.mil" for i in range(args.hosts)]
    with tempfile.TemporaryDirectory(prefix="cklauto-batch-") as tmp:
        folder = Path(tmp)
        proc, ports, ca = start_emulator(folder, hosts, args.delay)
        try:
            inventory = folder / "inventory.csv"
            inventory.write_text(
                "host,server,port\n" + "".join(f"{h},127.0.0.1,{ports[h]}\n" for h in hosts), encoding="utf-8"
            )
            # One host alone, to know what "one host" costs here.
            make_checklists(folder / "one", hosts[:1])
            per_host = min(timed_run(folder / "one", inventory, ca, 1) for _ in range(3))
            make_checklists(folder / "serial", hosts)
            make_checklists(folder / "parallel", hosts)
            serial = timed_run(folder / "serial", inventory, ca, 1)
            parallel = timed_run(folder / "parallel", inventory, ca, args.jobs)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    ideal = args.hosts * per_host / args.jobs
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"hosts: {args.hosts}, one host end to end: {per_host:.3f} s (answer delayed {args.delay} s)")
    print(f"--jobs 1:  {serial:.2f} s")
    print(f"--jobs {args.jobs}: {parallel:.2f} s")
    print(f"speedup: {serial / parallel:.1f}x  (target >= 10x)")
    print(
        f"parallel / ideal ({args.hosts} x {per_host:.3f} s / {args.jobs} = {ideal:.2f} s): "
        f"{parallel / ideal:.2f}  (target < 1.5)"
    )
    print(f"peak memory of the cklauto process (max RSS): {peak_mb:.0f} MB  (target < 200 MB)")
    for label, cli_args in (
        ("cklauto --help", ["--help"]),
        ("cklauto show sample_ckl/", ["show", str(REPO / "sample_ckl")]),
    ):
        seconds, heavy = startup_seconds(cli_args)
        print(
            f"start-up, {label}: {seconds * 1000:.0f} ms (median of 5); "
            f"heavy modules imported: {', '.join(heavy) or 'none'}"
        )


if __name__ == "__main__":
    main()

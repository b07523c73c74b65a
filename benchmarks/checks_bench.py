"""Benchmark of the check plugins: what every automated rule costs next to one rule, on one server and on 100.

Each emulated server (in its own process, `cklauto emulate`, as a real server would be) serves the catalogue's
realistic objects for every cmdlet and takes `--delay` seconds to answer each pipeline, after a runspace is free in
the pool (so concurrent pipelines overlap as on a real server, up to the pool's size).  Prints:

* one server: the wall time of `--rule EX13-MB-000120` alone and of every automated rule (median of 5), their
  ratio (issue 9 target: <= 2), and how many pipelines each asked;
* 100 servers x every rule at `--jobs 16`: the wall time against the ideal (hosts x one-host time / jobs;
  target: within 1.5x), and peak memory.

    python benchmarks/checks_bench.py [--hosts 100] [--delay 0.3] [--jobs 16]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_bench import PASSWORD, USER, make_checklists  # noqa: E402

SITE = {
    "internal_smtp_domain": ["contoso.mil"],
    "approved_certificate_issuers": ["OU=PKI, OU=DoD, O=U.S. Government, C=US"],
    "smart_hosts": ["10.1.1.25"],
    "internal_smtp_servers": ["10.0.10.25", "10.0.10.26"],
    "prohibit_send_quota": "2 GB",
    "issue_warning_quota": "1945 MB",
    "prohibit_post_quota": "2 GB",
    "public_folders_used": False,
}


def start_emulator(folder: Path, hosts: list[str], delay: float) -> tuple[subprocess.Popen[str], dict[str, int], str]:
    config = {
        "tls": True,
        "auth": "basic",
        "users": {USER: PASSWORD},
        "hosts": [{"name": h, "delay": delay, "sample": "compliant"} for h in hosts],
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
        elif len(fields) >= 3 and fields[2].startswith("port="):
            ports[fields[0]] = int(fields[2].split("=", 1)[1])
    return proc, ports, ca


def timed_run(checklists: Path, inventory: Path, ca: str, jobs: int, rules: tuple[str, ...]) -> tuple[float, int]:
    from cklauto import runner
    from cklauto.checks import select_checks
    from cklauto.discover import expand_paths
    from cklauto.inventory import load_inventory
    from cklauto.remoting import ConnectionSettings
    from cklauto.site import validate_settings

    checks = select_checks(rules)
    site = validate_settings(
        {k: v for k, v in SITE.items() if any(k == s.name for c in checks for s in c.settings)}, checks, origin="bench"
    )
    options = runner.RunOptions(
        checks=checks,
        site=site,
        connection=ConnectionSettings("", auth="basic", username=USER, password=PASSWORD, ca_bundle=ca, timeout=120),
        inventory=load_inventory(inventory),
        jobs=jobs,
        overwrite_reviewed=True,
    )
    files = expand_paths([checklists])
    started = time.perf_counter()
    result = runner.run(files, options, base_dirs=[checklists])
    elapsed = time.perf_counter() - started
    failed = [r for r in result.rows if r.outcome == "error"]
    if failed:
        raise SystemExit(f"{len(failed)} rule(s) failed, e.g. {failed[0].error}")
    return elapsed, len(result.rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds each pipeline takes on the server")
    parser.add_argument("--jobs", type=int, default=16)
    args = parser.parse_args()
    hosts = [f"ex{i:03d}.contoso.mil" for i in range(args.hosts)]
    with tempfile.TemporaryDirectory(prefix="cklauto-checks-") as tmp:
        folder = Path(tmp)
        proc, ports, ca = start_emulator(folder, hosts, args.delay)
        try:
            inventory = folder / "inventory.csv"
            inventory.write_text(
                "host,server,port\n" + "".join(f"{h},127.0.0.1,{ports[h]}\n" for h in hosts), encoding="utf-8"
            )
            make_checklists(folder / "one", hosts[:1])
            one_rule = [timed_run(folder / "one", inventory, ca, 1, ("EX13-MB-000120",))[0] for _ in range(5)]
            every = [timed_run(folder / "one", inventory, ca, 1, ())[0] for _ in range(5)]
            _, rows = timed_run(folder / "one", inventory, ca, 1, ())
            make_checklists(folder / "many", hosts)
            many, total_rows = timed_run(folder / "many", inventory, ca, args.jobs, ())
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    from cklauto.checks import all_checks

    queries = len({r.query for c in all_checks() for r in c.reads})
    single, all_rules = statistics.median(one_rule), statistics.median(every)
    ideal = args.hosts * all_rules / args.jobs
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"server latency per pipeline: {args.delay} s; pool of up to 12 concurrent pipelines per server")
    print(f"one server, EX13-MB-000120 alone (1 pipeline): {single:.3f} s (median of 5; min {min(one_rule):.3f})")
    print(f"one server, all {rows} rules ({queries} pipelines): {all_rules:.3f} s (median of 5; min {min(every):.3f})")
    print(f"ratio all / one: {all_rules / single:.2f}  (target <= 2)")
    print(f"{args.hosts} servers x all rules ({total_rows} rows), --jobs {args.jobs}: {many:.2f} s")
    print(f"ideal ({args.hosts} x {all_rules:.3f} s / {args.jobs} = {ideal:.2f} s): ratio {many / ideal:.2f}")
    print(f"peak memory of the cklauto process (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

"""Checklist engine benchmark: update the V-84609 review in 1,000 copies of a real-size checklist.

Prints files per second, the process's peak memory (max RSS), and the ratio of cklauto's time to
a bare lxml parse-and-serialize (read, parse, serialize, write) of the same files, measured in the
same run.  cklauto's time includes everything a real update does: read, parse, find the rule,
splice, verify, and the atomic save (temporary file, fsync, rename).

    python benchmarks/engine_bench.py [--copies 1000] [--source sample_ckl/ex01.contoso.mil.ckl]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from lxml import etree

from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_target_rule

DETAILS = "cklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as Open\n" + "Name  Identity  TlsDomain\n" * 20


def update_with_cklauto(files: list[Path], phases: dict[str, float] | None = None) -> float:
    phases = phases if phases is not None else {}
    started = time.perf_counter()
    for path in files:
        t0 = time.perf_counter()
        checklist = open_checklist(path)
        t1 = time.perf_counter()
        rule = find_target_rule(checklist)
        t2 = time.perf_counter()
        edited = checklist.with_review(rule, status=Status.OPEN, finding_details=DETAILS)
        t3 = time.perf_counter()
        edited.save()
        t4 = time.perf_counter()
        for name, seconds in (
            ("open+parse", t1 - t0),
            ("find rule", t2 - t1),
            ("splice+verify", t3 - t2),
            ("atomic save", t4 - t3),
        ):
            phases[name] = phases.get(name, 0.0) + seconds
    return time.perf_counter() - started


def lxml_parse_and_serialize(files: list[Path]) -> float:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    started = time.perf_counter()
    for path in files:
        root = etree.fromstring(path.read_bytes(), parser)
        path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument(
        "--source", type=Path, default=Path(__file__).resolve().parents[1] / "sample_ckl" / "ex01.contoso.mil.ckl"
    )
    args = parser.parse_args()
    source_bytes = args.source.read_bytes()
    with tempfile.TemporaryDirectory(prefix="cklauto-bench-") as folder:
        ours = [Path(folder) / "a" / f"host{i:04d}.ckl" for i in range(args.copies)]
        bare = [Path(folder) / "b" / f"host{i:04d}.ckl" for i in range(args.copies)]
        for group in (ours, bare):
            group[0].parent.mkdir()
            for path in group:
                path.write_bytes(source_bytes)
        # Warm both code paths once so neither pays first-import costs inside the timing.
        shutil.copyfile(args.source, Path(folder) / "warm.ckl")
        update_with_cklauto([Path(folder) / "warm.ckl"])
        lxml_parse_and_serialize([Path(folder) / "warm.ckl"])
        baseline = lxml_parse_and_serialize(bare)
        phases: dict[str, float] = {}
        cklauto_time = update_with_cklauto(ours, phases)
        # A second baseline after ours, so page-cache warmth favours neither side.
        baseline = min(baseline, lxml_parse_and_serialize(bare))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"checklist: {args.source.name} ({len(source_bytes) / 1024:.0f} KiB), copies: {args.copies}")
    print(
        f"cklauto update (parse, find rule, splice, verify, atomic save + fsync): {cklauto_time:.2f} s, "
        f"{args.copies / cklauto_time:.0f} files/s"
    )
    print(
        f"bare lxml parse + serialize + write:                                  {baseline:.2f} s, "
        f"{args.copies / baseline:.0f} files/s"
    )
    print(
        "  per file: " + ", ".join(f"{name} {seconds / args.copies * 1000:.2f} ms" for name, seconds in phases.items())
    )
    print(f"ratio cklauto / bare lxml: {cklauto_time / baseline:.2f}  (target <= 1.0)")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB  (target < 150 MB)")


if __name__ == "__main__":
    main()

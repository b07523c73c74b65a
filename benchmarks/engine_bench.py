"""Checklist engine benchmark: cklauto's update of one review against a fair baseline, run in pairs.

For each checklist the benchmark makes two sets of copies, syncs them to disk (so that the kernel's
write-back of the set-up is not timed), then times, file by file and interleaved on the same
kind of file, one cklauto update and one run of the fair baseline.  It reports the per-pair ratio
(cklauto / baseline) as min / median / max, for wall time and for CPU time.

cklauto's update is everything a real run does: read, check the file, find the rule by its
names, splice the new review in, verify it, and save atomically and durably.

The fair baseline is a naive Python script that makes the same edit with the same durability:
lxml parse, XPath by Rule_ID, set STATUS and FINDING_DETAILS, serialize, write a temporary file,
fsync it, rename it over the original and fsync the folder.  (It keeps none of cklauto's
guarantees: it rewrites the whole file in lxml's style and checks nothing.)

The bare parse-and-serialize figure (lxml parse, serialize, plain write, no fsync, no edit) is
printed too, labelled as such: it is not a fair baseline, only a reference.

    python benchmarks/engine_bench.py [--copies 1000] [--source FILE ...] [--reference] [--reference-copies 100]

``--reference`` adds the multi-megabyte checklists of ../shared/reference/ckl (the middle rule of
their last STIG is edited when they hold no Exchange STIG).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_rule

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference" / "ckl"
DEFAULT_SOURCE = REPO / "sample_ckl" / "ex01.contoso.mil.ckl"
DETAILS = "cklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as Open\n" + "Name  Identity  TlsDomain\n" * 20
BASELINE = (
    "fair baseline = naive Python script, same edit, same durability: lxml parse, XPath by Rule_ID, set "
    "STATUS and FINDING_DETAILS, serialize, temp file + fsync + rename + folder fsync"
)


@dataclass(frozen=True)
class Target:
    """What to edit in one source checklist: the STIG, the names cklauto looks for, the Rule_ID."""

    benchmark_id: str
    names: tuple[str, ...]
    rule_id: str


def choose_target(path: Path) -> Target:
    from cklauto.checks import ex13_mb_000120 as check

    checklist = open_checklist(path)
    if checklist.stigs_with_id(check.BENCHMARK_ID):
        rule = find_rule(checklist, check.BENCHMARK_ID, check.ALIASES)
        return Target(check.BENCHMARK_ID, tuple(sorted(check.ALIASES)), rule.rule_id)
    stig = checklist.stigs[-1]
    rules = checklist.rules(stig)
    rule = rules[len(rules) // 2]
    return Target(stig.benchmark_id, (rule.rule_id,), rule.rule_id)


def cklauto_update(path: Path, target: Target, phases: dict[str, list[float]]) -> None:
    t0 = time.perf_counter()
    checklist = open_checklist(path)
    t1 = time.perf_counter()
    rule = find_rule(checklist, target.benchmark_id, target.names)
    t2 = time.perf_counter()
    edited = checklist.with_review(rule, status=Status.OPEN, finding_details=DETAILS)
    t3 = time.perf_counter()
    edited.save()
    t4 = time.perf_counter()
    for name, seconds in (
        ("open+check", t1 - t0),
        ("find rule", t2 - t1),
        ("splice+verify", t3 - t2),
        ("atomic save", t4 - t3),
    ):
        phases.setdefault(name, []).append(seconds)


_NAIVE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
# The absolute path: about three times faster than "//VULN[...]", so the baseline is not a straw man.
_BY_RULE_ID = etree.XPath(
    "/CHECKLIST/STIGS/iSTIG/VULN[STIG_DATA[VULN_ATTRIBUTE='Rule_ID' and ATTRIBUTE_DATA=$rule_id]]"
)


def baseline_update(path: Path, target: Target) -> None:
    tree = etree.parse(str(path), _NAIVE_PARSER)
    vuln = _BY_RULE_ID(tree, rule_id=target.rule_id)[0]
    vuln.find("STATUS").text = "Open"
    vuln.find("FINDING_DETAILS").text = DETAILS
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    temp = path.with_name(f".{path.name}.baseline.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def bare_parse_and_serialize(path: Path) -> None:
    root = etree.fromstring(path.read_bytes(), _NAIVE_PARSER)
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def timed(action: Callable[[], None]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def spread(values: list[float]) -> str:
    return f"min {min(values):.2f}  median {statistics.median(values):.2f}  max {max(values):.2f}"


def bench_one(source: Path, copies: int) -> None:
    target = choose_target(source)
    data = source.read_bytes()
    with tempfile.TemporaryDirectory(prefix="cklauto-bench-") as folder:
        ours = [Path(folder) / "a" / f"host{i:05d}.ckl" for i in range(copies)]
        naive = [Path(folder) / "b" / f"host{i:05d}.ckl" for i in range(copies)]
        for group in (ours, naive):
            group[0].parent.mkdir()
            for path in group:
                path.write_bytes(data)
        warm = Path(folder) / "warm.ckl"
        for action in (cklauto_update, None, bare_parse_and_serialize):
            warm.write_bytes(data)
            if action is cklauto_update:
                cklauto_update(warm, target, {})
            elif action is None:
                baseline_update(warm, target)
            else:
                bare_parse_and_serialize(warm)
        # Everything written so far is flushed now, so no timed fsync pays for the set-up.
        os.sync()
        phases: dict[str, list[float]] = {}
        wall_ratios, cpu_ratios = [], []
        ours_wall = naive_wall = 0.0
        for i in range(copies):
            run_ours = lambda p=ours[i]: cklauto_update(p, target, phases)  # noqa: E731
            run_naive = lambda p=naive[i]: baseline_update(p, target)  # noqa: E731
            if i % 2 == 0:  # alternate who goes first, so neither always meets a warmer cache
                ours_t, naive_t = timed(run_ours), timed(run_naive)
            else:
                naive_t, ours_t = timed(run_naive), timed(run_ours)
            ours_wall += ours_t[0]
            naive_wall += naive_t[0]
            wall_ratios.append(ours_t[0] / naive_t[0])
            cpu_ratios.append(ours_t[1] / naive_t[1] if naive_t[1] > 0 else float("nan"))
        # The bare figure runs on the baseline's (now edited, lxml-written) copies.
        os.sync()
        bare_started = time.perf_counter()
        for path in naive:
            bare_parse_and_serialize(path)
        bare = time.perf_counter() - bare_started
    cpu_ratios = [r for r in cpu_ratios if r == r]
    print(
        f"\n{source.name} ({len(data) / 1024:,.0f} KiB), {copies} pairs, rule {target.rule_id} of {target.benchmark_id}"
    )
    print(
        f"  cklauto update (open, check, find, splice, verify, durable save): {ours_wall / copies * 1000:6.2f} ms/file"
    )
    print(
        f"  fair baseline (naive lxml edit, durable save):                    {naive_wall / copies * 1000:6.2f} ms/file"
    )
    print(f"  per-pair ratio cklauto / fair baseline, wall: {spread(wall_ratios)}")
    print(f"  per-pair ratio cklauto / fair baseline, CPU:  {spread(cpu_ratios)}")
    print(
        "  cklauto per file: "
        + ", ".join(f"{n} {statistics.median(v) * 1000:.2f} ms" for n, v in phases.items())
        + " (medians)"
    )
    bare_ms = bare / copies * 1000
    print(
        f"  bare lxml parse + serialize + plain write (no edit, no fsync; NOT a fair baseline): {bare_ms:.2f} ms/file"
    )


def bench_many_rules(source: Path, counts: tuple[int, ...] = (1, 10, 30, 60), repeats: int = 40) -> None:
    """Several rules of one checklist in one edit: the cost should grow by the splice, not by parses."""
    try:
        from cklauto.formats import ReviewEdit
        from cklauto.rules import find_rules_for
    except ImportError:
        print("\nseveral rules per checklist: not available in this version (no with_reviews)")
        return
    from cklauto.formats import parse_checklist

    data = source.read_bytes()
    first = parse_checklist(source, data)
    stig = first.stigs[0]
    rules = first.rules(stig)
    print(f"\nseveral rules per checklist ({source.name}; CPU time in memory: parse, find, splice, verify; no save)")
    medians = {}
    for count in counts:
        chosen = rules[:: max(1, len(rules) // count)][:count]
        wanted = {i: [rule.rule_id] for i, rule in enumerate(chosen)}
        times = []
        for _ in range(repeats):
            started = time.process_time()
            checklist = parse_checklist(source, data)
            found = find_rules_for(checklist, stig.benchmark_id, wanted)
            edits = [ReviewEdit(rule, status=Status.OPEN, finding_details=DETAILS) for rule in found.values()]  # type: ignore[arg-type]
            checklist.with_reviews(edits)
            times.append(time.process_time() - started)
        medians[count] = statistics.median(times)
        print(f"  {count:3d} rules: {medians[count] * 1000:6.2f} ms per checklist (median of {repeats})")
    low, high = min(counts), max(counts)
    slope = (medians[high] - medians[low]) / (high - low)
    print(
        f"  each further rule adds {slope * 1000:.3f} ms; {high} rules one at a time would be about "
        f"{medians[low] * high * 1000:.0f} ms ({high} parses)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1000, help="pairs per --source checklist")
    parser.add_argument(
        "--source", type=Path, action="append", help=f"checklist to edit (default {DEFAULT_SOURCE.name})"
    )
    parser.add_argument("--reference", action="store_true", help="add the multi-MB reference checklists")
    parser.add_argument("--reference-copies", type=int, default=100, help="pairs per reference checklist")
    args = parser.parse_args()
    print(BASELINE)
    for source in args.source or [DEFAULT_SOURCE]:
        bench_one(source, args.copies)
    bench_many_rules((args.source or [DEFAULT_SOURCE])[0])
    if args.reference:
        big = (
            [p for p in sorted(REFERENCE.glob("*.ckl")) if p.stat().st_size >= 1024 * 1024]
            if REFERENCE.is_dir()
            else []
        )
        if not big:
            print(f"\nreference checklists not found at {REFERENCE}; skipped")
        for source in big:
            bench_one(source, args.reference_copies)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()

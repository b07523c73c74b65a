"""Save scaling benchmark: does the cost of one save grow with the number of files in its folder?

For each folder size (default 10, 1,000 and 10,000 files), a fresh process saves a sample of
the checklists in that folder, one after the other, as ``cklauto run`` does, and prints the
mean and median wall time per save and the time of the first save.  Each save is the real
durable one (temporary file, fsync, rename, folder fsync) of a real-size checklist, and
includes whatever housekeeping a save does in its folder (the cleanup of stale temporaries).
The set-up is synced to disk before timing, so the kernel's write-back of it is not measured.
Each size is measured twice: "durable" is the real save; "no fsync" replaces fsync with a
no-op in the child, so that what depends on the folder's size is not hidden by the disk's
flush time (which varies by milliseconds from save to save).

    python benchmarks/save_scaling_bench.py [--sizes 10,1000,10000] [--saves 200]
        [--source sample_ckl/ex01.contoso.mil.ckl] [--folder /path/on/the/disk/to/test]

If the cost per save is independent of the folder's size, the three rows show about the same
figures; a full scan of the folder per save shows as a mean growing with the size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter per folder size: whatever a save remembers per process (folders
# already cleaned) must start empty, as it does for each `cklauto run`.
CHILD = """
import os, sys, time
from pathlib import Path
from cklauto.formats.atomic import write_atomically
targets_file, data_file, durable = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
if not durable:
    os.fsync = lambda fd: None  # isolates what depends on the folder from the disk's flush time
data = data_file.read_bytes()
targets = [Path(line) for line in targets_file.read_text().splitlines()]
for target in targets:
    started = time.perf_counter()
    write_atomically(target, data)
    print(time.perf_counter() - started)
"""


def build_folders(root: Path, count: int, data: bytes, saves: int) -> tuple[list[Path], Path]:
    """Folders of ``count`` checklists, and the file listing the ``saves`` saves to time.

    Every save replaces a real-size checklist that was written (and synced) during the set-up,
    so each does the same work whatever the folder's size; the files not saved are tiny
    stand-ins.  When a folder has fewer files than there are saves, more folders of the same
    size are made, so that no file is saved twice (saving a file again while its previous
    version is still being written back costs more, which is not what is measured here).
    """
    folders, chosen = [], []
    for group in range(-(-saves // count)):
        folder = root / f"folder-{count}-{group}"
        folder.mkdir()
        files = [folder / f"host{n:05d}.contoso.mil.ckl" for n in range(count)]
        picked = files[:: max(1, count // saves)][: saves - len(chosen)]
        for path in files:
            path.write_bytes(b"<CHECKLIST/>\n")
        for path in picked:
            path.write_bytes(data)
        folders.append(folder)
        chosen += picked
    targets = root / f"targets-{count}.txt"
    targets.write_text("\n".join(str(p) for p in chosen))
    return folders, targets


def measure(targets: Path, data_file: Path, durable: bool) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(targets), str(data_file), "1" if durable else "0"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return [float(line) for line in out.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,1000,10000", help="folder sizes (files), comma-separated")
    parser.add_argument("--saves", type=int, default=300, help="saves timed per folder size")
    parser.add_argument("--source", type=Path, default=REPO / "sample_ckl" / "ex01.contoso.mil.ckl")
    parser.add_argument("--folder", type=Path, default=None, help="where to build the folders (default: a temp dir)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    data = args.source.read_bytes()

    root = Path(tempfile.mkdtemp(prefix="cklauto-save-bench-", dir=args.folder))
    try:
        data_file = root / "source.ckl"
        data_file.write_bytes(data)
        print(f"Save scaling: {len(data) / 1024:.0f} KiB checklist, atomic save, folders under {root}")
        print(f"{'save':>9}  {'files in folder':>15}  {'saves':>5}  {'mean ms/save':>12}  {'median':>8}  {'first':>8}")
        for count in sizes:
            folders, targets = build_folders(root, count, data, args.saves)
            os.sync()  # the kernel's write-back of the set-up must not land in the timing
            for durable in (True, False):
                times = measure(targets, data_file, durable)
                print(
                    f"{'durable' if durable else 'no fsync':>9}  {count:>15,}  {len(times):>5}  "
                    f"{statistics.mean(times) * 1000:>12.2f}  {statistics.median(times) * 1000:>8.2f}  "
                    f"{times[0] * 1000:>8.2f}"
                )
            for folder in folders:
                shutil.rmtree(folder)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.1f} s)")

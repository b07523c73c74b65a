"""``cklauto run --rerun-failed REPORT``: what failed in an earlier run, read back from its ``--report`` JSON or CSV.

A rerun asks again for exactly the checklists that had a failure, and only for the rules that failed (all rules
when a checklist failed as a whole, for example because it could not be read or the run was interrupted before
it).  The rules are selected for the whole rerun, so a checklist whose rule A failed is also asked again for a
rule B that failed elsewhere; that re-evaluates B there, as any run would, and touches nothing else.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cklauto.errors import ConfigError

#: Row outcomes that are failures (see cklauto.runner.Row).
FAILED_OUTCOMES = ("error", "interrupted")
MAX_REPORT_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Failures:
    """The failures an earlier report lists."""

    report: Path
    #: Checklists with at least one failure, in the report's order.
    checklists: tuple[Path, ...]
    #: STIG IDs of the rules that failed; None when some checklist failed as a whole (every rule is asked again).
    rules: tuple[str, ...] | None
    #: The folder every checklist of the earlier run sat under, so --output-dir keeps the same relative paths.
    base: Path | None


def load_failures(report: str | Path) -> Failures:
    """Read a cklauto JSON or CSV report; raise ConfigError naming the file when it is not one."""
    report = Path(report)
    try:
        raw = report.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{report}: report cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_REPORT_BYTES:
        raise ConfigError(f"{report}: larger than any cklauto report ({MAX_REPORT_BYTES // 2**20} MiB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{report}: not a cklauto report (not UTF-8 text)") from None
    rows = _json_rows(report, text) if text.lstrip().startswith("{") else _csv_rows(report, text)
    failed = [row for row in rows if row["outcome"] in FAILED_OUTCOMES]
    checklists = tuple(dict.fromkeys(_locate(row["checklist"], report) for row in failed))
    whole = any(not row["rule"] for row in failed)
    rules = None if whole else tuple(dict.fromkeys(row["rule"] for row in failed))
    return Failures(report, checklists, rules, _common_folder([_locate(row["checklist"], report) for row in rows]))


def _json_rows(report: Path, text: str) -> list[dict[str, str]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{report}: not a cklauto report (not valid JSON: {exc.msg}, line {exc.lineno})") from None
    entries = document.get("checklists") if isinstance(document, dict) else None
    if not isinstance(entries, list) or document.get("tool") != "cklauto":
        raise ConfigError(f'{report}: not a cklauto report (no "tool": "cklauto" with a list of checklists)')
    rows = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("checklist", "outcome")):
            raise ConfigError(f"{report}: checklists[{index}] has no checklist and outcome")
        rows.append(
            {"checklist": entry["checklist"], "rule": str(entry.get("rule") or ""), "outcome": entry["outcome"]}
        )
    return rows


def _csv_rows(report: Path, text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {"checklist", "rule", "outcome"} - set(reader.fieldnames or [])
    if missing:
        raise ConfigError(
            f"{report}: not a cklauto report (no {', '.join(sorted(missing))} column)",
            "give the --report file (.json or .csv) of an earlier cklauto run",
        )
    try:
        return [
            {key: _undefused(row.get(key) or "") for key in ("checklist", "rule", "outcome")}
            for row in reader
            if any(row.values())
        ]
    except csv.Error as exc:
        raise ConfigError(f"{report}: line {reader.line_num}: not valid CSV: {exc}") from None


def _undefused(cell: str) -> str:
    """The cell as cklauto had it before defusing a spreadsheet formula (report.py adds a leading quote)."""
    from cklauto.report import _defuse_formula

    if cell.startswith("'") and _defuse_formula(cell[1:]) == cell:
        return cell[1:]
    return cell


def _locate(name: str, report: Path) -> Path:
    """A checklist path from the report: as written (relative to where cklauto runs), else relative to the report."""
    path = Path(name)
    if path.is_absolute() or path.exists():
        return path
    beside = report.parent / path
    return beside if beside.exists() else path


def _common_folder(paths: list[Path]) -> Path | None:
    try:
        return Path(os.path.commonpath([str(p.resolve().parent) for p in paths])) if paths else None
    except ValueError:
        return None

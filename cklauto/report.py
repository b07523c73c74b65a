"""The batch summary for people (a table) and for machines (JSON or CSV)."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cklauto import __version__
from cklauto.display import json_text, visible
from cklauto.errors import ConfigError
from cklauto.formats.atomic import write_atomically
from cklauto.redact import scrub
from cklauto.runner import Row, RuleText

REPORT_COLUMNS = tuple(f.name for f in dataclasses.fields(Row))


def totals(rows: Sequence[Row]) -> dict[str, int]:
    """Rules per resulting status, plus skipped and failed counts (checklist-level rows count once)."""
    counts: Counter[str] = Counter()
    for row in rows:
        if row.outcome in ("error", "interrupted"):
            counts["failed"] += 1
        elif row.outcome == "skipped":
            counts["skipped"] += 1
        else:
            counts[row.status] += 1
    return dict(sorted(counts.items()))


def render_json(rows: Sequence[Row], *, dry_run: bool = False, interrupted: bool = False) -> str:
    document = {
        "tool": "cklauto",
        "version": __version__,
        "dry_run": dry_run,
        "interrupted": interrupted,
        "totals": totals(rows),
        "checklists": [_clean(row) for row in rows],
    }
    return json_text(document) + "\n"


def render_csv(rows: Sequence[Row]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        values = _clean(row)
        values["changed"] = "true" if row.changed else "false"
        writer.writerow({k: _defuse_formula(str(values[k])) for k in REPORT_COLUMNS})
    return buffer.getvalue()


def _cleaned(row: Row) -> Row:
    """The row with any registered secret masked in its texts (a last line of defence: errors are
    scrubbed where they are made, but a report is read by many)."""
    texts: dict[str, Any] = {
        f.name: scrub(value) for f in dataclasses.fields(row) if isinstance(value := getattr(row, f.name), str)
    }
    return dataclasses.replace(row, **texts)


def _clean(row: Row) -> dict[str, object]:
    return _cleaned(row).as_dict()


#: What makes a spreadsheet read a cell as a formula (with their full-width forms, which some Excel
#: locales accept too).
_FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _defuse_formula(text: str) -> str:
    """The ISSO opens this in Excel: a cell that would run as a formula gets a leading quote.

    That is one starting with = + - @, also after leading spaces, tabs or line breaks (which
    spreadsheets skip), and one starting with a tab or carriage return (OWASP's CSV injection list).
    """
    if text[:1] in ("\t", "\r") or text.lstrip(" \t\r\n").startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def write_report(
    path: Path,
    rows: Sequence[Row],
    *,
    dry_run: bool = False,
    interrupted: bool = False,
    texts: Mapping[tuple[str, str], RuleText] | None = None,
) -> None:
    """Write the report as JSON, CSV or an HTML page (cklauto/html_report.py), chosen by the file's extension.

    ``texts`` (each rule's finding details and comments) go into the HTML page only.
    """
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = render_json(rows, dry_run=dry_run, interrupted=interrupted)
    elif suffix == ".csv":
        text = render_csv(rows)
    elif suffix in (".html", ".htm"):
        from cklauto.html_report import render_html

        text = render_html(rows, texts, dry_run=dry_run, interrupted=interrupted)
    else:
        raise ConfigError(f"{path}: the report must end in .json, .csv or .html")
    try:
        # A file name that is not UTF-8 reaches Python with surrogates; JSON escapes them, and in
        # CSV they become visible \udcXX escapes rather than a crash.
        write_atomically(path, text.encode("utf-8", "backslashreplace"))
    except OSError as exc:
        raise ConfigError(f"{path}: report could not be written: {exc.strerror or exc}") from None


_STATUS_COLUMNS = (("NotAFinding", "NF"), ("Open", "OPEN"), ("Not_Applicable", "NA"))


def render_table(rows: Sequence[Row], *, dry_run: bool = False) -> str:
    """The human summary: one line per checklist (counts per status), the totals, then every failure."""
    rows = [_cleaned(row) for row in rows]
    folder = _common_folder([row.checklist for row in rows])
    by_file: dict[str, list[Row]] = {}
    for row in rows:
        by_file.setdefault(row.checklist, []).append(row)
    headers = (
        "CHECKLIST",
        "HOST",
        "RULES",
        *(short for _, short in _STATUS_COLUMNS),
        "LEFT",
        "FAILED",
        "CHANGED",
        "RESULT",
    )
    lines = []
    for checklist, group in by_file.items():
        evaluated = [r for r in group if r.outcome in ("written", "would-change", "unchanged")]
        failed = [r for r in group if r.outcome in ("error", "interrupted")]
        left = [r for r in group if r.outcome == "skipped" and r.rule]
        counts = Counter(r.status for r in evaluated)
        rules = len([r for r in group if r.rule])
        changed = sum(1 for r in evaluated if r.changed)
        # Every cell is someone else's text (file names, host names, server messages): shown escaped,
        # so that it can neither move the cursor nor add a fake row.
        lines.append(
            (
                visible(_relative(checklist, folder)),
                visible(group[0].host or "-"),
                str(rules),
                *(str(counts.get(status, 0)) for status, _ in _STATUS_COLUMNS),
                str(len(left)),
                str(len(failed)),
                str(changed),
                visible(_file_result(group, evaluated, failed, dry_run)),
            )
        )
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(headers)]
    widths[-1] = 0
    out = [f"Checklists in {visible(folder)}:", ""] if folder not in ("", ".") else []
    out.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    out += ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines]
    summary = ", ".join(f"{count} {name}" for name, count in totals(rows).items()) or "nothing to do"
    out.append("")
    out.append(f"Totals ({len(by_file)} checklists): {summary}")
    failures = [r for r in rows if r.outcome in ("error", "interrupted")]
    if failures:
        out.append("")
        out.append(f"Failures ({len(failures)}):")
        for row in failures:
            where = _relative(row.checklist, folder) + (f" {row.rule}" if row.rule else "")
            out.append(f"  {visible(where)}: {visible(row.error)}")
    return "\n".join(out)


def _file_result(group: Sequence[Row], evaluated: Sequence[Row], failed: Sequence[Row], dry_run: bool) -> str:
    if len(group) == 1 and not group[0].rule:
        only = group[0]
        if only.outcome == "skipped":
            return f"skipped: {only.note}"
        if only.outcome in ("error", "interrupted"):
            return "error (see below)"
    notes = sorted({r.note for r in evaluated if r.note and "Evaluate-STIG" in r.note})
    if any(r.outcome == "written" for r in group):
        result = "written"
    elif any(r.outcome == "would-change" for r in group):
        result = "would change"
    elif evaluated:
        result = "would rewrite details only" if dry_run else "no status change"
    elif failed:
        result = "not written"
    else:
        result = "nothing evaluated"
    if failed and evaluated:
        result += f"; {len(failed)} rule(s) failed"
    return result + (f" ({notes[0]})" if notes else "")


def _common_folder(paths: Sequence[str]) -> str:
    """The folder all checklists sit under, so the table can show short relative names."""
    try:
        return os.path.commonpath([os.path.dirname(p) or "." for p in paths]) if paths else ""
    except ValueError:  # a mix of absolute and relative paths
        return ""


def _relative(path: str, folder: str) -> str:
    return os.path.relpath(path, folder) if folder not in ("", ".") else path

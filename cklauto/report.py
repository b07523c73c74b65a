"""The batch summary for people (a table) and for machines (JSON or CSV)."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import textwrap
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
        elif row.status == "Not_Reviewed":
            # cklauto never decides Not_Reviewed: a rule written with that status got evidence only
            # (--collect-evidence), and its status was left as it was.
            counts["evidence only"] += 1
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

#: The summary's width when stdout is not a terminal (a pipe, a CI log).
DEFAULT_WIDTH = 120
#: How far CHECKLIST, HOST and RESULT are narrowed, in turn, to fit the width; numbers are never cut.
_MIN_COLUMNS = (12, 8)
ELLIPSIS = "\u2026"
_FAILED = ("error", "interrupted")


def render_table(
    rows: Sequence[Row],
    *,
    dry_run: bool = False,
    width: int = DEFAULT_WIDTH,
    terminal: bool = False,
    verbose: bool = False,
) -> str:
    """The human summary: one line per checklist (counts per status), the totals, then every failure.

    No table line is longer than ``width``: cells are cut with an ellipsis (a checklist's path keeps its end).
    A failure is never cut: on a ``terminal`` its cause continues on indented lines of at most ``width``; in a
    pipe or a log each failure stays one line, for grep.  Checklists skipped as a whole (another STIG, none of the
    selected rules) are listed only with ``verbose``; they always count in the totals.
    """
    width = max(width, 40)
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
    hidden = 0
    for checklist, group in by_file.items():
        if not verbose and _skipped_whole(group):
            hidden += 1
            continue
        evaluated = [r for r in group if r.outcome in ("written", "would-change", "unchanged")]
        failed = [r for r in group if r.outcome in _FAILED]
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
    out = [_fit(f"Checklists in {visible(folder)}:", width, keep_end=True), ""] if folder not in ("", ".") else []
    if lines:
        widths = _column_widths(headers, lines, width)
        out.append(_row_text(headers, widths, width, header=True))
        out += [_row_text(line, widths, width) for line in lines]
    if hidden:
        out.append(_fit(f"({_plural(hidden, 'skipped checklist')} not shown: other STIGs, or none of the selected "
                        "rules; -v lists them)", width))  # fmt: skip
    summary = ", ".join(f"{count} {name}" for name, count in totals(rows).items()) or "nothing to do"
    out.append("")
    out.append(_fit(f"Totals ({len(by_file)} checklists): {summary}", width))
    failures = failure_lines(rows, folder)
    if failures:
        failed_files = len({r.checklist for r in rows if r.outcome in _FAILED})
        out.append("")
        out.append(f"Failures in {_plural(failed_files, 'checklist')}:")
        for line in failures:
            out += _hanging(line, width, first="  ", rest="      ") if terminal else [f"  {line}"]
    return "\n".join(out)


def failure_lines(rows: Sequence[Row], folder: str | None = None) -> list[str]:
    """One line per failure: checklist, host, rule(s), cause.  Rules of one checklist that failed for the same
    reason (a host that could not be reached fails every rule) share a line."""
    rows = [_cleaned(row) for row in rows]
    if folder is None:
        folder = _common_folder([row.checklist for row in rows])
    grouped: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if row.outcome in _FAILED:
            grouped.setdefault((row.checklist, row.error), []).append(row)
    lines = []
    for (checklist, error), group in grouped.items():
        host = group[0].host or "host not read"
        rules = [r.rule for r in group if r.rule]
        where = f"{_relative(checklist, folder)} ({host})" + (f" {_rule_list(rules)}" if rules else "")
        lines.append(f"{visible(where)}: {visible(error or 'failed')}")
    return lines


def nothing_checked(rows: Sequence[Row]) -> bool:
    """True when every checklist was skipped as a whole (none holds the Exchange STIG or a selected rule)."""
    by_file: dict[str, list[Row]] = {}
    for row in rows:
        by_file.setdefault(row.checklist, []).append(row)
    return bool(by_file) and all(_skipped_whole(group) for group in by_file.values())


def _skipped_whole(group: Sequence[Row]) -> bool:
    return len(group) == 1 and not group[0].rule and group[0].outcome == "skipped"


def _rule_list(rules: Sequence[str]) -> str:
    if len(rules) <= 3:
        return ", ".join(rules)
    return f"{rules[0]}, {rules[1]} and {len(rules) - 2} more rules"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _column_widths(headers: Sequence[str], lines: Sequence[Sequence[str]], width: int) -> list[int]:
    """Natural widths, narrowed to fit ``width``: RESULT first, then the wider of CHECKLIST and HOST; first down
    to a useful width, then, on a very narrow terminal, further."""
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    checklist, host, result = 0, 1, len(headers) - 1
    excess = sum(widths) + 2 * (len(widths) - 1) - width
    for floor in _MIN_COLUMNS:
        if excess > 0:
            cut = min(excess, max(0, widths[result] - floor))
            widths[result] -= cut
            excess -= cut
        while excess > 0 and max(widths[checklist], widths[host]) > floor:
            widths[checklist if widths[checklist] >= widths[host] else host] -= 1
            excess -= 1
    return widths  # when still too wide, _row_text cuts the line itself


def _row_text(cells: Sequence[str], widths: Sequence[int], width: int, *, header: bool = False) -> str:
    # A checklist's path keeps its end, where the file name is.
    fitted = [
        _fit(cell, w, keep_end=(i == 0 and not header)) for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
    ]
    line = "  ".join(cell.ljust(w) for cell, w in zip(fitted, widths, strict=True)).rstrip()
    return _fit(line, width)


def _fit(text: str, width: int, *, keep_end: bool = False) -> str:
    """``text`` cut to ``width`` characters with an ellipsis; ``keep_end`` keeps the end (a path's file name)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    return ELLIPSIS + text[-(width - 1) :] if keep_end else text[: width - 1] + ELLIPSIS


def _hanging(text: str, width: int, *, first: str, rest: str) -> list[str]:
    """``text`` on lines of at most ``width`` characters, the first indented by ``first``, the others by ``rest``;
    words longer than a line are split rather than letting the terminal wrap them."""
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [first.rstrip()]


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

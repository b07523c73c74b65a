"""``--report FILE.html``: one self-contained page for the ISSO.

Totals at the top, then every failure, then per checklist its host, its STIG release and a table of its rules: the
status before and after (coloured), what happened, and each rule's finding details and comments one click away
(``<details>``, no script).  The page loads nothing: CSS is inline, there is no script, no image and no link out,
and its Content-Security-Policy forbids any fetch, so it can be mailed, archived and opened offline.

Everything on it is someone else's text (file and host names, server messages, a person's notes, connector names
in finding details), so every value is HTML-escaped, and characters that could disguise it (controls, bidi
overrides such as U+202E, zero-width characters) are shown as visible escapes, as on the terminal
(cklauto/display.py).  Registered secrets are masked (cklauto/redact.py).
"""

from __future__ import annotations

import html
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

from cklauto import __version__
from cklauto.display import visible
from cklauto.redact import scrub
from cklauto.runner import Row, RuleText

_STATUS_CLASS = {
    "NotAFinding": "naf",
    "Open": "open",
    "Not_Applicable": "na",
    "Not_Reviewed": "nr",
}
_OUTCOME_TEXT = {
    "written": "written",
    "would-change": "would change",
    "unchanged": "status unchanged",
    "skipped": "left as it is",
    "error": "failed",
    "interrupted": "not checked (interrupted)",
    "pending": "not checked",
}
_FAILED = ("error", "interrupted", "pending")
_EVALUATED = ("written", "would-change", "unchanged")

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:1.5em;color:#1b1f24;
background:#fff}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .4em}
.meta{color:#57606a;margin:0 0 1em}
table{border-collapse:collapse;margin:.3em 0 1em}
th,td{border:1px solid #d0d7de;padding:.25em .55em;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.id{white-space:nowrap}
.status{display:inline-block;padding:0 .45em;border-radius:.6em;font-weight:600;white-space:nowrap}
.naf{background:#dafbe1;color:#116329}.open{background:#ffebe9;color:#a40e26}
.na{background:#eaeef2;color:#424a53}.nr{background:#fff8c5;color:#7d4e00}
.failed{background:#ffebe9;color:#a40e26;font-weight:600}
.changed{font-weight:700}
tr.rule-failed td{background:#fff5f5}
details{margin:.1em 0}summary{cursor:pointer;color:#0550ae}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;border:1px solid #d0d7de;padding:.6em;margin:.3em 0;
font:12px/1.4 ui-monospace,SFMono-Regular,Consolas,"Liberation Mono",monospace}
dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:.3em 0}dt{color:#57606a}dd{margin:0}
ul.failures li{margin:.2em 0}
section.checklist{border-top:2px solid #d0d7de;margin-top:1.5em}
.legend span{margin-right:.6em}
"""


def render_html(
    rows: Sequence[Row],
    texts: Mapping[tuple[str, str], RuleText] | None = None,
    *,
    dry_run: bool = False,
    interrupted: bool = False,
    generated: datetime | None = None,
) -> str:
    """The whole page as one string."""
    texts = texts or {}
    moment = (generated or datetime.now(timezone.utc)).astimezone(timezone.utc)
    folder = _common_folder([r.checklist for r in rows])
    by_file: dict[str, list[Row]] = {}
    for row in rows:
        by_file.setdefault(row.checklist, []).append(row)
    anchors = {path: f"checklist-{number}" for number, path in enumerate(by_file, 1)}
    title = f"cklauto results: {len(by_file)} checklists"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # Nothing may be fetched: no script, no image, no font, no frame; only this page's own inline style.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_text(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_text(title)}</h1>",
        f'<p class="meta">Written by cklauto {_text(__version__)} on {moment:%Y-%m-%d %H:%M} UTC'
        + (f" &middot; checklists in {_text(folder)}" if folder else "")
        + "</p>",
    ]
    if dry_run:
        parts.append('<p class="meta"><strong>Dry run:</strong> nothing was written; "after" is what would be.</p>')
    if interrupted:
        parts.append('<p class="failed">The run was interrupted: checklists not reached were not checked.</p>')
    parts += _totals(rows, by_file)
    parts += _failures(rows, folder, anchors)
    for path, group in by_file.items():
        parts += _checklist(path, group, texts, folder, anchors[path])
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _totals(rows: Sequence[Row], by_file: Mapping[str, Sequence[Row]]) -> list[str]:
    rule_rows = [r for r in rows if r.rule]
    evaluated = [r for r in rule_rows if r.outcome in _EVALUATED]
    statuses = Counter(r.status for r in evaluated)
    failed = [r for r in rows if r.outcome in _FAILED]
    skipped_files = sum(
        1 for group in by_file.values() if len(group) == 1 and not group[0].rule and group[0].outcome == "skipped"
    )
    cells = [
        ("Checklists", str(len(by_file)), ""),
        ("without the Exchange STIG or its rules", str(skipped_files), ""),
        ("Rules", str(len(rule_rows)), ""),
        ("NotAFinding", str(statuses.get("NotAFinding", 0)), "naf"),
        ("Open", str(statuses.get("Open", 0)), "open"),
        ("Not_Applicable", str(statuses.get("Not_Applicable", 0)), "na"),
        ("Left as they were", str(sum(1 for r in rule_rows if r.outcome == "skipped")), ""),
        ("Failed", str(len(failed)), "failed" if failed else ""),
        ("Changed status", str(sum(1 for r in evaluated if r.changed)), ""),
    ]
    head = "".join(f"<th>{_text(label)}</th>" for label, _, _ in cells)
    body = "".join(
        f'<td class="num"><span class="{css}">{value}</span></td>' if css else f'<td class="num">{value}</td>'
        for _, value, css in cells
    )
    return [
        '<section id="totals">',
        "<h2>Totals</h2>",
        f"<table><thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody></table>",
        '<p class="legend">' + "".join(_status(s) for s in _STATUS_CLASS) + "</p>",
        "</section>",
    ]


def _failures(rows: Sequence[Row], folder: str, anchors: Mapping[str, str]) -> list[str]:
    failed = [r for r in rows if r.outcome in _FAILED]
    if not failed:
        return ['<section id="failures">', "<h2>Failures</h2>", "<p>None.</p>", "</section>"]
    items = []
    for row in failed:
        where = _relative(row.checklist, folder) + (f" {row.rule}" if row.rule else "")
        host = f" ({_text(row.host)})" if row.host else ""
        items.append(
            f'<li><a href="#{anchors[row.checklist]}">{_text(where)}</a>{host}: '
            f'<span class="failed">{_text(row.error or _OUTCOME_TEXT[row.outcome])}</span></li>'
        )
    return [
        '<section id="failures">',
        f"<h2>Failures ({len(failed)})</h2>",
        '<ul class="failures">',
        *items,
        "</ul>",
    ] + ["</section>"]


def _checklist(
    path: str, group: Sequence[Row], texts: Mapping[tuple[str, str], RuleText], folder: str, anchor: str
) -> list[str]:
    first = group[0]
    release = next((r.release for r in group if r.release), "")
    written_to = next((r.written_to for r in group if r.written_to), "")
    facts = [("Host", first.host or "(not named)"), ("STIG release", release or "(no Exchange 2013 Mailbox STIG)")]
    rule_rows = [r for r in group if r.rule]
    if rule_rows:
        facts.append(("Rules", _counts(rule_rows)))
    if written_to:
        facts.append(("Written to", written_to))
    parts = [
        f'<section class="checklist" id="{anchor}">',
        f"<h2>{_text(_relative(path, folder))}</h2>",
        "<dl>" + "".join(f"<dt>{_text(k)}</dt><dd>{_text(v)}</dd>" for k, v in facts) + "</dl>",
    ]
    if len(group) == 1 and not first.rule:  # the checklist as a whole: skipped or unreadable
        css = "failed" if first.outcome in _FAILED else ""
        message = first.error or first.note or _OUTCOME_TEXT.get(first.outcome, first.outcome)
        parts.append(f'<p class="{css}">{_text(message)}</p>' if css else f"<p>{_text(message)}</p>")
        if first.error and first.note:
            parts.append(f"<p>{_text(first.note)}</p>")
        parts.append("</section>")
        return parts
    parts += [
        "<table>",
        "<thead><tr><th>Rule</th><th>Group ID</th><th>Before</th><th>After</th><th>What happened</th>"
        "<th>Note</th></tr></thead>",
        "<tbody>",
    ]
    for row in group:
        failed = row.outcome in _FAILED
        row_class = ' class="rule-failed"' if failed else ""
        outcome_class = ' class="failed"' if failed else ""
        after_class = ' class="changed"' if row.changed else ""
        parts.append(
            f'<tr{row_class}><td class="id">{_text(row.rule)}</td><td class="id">{_text(row.group_id)}</td>'
            f"<td>{_status(row.old_status)}</td><td{after_class}>{_status(row.status)}</td>"
            f"<td{outcome_class}>{_text(_OUTCOME_TEXT.get(row.outcome, row.outcome))}</td>"
            f"<td>{_text(row.error or row.note)}</td></tr>"
        )
        text = texts.get((row.checklist, row.rule))
        if text is not None:
            parts.append(f'<tr class="texts"><td colspan="6">{_texts(text, row)}</td></tr>')
    parts += ["</tbody>", "</table>", "</section>"]
    return parts


def _counts(rows: Sequence[Row]) -> str:
    evaluated = Counter(r.status for r in rows if r.outcome in _EVALUATED)
    shown = [f"{evaluated[s]} {s}" for s in ("NotAFinding", "Open", "Not_Applicable") if evaluated[s]]
    left = sum(1 for r in rows if r.outcome == "skipped")
    failed = sum(1 for r in rows if r.outcome in _FAILED)
    shown += [f"{left} left as they were"] if left else []
    shown += [f"{failed} failed"] if failed else []
    return f"{len(rows)}: " + ", ".join(shown)


def _texts(text: RuleText, row: Row) -> str:
    """The rule's texts: as written (or, dry, as they would be) when it was evaluated, else as they still are."""
    evaluated = row.outcome in _EVALUATED
    details, comments = (text.new_details, text.new_comments) if evaluated else (text.old_details, text.old_comments)
    label = {"written": " (as written)", "would-change": " (as they would be written)"}.get(row.outcome, "")
    blocks = [f"<details><summary>Finding details and comments{label}</summary>", "<p>Finding details:</p>"]
    blocks += [_block(details), "<p>Comments:</p>", _block(comments)]
    if evaluated and text.changed:
        blocks += [
            "<details><summary>Before this run</summary>",
            "<p>Finding details:</p>",
            _block(text.old_details),
            "<p>Comments:</p>",
            _block(text.old_comments),
            "</details>",
        ]
    blocks.append("</details>")
    return "".join(blocks)


def _status(status: str) -> str:
    if not status:
        return ""
    css = _STATUS_CLASS.get(status)
    return f'<span class="status {css}">{_text(status)}</span>' if css else _text(status)


def _text(value: object) -> str:
    """One value as HTML: secrets masked, disguising characters shown as escapes, markup escaped."""
    return html.escape(visible(scrub(str(value))), quote=True)


def _block(text: str) -> str:
    """Multi-line text in a <pre>: line breaks and tabs kept, everything else as _text."""
    if not text:
        return "<pre>(empty)</pre>"
    shown = "\n".join("\t".join(_text(piece) for piece in line.split("\t")) for line in scrub(text).split("\n"))
    return f"<pre>{shown}</pre>"


def _common_folder(paths: Sequence[str]) -> str:
    try:
        return os.path.commonpath([os.path.dirname(p) or "." for p in paths]) if paths else ""
    except ValueError:
        return ""


def _relative(path: str, folder: str) -> str:
    return os.path.relpath(path, folder) if folder not in ("", ".") else path

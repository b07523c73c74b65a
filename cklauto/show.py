"""What ``cklauto show`` reports about checklists: format, host, STIGs, the V-84609 review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cklauto.checks import ex13_mb_000120 as check
from cklauto.discover import expand_paths
from cklauto.display import visible
from cklauto.errors import CklautoError, StigNotInChecklist
from cklauto.formats import open_checklist
from cklauto.rules import find_target_rule


def describe(path: Path) -> dict[str, Any]:
    """One checklist as a JSON-ready dict; problems go in ``error``, never raised."""
    entry: dict[str, Any] = {"path": str(path)}
    try:
        checklist = open_checklist(path)
    except CklautoError as exc:
        entry["error"] = exc.one_line()
        return entry
    asset = checklist.asset
    entry.update(
        format=checklist.format,
        host_name=asset.host_name,
        fqdn=asset.fqdn,
        ip=asset.ip,
        stigs=[
            {"id": s.benchmark_id, "label": s.label, "version": s.version, "release": s.release_info, "title": s.title}
            for s in checklist.stigs
        ],
    )
    try:
        rule = find_target_rule(checklist)
    except StigNotInChecklist:
        entry["rule"] = None
        entry["note"] = f"no {check.BENCHMARK_ID} STIG; cklauto run will skip it"
        return entry
    except CklautoError as exc:
        entry["rule"] = None
        entry["error"] = exc.one_line()
        return entry
    review = rule.review
    entry["rule"] = {
        "group_id": rule.group_id,
        "rule_id": rule.rule_id,
        "stig_id": rule.rule_version,
        "status": review.status.value,
        "set_by": "cklauto"
        if check.is_cklauto_details(review.finding_details)
        else ("person" if review.status.value != "Not_Reviewed" else ""),
        "finding_details": review.finding_details,
        "comments": review.comments,
        "severity_override": review.severity_override,
    }
    return entry


def describe_all(paths: list[Path] | tuple[Path, ...]) -> list[dict[str, Any]]:
    return [describe(path) for path in expand_paths(list(paths))]


def render_text(entries: list[dict[str, Any]]) -> str:
    """The entries for people.  Every value is someone else's text (file names, host names, STIG
    titles, finding details), so each is shown escaped: it can neither move the cursor nor add lines."""
    blocks = []
    for entry in entries:
        lines = [visible(entry["path"])]
        if "format" in entry:
            host = entry["host_name"] or "(no host name)"
            extra = ", ".join(x for x in (entry["fqdn"], entry["ip"].replace("\n", " ")) if x)
            lines.append(f"  format:  {visible(entry['format'])}")
            lines.append(f"  host:    {visible(host)}" + (f" ({visible(extra)})" if extra else ""))
            stigs = "; ".join(s["label"] for s in entry["stigs"])
            lines.append(f"  STIGs:   {visible(stigs)}")
        rule = entry.get("rule")
        if rule:
            who = f", set by {rule['set_by']}" if rule["set_by"] else ""
            ids = f"{rule['group_id']} {rule['rule_id']} ({rule['stig_id']}): {rule['status']}{who}"
            lines.append(f"  V-84609: {visible(ids)}")
            first = (rule["finding_details"].splitlines() or [""])[0]
            if first:
                lines.append(f"           {visible(first[:100])}")
        if entry.get("note"):
            lines.append(f"  note:    {visible(entry['note'])}")
        if entry.get("error"):
            lines.append(f"  error:   {visible(entry['error'])}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks) if blocks else "No checklists found."

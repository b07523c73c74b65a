"""What ``cklauto show`` reports about checklists: format, host, STIGs, and the review of each automated rule."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from cklauto.checks import all_checks, find_check
from cklauto.checks.api import EXCHANGE_2013_MAILBOX
from cklauto.checks.frame import parse_details, set_by_person
from cklauto.discover import expand_paths
from cklauto.display import visible
from cklauto.errors import CklautoError, RuleNotInChecklist
from cklauto.formats import open_checklist
from cklauto.rules import find_rules_for


def describe(path: Path, *, details_for: str | None = None) -> dict[str, Any]:
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
    stigs = checklist.stigs_with_id(EXCHANGE_2013_MAILBOX)
    if not stigs:
        entry["rules"] = []
        entry["note"] = f"no {EXCHANGE_2013_MAILBOX} STIG; cklauto run will skip it"
        return entry
    try:
        found = find_rules_for(checklist, EXCHANGE_2013_MAILBOX, {c.stig_id: c.ids.names() for c in all_checks()})
    except CklautoError as exc:
        entry["rules"] = []
        entry["error"] = exc.one_line()
        return entry
    checks = {c.stig_id: c for c in all_checks()}
    rules = []
    problems = []
    for stig_id, rule in found.items():
        if isinstance(rule, RuleNotInChecklist):
            continue
        if isinstance(rule, CklautoError):
            problems.append(rule.one_line())
            continue
        review = rule.review
        parsed = parse_details(review.finding_details)
        set_by = "person" if set_by_person(review) else ("cklauto" if parsed.block is not None else "")
        item: dict[str, Any] = {
            "stig_id": stig_id,
            # The IDs as this checklist carries them (an ISSO searches STIG Manager and eMASS by these).
            "rule_version": rule.rule_version,
            "group_id": rule.group_id,
            "rule_id": rule.rule_id,
            "status": review.status.value,
            "set_by": set_by,
        }
        if details_for is not None and (
            find_check(details_for) is checks[stig_id] or details_for.upper() in rule.names
        ):
            item["finding_details"] = review.finding_details
            item["comments"] = review.comments
        rules.append(item)
    if problems:
        entry["error"] = problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
    entry["rules"] = sorted(rules, key=lambda r: r["stig_id"])
    return entry


def describe_all(paths: list[Path] | tuple[Path, ...], *, details_for: str | None = None) -> list[dict[str, Any]]:
    return [describe(path, details_for=details_for) for path in expand_paths(list(paths))]


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
        rules = entry.get("rules") or []
        if rules:
            statuses = Counter(r["status"] for r in rules)
            by = Counter(r["set_by"] or "nobody" for r in rules)
            lines.append(
                f"  rules:   {len(rules)} automated rules: "
                + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
                + " (set by: "
                + ", ".join(f"{n} {w}" for w, n in sorted(by.items()))
                + ")"
            )
            for rule in rules:
                who = f"  set by {rule['set_by']}" if rule["set_by"] else ""
                carried = (rule["rule_version"] or "-", rule["group_id"] or "-", rule["rule_id"] or "-")
                ids = f"{carried[0]:<15} {carried[1]:<9} {carried[2]:<22}"
                lines.append(f"    {visible(ids)} {rule['status']:<15}{who}".rstrip())
                if "finding_details" in rule:
                    lines.append("    Finding details:")
                    lines.extend(
                        "      " + visible(line) for line in (rule["finding_details"] or "(empty)").split("\n")
                    )
                    lines.append("    Comments:")
                    lines.extend("      " + visible(line) for line in (rule["comments"] or "(empty)").split("\n"))
        if entry.get("note"):
            lines.append(f"  note:    {visible(entry['note'])}")
        if entry.get("error"):
            lines.append(f"  error:   {visible(entry['error'])}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks) if blocks else "No checklists found."

"""What ``cklauto checks`` and the README show about the registered checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cklauto.checks.api import Check


def describe_checks(checks: Sequence[Check], settings_given: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One JSON-ready dict per check."""
    given = set(settings_given)
    result = []
    for check in checks:
        result.append(
            {
                "stig_id": check.stig_id,
                "group_id": check.ids.group_id,
                "title": check.title,
                "severity": check.severity,
                "scope": check.scope.value,
                "queries": [read.query.command_line() for read in check.reads],
                "settings": [
                    {
                        "name": s.name,
                        "type": s.type.value,
                        "required": s.required,
                        "set": s.name in given,
                        "help": s.help,
                    }
                    for s in check.settings
                ],
            }
        )
    return result


def render_checks(entries: Sequence[dict[str, Any]]) -> str:
    lines = [f"{len(entries)} automated checks (Exchange 2013 Mailbox STIG):", ""]
    for entry in entries:
        lines.append(f"{entry['stig_id']}  {entry['group_id']}  {entry['severity']:<6}  {entry['title']}")
        lines.append(f"    asks: {'; '.join(entry['queries'])}  ({entry['scope']})")
        for setting in entry["settings"]:
            state = "set" if setting["set"] else ("NOT SET" if setting["required"] else "not set, optional")
            lines.append(f"    site setting {setting['name']} ({setting['type']}): {state}")
    settings: dict[str, str] = {}
    for entry in entries:
        for setting in entry["settings"]:
            settings.setdefault(setting["name"], setting["help"])
    if settings:
        lines += ["", "Site settings (TOML keys for --site FILE):"]
        for name, help_text in sorted(settings.items()):
            lines.append(f"  {name}: {help_text}")
    return "\n".join(lines)


def readme_table(checks: Sequence[Check]) -> str:
    """The README's table of automated rules, generated from the registry (a test keeps them in step)."""
    rows = ["| STIG ID | Group ID | Title | Asks | Site settings |", "|---|---|---|---|---|"]
    for check in checks:
        queries = "<br>".join(f"`{read.query.command_line()}`" for read in check.reads)
        settings = ", ".join(f"`{s.name}`" + ("" if s.required else " (optional)") for s in check.settings) or "—"
        rows.append(f"| {check.stig_id} | {check.ids.group_id} | {check.title} | {queries} | {settings} |")
    return "\n".join(rows)


README_START = "<!-- rules-table:start -->"
README_END = "<!-- rules-table:end -->"


def update_readme(text: str, checks: Sequence[Check]) -> str:
    """``text`` (the README) with the table between its markers regenerated."""
    start = text.index(README_START) + len(README_START)
    end = text.index(README_END)
    return text[:start] + "\n" + readme_table(checks) + "\n" + text[end:]


if __name__ == "__main__":  # python -m cklauto.catalog [README.md]: print the table, or rewrite it in place
    import sys
    from pathlib import Path

    from cklauto.checks import all_checks

    if len(sys.argv) > 1:
        readme = Path(sys.argv[1])
        readme.write_text(update_readme(readme.read_text(encoding="utf-8"), all_checks()), encoding="utf-8")
    else:
        print(readme_table(all_checks()))

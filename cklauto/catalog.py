"""What ``cklauto checks`` and the README show about the registered checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cklauto.checks.api import Check, Endpoint


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
                "kind": kind_of(check),
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


#: How each kind of check is run (issue 10), for `cklauto checks` and the README.
KINDS = {
    "exchange": "decided from Exchange",
    "host": "decided from the Windows host too: only with --host-checks",
    "evidence": "needs a person: evidence only, with --collect-evidence (never a status)",
}


def kind_of(check: Check) -> str:
    """exchange, host (needs --host-checks) or evidence (needs a person; --collect-evidence)."""
    if check.evidence_only:
        return "evidence"
    return "host" if check.needs_host else "exchange"


def render_checks(entries: Sequence[dict[str, Any]]) -> str:
    counts = {kind: sum(1 for e in entries if e.get("kind", "exchange") == kind) for kind in KINDS}
    lines = [
        f"{len(entries)} checks (Exchange 2013 Mailbox STIG): {counts['exchange']} decided from Exchange, "
        f"{counts['host']} also from the Windows host (--host-checks), {counts['evidence']} evidence only for a "
        "person (--collect-evidence):",
        "",
    ]
    for entry in entries:
        lines.append(f"{entry['stig_id']}  {entry['group_id']}  {entry['severity']:<6}  {entry['title']}")
        if entry.get("kind", "exchange") != "exchange":
            lines.append(f"    {KINDS[entry['kind']]}")
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
    rows = ["| STIG ID | Group ID | Title | Kind | Asks | Site settings |", "|---|---|---|---|---|---|"]
    shown_kind = {"exchange": "Exchange", "host": "host (`--host-checks`)", "evidence": "evidence only"}
    for check in checks:
        queries = "<br>".join(
            f"`{read.query.command_line()}`" + (" (host)" if read.query.endpoint is Endpoint.HOST else "")
            for read in check.reads
        )
        settings = ", ".join(f"`{s.name}`" + ("" if s.required else " (optional)") for s in check.settings) or "—"
        kind = shown_kind[kind_of(check)]
        rows.append(f"| {check.stig_id} | {check.ids.group_id} | {check.title} | {kind} | {queries} | {settings} |")
    return "\n".join(rows)


def settings_table(checks: Sequence[Check]) -> str:
    """The README's table of site settings, key by key: type, the rules that read it, and what it means."""
    by_name: dict[str, tuple[str, str, list[str]]] = {}
    for check in checks:
        for setting in check.settings:
            kind, help_text, users = by_name.setdefault(setting.name, (setting.type.value, setting.help, []))
            users.append(check.stig_id + ("" if setting.required else " (optional)"))
    rows = ["| Key | Type | Read by | Meaning |", "|---|---|---|---|"]
    for name in sorted(by_name):
        kind, help_text, users = by_name[name]
        rows.append(f"| `{name}` | {kind} | {', '.join(users)} | {' '.join(help_text.split())} |")
    return "\n".join(rows)


README_START = "<!-- rules-table:start -->"
README_END = "<!-- rules-table:end -->"
SETTINGS_START = "<!-- settings-table:start -->"
SETTINGS_END = "<!-- settings-table:end -->"


def _replace_between(text: str, start_marker: str, end_marker: str, body: str) -> str:
    start = text.index(start_marker) + len(start_marker)
    end = text.index(end_marker)
    return text[:start] + "\n" + body + "\n" + text[end:]


def update_readme(text: str, checks: Sequence[Check]) -> str:
    """``text`` (the README) with the rules and site-settings tables between their markers regenerated."""
    text = _replace_between(text, README_START, README_END, readme_table(checks))
    if SETTINGS_START in text:
        text = _replace_between(text, SETTINGS_START, SETTINGS_END, settings_table(checks))
    return text


if __name__ == "__main__":  # python -m cklauto.catalog [README.md]: print the table, or rewrite it in place
    import sys
    from pathlib import Path

    from cklauto.checks import all_checks

    if len(sys.argv) > 1:
        readme = Path(sys.argv[1])
        readme.write_text(update_readme(readme.read_text(encoding="utf-8"), all_checks()), encoding="utf-8")
    else:
        print(readme_table(all_checks()))

"""``cklauto run --diff``: per rule, what its finding details and comments were and what cklauto writes instead.

A unified diff (``difflib``) of each text, line by line, under a header naming the checklist, the rule as the
checklist carries it and the status change.  With ``--dry-run`` it is what would be written.  The texts are someone
else's (a person's notes, connector names from the server), so every line is shown escaped (cklauto/display.py):
nothing in them can move the cursor or fake a line of the diff.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from cklauto.display import visible
from cklauto.redact import scrub
from cklauto.runner import Row, RuleText

#: Rows whose rule got (or would get) new texts.
_EVALUATED = ("written", "would-change", "unchanged")


def render_diff(rows: Sequence[Row], texts: Mapping[tuple[str, str], RuleText], *, dry_run: bool) -> str:
    """The diff of every evaluated rule whose texts change; "" when none does."""
    after = "would be written" if dry_run else "written"
    blocks = []
    for row in rows:
        text = texts.get((row.checklist, row.rule))
        if text is None or row.outcome not in _EVALUATED or not (text.changed or row.changed):
            continue
        rule = f"{row.rule} ({row.group_id})" if row.group_id else row.rule
        lines = [visible(scrub(f"=== {row.checklist}: {rule}: {row.old_status} -> {row.status}"))]
        for label, old, new in (
            ("finding details", text.old_details, text.new_details),
            ("comments", text.old_comments, text.new_comments),
        ):
            if old == new:
                continue
            diff = difflib.unified_diff(
                _lines(old), _lines(new), f"{label} (before)", f"{label} ({after})", lineterm="", n=3
            )
            lines.extend(visible(scrub(line)) for line in diff)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _lines(text: str) -> list[str]:
    # Split on line feeds only: a person's CR, form feed or U+2028 stays in its line, shown escaped.
    return text.split("\n") if text else []

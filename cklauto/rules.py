"""Find one rule in a checklist by any of the names people and releases give it."""

from __future__ import annotations

from collections.abc import Iterable

from cklauto.errors import StigNotInChecklist, TargetRuleError
from cklauto.formats import Checklist, Rule


def find_rule(checklist: Checklist, benchmark_id: str, names: Iterable[str]) -> Rule:
    """The single rule of STIG ``benchmark_id`` answering to any of ``names``.

    Only that STIG is searched, whatever else the checklist holds: STIG IDs and legacy IDs
    may repeat across STIGs (formats.md §6.13).  Raises TargetRuleError naming the file when
    the STIG or the rule is missing, or the rule is there more than once.
    """
    wanted = {n.strip().upper() for n in names if n.strip()}
    stigs = checklist.stigs_with_id(benchmark_id)
    if not stigs:
        held = ", ".join(s.label for s in checklist.stigs) or "none"
        raise StigNotInChecklist(checklist.path, f"does not hold the {benchmark_id} STIG (it holds: {held})")
    matches = [rule for stig in stigs for rule in checklist.find_rules(stig, frozenset(wanted))]
    label = (
        sorted(wanted)[0] if len(wanted) == 1 else "/".join(sorted(wanted)[:3]) + ("/..." if len(wanted) > 3 else "")
    )
    if not matches:
        raise TargetRuleError(checklist.path, f"its {benchmark_id} STIG has no rule {label}")
    if len(matches) > 1:
        where = ", ".join(f"{m.group_id or '?'} ({m.rule_id or '?'})" for m in matches)
        raise TargetRuleError(
            checklist.path, f"holds rule {label} {len(matches)} times ({where}); fix the checklist so it appears once"
        )
    return matches[0]


def find_target_rule(checklist: Checklist) -> Rule:
    """EX13-MB-000120 of the Exchange 2013 Mailbox STIG, in any release (the rule cklauto started with)."""
    from cklauto.checks.ex13_mb_000120 import CHECK

    return find_rule(checklist, CHECK.benchmark_id, CHECK.ids.names())

"""Find rules in a checklist by any of the names people and releases give them."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

from cklauto.errors import RuleNotInChecklist, StigNotInChecklist, TargetRuleError
from cklauto.formats import Checklist, Rule

K = TypeVar("K", bound=Hashable)


def find_rule(checklist: Checklist, benchmark_id: str, names: Iterable[str]) -> Rule:
    """The single rule of STIG ``benchmark_id`` answering to any of ``names``.

    Only that STIG is searched, whatever else the checklist holds: STIG IDs and legacy IDs
    may repeat across STIGs (formats.md §6.13).  Raises TargetRuleError naming the file when
    the STIG or the rule is missing, or the rule is there more than once.
    """
    found = find_rules_for(checklist, benchmark_id, {0: names})[0]
    if isinstance(found, TargetRuleError):
        raise found
    return found


def find_rules_for(
    checklist: Checklist, benchmark_id: str, wanted: Mapping[K, Iterable[str]]
) -> dict[K, Rule | TargetRuleError]:
    """For each key, the single rule of STIG ``benchmark_id`` answering to any of its names.

    One pass over the STIG's rules answers every key.  Raises StigNotInChecklist when the
    checklist does not hold the STIG; a key whose rule is missing, or there more than once,
    gets a TargetRuleError naming the file (the other keys are still answered).
    """
    names = {key: frozenset(n.strip().upper() for n in key_names if n.strip()) for key, key_names in wanted.items()}
    stigs = checklist.stigs_with_id(benchmark_id)
    if not stigs:
        held = ", ".join(s.label for s in checklist.stigs) or "none"
        raise StigNotInChecklist(checklist.path, f"does not hold the {benchmark_id} STIG (it holds: {held})")
    every_name = frozenset().union(*names.values())
    candidates = [rule for stig in stigs for rule in checklist.find_rules(stig, every_name)] if every_name else []
    by_name: dict[str, list[Rule]] = {}
    for rule in candidates:
        for name in rule.names & every_name:
            by_name.setdefault(name, []).append(rule)
    result: dict[K, Rule | TargetRuleError] = {}
    for key, key_names in names.items():
        matched = {id(rule): rule for name in key_names for rule in by_name.get(name, ())}
        matches = sorted(matched.values(), key=lambda rule: rule.position)
        label = _label(key_names)
        if not matches:
            result[key] = RuleNotInChecklist(checklist.path, f"its {benchmark_id} STIG has no rule {label}")
        elif len(matches) > 1:
            where = ", ".join(f"{m.group_id or '?'} ({m.rule_id or '?'})" for m in matches)
            result[key] = TargetRuleError(
                checklist.path,
                f"holds rule {label} {len(matches)} times ({where}); fix the checklist so it appears once",
            )
        else:
            result[key] = matches[0]
    return result


def _label(names: frozenset[str]) -> str:
    ordered = sorted(names)
    if not ordered:
        return "(no name given)"
    return ordered[0] if len(ordered) == 1 else "/".join(ordered[:3]) + ("/..." if len(ordered) > 3 else "")


def find_target_rule(checklist: Checklist) -> Rule:
    """EX13-MB-000120 of the Exchange 2013 Mailbox STIG, in any release (the rule cklauto started with)."""
    from cklauto.checks.ex13_mb_000120 import CHECK

    return find_rule(checklist, CHECK.benchmark_id, CHECK.ids.names())

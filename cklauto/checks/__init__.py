"""The checks cklauto can run, one module per STIG rule, named after the rule's STIG ID.

A check module declares ``STIG_ID``, ``BENCHMARK_ID``, ``ALIASES`` (every Vuln_Num, Rule_ID, legacy ID and STIG ID a
checklist may use for it), ``STIG_COMMAND``, ``FIX_COMMAND``, a pure ``decide`` and a ``render_finding_details``.
The STIG ID is the key: it is the one identifier that does not change between STIG releases.

Only built-in checks are registered for now.  (Third-party checks could later be found through an entry-point
group, as flake8 does; that needs a ``pyproject.toml`` entry and is deliberately not done here.)
"""

from __future__ import annotations

import re
from types import ModuleType

from cklauto.checks import ex13_mb_000120

#: Built-in checks by STIG ID, sorted, so listing and lookup are deterministic.
BUILTIN: dict[str, ModuleType] = {ex13_mb_000120.STIG_ID: ex13_mb_000120}

# "SV-207290r961110_rule" / "SV-207290r961110" (CKLB rule_id) -> "SV-207290": a Rule_ID whose revision was bumped in
# a later release must still find its check, so revisions are ignored when the exact ID is not an alias.
_RULE_REVISION_RE = re.compile(r"(?P<base>SV-\d+)R\d+(?:_RULE)?")


def _key(identifier: str) -> str:
    return identifier.strip().upper()


def matches(check: ModuleType, identifier: str) -> bool:
    """True when ``identifier`` (Vuln_Num, Rule_ID with or without revision, legacy ID or STIG ID) names ``check``."""
    key = _key(identifier)
    aliases = {_key(a) for a in check.ALIASES}
    if key in aliases:
        return True
    found = _RULE_REVISION_RE.fullmatch(key)
    return found is not None and found.group("base") in aliases


def find_check(identifier: str) -> ModuleType | None:
    """The built-in check that ``identifier`` names, or None."""
    for stig_id in sorted(BUILTIN):
        if matches(BUILTIN[stig_id], identifier):
            return BUILTIN[stig_id]
    return None


def all_checks() -> list[ModuleType]:
    """Every built-in check, sorted by STIG ID."""
    return [BUILTIN[k] for k in sorted(BUILTIN)]


__all__ = ["BUILTIN", "all_checks", "find_check", "matches"]

"""Helpers for the database and transport-config check tests: answers as the runner builds them, and the STIG text.

Records are built from the emulator catalogue's own builders (``cklauto.emulator.catalog``), so the values have the
shapes remote PowerShell sends at Partial serialization (shared/docs/exchange-objects.md §1.2, §2.5, §2.8, §2.9):
sizes and Unlimited<int> as strings, bools as bools, ``Servers`` as a list, ``$null`` as None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cklauto.checks import find_check
from cklauto.checks.api import Answers, Check, Query, Record
from cklauto.xccdf import Rule, load_benchmark
from tests.conftest import REFERENCE

RELEASES = ("V2R1", "V2R2", "V2R3")


def answers(
    query: Query,
    objects: Sequence[Mapping[str, Any]],
    type_names: Sequence[str],
    *,
    server: str = "EX01",
    release: str = "V2R3",
) -> Answers:
    return Answers({query: [Record(o, type_names=type_names) for o in objects]}, server=server, release=release)


def without(obj: Mapping[str, Any], prop: str) -> dict[str, Any]:
    """The object with ``prop`` missing altogether (not ``$null``): a property the server did not send."""
    return {k: v for k, v in obj.items() if k != prop}


@cache
def xccdf_rule(stig_id: str, release: str) -> Rule:
    path = REFERENCE / "xccdf" / f"U_MS_Exchange_2013_Mailbox_STIG_{release}_Manual-xccdf.xml"
    if not Path(path).is_file():
        pytest.skip(f"DISA XCCDF not found at {path} (shared/reference sits beside the checkout in CI)")
    return next(r for r in load_benchmark(path).rules if r.version == stig_id)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def assert_matches_stig(module: ModuleType, expected_names: set[str]) -> None:
    """IDs of every release, title, severity and the verbatim check and fix text, against the DISA XCCDF."""
    check: Check = module.CHECK
    assert check.ids.names() == {n.upper() for n in expected_names}
    for name in expected_names:
        assert find_check(name.lower()) is check, f"the registry does not find {check.stig_id} by {name}"
    doc = module.__doc__ or ""
    assert doc.startswith(f"{check.stig_id}: {check.title.rstrip('.')}\n")
    doc_lines = _lines(doc)
    for release in RELEASES:
        rule = xccdf_rule(check.stig_id, release)
        assert rule.group_id == check.ids.group_id
        assert rule.rule_id in check.ids.rule_ids
        assert rule.title == check.title
        assert rule.severity == check.severity
        for legacy in rule.legacy_ids:
            assert legacy.upper() in check.ids.names()
        for text in (rule.check_content, rule.fix_text):
            wanted = _lines(text)
            starts = range(len(doc_lines) - len(wanted) + 1)
            assert any(doc_lines[i : i + len(wanted)] == wanted for i in starts), (
                f"{release}: STIG text not in docstring"
            )
    command = re.search(r"^(Get-\S+ ?\|.*)$", xccdf_rule(check.stig_id, "V2R3").check_content, re.MULTILINE)
    assert command is not None and check.stig_command == command.group(1).strip()

"""Helpers for the host rules' and the evidence-only rules' tests (issue 10): records shaped as the host's cmdlets
send them over remoting (registry DWORDs as ints, enums as their names, AccessPaths as a list of strings), and the
STIG text of every release against the module's docstring."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

from cklauto.checks import find_check
from cklauto.checks.api import Answers, Check, Query, Record
from tests.checks.ckb_support import RELEASES, _lines, xccdf_rule

CUSTOM = ("Deserialized.System.Management.Automation.PSCustomObject", "Deserialized.System.Object")
PARTITION_TYPES = (
    "Deserialized.Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/Storage/MSFT_Partition",
    "Deserialized.System.Object",
)
INSTALL = "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"


def answers(records: Mapping[Query, Sequence[Mapping[str, Any]]], *, server: str = "EX01", release: str = "V2R3"):
    return Answers({q: [Record(o) for o in objs] for q, objs in records.items()}, server=server, release=release)


def partition(disk: int, number: int, *paths: str, boot: bool = False, system: bool = False) -> dict[str, Any]:
    volume = f"\\\\?\\Volume{{0000000{disk}-000{number}-11e3-80b4-806e6f6e6963}}\\"
    return {
        "DiskNumber": disk,
        "PartitionNumber": number,
        "AccessPaths": [*paths, volume],
        "IsBoot": boot,
        "IsSystem": system,
        "DriveLetter": paths[0][0] if paths and paths[0][1:3] == ":\\" and len(paths[0]) == 3 else "\x00",
    }


#: Windows on disk 0: the system partition, and C: (boot), where Exchange is installed by default.
OS_DISK = [partition(0, 1, system=True), partition(0, 2, "C:\\", boot=True)]


def setup(install: str = INSTALL) -> dict[str, Any]:
    return {"MsiInstallPath": install, "PSChildName": "Setup"}


def assert_stig_text(module: ModuleType, expected_names: set[str]) -> None:
    """IDs of every release, title, severity and the verbatim check and fix text of every release in the docstring."""
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
            assert any(doc_lines[i : i + len(wanted)] == wanted for i in starts), f"{release}: STIG text not in doc"

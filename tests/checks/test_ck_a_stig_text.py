"""The Receive connector and Transport service checks against DISA's own XCCDF files (every release).

Each check must carry the rule's IDs, title and severity exactly as the STIG gives them, show the STIG's command,
and quote the check and fix text verbatim in its module docstring.  Needs ``shared/reference/xccdf`` beside the
checkout (CI has it); skipped with a reason otherwise.
"""

from __future__ import annotations

import importlib
import re
from functools import cache

import pytest

from cklauto.xccdf import Rule, load_benchmark
from tests.conftest import REFERENCE

RELEASES = ("V2R1", "V2R2", "V2R3")
MODULES = [
    "ex13_mb_000020",
    "ex13_mb_000040",
    "ex13_mb_000045",
    "ex13_mb_000110",
    "ex13_mb_000115",
    "ex13_mb_000175",
    "ex13_mb_000180",
    "ex13_mb_000190",
    "ex13_mb_000200",
    "ex13_mb_000210",
    "ex13_mb_000225",
    "ex13_mb_000235",
    "ex13_mb_000275",
    "ex13_mb_000325",
]


def _module(name: str):
    return importlib.import_module(f"cklauto.checks.{name}")


@cache
def _rules(release: str) -> dict[str, Rule]:
    path = REFERENCE / "xccdf" / f"U_MS_Exchange_2013_Mailbox_STIG_{release}_Manual-xccdf.xml"
    if not path.is_file():
        pytest.skip(f"DISA XCCDF not found at {path} (it sits beside the checkout in CI)")
    return {rule.version: rule for rule in load_benchmark(path).rules}


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("name", MODULES)
def test_check_matches_the_stig(name, release):
    module = _module(name)
    check = module.CHECK
    rule = _rules(release)[check.stig_id]
    assert check.ids.group_id == rule.group_id
    assert rule.rule_id in check.ids.rule_ids
    assert set(rule.legacy_ids) <= set(check.ids.legacy_ids)
    assert check.title == rule.title
    assert check.severity == rule.severity
    assert _words(check.stig_command) in _words(rule.check_content)
    doc = _words(module.__doc__ or "")
    assert doc.startswith(f"{check.stig_id}: {rule.title.rstrip('.')}")
    assert _words(rule.check_content) in doc, "the docstring must quote the check text verbatim"
    assert _words(rule.fix_text) in doc, "the docstring must quote the fix text verbatim"


@pytest.mark.parametrize("name", MODULES)
def test_every_release_rule_id_is_known(name):
    module = _module(name)
    known = {_rules(release)[module.CHECK.stig_id].rule_id for release in RELEASES}
    assert known == set(module.CHECK.ids.rule_ids)
    assert all(re.fullmatch(r"SV-\d+r\d+_rule", r) for r in known)

"""The README's table of automated rules is generated from the registry and cannot drift from it."""

from __future__ import annotations

from pathlib import Path

from cklauto.catalog import update_readme
from cklauto.checks import all_checks

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_automated_rule_as_the_registry_declares_it():
    text = README.read_text(encoding="utf-8")
    assert update_readme(text, all_checks()) == text, "regenerate it: python -m cklauto.catalog README.md"


def test_every_site_setting_is_documented_key_by_key():
    text = README.read_text(encoding="utf-8")
    for check in all_checks():
        for setting in check.settings:
            assert f"| `{setting.name}` | {setting.type.value} |" in text, setting.name


def test_at_least_52_rules_are_automated():
    checks = all_checks()
    assert len(checks) >= 52
    assert len({c.stig_id for c in checks}) == len(checks)
    text = README.read_text(encoding="utf-8")
    for check in checks:
        assert f"| {check.stig_id} | {check.ids.group_id} |" in text

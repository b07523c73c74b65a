"""values.name_matches: how a site-setting entry names an Exchange object (connector names in settings files)."""

from __future__ import annotations

import pytest

from cklauto.checks.values import name_matches


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("Default Frontend EX01", "Default Frontend EX01", True),
        ("default frontend ex01", "Default Frontend EX01", True),
        ("  Default Frontend EX01 ", "Default Frontend EX01", True),
        ("Default Frontend EX01", " Default Frontend EX01\t", True),
        ("EX01\\Default Frontend EX01", "EX01\\Default Frontend EX01", True),
        ("Default Frontend EX01", "Default Frontend EX02", False),
        ("Default Frontend", "Default Frontend EX01", False),  # no implicit prefix match
        ("Frontend EX01", "Default Frontend EX01", False),  # no implicit suffix match
        ("Default Frontend *", "Default Frontend EX01", True),
        ("Default Frontend *", "default frontend ex02", True),
        ("Default Frontend *", "Default Frontend ", False),  # trailing whitespace is not part of a name
        ("Default Frontend *", "Client Frontend EX01", False),
        ("*\\Default Frontend *", "EX07\\Default Frontend EX07", True),
        ("*Relay*", "Scan Relay EX01", True),
        ("*", "anything", True),
        ("Relay.EX01", "RelayXEX01", False),  # "." is literal, not a regex wildcard
        ("Relay (EX01)", "Relay (EX01)", True),
        ("Relay [1]", "Relay 1", False),  # brackets are literal, not a character class
        ("Relay?", "RelayX", False),  # "?" is literal
        ("a*b", "a\nb", True),
        ("", "", False),  # an empty entry names nothing
        ("   ", "Default", False),
        ("Default", None, False),
        ("*", None, False),
        ("STRASSE", "straße", True),  # Exchange names compare without regard to case (casefold)
    ],
)
def test_name_matches(pattern, name, expected):
    assert name_matches(pattern, name) is expected

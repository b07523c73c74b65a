"""EX13-MB-000035 (V-207273): CircularLoggingEnabled must be False on every mailbox database of this server."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000035 as module
from tests.checks.ckb_database_suites import MailboxSettingSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(MailboxSettingSuite):
    module = module
    prop = "CircularLoggingEnabled"
    good = False
    bad = True

    def test_reasons_fix_and_summary(self):
        decision = self.decide(self.db("DB02", True), self.db("DB01", False), self.db("Other", True, ("EX09",)))
        assert [(v.subject, v.ok, v.reason) for v in decision.verdicts] == [
            ("DB01", True, "CircularLoggingEnabled is False"),
            ("DB02", False, "CircularLoggingEnabled is True; expected False"),
            ("Other", None, "has no copy on EX01 (copies on EX09); not judged here"),
        ]
        assert decision.failing[0].fix == "Set-MailboxDatabase -Identity 'DB02' -CircularLoggingEnabled $false"
        assert decision.summary == '1 of 2 mailbox databases does not have CircularLoggingEnabled set to False: "DB02".'
        assert any("with a copy on EX01" in n for n in decision.notes)

    def test_evidence_that_spelled_booleans_as_text(self):
        decision = self.decide(self.db("DB01", "False"), self.db("DB02", "true"))
        assert [v.subject for v in decision.failing] == ["DB02"]

    @pytest.mark.parametrize("value", [0, 1, "yes", "$false"])
    def test_only_true_and_false_are_booleans(self, value):
        with pytest.raises(ValueError, match="is not True or False"):
            self.decide(self.db("DB01", value))

    def test_tabulate_rows(self):
        (table,) = self.module.tabulate(self.answers_of(self.db("DB02", True), self.db("DB01", False)))
        assert table.rows == (("DB01", "DB01", "False"), ("DB02", "DB02", "True"))

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000035",
                "V-207273",
                "SV-207273r615936_rule",
                "SV-207273r960900_rule",
                "SV-207273",
                "V-69953",
                "SV-84575",
                "SV-84575r1_rule",
            },
        )

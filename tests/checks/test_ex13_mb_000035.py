"""EX13-MB-000035 (V-207273): CircularLoggingEnabled must be False on every mailbox database of this server."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000035 as module
from tests.checks.ckb_database_suites import MailboxBooleanSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(MailboxBooleanSuite):
    module = module
    prop = "CircularLoggingEnabled"
    good = False
    bad = True

    def test_evidence_that_spelled_booleans_as_text(self):
        decision = self.decide(self.db("DB01", "False"), self.db("DB02", "true"))
        assert [v.subject for v in decision.failing] == ["DB02"]

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

"""EX13-MB-000135 (V-207293): RetainDeletedItemsUntilBackup must be True on every mailbox database of this server."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000135 as module
from cklauto.emulator.catalog import mailbox_database as mdb
from tests.checks.ckb_database_suites import OPEN, MailboxBooleanSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(MailboxBooleanSuite):
    module = module
    prop = "RetainDeletedItemsUntilBackup"
    good = True
    bad = False

    def test_a_database_left_at_exchange_defaults_is_open(self):
        decision = self.decide(mdb.mailbox_database("Mailbox Database 0311695863", ["EX01"]))
        assert decision.status is OPEN

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000135",
                "SV-207293",
                "SV-207293r615936_rule",
                "SV-207293r961128_rule",
                "SV-84615",
                "SV-84615r1_rule",
                "V-207293",
                "V-69993",
            },
        )

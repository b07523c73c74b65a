"""EX13-MB-000140 (V-207294): AllowFileRestore must be False on every mailbox database of this server."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000140 as module
from cklauto.emulator.catalog import mailbox_database as mdb
from tests.checks.ckb_database_suites import NAF, MailboxBooleanSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(MailboxBooleanSuite):
    module = module
    prop = "AllowFileRestore"
    good = False
    bad = True

    def test_a_database_left_at_exchange_defaults_complies(self):
        assert self.decide(mdb.mailbox_database("Mailbox Database 0311695863", ["EX01"])).status is NAF

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000140",
                "SV-207294",
                "SV-207294r615936_rule",
                "SV-207294r961128_rule",
                "SV-84617",
                "SV-84617r1_rule",
                "V-207294",
                "V-69995",
            },
        )

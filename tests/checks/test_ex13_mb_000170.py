"""EX13-MB-000170 (V-207300): MountAtStartup must be True on every mailbox database of this server."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000170 as module
from cklauto.emulator.catalog import mailbox_database as mdb
from tests.checks.ckb_database_suites import NAF, MailboxBooleanSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(MailboxBooleanSuite):
    module = module
    prop = "MountAtStartup"
    good = True
    bad = False

    def test_a_database_left_at_exchange_defaults_complies(self):
        assert self.decide(mdb.mailbox_database("Mailbox Database 0311695863", ["EX01"])).status is NAF

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000170",
                "SV-207300",
                "SV-207300r615936_rule",
                "SV-207300r961152_rule",
                "SV-84629",
                "SV-84629r1_rule",
                "V-207300",
                "V-70007",
            },
        )

"""EX13-MB-000135 (V-207293): RetainDeletedItemsUntilBackup must be True on every mailbox database of this server."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000135 as module
from cklauto.emulator.catalog import mailbox_database as mdb
from tests.checks.ckb_database_suites import OPEN, MailboxSettingSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(MailboxSettingSuite):
    module = module
    prop = "RetainDeletedItemsUntilBackup"
    good = True
    bad = False

    def test_reasons_and_fix(self):
        decision = self.decide(self.db("DB02", False), self.db("DB01", True))
        assert [(v.subject, v.ok, v.reason) for v in decision.verdicts] == [
            ("DB01", True, "RetainDeletedItemsUntilBackup is True"),
            ("DB02", False, "RetainDeletedItemsUntilBackup is False; expected True"),
        ]
        assert decision.failing[0].fix == "Set-MailboxDatabase -Identity 'DB02' -RetainDeletedItemsUntilBackup $true"
        assert (
            decision.summary
            == '1 of 2 mailbox databases does not have RetainDeletedItemsUntilBackup set to True: "DB02".'
        )

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

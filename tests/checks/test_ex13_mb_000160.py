"""EX13-MB-000160 (V-207298): ProhibitSendQuota must be the site's Prohibit Send Quota (EDSP)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000160 as module
from cklauto.emulator.catalog import mailbox_database as mdb
from tests.checks.ckb_database_suites import NAF, OPEN, MailboxSettingSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(MailboxSettingSuite):
    module = module
    prop = "ProhibitSendQuota"
    good = "2 GB (2,147,483,648 bytes)"
    bad = "Unlimited"
    settings = {"prohibit_send_quota": 2_147_483_648}

    @pytest.mark.parametrize("site", ["2 GB", "2048 MB", 2_147_483_648, "2 GB (2,147,483,648 bytes)"])
    def test_the_site_value_in_any_spelling(self, site):
        assert self.decide(self.db("DB01", self.good), prohibit_send_quota=site).status is NAF

    def test_reasons_fix_and_summary(self):
        decision = self.decide(self.db("DB02", "1.899 GB (2,039,480,320 bytes)"), self.db("DB01", self.good))
        assert [(v.subject, v.ok, v.reason) for v in decision.verdicts] == [
            (
                "DB01",
                True,
                "ProhibitSendQuota is 2 GB (2,147,483,648 bytes), the site's Prohibit Send Quota (prohibit_send_quota)",
            ),
            (
                "DB02",
                False,
                "ProhibitSendQuota is 1.899 GB (2,039,480,320 bytes); expected 2 GB (2,147,483,648 bytes), the site's "
                "Prohibit Send Quota (prohibit_send_quota)",
            ),
        ]
        assert decision.failing[0].fix == "Set-MailboxDatabase -Identity 'DB02' -ProhibitSendQuota '2GB'"
        assert decision.summary == (
            "1 of 2 mailbox databases does not have ProhibitSendQuota set to the site's Prohibit Send Quota, "
            '2 GB (2,147,483,648 bytes): "DB02".'
        )

    def test_a_quota_that_only_looks_the_same_is_a_finding(self):
        # 2,147,483,649 bytes prints as "2 GB" too: only the byte count is compared.
        decision = self.decide(self.db("DB01", "2 GB (2,147,483,649 bytes)"))
        assert decision.status is OPEN

    def test_unlimited_when_the_edsp_says_unlimited(self):
        assert self.decide(self.db("DB01", "Unlimited"), prohibit_send_quota="Unlimited").status is NAF
        decision = self.decide(self.db("DB01", self.good), prohibit_send_quota="Unlimited")
        assert decision.status is OPEN
        assert decision.failing[0].fix == "Set-MailboxDatabase -Identity 'DB01' -ProhibitSendQuota Unlimited"

    def test_an_odd_site_value_goes_into_the_fix_exactly(self):
        decision = self.decide(self.db("DB01", self.good), prohibit_send_quota=2_000_000_001)
        assert decision.failing[0].fix == "Set-MailboxDatabase -Identity 'DB01' -ProhibitSendQuota '2000000001'"

    def test_exchange_defaults_meet_a_2_gb_edsp(self):
        assert self.decide(mdb.mailbox_database("Mailbox Database 0311695863", ["EX01"])).status is NAF

    def test_the_site_value_is_required(self):
        (setting,) = module.CHECK.settings
        assert setting.name == "prohibit_send_quota" and setting.required
        with pytest.raises(ValueError, match="prohibit_send_quota is not set"):
            self.module.decide(self.answers_of(self.db("DB01", self.good)), {})

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000160",
                "SV-207298",
                "SV-207298r615936_rule",
                "SV-207298r961152_rule",
                "SV-84625",
                "SV-84625r1_rule",
                "V-207298",
                "V-70003",
            },
        )

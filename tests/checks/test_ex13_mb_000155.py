"""EX13-MB-000155 (V-207297): ProhibitSendReceiveQuota must be Unlimited (or the EDSP-accepted value)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000155 as module
from cklauto.emulator.catalog import mailbox_database as mdb
from tests.checks.ckb_database_suites import NAF, OPEN, MailboxSettingSuite
from tests.checks.ckb_support import assert_matches_stig

DEFAULT = "2.3 GB (2,469,396,480 bytes)"  # Exchange 2013's default, 2355 MB (exchange-objects.md §2.8, §5 row 6)


class TestRule(MailboxSettingSuite):
    module = module
    prop = "ProhibitSendReceiveQuota"
    good = "Unlimited"
    bad = DEFAULT

    @pytest.mark.parametrize("text", ["Unlimited", "unlimited", " Unlimited "])
    def test_unlimited_in_any_case(self, text):
        assert self.decide(self.db("DB01", text)).status is NAF

    def test_default_quota_is_open_with_the_stig_fix(self):
        # Evaluate-STIG's Get-V228379 reads .IsUnlimited, which a remote session never has: the text decides here.
        decision = self.decide(mdb.mailbox_database("Mailbox Database 0311695863", ["EX01"]))
        assert decision.status is OPEN
        (verdict,) = decision.verdicts
        assert verdict.reason == f"ProhibitSendReceiveQuota is {DEFAULT}; expected Unlimited"
        assert (
            verdict.fix
            == "Set-MailboxDatabase -Identity 'Mailbox Database 0311695863' -ProhibitSendReceiveQuota Unlimited"
        )

    @pytest.mark.parametrize("accepted", ["50 GB", 53_687_091_200, "51200 MB", "50 GB (53,687,091,200 bytes)"])
    def test_the_edsp_accepted_value_is_not_a_finding(self, accepted):
        decision = self.decide(
            self.db("DB01", "50 GB (53,687,091,200 bytes)"),
            self.db("DB02", "Unlimited"),
            accepted_prohibit_send_receive_quota=accepted,
        )
        assert decision.status is NAF
        assert decision.verdicts[0].reason == (
            "ProhibitSendReceiveQuota is 50 GB (53,687,091,200 bytes), the alternate value the EDSP accepts with "
            "signoff and risk acceptance (accepted_prohibit_send_receive_quota)"
        )
        assert decision.summary == (
            "2 of 2 mailbox databases have ProhibitSendReceiveQuota set to Unlimited or to the EDSP-accepted "
            "50 GB (53,687,091,200 bytes)."
        )

    def test_only_the_exact_accepted_bytes_pass(self):
        # Both print as "2.3 GB": the display figure is rounded, the byte count is not.
        decision = self.decide(
            self.db("DB01", "2.3 GB (2,469,396,481 bytes)"), accepted_prohibit_send_receive_quota=2_469_396_480
        )
        assert decision.status is OPEN
        assert decision.failing[0].fix.endswith("-ProhibitSendReceiveQuota Unlimited")

    def test_a_byte_count_kept_by_evidence_is_read_as_bytes(self):
        decision = self.decide(self.db("DB01", 2_469_396_480))
        assert decision.status is OPEN
        assert decision.verdicts[0].reason.startswith("ProhibitSendReceiveQuota is 2.3 GB (2,469,396,480 bytes);")
        assert self.decide(self.db("DB01", 2_469_396_480), accepted_prohibit_send_receive_quota="2355 MB").status is NAF

    def test_an_unreadable_accepted_setting_raises(self):
        with pytest.raises(ValueError, match="accepted_prohibit_send_receive_quota"):
            self.decide(self.db("DB01", "Unlimited"), accepted_prohibit_send_receive_quota="lots")

    def test_declared_setting_is_optional(self):
        (setting,) = module.CHECK.settings
        assert setting.name == "accepted_prohibit_send_receive_quota" and not setting.required

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000155",
                "SV-207297",
                "SV-207297r615936_rule",
                "SV-207297r961152_rule",
                "SV-84623",
                "SV-84623r1_rule",
                "V-207297",
                "V-70001",
            },
        )

"""EX13-MB-000165 (V-207299): IssueWarningQuota must be the site's Issue Warning Quota (EDSP); Unlimited never warns."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000165 as module
from tests.checks.ckb_database_suites import NAF, OPEN, MailboxSettingSuite
from tests.checks.ckb_support import assert_matches_stig

SITE = "1.899 GB (2,039,480,320 bytes)"  # 1945 MB, Exchange's default


class TestRule(MailboxSettingSuite):
    module = module
    prop = "IssueWarningQuota"
    good = SITE
    bad = "Unlimited"
    settings = {"issue_warning_quota": "1945 MB"}

    def test_unlimited_never_warns(self):
        decision = self.decide(self.db("DB01", "Unlimited"))
        assert decision.status is OPEN
        assert decision.verdicts[0].reason == (
            "IssueWarningQuota is Unlimited (no warning is ever issued); expected 1.899 GB (2,039,480,320 bytes), "
            "the site's Issue Warning Quota (issue_warning_quota)"
        )
        assert decision.failing[0].fix == "Set-MailboxDatabase -Identity 'DB01' -IssueWarningQuota '1945MB'"

    def test_another_size_is_a_finding(self):
        decision = self.decide(self.db("DB01", "1.5 GB (1,610,612,736 bytes)"), self.db("DB02", SITE))
        assert decision.status is OPEN
        assert [v.subject for v in decision.failing] == ["DB01"]
        assert decision.summary == (
            "1 of 2 mailbox databases does not have IssueWarningQuota set to the site's Issue Warning Quota, "
            '1.899 GB (2,039,480,320 bytes): "DB01".'
        )

    @pytest.mark.parametrize("site", ["1945 MB", 2_039_480_320, "1.899 GB (2,039,480,320 bytes)"])
    def test_site_value_spellings(self, site):
        assert self.decide(self.db("DB01", SITE), issue_warning_quota=site).status is NAF

    def test_an_unlimited_site_value_is_refused(self):
        with pytest.raises(ValueError, match="never issues a warning"):
            self.decide(self.db("DB01", "Unlimited"), issue_warning_quota="Unlimited")

    def test_an_unreadable_site_value_is_refused(self):
        with pytest.raises(ValueError, match="issue_warning_quota"):
            self.decide(self.db("DB01", SITE), issue_warning_quota="a lot")

    def test_the_site_value_is_required(self):
        (setting,) = module.CHECK.settings
        assert setting.name == "issue_warning_quota" and setting.required

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000165",
                "SV-207299",
                "SV-207299r615936_rule",
                "SV-207299r961152_rule",
                "SV-84627",
                "SV-84627r1_rule",
                "V-207299",
                "V-70005",
            },
        )

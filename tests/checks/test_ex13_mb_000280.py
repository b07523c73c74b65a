"""EX13-MB-000280 (V-207322): every public folder database's ProhibitPostQuota is the EDSP's value."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000280 as module
from tests.checks.ckb_database_suites import NA, NAF, NR, OPEN, PublicFolderSettingSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(PublicFolderSettingSuite):
    module = module
    prop = "ProhibitPostQuota"
    good = "2 GB (2,147,483,648 bytes)"
    bad = "Unlimited"
    settings = {"prohibit_post_quota": "2 GB"}

    def test_reasons_fix_and_summary(self):
        decision = self.decide(self.db("PF2", "Unlimited"), self.db("PF1", self.good))
        assert [(v.subject, v.ok, v.reason) for v in decision.verdicts] == [
            (
                "PF1",
                True,
                "ProhibitPostQuota is 2 GB (2,147,483,648 bytes), the ProhibitPostQuota documented in the EDSP (prohibit_post_quota)",
            ),
            (
                "PF2",
                False,
                "ProhibitPostQuota is Unlimited (does not limit the public store); expected 2 GB (2,147,483,648 bytes), "
                "the ProhibitPostQuota documented in the EDSP (prohibit_post_quota)",
            ),
        ]
        assert decision.failing[0].fix == "Set-PublicFolderDatabase -Identity 'PF2' -ProhibitPostQuota '2GB'"
        assert decision.summary == (
            "1 of 2 public folder databases does not have ProhibitPostQuota set to the EDSP's value, "
            '2 GB (2,147,483,648 bytes): "PF2".'
        )

    def test_a_different_size_is_a_finding(self):
        assert self.decide(self.db("PF1", "1.5 GB (1,610,612,736 bytes)")).status is OPEN

    def test_databases_without_the_site_value_need_a_person(self):
        decision = self.module.decide(self.answers_of(self.db("PF1", self.good)), {})
        assert decision.status is NR
        assert "prohibit_post_quota" in decision.summary
        assert decision.verdicts == ()

    def test_no_public_folders_needs_no_quota(self):
        assert self.module.decide(self.answers_of(), {"public_folders_used": False}).status is NA

    def test_an_unlimited_site_value_is_refused(self):
        with pytest.raises(ValueError, match="requires the quota to be limited"):
            self.decide(self.db("PF1", "Unlimited"), prohibit_post_quota="Unlimited")

    def test_site_value_spellings(self):
        for site in ("2 GB", "2048 MB", 2_147_483_648):
            assert self.decide(self.db("PF1", self.good), prohibit_post_quota=site).status is NAF

    def test_declared_settings(self):
        assert [(s.name, s.required) for s in module.CHECK.settings] == [
            ("prohibit_post_quota", False),
            ("public_folders_used", False),
        ]

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000280",
                "SV-207322",
                "SV-207322r615936_rule",
                "SV-207322r961422_rule",
                "SV-84673",
                "SV-84673r1_rule",
                "V-207322",
                "V-70051",
            },
        )

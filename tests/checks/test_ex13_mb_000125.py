"""EX13-MB-000125 (V-207291): RetainDeletedItemsUntilBackup must be True on every public folder database of the organisation."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000125 as module
from tests.checks.ckb_database_suites import PublicFolderBooleanSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(PublicFolderBooleanSuite):
    module = module
    prop = "RetainDeletedItemsUntilBackup"
    good = True
    bad = False

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000125",
                "SV-207291",
                "SV-207291r615936_rule",
                "SV-207291r961128_rule",
                "SV-84611",
                "SV-84611r1_rule",
                "V-207291",
                "V-69989",
            },
        )

"""EX13-MB-000130 (V-207292): AllowFileRestore must be False on every public folder database of the organisation."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000130 as module
from tests.checks.ckb_database_suites import PublicFolderBooleanSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(PublicFolderBooleanSuite):
    module = module
    prop = "AllowFileRestore"
    good = False
    bad = True

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000130",
                "SV-207292",
                "SV-207292r615936_rule",
                "SV-207292r961128_rule",
                "SV-84613",
                "SV-84613r1_rule",
                "V-207292",
                "V-69991",
            },
        )

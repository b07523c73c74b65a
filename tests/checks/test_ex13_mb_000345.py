"""EX13-MB-000345 (V-207334): MountAtStartup must be True on every public folder database of the organisation."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000345 as module
from tests.checks.ckb_database_suites import PublicFolderBooleanSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(PublicFolderBooleanSuite):
    module = module
    prop = "MountAtStartup"
    good = True
    bad = False

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000345",
                "SV-207334",
                "SV-207334r615936_rule",
                "SV-207334r961863_rule",
                "SV-84679",
                "SV-84679r1_rule",
                "V-207334",
                "V-70057",
            },
        )

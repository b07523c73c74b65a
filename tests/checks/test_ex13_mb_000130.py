"""EX13-MB-000130 (V-207292): AllowFileRestore must be False on every public folder database of the organisation."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000130 as module
from cklauto.emulator.catalog import public_folder_database as pfdb
from tests.checks.ckb_database_suites import OPEN, PublicFolderSettingSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(PublicFolderSettingSuite):
    module = module
    prop = "AllowFileRestore"
    good = False
    bad = True

    def test_reasons_and_fix(self):
        decision = self.decide(self.db("PF2", True), self.db("PF1", False))
        assert [(v.subject, v.ok, v.reason) for v in decision.verdicts] == [
            ("PF1", True, "AllowFileRestore is False"),
            ("PF2", False, "AllowFileRestore is True; expected False"),
        ]
        assert decision.failing[0].fix == "Set-PublicFolderDatabase -Identity 'PF2' -AllowFileRestore $false"
        assert decision.summary == '1 of 2 public folder databases does not have AllowFileRestore set to False: "PF2".'

    def test_the_coexistence_sample_database_is_open(self):
        (legacy,) = pfdb.sample_objects("EX01", compliant=False)["Get-PublicFolderDatabase"]
        assert self.decide(legacy).status is OPEN

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

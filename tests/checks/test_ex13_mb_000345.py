"""EX13-MB-000345 (V-207334): MountAtStartup must be True on every public folder database of the organisation."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000345 as module
from cklauto.emulator.catalog import public_folder_database as pfdb
from tests.checks.ckb_database_suites import OPEN, PublicFolderSettingSuite
from tests.checks.ckb_support import assert_matches_stig


class TestRule(PublicFolderSettingSuite):
    module = module
    prop = "MountAtStartup"
    good = True
    bad = False

    def test_reasons_and_fix(self):
        decision = self.decide(self.db("PF2", False), self.db("PF1", True))
        assert [(v.subject, v.ok, v.reason) for v in decision.verdicts] == [
            ("PF1", True, "MountAtStartup is True"),
            ("PF2", False, "MountAtStartup is False; expected True"),
        ]
        assert decision.failing[0].fix == "Set-PublicFolderDatabase -Identity 'PF2' -MountAtStartup $true"
        assert decision.summary == '1 of 2 public folder databases does not have MountAtStartup set to True: "PF2".'

    def test_the_coexistence_sample_database_is_open(self):
        (legacy,) = pfdb.sample_objects("EX01", compliant=False)["Get-PublicFolderDatabase"]
        assert self.decide(legacy).status is OPEN

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

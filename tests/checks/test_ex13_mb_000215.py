"""EX13-MB-000215 (V-207309): the organisation's MaxReceiveSize must be 10 MB, or the EDSP-accepted alternate."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000215 as module
from tests.checks.ckb_support import assert_matches_stig
from tests.checks.ckb_transport_suites import NAF, OPEN, FixedTransportSettingSuite


class TestRule(FixedTransportSettingSuite):
    module = module
    prop = "MaxReceiveSize"
    good = "10 MB (10,485,760 bytes)"
    accepted = "accepted_max_receive_size"
    expected_text = "10 MB (10,485,760 bytes)"
    fix = "Set-TransportConfig -MaxReceiveSize 10MB"
    bad = [
        ("25 MB (26,214,400 bytes)", "25 MB (26,214,400 bytes)"),
        ("Unlimited", "Unlimited"),
        # Exchange prints 10,486,272 bytes as "10 MB" too: only the byte count decides.
        ("10 MB (10,486,272 bytes)", "10 MB (10,486,272 bytes)"),
        ("5 MB (5,242,880 bytes)", "5 MB (5,242,880 bytes)"),
    ]

    def test_compliant_summary(self):
        decision = self.decide(self.config())
        assert decision.summary == "MaxReceiveSize is 10 MB (10,485,760 bytes), as the STIG requires."
        assert decision.verdicts[0].reason == "MaxReceiveSize is 10 MB (10,485,760 bytes)"

    def test_a_byte_count_kept_by_evidence(self):
        decision = self.decide(self.config(10_485_760))
        assert decision.status is NAF
        assert decision.verdicts[0].reason == "MaxReceiveSize is 10 MB (10,485,760 bytes)"
        assert self.decide(self.config(10_485_761)).status is OPEN

    @pytest.mark.parametrize("site", ["25 MB", 26_214_400, "25600 KB", "25 MB (26,214,400 bytes)"])
    def test_accepted_value_spellings(self, site):
        assert self.decide(self.config("25 MB (26,214,400 bytes)"), accepted_max_receive_size=site).status is NAF

    def test_an_accepted_unlimited(self):
        assert self.decide(self.config("Unlimited"), accepted_max_receive_size="Unlimited").status is NAF

    def test_reason_names_the_accepted_alternate(self):
        decision = self.decide(self.config("Unlimited"), accepted_max_receive_size="25 MB")
        assert decision.verdicts[0].reason == (
            "MaxReceiveSize is Unlimited; expected 10 MB (10,485,760 bytes) (or the EDSP-accepted "
            "25 MB (26,214,400 bytes))"
        )

    def test_an_unreadable_accepted_setting_raises(self):
        with pytest.raises(ValueError, match="accepted_max_receive_size"):
            self.decide(self.config(), accepted_max_receive_size="big")

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000215",
                "SV-207309",
                "SV-207309r615936_rule",
                "SV-207309r961155_rule",
                "SV-84647",
                "SV-84647r1_rule",
                "V-207309",
                "V-70025",
            },
        )

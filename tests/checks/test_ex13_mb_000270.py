"""EX13-MB-000270 (V-207320): the organisation's MaxRecipientEnvelopeLimit must be 5000, or the EDSP-accepted number."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000270 as module
from cklauto.emulator.catalog import transport_config as tc
from tests.checks.ckb_support import assert_matches_stig
from tests.checks.ckb_transport_suites import NAF, OPEN, FixedTransportSettingSuite


class TestRule(FixedTransportSettingSuite):
    module = module
    prop = "MaxRecipientEnvelopeLimit"
    good = "5000"
    accepted = "accepted_recipient_limit"
    expected_text = "5000"
    fix = "Set-TransportConfig -MaxRecipientEnvelopeLimit 5000"
    # Unlimited<int> arrives as text; "Unlimited" is a finding, where Evaluate-STIG's .IsUnlimited test never runs.
    bad = [("500", "500"), ("5001", "5001"), ("Unlimited", "Unlimited"), (4999, "4999")]

    def as_setting(self, raw):
        return int(raw)  # the site file gives a number; Exchange sends text

    @pytest.mark.parametrize("raw", ["5000", 5000, " 5000 "])
    def test_5000_as_text_or_number(self, raw):
        assert self.decide(self.config(raw)).status is NAF

    def test_exchange_default_500_is_open(self):
        decision = self.decide(tc.transport_config())
        assert decision.status is OPEN
        assert decision.summary == "MaxRecipientEnvelopeLimit is 500, not 5000."

    def test_accepted_number_as_the_site_gives_it(self):
        # The site file gives an integer; the answer is Exchange's text.
        assert self.decide(self.config("1000"), accepted_recipient_limit=1000).status is NAF
        assert self.decide(self.config("Unlimited"), accepted_recipient_limit=1000).status is OPEN

    @pytest.mark.parametrize("setting", ["1000", True, -5, 2.5])
    def test_a_bad_accepted_setting_raises(self, setting):
        with pytest.raises(ValueError, match="accepted_recipient_limit"):
            self.decide(self.config("1000"), accepted_recipient_limit=setting)

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000270",
                "SV-207320",
                "SV-207320r615936_rule",
                "SV-207320r961161_rule",
                "SV-84669",
                "SV-84669r1_rule",
                "V-207320",
                "V-70047",
            },
        )

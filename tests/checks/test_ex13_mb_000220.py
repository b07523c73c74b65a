"""EX13-MB-000220 (V-207310): the organisation's MaxSendSize must be 10 MB, or the EDSP-accepted alternate."""

from __future__ import annotations

from cklauto.checks import ex13_mb_000220 as module
from cklauto.emulator.catalog import transport_config as tc
from tests.checks.ckb_support import assert_matches_stig
from tests.checks.ckb_transport_suites import NAF, OPEN, FixedTransportSettingSuite


class TestRule(FixedTransportSettingSuite):
    module = module
    prop = "MaxSendSize"
    good = "10 MB (10,485,760 bytes)"
    accepted = "accepted_max_send_size"
    expected_text = "10 MB (10,485,760 bytes)"
    fix = "Set-TransportConfig -MaxSendSize 10MB"
    bad = [
        ("Unlimited", "Unlimited"),
        ("35 MB (36,700,160 bytes)", "35 MB (36,700,160 bytes)"),
        ("9.999 MB (10,484,736 bytes)", "9.999 MB (10,484,736 bytes)"),
        (20_971_520, "20 MB (20,971,520 bytes)"),  # a byte count an evidence file kept as a number
    ]

    def test_the_emulator_samples(self):
        (good,) = tc.sample_objects("EX01", compliant=True)["Get-TransportConfig"]
        (bad,) = tc.sample_objects("EX01", compliant=False)["Get-TransportConfig"]
        assert self.decide(good).status is NAF
        assert self.decide(bad).status is OPEN

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000220",
                "SV-207310",
                "SV-207310r615936_rule",
                "SV-207310r961155_rule",
                "SV-84649",
                "SV-84649r1_rule",
                "V-207310",
                "V-70027",
            },
        )

"""EX13-MB-000255 (V-207317): InternalSMTPServers must reflect the EDSP's list of accepted SMTP server IPs."""

from __future__ import annotations

import ipaddress

import pytest

from cklauto.checks import ex13_mb_000255 as module
from cklauto.checks.api import Table
from cklauto.emulator.catalog import transport_config as tc
from cklauto.site import convert
from tests.checks.ckb_support import assert_matches_stig
from tests.checks.ckb_transport_suites import NA, NAF, NR, OPEN, TransportConfigSuite

SITE = ["10.0.10.25", "10.0.10.26"]


class TestRule(TransportConfigSuite):
    module = module
    prop = "InternalSMTPServers"
    good = SITE
    settings = {"internal_smtp_servers": SITE}

    def test_exactly_the_accepted_servers(self):
        decision = self.decide(self.config(["10.0.10.26", "10.0.10.25"]))
        assert decision.status is NAF
        assert [(v.subject, v.ok) for v in decision.verdicts] == [("10.0.10.25", True), ("10.0.10.26", True)]
        assert decision.summary == "InternalSMTPServers holds exactly the accepted 10.0.10.25, 10.0.10.26."
        assert any(n.startswith("Read as: every address") for n in decision.notes)

    def test_the_site_setting_as_cklauto_site_converts_it(self):
        # cklauto.site turns an ADDRESSES setting into ipaddress networks; the check reads those too.
        setting = next(s for s in module.CHECK.settings if s.name == "internal_smtp_servers")
        converted = convert(setting, ["10.0.10.25", "10.0.10.26/32"])
        assert all(isinstance(n, ipaddress.IPv4Network) for n in converted)
        assert self.decide(self.config(), internal_smtp_servers=converted).status is NAF

    @pytest.mark.parametrize(
        "configured",
        [
            ["10.0.10.25-10.0.10.26"],
            ["10.0.10.26", "10.0.10.25/32"],
            ["10.0.10.25", "10.0.10.26", "10.0.10.26"],
        ],
    )
    def test_ranges_are_compared_by_the_addresses_they_hold(self, configured):
        assert self.decide(self.config(configured)).status is NAF

    def test_an_accepted_network_given_as_the_same_range(self):
        decision = self.decide(self.config(["10.0.10.0(255.255.255.0)"]), internal_smtp_servers=["10.0.10.0/24"])
        assert decision.status is NAF

    def test_an_unaccepted_server_is_a_finding_with_its_fix(self):
        decision = self.decide(self.config(["10.0.10.25", "10.0.10.26", "192.0.2.7"]))
        assert decision.status is OPEN
        assert [(v.subject, v.reason) for v in decision.failing] == [
            ("192.0.2.7", "not on the list of accepted SMTP server IPs")
        ]
        assert decision.failing[0].fix == "Set-TransportConfig -InternalSMTPServers @{Remove='192.0.2.7'}"
        assert decision.summary == (
            "InternalSMTPServers does not reflect the list of accepted SMTP server IPs: 192.0.2.7 not accepted."
        )

    def test_a_range_broader_than_the_accepted_servers_is_a_finding(self):
        decision = self.decide(self.config(["10.0.10.0/24"]))
        assert decision.status is OPEN
        (verdict,) = decision.failing
        assert verdict.subject == "10.0.10.0/24"
        assert verdict.reason == (
            "not on the list of accepted SMTP server IPs (10.0.10.0-10.0.10.24, 10.0.10.27-10.0.10.255 not accepted)"
        )

    def test_a_missing_accepted_server_is_a_finding(self):
        decision = self.decide(self.config(["10.0.10.25"]))
        assert decision.status is OPEN
        (verdict,) = decision.failing
        assert verdict.subject == "10.0.10.26"
        assert verdict.reason == "an accepted SMTP server IP (internal_smtp_servers) missing from InternalSMTPServers"
        assert verdict.fix == "Set-TransportConfig -InternalSMTPServers @{Add='10.0.10.26'}"
        assert decision.summary.endswith(": the accepted 10.0.10.26 missing.")

    def test_both_kinds_of_finding(self):
        decision = self.decide(self.config(["10.0.10.25", "192.0.2.7"]))
        assert decision.summary.endswith(": 192.0.2.7 not accepted; the accepted 10.0.10.26 missing.")
        assert [v.subject for v in decision.failing] == ["192.0.2.7", "10.0.10.26"]

    def test_an_empty_list_is_open_not_just_listed(self):
        # Evaluate-STIG's Get-V228395 only prints the list (Not_Reviewed); the STIG's fix says to configure every
        # internal SMTP server, so an empty list is a finding.
        decision = self.decide(tc.transport_config())
        assert decision.status is OPEN
        assert decision.summary == (
            "InternalSMTPServers does not reflect the list of accepted SMTP server IPs: it is empty, so the "
            "accepted 10.0.10.25, 10.0.10.26 are missing."
        )
        assert [v.fix for v in decision.failing] == [
            "Set-TransportConfig -InternalSMTPServers @{Add='10.0.10.25'}",
            "Set-TransportConfig -InternalSMTPServers @{Add='10.0.10.26'}",
        ]

    def test_a_partly_configured_accepted_network(self):
        decision = self.decide(self.config(["10.0.10.0/25"]), internal_smtp_servers=["10.0.10.0/24"])
        (verdict,) = decision.failing
        assert verdict.reason.endswith("missing from InternalSMTPServers (10.0.10.128/25 missing)")

    def test_ipv6_entries(self):
        site = ["2001:db8:10::25"]
        assert self.decide(self.config(["2001:DB8:10::25"]), internal_smtp_servers=site).status is NAF
        assert self.decide(self.config(["::ffff:10.0.10.25"]), internal_smtp_servers=["10.0.10.25"]).status is OPEN

    def test_not_applicable_with_another_approved_antispam(self):
        decision = self.decide(tc.transport_config(), approved_external_antispam=True)
        assert decision.status is NA
        assert "approved_external_antispam = true" in decision.summary

    def test_not_applicable_needs_no_server_list(self):
        found = self.answers_of(tc.transport_config())
        assert module.decide(found, {"approved_external_antispam": True}).status is NA

    def test_false_external_antispam_still_judges(self):
        assert self.decide(self.config(), approved_external_antispam=False).status is NAF

    def test_without_the_server_list_a_person_decides(self):
        decision = module.decide(self.answers_of(self.config()), {})
        assert decision.status is NR
        assert "internal_smtp_servers" in decision.summary

    @pytest.mark.parametrize("bad", [["10.0.10.25", "mail01"], ["10.0.10.256"], ["10.0.10.0(255.0.255.0)"], [None]])
    def test_an_entry_that_is_not_an_ip_range_raises(self, bad):
        with pytest.raises(ValueError, match="InternalSMTPServers"):
            self.decide(self.config(bad))

    def test_a_lone_string_is_not_the_list_exchange_sends(self):
        with pytest.raises(ValueError, match="one value where a list was expected"):
            self.decide(self.config("10.0.10.25"))

    @pytest.mark.parametrize(("setting", "message"), [([], "is empty"), (["nope"], "internal_smtp_servers")])
    def test_a_bad_site_list_raises(self, setting, message):
        with pytest.raises(ValueError, match=message):
            self.decide(self.config(), internal_smtp_servers=setting)

    def test_a_bad_external_antispam_setting_raises(self):
        with pytest.raises(ValueError, match="approved_external_antispam"):
            self.decide(self.config(), approved_external_antispam="yes")

    def test_tabulate(self):
        assert module.tabulate(self.answers_of(self.config())) == [
            Table(("InternalSMTPServers",), (("{10.0.10.25, 10.0.10.26}",),))
        ]

    def test_the_emulator_samples(self):
        (good,) = tc.sample_objects("EX01", compliant=True)["Get-TransportConfig"]
        (bad,) = tc.sample_objects("EX01", compliant=False)["Get-TransportConfig"]
        site = tc.SITE_SETTINGS["internal_smtp_servers"]
        assert self.decide(good, internal_smtp_servers=site).status is NAF
        assert self.decide(bad, internal_smtp_servers=site).status is OPEN

    def test_declared_settings(self):
        assert [(s.name, s.type.value, s.required) for s in module.CHECK.settings] == [
            ("internal_smtp_servers", "addresses", False),
            ("approved_external_antispam", "boolean", False),
        ]

    def test_ids_and_stig_text(self):
        assert_matches_stig(
            module,
            {
                "EX13-MB-000255",
                "SV-207317",
                "SV-207317r615936_rule",
                "SV-207317r961161_rule",
                "SV-84663",
                "SV-84663r1_rule",
                "V-207317",
                "V-70041",
            },
        )

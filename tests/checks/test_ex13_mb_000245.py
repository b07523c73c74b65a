"""EX13-MB-000245 (V-207315): antispam installed (Get-ContentFilterConfig returns a value), or not applicable."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000245 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.emulator.catalog.antispam import CMDLETS, sample_objects
from cklauto.model import Status

TYPES = CMDLETS[0].type_names


def content_filter(enabled=True, name="ContentFilterConfig") -> Record:
    return Record({"Name": name, "Identity": name, "Enabled": enabled, "ExternalMailEnabled": True}, type_names=TYPES)


def decide(*records: Record, **settings):
    answers = Answers({check.CONTENT_FILTER: list(records)}, server="EX01", release="V2R3")
    return check.decide(answers, Settings(settings))


@pytest.mark.parametrize("enabled", [True, False, None])
def test_a_returned_object_is_not_a_finding_whatever_its_enabled(enabled):
    # "If no value is returned, this is a finding": whether it is enabled is EX13-MB-000250's question.
    decision = decide(content_filter(enabled))
    assert decision.status is Status.NOT_A_FINDING
    assert (
        decision.summary == "Get-ContentFilterConfig returned ContentFilterConfig: the antispam agents are installed."
    )
    assert decision.verdicts[0].ok is True


def test_the_reason_shows_enabled():
    assert decide(content_filter(False)).verdicts[0].reason == "returned by Get-ContentFilterConfig (Enabled: False)"
    assert decide(content_filter(None)).verdicts[0].reason == "returned by Get-ContentFilterConfig (Enabled: $null)"


def test_nothing_returned_is_a_finding_with_the_stig_fix():
    decision = decide()
    assert decision.status is Status.OPEN
    assert decision.summary == "Get-ContentFilterConfig returned nothing: the antispam agents are not installed."
    assert decision.fix == "& $env:ExchangeInstallPath\\Scripts\\Install-AntiSpamAgents.ps1"


@pytest.mark.parametrize("answer", [[], [content_filter()]])
def test_an_approved_gateway_makes_it_not_applicable(answer):
    decision = decide(*answer, approved_external_antispam=True)
    assert decision.status is Status.NOT_APPLICABLE
    assert "approved_external_antispam" in decision.summary
    assert "EEMSG" in decision.summary


def test_a_gateway_setting_of_false_changes_nothing():
    assert decide(approved_external_antispam=False).status is Status.OPEN


def test_a_record_without_name_raises_missing_property():
    with pytest.raises(MissingProperty):
        decide(Record({"Enabled": True}))


def test_notes_say_it_is_organisation_wide():
    assert any("whole organisation" in note for note in decide(content_filter()).notes)


def test_tabulate_is_the_stig_format_table():
    answers = Answers({check.CONTENT_FILTER: [content_filter()]}, server="EX01")
    assert check.tabulate(answers)[0].headers == ("Name", "Enabled")
    assert check.tabulate(answers)[0].rows == (("ContentFilterConfig", "True"),)


def test_the_query_is_organisation_wide_and_bare():
    assert check.CONTENT_FILTER.command_line() == "Get-ContentFilterConfig"
    assert check.CHECK.required_settings() == ()


def test_the_catalogue_samples_decide_as_intended():
    for compliant in (True, False):
        objects = sample_objects("EX01", compliant=compliant)["Get-ContentFilterConfig"]
        assert decide(*(Record(o, type_names=TYPES) for o in objects)).status is Status.NOT_A_FINDING


def test_every_id_of_every_release_finds_the_check():
    assert check.CHECK.ids.names() >= {
        "EX13-MB-000245",
        "V-207315",
        "SV-207315R615936_RULE",
        "SV-207315R961161_RULE",
        "SV-207315",
        "V-70037",
        "SV-84659",
        "SV-84659R1_RULE",
    }

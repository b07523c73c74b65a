"""EX13-MB-000055 (V-207277): ErrorReportingEnabled False on this server, read with -Status."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000055 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.emulator.catalog.exchange_server import CMDLETS, exchange_server, sample_objects
from cklauto.model import Status

TYPES = CMDLETS[0].type_names
NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED


def server(name: str, reporting) -> Record:
    # Shaped as exchange-objects.md §2.3 gives it: bool? as <B> or <Nil>, identities as strings.
    return Record(exchange_server(name, "contoso.mil", ErrorReportingEnabled=reporting), type_names=TYPES)


def decide(*records: Record, checklist: str = "EX01", warnings: tuple[str, ...] = ()):
    answers = Answers(
        {check.EXCHANGE_SERVER_STATUS: list(records)}, server=checklist, release="V2R3", warnings=warnings
    )
    return check.decide(answers, Settings())


TABLE = [
    ("disabled", [("EX01", False)], NAF, []),
    ("enabled", [("EX01", True)], OPEN, ["EX01"]),
    ("text False from evidence", [("EX01", "False")], NAF, []),
    ("text True from evidence", [("EX01", "true")], OPEN, ["EX01"]),
    ("not read", [("EX01", None)], NR, []),
    # Evaluate-STIG makes any server in the organisation decide every checklist; here only this server counts.
    ("another server enabled", [("EX01", False), ("EX02", True)], NAF, []),
    ("another server not read", [("EX01", False), ("EX02", None)], NAF, []),
    ("this one enabled, another disabled", [("EX01", True), ("EX02", False)], OPEN, ["EX01"]),
    ("only another server", [("EX02", False)], NR, []),
    ("name in another case", [("ex01", False)], NAF, []),
]


@pytest.mark.parametrize(("rows", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(rows, status, failing):
    decision = decide(*(server(n, v) for n, v in rows))
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing
    for verdict in decision.failing:
        assert verdict.fix == f"Set-ExchangeServer -Identity '{verdict.subject}' -ErrorReportingEnabled $false"


def test_the_checklist_may_name_the_server_by_fqdn():
    assert decide(server("EX01", False), checklist="ex01.contoso.mil").status is NAF


def test_summaries_and_reasons():
    assert decide(server("EX01", False)).summary == (
        "EX01 does not send fatal errors to Microsoft: ErrorReportingEnabled is False."
    )
    opened = decide(server("EX01", True), server("EX02", False))
    assert opened.summary == "EX01 sends fatal errors to Microsoft: ErrorReportingEnabled is True."
    reasons = {v.subject: (v.ok, v.reason) for v in opened.verdicts}
    assert reasons == {
        "EX01": (False, "ErrorReportingEnabled is True; expected False"),
        "EX02": (None, "another Exchange server, not EX01; judged on its own checklist"),
    }
    assert any("-Identity <server> -Status" in note for note in opened.notes)


def test_a_null_with_a_warning_says_why_and_is_never_a_pass():
    warning = "The registry on server EX01 couldn't be accessed: Access is denied."
    decision = decide(server("EX01", None), warnings=(warning,))
    assert decision.status is NR
    assert "was not read ($null although -Status was asked)" in decision.summary
    assert decision.summary.endswith(f"Exchange warned: {warning}")
    assert decision.verdicts[0].reason == "ErrorReportingEnabled is $null: Exchange did not read it"
    assert any("1 warning" in note for note in decision.notes)


def test_a_warning_does_not_hide_a_value_that_was_read():
    decision = decide(server("EX01", True), warnings=("Another server's registry could not be read.",))
    assert decision.status is OPEN


def test_no_server_at_all_is_not_a_pass():
    decision = decide()
    assert decision.status is NR
    assert "returned no server named EX01" in decision.summary


@pytest.mark.parametrize("value", ["yes", 1, 0, "", [], "Enabled"])
def test_an_unreadable_value_raises(value):
    with pytest.raises(ValueError):
        decide(server("EX01", value))


def test_a_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "EX01", "Identity": "EX01"}))


@pytest.mark.parametrize("name", [None, "", "  "])
def test_a_server_without_a_name_raises(name):
    with pytest.raises(ValueError):
        decide(Record({"Name": name, "Identity": "EX01", "ErrorReportingEnabled": False}))


def test_no_checklist_server_is_an_error():
    with pytest.raises(ValueError, match="server"):
        decide(server("EX01", False), checklist="")


def test_tabulate_shows_the_stig_columns():
    answers = Answers({check.EXCHANGE_SERVER_STATUS: [server("EX02", None), server("EX01", False)]}, server="EX01")
    (table,) = check.tabulate(answers)
    assert table.headers == ("Name", "Identity", "ErrorReportingEnabled")
    assert table.rows == (("EX01", "EX01", "False"), ("EX02", "EX02", ""))


def test_the_query_asks_for_this_server_with_status():
    assert check.EXCHANGE_SERVER_STATUS.resolve("EX01").command_line() == "Get-ExchangeServer -Identity EX01 -Status"


def test_the_catalogue_samples_decide_as_intended():
    def records(compliant: bool) -> list[Record]:
        return [Record(o, type_names=TYPES) for o in sample_objects("EX01", compliant=compliant)["Get-ExchangeServer"]]

    assert decide(*records(True)).status is NAF
    assert decide(*records(False)).status is OPEN


def test_every_id_of_every_release_finds_the_check():
    assert check.CHECK.ids.names() >= {
        "EX13-MB-000055",
        "V-207277",
        "SV-207277R615936_RULE",
        "SV-207277R960963_RULE",
        "SV-207277",
        "V-69961",
        "SV-84583",
        "SV-84583R1_RULE",
    }

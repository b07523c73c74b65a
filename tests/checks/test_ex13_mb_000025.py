"""EX13-MB-000025 (V-207271): every diagnostic logging category of this server at EventLevel Lowest."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000025 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.emulator.catalog.event_log_level import CMDLETS, INSTALL_DEFAULTS, sample_objects
from cklauto.model import Status

TYPES = CMDLETS[0].type_names
NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED


def category(identity: str, level, number: int = 1) -> Record:
    # As Get-EventLogLevel sends it over remote PowerShell (exchange-objects.md §2.10): strings and an Int32.
    name = identity.rsplit("\\", 1)[-1]
    return Record({"Identity": identity, "EventLevel": level, "Name": name, "Number": number}, type_names=TYPES)


def decide(*records: Record, server: str = "EX01"):
    return check.decide(Answers({check.EVENT_LOG_LEVELS: list(records)}, server=server, release="V2R3"), Settings())


ADACCESS = "EX01\\MSExchange ADAccess\\General"
TOPOLOGY = "EX01\\MSExchange ADAccess\\Topology"
SMTP = "EX01\\MSExchangeTransport\\SmtpReceive"
PRIVATE = "EX01\\MSExchangeIS\\9000 Private\\Transport General"  # a source with a subsource

TABLE = [
    ("all lowest", [(ADACCESS, "Lowest"), (SMTP, "Lowest"), (PRIVATE, "Lowest")], NAF, []),
    ("one low", [(ADACCESS, "Lowest"), (TOPOLOGY, "Low")], OPEN, [TOPOLOGY]),
    ("medium", [(SMTP, "Medium")], OPEN, [SMTP]),
    ("high", [(SMTP, "High")], OPEN, [SMTP]),
    ("expert", [(SMTP, "Expert")], OPEN, [SMTP]),
    # A level without a name prints as its number; the 2019 STIG lists "MSExchange OAuth\Server - 2" as a finding.
    ("unnamed level 2", [("EX01\\MSExchange OAuth\\Server", "2")], OPEN, ["EX01\\MSExchange OAuth\\Server"]),
    ("number zero is lowest", [(ADACCESS, "0")], NAF, []),
    ("case of the level", [(ADACCESS, "LOWEST"), (SMTP, "lowest")], NAF, []),
    ("subsource category", [(PRIVATE, "Medium")], OPEN, [PRIVATE]),
    ("server named in another case", [("ex01\\MSExchange ADAccess\\General", "Lowest")], NAF, []),
    ("all raised", [(ADACCESS, "Low"), (SMTP, "High")], OPEN, [ADACCESS, SMTP]),
]


@pytest.mark.parametrize(("rows", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(rows, status, failing):
    decision = decide(*(category(i, level) for i, level in rows))
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing
    for verdict in decision.failing:
        assert verdict.fix == f"Set-EventLogLevel -Identity '{verdict.subject}' -Level Lowest"


def test_reasons_name_the_level():
    decision = decide(category(ADACCESS, "Lowest"), category(TOPOLOGY, "Low"), category("EX01\\A\\B", "2"))
    reasons = {v.subject: v.reason for v in decision.verdicts}
    assert reasons[ADACCESS] == "EventLevel is Lowest"
    assert reasons[TOPOLOGY] == "EventLevel is Low; expected Lowest"
    assert reasons["EX01\\A\\B"] == "EventLevel is 2 (a level without a name, above Lowest); expected Lowest"


def test_summary_names_categories_without_the_server_and_counts_the_rest():
    records = [category(f"EX01\\MSExchangeTransport\\Cat{i:02d}", "Medium") for i in range(12)]
    decision = decide(category(ADACCESS, "Lowest"), *records)
    assert decision.summary.startswith("12 of 13 diagnostic logging categories of EX01 are not at Lowest: ")
    assert "MSExchangeTransport\\Cat00, " in decision.summary
    assert decision.summary.endswith("MSExchangeTransport\\Cat09 and 2 more.")
    assert "EX01\\" not in decision.summary.split(": ", 1)[1]
    assert decision.fix == "Set-EventLogLevel -Identity <'IdentityName\\EventlogName'> -Level Lowest"


def test_single_category_grammar():
    assert decide(category(SMTP, "Low")).summary == (
        "1 of 1 diagnostic logging category of EX01 is not at Lowest: MSExchangeTransport\\SmtpReceive."
    )
    assert decide(category(SMTP, "Lowest")).summary == "All 1 diagnostic logging category of EX01 is at Lowest."


def test_the_notes_say_how_the_garbled_wording_was_read():
    decision = decide(category(ADACCESS, "Lowest"))
    assert any("every diagnostic logging category" in note and "V-259653" in note for note in decision.notes)


def test_another_servers_category_is_shown_but_never_decides():
    decision = decide(category(ADACCESS, "Lowest"), category("EX02\\MSExchangeTransport\\SmtpReceive", "Expert"))
    assert decision.status is NAF
    other = next(v for v in decision.verdicts if v.subject.startswith("EX02"))
    assert other.ok is None
    assert other.reason == "a category of EX02, not of EX01; not judged"


def test_only_other_servers_categories_is_not_a_pass():
    decision = decide(category("EX02\\MSExchange ADAccess\\General", "Lowest"))
    assert decision.status is NR
    assert "returned no diagnostic logging category of EX01" in decision.summary


def test_the_checklist_may_name_the_server_by_fqdn():
    decision = decide(category(ADACCESS, "Lowest"), server="ex01.contoso.mil")
    assert decision.status is NAF


def test_a_category_naming_no_server_keeps_the_rule_from_passing():
    decision = decide(category(ADACCESS, "Lowest"), category("MSExchangeTransport\\SmtpReceive", "Lowest"))
    assert decision.status is NR
    assert "name no server" in decision.summary
    assert any("were not judged" in note for note in decision.notes)


def test_a_proven_finding_stays_open_beside_a_category_naming_no_server():
    decision = decide(category(SMTP, "High"), category("MSExchangeTransport\\SmtpSend", "Lowest"))
    assert decision.status is OPEN


def test_no_category_at_all_is_not_a_pass():
    decision = decide()
    assert decision.status is NR
    assert decision.verdicts == ()


@pytest.mark.parametrize("level", [None, "", "Verbose", "Low, High", ["Lowest"], True])
def test_an_unreadable_level_raises(level):
    with pytest.raises(ValueError):
        decide(category(ADACCESS, level))


@pytest.mark.parametrize("identity", [None, "", "General", "EX01\\\\General", 5, ["EX01\\A\\B"]])
def test_an_unreadable_identity_raises(identity):
    with pytest.raises(ValueError):
        decide(Record({"Identity": identity, "EventLevel": "Lowest"}))


def test_a_missing_event_level_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Identity": ADACCESS, "Name": "General"}))


def test_a_level_of_another_server_is_not_even_read():
    # Whatever another server's category holds, it cannot make this server's rule fail.
    decision = decide(category(ADACCESS, "Lowest"), Record({"Identity": "EX02\\A\\B", "EventLevel": "garbage"}))
    assert decision.status is NAF


def test_no_server_name_is_an_error():
    with pytest.raises(ValueError, match="server"):
        decide(category(ADACCESS, "Lowest"), server="")


def test_tabulate_lists_identity_and_level_sorted():
    answers = Answers({check.EVENT_LOG_LEVELS: [category(SMTP, "Medium"), category(ADACCESS, "Lowest")]}, server="EX01")
    (table,) = check.tabulate(answers)
    assert table.headers == ("Identity", "EventLevel")
    assert table.rows == ((ADACCESS, "Lowest"), (SMTP, "Medium"))


def test_verdicts_do_not_depend_on_answer_order():
    records = [category(SMTP, "Medium"), category(ADACCESS, "Lowest"), category(TOPOLOGY, "Low")]
    assert decide(*records) == decide(*reversed(records))


def test_the_catalogue_samples_decide_as_intended():
    def records(compliant: bool) -> list[Record]:
        objects = sample_objects("EX01", compliant=compliant)["Get-EventLogLevel"]
        return [Record({k: v for k, v in o.items() if not k.startswith("$")}, type_names=TYPES) for o in objects]

    assert decide(*records(True)).status is NAF
    stock = decide(*records(False))
    assert stock.status is OPEN
    # Every level a fresh installation leaves above Lowest is a finding (Exchange 2019 STIG V-259653).
    assert {v.subject.split("\\", 1)[1] for v in stock.failing} >= set(INSTALL_DEFAULTS)


def test_the_query_names_this_server():
    assert check.EVENT_LOG_LEVELS.resolve("EX01").command_line() == "Get-EventLogLevel -Server EX01"
    assert check.CHECK.settings == ()


def test_every_id_of_every_release_finds_the_check():
    assert check.CHECK.ids.names() >= {
        "EX13-MB-000025",
        "V-207271",
        "SV-207271R615936_RULE",
        "SV-207271R960879_RULE",
        "SV-207271",
        "V-69949",
        "SV-84571",
        "SV-84571R1_RULE",
    }

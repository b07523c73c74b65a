"""EX13-MB-000340 (V-207333): decided by the checklist's release (V2R3: unsupported; V2R1/V2R2: approved build)."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000340 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.emulator.catalog.exchange_server import CMDLETS, CU22, CU23, exchange_server, sample_objects
from cklauto.model import Status

TYPES = CMDLETS[0].type_names
NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED


def server(name: str, version: str) -> Record:
    return Record(exchange_server(name, "contoso.mil", AdminDisplayVersion=version), type_names=TYPES)


def decide(*records: Record, release: str = "V2R3", minimum: str | None = None, checklist: str = "EX01"):
    answers = Answers({check.EXCHANGE_SERVER: list(records)}, server=checklist, release=release)
    return check.decide(answers, Settings({} if minimum is None else {"minimum_exchange_build": minimum}))


TABLE = [
    # V2R3: "If the system is running Exchange 2013, this is a finding", whatever its CU and whatever the site says.
    ("V2R3 CU23", "V2R3", [("EX01", CU23)], None, OPEN),
    ("V2R3 CU22", "V2R3", [("EX01", CU22)], None, OPEN),
    ("V2R3 ignores an approved build", "V2R3", [("EX01", CU23)], "15.0.1497.2", OPEN),
    ("a later release reads as V2R3", "V2R4", [("EX01", CU23)], None, OPEN),
    ("lower-case release", "v2r3", [("EX01", CU23)], None, OPEN),
    ("V2R3 Exchange 2016 server", "V2R3", [("EX01", "Version 15.1 (Build 2507.6)")], None, NR),
    # V2R1/V2R2: the most current, approved service pack (CU) is the site's to say.
    ("V2R2 at the approved build", "V2R2", [("EX01", CU23)], "15.0.1497.2", NAF),
    ("V2R2 above the approved build", "V2R2", [("EX01", "Version 15.0 (Build 1497.10)")], "15.0.1497.2", NAF),
    ("V2R2 below the approved build", "V2R2", [("EX01", CU22)], "15.0.1497.2", OPEN),
    ("V2R1 below by revision", "V2R1", [("EX01", "Version 15.0 (Build 1497.1)")], "15.0.1497.2", OPEN),
    ("numeric, not text, order", "V2R1", [("EX01", "Version 15.0 (Build 1497.2)")], "15.0.847.32", NAF),
    ("approved build in Exchange's own form", "V2R2", [("EX01", CU23)], "Version 15.0 (Build 1497.2)", NAF),
    ("V2R2 without an approved build", "V2R2", [("EX01", CU23)], None, NR),
    ("V1 legacy release", "V1R6", [("EX01", CU22)], "15.0.1497.2", OPEN),
    ("V2R2 Exchange 2010 server", "V2R2", [("EX01", "Version 14.3 (Build 123.4)")], "15.0.1497.2", NR),
    # Another server never decides this one.
    ("another server behind", "V2R2", [("EX01", CU23), ("EX02", CU22)], "15.0.1497.2", NAF),
    ("only another server", "V2R3", [("EX02", CU23)], None, NR),
]


@pytest.mark.parametrize(("release", "rows", "minimum", "status"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE])
def test_decision_table(release, rows, minimum, status):
    decision = decide(*(server(n, v) for n, v in rows), release=release, minimum=minimum)
    assert decision.status is status
    assert "\n" not in decision.summary


def test_v2r3_says_why_and_how_to_fix():
    decision = decide(server("EX01", CU23))
    assert (
        decision.summary
        == "EX01 runs Exchange 2013 (Version 15.0 (Build 1497.2)), which its vendor no longer supports."
    )
    assert decision.fix == "Upgrade to a supported version."
    assert (
        decision.verdicts[0].reason
        == "AdminDisplayVersion is Version 15.0 (Build 1497.2): Exchange 2013, no longer supported"
    )
    assert any("V2R3" in n and "no longer supported" in n for n in decision.notes)


def test_v2r2_names_the_approved_build_and_the_setting():
    opened = decide(server("EX01", CU22), release="V2R2", minimum="15.0.1497.2")
    assert opened.summary == (
        "EX01 runs Version 15.0 (Build 1473.3), below the approved build 15.0 (Build 1497.2) (site setting "
        "minimum_exchange_build)."
    )
    assert opened.fix == "Install the most current, approved service pack."
    assert any("Cumulative Updates" in n and "V-259711" in n for n in opened.notes)
    missing = decide(server("EX01", CU23), release="V2R2")
    assert "minimum_exchange_build" in missing.summary


def test_the_setting_is_optional_because_v2r3_needs_none():
    assert check.CHECK.required_settings() == ()


@pytest.mark.parametrize("release", ["", "   ", "Release 3", "2.3", "V2", "R3"])
def test_an_unreadable_release_fails_closed(release):
    with pytest.raises(ValueError, match="release"):
        decide(server("EX01", CU23), release=release)


@pytest.mark.parametrize("minimum", ["CU23", "15.0", "latest"])
def test_a_bad_approved_build_names_the_setting(minimum):
    with pytest.raises(ValueError, match="minimum_exchange_build"):
        decide(server("EX01", CU23), release="V2R2", minimum=minimum)


@pytest.mark.parametrize("version", [None, "", "15.0.1497.2", "Version 15.0", 15])
def test_an_unreadable_version_raises(version):
    with pytest.raises(ValueError):
        decide(server("EX01", version))


def test_a_missing_version_raises():
    with pytest.raises(MissingProperty):
        decide(Record({"Name": "EX01"}))


def test_another_server_is_information_only():
    decision = decide(server("EX01", CU23), server("EX02", CU22), release="V2R2", minimum="15.0.1497.2")
    other = next(v for v in decision.verdicts if v.subject == "EX02")
    assert (other.ok, other.reason) == (None, "another Exchange server, not EX01; not judged")


def test_the_checklist_may_name_the_server_by_fqdn():
    assert (
        decide(server("EX01", CU23), checklist="ex01.contoso.mil", release="V2R2", minimum="15.0.1497.2").status is NAF
    )


def test_tabulate_shows_name_and_version():
    answers = Answers({check.EXCHANGE_SERVER: [server("EX02", CU22), server("EX01", CU23)]}, server="EX01")
    (table,) = check.tabulate(answers)
    assert table.headers == ("Name", "AdminDisplayVersion")
    assert table.rows == (("EX01", CU23), ("EX02", CU22))


def test_the_query_names_this_server():
    assert check.EXCHANGE_SERVER.resolve("EX01").command_line() == "Get-ExchangeServer -Identity EX01"


def test_the_catalogue_samples_decide_as_intended():
    def records(compliant: bool) -> list[Record]:
        return [Record(o, type_names=TYPES) for o in sample_objects("EX01", compliant=compliant)["Get-ExchangeServer"]]

    assert decide(*records(True), release="V2R2", minimum="15.0.1497.2").status is NAF
    assert decide(*records(False), release="V2R2", minimum="15.0.1497.2").status is OPEN
    assert decide(*records(True)).status is OPEN  # V2R3: Exchange 2013 itself is the finding


def test_every_id_of_every_release_finds_the_check():
    assert check.CHECK.ids.names() >= {
        "EX13-MB-000340",
        "V-207333",
        "SV-207333R615936_RULE",
        "SV-207333R991686_RULE",
        "SV-207333",
        "V-70059",
        "SV-84681",
        "SV-84681R1_RULE",
    }

"""EX13-MB-000035 (V-207273): CircularLoggingEnabled must be False on every mailbox database of this server."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000035 as module
from cklauto.checks.api import MissingProperty, Settings, Table
from cklauto.emulator.catalog.mailbox_database import TYPE_NAMES, mailbox_database
from cklauto.model import Status
from tests.checks.ckb_support import answers, assert_matches_stig, without

NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED
QUERY = module.MAILBOX_DATABASES


def db(name: str, circular: object, servers: tuple[str, ...] = ("EX01",), **more: object) -> dict:
    return mailbox_database(name, list(servers), CircularLoggingEnabled=circular, **more)


def decide(*objects: dict, server: str = "EX01"):
    return module.decide(answers(QUERY, objects, TYPE_NAMES, server=server), Settings())


TABLE = [
    ("one-compliant", [db("DB01", False)], NAF, []),
    ("all-compliant", [db("DB01", False), db("DB02", False)], NAF, []),
    ("one-enabled", [db("DB01", True)], OPEN, ["DB01"]),
    # Evaluate-STIG Get-V228390's mistake (the whole list compared inside the loop) would pass this: one compliant
    # database must never pass another.
    ("mixed", [db("DB01", False), db("DB02", True)], OPEN, ["DB02"]),
    ("evidence-text-bools", [db("DB01", "False"), db("DB02", "true")], OPEN, ["DB02"]),
    ("dag-copy-here", [db("DB01", False, ("EX02", "EX01"), Server="EX02")], NAF, []),
    ("dag-copy-here-finding", [db("DB01", True, ("EX02", "EX01"), Server="EX02")], OPEN, ["DB01"]),
    ("fqdn-server-name", [db("DB01", True, ("ex01.contoso.mil",))], OPEN, ["DB01"]),
    ("case-of-server-name", [db("DB01", False, ("ex01",))], NAF, []),
    ("other-server-never-decides", [db("DB01", False), db("DB09", True, ("EX09",))], NAF, []),
]


@pytest.mark.parametrize(("objects", "status", "failing"), [t[1:] for t in TABLE], ids=[t[0] for t in TABLE])
def test_decision_table(objects, status, failing):
    decision = decide(*objects)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing
    for name in failing:
        assert f'"{name}"' in decision.summary
    assert "\n" not in decision.summary


def test_reasons_fix_and_scope_note():
    decision = decide(db("DB02", True), db("DB01", False), db("Other", True, ("EX09",)))
    assert [(v.subject, v.ok, v.reason) for v in decision.verdicts] == [
        ("DB01", True, "CircularLoggingEnabled is False"),
        ("DB02", False, "CircularLoggingEnabled is True; expected False"),
        ("Other", None, "has no copy on EX01 (copies on EX09); not judged here"),
    ]
    assert decision.failing[0].fix == "Set-MailboxDatabase -Identity 'DB02' -CircularLoggingEnabled $false"
    assert decision.summary == '1 of 2 mailbox databases does not have CircularLoggingEnabled set to False: "DB02".'
    assert any("with a copy on EX01" in n for n in decision.notes)


def test_fix_quotes_the_identity():
    decision = decide(db("Bob's DB", True))
    assert decision.failing[0].fix == "Set-MailboxDatabase -Identity 'Bob''s DB' -CircularLoggingEnabled $false"


def test_compliant_summary():
    decision = decide(db("DB01", False), db("DB02", False))
    assert decision.summary == "2 of 2 mailbox databases have CircularLoggingEnabled set to False."


def test_empty_answer_is_not_a_pass():
    decision = decide()
    assert decision.status is NR
    assert "returned no mailbox database with a copy on EX01" in decision.summary


def test_only_other_servers_databases_is_not_a_pass():
    decision = decide(db("DB09", False, ("EX09",)))
    assert decision.status is NR
    assert [v.ok for v in decision.verdicts] == [None]


@pytest.mark.parametrize("value", [None, "", "yes", 0, 1, ["False"]])
def test_unreadable_or_null_value_raises(value):
    with pytest.raises(ValueError, match='mailbox database "DB01"'):
        decide(db("DB01", value))


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide(without(db("DB01", False), "CircularLoggingEnabled"))
    with pytest.raises(MissingProperty):
        decide(without(db("DB01", False), "Servers"))


def test_ownership_that_cannot_be_told_raises():
    with pytest.raises(ValueError, match="which server's database"):
        decide(db("DB01", False, (), Server=None))


def test_unknown_server_name_raises():
    with pytest.raises(ValueError, match="server's name is not known"):
        decide(db("DB01", False), server=" ")


def test_nameless_database_raises():
    with pytest.raises(ValueError, match="without a Name"):
        decide(db("DB01", False, Name=""))


def test_order_of_answer_does_not_matter():
    objects = [db("b", True), db("A", False), db("c", True), db("B", False)]
    assert decide(*objects) == decide(*reversed(objects))
    assert [v.subject for v in decide(*objects).verdicts] == ["A", "B", "b", "c"]


def test_tabulate():
    tables = module.tabulate(answers(QUERY, [db("DB02", True), db("DB01", False)], TYPE_NAMES))
    assert tables == [
        Table(
            ("Name", "Identity", "CircularLoggingEnabled"),
            (("DB01", "DB01", "False"), ("DB02", "DB02", "True")),
        )
    ]


def test_declaration():
    check = module.CHECK
    assert check.queries == (QUERY,)
    assert QUERY.command_line() == "Get-MailboxDatabase -Server <server>"
    assert check.settings == ()
    assert check.reads[0].properties == ("Name", "Identity", "CircularLoggingEnabled", "Server", "Servers")


def test_ids_and_stig_text():
    assert_matches_stig(
        module,
        {
            "EX13-MB-000035",
            "V-207273",
            "SV-207273r615936_rule",
            "SV-207273r960900_rule",
            "SV-207273",
            "V-69953",
            "SV-84575",
            "SV-84575r1_rule",
        },
    )

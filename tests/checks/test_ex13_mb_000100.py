"""EX13-MB-000100: mailbox databases on a dedicated partition (host rule, partially decidable: never passed)."""

from __future__ import annotations

import pytest

from cklauto.checks import _host
from cklauto.checks import ex13_mb_000100 as check
from cklauto.checks._databases import MAILBOX_DATABASES
from cklauto.checks.api import Endpoint, MissingProperty, Settings
from cklauto.model import Status
from tests.checks.host_support import OS_DISK, answers, assert_stig_text, partition, setup

DEFAULT = "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Mailbox"
PARTS = [*OS_DISK, partition(1, 2, "E:\\"), partition(2, 2, "F:\\"), partition(3, 2, "D:\\")]


def db(name: str, edb: str, logs: str, servers=("EX01",)) -> dict:
    return {
        "Name": name,
        "Identity": name,
        "EdbFilePath": edb,
        "LogFolderPath": logs,
        "Server": servers[0],
        "Servers": list(servers),
    }


def decide(*databases, parts=PARTS, install=None, server="EX01"):
    records = {
        MAILBOX_DATABASES: list(databases),
        _host.EXCHANGE_SETUP: [setup(install) if install else setup()],
        _host.PARTITIONS: parts,
    }
    return check.decide(answers(records, server=server), Settings())


def test_reads_exchange_and_the_host():
    endpoints = [r.query.endpoint for r in check.CHECK.reads]
    assert endpoints == [Endpoint.EXCHANGE, Endpoint.HOST, Endpoint.HOST] and check.CHECK.needs_host
    assert check.CHECK.reads[0].query.command_line() == "Get-MailboxDatabase -Server <server>"


def test_a_database_in_setups_default_folder_shares_windows_partition():
    decision = decide(db("Mailbox Database 0311695863", f"{DEFAULT}\\Mailbox Database 0311695863\\x.edb", DEFAULT))
    assert decision.status is Status.OPEN
    assert "Windows' partition" in decision.failing[0].reason and decision.failing[0].fix


def test_a_database_on_exchanges_own_partition_is_open():
    decision = decide(db("DB1", "D:\\Exchange\\Mailbox\\DB1\\DB1.edb", "F:\\Logs\\DB1"), install="D:\\Exchange\\")
    assert decision.status is Status.OPEN
    assert "the partition Exchange is installed on" in decision.failing[0].reason


def test_separate_partitions_are_never_a_pass():
    decision = decide(db("DB1", "E:\\DB1\\DB1.edb", "F:\\Logs\\DB1"), db("DB2", "E:\\DB2\\DB2.edb", "E:\\DB2"))
    assert decision.status is Status.NOT_REVIEWED
    assert all(v.ok is None for v in decision.verdicts)
    assert "for a person" in decision.summary
    assert "its logs (F:\\Logs\\DB1) are on disk 2 partition 2 (F:\\)" in decision.verdicts[0].reason


def test_one_shared_database_makes_it_open_whatever_the_others():
    decision = decide(db("DB1", "E:\\DB1\\DB1.edb", "F:\\DB1"), db("DB2", "C:\\DB2\\DB2.edb", "C:\\DB2"))
    assert decision.status is Status.OPEN and [v.subject for v in decision.failing] == ["DB2"]


def test_another_servers_database_never_decides():
    other = db("DB9", "C:\\DB9\\DB9.edb", "C:\\DB9", servers=("EX02",))
    decision = decide(other, db("DB1", "E:\\DB1\\DB1.edb", "F:\\DB1"))
    assert decision.status is Status.NOT_REVIEWED
    assert any(v.subject == "DB9" and "no copy on EX01" in v.reason for v in decision.verdicts)
    assert decide(other).status is Status.NOT_REVIEWED


def test_a_path_no_partition_holds_is_not_decided():
    decision = decide(db("DB1", "\\\\nas\\db\\DB1.edb", "F:\\DB1"))
    assert decision.status is Status.NOT_REVIEWED and "cannot be told" in decision.summary
    assert decide(db("DB1", None, None)).status is Status.NOT_REVIEWED


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide({k: v for k, v in db("DB1", "E:\\DB1.edb", "F:\\").items() if k != "EdbFilePath"})


def test_unknown_server_name_raises():
    with pytest.raises(ValueError):
        decide(db("DB1", "E:\\DB1.edb", "F:\\"), server="")


def test_tabulate():
    records = {
        MAILBOX_DATABASES: [db("DB2", "E:\\DB2.edb", "F:\\"), db("DB1", "E:\\DB1.edb", "F:\\")],
        _host.EXCHANGE_SETUP: [setup()],
        _host.PARTITIONS: PARTS,
    }
    tables = check.tabulate(answers(records))
    assert tables[0].headers == ("Name", "Identity", "EdbFilePath", "LogFolderPath")
    assert [r[0] for r in tables[0].rows] == ["DB1", "DB2"]


def test_ids_and_stig_text():
    assert_stig_text(
        check,
        {
            "EX13-MB-000100",
            "V-207286",
            "SV-207286r615936_rule",
            "SV-207286r961095_rule",
            "SV-207286",
            "V-69979",
            "SV-84601",
            "SV-84601r1_rule",
        },
    )

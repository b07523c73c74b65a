"""EX13-MB-000080: the audit logs on a partition separate from the application's (host rule, partially decidable),
and how a folder is placed on a partition (cklauto/checks/_host.py)."""

from __future__ import annotations

import pytest

from cklauto.checks import _host
from cklauto.checks import ex13_mb_000080 as check
from cklauto.checks.api import Endpoint, MissingProperty, Settings
from cklauto.model import Status
from tests.checks.host_support import OS_DISK, answers, assert_stig_text, partition, setup

LOGGING_MOUNT = partition(1, 2, "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\")


def decide(parts, install=None, **site):
    records = {_host.EXCHANGE_SETUP: [setup(install) if install else setup()], _host.PARTITIONS: parts}
    return check.decide(answers(records), Settings(site))


def test_reads_the_host_only():
    assert all(r.query.endpoint is Endpoint.HOST for r in check.CHECK.reads)
    assert [r.query.command_line() for r in check.CHECK.reads] == [
        "Get-ItemProperty -Path HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup -Name MsiInstallPath",
        "Get-Partition",
    ]


def test_default_install_with_the_logs_beside_it_is_open():
    decision = decide(OS_DISK)
    assert decision.status is Status.OPEN
    failing = decision.failing
    assert [v.reason.split(" is on ")[0] for v in failing] == [
        "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging"
    ]
    assert failing[0].subject == "Audit log folder" and decision.summary.endswith("V15\\Logging.")
    assert "the application's partition, disk 0 partition 2 (C:\\)" in failing[0].reason


def test_a_partition_mounted_on_the_logging_folder_is_separate():
    decision = decide([*OS_DISK, LOGGING_MOUNT])
    assert decision.status is Status.NOT_A_FINDING
    (judged,) = [v for v in decision.verdicts if v.ok is not None]
    assert "disk 1 partition 2" in judged.reason
    assert any("EDSP assigns" in n for n in decision.notes)


def test_exchange_on_its_own_drive_with_logs_on_another():
    parts = [*OS_DISK, partition(1, 2, "D:\\"), partition(2, 2, "L:\\")]
    assert decide(parts, "D:\\Exchange\\").status is Status.OPEN  # D:\Exchange\Logging is on D:
    decision = decide(parts, "D:\\Exchange\\", audit_log_paths=["L:\\AuditLogs"])
    assert decision.status is Status.NOT_A_FINDING
    # Logs on Windows' partition are separate from the application's: the STIG compares with the application.
    on_os = decide(parts, "D:\\Exchange\\", audit_log_paths=["C:\\AuditLogs"])
    assert on_os.status is Status.NOT_A_FINDING
    assert "Windows' partition" in next(v.reason for v in on_os.verdicts if v.ok)


def test_one_folder_on_the_application_partition_is_enough_for_open():
    parts = [*OS_DISK, LOGGING_MOUNT]
    decision = decide(
        parts, audit_log_paths=["C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging", "C:\\Logs"]
    )
    assert decision.status is Status.OPEN and [v.reason.split(" is on ")[0] for v in decision.failing] == ["C:\\Logs"]


def test_the_application_mounted_inside_a_log_folder_is_open():
    parts = [partition(0, 2, "C:\\", boot=True), partition(1, 2, "L:\\"), partition(2, 2, "D:\\", "L:\\Exchange\\")]
    decision = decide(parts, "D:\\Exchange Server\\V15\\", audit_log_paths=["L:\\"])
    assert decision.status is Status.OPEN and "mounted inside it" in decision.failing[0].reason


@pytest.mark.parametrize("folder", ["\\\\fileserver\\logs", "Logging", "E:\\Logs"])
def test_a_folder_no_partition_holds_is_not_decided(folder):
    decision = decide(OS_DISK + [LOGGING_MOUNT], audit_log_paths=[folder])
    assert decision.status is Status.NOT_REVIEWED


def test_an_install_folder_on_no_known_partition_is_not_decided():
    assert decide(OS_DISK, "Z:\\Exchange\\").status is Status.NOT_REVIEWED


@pytest.mark.parametrize("install", [None, "", "   ", "Exchange\\V15", ["C:\\"]])
def test_unreadable_install_path_raises(install):
    records = {_host.EXCHANGE_SETUP: [{"MsiInstallPath": install}], _host.PARTITIONS: OS_DISK}
    with pytest.raises(ValueError):
        check.decide(answers(records), Settings())


def test_setup_key_must_answer_once():
    with pytest.raises(ValueError):
        check.decide(answers({_host.EXCHANGE_SETUP: [], _host.PARTITIONS: OS_DISK}), Settings())


@pytest.mark.parametrize(
    "bad",
    [
        {**OS_DISK[1], "IsBoot": None},
        {**OS_DISK[1], "DiskNumber": "zero"},
        {**OS_DISK[1], "AccessPaths": "C:\\"},
    ],
)
def test_unreadable_partitions_raise(bad):
    with pytest.raises(ValueError):
        decide([OS_DISK[0], bad])


def test_the_same_partition_twice_raises():
    with pytest.raises(ValueError):
        decide([*OS_DISK, OS_DISK[1]])


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide([{k: v for k, v in OS_DISK[1].items() if k != "AccessPaths"}])


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\Diagnostics", (1, 2)),
        ("c:/program files/microsoft/exchange server/v15/logging", (1, 2)),
        ("C:\\Program Files\\Microsoft\\Exchange Server\\V15\\LoggingOld", (0, 2)),
        ("C:\\", (0, 2)),
        ("C:\\Program Files\\..\\Logging", None),
        ("\\\\?\\Volume{00000001-0002-11e3-80b4-806e6f6e6963}\\x", None),
        ("", None),
    ],
)
def test_partition_of_takes_the_longest_access_path(path, expected):
    found = _host.partition_of(
        path, _host.partitions(answers({_host.PARTITIONS: [*OS_DISK, LOGGING_MOUNT]})[_host.PARTITIONS])
    )
    assert (None if found is None else (found.disk, found.number)) == expected


def test_tabulate_shows_the_install_path_and_partitions():
    tables = check.tabulate(answers({_host.EXCHANGE_SETUP: [setup()], _host.PARTITIONS: [*OS_DISK, LOGGING_MOUNT]}))
    assert tables[0].rows == (("C:\\Program Files\\Microsoft\\Exchange Server\\V15\\",),)
    assert tables[1].headers == ("DiskNumber", "PartitionNumber", "AccessPaths", "IsBoot", "IsSystem")
    assert [r[:2] for r in tables[1].rows] == [("0", "1"), ("0", "2"), ("1", "2")]


def test_ids_and_stig_text():
    assert_stig_text(
        check,
        {
            "EX13-MB-000080",
            "V-207282",
            "SV-207282r615936_rule",
            "SV-207282r960948_rule",
            "SV-207282",
            "V-69971",
            "SV-84593",
            "SV-84593r1_rule",
        },
    )

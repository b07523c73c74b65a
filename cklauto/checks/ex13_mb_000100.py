"""EX13-MB-000100: Exchange Mailbox databases must reside on a dedicated partition

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001082.  A host rule: it reads Exchange's
endpoint (the databases) and, only with ``cklauto run --host-checks``, the server's own WinRM endpoint (partitions).

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207286     SV-207286r615936_rule   V-69979, SV-84601
V2R3 (current)         V-207286     SV-207286r961095_rule   V-69979, SV-84601
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the location where the Exchange Mailbox databases reside.

    Open the Exchange Management Shell and enter the following command:

    Get-MailboxDatabase | Select Name, Identity, EdbFilePath

    Open Windows Explorer and navigate to and verify the mailbox databases are on a dedicated partition.

    If the mailbox databases are not on a dedicated partition, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Configure the mailbox databases on a dedicated partition.

What the evidence can prove, and how cklauto decides (``decide``) -- a partially decidable rule:

* It asks ``Get-MailboxDatabase -Server <server>`` (this server's databases, as the other database rules do, see
  :mod:`cklauto.checks._databases`) and places each EdbFilePath on a partition with ``Get-Partition``, mount points
  included (:mod:`cklauto.checks._host`).
* A database file on Windows' partition (boot or system) or on the partition Exchange is installed on (Setup's
  ``MsiInstallPath``) is **not on a dedicated partition**: that partition demonstrably holds the operating system or
  the application.  That is Open.
* A database on a partition of its own is what the STIG asks for, but "dedicated" means nothing else lives there,
  which a list of partitions cannot show (the STIG's own step is to look in Windows Explorer).  So cklauto never
  writes NotAFinding: when no database is demonstrably on a shared partition, the rule is not decided and its row
  says why (with ``--collect-evidence`` the evidence is written for a person, status untouched).  Transaction logs
  (LogFolderPath) are shown as information: a database's own logs beside it do not make the partition shared.
* A database with no copy on this server is information only; a path Get-Partition cannot place leaves the rule
  undecided.
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks._databases import MAILBOX_DATABASE, MAILBOX_DATABASES, _copy_holders
from cklauto.checks._host import (
    EXCHANGE_SETUP,
    PARTITION_PROPERTIES,
    PARTITIONS,
    install_path,
    partition_of,
    partition_table,
    partitions,
)
from cklauto.checks._objects import object_name, sort_key
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, Table, Verdict
from cklauto.model import Status

STIG_COMMAND = "Get-MailboxDatabase | Select Name, Identity, EdbFilePath"
FIX = "Update the EDSP; configure the mailbox databases on a dedicated partition (Move-DatabasePath)."


def decide(answers: Answers, settings: Settings) -> Decision:
    server = answers.server.strip()
    if not server:
        raise ValueError("the Exchange server's name is not known, so its mailbox databases cannot be told apart")
    install = install_path(answers[EXCHANGE_SETUP])
    known = partitions(answers[PARTITIONS])
    application = partition_of(install, known)
    verdicts: list[Verdict] = []
    judged = 0
    undecided = False
    for record in sorted(answers[MAILBOX_DATABASES], key=sort_key):
        name, _identity = object_name(record, MAILBOX_DATABASE)
        holders = _copy_holders(record, name)
        if not any(values.is_same_server(h, server) for h in holders):
            verdicts.append(Verdict(name, None, f"has no copy on {server}; not judged here"))
            continue
        judged += 1
        edb = values.text(record["EdbFilePath"]) or ""
        logs = values.text(record["LogFolderPath"]) or ""
        where = partition_of(edb, known)
        log_where = partition_of(logs, known)
        log_text = f"; its logs ({logs}) are on {log_where.label if log_where else 'no partition Get-Partition lists'}"
        if where is None:
            undecided = True
            verdicts.append(Verdict(name, None, f"EdbFilePath {edb or '$null'} is on no partition Get-Partition lists"))
        elif where.is_os:
            verdicts.append(Verdict(name, False, f"EdbFilePath {edb} is on Windows' partition, {where.label}", FIX))
        elif where == application:
            verdicts.append(
                Verdict(
                    name, False, f"EdbFilePath {edb} is on the partition Exchange is installed on, {where.label}", FIX
                )
            )
        else:
            verdicts.append(
                Verdict(
                    name,
                    None,
                    f"EdbFilePath {edb} is on {where.label}, which holds neither Windows nor Exchange{log_text}; "
                    "whether nothing else is there is for a person",
                )
            )
    notes = (
        f"Judged: the mailbox databases with a copy on {server} (Get-MailboxDatabase -Server {server}); Exchange is "
        f"installed in {install}"
        + (f", on {application.label}." if application else ", on no partition Get-Partition lists."),
        "A partition holding Windows or Exchange is provably not dedicated; that a partition holds nothing but "
        "databases cannot be proven from the partition list, so this rule is never passed automatically.",
    )
    failing = [v for v in verdicts if v.ok is False]
    if failing:
        return Decision(
            Status.OPEN,
            f"{len(failing)} mailbox database(s) share a partition with Windows or Exchange: "
            f"{', '.join(v.subject for v in failing)}.",
            tuple(verdicts),
            notes,
            fix=FIX,
        )
    if not judged:
        summary = (
            f"Get-MailboxDatabase -Server {server} returned no database with a copy on {server}; nothing to judge."
        )
    elif undecided:
        summary = "A database file is on no partition Get-Partition lists, so where it lives cannot be told."
    else:
        summary = (
            "Every database is on a partition that holds neither Windows nor Exchange; whether those partitions hold "
            "anything else is for a person to verify, as the STIG says (Windows Explorer)."
        )
    return Decision(Status.NOT_REVIEWED, summary, tuple(verdicts), notes)


def tabulate(answers: Answers) -> list[Table]:
    columns = ("Name", "Identity", "EdbFilePath", "LogFolderPath")
    databases = sorted(answers[MAILBOX_DATABASES], key=sort_key)
    return [Table.of(columns, databases), partition_table(partitions(answers[PARTITIONS]))]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000100",
        group_id="V-207286",
        rule_ids=("SV-207286r615936_rule", "SV-207286r961095_rule"),
        legacy_ids=("V-69979", "SV-84601"),
    ),
    title="Exchange Mailbox databases must reside on a dedicated partition.",
    severity="medium",
    reads=(
        Read(MAILBOX_DATABASES, ("Name", "Identity", "EdbFilePath", "LogFolderPath", "Server", "Servers")),
        Read(EXCHANGE_SETUP, ("MsiInstallPath",)),
        Read(PARTITIONS, PARTITION_PROPERTIES),
    ),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="Open when a database shares Windows' or Exchange's partition; otherwise left for a person (--host-checks)",
)

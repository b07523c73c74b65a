r"""EX13-MB-000080: Exchange Audit data must be on separate partitions

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001348.  A host rule: asked only with
``cklauto run --host-checks``, on the server's own WinRM endpoint.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207282     SV-207282r615936_rule   V-69971, SV-84593
V2R3 (current)         V-207282     SV-207282r960948_rule   V-69971, SV-84593
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the audit logs' assigned partition.

  By default, the logs are located on the application partition in \Program Files\Microsoft\Exchange Server\V15\Logging.

    If the log files are not on a separate partition from the application, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Update the EDSP.

    Configure the audit log location to be on a partition drive separate from the application.

What the evidence can prove, and how cklauto decides (``decide``):

* The finding condition compares two partitions: the audit logs' and the application's.  The application is
  Exchange, whose folder Setup records (``MsiInstallPath`` under ``HKLM:\SOFTWARE\Microsoft\ExchangeServer\v15\
  Setup``).  The audit logs are the folders the EDSP assigns (site setting ``audit_log_paths``), by default the
  folder the STIG names: ``<Exchange folder>\Logging``.  Each folder is placed on the partition ``Get-Partition``
  says holds it, mount points included (:mod:`cklauto.checks._host`): a partition mounted on ``...\Logging`` is a
  separate partition even though the folder's parent is on the application's.
* A log folder on the application's partition (or with the application's partition mounted inside it) is Open:
  that is exactly what the STIG calls a finding, and the evidence proves it.
* Every log folder on a partition other than the application's is NotAFinding: "separate partition" is what
  Get-Partition tells apart (different disk or partition number; two folders on different partitions cannot share
  one).  What it cannot prove is the first step, that these folders are the ones the EDSP assigns; the details say
  so, and ``audit_log_paths`` names other folders when the EDSP assigns them.  The STIG compares with the
  application's partition, not the operating system's; a log folder on the Windows partition is shown as information.
* A folder Get-Partition cannot place (a share, a dynamic disk's volume) leaves the rule Not_Reviewed.  Junctions or
  symbolic links inside a folder cannot be seen this way.
"""

from __future__ import annotations

from cklauto.checks._host import (
    EXCHANGE_SETUP,
    PARTITION_PROPERTIES,
    PARTITIONS,
    install_path,
    mounted_inside,
    partition_of,
    partition_table,
    partitions,
    windows_path,
)
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Read,
    RuleIds,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import cell
from cklauto.model import Status

AUDIT_LOG_PATHS = SiteSetting(
    "audit_log_paths",
    SettingType.STRINGS,
    "The folders where the EDSP assigns Exchange's audit logs (absolute paths on the server); default: the Exchange "
    "folder's Logging folder, where the STIG says the logs are.",
    required=False,
)
STIG_COMMAND = "(none: review the EDSP and the audit logs' partition)"
_LOGS = "Audit log folder"
FIX = "Update the EDSP; configure the audit log location to be on a partition drive separate from the application."


def _log_folders(install: str, settings: Settings) -> list[str]:
    given = settings.get(AUDIT_LOG_PATHS.name)
    if given:
        return [str(p) for p in given]
    return [f"{install}\\Logging"]


def decide(answers: Answers, settings: Settings) -> Decision:
    install = install_path(answers[EXCHANGE_SETUP])
    known = partitions(answers[PARTITIONS])
    application = partition_of(install, known)
    folders = _log_folders(install, settings)
    source = "site setting audit_log_paths" if settings.get(AUDIT_LOG_PATHS.name) else "the STIG's default folder"
    notes = [
        f"Audit log folders ({source}): {', '.join(folders)}.  Whether these are the folders the EDSP assigns is "
        "for a person to confirm; the partitions are what cklauto proves.",
        "Folders are placed on partitions by Get-Partition's access paths (drive letters and mount folders); "
        "junctions or symbolic links inside a folder are not followed.",
    ]
    verdicts: list[Verdict] = []
    if application is None:
        verdicts.append(Verdict("Exchange", None, f"installed in {install}, on no partition Get-Partition lists"))
        return Decision(
            Status.NOT_REVIEWED,
            f"The partition of Exchange's folder {install} cannot be told from Get-Partition, so the rule cannot be "
            "decided; a person must compare the partitions.",
            tuple(verdicts),
            tuple(notes),
        )
    verdicts.append(Verdict("Exchange", None, f"installed in {install}, on {application.label}"))
    undecided = False
    for folder in folders:
        where = partition_of(folder, known)
        if where is None or windows_path(folder) is None:
            undecided = True
            verdicts.append(Verdict(_LOGS, None, f"{folder} is on no partition Get-Partition lists; not decided"))
            continue
        inside = [(path, p) for path, p in mounted_inside(folder, known) if p == application]
        if where == application:
            verdicts.append(Verdict(_LOGS, False, f"{folder} is on the application's partition, {where.label}", FIX))
        elif inside:
            verdicts.append(
                Verdict(
                    _LOGS, False, f"{folder}: the application's partition is mounted inside it, at {inside[0][0]}", FIX
                )
            )
        else:
            os_note = "; that is Windows' partition" if where.is_os else ""
            verdicts.append(
                Verdict(
                    _LOGS, True, f"{folder} is on {where.label}, a partition separate from the application's{os_note}"
                )
            )
    failing = [v for v in verdicts if v.ok is False]
    if failing:
        return Decision(
            Status.OPEN,
            f"{len(failing)} of {len(folders)} audit log folder(s) are not on a partition separate from Exchange's: "
            f"{', '.join(v.reason.split(' is on ')[0].split(': ')[0] for v in failing)}.",
            tuple(verdicts),
            tuple(notes),
            fix=FIX,
        )
    if undecided:
        return Decision(
            Status.NOT_REVIEWED,
            "An audit log folder is on no partition Get-Partition lists, so the rule cannot be decided; a person "
            "must check where it is.",
            tuple(verdicts),
            tuple(notes),
        )
    return Decision(
        Status.NOT_A_FINDING,
        f"The audit log folder(s) are on partitions separate from Exchange's ({application.label}).",
        tuple(verdicts),
        tuple(notes),
    )


def tabulate(answers: Answers) -> list[Table]:
    setup = Table(("MsiInstallPath",), tuple((cell(r["MsiInstallPath"]),) for r in answers[EXCHANGE_SETUP]))
    return [setup, partition_table(partitions(answers[PARTITIONS]))]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000080",
        group_id="V-207282",
        rule_ids=("SV-207282r615936_rule", "SV-207282r960948_rule"),
        legacy_ids=("V-69971", "SV-84593"),
    ),
    title="Exchange Audit data must be on separate partitions.",
    severity="medium",
    reads=(Read(EXCHANGE_SETUP, ("MsiInstallPath",)), Read(PARTITIONS, PARTITION_PROPERTIES)),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(AUDIT_LOG_PATHS,),
    summary="the audit log folders are on partitions other than Exchange's (--host-checks)",
)

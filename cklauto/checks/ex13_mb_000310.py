r"""EX13-MB-000310: The Exchange Email application must not share a partition with another application

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated" (the evidence is read on the Windows host: add ``--host-checks``).

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207328     SV-207328r615936_rule   V-70077, SV-84699
V2R3 (current)         V-207328     SV-207328r961608_rule   V-70077, SV-84699
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the directory Exchange is installed.

    Open Windows Explorer.

    Navigate to where Exchange is installed.

    If Exchange resides on a directory or partition other than that of the OS and does not have other applications installed (unless approved by the ISSO), this is not a finding.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Update the EDSP.

    Install Exchange on a dedicated application directory or partition separate than that of the OS.

What cklauto gathers (``decide``): Exchange's folder (Setup's MsiInstallPath), the partition it is on
(``Get-Partition``, mount points included) and whether that is Windows' partition, and the installed programs whose
install folder is on the same partition.  The STIG's condition is inverted and loose ("a directory or partition other
than that of the OS", so a separate folder on C: satisfies its words) and allows ISSO-approved programs, so the
reviewer judges; the details give what that judgement needs.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks._evidence import evidence_check, table, text_of
from cklauto.checks._host import (
    EXCHANGE_SETUP,
    PARTITION_PROPERTIES,
    PARTITIONS,
    PROGRAMS,
    install_path,
    partition_of,
    partition_table,
    partitions,
)
from cklauto.checks.api import Answers, Decision, Read, RuleIds, Settings, Table, Verdict


def decide(answers: Answers, settings: Settings) -> Decision:
    install = install_path(answers[EXCHANGE_SETUP])
    known = partitions(answers[PARTITIONS])
    home = partition_of(install, known)
    lines = [
        Verdict(
            "Exchange", None, f"installed in {install}, on {home.label if home else 'no partition Get-Partition lists'}"
        )
    ]
    beside = 0
    for record in sorted(answers[PROGRAMS], key=lambda r: text_of(r, "DisplayName") if "DisplayName" in r else ""):
        if "DisplayName" not in record or "InstallLocation" not in record:
            continue
        name, where = text_of(record, "DisplayName"), values.text(record["InstallLocation"]) or ""
        if not name.strip() or not where.strip() or where.rstrip("\\").casefold() == install.casefold():
            continue
        if home is not None and partition_of(where, known) == home:
            beside += 1
            lines.append(Verdict(name, None, f"installed in {where}, on Exchange's partition: approved by the ISSO?"))
    os_note = "Windows' partition" if home is not None and home.is_os else "a partition of its own"
    summary = (
        f"Exchange is installed in {install}, on {os_note}; {beside} other program(s) have their folder on the same "
        "partition. Whether that meets the EDSP (a separate directory or partition, no unapproved applications) is "
        "for a person."
    )
    return Decision.evidence(
        summary, lines, ("Programs without an install folder in their Uninstall key are not placed.",)
    )


def tabulate(answers: Answers) -> list[Table]:
    shown = [r for r in answers[PROGRAMS] if "DisplayName" in r and "InstallLocation" in r]
    return [table(shown, ("DisplayName", "InstallLocation")), partition_table(partitions(answers[PARTITIONS]))]


CHECK = evidence_check(
    ids=RuleIds(
        stig_id="EX13-MB-000310",
        group_id="V-207328",
        rule_ids=(
            "SV-207328r615936_rule",
            "SV-207328r961608_rule",
        ),
        legacy_ids=("V-70077", "SV-84699"),
    ),
    title="The Exchange Email application must not share a partition with another application.",
    severity="medium",
    reads=(
        Read(EXCHANGE_SETUP, ("MsiInstallPath",)),
        Read(PARTITIONS, PARTITION_PROPERTIES),
        Read(PROGRAMS, ("PSChildName",)),
    ),
    stig_command="(none: review the EDSP and where Exchange is installed)",
    decide=decide,
    tabulate=tabulate,
    summary="evidence only: Exchange's partition and the programs beside it (--collect-evidence --host-checks)",
)

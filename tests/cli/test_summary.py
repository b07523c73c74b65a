"""The summary a person reads after a run: the table fits the terminal, other STIGs stay out of the way, and the
run ends with every failure naming its checklist, host, rule and cause (also with -q); a run that checked nothing
fails."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import PASSWORD, Site
from tests.conftest import SAMPLES


def other_stig(folder: Path, name: str = "rhel9.ckl") -> Path:
    """A checklist of another STIG (a sample, its STIG renamed): skipped by every run."""
    data = (SAMPLES / "ex01.contoso.mil.ckl").read_bytes().replace(b"MS_Exchange_2013_Mailbox_STIG", b"RHEL_9_STIG")
    path = folder / name
    path.write_bytes(data)
    return path


def mixed_folder(site: Site) -> None:
    """The day the issue describes: a folder with another STIG's checklist, a broken file and one host down."""
    other_stig(site.folder)
    (site.folder / "broken.ckl").write_text("<CHECKLIST><ASSET>", encoding="utf-8")
    site.emu.behavior("ex03.contoso.mil").fail = "unauthorized"


def test_the_summary_hides_other_stigs_and_ends_with_the_failures(site: Site, monkeypatch) -> None:
    mixed_folder(site)
    monkeypatch.chdir(site.tmp)
    result = site.invoke(*site.base_args("checklists"))
    assert result.exit_code == 1
    port = site.emu.port_of("ex03.contoso.mil")
    assert result.stdout == (
        "Checklists in checklists:\n"
        "\n"
        "CHECKLIST                        HOST              RULES  NF  OPEN  NA  LEFT  FAILED  CHANGED  RESULT\n"
        "broken.ckl                       -                 0      0   0     0   0     1       0        error (see below)\n"
        "ex01.contoso.mil.ckl             ex01.contoso.mil  1      1   0     0   0     0       1        written\n"
        "ex02.contoso.mil.cklb            ex02.contoso.mil  1      1   0     0   0     0       1        written\n"
        "ex03.contoso.mil.ckl             ex03.contoso.mil  1      0   0     0   0     1       0        not written\n"
        "ex04.contoso.mil.cklb            ex04.contoso.mil  1      1   0     0   0     0       1        written\n"
        "ex05.contoso.mil_V1R6-style.ckl  ex05.contoso.mil  1      1   0     0   0     0       1        written\n"
        "ex06.contoso.mil_multi-STIG.ckl  ex06.contoso.mil  1      1   0     0   0     0       1        written\n"
        "(1 skipped checklist not shown: other STIGs, or none of the selected rules; -v lists them)\n"
        "\n"
        "Totals (8 checklists): 5 NotAFinding, 2 failed, 1 skipped\n"
        "\n"
        "Failures in 2 checklists:\n"
        "  broken.ckl (host not read): checklists/broken.ckl: is not well-formed XML: Premature end of data in tag ASSET "
        "line 1, line 1, column 19\n"
        "  ex03.contoso.mil.ckl (ex03.contoso.mil) EX13-MB-000120: 127.0.0.1: authentication failed (basic) at "
        f"https://127.0.0.1:{port}/PowerShell (check --username and CKLAUTO_PASSWORD)\n"
    )
    assert PASSWORD not in result.output


def test_verbose_lists_the_skipped_checklists_too(site: Site) -> None:
    other_stig(site.folder)
    result = site.invoke(*site.base_args(str(site.folder), "-v"))
    assert result.exit_code == 0, result.output
    table = result.stdout.split("\n\nTotals")[0].splitlines()
    assert table[-1] == (
        "rhel9.ckl                        ex01.contoso.mil  0      0   0     0   0     0       0        "
        "skipped: does not hold t\u2026"
    )
    assert "not shown" not in result.stdout
    assert "Totals (7 checklists): 5 NotAFinding, 1 Open, 1 skipped\n" in result.stdout


def test_quiet_prints_only_the_failures_each_naming_checklist_host_and_rule(site: Site, monkeypatch) -> None:
    mixed_folder(site)
    monkeypatch.chdir(site.tmp)
    result = site.invoke(*site.base_args("checklists", "-q"))
    assert result.exit_code == 1
    assert result.stdout == ""
    port = site.emu.port_of("ex03.contoso.mil")
    assert result.stderr == (
        "Error: broken.ckl (host not read): checklists/broken.ckl: is not well-formed XML: Premature end of data "
        "in tag ASSET line 1, line 1, column 19\n"
        "Error: ex03.contoso.mil.ckl (ex03.contoso.mil) EX13-MB-000120: 127.0.0.1: authentication failed (basic) at "
        f"https://127.0.0.1:{port}/PowerShell (check --username and CKLAUTO_PASSWORD)\n"
    )


def test_quiet_works_before_the_command_name_too(site: Site) -> None:
    mixed_folder(site)
    before = site.invoke("-q", *site.base_args(str(site.folder)))
    after = site.invoke(*site.base_args(str(site.folder), "-q"))
    assert before.exit_code == after.exit_code == 1
    assert before.stdout == "" and before.stderr == after.stderr


def test_rules_of_one_checklist_failing_for_one_reason_share_a_line(site: Site) -> None:
    site.emu.behavior("ex01.contoso.mil").fail = "unauthorized"
    args = site.base_args(str(site.checklist("ex01")), "--rule", "EX13-MB-000005", "--rule", "EX13-MB-000015")
    args += ["--rule", "EX13-MB-000020", "--rule", "EX13-MB-000025"]
    result = site.invoke(*args)
    port = site.emu.port_of("ex01.contoso.mil")
    assert result.stdout.split("Failures in 1 checklist:\n")[1] == (
        "  ex01.contoso.mil.ckl (ex01.contoso.mil) EX13-MB-000005, EX13-MB-000015 and 3 more rules: 127.0.0.1: "
        f"authentication failed (basic) at https://127.0.0.1:{port}/PowerShell (check --username and CKLAUTO_PASSWORD)\n"
    )


def test_long_names_are_cut_with_an_ellipsis_keeping_the_file_name(site: Site) -> None:
    deep = site.folder / ("site-" + "b" * 70) / ("rack-" + "c" * 40)
    deep.mkdir(parents=True)
    site.checklist("ex01").rename(deep / "ex01.contoso.mil.ckl")
    result = site.invoke(*site.base_args(str(site.folder)))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 120
    row = next(line for line in lines if "ex01.contoso.mil.ckl" in line)
    assert row.startswith("\u2026" + "c" * 20) and "/ex01.contoso.mil.ckl  ex01.contoso.mil  1 " in row


def test_on_a_terminal_rows_fit_its_width_and_failures_continue_on_indented_lines(site: Site) -> None:
    other_stig(site.folder, "a-checklist-of-another-stig-with-a-long-name.ckl")
    site.emu.behavior("ex03.contoso.mil").fail = "unauthorized"
    leader, follower = pty.openpty()
    env = {**os.environ, "CKLAUTO_PASSWORD": PASSWORD, "COLUMNS": "72"}
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cklauto", *site.base_args(str(site.folder), "-v")],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 1
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    lines = b"".join(chunks).decode().replace("\r\n", "\n").splitlines()
    assert lines and max(len(line) for line in lines) <= 72, lines
    header = next(line for line in lines if line.startswith("CHECK"))
    assert header.endswith("RESULT") and "HOST" in header
    skipped = next(line for line in lines if "ame.ckl  " in line)
    assert skipped.endswith("\u2026") and len(skipped) == 72
    failure = lines[lines.index("Failures in 1 checklist:") + 1 :]
    assert failure[0].startswith("  ex03.contoso.mil.ckl (ex03.contoso.mil) EX13-MB-000120: ")
    assert len(failure) > 1 and all(line.startswith("      ") for line in failure[1:])
    assert " ".join(line.strip() for line in failure).endswith("(check --username and CKLAUTO_PASSWORD)")


def test_a_run_that_checks_nothing_fails(site: Site, tmp_path: Path) -> None:
    folder = tmp_path / "wrong-folder"
    folder.mkdir()
    other_stig(folder, "rhel9.ckl")
    other_stig(folder, "win2019.ckl")
    result = site.invoke(*site.base_args(str(folder)))
    assert result.exit_code == 4
    assert result.stdout == (
        f"Checklists in {folder}:\n"
        "\n"
        "(2 skipped checklists not shown: other STIGs, or none of the selected rules; -v lists them)\n"
        "\n"
        "Totals (2 checklists): 2 skipped\n"
    )
    assert result.stderr == (
        f"Error: nothing was checked: none of the 2 checklist(s) found in {folder} holds the Exchange 2013 Mailbox "
        "STIG with a selected rule (is this the right folder?)\n"
    )
    quiet = site.invoke(*site.base_args(str(folder), "-q"))
    assert quiet.exit_code == 4 and quiet.stdout == "" and "nothing was checked" in quiet.stderr

"""``--output-dir`` hands over the complete set: every readable checklist of the run, where the summary shows it.

Updated where cklauto wrote rules (also when some rules failed), byte-identical otherwise (another STIG, every rule
left to a person, a server that could not be reached); an unreadable file is not copied and its row says so.  Two
``ex01.ckl`` in different folders keep their folders; copies keep the original's permissions; inputs are never
touched, and an --output-dir that holds inputs is refused before anything is written.
"""

from __future__ import annotations

import json
import shutil
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cklauto.formats import open_checklist
from tests.conftest import SAMPLES
from tests.isso.estate import Estate, estate_at

RULE = "EX13-MB-000120"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    with estate_at(tmp_path_factory.mktemp("outdir")) as estate:
        yield estate


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def handover_folder(shared: Estate, tmp_path: Path) -> Estate:
    """siteA/ and siteB/ each with an ex01.ckl; a checklist of another STIG; one a person reviewed; one whose
    server is down; a broken file."""
    root = tmp_path / "checklists"
    for site in ("siteA", "siteB"):
        (root / site).mkdir(parents=True)
        shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", root / site / "ex01.ckl")
    (root / "siteA" / "ex01.ckl").chmod(0o600)  # a site that keeps its checklists private
    other = (SAMPLES / "ex03.contoso.mil.ckl").read_bytes().replace(b"MS_Exchange_2013_Mailbox_STIG", b"Other_STIG")
    (root / "siteB" / "other-stig.ckl").write_bytes(other)
    reviewed = root / "siteB" / "ex02.cklb"
    shutil.copyfile(SAMPLES / "ex02.contoso.mil.cklb", reviewed)
    checklist = open_checklist(reviewed)
    rule = next(r for r in checklist.rules() if r.rule_version == RULE)
    from cklauto.model import Status

    checklist.with_review(rule, status=Status.NOT_A_FINDING, finding_details="Checked by hand.").save()
    shutil.copyfile(SAMPLES / "ex04.contoso.mil.cklb", root / "ex04.cklb")
    (root / "broken.ckl").write_text("<CHECKLIST><ASSET>", encoding="utf-8")
    inventory = tmp_path / "hosts.csv"
    lines = [line for line in shared.inventory.read_text().splitlines() if not line.startswith("ex04.")]
    inventory.write_text("\n".join([*lines, f"ex04.contoso.mil,127.0.0.1,{closed_port()}"]) + "\n")
    return Estate(root, shared.emu, inventory, shared.site, tmp_path, shared.hosts)


def test_every_checklist_is_handed_over_at_the_path_the_summary_shows(handover_folder: Estate) -> None:
    estate = handover_folder
    before = estate.snapshot()
    out = estate.tmp / "handover"
    # -v: the summary lists the checklists of other STIGs too (they are handed over as well).
    result = estate.invoke(*estate.args(str(estate.folder), "--output-dir", str(out), "-v", rule=RULE))
    assert result.exit_code == 1, result.output  # the broken file and the server that is down
    assert estate.snapshot() == before  # no input touched
    handed = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name != ".cklauto-output")
    assert handed == ["ex04.cklb", "siteA/ex01.ckl", "siteB/ex01.ckl", "siteB/ex02.cklb", "siteB/other-stig.ckl"]
    for name in handed:
        assert f"\n{name} " in result.output  # the summary names each checklist by that same path
    root = estate.folder
    # Written: both ex01s, each in its own folder.
    for site in ("siteA", "siteB"):
        copy = out / site / "ex01.ckl"
        assert copy.read_bytes() != (root / site / "ex01.ckl").read_bytes()
        assert next(r for r in open_checklist(copy).rules() if r.rule_version == RULE).review.status.value == "Open"
    # Byte for byte: another STIG, a person's review, a server that could not be asked.
    for name in ("siteB/other-stig.ckl", "siteB/ex02.cklb", "ex04.cklb"):
        assert (out / name).read_bytes() == (root / name).read_bytes(), name
    assert stat.S_IMODE((out / "siteA" / "ex01.ckl").stat().st_mode) == 0o600


def test_the_report_says_where_each_copy_is_and_why_one_is_missing(handover_folder: Estate) -> None:
    estate = handover_folder
    out = estate.tmp / "handover"
    report = estate.tmp / "report.json"
    estate.invoke(*estate.args(str(estate.folder), "--output-dir", str(out), "--report", str(report), rule=RULE))
    rows = {
        Path(r["checklist"]).relative_to(estate.folder).as_posix(): r
        for r in json.loads(report.read_text())["checklists"]
    }
    assert rows["broken.ckl"]["written_to"] == ""
    assert rows["broken.ckl"]["note"] == f"not copied to {out}: it could not be read as a checklist"
    assert rows["ex04.cklb"]["outcome"] == "error" and rows["ex04.cklb"]["written_to"] == str(out / "ex04.cklb")
    assert rows["siteB/ex02.cklb"]["outcome"] == "skipped"
    assert rows["siteB/ex02.cklb"]["written_to"] == str(out / "siteB" / "ex02.cklb")
    assert rows["siteB/other-stig.ckl"]["written_to"] == str(out / "siteB" / "other-stig.ckl")


def test_a_checklist_whose_rules_partly_failed_is_handed_over_as_written(shared: Estate, tmp_path: Path) -> None:
    """EX13-MB-000145/150 read Get-Mailbox; RBAC hides it on this server, so those two fail, the rest is written."""
    from cklauto.emulator import EmulatedExchange, HostBehavior
    from tests.isso.estate import PASSWORD, USER

    folder = tmp_path / "checklists"
    folder.mkdir()
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", folder / "ex01.ckl")
    host = HostBehavior("ex01.contoso.mil", sample="noncompliant", hidden_cmdlets=["Get-Mailbox"])
    with EmulatedExchange([host], tls=True, auth="basic", users={USER: PASSWORD}) as emu:
        inventory = tmp_path / "hosts.csv"
        inventory.write_text(f"host,server,port\nex01.contoso.mil,127.0.0.1,{emu.port_of(host.name)}\n")
        estate = Estate(folder, emu, inventory, shared.site, tmp_path)
        out = tmp_path / "out"
        result = estate.invoke(*estate.args(str(folder), "--output-dir", str(out), "--json"))
    assert result.exit_code == 1
    rows = json.loads(result.output)["checklists"]
    assert sorted(r["rule"] for r in rows if r["outcome"] == "error") == ["EX13-MB-000145", "EX13-MB-000150"]
    assert {r["written_to"] for r in rows} == {str(out / "ex01.ckl")}
    copy = {r.rule_version: r.review.status.value for r in open_checklist(out / "ex01.ckl").rules()}
    assert copy["EX13-MB-000145"] == "Not_Reviewed" and copy[RULE] == "Open"


def test_an_output_dir_that_holds_the_inputs_is_refused(handover_folder: Estate) -> None:
    estate = handover_folder
    before = estate.snapshot()
    # The input folder itself is bad usage (exit 2, tests/hostile/test_output_dir.py); one that holds inputs is
    # refused once the checklists are known.
    same = estate.invoke(*estate.args(str(estate.folder), "--output-dir", str(estate.folder), rule=RULE))
    assert same.exit_code == 2 and "is also an input folder" in same.output
    # A folder inside an input folder that holds someone's checklists: they would be skipped and overwritten.
    inside = estate.invoke(*estate.args(str(estate.folder), "--output-dir", str(estate.folder / "siteA"), rule=RULE))
    assert inside.exit_code == 2 and "holds checklists cklauto did not write there" in inside.output
    for out in (estate.tmp,):
        result = estate.invoke(*estate.args(str(estate.folder), "--output-dir", str(out), rule=RULE))
        assert result.exit_code == 1
        assert f"Error: --output-dir {out} holds " in result.output
        assert "give an --output-dir outside the folders of the checklists" in result.output
        assert estate.snapshot() == before


def test_a_dry_run_hands_over_nothing(handover_folder: Estate) -> None:
    estate = handover_folder
    out = estate.tmp / "handover"
    result = estate.invoke(*estate.args(str(estate.folder), "--output-dir", str(out), "--dry-run", rule=RULE))
    assert result.exit_code == 1  # the broken file and the server that is down still fail
    assert not out.exists()


def test_a_second_run_replaces_the_copies_atomically(handover_folder: Estate) -> None:
    estate = handover_folder
    out = estate.tmp / "handover"
    estate.invoke(*estate.args(str(estate.folder), "--output-dir", str(out), rule=RULE))
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    estate.invoke(*estate.args(str(estate.folder), "--output-dir", str(out), rule=RULE))
    second = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert set(first) == set(second)  # no temporary file left behind, nothing missing
    assert second[out / "siteB" / "other-stig.ckl"] == first[out / "siteB" / "other-stig.ckl"]

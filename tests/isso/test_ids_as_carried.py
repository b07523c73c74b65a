"""Finding details, comments, ``show`` and the report name each rule by the IDs the checklist itself carries.

An ISSO searches STIG Manager and eMASS by those: ``EX13-MB-000120 (V-207290)`` in a V2 checklist, ``V-69987`` in a
V1 one, never an ID of another release.  One run of every rule over every sample (V1-style, V2R1, V2R2, V2R3; CKL
and CKLB; a multi-STIG CKL) is checked.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cklauto.checks import all_checks
from cklauto.checks.api import EXCHANGE_2013_MAILBOX
from cklauto.formats import Rule, open_checklist
from tests.isso.estate import Estate, estate_at

HEADER = re.compile(r"^cklauto \S+ evaluated (?P<stig_id>\S+) \((?P<shown_id>[^()\s]+)\) as ", re.MULTILINE)
# Every DISA rule identifier form that could be written: Group ID (V-), Rule ID (SV-, with revision) and STIG ID.
ANY_ID = re.compile(r"\b(?:S?V-\d{4,}(?:r\d+_rule)?|EX13-MB-\d{6})\b")


#: Every ID of every Exchange 2013 Mailbox rule cklauto knows, in any release (Group, Rule, STIG and legacy IDs).
STIG_IDS = frozenset(name for check in all_checks() for name in check.ids.names())


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Estate, dict]]:
    with estate_at(tmp_path_factory.mktemp("ids")) as estate:
        report = estate.tmp / "report.json"
        result = estate.invoke(*estate.args(str(estate.folder), "--report", str(report)))
        assert result.exit_code == 0, result.output
        yield estate, json.loads(report.read_text(encoding="utf-8"))


def exchange_rules(path: Path) -> list[Rule]:
    checklist = open_checklist(path)
    return [r for stig in checklist.stigs_with_id(EXCHANGE_2013_MAILBOX) for r in checklist.rules(stig)]


def test_every_written_rule_names_itself_only_by_ids_its_checklist_carries(estate: tuple[Estate, dict]) -> None:
    folder = estate[0]
    written = 0
    for path in folder.files():
        for rule in exchange_rules(path):
            header = HEADER.search(rule.review.finding_details)
            if header is None:
                continue
            written += 1
            names = rule.names
            assert header["stig_id"] in names, (path.name, rule.rule_version, header[0])
            assert header["shown_id"] in names, (path.name, rule.rule_version, header[0])
            # Nor anywhere else in what cklauto wrote: no ID of this STIG's other releases, and no other rule's.
            # (A check may cite another product's STIG, e.g. "the Exchange 2019 STIG, V-259653": not this STIG's.)
            own_text = rule.review.finding_details + "\n" + rule.review.comments
            foreign = {m for m in ANY_ID.findall(own_text) if m.upper() in STIG_IDS and m.upper() not in names}
            assert not foreign, (path.name, rule.rule_version, foreign)
    assert written >= 6 * 48  # every sample, nearly every automated rule


def test_a_v1_checklist_is_answered_with_its_v1_group_id(estate: tuple[Estate, dict]) -> None:
    folder = estate[0]
    rule = next(r for r in exchange_rules(folder.checklist("EX05")) if r.rule_version == "EX13-MB-000120")
    assert rule.group_id == "V-69987"  # the sample is V1-style for this rule
    details = rule.review.finding_details
    assert HEADER.search(details)[0].startswith("cklauto ") and " EX13-MB-000120 (V-69987) as " in details
    assert "V-207290" not in details and "V-207290" not in rule.review.comments


def test_show_lists_the_ids_the_checklist_carries(estate: tuple[Estate, dict]) -> None:
    folder = estate[0]
    for host in ("EX01", "EX02", "EX03", "EX04", "EX05", "EX06"):
        path = folder.checklist(host)
        names_by_row = {r.rule_version: r.names for r in exchange_rules(path)}
        shown = folder.invoke("show", str(path))
        assert shown.exit_code == 0, shown.output
        rows = [line.split() for line in shown.output.splitlines() if line.startswith("    EX13-MB-")]
        assert len(rows) == len(all_checks())
        for stig_id, group_id, rule_id, *_ in rows:
            assert {stig_id, group_id, rule_id.upper()} <= names_by_row[stig_id], (host, stig_id)
        as_json = json.loads(folder.invoke("show", str(path), "--json").output)[0]["rules"]
        for item in as_json:
            assert item["rule_version"] in names_by_row and item["group_id"] in names_by_row[item["rule_version"]]
    v1 = folder.invoke("show", str(folder.checklist("EX05")), "--details", "V-69987").output
    assert "EX13-MB-000120  V-69987   SV-84609r1_rule" in v1
    assert "EX13-MB-000120 (V-69987) as Open" in v1


def test_report_rows_carry_the_checklists_group_id(estate: tuple[Estate, dict]) -> None:
    folder, report = estate
    rules = {path: {r.rule_version: r for r in exchange_rules(path)} for path in folder.files()}
    for row in report["checklists"]:
        if row["rule"]:
            assert row["group_id"] == rules[Path(row["checklist"])][row["rule"]].group_id
    v1_rows = [r for r in report["checklists"] if r["host"] == "ex05.contoso.mil" and r["rule"] == "EX13-MB-000120"]
    assert [r["group_id"] for r in v1_rows] == ["V-69987"]


def test_a_checklist_without_a_group_id_is_named_by_its_rule_id(estate: tuple[Estate, dict], tmp_path: Path) -> None:
    """Vuln_Num left empty (an old converter did this): the header falls back to the Rule ID the file holds, never to
    a Group ID cklauto knows from DISA's XCCDF."""
    folder = estate[0]
    path = tmp_path / "ex01.ckl"
    shutil.copyfile(folder.checklist("EX01"), path)
    original = open_checklist(path)
    rule = next(r for r in original.rules() if r.rule_version == "EX13-MB-000120")
    # Reset this copy (the module's run wrote it) and blank its Vuln_Num.
    data = path.read_bytes()
    data = data.replace(b"<ATTRIBUTE_DATA>V-207290</ATTRIBUTE_DATA>", b"<ATTRIBUTE_DATA></ATTRIBUTE_DATA>", 1)
    path.write_bytes(data)
    result = folder.invoke(*folder.args(str(path), "--overwrite-reviewed", rule="EX13-MB-000120"))
    assert result.exit_code == 0, result.output
    written = next(r for r in open_checklist(path).rules() if r.rule_version == "EX13-MB-000120")
    assert written.group_id == ""
    assert f" EX13-MB-000120 ({rule.rule_id}) as Open " in written.review.finding_details
    assert not re.search(r"\bV-207290\b", written.review.finding_details)

"""Hostile and broken checklists end in one clear error naming the file, and nothing is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cklauto.errors import ChecklistError, TargetRuleError
from cklauto.formats import MAX_CHECKLIST_BYTES, open_checklist
from cklauto.model import Status
from cklauto.rules import find_rule
from tests.conftest import REFERENCE, reference_files

SMALL_CKL = REFERENCE / "ckl" / "sv2.17_RHEL9-V1R3_overrides_all-statuses.ckl"
SMALL_CKLB = REFERENCE / "cklb" / "sv3_Splunk8x-Linux-V1R5_New-Checklist.cklb"
needs_reference = pytest.mark.skipif(not SMALL_CKL.exists(), reason=f"reference checklists not found at {REFERENCE}")

MINIMAL_CKL = b"""<?xml version="1.0" encoding="UTF-8"?>
<CHECKLIST><ASSET><HOST_NAME>h</HOST_NAME></ASSET><STIGS><iSTIG><STIG_INFO><SI_DATA><SID_NAME>stigid</SID_NAME><SID_DATA>X</SID_DATA></SI_DATA></STIG_INFO>
<VULN><STIG_DATA><VULN_ATTRIBUTE>Vuln_Num</VULN_ATTRIBUTE><ATTRIBUTE_DATA>V-1</ATTRIBUTE_DATA></STIG_DATA><STATUS>Not_Reviewed</STATUS><FINDING_DETAILS></FINDING_DETAILS><COMMENTS></COMMENTS><SEVERITY_OVERRIDE></SEVERITY_OVERRIDE><SEVERITY_JUSTIFICATION></SEVERITY_JUSTIFICATION></VULN>
</iSTIG></STIGS></CHECKLIST>"""

CASES = {
    "empty": (b"", "is empty"),
    "whitespace": (b"  \n\t ", "is empty"),
    "plain text": (b"hello, this is not a checklist", "neither"),
    "truncated xml": (MINIMAL_CKL[: len(MINIMAL_CKL) // 2], "not well-formed XML"),
    "truncated json": (b'{"title": "x", "stigs": [{"rules": [', "not valid JSON"),
    "html page": (b"<!DOCTYPE html><html><body>login</body></html>", "DTD"),
    "wrong xml root": (b"<?xml version='1.0'?><Benchmark><Group/></Benchmark>", "root element is <Benchmark>"),
    "namespaced root": (b'<CHECKLIST xmlns="urn:x"><ASSET/><STIGS/></CHECKLIST>', "root element"),
    "checklist without stigs": (b"<CHECKLIST><ASSET></ASSET></CHECKLIST>", "no STIGS/iSTIG"),
    "json array": (b"[1, 2, 3]", "neither"),
    "json of another tool": (b'{"profiles": [], "platform": {"name": "inspec"}}', "no 'stigs' list"),
    "cklb with no stigs": (b'{"title":"t","stigs":[],"target_data":{}}', "holds no STIG"),
    "invalid utf-8 xml": (MINIMAL_CKL.replace(b"<HOST_NAME>h", b"<HOST_NAME>\xff\xfe"), "not valid UTF-8"),
    "invalid utf-8 json": (b'{"title":"\xc3\x28","stigs":[],"target_data":{}}', "not valid UTF-8"),
    "utf-16 xml": ("\ufeff<?xml version='1.0' encoding='UTF-16'?><CHECKLIST/>".encode("utf-16-le"), "neither"),
    "latin-1 declared": (MINIMAL_CKL.replace(b"UTF-8", b"ISO-8859-1"), "only UTF-8"),
    "xxe file entity": (
        b'<?xml version="1.0"?><!DOCTYPE CHECKLIST [<!ENTITY x SYSTEM "file:///etc/passwd">]><CHECKLIST>&x;</CHECKLIST>',
        "DTD",
    ),
    "xxe network entity": (
        b'<?xml version="1.0"?><!DOCTYPE CHECKLIST SYSTEM "http://127.0.0.1:9/evil.dtd"><CHECKLIST/>',
        "DTD",
    ),
    "entity bomb": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><CHECKLIST>&d;</CHECKLIST>',
        "DTD",
    ),
    "bad status": (MINIMAL_CKL.replace(b"Not_Reviewed", b"No_Data"), "does not accept"),
    "json integer beyond the int-string limit": (
        b'{"title":"t","size":' + b"7" * 5000 + b',"stigs":[{"rules":[]}],"target_data":{}}',
        "more than 4,300 digits",
    ),
    "json nested too deeply": (b'{"title":' + b"[" * 200_000 + b"]" * 200_000 + b"}", "nested too deeply"),
    "xml nested too deeply": (
        MINIMAL_CKL.replace(b"<HOST_NAME>h</HOST_NAME>", b"<X>" * 1000 + b"</X>" * 1000),
        "not well-formed",
    ),
}


@pytest.mark.parametrize("content,expected", list(CASES.values()), ids=list(CASES))
def test_broken_file_is_one_clear_error_and_untouched(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "server01.ckl"
    path.write_bytes(content)
    with pytest.raises(ChecklistError) as caught:
        checklist = open_checklist(path)
        checklist.rules()  # statuses are read lazily, per STIG
    message = str(caught.value)
    assert str(path) in message
    assert expected in message
    assert "\n" not in message
    assert "root:" not in message  # the entity was never resolved
    assert path.read_bytes() == content


def test_missing_file_and_folder_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="no such file"):
        open_checklist(tmp_path / "nope.ckl")
    with pytest.raises(ChecklistError, match="is a folder"):
        open_checklist(tmp_path)


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.ckl"
    with open(path, "wb") as handle:  # sparse: costs no disk
        handle.truncate(MAX_CHECKLIST_BYTES + 1)
    with pytest.raises(ChecklistError, match="MiB limit"):
        open_checklist(path)


def test_minimal_checklist_parses(tmp_path: Path) -> None:
    path = tmp_path / "m.ckl"
    path.write_bytes(MINIMAL_CKL)
    checklist = open_checklist(path)
    assert checklist.asset.host_name == "h"
    assert [r.group_id for r in checklist.rules()] == ["V-1"]


def test_target_stig_missing_names_the_file_and_what_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "m.ckl"
    path.write_bytes(MINIMAL_CKL)
    with pytest.raises(TargetRuleError) as caught:
        find_rule(open_checklist(path), "MS_Exchange_2013_Mailbox_STIG", ["EX13-MB-000120"])
    assert str(path) in str(caught.value) and "holds: X" in str(caught.value)


def test_rule_present_twice_is_refused(tmp_path: Path) -> None:
    vuln_start = MINIMAL_CKL.index(b"<VULN>")
    vuln_end = MINIMAL_CKL.index(b"</VULN>") + len(b"</VULN>")
    doubled = MINIMAL_CKL[:vuln_end] + MINIMAL_CKL[vuln_start:vuln_end] + MINIMAL_CKL[vuln_end:]
    path = tmp_path / "twice.ckl"
    path.write_bytes(doubled)
    with pytest.raises(TargetRuleError, match="2 times"):
        find_rule(open_checklist(path), "X", ["V-1"])


@needs_reference
@pytest.mark.parametrize("source", [SMALL_CKL, SMALL_CKLB], ids=["ckl", "cklb"])
def test_read_only_file_is_not_saved(source: Path, copy_of) -> None:
    path = copy_of(source)
    checklist = open_checklist(path)
    rule = checklist.rules()[0]
    edited = checklist.with_review(rule, finding_details="new")
    path.chmod(0o444)
    with pytest.raises(ChecklistError, match="read-only"):
        edited.save()
    assert path.read_bytes() == source.read_bytes()


@needs_reference
def test_read_only_folder_is_not_saved(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / SMALL_CKL.name
    path.write_bytes(SMALL_CKL.read_bytes())
    checklist = open_checklist(path)
    edited = checklist.with_review(checklist.rules()[0], status=Status.OPEN)
    folder.chmod(0o555)
    try:
        with pytest.raises(ChecklistError, match="folder .* is read-only"):
            edited.save()
        assert path.read_bytes() == SMALL_CKL.read_bytes()
        assert os.listdir(folder) == [path.name]
    finally:
        folder.chmod(0o755)


@needs_reference
def test_file_changed_on_disk_after_reading_is_not_overwritten(copy_of) -> None:
    path = copy_of(SMALL_CKL)
    checklist = open_checklist(path)
    edited = checklist.with_review(checklist.rules()[0], status=Status.OPEN)
    path.write_bytes(SMALL_CKL.read_bytes() + b"\n")  # someone saved it meanwhile
    with pytest.raises(ChecklistError, match="changed on disk"):
        edited.save()
    assert path.read_bytes() == SMALL_CKL.read_bytes() + b"\n"


@needs_reference
@pytest.mark.parametrize("source", reference_files("ckl")[:1] + reference_files("cklb")[:1])
def test_save_keeps_permissions(source: Path, copy_of) -> None:
    path = copy_of(source)
    path.chmod(0o640)
    checklist = open_checklist(path)
    checklist.with_review(checklist.rules()[0], finding_details="kept mode").save()
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in path.parent.iterdir()] == [path.name]


@needs_reference
def test_reopen_if_unchanged_notices_any_change(copy_of) -> None:
    from cklauto.formats import reopen_if_unchanged

    path = copy_of(SMALL_CKL)
    fingerprint = open_checklist(path).fingerprint
    assert reopen_if_unchanged(path, fingerprint) is not None
    stat = path.stat()
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Not_Reviewed", b"NotAFinding_", 1)[: len(data)])  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
    assert reopen_if_unchanged(path, fingerprint) is None

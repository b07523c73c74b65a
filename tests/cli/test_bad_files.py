"""Every broken or hostile checklist, through the CLI: one error line naming the file, exit 1, file untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cklauto.cli import main
from tests.conftest import SAMPLES
from tests.formats.test_bad_input import CASES

# "bad status" there sits in a checklist of another STIG, which run skips; see the test below.
FILE_CASES = {name: case for name, case in CASES.items() if name != "bad status"}


def _bad_status_in_target_rule() -> bytes:
    data = (SAMPLES / "ex01.contoso.mil.ckl").read_bytes()
    rule = data.index(b"<ATTRIBUTE_DATA>EX13-MB-000120</ATTRIBUTE_DATA>")
    status = data.index(b"<STATUS>Not_Reviewed</STATUS>", rule)
    return data[:status] + b"<STATUS>No_Data</STATUS>" + data[status + len(b"<STATUS>Not_Reviewed</STATUS>") :]


FILE_CASES["bad status in the target rule"] = (_bad_status_in_target_rule(), "does not accept")


@pytest.mark.parametrize("content,expected", list(FILE_CASES.values()), ids=list(FILE_CASES))
def test_run_and_show_refuse_a_bad_checklist_without_touching_it(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "ex01.contoso.mil.ckl"
    path.write_bytes(content)
    evidence = tmp_path / "sendconnectors.json"
    evidence.write_text(
        json.dumps([{"Name": "Relay", "Identity": "Relay", "TlsDomain": "contoso.mil"}]), encoding="utf-8"
    )
    runner = CliRunner()
    run = runner.invoke(
        main, ["run", str(path), "--domain", "contoso.mil", "--evidence", str(evidence)], catch_exceptions=False
    )
    assert run.exit_code == 1
    error_lines = [line for line in run.output.splitlines() if str(path) in line and expected in line]
    assert len(error_lines) == 1, run.output
    assert "Traceback" not in run.output
    show = runner.invoke(main, ["show", str(path)], catch_exceptions=False)
    assert show.exit_code == 1 and expected in show.output
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, evidence.name])

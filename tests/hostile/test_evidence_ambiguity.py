"""Issue 7, items 4 and 12: evidence that is partial, ambiguous or not text fails closed, alone, with one line.

Each input is built here by code.  Every one goes through the library and through `cklauto run` in a batch with a
good checklist: the bad one ends in its own error row, the good one is still written, the report is still written,
and the checklist the bad evidence was meant for is byte-identical afterwards.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cklauto.cli import main
from cklauto.errors import EvidenceError
from cklauto.evidence import load_evidence
from tests.conftest import SAMPLES

GOOD = [{"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"}]
CLIXML_HEAD = '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'


def clixml_connector(name: str, tls: str) -> str:
    return (
        '<Obj RefId="0"><TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.'
        "SmtpSendConnectorConfig</T><T>System.Object</T></TN><Props>"
        f'<S N="Name">{name}</S><S N="Identity">{name}</S><S N="TlsDomain">{tls}</S></Props></Obj>'
    )


HOSTILE: dict[str, tuple[str, str]] = {
    "duplicate key": ('[{"Name": "A", "Identity": "A", "TlsDomain": null, "TlsDomain": "contoso.mil"}]', "twice"),
    "case-variant key": ('[{"Name": "A", "Identity": "A", "TlsDomain": null, "tlsdomain": "contoso.mil"}]', "twice"),
    "lone surrogate in JSON": ('[{"Name": "A\\ud800", "Identity": "A", "TlsDomain": "contoso.mil"}]', "surrogate"),
    "count disagrees": (
        json.dumps({"value": GOOD, "Count": 3}),
        "says it holds 3 objects but holds 1",
    ),
    "name is not text": ('[{"Name": 7, "Identity": "A", "TlsDomain": "contoso.mil"}]', "expected text"),
    "huge number": ('[{"Name": "A", "Identity": "A", "TlsDomain": "contoso.mil", "Port": ' + "9" * 5000 + "}]", "JSON"),
    "only progress records": (
        "#< CLIXML\r\n" + CLIXML_HEAD + '<Obj S="progress" RefId="0"><TN RefId="0">'
        "<T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS>"
        '<I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil />'
        "<PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj></Objs>",
        "only progress",
    ),
    "lone surrogate in CLIXML": (CLIXML_HEAD + clixml_connector("A_xD800_", "contoso.mil") + "</Objs>", "surrogate"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_evidence_is_refused_with_one_line_naming_the_file(tmp_path: Path, name: str) -> None:
    text, words = HOSTILE[name]
    path = tmp_path / "evidence.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EvidenceError) as caught:
        load_evidence(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and words in message and "\n" not in message


@pytest.mark.parametrize("name", list(HOSTILE))
def test_one_bad_evidence_file_never_stops_the_batch(tmp_path: Path, name: str) -> None:
    text, _words = HOSTILE[name]
    bad_evidence, good_evidence = tmp_path / "bad.json", tmp_path / "good.json"
    bad_evidence.write_text(text, encoding="utf-8")
    good_evidence.write_text(json.dumps(GOOD), encoding="utf-8")
    folder = tmp_path / "checklists"
    folder.mkdir()
    bad, good = folder / "ex01.contoso.mil.ckl", folder / "ex03.contoso.mil.ckl"
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", bad)
    shutil.copyfile(SAMPLES / "ex03.contoso.mil.ckl", good)
    inventory = tmp_path / "hosts.csv"
    inventory.write_text(f"host,evidence\nex01.contoso.mil,{bad_evidence}\nex03.contoso.mil,{good_evidence}\n", "utf-8")
    before = bad.read_bytes()
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(folder),
            "--rule",
            "EX13-MB-000120",
            "--domain",
            "contoso.mil",
            "--inventory",
            str(inventory),
            "--report",
            str(report),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    rows = {Path(r["checklist"]).name: r for r in json.loads(report.read_text("utf-8"))["checklists"]}
    assert rows[bad.name]["outcome"] == "error" and str(bad_evidence) in rows[bad.name]["error"]
    assert rows[good.name]["outcome"] == "written"
    assert bad.read_bytes() == before

"""The sample checklists are what their names and headers say: no sample claims one release in its header and
carries another release's rule IDs (an ISSO searches STIG Manager and eMASS by those IDs)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from cklauto.checks import all_checks
from cklauto.cli import main
from tests.conftest import SAMPLES

#: The IDs each release gives the automated rules: V1 the legacy ones, V2 the current Group IDs.
CHECKS = {check.stig_id: check.ids for check in all_checks()}


def shown(path) -> dict:
    result = CliRunner().invoke(main, ["show", "--json", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)[0]


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.ckl*")), ids=lambda p: p.name)
def test_every_sample_carries_the_ids_of_the_release_its_header_names(path) -> None:
    entry = shown(path)
    exchange = [s for s in entry["stigs"] if s["id"] == "MS_Exchange_2013_Mailbox_STIG"]
    assert len(exchange) == 1
    version = exchange[0]["version"]
    assert len(entry["rules"]) == len(CHECKS)
    for rule in entry["rules"]:
        ids = CHECKS[rule["stig_id"]]
        if version == "1":
            v1_group = next(i for i in ids.legacy_ids if i.startswith("V-"))
            v1_rule = next(i for i in ids.legacy_ids if i.startswith("SV-"))
            assert (rule["group_id"], rule["rule_id"]) == (v1_group, f"{v1_rule}r1_rule"), rule
        else:
            assert version == "2" and rule["group_id"] == ids.group_id and rule["rule_id"] in ids.rule_ids, rule


def test_the_v1r6_style_sample_names_no_v2_release_anywhere() -> None:
    path = SAMPLES / "ex05.contoso.mil_V1R6-style.ckl"
    entry = shown(path)
    assert entry["stigs"][0]["label"] == "MS_Exchange_2013_Mailbox_STIG V1R6"
    text = path.read_text(encoding="utf-8")
    assert "V2R" not in text and "Version 2," not in text
    references = set(re.findall(r"Security Technical Implementation Guide :: (Version \d+, Release: [^<]+)<", text))
    assert references == {"Version 1, Release: 6 Benchmark Date: 24 Jan 2020"}
    assert re.findall(r"<VULN_ATTRIBUTE>LEGACY_ID</VULN_ATTRIBUTE>\s*<ATTRIBUTE_DATA>([^<]+)<", text) == []

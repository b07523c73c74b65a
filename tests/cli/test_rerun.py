"""--rerun-failed REPORT: after a day with a host down, ask again for exactly what failed, from the JSON or CSV
report of that run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Site
from tests.conftest import SAMPLES


def first_run_with_ex03_down(site: Site, report: Path) -> None:
    site.emu.behavior("ex03.contoso.mil").fail = "unauthorized"
    (site.folder / "broken.ckl").write_text("<CHECKLIST><ASSET>", encoding="utf-8")
    result = site.invoke(*site.base_args(str(site.folder), "--report", str(report)))
    assert result.exit_code == 1, result.output
    site.emu.behavior("ex03.contoso.mil").fail = None
    (site.folder / "broken.ckl").unlink()  # someone replaced the broken file meanwhile
    for name in site.emu.host_names:
        site.emu.stats(name).pools_opened = 0


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_rerun_failed_asks_again_for_exactly_what_failed(site: Site, kind: str) -> None:
    report = site.tmp / f"review.{kind}"
    first_run_with_ex03_down(site, report)
    (site.folder / "broken.ckl").write_bytes((SAMPLES / "ex01.contoso.mil.ckl").read_bytes())  # readable now
    before = site.snapshot()
    # broken.ckl failed as a whole, so every rule would be asked again; --rule keeps this rerun to the one rule.
    result = site.invoke(*site.base_args("--json", "--rerun-failed", str(report)))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["checklists"]
    assert [(Path(r["checklist"]).name, r["rule"], r["outcome"]) for r in rows] == [
        ("broken.ckl", "EX13-MB-000120", "written"),
        ("ex03.contoso.mil.ckl", "EX13-MB-000120", "written"),
    ]
    changed = {p.name for p, data in before.items() if p.read_bytes() != data}
    assert changed == {"broken.ckl", "ex03.contoso.mil.ckl"}
    asked = {name for name in site.emu.host_names if site.emu.stats(name).pools_opened}
    assert asked == {"ex01.contoso.mil", "ex03.contoso.mil"}  # broken.ckl is now ex01's checklist


def test_rerun_of_a_rule_failure_asks_only_that_rule(site: Site) -> None:
    report = site.tmp / "review.json"
    site.emu.behavior("ex03.contoso.mil").fail = "unauthorized"
    site.invoke(*site.base_args(str(site.folder), "--report", str(report)))
    site.emu.behavior("ex03.contoso.mil").fail = None
    args = [a for a in site.base_args("--json") if a not in ("--rule", "EX13-MB-000120")]
    result = site.invoke(*args, "--rerun-failed", str(report))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["checklists"]
    assert [(Path(r["checklist"]).name, r["rule"], r["status"]) for r in rows] == [
        ("ex03.contoso.mil.ckl", "EX13-MB-000120", "Open")
    ]


def test_a_report_without_failures_has_nothing_to_rerun(site: Site) -> None:
    report = site.tmp / "review.csv"
    assert site.invoke(*site.base_args(str(site.folder), "--report", str(report))).exit_code == 0
    before = site.snapshot()
    result = site.invoke(*site.base_args("--rerun-failed", str(report)))
    assert result.exit_code == 0
    assert result.stderr == f"Nothing to rerun: {report} lists no failures.\n"
    assert site.snapshot() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a cklauto report (not valid JSON"),
        ('{"checklists": []}', 'not a cklauto report (no "tool": "cklauto"'),
        ("name,status\nex01,Open\n", "not a cklauto report (no checklist, outcome, rule column)"),
    ],
)
def test_a_file_that_is_not_a_report_is_a_clear_error(site: Site, content: str, message: str) -> None:
    report = site.tmp / ("bad.json" if content.startswith("{") else "bad.csv")
    report.write_text(content, encoding="utf-8")
    result = site.invoke(*site.base_args("--rerun-failed", str(report)))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {report}: {message}")


def test_paths_or_rerun_failed_not_both_and_not_neither(site: Site) -> None:
    report = site.tmp / "review.json"
    report.write_text('{"tool": "cklauto", "checklists": []}', encoding="utf-8")
    both = site.invoke(*site.base_args(str(site.folder), "--rerun-failed", str(report)))
    assert both.exit_code == 2 and "or --rerun-failed REPORT, not both" in both.output
    neither = site.invoke(*site.base_args())
    assert (
        neither.exit_code == 2 and "give checklist files or folders (PATHS), or --rerun-failed REPORT" in neither.output
    )

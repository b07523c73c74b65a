"""Untrusted names cannot steer the terminal: escape sequences, line breaks, bidi overrides and
zero-width characters in host names, file names and server messages are printed visibly escaped
by ``cklauto show`` and ``cklauto run`` (table, -v log, errors); JSON output stays JSON with the
same values; CSV cells that a spreadsheet would run as a formula are defused.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from cklauto.display import json_text, visible
from cklauto.emulator import EmulatedExchange, testing
from cklauto.emulator.testing import DEFAULT_HOST, make_host
from cklauto.report import render_csv
from cklauto.runner import Row
from tests.hostile.network_support import SAMPLE_CKLB, run_args, run_cklauto

emulator = testing.emulator  # the shared fixtures (no conftest in this folder)
emulator_factory = testing.emulator_factory

#: Clears the screen, homes the cursor, overwrites the line, adds a fake row, reverses text (U+202E),
#: hides a character (U+200B) and starts an 8-bit CSI (U+009B).
HOSTILE = "ex\x1b[2J\x1b[1;1Hevil\rfake\nex09.contoso.mil  Open  NotAFinding  written\u202eexe.lcs\u200bz\x9b31m"
UNSAFE = ["\x1b", "\r", "\x9b", "\u202e", "\u200b", "\x85", "\u2028", "\x07", "\x08", "\x7f", "\ufeff"]


def raw_unsafe(text: str) -> list[str]:
    """Unsafe characters present raw in ``text`` (newlines between lines of output are fine)."""
    return sorted({ch for ch in text if ch in UNSAFE or (ch < " " and ch != "\n")})


# --- the rendering --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x00\x07\x08\x7f", "\\x00\\x07\\x08\\x7f"),
        ("\x9b31m\x85", "\\x9b31m\\x85"),  # C1 controls: 8-bit CSI and NEL
        ("lcs\u202eexe", "lcs\\u202eexe"),
        ("\u2066\u2069\u200e\u200f\u061c", "\\u2066\\u2069\\u200e\\u200f\\u061c"),
        ("a\u200bb\u200cc\u200dd\u2060e\ufeff", "a\\u200bb\\u200cc\\u200dd\\u2060e\\ufeff"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("soft\u00adhyphen", "soft\\xadhyphen"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("undecodable \udcff byte", "undecodable \\udcff byte"),
        ("ex01.contoso.mil", "ex01.contoso.mil"),
        ("Évreux — 日本 Ω", "Évreux — 日本 Ω"),
        ("C:\\path with spaces", "C:\\path with spaces"),
    ],
)
def test_unsafe_characters_are_shown_escaped_and_nothing_else_changes(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_json_output_keeps_the_values_and_holds_no_unsafe_character_raw() -> None:
    document = {"host": HOSTILE, "more": "\x85\u2028\udcff\U000e0041\x7f", "plain": "Évreux"}
    text = json_text(document)
    assert json.loads(text) == document
    assert raw_unsafe(text) == []
    assert "Évreux" in text  # readable text stays readable


# --- cklauto show ---------------------------------------------------------------------------------------
def hostile_cklb(folder: Path, name: str = "ex\x1b[31mred\nfake.cklb", host: str = HOSTILE) -> Path:
    """The ex02 sample with hostile host name and FQDN, under a hostile file name."""
    doc = json.loads(SAMPLE_CKLB.read_text(encoding="utf-8"))
    doc["target_data"]["host_name"] = host
    doc["target_data"]["fqdn"] = host
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_show_prints_hostile_names_escaped_on_their_own_lines(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    shutil.copyfile(SAMPLE_CKLB, folder / "clean.cklb")
    clean = run_cklauto("show", str(folder / "clean.cklb"))
    hostile = hostile_cklb(folder)
    done = run_cklauto("show", str(hostile))
    assert done.returncode == 0, done.output
    assert raw_unsafe(done.stdout) == []
    assert len(done.stdout.splitlines()) == len(clean.stdout.splitlines()), "no fake lines"
    assert visible(HOSTILE) in done.stdout
    assert visible(str(hostile)) in done.stdout


def test_show_json_gives_back_the_exact_names(tmp_path: Path) -> None:
    hostile = hostile_cklb(tmp_path)
    done = run_cklauto("show", "--json", str(hostile))
    assert raw_unsafe(done.stdout) == []
    entry = json.loads(done.stdout)[0]
    assert entry["host_name"] == HOSTILE and entry["path"] == str(hostile)


def test_show_on_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    # A file name with an undecodable byte reaches Python as a lone surrogate; printing it raw fails.
    bad = tmp_path / os.fsdecode(b"ex\xff\x1b.cklb")
    shutil.copyfile(SAMPLE_CKLB, bad)
    done = run_cklauto("show", str(tmp_path))
    assert done.returncode == 0, done.output
    assert "ex\\udcff\\x1b.cklb" in done.stdout and "Traceback" not in done.output


# --- cklauto run ----------------------------------------------------------------------------------------
def test_the_summary_table_shows_hostile_names_escaped_in_one_row(emulator: EmulatedExchange, tmp_path: Path) -> None:
    hostile = hostile_cklb(tmp_path)
    done = run_cklauto(*run_args(emulator, hostile))
    assert done.returncode == 0, done.output
    assert raw_unsafe(done.stdout) == []
    # The host cell is cut to fit the width (with an ellipsis), never spread over lines.
    rows = [line for line in done.stdout.splitlines() if visible(HOSTILE)[:30] in line]
    assert len(rows) == 1, done.stdout
    assert rows[0].startswith(visible(hostile.name)) and rows[0].endswith("written") and "\u2026" in rows[0]


def test_an_error_naming_a_hostile_server_stays_one_escaped_line(emulator: EmulatedExchange, tmp_path: Path) -> None:
    # No --server: the hostile FQDN is the server, and the refusal names it.
    hostile = hostile_cklb(tmp_path)
    before = hostile.read_bytes()
    args = run_args(emulator, hostile)
    del args[args.index("--server") : args.index("--server") + 2]
    for verbosity, extra in (([], []), ([], ["-q"]), (["-v"], [])):
        done = run_cklauto(*verbosity, *args, *extra)
        assert done.returncode == 1
        assert raw_unsafe(done.stdout) == [] and raw_unsafe(done.stderr) == []
        # An error is one line by contract: its line breaks became spaces; the rest is escaped.
        assert f"not sending the password to {visible(' '.join(HOSTILE.split()))}:" in done.output
    assert hostile.read_bytes() == before


def test_verbose_logs_show_a_hostile_server_name_escaped(emulator: EmulatedExchange, tmp_path: Path) -> None:
    # Kerberos sends no password, so the hostile FQDN is asked (and fails): -v logs the URL.
    hostile = hostile_cklb(tmp_path)
    args = run_args(emulator, hostile, "--auth", "kerberos")
    del args[args.index("--server") : args.index("--server") + 2]
    del args[args.index("--username") : args.index("--username") + 2]  # Kerberos takes a ticket, or fails alone
    done = run_cklauto("-vv", *args)
    assert done.returncode == 1
    assert raw_unsafe(done.stderr) == [] and raw_unsafe(done.stdout) == []
    assert f"connect http://{visible(HOSTILE)}" in done.stderr  # Kerberos: plain HTTP, sealed


def test_a_server_message_with_control_characters_is_escaped(emulator_factory, tmp_path: Path) -> None:
    # XML cannot carry ESC itself; an error record can carry C1 controls, bidi overrides and line breaks.
    message = "The Send connector '\x9b32mOK\u202e' failed\r\nex02.contoso.mil  Open  NotAFinding  written"
    emu = emulator_factory([make_host(fail="error_record", error_message=message)])
    checklist = hostile_cklb(tmp_path, "ex01.cklb", "ex01.contoso.mil")
    before = checklist.read_bytes()
    for verbosity, extra in (([], []), ([], ["-q"]), (["-vv"], []), ([], ["--json"])):
        done = run_cklauto(*verbosity, *run_args(emu, checklist, *extra))
        assert done.returncode == 1
        assert raw_unsafe(done.stdout) == [] and raw_unsafe(done.stderr) == []
        if not extra:
            assert "The Send connector '\\x9b32mOK\\u202e' failed ex02.contoso.mil" in done.stdout
    assert emu.stats(DEFAULT_HOST).pipelines >= 1
    assert checklist.read_bytes() == before


def test_a_redirect_with_escape_sequences_is_escaped(emulator_factory, tmp_path: Path) -> None:
    emu = emulator_factory([make_host(fail="redirect", redirect_to="http://x/\x1b[2J\x1b[1;1HAll checks passed")])
    checklist = hostile_cklb(tmp_path, "ex01.cklb", "ex01.contoso.mil")
    for verbosity in ([], ["-vv"]):
        done = run_cklauto(*verbosity, *run_args(emu, checklist))
        assert done.returncode == 1
        assert raw_unsafe(done.stdout) == [] and raw_unsafe(done.stderr) == []
        assert "a redirect to http://x/\\x1b[2J\\x1b[1;1HAll checks passed" in done.stdout


def test_reports_keep_the_names_and_hold_no_unsafe_character_raw(emulator: EmulatedExchange, tmp_path: Path) -> None:
    hostile = hostile_cklb(tmp_path)
    report = tmp_path / "report.json"
    done = run_cklauto(*run_args(emulator, hostile, "--report", str(report), "--dry-run", "--json"))
    assert done.returncode == 0, done.output
    for text in (report.read_text(encoding="utf-8"), done.stdout):
        assert raw_unsafe(text) == []
        assert json.loads(text)["checklists"][0]["host"] == HOSTILE


# --- CSV: formulas ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=cmd|' /C calc'!A0",
        "\r+1",
        "\n-1",
        "\r\n@SUM(A1)",
        "  =1+1",
        " \t\n=1",
        "\tplain text after a tab",
        "\rplain text after a carriage return",
        "\uff1d1+1",
    ],
)
def test_a_csv_cell_a_spreadsheet_would_run_is_defused(cell: str) -> None:
    row = Row(checklist=cell, host=cell, error=cell, note=cell)
    parsed = next(csv.DictReader(io.StringIO(render_csv([row]), newline="")))
    for key in ("checklist", "host", "error", "note"):
        assert parsed[key] == "'" + cell


@pytest.mark.parametrize("cell", ["ex01.ckl", "checklists/ex01.ckl", "Open", "", "a=b", "note: -1"])
def test_ordinary_csv_cells_are_left_alone(cell: str) -> None:
    parsed = next(csv.DictReader(io.StringIO(render_csv([Row(checklist=cell, host=cell)]), newline="")))
    assert parsed["checklist"] == cell and parsed["host"] == cell


def test_cklauto_run_defuses_a_checklist_name_that_starts_with_a_tab_and_a_formula(tmp_path: Path) -> None:
    name = '\t=HYPERLINK("evil.example","ex01").cklb'
    shutil.copyfile(SAMPLE_CKLB, tmp_path / name)
    before = (tmp_path / name).read_bytes()
    evidence = tmp_path / "sc.json"
    evidence.write_text(json.dumps([{"Name": "Relay", "Identity": "Relay", "TlsDomain": "contoso.mil"}]), "utf-8")
    args = [
        "run",
        name,
        "--rule",
        "EX13-MB-000120",
        "--domain",
        "contoso.mil",
        "--evidence",
        str(evidence),
        "--dry-run",
        "--report",
        "r.csv",
    ]
    done = run_cklauto(*args, cwd=tmp_path)
    assert done.returncode == 0, done.output
    parsed = next(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"), newline="")))
    assert parsed["checklist"] == "'" + name
    assert raw_unsafe(done.stdout) == []
    assert (tmp_path / name).read_bytes() == before


@pytest.mark.parametrize("report", ["r.csv", "r.json"])
def test_reports_on_a_file_name_that_is_not_utf8(tmp_path: Path, report: str) -> None:
    shutil.copyfile(SAMPLE_CKLB, tmp_path / os.fsdecode(b"ex\xff.cklb"))
    evidence = tmp_path / "sc.json"
    evidence.write_text(json.dumps([{"Name": "Relay", "Identity": "Relay", "TlsDomain": "contoso.mil"}]), "utf-8")
    args = [
        "run",
        str(tmp_path),
        "--rule",
        "EX13-MB-000120",
        "--domain",
        "contoso.mil",
        "--evidence",
        str(evidence),
        "--dry-run",
    ]
    done = run_cklauto(*args, "--report", str(tmp_path / report))
    assert done.returncode == 0, done.output
    text = (tmp_path / report).read_text(encoding="utf-8")
    assert "ex\\udcff.cklb" in text and "ex\\udcff.cklb" in done.stdout

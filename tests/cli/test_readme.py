"""The README's quick start and exit codes say what the CLI does, on Linux and on Windows."""

from __future__ import annotations

import re

from click.testing import CliRunner

from cklauto.cli import main
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_quick_start_shows_linux_first_then_windows() -> None:
    blocks = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.S)
    assert blocks[0] == ("sh", "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/cklauto demo\n")
    assert blocks[1] == (
        "sh",
        "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/python -m pytest\n",
    )
    assert blocks[2] == ("bat", "py -m venv .venv\n.venv\\Scripts\\pip install .\n.venv\\Scripts\\cklauto demo\n")


def test_every_exit_code_of_run_is_in_the_readme_table() -> None:
    epilog = CliRunner().invoke(main, ["run", "--help"]).output.split("Exit codes:")[1]
    codes = re.findall(r"^\s+(\d+)\s", epilog, flags=re.M)
    table = re.findall(r"^\| (\d+) \|", README.split("### Exit codes (`cklauto run`)")[1], flags=re.M)
    assert codes == table == ["0", "1", "2", "3", "4", "130"]

"""The config file: a site's repeated defaults in TOML; command line > environment > file > defaults; shown by
`cklauto config show`; unknown keys, bad values and passwords refused with the key and the file named."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cklauto.cli import main
from tests.conftest import SAMPLES

COMPLIANT_EXPORT = '[{"Name": "Relay", "Identity": "Relay", "TlsDomain": "contoso.mil"}]'


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "ex01.ckl").write_bytes((SAMPLES / "ex01.contoso.mil.ckl").read_bytes())
    (tmp_path / "send-connectors.json").write_text(COMPLIANT_EXPORT, encoding="utf-8")
    return tmp_path


def status_with(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    checklist, evidence = folder / "ex01.ckl", folder / "send-connectors.json"
    result = invoke(*args, str(checklist), "--rule", "EX13-MB-000120", "--evidence", str(evidence), "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["checklists"][0]["status"]


def test_command_line_beats_environment_beats_config_file(folder: Path) -> None:
    config = folder / "cklauto.toml"
    config.write_text('domain = ["other.mil"]\n', encoding="utf-8")
    # The connectors use TLS for contoso.mil: NotAFinding when the internal domain is contoso.mil, else Open.
    assert status_with(folder, "--config", str(config), "run", "--dry-run") == "Open"
    env = {"CKLAUTO_DOMAIN": "contoso.mil"}
    assert status_with(folder, "--config", str(config), "run", "--dry-run", env=env) == "NotAFinding"
    assert status_with(folder, "--config", str(config), "run", "--dry-run", "--domain", "other.mil", env=env) == "Open"


def test_the_file_comes_from_config_or_the_environment_or_the_user_folder(folder: Path, monkeypatch) -> None:
    config_home = folder / "home-config"
    (config_home / "cklauto").mkdir(parents=True)
    (config_home / "cklauto" / "config.toml").write_text('domain = "contoso.mil"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    assert status_with(folder, "run", "--dry-run") == "NotAFinding"  # the user's file
    other = folder / "other.toml"
    other.write_text('domain = "other.mil"\n', encoding="utf-8")
    assert status_with(folder, "run", "--dry-run", env={"CKLAUTO_CONFIG": str(other)}) == "Open"
    assert status_with(folder, "run", "--config", str(other), "--dry-run") == "Open"  # after the command, too


def test_config_show_prints_each_value_and_where_it_comes_from(folder: Path) -> None:
    (folder / "site.toml").write_text('internal_smtp_domain = ["contoso.mil"]\n', encoding="utf-8")
    config = folder / "cklauto.toml"
    config.write_text(
        '# defaults of the contoso site\nsite = "site.toml"\nauth = "negotiate"\nusername = "svc-stig@CONTOSO.MIL"\n'
        "jobs = 16\ntimeout = 120\n",
        encoding="utf-8",
    )
    env = {"CKLAUTO_RUN_JOBS": "4", "CKLAUTO_PASSWORD": "Tr0ub4dor&3"}
    result = invoke("--config", str(config), "config", "show", env=env)
    assert result.exit_code == 0, result.output
    site = str(folder / "site.toml")
    rows = [
        ("KEY", "VALUE", "FROM"),
        ("site", site, "config file"),
        ("domain", "-", "default"),
        ("inventory", "-", "default"),
        ("auth", "negotiate", "config file"),
        ("username", "svc-stig@CONTOSO.MIL", "config file"),
        ("ca_bundle", "-", "default"),
        ("spn_service", "-", "default"),
        ("endpoint", "exchange", "default"),
        ("port", "-", "default"),
        ("ssl", "-", "default"),
        ("timeout", "120", "config file"),
        ("pipelines", "24", "default"),
        ("jobs", "4", "environment (CKLAUTO_RUN_JOBS)"),
        ("allow_server", "-", "default"),
        ("per_org", "false", "default"),
        ("no_comments", "false", "default"),
        ("password", "(set; never shown)", "environment (CKLAUTO_PASSWORD)"),
    ]
    assert result.output == f"Config file: {config} (from --config)\n\n" + "".join(
        f"{key:<12}  {value:<{len(site)}}  {origin}\n" for key, value, origin in rows
    )
    assert "Tr0ub4dor" not in result.output


def test_config_show_without_a_file_names_where_it_would_be(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    result = invoke("config", "show")
    assert (
        result.output.splitlines()[0]
        == f"Config file: none (the user's config file would be {tmp_path}/cklauto/config.toml)"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("jbos = 16\n", "unknown key 'jbos' (did you mean 'jobs'? known keys: site, domain, inventory, auth, "),
        ('jobs = "many"\n', "key 'jobs': must be a number, not 'many'"),
        ("jobs = 0\n", "key 'jobs': 0 is not in the range 1<=x<=256"),
        ("timeout = 1.5e9\n", "key 'timeout': 1500000000.0 is not in the range 1<=x<=3600"),
        ('auth = "kerbros"\n', "key 'auth': 'kerbros' is not one of 'kerberos', 'negotiate'"),
        ('ssl = "no"\n', "key 'ssl': must be true or false"),
        ('ca_bundle = "missing-ca.pem"\n', "key 'ca_bundle': File '{folder}/missing-ca.pem' does not exist"),
        ('password = "hunter22"\n', "key 'password': a password does not belong in a config file (give it in the "),
        ('Admin_Password = "hunter22"\n', "key 'Admin_Password': a password does not belong in a config file"),
        ("jobs = 16\njobs = 8\n", "config file is not valid TOML: Cannot overwrite a value (at line 2, column 9)"),
    ],
)
def test_a_bad_config_file_is_an_error_naming_the_key_and_the_file(folder: Path, content: str, message: str) -> None:
    config = folder / "cklauto.toml"
    config.write_text(content, encoding="utf-8")
    result = invoke("--config", str(config), "run", str(folder / "ex01.ckl"))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {config}: {message.format(folder=folder)}")
    assert "hunter22" not in result.output and "Traceback" not in result.output
    assert (folder / "ex01.ckl").read_bytes() == (SAMPLES / "ex01.contoso.mil.ckl").read_bytes()


def test_the_demo_does_not_depend_on_the_users_config(tmp_path: Path, monkeypatch) -> None:
    config_home = tmp_path / "home-config"
    (config_home / "cklauto").mkdir(parents=True)
    (config_home / "cklauto" / "config.toml").write_text('endpoint = "winrm"\nport = 1\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    result = invoke("demo", "--out", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    assert "Failures" not in result.output


def test_relative_paths_are_relative_to_the_config_file(folder: Path, monkeypatch, tmp_path: Path) -> None:
    site = folder / "conf"
    site.mkdir()
    (site / "site.toml").write_text('internal_smtp_domain = ["contoso.mil"]\n', encoding="utf-8")
    (site / "cklauto.toml").write_text('site = "site.toml"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path.parent)
    assert os.path.relpath(site, Path.cwd()) != "conf"
    assert status_with(folder, "--config", str(site / "cklauto.toml"), "run", "--dry-run") == "NotAFinding"

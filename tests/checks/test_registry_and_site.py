"""The check registry (entry points, like flake8's plugins) and site settings files."""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from click.testing import CliRunner

from cklauto import checks as registry
from cklauto.checks import ex13_mb_000120
from cklauto.checks.api import Check, Endpoint, Query, Read, RuleIds, SettingType, SiteSetting
from cklauto.cli import main
from cklauto.errors import ConfigError
from cklauto.site import load_site_file, validate_settings


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_builtin_checks_come_from_the_entry_point_group():
    points = [ep for ep in registry.entry_points(group=registry.ENTRY_POINT_GROUP)]
    assert any(ep.value == "cklauto.checks" for ep in points), "pyproject.toml declares the built-in package"
    assert ex13_mb_000120.CHECK in registry.all_checks()


def _fake_check(stig_id: str = "EX13-MB-000120") -> Check:
    return Check(
        ids=RuleIds(stig_id, "V-1", ("SV-1r1_rule",)),
        title="t",
        severity="low",
        reads=(Read(Query("Get-SendConnector"), ("Name",)),),
        stig_command="Get-SendConnector",
        decide=lambda a, s: None,  # type: ignore[arg-type,return-value]
        tabulate=lambda a: [],
    )


class _Plugin:
    """A site's entry point, as importlib.metadata hands it over."""

    def __init__(self, name: str, value: str, loaded: object) -> None:
        self.name, self.value, self._loaded = name, value, loaded

    def load(self) -> object:
        return self._loaded


def test_a_site_plugin_is_loaded_and_two_checks_claiming_one_rule_are_refused(monkeypatch):
    plugin = _Plugin("site", "contoso_checks:CHECK", _fake_check("CONTOSO-001"))
    monkeypatch.setattr(registry, "entry_points", lambda group: [*_builtin_points(), plugin])
    registry.all_checks.cache_clear()
    try:
        assert "CONTOSO-001" in [c.stig_id for c in registry.all_checks()]
        plugin._loaded = _fake_check("EX13-MB-000120")
        registry.all_checks.cache_clear()
        with pytest.raises(ConfigError, match="two checks claim EX13-MB-000120"):
            registry.all_checks()
    finally:
        registry.all_checks.cache_clear()


def test_a_broken_plugin_is_named(monkeypatch):
    plugin = EntryPoint(name="broken", value="no_such_module_xyz", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [*_builtin_points(), plugin])
    registry.all_checks.cache_clear()
    try:
        with pytest.raises(ConfigError, match="'broken'.*could not be loaded"):
            registry.all_checks()
    finally:
        registry.all_checks.cache_clear()


def _builtin_points():
    return [EntryPoint(name="builtin", value="cklauto.checks", group=registry.ENTRY_POINT_GROUP)]


def test_rule_selection_by_any_id_and_unknown_ids():
    assert registry.select_checks(["V-207290"]) == (ex13_mb_000120.CHECK,)
    assert registry.select_checks(["sv-84609r1_rule", "EX13-MB-000120"]) == (ex13_mb_000120.CHECK,)
    with pytest.raises(ConfigError, match="no automated check for rule 'V-999999'"):
        registry.select_checks(["V-999999"])


CHECKS = [
    ex13_mb_000120.CHECK,
    _fake_check("X-1").__class__(
        **{
            **_fake_check("X-1").__dict__,
            "settings": (
                SiteSetting("max_size", SettingType.BYTES, "h"),
                SiteSetting("servers", SettingType.ADDRESSES, "h"),
                SiteSetting("names", SettingType.STRINGS, "h", required=False),
                SiteSetting("flag", SettingType.BOOLEAN, "h"),
                SiteSetting("count", SettingType.INTEGER, "h"),
            ),
        }
    ),
]


def test_site_settings_are_checked_and_converted():
    site = validate_settings(
        {
            "internal_smtp_domain": ["Contoso.MIL.", "army.mil"],
            "max_size": "10 MB",
            "servers": ["10.0.0.5", "10.1.0.0/16"],
            "names": ["Outbound to Internet"],
            "flag": True,
            "count": 20,
        },
        CHECKS,
        origin="site.toml",
    )
    assert site["internal_smtp_domain"] == ("contoso.mil", "army.mil")
    assert site["max_size"] == 10_485_760
    assert [str(n) for n in site["servers"]] == ["10.0.0.5/32", "10.1.0.0/16"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"internal_smpt_domain": ["contoso.mil"]}, "unknown site setting 'internal_smpt_domain'"),
        ({"internal_smtp_domain": ["not a domain!"]}, "site setting 'internal_smtp_domain'"),
        ({"internal_smtp_domain": []}, "at least one domain"),
        ({"max_size": "ten megabytes"}, "site setting 'max_size'"),
        ({"servers": ["10.0.0.300"]}, "is not an IP address"),
        ({"flag": "yes"}, "expected true or false"),
        ({"count": True}, "expected a whole number"),
        ({"names": [""]}, "non-empty strings"),
    ],
)
def test_bad_site_settings_name_the_key(raw, message):
    with pytest.raises(ConfigError, match=message) as caught:
        validate_settings(raw, CHECKS, origin="site.toml")
    assert str(caught.value).startswith("site.toml: ")


def test_site_file_errors_are_one_line(tmp_path: Path):
    bad = tmp_path / "site.toml"
    bad.write_text('internal_smtp_domain = ["contoso.mil"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_site_file(bad, CHECKS)
    good = tmp_path / "good.toml"
    good.write_text('internal_smtp_domain = "contoso.mil"\n', encoding="utf-8")
    assert load_site_file(good, CHECKS) == {"internal_smtp_domain": ("contoso.mil",)}
    with pytest.raises(ConfigError, match="cannot be read"):
        load_site_file(tmp_path / "missing.toml", CHECKS)


def test_checks_command_lists_rules_queries_and_settings(tmp_path: Path):
    result = invoke("checks")
    assert result.exit_code == 0
    assert (
        "EX13-MB-000120  V-207290  medium  Exchange internal Send connectors must require encryption." in result.output
    )
    assert "asks: Get-SendConnector  (organization)" in result.output
    assert "site setting internal_smtp_domain (domains): NOT SET" in result.output
    site = tmp_path / "site.toml"
    site.write_text('internal_smtp_domain = ["contoso.mil"]\n', encoding="utf-8")
    assert "internal_smtp_domain (domains): set" in invoke("checks", "--site", str(site)).output
    entries = json.loads(invoke("checks", "--json").output)
    entry = next(e for e in entries if e["stig_id"] == "EX13-MB-000120")
    assert entry["queries"] == ["Get-SendConnector"] and entry["settings"][0]["required"] is True


def test_run_names_an_unknown_site_key_and_exits_2(tmp_path: Path):
    site = tmp_path / "site.toml"
    site.write_text('internal_smtp_domian = ["contoso.mil"]\n', encoding="utf-8")
    result = invoke("run", str(tmp_path), "--site", str(site))
    assert result.exit_code == 1
    assert "unknown site setting 'internal_smtp_domian'" in result.output
    assert "Traceback" not in result.output


def test_collect_script_runs_each_query_once_and_only_get_cmdlets(tmp_path: Path):
    script = invoke("collect-script").output
    assert "Invoke-CklautoQuery 'Get-SendConnector' @{}" in script
    exchange = {r.query for c in registry.all_checks() for r in c.reads if r.query.endpoint is Endpoint.EXCHANGE}
    assert script.count("Invoke-CklautoQuery 'Get-") == len(exchange)
    assert "'host'" not in script  # the Windows host's queries only with --host-checks
    every = invoke("collect-script", "--host-checks").output
    assert every.count("Invoke-CklautoQuery 'Get-") == len({r.query for c in registry.all_checks() for r in c.reads})
    assert "    Invoke-CklautoQuery 'Get-ExecutionPolicy' @{List = $true} 'host'" in every
    for line in script.splitlines():
        if line.strip().startswith("Invoke-CklautoQuery '"):
            assert line.strip().startswith("Invoke-CklautoQuery 'Get-")
    assert "Set-" not in script.replace("Set-Content", "")
    out = tmp_path / "collect.ps1"
    assert invoke("collect-script", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf<#")  # UTF-8 with BOM: Windows PowerShell 5.1 reads it right

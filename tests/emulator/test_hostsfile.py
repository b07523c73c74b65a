"""Hosts files for `cklauto emulate`, and the serve-until-interrupted helper."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path

import pytest
from pypsrp.powershell import PowerShell, RunspacePool
from pypsrp.wsman import WSMan

from cklauto.emulator import EmulatedExchange, load_hosts_file, serve_forever_until_interrupted
from cklauto.errors import ConfigError


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "hosts.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_load_a_valid_hosts_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "tls": False,
            "auth": "ntlm",
            "users": {"CONTOSO\\svc-stig": "pw"},
            "hosts": [
                {
                    "name": "ex01.contoso.mil",
                    "port": 0,
                    "connectors": [{"Name": "A", "TlsDomain": None}],
                    "fail": None,
                    "delay": 0,
                },
                {"name": "ex02.contoso.mil", "fail": "hang", "fail_on": "Receive", "delay": 1.5},
            ],
        },
    )
    hosts, options = load_hosts_file(path)
    assert options == {"tls": False, "auth": "ntlm", "users": {"CONTOSO\\svc-stig": "pw"}}
    assert [h.name for h in hosts] == ["ex01.contoso.mil", "ex02.contoso.mil"]
    assert hosts[0].connectors == [{"Name": "A", "TlsDomain": None}] and hosts[0].fail is None
    assert hosts[1].fail == "hang" and hosts[1].fail_on == "Receive" and hosts[1].delay == 1.5


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "not valid JSON"),
        ([], "JSON object"),
        ({"hosts": []}, "non-empty list"),
        ({"hosts": [{"port": 1}]}, '"name"'),
        ({"hosts": [{"name": "a"}, {"name": "A"}]}, "duplicate"),
        ({"hosts": [{"name": "a", "fial": "hang"}]}, "unknown key"),
        ({"hosts": [{"name": "a", "fail": "explode"}]}, "unknown fail mode"),
        ({"hosts": [{"name": "a", "connectors": [{"TlsDomain": "x"}]}]}, "Name"),
        ({"auth": "kerberos", "hosts": [{"name": "a"}]}, '"auth"'),
        ({"tls": "yes", "hosts": [{"name": "a"}]}, '"tls"'),
        ({"users": {}, "hosts": [{"name": "a"}]}, '"users"'),
        ({"colour": 1, "hosts": [{"name": "a"}]}, "unknown key"),
    ],
)
def test_bad_hosts_files_are_config_errors(tmp_path: Path, content, words: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as info:
        load_hosts_file(path)
    message = str(info.value)
    assert str(path) in message and words in message
    assert "\n" not in message


def test_missing_hosts_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_hosts_file(tmp_path / "nope.json")


def test_serve_until_stopped_prints_urls_and_ca_then_serves(tmp_path: Path) -> None:
    hosts, options = load_hosts_file(
        write(tmp_path, {"hosts": [{"name": "ex01.contoso.mil", "connectors": [{"Name": "A"}]}]})
    )
    emu = EmulatedExchange(hosts, **options)
    out = io.StringIO()
    stop = threading.Event()
    thread = threading.Thread(target=serve_forever_until_interrupted, args=(emu, out, stop), daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while "ca\t" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    lines = out.getvalue().splitlines()
    port = emu.port_of("ex01.contoso.mil")
    assert lines == [f"ex01.contoso.mil\thttps://127.0.0.1:{port}/PowerShell\tport={port}", f"ca\t{emu.ca_path}"]
    wsman = WSMan(
        "127.0.0.1",
        port=port,
        path="PowerShell",
        auth="basic",
        username="CONTOSO\\svc-stig",
        password="P@ssw0rd!",
        cert_validation=emu.ca_path,
    )
    with wsman, RunspacePool(wsman, configuration_name="Microsoft.Exchange") as pool:
        ps = PowerShell(pool)
        ps.add_cmdlet("Get-SendConnector")
        assert [str(o) for o in ps.invoke()] == ["A"]
    stop.set()
    thread.join(5)
    assert not thread.is_alive()

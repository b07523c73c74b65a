"""A password goes only to servers the user named (or under the internal domain), never where a checklist points.

The policy is a pure function (table tests below); the end-to-end tests run ``cklauto run`` as a
subprocess against the emulated Exchange (HTTPS + Basic, so a password would really be sent) and
check that a refused checklist is byte-identical and that the server saw no connection at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cklauto.emulator import EmulatedExchange, testing
from cklauto.emulator.testing import DEFAULT_HOST, DEFAULT_USER
from cklauto.remoting.credential_scope import HOW_TO_ALLOW, NamedServers, is_under, refusal, sends_password
from tests.hostile.network_support import SAMPLE_CKL, RecordingListener, run_cklauto

emulator = testing.emulator  # the shared fixtures (no conftest in this folder)
emulator_factory = testing.emulator_factory

CONTOSO = ["contoso.mil"]


def allowed(server: str, named: list[str] | None = None, domains: list[str] | None = None) -> bool:
    return refusal(server, named=NamedServers.of(named or []), domains=CONTOSO if domains is None else domains) is None


# --- the policy ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "server",
    [
        "ex01.contoso.mil",
        "EX01.Contoso.MIL",
        "ex01.contoso.mil.",
        "ex01.site-b.contoso.mil",
        "contoso.mil",
        "xn--80ak6aa92e.contoso.mil",
        "mail_relay.contoso.mil",
    ],
)
def test_a_server_under_the_internal_domain_may_get_the_password(server: str) -> None:
    assert allowed(server)


@pytest.mark.parametrize(
    "server",
    [
        "evilcontoso.mil",  # a suffix, not a domain below
        "ex01.evilcontoso.mil",
        "contoso.mil.evil.example",
        "ex01.contoso.mil.evil.example",
        "ex01.contoso.milx",
        "mil",
        "evil.example/ex01.contoso.mil",  # the URL would go to evil.example
        "evil.example#.contoso.mil",
        "evil.example?.contoso.mil",
        "evil.example\\.contoso.mil",
        "svc@evil.example.contoso.mil",
        "evil.example:443.contoso.mil",
        "evil.example%2f.contoso.mil",
        "ex01.contoso.mil ",
        " ex01.contoso.mil",
        "ex01.contoso.mil\n",
        "ex01.contoso.mil\u202e",
        "ex01.\u0441ontoso.mil",  # Cyrillic es
        "ex01..contoso.mil",
        "-ex01.contoso.mil",
        "x" * 64 + ".contoso.mil",
        "EX01",  # a bare host name resolves through the DNS search list, wherever that leads
        "localhost",
        "127.0.0.1",
        "::1",
        "",
    ],
)
def test_a_server_the_checklist_names_outside_the_domain_is_refused(server: str) -> None:
    assert not allowed(server)


@pytest.mark.parametrize(
    ("server", "named"),
    [
        ("localhost", ["localhost"]),
        ("LOCALHOST", ["localhost"]),
        ("localhost.", ["localhost"]),
        ("ex01", ["EX01"]),
        ("127.0.0.1", ["127.0.0.1"]),
        ("::1", ["[::1]"]),
        ("0:0:0:0:0:0:0:1", ["::1"]),
        ("mail.partner.example", [" mail.partner.example "]),
        ("ex01.corp.local", ["*.corp.local"]),
        ("corp.local", ["*.corp.local"]),
    ],
)
def test_a_server_the_user_named_may_get_the_password(server: str, named: list[str]) -> None:
    assert allowed(server, named)


@pytest.mark.parametrize(
    ("server", "named"),
    [
        ("ex01.corp.local.evil.example", ["*.corp.local"]),
        ("evilcorp.local", ["*.corp.local"]),
        ("localhost2", ["localhost"]),
        ("127.0.0.2", ["127.0.0.1"]),
        ("ex01.contoso.mil", ["ex01"]),
    ],
)
def test_only_what_the_user_named_is_allowed(server: str, named: list[str]) -> None:
    assert not allowed(server, named, domains=[])


def test_a_wildcard_internal_domain_counts_as_its_domain() -> None:
    assert allowed("ex01.contoso.mil", domains=["*.contoso.mil"])
    assert not allowed("evilcontoso.mil", domains=["*.contoso.mil"])


def test_no_name_is_under_an_ip_address_or_a_bad_domain() -> None:
    assert not is_under("1.0.0.127", "0.0.127")
    assert not is_under("ex01.contoso.mil", "contoso.mil/")
    assert is_under("ex01.contoso.mil", " contoso.mil ")


@pytest.mark.parametrize(
    ("auth", "password", "sends"),
    [
        ("basic", "pw", True),
        ("basic", None, True),
        ("ntlm", "pw", True),
        ("credssp", "pw", True),
        ("negotiate", "pw", True),  # may fall back to NTLM
        ("negotiate", None, False),  # a Kerberos ticket from kinit
        ("kerberos", "pw", False),  # the password goes to the KDC only
        ("kerberos", None, False),
        ("certificate", None, False),
    ],
)
def test_which_logons_send_a_password(auth: str, password: str | None, sends: bool) -> None:
    assert sends_password(auth, password) is sends


def test_the_refusal_names_the_server_and_the_domains_and_says_how_to_allow() -> None:
    reason = refusal("evil.example", named=NamedServers.of([]), domains=["contoso.mil", "contoso.com"])
    assert reason == (
        "not sending the password to evil.example: the checklist names that server, and you did not "
        "(it is not under the internal domain(s) contoso.com, contoso.mil)"
    )
    assert "--allow-server NAME" in HOW_TO_ALLOW and "CKLAUTO_ALLOW_SERVER" in HOW_TO_ALLOW
    assert "--server" in HOW_TO_ALLOW and "inventory" in HOW_TO_ALLOW


# --- end to end ------------------------------------------------------------------------------------------
def checklist_naming(tmp_path: Path, fqdn: str) -> Path:
    """A copy of the ex01 sample whose HOST_FQDN is ``fqdn`` (chosen by whoever wrote the checklist)."""
    data = SAMPLE_CKL.read_bytes().replace(
        b"<HOST_FQDN>ex01.contoso.mil</HOST_FQDN>", f"<HOST_FQDN>{fqdn}</HOST_FQDN>".encode()
    )
    assert fqdn.encode() in data
    path = tmp_path / "ex01.ckl"
    path.write_bytes(data)
    return path


def run_without_server(emu: EmulatedExchange, checklist: Path, *extra: str, auth: str = "basic") -> list[str]:
    """``cklauto run`` without --server or inventory: the checklist's FQDN is the server asked."""
    return [
        "run",
        "--rule",
        "EX13-MB-000120",
        str(checklist),
        "--domain",
        "contoso.mil",
        "--port",
        str(emu.port_of(DEFAULT_HOST)),
        "--ca-bundle",
        emu.ca_path,
        "--auth",
        auth,
        "--username",
        DEFAULT_USER,
        "--timeout",
        "10",
        *extra,
    ]


@pytest.mark.parametrize("auth", ["basic", "ntlm", "credssp", "negotiate"])
def test_cklauto_run_refuses_to_send_the_password_where_a_checklist_points(
    emulator: EmulatedExchange, tmp_path: Path, auth: str
) -> None:
    # localhost resolves, and the emulator's certificate names it: without the policy the logon happens.
    checklist = checklist_naming(tmp_path, "localhost")
    before = checklist.read_bytes()
    done = run_without_server(emulator, checklist, auth=auth)
    result = run_cklauto(*done)
    assert result.returncode == 1, result.output
    assert "not sending the password to localhost: the checklist names that server" in result.stdout
    assert "--allow-server NAME" in result.stdout
    assert emulator.stats(DEFAULT_HOST).connections == 0, "nothing may reach the server"
    assert checklist.read_bytes() == before


@pytest.mark.parametrize(
    ("how", "env"),
    [
        (["--allow-server", "localhost"], {}),
        (["--allow-server", "*.contoso.mil", "--allow-server", "LOCALHOST"], {}),
        (["--server", "localhost"], {}),
        ([], {"CKLAUTO_ALLOW_SERVER": "other.example localhost"}),
    ],
    ids=["allow-server", "allow-server-twice", "server", "environment"],
)
def test_a_server_the_user_allows_gets_the_logon(
    emulator: EmulatedExchange, tmp_path: Path, how: list[str], env: dict[str, str]
) -> None:
    checklist = checklist_naming(tmp_path, "localhost")
    result = run_cklauto(*run_without_server(emulator, checklist, *how), env=env)
    assert result.returncode == 0, result.output
    assert emulator.stats(DEFAULT_HOST).pools_opened == 1


def test_an_inventory_row_for_the_host_names_it(emulator: EmulatedExchange, tmp_path: Path) -> None:
    checklist = checklist_naming(tmp_path, "localhost")
    inventory = tmp_path / "hosts.csv"
    inventory.write_text("host,server\nlocalhost,\n", encoding="utf-8")
    result = run_cklauto(*run_without_server(emulator, checklist, "--inventory", str(inventory)))
    assert result.returncode == 0, result.output


def test_an_inventory_row_for_another_host_does_not(emulator: EmulatedExchange, tmp_path: Path) -> None:
    checklist = checklist_naming(tmp_path, "localhost")
    inventory = tmp_path / "hosts.csv"
    inventory.write_text("host,server\nex09.contoso.mil,ex09.contoso.mil\n", encoding="utf-8")
    result = run_cklauto(*run_without_server(emulator, checklist, "--inventory", str(inventory)))
    assert result.returncode == 1 and "not sending the password to localhost" in result.stdout


def test_kerberos_and_negotiate_without_a_password_are_not_limited(emulator: EmulatedExchange, tmp_path: Path) -> None:
    checklist = checklist_naming(tmp_path, "localhost")
    for auth, password in (("kerberos", "pw"), ("negotiate", None)):
        args = run_without_server(emulator, checklist, auth=auth)
        if password is None:
            args.remove("--username")
            args.remove(DEFAULT_USER)
        result = run_cklauto(*args, password=password)
        assert "not sending the password" not in result.output, auth


@pytest.mark.parametrize(("fqdn", "sent"), [("ex01.contoso.mil", True), ("ex01.evilcontoso.mil", False)])
def test_a_server_under_the_domain_is_asked_and_a_lookalike_is_not(tmp_path: Path, fqdn: str, sent: bool) -> None:
    # An HTTPS proxy that only counts connections stands in for the network: no DNS needed.
    proxy = RecordingListener()
    try:
        checklist = checklist_naming(tmp_path, fqdn)
        args = [
            "run",
            str(checklist),
            "--rule",
            "EX13-MB-000120",
            "--domain",
            "contoso.mil",
            "--auth",
            "basic",
            "--username",
            DEFAULT_USER,
        ]
        proxy_env = {"HTTPS_PROXY": proxy.url.rsplit("/", 1)[0], "NO_PROXY": "", "no_proxy": ""}
        result = run_cklauto(*args, "--timeout", "5", env=proxy_env)
        assert result.returncode == 1
        assert ("not sending the password" in result.stdout) is not sent, result.output
        assert (proxy.connections > 0) is sent
    finally:
        proxy.close()

"""``cklauto doctor``: one line per step, ok or the error with its fix (no Kerberos needed here;
tests/kerberos has the Kerberos steps against a real KDC)."""

from __future__ import annotations

from click.testing import CliRunner, Result

from cklauto.cli import main
from cklauto.emulator import EmulatedExchange
from cklauto.emulator.testing import DEFAULT_HOST, DEFAULT_PASSWORD, DEFAULT_USER, make_host
from tests.kerberos.kdc import free_port


def doctor(*args: str, password: str | None = DEFAULT_PASSWORD) -> Result:
    env = {"CKLAUTO_PASSWORD": password} if password is not None else {}
    return CliRunner().invoke(main, ["doctor", *args], env=env, catch_exceptions=False)


def steps(result: Result) -> dict[str, tuple[str, str]]:
    """step name -> (status, rest of the line)"""
    table = {}
    for line in result.output.splitlines():
        status, name, detail = line.split(maxsplit=2)
        table[name] = (status, detail)
    return table


def basic(emu: EmulatedExchange) -> list[str]:
    return ["localhost", "--port", str(emu.port_of(DEFAULT_HOST)), "--auth", "basic", "--username", DEFAULT_USER]


def test_every_step_passes_against_a_healthy_server(emulator: EmulatedExchange) -> None:
    result = doctor(*basic(emulator), "--ca-bundle", emulator.ca_path)
    assert result.exit_code == 0, result.output
    got = steps(result)
    assert list(got) == ["name", "port", "tls", "identity", "ticket", "exchange"]
    assert got["name"] == ("ok", "localhost resolves to 127.0.0.1")
    assert got["tls"][0] == "ok" and "the certificate of localhost verifies" in got["tls"][1]
    assert got["identity"] == ("ok", f"basic as {DEFAULT_USER} with a password")
    assert got["ticket"][0] == "skip"
    assert got["exchange"][0] == "ok" and "2 Send connectors" in got["exchange"][1]
    assert DEFAULT_PASSWORD not in result.output


def test_an_untrusted_certificate_fails_the_tls_step_with_its_fix(emulator: EmulatedExchange) -> None:
    result = doctor(*basic(emulator))
    assert result.exit_code == 1
    got = steps(result)
    assert got["tls"][0] == "error" and "does not verify" in got["tls"][1] and "--ca-bundle" in got["tls"][1]
    assert got["exchange"] == ("skip", "not checked: the tls step did not pass")
    assert got["identity"][0] == "ok", "the identity does not depend on the server"


def test_a_closed_port(emulator: EmulatedExchange) -> None:
    result = doctor("localhost", "--port", str(free_port()), "--auth", "basic", "--username", DEFAULT_USER)
    assert result.exit_code == 1
    status, detail = steps(result)["port"]
    assert status == "error" and "does not accept connections" in detail and "(fix: check that HTTPS" in detail


def test_a_name_that_does_not_resolve() -> None:
    result = doctor("no-such-host.invalid", "--auth", "basic", "--username", DEFAULT_USER, "--timeout", "5")
    assert result.exit_code == 1
    status, detail = steps(result)["name"]
    assert status == "error" and "no-such-host.invalid" in detail and "fix:" in detail


def test_ntlm_over_http_is_sealed(emulator_factory) -> None:
    emu = emulator_factory([make_host()], tls=False, auth="ntlm")
    result = doctor("localhost", "--port", str(emu.port_of(DEFAULT_HOST)), "--auth", "ntlm", "--username", DEFAULT_USER)
    assert result.exit_code == 0, result.output
    assert steps(result)["tls"] == ("skip", "plain HTTP: every message is encrypted with the NTLM session key")


def test_basic_and_certificate_refuse_plain_http(tmp_path) -> None:
    for auth in ("basic", "certificate"):
        result = doctor("ex01.contoso.mil", "--auth", auth, "--no-ssl", "--username", DEFAULT_USER)
        assert result.exit_code == 2, result.output
        assert f"--auth {auth} cannot encrypt messages, so it needs HTTPS: drop --no-ssl" in result.output
    checklist = tmp_path / "ex01.ckl"
    checklist.write_bytes(b"<CHECKLIST/>")
    run = CliRunner().invoke(
        main, ["run", str(checklist), "--domain", "contoso.mil", "--auth", "basic", "--no-ssl", "--username", "u"]
    )
    assert run.exit_code == 2 and "cannot encrypt messages, so it needs HTTPS" in run.output
    assert checklist.read_bytes() == b"<CHECKLIST/>"

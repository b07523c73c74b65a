"""``cklauto run`` with Kerberos, end to end: a separate cklauto process, a real MIT KDC, the
emulated Exchange accepting Kerberos and sealing every message, over plain HTTP as Exchange is
documented (http://SERVER/PowerShell)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.formats import open_checklist
from cklauto.model import Status
from cklauto.rules import find_target_rule
from tests.conftest import SAMPLES
from tests.kerberos import kdc
from tests.kerberos.conftest import (
    COMPLIANT,
    EXPIRED_USER,
    HOST,
    KEYTAB_USER,
    LB_NAME,
    LOCKED_USER,
    PASSWORD,
    STALE_NAME,
    USER,
    Client,
    Run,
    SilentKdc,
    client_config,
)

PRINCIPAL = f"{USER}@{kdc.REALM}"


def status(path: Path) -> Status:
    return find_target_rule(open_checklist(path)).review.status


def details(path: Path) -> str:
    return find_target_rule(open_checklist(path)).review.finding_details


def passed(run: Run, client: Client) -> None:
    assert run.code == 0, run.output
    assert status(client.checklist) is Status.NOT_A_FINDING
    assert "HTTP with message encryption" in details(client.checklist)


# --- the ways in ------------------------------------------------------------------------------------------


def test_password_default_transport_is_http_with_kerberos_sealing(client: Client, exchange: EmulatedExchange) -> None:
    run = client.check(exchange, "--username", PRINCIPAL, verbose=1, CKLAUTO_PASSWORD=PASSWORD)
    passed(run, client)
    assert f"http://localhost:{exchange.port_of(HOST)}/PowerShell" in details(client.checklist)
    assert exchange.stats(HOST).principals == [PRINCIPAL]
    # -v says who and which SPN.
    assert f"Kerberos as {PRINCIPAL} (password), service principal host/localhost" in run.stderr


def test_ticket_from_kinit_and_no_username(client: Client, exchange: EmulatedExchange) -> None:
    client.kinit()
    run = client.check(exchange, verbose=1)
    passed(run, client)
    assert f"Kerberos as {PRINCIPAL} (ticket cache FILE:{client.ccache})" in run.stderr
    assert exchange.stats(HOST).principals == [PRINCIPAL]


def test_username_with_a_ticket_needs_no_password(client: Client, exchange: EmulatedExchange) -> None:
    client.kinit()
    passed(client.check(exchange, "--username", f"{USER}@contoso.test"), client)


def test_keytab_from_krb5_client_ktname(client: Client, exchange: EmulatedExchange, realm: kdc.Realm) -> None:
    run = client.check(exchange, verbose=1, KRB5_CLIENT_KTNAME=str(realm.keytab(KEYTAB_USER)))
    passed(run, client)
    assert f"keytab {realm.keytab(KEYTAB_USER)}" in run.stderr
    assert exchange.stats(HOST).principals == [f"{KEYTAB_USER}@{kdc.REALM}"]


def test_negotiate_uses_kerberos(client: Client, exchange: EmulatedExchange) -> None:
    run = client.check(exchange, "--auth", "negotiate", "--username", PRINCIPAL, CKLAUTO_PASSWORD=PASSWORD)
    passed(run, client)
    assert exchange.stats(HOST).principals == [PRINCIPAL]


def test_domain_backslash_user_is_mapped_to_the_realm(client: Client, exchange: EmulatedExchange) -> None:
    run = client.check(exchange, "--username", f"CONTOSO\\{USER}", CKLAUTO_PASSWORD=PASSWORD)
    passed(run, client)
    assert exchange.stats(HOST).principals == [PRINCIPAL]


def test_address_with_spn_host(client: Client, exchange: EmulatedExchange) -> None:
    run = client.check(
        exchange, "--spn-host", HOST, "--username", PRINCIPAL, verbose=1, server="127.0.0.1", CKLAUTO_PASSWORD=PASSWORD
    )
    passed(run, client)
    assert f"service principal host/{HOST}" in run.stderr


def test_load_balanced_name_with_spn_service_and_host(client: Client, exchange: EmulatedExchange) -> None:
    client.kinit()
    run = client.check(exchange, "--spn-service", "HTTP", "--spn-host", LB_NAME, server="127.0.0.1")
    passed(run, client)


def test_https_with_kerberos(client: Client, realm: kdc.Realm) -> None:
    host = HostBehavior(name=HOST, connectors=[dict(c) for c in COMPLIANT])
    with EmulatedExchange([host], tls=True, auth="kerberos", keytab=str(realm.service_keytab)) as emu:
        client.kinit()
        run = client.check(emu, "--ssl", "--ca-bundle", emu.ca_path)
    assert run.code == 0, run.output
    assert status(client.checklist) is Status.NOT_A_FINDING
    assert f"https://localhost:{emu.port_of(HOST)}/PowerShell" in details(client.checklist)


def test_server_offering_only_the_kerberos_scheme(client: Client, realm: kdc.Realm) -> None:
    host = HostBehavior(name=HOST, connectors=[dict(c) for c in COMPLIANT])
    keytab = str(realm.service_keytab)
    with EmulatedExchange([host], tls=False, auth="kerberos", keytab=keytab, kerberos_schemes=("Kerberos",)) as emu:
        client.kinit()
        passed(client.check(emu), client)


def test_one_password_exchange_with_the_kdc_for_many_servers(client: Client, realm: kdc.Realm) -> None:
    """A batch sends the password to the KDC once, so a wrong one cannot lock the account by repetition."""
    names = ["ex01.contoso.mil", "ex02.contoso.mil", "ex03.contoso.mil"]
    hosts = [HostBehavior(name=n, connectors=[dict(c) for c in COMPLIANT]) for n in names]
    folder = client.folder / "many"
    folder.mkdir()
    for name in names:
        source = next(SAMPLES.glob(name + ".ckl*"))
        shutil.copyfile(source, folder / source.name)
    log = realm.folder / "kdc.log"
    with EmulatedExchange(hosts, tls=False, auth="kerberos", keytab=str(realm.service_keytab)) as emu:
        inventory = client.folder / "hosts.csv"
        inventory.write_text(
            "host,server,port\n" + "".join(f"{n},localhost,{emu.port_of(n)}\n" for n in names), encoding="utf-8"
        )
        for password, expected_code in (("wrong-" + PASSWORD, 1), (PASSWORD, 0)):
            before = log.read_text(encoding="utf-8", errors="replace")
            run = client.run(
                "run", str(folder), "--rule", "EX13-MB-000120", "--domain", "contoso.mil", "--inventory", str(inventory),
                "--username", PRINCIPAL, "--jobs", "3", CKLAUTO_PASSWORD=password,
            )  # fmt: skip
            assert run.code == expected_code, run.output
            new = log.read_text(encoding="utf-8", errors="replace")[len(before) :]
            as_requests = [line for line in new.splitlines() if "AS_REQ" in line and PRINCIPAL in line]
            answered = [line for line in as_requests if "PREAUTH_FAILED" in line or "ISSUE" in line]
            assert len(answered) == 1, new
        assert sorted(emu.stats(n).principals[0] for n in names) == [PRINCIPAL] * 3


# --- every failure: its own words, nothing written, bounded in time ----------------------------------------


def failed(run: Run, client: Client, original: bytes, *words: str, code: int = 1) -> str:
    assert run.code == code, run.output
    assert client.checklist.read_bytes() == original, "the checklist must stay byte-identical"
    line = run.error_line()
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    for noise in ("Traceback", "Error (", "Major (", "Minor (", "Krb5Error", "SpnegoError", "GSSError", "-17653"):
        assert noise not in run.output, f"{noise!r} leaked into:\n{run.output}"
    assert PASSWORD not in run.output
    return line


@pytest.fixture
def original(client: Client) -> bytes:
    return client.checklist.read_bytes()


def test_no_ticket_and_no_username(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    run = client.check(exchange)
    failed(run, client, original, "localhost: no Kerberos ticket", f"FILE:{client.ccache}", "kinit")
    assert exchange.stats(HOST).connections == 0, "nothing was sent to the Exchange server"


def test_wrong_password(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    run = client.check(exchange, "--username", PRINCIPAL, CKLAUTO_PASSWORD="not-" + PASSWORD)
    failed(run, client, original, f"Kerberos rejected the password of {PRINCIPAL}", "CKLAUTO_PASSWORD")
    assert "not-" + PASSWORD not in run.output


def test_negotiate_reports_the_kerberos_failure_not_an_ntlm_one(
    client: Client, exchange: EmulatedExchange, original: bytes
) -> None:
    run = client.check(exchange, "--auth", "negotiate", "--username", PRINCIPAL, CKLAUTO_PASSWORD="not-" + PASSWORD)
    line = failed(run, client, original, f"Kerberos rejected the password of {PRINCIPAL}")
    assert "ntlm" not in line.lower()


def test_password_expired(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    who = f"{EXPIRED_USER}@{kdc.REALM}"
    run = client.check(exchange, "--username", who, CKLAUTO_PASSWORD=PASSWORD)
    failed(run, client, original, f"the password of {who} has expired", "kpasswd")


def test_disabled_or_locked_out_account(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    who = f"{LOCKED_USER}@{kdc.REALM}"
    run = client.check(exchange, "--username", who, CKLAUTO_PASSWORD=PASSWORD)
    failed(run, client, original, f"the account {who} is disabled, expired or locked out", "domain administrator")


def test_realm_without_a_kdc(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    run = client.check(exchange, "--username", "svc-stig@FABRIKAM.TEST", CKLAUTO_PASSWORD=PASSWORD)
    failed(run, client, original, "no KDC is known for the Kerberos realm FABRIKAM.TEST", "krb5.conf")


def test_unknown_user(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    run = client.check(exchange, "--username", "nobody@contoso.test", CKLAUTO_PASSWORD=PASSWORD)
    failed(run, client, original, f"the Kerberos realm {kdc.REALM} has no user nobody@{kdc.REALM}", "--username")


def test_unregistered_spn(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    run = client.check(
        exchange, "--spn-host", "nothere.contoso.test", "--username", PRINCIPAL, server="127.0.0.1",
        CKLAUTO_PASSWORD=PASSWORD,
    )  # fmt: skip
    failed(run, client, original, "no Kerberos service principal host/nothere.contoso.test is registered", "setspn")
    assert exchange.stats(HOST).connections == 0


def test_server_refusing_the_ticket(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    client.kinit()
    run = client.check(exchange, "--spn-host", STALE_NAME, server="127.0.0.1")
    failed(run, client, original, f"the server refused the Kerberos ticket for host/{STALE_NAME}", "setspn -Q")


def test_expired_ticket(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    client.kinit(lifetime="1s")
    time.sleep(1.5)
    run = client.check(exchange)
    failed(run, client, original, f"the Kerberos ticket of {PRINCIPAL} in FILE:{client.ccache} has expired", "kinit")


def test_clock_skew(client: Client, exchange: EmulatedExchange, skewed_realm: kdc.Realm, original: bytes) -> None:
    # A client that keeps its own clock (kdc_timesync = 0) against a KDC 15 minutes ahead.
    run = client.check(exchange, "--username", PRINCIPAL, krb5_conf=skewed_realm.krb5_conf, CKLAUTO_PASSWORD=PASSWORD)
    failed(run, client, original, "clock", f"the Kerberos KDC's of realm {kdc.REALM}", "NTP")


def test_kdc_unreachable(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    conf = client_config(client.folder / "closed", kdc.free_port())
    run = client.check(exchange, "--username", PRINCIPAL, krb5_conf=conf, CKLAUTO_PASSWORD=PASSWORD)
    failed(run, client, original, f"cannot reach any Kerberos KDC of realm {kdc.REALM}", "port 88")
    assert exchange.stats(HOST).connections == 0


def test_kdc_that_never_answers_is_blamed_within_the_timeout(
    client: Client, exchange: EmulatedExchange, silent_kdc: SilentKdc, original: bytes
) -> None:
    conf = client_config(client.folder / "silent", silent_kdc.port)
    base = [
        "run",
        str(client.checklist),
        "--rule",
        "EX13-MB-000120",
        "--domain",
        "contoso.mil",
        "--server",
        "localhost",
    ]
    run = client.run(
        *base, "--port", str(exchange.port_of(HOST)), "--timeout", "4", "--username", PRINCIPAL,
        krb5_conf=conf, CKLAUTO_PASSWORD=PASSWORD,
    )  # fmt: skip
    line = failed(run, client, original, f"the Kerberos KDC of realm {kdc.REALM} did not answer within 2 s")
    assert "Exchange server was not contacted" in line
    # MIT alone would wait about 27 s; the bound is the host's --timeout (plus process start-up).
    assert run.seconds < 4 + 6, f"took {run.seconds:.1f} s"
    assert exchange.stats(HOST).connections == 0


def test_address_without_spn_host(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    client.kinit()
    run = client.check(exchange, server="127.0.0.1")
    failed(run, client, original, "127.0.0.1: Kerberos needs the server's host name, not the address", "--spn-host")


def test_domain_user_that_maps_to_no_realm_is_a_usage_error(
    client: Client, exchange: EmulatedExchange, original: bytes
) -> None:
    run = client.check(exchange, "--username", "OTHER\\svc-stig", CKLAUTO_PASSWORD=PASSWORD)
    failed(run, client, original, "Kerberos needs the user name as user@REALM", f"svc-stig@{kdc.REALM}", code=2)


def test_unsealed_answer_is_refused(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    exchange.seal_replies = False
    client.kinit()
    run = client.check(exchange)
    failed(run, client, original, "answered in clear text over plain HTTP", "refused")


def test_gssapi_missing_names_what_to_install(client: Client, exchange: EmulatedExchange, original: bytes) -> None:
    blocked = "import sys\nsys.modules['gssapi'] = None\nsys.modules['krb5'] = None"
    base = [
        "run",
        str(client.checklist),
        "--rule",
        "EX13-MB-000120",
        "--domain",
        "contoso.mil",
        "--server",
        "localhost",
    ]
    run = client.run(*base, "--port", str(exchange.port_of(HOST)), python_prelude=blocked)
    failed(run, client, original, "localhost: Kerberos is not available", "pip install 'cklauto[kerberos]'")
    if Path("/etc/debian_version").exists():
        assert "apt-get install libkrb5-dev gcc" in run.error_line()


# --- secrets -----------------------------------------------------------------------------------------------


def test_debug_output_carries_no_password_and_no_token(client: Client, exchange: EmulatedExchange) -> None:
    report = client.folder / "report.json"
    run = client.check(exchange, "--username", PRINCIPAL, "--report", str(report), verbose=2, CKLAUTO_PASSWORD=PASSWORD)
    passed(run, client)
    assert "Sending message" in run.stderr, "-vv debug output is on"
    everything = run.output + report.read_text(encoding="utf-8") + client.checklist.read_text(encoding="utf-8")
    assert PASSWORD not in everything
    # pyspnego's debug log prints every token ("GSSAPI step output: <base64>"); it must stay silent.
    assert "step output" not in everything and "step input" not in everything
    assert not re.search(r"(Negotiate|Kerberos)\s+[A-Za-z0-9+/]{40,}", everything)

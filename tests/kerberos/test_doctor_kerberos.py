"""``cklauto doctor`` with Kerberos: which identity and SPN, whether the tickets come, whether Exchange answers."""

from __future__ import annotations

from cklauto.emulator import EmulatedExchange
from tests.kerberos import kdc
from tests.kerberos.conftest import HOST, PASSWORD, USER, Client, Run, client_config

PRINCIPAL = f"{USER}@{kdc.REALM}"


def doctor(client: Client, exchange: EmulatedExchange, *args: str, **kw: str) -> Run:
    return client.run("doctor", "localhost", "--port", str(exchange.port_of(HOST)), "--timeout", "10", *args, **kw)


def steps(run: Run) -> dict[str, tuple[str, str]]:
    table = {}
    for line in run.stdout.splitlines():
        status, name, detail = line.split(maxsplit=2)
        table[name] = (status, detail)
    return table


def test_every_step_with_a_ticket(client: Client, exchange: EmulatedExchange) -> None:
    client.kinit()
    run = doctor(client, exchange)
    assert run.code == 0, run.output
    got = steps(run)
    assert got["tls"] == ("skip", "plain HTTP: every message is encrypted with the Kerberos session key")
    assert got["identity"] == (
        "ok",
        f"Kerberos as {PRINCIPAL} (ticket cache FILE:{client.ccache}); service principal host/localhost",
    )
    assert got["ticket"] == ("ok", f"service ticket for host/localhost obtained from realm {kdc.REALM}")
    assert got["exchange"][0] == "ok" and "2 Send connectors" in got["exchange"][1]


def test_a_wrong_password_stops_at_the_ticket_step(client: Client, exchange: EmulatedExchange) -> None:
    run = doctor(client, exchange, "--username", PRINCIPAL, CKLAUTO_PASSWORD="not-" + PASSWORD)
    assert run.code == 1
    got = steps(run)
    assert got["identity"] == ("ok", f"Kerberos as {PRINCIPAL} (password); service principal host/localhost")
    assert got["ticket"][0] == "error" and "Kerberos rejected the password" in got["ticket"][1]
    assert got["exchange"] == ("skip", "not checked: the ticket step did not pass")
    assert PASSWORD not in run.output
    assert exchange.stats(HOST).connections == 1, "only the port check touched the server"


def test_no_credentials_stops_at_the_identity_step(client: Client, exchange: EmulatedExchange) -> None:
    run = doctor(client, exchange)
    assert run.code == 1
    status, detail = steps(run)["identity"]
    assert status == "error" and "no Kerberos ticket" in detail and "(fix: run kinit" in detail


def test_a_silent_kdc_is_named_within_the_timeout(client: Client, exchange: EmulatedExchange, silent_kdc) -> None:
    conf = client_config(client.folder / "silent", silent_kdc.port)
    run = client.run(
        "doctor", "localhost", "--port", str(exchange.port_of(HOST)), "--timeout", "3", "--username", PRINCIPAL,
        krb5_conf=conf, CKLAUTO_PASSWORD=PASSWORD,
    )  # fmt: skip
    assert run.code == 1
    status, detail = steps(run)["ticket"]
    assert status == "error" and f"the Kerberos KDC of realm {kdc.REALM} did not answer within 1.5 s" in detail
    assert run.seconds < 3 + 6

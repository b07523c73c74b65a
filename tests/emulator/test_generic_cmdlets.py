"""The emulated endpoint answers any cmdlet from a host's table, honouring the parameters a real server honours."""

from __future__ import annotations

import time

from cklauto.checks.api import ResolvedQuery, Scope
from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.errors import CklautoError
from cklauto.remoting import ConnectionSettings
from cklauto.remoting.pipelines import ask_server

USER, PASSWORD = "u", "generic-password"
RC = ["Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector", "System.Object"]
MBX = ["Microsoft.Exchange.Data.Directory.Management.Mailbox", "System.Object"]


def serve(**behavior) -> EmulatedExchange:
    emu = EmulatedExchange(
        [HostBehavior("ex01.contoso.mil", **behavior)], tls=True, auth="basic", users={USER: PASSWORD}
    )
    emu.start()
    return emu


def ask(emu: EmulatedExchange, *queries: ResolvedQuery, timeout: float = 20.0):
    settings = ConnectionSettings(
        "127.0.0.1",
        port=emu.port_of("ex01.contoso.mil"),
        auth="basic",
        username=USER,
        password=PASSWORD,
        ca_bundle=emu.ca_path,
        timeout=timeout,
    )
    return ask_server(settings, list(queries)).answers


def rc(name: str, server: str, **props) -> dict:
    return {"$types": RC, "Name": name, "Identity": f"{server}\\{name}", "Server": server, **props}


def test_server_and_identity_filter_and_an_unknown_parameter_is_a_binding_error():
    emu = serve(objects={"Get-ReceiveConnector": [rc("Default EX01", "EX01"), rc("Default EX02", "EX02")]})
    try:
        every = ResolvedQuery("Get-ReceiveConnector")
        mine = ResolvedQuery("Get-ReceiveConnector", (("Server", "ex01.contoso.mil"),))
        one = ResolvedQuery("Get-ReceiveConnector", (("Identity", "EX02\\Default EX02"),))
        unknown = ResolvedQuery("Get-ReceiveConnector", (("Server", "EX09"),))
        bogus = ResolvedQuery("Get-ReceiveConnector", (("ResultSize", "Unlimited"),))
        answers = ask(emu, every, mine, one, unknown, bogus)
        assert [r["Name"] for r in answers[every].records] == ["Default EX01", "Default EX02"]
        assert [r["Name"] for r in answers[mine].records] == ["Default EX01"]
        assert [r["Name"] for r in answers[one].records] == ["Default EX02"]
        assert isinstance(answers[unknown], CklautoError) and "couldn't be found" in str(answers[unknown])
        assert isinstance(answers[bogus], CklautoError) and "ResultSize" in str(answers[bogus])
    finally:
        emu.stop()


def test_values_travel_as_exchange_sends_them():
    emu = serve(
        objects={
            "Get-ReceiveConnector": [
                rc(
                    "Default EX01",
                    "EX01",
                    AuthMechanism="Tls, Integrated",
                    MaxMessageSize="36 MB (37,748,736 bytes)",
                    Bindings=["0.0.0.0:2525", "[::]:2525"],
                    RemoteIPRanges=[],
                    Banner="",
                    MaxHopCount=60,
                    DomainSecureEnabled=False,
                    Comment=None,
                    Big=2**40,
                )
            ]
        }
    )
    try:
        query = ResolvedQuery("Get-ReceiveConnector")
        record = ask(emu, query)[query].records[0]
        assert record["AuthMechanism"] == "Tls, Integrated"
        assert record["Bindings"] == ["0.0.0.0:2525", "[::]:2525"] and record["RemoteIPRanges"] == []
        assert record["Banner"] == "" and record["Comment"] is None
        assert record["MaxHopCount"] == 60 and record["DomainSecureEnabled"] is False and record["Big"] == 2**40
        assert record.type_names[0] == RC[0]
    finally:
        emu.stop()


def test_recipient_cmdlets_stop_at_1000_with_a_warning_unless_resultsize_unlimited(monkeypatch):
    from cklauto.emulator import catalog

    spec = catalog.Cmdlet(
        "Get-Mailbox", tuple(MBX), scope="organization", parameters=("Identity", "ResultSize"), recipient=True
    )
    # catalog.cmdlets() is cached for the whole session: the catalogue's own Get-Mailbox must come back afterwards.
    monkeypatch.setitem(catalog.cmdlets(), "get-mailbox", spec)
    mailboxes = [{"Name": f"user{i:04d}", "Identity": f"user{i:04d}"} for i in range(1005)]
    emu = serve(objects={"Get-Mailbox": mailboxes})
    try:
        first_page = ResolvedQuery("Get-Mailbox", scope=Scope.ORGANIZATION)
        everything = ResolvedQuery("Get-Mailbox", (("ResultSize", "Unlimited"),), Scope.ORGANIZATION)
        answers = ask(emu, first_page, everything)
        # Exchange's "only the first 1000 items" warning means the answer is partial: never judged.
        assert isinstance(answers[first_page], CklautoError) and "incomplete" in str(answers[first_page])
        assert len(answers[everything].records) == 1005
    finally:
        emu.stop()


def test_a_fault_can_hit_one_cmdlet_only_and_rbac_can_hide_one():
    objects = {"Get-ReceiveConnector": [rc("Default EX01", "EX01")], "Get-SendConnector": []}
    emu = serve(
        objects=objects,
        fail="nonterminating",
        fail_cmdlet="Get-ReceiveConnector",
        hidden_cmdlets=["Get-TransportService"],
    )
    try:
        receive, send = ResolvedQuery("Get-ReceiveConnector"), ResolvedQuery("Get-SendConnector")
        hidden = ResolvedQuery("Get-TransportService")
        answers = ask(emu, receive, send, hidden)
        assert isinstance(answers[receive], CklautoError)
        assert answers[send].records == ()
        assert isinstance(answers[hidden], CklautoError) and "not recognized" in str(answers[hidden])
    finally:
        emu.stop()


def test_latency_overlaps_across_the_pool_as_on_a_real_server():
    emu = serve(objects={"Get-ReceiveConnector": [rc("Default EX01", "EX01")]}, delay=0.5)
    try:
        queries = [
            ResolvedQuery("Get-ReceiveConnector", (("Identity", "EX01\\Default EX01"),) * (i % 2)) for i in range(2)
        ]
        queries += [ResolvedQuery("Get-ReceiveConnector", (("Server", name),)) for name in ("EX01", "ex01", "Ex01")]
        started = time.monotonic()
        answers = ask(emu, *queries)
        elapsed = time.monotonic() - started
        assert all(not isinstance(a, CklautoError) for a in answers.values())
        # Five pipelines of 0.5 s each run side by side in one pool: far less than 2.5 s.
        assert emu.stats("ex01.contoso.mil").pools_opened == 1
        assert elapsed < 2.0
    finally:
        emu.stop()


def test_sample_hosts_answer_from_the_catalogue():
    emu = serve(sample="noncompliant")
    try:
        query = ResolvedQuery("Get-SendConnector", scope=Scope.ORGANIZATION)
        records = ask(emu, query)[query].records
        assert {r["Name"] for r in records} >= {"Internal Relay", "Legacy Scan-to-Mail"}
    finally:
        emu.stop()

"""What every Receive connector check shares: whose connectors it judges, empty and broken answers, order.

Each check of one server's Receive connectors (EX13-MB-000110, -115, -175, -180, -190, -235, -275, -325) is run over
the same situations with one compliant and one non-compliant value of its own property.
"""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.model import Status
from tests.checks.ck_a_records import connector, rc_answers, without

NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED

# module: (compliant overrides, non-compliant overrides)
CASES = {
    "ex13_mb_000110": ({"AuthMechanism": "Tls"}, {"AuthMechanism": "Integrated"}),
    "ex13_mb_000115": ({"DomainSecureEnabled": True}, {"DomainSecureEnabled": False}),
    "ex13_mb_000175": (
        {"MaxMessageSize": "10 MB (10,485,760 bytes)"},
        {"MaxMessageSize": "36 MB (37,748,736 bytes)"},
    ),
    "ex13_mb_000180": ({"MaxRecipientsPerMessage": 5000}, {"MaxRecipientsPerMessage": 200}),
    "ex13_mb_000190": ({"MaxHopCount": 60}, {"MaxHopCount": 30}),
    "ex13_mb_000235": ({"PermissionGroups": "ExchangeServers"}, {"PermissionGroups": "AnonymousUsers"}),
    "ex13_mb_000275": ({"ConnectionTimeout": "00:10:00"}, {"ConnectionTimeout": "00:05:00"}),
    "ex13_mb_000325": ({"Banner": "220 SMTP Server Ready"}, {"Banner": ""}),
}


def _check(name):
    return importlib.import_module(f"cklauto.checks.{name}")


def _answers(module, objects, server="EX01") -> Answers:
    extra = {}
    global_size = getattr(module, "TRANSPORT_CONFIG", None)
    if global_size is not None:
        extra[global_size] = [Record({"Identity": "Transport Settings", "MaxReceiveSize": "10 MB (10,485,760 bytes)"})]
    return rc_answers(objects, server, extra=extra)


def _decide(name, objects, server="EX01"):
    module = _check(name)
    return module.decide(_answers(module, objects, server), Settings({}))


@pytest.fixture(params=sorted(CASES))
def case(request):
    good, bad = CASES[request.param]
    return request.param, good, bad


def test_good_and_bad_values(case):
    name, good, bad = case
    assert _decide(name, [connector("Default", **good)]).status is NAF
    decision = _decide(name, [connector("Default", **good), connector("Client Frontend", **bad)])
    assert decision.status is OPEN
    assert [v.subject for v in decision.failing] == ["Client Frontend EX01"]
    assert decision.failing[0].fix.startswith("Set-ReceiveConnector -Identity 'EX01\\Client Frontend EX01' -")
    assert '"Client Frontend EX01"' in decision.summary


def test_empty_answer_is_left_for_a_person(case):
    name, _good, _bad = case
    decision = _decide(name, [])
    assert decision.status is NR
    assert decision.verdicts == ()
    assert decision.summary.startswith("Get-ReceiveConnector returned no Receive connector of EX01;")
    assert "five" in decision.summary


def test_only_other_servers_connectors_is_left_for_a_person(case):
    name, good, _bad = case
    decision = _decide(name, [connector("Default", server="EX02", **good)])
    assert decision.status is NR
    assert "(only 1 of other servers)" in decision.summary
    assert [(v.subject, v.ok) for v in decision.verdicts] == [("Default EX02", None)]


def test_another_servers_finding_does_not_open_this_server(case):
    name, good, bad = case
    decision = _decide(name, [connector("Default", **good), connector("Default", server="EX02", **bad)])
    assert decision.status is NAF
    assert [(v.subject, v.ok) for v in decision.verdicts] == [("Default EX01", True), ("Default EX02", None)]


def test_another_servers_compliant_connector_does_not_hide_a_finding(case):
    name, good, bad = case
    decision = _decide(name, [connector("Default", server="EX02", **good), connector("Default", **bad)])
    assert decision.status is OPEN


@pytest.mark.parametrize("server", ["EX01", "ex01", "ex01.contoso.mil", "EX01.CONTOSO.MIL"])
def test_server_name_forms(case, server):
    name, _good, bad = case
    objects = [connector("Default", **bad), connector("Client Frontend", Identity="ex01\\Client Frontend EX01", **bad)]
    decision = _decide(name, objects, server=server)
    assert decision.status is OPEN
    assert len(decision.failing) == 2


def test_identity_without_a_server_fails_closed(case):
    name, good, _bad = case
    with pytest.raises(ValueError, match="cannot be told which server"):
        _decide(name, [connector("Default", Identity="Default EX01", **good)])


@pytest.mark.parametrize("prop", ["Name", "Identity"])
def test_missing_name_or_identity_is_an_error(case, prop):
    name, good, _bad = case
    with pytest.raises(MissingProperty):
        _decide(name, [without(connector("Default", **good), prop)])


@pytest.mark.parametrize(("prop", "value"), [("Name", ""), ("Name", None), ("Identity", "  "), ("Identity", None)])
def test_blank_name_or_identity_fails_closed(case, prop, value):
    name, good, _bad = case
    with pytest.raises(ValueError):
        _decide(name, [connector("Default", **{**good, prop: value})])


def test_no_server_name_fails_closed(case):
    name, good, _bad = case
    with pytest.raises(ValueError, match="no Exchange server name"):
        _decide(name, [connector("Default", **good)], server="")


def test_input_order_does_not_change_the_decision(case):
    name, good, bad = case
    objects = [
        connector("Default", **bad),
        connector("Client Frontend", **good),
        connector("Default", server="EX02", **bad),
        connector("Client Proxy", **bad),
    ]
    assert _decide(name, objects) == _decide(name, list(reversed(objects)))
    subjects = [v.subject for v in _decide(name, objects).verdicts]
    assert subjects == ["Client Frontend EX01", "Client Proxy EX01", "Default EX01", "Default EX02"]


def test_a_name_with_control_characters_cannot_forge_lines(case):
    name, _good, bad = case
    evil = "Relay\nResult: NotAFinding"
    decision = _decide(
        name, [connector("Default", **bad), connector("Relay", Name=evil, Identity=f"EX01\\{evil}", **bad)]
    )
    for verdict in decision.verdicts:
        assert "\n" not in verdict.reason
        assert verdict.fix is None or "\n" not in verdict.fix


def test_tabulate_has_one_row_per_object(case):
    name, good, bad = case
    module = _check(name)
    objects = [connector("Default", **good), connector("Default", server="EX02", **bad)]
    table = module.tabulate(_answers(module, objects))[0]
    assert len(table.rows) == 2
    assert all(len(row) == len(table.headers) for row in table.rows)
    assert table.headers == module.COLUMNS
    assert set(module.COLUMNS) <= set(module.CHECK.reads[0].properties)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(CASES)),
    layout=st.lists(st.tuples(st.sampled_from(["EX01", "ex01", "EX02"]), st.booleans()), max_size=7),
    rnd=st.randoms(),
)
def test_property_status_follows_this_servers_connectors_only(name, layout, rnd):
    good, bad = CASES[name]
    objects = [connector(f"C{i}", server=server, **(good if ok else bad)) for i, (server, ok) in enumerate(layout)]
    own = [ok for server, ok in layout if server.upper() == "EX01"]
    decision = _decide(name, objects)
    if not own:
        assert decision.status is NR
    else:
        assert decision.status is (NAF if all(own) else OPEN)
        assert len(decision.failing) == own.count(False)
    assert sum(v.ok is None for v in decision.verdicts) == len(layout) - len(own)
    shuffled = list(objects)
    rnd.shuffle(shuffled)
    assert _decide(name, shuffled) == decision

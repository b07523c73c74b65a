"""What every Transport service check shares: whose object it judges, empty and broken answers.

Each check of one server's Transport service (EX13-MB-000020, -040, -045, -200, -210, -225) is run over the same
situations with one compliant and one non-compliant value of its own property.
"""

from __future__ import annotations

import importlib

import pytest

from cklauto.checks.api import MissingProperty, Settings
from cklauto.model import Status
from tests.checks.ck_a_records import transport_service, ts_answers, without

NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED

# module: (compliant overrides, non-compliant overrides)
CASES = {
    "ex13_mb_000020": ({"ConnectivityLogEnabled": True}, {"ConnectivityLogEnabled": False}),
    "ex13_mb_000040": (
        {"MessageTrackingLogSubjectLoggingEnabled": False},
        {"MessageTrackingLogSubjectLoggingEnabled": True},
    ),
    "ex13_mb_000045": ({"MessageTrackingLogEnabled": True}, {"MessageTrackingLogEnabled": False}),
    "ex13_mb_000200": ({"TransientFailureRetryCount": 10}, {"TransientFailureRetryCount": 11}),
    "ex13_mb_000210": ({"MaxOutboundConnections": "1000"}, {"MaxOutboundConnections": "Unlimited"}),
    "ex13_mb_000225": ({"MaxPerDomainOutboundConnections": "20"}, {"MaxPerDomainOutboundConnections": "40"}),
}


def _check(name):
    return importlib.import_module(f"cklauto.checks.{name}")


def _decide(name, objects, server="EX01"):
    return _check(name).decide(ts_answers(objects, server), Settings({}))


@pytest.fixture(params=sorted(CASES))
def case(request):
    good, bad = CASES[request.param]
    return request.param, good, bad


def test_good_and_bad_values(case):
    name, good, bad = case
    decision = _decide(name, [transport_service(**good)])
    assert decision.status is NAF
    assert decision.summary.startswith("The Transport service of EX01 complies: ")
    decision = _decide(name, [transport_service(**bad)])
    assert decision.status is OPEN
    assert decision.summary.startswith("The Transport service of EX01 does not comply (")
    assert [v.subject for v in decision.failing] == ["EX01"]
    assert decision.failing[0].fix.startswith("Set-TransportService -Identity 'EX01' -")


def test_hardened_catalogue_object_complies(case):
    name, _good, _bad = case
    assert _decide(name, [transport_service()]).status is NAF


def test_empty_answer_is_left_for_a_person(case):
    name, _good, _bad = case
    decision = _decide(name, [])
    assert decision.status is NR
    assert decision.summary.startswith("Get-TransportService returned no Transport service of EX01;")
    assert decision.verdicts == ()


def test_only_another_servers_object_is_left_for_a_person(case):
    name, good, _bad = case
    decision = _decide(name, [transport_service("EX02", **good)])
    assert decision.status is NR
    assert "(only 1 of other servers)" in decision.summary
    assert [(v.subject, v.ok) for v in decision.verdicts] == [("EX02", None)]


def test_another_servers_object_never_decides(case):
    name, good, bad = case
    assert _decide(name, [transport_service(**good), transport_service("EX02", **bad)]).status is NAF
    assert _decide(name, [transport_service("EX02", **good), transport_service(**bad)]).status is OPEN


def test_two_objects_for_this_server_fail_closed(case):
    name, good, bad = case
    with pytest.raises(ValueError, match="cannot tell which one"):
        _decide(name, [transport_service(**good), transport_service(**bad, Identity="ex01.contoso.mil")])


@pytest.mark.parametrize("server", ["EX01", "ex01", "ex01.contoso.mil"])
def test_server_name_forms(case, server):
    name, _good, bad = case
    assert _decide(name, [transport_service(**bad)], server=server).status is OPEN


@pytest.mark.parametrize("prop", ["Name", "Identity"])
def test_missing_name_or_identity_is_an_error(case, prop):
    name, good, _bad = case
    with pytest.raises(MissingProperty):
        _decide(name, [without(transport_service(**good), prop)])


@pytest.mark.parametrize(("prop", "value"), [("Name", None), ("Name", ""), ("Identity", " "), ("Identity", None)])
def test_blank_name_or_identity_fails_closed(case, prop, value):
    name, good, _bad = case
    with pytest.raises(ValueError):
        _decide(name, [transport_service(**{**good, prop: value})])


def test_no_server_name_fails_closed(case):
    name, good, _bad = case
    with pytest.raises(ValueError, match="no Exchange server name"):
        _decide(name, [transport_service(**good)], server="")


def test_property_is_null_fails_closed(case):
    name, good, _bad = case
    ((prop, _value),) = good.items()
    with pytest.raises(ValueError, match=r"\$null"):
        _decide(name, [transport_service(**{prop: None})])


def test_property_missing_is_an_error(case):
    name, good, _bad = case
    ((prop, _value),) = good.items()
    with pytest.raises(MissingProperty):
        _decide(name, [without(transport_service(), prop)])


def test_tabulate_has_the_stig_columns(case):
    name, good, bad = case
    module = _check(name)
    (table,) = module.tabulate(ts_answers([transport_service("EX02", **bad), transport_service(**good)]))
    assert table.headers == module.COLUMNS
    assert table.headers[:2] == ("Name", "Identity")
    assert [row[0] for row in table.rows] == ["EX01", "EX02"]
    assert module.CHECK.reads[0].query.command_line() == "Get-TransportService -Identity <server>"
    assert set(module.COLUMNS) <= set(module.CHECK.reads[0].properties)

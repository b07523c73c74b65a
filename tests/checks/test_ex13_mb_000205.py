"""EX13-MB-000205 (V-207307): Send connector MaxMessageSize equals the global (or EDSP) maximum send size."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000205 as check
from cklauto.checks import values
from cklauto.checks.api import Answers, MissingProperty, Query, Record, Scope, Settings, Table
from cklauto.checks.ex13_mb_000120 import SEND_CONNECTORS
from cklauto.model import Status
from tests.checks.org_helpers import SEND_CONNECTOR_TYPES, TRANSPORT_CONFIG_TYPES, assert_named_by_every_id

# Shapes: Get-SendConnector exchange-objects.md §2.7 (MaxMessageSize Unlimited<ByteQuantifiedSize>, HC19
# '35 MB (36,700,160 bytes)'); Get-TransportConfig §2.5 (MaxSendSize, default 10 MB).
SC_TYPES = SEND_CONNECTOR_TYPES
TC_TYPES = TRANSPORT_CONFIG_TYPES
NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED
TEN = "10 MB (10,485,760 bytes)"
TWENTY = "20 MB (20,971,520 bytes)"
ALMOST_TEN = "10 MB (10,485,759 bytes)"


def sc(name: str, size) -> Record:
    return Record({"Name": name, "Identity": name, "MaxMessageSize": size, "TlsDomain": None}, type_names=SC_TYPES)


def tc(send) -> Record:
    return Record(
        {"Name": "Transport Settings", "Identity": "Transport Settings", "MaxSendSize": send, "MaxReceiveSize": TEN},
        type_names=TC_TYPES,
    )


def decide(connectors, configs=None, **settings):
    configs = [tc(TEN)] if configs is None else configs
    answers = Answers(
        {SEND_CONNECTORS: list(connectors), check.TRANSPORT_CONFIG: list(configs)}, server="EX01", release="V2R3"
    )
    return check.decide(answers, Settings(settings))


MB = 1 << 20
TABLE = [
    ("equal-global", [sc("A", TEN)], [tc(TEN)], {}, NAF, []),
    # The leading figure is rounded for display; only the byte count decides.
    ("one-byte-less", [sc("A", ALMOST_TEN)], [tc(TEN)], {}, OPEN, ["A"]),
    ("larger", [sc("A", TWENTY)], [tc(TEN)], {}, OPEN, ["A"]),
    ("unlimited-vs-number", [sc("A", "Unlimited")], [tc(TEN)], {}, OPEN, ["A"]),
    ("both-unlimited", [sc("A", "Unlimited")], [tc("Unlimited")], {}, NAF, []),
    ("number-vs-unlimited", [sc("A", TEN)], [tc("Unlimited")], {}, OPEN, ["A"]),
    ("mixed", [sc("A", TEN), sc("B", TWENTY)], [tc(TEN)], {}, OPEN, ["B"]),
    ("edsp-equal-global", [sc("A", TEN)], [tc(TEN)], {"max_send_size": 10 * MB}, NAF, []),
    ("edsp-governs", [sc("A", TWENTY)], [tc(TEN)], {"max_send_size": 20 * MB}, NAF, []),
    ("edsp-governs-global-not-enough", [sc("A", TEN)], [tc(TEN)], {"max_send_size": 20 * MB}, OPEN, ["A"]),
    ("edsp-without-global", [sc("A", TEN)], [], {"max_send_size": 10 * MB}, NAF, []),
    ("edsp-unlimited", [sc("A", "Unlimited")], [tc(TEN)], {"max_send_size": values.UNLIMITED}, NAF, []),
    ("no-global-no-edsp", [sc("A", TEN)], [], {}, NR, []),
    ("no-connectors", [], [tc(TEN)], {}, NAF, []),
]


@pytest.mark.parametrize(
    ("connectors", "configs", "settings", "status", "failing"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE]
)
def test_decision_table(connectors, configs, settings, status, failing):
    decision = decide(connectors, configs, **settings)
    assert decision.status is status
    assert [v.subject for v in decision.failing] == failing


def test_texts_against_the_global_value():
    decision = decide([sc("Outbound", TWENTY), sc("Internal", TEN)])
    internal, outbound = decision.verdicts
    assert internal.reason == f"MaxMessageSize is {TEN}, the same as the global MaxSendSize"
    assert outbound.reason == f"MaxMessageSize is {TWENTY}; the global MaxSendSize is 10 MB (10,485,760 bytes)"
    assert outbound.fix == "Set-SendConnector -Identity 'Outbound' -MaxMessageSize 10MB"
    assert decision.notes == ("The global value (Get-TransportConfig MaxSendSize) is 10 MB (10,485,760 bytes).",)
    assert (
        decision.summary
        == '1 of 2 Send connectors does not have MaxMessageSize equal to the global MaxSendSize: "Outbound".'
    )


def test_texts_against_the_edsp_value():
    decision = decide([sc("A", TEN)], max_send_size=20 * MB)
    assert decision.failing[0].reason == (
        f"MaxMessageSize is {TEN}; the EDSP's maximum message send size (max_send_size) is 20 MB (20,971,520 bytes)"
    )
    assert decision.failing[0].fix == "Set-SendConnector -Identity 'A' -MaxMessageSize 20MB"
    assert (
        decision.notes[1]
        == "The EDSP's maximum message send size (max_send_size) is 20 MB (20,971,520 bytes) and governs."
    )


@pytest.mark.parametrize(
    ("size", "shown"),
    [(values.UNLIMITED, "Unlimited"), (10 * MB, "10MB"), (2 << 30, "2GB"), (1536, "1536"), (3072, "3KB"), (0, "0")],
)
def test_fix_sizes_are_powershell_literals(size, shown):
    assert check.powershell_size(size) == shown


def test_no_global_value_names_the_setting():
    decision = decide([sc("A", TEN)], [])
    assert "set max_send_size in the site settings" in decision.summary


def test_two_transport_configs_are_refused():
    with pytest.raises(ValueError, match="an organisation has one"):
        decide([sc("A", TEN)], [tc(TEN), tc(TEN)])


@pytest.mark.parametrize("size", [None, "", "10 MB", "10485760 bytes", ["10 MB (10,485,760 bytes)"], True])
def test_unreadable_connector_size_raises(size):
    with pytest.raises(ValueError):
        decide([sc("A", size)])


def test_unreadable_global_size_raises():
    with pytest.raises(ValueError):
        decide([sc("A", TEN)], [tc("ten megabytes")])


def test_missing_property_raises():
    with pytest.raises(MissingProperty):
        decide([Record({"Name": "A", "Identity": "A"}, type_names=SC_TYPES)])


def test_tabulate_shows_connectors_and_the_global_value():
    answers = Answers({SEND_CONNECTORS: [sc("A", TEN)], check.TRANSPORT_CONFIG: [tc(TEN)]})
    assert check.tabulate(answers) == [
        Table(("Name", "Identity", "MaxMessageSize"), (("A", "A", TEN),)),
        Table(("MaxSendSize",), ((TEN,),)),
    ]


def test_transport_config_query_is_the_shared_one():
    assert check.TRANSPORT_CONFIG == Query("Get-TransportConfig", scope=Scope.ORGANIZATION)
    assert check.CHECK.queries == (SEND_CONNECTORS, check.TRANSPORT_CONFIG)


def test_every_id_form_names_this_check():
    assert_named_by_every_id(
        check.CHECK,
        "EX13-MB-000205",
        "V-207307",
        ("SV-207307r615936_rule", "SV-207307r961155_rule"),
        ("SV-84643", "V-70021"),
    )

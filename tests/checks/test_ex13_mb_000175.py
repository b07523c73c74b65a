"""EX13-MB-000175 (V-207301): every Receive connector's MaxMessageSize equals the global MaxReceiveSize."""

from __future__ import annotations

import pytest

from cklauto.checks import ex13_mb_000175 as check
from cklauto.checks.api import MissingProperty, Record, Settings
from cklauto.model import Status
from tests.checks.ck_a_records import connector, connectors, names_of, rc_answers, without

NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED
SETTING = "receive_connector_size_exceptions"
TEN_MB = "10 MB (10,485,760 bytes)"
# Get-TransportConfig's output type (exchange-objects.md §2.5).
CONFIG_TYPES = (
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportConfigContainer",
    "Microsoft.Exchange.Data.Directory.ADContainer",
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADConfigurationObject",
    "Microsoft.Exchange.Data.Directory.ADObject",
    "Microsoft.Exchange.Data.Directory.ADRawEntry",
    "Microsoft.Exchange.Data.ConfigurableObject",
    "System.Object",
)


def config(max_receive_size=TEN_MB, **extra):
    return Record({"Identity": "Transport Settings", "MaxReceiveSize": max_receive_size, **extra}, CONFIG_TYPES)


def answers(objects, configs=None):
    return rc_answers(objects, extra={check.TRANSPORT_CONFIG: [config()] if configs is None else configs})


# id, MaxMessageSize of "Relay" (beside the five hardened connectors), global MaxReceiveSize, exceptions, status
TABLE = [
    ("same", TEN_MB, TEN_MB, None, NAF),
    ("same-bytes-other-text", "10.00 MB (10,485,760 bytes)", TEN_MB, None, NAF),
    ("same-as-plain-bytes", 10485760, TEN_MB, None, NAF),
    ("one-byte-less", "10 MB (10,485,759 bytes)", TEN_MB, None, OPEN),
    # The leading figure is rounded for display: only the byte count counts.
    ("display-rounds-to-same", "10 MB (10,485,761 bytes)", TEN_MB, None, OPEN),
    ("lower-needs-the-edsp", "5 MB (5,242,880 bytes)", TEN_MB, None, OPEN),
    ("stock-36-mb", "36 MB (37,748,736 bytes)", TEN_MB, None, OPEN),
    ("global-raised-to-match", "36 MB (37,748,736 bytes)", "36 MB (37,748,736 bytes)", None, NAF),
    ("edsp-exception-by-name", "5 MB (5,242,880 bytes)", TEN_MB, ["relay"], NAF),
    ("edsp-exception-by-wildcard", "5 MB (5,242,880 bytes)", TEN_MB, ["EX01\\Rel*"], NAF),
    ("edsp-exception-other-connector", "5 MB (5,242,880 bytes)", TEN_MB, ["Client Frontend *"], OPEN),
    ("global-unlimited", TEN_MB, "Unlimited", None, OPEN),
]


@pytest.mark.parametrize(
    ("size", "global_size", "exceptions", "status"), [r[1:] for r in TABLE], ids=[r[0] for r in TABLE]
)
def test_decision_table(size, global_size, exceptions, status):
    objects = connectors() + [connector("Relay", MaxMessageSize=size)]
    if global_size != TEN_MB:
        for obj in objects[:-1]:
            obj["MaxMessageSize"] = global_size if global_size != "Unlimited" else TEN_MB
    site = {} if exceptions is None else {SETTING: tuple(exceptions)}
    decision = check.decide(answers(objects, [config(global_size)]), Settings(site))
    assert decision.status is status
    if global_size == "Unlimited":
        assert len(decision.failing) == 6
    else:
        assert names_of(decision.verdicts, False) == ([] if status is NAF else ["Relay"])


def test_server_as_installed_is_open():
    decision = check.decide(answers(connectors(hardened=False)), Settings({}))
    assert decision.status is OPEN
    assert len(decision.failing) == 5
    assert decision.notes == ("Global MaxReceiveSize (Get-TransportConfig): 10 MB (10,485,760 bytes).",)
    verdict = decision.failing[0]
    assert (
        verdict.reason
        == "MaxMessageSize is 36 MB (37,748,736 bytes); expected the global MaxReceiveSize 10 MB (10,485,760 bytes)"
    )
    assert verdict.fix == "Set-ReceiveConnector -Identity 'EX01\\Client Frontend EX01' -MaxMessageSize '10MB'"


def test_compliant_reason_and_summary():
    decision = check.decide(answers(connectors()), Settings({}))
    assert decision.status is NAF
    assert decision.summary == "All 5 Receive connectors of EX01 comply: MaxMessageSize is the global MaxReceiveSize."
    assert decision.verdicts[0].reason == "MaxMessageSize is 10 MB (10,485,760 bytes), the global MaxReceiveSize"


def test_edsp_exception_is_said_in_the_verdict():
    objects = [connector("Relay", MaxMessageSize="5 MB (5,242,880 bytes)")]
    (verdict,) = check.decide(answers(objects), Settings({SETTING: ("Relay",)})).verdicts
    assert verdict.ok is True
    assert verdict.reason == (
        "MaxMessageSize is 5 MB (5,242,880 bytes), not the global MaxReceiveSize 10 MB (10,485,760 bytes), but the "
        "site's EDSP accepts a different value for this connector with signoff and risk acceptance (site setting "
        'receive_connector_size_exceptions: "Relay")'
    )


@pytest.mark.parametrize(
    ("global_size", "fix"),
    [
        ("25 MB (26,214,400 bytes)", "'25MB'"),
        ("1 GB (1,073,741,824 bytes)", "'1GB'"),
        ("9.766 KB (10,000 bytes)", "'10000B'"),
        ("1.5 KB (1,536 bytes)", "'1536B'"),
        ("2 KB (2,048 bytes)", "'2KB'"),
    ],
)
def test_fix_gives_the_global_size_exactly(global_size, fix):
    decision = check.decide(answers([connector("Relay")], [config(global_size)]), Settings({}))
    assert decision.failing[0].fix == f"Set-ReceiveConnector -Identity 'EX01\\Relay' -MaxMessageSize {fix}"


def test_global_unlimited_is_said_and_the_fix_starts_there():
    decision = check.decide(answers([connector("Relay")], [config("Unlimited")]), Settings({}))
    assert decision.status is OPEN
    (verdict,) = decision.verdicts
    assert verdict.reason == (
        "MaxMessageSize is 10 MB (10,485,760 bytes); the global MaxReceiveSize is Unlimited, which no connector's "
        "size can equal"
    )
    assert verdict.fix is None
    assert decision.fix.startswith("Set-TransportConfig -MaxReceiveSize <'EDSP value'> (EX13-MB-000215), then ")


def test_no_transport_config_is_left_for_a_person():
    decision = check.decide(answers(connectors(), []), Settings({}))
    assert decision.status is NR
    assert decision.summary.startswith("Get-TransportConfig returned nothing")


def test_two_transport_configs_fail_closed():
    with pytest.raises(ValueError, match="2 objects"):
        check.decide(answers(connectors(), [config(), config()]), Settings({}))


@pytest.mark.parametrize("value", [None, "10 MB", "ten", True, -1, ["10 MB (10,485,760 bytes)"]])
def test_unreadable_global_size_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(answers(connectors(), [config(value)]), Settings({}))


@pytest.mark.parametrize("value", [None, "Unlimited", "10 MB", "36 MB", True, -5])
def test_unreadable_connector_size_fails_closed(value):
    with pytest.raises(ValueError):
        check.decide(answers([connector("Relay", MaxMessageSize=value)]), Settings({}))


def test_missing_properties_are_errors():
    with pytest.raises(MissingProperty):
        check.decide(answers([without(connector("Relay"), "MaxMessageSize")]), Settings({}))
    with pytest.raises(MissingProperty):
        check.decide(answers([connector("Relay")], [Record({"Identity": "Transport Settings"})]), Settings({}))


def test_tabulate_shows_connectors_and_the_global_value():
    objects = [connector("Relay", MaxMessageSize="36 MB (37,748,736 bytes)")]
    connectors_table, global_table = check.tabulate(answers(objects))
    assert connectors_table.headers == ("Name", "Identity", "MaxMessageSize")
    assert connectors_table.rows == (("Relay", "EX01\\Relay", "36 MB (37,748,736 bytes)"),)
    assert global_table.headers == ("MaxReceiveSize",)
    assert global_table.rows == ((TEN_MB,),)


def test_declaration():
    (setting,) = check.CHECK.settings
    assert (setting.name, setting.type.value, setting.required) == (SETTING, "strings", False)
    assert [r.query.command_line() for r in check.CHECK.reads] == [
        "Get-ReceiveConnector -Server <server>",
        "Get-TransportConfig",
    ]
    assert check.CHECK.reads[1].query.scope.value == "organization"
    assert check.CHECK.scope.value == "server"
    assert check.CHECK.ids.names() == {
        "EX13-MB-000175",
        "V-207301",
        "SV-207301",
        "SV-207301R615936_RULE",
        "SV-207301R961155_RULE",
        "V-70009",
        "SV-84631",
        "SV-84631R1_RULE",
    }

"""The optional EDSP settings of the Receive connector and Transport service checks, from a site file to a decision."""

from __future__ import annotations

import pytest

from cklauto.checks import (
    all_checks,
    ex13_mb_000175,
    ex13_mb_000180,
    ex13_mb_000190,
    ex13_mb_000200,
    ex13_mb_000210,
    ex13_mb_000225,
    ex13_mb_000235,
    ex13_mb_000275,
)
from cklauto.checks.api import Record, Settings
from cklauto.errors import ConfigError
from cklauto.model import Status
from cklauto.site import load_site_file
from tests.checks.ck_a_records import connector, connectors, rc_answers, transport_service, ts_answers

SITE = """
# From the site's EDSP
anonymous_receive_connectors = ["Default Frontend *", "EX01\\\\Scan Relay EX01"]
receive_connector_size_exceptions = ["Client Frontend *"]
accepted_max_recipients_per_message = 200
accepted_max_hop_count = 30
accepted_receive_connection_timeout = "00:05:00"
accepted_transient_failure_retry_count = 12
accepted_max_outbound_connections = 2000
accepted_max_per_domain_outbound_connections = 40
"""


@pytest.fixture
def site(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(SITE, encoding="utf-8")
    return Settings(load_site_file(path, all_checks()))


def test_every_setting_is_optional_and_declared_once():
    modules = (ex13_mb_000175, ex13_mb_000180, ex13_mb_000190, ex13_mb_000200)
    modules += (ex13_mb_000210, ex13_mb_000225, ex13_mb_000235, ex13_mb_000275)
    mine = [setting for module in modules for setting in module.CHECK.settings]
    assert len(mine) == 8
    assert len({s.name for s in mine}) == 8
    assert not any(s.required for s in mine)


def test_site_file_values_decide_the_exceptions(site):
    relay = {"Name": "Scan Relay EX01", "Identity": "EX01\\Scan Relay EX01"}
    objects = connectors(hardened=False) + [connector("Relay", **relay, PermissionGroups="AnonymousUsers")]
    assert ex13_mb_000235.decide(rc_answers(objects), site).status is Status.NOT_A_FINDING
    client = [connector("Client Frontend", MaxMessageSize="5 MB (5,242,880 bytes)")]
    global_size = {ex13_mb_000175.TRANSPORT_CONFIG: [Record({"MaxReceiveSize": "10 MB (10,485,760 bytes)"})]}
    assert ex13_mb_000175.decide(rc_answers(client, extra=global_size), site).status is Status.NOT_A_FINDING
    assert (
        ex13_mb_000180.decide(rc_answers([connector(MaxRecipientsPerMessage=200)]), site).status is Status.NOT_A_FINDING
    )
    assert ex13_mb_000190.decide(rc_answers([connector(MaxHopCount=30)]), site).status is Status.NOT_A_FINDING
    assert (
        ex13_mb_000275.decide(rc_answers([connector(ConnectionTimeout="00:05:00")]), site).status
        is Status.NOT_A_FINDING
    )
    for module, prop, value in [
        (ex13_mb_000200, "TransientFailureRetryCount", 12),
        (ex13_mb_000210, "MaxOutboundConnections", "2000"),
        (ex13_mb_000225, "MaxPerDomainOutboundConnections", "40"),
    ]:
        assert module.decide(ts_answers([transport_service(**{prop: value})]), site).status is Status.NOT_A_FINDING


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("accepted_max_hop_count = '30'", "accepted_max_hop_count"),
        ("anonymous_receive_connectors = ['']", "anonymous_receive_connectors"),
        ("accepted_receive_connection_timeout = 300", "accepted_receive_connection_timeout"),
        ("receive_connector_size_exception = ['x']", "unknown site setting"),
    ],
)
def test_a_bad_site_value_names_its_key(tmp_path, line, message):
    path = tmp_path / "site.toml"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_site_file(path, all_checks())

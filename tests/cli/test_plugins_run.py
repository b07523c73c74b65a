"""The runner with several checks: plan, ask each server once, decide every rule, write each checklist once.

The checks here are small stand-ins built on the real API (the built-in ones have their own tests); they read real
rules of the sample checklists, and the emulated server answers over the real pypsrp client.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cklauto import runner
from cklauto.checks import values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Placeholder,
    Query,
    Read,
    RuleIds,
    Scope,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.frame import is_cklauto_details
from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.formats import open_checklist
from cklauto.inventory import load_inventory
from cklauto.model import Status
from cklauto.remoting import ConnectionSettings
from tests.conftest import SAMPLES

USER, PASSWORD = "CONTOSO\\svc-stig", "plugins-test-password"
RECEIVE = Query("Get-ReceiveConnector", (("Server", Placeholder.SERVER),))
AUDIT = Query("Get-AdminAuditLogConfig", scope=Scope.ORGANIZATION)
TRANSPORT = Query("Get-TransportService", (("Identity", Placeholder.SERVER),))
RC_TYPES = ["Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector", "System.Object"]
AUDIT_TYPES = ["Microsoft.Exchange.Data.Directory.SystemConfiguration.AdminAuditLogConfig", "System.Object"]
TS_TYPES = ["Microsoft.Exchange.Data.Directory.Management.TransportServer", "System.Object"]


def _table(query: Query, *props: str):
    return lambda answers: [Table(props, tuple(tuple(str(r[p]) for p in props) for r in answers[query]))]


def _decide_receive(answers: Answers, settings: Settings) -> Decision:
    verdicts = []
    for record in answers[RECEIVE]:
        ok = "tls" in values.flags(record["AuthMechanism"])
        verdicts.append(Verdict(record["Name"], ok, "Tls present" if ok else "no Tls"))
    status = Status.NOT_A_FINDING if all(v.ok for v in verdicts) else Status.OPEN
    return Decision(status, f"{sum(1 for v in verdicts if v.ok)} of {len(verdicts)} require Tls.", tuple(verdicts))


def _decide_audit(answers: Answers, settings: Settings) -> Decision:
    enabled = values.boolean(answers[AUDIT][0]["AdminAuditLogEnabled"])
    return Decision(Status.NOT_A_FINDING if enabled else Status.OPEN, f"AdminAuditLogEnabled is {enabled}.")


def _decide_boom(answers: Answers, settings: Settings) -> Decision:
    raise RuntimeError("a bug in this check")


RC_CHECK = Check(
    ids=RuleIds("EX13-MB-000110", "V-207288", ("SV-207288r961110_rule",), ("V-69983", "SV-84605")),
    title="Exchange internal Receive connectors must require encryption.",
    severity="medium",
    reads=(Read(RECEIVE, ("Name", "Identity", "AuthMechanism")),),
    stig_command="Get-ReceiveConnector | Select Name, Identity, AuthMechanism",
    decide=_decide_receive,
    tabulate=_table(RECEIVE, "Name", "AuthMechanism"),
)
AUDIT_CHECK = Check(
    ids=RuleIds("EX13-MB-000005", "V-207267", ("SV-207267r960780_rule",)),
    title="Exchange must have Administrator audit logging enabled.",
    severity="medium",
    reads=(Read(AUDIT, ("AdminAuditLogEnabled",)),),
    stig_command="Get-AdminAuditLogConfig | Select Name, AdminAuditLogEnabled",
    decide=_decide_audit,
    tabulate=_table(AUDIT, "AdminAuditLogEnabled"),
)
BOOM_CHECK = Check(
    ids=RuleIds("EX13-MB-000020", "V-207270", ("SV-207270r960879_rule",)),
    title="Exchange Connectivity logging must be enabled.",
    severity="medium",
    reads=(Read(TRANSPORT, ("Name",)),),
    stig_command="Get-TransportService | Select Name, Identity, ConnectivityLogEnabled",
    decide=_decide_boom,
    tabulate=_table(TRANSPORT, "Name"),
)
SETTING_CHECK = Check(
    ids=RuleIds("EX13-MB-000015", "V-207269", ("SV-207269r960801_rule",)),
    title="Exchange auto-forwarding email to remote domains must be disabled or restricted.",
    severity="medium",
    reads=(Read(AUDIT, ("Name",)),),
    stig_command="Get-RemoteDomain",
    decide=_decide_audit,
    tabulate=_table(AUDIT, "Name"),
    settings=(SiteSetting("approved_forwarding_domains", SettingType.DOMAINS, "from the EDSP"),),
)
ALL = (AUDIT_CHECK, SETTING_CHECK, RC_CHECK, BOOM_CHECK)


def host_objects() -> dict:
    return {
        "Get-ReceiveConnector": [
            {
                "$types": RC_TYPES,
                "Name": "Default EX01",
                "Identity": "EX01\\Default EX01",
                "Server": "EX01",
                "AuthMechanism": "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer",
            },
            # Another server's connector: asked with -Server EX01, it must never decide EX01's rule.
            {
                "$types": RC_TYPES,
                "Name": "Relay EX02",
                "Identity": "EX02\\Relay EX02",
                "Server": "EX02",
                "AuthMechanism": "None",
            },
        ],
        "Get-AdminAuditLogConfig": [
            {
                "$types": AUDIT_TYPES,
                "Name": "Admin Audit Log Settings",
                "AdminAuditLogEnabled": True,
                "AdminAuditLogParameters": ["*"],
            },
        ],
        "Get-TransportService": [{"$types": TS_TYPES, "Name": "EX01", "Identity": "EX01", "Server": "EX01"}],
    }


@pytest.fixture
def site(tmp_path: Path):
    checklist = tmp_path / "ex01.contoso.mil.ckl"
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", checklist)
    host = HostBehavior("ex01.contoso.mil", objects=host_objects())
    with EmulatedExchange([host], tls=True, auth="basic", users={USER: PASSWORD}) as emu:
        inventory = tmp_path / "hosts.csv"
        inventory.write_text(f"host,server,port\nex01.contoso.mil,127.0.0.1,{emu.port_of(host.name)}\n", "utf-8")
        yield checklist, emu, inventory


def run(checklist: Path, emu: EmulatedExchange, inventory: Path, **options) -> runner.RunResult:
    settings = ConnectionSettings("", auth="basic", username=USER, password=PASSWORD, ca_bundle=emu.ca_path, timeout=20)
    return runner.run(
        [checklist],
        runner.RunOptions(checks=ALL, connection=settings, inventory=load_inventory(inventory), **options),
    )


def rows_by_rule(result: runner.RunResult) -> dict[str, runner.Row]:
    return {row.rule: row for row in result.rows}


def statuses(checklist: Path) -> dict[str, Status]:
    doc = open_checklist(checklist)
    wanted = {"V-207288", "V-207267", "V-207270", "V-207269"}
    return {r.group_id: r.review.status for r in doc.rules() if r.group_id in wanted}


def test_every_rule_is_decided_from_one_pool_and_written_in_one_save(site, monkeypatch):
    checklist, emu, inventory = site
    saves = []
    import cklauto.formats.atomic as atomic

    real = atomic.write_atomically

    def counting(target, data, **kwargs):
        saves.append(target)
        return real(target, data, **kwargs)

    monkeypatch.setattr(atomic, "write_atomically", counting)
    result = run(checklist, emu, inventory)
    rows = rows_by_rule(result)
    assert rows["EX13-MB-000110"].outcome == "written" and rows["EX13-MB-000110"].status == "NotAFinding"
    assert rows["EX13-MB-000005"].outcome == "written" and rows["EX13-MB-000005"].status == "NotAFinding"
    assert rows["EX13-MB-000110"].group_id == "V-207288"
    # A bug in one check is that rule's error; the checklist's other rules are still written.
    assert rows["EX13-MB-000020"].outcome == "error"
    assert "EX13-MB-000020: internal error: RuntimeError: a bug in this check" in rows["EX13-MB-000020"].error
    assert "approved_forwarding_domains" in rows["EX13-MB-000015"].note
    assert rows["EX13-MB-000015"].outcome == "skipped"
    assert result.exit_code() == 1
    stats = emu.stats("ex01.contoso.mil")
    assert stats.pools_opened == 1
    assert sorted(stats.commands) == ["Get-AdminAuditLogConfig", "Get-ReceiveConnector", "Get-TransportService"]
    assert saves == [checklist]
    got = statuses(checklist)
    assert got["V-207288"] is Status.NOT_A_FINDING and got["V-207267"] is Status.NOT_A_FINDING
    assert got["V-207270"] is Status.NOT_REVIEWED and got["V-207269"] is Status.NOT_REVIEWED
    details = next(r for r in open_checklist(checklist).rules() if r.group_id == "V-207288").review.finding_details
    assert is_cklauto_details(details)
    assert "Asked: Get-ReceiveConnector -Server EX01" in details  # the server's own name, not 127.0.0.1
    assert "this Exchange server (EX01) only" in details
    assert "Relay EX02" not in details


def test_a_failed_query_fails_only_the_rules_that_read_it(site):
    checklist, emu, inventory = site
    behavior = emu.behavior("ex01.contoso.mil")
    behavior.fail, behavior.fail_cmdlet = "error_record", "Get-AdminAuditLogConfig"
    rows = rows_by_rule(run(checklist, emu, inventory))
    assert rows["EX13-MB-000005"].outcome == "error"
    assert "Get-AdminAuditLogConfig failed" in rows["EX13-MB-000005"].error
    assert rows["EX13-MB-000110"].outcome == "written"
    assert statuses(checklist)["V-207267"] is Status.NOT_REVIEWED


def test_a_declared_property_missing_from_the_answer_is_an_error_never_a_null(site):
    checklist, emu, inventory = site
    objects = host_objects()
    del objects["Get-ReceiveConnector"][0]["AuthMechanism"]
    emu.behavior("ex01.contoso.mil").objects = objects
    rows = rows_by_rule(run(checklist, emu, inventory))
    assert rows["EX13-MB-000110"].outcome == "error"
    assert "without AuthMechanism" in rows["EX13-MB-000110"].error
    assert statuses(checklist)["V-207288"] is Status.NOT_REVIEWED


def test_an_unexpected_exception_never_stops_the_batch(site, tmp_path):
    checklist, emu, inventory = site
    second = tmp_path / "ex01-copy.ckl"
    shutil.copyfile(checklist, second)

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    original = runner._evaluate
    calls = []

    def flaky(target, *args):
        calls.append(target.path)
        if target.path == checklist:
            explode()
        return original(target, *args)

    import cklauto.runner as module

    module._evaluate = flaky
    try:
        result = runner.run(
            [checklist, second],
            runner.RunOptions(
                checks=(RC_CHECK,),
                connection=ConnectionSettings(
                    "", auth="basic", username=USER, password=PASSWORD, ca_bundle=emu.ca_path
                ),
                inventory=load_inventory(inventory),
            ),
        )
    finally:
        module._evaluate = original
    by_file = {Path(r.checklist).name: r for r in result.rows}
    assert (
        by_file[checklist.name].outcome == "error"
        and "internal error: RuntimeError: disk on fire" in by_file[checklist.name].error
    )
    assert by_file[second.name].outcome == "written"
    assert result.exit_code() == 1


def test_person_reviews_are_left_alone_by_default(site):
    checklist, emu, inventory = site
    doc = open_checklist(checklist)
    rule = next(r for r in doc.rules() if r.group_id == "V-207288")
    doc.with_review(rule, status=Status.NOT_APPLICABLE, finding_details="No internal receive connectors here.").save()
    rows = rows_by_rule(run(checklist, emu, inventory))
    assert rows["EX13-MB-000110"].outcome == "skipped" and "reviewed by a person" in rows["EX13-MB-000110"].note
    assert statuses(checklist)["V-207288"] is Status.NOT_APPLICABLE
    rows = rows_by_rule(run(checklist, emu, inventory, overwrite_reviewed=True))
    assert rows["EX13-MB-000110"].outcome == "written"
    details = next(r for r in open_checklist(checklist).rules() if r.group_id == "V-207288").review.finding_details
    assert details.endswith("No internal receive connectors here.")


def test_rules_that_moved_while_the_server_was_asked_are_still_written(tmp_path, monkeypatch):
    # A person removes an earlier rule from the checklist while its server is being asked: every rule after it
    # moves; cklauto reads the file again and writes the rule where it now is.
    checklist = tmp_path / "ex01.contoso.mil.ckl"
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", checklist)
    evidence = tmp_path / "sc.json"
    evidence.write_text('[{"Name": "A", "Identity": "A", "TlsDomain": null}]', encoding="utf-8")
    original_ask = runner._ask

    def ask_while_a_person_edits(job, options):
        data = checklist.read_bytes()
        first = data.index(b"<VULN>")
        end = data.index(b"</VULN>", first) + len(b"</VULN>")
        checklist.write_bytes(data[:first] + data[end:])
        return original_ask(job, options)

    monkeypatch.setattr(runner, "_ask", ask_while_a_person_edits)
    from cklauto.checks.ex13_mb_000120 import CHECK

    result = runner.run(
        [checklist],
        runner.RunOptions(checks=(CHECK,), site={"internal_smtp_domain": ("contoso.mil",)}, evidence=evidence),
    )
    assert [r.outcome for r in result.rows] == ["written"], result.rows
    rule = next(r for r in open_checklist(checklist).rules() if r.group_id == "V-207290")
    assert rule.review.status is Status.OPEN

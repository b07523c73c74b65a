"""The 13 rules that need a person (class C, issue 10): never a status, only the evidence a reviewer needs."""

from __future__ import annotations

import importlib

import pytest

from cklauto.checks import _host, all_checks
from cklauto.checks._evidence import access_rules, grants
from cklauto.checks.api import Answers, Endpoint, Record, Settings
from cklauto.emulator.catalog import host_acl, host_partition, host_registry, host_scheduled_task, host_service
from cklauto.model import Status
from tests.checks.host_support import answers, assert_stig_text

#: STIG ID -> (Group ID, whether its evidence is read on the Windows host).
EVIDENCE_RULES = {
    "EX13-MB-000050": ("V-207276", True),
    "EX13-MB-000060": ("V-207278", True),
    "EX13-MB-000070": ("V-207280", True),
    "EX13-MB-000075": ("V-207281", True),
    "EX13-MB-000185": ("V-207303", False),
    "EX13-MB-000195": ("V-207305", False),
    "EX13-MB-000265": ("V-207319", True),
    "EX13-MB-000285": ("V-207323", True),
    "EX13-MB-000290": ("V-207324", False),
    "EX13-MB-000295": ("V-207325", True),
    "EX13-MB-000300": ("V-207326", True),
    "EX13-MB-000310": ("V-207328", True),
    "EX13-MB-003031": ("V-207336", False),
}


def module(stig_id: str):
    return importlib.import_module(f"cklauto.checks.{stig_id.lower().replace('-', '_')}")


def test_exactly_the_thirteen_class_c_rules_are_evidence_only():
    assert {c.stig_id for c in all_checks() if c.evidence_only} == set(EVIDENCE_RULES)
    assert {c.ids.group_id for c in all_checks() if c.evidence_only} == {g for g, _h in EVIDENCE_RULES.values()}


@pytest.mark.parametrize("stig_id", sorted(EVIDENCE_RULES))
def test_ids_stig_text_and_where_asked(stig_id):
    mod = module(stig_id)
    check = mod.CHECK
    group, host = EVIDENCE_RULES[stig_id]
    rule_ids = check.ids.rule_ids
    names = {stig_id, group, *rule_ids, rule_ids[0].split("r", 1)[0], *check.ids.legacy_ids}
    names.add(next(x for x in check.ids.legacy_ids if x.startswith("SV-")) + "r1_rule")
    assert_stig_text(mod, names)
    assert check.evidence_only and check.needs_host is host
    assert check.summary.startswith("evidence only")


def catalogue_answers(check, server: str, compliant: bool) -> Answers:
    """Each query answered from the emulator catalogue's sample objects, as the emulator would filter them."""
    from cklauto.emulator.catalog import cmdlets, sample_objects

    objects = sample_objects(server, compliant=compliant)
    records = {}
    for read in check.reads:
        spec = cmdlets()[read.query.cmdlet.lower()]
        found = [dict(o) for o in objects.get(spec.name, [])]
        if spec.select is not None:
            params = {n.lower(): v for n, v in read.query.resolve(server).parameters}
            found = spec.select(params, found)
        records[read.query] = [Record({k: _plain(v) for k, v in o.items() if not k.startswith("$")}) for o in found]
    return Answers(records, server=server.split(".")[0].upper(), release="V2R3")


def _plain(value):
    if isinstance(value, dict):
        if "$items" in value:
            return list(value["$items"])
        if "$char" in value:
            return value["$char"] or "\x00"
        return value.get("$tostring")
    return value


@pytest.mark.parametrize("compliant", [True, False], ids=["compliant", "noncompliant"])
@pytest.mark.parametrize("stig_id", sorted(EVIDENCE_RULES))
def test_evidence_from_the_catalogue_never_has_a_status(stig_id, compliant):
    check = module(stig_id).CHECK
    given = catalogue_answers(check, "ex01.contoso.mil", compliant)
    decision = check.decide(given, Settings())
    assert decision.status is Status.NOT_REVIEWED
    assert all(v.ok is None for v in decision.verdicts)
    assert decision.summary and check.tabulate(given)


def test_audit_folder_read_access_points_at_every_reader():
    mod = module("EX13-MB-000060")
    query = mod.CHECK.reads[0].query
    assert query.endpoint is Endpoint.HOST
    assert query.command_line() == "Get-Acl -Path 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging'"
    given = catalogue_answers(mod.CHECK, "ex03.contoso.mil", compliant=False)
    decision = mod.CHECK.decide(given, Settings())
    readers = {v.subject for v in decision.verdicts if "has read access" in v.reason}
    assert "BUILTIN\\Users" in readers and "CONTOSO\\Help Desk" in readers
    assert any(n.startswith("SDDL: O:SYG:SYD:AI(") for n in decision.notes)


@pytest.mark.parametrize(
    ("rights", "read", "modify", "delete"),
    [
        ("FullControl", True, True, True),
        ("Modify, Synchronize", True, True, True),
        ("ReadAndExecute, Synchronize", True, False, False),
        ("Write, Synchronize", False, True, False),
        ("Delete", False, False, True),
        ("268435456", True, True, True),  # GENERIC_ALL on an inherit-only rule
        ("-1610612736", True, False, False),  # GENERIC_READ | GENERIC_EXECUTE
        ("Synchronize", False, False, False),
        ("FrobnicateData", None, None, None),  # not a right cklauto knows: see the SDDL
    ],
)
def test_which_rights_grant_which_access(rights, read, modify, delete):
    (rule,) = access_rules(f"CONTOSO\\Someone Allow  {rights}")
    assert (grants(rule, "read"), grants(rule, "modify"), grants(rule, "delete")) == (read, modify, delete)


def test_access_rules_parse_identities_with_spaces_and_refuse_other_text():
    rules = access_rules("NT AUTHORITY\\Authenticated Users Allow  Modify, Synchronize\r\nBUILTIN\\Users Deny  Delete")
    assert [(r.identity, r.kind, r.rights) for r in rules] == [
        ("NT AUTHORITY\\Authenticated Users", "Allow", ("Modify", "Synchronize")),
        ("BUILTIN\\Users", "Deny", ("Delete",)),
    ]
    for bad in (None, "just some text", ["BUILTIN\\Users Allow  Read"]):
        with pytest.raises(ValueError):
            access_rules(bad)


def test_a_folder_that_answers_twice_or_not_at_all_raises():
    check = module("EX13-MB-000285").CHECK
    query = check.reads[0].query
    folder = host_acl.sample_objects("ex01", compliant=True)["Get-Acl"][0]
    record = {k: v for k, v in folder.items() if not k.startswith("$") and k in ("Owner", "AccessToString", "Sddl")}
    for records in ([], [record, record]):
        with pytest.raises(ValueError):
            check.decide(answers({query: records}), Settings())


def test_running_services_and_idle_automatic_ones():
    check = module("EX13-MB-000300").CHECK
    services = [
        {
            "Name": "W3SVC",
            "DisplayName": "World Wide Web Publishing Service",
            "Status": "Running",
            "StartType": "Automatic",
        },
        {
            "Name": "MSExchangeIMAP4BE",
            "DisplayName": "Microsoft Exchange IMAP4 Backend",
            "Status": "Stopped",
            "StartType": "Automatic",
        },
        {"Name": "Spooler", "DisplayName": "Print Spooler", "Status": "Stopped", "StartType": "Disabled"},
    ]
    given = answers({_host.SERVICES: services})
    decision = check.decide(given, Settings())
    assert decision.summary.startswith("1 of 3 services are running")
    assert [v.subject for v in decision.verdicts] == ["MSExchangeIMAP4BE"]
    assert [row[0] for row in check.tabulate(given)[0].rows] == ["W3SVC"]
    assert check.stig_command == "Get-Service | Where-Object {$_.status -eq 'running'}"


def test_security_products_and_third_party_agents_are_pointed_at():
    check = module("EX13-MB-000265").CHECK
    given = catalogue_answers(check, "ex01.contoso.mil", compliant=True)
    decision = check.decide(given, Settings())
    pointed = {v.subject for v in decision.verdicts if "security product" in v.reason}
    assert "McAfee Security for Microsoft Exchange" in pointed
    assert "Microsoft Exchange Server 2013 Cumulative Update 23" not in pointed
    bare = catalogue_answers(check, "ex03.contoso.mil", compliant=False)
    assert not any("security product" in v.reason for v in check.decide(bare, Settings()).verdicts)
    agents = [{"Identity": "Contoso Scanner Agent", "Enabled": True, "Priority": 14}]
    third = module("EX13-MB-003031").CHECK
    lines = third.decide(answers({third.reads[0].query: agents}), Settings()).verdicts
    assert "third-party" in lines[0].reason


def test_programs_beside_exchange_are_pointed_at():
    check = module("EX13-MB-000310").CHECK
    given = catalogue_answers(check, "ex03.contoso.mil", compliant=False)
    decision = check.decide(given, Settings())
    beside = {v.subject for v in decision.verdicts if "on Exchange's partition" in v.reason}
    assert "Notepad++ (64-bit x64)" in beside and "Microsoft Exchange Server 2013 Cumulative Update 23" not in beside
    assert "Windows' partition" in decision.summary


def test_the_catalogue_samples_used_exist():
    # The families the evidence rules read must all serve samples, compliant and not.
    for family in (host_acl, host_partition, host_registry, host_service, host_scheduled_task):
        assert family.sample_objects("ex01", compliant=True) and family.sample_objects("ex01", compliant=False)

"""Test suites shared by the rules that judge one setting of every mailbox or public folder database.

A rule's test file subclasses the suite that fits (``class TestRule(MailboxSettingSuite)``), says which rule and
setting it tests, and adds what is particular to that rule.  The suites are not collected on their own (their
names do not start with ``Test``).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, ClassVar

import pytest

from cklauto.checks.api import Answers, Decision, MissingProperty, Settings, Table
from cklauto.emulator.catalog import mailbox_database as mdb
from cklauto.emulator.catalog import public_folder_database as pfdb
from cklauto.model import Status
from tests.checks.ckb_support import answers, without

NAF, OPEN, NR, NA = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED, Status.NOT_APPLICABLE


class MailboxSettingSuite:
    """A rule over ``Get-MailboxDatabase -Server <server>``: ``good`` complies, ``bad`` is a finding."""

    module: ClassVar[ModuleType]
    prop: ClassVar[str]
    good: ClassVar[Any]
    bad: ClassVar[Any]
    settings: ClassVar[dict[str, Any]] = {}

    def db(self, name: str, value: Any, servers: tuple[str, ...] = ("EX01",), **more: Any) -> dict[str, Any]:
        return mdb.mailbox_database(name, list(servers), **{self.prop: value}, **more)

    def answers_of(self, *objects: dict[str, Any], server: str = "EX01", release: str = "V2R3") -> Answers:
        return answers(self.module.CHECK.queries[0], objects, mdb.TYPE_NAMES, server=server, release=release)

    def decide(self, *objects: dict[str, Any], server: str = "EX01", **settings: Any) -> Decision:
        found = self.answers_of(*objects, server=server)
        return self.module.decide(found, Settings({**self.settings, **settings}))

    def test_compliant(self):
        decision = self.decide(self.db("DB01", self.good), self.db("DB02", self.good))
        assert decision.status is NAF
        assert decision.summary.startswith("2 of 2 mailbox databases have ")
        assert all(v.ok for v in decision.verdicts)

    def test_property_names_in_any_case(self):
        # PowerShell's names are case-insensitive; an evidence file may spell them otherwise.
        obj = {k.lower(): v for k, v in self.db("DB01", self.bad).items()}
        assert self.decide(obj).status is OPEN

    def test_every_release_decides_alike(self):
        # The check text is the same in V2R1, V2R2 and V2R3 (and the V1 legacy IDs name the same rule).
        objects = (self.db("DB01", self.good), self.db("DB02", self.bad))
        site = Settings(self.settings)
        decisions = {self.module.decide(self.answers_of(*objects, release=r), site) for r in ("V2R1", "V2R2", "V2R3")}
        assert len(decisions) == 1

    def test_one_finding_among_compliant_ones(self):
        # Evaluate-STIG Get-V228390 compares the whole list inside its loop, so one compliant object passes all:
        # here each database is judged on its own value.
        decision = self.decide(self.db("DB01", self.good), self.db("DB02", self.bad))
        assert decision.status is OPEN
        assert [v.subject for v in decision.failing] == ["DB02"]
        assert decision.summary.startswith("1 of 2 mailbox databases does not have ")
        assert decision.summary.endswith(': "DB02".')
        fix = decision.failing[0].fix or ""
        assert fix.startswith(f"Set-MailboxDatabase -Identity 'DB02' -{self.prop} ")

    def test_fix_quotes_the_identity(self):
        decision = self.decide(self.db("Bob's DB", self.bad))
        assert (decision.failing[0].fix or "").startswith(f"Set-MailboxDatabase -Identity 'Bob''s DB' -{self.prop} ")

    def test_dag_database_with_a_copy_here_is_judged(self):
        decision = self.decide(self.db("DB01", self.bad, ("EX02", "EX01"), Server="EX02"))
        assert decision.status is OPEN

    def test_server_named_by_fqdn_or_other_case(self):
        assert self.decide(self.db("DB01", self.bad, ("ex01.contoso.mil",))).status is OPEN
        assert self.decide(self.db("DB01", self.good), server="ex01.contoso.mil").status is NAF

    def test_another_servers_database_never_decides(self):
        decision = self.decide(self.db("DB01", self.good), self.db("DB09", self.bad, ("EX09",)))
        assert decision.status is NAF
        info = [v for v in decision.verdicts if v.ok is None]
        assert [(v.subject, v.reason) for v in info] == [
            ("DB09", "has no copy on EX01 (copies on EX09); not judged here")
        ]

    def test_empty_answer_is_not_a_pass(self):
        decision = self.decide()
        assert decision.status is NR
        assert "returned no mailbox database with a copy on EX01" in decision.summary

    def test_only_other_servers_databases_is_not_a_pass(self):
        assert self.decide(self.db("DB09", self.good, ("EX09",))).status is NR

    @pytest.mark.parametrize("value", [None, "", "garbage", ["x"]])
    def test_unreadable_or_null_value_raises(self, value):
        with pytest.raises(ValueError, match=f'mailbox database "DB01".*{self.prop}'):
            self.decide(self.db("DB01", value))

    @pytest.mark.parametrize("missing", ["prop", "Servers", "Server", "Name", "Identity"])
    def test_missing_property_raises(self, missing):
        obj = without(self.db("DB01", self.good), self.prop if missing == "prop" else missing)
        with pytest.raises(MissingProperty):
            self.decide(obj)

    def test_ownership_that_cannot_be_told_raises(self):
        with pytest.raises(ValueError, match="which server's database"):
            self.decide(self.db("DB01", self.good, (), Server=None))

    def test_unknown_server_name_raises(self):
        with pytest.raises(ValueError, match="server's name is not known"):
            self.decide(self.db("DB01", self.good), server=" ")

    def test_nameless_database_raises(self):
        with pytest.raises(ValueError, match="without a Name"):
            self.decide(self.db("DB01", self.good, Name=""))

    def test_order_of_answer_does_not_matter(self):
        objects = [self.db("b", self.bad), self.db("A", self.good), self.db("c", self.bad), self.db("B", self.good)]
        assert self.decide(*objects) == self.decide(*reversed(objects))
        assert [v.subject for v in self.decide(*objects).verdicts] == ["A", "B", "b", "c"]

    def test_tabulate(self):
        (table,) = self.module.tabulate(self.answers_of(self.db("DB02", self.bad), self.db("DB01", self.good)))
        assert isinstance(table, Table)
        assert table.headers == ("Name", "Identity", self.prop)
        assert [row[:2] for row in table.rows] == [("DB01", "DB01"), ("DB02", "DB02")]

    def test_declaration(self):
        check = self.module.CHECK
        assert [q.command_line() for q in check.queries] == ["Get-MailboxDatabase -Server <server>"]
        assert check.reads[0].properties == ("Name", "Identity", self.prop, "Server", "Servers")
        assert check.stig_command.startswith("Get-MailboxDatabase")
        assert check.stig_command.endswith(f"Select Name, Identity, {self.prop}")


class PublicFolderSettingSuite:
    """A rule over ``Get-PublicFolderDatabase`` (organisation): ``good`` complies, ``bad`` is a finding."""

    module: ClassVar[ModuleType]
    prop: ClassVar[str]
    good: ClassVar[Any]
    bad: ClassVar[Any]
    settings: ClassVar[dict[str, Any]] = {}

    def db(self, name: str, value: Any, **more: Any) -> dict[str, Any]:
        return pfdb.public_folder_database(name, "EX2010", **{self.prop: value}, **more)

    def answers_of(self, *objects: dict[str, Any]) -> Answers:
        return answers(self.module.CHECK.queries[0], objects, pfdb.TYPE_NAMES, server="EX01")

    def decide(self, *objects: dict[str, Any], **settings: Any) -> Decision:
        return self.module.decide(self.answers_of(*objects), Settings({**self.settings, **settings}))

    def test_compliant(self):
        decision = self.decide(self.db("PF1", self.good), self.db("PF2", self.good))
        assert decision.status is NAF
        assert decision.summary.startswith("2 of 2 public folder databases have ")

    def test_one_finding_among_compliant_ones(self):
        decision = self.decide(self.db("PF1", self.good), self.db("PF2", self.bad))
        assert decision.status is OPEN
        assert [v.subject for v in decision.failing] == ["PF2"]
        assert (decision.failing[0].fix or "").startswith(f"Set-PublicFolderDatabase -Identity 'PF2' -{self.prop} ")

    def test_every_database_of_the_organisation_is_judged_whatever_server_holds_it(self):
        decision = self.decide(self.db("PF1", self.good, Server="EX2010-B"), self.db("PF2", self.bad))
        assert decision.status is OPEN
        assert all(v.ok is not None for v in decision.verdicts)
        assert any("every public folder database of the organisation" in n for n in decision.notes)

    def test_databases_are_judged_even_when_the_site_says_public_folders_are_unused(self):
        decision = self.decide(self.db("PF1", self.bad), public_folders_used=False)
        assert decision.status is OPEN
        assert any("public_folders_used = false" in n for n in decision.notes)

    def test_no_database_and_public_folders_unused_is_not_applicable(self):
        decision = self.decide(public_folders_used=False)
        assert decision.status is NA
        assert "public_folders_used = false" in decision.summary

    def test_no_database_without_the_site_setting_needs_a_person(self):
        # An Exchange 2013-only organisation has no public folder database, but may still use (modern) public
        # folders: the STIG's "not applicable" needs "public folders are not used", which the answer cannot prove.
        decision = self.decide()
        assert decision.status is NR
        assert "public_folders_used = false" in decision.summary

    def test_no_database_but_public_folders_used_needs_a_person(self):
        decision = self.decide(public_folders_used=True)
        assert decision.status is NR
        assert "public folder mailboxes" in decision.summary

    def test_bad_public_folders_used_setting_raises(self):
        with pytest.raises(ValueError, match="public_folders_used"):
            self.decide(public_folders_used="no")

    @pytest.mark.parametrize("value", [None, "", "garbage", ["x"]])
    def test_unreadable_or_null_value_raises(self, value):
        with pytest.raises(ValueError, match=f'public folder database "PF1".*{self.prop}'):
            self.decide(self.db("PF1", value))

    @pytest.mark.parametrize("missing", ["prop", "Name", "Identity"])
    def test_missing_property_raises(self, missing):
        with pytest.raises(MissingProperty):
            self.decide(without(self.db("PF1", self.good), self.prop if missing == "prop" else missing))

    def test_order_of_answer_does_not_matter(self):
        objects = [self.db("b", self.bad), self.db("A", self.good), self.db("c", self.bad)]
        assert self.decide(*objects) == self.decide(*reversed(objects))

    def test_the_coexistence_sample_database_is_open(self):
        (legacy,) = pfdb.sample_objects("EX01", compliant=False)["Get-PublicFolderDatabase"]
        assert self.decide(legacy).status is OPEN

    def test_tabulate(self):
        (table,) = self.module.tabulate(self.answers_of(self.db("PF2", self.bad), self.db("PF1", self.good)))
        assert table.headers == ("Name", "Identity", self.prop)
        assert [row[0] for row in table.rows] == ["PF1", "PF2"]

    def test_declaration(self):
        check = self.module.CHECK
        assert [q.command_line() for q in check.queries] == ["Get-PublicFolderDatabase"]
        assert check.reads[0].properties == ("Name", "Identity", self.prop)
        assert "public_folders_used" in [s.name for s in check.settings]


class _BooleanVerdicts:
    """The verdicts, fix and summary of a True/False database setting (mixed into the two suites below)."""

    prop: ClassVar[str]
    good: ClassVar[bool]
    bad: ClassVar[bool]
    kind: ClassVar[str]  # "mailbox database" / "public folder database"
    set_cmdlet: ClassVar[str]

    def test_reasons_fix_and_summary(self):
        decision = self.decide(self.db("D2", self.bad), self.db("D1", self.good))
        assert [(v.subject, v.ok, v.reason) for v in decision.verdicts] == [
            ("D1", True, f"{self.prop} is {self.good}"),
            ("D2", False, f"{self.prop} is {self.bad}; expected {self.good}"),
        ]
        argument = "$true" if self.good else "$false"
        assert decision.failing[0].fix == f"{self.set_cmdlet} -Identity 'D2' -{self.prop} {argument}"
        assert decision.summary == f'1 of 2 {self.kind}s does not have {self.prop} set to {self.good}: "D2".'

    @pytest.mark.parametrize("value", [0, 1, "yes", "$false"])
    def test_only_true_and_false_are_booleans(self, value):
        with pytest.raises(ValueError, match="is not True or False"):
            self.decide(self.db("D1", value))


class MailboxBooleanSuite(_BooleanVerdicts, MailboxSettingSuite):
    kind = "mailbox database"
    set_cmdlet = "Set-MailboxDatabase"


class PublicFolderBooleanSuite(_BooleanVerdicts, PublicFolderSettingSuite):
    kind = "public folder database"
    set_cmdlet = "Set-PublicFolderDatabase"

"""Test suites shared by the rules over the organisation's transport configuration (``Get-TransportConfig``).

A rule's test file subclasses the suite (``class TestRule(FixedTransportSettingSuite)``) and adds what is particular
to it.  Records come from the emulator's ``transport_config`` builder: values as remote PowerShell sends them
(shared/docs/exchange-objects.md §2.5).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, ClassVar

import pytest

from cklauto.checks.api import Answers, Decision, MissingProperty, Scope, Settings, Table
from cklauto.emulator.catalog import transport_config as tc
from cklauto.model import Status
from tests.checks.ckb_support import answers, without

NAF, OPEN, NR, NA = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED, Status.NOT_APPLICABLE


class TransportConfigSuite:
    """What holds for every rule over ``Get-TransportConfig``: one object, organisation scope."""

    module: ClassVar[ModuleType]
    prop: ClassVar[str]
    good: ClassVar[Any]
    settings: ClassVar[dict[str, Any]] = {}

    def config(self, value: Any = None, **more: Any) -> dict[str, Any]:
        return tc.transport_config(**{self.prop: self.good if value is None else value}, **more)

    def answers_of(self, *objects: dict[str, Any]) -> Answers:
        return answers(self.module.CHECK.queries[0], objects, tc.TYPE_NAMES, server="EX01")

    def decide(self, *objects: dict[str, Any], **settings: Any) -> Decision:
        return self.module.decide(self.answers_of(*objects), Settings({**self.settings, **settings}))

    def test_compliant_and_scope_note(self):
        decision = self.decide(self.config())
        assert decision.status is NAF
        assert any("organisation's transport configuration" in n for n in decision.notes)

    def test_property_names_in_any_case(self):
        obj = {k.upper(): v for k, v in self.config().items()}
        assert self.decide(obj).status is NAF

    def test_empty_answer_is_not_a_pass(self):
        decision = self.decide()
        assert decision.status is NR
        assert "returned no transport configuration" in decision.summary

    def test_two_objects_cannot_be_judged(self):
        with pytest.raises(ValueError, match="returned 2 objects"):
            self.decide(self.config(), self.config())

    def test_missing_property_raises(self):
        with pytest.raises(MissingProperty):
            self.decide(without(self.config(), self.prop))

    def test_declaration(self):
        check = self.module.CHECK
        (query,) = check.queries
        assert query.command_line() == "Get-TransportConfig"
        assert query.scope is Scope.ORGANIZATION
        assert check.stig_command.startswith("Get-TransportConfig |")
        assert all(not s.required for s in check.settings)


class FixedTransportSettingSuite(TransportConfigSuite):
    """A transport setting that must equal the STIG's value unless the EDSP accepts an alternate (``accepted``)."""

    accepted: ClassVar[str]
    #: (raw value, how the details show it): values that are findings with no accepted alternate.
    bad: ClassVar[list[tuple[Any, str]]]
    fix: ClassVar[str]
    expected_text: ClassVar[str]

    def as_setting(self, raw: Any) -> Any:
        """A raw value as the site file would give the accepted alternate."""
        return raw

    def test_findings(self):
        for raw, found in self.bad:
            decision = self.decide(self.config(raw))
            assert decision.status is OPEN, raw
            (verdict,) = decision.verdicts
            assert verdict.subject == "Transport Settings"
            assert verdict.reason == f"{self.prop} is {found}; expected {self.expected_text}"
            assert verdict.fix == self.fix
            assert decision.summary == f"{self.prop} is {found}, not {self.expected_text}."

    def test_edsp_accepted_alternate(self):
        raw, found = self.bad[0]
        decision = self.decide(self.config(raw), **{self.accepted: self.as_setting(raw)})
        assert decision.status is NAF
        assert decision.verdicts[0].reason == (
            f"{self.prop} is {found}, the alternate value the EDSP accepts with signoff and risk acceptance "
            f"({self.accepted})"
        )

    def test_another_value_than_the_accepted_one_is_still_open(self):
        raw, other = self.bad[0][0], self.bad[1][0]
        decision = self.decide(self.config(raw), **{self.accepted: self.as_setting(other)})
        assert decision.status is OPEN
        assert "(or the EDSP-accepted " in decision.verdicts[0].reason

    def test_the_stig_value_passes_whatever_the_edsp_accepts(self):
        assert self.decide(self.config(), **{self.accepted: self.as_setting(self.bad[0][0])}).status is NAF

    @pytest.mark.parametrize("value", [None, [], "", "lots", True, ["10"]])
    def test_unreadable_or_null_value_raises(self, value):
        obj = self.config()
        obj[self.prop] = value
        with pytest.raises(ValueError, match=f'transport configuration "Transport Settings": {self.prop}'):
            self.decide(obj)

    def test_tabulate(self):
        (table,) = self.module.tabulate(self.answers_of(self.config()))
        assert isinstance(table, Table)
        assert table.headers == ("Name", "Identity", self.prop)
        assert table.rows == (("Transport Settings", "Transport Settings", str(self.good)),)

    @pytest.mark.parametrize("missing", ["Name", "Identity"])
    def test_missing_name_or_identity_raises(self, missing):
        with pytest.raises(MissingProperty):
            self.decide(without(self.config(), missing))

    def test_accepted_setting_is_declared_optional(self):
        (setting,) = self.module.CHECK.settings
        assert setting.name == self.accepted and not setting.required

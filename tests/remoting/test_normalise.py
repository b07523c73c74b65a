"""Answer normalisation on pypsrp's own object types (no network), and the request timeouts."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypsrp.complex_objects import GenericComplexObject
from pypsrp.serializer import Serializer

from cklauto.remoting.records import UnreadableObject, check_type, plain, to_record
from cklauto.remoting.session import _timeouts

SEND_TYPES = (
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig",
    "Microsoft.Exchange.Data.Directory.ADObject",
    "System.Object",
)


def obj(adapted=None, extended=None, to_string=None, types=()) -> GenericComplexObject:
    o = GenericComplexObject()
    o.adapted_properties = dict(adapted or {})
    o.extended_properties = dict(extended or {})
    o.to_string = to_string
    o.types = list(types)
    return o


def test_extended_properties_win_over_adapted() -> None:
    record = to_record(obj(adapted={"Name": "old", "TlsDomain": "a.mil"}, extended={"Name": "A", "TlsDomain": None}))
    assert dict(record) == {"Name": "A", "TlsDomain": None}


def test_nested_values_use_their_tostring_and_lookups_ignore_case() -> None:
    nested = obj(adapted={"Name": "ignored"}, to_string="Org\\A")
    record = to_record(obj(extended={"Name": "A", "Identity": nested}, types=SEND_TYPES))
    assert record["identity"] == "Org\\A" and record["IDENTITY"] == "Org\\A"
    assert record.type_names == SEND_TYPES


def test_a_multivalued_property_left_raw_by_pypsrp_becomes_a_list() -> None:
    # exchange-objects.md §1.3: the shape of AdminAuditLogParameters as pypsrp 0.9.1 leaves it.
    wire = (
        '<Obj RefId="0"><TN RefId="0"><T>X</T><T>System.Object</T></TN><Props><Obj N="P" RefId="1"><TN RefId="1">'
        "<T>Microsoft.Exchange.Data.MultiValuedProperty`1[[System.String]]</T>"
        "<T>Microsoft.Exchange.Data.MultiValuedPropertyBase</T><T>System.Object</T></TN><LST><S>*</S><S>b</S></LST></Obj>"
        '<Obj N="E" RefId="2"><TNRef RefId="1" /><LST /></Obj><G N="G">9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2</G>'
        "</Props></Obj>"
    )
    record = to_record(Serializer().deserialize(wire))
    assert record["P"] == ["*", "b"] and record["E"] == [] and record["G"] == "9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2"


@pytest.mark.parametrize(
    "value",
    [None, "", "x", True, 0, 2**40, 1.5, b"\x00\x01", ["a", None, 1]],
)
def test_plain_values_pass_through(value) -> None:
    assert plain(value) == value


def test_guids_become_text() -> None:
    value = uuid.uuid4()
    assert plain(value) == str(value)


@pytest.mark.parametrize(
    "answer",
    ["a string", 42, None],
)
def test_a_non_object_is_refused(answer) -> None:
    with pytest.raises(UnreadableObject):
        to_record(answer)


@pytest.mark.parametrize(
    "value",
    [{"a": 1}, obj(), obj(adapted={"x": 1})],
)
def test_values_without_a_text_form_are_refused(value) -> None:
    with pytest.raises(UnreadableObject):
        plain(value)


def test_case_variant_duplicate_properties_are_refused() -> None:
    with pytest.raises(UnreadableObject, match="twice"):
        to_record(obj(adapted={"Name": "A"}, extended={"NAME": "B"}))


@pytest.mark.parametrize(
    ("cmdlet", "types", "ok"),
    [
        ("Get-SendConnector", SEND_TYPES, True),
        ("Get-SendConnector", tuple("Deserialized." + t for t in SEND_TYPES), True),
        ("Get-SendConnector", ("System.Diagnostics.Process", "System.Object"), False),
        ("Get-SendConnector", ("Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector",), False),
        ("Get-EventLogLevel", ("Microsoft.Exchange.Data.EventCategoryObject", "System.Object"), True),
        ("Get-EventLogLevel", ("System.Management.Automation.PSCustomObject", "System.Object"), False),
        ("Get-SendConnector", (), False),
    ],
)
def test_objects_of_another_type_are_not_an_answer(cmdlet, types, ok) -> None:
    if ok:
        check_type(cmdlet, types)
    else:
        with pytest.raises(UnreadableObject):
            check_type(cmdlet, types)


@given(st.floats(min_value=0.1, max_value=3600, allow_nan=False))
def test_read_timeout_always_exceeds_operation_timeout(total: float) -> None:
    # Otherwise every idle long-poll Receive would surface as a ReadTimeout (exchange-remoting.md A4).
    t = _timeouts(total)
    assert t["read_timeout"] > t["operation_timeout"] >= 1
    # --timeout is the whole host: no per-request bound may end it sooner (the overall deadline does, at the figure).
    assert t["connection_timeout"] > total and t["read_timeout"] > total
    assert t["reconnection_retries"] == 0 and t["reconnection_backoff"] < 1

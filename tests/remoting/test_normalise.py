"""Session internals without a network: answer normalisation on pypsrp's own object type, timeouts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypsrp.complex_objects import GenericComplexObject

from cklauto.errors import RemoteError
from cklauto.model import SendConnector
from cklauto.remoting.session import ConnectionSettings, _connector, _timeouts

SETTINGS = ConnectionSettings("ex01.contoso.mil")


def obj(adapted=None, extended=None, to_string=None) -> GenericComplexObject:
    o = GenericComplexObject()
    o.adapted_properties = dict(adapted or {})
    o.extended_properties = dict(extended or {})
    o.to_string = to_string
    return o


def test_extended_properties_win_over_adapted() -> None:
    o = obj(adapted={"Name": "old", "TlsDomain": "a.mil"}, extended={"Name": "A", "TlsDomain": None})
    assert _connector(SETTINGS, o) == SendConnector("A", "A", None)


def test_identity_defaults_to_name_and_nested_values_use_tostring() -> None:
    nested = obj(adapted={"Name": "ignored"}, to_string="Org\\A")
    connector = _connector(SETTINGS, obj(extended={"Name": "A", "Identity": nested, "TlsDomain": None}))
    assert connector == SendConnector("A", "Org\\A", None)
    assert _connector(SETTINGS, obj(extended={"Name": "A", "TlsDomain": None})).identity == "A"


def test_an_object_without_a_tlsdomain_property_is_not_an_answer() -> None:
    with pytest.raises(RemoteError) as caught:
        _connector(SETTINGS, obj(extended={"Name": "A", "Identity": "A"}))
    assert caught.value.kind == "answer" and "no TlsDomain property" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("contoso.com", "contoso.com"),
        ("  contoso.com ", "contoso.com"),
        ("", None),
        (None, None),
        (obj(adapted={"Domain": "contoso.com", "Address": "*.contoso.com"}), "*.contoso.com"),
        (obj(adapted={"Domain": "contoso.com", "IncludeSubDomains": True}), "*.contoso.com"),
        (obj(adapted={"Domain": "contoso.com", "IncludeSubDomains": False}), "contoso.com"),
        (obj(adapted={"Domain": obj(to_string="contoso.com")}), "contoso.com"),
        (obj(to_string="x.mil"), "x.mil"),
    ],
)
def test_tls_domain_shapes(value, expected) -> None:
    assert _connector(SETTINGS, obj(extended={"Name": "A", "TlsDomain": value})).tls_domain == expected


@pytest.mark.parametrize(
    "answer",
    [
        "a string",
        42,
        obj(),
        obj(extended={"Identity": "no name"}),
        obj(extended={"Name": ["A", "B"]}),
        obj(extended={"Name": "A", "TlsDomain": ["a.mil", "b.mil"]}),
        obj(extended={"Name": "A", "TlsDomain": 17}),
    ],
)
def test_anything_else_is_an_answer_error(answer) -> None:
    with pytest.raises(RemoteError) as info:
        _connector(SETTINGS, answer)
    assert info.value.kind == "answer"
    assert str(info.value).startswith("ex01.contoso.mil: ")


@given(st.floats(min_value=0.1, max_value=3600, allow_nan=False))
def test_read_timeout_always_exceeds_operation_timeout(total: float) -> None:
    # Otherwise every idle long-poll Receive would surface as a ReadTimeout (exchange-remoting.md A4).
    t = _timeouts(total)
    assert t["read_timeout"] > t["operation_timeout"] >= 1
    assert 1 <= t["connection_timeout"] <= 10
    assert t["reconnection_retries"] == 0 and t["reconnection_backoff"] < 1

"""The one place that reads Exchange's deserialized values: sizes, time spans, flags, booleans, lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cklauto.checks import values
from cklauto.checks.values import UNLIMITED


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("10 MB (10,485,760 bytes)", 10_485_760),
        ("36 MB (37,748,736 bytes)", 37_748_736),
        ("2 GB (2,147,482,624 bytes)", 2_147_482_624),  # the display rounds; the byte count is exact
        ("1.899 GB (2,039,480,320 bytes)", 2_039_480_320),
        ("1.024E+04 TB (11,258,999,068,426,240 bytes)", 11_258_999_068_426_240),
        ("0 B (0 bytes)", 0),
        ("Unlimited", UNLIMITED),
        (" unlimited ", UNLIMITED),
        (10_485_760, 10_485_760),
    ],
)
def test_size(wire, expected):
    assert values.size(wire) == expected


@pytest.mark.parametrize("wire", ["10 MB", "ten MB (x bytes)", "", None, True, -1, 1.5, ["10 MB (10,485,760 bytes)"]])
def test_size_refuses_what_is_not_a_size(wire):
    with pytest.raises(ValueError):
        values.size(wire)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10 MB", 10_485_760), ("10485760", 10_485_760), ("1.5 KB", 1536), ("Unlimited", UNLIMITED), (2048, 2048)],
)
def test_size_settings_people_write(text, expected):
    assert values.parse_size_setting(text) == expected


def test_format_size_round_trips():
    for size in (0, 1, 1023, 10_485_760, 2_147_482_624):
        assert values.size(values.format_size(size)) == size
    assert values.format_size(UNLIMITED) == "Unlimited"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("00:10:00", 600.0),
        ("1.00:00:00", 86_400.0),
        ("14.00:00:00", 1_209_600.0),
        ("00:00:01.5000000", 1.5),
        ("-00:01:00", -60.0),
        ("Unlimited", UNLIMITED),
    ],
)
def test_seconds(wire, expected):
    assert values.seconds(wire) == expected


@pytest.mark.parametrize("wire", ["10 minutes", "00:60:00", "24:00:00", "", None, 600, "PT10M"])
def test_seconds_refuses_what_is_not_a_time_span(wire):
    with pytest.raises(ValueError):
        values.seconds(wire)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (
            "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer",
            {"tls", "integrated", "basicauth", "basicauthrequiretls", "exchangeserver"},
        ),
        ("Tls", {"tls"}),
        ("None", set()),
        (None, set()),
        ("", set()),
        (["Tls", "Integrated"], {"tls", "integrated"}),
    ],
)
def test_flags(wire, expected):
    assert values.flags(wire) == expected


def test_flags_refuse_undefined_bits():
    with pytest.raises(ValueError):
        values.flags("Tls, 64")


@pytest.mark.parametrize(
    ("wire", "expected"), [(True, True), (False, False), (None, None), ("True", True), ("false", False)]
)
def test_boolean_keeps_null_as_null(wire, expected):
    assert values.boolean(wire) is expected


@pytest.mark.parametrize("wire", ["yes", 1, 0, [], "TRUEish"])
def test_boolean_refuses_anything_else(wire):
    with pytest.raises(ValueError):
        values.boolean(wire)


def test_integers_and_unlimited_integers():
    assert values.integer(60) == 60 and values.integer("5000") == 5000
    assert values.unlimited_integer("Unlimited") is UNLIMITED and values.unlimited_integer("1000") == 1000
    for bad in (True, None, "60 hops", 1.5):
        with pytest.raises(ValueError):
            values.integer(bad)


def test_lists():
    assert values.items(None) == [] and values.items(["a"]) == ["a"]
    assert values.string_items(["*"]) == ["*"]
    with pytest.raises(ValueError):
        values.items("*")  # one string is not a list, even if it looks like one
    with pytest.raises(ValueError):
        values.string_items([None])


def test_enum_names_and_text():
    assert values.enum_name("InternalLegacy") == "internallegacy"
    assert values.enum_name(None) is None
    with pytest.raises(ValueError):
        values.enum_name("Tls, Integrated")
    with pytest.raises(ValueError):
        values.text(["a"])
    assert values.is_blank(None) and values.is_blank(" ") and not values.is_blank("x")


def test_servers_and_identities():
    assert values.server_of("EX01\\Default EX01") == "EX01"
    assert values.server_of("Default EX01") is None
    assert values.is_same_server("EX01", "ex01.contoso.mil")
    assert values.is_same_server("ex01.contoso.mil", "EX01")
    assert not values.is_same_server("EX011", "ex01.contoso.mil")
    assert not values.is_same_server(None, "EX01")


def test_version():
    v = values.version("Version 15.0 (Build 1497.2)")
    assert (v.major, v.minor, v.build, v.revision) == (15, 0, 1497, 2)
    with pytest.raises(ValueError):
        values.version("15.0.1497.2")


@given(st.integers(min_value=0, max_value=2**62))
def test_property_every_exchange_size_string_reads_back_exactly(size):
    assert values.size(values.format_size(size)) == size

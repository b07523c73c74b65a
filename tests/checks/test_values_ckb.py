"""The value readers added for the database and transport-config checks: IP ranges and size arguments.

Shapes come from shared/docs/exchange-objects.md §1.2 (IPRange: ``10.0.0.0/24``, ``10.0.0.5``,
``10.0.0.1-10.0.0.9``, ``10.0.0.0(255.255.255.0)``; HC19's ``0.0.0.0-255.255.255.255`` and
``::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff``) and from Exchange's ``IPRange.ToString`` / ``ByteQuantifiedSize.Parse``.
"""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cklauto.checks import values
from cklauto.checks.values import UNLIMITED, AddressRange, ip_range, ip_ranges, merge_ranges, size_argument, uncovered


def r(first: str, last: str | None = None) -> AddressRange:
    return AddressRange(ipaddress.ip_address(first), ipaddress.ip_address(last or first))


# ---------------------------------------------------------------------------------------------------------------
# ip_range: every text form Exchange writes, and what a person writes in the site file


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("10.1.1.25", "10.1.1.25", "10.1.1.25"),
        ("10.0.0.0/24", "10.0.0.0", "10.0.0.255"),
        ("10.0.0.7/24", "10.0.0.0", "10.0.0.255"),  # host bits set: Exchange covers the whole network
        ("10.0.0.5/32", "10.0.0.5", "10.0.0.5"),
        ("0.0.0.0/0", "0.0.0.0", "255.255.255.255"),
        ("10.0.0.1-10.0.0.9", "10.0.0.1", "10.0.0.9"),
        ("10.0.0.5-10.0.0.5", "10.0.0.5", "10.0.0.5"),
        ("0.0.0.0-255.255.255.255", "0.0.0.0", "255.255.255.255"),  # HC19 RemoteIPRanges
        ("10.0.0.0(255.255.255.0)", "10.0.0.0", "10.0.0.255"),
        ("10.0.0.9(255.255.255.248)", "10.0.0.8", "10.0.0.15"),
        ("10.0.0.0(0.0.0.0)", "0.0.0.0", "255.255.255.255"),
        ("2001:db8::25", "2001:db8::25", "2001:db8::25"),
        ("2001:DB8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),  # HC19
        ("fe80::(ffff:ffff:ffff:ffff::)", "fe80::", "fe80::ffff:ffff:ffff:ffff"),
        ("  10.1.1.25\t", "10.1.1.25", "10.1.1.25"),
        (" 10.0.0.1 - 10.0.0.9 ", "10.0.0.1", "10.0.0.9"),
    ],
)
def test_ip_range_reads_exchange_forms(text, first, last):
    assert ip_range(text) == r(first, last)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("10.0.0", "is not an IP address"),
        ("10.1", "is not an IP address"),
        ("010.0.0.1", "is not an IP address"),  # leading zeros: octal to some readers, refused rather than guessed
        ("256.0.0.1", "is not an IP address"),
        ("10.0.0.9-10.0.0.1", "ends before it starts"),
        ("10.0.0.1-2001:db8::1", "mixes IPv4 and IPv6"),
        ("10.0.0.0/33", "is not an IP address"),
        ("10.0.0.0/", "prefix length"),
        ("10.0.0.0/x", "prefix length"),
        ("10.0.0.0/24/8", "prefix length"),
        ("10.0.0.0(255.0.255.0)", "contiguous"),
        ("10.0.0.0(255.255.255.0", "parentheses"),
        ("10.0.0.0(ffff::)", "different IP versions"),
        ("fe80::1%4", "zone"),
        ("-10.0.0.1", "is not an IP address"),
        ("mail.contoso.mil", "is not an IP address"),
        ("10.0.0.1,10.0.0.2", "is not an IP address"),
        (None, "$null"),
        (True, "is not an IP address"),
        (167772161, "is not an IP address"),
        (["10.0.0.1"], "is not an IP address"),
    ],
)
def test_ip_range_refuses_what_it_cannot_read(value, message):
    with pytest.raises(ValueError) as caught:
        ip_range(value)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_ip_range_accepts_the_site_settings_objects():
    # cklauto.site converts an ADDRESSES setting to ipaddress networks; the checks read both through ip_range.
    assert ip_range(ipaddress.ip_network("10.0.0.0/24")) == r("10.0.0.0", "10.0.0.255")
    assert ip_range(ipaddress.ip_network("10.1.1.25/32")) == r("10.1.1.25")
    assert ip_range(ipaddress.ip_address("2001:db8::1")) == r("2001:db8::1")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("10.1.1.25", "10.1.1.25"),
        ("10.0.0.0/24", "10.0.0.0/24"),
        ("10.0.0.0(255.255.255.0)", "10.0.0.0/24"),
        ("10.0.0.0-10.0.0.255", "10.0.0.0/24"),
        ("10.0.0.1-10.0.0.9", "10.0.0.1-10.0.0.9"),
        ("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0"),
    ],
)
def test_address_range_text_is_canonical(text, shown):
    assert str(ip_range(text)) == shown


def test_address_range_refuses_bad_bounds():
    with pytest.raises(ValueError, match="ends before"):
        r("10.0.0.2", "10.0.0.1")
    with pytest.raises(ValueError, match="mixes"):
        AddressRange(ipaddress.ip_address("10.0.0.1"), ipaddress.ip_address("::1"))


def test_covers():
    net = ip_range("10.0.0.0/24")
    assert net.covers(r("10.0.0.5"))
    assert net.covers(net)
    assert net.covers(r("10.0.0.0", "10.0.0.255"))
    assert not net.covers(r("10.0.1.0"))
    assert not net.covers(ip_range("10.0.0.0/23"))
    assert not r("10.0.0.5").covers(net)
    # ::ffff:10.0.0.5 is another family: never silently equal to 10.0.0.5
    assert not net.covers(r("::ffff:10.0.0.5"))


# ---------------------------------------------------------------------------------------------------------------
# ip_ranges: the multi-valued property


def test_ip_ranges_reads_lists_and_empty():
    assert ip_ranges(["10.1.1.25", "10.2.0.0/16"]) == [r("10.1.1.25"), ip_range("10.2.0.0/16")]
    assert ip_ranges([]) == []
    assert ip_ranges(None) == []
    assert ip_ranges((ipaddress.ip_network("10.0.0.0/30"),)) == [r("10.0.0.0", "10.0.0.3")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10.1.1.25", "one value where a list was expected"),  # a lone string is not the list Exchange sends
        (["10.1.1.25", None], "$null"),
        (["10.1.1.25", "bogus"], "bogus"),
    ],
)
def test_ip_ranges_refuses(value, message):
    with pytest.raises(ValueError) as caught:
        ip_ranges(value)
    assert message in str(caught.value)


# ---------------------------------------------------------------------------------------------------------------
# merge_ranges and uncovered


def test_merge_joins_overlapping_and_adjacent_and_keeps_families_apart():
    merged = merge_ranges([r("10.0.0.2"), r("::1"), r("10.0.0.1"), ip_range("10.0.0.0/30"), r("10.0.0.9")])
    assert merged == [r("10.0.0.0", "10.0.0.3"), r("10.0.0.9"), r("::1")]
    assert merge_ranges([]) == []
    assert merge_ranges([r("255.255.255.255"), r("0.0.0.0", "255.255.255.254")]) == [ip_range("0.0.0.0/0")]


def test_uncovered_names_the_addresses_left_over():
    assert uncovered([ip_range("10.0.0.0/16")], [ip_range("10.0.0.0/24")]) == [r("10.0.1.0", "10.0.255.255")]
    assert uncovered([ip_range("10.0.0.0/24")], [r("10.0.0.10", "10.0.0.20")]) == [
        r("10.0.0.0", "10.0.0.9"),
        r("10.0.0.21", "10.0.0.255"),
    ]
    assert uncovered([r("10.0.0.5")], [ip_range("10.0.0.0/24")]) == []
    assert uncovered([r("10.0.0.5")], []) == [r("10.0.0.5")]
    assert uncovered([], [r("10.0.0.5")]) == []
    assert uncovered([r("::ffff:10.0.0.5")], [r("10.0.0.5")]) == [r("::ffff:10.0.0.5")]
    # covered by two adjacent ranges together, though by neither alone
    assert uncovered([r("10.0.0.1", "10.0.0.4")], [r("10.0.0.1", "10.0.0.2"), r("10.0.0.3", "10.0.0.4")]) == []


_small = st.integers(min_value=0, max_value=40)


@st.composite
def _ranges(draw):
    a, b = sorted((draw(_small), draw(_small)))
    return AddressRange(ipaddress.IPv4Address(a), ipaddress.IPv4Address(b))


def _addresses(ranges):
    return {n for x in ranges for n in range(int(x.first), int(x.last) + 1)}


@settings(max_examples=300, deadline=None)
@given(st.lists(_ranges(), max_size=5), st.lists(_ranges(), max_size=5))
def test_property_uncovered_is_set_difference(wanted, cover):
    left = uncovered(wanted, cover)
    assert _addresses(left) == _addresses(wanted) - _addresses(cover)
    assert merge_ranges(left) == left  # already the fewest ranges, in order


@settings(max_examples=300, deadline=None)
@given(st.lists(_ranges(), max_size=6))
def test_property_merge_keeps_every_address_and_leaves_gaps(ranges):
    merged = merge_ranges(ranges)
    assert _addresses(merged) == _addresses(ranges)
    for before, after in zip(merged, merged[1:]):
        assert int(after.first) > int(before.last) + 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_property_ip_range_only_raises_value_error(text):
    try:
        found = ip_range(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert ip_range(str(found)) == found


# ---------------------------------------------------------------------------------------------------------------
# size_argument: the size in a fix command


@pytest.mark.parametrize(
    ("value", "argument"),
    [
        (UNLIMITED, "Unlimited"),
        (10_485_760, "10MB"),
        (2_147_483_648, "2GB"),
        (2_469_396_480, "2355MB"),  # Exchange's default ProhibitSendReceiveQuota, not a whole number of GB
        (2_039_480_320, "1945MB"),
        (1_099_511_627_776, "1TB"),
        (1536, "1536"),  # 1.5 KB: not a whole number of KB, so bytes
        (2048, "2KB"),
        (1000, "1000"),
        (0, "0"),
    ],
)
def test_size_argument_is_exact(value, argument):
    assert size_argument(value) == argument
    if value is not UNLIMITED:
        assert (
            values.parse_size_setting(
                argument.replace("KB", " KB").replace("MB", " MB").replace("GB", " GB").replace("TB", " TB")
            )
            == value
        )


@pytest.mark.parametrize("value", [-1, None, True, "10 MB", 1.5])
def test_size_argument_refuses(value):
    with pytest.raises(ValueError):
        size_argument(value)

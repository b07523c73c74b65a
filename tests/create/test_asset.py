"""AssetSpec validation: bad values fail early with one-line ConfigErrors, before any bytes are written."""

from __future__ import annotations

import pytest

from cklauto.create import AssetSpec, new_ckl, new_cklb
from cklauto.errors import ConfigError


@pytest.mark.parametrize(
    "spec, match",
    [
        (AssetSpec(host_name=""), "host_name is empty"),
        (AssetSpec(host_name="   "), "host_name is empty"),
        (AssetSpec(host_name="x" * 256), "255"),
        (AssetSpec(host_name="EX\x1b[31m01"), "U\\+001B"),
        (AssetSpec(host_name="EX\x0001"), "U\\+0000"),
        (AssetSpec(host_name="EX\n01"), "U\\+000A"),
        (AssetSpec(host_name="EX\t01"), "U\\+0009"),
        (AssetSpec(host_name="EX\x8501"), "U\\+0085"),
        (AssetSpec(host_name="EX\ufffe"), "U\\+FFFE"),
        (AssetSpec(host_name=" EX01"), "leading or trailing"),
        (AssetSpec(host_name="EX01", fqdn="ex01.example.mil\x07"), "fqdn contains"),
        (AssetSpec(host_name="EX01", comment="bell\x07"), "comment contains"),
        (AssetSpec(host_name="EX01", marking="C\x0cUI"), "marking contains"),
        (AssetSpec(host_name="EX01", ip="10.0.0.300"), "not an IPv4 or IPv6"),
        (AssetSpec(host_name="EX01", ip="exmbx01"), "not an IPv4 or IPv6"),
        (AssetSpec(host_name="EX01", mac="00:11:22:33:44"), "not a MAC"),
        (AssetSpec(host_name="EX01", role="Server"), "role 'Server'"),
        (AssetSpec(host_name="EX01", role=""), "role ''"),
        (AssetSpec(host_name="EX01", tech_area="Email"), "tech_area 'Email'"),
        (AssetSpec(host_name=None), "must be text"),  # type: ignore[arg-type]
    ],
)
def test_bad_asset_values_are_rejected(v2r3, spec, match):
    for write in (new_ckl, new_cklb):
        with pytest.raises(ConfigError, match=match) as info:
            write(v2r3, spec)
        assert "\n" not in str(info.value)


@pytest.mark.parametrize("role", ["None", "Workstation", "Member Server", "Domain Controller"])
def test_every_xsd_role_is_accepted(v2r3, role):
    assert f"<ROLE>{role}</ROLE>".encode() in new_ckl(v2r3, AssetSpec(host_name="EX01", role=role))


def test_ipv6_and_255_character_host(v2r3):
    out = new_ckl(v2r3, AssetSpec(host_name="h" * 255, ip="fe80::1 10.0.0.1"))
    assert b"<HOST_IP>fe80::1\n10.0.0.1</HOST_IP>" in out


def test_multiline_comment_keeps_newlines_and_tabs(v2r3):
    out = new_ckl(v2r3, AssetSpec(host_name="EX01", comment="line 1\r\n\tline 2"))
    assert b"<TARGET_COMMENT>line 1\n\tline 2</TARGET_COMMENT>" in out


def test_non_asset_is_rejected(v2r3):
    with pytest.raises(ConfigError, match="AssetSpec"):
        new_ckl(v2r3, {"host_name": "EX01"})  # type: ignore[arg-type]


def test_bad_cklb_title(v2r3):
    with pytest.raises(ConfigError, match="title"):
        new_cklb(v2r3, AssetSpec(host_name="EX01"), title="")
    with pytest.raises(ConfigError, match="title"):
        new_cklb(v2r3, AssetSpec(host_name="EX01"), title="a\x00b")

"""The value readers added for the forwarding, remote-domain and Send connector checks (EX13-MB-000105/-145/-150)."""

from __future__ import annotations

import pytest

from cklauto.checks import values

# ForwardingSmtpAddress is a ProxyAddress: prefix + ':' + address, <Nil> when unset (exchange-objects.md §1.2, §2.17).


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("smtp:jane.doe@gmail.com", "jane.doe@gmail.com"),
        ("SMTP:Jane.Doe@Fabrikam.COM", "Jane.Doe@Fabrikam.COM"),
        ("Smtp:x@y.mil", "x@y.mil"),
        ("  smtp:x@y.mil  ", "x@y.mil"),
        ("smtp: x@y.mil", "x@y.mil"),
        ("jane@fabrikam.com", "jane@fabrikam.com"),
        ("o'brien@army.mil", "o'brien@army.mil"),
    ],
)
def test_smtp_address_reads_proxy_addresses(raw, expected):
    assert values.smtp_address(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "X500:/o=Contoso/ou=Exchange/cn=Recipients/cn=jane",
        "x400:c=US;a= ;p=Contoso;o=Exchange;s=Doe;",
        "smtp:",
        "smtp:jane",
        "jane",
        "",
        "   ",
        "smtp:jane@",
        "smtp:@fabrikam.com",
        "smtp:a@b@c.com",
        "smtp:jane doe@fabrikam.com",
        "smtp:jane@.fabrikam.com",
        "smtp:jane@fabrikam..com",
        ["smtp:jane@fabrikam.com"],
        42,
        True,
    ],
)
def test_smtp_address_refuses_what_is_not_one_smtp_address(raw):
    with pytest.raises(ValueError):
        values.smtp_address(raw)


@pytest.mark.parametrize(
    ("address", "domain"),
    [
        ("jane@fabrikam.com", "fabrikam.com"),
        ("jane@Fabrikam.COM", "fabrikam.com"),
        ("jane@fabrikam.com.", "fabrikam.com"),
        ("jane@mail.army.mil", "mail.army.mil"),
    ],
)
def test_smtp_domain(address, domain):
    assert values.smtp_domain(address) == domain


def test_smtp_domain_needs_an_address():
    with pytest.raises(ValueError):
        values.smtp_domain("fabrikam.com")


@pytest.mark.parametrize(
    ("domain", "pattern", "expected"),
    [
        ("army.mil", "army.mil", True),
        ("ARMY.mil.", "army.MIL", True),
        ("mail.army.mil", "army.mil", False),
        ("army.mil", "*.army.mil", True),
        ("mail.army.mil", "*.army.mil", True),
        ("a.b.army.mil", "*.army.mil", True),
        ("notarmy.mil", "*.army.mil", False),
        ("army.mil.evil.com", "*.army.mil", False),
        ("anything.example", "*", True),
        ("army.mil", "navy.mil", False),
        # The inner side may be a pattern too (a remote domain's DomainName).
        ("*.army.mil", "*.mil", True),
        ("*.army.mil", "*.army.mil", True),
        ("*.army.mil", "army.mil", False),
        ("*.army.mil", "*.mail.army.mil", False),
        ("*", "*.mil", False),
        ("*", "*", True),
        ("*.Army.MIL.", "*.army.mil", True),
    ],
)
def test_domain_within_follows_exchange_wildcards(domain, pattern, expected):
    assert values.domain_within(domain, pattern) is expected


# AddressSpaces items print as type:address;cost (exchange-objects.md §1.2, HC19 'SMTP:*;1').


@pytest.mark.parametrize(
    ("raw", "kind", "address", "cost", "everything"),
    [
        ("SMTP:*;1", "smtp", "*", 1, True),
        ("smtp:*;10", "smtp", "*", 10, True),
        ("SMTP:contoso.mil;1", "smtp", "contoso.mil", 1, False),
        ("SMTP:*.contoso.mil;5", "smtp", "*.contoso.mil", 5, False),
        ("X400:c=US;a= ;p=Contoso;1", "x400", "c=US;a= ;p=Contoso", 1, False),
        ("X400:*;1", "x400", "*", 1, False),
    ],
)
def test_address_space(raw, kind, address, cost, everything):
    space = values.address_space(raw)
    assert (space.type, space.address, space.cost) == (kind, address, cost)
    assert space.is_smtp_everything is everything


@pytest.mark.parametrize("raw", [None, "", "SMTP:*", "*;1", "SMTP:;1", "SMTP:*;x", ["SMTP:*;1"], 1])
def test_address_space_refuses_unreadable_values(raw):
    with pytest.raises(ValueError):
        values.address_space(raw)


# SmartHosts items: a host name, or an IP address in brackets (exchange-objects.md §1.2 SmartHost).


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[10.1.1.25]", "10.1.1.25"),
        ("10.1.1.25", "10.1.1.25"),
        (" [ 10.1.1.25 ] ", "10.1.1.25"),
        ("[2001:DB8:0::1]", "2001:db8::1"),
        ("Relay.Contoso.MIL.", "relay.contoso.mil"),
        ("microsoft-com.mail.protection.outlook.com", "microsoft-com.mail.protection.outlook.com"),
    ],
)
def test_smart_host(raw, expected):
    assert values.smart_host(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "  ", "[]", "relay host", "user@relay.mil", ["[10.1.1.1]"], 10])
def test_smart_host_refuses_unreadable_values(raw):
    with pytest.raises(ValueError):
        values.smart_host(raw)

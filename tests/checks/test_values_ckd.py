"""Readers added to cklauto.checks.values for EX13-MB-000010/-000025/-000340: event levels, builds, names, certificates."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from cklauto.checks import values
from cklauto.checks.values import Version
from cklauto.emulator.catalog.exchange_certificate import DOD_PKI, build_certificate, certificate_object, name

# ---------------------------------------------------------------------------------------------------------------
# event_level: ExEventLog.EventLevel as Get-EventLogLevel sends it (exchange-objects.md §2.10)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("Lowest", 0),
        ("lowest", 0),
        (" LOWEST ", 0),
        ("Low", 1),
        ("Medium", 3),
        ("High", 5),
        ("Expert", 7),
        # A level without a name prints as its number: the Exchange 2019 STIG lists "MSExchange OAuth\Server - 2".
        ("2", 2),
        ("0", 0),
        (0, 0),
        (7, 7),
        (255, 255),
    ],
)
def test_event_level_reads_names_and_numbers(value, level):
    assert values.event_level(value) == level


@pytest.mark.parametrize(
    "value", [None, "", "Verbose", "Lowest, Low", "-1", "256", 256, -1, True, False, 1.0, ["Lowest"], "0x0", "1e1"]
)
def test_event_level_refuses_what_it_cannot_read(value):
    with pytest.raises(ValueError):
        values.event_level(value)


@pytest.mark.parametrize(("level", "shown"), [(0, "Lowest"), (1, "Low"), (3, "Medium"), (5, "High"), (7, "Expert")])
def test_event_level_name_round_trips(level, shown):
    assert values.event_level_name(level) == shown
    assert values.event_level(shown) == level


def test_event_level_name_of_an_unnamed_level_is_its_number():
    assert values.event_level_name(2) == "2"


# ---------------------------------------------------------------------------------------------------------------
# exchange_build: the approved minimum build a person writes in the site file


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15.0.1497.2", Version(15, 0, 1497, 2)),
        (" 15.0.1497.48 ", Version(15, 0, 1497, 48)),
        ("Version 15.0 (Build 1497.2)", Version(15, 0, 1497, 2)),
        ("version 15.0 (build 1473.3)", Version(15, 0, 1473, 3)),
        ("15.0 (Build 847.32)", Version(15, 0, 847, 32)),
    ],
)
def test_exchange_build_reads(value, expected):
    assert values.exchange_build(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "15",
        "15.0",
        "15.0.1497",
        "15.0.1497.2.1",
        "CU23",
        "Version 15.0 (Build 1497.2",
        "15.0.1497.2)",
        15.0,
        [],
    ],
)
def test_exchange_build_refuses(value):
    with pytest.raises(ValueError):
        values.exchange_build(value)


def test_build_order_orders_numerically_not_as_text():
    builds = [values.exchange_build(b) for b in ("15.0.1497.2", "15.0.847.32", "15.0.1497.10", "15.1.225.16")]
    ordered = sorted(builds, key=values.build_order)
    assert [str(b) for b in ordered] == [
        "15.0 (Build 847.32)",
        "15.0 (Build 1497.2)",
        "15.0 (Build 1497.10)",
        "15.1 (Build 225.16)",
    ]


# ---------------------------------------------------------------------------------------------------------------
# distinguished_name / dn_matches: approved issuers written by a person


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "CN=DOD SW CA-66, OU=PKI, OU=DoD, O=U.S. Government, C=US",
            (("CN", "dod sw ca-66"), ("OU", "pki"), ("OU", "dod"), ("O", "u.s. government"), ("C", "us")),
        ),
        ("C=US,O=U.S. Government,OU=DoD,OU=PKI", (("C", "us"), ("O", "u.s. government"), ("OU", "dod"), ("OU", "pki"))),
        ("cn=x;ou=y", (("CN", "x"), ("OU", "y"))),
        ('O="Contoso, Inc.", C=US', (("O", "contoso, inc."), ("C", "us"))),
        ('O="Say ""hi"""', (("O", 'say "hi"'),)),
        (r"O=Contoso\, Inc.", (("O", "contoso, inc."),)),
        (r"O=Contoso\2C Inc.", (("O", "contoso, inc."),)),
        ("CN=a+OU=b", (("CN", "a"), ("OU", "b"))),
        ("O=U.S.   Government", (("O", "u.s. government"),)),
        ("ST=Virginia, S=Virginia", (("S", "virginia"), ("S", "virginia"))),
        ("E=pki@mail.mil, EMAIL=a@b, EMAILADDRESS=c@d", (("E", "pki@mail.mil"), ("E", "a@b"), ("E", "c@d"))),
        ("OID.2.5.4.3=x, 2.5.4.10=y", (("CN", "x"), ("O", "y"))),
        ("1.2.3.4=z", (("OID.1.2.3.4", "z"),)),
        ("DC=contoso, DC=mil", (("DC", "contoso"), ("DC", "mil"))),
    ],
)
def test_distinguished_name_reads(text, expected):
    assert values.distinguished_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "DoD",
        "CN=",
        "=x",
        "CN=a,,OU=b",
        "XX=a",
        'O="unterminated',
        "O=trailing\\",
        'O="a"b"',
        ["CN=x"],
    ],
)
def test_distinguished_name_refuses(text):
    with pytest.raises(ValueError):
        values.distinguished_name(text)


DOD_ISSUER = values.distinguished_name("CN=DOD SW CA-66, OU=PKI, OU=DoD, O=U.S. Government, C=US")


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ("OU=PKI, OU=DoD, O=U.S. Government, C=US", True),
        ("C=US, O=U.S. Government, OU=DoD, OU=PKI", True),
        ("c=us, o=u.s. government, ou=dod, ou=pki", True),
        ("CN=DOD SW CA-66, OU=PKI, OU=DoD, O=U.S. Government, C=US", True),
        ("CN=DOD SW CA-67, OU=PKI, OU=DoD, O=U.S. Government, C=US", False),
        ("CN=DOD SW CA-6, OU=PKI, OU=DoD, O=U.S. Government, C=US", False),  # whole values, never prefixes
        ("OU=PKI, OU=PKI, OU=DoD", False),  # a repeated attribute must be there as often
        ("OU=ECA, O=U.S. Government, C=US", False),
        ("O=U.S. Government, C=US, L=Arlington", False),
    ],
)
def test_dn_matches_needs_every_attribute(pattern, matches):
    assert values.dn_matches(DOD_ISSUER, values.distinguished_name(pattern)) is matches


def test_an_empty_pattern_matches_nothing():
    assert values.dn_matches(DOD_ISSUER, ()) is False


# ---------------------------------------------------------------------------------------------------------------
# certificate: RawData is all Exchange sends (exchange-objects.md §2.18)


def test_certificate_reads_what_exchange_would_show():
    der = build_certificate(
        name(("CN", "ex01.contoso.mil"), ("OU", "USN"), *DOD_PKI),
        name(("CN", "DOD SW CA-66"), *DOD_PKI),
        dns_names=("ex01.contoso.mil", "mail.contoso.mil", "MAIL.contoso.mil", "autodiscover.contoso.mil"),
    )
    cert = values.certificate(der)
    assert cert.thumbprint == hashlib.sha1(der).hexdigest().upper()
    assert cert.subject == "CN=ex01.contoso.mil, OU=USN, OU=PKI, OU=DoD, O=U.S. Government, C=US"
    assert cert.issuer == "CN=DOD SW CA-66, OU=PKI, OU=DoD, O=U.S. Government, C=US"
    assert cert.common_name == "ex01.contoso.mil"
    # The CN first, then the SAN DNS names, without case-insensitive repeats (TlsCertificateInfo.GetFQDNs).
    assert cert.domains == ("ex01.contoso.mil", "mail.contoso.mil", "autodiscover.contoso.mil")
    assert cert.issuer_attributes == DOD_ISSUER
    assert cert.not_before == datetime(2025, 9, 2, 14, 5, 11, tzinfo=timezone.utc)
    assert cert.not_after == datetime(2028, 9, 2, 14, 5, 11, tzinfo=timezone.utc)
    assert cert.self_issued is False


def test_a_self_signed_certificate_is_self_issued_and_its_cn_is_no_domain():
    auth = name(("CN", "Microsoft Exchange Server Auth Certificate"))
    cert = values.certificate(build_certificate(auth, auth))
    assert cert.self_issued is True
    assert cert.subject == cert.issuer == "CN=Microsoft Exchange Server Auth Certificate"
    assert cert.domains == ()  # a CN with spaces is not a DNS name, so Exchange lists no domain


def test_a_certificate_named_like_the_dod_but_self_signed_is_still_self_issued():
    forged = name(("CN", "DOD SW CA-66"), *DOD_PKI)
    assert values.certificate(build_certificate(forged, forged)).self_issued is True


def _raw_certificate(subject: x509.Name, issuer: x509.Name, extensions=()) -> bytes:
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(32))
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(datetime(2024, 1, 1, tzinfo=timezone.utc))
        .not_valid_after(datetime(2026, 1, 1, tzinfo=timezone.utc))
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(key, None).public_bytes(Encoding.DER)


def test_dotnet_form_quotes_values_with_separators_and_names_unknown_types_by_oid():
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Contoso, Inc."),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "pki@contoso.mil"),
            x509.NameAttribute(x509.ObjectIdentifier("1.2.3.4"), "odd"),
            x509.NameAttribute(NameOID.COMMON_NAME, "mail.contoso.mil"),
        ]
    )
    cert = values.certificate(_raw_certificate(subject, subject))
    assert cert.subject == 'CN=mail.contoso.mil, OID.1.2.3.4=odd, E=pki@contoso.mil, O="Contoso, Inc.", C=US'
    assert ("O", "contoso, inc.") in cert.subject_attributes
    assert values.dn_matches(cert.subject_attributes, values.distinguished_name('O="Contoso, Inc.", C=US'))


def test_a_multi_valued_rdn_is_joined_with_plus():
    rdn = x509.RelativeDistinguishedName(
        [x509.NameAttribute(NameOID.COMMON_NAME, "a"), x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "b")]
    )
    cert = values.certificate(_raw_certificate(x509.Name([rdn]), x509.Name([rdn])))
    assert cert.subject in ("CN=a + OU=b", "OU=b + CN=a")


def test_certificate_without_cn_or_san_lists_no_domain():
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Contoso")])
    cert = values.certificate(_raw_certificate(subject, subject))
    assert cert.common_name is None
    assert cert.domains == ()


def test_san_names_that_are_not_dns_names_are_left_out():
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "*.contoso.mil")])
    san = x509.SubjectAlternativeName(
        [
            x509.DNSName("*.contoso.mil"),
            x509.DNSName("not a name"),
            x509.IPAddress(__import__("ipaddress").ip_address("10.0.0.1")),
        ]
    )
    cert = values.certificate(_raw_certificate(subject, subject, [san]))
    assert cert.domains == ("*.contoso.mil",)


def test_the_catalogue_object_carries_only_raw_data_and_its_tostring():
    der = build_certificate(name(("CN", "WMSVC")), name(("CN", "WMSVC")))
    obj = certificate_object(der)
    assert set(obj) == {"RawData", "$tostring"}
    assert obj["$tostring"].startswith("[Subject]\r\n  CN=WMSVC\r\n\r\n[Issuer]\r\n  CN=WMSVC\r\n")
    assert obj["$tostring"].endswith(f"[Thumbprint]\r\n  {values.certificate(der).thumbprint}\r\n")


@pytest.mark.parametrize("wrap", [bytearray, memoryview])
def test_certificate_accepts_byte_buffers(wrap):
    der = build_certificate(name(("CN", "WMSVC")), name(("CN", "WMSVC")))
    assert values.certificate(wrap(der)).thumbprint == values.certificate(der).thumbprint


@pytest.mark.parametrize(
    "value",
    [
        None,
        b"",
        b"not a certificate",
        b"\x30\x03\x02\x01\x01",
        "MIIDKTCCAhGgAwIBAgIQTtZAJqgZHa5K",  # base64 text is not bytes: the remoting layer decodes <BA>
        [48, 130],
        12,
    ],
)
def test_certificate_refuses_what_is_not_a_der_certificate(value):
    with pytest.raises(ValueError):
        values.certificate(value)


def test_a_truncated_certificate_is_refused():
    der = build_certificate(name(("CN", "WMSVC")), name(("CN", "WMSVC")))
    with pytest.raises(ValueError):
        values.certificate(der[:-10])

"""Get-ExchangeCertificate -Server <server> (per server): exchange-objects.md §1.3 "Certificate" and §2.18.

Over remote PowerShell the PowerShell type data restricts an ``X509Certificate2`` (and so an ``ExchangeCertificate``)
to **one** property, ``RawData`` (``<BA>``, bytes of the DER certificate), plus its multi-line ``ToString``
(``[Subject]\\r\\n  CN=...``) [capture HC15: Exchange 2013 CU23].  Services, Thumbprint, Issuer, CertificateDomains
and the rest are not sent, so the objects here carry only ``RawData`` and, under the ``$tostring`` key, the ToString
the engine writes as the object's ``<ToString>``.

The certificates are real DER certificates built with ``cryptography``.  Their keys are Ed25519 keys derived from a
fixed label, so the bytes (and thumbprints) are the same on every run: a second run against the emulator changes
nothing.  Real Exchange 2013 certificates carry RSA keys; no check reads the key or the signature algorithm.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timezone
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from cklauto.checks.values import certificate
from cklauto.emulator.catalog import Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-ExchangeCertificate",
        # exchange-objects.md §1.3 (HC15 capture): no AD tail, the certificate's own type chain.
        type_names=(
            "Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate",
            "System.Security.Cryptography.X509Certificates.X509Certificate2",
            "System.Security.Cryptography.X509Certificates.X509Certificate",
            "System.Object",
        ),
        scope="server",
        parameters=("DomainName", "Identity", "Instance", "Server", "Thumbprint"),
        # No property tells a certificate's server (only RawData travels): every certificate in a host's table is
        # that host's own, which is what -Server <that host> returns.
        server_property=None,
        identity_properties=(),
    )
]

#: The DoD PKI's issuing-CA name, less its CN (a DoD server certificate's issuer in DISA's naming).
DOD_PKI = (("OU", "PKI"), ("OU", "DoD"), ("O", "U.S. Government"), ("C", "US"))
_OIDS = {"CN": NameOID.COMMON_NAME, "OU": NameOID.ORGANIZATIONAL_UNIT_NAME, "O": NameOID.ORGANIZATION_NAME}
_OIDS |= {"C": NameOID.COUNTRY_NAME, "L": NameOID.LOCALITY_NAME, "S": NameOID.STATE_OR_PROVINCE_NAME}


def name(*attributes: tuple[str, str]) -> x509.Name:
    """An X.500 name from (type, value) pairs written most specific first, as .NET prints them."""
    return x509.Name([x509.NameAttribute(_OIDS[kind], value) for kind, value in reversed(attributes)])


def _key(label: str) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"cklauto emulator {label}".encode()).digest())


def build_certificate(
    subject: x509.Name,
    issuer: x509.Name,
    *,
    dns_names: Sequence[str] = (),
    not_before: datetime = datetime(2025, 9, 2, 14, 5, 11, tzinfo=timezone.utc),
    not_after: datetime = datetime(2028, 9, 2, 14, 5, 11, tzinfo=timezone.utc),
) -> bytes:
    """A DER certificate for ``subject`` signed in the name of ``issuer`` (self-signed when they are equal)."""
    subject_key = _key(subject.rfc4514_string())
    signer = _key(issuer.rfc4514_string())
    serial = int.from_bytes(hashlib.sha256(subject.public_bytes() + issuer.public_bytes()).digest()[:16], "big") >> 1
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(serial or 1)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if dns_names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in dns_names]), False)
    return builder.sign(signer, None).public_bytes(Encoding.DER)


def certificate_object(der: bytes) -> dict[str, Any]:
    """One certificate as Exchange 2013 sends it over remote PowerShell: RawData only, plus its ToString."""
    read = certificate(der)
    serial = x509.load_der_x509_certificate(der).serial_number

    def when(moment: datetime) -> str:
        # X509Certificate.ToString prints local time in the server's culture (HC15: en-US); this server is on UTC.
        return f"{moment.month}/{moment.day}/{moment.year} {moment.strftime('%I:%M:%S %p').lstrip('0')}"

    sections = [
        ("Subject", read.subject),
        ("Issuer", read.issuer),
        ("Serial Number", f"{serial:X}"),
        ("Not Before", when(read.not_before)),
        ("Not After", when(read.not_after)),
        ("Thumbprint", read.thumbprint),
    ]
    return {"$tostring": "".join(f"[{title}]\r\n  {text}\r\n\r\n" for title, text in sections)[:-2], "RawData": der}


@cache
def _server_certificates(fqdn: str, short: str, compliant: bool) -> tuple[bytes, ...]:
    domain = fqdn.split(".", 1)[1] if "." in fqdn else "contoso.mil"
    # A DoD-issued server certificate for IIS and SMTP, as DISA's PKI names it (device certificate, service OU).
    dod = build_certificate(
        name(("CN", fqdn), ("OU", "USN"), *DOD_PKI),
        name(("CN", "DOD SW CA-66"), *DOD_PKI),
        dns_names=(fqdn, f"mail.{domain}", f"autodiscover.{domain}"),
    )
    if compliant:
        return (dod,)
    # What setup leaves on every Exchange 2013 server (self-signed), plus a commercial certificate.
    auth = name(("CN", "Microsoft Exchange Server Auth Certificate"))
    default = name(("CN", short))
    wmsvc = name(("CN", "WMSVC"))
    commercial = build_certificate(
        name(("CN", f"owa.{domain}"), ("O", "Contoso"), ("L", "Arlington"), ("S", "Virginia"), ("C", "US")),
        name(("CN", "DigiCert Global G2 TLS RSA SHA256 2020 CA1"), ("O", "DigiCert Inc"), ("C", "US")),
        dns_names=(f"owa.{domain}",),
        not_before=datetime(2024, 11, 4, 0, 0, 0, tzinfo=timezone.utc),
        not_after=datetime(2025, 11, 5, 23, 59, 59, tzinfo=timezone.utc),
    )
    return (
        dod,
        build_certificate(
            auth,
            auth,
            not_before=datetime(2023, 5, 13, 15, 50, 45, tzinfo=timezone.utc),
            not_after=datetime(2028, 5, 13, 15, 50, 45, tzinfo=timezone.utc),
        ),
        build_certificate(
            default,
            default,
            dns_names=(short, fqdn),
            not_before=datetime(2023, 5, 13, 15, 48, 2, tzinfo=timezone.utc),
            not_after=datetime(2028, 5, 13, 15, 48, 2, tzinfo=timezone.utc),
        ),
        build_certificate(
            wmsvc,
            wmsvc,
            dns_names=("WMSVC",),
            not_before=datetime(2023, 5, 13, 15, 31, 7, tzinfo=timezone.utc),
            not_after=datetime(2033, 5, 10, 15, 31, 7, tzinfo=timezone.utc),
        ),
        commercial,
    )


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    short = server.split(".", 1)[0].upper()
    fqdn = server.lower() if "." in server else f"{server.lower()}.contoso.mil"
    certificates = _server_certificates(fqdn, short, compliant)
    return {"Get-ExchangeCertificate": [certificate_object(der) for der in certificates]}

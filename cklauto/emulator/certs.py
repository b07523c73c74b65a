"""A throwaway CA and server certificate for one emulator run.

EC P-256 keys: generating them costs about a millisecond (RSA-2048 costs tens) and the TLS
handshake is cheaper too, which matters when a benchmark opens hundreds of sessions.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class CertFiles:
    ca_path: str  #: PEM of the CA certificate (what clients trust)
    cert_path: str  #: PEM of the server certificate
    key_path: str  #: PEM of the server private key (unencrypted; temp dir only)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cklauto emulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def generate(directory: str, host_names: list[str]) -> CertFiles:
    """Write a CA and a CA-signed server certificate into ``directory``.

    The server certificate's SANs are 127.0.0.1, ::1, localhost and every name in ``host_names``.
    """
    now = datetime.datetime.now(datetime.timezone.utc)
    # Backdate a little so a client clock a few seconds behind still accepts it.
    not_before = now - datetime.timedelta(minutes=5)
    not_after = now + datetime.timedelta(days=2)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("cklauto emulator test CA"))
        .issuer_name(_name("cklauto emulator test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    names: list[x509.GeneralName] = [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
        x509.DNSName("localhost"),
    ]
    for host in dict.fromkeys(h.lower() for h in host_names):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            if host != "localhost":
                names.append(x509.DNSName(host))

    server_key = ec.generate_private_key(ec.SECP256R1())
    first = host_names[0] if host_names else "localhost"
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(first))
        .issuer_name(ca_cert.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    files = CertFiles(
        ca_path=os.path.join(directory, "ca.pem"),
        cert_path=os.path.join(directory, "server.pem"),
        key_path=os.path.join(directory, "server.key"),
    )
    with open(files.ca_path, "wb") as fh:
        fh.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(files.cert_path, "wb") as fh:
        fh.write(server_cert.public_bytes(serialization.Encoding.PEM))
    # The key file lives in a private temp dir that is removed on exit.
    fd = os.open(files.key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(
            server_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return files

"""Who ran the query, for the finding details: the account an assessor would ask about.

A user name given on the command line is that account.  Without one, Kerberos uses the ticket from ``kinit`` (its
principal is named when python-gssapi can read it) and certificate authentication the client certificate (named by
its subject and SHA-256 fingerprint, which is what maps it to an account on the server).  Never a secret: a password
or a private key never reaches this text.
"""

from __future__ import annotations

import logging

from cklauto.remoting.session import ConnectionSettings

log = logging.getLogger(__name__)

CURRENT_TICKET = "(the current Kerberos ticket)"


def describe_account(settings: ConnectionSettings) -> str:
    if settings.username:
        return settings.username
    if settings.auth == "certificate" and settings.certificate_pem:
        return _certificate_account(settings.certificate_pem)
    principal = _ticket_principal()
    return f"{principal} (Kerberos ticket)" if principal else CURRENT_TICKET


def _certificate_account(pem: str) -> str:
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes

        certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
        fingerprint = certificate.fingerprint(hashes.SHA256()).hex().upper()
        return f"client certificate {certificate.subject.rfc4514_string()} (SHA-256 {fingerprint})"
    except Exception as exc:  # noqa: BLE001 - the connection used it already; only its description failed
        log.debug("client certificate not described: %s", exc)
        return "a client certificate"


def _ticket_principal() -> str:
    """The default credential cache's principal, or "" when python-gssapi is absent or holds none."""
    try:
        import gssapi  # type: ignore[import-not-found]

        return str(gssapi.Credentials(usage="initiate").name)
    except Exception as exc:  # noqa: BLE001 - optional: the finding details then say "the current ticket"
        log.debug("Kerberos principal not read: %s", exc)
        return ""

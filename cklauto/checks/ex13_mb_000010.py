"""EX13-MB-000010: Exchange Servers must use approved DoD certificates

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-000213.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207268     SV-207268r615936_rule   V-69943, SV-84565
V2R3 (current)         V-207268     SV-207268r960792_rule   V-69943, SV-84565
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-ExchangeCertificate | Select CertificateDomains, issuer

    If the value of CertificateDomains does not indicate it is issued by the DoD, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Remove the non-DoD certificate and import the correct DoD certificates.

How cklauto decides (``decide``):

* **CertificateDomains or Issuer.**  CertificateDomains lists the DNS names a certificate is *for*; it cannot say who
  issued it.  The same command selects ``issuer``, and the rule's title is about DoD certificates, so cklauto judges
  each certificate's Issuer and shows its CertificateDomains as evidence.  The Exchange 2019 STIG (V-259649) keeps the
  same wording, and Evaluate-STIG's Exchange 2016 check (V-228355) also tests the Issuer.
* **Which issuers are the DoD's** is the site's to say (DoD PKI, ECA, a classified PKI): the site setting
  ``approved_certificate_issuers`` lists issuer names.  A certificate complies when its issuer holds every attribute
  of one of those names, in any order, values compared whole and without regard to case or repeated spaces:
  ``OU=PKI, OU=DoD, O=U.S. Government, C=US`` approves every DoD PKI CA, a full issuer name approves that one CA.
* **A self-issued certificate** (its issuer is its own subject: Exchange's self-signed Auth certificate, the default
  "Microsoft Exchange" certificate, WMSVC) is never issued by the DoD, whatever its name says.
* **Every certificate is judged.**  Over remote PowerShell Exchange sends each certificate's ``RawData`` only
  (exchange-objects.md §2.18): cklauto reads Thumbprint, Subject, Issuer, CertificateDomains and NotAfter from the
  DER, but ``Services`` (which certificates are bound to IIS, SMTP...) cannot be known, and the STIG's command lists
  every certificate anyway.  A certificate the EDSP accepts although it is not DoD-issued (typically the
  self-signed Exchange Server Auth certificate used for OAuth) is named by thumbprint in the optional setting
  ``accepted_certificate_thumbprints``; it then counts as compliant and its line says that the EDSP accepted it.
* **This server's certificates only**: cklauto asks ``Get-ExchangeCertificate -Server <server>`` (without -Server the
  cmdlet reads whichever back end the session landed on).  A certificate carries no server name, so the -Server
  answer is the proof of ownership.
* **No certificate at all** is not evidence: every Exchange server holds at least the certificates setup creates, so
  an empty answer leaves the rule Not_Reviewed.
* Names are compared, not chains: the CA certificates are not in the answer, so cklauto cannot verify a signature.
  Expiry is shown (NotAfter) but not judged: the STIG asks who issued the certificate.
"""

from __future__ import annotations

import re

from cklauto.checks import values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Placeholder,
    Query,
    Read,
    RuleIds,
    Scope,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import plural, ps_literal, quoted, visible
from cklauto.model import Status

CERTIFICATES = Query("Get-ExchangeCertificate", (("Server", Placeholder.SERVER),), Scope.SERVER)
#: The only property Exchange sends for a certificate over remote PowerShell.
PROPERTIES = ("RawData",)
APPROVED_ISSUERS = SiteSetting(
    "approved_certificate_issuers",
    SettingType.STRINGS,
    "Issuer names (distinguished names) of the certificate authorities the site approves as DoD, e.g. "
    '"OU=PKI, OU=DoD, O=U.S. Government, C=US" (every DoD PKI CA) or a full issuer name such as '
    '"CN=DOD SW CA-66, OU=PKI, OU=DoD, O=U.S. Government, C=US"; an issuer matches when it holds every attribute '
    "given.",
)
ACCEPTED_THUMBPRINTS = SiteSetting(
    "accepted_certificate_thumbprints",
    SettingType.STRINGS,
    "Thumbprints (SHA-1, hex) of certificates the EDSP accepts although a DoD CA did not issue them, such as the "
    "self-signed Microsoft Exchange Server Auth Certificate used for OAuth.",
    required=False,
)

STIG_COMMAND = "Get-ExchangeCertificate | Select CertificateDomains, issuer"
FIX_TEXT = "Remove the non-DoD certificate and import the correct DoD certificates."
TABLE_HEADERS = ("Thumbprint", "Subject", "CertificateDomains", "Issuer", "NotAfter")


def _approved(settings: Settings) -> list[tuple[str, tuple[values.Attribute, ...]]]:
    approved = []
    for entry in settings[APPROVED_ISSUERS.name]:
        try:
            approved.append((entry, values.distinguished_name(entry)))
        except ValueError as exc:
            raise ValueError(f"site setting {APPROVED_ISSUERS.name}: {exc}") from None
    if not approved:
        raise ValueError(f"site setting {APPROVED_ISSUERS.name} names no issuer")
    return approved


def _accepted(settings: Settings) -> frozenset[str]:
    accepted = set()
    for entry in settings.get(ACCEPTED_THUMBPRINTS.name, ()):
        thumbprint = re.sub(r"[\s:]", "", entry).upper()
        if not re.fullmatch(r"[0-9A-F]{40}", thumbprint):
            raise ValueError(f"site setting {ACCEPTED_THUMBPRINTS.name}: {entry!r} is not a 40-digit hex thumbprint")
        accepted.add(thumbprint)
    return frozenset(accepted)


def _certificates(answers: Answers) -> list[values.Certificate]:
    found = [values.certificate(record["RawData"]) for record in answers[CERTIFICATES]]
    return sorted(found, key=lambda c: (c.subject.casefold(), c.subject, c.thumbprint))


def _judge(
    cert: values.Certificate,
    approved: list[tuple[str, tuple[values.Attribute, ...]]],
    accepted: frozenset[str],
    server: str,
) -> tuple[Verdict, bool]:
    """The certificate's verdict, and whether only the EDSP's acceptance makes it compliant."""
    domains = ", ".join(cert.domains) if cert.domains else "none"
    shown = f"Subject {visible(cert.subject)} (CertificateDomains: {visible(domains)})"
    fix = (
        f"Remove-ExchangeCertificate -Server {ps_literal(server)} -Thumbprint {ps_literal(cert.thumbprint)}"
        "  # after importing a DoD certificate and enabling it for this one's services"
    )
    if cert.self_issued:
        problem = "is self-signed (its issuer is its own subject), so no DoD CA issued it"
    else:
        match = next((text for text, pattern in approved if values.dn_matches(cert.issuer_attributes, pattern)), None)
        if match is not None:
            reason = f"{shown} is issued by {visible(cert.issuer)}, an approved issuer (matches {visible(match)!r})"
            return Verdict(cert.thumbprint, True, reason), False
        problem = f"is issued by {visible(cert.issuer)}, which is not an approved DoD issuer"
    if cert.thumbprint in accepted:
        reason = f"{shown} {problem}; the EDSP accepts it (site setting {ACCEPTED_THUMBPRINTS.name})"
        return Verdict(cert.thumbprint, True, reason), True
    return Verdict(cert.thumbprint, False, f"{shown} {problem}", fix), False


NOTES = (
    "The STIG reads 'If the value of CertificateDomains does not indicate it is issued by the DoD'; CertificateDomains "
    "names what a certificate is for, not who issued it, so cklauto judges the Issuer the same command selects.",
    "Exchange sends only each certificate's RawData over remote PowerShell; Thumbprint, Subject, Issuer, "
    "CertificateDomains and NotAfter were read from it. Services cannot be read this way, so every certificate of the "
    "server is judged, as the STIG's command lists every certificate.",
)


def _label(cert: values.Certificate) -> str:
    return quoted(cert.common_name or cert.subject or cert.thumbprint)


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000010 for this server's Exchange certificates."""
    approved = _approved(settings)
    accepted = _accepted(settings)
    server = answers.server.strip()
    if not server:
        raise ValueError("no Exchange server name to judge the certificates of")
    certificates = _certificates(answers)
    if not certificates:
        return Decision(
            Status.NOT_REVIEWED,
            f"Get-ExchangeCertificate -Server {server} returned no certificate; every Exchange server holds at least "
            "the certificates setup creates, so this answer proves nothing and a person must look.",
            notes=NOTES,
        )
    judged = [_judge(cert, approved, accepted, server) for cert in certificates]
    verdicts = tuple(verdict for verdict, _ in judged)
    failing = [v for v in verdicts if v.ok is False]
    total = len(verdicts)
    noun = plural(total, "certificate")
    if not failing:
        by_edsp = sum(1 for _, accepted_only in judged if accepted_only)
        extra = f" ({by_edsp} accepted by the EDSP instead)" if by_edsp else ""
        verb = "is" if total == 1 else "are"
        return Decision(
            Status.NOT_A_FINDING,
            f"{total} of {noun} of {server} {verb} issued by an approved DoD issuer{extra}.",
            verdicts,
            notes=NOTES,
        )
    names = ", ".join(
        _label(cert) for cert, (verdict, _) in zip(certificates, judged, strict=True) if verdict.ok is False
    )
    verb = "is" if len(failing) == 1 else "are"
    return Decision(
        Status.OPEN,
        f"{len(failing)} of {noun} of {server} {verb} not issued by an approved DoD issuer: {names}.",
        verdicts,
        notes=NOTES,
        fix=FIX_TEXT,
    )


def tabulate(answers: Answers) -> list[Table]:
    rows = []
    for cert in _certificates(answers):
        domains = "{" + ", ".join(cert.domains) + "}"
        rows.append((cert.thumbprint, cert.subject, domains, cert.issuer, f"{cert.not_after:%Y-%m-%d %H:%M:%S} UTC"))
    return [Table(TABLE_HEADERS, tuple(rows))]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000010",
        group_id="V-207268",
        rule_ids=("SV-207268r615936_rule", "SV-207268r960792_rule"),
        legacy_ids=("V-69943", "SV-84565"),
    ),
    title="Exchange Servers must use approved DoD certificates.",
    severity="medium",
    reads=(Read(CERTIFICATES, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(APPROVED_ISSUERS, ACCEPTED_THUMBPRINTS),
    summary="every certificate of the server is issued by an approved DoD issuer (read from its RawData)",
)

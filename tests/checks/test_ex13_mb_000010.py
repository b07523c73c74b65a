"""EX13-MB-000010 (V-207268): approved DoD certificates, judged from the RawData Exchange sends."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cklauto.checks import ex13_mb_000010 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.checks.values import certificate
from cklauto.emulator.catalog.exchange_certificate import CMDLETS, DOD_PKI, build_certificate, name, sample_objects
from cklauto.model import Status

TYPES = CMDLETS[0].type_names
DOD_PATTERN = "OU=PKI, OU=DoD, O=U.S. Government, C=US"
DOD_CA = name(("CN", "DOD SW CA-66"), *DOD_PKI)
ECA_CA = name(("CN", "IdenTrust ECA Component S23"), ("OU", "ECA"), ("O", "U.S. Government"), ("C", "US"))
DIGICERT = name(("CN", "DigiCert Global G2 TLS RSA SHA256 2020 CA1"), ("O", "DigiCert Inc"), ("C", "US"))


def dod(cn: str, issuer=DOD_CA) -> bytes:
    return build_certificate(name(("CN", cn), ("OU", "USN"), *DOD_PKI), issuer, dns_names=(cn,))


def self_signed(cn: str) -> bytes:
    subject = name(("CN", cn))
    return build_certificate(subject, subject)


DOD_SERVER = dod("ex01.contoso.mil")
DOD_SMTP = dod("smtp.contoso.mil")
AUTH = self_signed("Microsoft Exchange Server Auth Certificate")
WMSVC = self_signed("WMSVC")
COMMERCIAL = build_certificate(name(("CN", "owa.contoso.mil"), ("O", "Contoso"), ("C", "US")), DIGICERT)
ECA = dod("eca.contoso.mil", ECA_CA)
FORGED = build_certificate(name(("CN", "DOD SW CA-66"), *DOD_PKI), name(("CN", "DOD SW CA-66"), *DOD_PKI))


def thumb(der: bytes) -> str:
    return certificate(der).thumbprint


def answers(*ders: bytes, server: str = "EX01") -> Answers:
    records = [Record({"RawData": der}, type_names=TYPES) for der in ders]
    return Answers({check.CERTIFICATES: records}, server=server, release="V2R3")


def settings(*issuers: str, accepted: tuple[str, ...] | None = None) -> Settings:
    values = {"approved_certificate_issuers": issuers or (DOD_PATTERN,)}
    if accepted is not None:
        values["accepted_certificate_thumbprints"] = accepted
    return Settings(values)


NAF, OPEN, NR = Status.NOT_A_FINDING, Status.OPEN, Status.NOT_REVIEWED

TABLE = [
    ("one DoD certificate", [DOD_SERVER], (), None, NAF, []),
    ("two DoD certificates", [DOD_SERVER, DOD_SMTP], (), None, NAF, []),
    # Evaluate-STIG's "Issuer -like 'CN=DoD*'" fails approved ECA issuers; the site's list decides here.
    (
        "ECA issuer approved by the site",
        [DOD_SERVER, ECA],
        (DOD_PATTERN, "OU=ECA, O=U.S. Government, C=US"),
        None,
        NAF,
        [],
    ),
    ("ECA issuer not approved", [DOD_SERVER, ECA], (), None, OPEN, [ECA]),
    ("stock self-signed certificates", [DOD_SERVER, AUTH, WMSVC], (), None, OPEN, [AUTH, WMSVC]),
    ("commercial CA", [COMMERCIAL], (), None, OPEN, [COMMERCIAL]),
    # Evaluate-STIG's "Issuer -like 'CN=DoD*'" passes a certificate that merely calls itself a DoD CA.
    ("self-signed with a DoD name", [FORGED], (), None, OPEN, [FORGED]),
    (
        "full issuer name approves that CA",
        [DOD_SERVER],
        ("CN=DOD SW CA-66, OU=PKI, OU=DoD, O=U.S. Government, C=US",),
        None,
        NAF,
        [],
    ),
    (
        "full issuer name of another CA",
        [DOD_SERVER],
        ("CN=DOD SW CA-67, OU=PKI, OU=DoD, O=U.S. Government, C=US",),
        None,
        OPEN,
        [DOD_SERVER],
    ),
    ("case and spacing of the pattern", [DOD_SERVER], ("ou=pki,ou=dod,o=u.s.  government,c=us",), None, NAF, []),
    ("EDSP accepts the Auth certificate", [DOD_SERVER, AUTH], (), (thumb(AUTH),), NAF, []),
    (
        "EDSP thumbprint written with spaces",
        [DOD_SERVER, AUTH],
        (),
        (" ".join(thumb(AUTH)[i : i + 2] for i in range(0, 40, 2)).lower(),),
        NAF,
        [],
    ),
    ("EDSP accepts one, another remains", [DOD_SERVER, AUTH, WMSVC], (), (thumb(AUTH),), OPEN, [WMSVC]),
    ("an accepted thumbprint not on the server", [DOD_SERVER, WMSVC], (), (thumb(AUTH),), OPEN, [WMSVC]),
]


@pytest.mark.parametrize(
    ("ders", "issuers", "accepted", "status", "failing"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE]
)
def test_decision_table(ders, issuers, accepted, status, failing):
    decision = check.decide(answers(*ders), settings(*issuers, accepted=accepted))
    assert decision.status is status
    assert len(decision.verdicts) == len(ders)
    assert sorted(v.subject for v in decision.failing) == sorted(thumb(d) for d in failing)
    for verdict in decision.failing:
        assert verdict.fix == (
            f"Remove-ExchangeCertificate -Server 'EX01' -Thumbprint '{verdict.subject}'"
            "  # after importing a DoD certificate and enabling it for this one's services"
        )
    assert "\n" not in decision.summary


def test_reasons_say_subject_domains_and_issuer():
    decision = check.decide(answers(DOD_SERVER, AUTH, COMMERCIAL), settings())
    reasons = {v.subject: v.reason for v in decision.verdicts}
    assert reasons[thumb(DOD_SERVER)] == (
        "Subject CN=ex01.contoso.mil, OU=USN, OU=PKI, OU=DoD, O=U.S. Government, C=US (CertificateDomains: "
        "ex01.contoso.mil) is issued by CN=DOD SW CA-66, OU=PKI, OU=DoD, O=U.S. Government, C=US, an approved issuer "
        "(matches 'OU=PKI, OU=DoD, O=U.S. Government, C=US')"
    )
    assert reasons[thumb(AUTH)] == (
        "Subject CN=Microsoft Exchange Server Auth Certificate (CertificateDomains: none) is self-signed (its issuer "
        "is its own subject), so no DoD CA issued it"
    )
    assert reasons[thumb(COMMERCIAL)].endswith(
        "is issued by CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US, which is not an approved "
        "DoD issuer"
    )
    assert decision.summary == (
        '2 of 3 certificates of EX01 are not issued by an approved DoD issuer: "Microsoft Exchange Server Auth '
        'Certificate", "owa.contoso.mil".'
    )
    assert decision.fix == "Remove the non-DoD certificate and import the correct DoD certificates."


def test_an_edsp_acceptance_is_said_in_the_line_and_the_summary():
    decision = check.decide(answers(DOD_SERVER, AUTH), settings(accepted=(thumb(AUTH),)))
    line = next(v for v in decision.verdicts if v.subject == thumb(AUTH))
    assert line.ok is True
    assert line.reason.endswith("; the EDSP accepts it (site setting accepted_certificate_thumbprints)")
    assert (
        decision.summary
        == "2 of 2 certificates of EX01 are issued by an approved DoD issuer (1 accepted by the EDSP instead)."
    )


def test_notes_say_how_the_ambiguity_was_read():
    decision = check.decide(answers(DOD_SERVER), settings())
    assert decision.summary == "1 of 1 certificate of EX01 is issued by an approved DoD issuer."
    assert any("CertificateDomains" in note and "Issuer" in note for note in decision.notes)
    assert any("RawData" in note and "Services" in note for note in decision.notes)


def test_no_certificate_is_not_a_pass():
    decision = check.decide(answers(), settings())
    assert decision.status is NR
    assert decision.verdicts == ()
    assert "returned no certificate" in decision.summary


def test_verdicts_are_sorted_whatever_the_order_of_the_answer():
    forward = check.decide(answers(WMSVC, DOD_SERVER, AUTH, COMMERCIAL), settings())
    backward = check.decide(answers(COMMERCIAL, AUTH, DOD_SERVER, WMSVC), settings())
    assert forward == backward
    assert [v.subject for v in forward.verdicts] == [thumb(d) for d in (DOD_SERVER, AUTH, COMMERCIAL, WMSVC)]


@pytest.mark.parametrize("raw", [None, b"", b"junk", "MIIB", [1, 2]])
def test_unreadable_raw_data_raises(raw):
    with pytest.raises(ValueError):
        check.decide(Answers({check.CERTIFICATES: [Record({"RawData": raw})]}, server="EX01"), settings())


def test_a_certificate_without_raw_data_raises_missing_property():
    record = Record({"Thumbprint": thumb(DOD_SERVER), "Issuer": "CN=DOD SW CA-66"}, type_names=TYPES)
    with pytest.raises(MissingProperty):
        check.decide(Answers({check.CERTIFICATES: [record]}, server="EX01"), settings())


@pytest.mark.parametrize("issuer", ["DoD", "CN=", "OU=PKI, XX=DoD"])
def test_a_bad_approved_issuer_names_the_setting(issuer):
    with pytest.raises(ValueError, match="approved_certificate_issuers"):
        check.decide(answers(DOD_SERVER), settings(issuer))


def test_no_approved_issuer_is_an_error():
    with pytest.raises(ValueError, match="approved_certificate_issuers"):
        check.decide(answers(DOD_SERVER), Settings({"approved_certificate_issuers": ()}))


@pytest.mark.parametrize("thumbprint", ["ABC", "Z" * 40, "0" * 41])
def test_a_bad_accepted_thumbprint_names_the_setting(thumbprint):
    with pytest.raises(ValueError, match="accepted_certificate_thumbprints"):
        check.decide(answers(DOD_SERVER), settings(accepted=(thumbprint,)))


def test_a_missing_approved_issuer_setting_raises_key_error():
    with pytest.raises(KeyError):
        check.decide(answers(DOD_SERVER), Settings({}))


def test_no_server_name_is_an_error():
    with pytest.raises(ValueError, match="server"):
        check.decide(answers(DOD_SERVER, server=" "), settings())


def test_tabulate_reads_the_columns_from_the_certificates():
    (table,) = check.tabulate(answers(WMSVC, DOD_SERVER))
    assert table.headers == ("Thumbprint", "Subject", "CertificateDomains", "Issuer", "NotAfter")
    assert table.rows == (
        (
            thumb(DOD_SERVER),
            "CN=ex01.contoso.mil, OU=USN, OU=PKI, OU=DoD, O=U.S. Government, C=US",
            "{ex01.contoso.mil}",
            "CN=DOD SW CA-66, OU=PKI, OU=DoD, O=U.S. Government, C=US",
            "2028-09-02 14:05:11 UTC",
        ),
        (thumb(WMSVC), "CN=WMSVC", "{WMSVC}", "CN=WMSVC", "2028-09-02 14:05:11 UTC"),
    )


def test_the_query_names_this_server():
    assert check.CERTIFICATES.command_line() == "Get-ExchangeCertificate -Server <server>"
    assert check.CERTIFICATES.resolve("EX01").command_line() == "Get-ExchangeCertificate -Server EX01"
    assert check.CHECK.required_settings() == (check.APPROVED_ISSUERS,)


def test_the_catalogue_samples_decide_as_intended():
    compliant = [o["RawData"] for o in sample_objects("ex01.contoso.mil")["Get-ExchangeCertificate"]]
    stock = [o["RawData"] for o in sample_objects("EX01", compliant=False)["Get-ExchangeCertificate"]]
    assert check.decide(answers(*compliant), settings()).status is NAF
    decision = check.decide(answers(*stock), settings())
    assert decision.status is OPEN
    assert len(decision.failing) == 4
    assert all(certificate(d).not_after > datetime(2025, 1, 1, tzinfo=timezone.utc) for d in compliant)


def test_every_id_of_every_release_finds_the_check():
    assert check.CHECK.ids.names() >= {
        "EX13-MB-000010",
        "V-207268",
        "SV-207268R615936_RULE",
        "SV-207268R960792_RULE",
        "SV-207268",
        "V-69943",
        "SV-84565",
        "SV-84565R1_RULE",
    }

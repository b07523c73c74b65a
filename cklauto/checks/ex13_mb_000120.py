"""EX13-MB-000120: Exchange internal Send connectors must require encryption

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium
(CAT II), CCI-001184, SRG-APP-000219.  The STIG ID is the same in every release; the other IDs are not:

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1R6 (legacy)          V-69987      SV-84609r1_rule
V2R1, V2R2             V-207290     SV-207290r615936_rule   V-69987, SV-84609
V2R3 (current)         V-207290     SV-207290r961110_rule   V-69987, SV-84609
=====================  ===========  ======================  ==================================

"V-84609" is the name the rule is commonly known by in this project; it is not a Group ID in any release, so it
is kept only as an alias (see ``ALIASES``).

Check text (DISA XCCDF, verbatim)::

    Review the Email Domain Security Plan (EDSP).

    Determine the internal SMTP Domain.

    Open the Exchange Management Shell and enter the following command:

    Get-SendConnector | Select Name, Identity, TlsDomain

    For each Send connector, if the value of TlsDomain is not set to the value of the internal <SMTP Domain>,
    this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-SendConnector -Identity <'IdentityName'> -TlsDomain <'SMTP Domain'>

    Note: The <IdentityName> and <SMTP Domain> values must be in quotes.

    Repeat the procedure for each Send connector.

How cklauto decides (``decide``):

* The internal SMTP domain comes from the site's EDSP; the user gives it (``--domain``, repeatable).  It is never
  guessed, because only the EDSP knows it.
* A connector complies when its TlsDomain, compared without regard to ASCII case, surrounding whitespace or one
  trailing dot, equals one of those domains.  A wildcard TlsDomain such as ``*.contoso.mil`` (what Exchange shows
  for a ``SmtpDomainWithSubdomains`` with IncludeSubDomains) complies only when that same wildcard was given;
  wildcards are never expanded in either direction, because the STIG asks for *the* internal domain.
* An unset (``$null``), empty or blank TlsDomain never complies.
* Any non-compliant connector makes the rule Open; otherwise it is NotAFinding.  No Send connectors at all is
  NotAFinding (nothing can send without encryption), and the details say so plainly.

``decide`` is pure: no I/O, no clock.  Send connectors belong to the whole organisation, so the query is
organisation-scoped; the shared frame (:mod:`cklauto.checks.frame`) writes the finding details around the table
and verdicts given here.
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Query,
    Read,
    Record,
    RuleIds,
    Scope,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import ps_literal, quoted, visible
from cklauto.model import Status

SEND_CONNECTORS = Query("Get-SendConnector", scope=Scope.ORGANIZATION)
PROPERTIES = ("Name", "Identity", "TlsDomain")
INTERNAL_DOMAIN = SiteSetting(
    "internal_smtp_domain",
    SettingType.DOMAINS,
    "The internal SMTP domain(s) from the site's Email Domain Security Plan (EDSP), e.g. contoso.mil "
    "(--domain on the command line).",
)

#: The command from the STIG check text, exactly as DISA writes it.
STIG_COMMAND = "Get-SendConnector | Select Name, Identity, TlsDomain"
#: The command from the STIG fix text, exactly as DISA writes it (placeholders included).
FIX_COMMAND = "Set-SendConnector -Identity <'IdentityName'> -TlsDomain <'SMTP Domain'>"


def _expected_text(accepted: tuple[str, ...]) -> str:
    return accepted[0] if len(accepted) == 1 else "one of " + ", ".join(accepted)


def _sort_key(record: Record) -> tuple[str, str, str, str, bool]:
    # Total order, so equal inputs in any order give identical text.  casefold first for a human-friendly order,
    # then the raw values to break ties deterministically (None sorts just after "", never compared with str).
    name, identity, tls = _fields(record)
    return (name.casefold(), name, identity, tls or "", tls is None)


def _fields(record: Record) -> tuple[str, str, str | None]:
    name = values.text(record["Name"])
    if not name:
        raise ValueError("a Send connector without a Name")
    identity = values.text(record["Identity"]) or name
    return name, identity, values.text(record["TlsDomain"])


def _judge(record: Record, accepted: tuple[str, ...]) -> Verdict:
    name, identity, raw = _fields(record)
    expected = _expected_text(accepted)
    fix = f"Set-SendConnector -Identity {ps_literal(identity)} -TlsDomain {ps_literal(accepted[0])}"
    if raw is None:
        return Verdict(name, False, f"TlsDomain is empty ($null); expected {expected}", fix)
    if not raw.strip():
        detail = "empty" if raw == "" else "blank (whitespace only)"
        return Verdict(name, False, f"TlsDomain is {detail}; expected {expected}", fix)
    value = values.normalize_domain(raw)
    shown = visible(raw, quote_if_padded=True)
    if value in accepted:
        if raw == value:
            return Verdict(name, True, f"TlsDomain is {shown}, the internal SMTP domain")
        return Verdict(name, True, f"TlsDomain is {shown}, which matches the internal SMTP domain {value}")
    if value.startswith("*.") and value[2:] in accepted:
        # The with-subdomains form of an accepted domain: close, but not what the STIG asks for, and expanding it
        # silently would hide a configuration that differs from the EDSP.
        return Verdict(
            name,
            False,
            f"TlsDomain is {shown}, a wildcard; expected {expected} (wildcards are compared literally)",
            fix,
        )
    return Verdict(name, False, f"TlsDomain is {shown}; expected {expected}", fix)


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000120 for the organisation's Send connectors.

    Verdicts are sorted by connector Name (then Identity and TlsDomain), not kept in input order:
    ``Get-SendConnector`` returns connectors in Active Directory enumeration order, which is not guaranteed to be
    stable, and sorting makes the finding details identical across re-runs when nothing changed.
    """
    accepted = tuple(settings[INTERNAL_DOMAIN.name])
    if not accepted:
        raise ValueError("no internal SMTP domain given")
    records = sorted(answers[SEND_CONNECTORS], key=_sort_key)
    verdicts = tuple(_judge(r, accepted) for r in records)
    failing = [v for v in verdicts if v.ok is False]
    domain_phrase = "the internal SMTP domain" if len(accepted) == 1 else "an internal SMTP domain"
    total = len(verdicts)
    if total == 0:
        return Decision(
            Status.NOT_A_FINDING,
            "No Send connectors are configured, so none lacks the required TlsDomain.",
            notes=("Get-SendConnector completed without error and returned no Send connectors.",),
        )
    noun = "Send connector" if total == 1 else "Send connectors"
    if not failing:
        verb = "has" if total == 1 else "have"
        return Decision(
            Status.NOT_A_FINDING, f"{total} of {total} {noun} {verb} TlsDomain set to {domain_phrase}.", verdicts
        )
    verb = "does" if len(failing) == 1 else "do"
    names = ", ".join(quoted(v.subject) for v in failing)
    return Decision(
        Status.OPEN,
        f"{len(failing)} of {total} {noun} {verb} not have TlsDomain set to {domain_phrase}: {names}.",
        verdicts,
        fix=f"Set-SendConnector -Identity <'IdentityName'> -TlsDomain {ps_literal(accepted[0])}",
    )


def tabulate(answers: Answers) -> list[Table]:
    records = sorted(answers[SEND_CONNECTORS], key=_sort_key)
    return [Table.of(PROPERTIES, records)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000120",
        group_id="V-207290",
        rule_ids=("SV-207290r615936_rule", "SV-207290r961110_rule"),
        legacy_ids=("V-69987", "SV-84609"),
        aliases=("V-84609",),
    ),
    title="Exchange internal Send connectors must require encryption.",
    severity="medium",
    reads=(Read(SEND_CONNECTORS, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(INTERNAL_DOMAIN,),
    summary="every Send connector's TlsDomain is the internal SMTP domain",
)

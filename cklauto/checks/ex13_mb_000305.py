"""EX13-MB-000305: Exchange Outlook Anywhere (OA) clients must use NTLM authentication to access email

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001953.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207327     SV-207327r615936_rule   V-70075, SV-84697
V2R3 (current)         V-207327     SV-207327r961494_rule   V-70075, SV-84697
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-OutlookAnywhere

    Get-OutlookAnywhere | Select Name, Identity, InternalClientAuthenticationMethod, ExternalClientAuthenticationMethod

    If the value of InternalClientAuthenticationMethod and the value of ExternalClientAuthenticationMethod is not set
    to NTLM, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    For InternalClientAuthenticationMethod:

    Set-OutlookAnywhere -Identity '<IdentityName'> -InternalClientAuthenticationMethod NTLM

    For ExternalClientAuthenticationMethod:

    Set-OutlookAnywhere -Identity '<IdentityName'> -ExternalClientAuthenticationMethod NTLM

How cklauto decides (``decide``):

* **"and ... is not set to NTLM"** is read as: both values must be NTLM, and either one that is not is a finding.  The
  title ("clients must use NTLM"), the fix (one command per property) and Evaluate-STIG's Exchange 2016 check
  (V-228404) read it the same way; a reading where only both together make a finding would pass a directory that lets
  external clients use Basic.
* The enum name is ``Ntlm`` (exchange-objects.md §2.12); it is compared without regard to case.  ``Negotiate`` (which
  may end in Kerberos or NTLM) is not NTLM.  ``$null`` is not set to NTLM, so it is a finding.
* **This server's directories only**: cklauto asks ``Get-OutlookAnywhere -Server <server>`` (the bare command lists the
  whole organisation) and judges the directories whose Identity (``EX01\\Rpc (Default Web Site)``) names this server.
  Another server's directory is shown, not judged; one whose Identity names no server cannot be told apart and keeps
  the rule from passing.
* **No directory** (a server without the Client Access role has none) is not a pass: the STIG does not say the rule
  is then not applicable, so the rule is left Not_Reviewed for a person.
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Placeholder,
    Query,
    Read,
    Record,
    RuleIds,
    Scope,
    Settings,
    Table,
    Verdict,
)
from cklauto.checks.text import plural, ps_literal, visible
from cklauto.model import Status

OUTLOOK_ANYWHERE = Query("Get-OutlookAnywhere", (("Server", Placeholder.SERVER),), Scope.SERVER)
INTERNAL = "InternalClientAuthenticationMethod"
EXTERNAL = "ExternalClientAuthenticationMethod"
PROPERTIES = ("Name", "Identity", INTERNAL, EXTERNAL)
STIG_COMMAND = (
    "Get-OutlookAnywhere | Select Name, Identity, InternalClientAuthenticationMethod, "
    "ExternalClientAuthenticationMethod"
)
NOTES = (
    "The STIG's 'the value of InternalClientAuthenticationMethod and the value of ExternalClientAuthenticationMethod "
    "is not set to NTLM' is read as: both must be NTLM; either one that is not is a finding.",
)


def _identity(record: Record) -> str:
    identity = values.text(record["Identity"]) or values.text(record["Name"])
    if not identity or not identity.strip():
        raise ValueError("an Outlook Anywhere virtual directory without an Identity or Name")
    return identity


def _method(record: Record, name: str) -> str:
    method = values.enum_name(record[name])
    if method is None:
        return "$null"
    if method.lstrip("-").isdigit():
        raise ValueError(f"{name} is the number {method}, not an authentication method's name")
    return method


def _judge(record: Record, server: str) -> tuple[Verdict, str]:
    """The directory's verdict, and whose it is: ``ours``, ``other`` or ``unknown``."""
    identity = _identity(record)
    owner = values.server_of(identity)
    if owner is None:
        return Verdict(
            identity, None, "names no server, so whose directory it is cannot be told; not judged"
        ), "unknown"
    if not values.is_same_server(owner, server):
        return Verdict(identity, None, f"a directory of {owner}, not of {server}; not judged"), "other"
    wrong = []
    shown = []
    for name in (INTERNAL, EXTERNAL):
        method = _method(record, name)
        raw = values.text(record[name])
        shown.append(f"{name} is {visible(raw) if raw is not None else '$null'}")
        if method != "ntlm":
            wrong.append(name)
    if not wrong:
        return Verdict(identity, True, "; ".join(shown)), "ours"
    fix = f"Set-OutlookAnywhere -Identity {ps_literal(identity)}" + "".join(f" -{name} NTLM" for name in wrong)
    return Verdict(identity, False, "; ".join(shown) + "; expected NTLM for both", fix), "ours"


def _sorted(answers: Answers) -> list[Record]:
    return sorted(answers[OUTLOOK_ANYWHERE], key=lambda r: (_identity(r).casefold(), _identity(r)))


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000305 for this server's Outlook Anywhere virtual directories."""
    server = answers.server.strip()
    if not server:
        raise ValueError("no Exchange server name to judge the Outlook Anywhere directories of")
    judged = [_judge(record, server) for record in _sorted(answers)]
    verdicts = tuple(verdict for verdict, _ in judged)
    ours = [verdict for verdict, owner in judged if owner == "ours"]
    unknown = sum(1 for _, owner in judged if owner == "unknown")
    failing = [v for v in ours if v.ok is False]
    if failing:
        names = ", ".join(visible(v.subject) for v in failing)
        noun = plural(len(ours), "Outlook Anywhere directory", "Outlook Anywhere directories")
        verb = "does" if len(failing) == 1 else "do"
        return Decision(
            Status.OPEN,
            f"{len(failing)} of {noun} of {server} {verb} not use NTLM for both internal and external clients: "
            f"{names}.",
            verdicts,
            notes=NOTES,
        )
    if unknown:
        return Decision(
            Status.NOT_REVIEWED,
            f"{plural(unknown, 'Outlook Anywhere directory', 'Outlook Anywhere directories')} in the answer name no "
            f"server, so cklauto cannot tell whether they are {server}'s; a person must look.",
            verdicts,
            notes=NOTES,
        )
    if not ours:
        return Decision(
            Status.NOT_REVIEWED,
            f"Get-OutlookAnywhere -Server {server} returned no Outlook Anywhere directory of {server} (a server "
            "without the Client Access role has none); the STIG does not say the rule is then not applicable, so a "
            "person must decide.",
            verdicts,
            notes=NOTES,
        )
    noun = plural(len(ours), "Outlook Anywhere directory", "Outlook Anywhere directories")
    verb = "uses" if len(ours) == 1 else "use"
    return Decision(
        Status.NOT_A_FINDING,
        f"{len(ours)} of {noun} of {server} {verb} NTLM for internal and external clients.",
        verdicts,
        notes=NOTES,
    )


def tabulate(answers: Answers) -> list[Table]:
    return [Table.of(PROPERTIES, _sorted(answers))]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000305",
        group_id="V-207327",
        rule_ids=("SV-207327r615936_rule", "SV-207327r961494_rule"),
        legacy_ids=("V-70075", "SV-84697"),
    ),
    title="Exchange Outlook Anywhere (OA) clients must use NTLM authentication to access email.",
    severity="medium",
    reads=(Read(OUTLOOK_ANYWHERE, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    summary="Internal and ExternalClientAuthenticationMethod are NTLM on each Outlook Anywhere directory of the server",
)

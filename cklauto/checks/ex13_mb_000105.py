"""EX13-MB-000105: Exchange Internet-facing Send connectors must specify a Smart Host

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-001178.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V1 (legacy)            V-69981      SV-84603r1_rule
V2R1, V2R2             V-207287     SV-207287r615936_rule   V-69981, SV-84603
V2R3 (current)         V-207287     SV-207287r961101_rule   V-69981, SV-84603
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Open the Exchange Management Shell and enter the following command:

    Get-SendConnector | Select Name, Identity, SmartHosts

    Identify the Internet-facing connectors.

    For each Send connector, if the value of SmartHosts does not return the Smart Host IP Address, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Open the Exchange Management Shell and enter the following command:

    Set-SendConnector  -Identity <'IdentityName'> -SmartHosts <'IP Address of Smart Host'> -DNSRoutingEnabled $false

    Note: The <IdentityName> and <IP Address of Smart Host> values must be in quotes.

    Repeat the procedure for each Send connector.

How cklauto decides (the STIG leaves two things to the site: which connectors face the Internet, and which smart host
is "the" Smart Host):

* Which connectors are Internet-facing: the ones the site names in ``internet_facing_send_connectors`` (by Name or
  Identity), as the later Exchange STIGs say outright ("Review the Email Domain Security Plan (EDSP).  Determine the
  Internet-facing connectors", 2016 Edge V-221217).  A listed name that no connector carries leaves the rule for a
  person (a typo must not silently drop the one connector that matters).
* Without that setting cklauto reads AddressSpaces: a connector with the ``SMTP:*`` address space routes mail for
  every domain no other connector claims, that is the Internet, so it is Internet-facing by definition.  Any other
  connector may or may not face the Internet (a partner connector does, a cross-forest one does not): it is judged
  the same way and counts only if it complies; if it would be a finding, the rule is left for a person with the
  setting named, rather than guessed either way.
* A judged connector complies when SmartHosts names the smart host and DNSRoutingEnabled is False (the fix sets both;
  with DNS routing on, Exchange ignores the smart hosts and looks up MX records itself, which is what the rule's
  discussion forbids).  Empty SmartHosts, or DNSRoutingEnabled True, is a finding.
* "The Smart Host IP Address" is a site value: the optional ``smart_hosts`` setting lists the smart hosts the EDSP
  names (IP addresses or host names; compared in canonical form, ``[10.1.1.25]`` equals ``10.1.1.25``).  Every entry
  of a judged connector's SmartHosts must be one of them.  Without the setting a connector that names some smart host
  cannot be shown to name *the* smart host, so the rule is left for a person (Evaluate-STIG passes any non-empty
  SmartHosts on every connector, Internet-facing or not).
* No Send connectors: NotAFinding, said plainly.
"""

from __future__ import annotations

from collections.abc import Sequence

from cklauto.checks import _send_connectors, _tally, values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Read,
    Record,
    RuleIds,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import cell, ps_literal, quoted, visible
from cklauto.model import Status

PROPERTIES = ("Name", "Identity", "SmartHosts", "AddressSpaces", "DNSRoutingEnabled")
SHOWN = ("Name", "Identity", "SmartHosts")
STIG_COMMAND = "Get-SendConnector | Select Name, Identity, SmartHosts"
INTERNET_FACING = SiteSetting(
    "internet_facing_send_connectors",
    SettingType.STRINGS,
    'The Send connectors that face the Internet, by Name or Identity, from the EDSP (e.g. "Outbound to Internet").  '
    "Optional: without it, connectors with the SMTP:* address space are taken as Internet-facing.",
    required=False,
)
SMART_HOSTS = SiteSetting(
    "smart_hosts",
    SettingType.STRINGS,
    "The smart host(s) the EDSP names for Internet-bound mail, as IP addresses or host names (e.g. 10.1.1.25).  "
    "Optional: without it a connector that names a smart host cannot be shown to name the right one.",
    required=False,
)
REQUIREMENT = "the EDSP's smart host (SmartHosts set, DNSRoutingEnabled False)"


#: Why a connector could not be judged: the site value that would decide it.
NEEDS_SMART_HOSTS = SMART_HOSTS.name
NEEDS_INTERNET_FACING = INTERNET_FACING.name


def _approved(settings: Settings) -> frozenset[str] | None:
    listed = settings.get(SMART_HOSTS.name)
    if listed is None:
        return None
    try:
        return frozenset(values.smart_host(h) for h in listed)
    except ValueError as exc:
        raise ValueError(f"site setting {SMART_HOSTS.name}: {exc}") from None


def _routes_everything(record: Record) -> bool:
    return any(values.address_space(a).is_smtp_everything for a in values.string_items(record["AddressSpaces"]))


def _judge(record: Record, approved: frozenset[str] | None, fix_host: str) -> tuple[Verdict, str | None]:
    """An Internet-facing connector: does it send through the EDSP's smart host?  Also the setting it needs, if any."""
    name = _tally.name_of(record, _send_connectors.KIND)
    raw_hosts = values.string_items(record["SmartHosts"])
    hosts = [values.smart_host(h) for h in raw_hosts]
    dns = _tally.required_boolean(record, "DNSRoutingEnabled")
    shown = visible(cell(raw_hosts))
    identity = ps_literal(_tally.identity_of(record))
    fix = f"Set-SendConnector -Identity {identity} -SmartHosts {ps_literal(fix_host)} -DNSRoutingEnabled $false"
    if not hosts:
        how = "DNSRoutingEnabled is True: mail goes to the MX hosts directly" if dns else "DNSRoutingEnabled is False"
        return Verdict(name, False, f"SmartHosts is empty; {how}", fix), None
    if dns:
        return Verdict(
            name, False, f"SmartHosts is {shown} but DNSRoutingEnabled is True, so they are not used", fix
        ), None
    if approved is None:
        reason = f"SmartHosts is {shown}; whether that is the EDSP's smart host is not known"
        return Verdict(name, None, reason), NEEDS_SMART_HOSTS
    unknown = [h for h in hosts if h not in approved]
    if unknown:
        listed = ", ".join(sorted(approved))
        reason = f"SmartHosts holds {visible(', '.join(unknown))}, not a smart host the EDSP names ({listed})"
        return Verdict(name, False, reason, fix), None
    return Verdict(name, True, f"SmartHosts is {shown}, the EDSP's smart host; DNSRoutingEnabled is False"), None


def _named(records: Sequence[Record], names: Sequence[str]) -> tuple[set[int], list[str]]:
    """Indexes of the connectors the site lists, and the listed names no connector carries."""
    chosen: set[int] = set()
    missing = []
    for wanted in names:
        hits = [
            i
            for i, r in enumerate(records)
            if values.same_name(values.text(r["Name"]), wanted) or values.same_name(values.text(r["Identity"]), wanted)
        ]
        if not hits:
            missing.append(wanted)
        chosen.update(hits)
    return chosen, missing


def _pending_summary(missing: Sequence[str], pending: dict[str, list[str]]) -> str:
    if missing:
        return (
            f"internet_facing_send_connectors names {', '.join(quoted(m) for m in missing)}, which no Send connector "
            "of this organisation carries; correct the site settings."
        )
    if pending.get(NEEDS_INTERNET_FACING):
        found = pending[NEEDS_INTERNET_FACING]
        face, send = ("faces", "it does") if len(found) == 1 else ("face", "they do")
        return (
            f"Whether {', '.join(quoted(n) for n in found)} {face} the Internet is not known, and {send} not send "
            "through the EDSP's smart host: set internet_facing_send_connectors in the site settings."
        )
    found = pending[NEEDS_SMART_HOSTS]
    return (
        f"{', '.join(quoted(n) for n in found)} {'names' if len(found) == 1 else 'name'} a smart host, but which "
        "smart host the EDSP names is not known: set smart_hosts in the site settings."
    )


def decide(answers: Answers, settings: Settings) -> Decision:
    approved = _approved(settings)
    records = _send_connectors.records(answers)
    listed = settings.get(INTERNET_FACING.name)
    if not records:
        return _send_connectors.none_configured("none sends to the Internet without a smart host")
    fix_host = sorted(approved)[0] if approved else "IP Address of Smart Host"
    verdicts: list[Verdict] = []
    pending: dict[str, list[str]] = {}
    missing: list[str] = []
    if listed is not None:
        chosen, missing = _named(records, listed)
        notes = ["Internet-facing Send connectors as the site lists them (internet_facing_send_connectors)."]
    else:
        chosen = {i for i, r in enumerate(records) if _routes_everything(r)}
        notes = [
            "internet_facing_send_connectors is not set: connectors with the SMTP:* address space are taken as "
            "Internet-facing; any other connector counts only if it complies anyway."
        ]
    for i, record in enumerate(records):
        if listed is not None and i not in chosen:
            name = _tally.name_of(record, _send_connectors.KIND)
            verdicts.append(Verdict(name, None, "not Internet-facing per internet_facing_send_connectors"))
            continue
        verdict, needs = _judge(record, approved, fix_host)
        if i not in chosen and verdict.ok is False:
            # Not known to face the Internet: a finding only if it does, which only the site can say.
            reason = f"{verdict.reason}; a finding only if it faces the Internet (it does not route SMTP:*)"
            verdict, needs = Verdict(verdict.subject, None, reason), NEEDS_INTERNET_FACING
        if needs is not None:
            pending.setdefault(needs, []).append(verdict.subject)
        verdicts.append(verdict)
    if any(v.ok is False for v in verdicts) or not (missing or pending):
        if all(v.ok is None for v in verdicts):
            summary = (
                "No Send connector faces the Internet per internet_facing_send_connectors, so none needs a smart host."
            )
            return Decision(Status.NOT_A_FINDING, summary, tuple(verdicts), notes=tuple(notes))
        return _tally.tally(verdicts, noun=_send_connectors.KIND, requirement=REQUIREMENT, notes=notes)
    return _tally.not_reviewed(_pending_summary(missing, pending), verdicts, notes)


def tabulate(answers: Answers) -> list[Table]:
    return [_send_connectors.tabulate(answers, SHOWN)]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000105",
        group_id="V-207287",
        rule_ids=("SV-207287r615936_rule", "SV-207287r961101_rule"),
        legacy_ids=("V-69981", "SV-84603"),
    ),
    title="Exchange Internet-facing Send connectors must specify a Smart Host.",
    severity="medium",
    reads=(Read(_send_connectors.SEND_CONNECTORS, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(INTERNET_FACING, SMART_HOSTS),
    summary="Internet-facing Send connectors send through the EDSP's smart host with DNS routing off",
)

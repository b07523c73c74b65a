"""EX13-MB-000255: Exchange must have antispam filtering configured

Microsoft Exchange 2013 Mailbox Server STIG (benchmark ``MS_Exchange_2013_Mailbox_STIG``), severity medium.  The
STIG ID, Vuln ID (V-207317) and check text are the same in V2R1, V2R2 and V2R3; the Rule ID's revision changed
(SV-207317r615936_rule in V2R1/V2R2, SV-207317r961161_rule in V2R3); V1 checklists call it V-70041 / SV-84663.

Check text (DISA XCCDF, verbatim)::

    Review the Email Domain Security Plan (EDSP).

    Note: If using another DoD-approved antispam product for email or a DoD-approved email gateway spamming device, such as Enterprise Email Security Gateway (EEMSG), this is not applicable.

    Determine the Internal SMTP servers.

    Open the Exchange Management Shell and enter the following command:

    Get-TransportConfig | Format-List InternalSMTPServers

    If any internal SMTP server IP address returned does not reflect the list of accepted SMTP server IPs, this is a finding.

Fix text (DISA XCCDF, verbatim)::

    Note: Configure the IP addresses of every internal SMTP server. If the Mailbox server is the only SMTP server running the antispam agents, configure the IP address of the Mailbox server.

    Update the EDSP.

    Open the Exchange Management Shell and enter the following command:

    Single SMTP server address:

    Set-TransportConfig -InternalSMTPServers @{Add='<ip address1>'}

    Multiple SMTP server addresses:

    Set-TransportConfig -InternalSMTPServers @{Add='<ip address1>','<ip address2>'}

How cklauto decides (``decide``):

* Not applicable when the site uses another DoD-approved antispam product or email gateway such as EEMSG (site
  setting ``approved_external_antispam = true``), as the STIG's note says.
* Otherwise the list of accepted SMTP server IPs comes from the EDSP: site setting ``internal_smtp_servers``
  (addresses or networks).  It is needed only when the rule is applicable, so it is declared optional; an
  applicable rule without it is Not_Reviewed, with a line naming the setting.
* InternalSMTPServers belongs to the organisation's transport configuration (``Get-TransportConfig``; one answer
  for every server's checklist, ``cklauto.checks._transport_config``).  It is a list of Exchange ``IPRange`` values
  (``10.0.10.25``, ``10.0.10.0/24``, ``10.0.10.1-10.0.10.9``, ``10.0.10.0(255.255.255.0)``), read with
  ``values.ip_ranges`` and compared by the addresses they hold, never as text.
* "Does not reflect the list" is read both ways, the reading an assessor defends: every address InternalSMTPServers
  holds must be on the accepted list (a broader range admits servers the EDSP does not list), and every accepted
  address must be in InternalSMTPServers (the fix says "Configure the IP addresses of every internal SMTP
  server").  Each entry of either kind that fails is its own Open verdict with its own fix (``@{Remove=...}`` or
  ``@{Add=...}``); an empty InternalSMTPServers is therefore Open, where Evaluate-STIG's Get-V228395 only lists
  the entries (Not_Reviewed).  The Exchange 2016 (V-228395) and 2019 (V-259691) STIGs keep the same text.
* An empty answer is Not_Reviewed; an entry that is not an IP range raises, so the rule keeps its previous review.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks._objects import flag_setting, read
from cklauto.checks._transport_config import (
    NOUN,
    SCOPE_NOTE,
    TRANSPORT_CONFIG,
    no_transport_config,
    the_transport_config,
    transport_config_table,
)
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
from cklauto.checks.text import ps_literal, visible
from cklauto.model import Status

PROPERTY = "InternalSMTPServers"
STIG_COMMAND = "Get-TransportConfig | Format-List InternalSMTPServers"
ACCEPTED_SERVERS = SiteSetting(
    "internal_smtp_servers",
    SettingType.ADDRESSES,
    "The list of accepted (internal) SMTP server IPs from the site's EDSP, as addresses or networks "
    '(["10.0.10.25", "10.0.10.26"]); InternalSMTPServers must hold exactly these addresses.  Needed unless '
    "approved_external_antispam is true.",
    required=False,
)
EXTERNAL_ANTISPAM = SiteSetting(
    "approved_external_antispam",
    SettingType.BOOLEAN,
    "true when the site uses another DoD-approved antispam product or a DoD-approved email gateway such as EEMSG "
    "(EDSP): the Exchange antispam rules are then not applicable, as the STIG says.",
    required=False,
)
READING = (
    "Read as: every address InternalSMTPServers holds must be on the site's list of accepted SMTP server IPs "
    f"({ACCEPTED_SERVERS.name}), and every accepted address must be in InternalSMTPServers; ranges are compared by "
    "the addresses they hold."
)


def _configured(config: Record) -> list[tuple[str, values.AddressRange]]:
    """InternalSMTPServers as (entry as Exchange wrote it, its range), sorted by address."""
    found = []
    for entry in read(config, PROPERTY, values.string_items, NOUN):
        try:
            found.append((entry.strip(), values.ip_range(entry)))
        except ValueError as exc:
            raise ValueError(f"{NOUN}: {PROPERTY}: {exc}") from None
    return sorted(found, key=lambda item: (item[1].sort_key, item[0]))


def _judge_entry(entry: str, listed: values.AddressRange, accepted: list[values.AddressRange]) -> Verdict:
    left = values.uncovered([listed], accepted)
    if not left:
        return Verdict(visible(entry), True, "on the list of accepted SMTP server IPs")
    outside = "" if left == [listed] else f" ({', '.join(map(str, left))} not accepted)"
    fix = f"Set-TransportConfig -InternalSMTPServers @{{Remove={ps_literal(entry)}}}"
    return Verdict(visible(entry), False, f"not on the list of accepted SMTP server IPs{outside}", fix)


def _judge_missing(wanted: values.AddressRange, configured: list[values.AddressRange]) -> Verdict | None:
    left = values.uncovered([wanted], configured)
    if not left:
        return None
    partly = "" if left == [wanted] else f" ({', '.join(map(str, left))} missing)"
    fix = f"Set-TransportConfig -InternalSMTPServers @{{Add={ps_literal(str(wanted))}}}"
    reason = f"an accepted SMTP server IP ({ACCEPTED_SERVERS.name}) missing from InternalSMTPServers{partly}"
    return Verdict(str(wanted), False, reason, fix)


def _accepted(settings: Settings) -> list[values.AddressRange]:
    try:
        # Kept as the EDSP lists them (one verdict per accepted entry), only sorted and without repeats.
        accepted = sorted(set(values.ip_ranges(settings[ACCEPTED_SERVERS.name])), key=lambda r: r.sort_key)
    except ValueError as exc:
        raise ValueError(f"site setting {ACCEPTED_SERVERS.name}: {exc}") from None
    if not accepted:
        raise ValueError(f"site setting {ACCEPTED_SERVERS.name} is empty; list the EDSP's accepted SMTP server IPs")
    return accepted


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000255 for the organisation's InternalSMTPServers."""
    config = the_transport_config(answers)
    if config is None:
        return no_transport_config()
    if flag_setting(settings, EXTERNAL_ANTISPAM.name):
        return Decision(
            Status.NOT_APPLICABLE,
            "The site uses another DoD-approved antispam product or email gateway (approved_external_antispam = "
            "true), so this rule is not applicable, as the STIG's note says.",
            notes=(SCOPE_NOTE,),
        )
    if settings.get(ACCEPTED_SERVERS.name) is None:
        return Decision(
            Status.NOT_REVIEWED,
            f"Deciding this rule needs the site setting {ACCEPTED_SERVERS.name}: {ACCEPTED_SERVERS.help}",
            notes=(SCOPE_NOTE,),
        )
    accepted = _accepted(settings)
    configured = _configured(config)
    listed = [_judge_entry(entry, found, accepted) for entry, found in configured]
    missing = [v for v in (_judge_missing(w, [found for _e, found in configured]) for w in accepted) if v]
    verdicts = (*listed, *missing)
    notes = (SCOPE_NOTE, READING)
    extra = [v.subject for v in listed if v.ok is False]
    if not extra and not missing:
        every = ", ".join(map(str, accepted))
        return Decision(
            Status.NOT_A_FINDING, f"InternalSMTPServers holds exactly the accepted {every}.", verdicts, notes
        )
    absent = ", ".join(v.subject for v in missing)
    if not configured:
        problem = f"it is empty, so the accepted {absent} are missing"
    else:
        parts = [f"{', '.join(extra)} not accepted"] if extra else []
        parts += [f"the accepted {absent} missing"] if missing else []
        problem = "; ".join(parts)
    summary = f"InternalSMTPServers does not reflect the list of accepted SMTP server IPs: {problem}."
    return Decision(Status.OPEN, summary, verdicts, notes)


def tabulate(answers: Answers) -> list[Table]:
    return transport_config_table(answers, (PROPERTY,))


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000255",
        group_id="V-207317",
        rule_ids=("SV-207317r615936_rule", "SV-207317r961161_rule"),
        legacy_ids=("V-70041", "SV-84663"),
    ),
    title="Exchange must have antispam filtering configured.",
    severity="medium",
    reads=(Read(TRANSPORT_CONFIG, (PROPERTY,)),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(ACCEPTED_SERVERS, EXTERNAL_ANTISPAM),
    summary="InternalSMTPServers holds exactly the EDSP's accepted SMTP server IPs (N/A with another antispam)",
)

"""What the two mailbox-forwarding checks share (EX13-MB-000145 accounts, EX13-MB-000150 domains).

Not a check (the registry skips modules whose name starts with ``_``).  Both rules begin "Review the EDSP.  Determine
any accounts that have been authorized to have email auto-forwarded.  Note: If email auto-forwarding is not being
used, this check is not applicable", and both judge the mailboxes that have a forwarding SMTP address.

Get-Mailbox is a recipient cmdlet: without ``-ResultSize Unlimited`` it stops after 1,000 objects with nothing but a
warning (exchange-objects.md §2.17), so a large organisation would be judged on its first page.  cklauto asks for
every mailbox and lets the server filter on ForwardingSmtpAddress (a filterable property; the OPATH filter is a
plain string, legal on the NoLanguage endpoint), so only the mailboxes the rules are about cross the wire.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cklauto.checks import _tally, values
from cklauto.checks.api import Answers, Decision, Query, Scope, Settings, SettingType, SiteSetting, Table, Verdict
from cklauto.checks.text import plural, ps_literal, quoted, visible
from cklauto.model import Status

FORWARDING_MAILBOXES = Query(
    "Get-Mailbox",
    (("ResultSize", "Unlimited"), ("Filter", "ForwardingSmtpAddress -ne $null")),
    scope=Scope.ORGANIZATION,
)
MAILBOX_PROPERTIES = ("Name", "Identity", "Alias", "PrimarySmtpAddress", "ForwardingSmtpAddress")
#: The columns of the STIG's ``Get-Mailbox | select Name, ForwardingSMTPAddress`` (spelled as Exchange sends it).
MAILBOX_COLUMNS = ("Name", "ForwardingSmtpAddress")
KIND = "mailbox"

AUTO_FORWARDING_USED = SiteSetting(
    "auto_forwarding_used",
    SettingType.BOOLEAN,
    "false when the site's EDSP says email auto-forwarding is not used: EX13-MB-000145 and EX13-MB-000150 are then "
    "Not_Applicable, as their Note says (and a mailbox that forwards anyway is a finding).  Optional.",
    required=False,
)

SCOPE_NOTE = (
    "Every mailbox of the organisation was asked for (-ResultSize Unlimited), filtered on the server to those with a "
    "forwarding SMTP address."
)


@dataclass(frozen=True)
class Forwarder:
    """A mailbox with a forwarding SMTP address, as the verdicts name it."""

    name: str
    identity: str
    primary: str
    alias: str
    address: str

    def keys(self) -> frozenset[str]:
        """What an EDSP entry may name the mailbox by: Identity, Alias or primary SMTP address (Names repeat)."""
        return frozenset(k.casefold() for k in (self.identity, self.alias, self.primary) if k)

    @property
    def shown(self) -> str:
        return visible(self.primary or self.identity)

    @property
    def fix(self) -> str:
        return f"Set-Mailbox -Identity {ps_literal(self.identity)} -ForwardingSmtpAddress $null"


def forwarders(answers: Answers) -> list[Forwarder]:
    """The mailboxes with a forwarding SMTP address, in a stable order.

    A mailbox without one (an export made without the filter) is not about these rules and is left out.
    """
    found = []
    for record in _tally.sorted_records(answers[FORWARDING_MAILBOXES], "Name", "Identity"):
        address = values.smtp_address(record["ForwardingSmtpAddress"])
        if address is None:
            continue
        found.append(
            Forwarder(
                name=_tally.name_of(record, KIND),
                identity=_tally.identity_of(record),
                primary=values.text(record["PrimarySmtpAddress"]) or "",
                alias=values.text(record["Alias"]) or "",
                address=address,
            )
        )
    return found


def not_used(settings: Settings) -> bool:
    return settings.get(AUTO_FORWARDING_USED.name) is False


def without_forwarders(settings: Settings, outcome: str) -> Decision:
    """No mailbox forwards: Not_Applicable when the EDSP says forwarding is unused, else NotAFinding."""
    if not_used(settings):
        return Decision(
            Status.NOT_APPLICABLE,
            "The EDSP says email auto-forwarding is not used (auto_forwarding_used = false) and no mailbox has a "
            "forwarding SMTP address, so the rule is not applicable, as its Note says.",
            notes=(SCOPE_NOTE,),
        )
    return Decision(
        Status.NOT_A_FINDING, f"No mailbox has a forwarding SMTP address, so {outcome}.", notes=(SCOPE_NOTE,)
    )


def forwarding_despite_edsp(found: Forwarder) -> Verdict:
    return Verdict(
        found.name,
        False,
        f"{found.shown} forwards to {visible(found.address)}, but the EDSP says auto-forwarding is not used "
        "(auto_forwarding_used = false)",
        found.fix,
    )


def list_unknown(
    found: Sequence[Forwarder], setting: SiteSetting, what: str, extra: Sequence[Verdict] = ()
) -> Decision:
    """Mailboxes forward but the EDSP's list is not given: left for a person, with every forwarder listed."""
    verdicts = [
        Verdict(f.name, None, f"{f.shown} forwards to {visible(f.address)}; not compared with the EDSP") for f in found
    ]
    return _tally.not_reviewed(
        f"{plural(len(found), 'mailbox', 'mailboxes')} {'has' if len(found) == 1 else 'have'} a forwarding SMTP "
        f"address ({', '.join(quoted(f.name) for f in found)}); {what} is not known: set {setting.name} in the site "
        "settings.",
        [*verdicts, *extra],
        notes=(SCOPE_NOTE,),
    )


def entry_key(entry: str) -> str:
    """A site-list entry as compared with a mailbox's keys (an ``smtp:`` prefix is dropped)."""
    key = entry.strip()
    if key.lower().startswith("smtp:"):
        key = key[5:].strip()
    return key.casefold()


def tally(verdicts: Sequence[Verdict], requirement: str, notes: Sequence[str]) -> Decision:
    """Open when any forwarding mailbox fails, else NotAFinding (information lines count neither way)."""
    return _tally.tally(
        verdicts, noun="forwarding mailbox", plural_noun="forwarding mailboxes", requirement=requirement, notes=notes
    )


def mailbox_table(answers: Answers) -> Table:
    """The STIG's ``Get-Mailbox | select Name, ForwardingSMTPAddress`` over the mailboxes asked for."""
    records = _tally.sorted_records(answers[FORWARDING_MAILBOXES], "Name", "Identity")
    return _tally.table(records, MAILBOX_COLUMNS)

"""Get-Mailbox (organisation-wide recipient cmdlet): exchange-objects.md §2.17, shapes from the 3G capture (§1.3).

A recipient cmdlet: without ``-ResultSize Unlimited`` it writes at most 1,000 objects and a warning.  ``-Filter``
takes an OPATH string; the emulator understands the comparisons the checks send (``Property -eq|-ne $null`` and
``Property -eq|-ne 'value'``) and refuses any other filter, as a real server refuses a filter it cannot parse.
"""

from __future__ import annotations

import re
from typing import Any

from cklauto.emulator.catalog import Cmdlet

_COMPARISON = re.compile(
    r"""^\s*\(?\s*([A-Za-z][A-Za-z0-9]*)\s+-(eq|ne)\s+(?:(\$null)|'((?:[^']|'')*)'|"([^"]*)")\s*\)?\s*$""",
    re.IGNORECASE,
)


def opath_filter(text: str, obj: dict[str, Any]) -> bool:
    """Whether ``obj`` passes the OPATH ``text``; ValueError for a filter this emulator does not understand."""
    found = _COMPARISON.match(text)
    if not found:
        raise ValueError(f"Cannot bind parameter 'Filter' to the target. Exception setting \"Filter\": {text!r}")
    name, operator, null, single, double = found.groups()
    actual = next((v for k, v in obj.items() if k.lower() == name.lower()), None)
    if null:
        equal = actual is None or actual == []
    else:
        wanted = single.replace("''", "'") if single is not None else double
        equal = actual is not None and str(actual).lower() == wanted.lower()
    return equal if operator.lower() == "eq" else not equal


CMDLETS = [
    Cmdlet(
        name="Get-Mailbox",
        type_names=(
            "Microsoft.Exchange.Data.Directory.Management.Mailbox",
            "Microsoft.Exchange.Data.Directory.Management.MailEnabledOrgPerson",
            "Microsoft.Exchange.Data.Directory.Management.MailEnabledRecipient",
            "Microsoft.Exchange.Data.Directory.Management.ADPresentationObject",
            "Microsoft.Exchange.Data.Directory.ADObject",
            "Microsoft.Exchange.Data.Directory.ADRawEntry",
            "Microsoft.Exchange.Data.ConfigurableObject",
            "System.Object",
        ),
        scope="organization",
        # Every parameter RBAC can grant on 2013 CU23 (§2.17).
        parameters=(
            "Anr",
            "Arbitration",
            "Archive",
            "Credential",
            "Database",
            "Filter",
            "Identity",
            "IgnoreDefaultScope",
            "Monitoring",
            "OrganizationalUnit",
            "PublicFolder",
            "ReadFromDomainController",
            "RecipientTypeDetails",
            "RemoteArchive",
            "ResultSize",
            "Server",
            "SortBy",
        ),
        server_property="ServerName",
        identity_properties=("Identity", "Name", "Alias", "PrimarySmtpAddress"),
        recipient=True,
        filter=opath_filter,
    )
]


def mailbox(name: str, server: str, forwarding_smtp: str | None = None, **overrides: Any) -> dict[str, Any]:
    """One user mailbox as Exchange 2013 sends it at Partial serialization (3G capture, trimmed to what matters)."""
    alias = name.lower().replace(" ", ".")
    short = server.split(".", 1)[0]
    box: dict[str, Any] = {
        "Name": name,
        "Identity": f"contoso.mil/Users/{name}",
        "DisplayName": name,
        "Alias": alias,
        "PrimarySmtpAddress": f"{alias}@contoso.mil",
        "EmailAddresses": [f"SMTP:{alias}@contoso.mil"],
        "RecipientTypeDetails": "UserMailbox",
        "ServerName": short.lower(),
        "Database": f"DB01-{short.upper()}",
        # A ProxyAddress: 'smtp:' + address, <Nil> when unset (§2.17).
        "ForwardingSmtpAddress": forwarding_smtp,
        "ForwardingAddress": None,
        "DeliverToMailboxAndForward": False,
        "ProhibitSendQuota": "Unlimited",
        "ProhibitSendReceiveQuota": "Unlimited",
        "IssueWarningQuota": "Unlimited",
        "IsValid": True,
    }
    box.update(overrides)
    return box


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    boxes = [mailbox("Administrator", server), mailbox("Jane Doe", server), mailbox("John Smith", server)]
    if not compliant:
        # More than one page of recipients, the forwarding mailbox past the first 1,000: only -ResultSize Unlimited
        # (or the server-side filter) finds it (EX13-MB-000145, -000150).
        boxes += [mailbox(f"Test User {i:04d}", server) for i in range(1, 1001)]
        boxes.append(mailbox("Zoe Lee", server, "smtp:zoe.lee@gmail.com", DeliverToMailboxAndForward=True))
    return {"Get-Mailbox": boxes}

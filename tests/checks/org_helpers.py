"""Shapes and assertions shared by the tests of the organisation-wide checks (remote domains, mailboxes, Send
connectors, the admin audit log and organisation settings).

Type names are the output types as remote PowerShell sends them (exchange-objects.md §2, each list ending in
System.Object as pypsrp needs, §1.1.9).
"""

from __future__ import annotations

from collections.abc import Sequence

from cklauto.checks import find_check
from cklauto.checks.api import Check

AD_TAIL = (
    "Microsoft.Exchange.Data.Directory.ADObject",
    "Microsoft.Exchange.Data.Directory.ADRawEntry",
    "Microsoft.Exchange.Data.ConfigurableObject",
    "System.Object",
)
#: Get-AdminAuditLogConfig (§2.1).
ADMIN_AUDIT_LOG_TYPES = (
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.AdminAuditLogConfig",
    "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
    *AD_TAIL,
)
#: Get-OrganizationConfig (§2.2, HC15 capture of Exchange 2013 CU23).
ORGANIZATION_TYPES = (
    "Microsoft.Exchange.Data.Directory.Management.OrganizationConfig",
    "Microsoft.Exchange.Data.Directory.Management.ADPresentationObject",
    *AD_TAIL,
)
#: Get-RemoteDomain (§2.11).
REMOTE_DOMAIN_TYPES = (
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.DomainContentConfig",
    "Microsoft.Exchange.Data.Directory.ADLegacyVersionableObject",
    "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
    *AD_TAIL,
)
#: Get-Mailbox (§1.3, the 3G capture; §2.17).
MAILBOX_TYPES = (
    "Microsoft.Exchange.Data.Directory.Management.Mailbox",
    "Microsoft.Exchange.Data.Directory.Management.MailEnabledOrgPerson",
    "Microsoft.Exchange.Data.Directory.Management.MailEnabledRecipient",
    "Microsoft.Exchange.Data.Directory.Management.ADPresentationObject",
    *AD_TAIL,
)
#: Get-SendConnector (§2.7, HC19 capture).
SEND_CONNECTOR_TYPES = (
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig",
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.MailGateway",
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.SendConnector",
    "Microsoft.Exchange.Data.Directory.ADLegacyVersionableObject",
    "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
    *AD_TAIL,
)
#: Get-TransportConfig (§2.5).
TRANSPORT_CONFIG_TYPES = (
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportConfigContainer",
    "Microsoft.Exchange.Data.Directory.ADContainer",
    "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
    *AD_TAIL,
)


def assert_named_by_every_id(
    check: Check, stig_id: str, group_id: str, rule_ids: Sequence[str], legacy: Sequence[str]
) -> None:
    """Every ID form of every release (exchange2013_rules.json) names ``check``, with and without revisions.

    ``legacy`` is (SV-8xxxx, V-6xxxx): the V1 rule is also written ``SV-8xxxxr1_rule``.
    """
    sv = next(x for x in legacy if x.startswith("SV-"))
    bare = rule_ids[0].split("r", 1)[0]
    forms = {stig_id, group_id, *rule_ids, bare, *legacy, f"{sv}r1_rule"}
    assert check.ids.names() >= {f.upper() for f in forms}
    assert check.ids.stig_id == stig_id and check.ids.group_id == group_id
    assert tuple(check.ids.rule_ids) == tuple(rule_ids)
    for form in forms:
        assert find_check(form) is check, form
        assert find_check(form.lower()) is check, form

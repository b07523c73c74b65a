"""Get-AdminAuditLogConfig (organisation-wide singleton): exchange-objects.md §2.1."""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-AdminAuditLogConfig",
        type_names=(
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.AdminAuditLogConfig",
            "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
            *AD_OBJECT_TAIL,
        ),
        scope="organization",
        # Only -DomainController beyond the common parameters (§2.1), which cklauto never sends.
        parameters=(),
        identity_properties=(),
    )
]


def admin_audit_log_config(**overrides: Any) -> dict[str, Any]:
    """The settings object with Exchange 2013's defaults: logging on, every cmdlet and parameter audited."""
    config: dict[str, Any] = {
        "Name": "Admin Audit Log Settings",
        "Identity": "Admin Audit Log Settings",
        "AdminAuditLogEnabled": True,
        # MultiValuedProperty<string>: a list on the wire (§1.2), ['*'] by default.
        "AdminAuditLogCmdlets": ["*"],
        "AdminAuditLogParameters": ["*"],
        "AdminAuditLogExcludedCmdlets": [],
        "AdminAuditLogAgeLimit": "90.00:00:00",
        "LogLevel": "None",
        "TestCmdletLoggingEnabled": False,
    }
    config.update(overrides)
    return config


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    if compliant:
        return {"Get-AdminAuditLogConfig": [admin_audit_log_config()]}
    # Findings for EX13-MB-000005 (logging off) and EX13-MB-000030 (only two parameters audited).
    config = admin_audit_log_config(AdminAuditLogEnabled=False, AdminAuditLogParameters=["Identity", "Name"])
    return {"Get-AdminAuditLogConfig": [config]}

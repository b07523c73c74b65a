"""Get-MailboxDatabase (per server): shared/docs/exchange-objects.md §2.8.

Shapes: the database settings the STIG reads are plain ``bool`` (``<B>``), the quotas ``Unlimited<ByteQuantifiedSize>``
sent as their ToString (``<S>Unlimited</S>``, ``<S>2 GB (2,147,483,648 bytes)</S>``, §1.2), ``Server`` an ADObjectId
(``<S>``, the server's name) and ``Servers`` an ``ADObjectId[]`` (a .NET array: a plain list, §1.2).  Defaults are
Exchange 2013's for a new database (MailboxDatabase.StampPersistableDefaultValues in decompiled 15.00.1497:
ProhibitSendReceiveQuota 2355 MB, ProhibitSendQuota 2 GB; IssueWarningQuota 1945 MB, §2.8 and §5 row 6;
CircularLoggingEnabled, RetainDeletedItemsUntilBackup and AllowFileRestore False, MountAtStartup True, Database.cs).
The live values that only ``-Status`` fills in are ``$null`` otherwise.

``-Server`` filters on ``Servers``: a database is returned for every server that holds a copy of it (a DAG member),
so the engine must match the server against each item of that list.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet

TYPE_NAMES = (
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.MailboxDatabase",
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.Database",
    "Microsoft.Exchange.Data.Directory.ADLegacyVersionableObject",
    "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
    *AD_OBJECT_TAIL,
)

CMDLETS = [
    Cmdlet(
        name="Get-MailboxDatabase",
        type_names=TYPE_NAMES,
        scope="server",
        parameters=("DumpsterStatistics", "Identity", "IncludePreExchange2013", "Server", "Status"),
        server_property="Servers",
        identity_properties=("Identity", "Name"),
        status_properties=(
            "Mounted",
            "MountedOnServer",
            "BackupInProgress",
            "DatabaseSize",
            "AvailableNewMailboxSpace",
            "LastFullBackup",
            "LastIncrementalBackup",
        ),
    )
]

#: Site settings under which the compliant sample complies (the EDSP values of a demo site).
SITE_SETTINGS = {"prohibit_send_quota": "2 GB", "issue_warning_quota": "1945 MB"}

INSTALL_PATH = "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Mailbox"


def database_defaults(name: str, folder: str) -> dict[str, Any]:
    """What every Exchange database (mailbox or public folder) carries, at a new database's defaults (Database.cs)."""
    return {
        "EdbFilePath": f"{folder}\\{name}.edb",
        "LogFolderPath": folder,
        "CircularLoggingEnabled": False,
        "RetainDeletedItemsUntilBackup": False,
        "AllowFileRestore": False,
        "MountAtStartup": True,
        "DeletedItemRetention": "14.00:00:00",
        "Recovery": False,
    }


def mailbox_database(name: str, servers: list[str], **overrides: Any) -> dict[str, Any]:
    """One mailbox database as Exchange 2013 sends it, with a new database's defaults; ``servers[0]`` is active."""
    folder = f"{INSTALL_PATH}\\{name}"
    database: dict[str, Any] = {
        "Name": name,
        "Identity": name,  # a configuration object's ADObjectId shows its CN (§1.2)
        "Server": servers[0] if servers else None,
        "Servers": list(servers),
        "MasterServerOrAvailabilityGroup": servers[0] if len(servers) == 1 else "DAG01",
        **database_defaults(name, folder),
        "ProhibitSendReceiveQuota": "2.3 GB (2,469,396,480 bytes)",
        "ProhibitSendQuota": "2 GB (2,147,483,648 bytes)",
        "IssueWarningQuota": "1.899 GB (2,039,480,320 bytes)",
        "RecoverableItemsQuota": "30 GB (32,212,254,720 bytes)",
        "RecoverableItemsWarningQuota": "20 GB (21,474,836,480 bytes)",
        "MailboxRetention": "30.00:00:00",
        "IsMailboxDatabase": True,
        "IsPublicFolderDatabase": False,
        "AdminDisplayVersion": "Version 15.0 (Build 1497.2)",
        "ExchangeVersion": "0.10 (14.0.100.0)",
        "Mounted": None,
        "MountedOnServer": None,
        "BackupInProgress": None,
        "DatabaseSize": None,
        "AvailableNewMailboxSpace": None,
        "LastFullBackup": None,
        "LastIncrementalBackup": None,
    }
    database.update(overrides)
    return database


def compliant_settings() -> dict[str, Any]:
    """What the STIG asks of every mailbox database (with the demo site's quotas, ``SITE_SETTINGS``)."""
    return {
        "CircularLoggingEnabled": False,
        "RetainDeletedItemsUntilBackup": True,
        "AllowFileRestore": False,
        "MountAtStartup": True,
        "ProhibitSendReceiveQuota": "Unlimited",
        "ProhibitSendQuota": "2 GB (2,147,483,648 bytes)",
        "IssueWarningQuota": "1.899 GB (2,039,480,320 bytes)",
    }


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    short = server.split(".", 1)[0].upper()
    # The compliant server keeps its database on a partition of its own and its logs on another (the host catalogue's
    # E: and F:, host_partition.py); the non-compliant one leaves them in Setup's default folder on C:.
    placed = (
        {"EdbFilePath": f"E:\\Databases\\{short}-DB01\\{short}-DB01.edb", "LogFolderPath": f"F:\\Logs\\{short}-DB01"}
        if compliant
        else {}
    )
    databases = [mailbox_database(f"{short}-DB01", [short], **compliant_settings(), **placed)]
    if not compliant:
        # The database setup creates, left at its defaults (RetainDeletedItemsUntilBackup False, a 2355 MB
        # ProhibitSendReceiveQuota), and one hand-tuned for an archive with several more findings.
        databases.append(mailbox_database("Mailbox Database 0311695863", [short]))
        databases.append(
            mailbox_database(
                f"{short}-Archive",
                [short],
                **compliant_settings()
                | {
                    "CircularLoggingEnabled": True,
                    "AllowFileRestore": True,
                    "MountAtStartup": False,
                    "ProhibitSendQuota": "Unlimited",
                    "IssueWarningQuota": "Unlimited",
                },
            )
        )
    return {"Get-MailboxDatabase": databases}

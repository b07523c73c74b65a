"""Get-PublicFolderDatabase (organisation-wide): shared/docs/exchange-objects.md §2.9.

The cmdlet is "for Exchange Server 2010 or earlier public folders": Exchange 2013 keeps public folders in public
folder mailboxes, so an Exchange 2013-only organisation returns no object at all, and no error (§2.9).  That is the
compliant sample.  The other sample is an organisation that still has an Exchange 2010 public folder database
during coexistence, with the findings the STIG looks for.

Shapes as a mailbox database (§2.8): RetainDeletedItemsUntilBackup, AllowFileRestore and MountAtStartup are ``bool``;
ProhibitPostQuota an ``Unlimited<ByteQuantifiedSize>`` sent as its ToString (PublicFolderDatabase.cs); ``Server`` the
hosting server's name.  A public folder database has no database copies, so ``-Server`` filters on ``Server``.
Exchange 2010's defaults for a new public folder database: ProhibitPostQuota 2 GB, IssueWarningQuota 1.9 GB
(1945 MB), MaxItemSize 10 MB, RetainDeletedItemsUntilBackup and AllowFileRestore False, MountAtStartup True [I: the
Exchange 2010 Set-PublicFolderDatabase documentation].
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet
from cklauto.emulator.catalog.mailbox_database import database_defaults

TYPE_NAMES = (
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.PublicFolderDatabase",
    "Microsoft.Exchange.Data.Directory.SystemConfiguration.Database",
    "Microsoft.Exchange.Data.Directory.ADLegacyVersionableObject",
    "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
    *AD_OBJECT_TAIL,
)

CMDLETS = [
    Cmdlet(
        name="Get-PublicFolderDatabase",
        type_names=TYPE_NAMES,
        scope="organization",
        parameters=("Identity", "Server", "Status"),
        server_property="Server",
        identity_properties=("Identity", "Name"),
        status_properties=("Mounted", "BackupInProgress", "DatabaseSize", "LastFullBackup"),
    )
]

#: Site settings under which the non-compliant sample's quota is judged (the EDSP value of a demo site).  The
#: compliant sample has no public folder database: with public_folders_used = false its four rules are N/A.
SITE_SETTINGS = {"prohibit_post_quota": "2 GB"}


def public_folder_database(name: str, server: str, **overrides: Any) -> dict[str, Any]:
    """One (Exchange 2010) public folder database as Exchange 2013 sends it, with a new database's defaults."""
    folder = f"C:\\Program Files\\Microsoft\\Exchange Server\\V14\\Mailbox\\{name}"
    database: dict[str, Any] = {
        "Name": name,
        "Identity": name,  # databases are organisation-level objects since Exchange 2010: the CN (§1.2)
        "Server": server,
        "Servers": [server],
        **database_defaults(name, folder),
        "ProhibitPostQuota": "2 GB (2,147,483,648 bytes)",
        "IssueWarningQuota": "1.899 GB (2,039,480,320 bytes)",
        "MaxItemSize": "10 MB (10,485,760 bytes)",
        "ReplicationPeriod": 900,
        "IsMailboxDatabase": False,
        "IsPublicFolderDatabase": True,
        "AdminDisplayVersion": "Version 14.3 (Build 123.4)",
        "ExchangeVersion": "0.10 (14.0.100.0)",
        "Mounted": None,
        "BackupInProgress": None,
        "DatabaseSize": None,
        "LastFullBackup": None,
    }
    database.update(overrides)
    return database


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    if compliant:
        return {"Get-PublicFolderDatabase": []}
    legacy = public_folder_database(
        "Public Folder Database 1708392561",
        "EX2010-PF",
        AllowFileRestore=True,
        MountAtStartup=False,
        ProhibitPostQuota="Unlimited",
    )
    return {"Get-PublicFolderDatabase": [legacy]}

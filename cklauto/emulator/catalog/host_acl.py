"""Get-Acl on the host (evidence for EX13-MB-000060/000070/000075, the audit logs, and EX13-MB-000285, Exchange's
application directory).

Shape (Microsoft Learn, Get-Acl; types.ps1xml): a folder's ``System.Security.AccessControl.DirectorySecurity`` with
Get-Acl's note properties PSPath, PSParentPath, PSChildName, PSDrive, PSProvider and its code properties Path, Owner,
Group, Access, Sddl, AccessToString and AuditToString.  Over remoting Access (a list of FileSystemAccessRule objects,
one level too deep) arrives as the rules' type names only, so the readable forms are AccessToString (one line per
rule: ``<identity> <Allow|Deny>  <rights>``, generic rights of inherit-only rules as numbers such as 268435456) and
Sddl.  A path that does not exist is an ItemNotFoundException (``GetAcl_PathNotFound_Exception``).
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import Cmdlet, HostError
from cklauto.emulator.catalog._host import provider_item, words

TYPE_NAMES = (
    "System.Security.AccessControl.DirectorySecurity",
    "System.Security.AccessControl.FileSystemSecurity",
    "System.Security.AccessControl.NativeObjectSecurity",
    "System.Security.AccessControl.CommonObjectSecurity",
    "System.Security.AccessControl.ObjectSecurity",
    "System.Object",
)
INSTALL = "C:\\Program Files\\Microsoft\\Exchange Server\\V15"
LOGGING = f"{INSTALL}\\Logging"

#: Principals and their SDDL SID strings.
SIDS = {
    "NT SERVICE\\TrustedInstaller": "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
    "NT AUTHORITY\\SYSTEM": "SY",
    "BUILTIN\\Administrators": "BA",
    "BUILTIN\\Users": "BU",
    "CREATOR OWNER": "CO",
    "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES": "AC",
    "NT AUTHORITY\\NETWORK SERVICE": "NS",
    "CONTOSO\\Exchange Servers": "S-1-5-21-1004336348-1177238915-682003330-1118",
    "CONTOSO\\Help Desk": "S-1-5-21-1004336348-1177238915-682003330-1131",
}
#: FileSystemRights as AccessToString writes them, and as SDDL writes them.
RIGHTS = {
    "FullControl": "FA",
    "Modify, Synchronize": "0x1301bf",
    "ReadAndExecute, Synchronize": "0x1200a9",
    "268435456": "GA",
    "-1610612736": "GXGR",
}


def acl(path: str, owner: str, rules: list[tuple[str, str, str, bool]], *, protected: bool = False) -> dict[str, Any]:
    """A folder's security descriptor: ``rules`` are (identity, Allow|Deny, rights, inherited)."""
    parent, _, child = path.rpartition("\\")
    lines = [f"{identity} {kind}  {rights}" for identity, kind, rights, _inherited in rules]
    aces = []
    for identity, kind, rights, inherited in rules:
        flags = ("OICIIO" if rights in ("268435456", "-1610612736") else "OICI") + ("ID" if inherited else "")
        aces.append(f"({'A' if kind == 'Allow' else 'D'};{flags};{RIGHTS[rights]};;;{SIDS[identity]})")
    sddl = f"O:{SIDS[owner]}G:SYD:{'P' if protected else ''}AI{''.join(aces)}"
    return {
        "$path": path,
        **provider_item("FileSystem", "C", path, parent, child),
        "Path": f"Microsoft.PowerShell.Core\\FileSystem::{path}",
        "Owner": owner,
        "Group": "NT AUTHORITY\\SYSTEM",
        "Access": ["System.Security.AccessControl.FileSystemAccessRule"] * len(rules),
        "Sddl": sddl,
        "AccessToString": "\n".join(lines),
        "AuditToString": "",
        "AreAccessRulesProtected": protected,
        "AreAuditRulesProtected": False,
        "AreAccessRulesCanonical": True,
        "AreAuditRulesCanonical": True,
        "$tostring": "System.Security.AccessControl.DirectorySecurity",
    }


def select(named: dict[str, Any], folders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    written: list[dict[str, Any]] = []
    for path in words(named.get("path")) + words(named.get("literalpath")):
        key = path.rstrip("\\").lower()
        found = [f for f in folders if str(f["$path"]).lower() == key]
        if not found:
            raise HostError(
                f"Cannot find path '{path}' because it does not exist.",
                "GetAcl_PathNotFound_Exception,Microsoft.PowerShell.Commands.GetAclCommand",
                "ObjectNotFound",
                "System.Management.Automation.ItemNotFoundException",
                target=path,
                partial=written,
            )
        written.extend({k: v for k, v in f.items() if k != "$path"} for f in found)
    return written


CMDLETS = [
    Cmdlet(
        name="Get-Acl",
        type_names=TYPE_NAMES,
        parameters=("Path", "LiteralPath"),
        host=True,
        select=select,
    )
]

_INHERITED_PROGRAM_FILES = [
    ("NT SERVICE\\TrustedInstaller", "Allow", "FullControl", True),
    ("NT AUTHORITY\\SYSTEM", "Allow", "FullControl", True),
    ("BUILTIN\\Administrators", "Allow", "FullControl", True),
    ("BUILTIN\\Users", "Allow", "ReadAndExecute, Synchronize", True),
    ("CREATOR OWNER", "Allow", "268435456", True),
    ("APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES", "Allow", "ReadAndExecute, Synchronize", True),
]


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    if compliant:
        # Hardened as a site's EDSP would document: administrators and the services, no ordinary users on the logs.
        install = acl(INSTALL, "NT AUTHORITY\\SYSTEM", _INHERITED_PROGRAM_FILES)
        logging = acl(
            LOGGING,
            "BUILTIN\\Administrators",
            [
                ("NT AUTHORITY\\SYSTEM", "Allow", "FullControl", False),
                ("BUILTIN\\Administrators", "Allow", "FullControl", False),
                ("NT AUTHORITY\\NETWORK SERVICE", "Allow", "Modify, Synchronize", False),
            ],
            protected=True,
        )
    else:
        help_desk = ("CONTOSO\\Help Desk", "Allow", "Modify, Synchronize", False)
        install = acl(INSTALL, "NT AUTHORITY\\SYSTEM", [help_desk, *_INHERITED_PROGRAM_FILES])
        # The logs inherit Program Files' rules: every user can read them, and the help desk can change them.
        logging = acl(LOGGING, "NT AUTHORITY\\SYSTEM", [help_desk, *_INHERITED_PROGRAM_FILES])
    return {"Get-Acl": [install, logging]}

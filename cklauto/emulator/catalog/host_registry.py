"""Get-ItemProperty on the host's registry (host endpoint only): the Start value of a service's key
(EX13-MB-000090/000095), Exchange's Setup key (MsiInstallPath) and the installed programs (Uninstall keys).

Shape (Windows PowerShell 5.1, ``Get-ItemProperty -Path <key> [-Name <value>]``): one PSCustomObject per key whose
note properties are the key's values (REG_DWORD as ``<I32>``, REG_SZ as ``<S>``), then PSPath, PSParentPath,
PSChildName, PSDrive and PSProvider (Microsoft Learn, Get-ItemProperty, "Outputs: System.Management.Automation.
PSCustomObject"; about_Providers).  ``-Name`` keeps only the named values.  A key that does not exist is an
ItemNotFoundException (``PathNotFound``), a named value the key lacks a PSArgumentException; a wildcard path that
matches nothing writes nothing, and a key without values writes nothing.

Services (x13-me/OfficeDocs-Exchange, services-overview.md, "Exchange services on Mailbox servers"): the IMAP4 and
POP3 front-end services are MSExchangeIMAP4 and MSExchangePOP3, the back-end services MSExchangeIMAP4BE and
MSExchangePOP3BE ("Microsoft Exchange IMAP4 Backend", the name the STIG's fix text uses), all four installed with the
Manual (3) startup type; Start 4 is Disabled, 2 Automatic (Windows' service Start values).  The non-compliant sample
is the trap Evaluate-STIG falls into: the front end disabled, the back end still Manual.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import Cmdlet, HostError
from cklauto.emulator.catalog._host import PS_CUSTOM_OBJECT, custom_object, has_wildcard, like, provider_item, words

_COMMAND = "Microsoft.PowerShell.Commands.GetItemPropertyCommand"
HKLM = "HKEY_LOCAL_MACHINE"
SERVICES = f"{HKLM}\\SYSTEM\\CurrentControlSet\\Services"
EXCHANGE_SETUP = f"{HKLM}\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup"
UNINSTALL = f"{HKLM}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
UNINSTALL_32 = f"{HKLM}\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
#: Where Exchange 2013 is installed on both samples: Setup's default folder.
DEFAULT_INSTALL = "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"


def _registry_path(path: str) -> str:
    """``HKLM:\\X`` or ``Registry::HKEY_LOCAL_MACHINE\\X`` as the provider's full path; HostError for others."""
    text = path.strip().rstrip("\\")
    lowered = text.lower()
    for prefix in ("microsoft.powershell.core\\registry::", "registry::"):
        if lowered.startswith(prefix):
            text, lowered = text[len(prefix) :], lowered[len(prefix) :]
    if lowered.startswith("hklm:"):
        return HKLM + text[5:]
    if lowered.startswith(HKLM.lower()):
        return HKLM + text[len(HKLM) :]
    raise _not_found(path)


def _not_found(path: str) -> HostError:
    return HostError(
        f"Cannot find path '{path}' because it does not exist.",
        f"PathNotFound,{_COMMAND}",
        "ObjectNotFound",
        "System.Management.Automation.ItemNotFoundException",
        target=path,
    )


def _written(key: dict[str, Any], names: list[str]) -> dict[str, Any]:
    full = str(key["$key"])
    parent, _, child = full.rpartition("\\")
    values = {k: v for k, v in key.items() if not k.startswith("$")}
    if names:
        chosen = {}
        for name in names:
            found = next((k for k in values if k.lower() == name.lower()), None)
            if found is None:
                raise HostError(
                    f"Property {name} does not exist at path {full}.",
                    f"System.Management.Automation.PSArgumentException,{_COMMAND}",
                    "InvalidArgument",
                    "System.Management.Automation.PSArgumentException",
                    target=name,
                )
            chosen[found] = values[found]
        values = chosen
    return custom_object({**values, **provider_item("Registry", "HKLM", full, parent, child)})


def select(named: dict[str, Any], keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    paths = words(named.get("path")) + words(named.get("literalpath"))
    names = words(named.get("name"))
    written: list[dict[str, Any]] = []
    for path in paths:
        full = _registry_path(path)
        if has_wildcard(full) and "literalpath" not in named:
            matched = [k for k in keys if like(full, str(k["$key"])) and str(k["$key"]).count("\\") == full.count("\\")]
        else:
            matched = [k for k in keys if str(k["$key"]).lower() == full.lower()]
            if not matched:
                raise _with_partial(_not_found(path), written)
        for key in sorted(matched, key=lambda k: str(k["$key"]).lower()):
            if not any(not k.startswith("$") for k in key):
                continue  # a key without values writes nothing
            try:
                written.append(_written(key, names))
            except HostError as err:
                raise _with_partial(err, written) from None
    return written


def _with_partial(err: HostError, written: list[dict[str, Any]]) -> HostError:
    err.partial = list(written)
    return err


CMDLETS = [
    Cmdlet(
        name="Get-ItemProperty",
        type_names=PS_CUSTOM_OBJECT,
        parameters=("Path", "LiteralPath", "Name"),
        host=True,
        select=select,
    )
]


def service_key(name: str, display: str, start: int, image: str, account: str = "LocalSystem") -> dict[str, Any]:
    """A service's key under Services, with the values the Service Control Manager keeps (Start: 2 Automatic,
    3 Manual, 4 Disabled)."""
    return {
        "$key": f"{SERVICES}\\{name}",
        "Type": 16,  # SERVICE_WIN32_OWN_PROCESS
        "Start": start,
        "ErrorControl": 1,
        "ImagePath": image,
        "DisplayName": display,
        "ObjectName": account,
    }


def program(key: str, name: str, publisher: str, version: str, location: str | None, *, wow: bool = False) -> dict:
    """An installed program's Uninstall key, as Programs and Features reads it."""
    entry: dict[str, Any] = {
        "$key": f"{UNINSTALL_32 if wow else UNINSTALL}\\{key}",
        "DisplayName": name,
        "DisplayVersion": version,
        "Publisher": publisher,
        "InstallDate": "20231114",
    }
    if location is not None:
        entry["InstallLocation"] = location
    return entry


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    install = DEFAULT_INSTALL
    bin_dir = f"{install}Bin"
    backend, frontend = (4, 4) if compliant else (3, 4)  # non-compliant: only the front ends were disabled
    pop_backend = 4 if compliant else 2  # non-compliant: the POP3 back end even starts with Windows
    keys = [
        service_key(
            "MSExchangeIMAP4",
            "Microsoft Exchange IMAP4",
            frontend,
            f'"{install}FrontEnd\\PopImap\\Microsoft.Exchange.Imap4Service.exe"',
        ),
        service_key(
            "MSExchangeIMAP4BE",
            "Microsoft Exchange IMAP4 Backend",
            backend,
            f'"{install}ClientAccess\\PopImap\\Microsoft.Exchange.Imap4Service.exe"',
            "NT AUTHORITY\\NetworkService",
        ),
        service_key(
            "MSExchangePOP3",
            "Microsoft Exchange POP3",
            frontend,
            f'"{install}FrontEnd\\PopImap\\Microsoft.Exchange.Pop3Service.exe"',
            "NT AUTHORITY\\NetworkService",
        ),
        service_key(
            "MSExchangePOP3BE",
            "Microsoft Exchange POP3 Backend",
            pop_backend,
            f'"{install}ClientAccess\\PopImap\\Microsoft.Exchange.Pop3Service.exe"',
            "NT AUTHORITY\\NetworkService",
        ),
        service_key(
            "MSExchangeIS",
            "Microsoft Exchange Information Store",
            2,
            f'"{bin_dir}\\Microsoft.Exchange.Store.Service.exe"',
        ),
        {
            "$key": EXCHANGE_SETUP,
            "MsiInstallPath": install,
            "MsiProductMajor": 15,
            "MsiProductMinor": 0,
            "MsiBuildMajor": 1497,
            "MsiBuildMinor": 2,
        },
        # Installed programs (illustrative versions).  Exchange 2013's prerequisites (UCMA 4.0, the Visual C++
        # 2013 runtime) come with every server.
        program(
            "{4934D1EA-BE46-48B1-8847-F1AF20E892C1}",
            "Microsoft Exchange Server 2013 Cumulative Update 23",
            "Microsoft Corporation",
            "15.0.1497.2",
            install,
        ),
        program(
            "UCMA4",
            "Microsoft Unified Communications Managed API 4.0, Runtime",
            "Microsoft Corporation",
            "5.0.8308.0",
            "C:\\Program Files\\Microsoft UCMA 4.0\\",
        ),
        program(
            "{929FBD26-9020-399B-9A7A-751D61F0B942}",
            "Microsoft Visual C++ 2013 Redistributable (x64) - 12.0.40660",
            "Microsoft Corporation",
            "12.0.40660.0",
            None,
        ),
        # Windows keeps keys that are no program (no DisplayName): the reader must not trip over them.
        {"$key": f"{UNINSTALL}\\Connection Manager", "SystemComponent": 1},
        {"$key": f"{UNINSTALL}\\AddressBook"},
    ]
    if compliant:
        keys += [
            program(
                "{B16DE18D-4D5D-45F8-92BD-8DC17225AFD8}",
                "McAfee Agent",
                "McAfee, LLC.",
                "5.7.9.182",
                "C:\\Program Files\\McAfee\\Agent\\",
            ),
            program(
                "{820D7600-089E-486B-860F-279B8119A893}",
                "McAfee Endpoint Security Threat Prevention",
                "McAfee, LLC.",
                "10.7.0.5786",
                "C:\\Program Files\\McAfee\\Endpoint Security\\Threat Prevention\\",
            ),
            program(
                "MSME",
                "McAfee Security for Microsoft Exchange",
                "McAfee, LLC.",
                "8.7.0.203",
                "C:\\Program Files\\McAfee\\MSME\\",
                wow=True,
            ),
        ]
    else:
        # Another application installed beside Exchange, on the OS partition (EX13-MB-000310's evidence).
        keys.append(
            program("Notepad++", "Notepad++ (64-bit x64)", "Notepad++ Team", "8.5.8", "C:\\Program Files\\Notepad++")
        )
    return {"Get-ItemProperty": keys}

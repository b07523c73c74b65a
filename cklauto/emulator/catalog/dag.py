"""Get-DatabaseAvailabilityGroup [[-Identity] dag] [-Status] (organisation): exchange-objects.md §2.15.

Every DAG of the organisation; none at all is an empty answer, not an error.  ``Servers`` is a MultiValuedProperty of
ADObjectIds, so a list of server names; ``WitnessServer`` a string; ``OperationalServers`` and
``PrimaryActiveManager`` are filled only with ``-Status``.  The compliant organisation has this server and its peer
in DAG01; in the non-compliant one DAG01 was created but only this server was ever added.
"""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import AD_OBJECT_TAIL, Cmdlet
from cklauto.emulator.catalog.exchange_server import peer_server

CMDLETS = [
    Cmdlet(
        name="Get-DatabaseAvailabilityGroup",
        type_names=(
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.DatabaseAvailabilityGroup",
            "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
            *AD_OBJECT_TAIL,
        ),
        scope="organization",
        parameters=("Identity", "Status"),
        identity_properties=("Identity", "Name"),
        status_properties=("OperationalServers", "PrimaryActiveManager"),
    )
]


def database_availability_group(name: str, servers: list[str], domain: str, **overrides: Any) -> dict[str, Any]:
    dag: dict[str, Any] = {
        "Name": name,
        "Identity": name,
        "Servers": servers,
        "WitnessServer": f"fs01.{domain}",
        "WitnessDirectory": f"C:\\DAGFileShareWitnesses\\{name}.{domain}",
        "AlternateWitnessServer": None,
        "DatabaseAvailabilityGroupIpv4Addresses": ["10.10.20.50"],
        "DatacenterActivationMode": "Off",
        "ThirdPartyReplication": "Disabled",
        "ReplicationPort": 64327,
        "NetworkCompression": "InterSubnetOnly",
        "NetworkEncryption": "InterSubnetOnly",
        "OperationalServers": servers,
        "PrimaryActiveManager": servers[0] if servers else None,
    }
    dag.update(overrides)
    return dag


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    short = server.split(".", 1)[0].upper()
    domain = server.split(".", 1)[1].lower() if "." in server else "contoso.mil"
    members = [short, peer_server(short)] if compliant else [short]
    return {"Get-DatabaseAvailabilityGroup": [database_availability_group("DAG01", sorted(members), domain)]}

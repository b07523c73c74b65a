"""Get-OrganizationConfig (organisation-wide singleton): exchange-objects.md §2.2 (HC15 capture, Exchange 2013 CU23)."""

from __future__ import annotations

from typing import Any

from cklauto.emulator.catalog import Cmdlet

CMDLETS = [
    Cmdlet(
        name="Get-OrganizationConfig",
        type_names=(
            "Microsoft.Exchange.Data.Directory.Management.OrganizationConfig",
            "Microsoft.Exchange.Data.Directory.Management.ADPresentationObject",
            "Microsoft.Exchange.Data.Directory.ADObject",
            "Microsoft.Exchange.Data.Directory.ADRawEntry",
            "Microsoft.Exchange.Data.ConfigurableObject",
            "System.Object",
        ),
        scope="organization",
        # No parameters cklauto may send (§2.2).
        parameters=(),
        identity_properties=(),
    )
]


def organization_config(customer_feedback: bool | None, **overrides: Any) -> dict[str, Any]:
    """The organisation object; CustomerFeedbackEnabled is a bool? that real 2013 organisations leave <Nil>."""
    config: dict[str, Any] = {
        "Name": "Contoso",
        "Identity": "Contoso",
        "CustomerFeedbackEnabled": customer_feedback,
        "IsDehydrated": False,
    }
    config.update(overrides)
    return config


def sample_objects(server: str, *, compliant: bool = True) -> dict[str, list[dict[str, Any]]]:
    # Non-compliant: never set ($null), exactly as the HC15 capture of a real 2013 organisation shows it.
    return {"Get-OrganizationConfig": [organization_config(False if compliant else None)]}

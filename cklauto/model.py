"""Value types shared by the checklist engine, the check, the remoting layer and the CLI."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Status(str, enum.Enum):
    """A rule's review status, in STIG Viewer 2.x (CKL) spelling.

    CKLB spells the same four values in lower snake case; ``cklb`` gives that spelling.
    """

    NOT_A_FINDING = "NotAFinding"
    OPEN = "Open"
    NOT_APPLICABLE = "Not_Applicable"
    NOT_REVIEWED = "Not_Reviewed"

    @property
    def cklb(self) -> str:
        return _CKLB_SPELLING[self]

    @classmethod
    def parse(cls, text: str) -> Status:
        """Accept either format's spelling (and a few human ones); raise ValueError otherwise."""
        key = text.strip().replace(" ", "_").replace("-", "_").lower()
        try:
            return _BY_KEY[key]
        except KeyError:
            raise ValueError(f"not a checklist status: {text!r}") from None

    def __str__(self) -> str:
        return self.value


_CKLB_SPELLING = {
    Status.NOT_A_FINDING: "not_a_finding",
    Status.OPEN: "open",
    Status.NOT_APPLICABLE: "not_applicable",
    Status.NOT_REVIEWED: "not_reviewed",
}
_BY_KEY = {
    "notafinding": Status.NOT_A_FINDING,
    "not_a_finding": Status.NOT_A_FINDING,
    "open": Status.OPEN,
    "not_applicable": Status.NOT_APPLICABLE,
    "notapplicable": Status.NOT_APPLICABLE,
    "not_reviewed": Status.NOT_REVIEWED,
    "notreviewed": Status.NOT_REVIEWED,
}


@dataclass(frozen=True)
class SendConnector:
    """One Exchange Send connector, as `Get-SendConnector | Select Name, Identity, TlsDomain` shows it.

    ``tls_domain`` is None when the connector has no TlsDomain set.
    """

    name: str
    identity: str
    tls_domain: str | None

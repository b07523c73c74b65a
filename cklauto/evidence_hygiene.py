"""Evidence goes to the checklist of the server it was exported on.

A bundle made by ``cklauto collect-script`` names its server (``$env:COMPUTERNAME`` by default).  Applied to a
checklist of another host it would put one server's answers into another server's audit record, so it is refused for
that checklist (fail closed: an error row, the rules keep their reviews, the run exits 1).  Names are compared without
regard to case, and a short name matches an FQDN with that first label (``EX01`` is ``ex01.contoso.mil``); two FQDNs
must be equal.

A legacy Send connector export names no server.  Applied with ``--evidence`` to checklists of several hosts it is
allowed (Send connectors are organisation-wide), but the user is warned: nothing in the file shows which server or
organisation it came from.  Mapping evidence per host in the inventory is the way to say "I meant it".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from cklauto.errors import EvidenceError


def same_server(exported_on: str, name: str) -> bool:
    """Whether a bundle exported on ``exported_on`` is about the server a checklist calls ``name``."""
    a, b = _plain(exported_on), _plain(name)
    if not a or not b:
        return False
    if a == b:
        return True
    if "." in a and "." in b:  # two FQDNs: the domain matters too
        return False
    return a.split(".", 1)[0] == b.split(".", 1)[0]


def _plain(name: str) -> str:
    return name.strip().rstrip(".").lower()


def refusal(evidence: Path, exported_on: str, checklist: Path, names: Iterable[str]) -> EvidenceError | None:
    """An error when a bundle that names its server is applied to a checklist of another server."""
    known = [n for n in dict.fromkeys(n.strip() for n in names) if n]
    if not exported_on or not known or any(same_server(exported_on, n) for n in known):
        return None
    return EvidenceError(
        evidence,
        f"was exported on {exported_on}, but {checklist} is the checklist of {' / '.join(known)}; not used for it",
        "give each checklist its own server's bundle (the inventory's evidence column maps one per host)",
    )


def shared_evidence_warning(evidence: Path, hosts: Sequence[str]) -> str | None:
    """A warning when one evidence file that names no server was applied to checklists of several hosts."""
    distinct = list(dict.fromkeys(h.lower() for h in hosts if h))
    if len(distinct) < 2:
        return None
    shown = ", ".join(distinct[:5]) + (f" and {len(distinct) - 5} more" if len(distinct) > 5 else "")
    return (
        f"{evidence}: names no server, yet --evidence applied it to the checklists of {len(distinct)} hosts "
        f"({shown}); its answers are right for them only if they share one Exchange organisation. "
        "To make this explicit, map evidence per host in the inventory's evidence column, or export each server "
        "with cklauto collect-script"
    )

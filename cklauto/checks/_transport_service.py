"""What the checks of one server's Transport service share (EX13-MB-000020, -040, -045, -200, -210, -225).

Each of these rules reads one property of ``Get-TransportService``, the settings of the Transport service on one
Exchange 2013 server (exchange-objects.md §2.4).  cklauto asks with ``-Identity <server>`` (never an empty
identity: that would return every server's object) and judges only the object whose Identity names this checklist's
server; another server's object in the answer is listed as information.  Two objects for this server cannot be told
apart, so the rule fails closed (ValueError).  No object for this server proves nothing: every Exchange 2013 Mailbox
server runs a Transport service, so the rule is left for a person (Not_Reviewed) with a summary saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cklauto.checks import values
from cklauto.checks._judging import Judged, table
from cklauto.checks.api import Answers, Decision, Placeholder, Query, Table, Verdict
from cklauto.checks.text import visible
from cklauto.model import Status

TRANSPORT_SERVICE = Query("Get-TransportService", (("Identity", Placeholder.SERVER),))


class Service(Judged):
    """The Transport service object of one server: its Name, Identity (the server's name) and properties read."""

    kind = "Transport service"
    setter = "Set-TransportService"


def service(answers: Answers) -> tuple[Service | None, list[Verdict]]:
    """This server's Transport service (None when the answer holds none) and information on other servers' objects."""
    if values.is_blank(answers.server):
        raise ValueError("no Exchange server name to judge the Transport service of")
    own: list[Service] = []
    foreign: list[Verdict] = []
    found = sorted((Service.of(r) for r in answers[TRANSPORT_SERVICE]), key=lambda s: s.sort_key)
    for candidate in found:
        if values.is_same_server(candidate.identity, answers.server):
            own.append(candidate)
        else:
            foreign.append(
                Verdict(
                    candidate.name,
                    None,
                    f"the Transport service of server {visible(candidate.identity)}, not {visible(answers.server)}; "
                    "not judged for this server",
                )
            )
    if len(own) > 1:
        raise ValueError(
            f"Get-TransportService answered with {len(own)} objects for {answers.server!r} "
            f"({', '.join(repr(s.identity) for s in own)}); cannot tell which one describes it"
        )
    return (own[0] if own else None), foreign


def decide_one(
    answers: Answers,
    judge: Callable[[Service], Verdict],
    *,
    requirement: str,
    fix: str | None = None,
    notes: Sequence[str] = (),
) -> Decision:
    """The rule's decision from ``judge``'s verdict on this server's Transport service."""
    found, foreign = service(answers)
    server = visible(answers.server)
    if found is None:
        summary = (
            f"Get-TransportService returned no Transport service of {server}"
            + (f" (only {len(foreign)} of other servers)" if foreign else "")
            + "; every Exchange 2013 Mailbox server has one, so the answer proves nothing about this server and a "
            "person must review the rule."
        )
        return Decision(Status.NOT_REVIEWED, summary, tuple(foreign), tuple(notes))
    verdict = judge(found)
    verdicts = (verdict, *foreign)
    if verdict.ok:
        return Decision(
            Status.NOT_A_FINDING,
            f"The Transport service of {server} complies: {verdict.reason}.",
            verdicts,
            tuple(notes),
        )
    return Decision(
        Status.OPEN,
        f"The Transport service of {server} does not comply ({requirement}): {verdict.reason}.",
        verdicts,
        tuple(notes),
        fix=fix,
    )


def tabulate(answers: Answers, columns: Sequence[str]) -> list[Table]:
    """The STIG command's columns, one row per object returned, sorted by Identity."""
    return [table(answers[TRANSPORT_SERVICE], columns)]

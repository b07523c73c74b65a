"""What the checks of one server's Receive connectors share (EX13-MB-000110, -115, -175, -180, -190, -235, -275, -325).

Every one of these rules reads ``Get-ReceiveConnector`` and says "for each Receive connector ...".  Receive connectors
belong to a server (their Identity is ``SERVER\\Name``, exchange-objects.md §2.6), so cklauto asks with
``-Server <server>`` and, defensively, judges only the connectors whose Identity names this checklist's server: a
connector of another server in the answer is listed as information and never decides this server's rule.  A
connector whose Identity names no server cannot be told apart, so the rule fails closed (ValueError).

An empty answer is never a pass: an Exchange 2013 Mailbox server has five Receive connectors from setup on, so no
connector of this server means the answer does not describe it (wrong server name, permissions, a filtered
evidence file).  The rule is then left for a person (Not_Reviewed) with a summary saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cklauto.checks import values
from cklauto.checks._judging import Judged, table
from cklauto.checks.api import Answers, Decision, Placeholder, Query, Settings, Table, Verdict
from cklauto.checks.text import quoted, visible
from cklauto.model import Status

RECEIVE_CONNECTORS = Query("Get-ReceiveConnector", (("Server", Placeholder.SERVER),))


class Connector(Judged):
    """One Receive connector of the answer: its Name, its ``SERVER\\Name`` Identity and every property read."""

    kind = "Receive connector"
    setter = "Set-ReceiveConnector"

    @property
    def server(self) -> str:
        owner = values.server_of(self.identity)
        if owner is None:
            raise ValueError(
                f"Receive connector {self.identity!r} has an Identity without a server part (expected SERVER\\Name), "
                "so it cannot be told which server it belongs to"
            )
        return owner


def connectors(answers: Answers) -> tuple[list[Connector], list[Verdict]]:
    """This server's connectors (sorted by Identity), and one information verdict per other server's connector."""
    if values.is_blank(answers.server):
        raise ValueError("no Exchange server name to judge Receive connectors for")
    own: list[Connector] = []
    others: list[Connector] = []
    for record in answers[RECEIVE_CONNECTORS]:
        connector = Connector.of(record)
        (own if values.is_same_server(connector.server, answers.server) else others).append(connector)
    foreign = [
        Verdict(
            c.name,
            None,
            f"belongs to server {visible(c.server)} (Identity {visible(c.identity)}), not {visible(answers.server)}; "
            "not judged for this server",
        )
        for c in sorted(others, key=lambda c: c.sort_key)
    ]
    return sorted(own, key=lambda c: c.sort_key), foreign


def decide_each(
    answers: Answers,
    judge: Callable[[Connector], Verdict],
    *,
    requirement: str,
    fix: str | None = None,
    notes: Sequence[str] = (),
) -> Decision:
    """The rule's decision when every one of this server's Receive connectors must meet ``requirement``.

    ``judge`` gives one verdict per connector (ok True/False); ``requirement`` is a clause for the summary
    ("AuthMechanism includes Tls").  Any non-compliant connector makes the rule Open.
    """
    own, foreign = connectors(answers)
    server = visible(answers.server)
    if not own:
        summary = (
            f"Get-ReceiveConnector returned no Receive connector of {server}"
            + (f" (only {len(foreign)} of other servers)" if foreign else "")
            + "; an Exchange 2013 Mailbox server has five from setup on, so the answer proves nothing about this "
            "server and a person must review the rule."
        )
        return Decision(Status.NOT_REVIEWED, summary, tuple(foreign), tuple(notes))
    verdicts = [judge(c) for c in own]
    failing = [v for v in verdicts if v.ok is False]
    total = len(verdicts)
    if not failing:
        if total == 1:
            summary = f"The only Receive connector of {server} complies: {requirement}."
        else:
            summary = f"All {total} Receive connectors of {server} comply: {requirement}."
        return Decision(Status.NOT_A_FINDING, summary, tuple(verdicts + foreign), tuple(notes))
    verb = "does" if len(failing) == 1 else "do"
    names = ", ".join(quoted(v.subject) for v in failing)
    return Decision(
        Status.OPEN,
        f"{len(failing)} of {total} Receive connectors of {server} {verb} not comply ({requirement}): {names}.",
        tuple(verdicts + foreign),
        tuple(notes),
        fix=fix,
    )


def tabulate(answers: Answers, columns: Sequence[str]) -> list[Table]:
    """The STIG command's columns, one row per connector returned (other servers' included), sorted by Identity."""
    return [table(answers[RECEIVE_CONNECTORS], columns)]


def designated(connector: Connector, settings: Settings, setting: str) -> str | None:
    """The entry of the site setting ``setting`` (a list of connector names) that names ``connector``, if any.

    An entry names a connector by its Name or its ``SERVER\\Name`` Identity, without regard to case; ``*`` stands
    for any text (``Default Frontend *``).
    """
    entries = settings.get(setting) or ()
    if isinstance(entries, str):
        # Iterating a lone string would make each character an entry, and "*" would name every connector.
        raise ValueError(f"site setting {setting} must be a list of connector names, not one string")
    for entry in entries:
        if not isinstance(entry, str):
            raise ValueError(f"site setting {setting} holds {entry!r}, which is not a connector name")
    for entry in entries:
        if values.name_matches(entry, connector.name) or values.name_matches(entry, connector.identity):
            return str(entry)
    return None


def edsp_accepted(setting: str, entry: str) -> str:
    """The words a verdict uses when the site's EDSP accepts what the STIG would otherwise call a finding."""
    return f"accepted with signoff and risk acceptance in the EDSP (site setting {setting}: {quoted(entry)})"

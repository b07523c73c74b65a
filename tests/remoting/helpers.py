"""Ask a server for its Send connectors alone, as the tests of the transport need."""

from __future__ import annotations

import dataclasses

from cklauto.checks.api import ResolvedQuery, Scope
from cklauto.errors import CklautoError
from cklauto.model import SendConnector
from cklauto.remoting import ConnectionSettings
from cklauto.remoting.pipelines import SessionAnswers, ask_server

SEND = ResolvedQuery("Get-SendConnector", scope=Scope.ORGANIZATION)


@dataclasses.dataclass
class Fetched:
    connectors: list[SendConnector]
    endpoint_url: str
    configuration: str
    session: SessionAnswers


def fetch_send_connectors(settings: ConnectionSettings) -> Fetched:
    """Ask for the Send connectors alone; the query's own error is raised like a connection error."""
    session = ask_server(settings, [SEND])
    answer = session.answers[SEND]
    if isinstance(answer, CklautoError):
        raise answer
    connectors = [SendConnector(r["Name"], r["Identity"], r["TlsDomain"]) for r in answer.records]
    return Fetched(connectors, session.endpoint_url, session.configuration, session)

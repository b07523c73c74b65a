"""Ask one server many questions over ONE runspace pool: one pipeline per query, several at a time.

The runner gives a server's whole set of queries (the union of what its checklists' rules read); this module opens
one RunspacePool, starts every pipeline (up to ``settings.max_pipelines`` run at once on the server), collects each
one's output, and closes the pool.  It knows nothing about checks: it returns, per query, the records or the reason the
query failed.  A failed query fails only itself; a failed connection fails them all.

Fail closed, per query: a pipeline that ends anything but Completed (pypsrp reports no error for a Stopped one),
any error record (pypsrp leaves non-terminating ones in ``streams.error`` only), a warning that says the output was
cut short, or an object cklauto cannot read, are failures, never a partial answer.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cklauto.checks.api import Endpoint, Record, ResolvedQuery
from cklauto.errors import CklautoError, RemoteError
from cklauto.remoting.account import describe_account
from cklauto.remoting.records import UnreadableObject, check_type, to_record
from cklauto.remoting.session import (
    EXCHANGE_CONFIGURATION,
    EXCHANGE_SNAPIN,
    ConnectionSettings,
    _check_settings,
    _close_quietly,
    _one_line,
    _scrub,
    _scrub_value,
    _translate,
    _wsman,
)

log = logging.getLogger(__name__)

#: How the host's own endpoint is named in the finding details.
HOST_CONFIGURATION = "Microsoft.PowerShell, the Windows host's own endpoint"

#: Pipelines the server runs at once in our pool.  Exchange throttles concurrent PowerShell work per user, so stay
#: well below its default limits while still overlapping the server's latency.
#: The default is above the 21 queries every automated Exchange rule needs, so their latency is paid once; a site
#: whose throttling policy allows fewer concurrent operations lowers it with --pipelines.
MAX_PIPELINES = 24

# Warnings that mean the output is not all of it (Exchange's ResultSize warning, and any that say so plainly).
_PARTIAL_WARNING = re.compile(r"ResultSize|only the first \d+|more results|truncat|partial|incomplete", re.IGNORECASE)


@dataclass(frozen=True)
class QueryAnswer:
    """A query's complete answer: its records and the warnings the server wrote (the answer was still complete)."""

    query: ResolvedQuery
    records: tuple[Record, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionAnswers:
    """What one server answered: per query, a QueryAnswer or the error that query ended in."""

    server: str
    endpoint_url: str
    configuration: str
    account: str
    trust: str
    answers: dict[ResolvedQuery, QueryAnswer | CklautoError]


def ask_server(
    settings: ConnectionSettings, queries: Sequence[ResolvedQuery], *, label: str | None = None
) -> SessionAnswers:
    """Run every query on ``settings.server``; raises RemoteError only when the server cannot be asked at all.

    Ends within ``settings.timeout`` seconds, counted from the connect, even when the server never answers: what
    had not been answered by then fails with a timeout that names the figure and the step it was waiting at.
    ``label`` names the host in the per-step log lines (-v); default: the server.
    """
    _check_settings(settings)
    _host_pool(settings, queries)  # a caller's mistake is a bug, raised here rather than as a remote error
    step = _Step(label or _who(settings))
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = _ask(settings, list(queries), step)
        except RemoteError as err:
            outcome["error"] = err
        except BaseException as exc:  # noqa: BLE001 - translated at the edge, by contract
            outcome["error"] = _translate(exc, settings)

    started = time.monotonic()
    worker = threading.Thread(target=work, name=f"cklauto-remote-{settings.server}", daemon=True)
    worker.start()
    worker.join(settings.timeout)
    if worker.is_alive():
        error = RemoteError(
            settings.server,
            "timeout",
            f"no answer within {settings.timeout:g} s from {settings.url()} ({step.waiting_for()})",
            "the server is slow or not answering; check it, or raise --timeout",
        )
        log.info("%s: %s: timed out: %s", step.label, step.name, error.one_line())
        raise error
    log.debug("%s: %d queries in %.2f s", settings.server, len(queries), time.monotonic() - started)
    if "error" in outcome:
        failed: RemoteError = outcome["error"]
        log.info("%s: %s failed: %s", step.label, _failed_step(failed, step), failed.one_line())
        raise failed
    result: SessionAnswers = outcome["result"]
    return result


class _Step:
    """Where a conversation with one server is (connect, authenticate, query), for -v and for a timeout message."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.name = "connect"
        self.command = ""

    def at(self, name: str, command: str = "") -> None:
        self.name, self.command = name, command

    def waiting_for(self) -> str:
        if self.name == "query":
            return f"waiting for {self.command}"
        return "waiting to connect and authenticate" if self.name in ("connect", "authenticate") else self.name


def _failed_step(error: RemoteError, step: _Step) -> str:
    """The step a failure belongs to: the kind of error says connect or authenticate; otherwise where it was."""
    if error.kind == "auth":
        return "authenticate"
    if error.kind in ("connection", "tls") and step.name in ("connect", "authenticate"):
        return "connect"
    return step.name


def _who(settings: ConnectionSettings) -> str:
    return settings.server if settings.port is None else f"{settings.server}:{settings.port}"


def _host_pool(settings: ConnectionSettings, queries: Sequence[ResolvedQuery]) -> bool:
    """Whether these queries go to the host's own endpoint; ValueError when they mix endpoints."""
    host = any(q.endpoint is Endpoint.HOST for q in queries)
    if host and not all(q.endpoint is Endpoint.HOST for q in queries):
        raise ValueError("one pool answers either Exchange's queries or the host's, never both")
    if host and settings.endpoint != "winrm":
        raise ValueError("queries on the host's endpoint need settings with endpoint 'winrm'")
    return host


def describe_trust(settings: ConnectionSettings) -> str:
    """How far the transport can be trusted, for the audit record."""
    if settings.ssl:
        return "HTTPS, TLS certificate NOT verified (--insecure)" if settings.insecure else "HTTPS"
    return "HTTP with message encryption"


def _ask(settings: ConnectionSettings, queries: list[ResolvedQuery], step: _Step) -> SessionAnswers:
    from pypsrp.powershell import RunspacePool

    host = _host_pool(settings, queries)
    winrm = settings.endpoint == "winrm"
    if host:
        # The host's own Windows PowerShell: plain Windows cmdlets, no Exchange snap-in.
        configuration = HOST_CONFIGURATION
    else:
        configuration = "Microsoft.PowerShell (+ Exchange snap-in)" if winrm else EXCHANGE_CONFIGURATION
    who = settings.username or "the current Kerberos ticket"
    log.info("%s: connect %s (%s, %s)", step.label, settings.url(), settings.auth, who)
    log.debug("%s: configuration %s, %d queries", settings.server, configuration, len(queries))
    pool_kwargs: dict[str, Any] = {} if winrm else {"configuration_name": EXCHANGE_CONFIGURATION}
    width = max(1, min(settings.max_pipelines or MAX_PIPELINES, len(queries)))
    wsman = _wsman(settings)
    pool = RunspacePool(wsman, min_runspaces=1, max_runspaces=width, **pool_kwargs)
    answers: dict[ResolvedQuery, QueryAnswer | CklautoError] = {}
    started = time.monotonic()
    try:
        pool.open()
        log.info("%s: authenticate: session open as %s (%.1f s)", step.label, who, time.monotonic() - started)
        log.debug("%s: runspace pool open (%d runspaces)", settings.server, width)
        if winrm and not host:
            step.at("query", "Add-PSSnapin")
            _load_snapin(settings, pool)
        # Start a window of pipelines, then collect each in order while starting the next: the server works on
        # up to `width` of them at once, so its latency is paid once per window, not once per query.
        pending: list[tuple[ResolvedQuery, Any, float]] = []
        todo = list(queries)
        while todo or pending:
            while todo and len(pending) < width:
                query = todo.pop(0)
                pending.append((query, _start(pool, query), time.monotonic()))
            query, ps, asked = pending.pop(0)
            step.at("query", query.command_line())
            answer = answers[query] = _collect(settings, query, ps)
            if isinstance(answer, CklautoError):
                log.info("%s: query %s failed: %s", step.label, query.command_line(), answer.one_line())
            else:
                log.info(
                    "%s: query %s: %d object(s) (%.1f s)",
                    step.label,
                    query.command_line(),
                    len(answer.records),
                    time.monotonic() - asked,
                )
    finally:
        # Not a `with` block: a failure while closing must neither hide the error that got us here nor spoil
        # answers that are already complete.
        _close_quietly(settings, pool, wsman)
    account = describe_account(settings)
    return SessionAnswers(
        server=settings.server,
        endpoint_url=settings.url(),
        configuration=configuration,
        account=account,
        trust=describe_trust(settings),
        answers=answers,
    )


def _load_snapin(settings: ConnectionSettings, pool: Any) -> None:
    from pypsrp.powershell import PowerShell, PSInvocationState

    ps = PowerShell(pool)
    ps.add_cmdlet("Add-PSSnapin").add_parameter("Name", EXCHANGE_SNAPIN)
    ps.invoke()
    if ps.had_errors or ps.streams.error or ps.state != PSInvocationState.COMPLETED:
        raise _pipeline_error(settings, "Add-PSSnapin", list(ps.streams.error))


def _start(pool: Any, query: ResolvedQuery) -> Any:
    from pypsrp.powershell import PowerShell

    ps = PowerShell(pool)
    ps.add_cmdlet(query.cmdlet)
    for name, value in query.parameters:
        if value is True:
            ps.add_parameter(name)
        elif isinstance(value, tuple):
            ps.add_parameter(name, list(value))
        else:
            ps.add_parameter(name, value)
    ps.begin_invoke()
    return ps


def _collect(settings: ConnectionSettings, query: ResolvedQuery, ps: Any) -> QueryAnswer | CklautoError:
    from pypsrp.powershell import PSInvocationState

    # A transport failure here raises: the connection is gone, and every query of this server fails with it.
    objects = list(ps.end_invoke())
    errors = list(ps.streams.error)
    warnings = [_scrub(_one_line(_record_text(w)), settings) for w in ps.streams.warning]
    if errors or ps.had_errors:
        return _pipeline_error(settings, query.cmdlet, errors)
    if ps.state != PSInvocationState.COMPLETED:
        state = str(getattr(ps.state, "name", ps.state)).lower()
        return RemoteError(
            settings.server,
            "powershell",
            f"{query.command_line()} did not complete (the pipeline ended {state} without an error record); "
            "part of an answer is not an answer",
            _POWERSHELL_HINT,
        )
    partial = [w for w in warnings if _PARTIAL_WARNING.search(w)]
    if partial:
        return RemoteError(
            settings.server,
            "answer",
            f"{query.command_line()} warned that its output is incomplete: {partial[0]}",
            "the answer was not judged; report this to the cklauto maintainers with the warning text",
        )
    records = []
    try:
        for obj in objects:
            record = to_record(obj)
            check_type(query.cmdlet, record.type_names, query.endpoint)
            # A hostile server may echo the password in a property: it would reach the finding details.
            records.append(Record({k: _scrub_value(v, settings) for k, v in record.items()}, record.type_names))
    except UnreadableObject as exc:
        return RemoteError(
            settings.server,
            "answer",
            f"{query.command_line()} returned an object cklauto cannot read: {_scrub(str(exc), settings)}",
            "the endpoint is not behaving like Exchange; check --endpoint and the server",
        )
    log.debug("%s: %s: %d object(s)", settings.server, query.command_line(), len(records))
    return QueryAnswer(query, tuple(records), tuple(warnings))


def _record_text(record: Any) -> str:
    """A warning or information record's text (pypsrp's str() of one is "None")."""
    message = getattr(record, "message", None)
    return str(message) if message is not None else str(record)


_POWERSHELL_HINT = "check the account's Exchange permissions (View-Only Configuration) and the server's event log"


def _pipeline_error(settings: ConnectionSettings, command: str, errors: list[Any]) -> RemoteError:
    if not errors:
        return RemoteError(
            settings.server,
            "powershell",
            f"{command} did not complete (pipeline stopped or failed without an error record)",
            _POWERSHELL_HINT,
        )
    first = errors[0]
    fq_error = str(getattr(first, "fq_error", "") or "")
    message = _one_line(str(first)) or "(no message)"
    more = f" (and {len(errors) - 1} more error record(s))" if len(errors) > 1 else ""
    reason = f"{command} failed: {message}" + (f" ({fq_error})" if fq_error else "") + more
    if fq_error.startswith("CommandNotFoundException"):
        hint = (
            "the Exchange snap-in did not load; is this an Exchange server?"
            if settings.endpoint == "winrm"
            else f"the account has no Exchange role granting {command}, or this is not an Exchange endpoint"
        )
    elif "ScriptsNotAllowed" in fq_error:
        hint = "the endpoint runs in NoLanguage mode"
    elif "NamedParameterNotFound" in fq_error or "ParameterBinding" in fq_error:
        hint = "this Exchange version or the account's role does not offer that parameter"
    else:
        hint = _POWERSHELL_HINT
    return RemoteError(settings.server, "powershell", _scrub(reason, settings), hint)

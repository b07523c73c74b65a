"""Evaluate EX13-MB-000120 for many checklists: plan, ask each server once, decide, write.

The library behind ``cklauto run``.  It never prints: the CLI renders the rows it returns.
Every checklist gets exactly one :class:`Row`, whatever happens to it, so the summary, the
report and the exit code always account for every file.

Fail closed: a checklist is written only after its server answered completely and the answer
was judged; any error leaves the file as it was and puts the reason in its row.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from cklauto import __version__
from cklauto.checks import ex13_mb_000120 as check
from cklauto.errors import CklautoError, ConfigError, RemoteError, StigNotInChecklist
from cklauto.formats import Review, Rule, open_checklist, reopen_if_unchanged
from cklauto.inventory import Inventory
from cklauto.model import SendConnector, Status
from cklauto.remoting import credential_scope
from cklauto.remoting.session import ConnectionSettings
from cklauto.rules import find_target_rule

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_OPEN = 3
EXIT_INTERRUPTED = 130

#: Where manual finding details that cklauto replaced are kept, below cklauto's own text.
PREVIOUS_DETAILS_MARKER = "----- Finding details written before cklauto (kept verbatim) -----"


@dataclass(frozen=True)
class RunOptions:
    """Everything ``cklauto run`` was asked to do."""

    domains: tuple[str, ...] = ()
    #: How to reach servers; ``server`` and ``port`` are filled in per host.
    connection: ConnectionSettings = ConnectionSettings(server="")
    server: str | None = None
    evidence: Path | None = None
    inventory: Inventory | None = None
    dry_run: bool = False
    skip_reviewed: bool = False
    output_dir: Path | None = None
    jobs: int = 8
    per_org: bool = False
    #: More servers a password may go to (--allow-server); see _credential_refusal.
    allowed_servers: tuple[str, ...] = ()


@dataclass
class Row:
    """What happened to one checklist; one row of the summary and of the report."""

    checklist: str
    host: str = ""
    server: str = ""
    rule: str = ""
    old_status: str = ""
    status: str = ""
    changed: bool = False
    outcome: str = "pending"  # written | unchanged | would-change | skipped | error | interrupted
    error: str = ""
    note: str = ""
    written_to: str = ""

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass
class RunResult:
    rows: list[Row]
    interrupted: bool = False

    def exit_code(self, fail_on_open: bool = False) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        if any(r.outcome in ("error", "interrupted", "pending") for r in self.rows):
            return EXIT_FAILED
        if fail_on_open and any(r.status == Status.OPEN.value for r in self.rows if r.outcome != "skipped"):
            return EXIT_OPEN
        return EXIT_OK


@dataclass
class _Item:
    """A checklist waiting for its server's answer.

    It keeps no parsed document: a hundred parsed checklists would hold hundreds of MB while
    their servers are asked.  The file is read again when the answer arrives (and parsed again
    only if it changed meanwhile); the atomic save refuses it if it changes after that.
    """

    row: Row
    path: Path
    domains: tuple[str, ...]
    output: Path
    port: int | None
    evidence: Path | None
    rule: Rule
    fingerprint: tuple[tuple[int, int, int] | None, int]


@dataclass
class _Query:
    """One question to one server (or one evidence file), shared by its checklists."""

    key: tuple[object, ...]
    server: str
    port: int | None
    evidence: Path | None
    items: list[_Item] = field(default_factory=list)
    per_org_domains: tuple[str, ...] | None = None
    answer: object = None  # _Answer or CklautoError once the server has answered


@dataclass(frozen=True)
class _Answer:
    connectors: list[SendConnector]
    source: check.Source
    checked_at: datetime
    server: str = ""  # the server that answered (with --per-org, not always the first asked)


def run(
    files: Sequence[Path],
    options: RunOptions,
    *,
    base_dirs: Sequence[Path] = (),
    stop: threading.Event | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Evaluate and write every checklist in ``files``; see the module docstring.

    Planning and asking overlap: a server is asked as soon as the first checklist naming it has
    been read, while the rest of the files are still being read.  Answers are applied (and
    files written) in this thread only, one at a time, so a stop request never interrupts a
    write.
    """
    stop = stop or threading.Event()
    rows: list[Row] = []
    queries: dict[tuple[object, ...], _Query] = {}
    outputs: dict[Path, Path] = {}  # --output-dir copies, so two inputs never write one copy
    per_org: list[_Query] = []
    asker = _Asker(options, stop)
    progress = [0, 0]  # answered, asked

    def report_progress() -> None:
        if on_progress:
            on_progress(progress[0], progress[1])

    def take_answers(block: bool) -> None:
        for query, answer in asker.answers(block=block):
            query.answer = answer
            for item in query.items:
                _settle(item, query, options)
            progress[0] += 1
            report_progress()

    report_progress()
    try:
        for path in files:
            row = Row(checklist=str(path))
            rows.append(row)
            if stop.is_set():
                continue
            item = _plan_one(path, row, options, base_dirs)
            if item is not None and options.output_dir is not None:
                claimed = outputs.setdefault(item.output.resolve(), path)
                if claimed != path:
                    _fail(
                        row, ConfigError(f"{path}: its copy would overwrite that of {claimed} in {options.output_dir}")
                    )
                    item = None
            if item is not None:
                query = _query_for(item, options)
                known = queries.get(query.key)
                if known is None:
                    queries[query.key] = known = query
                    if query.per_org_domains is None:
                        asker.ask(query)
                    else:
                        # Asked once every checklist is read, so that every server of the
                        # organisation is known should the first one not answer.
                        per_org.append(query)
                    progress[1] += 1
                    report_progress()
                known.items.append(item)
                if known.answer is not None:  # answered while later files were still being read
                    _settle(item, known, options)
            take_answers(block=False)
        for query in per_org:
            asker.ask(query)
        asker.no_more_questions()
        while not stop.is_set() and progress[0] < progress[1]:
            take_answers(block=True)
    finally:
        asker.no_more_questions()
    for row in rows:
        if row.outcome == "pending":
            row.outcome = "interrupted"
            row.error = "not checked: the run was interrupted"
    log.debug("%d checklist(s), %d question(s) asked", len(rows), len(queries))
    return RunResult(rows=rows, interrupted=stop.is_set())


def _settle(item: _Item, query: _Query, options: RunOptions) -> None:
    if isinstance(query.answer, CklautoError):
        _fail(item.row, query.answer)
    elif isinstance(query.answer, _Answer):
        _apply(item, query.answer, query, options)


def _plan_one(path: Path, row: Row, options: RunOptions, base_dirs: Sequence[Path]) -> _Item | None:
    try:
        checklist = open_checklist(path)
        row.host = checklist.asset.fqdn or checklist.asset.host_name
        rule = find_target_rule(checklist)
    except StigNotInChecklist as exc:
        row.outcome = "skipped"
        row.note = exc.problem
        return None
    except CklautoError as exc:
        _fail(row, exc)
        return None
    row.rule = f"{rule.group_id} ({rule.rule_id})" if rule.rule_id else rule.group_id
    row.old_status = rule.review.status.value
    row.status = row.old_status
    asset = checklist.asset
    try:
        entry = options.inventory.match(asset.host_name, asset.fqdn) if options.inventory else None
    except ConfigError as exc:
        _fail(row, exc)
        return None
    server = (entry.server if entry and entry.server else None) or options.server or asset.fqdn or asset.host_name
    evidence = (entry.evidence if entry and entry.evidence else None) or options.evidence
    domains = (entry.domains if entry and entry.domains else ()) or options.domains
    if not domains:
        _fail(
            row,
            ConfigError(
                f"{path}: no internal SMTP domain given", "pass --domain or add a domain column to the inventory"
            ),
        )
        return None
    if not server and evidence is None:
        _fail(
            row,
            ConfigError(
                f"{path}: the checklist names no host (HOST_FQDN and HOST_NAME are empty)",
                "pass --server or use --inventory",
            ),
        )
        return None
    if _skipped_as_reviewed(row, rule.review, options):
        row.server = server
        return None
    if evidence is None and (refused := _credential_refusal(path, server, domains, options)):
        row.server = server
        _fail(row, refused)
        return None
    row.server = server if evidence is None else f"evidence:{evidence}"
    port = (entry.port if entry and entry.port else None) or options.connection.port
    output = _output_path(path, options, base_dirs)
    return _Item(row, path, domains, output, port, evidence, rule, checklist.fingerprint)


# --- Where a password may go (issue 7, item 11); the policy is cklauto/remoting/credential_scope.py ---


def _credential_refusal(path: Path, server: str, domains: tuple[str, ...], options: RunOptions) -> ConfigError | None:
    """An error when this checklist would send the password to a server the user did not name."""
    if not credential_scope.sends_password(options.connection.auth, options.connection.password):
        return None
    named = _named_servers(options.server, options.inventory, options.allowed_servers)
    reason = credential_scope.refusal(server, named=named, domains=domains)
    return None if reason is None else ConfigError(f"{path}: {reason}", credential_scope.HOW_TO_ALLOW)


@functools.lru_cache(maxsize=8)
def _named_servers(
    server: str | None, inventory: Inventory | None, allowed: tuple[str, ...]
) -> credential_scope.NamedServers:
    """Every server name the user gave: --server, the inventory's server and host columns, --allow-server."""
    rows = inventory.entries if inventory else []
    return credential_scope.NamedServers.of(
        [server or "", *allowed, *(e.server or "" for e in rows), *(e.host for e in rows)]
    )


# --- end of the credential scope ------------------------------------------------------------------------


def _query_for(item: _Item, options: RunOptions) -> _Query:
    port, evidence, server = item.port, item.evidence, item.row.server
    if evidence is not None:
        return _Query(
            key=("evidence", str(Path(evidence).resolve())), server=server, port=None, evidence=Path(evidence)
        )
    if options.per_org:
        org = tuple(sorted(check.normalize_domain(d) for d in item.domains))
        return _Query(key=("org", org), server=server, port=port, evidence=None, per_org_domains=org)
    return _Query(key=("server", server.lower(), port), server=server, port=port, evidence=None)


def _output_path(path: Path, options: RunOptions, base_dirs: Sequence[Path]) -> Path:
    """In place, or under --output-dir keeping the path relative to the folder it was found in."""
    if options.output_dir is None:
        return path
    resolved = path.resolve()
    for base in base_dirs:
        try:
            return options.output_dir / resolved.relative_to(Path(base).resolve())
        except ValueError:
            continue
    return options.output_dir / path.name


class _Asker:
    """Asks servers from up to ``jobs`` worker threads; answers come back in arrival order.

    Workers are daemon threads: an interrupted run returns at once instead of waiting for
    hosts that are still being asked (each is bounded by its own deadline anyway), and a
    worker checks the stop flag before it starts another host.
    """

    _DONE = None

    def __init__(self, options: RunOptions, stop: threading.Event) -> None:
        self._options = options
        self._stop = stop
        self._todo: queue.Queue[_Query | None] = queue.Queue()
        self._done: queue.Queue[tuple[_Query, object]] = queue.Queue()
        self._workers: list[threading.Thread] = []
        self._closed = False

    def ask(self, query: _Query) -> None:
        self._todo.put(query)
        if len(self._workers) < self._options.jobs:
            worker = threading.Thread(target=self._work, name="cklauto-check", daemon=True)
            worker.start()
            self._workers.append(worker)

    def no_more_questions(self) -> None:
        if not self._closed:
            self._closed = True
            for _ in self._workers:
                self._todo.put(self._DONE)

    def answers(self, *, block: bool) -> list[tuple[_Query, object]]:
        """Answers that have arrived; with ``block``, wait up to 0.1 s for at least one."""
        arrived = []
        try:
            if block:
                arrived.append(self._done.get(timeout=0.1))
            while True:
                arrived.append(self._done.get_nowait())
        except queue.Empty:
            return arrived

    def _work(self) -> None:
        while True:
            query = self._todo.get()
            if query is None or self._stop.is_set():
                return
            try:
                answer: object = _ask(query, self._options)
            except CklautoError as exc:
                answer = exc
            except Exception as exc:  # a bug must not hang the batch; report it on the row
                log.exception("unexpected error while checking %s", query.server)
                answer = CklautoError(f"{query.server}: internal error: {type(exc).__name__}: {exc}")
            self._done.put((query, answer))


def _ask(query: _Query, options: RunOptions) -> _Answer:
    if query.evidence is not None:
        from cklauto.evidence import load_evidence

        evidence = load_evidence(query.evidence)
        source = check.Source("evidence", evidence.description)
        return _Answer(evidence.connectors, source, datetime.now(timezone.utc))
    from cklauto.remoting.session import fetch_send_connectors

    failures: list[RemoteError] = []
    for server, port in _servers_to_ask(query):
        settings = dataclasses.replace(options.connection, server=server, port=port)
        log.info("asking %s for its Send connectors", settings.url())
        try:
            result = fetch_send_connectors(settings)
        except RemoteError as exc:
            if query.per_org_domains is None or exc.kind not in _TRY_ANOTHER_SERVER:
                raise
            # Send connectors are the same on every server of the organisation: another one can answer.
            log.info("%s could not be asked (%s); trying another server of the organisation", server, exc.reason)
            failures.append(exc)
            continue
        log.info("%s answered: %d Send connector(s)", server, len(result.connectors))
        # How far the answer can be trusted belongs in the audit record itself.
        trust = "; TLS certificate NOT verified (--insecure)" if settings.ssl and settings.insecure else ""
        trust = trust or ("" if settings.ssl else "; HTTP with message encryption")
        source = check.Source("remote", f"{result.endpoint_url} (configuration {result.configuration}{trust})")
        return _Answer(result.connectors, source, datetime.now(timezone.utc), server)
    first = failures[0]
    tried = ", ".join(f.host for f in failures)
    raise RemoteError(first.host, first.kind, f"{first.reason}; no server of the organisation answered (tried {tried})")


#: Failures where another server of the same organisation may well answer (--per-org).
_TRY_ANOTHER_SERVER = frozenset({"connection", "timeout", "tls"})
_MAX_SERVERS_PER_ORG = 3


def _servers_to_ask(query: _Query) -> list[tuple[str, int | None]]:
    """The server to ask; with --per-org, up to three distinct servers of the organisation."""
    if query.per_org_domains is None:
        return [(query.server, query.port)]
    servers = [(query.server, query.port)]
    for item in list(query.items):  # a copy: the main thread may still be adding checklists
        if (item.row.server, item.port) not in servers:
            servers.append((item.row.server, item.port))
    return servers[:_MAX_SERVERS_PER_ORG]


def _apply(item: _Item, answer: _Answer, query: _Query, options: RunOptions) -> None:
    row = item.row
    if answer.server:
        row.server = answer.server
    try:
        unchanged = reopen_if_unchanged(item.path, item.fingerprint)
        if unchanged is not None:  # the very bytes read when planning: the rule is as it was
            checklist, rule = unchanged, item.rule
        else:
            checklist = open_checklist(item.path)
            rule = find_target_rule(checklist)
    except CklautoError as exc:
        _fail(row, exc)
        return
    old = rule.review
    row.old_status = row.status = old.status.value
    if _skipped_as_reviewed(row, old, options):  # a person may have reviewed it meanwhile
        return
    try:
        decision = check.decide(answer.connectors, item.domains)
        note = None
        if query.per_org_domains is not None:
            note = (
                f"Send connectors are organisation-wide; this answer came from {answer.server}, "
                f"asked once for every checklist with internal domain {', '.join(query.per_org_domains)}"
            )
        details = check.render_finding_details(
            decision,
            accepted_domains=item.domains,
            source=answer.source,
            checked_at=answer.checked_at,
            version=__version__,
            per_org_note=note,
        )
        details = keep_manual_details(details, old.finding_details)
        manual = _set_by_person(old)
        edited = checklist.with_review(rule, status=decision.status, finding_details=details)
        row.status = decision.status.value
        row.changed = decision.status is not old.status
        notes = []
        if manual and row.changed:
            notes.append(f"replaced a status set by a person ({old.status.value})")
        if _marked_by_evaluate_stig(checklist.data):
            # Kept byte for byte, but STIG Manager applies these markers to every review in
            # the file: the ISSO should know the import will credit Evaluate-STIG.
            notes.append("file carries Evaluate-STIG result-engine markers; STIG Manager will credit this result to it")
        row.note = "; ".join(notes)
        if options.dry_run:
            row.outcome = "would-change" if row.changed else "unchanged"
            return
        if item.output != item.path:
            item.output.parent.mkdir(parents=True, exist_ok=True)
        edited.save(item.output if item.output != item.path else None)
        row.written_to = str(item.output)
        row.outcome = "written"
    except CklautoError as exc:
        row.status = old.status.value
        row.changed = False
        _fail(row, exc)
    except OSError as exc:
        row.status = old.status.value
        row.changed = False
        _fail(row, CklautoError(f"{item.output}: could not be written: {exc.strerror or exc}"))


def _marked_by_evaluate_stig(data: bytes) -> bool:
    """Evaluate-STIG's root comment (CKL) or object (CKLB), which STIG Manager reads (formats.md §5)."""
    head = data[:4096]
    return b"<!--<Evaluate-STIG>" in head or b'"evaluate-stig"' in head


def _skipped_as_reviewed(row: Row, review: Review, options: RunOptions) -> bool:
    """With --skip-reviewed, mark the row skipped when a person set the rule's status."""
    if not (options.skip_reviewed and _set_by_person(review)):
        return False
    row.outcome = "skipped"
    row.note = f"reviewed by a person ({review.status.value}); left alone (--skip-reviewed)"
    return True


def _set_by_person(review: Review) -> bool:
    """A status other than Not_Reviewed that cklauto did not write."""
    return review.status is not Status.NOT_REVIEWED and not check.is_cklauto_details(review.finding_details)


def keep_manual_details(new_details: str, old_details: str) -> str:
    """cklauto's details, followed by whatever a person had written there before cklauto.

    cklauto's own earlier text is replaced; a person's text is an audit record and is kept,
    verbatim, below a marker, and carried forward on every later run.
    """
    if not old_details.strip():
        return new_details
    if check.is_cklauto_details(old_details):
        _, marker, kept = old_details.partition("\n\n" + PREVIOUS_DETAILS_MARKER + "\n")
        return new_details + "\n\n" + PREVIOUS_DETAILS_MARKER + "\n" + kept if marker else new_details
    return new_details + "\n\n" + PREVIOUS_DETAILS_MARKER + "\n" + old_details


def _fail(row: Row, exc: CklautoError) -> None:
    row.outcome = "error"
    row.error = exc.one_line()
    row.changed = False

"""Evaluate every automated rule of many checklists: plan, ask each server once, decide, write once.

The library behind ``cklauto run``.  It never prints: the CLI renders the rows it returns.  Data flows one way:

1. **Plan** (main thread, as files are read): open each checklist, find the rules of the selected checks in its
   Exchange 2013 Mailbox STIG, leave alone those a person reviewed or that need a site setting nobody gave, and
   add the union of the remaining rules' queries to its server's job (one job per server or evidence file; with
   ``--per-org`` the organisation-wide queries go to one job per organisation instead).
2. **Ask** (worker threads): each job opens ONE runspace pool and runs its queries (or reads its evidence file).
3. **Decide and write** (main thread, as answers arrive): when every job a checklist needs has answered, each rule
   is decided from its queries' records, the shared frame writes its finding details around a person's text, and
   the checklist is saved once with all its rules.

Every (checklist, rule) gets exactly one :class:`Row`, whatever happens, so the summary, the report and the exit
code account for everything.  Fail closed: a rule is written only after every query it reads answered completely
and its check decided; any error leaves that rule as it was and puts the reason in its row, while the checklist's
other rules are still written.  No exception, expected or not, stops the batch: a last-resort guard per checklist
turns it into an "internal error" row.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cklauto import __version__, evidence_hygiene, handover
from cklauto.checks.api import (
    EXCHANGE_2013_MAILBOX,
    Answers,
    Check,
    Endpoint,
    Query,
    ResolvedQuery,
    Scope,
    Settings,
)
from cklauto.checks.frame import (
    DetailsTooLong,
    Evaluation,
    Source,
    compose_comment,
    compose_details,
    set_by_person,
)
from cklauto.checks.values import normalize_domain
from cklauto.errors import CklautoError, ConfigError, RemoteError, RuleNotInChecklist, TargetRuleError
from cklauto.formats import Checklist, ReviewEdit, Rule, StigInfo, open_checklist, reopen_if_unchanged
from cklauto.inventory import Inventory
from cklauto.model import Status
from cklauto.remoting import credential_scope
from cklauto.remoting.session import ConnectionSettings
from cklauto.rules import find_rules_for
from cklauto.site import show_value

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_OPEN = 3
EXIT_INTERRUPTED = 130

#: The site setting ``--domain`` and the inventory's domain column fill.
INTERNAL_DOMAIN_SETTING = "internal_smtp_domain"


@dataclass(frozen=True)
class RunOptions:
    """Everything ``cklauto run`` was asked to do."""

    checks: tuple[Check, ...] = ()
    #: Site settings by name, already checked (``--site`` file plus ``--domain``).
    site: Mapping[str, Any] = field(default_factory=dict)
    #: How to reach servers; ``server`` and ``port`` are filled in per host.
    connection: ConnectionSettings = ConnectionSettings(server="")
    server: str | None = None
    evidence: Path | None = None
    inventory: Inventory | None = None
    dry_run: bool = False
    overwrite_reviewed: bool = False
    output_dir: Path | None = None
    jobs: int = 8
    per_org: bool = False
    #: Write a short factual comment on Open results whose comments are empty (STIG Manager requires one).
    write_comments: bool = True
    #: More servers a password may go to (--allow-server); see _credential_refusal.
    allowed_servers: tuple[str, ...] = ()
    # --- the Windows host and the rules that need a person (issue 10); see "Host rules and evidence" below ---
    #: Also ask each server's own WinRM endpoint (/wsman) for the rules about the Windows host (--host-checks).
    host_checks: bool = False
    #: Write the evidence a reviewer needs into the rules that need a person, and the rules cklauto could not
    #: decide, under an "evidence only, not evaluated" header; their status is left as it is (--collect-evidence).
    collect_evidence: bool = False
    #: The host endpoint's port (--host-port; the inventory's host_port column wins).  Default: WinRM's 5986/5985,
    #: or the Exchange endpoint's port with --endpoint winrm (the same listener).
    host_port: int | None = None
    #: Keep each rule's finding details and comments, before and after, in RunResult.texts (--diff, HTML report).
    keep_texts: bool = False


@dataclass
class Row:
    """What happened to one rule of one checklist; one row of the summary and of the report."""

    checklist: str
    host: str = ""
    server: str = ""
    rule: str = ""
    group_id: str = ""
    old_status: str = ""
    status: str = ""
    changed: bool = False
    outcome: str = "pending"  # written | unchanged | would-change | skipped | error | interrupted
    error: str = ""
    note: str = ""
    written_to: str = ""
    #: The checklist's Exchange STIG release as it carries it (V2R3); "" for a checklist without that STIG.
    release: str = ""

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RuleText:
    """A rule's finding details and comments before the run, and what cklauto wrote (or, dry, would write)."""

    old_details: str
    new_details: str
    old_comments: str
    new_comments: str

    @property
    def changed(self) -> bool:
        return self.old_details != self.new_details or self.old_comments != self.new_comments


@dataclass
class RunResult:
    rows: list[Row]
    interrupted: bool = False
    #: Things the user should know that are no failure (one line each), e.g. one evidence file for many hosts.
    warnings: list[str] = field(default_factory=list)
    #: With RunOptions.keep_texts: each rule's texts by (checklist, rule), as the rows name them.  Kept out of the
    #: rows (and so out of the CSV/JSON reports): finding details run to thousands of characters per rule.
    texts: dict[tuple[str, str], RuleText] = field(default_factory=dict)

    def exit_code(self, fail_on_open: bool = False) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        if any(r.outcome in ("error", "interrupted", "pending") for r in self.rows):
            return EXIT_FAILED
        if fail_on_open and any(r.status == Status.OPEN.value for r in self.rows if r.outcome != "skipped"):
            return EXIT_OPEN
        return EXIT_OK


# ---------------------------------------------------------------------------------------------------------------
# Plan


@dataclass
class _Job:
    """One connection (or one evidence file) and every query asked through it."""

    key: tuple[object, ...]
    server: str
    port: int | None
    evidence: Path | None
    queries: list[ResolvedQuery] = field(default_factory=list)
    #: Exchange's endpoint, or the Windows host's own (one pool each per server).
    endpoint: Endpoint = Endpoint.EXCHANGE
    #: With --per-org: other servers of the organisation to try if this one cannot be reached.
    fallbacks: list[tuple[str, int | None]] = field(default_factory=list)
    started: bool = False
    result: object = None  # _JobResult or CklautoError once answered
    #: The checklists' host names this job answers for (log lines and the progress bar name them).
    hosts: list[str] = field(default_factory=list)
    #: When a worker began asking (time.monotonic()); None until then.
    asked_at: float | None = None

    @property
    def label(self) -> str:
        """The hosts this job is for, as a person names them: ``ex01.contoso.mil`` (or the server)."""
        names = list(dict.fromkeys(self.hosts)) or [self.server or str(self.evidence)]
        return ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")

    def add(self, query: ResolvedQuery) -> None:
        if query not in self.queries:
            self.queries.append(query)


@dataclass(frozen=True)
class _JobResult:
    answers: Mapping[ResolvedQuery, object]  # QueryAnswer | CklautoError | None (not in the evidence)
    source: Source
    server: str  # who answered (the server's connect name, or the evidence file's server)
    checked_at: datetime
    evidence_server: str = ""


@dataclass
class _Target:
    """One checklist waiting for its jobs; it keeps no parsed document while it waits."""

    path: Path
    output: Path
    host: str
    exchange_server: str
    release: str
    settings: dict[str, Any]
    rules: dict[str, Rule]  # by STIG ID
    rows: dict[str, Row]
    checks: dict[str, Check]
    fingerprint: tuple[tuple[int, int, int] | None, int]
    #: Where to ask: (server to connect to, port, evidence file).
    connect: tuple[str, int | None, Path | None] = ("", None, None)
    #: The port of the host's own WinRM endpoint (None: WinRM's default).
    host_port: int | None = None
    jobs: list[_Job] = field(default_factory=list)
    #: Which job answers each resolved query of this checklist.
    routes: dict[ResolvedQuery, _Job] = field(default_factory=dict)
    done: bool = False
    #: The names this checklist gives its server (host name, FQDN, Exchange name): what evidence must match.
    server_names: tuple[str, ...] = ()
    #: The evidence came from --evidence (not from this host's inventory row).
    evidence_from_option: bool = False
    #: With RunOptions.keep_texts: each rule's texts, by STIG ID.
    texts: dict[str, RuleText] = field(default_factory=dict)


def run(
    files: Sequence[Path],
    options: RunOptions,
    *,
    base_dirs: Sequence[Path] = (),
    stop: threading.Event | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_waiting: Callable[[list[tuple[str, float]]], None] | None = None,
) -> RunResult:
    """Evaluate and write every checklist in ``files``; see the module docstring.

    ``on_progress(done, total)`` is called as servers answer; ``on_waiting`` about ten times a second while the
    run waits for answers, with the servers still being asked (their hosts, and the seconds they have taken),
    slowest first.

    ``base_dirs`` is kept for callers; --output-dir copies are laid out relative to the folder all ``files`` share.
    """
    stop = stop or threading.Event()
    rows: list[Row] = []
    jobs: dict[tuple[object, ...], _Job] = {}
    targets: list[_Target] = []
    outputs: dict[Path, Path] = {}
    copies = {}
    if options.output_dir is not None:
        handover.check_output_dir(files, options.output_dir)
        copies = handover.output_paths(files, options.output_dir)
    inputs = frozenset(_resolved(f) for f in files)
    waiting: dict[int, list[_Target]] = {}
    asker = _Asker(options, stop)
    progress = [0, 0]

    def report_progress() -> None:
        if on_progress:
            on_progress(progress[0], progress[1])

    def settle_ready(job: _Job) -> None:
        for target in waiting.pop(id(job), []):
            if not target.done and all(j.result is not None for j in target.jobs):
                target.done = True
                _guarded(target, functools.partial(_apply, target, options))

    def take_answers(block: bool) -> None:
        for job, result in asker.answers(block=block):
            job.result = result
            progress[0] += 1
            report_progress()
            settle_ready(job)

    report_progress()
    try:
        for path in files:
            if stop.is_set():
                rows.append(
                    Row(checklist=str(path), outcome="interrupted", error="not checked: the run was interrupted")
                )
                continue
            output = copies.get(path, path)
            refused = _output_refusal(path, output, inputs, outputs, options)
            target = _plan_guarded(path, options, output, rows, refused)
            if target is None:
                continue
            targets.append(target)
            _route(target, options, jobs)
            for job in target.jobs:
                waiting.setdefault(id(job), []).append(target)
                if not job.started and job.key[0] != "org":
                    job.started = True
                    asker.ask(job)
                    progress[1] += 1
                    report_progress()
            if not target.jobs:  # nothing to ask (every rule left alone)
                target.done = True
                _guarded(target, functools.partial(_apply, target, options))
            for job in target.jobs:
                if job.result is not None:
                    settle_ready(job)
            take_answers(block=False)
        for job in jobs.values():
            if not job.started and not stop.is_set():
                job.started = True
                asker.ask(job)
                progress[1] += 1
                report_progress()
        asker.no_more_questions()
        while not stop.is_set() and progress[0] < progress[1]:
            take_answers(block=True)
            if on_waiting:
                now = time.monotonic()
                asked = sorted(
                    (now - j.asked_at, j.label) for j in jobs.values() if j.asked_at is not None and j.result is None
                )
                on_waiting([(label, seconds) for seconds, label in reversed(asked)])
    finally:
        asker.no_more_questions()
    for row in rows:
        if row.outcome == "pending":
            row.outcome = "interrupted"
            row.error = "not checked: the run was interrupted"
    log.debug("%d checklist(s), %d job(s)", len(targets), len(jobs))
    texts = {(str(t.path), sid): text for t in targets for sid, text in t.texts.items()}
    return RunResult(rows=rows, interrupted=stop.is_set(), warnings=_shared_evidence_warnings(targets), texts=texts)


def _plan_guarded(
    path: Path, options: RunOptions, output: Path, rows: list[Row], refused: CklautoError | None
) -> _Target | None:
    start = len(rows)
    try:
        return _plan(path, options, output, rows, refused)
    except Exception as exc:  # noqa: BLE001 - the last-resort guard: one bad file never stops the batch
        log.exception("internal error while planning %s", path)
        del rows[start:]
        rows.append(
            Row(checklist=str(path), outcome="error", error=f"{path}: internal error: {type(exc).__name__}: {exc}")
        )
        return None


def _plan(
    path: Path, options: RunOptions, output: Path, rows: list[Row], refused_output: CklautoError | None
) -> _Target | None:
    base = Row(checklist=str(path))
    try:
        checklist = open_checklist(path)
    except CklautoError as exc:
        rows.append(base)
        _fail(base, exc)
        if options.output_dir is not None:
            base.note = f"not copied to {options.output_dir}: it could not be read as a checklist"
        return None
    asset = checklist.asset
    base.host = asset.fqdn or asset.host_name
    if refused_output is not None:
        rows.append(base)
        _fail(base, refused_output)
        return None
    stigs = checklist.stigs_with_id(EXCHANGE_2013_MAILBOX)
    if not stigs:
        held = ", ".join(s.label for s in checklist.stigs) or "none"
        base.outcome = "skipped"
        base.note = f"does not hold the {EXCHANGE_2013_MAILBOX} STIG (it holds: {held})"
        rows.append(base)
        _hand_over_unchanged(path, output, checklist.data, [base], options)
        return None
    base.release = release_of(stigs[0])
    try:
        entry = options.inventory.match(asset.host_name, asset.fqdn) if options.inventory else None
    except ConfigError as exc:
        rows.append(base)
        _fail(base, exc)
        return None
    located = _locate(checklist, options.checks)
    if isinstance(located, CklautoError):
        rows.append(base)
        _fail(base, located)
        return None

    connect_to = (entry.server if entry and entry.server else None) or options.server or asset.fqdn or asset.host_name
    evidence = (entry.evidence if entry and entry.evidence else None) or options.evidence
    exchange_server = (entry.exchange_server if entry and entry.exchange_server else None) or asset.host_name
    exchange_server = exchange_server or (asset.fqdn or "")
    settings = dict(options.site)
    if entry and entry.domains:
        settings[INTERNAL_DOMAIN_SETTING] = tuple(normalize_domain(d) for d in entry.domains)
    port = (entry.port if entry and entry.port else None) or options.connection.port
    target = _Target(
        path=path,
        output=output,
        host=base.host,
        exchange_server=exchange_server,
        release=release_of(stigs[0]),
        settings=settings,
        rules={},
        rows={},
        checks={},
        fingerprint=checklist.fingerprint,
    )
    target.connect = (connect_to or "", port, evidence)
    target.host_port = _host_port(entry.host_port if entry else None, port, options)
    target.server_names = (asset.host_name, asset.fqdn, exchange_server)
    target.evidence_from_option = evidence is not None and not (entry and entry.evidence)
    refused = None
    if evidence is None and connect_to:
        refused = _credential_refusal(path, connect_to, tuple(settings.get(INTERNAL_DOMAIN_SETTING, ())), options)
    for check in options.checks:
        found = located.get(check.stig_id)
        if found is None:
            continue
        row = Row(checklist=str(path), host=base.host, rule=check.stig_id, release=base.release)
        rows.append(row)
        target.rows[check.stig_id] = row
        row.server = f"evidence:{evidence}" if evidence is not None else (connect_to or "")
        if isinstance(found, CklautoError):
            _fail(row, found)
            continue
        row.group_id = found.group_id
        row.old_status = row.status = found.review.status.value
        if options.keep_texts:
            review = found.review
            target.texts[check.stig_id] = RuleText(
                review.finding_details, review.finding_details, review.comments, review.comments
            )
        if not _wanted(row, check, found, settings, options):
            continue
        if refused is not None:
            _fail(row, refused)
            continue
        if evidence is None and not connect_to:
            _fail(
                row,
                ConfigError(
                    f"{path}: the checklist names no host (HOST_FQDN and HOST_NAME are empty)",
                    "pass --server or use --inventory",
                ),
            )
            continue
        if any(r.query.needs_server for r in check.reads) and not exchange_server:
            _fail(
                row,
                ConfigError(
                    f"{path}: {check.stig_id} asks about this Exchange server, but the checklist names none",
                    "fill HOST_NAME, or give the server's name in the inventory's exchange_server column",
                ),
            )
            continue
        target.rules[check.stig_id] = found
        target.checks[check.stig_id] = check
    if not target.rows:
        base.outcome = "skipped"
        base.note = "holds none of the rules selected"
        rows.append(base)
        _hand_over_unchanged(path, output, checklist.data, [base], options)
        return None
    return target


def release_of(stig: StigInfo) -> str:
    """``V2R3`` from a STIG's version and release info ("Release: 3 Benchmark Date: ..."); "" when unknown."""
    found = re.search(r"Release:\s*(\d+)", stig.release_info or "")
    version = (stig.version or "").strip()
    if not found or not version.isdigit():
        return ""
    return f"V{version}R{found.group(1)}"


def _locate(checklist: Checklist, checks: Sequence[Check]) -> dict[str, Rule | CklautoError] | CklautoError:
    """Each check's rule in the checklist's Exchange STIG (absent rules are left out; a rule there twice, or a copy
    nested inside another rule, is that rule's error)."""
    try:
        found = find_rules_for(checklist, EXCHANGE_2013_MAILBOX, {c.stig_id: c.ids.names() for c in checks})
    except CklautoError as exc:
        return exc
    return {key: value for key, value in found.items() if not isinstance(value, RuleNotInChecklist)}


def _wanted(row: Row, check: Check, rule: Rule, settings: Mapping[str, Any], options: RunOptions) -> bool:
    """Whether to evaluate this rule; when not, the row says why and the rule is left as it is."""
    unasked = _not_asked_for(check, options)
    if unasked:
        row.outcome = "skipped"
        row.note = unasked
        return False
    if set_by_person(rule.review) and not options.overwrite_reviewed:
        row.outcome = "skipped"
        row.note = f"reviewed by a person ({rule.review.status.value}); left alone (--overwrite-reviewed replaces it)"
        return False
    missing = [s for s in check.required_settings() if s.name not in settings]
    if missing:
        row.outcome = "skipped"
        names = ", ".join(s.name for s in missing)
        row.note = f"needs site setting {names}; left as it is (see cklauto checks)"
        return False
    return True


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


# --- Host rules and evidence (issue 10) -----------------------------------------------------------------
# Host rules read the Windows host's own WinRM endpoint (/wsman, Microsoft.PowerShell): asked only with
# --host-checks, one pool per server of its own (so a host endpoint that fails fails only the rules that read it),
# with the same credentials and the same credential scope as the Exchange endpoint (the same server name).
# Rules that need a person are written only with --collect-evidence, as evidence, never with a status.

#: The row note of a rule whose evidence was written.
EVIDENCE_NOTE = "evidence only, not evaluated; status left as it is"


def runnable(checks: Sequence[Check], *, host_checks: bool, collect_evidence: bool) -> tuple[Check, ...]:
    """The checks a run without --rule evaluates: host rules only with --host-checks, the rules that need a person
    only with --collect-evidence (a rule named with --rule is always planned; its row then says what it needs)."""
    return tuple(c for c in checks if (host_checks or not c.needs_host) and (collect_evidence or not c.evidence_only))


def _not_asked_for(check: Check, options: RunOptions) -> str:
    """Why a rule is not evaluated in this run because of the options (empty when it is)."""
    if check.evidence_only and not options.collect_evidence:
        return "needs a person; --collect-evidence writes the evidence a reviewer needs; left as it is"
    if check.needs_host and not options.host_checks:
        what = "its evidence reads" if check.evidence_only else "reads"
        return f"{what} the Windows host; --host-checks asks its own WinRM endpoint; left as it is"
    return ""


def _host_port(inventory_port: int | None, exchange_port: int | None, options: RunOptions) -> int | None:
    if inventory_port is not None:
        return inventory_port
    if options.host_port is not None:
        return options.host_port
    # With --endpoint winrm, Exchange is already asked on the host's WinRM listener: the same port.
    return exchange_port if options.connection.endpoint == "winrm" else None


def _host_settings(settings: ConnectionSettings) -> ConnectionSettings:
    """The Exchange endpoint's settings turned to the host's own: /wsman, Microsoft.PowerShell, same credentials."""
    return dataclasses.replace(settings, endpoint="winrm", path=None)


def _evidence_instead(rule: Rule, collect_evidence: bool) -> bool:
    """Whether a rule its check could not decide gets its evidence written (--collect-evidence).

    Not over a result cklauto itself wrote earlier: a status no block records would from then on look like a
    person's.  Such a rule keeps its earlier result, and its row says it was not decided.
    """
    if not collect_evidence:
        return False
    return rule.review.status is Status.NOT_REVIEWED or set_by_person(rule.review)


# --- end of host rules and evidence ---------------------------------------------------------------------


def _route(target: _Target, options: RunOptions, jobs: dict[tuple[object, ...], _Job]) -> None:
    server, port, evidence = target.connect
    if evidence is not None:
        own_key: tuple[object, ...] = ("evidence", str(Path(evidence).resolve()))
    else:
        own_key = ("server", server.lower(), port)
    for check in target.checks.values():
        for read in check.reads:
            query = read.query.resolve(target.exchange_server)
            job_port = port
            if evidence is None and query.endpoint is Endpoint.HOST:
                # The host's own endpoint: a pool of its own per server (see "Host rules and evidence").
                key: tuple[object, ...] = ("host", server.lower(), target.host_port)
                job_port = target.host_port
            elif evidence is None and options.per_org and read.query.scope is Scope.ORGANIZATION:
                org = tuple(sorted(target.settings.get(INTERNAL_DOMAIN_SETTING, ()))) or ("(no domain)",)
                key = ("org", org)
            else:
                key = own_key
            job = jobs.get(key)
            if job is None:
                job = _Job(
                    key=key,
                    server=server,
                    port=job_port,
                    evidence=Path(evidence) if evidence else None,
                    endpoint=query.endpoint if evidence is None else Endpoint.EXCHANGE,
                )
                jobs[key] = job
            elif key[0] == "org" and (server, port) != (job.server, job.port) and (server, port) not in job.fallbacks:
                job.fallbacks.append((server, port))
            job.add(query)
            target.routes[query] = job
            if job not in target.jobs:
                target.jobs.append(job)
                job.hosts.append(target.host)


# ---------------------------------------------------------------------------------------------------------------
# Ask


class _Asker:
    """Runs jobs on up to ``jobs`` worker threads; results come back in arrival order.

    Workers are daemon threads: an interrupted run returns at once instead of waiting for hosts that are still
    being asked (each is bounded by its own deadline anyway), and a worker checks the stop flag before it starts
    another job.
    """

    def __init__(self, options: RunOptions, stop: threading.Event) -> None:
        self._options = options
        self._stop = stop
        self._todo: queue.Queue[_Job | None] = queue.Queue()
        self._done: queue.Queue[tuple[_Job, object]] = queue.Queue()
        self._workers: list[threading.Thread] = []
        self._closed = False

    def ask(self, job: _Job) -> None:
        self._todo.put(job)
        if len(self._workers) < self._options.jobs:
            worker = threading.Thread(target=self._work, name="cklauto-check", daemon=True)
            worker.start()
            self._workers.append(worker)

    def no_more_questions(self) -> None:
        if not self._closed:
            self._closed = True
            for _ in self._workers:
                self._todo.put(None)

    def answers(self, *, block: bool) -> list[tuple[_Job, object]]:
        """Results that have arrived; with ``block``, wait up to 0.1 s for at least one."""
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
            job = self._todo.get()
            if job is None or self._stop.is_set():
                return
            job.asked_at = time.monotonic()
            try:
                result: object = _ask(job, self._options)
            except CklautoError as exc:
                result = exc
            except Exception as exc:  # noqa: BLE001 - a bug must not hang the batch; report it on the rows
                log.exception("unexpected error while asking %s", job.server)
                result = CklautoError(f"{job.server}: internal error: {type(exc).__name__}: {exc}")
            self._done.put((job, result))


def _ask(job: _Job, options: RunOptions) -> _JobResult:
    if job.evidence is not None:
        from cklauto.bundle import load_evidence_set

        log.info("%s: read evidence %s (%d queries)", job.label, job.evidence, len(job.queries))
        evidence = load_evidence_set(job.evidence)
        answers = {query: evidence.answer_for(query) for query in job.queries}
        source = Source("evidence", evidence.description)
        return _JobResult(answers, source, evidence.server, datetime.now(timezone.utc), evidence.server)
    from cklauto.remoting.pipelines import ask_server

    failures: list[RemoteError] = []
    for server, port in [(job.server, job.port), *job.fallbacks][:_MAX_SERVERS_PER_ORG]:
        settings = dataclasses.replace(options.connection, server=server, port=port)
        if job.endpoint is Endpoint.HOST:
            settings = _host_settings(settings)
        try:
            result = ask_server(settings, job.queries, label=job.label)
        except RemoteError as exc:
            if job.key[0] != "org" or exc.kind not in _TRY_ANOTHER_SERVER:
                raise
            # Organisation-wide objects are the same on every server of the organisation: another one can answer.
            log.info("%s could not be asked (%s); trying another server of the organisation", server, exc.reason)
            failures.append(exc)
            continue
        source = Source(
            "remote", f"{result.endpoint_url} (configuration {result.configuration}; {result.trust})", result.account
        )
        return _JobResult(dict(result.answers), source, server, datetime.now(timezone.utc))
    first = failures[0]
    tried = ", ".join(f.host for f in failures)
    raise RemoteError(first.host, first.kind, f"{first.reason}; no server of the organisation answered (tried {tried})")


#: Failures where another server of the same organisation may well answer (--per-org).
_TRY_ANOTHER_SERVER = frozenset({"connection", "timeout", "tls"})
_MAX_SERVERS_PER_ORG = 3


# ---------------------------------------------------------------------------------------------------------------
# Decide and write


def _guarded(target: _Target, action: Callable[[], None]) -> None:
    """The last-resort guard: no exception from one checklist may stop the batch or skip the report."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001
        log.exception("internal error while writing %s", target.path)
        for row in target.rows.values():
            if row.outcome in ("pending", "written", "would-change", "unchanged") and not row.written_to:
                row.status = row.old_status
                _fail(row, CklautoError(f"{target.path}: internal error: {type(exc).__name__}: {exc}"))


def _apply(target: _Target, options: RunOptions) -> None:
    _apply_rules(target, options)
    if options.output_dir is not None and not options.dry_run and not any(r.written_to for r in target.rows.values()):
        _hand_over_current(target, options)


def _apply_rules(target: _Target, options: RunOptions) -> None:
    pending = {sid: row for sid, row in target.rows.items() if row.outcome == "pending"}
    if not pending:
        return
    for job in target.jobs:
        if isinstance(job.result, CklautoError):
            for stig_id, row in pending.items():
                if any(
                    target.routes[r.query.resolve(target.exchange_server)] is job for r in target.checks[stig_id].reads
                ):
                    _fail(row, job.result)
        elif isinstance(job.result, _JobResult):
            refused = evidence_hygiene.refusal(
                job.evidence or Path(), job.result.evidence_server, target.path, target.server_names
            )
            if refused is not None:
                for row in pending.values():  # an evidence job answers every rule of the checklist
                    _fail(row, refused)
    pending = {sid: row for sid, row in pending.items() if row.outcome == "pending"}
    if not pending:
        return
    try:
        unchanged = reopen_if_unchanged(target.path, target.fingerprint)
        checklist = unchanged if unchanged is not None else open_checklist(target.path)
        located = target.rules if unchanged is not None else _locate(checklist, list(target.checks.values()))
    except CklautoError as exc:
        for row in pending.values():
            _fail(row, exc)
        return
    if isinstance(located, CklautoError):
        for row in pending.values():
            _fail(row, located)
        return
    edits: list[tuple[Rule, Status, str, str | None]] = []
    written: list[Row] = []  # the row of each edit, in the same order
    notes = []
    if _marked_by_evaluate_stig(checklist.data):
        # Kept byte for byte, but STIG Manager applies these markers to every review in the file: the ISSO should
        # know the import will credit Evaluate-STIG.
        notes.append("file carries Evaluate-STIG result-engine markers; STIG Manager will credit this result to it")
    for stig_id, row in pending.items():
        rule = located.get(stig_id)
        if not isinstance(rule, Rule):
            _fail(
                row, rule if isinstance(rule, CklautoError) else TargetRuleError(target.path, f"rule {stig_id} is gone")
            )
            continue
        check = target.checks[stig_id]
        row.old_status = row.status = rule.review.status.value
        if not _wanted(row, check, rule, target.settings, options):  # a person may have reviewed it meanwhile
            continue
        try:
            evaluated = _evaluate(target, check, rule, row, options.collect_evidence)
        except Exception as exc:  # noqa: BLE001 - a bug in one check must not cost the checklist's other rules
            log.exception("internal error in %s on %s", check.stig_id, target.path)
            _fail(row, CklautoError(f"{target.path}: {check.stig_id}: internal error: {type(exc).__name__}: {exc}"))
            continue
        if evaluated is None:
            continue
        status, details, comment = evaluated
        if comment is not None and not options.write_comments:
            comment = None
        edits.append((rule, status, details, comment))
        written.append(row)
        if options.keep_texts:
            review = rule.review
            new_comments = review.comments if comment is None else comment
            target.texts[stig_id] = RuleText(review.finding_details, details, review.comments, new_comments)
        row.status = status.value
        row.changed = status is not rule.review.status
        row_notes = [*([row.note] if row.note else []), *notes]
        if set_by_person(rule.review) and row.changed:
            row_notes.append(f"replaced a status set by a person ({rule.review.status.value})")
        row.note = "; ".join(row_notes)
    _log_decisions(target)
    if not edits:
        return
    if options.dry_run:
        for row in written:
            row.outcome = "would-change" if row.changed else "unchanged"
        log.info("%s: write %s: dry run, nothing written (%d rule(s) would be)", target.host, target.path, len(edits))
        return
    try:
        edited = _with_reviews(checklist, edits)
        if target.output != target.path:
            handover.write_copy(target.path, target.output, edited.data)
        else:
            edited.save()
    except CklautoError as exc:
        _not_written(target, written, exc)
        return
    except OSError as exc:
        _not_written(target, written, CklautoError(f"{target.output}: could not be written: {exc.strerror or exc}"))
        return
    for row in written:
        row.written_to = str(target.output)
        row.outcome = "written"
    if target.output != target.path:  # the copy is the whole checklist, its other rules included
        for row in target.rows.values():
            row.written_to = str(target.output)
    log.info("%s: write %s: %d rule(s)", target.host, target.output, len(written))


def _log_decisions(target: _Target) -> None:
    """One -v line per checklist: how its rules came out (the summary has the detail)."""
    outcomes = Counter(
        row.status if row.outcome == "pending" else row.outcome
        for row in target.rows.values()
        if row.outcome in ("pending", "error", "skipped")
    )
    if outcomes:
        counts = ", ".join(f"{n} {name}" for name, n in sorted(outcomes.items()))
        log.info("%s: decide %s: %s", target.host, target.path.name, counts)


def _not_written(target: _Target, written: Sequence[Row], exc: CklautoError) -> None:
    for row in written:
        row.status, row.changed = row.old_status, False
        _fail(row, exc)
        text = target.texts.get(row.rule)
        if text is not None:
            target.texts[row.rule] = RuleText(text.old_details, text.old_details, text.old_comments, text.old_comments)


# --- --output-dir: every checklist of the run is handed over (cklauto/handover.py) ---


def _output_refusal(
    path: Path, output: Path, inputs: frozenset[Path], claimed: dict[Path, Path], options: RunOptions
) -> CklautoError | None:
    """Why ``path`` cannot have its copy at ``output``: an input is there, or another checklist's copy."""
    if options.output_dir is None:
        return None
    refused = handover.overwrite_refusal(path, output, inputs)
    if refused is not None:
        return refused
    owner = claimed.setdefault(_resolved(output), path)
    if owner != path:
        return ConfigError(f"{path}: its copy would overwrite that of {owner} in {options.output_dir}")
    return None


def _hand_over_unchanged(path: Path, output: Path, data: bytes, rows: Sequence[Row], options: RunOptions) -> None:
    """A checklist cklauto did not change goes into --output-dir byte for byte (its rows say where, or why not)."""
    if options.output_dir is None or options.dry_run or output == path:
        return
    try:
        handover.write_copy(path, output, data)
    except CklautoError as exc:
        for row in rows:
            if row.outcome == "error":  # keep the first failure; say that the copy failed too
                row.note = "; ".join(n for n in (row.note, f"not copied: {exc.one_line()}") if n)
            else:
                _fail(row, exc)
        return
    for row in rows:
        row.written_to = str(output)


def _hand_over_current(target: _Target, options: RunOptions) -> None:
    """A planned checklist none of whose rules was written (all left alone or failed) is copied as it is now."""
    try:
        unchanged = reopen_if_unchanged(target.path, target.fingerprint)
        checklist = unchanged if unchanged is not None else open_checklist(target.path)
    except CklautoError as exc:
        for row in target.rows.values():
            if row.outcome != "error":
                _fail(row, exc)
            row.note = "; ".join(n for n in (row.note, f"not copied to {options.output_dir}") if n)
        return
    _hand_over_unchanged(target.path, target.output, checklist.data, list(target.rows.values()), options)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return Path(os.path.abspath(path))


# --- end of --output-dir ---------------------------------------------------------------------------


def _evaluate(
    target: _Target, check: Check, rule: Rule, row: Row, collect_evidence: bool = False
) -> tuple[Status, str, str | None] | None:
    """Decide one rule and compose its texts; None when the row already says why it was not written."""
    records: dict[Query, Any] = {}
    warnings: list[str] = []
    result: _JobResult | None = None
    sources: list[Source] = []
    for read in check.reads:
        resolved = read.query.resolve(target.exchange_server)
        job = target.routes[resolved]
        assert isinstance(job.result, _JobResult)
        result = result or job.result
        if job.result.source not in sources:
            sources.append(job.result.source)
        answer = job.result.answers.get(resolved)
        if answer is None:
            row.outcome = "skipped"
            row.note = f"the evidence file has no answer to {resolved.command_line()}; left as it is"
            return None
        if isinstance(answer, CklautoError):
            _fail(row, answer)
            return None
        for record in answer.records:  # type: ignore[attr-defined]
            absent = [p for p in read.properties if p not in record]
            if absent:
                _fail(
                    row,
                    CklautoError(
                        f"{row.server}: {resolved.command_line()} returned an object without {', '.join(absent)}; "
                        f"{check.stig_id} was not decided",
                        "the account may lack the role that shows this property, or the export left it out",
                    ),
                )
                return None
        records[read.query] = answer.records  # type: ignore[attr-defined]
        warnings.extend(answer.warnings)  # type: ignore[attr-defined]
    assert result is not None
    answers = Answers(
        records, server=target.exchange_server, release=target.release, warnings=tuple(dict.fromkeys(warnings))
    )
    settings = Settings({s.name: target.settings[s.name] for s in check.settings if s.name in target.settings})
    try:
        decision = check.decide(answers, settings)
        tables = tuple(check.tabulate(answers))
    except (ValueError, KeyError) as exc:
        _fail(row, CklautoError(f"{row.server}: {check.stig_id} could not be decided from the answer: {exc}"))
        return None
    evidence_only = check.evidence_only
    if decision.status is Status.NOT_REVIEWED and not evidence_only:
        if not _evidence_instead(rule, collect_evidence):
            row.outcome = "skipped"
            row.note = f"not decided: {decision.summary}"
            return None
        evidence_only = True
    if result.server:
        row.server = result.server if not row.server.startswith("evidence:") else row.server
    ev = Evaluation(
        check=check,
        decision=decision,
        answers=answers,
        source=result.source,
        checked_at=result.checked_at,
        version=__version__,
        shown_id=_carried_group_id(rule, check),
        shown_stig_id=_carried_stig_id(rule),
        settings_used=tuple((s.name, show_value(settings[s.name])) for s in check.settings if s.name in settings),
        asked=_asked(check, target),
        scope_line=_scope_line(check, target, result),
        tables=tables,
        evidence_only=evidence_only,
        more_sources=tuple(sources[1:]),
    )
    try:
        details = compose_details(ev, rule.review.finding_details)
    except DetailsTooLong as exc:
        _fail(row, CklautoError(f"{target.path}: {exc.one_line()}"))
        return None
    if evidence_only:
        # Evidence for a person: the status stays whatever it is (never cklauto's to set here).
        row.note = EVIDENCE_NOTE
        return rule.review.status, details, None
    return decision.status, details, compose_comment(ev, rule.review.comments)


# The finding details name a rule by the IDs the checklist itself carries: an ISSO searches STIG Manager and eMASS by
# those (V-69987 in a V1 checklist, V-207290 in a V2 one), never by an ID of another release.  The header line's
# pattern (cklauto/checks/frame.py) allows one word for each.
_HEADER_STIG_ID = re.compile(r"[A-Z0-9][A-Z0-9-]*")
_HEADER_SHOWN_ID = re.compile(r"[^()\s]+")


def _carried_stig_id(rule: Rule) -> str:
    """The checklist's Rule_Ver when it can stand in the header, else another of its IDs; "" leaves the check's."""
    rule_id = rule.rule_id.strip().partition("r")[0]  # SV-207290r961110_rule is also known as SV-207290
    for candidate in (rule.rule_version.strip(), rule.group_id.strip(), rule_id, *rule.legacy_ids):
        if _HEADER_STIG_ID.fullmatch(candidate):
            return candidate
    return ""


def _carried_group_id(rule: Rule, check: Check) -> str:
    """The checklist's Group ID (Vuln_Num), else its Rule ID or a legacy ID; the check's only if it carries none."""
    for candidate in (rule.group_id, rule.rule_id, *rule.legacy_ids):
        if _HEADER_SHOWN_ID.fullmatch(candidate.strip()):
            return candidate.strip()
    return check.ids.group_id


def _shared_evidence_warnings(targets: Sequence[_Target]) -> list[str]:
    """One warning per --evidence file that names no server and was applied to checklists of several hosts."""
    by_file: dict[int, tuple[_Job, list[_Target]]] = {}
    for target in targets:
        for job in target.jobs:
            if target.evidence_from_option and job.evidence is not None:
                by_file.setdefault(id(job), (job, []))[1].append(target)
    warnings = []
    for job, users in by_file.values():
        if not isinstance(job.result, _JobResult) or job.result.evidence_server:
            continue  # unreadable (every row says so), or it names its server (checked per checklist)
        warning = evidence_hygiene.shared_evidence_warning(job.evidence or Path(), [t.host for t in users])
        if warning is not None:
            warnings.append(warning)
            for target in users:
                for row in target.rows.values():
                    row.note = "; ".join(n for n in (row.note, "the evidence file names no server") if n)
    return warnings


def _asked(check: Check, target: _Target) -> tuple[str, ...]:
    return tuple(read.query.resolve(target.exchange_server).command_line() for read in check.reads)


def _scope_line(check: Check, target: _Target, result: _JobResult) -> str:
    who = result.server or "the evidence file"
    if check.needs_host:
        if all(r.query.endpoint is Endpoint.HOST for r in check.reads):
            return f"the Windows host of this Exchange server ({target.exchange_server}) only; answered by {who}"
        return f"this Exchange server ({target.exchange_server}) and its Windows host; answered by {who}"
    if check.scope is Scope.ORGANIZATION:
        return f"the whole Exchange organisation (these objects are organisation-wide); answered by {who}"
    return f"this Exchange server ({target.exchange_server}) only; answered by {who}"


def _with_reviews(checklist: Checklist, edits: list[tuple[Rule, Status, str, str | None]]) -> Checklist:
    """All of a checklist's edits in one splice and one verification; the texts are stored exactly as given."""
    return checklist.with_reviews([ReviewEdit(rule=r, status=s, finding_details=d, comments=c) for r, s, d, c in edits])


def _marked_by_evaluate_stig(data: bytes) -> bool:
    """Evaluate-STIG's root comment (CKL) or object (CKLB), which STIG Manager reads (formats.md §5)."""
    head = data[:4096]
    return b"<!--<Evaluate-STIG>" in head or b'"evaluate-stig"' in head


def _fail(row: Row, exc: CklautoError) -> None:
    row.outcome = "error"
    row.error = exc.one_line()
    row.changed = False

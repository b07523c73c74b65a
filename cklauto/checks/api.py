"""What a check declares, and what it is given and gives back.

A check is one module holding one :class:`Check`.  It *declares* what it needs (the rule it answers, the Exchange
queries it reads and the properties it reads from them, the site settings it needs) and gives one pure function,
``decide(answers, settings) -> Decision``.  It never connects, never reads files and never formats the finding
details frame: the runner asks the questions (once per server, shared between checks), and
:mod:`cklauto.checks.frame` writes the text around the check's own table and verdicts.

Everything here is plain frozen data so that a check module reads like the STIG text it implements.

Two kinds of rules go beyond Exchange's own endpoint (issue 10):

* **Host rules** declare queries with ``endpoint=Endpoint.HOST``: plain Windows cmdlets (``Get-ItemProperty``,
  ``Get-ExecutionPolicy``, ``Get-Service``, ``Get-Partition``, ``Get-Acl``...) asked on the server's own WinRM endpoint
  (``/wsman``, Microsoft.PowerShell), one pool per (server, endpoint), only with ``cklauto run --host-checks``.  A
  check may read queries of both endpoints; a failure of the host endpoint fails only the rules that read it.
* **Evidence-only rules** (``Check(evidence_only=True)``) need a person's judgement.  Their ``decide`` returns
  :meth:`Decision.evidence` (no status of its own); with ``--collect-evidence`` the frame writes the evidence under
  an "evidence only, not evaluated" header and the rule's status is never changed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cklauto.model import Status

#: The only STIG cklauto's built-in checks belong to.
EXCHANGE_2013_MAILBOX = "MS_Exchange_2013_Mailbox_STIG"


class Scope(str, enum.Enum):
    """Whom a query's answer describes."""

    #: One answer for the whole Exchange organisation (Send connectors, remote domains, transport config...).
    ORGANIZATION = "organization"
    #: One answer per Exchange server (its Receive connectors, databases, transport service...).
    SERVER = "server"


class Endpoint(str, enum.Enum):
    """Which PowerShell endpoint of the server a query is asked on.

    Each server has one runspace pool per endpoint it is asked on: the runner groups queries by (server, endpoint).
    """

    #: Exchange's remote PowerShell (``/PowerShell``, configuration Microsoft.Exchange; or ``--endpoint winrm`` with
    #: the Exchange snap-in): Exchange cmdlets only.
    EXCHANGE = "exchange"
    #: The Windows host's own WinRM endpoint (``/wsman``, configuration Microsoft.PowerShell, FullLanguage), for the
    #: rules about the host (registry, services, partitions, ACLs).  Asked only with ``cklauto run --host-checks``,
    #: with the same credentials; still one cmdlet with parameters per query, never a script.
    HOST = "host"


class Placeholder(str, enum.Enum):
    """A parameter value filled in per checklist when the query is asked."""

    #: The Exchange server's own name (from the checklist or the inventory), never the address cklauto connects to.
    SERVER = "<server>"


ParameterValue = str | int | bool | Placeholder | tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """One Exchange cmdlet call: the unit the runner asks once per server (or organisation) and shares.

    ``parameters`` are (name, value) pairs in the order they are sent; ``True`` is a switch (``-Status``).
    Two checks that declare equal queries share one pipeline.  ``endpoint`` is where it is asked: Exchange's
    endpoint (the default), or the Windows host's own WinRM endpoint (:attr:`Endpoint.HOST`).
    """

    cmdlet: str
    parameters: tuple[tuple[str, ParameterValue], ...] = ()
    scope: Scope = Scope.SERVER
    endpoint: Endpoint = Endpoint.EXCHANGE

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z][a-z]+-[A-Za-z0-9]+", self.cmdlet):
            raise ValueError(f"not a cmdlet name: {self.cmdlet!r}")
        for name, _value in self.parameters:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
                raise ValueError(f"{self.cmdlet}: not a parameter name: {name!r}")

    @property
    def needs_server(self) -> bool:
        return any(value is Placeholder.SERVER for _name, value in self.parameters)

    def resolve(self, server: str) -> ResolvedQuery:
        """The query with its placeholders filled in for ``server`` (the Exchange server's name)."""
        params = tuple((name, server if value is Placeholder.SERVER else value) for name, value in self.parameters)
        return ResolvedQuery(self.cmdlet, params, self.scope, self.endpoint)

    def command_line(self) -> str:
        """The query as a person would type it, placeholders shown as ``<server>``."""
        return _command_line(self.cmdlet, self.parameters)


@dataclass(frozen=True)
class ResolvedQuery:
    """A :class:`Query` with every placeholder filled in: exactly what is sent to the server."""

    cmdlet: str
    parameters: tuple[tuple[str, str | int | bool | tuple[str, ...]], ...] = ()
    scope: Scope = Scope.SERVER
    endpoint: Endpoint = Endpoint.EXCHANGE

    def command_line(self) -> str:
        return _command_line(self.cmdlet, self.parameters)


def _command_line(cmdlet: str, parameters: Iterable[tuple[str, Any]]) -> str:
    parts = [cmdlet]
    for name, value in parameters:
        if value is True:
            parts.append(f"-{name}")
        elif isinstance(value, Placeholder):
            parts.append(f"-{name} {value.value}")
        elif isinstance(value, tuple):
            parts.append(f"-{name} " + ",".join(ps_quote(v) for v in value))
        elif isinstance(value, int):
            parts.append(f"-{name} {value}")
        else:
            parts.append(f"-{name} {ps_quote(str(value))}")
    return " ".join(parts)


def ps_quote(text: str) -> str:
    """A PowerShell argument: bare when it is a plain word, else a single-quoted literal (' doubled)."""
    if re.fullmatch(r"[A-Za-z0-9_.:\\/@*-]+", text):
        return text
    return "'" + re.sub("(['\u2018\u2019\u201a\u201b])", r"\1\1", text) + "'"


@dataclass(frozen=True)
class Read:
    """A query a check reads, and the properties it needs from every object the query returns.

    A declared property that is missing from an object is an error for this check (never a silent null).
    """

    query: Query
    properties: tuple[str, ...]


class SettingType(str, enum.Enum):
    """The kinds of values a site setting can hold (all come from a TOML file)."""

    DOMAINS = "domains"  #: list of DNS domains (``contoso.mil``, ``*.contoso.mil``)
    STRINGS = "strings"  #: list of strings (connector names, issuers...)
    ADDRESSES = "addresses"  #: list of IP addresses or networks
    BYTES = "bytes"  #: a size: an integer number of bytes, or text such as "10 MB" or "Unlimited"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    TEXT = "text"


@dataclass(frozen=True)
class SiteSetting:
    """A value only the site's documents (EDSP, SSP) know, that a check needs to decide.

    ``name`` is the key in the site settings file.  ``required`` settings leave the rule as it is when missing;
    optional ones only refine the decision (for example an EDSP-accepted exception).
    """

    name: str
    type: SettingType
    help: str
    required: bool = True


@dataclass(frozen=True)
class RuleIds:
    """Every name a checklist may give the rule, across STIG releases.

    ``group_id`` is the current Vuln ID (``V-207290``); ``rule_ids`` the Rule IDs of each release (with their
    revision); ``legacy_ids`` the V1 names (``V-69987``, ``SV-84609``; SV-...r1_rule is accepted for them too).
    """

    stig_id: str
    group_id: str
    rule_ids: tuple[str, ...]
    legacy_ids: tuple[str, ...] = ()
    #: Other names a project or its users know the rule by (never shown unless the checklist carries them).
    aliases: tuple[str, ...] = ()

    def names(self) -> frozenset[str]:
        """Every identifier, upper-cased, including the Rule IDs without revision and the V1 ``SV-...r1_rule``."""
        names = {self.stig_id, self.group_id, *self.rule_ids, *self.legacy_ids, *self.aliases}
        for rule_id in self.rule_ids:
            names.add(_RULE_REVISION.sub("", rule_id))
        for legacy in self.legacy_ids:
            if legacy.upper().startswith("SV-"):
                names.add(f"{legacy}r1_rule")
        return frozenset(n.strip().upper() for n in names if n.strip())


_RULE_REVISION = re.compile(r"r\d+(?:_rule)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """The outcome for one object the check judged (a connector, a database...), or one informational line.

    ``ok`` is True (compliant), False (a finding) or None (information only).  ``fix`` is the command that would
    fix this object, filled in (for findings only).
    """

    subject: str
    ok: bool | None
    reason: str
    fix: str | None = None


@dataclass(frozen=True)
class Decision:
    """What a check decided: the status, one sentence, one verdict per object, and optional extra lines.

    ``notes`` are short lines shown before the result (scope, how an ambiguity was read, what the STIG says
    about an empty answer).  ``fix`` is shown when the result is Open and no verdict carries its own fix.
    """

    status: Status
    summary: str
    verdicts: tuple[Verdict, ...] = ()
    notes: tuple[str, ...] = ()
    fix: str | None = None

    @property
    def failing(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.ok is False)

    @classmethod
    def evidence(cls, summary: str, verdicts: Sequence[Verdict] = (), notes: Sequence[str] = ()) -> Decision:
        """What an evidence-only check (``Check(evidence_only=True)``) returns: no status of its own.

        Its status is Not_Reviewed and is never written: the runner keeps the rule's status as it is and writes the
        text under an "evidence only, not evaluated" header.  Verdicts should be informational (``ok=None``).
        """
        return cls(Status.NOT_REVIEWED, summary, tuple(verdicts), tuple(notes))


class Record(Mapping[str, Any]):
    """One object an Exchange cmdlet returned: property name (any case) -> value, plus its type names.

    Values are already normalised by the remoting or evidence layer into plain Python: ``str``, ``bool``,
    ``int``, ``float``, ``None`` (``$null``), ``bytes`` or ``list`` (multi-valued properties, empty or not).  Enums,
    sizes, time spans and identities stay the strings Exchange sends; :mod:`cklauto.checks.values` reads them.
    Looking up a property the object does not have raises :class:`MissingProperty`: a missing property is never
    a silent null.
    """

    __slots__ = ("_values", "_names", "type_names")

    def __init__(self, values: Mapping[str, Any], type_names: Sequence[str] = ()) -> None:
        self._values: dict[str, Any] = {}
        self._names: dict[str, str] = {}
        for name, value in values.items():
            key = name.lower()
            if key in self._values:
                raise ValueError(f"property {name!r} appears twice (as {self._names[key]!r})")
            self._values[key] = value
            self._names[key] = name
        self.type_names: tuple[str, ...] = tuple(type_names)

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name.lower()]
        except KeyError:
            raise MissingProperty(name) from None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Any:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Record({dict(self.items())!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self._values == other._values and self.type_names == other.type_names


class MissingProperty(KeyError):
    """A check read a property the object does not carry."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"no property {self.name}"


class Answers:
    """What a check is given to decide: the records of each query it reads, and the target it decides for.

    ``server`` is the Exchange server's name (per-server checks judge only its objects); ``release`` the STIG
    release the checklist carries (``V2R3``), for the few rules whose check text changed between releases.
    """

    def __init__(
        self,
        records: Mapping[Query, Sequence[Record]],
        *,
        server: str = "",
        release: str = "",
        warnings: Sequence[str] = (),
    ) -> None:
        self._records = {query: tuple(found) for query, found in records.items()}
        self.server = server
        self.release = release
        #: Warnings the server wrote while answering (kept in the finding details; the answer was complete).
        self.warnings = tuple(warnings)

    def __getitem__(self, query: Query) -> tuple[Record, ...]:
        try:
            return self._records[query]
        except KeyError:
            raise KeyError(f"{query.command_line()} was not declared in the check's reads") from None

    def __contains__(self, query: object) -> bool:
        return query in self._records

    def queries(self) -> list[Query]:
        return list(self._records)


class Settings(Mapping[str, Any]):
    """The site settings a check may read, by name; a missing one raises KeyError naming it."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values = dict(values or {})

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True)
class Table:
    """The command output as a PowerShell-style table: the columns the STIG's command selects, one row per object."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, headers: Sequence[str], records: Iterable[Mapping[str, Any]]) -> Table:
        """One row per record, in the given order, each cell the property as PowerShell's table shows it."""
        from cklauto.checks.text import cell

        return cls(tuple(headers), tuple(tuple(cell(r[h]) for h in headers) for r in records))


Decide = Callable[[Answers, Settings], Decision]
Tabulate = Callable[[Answers], Sequence[Table]]


@dataclass(frozen=True)
class Check:
    """One automated rule.  Built-in checks live one per module in ``cklauto/checks/``.

    ``stig_command`` is the command exactly as the STIG's check text writes it (shown in the finding details);
    ``reads`` what cklauto really asks, which may differ (``-Server <server>`` so that a per-server rule judges
    only this server's objects).  ``tabulate`` lays out the answer as the STIG's command would show it.
    """

    ids: RuleIds
    title: str
    severity: str
    reads: tuple[Read, ...]
    stig_command: str
    decide: Decide
    tabulate: Tabulate
    settings: tuple[SiteSetting, ...] = ()
    benchmark_id: str = EXCHANGE_2013_MAILBOX
    #: A one-line description of how the rule is decided, for `cklauto checks` and the README table.
    summary: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: A rule that needs a person (class C): ``decide`` gathers the evidence a reviewer needs and returns
    #: :meth:`Decision.evidence`; the runner writes it only with ``--collect-evidence``, under an "evidence only, not
    #: evaluated" header, and never changes the rule's status.
    evidence_only: bool = False

    @property
    def stig_id(self) -> str:
        return self.ids.stig_id

    @property
    def queries(self) -> tuple[Query, ...]:
        return tuple(read.query for read in self.reads)

    @property
    def scope(self) -> Scope:
        """SERVER when any query is per server, else ORGANIZATION."""
        return Scope.SERVER if any(r.query.scope is Scope.SERVER for r in self.reads) else Scope.ORGANIZATION

    @property
    def needs_host(self) -> bool:
        """Whether any query is asked on the Windows host's own endpoint (only with ``--host-checks``)."""
        return any(r.query.endpoint is Endpoint.HOST for r in self.reads)

    def required_settings(self) -> tuple[SiteSetting, ...]:
        return tuple(s for s in self.settings if s.required)

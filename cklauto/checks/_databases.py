"""Shared by the mailbox database and public folder database checks (EX13-MB-000035 ... -000170, -000125 ...).

Mailbox databases are judged per server: ``Get-MailboxDatabase -Server <server>`` returns the databases with a copy
on that server, and in a database availability group (DAG) the same database is returned on every member that
hosts a copy (shared/docs/exchange-objects.md §2.8).  Each member's checklist therefore judges the databases it
hosts a copy of; a database setting is one AD attribute, so the same finding appears on every such checklist, which
is what an assessor reviewing each server expects.  A database in the answer that has no copy on this server (the
answer should never hold one) is reported as information and never decides the rule.

Public folder databases are organisation-wide (``Get-PublicFolderDatabase``, §2.9).  Exchange 2013 keeps public
folders in mailboxes, so an Exchange 2013-only organisation has no public folder database at all; what that means
for the STIG's "If public folders are not used, this check is not applicable" is decided in
:func:`decide_public_folder_databases`.  Not a check module (the registry skips modules whose name starts with ``_``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cklauto.checks import values
from cklauto.checks._objects import conclude, flag_setting, object_name, read, shown, shown_size, sort_key
from cklauto.checks.api import (
    Answers,
    Check,
    Decide,
    Decision,
    Placeholder,
    Query,
    Read,
    Record,
    Scope,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import ps_literal, quoted
from cklauto.model import Status

MAILBOX_DATABASES = Query("Get-MailboxDatabase", (("Server", Placeholder.SERVER),), Scope.SERVER)
PUBLIC_FOLDER_DATABASES = Query("Get-PublicFolderDatabase", scope=Scope.ORGANIZATION)

MAILBOX_DATABASE = "mailbox database"
PUBLIC_FOLDER_DATABASE = "public folder database"

PUBLIC_FOLDERS_USED = SiteSetting(
    "public_folders_used",
    SettingType.BOOLEAN,
    "Whether the organisation uses public folders (EDSP/SSP).  false makes the public folder database rules "
    "Not_Applicable when the organisation has no public folder database, as the STIG says ('If public folders are "
    "not used, this check is not applicable'); without it an organisation with no public folder database is left "
    "for a person to review.",
    required=False,
)

#: (record, Name, Identity) -> the verdict for one database.
Judge = Callable[[Record, str, str], Verdict]
#: The site settings -> how to judge one database, and what a compliant one has ("MountAtStartup set to True").
JudgeFor = Callable[[Settings], tuple[Judge, str]]


def mailbox_reads(prop: str) -> tuple[Read, ...]:
    """What a mailbox database check reads: the STIG's columns, plus the servers that hold a copy (ownership)."""
    return (Read(MAILBOX_DATABASES, ("Name", "Identity", prop, "Server", "Servers")),)


def public_folder_reads(prop: str) -> tuple[Read, ...]:
    return (Read(PUBLIC_FOLDER_DATABASES, ("Name", "Identity", prop)),)


def database_table(records: Sequence[Record], prop: str) -> list[Table]:
    """The STIG's ``Select Name, Identity, <prop>``, one row per database, sorted by name."""
    columns = ("Name", "Identity", prop)
    ordered = sorted(records, key=sort_key)
    return [Table.of(columns, ordered)]


def boolean_judge(noun: str, set_cmdlet: str, prop: str, expected: bool) -> Judge:
    """Judge a True/False database setting against the STIG's fixed value.

    The database settings the STIG reads are plain ``bool`` attributes (Database.cs): ``$null`` is not a value they
    can have, so it is refused (the rule keeps its previous review) rather than read as either answer.
    """
    wanted = "True" if expected else "False"
    argument = "$true" if expected else "$false"

    def judge(record: Record, name: str, identity: str) -> Verdict:
        raw = record[prop]
        value = read(record, prop, values.boolean, noun)
        if value is None:
            raise ValueError(f"{noun} {quoted(name)}: {prop} is $null, which a True/False setting never is")
        if value is expected:
            return Verdict(name, True, f"{prop} is {shown(raw)}")
        fix = f"{set_cmdlet} -Identity {ps_literal(identity)} -{prop} {argument}"
        return Verdict(name, False, f"{prop} is {shown(raw)}; expected {wanted}", fix)

    return judge


Size = int | values._Unlimited


def size_text(value: Size) -> str:
    return values.format_size(value)


def size_fix_argument(value: Size) -> str:
    """``Unlimited`` bare, as the STIG writes it; any other size quoted, as its notes ask (``'2GB'``)."""
    return "Unlimited" if value is values.UNLIMITED else ps_literal(values.size_argument(value))


def size_judge(
    noun: str,
    set_cmdlet: str,
    prop: str,
    expected: Size,
    *,
    source: str = "",
    accepted: Size | None = None,
    accepted_source: str = "",
    when_unlimited: str = "",
) -> Judge:
    """Judge a size setting (``Unlimited<ByteQuantifiedSize>``) by its exact byte count, never by its display text.

    ``source`` says where the expected value comes from (", the site's Prohibit Send Quota (prohibit_send_quota)");
    ``accepted`` is an alternate value the EDSP accepts with signoff and risk acceptance, named by
    ``accepted_source``; ``when_unlimited`` explains why ``Unlimited`` fails, where that is not obvious.
    """

    def judge(record: Record, name: str, identity: str) -> Verdict:
        raw = record[prop]
        value = read(record, prop, values.size, noun)
        found = shown_size(raw, value)
        if value == expected:
            return Verdict(name, True, f"{prop} is {found}{source}")
        if accepted is not None and value == accepted:
            return Verdict(name, True, f"{prop} is {found}, {accepted_source}")
        why = f" ({when_unlimited})" if value is values.UNLIMITED and when_unlimited else ""
        fix = f"{set_cmdlet} -Identity {ps_literal(identity)} -{prop} {size_fix_argument(expected)}"
        return Verdict(name, False, f"{prop} is {found}{why}; expected {size_text(expected)}{source}", fix)

    return judge


def _copy_holders(record: Record, name: str) -> list[str]:
    """The servers that hold a copy of the database: Servers (every copy), plus Server (the active copy)."""
    holders = read(record, "Servers", values.string_items, MAILBOX_DATABASE)
    active = read(record, "Server", values.text, MAILBOX_DATABASE)
    if active is not None and active.strip() and not any(values.same_name(active, h) for h in holders):
        holders.append(active)
    holders = [h for h in holders if h.strip()]
    if not holders:
        raise ValueError(
            f"{MAILBOX_DATABASE} {quoted(name)}: neither Server nor Servers names a server, so which server's "
            "database it is cannot be told"
        )
    return holders


def decide_mailbox_databases(answers: Answers, *, judge: Judge, requirement: str) -> Decision:
    """Judge this server's mailbox databases, one verdict each; another server's database is information only."""
    server = answers.server.strip()
    if not server:
        raise ValueError("the Exchange server's name is not known, so its mailbox databases cannot be told apart")
    verdicts: list[Verdict] = []
    for record in sorted(answers[MAILBOX_DATABASES], key=sort_key):
        name, identity = object_name(record, MAILBOX_DATABASE)
        holders = _copy_holders(record, name)
        if any(values.is_same_server(h, server) for h in holders):
            verdicts.append(judge(record, name, identity))
        else:
            where = ", ".join(holders)
            verdicts.append(Verdict(name, None, f"has no copy on {server} (copies on {where}); not judged here"))
    scope = (
        f"Judged: the mailbox databases with a copy on {server} (Get-MailboxDatabase -Server {server}); in a "
        "database availability group every member that holds a copy judges the same database."
    )
    if not any(v.ok is not None for v in verdicts):
        return Decision(
            Status.NOT_REVIEWED,
            f"Get-MailboxDatabase -Server {server} returned no mailbox database with a copy on {server}, so there is "
            "nothing to judge; a person must confirm which databases this server holds.",
            tuple(verdicts),
            (scope,),
        )
    return conclude(
        verdicts, noun=MAILBOX_DATABASE, nouns=MAILBOX_DATABASE + "s", requirement=requirement, notes=(scope,)
    )


def decide_public_folder_databases(
    answers: Answers, settings: Settings, *, judge_for: JudgeFor, needs: SiteSetting | None = None
) -> Decision:
    """Judge every public folder database of the organisation, or say why there is nothing to judge.

    An empty answer proves there is no public folder *database*, not that public folders are unused (Exchange 2013
    public folders live in public folder mailboxes).  So the rule is Not_Applicable only when the site also says
    public folders are not used (``public_folders_used = false``), the condition the STIG's own text gives; otherwise
    a person decides.  When databases exist they are judged, whatever the setting says.  ``needs`` is a site setting
    required only when there are databases to judge.
    """
    used = flag_setting(settings, PUBLIC_FOLDERS_USED.name)
    records = sorted(answers[PUBLIC_FOLDER_DATABASES], key=sort_key)
    empty_note = "Get-PublicFolderDatabase completed without error and returned no public folder database."
    if not records:
        if used is False:
            return Decision(
                Status.NOT_APPLICABLE,
                "Public folders are not used (site setting public_folders_used = false) and the organisation has no "
                "public folder database, so this rule is not applicable, as the STIG says.",
                notes=(empty_note,),
            )
        if used is True:
            summary = (
                "The organisation has no public folder database although public folders are used "
                "(public_folders_used = true): Exchange 2013 keeps public folders in public folder mailboxes, "
                "which this rule's command does not show, so a person must review it."
            )
        else:
            summary = (
                "The organisation has no public folder database, which does not prove that public folders are not "
                "used (Exchange 2013 keeps them in mailboxes); the STIG makes the rule not applicable only if "
                "public folders are not used: set public_folders_used = false if the EDSP says so."
            )
        return Decision(Status.NOT_REVIEWED, summary, notes=(empty_note,))
    notes = ["Judged: every public folder database of the organisation (Get-PublicFolderDatabase)."]
    if used is False:
        notes.append(
            "The site setting public_folders_used = false says public folders are not used, but the organisation "
            "has public folder databases, so they are judged."
        )
    if needs is not None and settings.get(needs.name) is None:
        return Decision(
            Status.NOT_REVIEWED,
            f"The organisation has {len(records)} public folder database(s), and judging them needs the site "
            f"setting {needs.name}: {needs.help}",
            notes=tuple(notes),
        )
    judge, requirement = judge_for(settings)
    verdicts = []
    for record in records:
        name, identity = object_name(record, PUBLIC_FOLDER_DATABASE)
        verdicts.append(judge(record, name, identity))
    return conclude(
        verdicts, noun=PUBLIC_FOLDER_DATABASE, nouns=PUBLIC_FOLDER_DATABASE + "s", requirement=requirement, notes=notes
    )


def _database_check(
    *,
    query: Query,
    reads: tuple[Read, ...],
    prop: str,
    decide: Decide,
    settings: tuple[SiteSetting, ...],
    **declared: Any,
) -> Check:
    def tabulate(answers: Answers) -> list[Table]:
        return database_table(answers[query], prop)

    return Check(reads=reads, decide=decide, tabulate=tabulate, settings=settings, **declared)


def _fixed(judge: Judge, requirement: str) -> JudgeFor:
    return lambda _site: (judge, requirement)


def mailbox_database_check(
    *, prop: str, judge_for: JudgeFor, settings: tuple[SiteSetting, ...] = (), **declared: Any
) -> Check:
    """A rule that judges one setting of each mailbox database with a copy on the server.

    ``declared`` are the :class:`Check` fields that only describe the rule (ids, title, severity, stig_command,
    summary).
    """

    def decide(answers: Answers, site: Settings) -> Decision:
        judge, requirement = judge_for(site)
        return decide_mailbox_databases(answers, judge=judge, requirement=requirement)

    reads = mailbox_reads(prop)
    return _database_check(
        query=MAILBOX_DATABASES, reads=reads, prop=prop, decide=decide, settings=settings, **declared
    )


def boolean_mailbox_check(*, prop: str, expected: bool, **declared: Any) -> Check:
    """A rule that wants one True/False setting of each mailbox database to be ``expected``."""
    judge = boolean_judge(MAILBOX_DATABASE, "Set-MailboxDatabase", prop, expected)
    return mailbox_database_check(prop=prop, judge_for=_fixed(judge, f"{prop} set to {expected}"), **declared)


def public_folder_database_check(
    *, prop: str, judge_for: JudgeFor, needs: SiteSetting | None = None, **declared: Any
) -> Check:
    """A rule that judges one setting of each public folder database of the organisation.

    ``needs`` is a site setting required only when there are databases to judge (``judge_for`` may then read it).
    """

    def decide(answers: Answers, site: Settings) -> Decision:
        return decide_public_folder_databases(answers, site, judge_for=judge_for, needs=needs)

    settings = (PUBLIC_FOLDERS_USED,) if needs is None else (needs, PUBLIC_FOLDERS_USED)
    reads = public_folder_reads(prop)
    return _database_check(
        query=PUBLIC_FOLDER_DATABASES, reads=reads, prop=prop, decide=decide, settings=settings, **declared
    )


def boolean_public_folder_check(*, prop: str, expected: bool, **declared: Any) -> Check:
    """A rule that wants one True/False setting of each public folder database to be ``expected``."""
    judge = boolean_judge(PUBLIC_FOLDER_DATABASE, "Set-PublicFolderDatabase", prop, expected)
    return public_folder_database_check(prop=prop, judge_for=_fixed(judge, f"{prop} set to {expected}"), **declared)

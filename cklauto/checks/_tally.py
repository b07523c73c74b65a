"""What every check that judges each object of an answer shares: names, order, the table and the tally.

Not a check (the registry skips modules whose name starts with ``_``).  Checks of one object per answer (the admin
audit log settings, the organisation configuration) and of lists (remote domains, Send connectors, mailboxes) all
end the same way: one verdict per object, Open when any fails, NotAFinding when every judged object complies, and
a summary that names the failing objects.  Writing that once keeps the summaries of every rule alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cklauto.checks import values
from cklauto.checks.api import Decision, Record, Table, Verdict
from cklauto.checks.text import cell, quoted
from cklauto.model import Status


def name_of(record: Record, kind: str) -> str:
    """The object's Name; an object without one cannot be named in a verdict, so it is refused."""
    name = values.text(record["Name"])
    if name is None or not name.strip():
        raise ValueError(f"a {kind} without a Name")
    return name


def identity_of(record: Record) -> str:
    """The object's Identity (what ``-Identity`` takes in a fix), or its Name when Identity is blank."""
    identity = values.text(record["Identity"])
    return identity if identity and identity.strip() else values.text(record["Name"]) or ""


def sorted_records(records: Iterable[Record], *properties: str) -> list[Record]:
    """Records in a total, human-friendly order: by the first property case-folded, then every property as shown.

    Exchange returns AD objects in enumeration order, which is not stable; sorting makes the finding details
    identical across runs when nothing changed.
    """

    def key(record: Record) -> tuple[str, ...]:
        shown = tuple(cell(record[p]) for p in properties)
        return (shown[0].casefold(), *shown)

    return sorted(records, key=key)


def table(records: Sequence[Record], headers: Sequence[str]) -> Table:
    """The command output as the STIG's ``Select`` shows it: one row per record, in the given order."""
    return Table.of(headers, records)


def required_boolean(record: Record, name: str) -> bool:
    """A ``bool`` property that Exchange always sends as True or False.

    ``$null`` there means the value was not read (a renamed property in an export, a Select of a misspelled
    name), never a setting, so it is refused rather than judged: the rule fails closed with an error row.
    """
    value = values.boolean(record[name])
    if value is None:
        raise ValueError(f"{name} is $null, which Exchange never sends for this True/False property")
    return value


def tally(
    verdicts: Sequence[Verdict],
    *,
    noun: str,
    requirement: str,
    plural_noun: str | None = None,
    notes: Sequence[str] = (),
    fix: str | None = None,
) -> Decision:
    """Open when any verdict fails, else NotAFinding; the summary names the failing objects.

    ``requirement`` completes "has ..." / "does not have ...": ``AdminAuditLogEnabled set to True``.  Verdicts whose
    ``ok`` is None are information and count neither way; at least one verdict must have been judged.
    """
    judged = [v for v in verdicts if v.ok is not None]
    if not judged:
        raise ValueError("no object was judged")
    failing = [v for v in judged if v.ok is False]
    many = plural_noun or noun + "s"
    total = len(judged)
    if total == 1:
        subject = f"The {noun} {quoted(judged[0].subject)}"
        summary = f"{subject} does not have {requirement}." if failing else f"{subject} has {requirement}."
    elif failing:
        verb = "does" if len(failing) == 1 else "do"
        names = ", ".join(quoted(v.subject) for v in failing)
        summary = f"{len(failing)} of {total} {many} {verb} not have {requirement}: {names}."
    else:
        summary = f"{total} of {total} {many} have {requirement}."
    status = Status.OPEN if failing else Status.NOT_A_FINDING
    return Decision(status, summary, tuple(verdicts), notes=tuple(notes), fix=fix if failing else None)


def not_reviewed(summary: str, verdicts: Sequence[Verdict] = (), notes: Sequence[str] = ()) -> Decision:
    """The answer does not let cklauto decide: the rule is left for a person, and the summary says why."""
    return Decision(Status.NOT_REVIEWED, summary, tuple(verdicts), notes=tuple(notes))

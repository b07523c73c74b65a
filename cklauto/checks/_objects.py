"""Shared by checks that judge one property of every object a query returns (databases, the transport config).

Such a check reads one property per object, compares it with what the STIG (or the site's EDSP) expects and says so
per object.  The parts that are the same for all of them live here: naming an object, reading its property so that
an unreadable value names the object, showing a raw value, and the one-sentence result.  Not a check module (the
registry skips modules whose name starts with ``_``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from cklauto.checks import values
from cklauto.checks.api import Decision, Record, Settings, Verdict
from cklauto.checks.text import quoted, visible
from cklauto.model import Status

T = TypeVar("T")


def object_name(record: Record, noun: str) -> tuple[str, str]:
    """(Name, Identity) of an Exchange object; Identity falls back to Name.  A nameless object cannot be reported."""
    name = values.text(record["Name"])
    if name is None or not name.strip():
        raise ValueError(f"a {noun} without a Name")
    identity = values.text(record["Identity"])
    return name, identity if identity is not None and identity.strip() else name


def sort_key(record: Record) -> tuple[str, str, str]:
    """Name (case-insensitively, then exactly), then Identity: identical text for the same objects in any order."""
    name = values.text(record["Name"]) or ""
    return (name.casefold(), name, values.text(record["Identity"]) or "")


def read(record: Record, prop: str, reader: Callable[[Any], T], noun: str) -> T:
    """``reader(record[prop])``, with the object and property named when the value cannot be read."""
    try:
        return reader(record[prop])
    except ValueError as exc:
        name = values.text(record["Name"]) if "Name" in record else None
        raise ValueError(f"{noun} {quoted(name or '?')}: {prop}: {exc}") from None


def shown(raw: Any) -> str:
    """A raw property value as the finding details show it: ``$null``, ``True``, or the text Exchange sent."""
    if raw is None:
        return "$null"
    if isinstance(raw, bool):
        return "True" if raw else "False"
    if isinstance(raw, str):
        return visible(raw, quote_if_padded=True) if raw.strip() else quoted(raw)
    return visible(str(raw))


def shown_size(raw: Any, value: int | values._Unlimited) -> str:
    """A size as Exchange shows it; a bare byte count (evidence that kept the number) is shown in Exchange's form."""
    return values.format_size(value) if isinstance(raw, int) and not isinstance(raw, bool) else shown(raw)


def flag_setting(settings: Settings, name: str) -> bool | None:
    """A BOOLEAN site setting: True, False, or None when not set."""
    value = settings.get(name)
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"site setting {name} must be true or false")
    return value


def size_setting(settings: Settings, name: str) -> int | values._Unlimited | None:
    """A BYTES site setting as bytes or ``UNLIMITED`` (None when not set), whether or not the runner converted it."""
    value = settings.get(name)
    if value is None or value is values.UNLIMITED:
        return value
    try:
        return values.parse_size_setting(value)
    except ValueError as exc:
        raise ValueError(f"site setting {name}: {exc}") from None


def required_size_setting(settings: Settings, name: str) -> int | values._Unlimited:
    """A BYTES site setting the rule cannot be decided without (the runner leaves the rule alone when it is unset)."""
    value = size_setting(settings, name)
    if value is None:
        raise ValueError(f"site setting {name} is not set")
    return value


def conclude(
    verdicts: Sequence[Verdict],
    *,
    noun: str,
    nouns: str,
    requirement: str,
    notes: Sequence[str] = (),
    fix: str | None = None,
) -> Decision:
    """NotAFinding when every judged object complies, else Open naming the ones that do not.

    ``requirement`` completes "have ..." (``CircularLoggingEnabled set to False``).  Informational verdicts (objects
    of another server) are kept but not counted.  Callers handle an answer with nothing to judge themselves.
    """
    judged = [v for v in verdicts if v.ok is not None]
    if not judged:
        raise ValueError(f"no {nouns} to judge")
    total = len(judged)
    failing = [v for v in judged if v.ok is False]
    of = f"{total} {noun if total == 1 else nouns}"
    if not failing:
        verb = "has" if total == 1 else "have"
        return Decision(Status.NOT_A_FINDING, f"{total} of {of} {verb} {requirement}.", tuple(verdicts), tuple(notes))
    verb = "does" if len(failing) == 1 else "do"
    names = ", ".join(quoted(v.subject) for v in failing)
    return Decision(
        Status.OPEN,
        f"{len(failing)} of {of} {verb} not have {requirement}: {names}.",
        tuple(verdicts),
        tuple(notes),
        fix=fix,
    )

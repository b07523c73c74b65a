"""What the Receive connector and Transport service checks share: the object judged, a required bool, a required
value that the site's EDSP may accept another value for.

:class:`Judged` is one object of an answer (a Receive connector of :mod:`cklauto.checks._receive_connectors`, a
Transport service of :mod:`cklauto.checks._transport_service`): its name, its Identity, every property read, and the
``Set-`` cmdlet that fixes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from cklauto.checks import values
from cklauto.checks.api import Record, Settings, Table, Verdict
from cklauto.checks.text import cell, ps_literal, visible

_J = TypeVar("_J", bound="Judged")


@dataclass(frozen=True)
class Judged:
    """One object of an answer, named as its verdict names it, with the cmdlet that fixes it."""

    #: The object's kind in messages ("Receive connector") and the cmdlet of its fix ("Set-ReceiveConnector").
    kind: ClassVar[str] = "object"
    setter: ClassVar[str] = ""

    name: str
    identity: str
    record: Record

    @classmethod
    def of(cls: type[_J], record: Record) -> _J:
        """The object ``record`` describes; a blank Name or Identity cannot be judged (ValueError)."""
        name = values.text(record["Name"])
        identity = values.text(record["Identity"])
        if name is None or values.is_blank(name):
            raise ValueError(f"a {cls.kind} without a Name")
        if identity is None or values.is_blank(identity):
            raise ValueError(f"{cls.kind} {name!r} has no Identity")
        return cls(name.strip(), identity.strip(), record)

    @property
    def sort_key(self) -> tuple[str, str]:
        # Exchange returns objects in AD enumeration order; sorting keeps the details identical from run to run.
        return (self.identity.casefold(), self.identity)

    def fix(self, parameters: str) -> str:
        """``<setter> -Identity '<Identity>' <parameters>``: the STIG's fix filled in for this object."""
        return f"{self.setter} -Identity {ps_literal(self.identity)} {parameters}"

    def shown(self, prop: str) -> str:
        """A property's value as the table shows it, safe to put in a verdict's reason."""
        return visible(cell(self.record[prop]), quote_if_padded=True)

    def value(self, prop: str) -> Any:
        """A property Exchange always sends a value for; ``$null`` means the answer cannot be judged."""
        raw = self.record[prop]
        if raw is None:
            raise ValueError(
                f"{self.kind} {self.identity!r}: {prop} is $null, which Exchange never sends for it, "
                "so the answer cannot be judged"
            )
        return raw


def table(records: Sequence[Record], columns: Sequence[str]) -> Table:
    """The STIG command's columns, one row per object returned (other servers' included), sorted by Identity."""
    ordered = sorted(records, key=lambda r: (cell(r["Identity"]).casefold(), cell(r["Identity"])))
    return Table.of(columns, ordered)


def require_bool(judged: Judged, prop: str, expected: bool) -> Verdict:
    """``prop`` must be ``expected``; ``$null`` or anything but True/False (or their text) fails closed."""
    actual = values.boolean(judged.value(prop))
    if actual is expected:
        return Verdict(judged.name, True, f"{prop} is {expected}")
    return Verdict(
        judged.name, False, f"{prop} is {actual}; expected {expected}", judged.fix(f"-{prop} ${str(expected).lower()}")
    )


def accepted_setting(settings: Settings, name: str) -> Any:
    """The value of an optional EDSP-exception setting, or None when the site gave none."""
    return settings.get(name)


def require_value(
    judged: Judged,
    prop: str,
    *,
    read: Callable[[Any], Any],
    required: Any,
    shown_required: str,
    fix_value: str,
    setting: str,
    settings: Settings,
    read_setting: Callable[[Any], Any] | None = None,
    complies: Callable[[Any], bool] | None = None,
) -> Verdict:
    """``prop`` (read with ``read``) must equal ``required``, or the value the site's EDSP accepts in ``setting``.

    The STIG's "or ... has signoff and risk acceptance in the EDSP, this is not a finding": a value other than the
    STIG's passes only when it equals the value the site declared as accepted (read with ``read_setting`` when the
    setting is written differently from the property), and the verdict says so.  ``complies`` replaces the equality
    test where the STIG asks for a bound ("10 or less") rather than one value.
    """
    actual = read(judged.value(prop))
    shown = judged.shown(prop)
    if complies(actual) if complies is not None else actual == required:
        return Verdict(judged.name, True, f"{prop} is {shown}")
    given = accepted_setting(settings, setting)
    accepted = read_setting(given) if read_setting is not None and given is not None else given
    if accepted is not None and actual == accepted:
        return Verdict(
            judged.name,
            True,
            f"{prop} is {shown}, not the STIG's {shown_required}, but the value the site's EDSP accepts with signoff "
            f"and risk acceptance (site setting {setting})",
        )
    return Verdict(
        judged.name,
        False,
        f"{prop} is {shown}; expected {shown_required}"
        + (f" (or {given}, the EDSP-accepted value of site setting {setting})" if given is not None else ""),
        judged.fix(f"-{prop} {fix_value}"),
    )

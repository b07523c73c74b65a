"""Verdicts the Receive connector and Transport service checks share: a required bool, a required value that the
site's EDSP may accept another value for.

They work on any judged object with a name, its properties and a fix builder (a Receive connector of
:mod:`cklauto.checks._receive_connectors`, a Transport service of :mod:`cklauto.checks._transport_service`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from cklauto.checks import values
from cklauto.checks.api import Settings, Verdict


class Judged(Protocol):
    @property
    def name(self) -> str: ...

    def value(self, prop: str) -> Any: ...

    def shown(self, prop: str) -> str: ...

    def fix(self, parameters: str) -> str: ...


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
    if (complies(actual) if complies is not None else actual == required):
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

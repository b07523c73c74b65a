"""Shared by the checks of the organisation's transport configuration (EX13-MB-000215, -000220, -000255, -000270).

``Get-TransportConfig`` returns the organisation's one ``TransportConfigContainer`` (shared/docs/exchange-objects.md
§2.5).  Its settings apply to every server, so the same answer decides every server's checklist and the details say
so.  An empty answer cannot be judged (every organisation has this object), and more than one object means the
answer is not what an on-premises organisation returns: both leave the rule to a person or an error row, never a
pass.  Not a check module (the registry skips modules whose name starts with ``_``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cklauto.checks import values
from cklauto.checks._objects import object_name, read, shown, shown_size, size_setting
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Query,
    Read,
    Record,
    Scope,
    Settings,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.model import Status

TRANSPORT_CONFIG = Query("Get-TransportConfig", scope=Scope.ORGANIZATION)
NOUN = "transport configuration"
SCOPE_NOTE = (
    "Judged: the organisation's transport configuration (Get-TransportConfig); it applies to every server of the "
    "organisation, so every server's checklist gets the same result."
)


def the_transport_config(answers: Answers) -> Record | None:
    """The organisation's transport configuration, or None when the answer holds none."""
    records = answers[TRANSPORT_CONFIG]
    if len(records) > 1:
        raise ValueError(
            f"Get-TransportConfig returned {len(records)} objects; an Exchange organisation has exactly one, so the "
            "answer cannot be judged"
        )
    return records[0] if records else None


def no_transport_config() -> Decision:
    return Decision(
        Status.NOT_REVIEWED,
        "Get-TransportConfig returned no transport configuration, which every Exchange organisation has, so the "
        "answer is incomplete and a person must review this rule.",
        notes=("Get-TransportConfig completed without error and returned nothing.",),
    )


def transport_config_table(answers: Answers, columns: tuple[str, ...]) -> list[Table]:
    return [Table.of(columns, answers[TRANSPORT_CONFIG])]


#: Reads a raw property value as a comparable quantity (raises ValueError on a value it cannot read).
Reader = Callable[[Any], Any]
#: (raw value, the quantity read from it) -> the value as the finding details show it.
Shower = Callable[[Any, Any], str]


def show_raw(raw: Any, _value: Any) -> str:
    return shown(raw)


def fixed_value_check(
    *,
    prop: str,
    reader: Reader,
    show: Shower,
    expected: Any,
    expected_text: str,
    fix: str,
    accepted: SiteSetting,
    accepted_value: Callable[[Settings], Any],
    accepted_text: Callable[[Any], str],
    **declared: Any,
) -> Check:
    """A rule that wants one transport setting to equal the STIG's value, unless the EDSP accepts an alternate.

    ``reader`` turns the raw value into a comparable quantity (bytes, ``UNLIMITED``, an int) and ``show`` shows it
    (``shown_size`` for sizes, ``show_raw`` for anything Exchange already writes plainly); ``accepted`` is the
    optional site setting holding the alternate value the EDSP accepts with signoff and risk acceptance, read by
    ``accepted_value`` (None when unset).  ``fix`` is the STIG's fix command.  ``declared`` are the :class:`Check`
    fields that only describe the rule (ids, title, severity, stig_command, summary).
    """
    columns = ("Name", "Identity", prop)

    def decide(answers: Answers, site: Settings) -> Decision:
        config = the_transport_config(answers)
        if config is None:
            return no_transport_config()
        name, _identity = object_name(config, NOUN)
        raw = config[prop]
        value = read(config, prop, reader, NOUN)
        found = show(raw, value)
        alternate = accepted_value(site)
        if value == expected:
            verdict = Verdict(name, True, f"{prop} is {found}")
            summary = f"{prop} is {found}, as the STIG requires."
        elif alternate is not None and value == alternate:
            why = f"the alternate value the EDSP accepts with signoff and risk acceptance ({accepted.name})"
            verdict = Verdict(name, True, f"{prop} is {found}, {why}")
            summary = f"{prop} is {found}, {why}."
        else:
            also = f" (or the EDSP-accepted {accepted_text(alternate)})" if alternate is not None else ""
            verdict = Verdict(name, False, f"{prop} is {found}; expected {expected_text}{also}", fix)
            summary = f"{prop} is {found}, not {expected_text}{also}."
        status = Status.NOT_A_FINDING if verdict.ok else Status.OPEN
        return Decision(status, summary, (verdict,), (SCOPE_NOTE,))

    def tabulate(answers: Answers) -> list[Table]:
        return transport_config_table(answers, columns)

    return Check(
        reads=(Read(TRANSPORT_CONFIG, columns),),
        decide=decide,
        tabulate=tabulate,
        settings=(accepted,),
        **declared,
    )


#: "10MB" in the STIG: Exchange counts in binary units, so 10,485,760 bytes.
TEN_MB = 10 * 1024 * 1024


def ten_mb_check(*, prop: str, accepted: SiteSetting, **declared: Any) -> Check:
    """A global message size limit (MaxReceiveSize, MaxSendSize) that must be 10 MB unless the EDSP accepts another.

    Compared as bytes (``values.size``): ``10 MB (10,485,760 bytes)`` and a bare ``10485760`` comply,
    ``10 MB (10,486,272 bytes)`` (which Exchange also prints as "10 MB") and ``Unlimited`` do not.
    """
    return fixed_value_check(
        prop=prop,
        reader=values.size,
        show=shown_size,
        expected=TEN_MB,
        expected_text=values.format_size(TEN_MB),
        fix=f"Set-TransportConfig -{prop} 10MB",
        accepted=accepted,
        accepted_value=lambda site: size_setting(site, accepted.name),
        accepted_text=values.format_size,
        **declared,
    )

"""The IMAP4 and POP3 back-end service rules (EX13-MB-000090, EX13-MB-000095): a service's registry Start value must
be 4 (Disabled), read on the Windows host exactly as the STIG's command reads it.

Why the back end, by its real name: the STIG's command reads ``hklm:\\system\\currentcontrolset\\services\\
MSExchangeIMAP4be`` (and ``...MSExchangePOP3be``), and its fix disables "Microsoft Exchange IMAP4 Backend"; those are
the real back-end services of an Exchange 2013 Mailbox server (Microsoft's services list names MSExchangeIMAP4BE and
MSExchangePOP3BE, both installed Manual).  The check's Note names the front-end key (``...\\MSExchangeIMAP4``), a
copy of the quoting advice that does not change the command.  Evaluate-STIG's Exchange 2016 module (Get-V228371,
Get-V228372) reads the front-end services instead, and its Exchange 2019 module asks for ``MSExchangeIMAPBE``, a
service that does not exist, with errors silenced, so a server whose back end still starts passes there.  cklauto
asks for exactly the STIG's key, judges only that key, and a front-end key's value never decides the rule.

A key that does not exist is not read as "disabled": Get-ItemProperty writes an error, the query fails, and the rule
keeps its review with that error in its row (an Exchange 2013 Mailbox server always has these services).  A Start
that is ``$null`` or not a number cannot be read: the rule fails closed.
"""

from __future__ import annotations

from collections.abc import Sequence

from cklauto.checks import values
from cklauto.checks._host import SERVICES_KEY, service_start, start_type
from cklauto.checks.api import Answers, Check, Decision, Read, Record, RuleIds, Settings, Table, Verdict
from cklauto.checks.text import cell, quoted
from cklauto.model import Status

DISABLED = 4


def _key(record: Record) -> str:
    child = values.text(record["PSChildName"])
    if child is None or not child.strip():
        raise ValueError("a registry answer without PSChildName (the key it was read from)")
    return child.strip()


def service_disabled_check(
    *, ids: RuleIds, title: str, service: str, display: str, stig_command: str, front_end: str
) -> Check:
    query = service_start(service)
    key = f"{SERVICES_KEY}\\{service}"

    def decide(answers: Answers, settings: Settings) -> Decision:
        records = sorted(answers[query], key=lambda r: _key(r).casefold())
        verdicts: list[Verdict] = []
        judged: list[Verdict] = []
        for record in records:
            name = _key(record)
            if name.casefold() != service.casefold():
                verdicts.append(Verdict(name, None, f"not the {service} key the STIG reads; not judged"))
                continue
            start = values.integer(record["Start"])
            shown = f"Start is {start} ({start_type(start)})"
            if start == DISABLED:
                verdict = Verdict(display, True, shown)
            else:
                fix = f"Set-Service -Name {service} -StartupType Disabled"
                verdict = Verdict(display, False, f"{shown}; expected 4 (Disabled)", fix)
            verdicts.append(verdict)
            judged.append(verdict)
        notes = (
            f"Read on the Windows host: {key}, value Start, the key the STIG's command names ({display}).",
            f"The {front_end} front-end service is another key; the STIG's command reads the back end, and so does "
            "cklauto (Evaluate-STIG reads the front end, or a back-end name that does not exist).",
        )
        if not judged:
            return Decision(
                Status.NOT_REVIEWED,
                f"The host answered no value for {key}, so whether {display} is disabled cannot be told; a person "
                "must check it.",
                tuple(verdicts),
                notes,
            )
        if all(v.ok for v in judged):
            return Decision(
                Status.NOT_A_FINDING, f"{display} ({service}) is disabled (Start 4).", tuple(verdicts), notes
            )
        return Decision(
            Status.OPEN,
            f"{display} ({service}) is not disabled: {judged[0].reason.split(';')[0]}.",
            tuple(verdicts),
            notes,
            fix=f"services.msc: {quoted(display)}, Startup type Disabled (the STIG's fix)",
        )

    def tabulate(answers: Answers) -> Sequence[Table]:
        rows = tuple(
            (cell(r["PSChildName"]), cell(r["Start"])) for r in sorted(answers[query], key=lambda r: _key(r).casefold())
        )
        return [Table(("PSChildName", "Start"), rows)]

    return Check(
        ids=ids,
        title=title,
        severity="medium",
        reads=(Read(query, ("Start", "PSChildName")),),
        stig_command=stig_command,
        decide=decide,
        tabulate=tabulate,
        summary=f"the host's {service} service has Start 4 (Disabled) (--host-checks)",
    )

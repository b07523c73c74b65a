"""What the Get-RemoteDomain checks share (EX13-MB-000015, -000150, -000240, -000260, -000315, -000320).

Not a check (the registry skips modules whose name starts with ``_``).  Remote domains are organisation-wide AD
objects; every organisation has at least the built-in ``Default`` remote domain, whose DomainName is ``*`` and which
cannot be removed (exchange-objects.md §2.11).  On premises Get-RemoteDomain takes only ``-Identity``: ``-ResultSize``
exists only in Exchange Online and fails parameter binding on 2013, so the query carries no parameter at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cklauto.checks import _tally, values
from cklauto.checks.api import Answers, Decision, Query, Record, Scope, Table, Verdict
from cklauto.checks.text import ps_literal, visible

REMOTE_DOMAINS = Query("Get-RemoteDomain", scope=Scope.ORGANIZATION)
KIND = "remote domain"
#: What every Get-RemoteDomain check reads besides the property it judges.
NAMES = ("Name", "Identity", "DomainName")

#: Given a remote domain's DomainName (normalised, or None), the reason the STIG allows a True value there, or None.
Exception_ = Callable[[str | None], str | None]


def records(answers: Answers) -> list[Record]:
    """The organisation's remote domains in a stable order (Name, then Identity and DomainName)."""
    return _tally.sorted_records(answers[REMOTE_DOMAINS], *NAMES)


def domain_name(record: Record) -> str | None:
    """The remote domain's DomainName, normalised (``*.Army.MIL.`` -> ``*.army.mil``); None when blank."""
    raw = values.text(record["DomainName"])
    return None if values.is_blank(raw) else values.normalize_domain(raw or "")


def shown_domain(domain: str | None) -> str:
    return "no DomainName" if domain is None else f"DomainName {visible(domain)}"


def is_mil_or_gov(domain: str | None) -> bool:
    """``army.mil``, ``*.mil``, ``*.state.gov``: every address the remote domain covers ends in .mil or .gov.

    The Default remote domain (``*``) covers every domain, so it is never a .mil/.gov domain.
    """
    if domain is None or domain == "*":
        return False
    return domain.rsplit(".", 1)[-1] in ("mil", "gov")


def mil_or_gov_allowed(why: str) -> Exception_:
    """An exception that allows True for .mil/.gov remote domains, saying ``why`` in the verdict."""

    def allowed(domain: str | None) -> str | None:
        return f"a .mil/.gov domain ({why})" if is_mil_or_gov(domain) else None

    return allowed


def judge_false(record: Record, prop: str, allowed: Exception_ | None = None) -> Verdict:
    """``prop`` (a True/False property) must be False; True complies only where ``allowed`` gives a reason."""
    name = _tally.name_of(record, KIND)
    domain = domain_name(record)
    if not _tally.required_boolean(record, prop):
        return Verdict(name, True, f"{prop} is False")
    why = allowed(domain) if allowed is not None else None
    if why is not None:
        return Verdict(name, True, f"{prop} is True for {shown_domain(domain)}, {why}")
    fix = f"Set-RemoteDomain -Identity {ps_literal(_tally.identity_of(record))} -{prop} $false"
    return Verdict(name, False, f"{prop} is True for {shown_domain(domain)}; expected False", fix)


def no_remote_domains(unknown: str) -> Decision:
    """The empty answer: the Default remote domain always exists, so nothing returned is a reading problem."""
    return _tally.not_reviewed(
        f"Get-RemoteDomain returned no remote domains, so {unknown} is not known; every organisation has the "
        "Default remote domain (*), so the account may lack the right to read it."
    )


def decide_false(
    answers: Answers,
    prop: str,
    *,
    unknown: str,
    allowed: Exception_ | None = None,
    requirement: str | None = None,
    notes: Sequence[str] = (),
) -> Decision:
    """Every remote domain must have ``prop`` False (or True where ``allowed`` says the STIG permits it)."""
    found = records(answers)
    if not found:
        return no_remote_domains(unknown)
    verdicts = [judge_false(r, prop, allowed) for r in found]
    return _tally.tally(verdicts, noun=KIND, requirement=requirement or f"{prop} set to False", notes=notes)


def tabulate(answers: Answers, columns: Sequence[str]) -> list[Table]:
    return [_tally.table(records(answers), columns)]

r"""EX13-MB-000290: An Exchange software baseline copy must exist

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II).  A rule that needs a person: never given a status; with ``cklauto run --collect-evidence`` its finding details get the evidence a reviewer needs, headed "evidence only, not evaluated".

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207324     SV-207324r615936_rule   V-70069, SV-84691
V2R3 (current)         V-207324     SV-207324r961461_rule   V-70069, SV-84691
=====================  ===========  ======================  ==================================

Check text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Review the Email Domain Security Plan (EDSP).

    Determine the software baseline.

    Review the application software baseline procedures and implementation artifacts.

    Note the list of files and directories included in the baseline procedure for completeness.

    If an email software copy exists to serve as a baseline and is available for comparison during scanning efforts, this is not a finding.

Fix text (DISA XCCDF, verbatim, the same in V2R1-V2R3)::

    Implement an email software baseline process and update the EDSP.

What cklauto gathers (``decide``): this server's Exchange build (``Get-ExchangeServer -Identity <server>``, the
query EX13-MB-000340 asks too), which a baseline copy must match to serve for comparison.  Whether a copy exists and
is available during scanning is in the site's baseline procedures and artifacts: the reviewer's to see.  The STIG's
check states only the not-a-finding condition.
"""  # noqa: E501

from __future__ import annotations

from cklauto.checks._evidence import evidence_check, table, text_of
from cklauto.checks.api import Answers, Decision, Placeholder, Query, Read, RuleIds, Scope, Settings, Table, Verdict

EXCHANGE_SERVER = Query("Get-ExchangeServer", (("Identity", Placeholder.SERVER),), Scope.SERVER)
PROPERTIES = ("Name", "AdminDisplayVersion")


def decide(answers: Answers, settings: Settings) -> Decision:
    lines = [
        Verdict(
            text_of(r, "Name"),
            None,
            f"runs {text_of(r, 'AdminDisplayVersion')}; the baseline copy must be of this build",
        )
        for r in sorted(answers[EXCHANGE_SERVER], key=lambda r: text_of(r, "Name").casefold())
    ]
    summary = (
        "A person must confirm, from the EDSP's software baseline procedures and artifacts, that a copy of this "
        "Exchange software exists and is available for comparison during scanning."
    )
    return Decision.evidence(summary, lines, ("The STIG's check names only the not-a-finding condition.",))


def tabulate(answers: Answers) -> list[Table]:
    return [table(answers[EXCHANGE_SERVER], PROPERTIES)]


CHECK = evidence_check(
    ids=RuleIds(
        stig_id="EX13-MB-000290",
        group_id="V-207324",
        rule_ids=(
            "SV-207324r615936_rule",
            "SV-207324r961461_rule",
        ),
        legacy_ids=("V-70069", "SV-84691"),
    ),
    title="An Exchange software baseline copy must exist.",
    severity="medium",
    reads=(Read(EXCHANGE_SERVER, PROPERTIES),),
    stig_command="(none: review the EDSP's software baseline)",
    decide=decide,
    tabulate=tabulate,
    summary="evidence only: the Exchange build a baseline copy must match (--collect-evidence)",
)

"""What the Send connector checks share (EX13-MB-000105, -000205, -000230; EX13-MB-000120 has its own).

Not a check (the registry skips modules whose name starts with ``_``).  Send connectors are organisation-level AD
objects whose Identity is the plain name (exchange-objects.md §2.7), so every connector is judged for every server's
checklist, and the query is EX13-MB-000120's, shared.
"""

from __future__ import annotations

from collections.abc import Sequence

from cklauto.checks import _tally
from cklauto.checks.api import Answers, Decision, Record, Table
from cklauto.checks.ex13_mb_000120 import SEND_CONNECTORS
from cklauto.model import Status

KIND = "Send connector"

__all__ = ["KIND", "SEND_CONNECTORS", "none_configured", "records", "tabulate"]


def records(answers: Answers) -> list[Record]:
    """The organisation's Send connectors by Name (then Identity): AD order is not stable."""
    return _tally.sorted_records(answers[SEND_CONNECTORS], "Name", "Identity")


def none_configured(outcome: str) -> Decision:
    """No Send connector at all: nothing can break the rule, and the details say so plainly (as EX13-MB-000120)."""
    return Decision(
        Status.NOT_A_FINDING,
        f"No Send connectors are configured, so {outcome}.",
        notes=("Get-SendConnector completed without error and returned no Send connectors.",),
    )


def tabulate(answers: Answers, columns: Sequence[str]) -> Table:
    return _tally.table(records(answers), columns)

"""Every failure cklauto expects ends in one of these.

Each carries named fields and renders as one line that says what failed, where, and (when
there is something to do) what to do.  None of them ever carries a credential: callers pass
host names, paths and reasons, never a password or a connection object.
"""

from __future__ import annotations

from pathlib import Path


class CklautoError(Exception):
    """Base of every expected failure; ``str()`` is a one-line message for the user."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = self.message if not self.hint else f"{self.message} ({self.hint})"
        # A message is one line by contract: newlines from remote error text are folded.
        return " ".join(text.split())


class ChecklistError(CklautoError):
    """A checklist could not be read, understood or saved."""

    def __init__(self, path: str | Path, problem: str, hint: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}", hint)


class SaveConflict(ChecklistError):
    """Another program saved the checklist while cklauto was saving it; nobody's edit was lost.

    ``kept`` is where the other program's version is now: the checklist itself, or a
    ``NAME.conflict-<UTC time>`` file beside it (the message says which).
    """

    def __init__(self, path: str | Path, problem: str, hint: str | None = None, *, kept: str | Path) -> None:
        self.kept = str(kept)
        super().__init__(path, problem, hint)


class TargetRuleError(ChecklistError):
    """The checklist holds no (or more than one) copy of the rule cklauto owns."""


class RuleNotInChecklist(TargetRuleError):
    """The checklist's STIG does not hold the rule at all (a partial checklist): the rule is left out, not failed."""


class StigNotInChecklist(TargetRuleError):
    """The checklist does not hold the STIG at all: not an error in a batch, a skip."""


class UnstorableText(ChecklistError):
    """Review text holds a character the checklist's format cannot store at all.

    The text is refused, never changed silently: it may be a person's words.
    """

    def __init__(
        self, path: str | Path, rule: str, field: str, character: str, why: str = "a .ckl (XML 1.0) cannot store it"
    ) -> None:
        self.rule = rule
        self.field = field
        self.character = character
        super().__init__(
            path,
            f"rule {rule}: the new {field} holds character {character} and {why}; not saved",
            "remove that character from the text",
        )


class FieldTooLong(ChecklistError):
    """Review text over the 32,767-character limit of STIG Manager, Excel and eMASS."""

    def __init__(self, path: str | Path, rule: str, field: str, length: int, limit: int) -> None:
        self.rule = rule
        self.field = field
        self.length = length
        super().__init__(
            path,
            f"rule {rule}: the new {field} is {length:,} characters, over the {limit:,}-character limit; not saved",
        )


class XccdfError(CklautoError):
    """A DISA XCCDF benchmark could not be read."""

    def __init__(self, path: str | Path, problem: str, hint: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}", hint)


class RemoteError(CklautoError):
    """The Exchange server could not be asked, or did not answer completely.

    ``kind`` names the failure class (``connection``, ``tls``, ``auth``, ``timeout``,
    ``protocol``, ``powershell``, ``answer``) so reports can group failures.
    """

    def __init__(self, host: str, kind: str, reason: str, hint: str | None = None) -> None:
        self.host = host
        self.kind = kind
        self.reason = reason
        super().__init__(f"{host}: {reason}", hint)


class EvidenceError(CklautoError):
    """An offline evidence file could not be used."""

    def __init__(self, path: str | Path, problem: str, hint: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}", hint)


class ConfigError(CklautoError):
    """A bad option value, inventory or hosts file."""

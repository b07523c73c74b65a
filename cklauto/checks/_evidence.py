"""What the rules that need a person share (class C, issue 10): they are never given a status.

Each gathers what a reviewer needs for the STIG's question (the connectors and their names, the services running,
the folders' access rules, the programs installed...) and returns :meth:`Decision.evidence`; with ``cklauto run
--collect-evidence`` the runner writes it under an "evidence only, not evaluated" header and leaves the status as it
is.  The verdicts are information only (``ok=None``); a line that points a reviewer at something (a principal with
read access, an antivirus product) says so in words, never as a finding.  Not a check module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cklauto.checks import values
from cklauto.checks.api import Check, Decide, Read, Record, RuleIds, Table, Tabulate
from cklauto.checks.text import cell

#: Vendors of the antivirus, host intrusion and integrity monitoring products DoD sites run (names as Programs and
#: Features and the services list show them), to point a reviewer at them; never a judgement of approval.
SECURITY_VENDORS = re.compile(
    r"mcafee|trellix|symantec|broadcom|trend ?micro|sophos|kaspersky|eset|bitdefender|crowdstrike|defender|"
    r"forefront|tripwire|solidcore|policy auditor|carbon black|tanium|\bhbss\b|\bendpoint security\b",
    re.IGNORECASE,
)


def evidence_check(
    *,
    ids: RuleIds,
    title: str,
    severity: str,
    reads: tuple[Read, ...],
    stig_command: str,
    decide: Decide,
    tabulate: Tabulate,
    summary: str,
) -> Check:
    return Check(
        ids=ids,
        title=title,
        severity=severity,
        reads=reads,
        stig_command=stig_command,
        decide=decide,
        tabulate=tabulate,
        summary=summary,
        evidence_only=True,
    )


def text_of(record: Record, prop: str) -> str:
    """A property as text for the evidence ("" for ``$null``); a list is shown as PowerShell shows it."""
    value = record[prop]
    return cell(value) if isinstance(value, list) else (values.text(value) or "")


def table(records: Sequence[Record], columns: Sequence[str], *, key: str | None = None) -> Table:
    """The columns, one row per object, sorted by ``key`` (default: the first column), without regard to case."""
    sort = key or columns[0]
    ordered = sorted(records, key=lambda r: (text_of(r, sort).casefold(), text_of(r, sort)))
    return Table.of(columns, ordered)


# --- access rules (Get-Acl) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessRule:
    """One line of Get-Acl's AccessToString: ``<identity> <Allow|Deny>  <rights>``."""

    identity: str
    kind: str
    rights: tuple[str, ...]

    @property
    def shown(self) -> str:
        return ", ".join(self.rights)


_RULE_LINE = re.compile(r"^(?P<identity>.+?) (?P<kind>Allow|Deny)  ?(?P<rights>\S.*)$")
_GENERIC_READ, _GENERIC_WRITE, _GENERIC_ALL = 0x80000000, 0x40000000, 0x10000000
_DELETE, _FILE_READ_DATA, _FILE_WRITE_DATA = 0x00010000, 0x0001, 0x0002

#: FileSystemRights names that grant each kind of access the STIG asks about.
READS = frozenset({"fullcontrol", "modify", "readandexecute", "read", "readdata", "listdirectory"})
MODIFIES = frozenset(
    {
        "fullcontrol",
        "modify",
        "write",
        "writedata",
        "createfiles",
        "appenddata",
        "createdirectories",
        "writeattributes",
        "writeextendedattributes",
        "changepermissions",
        "takeownership",
    }
)
DELETES = frozenset({"fullcontrol", "modify", "delete", "deletesubdirectoriesandfiles"})
_BITS = {
    "read": _GENERIC_READ | _GENERIC_ALL | _FILE_READ_DATA,
    "modify": _GENERIC_WRITE | _GENERIC_ALL | _FILE_WRITE_DATA,
}
_BITS["delete"] = _GENERIC_ALL | _DELETE
_NAMES = {"read": READS, "modify": MODIFIES, "delete": DELETES}


def access_rules(text: Any) -> list[AccessRule]:
    """AccessToString's lines; ValueError for a line that is not an access rule."""
    raw = values.text(text)
    if raw is None:
        raise ValueError("AccessToString is $null")
    rules = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        found = _RULE_LINE.match(line.strip())
        if found is None:
            raise ValueError(f"not an access rule: {line.strip()!r}")
        rights = tuple(r.strip() for r in found.group("rights").split(",") if r.strip())
        rules.append(AccessRule(found.group("identity").strip(), found.group("kind"), rights))
    return rules


def grants(rule: AccessRule, access: str) -> bool | None:
    """Whether ``rule``'s rights include ``access`` (read, modify, delete); None when a right is not recognised."""
    unknown = False
    for right in rule.rights:
        token = right.replace(" ", "").lower()
        if re.fullmatch(r"-?\d+", token):
            if int(token) & 0xFFFFFFFF & _BITS[access]:
                return True
            continue
        if token in _NAMES[access]:
            return True
        if token not in READS | MODIFIES | DELETES | {
            "synchronize",
            "executefile",
            "traverse",
            "readattributes",
            "readextendedattributes",
            "readpermissions",
        }:
            unknown = True
    return None if unknown else False


def acl_table(rules: Sequence[AccessRule]) -> Table:
    return Table(
        ("IdentityReference", "AccessControlType", "FileSystemRights"),
        tuple((r.identity, r.kind, r.shown) for r in rules),
    )

"""The folder-permission rules that need a person (EX13-MB-000060/000070/000075 on the audit logs, EX13-MB-000285 on
Exchange's application folder): the folder's owner and access rules, from ``Get-Acl`` on the Windows host.

Which folder: the STIG's own default, ``C:\\Program Files\\Microsoft\\Exchange Server\\V15`` and its ``Logging``
folder (the fix text of V2R2 and later: "By default, the logs are located on the application partition in \\Program
Files\\Microsoft\\Exchange Server\\V15\\Logging").  An Exchange installed elsewhere has no such folder: Get-Acl writes
an error, and the rule's row says so.  The readable forms over remoting are AccessToString and Sddl (Access arrives as
type names only, one level too deep).  The EDSP's list of authorised groups and users is not known to cklauto, so
each rule points at the principals that hold the access its question is about, and a person compares them with the
EDSP.  Not a check module.
"""

from __future__ import annotations

from cklauto.checks import values
from cklauto.checks._evidence import AccessRule, access_rules, acl_table, evidence_check, grants
from cklauto.checks._host import acl
from cklauto.checks.api import Answers, Check, Decision, Read, RuleIds, Settings, Table, Verdict

ACL_PROPERTIES = ("Owner", "AccessToString", "Sddl")
_ACCESS_WORDS = {"read": "read access", "modify": "modify access", "delete": "delete permission"}


def folder_access_check(
    *, ids: RuleIds, title: str, folder: str, access: str | None, question: str, stig_command: str
) -> Check:
    """``access`` is read, modify or delete (the audit data rules), or None: every rule matters (the application
    folder, whose permissions must match the EDSP's exactly)."""
    query = acl(folder)

    def rules_of(answers: Answers) -> tuple[str, str, list[AccessRule]]:
        records = answers[query]
        if len(records) != 1:
            raise ValueError(f"Get-Acl answered {len(records)} objects for one folder")
        record = records[0]
        return (
            values.text(record["Owner"]) or "",
            values.text(record["Sddl"]) or "",
            access_rules(record["AccessToString"]),
        )

    def decide(answers: Answers, settings: Settings) -> Decision:
        owner, sddl, rules = rules_of(answers)
        verdicts = []
        pointed = 0
        for rule in rules:
            if access is None:
                verdicts.append(Verdict(rule.identity, None, f"{rule.kind} {rule.shown}: as the EDSP lists it?"))
                pointed += 1
                continue
            has = grants(rule, access)
            if has is None:
                verdicts.append(
                    Verdict(rule.identity, None, f"{rule.kind} {rule.shown}: rights not recognised; see SDDL")
                )
            elif has and rule.kind == "Allow":
                pointed += 1
                verdicts.append(
                    Verdict(rule.identity, None, f"Allow {rule.shown}: has {_ACCESS_WORDS[access]}; is it in the EDSP?")
                )
            elif has:
                verdicts.append(Verdict(rule.identity, None, f"Deny {rule.shown}: denied {_ACCESS_WORDS[access]}"))
        notes = (
            f"Folder: {folder} (the STIG's default location); owner {owner or '(none)'}.",
            f"SDDL: {sddl}",
            question,
        )
        what = "access rules" if access is None else f"principals with {_ACCESS_WORDS[access]}"
        summary = (
            f"{folder} has {len(rules)} access rule(s); {pointed} {what} to compare with the EDSP's authorised "
            "groups and users."
        )
        return Decision.evidence(summary, verdicts, notes)

    def tabulate(answers: Answers) -> list[Table]:
        return [acl_table(rules_of(answers)[2])]

    what = "every access rule" if access is None else f"who has {_ACCESS_WORDS[access]}"
    return evidence_check(
        ids=ids,
        title=title,
        severity="medium",
        reads=(Read(query, ACL_PROPERTIES),),
        stig_command=stig_command,
        decide=decide,
        tabulate=tabulate,
        summary=f"evidence only: {folder}'s owner and access rules, {what} (--collect-evidence --host-checks)",
    )

"""EX13-MB-000340: The version of Exchange running on the system must be a supported version

Microsoft Exchange 2013 Mailbox Server STIG, severity medium (CAT II), CCI-002605.  The check text and the title
changed in V2R3; the rule decides by the release the checklist carries.

=====================  ===========  ======================  ==================================
Release                Vuln_Num     Rule_ID                 Legacy IDs
=====================  ===========  ======================  ==================================
V2R1, V2R2             V-207333     SV-207333r615936_rule   V-70059, SV-84681
V2R3 (current)         V-207333     SV-207333r991686_rule   V-70059, SV-84681
=====================  ===========  ======================  ==================================

V2R1 and V2R2: "Exchange must have the most current, approved service pack installed."  Check text (verbatim)::

    Determine the most current, approved service pack.

    Open the Exchange Management Shell and enter the following command:

    Get-ExchangeServer | fl Name, AdminDisplayVersion

    If the value of AdminDisplayVersion does not return the most current, approved service pack, this is a finding.

Fix text: "Install the most current, approved service pack."

V2R3: "The version of Exchange running on the system must be a supported version."  Check text (verbatim)::

    Exchange 2013 is no longer supported by the vendor. If the system is running Exchange 2013, this is a finding.

Fix text: "Upgrade to a supported version."

How cklauto decides (``decide``):

* Both releases are decided from ``Get-ExchangeServer -Identity <server>``: this server's AdminDisplayVersion
  (``Version 15.0 (Build 1497.2)``).  Another server in the answer is shown, never judged.
* **V2R3 and later**: a server running Exchange 2013 (version 15.0) is Open, always: the vendor ended support, and
  no setting can change that.  A server that reports another version is not what this checklist's STIG describes;
  the rule is left Not_Reviewed for a person (never passed on the strength of a wrong checklist).
* **V2R1, V2R2** (and the V1 releases, whose check asks the same): "the most current, approved service pack" is the
  site's to say.  Exchange 2013 has Cumulative Updates, not service packs (the Exchange 2019 STIG, V-259711, words the
  same check "the most current, approved Cumulative Update (CU)"), so the site setting ``minimum_exchange_build``
  names the approved build (``15.0.1497.2`` is CU23, the last).  At or above it is NotAFinding, below it Open.
  AdminDisplayVersion shows the CU, not the Security Updates installed on top of it.  Without the setting the rule is
  left Not_Reviewed, and the details name the setting.
* A checklist whose release cannot be read cannot tell which check text applies: the rule fails closed (error).
"""

from __future__ import annotations

import re

from cklauto.checks import values
from cklauto.checks.api import (
    Answers,
    Check,
    Decision,
    Placeholder,
    Query,
    Read,
    Record,
    RuleIds,
    Scope,
    Settings,
    SettingType,
    SiteSetting,
    Table,
    Verdict,
)
from cklauto.checks.text import visible
from cklauto.model import Status

EXCHANGE_SERVER = Query("Get-ExchangeServer", (("Identity", Placeholder.SERVER),), Scope.SERVER)
PROPERTIES = ("Name", "AdminDisplayVersion")
MINIMUM_BUILD = SiteSetting(
    "minimum_exchange_build",
    SettingType.TEXT,
    'The most current approved Exchange 2013 build (Cumulative Update) from the site\'s baseline, e.g. "15.0.1497.2" '
    "(CU23); read only for V2R1/V2R2 checklists, whose check asks for the most current, approved service pack.",
    required=False,
)
#: The V2R1/V2R2 command; V2R3's check text has none.
STIG_COMMAND = "Get-ExchangeServer | fl Name, AdminDisplayVersion"
UPGRADE = "Upgrade to a supported version."
INSTALL_SERVICE_PACK = "Install the most current, approved service pack."
_RELEASE = re.compile(r"^\s*V\s*(\d+)\s*R\s*(\d+)\s*$", re.IGNORECASE)


def names_supported_version(release: str) -> bool:
    """True for the releases whose check is "must be a supported version" (V2R3 and later)."""
    found = _RELEASE.match(release or "")
    if not found:
        raise ValueError(
            f"the checklist's STIG release {release!r} cannot be read (such as V2R3), and this rule's check text "
            "differs between releases"
        )
    return (int(found.group(1)), int(found.group(2))) >= (2, 3)


def _name(record: Record) -> str:
    name = values.text(record["Name"])
    if not name or not name.strip():
        raise ValueError("an Exchange server without a Name")
    return name


def _sorted(answers: Answers) -> list[Record]:
    return sorted(answers[EXCHANGE_SERVER], key=lambda r: (_name(r).casefold(), _name(r)))


def decide(answers: Answers, settings: Settings) -> Decision:
    """Decide EX13-MB-000340 for this Exchange server, by the release the checklist carries."""
    server = answers.server.strip()
    if not server:
        raise ValueError("no Exchange server name to judge")
    supported_version_text = names_supported_version(answers.release)
    minimum = None
    if not supported_version_text and MINIMUM_BUILD.name in settings:
        try:
            minimum = values.exchange_build(settings[MINIMUM_BUILD.name])
        except ValueError as exc:
            raise ValueError(f"site setting {MINIMUM_BUILD.name}: {exc}") from None
    verdicts: list[Verdict] = []
    own: list[tuple[str, values.Version, Verdict]] = []
    for record in _sorted(answers):
        name = _name(record)
        if not values.is_same_server(name, server):
            verdicts.append(Verdict(name, None, f"another Exchange server, not {server}; not judged"))
            continue
        build = values.version(record["AdminDisplayVersion"])
        verdict = _judge(name, build, supported_version_text, minimum)
        own.append((name, build, verdict))
        verdicts.append(verdict)
    release = visible(answers.release.strip())
    notes = (
        f"This checklist carries {release}: "
        + (
            "'Exchange 2013 is no longer supported by the vendor. If the system is running Exchange 2013, this is a "
            "finding.'"
            if supported_version_text
            else "'If the value of AdminDisplayVersion does not return the most current, approved service pack, this "
            "is a finding.' Exchange 2013's service packs are its Cumulative Updates (the Exchange 2019 STIG, "
            "V-259711, says so); AdminDisplayVersion shows the CU, not the Security Updates."
        ),
    )
    if not own:
        return Decision(
            Status.NOT_REVIEWED,
            f"Get-ExchangeServer -Identity {server} returned no server named {server}; a person must look.",
            tuple(verdicts),
            notes=notes,
        )
    name, build, _ = own[0]
    if not all((b.major, b.minor) == (15, 0) for _, b, _ in own):
        return Decision(
            Status.NOT_REVIEWED,
            f"{visible(name)} reports Version {build}, which is not Exchange 2013 (15.0): this checklist's STIG does "
            "not describe it; a person must decide.",
            tuple(verdicts),
            notes=notes,
        )
    if supported_version_text:
        return Decision(
            Status.OPEN,
            f"{visible(name)} runs Exchange 2013 (Version {build}), which its vendor no longer supports.",
            tuple(verdicts),
            notes=notes,
            fix=UPGRADE,
        )
    if minimum is None:
        return Decision(
            Status.NOT_REVIEWED,
            f"{visible(name)} runs Version {build}; the most current, approved service pack is the site's to say: "
            f'set the site setting {MINIMUM_BUILD.name} (e.g. "15.0.1497.2" for CU23).',
            tuple(verdicts),
            notes=notes,
        )
    if any(verdict.ok is False for _, _, verdict in own):
        return Decision(
            Status.OPEN,
            f"{visible(name)} runs Version {build}, below the approved build {minimum} "
            f"(site setting {MINIMUM_BUILD.name}).",
            tuple(verdicts),
            notes=notes,
            fix=INSTALL_SERVICE_PACK,
        )
    return Decision(
        Status.NOT_A_FINDING,
        f"{visible(name)} runs Version {build}, at or above the approved build {minimum} "
        f"(site setting {MINIMUM_BUILD.name}).",
        tuple(verdicts),
        notes=notes,
    )


def _judge(name: str, build: values.Version, supported_version_text: bool, minimum: values.Version | None) -> Verdict:
    if (build.major, build.minor) != (15, 0):
        return Verdict(name, None, f"AdminDisplayVersion is Version {build}, not Exchange 2013")
    if supported_version_text:
        return Verdict(name, False, f"AdminDisplayVersion is Version {build}: Exchange 2013, no longer supported")
    if minimum is None:
        return Verdict(name, None, f"AdminDisplayVersion is Version {build}; no approved build is set")
    if values.build_order(build) < values.build_order(minimum):
        return Verdict(name, False, f"AdminDisplayVersion is Version {build}; the approved build is {minimum}")
    return Verdict(name, True, f"AdminDisplayVersion is Version {build}; the approved build is {minimum}")


def tabulate(answers: Answers) -> list[Table]:
    return [Table.of(PROPERTIES, _sorted(answers))]


CHECK = Check(
    ids=RuleIds(
        stig_id="EX13-MB-000340",
        group_id="V-207333",
        rule_ids=("SV-207333r615936_rule", "SV-207333r991686_rule"),
        legacy_ids=("V-70059", "SV-84681"),
    ),
    title="The version of Exchange running on the system must be a supported version.",
    severity="medium",
    reads=(Read(EXCHANGE_SERVER, PROPERTIES),),
    stig_command=STIG_COMMAND,
    decide=decide,
    tabulate=tabulate,
    settings=(MINIMUM_BUILD,),
    summary="V2R3: Exchange 2013 is unsupported (Open); V2R1/V2R2: AdminDisplayVersion at least the approved build",
    extra={
        "titles": {
            "V2R1": "Exchange must have the most current, approved service pack installed.",
            "V2R2": "Exchange must have the most current, approved service pack installed.",
        }
    },
)

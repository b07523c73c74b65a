"""Regenerate the sample checklists from DISA's XCCDF with `cklauto new`.

Usage (from the repository root, with ../shared/reference beside it):

    python sample_ckl/make_samples.py [SAMPLE ...]     # all, or only the named files

Every sample is a fresh, unreviewed checklist for a fictional Exchange 2013 Mailbox server in
contoso.mil; its name says what it is when that is not the current release in a single-STIG CKL(B).

ex05 is "V1R6-style", a checklist as created before 2021 (STIG Viewer with the V1R6 benchmark): its
header says Version 1, Release 6 (24 Jan 2020), and every rule carries its V1 identifiers, as
such a checklist names them.  DISA's V1R6 XCCDF is not available, so ex05 is made from V2R1 (the
same rules and texts under new IDs): each rule's Vuln_Num becomes its legacy V- ID, its Rule_ID
the legacy SV- ID with revision r1 (the one V1 Rule_ID known for certain is EX13-MB-000120's
SV-84609r1_rule; the others' revisions are not known), its legacy IDs empty, and its STIGRef the
V1R6 line.  Nothing in it names V2R1.

ex06 is a multi-STIG checklist (Microsoft .NET Framework 4.0 V2R2, then Exchange 2013 Mailbox
V2R3), as an Exchange server's checklist often is; the rule cklauto owns is in the second
iSTIG.  DISA's .NET XCCDF is not in ../shared/reference: give the path of
U_MS_DotNet_Framework_4-0_STIG_V2R2_Manual-xccdf.xml (DISA STIG library) in DOTNET_XCCDF,
or ex06 is left as it is.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
XCCDF = HERE.parent.parent / "shared" / "reference" / "xccdf"

SAMPLES = [
    # (file, release, host, fqdn, ip)
    ("ex01.contoso.mil.ckl", "V2R3", "EX01", "ex01.contoso.mil", "10.10.1.11"),
    ("ex02.contoso.mil.cklb", "V2R3", "EX02", "ex02.contoso.mil", "10.10.1.12"),
    ("ex03.contoso.mil.ckl", "V2R1", "EX03", "ex03.contoso.mil", "10.10.1.13"),
    ("ex04.contoso.mil.cklb", "V2R2", "EX04", "ex04.contoso.mil", "10.10.1.14"),
    ("ex05.contoso.mil_V1R6-style.ckl", "V2R1", "EX05", "ex05.contoso.mil", "10.10.1.15"),
]


def main(only: list[str] | None = None) -> None:
    for name, release, host, fqdn, ip in SAMPLES:
        if only and name not in only:
            continue
        xccdf = XCCDF / f"U_MS_Exchange_2013_Mailbox_STIG_{release}_Manual-xccdf.xml"
        output = HERE / name
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cklauto",
                "new",
                "--xccdf",
                str(xccdf),
                "--host",
                host,
                "--fqdn",
                fqdn,
                "--ip",
                ip,
                "--format",
                output.suffix.lstrip("."),
                "-o",
                str(output),
                "--force",
            ],
            check=True,
        )
    if not only or SAMPLES[-1][0] in only:
        make_v1_style(HERE / SAMPLES[-1][0])
    dotnet = os.environ.get("DOTNET_XCCDF")
    if dotnet:
        exchange = XCCDF / "U_MS_Exchange_2013_Mailbox_STIG_V2R3_Manual-xccdf.xml"
        subprocess.run(
            [sys.executable, "-m", "cklauto", "new", "--xccdf", dotnet, "--xccdf", str(exchange),
             "--host", "EX06", "--fqdn", "ex06.contoso.mil", "--ip", "10.10.1.16", "--format", "ckl",
             "-o", str(HERE / "ex06.contoso.mil_multi-STIG.ckl"), "--force"],
            check=True,
        )  # fmt: skip
    else:
        print("DOTNET_XCCDF not set: ex06.contoso.mil_multi-STIG.ckl left as it is")


V1R6_RELEASE = b"Release: 6 Benchmark Date: 24 Jan 2020"
V2R1_RELEASE = b"Release: 1 Benchmark Date: 22 Jan 2021"
_LEGACY = re.compile(rb"(<VULN_ATTRIBUTE>LEGACY_ID</VULN_ATTRIBUTE>\s*<ATTRIBUTE_DATA>)([^<]*)(</ATTRIBUTE_DATA>)")


def make_v1_style(path: Path) -> None:
    """Turn the V2R1 checklist at ``path`` into a V1R6-style one (see the module docstring)."""
    data = path.read_bytes()
    data = re.sub(rb"<VULN>.*?</VULN>", lambda m: _v1_vuln(m.group(0)), data, flags=re.S)
    data = data.replace(b"<SID_DATA>" + V2R1_RELEASE + b"</SID_DATA>", b"<SID_DATA>" + V1R6_RELEASE + b"</SID_DATA>")
    data = data.replace(
        b"<SID_NAME>version</SID_NAME>\n\t\t\t\t\t<SID_DATA>2</SID_DATA>",
        b"<SID_NAME>version</SID_NAME>\n\t\t\t\t\t<SID_DATA>1</SID_DATA>",
    )
    data = data.replace(b"_STIG_V2R1_Manual-xccdf.xml", b"_STIG_V1R6_Manual-xccdf.xml")
    data = data.replace(b":: Version 2, " + V2R1_RELEASE, b":: Version 1, " + V1R6_RELEASE)
    assert b"V2R1" not in data and V2R1_RELEASE not in data and b"Version 2," not in data
    path.write_bytes(data)


def _v1_vuln(vuln: bytes) -> bytes:
    legacy = [m.group(2) for m in _LEGACY.finditer(vuln)]
    v_id = next(i for i in legacy if i.startswith(b"V-"))
    sv_id = next(i for i in legacy if i.startswith(b"SV-"))
    vuln = re.sub(rb"(<VULN_ATTRIBUTE>Vuln_Num</VULN_ATTRIBUTE>\s*<ATTRIBUTE_DATA>)[^<]*", rb"\g<1>" + v_id, vuln)
    vuln = re.sub(
        rb"(<VULN_ATTRIBUTE>Rule_ID</VULN_ATTRIBUTE>\s*<ATTRIBUTE_DATA>)[^<]*", rb"\g<1>" + sv_id + b"r1_rule", vuln
    )
    return _LEGACY.sub(rb"\g<1>\g<3>", vuln)


if __name__ == "__main__":
    main(sys.argv[1:])

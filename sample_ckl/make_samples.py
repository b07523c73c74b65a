"""Regenerate the sample checklists from DISA's XCCDF with `cklauto new`.

Usage (from the repository root, with ../shared/reference beside it):

    python sample_ckl/make_samples.py

Every sample is a fresh, unreviewed checklist for a fictional Exchange 2013 Mailbox server in
contoso.mil.  ex05 is "V1R6-style": DISA's V1R6 XCCDF is not available, so it is made from V2R1
and its EX13-MB-000120 rule is given the V1 identifiers (Vuln_Num V-69987, Rule_ID
SV-84609r1_rule, no legacy IDs) and the V1R6 release line, which is how a checklist created
before 2021 names the rule.

ex06 is a multi-STIG checklist (Microsoft .NET Framework 4.0 V2R2, then Exchange 2013 Mailbox
V2R3), as an Exchange server's checklist often is; the rule cklauto owns is in the second
iSTIG.  DISA's .NET XCCDF is not in ../shared/reference: give the path of
U_MS_DotNet_Framework_4-0_STIG_V2R2_Manual-xccdf.xml (DISA STIG library) in DOTNET_XCCDF,
or ex06 is left as it is.
"""

from __future__ import annotations

import os
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


def main() -> None:
    for name, release, host, fqdn, ip in SAMPLES:
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


def make_v1_style(path: Path) -> None:
    data = path.read_bytes()
    start = data.index(b"<ATTRIBUTE_DATA>EX13-MB-000120</ATTRIBUTE_DATA>")
    vuln_start = data.rindex(b"<VULN>", 0, start)
    vuln_end = data.index(b"</VULN>", start)
    vuln = data[vuln_start:vuln_end]
    vuln = vuln.replace(b"<ATTRIBUTE_DATA>V-207290</ATTRIBUTE_DATA>", b"<ATTRIBUTE_DATA>V-69987</ATTRIBUTE_DATA>")
    vuln = vuln.replace(
        b"<ATTRIBUTE_DATA>SV-207290r615936_rule</ATTRIBUTE_DATA>", b"<ATTRIBUTE_DATA>SV-84609r1_rule</ATTRIBUTE_DATA>"
    )
    for legacy in (b"V-69987", b"SV-84609"):
        vuln = vuln.replace(
            b"<VULN_ATTRIBUTE>LEGACY_ID</VULN_ATTRIBUTE>\n\t\t\t\t\t<ATTRIBUTE_DATA>" + legacy + b"</ATTRIBUTE_DATA>",
            b"<VULN_ATTRIBUTE>LEGACY_ID</VULN_ATTRIBUTE>\n\t\t\t\t\t<ATTRIBUTE_DATA></ATTRIBUTE_DATA>",
        )
    assert b"V-207290" not in vuln and b"SV-84609r1_rule" in vuln
    data = data[:vuln_start] + vuln + data[vuln_end:]
    data = data.replace(
        b"<SID_DATA>Release: 1 Benchmark Date: 22 Jan 2021</SID_DATA>",
        b"<SID_DATA>Release: 6 Benchmark Date: 24 Jan 2020</SID_DATA>",
    )
    data = data.replace(
        b"<SID_NAME>version</SID_NAME>\n\t\t\t\t\t<SID_DATA>2</SID_DATA>",
        b"<SID_NAME>version</SID_NAME>\n\t\t\t\t\t<SID_DATA>1</SID_DATA>",
    )
    path.write_bytes(data)


if __name__ == "__main__":
    main()

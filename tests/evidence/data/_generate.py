"""Regenerate the evidence samples in this folder:  python tests/evidence/data/_generate.py

The samples are hand-written to mirror what Windows PowerShell 5.1 and PowerShell 7 write for
`Get-SendConnector | Select-Object Name, Identity, TlsDomain | ConvertTo-Json` and for `Export-Clixml`
(indentation, `"Name":  "x"` spacing of 5.1, CRLF, BOMs, CLIXML type names, RefId/TNRef reuse).  They were not
captured from a real Exchange server; object shapes follow docs/exchange-remoting.md §A3.  Hostile samples are
small; the oversized file is made at test time instead of being committed.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
BOM8 = b"\xef\xbb\xbf"
BOM16 = b"\xff\xfe"


def write(name: str, text: str, *, encoding: str = "utf-8", bom: bytes = b"", crlf: bool = False) -> None:
    if crlf:
        text = text.replace("\n", "\r\n")
    (HERE / name).write_bytes(bom + text.encode(encoding))


# ---------------------------------------------------------------------------------------------------- JSON
# Windows PowerShell 5.1: `... | ConvertTo-Json > sc.json` -> UTF-16 LE with BOM, CRLF, 5.1's odd indentation.
PS51_LIST = """[
    {
        "Name":  "Outbound to Internet",
        "Identity":  "Outbound to Internet",
        "TlsDomain":  null
    },
    {
        "Name":  "To Partner Fabrikam",
        "Identity":  "To Partner Fabrikam",
        "TlsDomain":  "fabrikam.com"
    },
    {
        "Name":  "Internal Relay",
        "Identity":  "Internal Relay",
        "TlsDomain":  "contoso.mil"
    }
]
"""
write("ps51_list_utf16le.json", PS51_LIST, encoding="utf-16-le", bom=BOM16, crlf=True)

# PowerShell 7: `... | ConvertTo-Json | Set-Content sc.json` -> UTF-8 without BOM, LF, 2-space indent; one object.
PS7_SINGLE = """{
  "Name": "Internal Relay",
  "Identity": "Internal Relay",
  "TlsDomain": "contoso.mil"
}
"""
write("ps7_single.json", PS7_SINGLE)

# Windows PowerShell 5.1 `Out-File -Encoding utf8` -> UTF-8 *with* BOM; a non-ASCII name, \\u escapes as 5.1 writes.
PS51_UTF8BOM = """[
    {
        "Name":  "Z\u00fcrich Relay",
        "Identity":  "Z\u00fcrich Relay",
        "TlsDomain":  "CONTOSO.MIL."
    },
    {
        "Name":  "R\\u0026D \\u003cLab\\u003e",
        "Identity":  "R\\u0026D \\u003cLab\\u003e",
        "TlsDomain":  ""
    }
]
"""
write("ps51_utf8bom.json", PS51_UTF8BOM, bom=BOM8, crlf=True)

# Local Exchange Management Shell (snap-in, not remoting): Identity and TlsDomain are live .NET objects, so
# ConvertTo-Json (default -Depth 2) writes them as nested objects; deeper values become strings.
PS51_NESTED = """[
    {
        "Name":  "Internal Relay",
        "Identity":  {
                         "IsDeleted":  false,
                         "Rdn":  "CN=Internal Relay",
                         "Parent":  "contoso.mil/Configuration/Services/Microsoft Exchange/Contoso/Administrative Groups/Exchange Administrative Group (FYDIBOHF23SPDLT)/Routing Groups/Exchange Routing Group (DWBGZMFD01QNBJR)/Connections",
                         "Depth":  13,
                         "DistinguishedName":  "CN=Internal Relay,CN=Connections,CN=Exchange Routing Group (DWBGZMFD01QNBJR),CN=Routing Groups,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=mil",
                         "IsRelativeDn":  false,
                         "DomainId":  "contoso.mil",
                         "PartitionGuid":  "59ce2f71-eaa2-4ddf-a4fa-f25069d0b324",
                         "PartitionFQDN":  "contoso.mil",
                         "ObjectGuid":  "4a7c9e4e-6d43-4c1f-9a0e-2f3d5c1b7a10",
                         "Name":  "Internal Relay"
                     },
        "TlsDomain":  {
                          "IsStar":  false,
                          "Domain":  "contoso.mil",
                          "IncludeSubDomains":  false,
                          "Address":  "contoso.mil",
                          "SmtpDomain":  "contoso.mil"
                      }
    },
    {
        "Name":  "Subsidiaries",
        "Identity":  {
                         "DistinguishedName":  "CN=Subsidiaries,CN=Connections,CN=Exchange Routing Group (DWBGZMFD01QNBJR),CN=Routing Groups,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=mil",
                         "ObjectGuid":  "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                         "Name":  "Subsidiaries"
                     },
        "TlsDomain":  {
                          "IsStar":  false,
                          "Domain":  "contoso.mil",
                          "IncludeSubDomains":  true,
                          "Address":  "contoso.mil",
                          "SmtpDomain":  {
                                             "Domain":  "contoso.mil"
                                         }
                      }
    },
    {
        "Name":  "Outbound to Internet",
        "Identity":  {
                         "Name":  "Outbound to Internet"
                     },
        "TlsDomain":  null
    }
]
"""
write("ps51_nested_utf16le.json", PS51_NESTED, encoding="utf-16-le", bom=BOM16, crlf=True)

# Windows PowerShell 5.1 wraps an array that carries ETS members: {"value": [...], "Count": n}.
PS51_VALUE_COUNT = """{
    "value":  [
                  {
                      "Name":  "Internal Relay",
                      "Identity":  "Internal Relay",
                      "TlsDomain":  "contoso.mil"
                  },
                  {
                      "Name":  "Outbound to Internet",
                      "Identity":  "Outbound to Internet",
                      "TlsDomain":  null
                  }
              ],
    "Count":  2
}
"""
write("ps51_value_count.json", PS51_VALUE_COUNT, crlf=True)

# Windows PowerShell 5.1 `Set-Content` writes the ANSI code page (Windows-1252 here).
write("ps51_ansi_cp1252.json", PS51_UTF8BOM.replace("CONTOSO.MIL.", "contoso.mil"), encoding="cp1252", crlf=True)

# `ConvertTo-Json -InputObject @(Get-SendConnector | Select ...)` when there are no Send connectors.
write("empty_list.json", "[]\n")

# ---------------------------------------------------------------------------------------------------- CLIXML
NS = 'Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"'
GRP = "CN=Exchange Routing Group (DWBGZMFD01QNBJR),CN=Routing Groups,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=mil"

# `Get-SendConnector | Export-Clixml sc.xml` in the Exchange Management Shell (itself a remote session, so the
# objects are Deserialized.*).  Second and third objects reuse the type-name list with <TNRef>.
EMS_EXPORT = f"""<Objs {NS}>
  <Obj RefId="0">
    <TN RefId="0">
      <T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig</T>
      <T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.SendConnector</T>
      <T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.MailGateway</T>
      <T>Deserialized.Microsoft.Exchange.Data.Directory.ADLegacyVersionableObject</T>
      <T>Deserialized.Microsoft.Exchange.Data.Directory.ADConfigurationObject</T>
      <T>Deserialized.Microsoft.Exchange.Data.Directory.ADObject</T>
      <T>Deserialized.Microsoft.Exchange.Data.Directory.ADRawEntry</T>
      <T>Deserialized.System.Object</T>
    </TN>
    <ToString>Outbound to Internet</ToString>
    <Props>
      <Obj N="AddressSpaces" RefId="1">
        <TN RefId="1">
          <T>Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.AddressSpace, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]</T>
          <T>Deserialized.Microsoft.Exchange.Data.MultiValuedPropertyBase</T>
          <T>Deserialized.System.Object</T>
        </TN>
        <LST>
          <S>SMTP:*;1</S>
        </LST>
      </Obj>
      <B N="DNSRoutingEnabled">true</B>
      <B N="DomainSecureEnabled">false</B>
      <B N="Enabled">true</B>
      <Nil N="Fqdn" />
      <I32 N="Port">25</I32>
      <B N="RequireTLS">false</B>
      <Obj N="SmartHosts" RefId="2">
        <TNRef RefId="1" />
        <LST />
      </Obj>
      <Nil N="TlsAuthLevel" />
      <Nil N="TlsDomain" />
      <S N="Name">Outbound to Internet</S>
      <S N="DistinguishedName">CN=Outbound to Internet,CN=Connections,{GRP}</S>
      <Obj N="Identity" RefId="3">
        <TN RefId="2">
          <T>Deserialized.Microsoft.Exchange.Data.Directory.ADObjectId</T>
          <T>Deserialized.System.Object</T>
        </TN>
        <ToString>Outbound to Internet</ToString>
        <Props>
          <S N="DistinguishedName">CN=Outbound to Internet,CN=Connections,{GRP}</S>
          <G N="ObjectGuid">4a7c9e4e-6d43-4c1f-9a0e-2f3d5c1b7a10</G>
          <S N="Name">Outbound to Internet</S>
        </Props>
      </Obj>
      <G N="Guid">4a7c9e4e-6d43-4c1f-9a0e-2f3d5c1b7a10</G>
      <DT N="WhenChanged">2023-03-01T10:15:00-05:00</DT>
      <S N="OriginatingServer">dc01.contoso.mil</S>
      <B N="IsValid">true</B>
    </Props>
  </Obj>
  <Obj RefId="4">
    <TNRef RefId="0" />
    <ToString>Internal Relay</ToString>
    <Props>
      <Obj N="AddressSpaces" RefId="5">
        <TNRef RefId="1" />
        <LST>
          <S>SMTP:contoso.mil;1</S>
        </LST>
      </Obj>
      <B N="DomainSecureEnabled">false</B>
      <B N="Enabled">true</B>
      <I32 N="Port">25</I32>
      <B N="RequireTLS">true</B>
      <S N="TlsAuthLevel">DomainValidation</S>
      <S N="TlsDomain">contoso.mil</S>
      <S N="Name">Internal Relay</S>
      <S N="Identity">Internal Relay</S>
      <DT N="WhenChanged">2024-01-09T08:00:00-05:00</DT>
    </Props>
  </Obj>
  <Obj RefId="6">
    <TNRef RefId="0" />
    <ToString>To Partner Fabrikam</ToString>
    <Props>
      <B N="Enabled">true</B>
      <S N="TlsDomain">fabrikam.com</S>
      <S N="Name">To Partner Fabrikam</S>
      <Obj N="Identity" RefId="7">
        <TNRef RefId="2" />
        <ToString>To Partner Fabrikam</ToString>
        <Props>
          <S N="Name">To Partner Fabrikam</S>
        </Props>
      </Obj>
    </Props>
  </Obj>
</Objs>"""
write("export_clixml_ps51_utf16le.xml", EMS_EXPORT, encoding="utf-16-le", bom=BOM16, crlf=True)

# The same from PowerShell 7 (UTF-8, no BOM, LF).
write("export_clixml_ps7_utf8.xml", EMS_EXPORT)

# Local snap-in in Windows PowerShell (live objects): TlsDomain is a nested SmtpDomainWithSubdomains whose
# ToString is the wildcard form; one object without ToString on TlsDomain (properties only).
LIVE_EXPORT = f"""<Objs {NS}>
  <Obj RefId="0">
    <TN RefId="0">
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig</T>
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.SendConnector</T>
      <T>System.Object</T>
    </TN>
    <ToString>Subsidiaries</ToString>
    <Props>
      <S N="Name">Subsidiaries</S>
      <Obj N="Identity" RefId="1">
        <TN RefId="1">
          <T>Microsoft.Exchange.Data.Directory.ADObjectId</T>
          <T>System.Object</T>
        </TN>
        <ToString>Subsidiaries</ToString>
      </Obj>
      <Obj N="TlsDomain" RefId="2">
        <TN RefId="2">
          <T>Microsoft.Exchange.Data.SmtpDomainWithSubdomains</T>
          <T>System.Object</T>
        </TN>
        <ToString>*.contoso.mil</ToString>
        <Props>
          <B N="IsStar">false</B>
          <S N="Domain">contoso.mil</S>
          <B N="IncludeSubDomains">true</B>
          <S N="Address">contoso.mil</S>
          <S N="SmtpDomain">contoso.mil</S>
        </Props>
      </Obj>
    </Props>
  </Obj>
  <Obj RefId="3">
    <TNRef RefId="0" />
    <ToString>Internal Relay</ToString>
    <Props>
      <S N="Name">Internal Relay</S>
      <Obj N="Identity" RefId="4">
        <TNRef RefId="1" />
        <ToString>Internal Relay</ToString>
      </Obj>
      <Obj N="TlsDomain" RefId="5">
        <TNRef RefId="2" />
        <Props>
          <S N="Domain">contoso.mil</S>
          <B N="IncludeSubDomains">false</B>
        </Props>
      </Obj>
    </Props>
  </Obj>
</Objs>"""
write("export_clixml_live_objects.xml", LIVE_EXPORT, encoding="utf-16-le", bom=BOM16, crlf=True)

# `Get-SendConnector | Select-Object Name, Identity, TlsDomain | Export-Clixml`: note properties in <MS>.
SELECTED_EXPORT = f"""<Objs {NS}>
  <Obj RefId="0">
    <TN RefId="0">
      <T>Selected.Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig</T>
      <T>System.Management.Automation.PSCustomObject</T>
      <T>System.Object</T>
    </TN>
    <MS>
      <S N="Name">To Partner</S>
      <S N="Identity">To Partner</S>
      <Nil N="TlsDomain" />
    </MS>
  </Obj>
  <Obj RefId="1">
    <TNRef RefId="0" />
    <MS>
      <S N="Name">Internal_x000A_Relay</S>
      <S N="Identity">Internal Relay</S>
      <S N="TlsDomain">contoso.mil</S>
    </MS>
  </Obj>
</Objs>"""
write("select_object_clixml.xml", SELECTED_EXPORT, crlf=True)

write("empty_clixml.xml", f"<Objs {NS} />", encoding="utf-16-le", bom=BOM16)

# ---------------------------------------------------------------------------------------------------- hostile
write("empty.json", "")
write("whitespace_only.json", "  \r\n\t\r\n", encoding="utf-16-le", bom=BOM16)
write("null.json", "null\n")
write("other_json.json", '{"foo":1}\n')
write("json_string.json", '"Outbound to Internet"\n')
write("json_numbers.json", "[1, 2, 3]\n")
write(
    "missing_name.json",
    '[\n  {"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"},\n'
    '  {"Identity": "Ghost", "TlsDomain": "contoso.mil"}\n]\n',
)
write("missing_tlsdomain.json", '[{"Name": "Internal Relay", "Identity": "Internal Relay"}]\n')
write("tlsdomain_number.json", '[{"Name": "A", "Identity": "A", "TlsDomain": 42}]\n')
write("nan.json", '[{"Name": "A", "Identity": "A", "TlsDomain": NaN}]\n')
write("truncated.json", PS7_SINGLE[:40])
write(
    "doctype_xxe.xml",
    '<?xml version="1.0"?>\n<!DOCTYPE Objs [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    f'<Objs {NS}><Obj RefId="0"><MS><S N="Name">&xxe;</S><S N="Identity">x</S><Nil N="TlsDomain" /></MS></Obj></Objs>',
)
write(
    "entity_bomb.xml",
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + "]>\n"
    f'<Objs {NS}><Obj RefId="0"><MS><S N="Name">&lol9;</S><S N="Identity">x</S><Nil N="TlsDomain" /></MS></Obj></Objs>',
)
write(
    "undeclared_entity.xml",
    f'<Objs {NS}><Obj RefId="0"><MS><S N="Name">&xxe;</S><S N="Identity">x</S><Nil N="TlsDomain" /></MS></Obj></Objs>',
)
write("truncated.xml", EMS_EXPORT[: len(EMS_EXPORT) // 2], encoding="utf-16-le", bom=BOM16, crlf=True)
write("not_clixml.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<CHECKLIST><ASSET></ASSET></CHECKLIST>')
write(
    "clixml_missing_name.xml",
    f'<Objs {NS}><Obj RefId="0"><TN RefId="0"><T>System.Object</T></TN>'
    '<Props><S N="Identity">x</S><S N="TlsDomain">contoso.mil</S></Props></Obj></Objs>',
)
write(
    "clixml_plain_string.xml",
    f"<Objs {NS}><S>Outbound to Internet</S></Objs>",
)
write(
    "clixml_bad_ref.xml",
    f'<Objs {NS}><Obj RefId="0"><TNRef RefId="99" /><Props><S N="Name">x</S></Props></Obj></Objs>',
)
write(
    "clixml_error_stream.xml",
    "#< CLIXML\n"
    f"<Objs {NS}><S S=\"Error\">Get-SendConnector : The term 'Get-SendConnector' is not recognized_x000D__x000A_</S></Objs>",
)
# Random bytes that are neither UTF-8 nor Windows-1252 (0x81 and 0x8D are undefined in cp1252).
write_bytes = (HERE / "garbage.bin").write_bytes
write_bytes(bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x81, 0x8D, 0xFF, 0x00, 0x13, 0x37] * 8))
write("garbage_text.txt", "Name Identity TlsDomain\n---- -------- ---------\nRelay Relay contoso.mil\n")

if __name__ == "__main__":  # pragma: no cover
    print("written to", HERE)

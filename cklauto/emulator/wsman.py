"""The WS-Management SOAP envelope layer: parse requests, build responses and faults.

Only what a PSRP client over WinRS needs: Create, Command, Send, Receive, Signal, Delete.
Responses are built as text templates (with escaping) rather than ElementTree trees: it is
faster and keeps the exact layout real WinRM uses, which pypsrp's parser expects.
"""

from __future__ import annotations

import base64
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "wsa": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "wsman": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "wsmanfault": "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
    "wst": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
    "pwsh": "http://schemas.microsoft.com/powershell",
}

_TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer/"
_SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/"
ACTIONS = {
    _TRANSFER + "Create": "Create",
    _TRANSFER + "Delete": "Delete",
    _SHELL + "Command": "Command",
    _SHELL + "Send": "Send",
    _SHELL + "Receive": "Receive",
    _SHELL + "Signal": "Signal",
}
_RESPONSE_ACTIONS = {
    "Create": _TRANSFER + "CreateResponse",
    "Delete": _TRANSFER + "DeleteResponse",
    "Command": _SHELL + "CommandResponse",
    "Send": _SHELL + "SendResponse",
    "Receive": _SHELL + "ReceiveResponse",
    "Signal": _SHELL + "SignalResponse",
}
POWERSHELL_URI_PREFIX = "http://schemas.microsoft.com/powershell/"

# Fault codes real WinRM uses (decimal, as pypsrp's WSManFaultError.code shows them).
FAULT_RESOURCE_NOT_FOUND = 2150858811  # 0x8033803B: resource URI / configuration not in the catalog
FAULT_SHELL_NOT_FOUND = 2150858843  # 0x8033805B
FAULT_OPERATION_TIMEOUT = 2150858793  # 0x80338029: a Receive long-poll expired with nothing to send
FAULT_ACTION_NOT_SUPPORTED = 2150858778  # 0x8033801A
FAULT_INVALID_REQUEST = 2150858817  # 0x80338041: malformed selector/body


class WSManError(Exception):
    """A request the emulator answers with a WSMan fault."""

    def __init__(self, code: int, reason: str, subcode: str = "w:InternalError") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.subcode = subcode


@dataclass
class Request:
    action: str  #: short name: Create, Command, ...; the full URI when unknown
    message_id: str
    resource_uri: str
    selectors: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    body: ET.Element | None = None
    operation_timeout: float | None = None

    @property
    def shell_id(self) -> str | None:
        return self.selectors.get("ShellId")


def _parse_duration(text: str | None) -> float | None:
    # WSMan OperationTimeout is an xs:duration such as PT20S or PT20.500S.
    if not text or not text.startswith("PT") or not text.endswith("S"):
        return None
    try:
        return float(text[2:-1])
    except ValueError:
        return None


def parse_request(data: bytes) -> Request:
    """Parse a SOAP request; raises ET.ParseError or WSManError when it is not one."""
    root = ET.fromstring(data)
    header = root.find("s:Header", NS)
    body = root.find("s:Body", NS)
    if header is None or body is None:
        raise WSManError(
            FAULT_INVALID_REQUEST, "The request is not a SOAP envelope.", "w:InvalidMessageInformationHeader"
        )

    def text(path: str) -> str:
        node = header.find(path, NS)
        return (node.text or "").strip() if node is not None else ""

    action_uri = text("wsa:Action")
    selectors = {
        sel.get("Name", ""): (sel.text or "").strip() for sel in header.findall("wsman:SelectorSet/wsman:Selector", NS)
    }
    options = {
        opt.get("Name", ""): (opt.text or "").strip() for opt in header.findall("wsman:OptionSet/wsman:Option", NS)
    }
    return Request(
        action=ACTIONS.get(action_uri, action_uri),
        message_id=text("wsa:MessageID"),
        resource_uri=text("wsman:ResourceURI"),
        selectors=selectors,
        options=options,
        body=body[0] if len(body) else None,
        operation_timeout=_parse_duration(text("wsman:OperationTimeout")),
    )


def _envelope(action_uri: str, relates_to: str, body: str) -> bytes:
    return (
        '<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope"'
        ' xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"'
        ' xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer"'
        ' xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"'
        ' xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"'
        ' xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd">'
        "<s:Header>"
        f"<a:Action>{escape(action_uri)}</a:Action>"
        f"<a:MessageID>uuid:{str(uuid.uuid4()).upper()}</a:MessageID>"
        "<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>"
        f"<a:RelatesTo>{escape(relates_to)}</a:RelatesTo>"
        "</s:Header>"
        f"<s:Body>{body}</s:Body>"
        "</s:Envelope>"
    ).encode()


def response(request: Request, body: str = "") -> bytes:
    return _envelope(_RESPONSE_ACTIONS.get(request.action, request.action + "Response"), request.message_id, body)


def create_response(request: Request, endpoint: str, shell_id: str, owner: str, client_ip: str) -> bytes:
    uri = escape(request.resource_uri)
    body = (
        "<x:ResourceCreated>"
        f"<a:Address>{escape(endpoint)}</a:Address>"
        "<a:ReferenceParameters>"
        f"<w:ResourceURI>{uri}</w:ResourceURI>"
        f'<w:SelectorSet><w:Selector Name="ShellId">{escape(shell_id)}</w:Selector></w:SelectorSet>'
        "</a:ReferenceParameters>"
        "</x:ResourceCreated>"
        '<rsp:Shell xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">'
        f"<rsp:ShellId>{escape(shell_id)}</rsp:ShellId>"
        f"<rsp:ResourceUri>{uri}</rsp:ResourceUri>"
        f"<rsp:Owner>{escape(owner)}</rsp:Owner>"
        f"<rsp:ClientIP>{escape(client_ip)}</rsp:ClientIP>"
        "<rsp:IdleTimeOut>PT7200.000S</rsp:IdleTimeOut>"
        "<rsp:InputStreams>stdin pr</rsp:InputStreams>"
        "<rsp:OutputStreams>stdout</rsp:OutputStreams>"
        "<rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime>"
        "<rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity>"
        "</rsp:Shell>"
    )
    return response(request, body)


def command_response(request: Request, command_id: str) -> bytes:
    return response(
        request, f"<rsp:CommandResponse><rsp:CommandId>{escape(command_id)}</rsp:CommandId></rsp:CommandResponse>"
    )


def receive_response(request: Request, data: bytes, command_id: str | None, done: bool) -> bytes:
    cmd_attr = f" CommandId={quoteattr(command_id)}" if command_id else ""
    parts = ["<rsp:ReceiveResponse>"]
    if data:
        parts.append(f'<rsp:Stream Name="stdout"{cmd_attr}>{base64.b64encode(data).decode("ascii")}</rsp:Stream>')
    if command_id:
        state = "Done" if done else "Running"
        parts.append(f'<rsp:CommandState{cmd_attr} State="{_SHELL}CommandState/{state}"/>')
    parts.append("</rsp:ReceiveResponse>")
    return response(request, "".join(parts))


def fault(relates_to: str, code: int, reason: str, machine: str, subcode: str = "w:InternalError") -> bytes:
    """A WSManFault envelope laid out like WinRM's, which pypsrp parses into WSManFaultError."""
    body = (
        "<s:Fault>"
        f"<s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>{escape(subcode)}</s:Value></s:Subcode></s:Code>"
        f'<s:Reason><s:Text xml:lang="en-US">{escape(reason)}</s:Text></s:Reason>'
        "<s:Detail>"
        f'<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="{code}"'
        f" Machine={quoteattr(machine)}><f:Message>{escape(reason)}</f:Message></f:WSManFault>"
        "</s:Detail>"
        "</s:Fault>"
    )
    return _envelope("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", relates_to, body)

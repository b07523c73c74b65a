"""NTLM/Negotiate acceptor and WinRM message encryption (MS-WSMV "Encrypted Boundary").

pyspnego's pure-Python NTLM acceptor reads accounts from the file named by the process-wide
``NTLM_USER_FILE`` environment variable.  `UserFile` writes such a file for the lifetime of the
emulators that need it and restores the previous value afterwards; it is reference counted so
two NTLM emulators in one process share one file holding both their accounts.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import threading
from typing import Any

import spnego

PROTOCOL = "application/HTTP-SPNEGO-session-encrypted"
BOUNDARY = "Encrypted Boundary"
CONTENT_TYPE = f'multipart/encrypted;protocol="{PROTOCOL}";boundary="{BOUNDARY}"'


class UserFile:
    """Refcounted NTLM_USER_FILE shared by every live NTLM emulator in this process."""

    _lock = threading.Lock()
    _owners: dict[int, dict[str, str]] = {}
    _path: str | None = None
    _saved: str | None = None

    @classmethod
    def acquire(cls, owner: int, users: dict[str, str]) -> None:
        with cls._lock:
            if not cls._owners:
                cls._saved = os.environ.get("NTLM_USER_FILE")
                fd, cls._path = tempfile.mkstemp(prefix="cklauto-ntlm-", suffix=".txt")
                os.close(fd)
                os.environ["NTLM_USER_FILE"] = cls._path
            cls._owners[owner] = dict(users)
            cls._write()

    @classmethod
    def release(cls, owner: int) -> None:
        with cls._lock:
            if cls._owners.pop(owner, None) is None:
                return
            if cls._owners:
                cls._write()
                return
            if cls._saved is None:
                os.environ.pop("NTLM_USER_FILE", None)
            else:
                os.environ["NTLM_USER_FILE"] = cls._saved
            if cls._path:
                try:
                    os.unlink(cls._path)
                except OSError:
                    pass
            cls._path = cls._saved = None

    @classmethod
    def _write(cls) -> None:
        lines = []
        for users in cls._owners.values():
            for user, password in users.items():
                # Heimdal format DOMAIN:USER:PASSWORD; a UPN goes in the user field with no domain.
                domain, _, name = user.rpartition("\\")
                lines.append(f"{domain}:{name}:{password}")
        assert cls._path is not None
        with open(cls._path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


def new_acceptor() -> Any:
    # "negotiate" accepts both SPNEGO-wrapped and raw NTLMSSP tokens, so pypsrp's
    # auth="negotiate" and auth="ntlm" both work against it.
    return spnego.server(protocol="negotiate", options=spnego.NegotiateOptions.wrapping_winrm)


def unwrap(context: Any, body: bytes, content_type: str) -> bytes:
    """Decrypt an MS-WSMV multipart/encrypted body; raises ValueError when it is not one."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    boundary = match.group(1) if match else BOUNDARY
    marker = b"--" + boundary.encode()
    parts = [p for p in re.split(re.escape(marker) + rb"(?:--)?\r\n", body) if p]
    plain = b""
    # Parts come in pairs: a header part with the original length, then the octet stream.
    for i in range(0, len(parts) - 1, 2):
        header, payload = parts[i], parts[i + 1]
        length_match = re.search(rb"Length=(\d+)", header)
        if not length_match:
            raise ValueError("encrypted part without a Length")
        prefix = b"\tContent-Type: application/octet-stream\r\n"
        if payload.startswith(prefix):
            payload = payload[len(prefix) :]
        if len(payload) < 4:
            raise ValueError("truncated encrypted part")
        (sig_len,) = struct.unpack("<I", payload[:4])
        data = context.unwrap_winrm(payload[4 : 4 + sig_len], payload[4 + sig_len :])
        if len(data) != int(length_match.group(1)):
            raise ValueError("decrypted length does not match")
        plain += data
    if not parts:
        raise ValueError("empty encrypted body")
    return plain


def wrap(context: Any, message: bytes, protocol: str = PROTOCOL) -> bytes:
    """Encrypt ``message`` as a Windows server does; ``protocol`` names the scheme (SPNEGO or Kerberos)."""
    header, data, padding = context.wrap_winrm(message)
    return (
        (
            f"--{BOUNDARY}\r\n"
            f"\tContent-Type: {protocol}\r\n"
            f"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length={len(message) + padding}\r\n"
            f"--{BOUNDARY}\r\n"
            "\tContent-Type: application/octet-stream\r\n"
        ).encode()
        + struct.pack("<I", len(header))
        + header
        + data
        + f"--{BOUNDARY}--\r\n".encode()
    )

"""Kerberos acceptor for the emulated Exchange: pyspnego over gssapi, keys from a keytab.

A Windows server running Exchange accepts ``Authorization: Negotiate <token>`` (SPNEGO, or a raw
Kerberos AP-REQ, which pypsrp sends for ``auth="kerberos"``) and ``Authorization: Kerberos
<token>``, answers with the mutual-authentication token, and then seals every WinRM body with the
Kerberos session key (MS-WSMV "Encrypted Boundary", protocol
``application/HTTP-SPNEGO-session-encrypted`` or ``application/HTTP-Kerberos-session-encrypted``,
whichever the client used).  The sealing format is the NTLM one (`cklauto.emulator.ntlm`); only
the security context differs.

The acceptor reads its keys from the keytab named by the process-wide ``KRB5_KTNAME`` variable
(pyspnego offers no per-context keytab for acceptors).  `AcceptorKeytab` sets it for the lifetime
of the Kerberos emulators in this process and restores it afterwards; two emulators with
different keytabs cannot run in one process at the same time.
"""

from __future__ import annotations

import os
import threading
from typing import Any

SPNEGO_PROTOCOL = "application/HTTP-SPNEGO-session-encrypted"
KERBEROS_PROTOCOL = "application/HTTP-Kerberos-session-encrypted"
#: What the emulator offers in ``WWW-Authenticate`` by default, as IIS with Windows authentication.
DEFAULT_SCHEMES = ("Negotiate", "Kerberos")


def unavailable() -> str | None:
    """Why this process cannot accept Kerberos (the gssapi package is missing), or None."""
    try:
        import gssapi  # noqa: F401
    except ImportError as exc:
        return f"the Python gssapi package is not usable ({exc}); install cklauto[kerberos]"
    return None


class AcceptorKeytab:
    """Refcounted ``KRB5_KTNAME`` shared by every live Kerberos emulator in this process."""

    _lock = threading.Lock()
    _owners: dict[int, str] = {}
    _saved: str | None = None

    @classmethod
    def acquire(cls, owner: int, keytab: str) -> None:
        name = keytab if ":" in keytab.split(os.sep, 1)[0] else f"FILE:{os.path.abspath(keytab)}"
        with cls._lock:
            current = next(iter(cls._owners.values()), None)
            if current is not None and current != name:
                raise ValueError(f"another Kerberos emulator in this process uses the keytab {current}")
            if not cls._owners:
                cls._saved = os.environ.get("KRB5_KTNAME")
                os.environ["KRB5_KTNAME"] = name
            cls._owners[owner] = name

    @classmethod
    def release(cls, owner: int) -> None:
        with cls._lock:
            if cls._owners.pop(owner, None) is None or cls._owners:
                return
            if cls._saved is None:
                os.environ.pop("KRB5_KTNAME", None)
            else:
                os.environ["KRB5_KTNAME"] = cls._saved
            cls._saved = None


def new_acceptor() -> Any:
    import spnego

    # "negotiate" takes SPNEGO tokens and raw Kerberos AP-REQs alike, as Windows does.
    return spnego.server(protocol="negotiate", options=spnego.NegotiateOptions.wrapping_winrm)


def sealing_protocol(content_type: str) -> str:
    """The protocol a sealed request used; the answer is sealed with the same one."""
    return KERBEROS_PROTOCOL if KERBEROS_PROTOCOL.lower() in content_type.lower() else SPNEGO_PROTOCOL


def client_principal(context: Any) -> str | None:
    try:
        name = context.client_principal
    except Exception:  # noqa: BLE001 - NTLM contexts and older pyspnego have none
        return None
    return str(name) if name else None

"""Talking to Exchange: the only part of cklauto that uses PowerShell remoting (pypsrp).

Importing this package does not import pypsrp; `fetch_send_connectors` does, when called.
"""

from cklauto.remoting.session import ConnectionSettings, FetchResult, fetch_send_connectors

__all__ = ["ConnectionSettings", "FetchResult", "fetch_send_connectors"]

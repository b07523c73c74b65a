"""Talking to Exchange: the only part of cklauto that uses PowerShell remoting (pypsrp).

Importing this package does not import pypsrp; `ask_server` does, when called.
"""

from cklauto.remoting.session import ConnectionSettings

__all__ = ["ConnectionSettings"]

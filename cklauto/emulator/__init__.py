"""An emulated Exchange 2013 remote-PowerShell endpoint (WS-Management + PSRP) on loopback.

It is a fake *server*: real pypsrp clients talk to it over real HTTP(S) sockets, so tests
exercise the same code a real Exchange server would.  It knows nothing about cklauto's client.

Example::

    from cklauto.emulator import EmulatedExchange, HostBehavior

    host = HostBehavior("ex01.contoso.mil", connectors=[{"Name": "Outbound", "TlsDomain": "contoso.com"}])
    with EmulatedExchange([host]) as emu:
        WSMan("127.0.0.1", port=emu.port_of("ex01.contoso.mil"), path="PowerShell", auth="basic",
              username="CONTOSO\\\\svc-stig", password="P@ssw0rd!", cert_validation=emu.ca_path)
        emu.behavior("ex01.contoso.mil").fail = "hang"   # flip a knob on the running server
        emu.stats("ex01.contoso.mil").pools_opened        # counters
"""

from cklauto.emulator.behavior import FAIL_MODES, HostBehavior, HostStats
from cklauto.emulator.hostsfile import load_hosts_file, serve_forever_until_interrupted
from cklauto.emulator.server import EmulatedExchange

__all__ = [
    "FAIL_MODES",
    "EmulatedExchange",
    "HostBehavior",
    "HostStats",
    "load_hosts_file",
    "serve_forever_until_interrupted",
]

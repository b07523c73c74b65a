"""Kerberos tests with real parts: a real MIT KDC on loopback, real keytabs, the emulated Exchange
accepting Kerberos with them, and ``cklauto`` run as a separate process with its own Kerberos
configuration (``KRB5_CONFIG``) and ticket cache (``KRB5CCNAME``), as a user would run it.

Host names: the client connects to ``localhost`` (it resolves to 127.0.0.1 everywhere, so the
default service principal ``host/localhost`` is used as pypsrp builds it), or to 127.0.0.1 with
``--spn-host ex01.contoso.test`` for a name that no resolver knows.  Neither /etc/hosts nor the
system's Kerberos configuration is read or written.

Skipped, with the packages to install, where the KDC tools or the Python gssapi/krb5 packages are
missing (the rest of the suite needs neither).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cklauto.emulator import EmulatedExchange, HostBehavior
from tests.conftest import SAMPLES
from tests.kerberos import kdc

PASSWORD = "Kerb-Tr0ub4dor&3-never-print"
USER = "svc-stig"
KEYTAB_USER = "svc-batch"
EXPIRED_USER = "old-pw"
LOCKED_USER = "locked-out"
HOST = "ex01.contoso.test"  # the emulated server; its SPN is registered in the realm
SERVICES = ("localhost", HOST)
LB_NAME = "mail.contoso.test"  # a load-balanced namespace: HTTP/mail.contoso.test
STALE_NAME = "stale.contoso.test"  # registered, but the server's keytab holds an old key
DOMAIN = "contoso.mil"
COMPLIANT = [
    {"Name": "Internal Relay", "Identity": "Internal Relay", "TlsDomain": "contoso.mil"},
    {"Name": "To Site B", "Identity": "To Site B", "TlsDomain": "contoso.mil"},
]


def _skip_reason() -> str | None:
    missing = kdc.missing_tools()
    if missing:
        return f"Kerberos tests need {', '.join(missing)}: {kdc.PACKAGES_HINT}"
    try:
        import gssapi  # noqa: F401
        import krb5  # noqa: F401
    except ImportError:
        return (
            "Kerberos tests need the Python gssapi and krb5 packages: apt-get install libkrb5-dev gcc, "
            "then pip install '.[test,kerberos]'"
        )
    return None


@pytest.fixture(scope="session")
def realm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kdc.Realm]:
    """CONTOSO.TEST on a real krb5kdc: a user, an expired-password user, a keytab user, and SPNs."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    running = kdc.start_realm(tmp_path_factory.mktemp("realm"))
    try:
        running.add_user(USER, PASSWORD)
        running.add_user(EXPIRED_USER, PASSWORD, "-pwexpire", "yesterday")
        running.add_user(LOCKED_USER, PASSWORD, "-allow_tix")  # as a disabled or locked-out account
        running.add_keytab_user(KEYTAB_USER)
        running.add_services(*SERVICES, STALE_NAME)
        running.add_services(LB_NAME, service="HTTP")
        # A new key for the stale SPN that the server's keytab does not have (a duplicate SPN or
        # a reset machine account look like this to a client).
        running.kadmin(f"cpw -randkey host/{STALE_NAME}")
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def skewed_realm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kdc.Realm]:
    """The same realm name on a KDC whose clock runs 15 minutes ahead, for a client that trusts its own clock."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    running = kdc.start_realm(tmp_path_factory.mktemp("skewed"), time_offset=900, kdc_timesync="0")
    try:
        running.add_user(USER, PASSWORD)
        yield running
    finally:
        running.stop()


@pytest.fixture
def exchange(realm: kdc.Realm) -> Iterator[EmulatedExchange]:
    """One emulated Exchange server over plain HTTP that accepts only Kerberos (keys from the realm's keytab)."""
    host = HostBehavior(name=HOST, connectors=[dict(c) for c in COMPLIANT])
    with EmulatedExchange([host], tls=False, auth="kerberos", keytab=str(realm.service_keytab)) as emu:
        yield emu


@dataclass
class Run:
    """One finished ``cklauto`` process."""

    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def error_line(self) -> str:
        # The summary lists each failure under "Failures (N):"; usage errors come as "Error: ..." lines.
        text = self.output.splitlines()
        start = next((i for i, line in enumerate(text) if line.startswith("Failures")), None)
        failures = [line for line in text[start + 1 :] if line.startswith("  ")] if start is not None else []
        lines = failures or [line for line in text if "error" in line.lower()]
        assert lines, f"no error line in:\n{self.output}"
        return lines[0]


@dataclass
class Client:
    """Runs cklauto in its own process with the realm's krb5.conf and a private ticket cache."""

    realm: kdc.Realm
    folder: Path
    checklist: Path
    ccache: Path
    env: dict[str, str] = field(default_factory=dict)

    def kinit(
        self, principal: str = f"{USER}@{kdc.REALM}", password: str = PASSWORD, lifetime: str | None = None
    ) -> None:
        self.realm.kinit(principal, password, self.ccache, lifetime)

    def environment(self, krb5_conf: Path | None = None, **extra: str) -> dict[str, str]:
        env = self.realm.client_env(self.ccache, **self.env, **extra)
        if krb5_conf is not None:
            env["KRB5_CONFIG"] = str(krb5_conf)
        return env

    def run(
        self,
        *args: str,
        krb5_conf: Path | None = None,
        python_prelude: str | None = None,
        timeout: float = 90,
        **extra_env: str,
    ) -> Run:
        if python_prelude is None:
            command = [sys.executable, "-m", "cklauto", *args]
        else:
            code = f"{python_prelude}\nfrom cklauto.cli import main\nmain(prog_name='cklauto')"
            command = [sys.executable, "-c", code, *args]
        started = time.monotonic()
        done = subprocess.run(
            command,
            env=self.environment(krb5_conf, **extra_env),
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started)

    def check(
        self, exchange: EmulatedExchange, *args: str, server: str = "localhost", verbose: int = 0, **kw: Any
    ) -> Run:
        """``cklauto run CHECKLIST`` against ``exchange``, Kerberos by default, over plain HTTP by default."""
        base = ["-v"] * verbose + [
            "run",
            str(self.checklist),
            "--rule",
            "EX13-MB-000120",
            "--domain",
            DOMAIN,
            "--server",
            server,
        ]
        base += ["--port", str(exchange.port_of(HOST)), "--timeout", "20"]
        return self.run(*base, *args, **kw)


@pytest.fixture
def client(realm: kdc.Realm, tmp_path: Path) -> Client:
    checklist = tmp_path / "ex01.contoso.mil.ckl"
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", checklist)
    return Client(realm=realm, folder=tmp_path, checklist=checklist, ccache=tmp_path / "krb5cc")


@pytest.fixture
def kerberos_env(realm: kdc.Realm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This process uses the realm's krb5.conf and a private, empty ticket cache (for in-process tests)."""
    from cklauto.remoting import kerberos

    for name in list(os.environ):
        if name.startswith("KRB5") and name != "KRB5_KTNAME":
            monkeypatch.delenv(name)
    ccache = tmp_path / "krb5cc-in-process"
    monkeypatch.setenv("KRB5_CONFIG", str(realm.krb5_conf))
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{ccache}")
    kerberos.forget_tickets()
    yield ccache
    kerberos.forget_tickets()


@dataclass
class SilentKdc:
    """A KDC address that accepts packets and connections and never answers."""

    port: int
    sockets: list[socket.socket]


@pytest.fixture
def silent_kdc() -> Iterator[SilentKdc]:
    port = kdc.free_port()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", port))
    tcp.listen(16)
    try:
        yield SilentKdc(port, [udp, tcp])
    finally:
        udp.close()
        tcp.close()


def client_config(folder: Path, kdc_port: int, **libdefaults: str) -> Path:
    """A krb5.conf for CONTOSO.TEST whose KDC is at ``kdc_port`` on loopback."""
    folder.mkdir(parents=True, exist_ok=True)
    kdc.write_configs(folder, kdc_port, **libdefaults)
    return folder / "krb5.conf"

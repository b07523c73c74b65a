"""A throwaway MIT Kerberos realm on loopback, for tests: real ``krb5kdc``, real database, real keytabs.

Everything lives in one temporary folder: ``kdc.conf`` (read by the KDC tools through
``KRB5_KDC_PROFILE``), ``krb5.conf`` (read by every client and by the emulated servers through
``KRB5_CONFIG``), the database, its stash, and the keytabs.  Nothing under /etc is read or
written, and the KDC listens on 127.0.0.1 only, on a free port.

Needs Debian's ``krb5-kdc`` and ``krb5-admin-server`` (``kdb5_util``, ``kadmin.local``,
``krb5kdc``); `missing_tools` says what is absent so tests can skip with that reason.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REALM = "CONTOSO.TEST"
#: Where the tools live on Debian; PATH of a non-login root shell may lack the sbin folders.
_SEARCH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
TOOLS = ("kdb5_util", "kadmin.local", "krb5kdc", "kinit")
PACKAGES_HINT = "apt-get install krb5-kdc krb5-admin-server krb5-user (MIT Kerberos KDC and kinit)"


def tool(name: str) -> str | None:
    return shutil.which(name, path=_SEARCH)


def missing_tools() -> list[str]:
    return [name for name in TOOLS if tool(name) is None]


def free_port() -> int:
    """A port free on 127.0.0.1 for both TCP and UDP (the KDC listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return int(port)
    raise RuntimeError("no free port on 127.0.0.1")


@dataclass
class Realm:
    """A running KDC and the files a client or server needs to use it."""

    folder: Path
    port: int
    realm: str = REALM
    process: subprocess.Popen[bytes] | None = None
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def krb5_conf(self) -> Path:
        return self.folder / "krb5.conf"

    @property
    def kdc_conf(self) -> Path:
        return self.folder / "kdc.conf"

    @property
    def service_keytab(self) -> Path:
        return self.folder / "services.keytab"

    def keytab(self, name: str) -> Path:
        return self.folder / f"{name}.keytab"

    def principal(self, name: str) -> str:
        return f"{name}@{self.realm}"

    # --- environment --------------------------------------------------------------------------
    def tool_env(self) -> dict[str, str]:
        return {**os.environ, "KRB5_CONFIG": str(self.krb5_conf), "KRB5_KDC_PROFILE": str(self.kdc_conf)}

    def client_env(self, ccache: Path | str, **extra: str) -> dict[str, str]:
        """Environment for a client process: this realm's krb5.conf, its own ticket cache, nothing inherited."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KRB5", "CKLAUTO_", "NTLM_USER_FILE"))}
        env.update({"KRB5_CONFIG": str(self.krb5_conf), "KRB5CCNAME": f"FILE:{ccache}"})
        env.update(extra)
        return env

    # --- administration -----------------------------------------------------------------------
    def kadmin(self, *queries: str) -> str:
        """Run kadmin.local queries (one process, queries on stdin); raise on any error."""
        result = subprocess.run(
            [tool("kadmin.local") or "kadmin.local", "-r", self.realm],
            input="\n".join(queries) + "\nquit\n",
            env=self.tool_env(),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode != 0 or "error" in result.stderr.lower() or "while" in result.stderr.lower():
            raise RuntimeError(f"kadmin.local failed: {result.stderr.strip()}")
        return result.stdout

    def add_user(self, name: str, password: str, *options: str) -> str:
        self.kadmin(f"addprinc {' '.join(options)} -pw {password} {name}")
        self.passwords[name] = password
        return self.principal(name)

    def add_keytab_user(self, name: str) -> Path:
        """A principal with a random key, exported to its own keytab (a service account's keytab)."""
        path = self.keytab(name)
        self.kadmin(f"addprinc -randkey {name}", f"ktadd -k {path} {name}")
        return path

    def add_services(self, *host_names: str, service: str = "host") -> None:
        """Register ``service/name`` principals and add their keys to the services keytab."""
        principals = [f"{service}/{name}" for name in host_names]
        self.kadmin(
            *[f"addprinc -randkey {p}" for p in principals], f"ktadd -k {self.service_keytab} {' '.join(principals)}"
        )

    def kinit(self, principal: str, password: str, ccache: Path, lifetime: str | None = None) -> None:
        """Get a ticket into ``ccache`` with the real ``kinit``, as a user would."""
        args = [tool("kinit") or "kinit", *(["-l", lifetime] if lifetime else []), principal]
        result = subprocess.run(
            args, input=password + "\n", env=self.client_env(ccache), capture_output=True, text=True, timeout=30
        )
        if result.returncode != 0:
            raise RuntimeError(f"kinit failed: {result.stderr.strip()}")

    # --- life cycle ---------------------------------------------------------------------------
    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


def write_configs(folder: Path, port: int, realm: str = REALM, kdc_port: int | None = None, **libdefaults: str) -> None:
    """Write kdc.conf and krb5.conf; ``kdc_port`` lets a client config point elsewhere than the KDC."""
    settings = {
        "default_realm": realm,
        "dns_lookup_kdc": "false",
        "dns_lookup_realm": "false",
        # Names are used as given: no DNS canonicalisation or reverse lookups (nothing here is in DNS).
        "dns_canonicalize_hostname": "false",
        "rdns": "false",
        "ticket_lifetime": "10h",
        "forwardable": "false",
        # Where the emulated servers' acceptor finds its keys.
        "default_keytab_name": f"FILE:{folder / 'services.keytab'}",
        **libdefaults,
    }
    lines = ["[libdefaults]"] + [f"    {k} = {v}" for k, v in settings.items()]
    lines += [
        "[realms]",
        f"    {realm} = {{",
        f"        kdc = 127.0.0.1:{kdc_port or port}",
        "    }",
        "[domain_realm]",
        f"    localhost = {realm}",
        f"    .{realm.lower()} = {realm}",
        f"    {realm.lower()} = {realm}",
    ]
    (folder / "krb5.conf").write_text("\n".join(lines) + "\n", encoding="ascii")
    (folder / "kdc.conf").write_text(
        "\n".join(
            [
                "[kdcdefaults]",
                f"    kdc_listen = 127.0.0.1:{port}",
                f"    kdc_tcp_listen = 127.0.0.1:{port}",
                "[realms]",
                f"    {realm} = {{",
                f"        database_name = {folder / 'principal'}",
                f"        key_stash_file = {folder / 'stash'}",
                f"        acl_file = {folder / 'kadm5.acl'}",
                "        max_life = 10h",
                "        max_renewable_life = 0",
                # As Active Directory: pre-authentication is required, so a wrong password is
                # reported as such by the KDC instead of surfacing as a decryption failure.
                "        default_principal_flags = +preauth",
                "        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal",
                "    }",
                "[logging]",
                f"    kdc = FILE:{folder / 'kdc.log'}",
            ]
        )
        + "\n",
        encoding="ascii",
    )
    (folder / "kadm5.acl").write_text("", encoding="ascii")


def start_realm(folder: Path, realm: str = REALM, time_offset: int = 0, **libdefaults: str) -> Realm:
    """Create a realm database in ``folder`` and start its KDC on a free loopback port.

    ``time_offset`` runs the KDC that many seconds off the real clock (``krb5kdc -T``), for
    clock-skew tests.  Raises RuntimeError (with the KDC's own words) when it does not come up.
    """
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    write_configs(folder, port, realm, **libdefaults)
    kdc = Realm(folder=folder, port=port, realm=realm)
    subprocess.run(
        [tool("kdb5_util") or "kdb5_util", "-r", realm, "create", "-s", "-P", "master-key-for-tests-only"],
        env=kdc.tool_env(),
        capture_output=True,
        timeout=60,
        check=True,
    )
    args = [tool("krb5kdc") or "krb5kdc", "-n", "-r", realm, "-P", str(folder / "kdc.pid")]
    if time_offset:
        args += ["-T", str(time_offset)]
    kdc.process = subprocess.Popen(
        args, env=kdc.tool_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if kdc.process.poll() is not None:
            err = kdc.process.stderr.read().decode(errors="replace") if kdc.process.stderr else ""
            raise RuntimeError(f"krb5kdc exited: {err.strip()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return kdc
        except OSError:
            time.sleep(0.05)
    kdc.stop()
    raise RuntimeError("krb5kdc did not start listening within 15 s")

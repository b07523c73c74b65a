"""The same client code against a real Exchange server, when one is configured.

Skipped unless CKLAUTO_TEST_SERVER names a server (a lab Exchange 2013+ Mailbox server).  Other
settings: CKLAUTO_TEST_DOMAIN (internal SMTP domain, default contoso.mil), CKLAUTO_TEST_AUTH
(default kerberos), CKLAUTO_TEST_USERNAME and CKLAUTO_PASSWORD (or a Kerberos ticket),
CKLAUTO_TEST_CA_BUNDLE, CKLAUTO_TEST_NO_SSL=1.  Nothing is ever written to the server: the check
only reads Send connectors, and the checklist is a temporary copy.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cklauto.checks.api import ResolvedQuery, Scope
from cklauto.cli import main
from cklauto.errors import CklautoError
from cklauto.remoting import ConnectionSettings
from cklauto.remoting.pipelines import ask_server
from tests.conftest import SAMPLES

SERVER = os.environ.get("CKLAUTO_TEST_SERVER")
pytestmark = pytest.mark.skipif(not SERVER, reason="no real Exchange server configured (set CKLAUTO_TEST_SERVER)")


def live_settings() -> ConnectionSettings:
    return ConnectionSettings(
        server=SERVER or "",
        ssl=os.environ.get("CKLAUTO_TEST_NO_SSL") != "1",
        auth=os.environ.get("CKLAUTO_TEST_AUTH", "kerberos"),
        username=os.environ.get("CKLAUTO_TEST_USERNAME"),
        password=os.environ.get("CKLAUTO_PASSWORD"),
        ca_bundle=os.environ.get("CKLAUTO_TEST_CA_BUNDLE"),
        timeout=60,
    )


def test_real_server_answers_with_send_connectors() -> None:
    query = ResolvedQuery("Get-SendConnector", scope=Scope.ORGANIZATION)
    result = ask_server(live_settings(), [query])
    answer = result.answers[query]
    assert not isinstance(answer, CklautoError), answer
    assert all(r["Name"] for r in answer.records)
    assert result.configuration


def test_real_server_end_to_end_dry_run(tmp_path: Path) -> None:
    checklist = tmp_path / "real.ckl"
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", checklist)
    settings = live_settings()
    args = ["run", str(checklist), "--server", settings.server, "--auth", settings.auth, "--dry-run", "--json"]
    args += ["--domain", os.environ.get("CKLAUTO_TEST_DOMAIN", "contoso.mil")]
    if settings.username:
        args += ["--username", settings.username]
    if settings.ca_bundle:
        args += ["--ca-bundle", settings.ca_bundle]
    if not settings.ssl:
        args.append("--no-ssl")
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert checklist.read_bytes() == (SAMPLES / "ex01.contoso.mil.ckl").read_bytes()

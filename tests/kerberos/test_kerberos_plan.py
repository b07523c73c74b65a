"""Which credentials and which service principal cklauto picks, against the real realm's files (no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cklauto.errors import RemoteError
from cklauto.remoting import ConnectionSettings, kerberos, kerberos_errors
from tests.kerberos import kdc
from tests.kerberos.conftest import KEYTAB_USER, PASSWORD, USER

PRINCIPAL = f"{USER}@{kdc.REALM}"


def settings(**values) -> ConnectionSettings:
    return ConnectionSettings(**{"server": "ex01.contoso.test", **values})


def test_names_map_to_principals(kerberos_env: Path) -> None:
    assert kerberos.principal_for(None) is None
    assert kerberos.principal_for("svc-stig@contoso.test") == PRINCIPAL
    assert kerberos.principal_for("svc-stig") == PRINCIPAL  # the default realm, as kinit does
    assert kerberos.principal_for("CONTOSO\\svc-stig") == PRINCIPAL  # DOMAIN is the realm's first label
    with pytest.raises(kerberos.NotAPrincipal, match="user@REALM") as info:
        kerberos.principal_for("FABRIKAM\\svc-stig")
    assert info.value.hint == f"use --username svc-stig@{kdc.REALM}"


def test_the_order_is_ticket_then_keytab_then_password(
    realm: kdc.Realm, kerberos_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keytab = str(realm.keytab(KEYTAB_USER))
    # Nothing at all: an error that says what to do.
    with pytest.raises(RemoteError, match="no Kerberos ticket in FILE:.* and no --username"):
        kerberos.plan(settings())
    # A password alone.
    chosen = kerberos.plan(settings(username=PRINCIPAL, password=PASSWORD))
    assert (chosen.kind, chosen.principal, chosen.source) == ("password", PRINCIPAL, "password")
    assert PASSWORD not in repr(chosen)
    # A keytab beats the password of another identity only when no user is named.
    monkeypatch.setenv("KRB5_CLIENT_KTNAME", keytab)
    chosen = kerberos.plan(settings())
    assert (chosen.kind, chosen.principal, chosen.source) == (
        "keytab",
        f"{KEYTAB_USER}@{kdc.REALM}",
        f"keytab {keytab}",
    )
    assert kerberos.plan(settings(username=PRINCIPAL, password=PASSWORD)).kind == "password"
    # A valid ticket comes first, with or without the user named.
    realm.kinit(PRINCIPAL, PASSWORD, kerberos_env)
    for named in (None, PRINCIPAL):
        chosen = kerberos.plan(settings(username=named, password=PASSWORD))
        assert (chosen.kind, chosen.source) == ("ccache", f"ticket cache FILE:{kerberos_env}"), named
    assert kerberos.has_credentials(PRINCIPAL)
    assert kerberos.has_credentials(f"{KEYTAB_USER}@{kdc.REALM}")  # its keytab
    assert not kerberos.has_credentials(f"nobody@{kdc.REALM}")


def test_spn_defaults_to_host_slash_server_and_can_be_overridden(kerberos_env: Path) -> None:
    assert kerberos.plan(settings(username=PRINCIPAL, password="x")).spn == "host/ex01.contoso.test"
    chosen = kerberos.plan(
        settings(server="10.0.0.5", username=PRINCIPAL, password="x", spn_service="HTTP", spn_host="mail.contoso.test")
    )
    assert chosen.spn == "HTTP/mail.contoso.test"
    with pytest.raises(RemoteError, match="not the address 10.0.0.5"):
        kerberos.plan(settings(server="10.0.0.5", username=PRINCIPAL, password="x"))


def test_negotiate_falls_back_only_when_kerberos_cannot_start(kerberos_env: Path) -> None:
    assert kerberos.kerberos_possible(settings(auth="negotiate", username=PRINCIPAL)) is None
    assert "address" in kerberos.kerberos_possible(settings(server="127.0.0.1", auth="negotiate"))
    assert "user@REALM" in kerberos.kerberos_possible(settings(auth="negotiate", username="FABRIKAM\\u"))


def test_the_kdc_wait_fits_inside_the_host_timeout() -> None:
    for timeout in (1, 2, 4, 10, 30, 60, 3600):
        wait = kerberos.kdc_wait(timeout)
        assert 0 < wait < timeout and wait <= 20, (timeout, wait)


def test_missing_library_messages_name_the_packages() -> None:
    reason, hint = kerberos_errors.missing_library("No module named 'gssapi'")
    assert "gssapi and krb5 are not installed" in reason and "pip install 'cklauto[kerberos]'" in hint
    reason, hint = kerberos_errors.missing_library("libgssapi_krb5.so.2: cannot open shared object file")
    assert "system library is missing" in reason
    assert any(package in hint for package in ("libgssapi-krb5-2", "krb5-libs", "zypper install krb5"))

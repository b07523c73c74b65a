"""Over plain HTTP every message is sealed, both ways: an answer in clear text is refused (NTLM here;
tests/kerberos covers Kerberos against a real KDC)."""

from __future__ import annotations

import pytest

from cklauto.emulator.testing import DEFAULT_HOST, DEFAULT_PASSWORD, DEFAULT_USER, make_host
from cklauto.errors import RemoteError
from cklauto.remoting import ConnectionSettings
from tests.remoting.helpers import fetch_send_connectors


def ntlm_settings(emu, **overrides) -> ConnectionSettings:
    values = dict(
        server="127.0.0.1",
        port=emu.port_of(DEFAULT_HOST),
        auth="ntlm",
        username=DEFAULT_USER,
        password=DEFAULT_PASSWORD,
        timeout=10.0,
    )
    values.update(overrides)
    return ConnectionSettings(**values)


def test_ntlm_defaults_to_http_with_sealing(emulator_factory) -> None:
    emu = emulator_factory([make_host()], tls=False, auth="ntlm")
    settings = ntlm_settings(emu)
    assert settings.ssl is False
    result = fetch_send_connectors(settings)
    assert result.endpoint_url.startswith("http://") and len(result.connectors) == 2


def test_an_answer_in_clear_text_is_refused(emulator_factory) -> None:
    emu = emulator_factory([make_host()], tls=False, auth="ntlm")
    emu.seal_replies = False
    with pytest.raises(RemoteError) as info:
        fetch_send_connectors(ntlm_settings(emu))
    assert info.value.kind == "protocol"
    assert "answered in clear text over plain HTTP after ntlm authentication" in str(info.value)
    assert emu.stats(DEFAULT_HOST).pipelines == 0, "nothing was run on the strength of a forgeable answer"

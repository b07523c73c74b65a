"""A hostile server cannot make the client read without limit, wait past its deadline, or follow it elsewhere.

Every test talks to the emulated Exchange with the real pypsrp client (and through ``cklauto run``
as a subprocess): answers that never end, announce a terabyte, trickle a byte at a time, or
redirect to plain HTTP.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from cklauto.emulator import EmulatedExchange, testing
from cklauto.emulator.testing import DEFAULT_HOST, make_host
from cklauto.errors import RemoteError
from cklauto.remoting.transport import MAX_RESPONSE_BYTES, describe_limit
from tests.conftest import REPO
from tests.hostile.network_support import RecordingListener, copy_sample, run_args, run_cklauto, settings_for
from tests.remoting.helpers import fetch_send_connectors

LIMIT = describe_limit(MAX_RESPONSE_BYTES)

emulator = testing.emulator  # the shared fixtures (no conftest in this folder)
emulator_factory = testing.emulator_factory


def remote_error(emu: EmulatedExchange, **overrides: object) -> RemoteError:
    with pytest.raises(RemoteError) as info:
        fetch_send_connectors(settings_for(emu, **overrides))
    error = info.value
    assert "\n" not in str(error) and str(error).startswith("127.0.0.1: "), "one line naming the host"
    return error


def misbehave(emu: EmulatedExchange, fail: str, fail_on: str = "Create", **knobs: object) -> None:
    host = emu.behavior(DEFAULT_HOST)
    host.fail, host.fail_on = fail, fail_on
    for key, value in knobs.items():
        setattr(host, key, value)


def test_the_limit_is_far_above_any_real_answer_and_documented() -> None:
    # A WS-Management answer is bounded by its envelope size (pypsrp asks for ~150 KiB, WinRM allows 500 KiB).
    assert MAX_RESPONSE_BYTES >= 100 * 500 * 1024
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"{LIMIT} per HTTP response" in readme


# --- size --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fail_on", ["Create", "Receive"])
def test_an_endless_body_ends_at_the_limit_with_a_clear_error(emulator: EmulatedExchange, fail_on: str) -> None:
    misbehave(emulator, "endless", fail_on)
    error = remote_error(emulator)
    assert error.kind == "protocol"
    assert f"larger than cklauto's limit of {LIMIT} per HTTP response" in error.reason


def test_a_body_announcing_a_terabyte_is_refused_before_it_is_read(emulator: EmulatedExchange) -> None:
    misbehave(emulator, "huge")
    error = remote_error(emulator)
    assert f"announces {2**40} bytes, more than cklauto's limit of {LIMIT}" in error.reason


@pytest.mark.parametrize("fail", ["endless", "huge", "redirect"])
def test_the_bounds_hold_on_the_answer_to_an_ntlm_handshake(emulator_factory, fail: str) -> None:
    # Over HTTPS the NTLM legs go through pypsrp's auth hook, which re-sends on response.connection.
    emu = emulator_factory([make_host()], auth="ntlm", tls=True)
    misbehave(emu, fail)
    error = remote_error(emu)
    assert ("redirect" if fail == "redirect" else LIMIT) in error.reason


def test_cklauto_run_against_an_endless_body_keeps_memory_bounded_and_the_checklist_intact(
    emulator: EmulatedExchange, tmp_path: Path
) -> None:
    checklist = copy_sample(tmp_path)
    before = checklist.read_bytes()
    misbehave(emulator, "endless", "Receive")
    done = run_cklauto(*run_args(emulator, checklist))
    assert done.returncode == 1, done.output
    assert f"larger than cklauto's limit of {LIMIT} per HTTP response" in done.stdout
    assert "Traceback" not in done.output
    assert checklist.read_bytes() == before
    # The cap plus the interpreter and pypsrp: far below the gigabytes an unbounded read reaches.
    assert done.max_rss_kib < 512 * 1024, f"peak memory {done.max_rss_kib // 1024} MiB"


# --- time --------------------------------------------------------------------------------------------
def remote_workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("cklauto-remote-") and t.is_alive()]


@pytest.mark.parametrize("fail_on", ["Create", "Receive"])
def test_a_body_that_trickles_forever_ends_at_the_hosts_deadline(emulator: EmulatedExchange, fail_on: str) -> None:
    # One byte every half second restarts the socket's read timeout each time: only the deadline ends it.
    misbehave(emulator, "trickle", fail_on)
    assert not remote_workers()
    started = time.monotonic()
    error = remote_error(emulator, timeout=3.0)
    elapsed = time.monotonic() - started
    assert error.kind == "timeout" and "no answer within 3 s" in error.reason
    assert elapsed < 3.0 + 2.0, f"took {elapsed:.1f} s"
    # The reader itself stops too, rather than reading on in the background for ever.
    give_up = time.monotonic() + 5.0
    while remote_workers() and time.monotonic() < give_up:
        time.sleep(0.1)
    assert not remote_workers(), "the worker still reads the trickling answer after the deadline"


def test_cklauto_run_against_a_trickling_body_ends_with_a_timeout(emulator: EmulatedExchange, tmp_path: Path) -> None:
    checklist = copy_sample(tmp_path)
    before = checklist.read_bytes()
    misbehave(emulator, "trickle", "Receive")
    done = run_cklauto(*run_args(emulator, checklist), "--timeout", "3")
    assert done.returncode == 1, done.output
    assert "no answer within 3 s" in done.stdout
    assert checklist.read_bytes() == before


# --- redirects ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fail_on", ["Create", "Command", "Receive"])
def test_a_redirect_to_plain_http_is_refused_and_named(emulator: EmulatedExchange, fail_on: str) -> None:
    misbehave(emulator, "redirect", fail_on)
    error = remote_error(emulator)
    port = emulator.port_of(DEFAULT_HOST)
    assert error.kind == "protocol"
    assert (
        f"https://127.0.0.1:{port}/PowerShell answered HTTP 307, a redirect to http://127.0.0.1:{port}/PowerShell"
        in error.reason
    )
    assert "downgrade from HTTPS to plain HTTP" in error.reason
    assert "does not follow redirects" in error.reason


def test_nothing_is_sent_where_a_redirect_points(emulator: EmulatedExchange) -> None:
    target = RecordingListener()
    try:
        misbehave(emulator, "redirect", redirect_to=target.url)
        error = remote_error(emulator)
        assert f"a redirect to {target.url}" in error.reason
        time.sleep(0.3)
        assert target.connections == 0
    finally:
        target.close()


def test_cklauto_run_refuses_a_redirect_and_keeps_the_checklist(emulator: EmulatedExchange, tmp_path: Path) -> None:
    checklist = copy_sample(tmp_path)
    before = checklist.read_bytes()
    target = RecordingListener()
    try:
        misbehave(emulator, "redirect", redirect_to=target.url)
        done = run_cklauto(*run_args(emulator, checklist))
        assert done.returncode == 1, done.output
        assert f"a redirect to {target.url} (a downgrade from HTTPS to plain HTTP)" in done.stdout
        assert "cklauto does not follow redirects" in done.stdout
        assert target.connections == 0
    finally:
        target.close()
    assert checklist.read_bytes() == before


def test_a_compressed_answer_is_bounded_after_decompression() -> None:
    # pypsrp asks for identity encoding, but a hostile server may gzip anyway: ~100 KiB on the wire, 100 MiB inside.
    import gzip
    import http.server

    import requests

    from cklauto.remoting.transport import BoundedAdapter

    bomb = gzip.compress(b"\0" * (100 * 2**20), compresslevel=9)

    class Bomb(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            self.wfile.write(bomb)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bomb)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with requests.Session() as session:
            adapter = BoundedAdapter(requests.adapters.HTTPAdapter(), host="bomb", deadline=time.monotonic() + 30)
            session.mount("http://", adapter)
            with pytest.raises(RemoteError) as info:
                session.post(f"http://127.0.0.1:{server.server_address[1]}/PowerShell", data=b"<x/>")
        assert len(bomb) < MAX_RESPONSE_BYTES
        assert f"larger than cklauto's limit of {LIMIT}" in str(info.value)
    finally:
        server.shutdown()
        server.server_close()


def test_a_hosts_file_can_ask_for_every_hostile_mode(tmp_path: Path) -> None:
    from cklauto.emulator import load_hosts_file
    from cklauto.emulator.behavior import FAIL_MODES
    from cklauto.errors import ConfigError

    hostile = ["huge", "endless", "trickle", "redirect", "echo_password_body", "echo_password_fault"]
    hostile.append("echo_password_record")
    assert set(hostile) <= set(FAIL_MODES)
    entries = [{"name": f"ex{i}.contoso.mil", "fail": mode} for i, mode in enumerate(hostile)]
    entries[3]["redirect_to"] = "http://ex09.contoso.mil/PowerShell"
    path = tmp_path / "hosts.json"
    path.write_text(json.dumps({"hosts": entries}), encoding="utf-8")
    hosts, _ = load_hosts_file(path)
    assert [h.fail for h in hosts] == hostile and hosts[3].redirect_to == "http://ex09.contoso.mil/PowerShell"
    path.write_text(json.dumps({"hosts": [{"name": "a", "fail": "redirect", "redirect_to": 5}]}), encoding="utf-8")
    with pytest.raises(ConfigError, match="redirect_to must be a URL string"):
        load_hosts_file(path)

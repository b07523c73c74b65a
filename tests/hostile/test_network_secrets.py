"""A server that echoes the credential back cannot get it into errors, reports, logs (-v, -vv) or finding details.

The emulator's echo_password_* modes put the password it was sent (plain, as the base64 of a
Basic header's ``user:password``, URL-encoded) into an HTTP error page, a WS-Management fault or
a PowerShell error record.  Masking is by whole token for short secrets, so that a short
password is not revealed by the holes masking would punch into ordinary words.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import urllib.parse
from pathlib import Path

import pytest

from cklauto.emulator import testing
from cklauto.emulator.testing import DEFAULT_HOST, make_host
from cklauto.errors import RemoteError
from cklauto.redact import MASK, Redactor, SecretFilter, redactor_for, secret_forms
from tests.hostile.network_support import copy_sample, run_args, run_cklauto, settings_for
from tests.remoting.helpers import fetch_send_connectors

emulator_factory = testing.emulator_factory  # the shared fixture (no conftest in this folder)

USER = "CONTOSO\\svc-stig"
PASSWORD = "Tr0ub4dor&3 never/print+me"


def forms_of(password: str, user: str = USER) -> dict[str, str]:
    """The forms a test looks for in output (each must be absent)."""
    return {
        "plain": password,
        "basic header": base64.b64encode(f"{user}:{password}".encode()).decode(),
        "base64": base64.b64encode(password.encode()).decode(),
        "url-encoded": urllib.parse.quote(password, safe=""),
        "form-encoded": urllib.parse.quote_plus(password),
        "xml-escaped": html.escape(password, quote=False),
        "json-escaped": json.dumps(password)[1:-1],
    }


def assert_no_secret(text: str, password: str = PASSWORD) -> None:
    for name, form in forms_of(password).items():
        assert form not in text, f"the password leaked ({name}: {form!r})"


# --- the masking itself ----------------------------------------------------------------------------------
def test_every_form_a_server_may_echo_is_masked() -> None:
    scrub = redactor_for(PASSWORD, username=USER)
    for name, form in forms_of(PASSWORD).items():
        lowered = form.replace("%2F", "%2f")  # percent-escapes in mixed case
        for text in (f"got {form} back", f"[{form}]", f"x{form}y", f"pw={lowered}&next"):
            cleaned = scrub(text)
            assert form not in cleaned and lowered not in cleaned, (name, cleaned)
            assert MASK in cleaned


def test_a_short_password_is_masked_as_a_whole_token_only() -> None:
    # Masking every "e" would print "G***t-S***ndConn***ctor" and so tell the reader the password.
    scrub = redactor_for("e", username=USER)
    assert scrub("Get-SendConnector failed at https://ex01/PowerShell") == (
        "Get-SendConnector failed at https://ex01/PowerShell"
    )
    assert scrub("logon failed for password e.") == f"logon failed for password {MASK}."
    assert scrub('{"password": "e"}') == f'{{"password": "{MASK}"}}'
    assert scrub("pw=e&user=x") == f"pw={MASK}&user=x"


def test_a_long_password_is_masked_even_inside_other_text() -> None:
    scrub = redactor_for("Zq8!unique-S3cret", username=None)
    assert scrub("prefixZq8!unique-S3cretsuffix") == f"prefix{MASK}suffix"


def test_nothing_to_mask_changes_nothing() -> None:
    assert Redactor(())("any text") == "any text"
    assert redactor_for(None, "", username=USER)("any text") == "any text"
    assert secret_forms("") == frozenset()


def test_the_log_filter_masks_messages_arguments_and_tracebacks() -> None:
    from cklauto import redact

    redact.register(PASSWORD, USER)
    record = logging.LogRecord("pypsrp.wsman", logging.DEBUG, __file__, 1, "Received message: %s", (PASSWORD,), None)
    try:
        raise ValueError(f"fault text {forms_of(PASSWORD)['basic header']}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert SecretFilter().filter(record)
    line = logging.Formatter("%(message)s").format(record)
    assert "Received message: ***" in line and "ValueError: fault text ***" in line
    assert_no_secret(line)


# --- through the real client --------------------------------------------------------------------------------
@pytest.mark.parametrize("fail", ["echo_password_fault", "echo_password_record"])
def test_an_echoed_password_never_reaches_the_error(emulator_factory, fail: str) -> None:
    emu = emulator_factory([make_host(fail=fail)], users={USER: PASSWORD})
    with pytest.raises(RemoteError) as info:
        fetch_send_connectors(settings_for(emu))
    text = str(info.value)
    assert "Logon failure for CONTOSO\\svc-stig with password ***" in text
    assert_no_secret(text)


def test_a_one_letter_password_does_not_punch_holes_into_the_error(emulator_factory) -> None:
    emu = emulator_factory([make_host(fail="html500")], users={USER: "e"})
    with pytest.raises(RemoteError) as info:
        fetch_send_connectors(settings_for(emu))
    assert f"HTTP 500 from https://127.0.0.1:{emu.port_of(DEFAULT_HOST)}/PowerShell" in str(info.value)
    assert MASK not in str(info.value)


# --- through cklauto run, at every verbosity ---------------------------------------------------------------
@pytest.mark.parametrize("verbosity", [[], ["-v"], ["-vv"]], ids=["quiet", "-v", "-vv"])
@pytest.mark.parametrize("fail", ["echo_password_body", "echo_password_fault", "echo_password_record"])
def test_cklauto_run_keeps_an_echoed_password_out_of_every_output(
    emulator_factory, tmp_path: Path, fail: str, verbosity: list[str]
) -> None:
    emu = emulator_factory([make_host(fail=fail)], users={USER: PASSWORD})
    checklist = copy_sample(tmp_path)
    before = checklist.read_bytes()
    report = tmp_path / ("report.csv" if verbosity == ["-v"] else "report.json")
    done = run_cklauto(*verbosity, *run_args(emu, checklist, "--report", str(report)), password=PASSWORD)
    assert done.returncode == 1, done.output
    assert "Traceback" not in done.stdout
    outputs = [done.stdout, done.stderr, report.read_text(encoding="utf-8")]
    if not verbosity:
        quiet = run_cklauto(*run_args(emu, checklist, "-q"), password=PASSWORD)
        assert quiet.stderr.startswith("Error: ")
        outputs += [quiet.stdout, quiet.stderr]
    if verbosity == ["-vv"] and fail != "echo_password_body":
        assert "password ***" in "".join(outputs)  # the echo did arrive, and was masked
    for text in outputs:
        assert_no_secret(text)
    assert checklist.read_bytes() == before


def test_connector_names_that_echo_the_password_are_masked_in_the_finding_details(
    emulator_factory, tmp_path: Path
) -> None:
    forms = forms_of(PASSWORD)
    connectors = [
        {"Name": PASSWORD, "Identity": PASSWORD, "TlsDomain": "contoso.mil"},
        {"Name": f"Relay {forms['basic header']}", "TlsDomain": "contoso.mil"},
        {"Name": "Outbound", "TlsDomain": forms["url-encoded"]},
    ]
    emu = emulator_factory([make_host(connectors=connectors)], users={USER: PASSWORD})
    checklist = copy_sample(tmp_path)
    done = run_cklauto("-vv", *run_args(emu, checklist), password=PASSWORD)
    assert done.returncode == 0, done.output
    assert_no_secret(done.output)
    from cklauto.formats import open_checklist
    from cklauto.rules import find_target_rule

    details = find_target_rule(open_checklist(checklist)).review.finding_details
    assert "Relay ***" in details and "Outbound" in details
    assert_no_secret(details)
    assert_no_secret(checklist.read_text(encoding="utf-8"))


def test_a_short_password_leaves_the_rest_of_the_output_readable(emulator_factory, tmp_path: Path) -> None:
    emu = emulator_factory([make_host(fail="echo_password_fault")], users={USER: "e"})
    checklist = copy_sample(tmp_path)
    done = run_cklauto("-vv", *run_args(emu, checklist), password="e")
    assert done.returncode == 1
    assert "with password ***." in done.stdout
    assert ": connect https://" in done.stderr and "Received message: <s:Envelope" in done.stderr
    assert "WSMan fault 2150858752: Logon failure for CONTOSO\\svc-stig with password ***." in done.stdout
    assert "G***t" not in done.output and "Pow***r" not in done.output

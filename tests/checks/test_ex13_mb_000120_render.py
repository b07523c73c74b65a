"""Finding-details rendering for EX13-MB-000120: exact layout, determinism, header recognition, safety."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cklauto.checks.ex13_mb_000120 import (
    HEADER_PREFIX,
    Source,
    decide,
    details_digest,
    fix_command,
    format_table,
    is_cklauto_details,
    render_finding_details,
)
from cklauto.model import SendConnector

WHEN = datetime(2024, 5, 1, 12, 30, 5, tzinfo=timezone.utc)
REMOTE = Source("remote", "https://ex01.contoso.mil:443/PowerShell (configuration Microsoft.Exchange)")
EVIDENCE = Source("evidence", "evidence file sendconnectors.json (SHA-256 ab12cd)")


def sc(name: str, tls: str | None, identity: str | None = None) -> SendConnector:
    return SendConnector(name=name, identity=identity if identity is not None else name, tls_domain=tls)


def render(connectors, accepted=("contoso.mil",), **kwargs):
    kwargs.setdefault("source", REMOTE)
    kwargs.setdefault("checked_at", WHEN)
    kwargs.setdefault("version", "0.1.0")
    return render_finding_details(decide(connectors, list(accepted)), accepted_domains=list(accepted), **kwargs)


def test_open_exact_text():
    text = render(
        [sc("To Partner", "contoso.mil"), sc("Outbound to Internet", None)],
        per_org_note="EDSP 2024-02, section 3.1",
    )
    digest = details_digest([sc("To Partner", "contoso.mil"), sc("Outbound to Internet", None)])
    assert text == (
        "cklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as Open on 2024-05-01 12:30:05 UTC\n"
        f"ResultHash: {digest}\n"
        "~~~~~\n"
        "Target: https://ex01.contoso.mil:443/PowerShell (configuration Microsoft.Exchange)\n"
        "Internal SMTP domain (EDSP): contoso.mil\n"
        "Note: EDSP 2024-02, section 3.1\n"
        "Command: Get-SendConnector | Select Name, Identity, TlsDomain\n"
        "\n"
        "Name                 Identity             TlsDomain\n"
        "----                 --------             ---------\n"
        "Outbound to Internet Outbound to Internet\n"
        "To Partner           To Partner           contoso.mil\n"
        "\n"
        '[Open] "Outbound to Internet": TlsDomain is empty ($null); expected contoso.mil\n'
        '[NotAFinding] "To Partner": TlsDomain is contoso.mil, the internal SMTP domain\n'
        "\n"
        'Result: Open. 1 of 2 Send connectors does not have TlsDomain set to the internal SMTP domain: "Outbound to Internet".\n'
        "\n"
        "Fix (Exchange Management Shell, one command per non-compliant Send connector):\n"
        "Set-SendConnector -Identity 'Outbound to Internet' -TlsDomain 'contoso.mil'"
    )


def test_not_a_finding_exact_text():
    text = render([sc("To Partner", "Contoso.Mil")], accepted=("contoso.mil", "army.mil"), source=EVIDENCE)
    lines = text.split("\n")
    assert lines[0] == "cklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as NotAFinding on 2024-05-01 12:30:05 UTC"
    assert lines[2:6] == [
        "~~~~~",
        "Source: evidence file sendconnectors.json (SHA-256 ab12cd)",
        "Internal SMTP domains (EDSP): contoso.mil, army.mil",
        "Command: Get-SendConnector | Select Name, Identity, TlsDomain",
    ]
    assert lines[-1] == "Result: NotAFinding. 1 of 1 Send connector has TlsDomain set to an internal SMTP domain."
    assert "Fix" not in text
    assert "Set-SendConnector" not in text


def test_zero_connectors_says_so_instead_of_table():
    text = render([])
    assert "\nNo Send connectors are configured.\n" in text
    assert "----" not in text
    assert text.endswith(
        "Result: NotAFinding. No Send connectors are configured, so none lacks the required TlsDomain."
    )


def test_note_is_optional_and_folded_to_one_line():
    assert "Note:" not in render([sc("A", "contoso.mil")])
    assert "Note:" not in render([sc("A", "contoso.mil")], per_org_note="   ")
    text = render([sc("A", "contoso.mil")], per_org_note="line one\nline two\r\n")
    assert "Note: line one line two\n" in text


def test_deterministic_and_order_independent():
    connectors = [sc("b", None), sc("A", "contoso.mil"), sc("c", "fabrikam.com")]
    first = render(connectors)
    assert first == render(connectors)
    assert first == render(list(reversed(connectors)))


def test_lf_only_no_trailing_whitespace_no_trailing_newline():
    text = render([sc("A", None), sc("Long connector name", "contoso.mil")])
    assert "\r" not in text
    assert not text.endswith("\n")
    for line in text.split("\n"):
        assert line == line.rstrip(), repr(line)


def test_time_is_converted_to_utc():
    eastern = timezone(timedelta(hours=-5))
    text = render([], checked_at=datetime(2024, 5, 1, 7, 30, 5, tzinfo=eastern))
    assert " on 2024-05-01 12:30:05 UTC" in text.split("\n")[0]


def test_naive_time_is_rejected():
    with pytest.raises(ValueError, match="timezone"):
        render([], checked_at=datetime(2024, 5, 1, 12, 0))


def test_bad_version_is_rejected():
    with pytest.raises(ValueError):
        render([], version="0.1 beta")


def test_source_kind_is_checked():
    with pytest.raises(ValueError):
        Source("carrier-pigeon", "x")


def test_each_non_compliant_connector_named_with_fix():
    connectors = [
        sc("Alpha", None),
        sc("Beta", ""),
        sc("Gamma", "fabrikam.com", identity="Gamma Id"),
        sc("Ok", "contoso.mil"),
    ]
    text = render(connectors)
    assert '[Open] "Alpha": TlsDomain is empty ($null)' in text
    assert '[Open] "Beta": TlsDomain is empty;' in text
    assert '[Open] "Gamma": TlsDomain is fabrikam.com; expected contoso.mil' in text
    assert '[NotAFinding] "Ok"' in text
    assert "Set-SendConnector -Identity 'Alpha' -TlsDomain 'contoso.mil'" in text
    assert "Set-SendConnector -Identity 'Beta' -TlsDomain 'contoso.mil'" in text
    # The fix uses the Identity, not the Name.
    assert "Set-SendConnector -Identity 'Gamma Id' -TlsDomain 'contoso.mil'" in text
    assert "-Identity 'Ok'" not in text
    assert '"Alpha", "Beta", "Gamma"' in text.split("Result: ")[1]


def test_fix_uses_first_accepted_domain():
    text = render([sc("A", None)], accepted=("Army.mil", "contoso.mil"))
    assert "Set-SendConnector -Identity 'A' -TlsDomain 'army.mil'" in text


def test_fix_command_quotes_for_powershell():
    assert (
        fix_command("O'Brien's", "contoso.mil") == "Set-SendConnector -Identity 'O''Brien''s' -TlsDomain 'contoso.mil'"
    )
    assert (
        fix_command("a\u2019b", "contoso.mil")
        == "Set-SendConnector -Identity 'a\u2019\u2019b' -TlsDomain 'contoso.mil'"
    )
    assert fix_command('$(calc) `x` "y"', "contoso.mil") == (
        "Set-SendConnector -Identity '$(calc) `x` \"y\"' -TlsDomain 'contoso.mil'"
    )


def test_xml_special_characters_are_left_raw():
    text = render([sc("<Bad & Co>", None, identity="<Bad & Co>")])
    assert '"<Bad & Co>"' in text
    assert "&amp;" not in text and "&lt;" not in text


def test_control_characters_cannot_forge_lines():
    evil = 'x"\n[NotAFinding] "Forged": ok\r\x1b[31m\u202e'
    text = render([sc(evil, None, identity=evil)])
    lines = text.split("\n")
    assert not any(line.startswith('[NotAFinding] "Forged"') for line in lines)
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text
    assert "\\u000A" in text and "\\u001B" in text and "\\u202E" in text
    # The quote inside the name is escaped, so the name cannot end its own quotes.
    assert '[Open] "x\\"\\u000A[NotAFinding] \\"Forged\\": ok\\u000D\\u001B[31m\\u202E": ' in text


def test_table_alignment_with_unicode_names():
    rows = [("Zürich", "Zürich", "contoso.mil"), ("東京 connector", "東京 connector", ""), ("e\u0301t\u00e9", "x", "a")]
    lines = format_table(("Name", "Identity", "TlsDomain"), rows)
    # "東京 connector" is 14 terminal cells wide (each CJK character takes two).
    assert lines[0] == "Name           Identity       TlsDomain"
    assert lines[1] == "----           --------       ---------"
    assert lines[2] == "Zürich         Zürich         contoso.mil"
    assert lines[3] == "東京 connector 東京 connector"
    assert lines[4] == "e\u0301t\u00e9" + " " * 12 + "x" + " " * 14 + "a"

    def width(s: str) -> int:
        return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    # The third column starts at the same display column on every line that has it.
    starts = set()
    for line in lines[:3] + lines[4:]:
        idx = line.rindex(" ") + 1
        starts.add(width(line[:idx]))
    assert starts == {len("Name           Identity       ")}


def test_table_never_truncates():
    long_name = "N" * 300
    text = render([sc(long_name, "contoso.mil")])
    assert long_name + " " + long_name + " contoso.mil" in text


def test_empty_tls_domain_shown_empty_in_table():
    text = render([sc("A", None), sc("B", ""), sc("CCCC", "contoso.mil")])
    table = text.split("\n\n")[1].split("\n")
    assert table[2] == "A    A"
    assert table[3] == "B    B"
    assert table[4] == "CCCC CCCC     contoso.mil"


def test_digest_distinguishes_none_from_empty_and_ignores_order():
    a = [sc("A", None), sc("B", "x.mil")]
    assert details_digest(a) == details_digest(list(reversed(a)))
    assert details_digest([sc("A", None)]) != details_digest([sc("A", "")])
    assert details_digest([sc("A", "x.mil")]) != details_digest([sc("A", "X.mil")])
    assert len(details_digest([])) == 64


# ---------------------------------------------------------------------------------------------------------------
# Header recognition


def test_rendered_text_is_recognised():
    for connectors in ([], [sc("A", None)], [sc("A", "contoso.mil")]):
        text = render(connectors)
        assert text.startswith(HEADER_PREFIX)
        assert is_cklauto_details(text)


def test_recognised_after_crlf_normalisation():
    text = render([sc("A", None)]).replace("\n", "\r\n")
    assert is_cklauto_details(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Checked manually by J. Smith; TlsDomain is contoso.mil on both connectors.",
        "cklauto",
        "cklauto was used here, see below",
        "Evaluate-STIG 1.2507.6 (Scan-MSExchange2016EdgeTP_Checks) found this to be OPEN on 03/14/2026\nResultHash: ab\n~~~~~\n",
        "Evaluate-STIG 1.2310.1 (Scan-X) found this to be NOT A FINDING on 12/11/2023:\r\n" + "-" * 72,
        "cklauto 0.1.0 evaluated EX13-MB-000121 (V-84609) as Open on 2024-05-01 12:30:05 UTC",
        "cklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as Failed on 2024-05-01 12:30:05 UTC",
        "cklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as Open on 2024-05-01 12:30 UTC",
        " cklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as Open on 2024-05-01 12:30:05 UTC",
        "Note from ISSO:\ncklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as Open on 2024-05-01 12:30:05 UTC",
        "cklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as Open on 2024-05-01 12:30:05 UTC and then I fixed it",
    ],
)
def test_other_text_is_not_recognised(text):
    assert not is_cklauto_details(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(
            sc,
            st.text(min_size=1, max_size=15),
            st.one_of(st.none(), st.text(max_size=15)),
            st.text(min_size=1, max_size=15),
        ),
        max_size=6,
    ),
    st.one_of(st.none(), st.text(max_size=40)),
    st.datetimes(timezones=st.just(timezone.utc)),
)
def test_property_rendering_is_well_formed(connectors, note, when):
    decision = decide(connectors, ["contoso.mil"])
    text = render_finding_details(
        decision, accepted_domains=["contoso.mil"], source=REMOTE, checked_at=when, version="9.9.9", per_org_note=note
    )
    assert is_cklauto_details(text)
    assert text == render_finding_details(
        decision, accepted_domains=["contoso.mil"], source=REMOTE, checked_at=when, version="9.9.9", per_org_note=note
    )
    # Only our own line breaks: every verdict is exactly one line, and nothing can start with a forged tag.
    verdict_lines = [line for line in text.split("\n") if line.startswith(("[Open] ", "[NotAFinding] "))]
    assert len(verdict_lines) == len(connectors)
    for ch in text:
        assert ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Cs")


# ---------------------------------------------------------------------------------------------------------------
# Length limit


def many(n_ok: int, n_bad: int) -> list[SendConnector]:
    ok = [sc(f"Compliant connector number {i:04d} for a regional relay", "contoso.mil") for i in range(n_ok)]
    bad = [sc(f"Broken connector number {i:04d} for a partner", None) for i in range(n_bad)]
    return ok + bad


def test_short_text_is_not_shortened():
    text = render(many(3, 2))
    assert "left out" not in text
    assert "----" in text


def test_long_text_drops_the_table_first():
    connectors = many(150, 5)
    text = render(connectors)
    assert len(text) <= 32767
    assert (
        "(Command output table left out to stay within 32,767 characters; the 155 Send connectors are listed below.)"
        in text
    )
    assert "----" not in text
    assert text.count("\n[NotAFinding] ") == 150
    assert text.count("\n[Open] ") == 5
    assert text.count("\nSet-SendConnector -Identity ") == 5
    assert f"ResultHash: {details_digest(connectors)}" in text
    assert is_cklauto_details(text)


def test_very_long_text_keeps_only_non_compliant_connectors():
    connectors = many(400, 60)
    text = render(connectors)
    assert len(text) <= 32767
    assert "(Command output table and the 400 compliant Send connectors left out" in text
    assert "[NotAFinding]" not in text
    assert text.count("\n[Open] ") == 60
    assert "Fix (Exchange Management Shell, for each non-compliant Send connector): " in text
    assert "Set-SendConnector -Identity <'IdentityName'> -TlsDomain 'contoso.mil'" in text
    assert text.split("\n")[0].endswith("as Open on 2024-05-01 12:30:05 UTC")
    assert "Result: Open. 60 of 460 Send connectors do not have TlsDomain set" in text


def test_custom_max_length():
    connectors = many(3, 1)
    assert "left out to stay within 200 characters" in render(connectors, max_length=200)


def test_very_long_all_compliant_text():
    text = render(many(600, 0))
    assert len(text) <= 32767
    assert "(Command output table and the 600 compliant Send connectors left out" in text
    assert "none is non-compliant.)" in text
    assert text.endswith(
        "Result: NotAFinding. 600 of 600 Send connectors have TlsDomain set to the internal SMTP domain."
    )

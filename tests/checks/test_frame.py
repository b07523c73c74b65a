"""The shared finding-details frame: exact layout (EX13-MB-000120 as the example), safety, size limits, and the
rules that keep a person's text and status (issue 7, items 1-3)."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cklauto.checks import ex13_mb_000120 as check
from cklauto.checks.api import Answers, Record, Settings
from cklauto.checks.frame import (
    LEGACY_KEPT_MARKER,
    MAX_FIELD_CHARS,
    DetailsTooLong,
    Evaluation,
    Source,
    compose_comment,
    compose_details,
    is_cklauto_comment,
    is_cklauto_details,
    parse_details,
    result_hash,
    set_by_person,
    utf16_length,
)
from cklauto.checks.text import format_table, ps_literal
from cklauto.formats.base import Review
from cklauto.model import SendConnector, Status

WHEN = datetime(2024, 5, 1, 12, 30, 5, tzinfo=timezone.utc)
REMOTE = Source("remote", "https://ex01.contoso.mil:443/PowerShell (configuration Microsoft.Exchange; HTTPS)", "svc@X")
EVIDENCE = Source("evidence", "evidence bundle ex01.json (SHA-256 ab12cd)")


def sc(name: str, tls: str | None, identity: str | None = None) -> SendConnector:
    return SendConnector(name=name, identity=identity if identity is not None else name, tls_domain=tls)


def evaluation(connectors, accepted=("contoso.mil",), **kwargs) -> Evaluation:
    records = [Record({"Name": c.name, "Identity": c.identity, "TlsDomain": c.tls_domain}) for c in connectors]
    answers = Answers({check.SEND_CONNECTORS: records}, server="EX01")
    decision = check.decide(answers, Settings({"internal_smtp_domain": tuple(accepted)}))
    kwargs.setdefault("source", REMOTE)
    kwargs.setdefault("checked_at", WHEN)
    kwargs.setdefault("version", "0.2.0")
    kwargs.setdefault("shown_id", "V-207290")
    kwargs.setdefault("settings_used", (("internal_smtp_domain", ", ".join(accepted)),))
    kwargs.setdefault("scope_line", "the whole Exchange organisation; answered by ex01.contoso.mil")
    return Evaluation(
        check=check.CHECK, decision=decision, answers=answers, tables=tuple(check.tabulate(answers)), **kwargs
    )


def render(connectors, accepted=("contoso.mil",), old="", **kwargs) -> str:
    return compose_details(evaluation(connectors, accepted, **kwargs), old)


def block_of(text: str) -> str:
    parsed = parse_details(text)
    assert parsed.block is not None
    return parsed.block


def test_open_exact_text():
    connectors = [sc("To Partner", "contoso.mil"), sc("Outbound to Internet", None)]
    text = render(connectors)
    digest = result_hash(check.CHECK, evaluation(connectors).answers)
    lines = text.split("\n")
    assert lines[:-1] == [
        "cklauto 0.2.0 evaluated EX13-MB-000120 (V-207290) as Open on 2024-05-01 12:30:05 UTC",
        f"ResultHash: {digest}",
        "~~~~~",
        "Target: https://ex01.contoso.mil:443/PowerShell (configuration Microsoft.Exchange; HTTPS); queried as svc@X",
        "Scope: the whole Exchange organisation; answered by ex01.contoso.mil",
        "Site setting internal_smtp_domain: contoso.mil",
        "Command (STIG): Get-SendConnector | Select Name, Identity, TlsDomain",
        "",
        "Name                 Identity             TlsDomain",
        "----                 --------             ---------",
        "Outbound to Internet Outbound to Internet",
        "To Partner           To Partner           contoso.mil",
        "",
        '[Open] "Outbound to Internet": TlsDomain is empty ($null); expected contoso.mil',
        '[NotAFinding] "To Partner": TlsDomain is contoso.mil, the internal SMTP domain',
        "",
        'Result: Open. 1 of 2 Send connectors does not have TlsDomain set to the internal SMTP domain: "Outbound to Internet".',
        "",
        "Fix (Exchange Management Shell, one command per non-compliant object):",
        "Set-SendConnector -Identity 'Outbound to Internet' -TlsDomain 'contoso.mil'",
    ]
    assert lines[-1].startswith("~~~~~ end of cklauto text (check ")
    assert lines[-1].endswith("); text below it is kept as written ~~~~~")


def test_not_a_finding_from_evidence():
    text = render([sc("To Partner", "Contoso.Mil")], accepted=("contoso.mil", "army.mil"), source=EVIDENCE)
    lines = text.split("\n")
    assert lines[0] == "cklauto 0.2.0 evaluated EX13-MB-000120 (V-207290) as NotAFinding on 2024-05-01 12:30:05 UTC"
    assert "Source: evidence bundle ex01.json (SHA-256 ab12cd)" in lines
    assert lines[-2] == "Result: NotAFinding. 1 of 1 Send connector has TlsDomain set to an internal SMTP domain."
    assert "Fix" not in text and "Set-SendConnector" not in text


def test_the_id_shown_is_the_one_the_checklist_carries():
    text = render([], shown_id="V-69987")
    assert text.startswith("cklauto 0.2.0 evaluated EX13-MB-000120 (V-69987) as NotAFinding")
    assert is_cklauto_details(text)


def test_zero_connectors_says_so():
    text = render([])
    assert "Note: Get-SendConnector completed without error and returned no Send connectors." in text
    assert "Result: NotAFinding. No Send connectors are configured, so none lacks the required TlsDomain." in text


def test_deterministic_and_order_independent():
    connectors = [sc("b", None), sc("A", "contoso.mil"), sc("c", "fabrikam.com")]
    assert render(connectors) == render(list(reversed(connectors)))


def test_lf_only_no_trailing_whitespace():
    text = render([sc("A", None), sc("Long connector name", "contoso.mil")])
    assert "\r" not in text
    for line in text.split("\n"):
        assert line == line.rstrip(), repr(line)


def test_time_is_converted_to_utc():
    eastern = timezone(timedelta(hours=-5))
    text = render([], checked_at=datetime(2024, 5, 1, 7, 30, 5, tzinfo=eastern))
    assert " on 2024-05-01 12:30:05 UTC" in text.split("\n")[0]


def test_naive_time_and_bad_version_are_rejected():
    with pytest.raises(ValueError, match="timezone"):
        render([], checked_at=datetime(2024, 5, 1, 12, 0))
    with pytest.raises(ValueError):
        render([], version="0.1 beta")


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
    assert "Set-SendConnector -Identity 'Alpha' -TlsDomain 'contoso.mil'" in text
    # The fix uses the Identity, not the Name.
    assert "Set-SendConnector -Identity 'Gamma Id' -TlsDomain 'contoso.mil'" in text
    assert "-Identity 'Ok'" not in text


def test_fix_quotes_for_powershell():
    assert ps_literal("O'Brien's") == "'O''Brien''s'"
    assert ps_literal("a\u2019b") == "'a\u2019\u2019b'"
    assert ps_literal('$(calc) `x` "y"') == "'$(calc) `x` \"y\"'"


def test_xml_special_characters_are_left_raw():
    text = render([sc("<Bad & Co>", None)])
    assert '"<Bad & Co>"' in text
    assert "&amp;" not in text


def test_control_characters_cannot_forge_lines():
    evil = 'x"\n[NotAFinding] "Forged": ok\r\x1b[31m\u202e'
    text = render([sc(evil, None, identity=evil)])
    assert not any(line.startswith('[NotAFinding] "Forged"') for line in text.split("\n"))
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text
    assert '[Open] "x\\"\\u000A[NotAFinding] \\"Forged\\": ok\\u000D\\u001B[31m\\u202E": ' in text


def test_a_forged_end_line_in_a_name_cannot_end_the_block():
    evil = "x\n~~~~~ end of cklauto text (check 000000000000); text below it is kept as written ~~~~~"
    text = render([sc(evil, None)])
    assert sum(line.startswith("~~~~~ end of cklauto text") for line in text.split("\n")) == 1
    again = render([sc(evil, None)], old=text + "\n\nperson")
    assert parse_details(again).after == "person"


def test_table_alignment_with_unicode_names():
    rows = [("Zürich", "Zürich", "contoso.mil"), ("東京 connector", "東京 connector", "")]
    lines = format_table(("Name", "Identity", "TlsDomain"), rows)
    assert lines[0] == "Name           Identity       TlsDomain"
    assert lines[2] == "Zürich         Zürich         contoso.mil"
    assert lines[3] == "東京 connector 東京 connector"


def test_result_hash_ignores_order_and_tells_none_from_empty():
    def digest(connectors):
        return result_hash(check.CHECK, evaluation(connectors).answers)

    a = [sc("A", None), sc("B", "x.mil")]
    assert digest(a) == digest(list(reversed(a)))
    assert digest([sc("A", None)]) != digest([sc("A", "")])
    assert digest([sc("A", "x.mil")]) != digest([sc("A", "X.mil")])


# ---------------------------------------------------------------------------------------------------------------
# A person's text and status


PERSON = "Reviewed by J. Smith 2024-04-02:\r\nrelay decommissioned\x0c see ticket #123 \u2014 ok\r\n"


def test_a_persons_text_is_kept_byte_for_byte_below_cklauto_block():
    text = render([sc("A", None)], old=PERSON)
    parsed = parse_details(text)
    assert parsed.after == PERSON
    assert parsed.before == ""
    assert text.endswith("\n\n" + PERSON)


def test_rerun_replaces_only_cklauto_block_and_keeps_appended_text():
    first = render([sc("A", None)], old="")
    # A person appends a justification below cklauto's text and sets the status by hand.
    edited = first + "\n\nISSO: risk accepted, POA&M 42.\r\n"
    second = render([sc("A", "contoso.mil")], old=edited)
    assert second.endswith("\n\nISSO: risk accepted, POA&M 42.\r\n")
    assert "as NotAFinding" in second.split("\n")[0]
    assert second.count("cklauto 0.2.0 evaluated") == 1


def test_text_above_cklauto_block_stays_above():
    first = render([sc("A", None)])
    edited = "Note written above, by hand\n\n" + first
    second = render([sc("A", "contoso.mil")], old=edited)
    assert second.startswith("Note written above, by hand\n\ncklauto 0.2.0 evaluated")


def test_a_block_a_person_edited_is_kept_whole_as_theirs():
    first = render([sc("A", None)])
    edited = first.replace("TlsDomain is empty ($null)", "TlsDomain is empty ($null) -- accepted by ISSO")
    assert parse_details(edited).block is None
    second = render([sc("A", None)], old=edited)
    assert second.endswith("\n\n" + edited)
    assert second.count("cklauto 0.2.0 evaluated") == 2


def test_status_set_by_cklauto_and_status_changed_by_a_person():
    text = render([sc("A", None)])
    assert not set_by_person(Review(Status.OPEN, text, ""))
    # The person changed the status after cklauto wrote Open: theirs now.
    assert set_by_person(Review(Status.NOT_APPLICABLE, text + "\n\njustification", ""))
    assert not set_by_person(Review(Status.NOT_REVIEWED, "", ""))
    assert set_by_person(Review(Status.NOT_A_FINDING, "checked by hand", ""))


def test_block_survives_crlf_rewrites_by_an_editor():
    text = render([sc("A", None)]).replace("\n", "\r\n")
    assert is_cklauto_details(text)
    assert not set_by_person(Review(Status.OPEN, text, ""))


LEGACY = (
    "cklauto 0.1.0 evaluated EX13-MB-000120 (V-84609) as Open on 2024-05-01 12:30:05 UTC\n"
    "ResultHash: ab\n~~~~~\nTarget: x\nCommand: Get-SendConnector | Select Name, Identity, TlsDomain\n\n"
    '[Open] "A": TlsDomain is empty ($null); expected contoso.mil\n\n'
    'Result: Open. 1 of 1 Send connector does not have TlsDomain set to the internal SMTP domain: "A".\n\n'
    "Fix (Exchange Management Shell, one command per non-compliant Send connector):\n"
    "Set-SendConnector -Identity 'A' -TlsDomain 'contoso.mil'"
)


def test_cklauto_0_1_text_is_recognised_and_its_kept_section_carried_forward():
    old = LEGACY + "\n\n" + LEGACY_KEPT_MARKER + "\nManual note\r\nline 2"
    parsed = parse_details(old)
    assert parsed.block == LEGACY and parsed.after == "Manual note\r\nline 2" and parsed.status is Status.OPEN
    new = render([sc("A", "contoso.mil")], old=old)
    assert new.endswith("\n\nManual note\r\nline 2")
    assert "0.1.0" not in new


def test_text_appended_to_a_cklauto_0_1_block_is_kept():
    parsed = parse_details(LEGACY + "\n\nAppended by the ISSO")
    assert parsed.after == "Appended by the ISSO"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Checked manually by J. Smith.",
        "cklauto was used here, see below",
        "Evaluate-STIG 1.2507.6 (Scan-X) found this to be OPEN on 03/14/2026\nResultHash: ab\n~~~~~\n",
        "cklauto 0.2.0 evaluated EX13-MB-000120 (V-207290) as Failed on 2024-05-01 12:30:05 UTC",
        "cklauto 0.2.0 evaluated EX13-MB-000120 (V-207290) as Open on 2024-05-01 12:30 UTC",
        "cklauto 0.2.0 evaluated EX13-MB-000120 (V-207290) as Open on 2024-05-01 12:30:05 UTC\nno end line",
    ],
)
def test_other_text_is_not_cklauto_text(text):
    assert not is_cklauto_details(text)


# ---------------------------------------------------------------------------------------------------------------
# Length limit: cklauto shortens its own part, never a person's


def many(n_ok: int, n_bad: int) -> list[SendConnector]:
    ok = [sc(f"Compliant connector number {i:04d} for a regional relay", "contoso.mil") for i in range(n_ok)]
    bad = [sc(f"Broken connector number {i:04d} for a partner", None) for i in range(n_bad)]
    return ok + bad


def test_short_text_is_not_shortened():
    text = render(many(3, 2))
    assert "left out" not in text and "----" in text


def test_long_text_drops_the_table_first():
    text = render(many(150, 5))
    assert utf16_length(text) <= MAX_FIELD_CHARS
    assert "(Command output table of 155 rows left out to stay within" in text
    assert text.count("\n[NotAFinding] ") == 150 and text.count("\n[Open] ") == 5
    assert text.count("\nSet-SendConnector -Identity ") == 5


def test_very_long_text_keeps_the_failing_items_and_the_result():
    text = render(many(400, 60))
    assert utf16_length(text) <= MAX_FIELD_CHARS
    assert "[NotAFinding]" not in text
    assert text.count("\n[Open] ") == 60
    assert "Result: Open. 60 of 460 Send connectors do not have TlsDomain set" in text
    assert (
        "Fix (Exchange Management Shell): Set-SendConnector -Identity <'IdentityName'> -TlsDomain 'contoso.mil'" in text
    )


def test_a_long_persons_text_is_never_cut_cklauto_shortens_itself():
    person = "p" * 30_000
    text = render(many(40, 10), old=person)
    assert utf16_length(text) <= MAX_FIELD_CHARS
    assert text.endswith("\n\n" + person)
    assert "Result: Open." in text


def test_when_nothing_fits_the_rule_is_refused():
    with pytest.raises(DetailsTooLong, match="shorten"):
        render(many(1, 1), old="q" * 32_500)


def test_astral_characters_count_twice():
    person = "\U0001f600" * 16_000  # 32,000 UTF-16 units, 16,000 code points
    with pytest.raises(DetailsTooLong):
        render(many(0, 1), old=person)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.builds(sc, st.text(min_size=1, max_size=15), st.one_of(st.none(), st.text(max_size=15))), max_size=6),
    st.text(max_size=200),
)
def test_property_rerun_keeps_any_persons_text_exactly(connectors, person):
    first = render(connectors, old=person)
    again = render(connectors, old=first)
    parsed = parse_details(again)
    assert parsed.block is not None
    assert parsed.person_text == (person if person else "") or person.strip() == ""
    # Only our own line breaks inside the block: every verdict is one line.
    verdicts = [line for line in parsed.block.split("\n") if line.startswith(("[Open] ", "[NotAFinding] "))]
    assert len(verdicts) == len(connectors)
    for ch in parsed.block:
        assert ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Cs")


# ---------------------------------------------------------------------------------------------------------------
# COMMENTS


def test_open_result_gets_a_short_factual_comment_when_comments_are_empty():
    comment = compose_comment(evaluation([sc("A", None)]), "")
    assert comment is not None
    assert comment.startswith("cklauto: 1 of 1 Send connector does not have TlsDomain set")
    assert "Fix: Set-SendConnector -Identity 'A' -TlsDomain 'contoso.mil'" in comment
    assert comment.endswith("(automated by cklauto 0.2.0 on 2024-05-01)")
    assert is_cklauto_comment(comment)


def test_a_persons_comment_is_never_touched():
    assert compose_comment(evaluation([sc("A", None)]), "Waiver W-17 approved") is None


def test_cklauto_comment_is_removed_when_no_longer_open():
    mine = compose_comment(evaluation([sc("A", None)]), "")
    assert compose_comment(evaluation([sc("A", "contoso.mil")]), mine or "") == ""
    assert compose_comment(evaluation([sc("A", "contoso.mil")]), "") is None

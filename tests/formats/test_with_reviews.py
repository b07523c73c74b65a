"""Several reviews in one edit: every edit lands, text is kept verbatim or refused, nothing else moves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cklauto.errors import ChecklistError, FieldTooLong, StigNotInChecklist, TargetRuleError, UnstorableText
from cklauto.formats import Checklist, ReviewEdit, open_checklist, parse_checklist
from cklauto.formats.text import MAX_FIELD_CHARS, clean_command_output, utf16_length
from cklauto.model import Status
from cklauto.rules import find_rules_for
from tests.conftest import REFERENCE, SAMPLES, reference_files

SAMPLE_CKL = SAMPLES / "ex01.contoso.mil.ckl"
SAMPLE_CKLB = SAMPLES / "ex02.contoso.mil.cklb"
CRLF_CKL = REFERENCE / "ckl" / "evaluate-stig-1.2310.1_Chrome-V2R8_BOM_CRLF.ckl"
PRETTY_CKLB = REFERENCE / "cklb" / "evaluate-stig-1.2310.1_COMBINED_pretty_CRLF.cklb"
ALL_FILES = reference_files("ckl") + reference_files("cklb")
needs_reference = pytest.mark.skipif(not ALL_FILES, reason=f"reference checklists not found at {REFERENCE}")

EXCHANGE = "MS_Exchange_2013_Mailbox_STIG"


def _crlf_copy(source: Path) -> bytes:
    """The sample CKL as a CRLF file, as Evaluate-STIG writes them."""
    return source.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _spread(checklist: Checklist, count: int) -> list:
    rules = checklist.rules()
    step = max(1, len(rules) // count)
    return rules[::step][:count]


def _changed_region(old: bytes, new: bytes) -> tuple[int, int]:
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, len(old) - suffix


# --- many rules at once -------------------------------------------------------------------------


@pytest.mark.parametrize("source", [SAMPLE_CKL, SAMPLE_CKLB], ids=["ckl", "cklb"])
def test_every_edit_lands_and_every_other_rule_reads_as_before(source: Path, copy_of) -> None:
    path = copy_of(source)
    checklist = open_checklist(path)
    targets = _spread(checklist, 7)
    edits = [
        ReviewEdit(rule, status=Status.OPEN, finding_details=f"details {i}\nline two", comments=f"c{i}")
        for i, rule in enumerate(targets)
    ]
    checklist.with_reviews(edits).save()

    reopened = open_checklist(path)
    by_position = {rule.position: rule for rule in reopened.rules()}
    for i, rule in enumerate(targets):
        after = by_position[rule.position]
        assert after.names == rule.names
        assert (after.review.status, after.review.finding_details, after.review.comments) == (
            Status.OPEN,
            f"details {i}\nline two",
            f"c{i}",
        )
    edited = {rule.position for rule in targets}
    assert [r for r in reopened.rules() if r.position not in edited] == [
        r for r in checklist.rules() if r.position not in edited
    ]
    assert reopened.asset == checklist.asset and reopened.stigs == checklist.stigs


@needs_reference
@pytest.mark.parametrize("path", reference_files("ckl"), ids=lambda p: p.name)
def test_many_edits_at_once_equal_the_same_edits_one_by_one(path: Path) -> None:
    """Plain text in a CKL: one pass over N rules writes what N single edits would."""
    checklist = parse_checklist(path, path.read_bytes())
    targets = _spread(checklist, 5)
    at_once = checklist.with_reviews(
        [ReviewEdit(r, status=Status.NOT_A_FINDING, finding_details=f"ok {i}") for i, r in enumerate(targets)]
    )
    one_by_one: Checklist = checklist
    for i, rule in enumerate(targets):
        one_by_one = one_by_one.with_review(rule, status=Status.NOT_A_FINDING, finding_details=f"ok {i}")
    assert at_once.data == one_by_one.data


def test_the_file_is_parsed_once_however_many_rules_change(monkeypatch) -> None:
    from cklauto.formats import ckl

    calls = []
    real_parse = ckl._parse
    monkeypatch.setattr(ckl, "_parse", lambda path, data: calls.append(path) or real_parse(path, data))
    checklist = parse_checklist(SAMPLE_CKL, SAMPLE_CKL.read_bytes(), disk_stamp=None)
    rules = checklist.rules()
    parses_to_read = len(calls)
    edited = checklist.with_reviews([ReviewEdit(r, status=Status.OPEN, comments="x") for r in rules[:40]])
    assert len(calls) == parses_to_read  # the splice and its proof re-parse only the edited VULNs
    assert [r.review.comments for r in edited.rules()[:40]] == ["x"] * 40


def test_none_keeps_a_field_and_an_edit_that_changes_nothing_is_no_edit() -> None:
    checklist = parse_checklist(SAMPLE_CKL, SAMPLE_CKL.read_bytes())
    rule = checklist.rules()[3]
    assert checklist.with_reviews([ReviewEdit(rule)]) is checklist
    assert checklist.with_reviews([ReviewEdit(rule, status=rule.review.status)]) is checklist
    assert checklist.with_reviews([]) is checklist
    edited = checklist.with_reviews([ReviewEdit(rule, comments="only comments")])
    after = edited.rules()[3]
    assert after.review.comments == "only comments"
    assert (after.review.status, after.review.finding_details) == (rule.review.status, rule.review.finding_details)


def test_two_edits_for_one_rule_are_a_programming_error() -> None:
    checklist = parse_checklist(SAMPLE_CKL, SAMPLE_CKL.read_bytes())
    rule = checklist.rules()[0]
    with pytest.raises(ValueError, match="two edits"):
        checklist.with_reviews([ReviewEdit(rule, comments="a"), ReviewEdit(rule, status=Status.OPEN)])


# --- verbatim text in a CKL ---------------------------------------------------------------------


def test_ckl_keeps_crlf_style_and_writes_a_text_cr_as_a_reference(tmp_path: Path) -> None:
    path = tmp_path / "crlf.ckl"
    path.write_bytes(_crlf_copy(SAMPLE_CKL))
    checklist = open_checklist(path)
    first, second = checklist.rules()[0], checklist.rules()[1]
    person = "Reviewed by J. Smith\nper ticket 42\r\nold CR\rend\ttab ü 日本 😀 \"q\" 'a' & <b>"
    checklist.with_reviews([ReviewEdit(first, finding_details="a\nb"), ReviewEdit(second, comments=person)]).save()
    data = path.read_bytes()
    assert b"<FINDING_DETAILS>a\r\nb</FINDING_DETAILS>" in data
    assert (
        "<COMMENTS>Reviewed by J. Smith\r\nper ticket 42&#13;\r\nold CR&#13;end\ttab ü 日本 😀 \"q\" 'a' &amp; &lt;b&gt;"
        "</COMMENTS>".encode()
    ) in data
    assert b"\n" not in data.replace(b"\r\n", b"")  # not one bare LF: the file stays CRLF throughout
    reopened = open_checklist(path)
    assert reopened.rules()[0].review.finding_details == "a\nb"
    assert reopened.rules()[1].review.comments == person


def test_ckl_lf_file_keeps_lf(tmp_path: Path) -> None:
    checklist = parse_checklist(tmp_path / "x.ckl", SAMPLE_CKL.read_bytes())
    rule = checklist.rules()[0]
    edited = checklist.with_reviews([ReviewEdit(rule, finding_details="a\r\nb\nc")])
    assert b"<FINDING_DETAILS>a&#13;\nb\nc</FINDING_DETAILS>" in edited.data
    assert edited.rules()[0].review.finding_details == "a\r\nb\nc"


def test_a_field_keeps_its_own_line_ending_style(tmp_path: Path) -> None:
    """cklauto once wrote LF into CRLF files: such a field stays LF, its neighbours CRLF."""
    checklist = parse_checklist(tmp_path / "x.ckl", _crlf_copy(SAMPLE_CKL))
    rule = checklist.rules()[0]
    lf_inside = checklist.with_review(rule, finding_details="old\nlf text")
    assert b"old\nlf text" in lf_inside.data
    rule = lf_inside.rules()[0]
    again = lf_inside.with_reviews([ReviewEdit(rule, finding_details="new\ntext", comments="c\nd")])
    assert b"<FINDING_DETAILS>new\ntext</FINDING_DETAILS>" in again.data
    assert b"<COMMENTS>c\r\nd</COMMENTS>" in again.data


@pytest.mark.parametrize(
    "character",
    ["\x00", "\x07", "\x0c", "\x1b", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_ckl_refuses_a_character_xml_cannot_hold_and_names_it(tmp_path: Path, character: str) -> None:
    path = tmp_path / "server01.ckl"
    path.write_bytes(SAMPLE_CKL.read_bytes())
    checklist = open_checklist(path)
    rule = checklist.rules()[5]
    with pytest.raises(UnstorableText) as caught:
        checklist.with_reviews([ReviewEdit(rule, status=Status.OPEN, comments=f"person's note {character} end")])
    message = str(caught.value)
    assert str(path) in message and rule.group_id in message and "COMMENTS" in message
    assert f"U+{ord(character):04X}" in message
    assert "\n" not in message
    assert isinstance(caught.value, ChecklistError)
    assert path.read_bytes() == SAMPLE_CKL.read_bytes()


def test_c1_controls_and_noncharacters_xml_allows_are_kept(tmp_path: Path) -> None:
    checklist = parse_checklist(tmp_path / "x.ckl", SAMPLE_CKL.read_bytes())
    rule = checklist.rules()[0]
    text = "del \x7f c1 \x85 \x9f private \ue000 astral \U0010fffd fdd0 \ufdd0"
    edited = checklist.with_reviews([ReviewEdit(rule, comments=text)])
    assert edited.rules()[0].review.comments == text


# --- verbatim text in a CKLB --------------------------------------------------------------------

JSON_ONLY = "form\x0cfeed, CR\ronly, CRLF\r\n, NUL\x00, ESC\x1b[31m, lone \ud800 and \udfff, ü 日本 😀"


@pytest.mark.parametrize("ascii_style", [False, True], ids=["raw-utf8", "ensure-ascii"])
def test_cklb_stores_anything_json_can_hold(tmp_path: Path, ascii_style: bool) -> None:
    doc = json.loads(SAMPLE_CKLB.read_bytes())
    doc["title"] = "Prüfliste"  # non-ASCII, so the style shows
    data = json.dumps(doc, ensure_ascii=ascii_style).encode()
    path = tmp_path / "x.cklb"
    path.write_bytes(data)
    checklist = open_checklist(path)
    rule = checklist.rules()[2]
    checklist.with_reviews([ReviewEdit(rule, finding_details=JSON_ONLY, comments="é")]).save()
    reopened = open_checklist(path)
    assert reopened.rules()[2].review.finding_details == JSON_ONLY
    assert reopened.rules()[2].review.comments == "é"
    saved = path.read_bytes()
    if ascii_style:
        assert saved.isascii() and b"\\u00fc \\u65e5\\u672c \\ud83d\\ude00" in saved
    else:
        assert "ü 日本 😀".encode() in saved and b"\\ud800" in saved
    assert json.loads(saved)["stigs"] == json.loads(reopened.data)["stigs"]


def test_cklb_refuses_two_surrogates_json_would_join(tmp_path: Path) -> None:
    checklist = parse_checklist(tmp_path / "x.cklb", SAMPLE_CKLB.read_bytes())
    rule = checklist.rules()[0]
    with pytest.raises(UnstorableText, match=r"U\+D83D followed by U\+DE00"):
        checklist.with_reviews([ReviewEdit(rule, comments="a\ud83d\ude00b")])


@needs_reference
def test_cklb_updated_at_changes_on_each_edited_rule_only(copy_of) -> None:
    path = copy_of(PRETTY_CKLB)
    checklist = open_checklist(path)
    rules = checklist.rules()
    targets = [rules[0], rules[-1]]
    checklist.with_reviews([ReviewEdit(r, status=Status.OPEN) for r in targets]).save()
    old, new = (
        json.loads(PRETTY_CKLB.read_bytes().decode("utf-8-sig")),
        json.loads(path.read_bytes().decode("utf-8-sig")),
    )
    flat_old = [rule for stig in old["stigs"] for rule in stig["rules"]]
    flat_new = [rule for stig in new["stigs"] for rule in stig["rules"]]
    changed = [i for i, (a, b) in enumerate(zip(flat_old, flat_new)) if a["updatedAt"] != b["updatedAt"]]
    assert changed == [0, len(flat_old) - 1]
    assert path.read_bytes().count(b"\r\n") == PRETTY_CKLB.read_bytes().count(b"\r\n")


# --- the field limit ----------------------------------------------------------------------------


@pytest.mark.parametrize("source", [SAMPLE_CKL, SAMPLE_CKLB], ids=["ckl", "cklb"])
def test_a_field_over_the_limit_is_refused_and_one_at_the_limit_is_kept(tmp_path: Path, source: Path) -> None:
    checklist = parse_checklist(tmp_path / source.name, source.read_bytes())
    rule = checklist.rules()[1]
    at_limit = "x" * (MAX_FIELD_CHARS - 2) + "😀"  # the emoji counts two UTF-16 units
    assert utf16_length(at_limit) == MAX_FIELD_CHARS
    assert checklist.with_reviews([ReviewEdit(rule, finding_details=at_limit)]).rules()[1].review.finding_details == (
        at_limit
    )
    over = "y" * (MAX_FIELD_CHARS - 1) + "😀"
    with pytest.raises(FieldTooLong) as caught:
        checklist.with_reviews([ReviewEdit(rule, comments=over)])
    assert "32,768 characters" in str(caught.value) and "COMMENTS" in str(caught.value)
    assert str(tmp_path / source.name) in str(caught.value)


# --- cleaning cklauto's own output --------------------------------------------------------------


def test_clean_command_output_removes_sequences_and_illegal_characters_and_does_not_cap() -> None:
    raw = "\x1b[32mPASS\x1b[0m a\r\nb\rc\x00d\x0c" + "z" * 40_000
    assert clean_command_output(raw) == "PASS a\nb\ncd" + "z" * 40_000


# --- finding many rules at once -----------------------------------------------------------------


def test_find_rules_for_answers_every_key_in_one_pass(monkeypatch) -> None:
    checklist = parse_checklist(SAMPLE_CKL, SAMPLE_CKL.read_bytes())
    rules = checklist.rules()
    calls = []
    real = type(checklist).find_rules
    monkeypatch.setattr(
        type(checklist), "find_rules", lambda self, stig, names: calls.append(1) or real(self, stig, names)
    )
    found = find_rules_for(
        checklist,
        "xccdf_mil.disa.stig_benchmark_" + EXCHANGE,
        {
            "by group": [rules[0].group_id.lower()],
            "by rule id without revision": [rules[1].rule_id.split("r")[0]],
            "by stig id": [f"  {rules[2].rule_version}  "],
            "absent": ["V-999999"],
            "either": ["V-999999", rules[3].group_id],
        },
    )
    assert len(calls) == 1
    assert found["by group"] == rules[0]
    assert found["by rule id without revision"] == rules[1]
    assert found["by stig id"] == rules[2]
    assert found["either"] == rules[3]
    error = found["absent"]
    assert isinstance(error, TargetRuleError) and "V-999999" in str(error) and str(SAMPLE_CKL) in str(error)


def test_find_rules_for_reports_a_rule_held_twice_and_a_missing_stig(tmp_path: Path) -> None:
    data = SAMPLE_CKL.read_bytes()
    start = data.index(b"<VULN>")
    end = data.index(b"</VULN>") + len(b"</VULN>")
    checklist = parse_checklist(tmp_path / "twice.ckl", data[:end] + data[start:end] + data[end:])
    first = checklist.rules()[0]
    found = find_rules_for(checklist, EXCHANGE, {"dup": [first.group_id], "other": [checklist.rules()[5].group_id]})
    assert isinstance(found["dup"], TargetRuleError) and "2 times" in str(found["dup"])
    assert found["other"] == checklist.rules()[5]
    with pytest.raises(StigNotInChecklist, match="does not hold the Windows_10 STIG"):
        find_rules_for(checklist, "Windows_10", {"x": ["V-1"]})


# --- arbitrary text -----------------------------------------------------------------------------

# Any character, with the ones that matter here (newlines, controls, surrogates) made common.
any_text = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(list("\r\n\t\x00\x0c\x1b\ud800\udbff\udc00\ufffe&<>"))),
    max_size=200,
)


def _round_trip_or_refuse(checklist: Checklist, texts: list[str], *, xml: bool) -> None:
    rules = checklist.rules()[:3]
    edits = [ReviewEdit(rule, finding_details=text, comments=text[::-1]) for rule, text in zip(rules, texts)]
    illegal = any(
        ch in "\ufffe\uffff" or 0xD800 <= ord(ch) <= 0xDFFF or (ord(ch) < 0x20 and ch not in "\t\n\r")
        for text in texts
        for ch in text
    )
    paired = any(
        0xD800 <= ord(a) <= 0xDBFF and 0xDC00 <= ord(b) <= 0xDFFF
        for text in texts
        for s in (text, text[::-1])
        for a, b in zip(s, s[1:])
    )
    if (xml and illegal) or (not xml and paired):
        with pytest.raises(UnstorableText):
            checklist.with_reviews(edits)
        return
    edited = checklist.with_reviews(edits)
    reread = parse_checklist(checklist.path, edited.data).rules()
    for rule, text in zip(rules, texts):
        after = reread[rule.position[1]]
        assert (after.review.finding_details, after.review.comments) == (text, text[::-1])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(any_text, min_size=3, max_size=3), crlf=st.booleans())
def test_any_text_round_trips_through_a_ckl_or_is_refused(texts: list[str], crlf: bool) -> None:
    data = _crlf_copy(SAMPLE_CKL) if crlf else SAMPLE_CKL.read_bytes()
    _round_trip_or_refuse(parse_checklist(SAMPLE_CKL, data), texts, xml=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(any_text, min_size=3, max_size=3))
def test_any_text_round_trips_through_a_cklb(texts: list[str]) -> None:
    _round_trip_or_refuse(parse_checklist(SAMPLE_CKLB, SAMPLE_CKLB.read_bytes()), texts, xml=False)

"""The fast CKL path (no tree; see cklauto/formats/ckl_layout.py) reads and writes exactly what the full
lxml path does: on every reference checklist and on generated ones, hostile variants included."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from cklauto.errors import ChecklistError
from cklauto.formats import CklChecklist, ReviewEdit, reopen_if_unchanged
from cklauto.formats.ckl_layout import read_layout
from cklauto.model import Status
from cklauto.rules import find_rule
from tests.conftest import REFERENCE, SAMPLES, reference_files

CKL_FILES = reference_files("ckl") + sorted(SAMPLES.glob("*.ckl"))
REFERENCE_CKL = reference_files("ckl")
PERSON = 'Checked by J. Smith\r\non 2024-05-01\nper <ticket> #42 & more: ü 😀\t"q"'


def _both(path: Path, data: bytes) -> tuple[CklChecklist, CklChecklist]:
    return CklChecklist(path, data, fast=True), CklChecklist(path, data, fast=False)


def test_reference_checklists_are_present_or_skipped_with_a_reason() -> None:
    if not REFERENCE_CKL:
        pytest.skip(f"reference checklists not found at {REFERENCE}; only the samples are compared")


@pytest.mark.parametrize("path", CKL_FILES, ids=lambda p: p.name)
def test_fast_path_reads_every_rule_as_the_tree_does(path: Path) -> None:
    fast, full = _both(path, path.read_bytes())
    assert fast._layout is not None, "every real checklist we have is laid out as its writer lays it out"
    assert full._layout is None
    assert fast.asset == full.asset
    assert fast.stigs == full.stigs
    for rule in full.rules():
        assert fast.rule_at(rule.position) == rule


@pytest.mark.parametrize("path", CKL_FILES, ids=lambda p: p.name)
def test_fast_path_finds_rules_by_every_name_as_the_tree_does(path: Path) -> None:
    fast, full = _both(path, path.read_bytes())
    rules = full.rules()
    for rule in rules[:: max(1, len(rules) // 15)]:
        for name in (rule.group_id, rule.rule_id.lower(), f" {rule.rule_version}\t", *rule.legacy_ids):
            if not name.strip():
                continue
            found = [_found(c, rule.stig.benchmark_id, [name]) for c in (fast, full)]
            assert found[0] == found[1], name


@pytest.mark.parametrize("path", CKL_FILES, ids=lambda p: p.name)
def test_fast_and_full_path_write_byte_identical_files(path: Path) -> None:
    data = path.read_bytes()
    fast, full = _both(path, data)
    rules = full.rules()
    chosen = rules[:: max(1, len(rules) // 6)]
    edits = [
        ReviewEdit(rule, status=Status.OPEN, finding_details=f"{PERSON} {i}", comments=PERSON if i % 2 else None)
        for i, rule in enumerate(chosen)
    ]
    fast_data = fast.with_reviews(edits).data
    assert fast_data == full.with_reviews(edits).data
    assert fast_data != data
    one = chosen[len(chosen) // 2]
    assert (
        fast.with_review(one, status=Status.NOT_A_FINDING, finding_details="x\x1b[1m y").data
        == full.with_review(one, status=Status.NOT_A_FINDING, finding_details="x\x1b[1m y").data
    )
    reread = CklChecklist(path, fast_data, fast=False)
    assert [reread.rule_at(e.rule.position).review.status for e in edits] == [Status.OPEN] * len(edits)


@pytest.mark.parametrize("path", CKL_FILES[:3], ids=lambda p: p.name)
def test_a_reopened_unchanged_checklist_writes_the_same_bytes(path: Path, copy_of) -> None:
    copy = copy_of(path)
    first = CklChecklist(copy, copy.read_bytes(), None, fast=False)
    rule = first.rules()[len(first.rules()) // 2]
    from cklauto.formats import open_checklist

    opened = open_checklist(copy)
    reopened = reopen_if_unchanged(copy, opened.fingerprint)
    assert reopened is not None
    wanted = first.with_reviews([ReviewEdit(rule, status=Status.OPEN, comments=PERSON)]).data
    assert reopened.with_reviews([ReviewEdit(rule, status=Status.OPEN, comments=PERSON)]).data == wanted


# --- generated checklists -----------------------------------------------------------------------

MUTATIONS = [
    "none",
    "lower-case id",
    "padded id",
    "nbsp-padded id",
    "comment in vuln",
    "comment with skeleton tag",
    "comment with field tag",
    "cdata in details",
    "cdata around id",
    "char ref in id",
    "pi in vuln",
    "attribute on vuln",
    "self-closing comments",
    "decoy status",
    "nested copy",
    "stray element in istig",
    "two status",
    "id in title of other rule",
    "legacy id",
]


@st.composite
def checklists(draw: st.DrawFn) -> tuple[bytes, str, list[str]]:
    """A small checklist in one of many layouts, with hostile variants, and the names to look for."""
    nl = draw(st.sampled_from(["\n", "\r\n", ""]))
    ind = draw(st.sampled_from(["\t", "  ", ""]))
    head = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>', ""]))
    top = draw(st.sampled_from(["", "<!--DISA STIG Viewer :: 2.17-->", "<!-- STIG Manager -->"]))
    n_stigs = draw(st.integers(1, 3))
    numbers = draw(st.lists(st.integers(100_000, 999_999), min_size=12, max_size=12, unique=True))
    stigs = []
    count = 0
    for s in range(n_stigs):
        vulns = []
        for _ in range(draw(st.integers(1, 4))):
            number = numbers[count % len(numbers)]
            count += 1
            mutation = draw(st.sampled_from(MUTATIONS))
            event(mutation)
            vulns.append(_vuln(number, mutation, numbers, ind, nl))
        info_extra = draw(st.sampled_from(["", "", "", "copy", "mention"]))
        event(f"stig_info: {info_extra or 'plain'}")
        if info_extra == "copy":  # a stray copy of a rule inside STIG_INFO
            info_extra = f"<VULN>{_vuln(numbers[0], 'none', numbers, '', '')}</VULN>"
        elif info_extra == "mention":
            info_extra = f"<SI_DATA><SID_NAME>notice</SID_NAME><SID_DATA>see V-{numbers[0]}</SID_DATA></SI_DATA>"
        stigs.append(
            f"{ind * 2}<iSTIG>{nl}{ind * 3}<STIG_INFO><SI_DATA><SID_NAME>stigid</SID_NAME><SID_DATA>S{s % 2}"
            f"</SID_DATA></SI_DATA>{info_extra}</STIG_INFO>{nl}" + "".join(vulns) + f"{ind * 2}</iSTIG>{nl}"
        )
    body = (
        f"<CHECKLIST>{nl}{ind}<ASSET><HOST_NAME>h{numbers[0]}</HOST_NAME></ASSET>{nl}{ind}<STIGS>{nl}"
        + "".join(stigs)
        + f"{ind}</STIGS>{nl}</CHECKLIST>"
    )
    data = (head + nl + top + nl if head or top else "") + body
    bom = draw(st.booleans())
    wanted = numbers[draw(st.integers(0, min(count, len(numbers)) - 1))]
    names = draw(
        st.lists(
            st.sampled_from([f"V-{wanted}", f"SV-{wanted}r1_rule", f"SV-{wanted}", f"xx-{wanted}", f"v-{wanted}"]),
            min_size=1,
            max_size=3,
        )
    )
    return (b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"), f"S{draw(st.integers(0, 1))}", names


def _vuln(number: int, mutation: str, numbers: list[int], ind: str, nl: str) -> str:
    def data(attribute: str, value: str) -> str:
        return (
            f"{ind * 4}<STIG_DATA>{nl}{ind * 5}<VULN_ATTRIBUTE>{attribute}</VULN_ATTRIBUTE>{nl}"
            f"{ind * 5}<ATTRIBUTE_DATA>{value}</ATTRIBUTE_DATA>{nl}{ind * 4}</STIG_DATA>{nl}"
        )

    group = f"V-{number}"
    if mutation == "lower-case id":
        group = group.lower()
    elif mutation == "padded id":
        group = f"  {group}\t"
    elif mutation == "nbsp-padded id":
        group = f"\u00a0{group}"
    elif mutation == "cdata around id":
        group = f"<![CDATA[{group}]]>"
    elif mutation == "char ref in id":
        group = f"V-&#{ord(str(number)[0])};{str(number)[1:]}"
    other = numbers[(numbers.index(number) + 1) % len(numbers)]
    title = f"SV-{other}r1_rule in the title" if mutation == "id in title of other rule" else "A rule &amp; its title"
    stig_data = (
        data("Vuln_Num", group)
        + data("Rule_ID", f"SV-{number}r1_rule")
        + data("Rule_Ver", f"XX-{number}")
        + data("Rule_Title", title)
        + (data("LEGACY_ID", f" V-{other} ") if mutation == "legacy id" else "")
    )
    if mutation == "decoy status":
        stig_data = stig_data.replace("</STIG_DATA>", "<STATUS>NotAFinding</STATUS></STIG_DATA>", 1)
    details = "<![CDATA[raw <b> text]]>" if mutation == "cdata in details" else "some &lt;text&gt;"
    comments = (
        f"{ind * 4}<COMMENTS />{nl}" if mutation == "self-closing comments" else f"{ind * 4}<COMMENTS></COMMENTS>{nl}"
    )
    extra = {
        "comment in vuln": f"{ind * 4}<!-- a note -->{nl}",
        "comment with skeleton tag": f"{ind * 4}<!-- </VULN><VULN> -->{nl}",
        "comment with field tag": f"{ind * 4}<!-- <STATUS>Open</STATUS> -->{nl}",
        "pi in vuln": f"{ind * 4}<?tool note?>{nl}",
        "two status": f"{ind * 4}<STATUS>Open</STATUS>{nl}",
        "nested copy": f"{ind * 4}<VULN>" + data("Vuln_Num", f"V-{other}") + f"<STATUS>Open</STATUS></VULN>{nl}",
    }.get(mutation, "")
    start = f'<VULN id="{number}">' if mutation == "attribute on vuln" else "<VULN>"
    vuln = (
        f"{ind * 3}{start}{nl}{stig_data}{extra}{ind * 4}<STATUS>Not_Reviewed</STATUS>{nl}"
        f"{ind * 4}<FINDING_DETAILS>{details}</FINDING_DETAILS>{nl}{comments}{ind * 3}</VULN>{nl}"
    )
    if mutation == "stray element in istig":
        vuln = f"{ind * 3}<EXTRA/>{nl}" + vuln
    return vuln


def _found(checklist: CklChecklist, benchmark_id: str, names: list[str]) -> object:
    try:
        return find_rule(checklist, benchmark_id, names)
    except ChecklistError as exc:
        return str(exc)


def _outcome(data: bytes, benchmark_id: str, names: list[str], fast: bool) -> object:
    path = Path("generated.ckl")
    try:
        checklist = CklChecklist(path, data, fast=fast)
        result: dict[str, object] = {"asset": checklist.asset, "stigs": checklist.stigs}
        found = _found(checklist, benchmark_id, names)
        result["rule"] = found
        if not isinstance(found, str):
            edits = [ReviewEdit(found, status=Status.OPEN, finding_details=PERSON, comments="c\nd")]
            result["data"] = checklist.with_reviews(edits).data
        if fast:
            event(f"fast path {'taken' if checklist._layout is not None else 'declined'}")
        return result
    except ChecklistError as exc:
        return str(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=checklists())
def test_generated_checklists_give_the_same_result_either_way(case: tuple[bytes, str, list[str]]) -> None:
    data, benchmark_id, names = case
    assert _outcome(data, benchmark_id, names, fast=True) == _outcome(data, benchmark_id, names, fast=False)


def test_the_generator_exercises_both_ways() -> None:
    """The generated layouts include ones the fast path takes and ones it declines."""
    ordinary = "".join(_vuln(n, "none", [n, n + 1], "\t", "\n") for n in (123456, 123457))
    hostile = _vuln(123458, "comment with skeleton tag", [123458, 123456], "\t", "\n")

    def document(vulns: str) -> bytes:
        return (
            "<CHECKLIST><ASSET><HOST_NAME>h</HOST_NAME></ASSET><STIGS><iSTIG><STIG_INFO><SI_DATA><SID_NAME>stigid"
            f"</SID_NAME><SID_DATA>S0</SID_DATA></SI_DATA></STIG_INFO>{vulns}</iSTIG></STIGS></CHECKLIST>"
        ).encode()

    assert read_layout(document(ordinary)) is not None
    assert read_layout(document(ordinary + hostile)) is None


# --- well-formedness without a tree -------------------------------------------------------------


def _opened(data: bytes, fast: bool) -> object:
    try:
        checklist = CklChecklist(Path("x.ckl"), data, fast=fast)
        return checklist.asset, checklist.stigs, [checklist.rule_at((0, 0))]
    except ChecklistError as exc:
        return str(exc)


MINIMAL = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!--DISA STIG Viewer :: 2.17-->\n<CHECKLIST>\n\t<ASSET><HOST_NAME>h'
    b"</HOST_NAME></ASSET>\n\t<STIGS>\n\t\t<iSTIG>\n\t\t\t<STIG_INFO><SI_DATA><SID_NAME>stigid</SID_NAME><SID_DATA>X"
    b"</SID_DATA></SI_DATA></STIG_INFO>\n\t\t\t<VULN><STIG_DATA><VULN_ATTRIBUTE>Vuln_Num</VULN_ATTRIBUTE><ATTRIBUTE_DATA>"
    b"V-1</ATTRIBUTE_DATA></STIG_DATA><STATUS>Not_Reviewed</STATUS><FINDING_DETAILS>fd</FINDING_DETAILS><COMMENTS>"
    b"</COMMENTS></VULN>\n\t\t</iSTIG>\n\t</STIGS>\n</CHECKLIST>\n"
)


def _in_details(piece: bytes) -> bytes:
    return MINIMAL.replace(b"<FINDING_DETAILS>fd", b"<FINDING_DETAILS>" + piece)


EDGES = {
    **{f"nested {d} deep": _in_details(b"<a>" * d + b"</a>" * d) for d in range(248, 256)},
    "undeclared namespace prefix": _in_details(b"<x:a/>"),
    "undeclared attribute prefix": _in_details(b'<a x:b="1"/>'),
    "namespaced attribute twice": MINIMAL.replace(b"<VULN>", b'<VULN xmlns:p="u" xmlns:q="u" p:b="1" q:b="2">'),
    "empty namespace": _in_details(b'<a xmlns:p=""/>'),
    "relative namespace (a warning)": _in_details(b'<a xmlns="rel"/>'),
    "text after the root": MINIMAL + b"junk",
    "second root": MINIMAL + b"<CHECKLIST/>",
    "comment and PI after the root": MINIMAL + b"<!-- x --><?pi y?>",
    "unsupported XML version (a warning)": MINIMAL.replace(b'version="1.0"', b'version="1.1"'),
    "bad xml:space (a warning)": MINIMAL.replace(b"<COMMENTS>", b'<COMMENTS xml:space="x">'),
}


@pytest.mark.parametrize("data", list(EDGES.values()), ids=list(EDGES))
def test_parser_edge_cases_open_alike_either_way(data: bytes) -> None:
    assert _opened(data, fast=True) == _opened(data, fast=False)


def test_a_text_node_over_libxml2s_limit_is_refused_either_way() -> None:
    """libxml2 caps a text node at 10,000,000 bytes only while it builds a tree."""
    data = _in_details(b"x" * 10_000_001)
    result = _opened(data, fast=True)
    assert isinstance(result, str) and "not well-formed" in result
    assert result == _opened(data, fast=False)


@settings(max_examples=300, deadline=None)
@given(
    cut=st.integers(0, len(MINIMAL)),
    insert=st.sampled_from(
        [
            b"",
            b"<",
            b">",
            b"&",
            b"&#0;",
            b"&#x41;",
            b"&nbsp;",
            b"\xff",
            b"</X>",
            b"<X>",
            b"]]>",
            b"\x00",
            b"<y:z/>",
            b"-->",
        ]
    ),
    at=st.integers(0, len(MINIMAL)),
)
def test_damaged_checklists_open_alike_either_way(cut: int, insert: bytes, at: int) -> None:
    data = MINIMAL[:at] + insert + MINIMAL[at:]
    data = data[:cut] + data[cut + 1 :]
    assert _opened(data, fast=True) == _opened(data, fast=False)


@pytest.mark.parametrize(
    "stig_data",
    [
        "<STIG_DATA><VULN_ATTRIBUTE>Rule_ID</VULN_ATTRIBUTE><ATTRIBUTE_DATA>SV-1r1_rule</ATTRIBUTE_DATA></STIG_DATA>",
        "<STIG_DATA><ATTRIBUTE_DATA>SV-1r1_rule</ATTRIBUTE_DATA><VULN_ATTRIBUTE>Rule_ID</VULN_ATTRIBUTE></STIG_DATA>",
        "<STIG_DATA><!-- c --><VULN_ATTRIBUTE>Rule_ID</VULN_ATTRIBUTE><ATTRIBUTE_DATA>x</ATTRIBUTE_DATA></STIG_DATA>",
        "<STIG_DATA><VULN_ATTRIBUTE>A</VULN_ATTRIBUTE><VULN_ATTRIBUTE>B</VULN_ATTRIBUTE><ATTRIBUTE_DATA>x</ATTRIBUTE_DATA>"
        "<ATTRIBUTE_DATA>y</ATTRIBUTE_DATA></STIG_DATA>",
        "<STIG_DATA><VULN_ATTRIBUTE/><ATTRIBUTE_DATA/></STIG_DATA>",
        "<STIG_DATA><VULN_ATTRIBUTE>Vuln_Num</VULN_ATTRIBUTE></STIG_DATA>",
        "<STIG_DATA><VULN_ATTRIBUTE>V<!-- c -->x</VULN_ATTRIBUTE><ATTRIBUTE_DATA> y <b/>z</ATTRIBUTE_DATA></STIG_DATA>",
        "<STIG_DATA/>",
    ],
)
def test_attribute_shortcut_reads_what_findtext_reads(stig_data: str) -> None:
    from cklauto.formats.ckl import _attribute

    element = etree.fromstring(stig_data)
    assert _attribute(element) == (
        element.findtext("VULN_ATTRIBUTE") or "",
        element.findtext("ATTRIBUTE_DATA") or "",
    )

"""``--report FILE.html``: a self-contained page for the ISSO, checked by structure and in a real browser.

The page must load nothing (no script, no stylesheet, image or font from anywhere, a CSP that forbids fetching),
show totals first, every failure, and per checklist its host, STIG release and each rule's old and new status with
its finding details one click away.  Every value is someone else's text: a hostile file name, connector name or
person's comment must show as text, never as markup.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cklauto.emulator import EmulatedExchange, HostBehavior
from cklauto.formats import open_checklist
from tests.conftest import SAMPLES
from tests.isso.estate import PASSWORD, USER, Estate, estate_at

#: Everything the page may contain: text structure, tables, <details>, and its own inline style.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "strong", "section", "table", "thead",
    "tbody", "tr", "th", "td", "span", "details", "summary", "pre", "dl", "dt", "dd", "ul", "li", "a",
}  # fmt: skip
HOSTILE_CONNECTOR = "<script>document.title='pwned'</script>\u202eRelay&amp;\"'"
HOSTILE_COMMENT = "</pre></details><img src=x onerror=alert(1)> kept as written"
HOSTILE_FILE = "ex01 <b>&\"'.ckl"


class Page(HTMLParser):
    """The tags, attributes and text of a page, as a browser's tokenizer sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str, **attrs: str) -> int:
        return sum(1 for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items()))

    @property
    def all_text(self) -> str:
        return "".join(self.text)


@pytest.fixture(scope="module")
def estate_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Estate, Path, str]]:
    with estate_at(tmp_path_factory.mktemp("html")) as estate:
        (estate.folder / "broken.ckl").write_text("<CHECKLIST><ASSET>", encoding="utf-8")
        report = estate.tmp / "review.html"
        result = estate.invoke(*estate.args(str(estate.folder), "--report", str(report)))
        assert result.exit_code == 1, result.output  # the broken file
        yield estate, report, report.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """One checklist with a hostile file name, a hostile connector name from the server and a hostile comment."""
    tmp = tmp_path_factory.mktemp("hostile")
    path = tmp / HOSTILE_FILE
    shutil.copyfile(SAMPLES / "ex01.contoso.mil.ckl", path)
    checklist = open_checklist(path)
    rule = next(r for r in checklist.rules() if r.rule_version == "EX13-MB-000120")
    checklist.with_review(rule, comments=HOSTILE_COMMENT).save()
    connectors = [{"Name": HOSTILE_CONNECTOR, "Identity": HOSTILE_CONNECTOR, "TlsDomain": None}]
    host = HostBehavior("ex01.contoso.mil", connectors=connectors)
    with EmulatedExchange([host], tls=True, auth="basic", users={USER: PASSWORD}) as emu:
        inventory = tmp / "hosts.csv"
        inventory.write_text(f"host,server,port\nex01.contoso.mil,127.0.0.1,{emu.port_of(host.name)}\n", "utf-8")
        report = tmp / "report.html"
        estate = Estate(tmp, emu, inventory, tmp / "unused.toml", tmp)
        result = estate.invoke(*estate.args(str(path), "--report", str(report), rule="EX13-MB-000120"))
        assert result.exit_code == 0, result.output
        yield report, report.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------- structure


def test_the_page_loads_nothing_and_runs_nothing(estate_page: tuple[Estate, Path, str]) -> None:
    page = Page(estate_page[2])
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "src" not in attrs
        if tag == "a":
            assert (attrs.get("href") or "").startswith("#")  # only links within the page
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'"]
    assert not re.search(r"https?://|url\(|@import", estate_page[2].split("<body>")[0])


def test_totals_come_first_then_failures_then_every_checklist(estate_page: tuple[Estate, Path, str]) -> None:
    estate, _, text = estate_page
    page = Page(text)
    sections = [a.get("class") or a.get("id") for t, a in page.tags if t == "section"]
    assert sections[:2] == ["totals", "failures"]
    assert sections[2:] == ["checklist"] * 7  # six samples and the broken file
    words = page.all_text
    assert "Totals" in words and "Failures (1)" in words
    assert "broken.ckl: " in words and "is not well-formed XML" in words


def test_each_checklist_shows_host_release_statuses_and_details(estate_page: tuple[Estate, Path, str]) -> None:
    estate, _, text = estate_page
    page = Page(text)
    words = page.all_text
    for host, release in (("ex01", "V2R3"), ("ex03", "V2R1"), ("ex04", "V2R2"), ("ex05", "V1R6")):
        assert f"Host{host}.contoso.mil" in words.replace("\n", "")
        assert f"STIG release{release}" in words.replace("\n", "")
    # One row of texts (a <details>) per rule of the six samples; each status coloured by its class.
    assert page.count("tr", **{"class": "texts"}) == 6 * 52
    assert page.count("details") >= 6 * 52
    assert page.count("span", **{"class": "status open"}) >= 6 * 40
    assert page.count("span", **{"class": "status naf"}) >= 6
    assert page.count("span", **{"class": "status nr"}) >= 6 * 52  # every rule was Not_Reviewed before
    # The finding details are in the page, exactly as written into the checklist.
    rule = next(r for r in estate.opened("EX05").rules() if r.rule_version == "EX13-MB-000120")
    assert rule.review.finding_details in words
    assert rule.review.comments in words and rule.review.comments.startswith("cklauto: ")


def test_hostile_names_and_texts_show_as_text(hostile_page: tuple[Path, str]) -> None:
    _, text = hostile_page
    page = Page(text)
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    assert page.count("script") == page.count("img") == page.count("b") == 0
    words = page.all_text
    assert HOSTILE_FILE in words
    # The connector name, from the server, shows as text; its bidi override only as a visible escape.
    assert "<script>document.title='pwned'</script>" in words and "Relay&amp;" in words
    assert "\u202e" not in text
    assert HOSTILE_COMMENT in words  # a person's comment, kept as written and shown as written


def test_a_dry_run_page_says_so(estate_page: tuple[Estate, Path, str], tmp_path: Path) -> None:
    estate = estate_page[0]
    report = tmp_path / "dry.html"
    result = estate.invoke(*estate.args(str(estate.checklist("EX02")), "--dry-run", "--report", str(report)))
    assert result.exit_code == 0, result.output
    words = Page(report.read_text(encoding="utf-8")).all_text
    assert 'Dry run: nothing was written; "after" is what would be.' in words
    assert "would change" in words or "status unchanged" in words


def test_report_suffix_is_checked_before_anything_runs(estate_page: tuple[Estate, Path, str], tmp_path: Path) -> None:
    estate = estate_page[0]
    result = estate.invoke(*estate.args(str(estate.checklist("EX02")), "--report", str(tmp_path / "r.txt")))
    assert result.exit_code == 2
    assert "the report file must end in .json, .csv or .html" in result.output


# --------------------------------------------------------------------------------------------- browser


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no headless browser installed (CI: apt-get install -y chromium)")


def _chromium(page: Path, tmp_path: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            _browser(),
            "--headless",
            "--no-sandbox",  # CI runs the tests as root
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            *mode,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_chromium_renders_the_page(estate_page: tuple[Estate, Path, str], tmp_path: Path) -> None:
    _, report, _ = estate_page
    dumped = _chromium(report, tmp_path, "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = Page(dumped.stdout)
    assert dom.count("section", **{"class": "checklist"}) == 7
    assert dom.count("tr", **{"class": "texts"}) == 6 * 52
    assert "Failures (1)" in dom.all_text
    shot = tmp_path / "page.png"
    drawn = _chromium(report, tmp_path, "--window-size=1280,2000", f"--screenshot={shot}")
    assert drawn.returncode == 0, drawn.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_chromium_runs_nothing_from_hostile_text(hostile_page: tuple[Path, str], tmp_path: Path) -> None:
    report, _ = hostile_page
    dumped = _chromium(report, tmp_path, "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = Page(dumped.stdout)
    title = dumped.stdout.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "cklauto results: 1 checklists"  # the connector's script did not run
    assert dom.count("script") == dom.count("img") == 0
    assert HOSTILE_COMMENT in dom.all_text


def test_a_failed_rule_shows_the_texts_it_still_has() -> None:
    from cklauto.html_report import render_html
    from cklauto.runner import Row, RuleText

    row = Row("ex01.ckl", host="ex01", rule="EX13-MB-000120", group_id="V-207290", outcome="error", error="boom")
    row.old_status = row.status = "Not_Reviewed"
    texts = {("ex01.ckl", "EX13-MB-000120"): RuleText("what the file holds", "never written", "", "")}
    words = Page(render_html([row], texts)).all_text
    assert "what the file holds" in words and "never written" not in words
    assert "Failures (1)" in words and "boom" in words

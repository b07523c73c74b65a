"""The hand-off to STIG Manager, checked with STIG Manager's own checklist parser.

STIG Manager's default collection settings require finding details on every review and a comment on every finding
(Open, "fail"); a review missing one imports as "saved" and the ISSO has to complete it by hand before it can be
submitted.  So, after ``cklauto run`` over every sample (CKL and CKLB, V1-style to V2R3, all rules, non-compliant
servers), the parser that STIG Manager's web client and STIGMan Watcher use on import must find:

- every review cklauto wrote, with the result STIG Manager maps its status to, and its finding details;
- every Open review with a comment, so each is "submitted", not "saved";
- a comment a person wrote, exactly as they wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cklauto.checks.api import EXCHANGE_2013_MAILBOX
from cklauto.checks.frame import is_cklauto_comment, is_cklauto_details
from cklauto.formats import Rule, open_checklist
from tests.isso.estate import Estate, estate_at
from tests.isso.stig_manager import parse_with_stig_manager, stig_manager_module

#: What STIG Manager's parser maps each checklist status to (ReviewParser.js resultMap).
RESULTS = {"NotAFinding": "pass", "Open": "fail", "Not_Applicable": "notapplicable"}
#: A person's comment, with what XML and JSON escape, a line break and non-ASCII text; written with STIG Viewer.
PERSON_COMMENT = 'Waiver W-17 requested 2026-11-02 for the "Legacy" <relay> & scanner\nApproved by: Jürgen Ø.'
PERSON_HOSTS = ("EX03", "EX02")  # one CKL, one CKLB


@pytest.fixture(scope="module")
def handed_over(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Estate, dict[str, Any]]]:
    stig_manager_module()  # skip early (and before the run) without node, npm or the registry
    with estate_at(tmp_path_factory.mktemp("stigman")) as estate:
        for host in PERSON_HOSTS:
            checklist = estate.opened(host)
            rule = _rule(checklist.rules(), "EX13-MB-000120")
            checklist.with_review(rule, comments=PERSON_COMMENT).save()
        result = estate.invoke(*estate.args(str(estate.folder)))
        assert result.exit_code == 0, result.output
        yield estate, parse_with_stig_manager(estate.files())


def _rule(rules: list[Rule], stig_id: str) -> Rule:
    return next(r for r in rules if r.rule_version == stig_id)


def _written_rules(path: Path) -> list[Rule]:
    checklist = open_checklist(path)
    rules = [r for stig in checklist.stigs_with_id(EXCHANGE_2013_MAILBOX) for r in checklist.rules(stig)]
    return [r for r in rules if is_cklauto_details(r.review.finding_details)]


def _exchange_checklist(parsed: dict[str, Any]) -> dict[str, Any]:
    assert "error" not in parsed, parsed
    found = [c for c in parsed["checklists"] if c["benchmarkId"] == EXCHANGE_2013_MAILBOX]
    assert len(found) == 1
    return found[0]


def test_every_checklist_imports_with_its_host_and_release(handed_over: tuple[Estate, dict[str, Any]]) -> None:
    estate, parsed = handed_over
    assert len(parsed) == len(estate.files()) == 6
    for path in estate.files():
        checklist = open_checklist(path)
        result = parsed[str(path)]
        assert result["target"]["name"] == checklist.asset.host_name
        assert result["target"]["fqdn"] == checklist.asset.fqdn
        stig = checklist.stigs_with_id(EXCHANGE_2013_MAILBOX)[0]
        from cklauto.runner import release_of

        assert _exchange_checklist(result)["revisionStr"] == release_of(stig)


def test_every_written_review_imports_with_its_result_and_finding_details(
    handed_over: tuple[Estate, dict[str, Any]],
) -> None:
    estate, parsed = handed_over
    for path in estate.files():
        reviews = {r["ruleId"]: r for r in _exchange_checklist(parsed[str(path)])["reviews"]}
        written = _written_rules(path)
        assert len(written) >= 48
        for rule in written:
            review = reviews[rule.rule_id]
            assert review["result"] == RESULTS[rule.review.status.value], (path.name, rule.rule_version)
            assert review["detail"] == rule.review.finding_details, (path.name, rule.rule_version)
            assert review["detail"].startswith("cklauto ")


def test_every_open_review_has_a_comment_and_can_be_submitted(handed_over: tuple[Estate, dict[str, Any]]) -> None:
    estate, parsed = handed_over
    fails = 0
    for path in estate.files():
        written = {r.rule_id for r in _written_rules(path)}
        for review in _exchange_checklist(parsed[str(path)])["reviews"]:
            if review["ruleId"] not in written:
                continue
            if review["result"] == "fail":
                fails += 1
                assert review["comment"], (path.name, review["ruleId"])
            # With STIG Manager's default field settings, only a complete review comes back "submitted".
            assert review["status"] == "submitted", (path.name, review["ruleId"], review["result"])
    assert fails >= 6 * 10  # the non-compliant servers give every sample many findings


def test_cklautos_comment_is_short_and_factual(handed_over: tuple[Estate, dict[str, Any]]) -> None:
    estate, parsed = handed_over
    path = estate.checklist("EX01")
    rules = {r.rule_id: r for r in _written_rules(path)}
    for review in _exchange_checklist(parsed[str(path)])["reviews"]:
        if review["result"] == "fail" and review["ruleId"] in rules:
            assert is_cklauto_comment(review["comment"]), review["comment"]
            assert "automated by cklauto " in review["comment"] and len(review["comment"]) <= 2000
        elif review["ruleId"] in rules:
            assert not review["comment"]  # NotAFinding / Not_Applicable: no comment is needed, none is made up


def test_a_persons_comment_imports_exactly_as_written(handed_over: tuple[Estate, dict[str, Any]]) -> None:
    estate, parsed = handed_over
    for host in PERSON_HOSTS:
        path = estate.checklist(host)
        rule = _rule(open_checklist(path).rules(), "EX13-MB-000120")
        assert rule.review.status.value == "Open"  # evaluated: a comment alone does not make a review a person's
        assert rule.review.comments == PERSON_COMMENT
        review = next(r for r in _exchange_checklist(parsed[str(path)])["reviews"] if r["ruleId"] == rule.rule_id)
        assert review["comment"] == PERSON_COMMENT
        assert review["result"] == "fail" and review["status"] == "submitted"

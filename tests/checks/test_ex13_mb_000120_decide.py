"""Decision table, domain validation and property tests for EX13-MB-000120's pure ``decide``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cklauto.checks import all_checks, find_check
from cklauto.checks import ex13_mb_000120 as check
from cklauto.checks.api import Answers, MissingProperty, Record, Settings
from cklauto.checks.values import normalize_domain
from cklauto.model import SendConnector, Status
from cklauto.site import convert, validate_domain

NAF = Status.NOT_A_FINDING
OPEN = Status.OPEN


def sc(name: str, tls: str | None, identity: str | None = None) -> SendConnector:
    return SendConnector(name=name, identity=identity if identity is not None else name, tls_domain=tls)


def record(connector: SendConnector) -> Record:
    """A Send connector as remote PowerShell sends it (Select-Object-free: plain adapted properties)."""
    return Record(
        {"Name": connector.name, "Identity": connector.identity, "TlsDomain": connector.tls_domain},
        ("Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig", "System.Object"),
    )


def decide(connectors, accepted):
    """The check's decide, given the domains as the site settings layer checks and normalises them."""
    if isinstance(accepted, str):
        raise TypeError("accepted domains must be a list")
    domains = convert(check.INTERNAL_DOMAIN, list(accepted))
    answers = Answers({check.SEND_CONNECTORS: [record(c) for c in connectors]}, server="EX01")
    return check.decide(answers, Settings({"internal_smtp_domain": domains}))


# Each row: id, connectors as (name, TlsDomain), accepted domains, expected status, expected non-compliant names.
DECISION_TABLE = [
    ("all-compliant", [("A", "contoso.mil"), ("B", "contoso.mil")], ["contoso.mil"], NAF, []),
    ("single-compliant", [("A", "contoso.mil")], ["contoso.mil"], NAF, []),
    ("one-none", [("A", "contoso.mil"), ("B", None)], ["contoso.mil"], OPEN, ["B"]),
    ("one-empty", [("A", ""), ("B", "contoso.mil")], ["contoso.mil"], OPEN, ["A"]),
    ("one-whitespace", [("A", "   "), ("B", "contoso.mil")], ["contoso.mil"], OPEN, ["A"]),
    ("tab-newline-only", [("A", "\t\n")], ["contoso.mil"], OPEN, ["A"]),
    ("different-domain", [("A", "fabrikam.com")], ["contoso.mil"], OPEN, ["A"]),
    ("subdomain-not-parent", [("A", "mail.contoso.mil")], ["contoso.mil"], OPEN, ["A"]),
    ("parent-not-subdomain", [("A", "contoso.mil")], ["mail.contoso.mil"], OPEN, ["A"]),
    ("suffix-trick", [("A", "evilcontoso.mil")], ["contoso.mil"], OPEN, ["A"]),
    ("case-insensitive", [("A", "CONTOSO.Mil")], ["contoso.mil"], NAF, []),
    ("accepted-upper", [("A", "contoso.mil")], ["CONTOSO.MIL"], NAF, []),
    ("trailing-dot-value", [("A", "contoso.mil.")], ["contoso.mil"], NAF, []),
    ("trailing-dot-accepted", [("A", "contoso.mil")], ["contoso.mil."], NAF, []),
    ("surrounding-space", [("A", "  contoso.mil \t")], ["contoso.mil"], NAF, []),
    ("all-equivalences", [("A", " Contoso.MIL. ")], [" contoso.mil "], NAF, []),
    ("two-trailing-dots", [("A", "contoso.mil..")], ["contoso.mil"], OPEN, ["A"]),
    ("wildcard-not-given", [("A", "*.contoso.mil")], ["contoso.mil"], OPEN, ["A"]),
    ("wildcard-given", [("A", "*.contoso.mil")], ["*.contoso.mil"], NAF, []),
    ("wildcard-given-case", [("A", "*.CONTOSO.mil.")], ["*.contoso.mil"], NAF, []),
    ("wildcard-given-plain-value", [("A", "contoso.mil")], ["*.contoso.mil"], OPEN, ["A"]),
    ("wildcard-never-expands", [("A", "mail.contoso.mil")], ["*.contoso.mil"], OPEN, ["A"]),
    ("multi-accepted-both-used", [("A", "contoso.mil"), ("B", "army.mil")], ["contoso.mil", "army.mil"], NAF, []),
    ("multi-accepted-one-bad", [("A", "contoso.mil"), ("B", "navy.mil")], ["contoso.mil", "army.mil"], OPEN, ["B"]),
    ("multi-accepted-duplicates", [("A", "contoso.mil")], ["contoso.mil", "CONTOSO.mil."], NAF, []),
    ("zero-connectors", [], ["contoso.mil"], NAF, []),
    (
        "mixed",
        [("Zeta", None), ("alpha", "contoso.mil"), ("Mid", "fabrikam.com"), ("beta", " "), ("Wild", "*.contoso.mil")],
        ["contoso.mil"],
        OPEN,
        ["beta", "Mid", "Wild", "Zeta"],
    ),
    ("all-bad", [("A", None), ("B", "")], ["contoso.mil"], OPEN, ["A", "B"]),
]


@pytest.mark.parametrize(
    ("connectors", "accepted", "status", "failing"),
    [row[1:] for row in DECISION_TABLE],
    ids=[row[0] for row in DECISION_TABLE],
)
def test_decision_table(connectors, accepted, status, failing):
    decision = decide([sc(n, t) for n, t in connectors], accepted)
    assert decision.status is status
    assert len(decision.verdicts) == len(connectors)
    assert [v.subject for v in decision.failing] == failing
    for name in failing:
        assert f'"{name}"' in decision.summary
    assert decision.summary.endswith(".")
    assert "\n" not in decision.summary


def test_zero_connectors_summary_is_plain():
    decision = decide([], ["contoso.mil"])
    assert decision.verdicts == ()
    assert decision.summary.startswith("No Send connectors are configured")


def test_reasons_say_what_was_found_and_expected():
    decision = decide(
        [
            sc("E", ""),
            sc("N", None),
            sc("W", "  "),
            sc("D", "fabrikam.com"),
            sc("X", "*.contoso.mil"),
            sc("OK", "contoso.mil"),
        ],
        ["contoso.mil"],
    )
    reasons = {v.subject: v.reason for v in decision.verdicts}
    assert reasons["E"] == "TlsDomain is empty; expected contoso.mil"
    assert reasons["N"] == "TlsDomain is empty ($null); expected contoso.mil"
    assert reasons["W"] == "TlsDomain is blank (whitespace only); expected contoso.mil"
    assert reasons["D"] == "TlsDomain is fabrikam.com; expected contoso.mil"
    assert "wildcard" in reasons["X"] and "expected contoso.mil" in reasons["X"]
    assert reasons["OK"] == "TlsDomain is contoso.mil, the internal SMTP domain"


def test_reason_lists_every_accepted_domain():
    decision = decide([sc("A", "navy.mil")], ["contoso.mil", "army.mil"])
    assert decision.verdicts[0].reason == "TlsDomain is navy.mil; expected one of contoso.mil, army.mil"


def test_reason_shows_padding_visibly():
    decision = decide([sc("A", " fabrikam.com ")], ["contoso.mil"])
    assert '" fabrikam.com "' in decision.verdicts[0].reason


def test_verdicts_sorted_by_name_regardless_of_input_order():
    connectors = [sc("b", None), sc("A", "contoso.mil"), sc("c", "x.mil"), sc("B", "contoso.mil")]
    forward = decide(connectors, ["contoso.mil"])
    backward = decide(list(reversed(connectors)), ["contoso.mil"])
    assert forward == backward
    assert [v.subject for v in forward.verdicts] == ["A", "B", "b", "c"]


def test_decision_is_immutable():
    decision = decide([sc("A", None)], ["contoso.mil"])
    with pytest.raises(AttributeError):
        decision.status = NAF  # type: ignore[misc]


@pytest.mark.parametrize("accepted", [[], (), ["  "], [""]])
def test_no_accepted_domain_is_an_error(accepted):
    with pytest.raises(ValueError):
        decide([sc("A", "contoso.mil")], accepted)


def test_bare_string_is_rejected():
    with pytest.raises(TypeError):
        decide([sc("A", "contoso.mil")], "contoso.mil")  # type: ignore[arg-type]


def test_invalid_accepted_domain_is_an_error_even_with_valid_ones():
    with pytest.raises(ValueError, match="contoso_mil"):
        decide([sc("A", "contoso.mil")], ["contoso.mil", "contoso_mil.x"])


# ---------------------------------------------------------------------------------------------------------------
# Domains


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contoso.mil", "contoso.mil"),
        ("CONTOSO.MIL", "contoso.mil"),
        (" contoso.mil. ", "contoso.mil"),
        ("*.Contoso.Mil", "*.contoso.mil"),
        ("mail.eu.contoso.mil", "mail.eu.contoso.mil"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("a-b.c-d.mil", "a-b.c-d.mil"),
        ("1st.contoso.mil", "1st.contoso.mil"),
        ("x" * 63 + ".mil", "x" * 63 + ".mil"),
    ],
)
def test_validate_domain_accepts(text, expected):
    assert validate_domain(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("admin@contoso.mil", "email address"),
        ("https://contoso.mil", "URL"),
        ("contoso.mil/owa", "URL"),
        ("contoso .mil", "whitespace"),
        ("contoso.mil army.mil", "whitespace"),
        ("contoso", "fully qualified"),
        ("*.", "wildcard"),
        ("*", "wildcard"),
        ("*.mil", "fully qualified"),
        ("*contoso.mil", "wildcard"),
        ("mail.*.contoso.mil", "wildcard"),
        ("*.*.contoso.mil", "wildcard"),
        ("contoso..mil", "empty label"),
        (".contoso.mil", "empty label"),
        ("contoso.mil..", "empty label"),
        ("-contoso.mil", "not valid"),
        ("contoso-.mil", "not valid"),
        ("con_toso.mil", "not valid"),
        ("x" * 64 + ".mil", "not valid"),
        (("a" * 60 + ".") * 5 + "mil", "253"),
        ("10.0.0.1", "IP address"),
        ("bücher.example", "non-ASCII"),
        ("contoso.mil;rm", "not valid"),
        ("'contoso.mil'", "not valid"),
    ],
)
def test_validate_domain_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        validate_domain(text)


def test_validate_domain_rejects_non_text():
    with pytest.raises(ValueError):
        validate_domain(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", ""), ("  ", ""), ("A.B.", "a.b"), ("x.", "x"), (".", ""), ("ÄB.Com", "Äb.com")],
)
def test_normalize_domain(text, expected):
    assert normalize_domain(text) == expected


# ---------------------------------------------------------------------------------------------------------------
# Plugin metadata


ALL_IDS = {
    "V-84609",
    "SV-84609",
    "SV-84609r1_rule",
    "V-69987",
    "V-207290",
    "SV-207290",
    "SV-207290r615936_rule",
    "SV-207290r961110_rule",
    "EX13-MB-000120",
}


def test_check_declaration():
    declared = check.CHECK
    assert declared.stig_id == "EX13-MB-000120"
    assert declared.benchmark_id == "MS_Exchange_2013_Mailbox_STIG"
    assert declared.ids.names() >= {i.upper() for i in ALL_IDS}
    assert declared.stig_command == "Get-SendConnector | Select Name, Identity, TlsDomain"
    assert [r.query.command_line() for r in declared.reads] == ["Get-SendConnector"]
    assert declared.reads[0].properties == ("Name", "Identity", "TlsDomain")
    assert [s.name for s in declared.required_settings()] == ["internal_smtp_domain"]
    assert check.FIX_COMMAND.startswith("Set-SendConnector -Identity ")
    doc = check.__doc__ or ""
    assert doc.startswith("EX13-MB-000120: Exchange internal Send connectors must require encryption")
    for alias in ALL_IDS:
        assert alias in doc, alias
    assert "if the value of TlsDomain is not set to the value of the internal <SMTP Domain>" in doc


@pytest.mark.parametrize(
    "identifier",
    sorted(ALL_IDS) + ["ex13-mb-000120", " V-207290 ", "SV-207290r961110", "SV-84609R1_RULE"],
)
def test_registry_finds_check_by_any_alias(identifier):
    assert find_check(identifier) is check.CHECK


@pytest.mark.parametrize("identifier", ["V-207291", "SV-2072900r1_rule", "EX13-MB-000121", "", "SV-207290x"])
def test_registry_rejects_other_ids(identifier):
    assert find_check(identifier) is not check.CHECK


def test_all_checks_lists_builtin_sorted():
    registered = all_checks()
    assert check.CHECK in registered
    assert [c.stig_id for c in registered] == sorted(c.stig_id for c in registered)


def test_a_connector_without_tls_domain_property_is_not_judged():
    answers = Answers({check.SEND_CONNECTORS: [Record({"Name": "A", "Identity": "A"})]})
    with pytest.raises(MissingProperty):
        check.decide(answers, Settings({"internal_smtp_domain": ("contoso.mil",)}))


# ---------------------------------------------------------------------------------------------------------------
# Properties

_domains = st.sampled_from(["contoso.mil", "army.mil", "*.contoso.mil", "mail.contoso.mil", "fabrikam.com"])
_variants = st.sampled_from(["", " ", ".", " . "])


@st.composite
def tls_values(draw):
    kind = draw(st.sampled_from(["none", "blank", "domain", "junk"]))
    if kind == "none":
        return None
    if kind == "blank":
        return draw(st.sampled_from(["", " ", "\t", "  \n"]))
    if kind == "junk":
        return draw(st.text(max_size=20))
    domain = draw(_domains)
    if draw(st.booleans()):
        domain = domain.upper()
    suffix = draw(st.sampled_from(["", ".", " ", ". "]))
    prefix = draw(st.sampled_from(["", " ", "\t"]))
    return prefix + domain + suffix


connector_lists = st.lists(
    st.builds(sc, st.text(min_size=1, max_size=12), tls_values(), st.text(min_size=1, max_size=12)), max_size=8
)
accepted_lists = st.lists(_domains, min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(connector_lists, accepted_lists)
def test_property_naf_iff_every_normalized_tls_in_accepted(connectors, accepted):
    decision = decide(connectors, accepted)
    wanted = {normalize_domain(a) for a in accepted}
    all_in = all(c.tls_domain is not None and normalize_domain(c.tls_domain) in wanted for c in connectors)
    assert (decision.status is NAF) == all_in
    assert len(decision.verdicts) == len(connectors)
    assert sorted(v.subject for v in decision.verdicts) == sorted(c.name for c in connectors)
    by_name: dict[str, list[bool]] = {}
    for c in connectors:
        by_name.setdefault(c.name, []).append(c.tls_domain is not None and normalize_domain(c.tls_domain) in wanted)
    for v in decision.verdicts:
        assert v.ok in by_name[v.subject]
        assert v.reason


@settings(max_examples=200, deadline=None)
@given(connector_lists, accepted_lists, st.randoms())
def test_property_order_of_input_does_not_matter(connectors, accepted, rnd):
    shuffled = list(connectors)
    rnd.shuffle(shuffled)
    assert decide(connectors, accepted) == decide(shuffled, accepted)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_property_validate_domain_only_raises_value_error(text):
    try:
        value = validate_domain(text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert value == normalize_domain(value)
        assert validate_domain(value) == value


def test_same_name_none_and_empty_tls_sort_deterministically():
    # Found by hypothesis: None and "" must not tie in the sort order.
    a, b = sc("0", None), sc("0", "")
    assert decide([a, b], ["contoso.mil"]) == decide([b, a], ["contoso.mil"])

"""Hypothesis: any valid host name / comment gives a CKL that validates and reads back, and a CKLB that round-trips."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from cklauto.create import AssetSpec, new_ckl, new_cklb
from cklauto.errors import ConfigError

from .create_helpers import counting_uuids

# "Valid text": no control characters (Cc), no surrogates (Cs), no XML non-characters.
_text_chars = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
host_names = st.text(_text_chars, min_size=1, max_size=255).filter(lambda s: s.strip() == s and s.strip())
comments = st.text(st.one_of(_text_chars, st.sampled_from("\n\t\r")), max_size=300)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(host=host_names, comment=comments, fqdn=host_names)
def test_any_valid_asset_text_gives_valid_ckl(v2r3, ckl_schema, host, comment, fqdn):
    out = new_ckl(v2r3, AssetSpec(host_name=host, fqdn=fqdn, comment=comment), uuid_factory=counting_uuids())
    root = etree.fromstring(out)
    assert ckl_schema.validate(root), ckl_schema.error_log
    assert root.findtext("ASSET/HOST_NAME") == host
    assert root.findtext("ASSET/HOST_FQDN") == fqdn
    assert root.findtext("ASSET/TARGET_COMMENT") == comment.replace("\r\n", "\n").replace("\r", "\n")
    assert b"/>" not in out and b"&quot;" not in out and not out.endswith(b"\n")


@SETTINGS
@given(host=host_names, comment=comments, title=host_names)
def test_any_valid_asset_text_gives_round_tripping_cklb(v2r3, host, comment, title):
    out = new_cklb(v2r3, AssetSpec(host_name=host, comment=comment), title=title, uuid_factory=counting_uuids())
    doc = json.loads(out)
    assert json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode() == out
    assert doc["target_data"]["host_name"] == host
    assert doc["title"] == title


@SETTINGS
@given(host=st.text(min_size=1, max_size=40))
def test_any_host_name_either_works_or_is_a_config_error(v2r3, host):
    bad = (
        any(unicodedata.category(c) in ("Cc", "Cs") or c in "\ufffe\uffff" for c in host)
        or host.strip() != host
        or not host.strip()
    )
    try:
        out = new_ckl(v2r3, AssetSpec(host_name=host))
    except ConfigError as error:
        assert bad
        assert "\n" not in str(error)
    else:
        assert not bad
        assert etree.fromstring(out).findtext("ASSET/HOST_NAME") == host

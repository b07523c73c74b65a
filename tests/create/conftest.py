"""Shared helpers for the checklist-generator tests.

The reference data (real STIG Viewer files, the DISA XSD, DISA XCCDFs) lives in ``shared/reference``
beside the repository checkout and is read in place, never copied into the repo.
"""

from __future__ import annotations

import pytest

from .create_helpers import reference_file, xccdf_path


@pytest.fixture(scope="session")
def ckl_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(reference_file("ckl/schema/U_Checklist_Schema_V2.xsd"))))


@pytest.fixture(scope="session")
def v2r3():
    from cklauto.xccdf import load_benchmark

    return load_benchmark(xccdf_path("V2R3"))

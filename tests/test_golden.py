"""Golden files: the generated documents compared part by part with committed copies, so any
change to what a document holds shows up as a readable XML diff in review.

After an intended change, regenerate the copies and review the diff:

    VANBAN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

GOLDEN = Path(__file__).parent / "golden"
PARTS = ["word/document.xml", "word/styles.xml", "word/header1.xml", "word/header2.xml",
         "docProps/core.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"]


def pretty(xml: bytes) -> str:
    return etree.tostring(etree.fromstring(xml), pretty_print=True, encoding="unicode")


@pytest.fixture(scope="module")
def example_out(tmp_path_factory) -> Path:
    from conftest import DATA
    from generator.app import main as pipeline

    out = tmp_path_factory.mktemp("golden")
    pipeline.build(DATA, out)
    return out


GOLDEN_DOCS = {"outline": "de-cuong.docx", "forms": "phu-luc.docx",
               "skeleton-cb": "don-vi/chi-bo-ban-dan-toc.docx",
               "skeleton-db-dn": "don-vi/dang-bo-cong-ty-dien-luc-ha-tinh.docx",
               "consolidated-empty": "bao-cao-tong-hop.docx"}


@pytest.mark.parametrize("document", ["party", "state", *GOLDEN_DOCS])
def test_parts_match_golden_copies(document, party_plan, state_plan, example_out):
    path = {"party": party_plan, "state": state_plan}.get(document) or example_out / GOLDEN_DOCS[document]
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        for part in PARTS + (["docProps/custom.xml"] if "docProps/custom.xml" in names else []):
            assert part in names
            got = pretty(zf.read(part))
            golden = GOLDEN / document / (part.replace("/", "__") + ".txt")
            if os.environ.get("VANBAN_UPDATE_GOLDEN"):
                golden.parent.mkdir(parents=True, exist_ok=True)
                golden.write_text(got, encoding="utf-8")
            assert golden.read_text(encoding="utf-8") == got, f"{document}: {part} đã khác"

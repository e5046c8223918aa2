"""Every kind of .docx and .xlsx vanban writes passes the Office Open XML checks Word and Excel
are held to: the schema's element order and attributes, the relationships and parts a document
or workbook must have (styles, settings, font table, theme), and what Excel would rewrite on its
next save (inline strings). The checker is openxml-audit, in strict mode (the Open XML SDK's
rules, in Python).

The files come from builds made once for the module, as people make them: the Party example
(HD 36) with returns filled in Word, collected, one sent back (so the return letter), the status
list and the traceability workbook; a plan edited in Word and merged with new data (tracked
changes and a comment); the state example (NĐ 30); a 2026 campaign (HD 05); and a unit's
campaign started from its tier kit, whose report goes up (``gui-cap-tren``). The units'
skeletons are many and alike: one of each level is checked, besides those that came back.

A finding the checker is wrong about is allowed here by its rule id and part, with the reason;
nothing else is.
"""

from __future__ import annotations

import random
import re
import shutil
import zipfile
from pathlib import Path
from typing import NamedTuple

import openxml_audit as audit
import pytest

import fill_returns
from conftest import DATA, STATE
from generator.app import main as pipeline
from generator.cli import main as cli_main
from generator.intake.collect import collect
from generator.config.validate import load_campaign

# (rule, part) → why the checker is wrong there; the rule is the finding's id, or for a schema
# finding (which has none) its message. Empty: every file passes as it is.
ALLOWED: dict[tuple[str, str], str] = {}


class Build(NamedTuple):
    files: list[Path]
    data: Path      # the campaign's data folder (its profile)


def cli(*args) -> None:
    try:
        cli_main([str(a) for a in args])
    except SystemExit as exc:
        assert not exc.code, (args, exc.code)


def sample_units(data: Path, out: Path, also: list[str]) -> list[Path]:
    """The skeletons (.docx, .xlsx) of the first unit of each level, and of the units in ``also``."""
    campaign = load_campaign(data)
    first: dict[str, str] = {}
    for unit in campaign.units:
        first.setdefault(campaign.member(unit.id).level.id, unit.id)
    chosen = sorted(set(first.values()) | set(also))
    return [p for uid in chosen for p in sorted((out / "don-vi").glob(f"{uid}.*")) if p.suffix != ".zip"]


def top_level(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.suffix in (".docx", ".xlsx"))


def party(root: Path) -> Build:
    data, out = root / "data", root / "out"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data, out)
    units = [u.id for u in load_campaign(data).units][:3]
    folder = root / "gui"
    folder.mkdir()
    rng = random.Random(20)
    for unit in units:
        fill_returns.fill(out / "don-vi" / f"{unit}.docx", folder / f"{unit}.docx", rng)
    taken = collect(sorted(folder.iterdir()), data)
    assert len(taken.stored) == len(units) and not taken.refused
    cli("review", "--data", data, "--tra-lai", units[0], "--ly-do", "số liệu Phụ lục 1 chưa khớp")
    pipeline.build(data, out)
    cli("status", "--data", data, "--today", "10/5/2021", "--xlsx", root / "tinh-trang.xlsx")
    letters = sorted((out / "tra-lai").glob("*.docx"))
    assert [p.stem for p in letters] == [units[0]]
    files = top_level(out) + letters + sample_units(data, out, units) + [root / "tinh-trang.xlsx"]
    assert (out / "nguon-so-lieu.xlsx") in files and (out / "bao-cao-tong-hop.docx") in files
    return Build(files, data)


def merged(root: Path) -> Build:
    """The plan edited in Word, then a deadline moves: the rebuild merges the new data into the
    person's copy as tracked changes, with a comment where both changed the same paragraph."""
    import docx

    data, out = root / "data", root / "out"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(data, out)
    plan = out / "ke-hoach.docx"
    document = docx.Document(plan)
    target = next(p for p in document.paragraphs if p.text.startswith("- Các đảng ủy, chi ủy cơ sở phối hợp"))
    whole = target.text
    for r in target.runs[1:]:
        r._r.getparent().remove(r._r)
    target.runs[0].text = whole.replace("Cụ thể:", "Cụ thể như sau (Văn phòng bổ sung):")
    document.paragraphs[-1].insert_paragraph_before("Văn phòng theo dõi, đôn đốc thực hiện.")
    document.save(plan)
    path = data / "chien-dich.yaml"
    text = path.read_text(encoding="utf-8")
    assert "report_deadline: 05/5/2021" in text
    path.write_text(text.replace("report_deadline: 05/5/2021", "report_deadline: 12/5/2021", 1),
                    encoding="utf-8")
    pipeline.build(data, out)
    with zipfile.ZipFile(plan) as z:
        xml = z.read("word/document.xml").decode()
        assert "word/comments.xml" in z.namelist()
    assert "<w:ins " in xml and 'w:author="vanban"' in xml
    return Build([plan], data)


def state(root: Path) -> Build:
    out = root / "out"
    pipeline.build(STATE, out)
    return Build(top_level(out) + sample_units(STATE, out, []), STATE)


def hd05(root: Path) -> Build:
    from test_hd05 import dated_2026

    data, out = dated_2026(root / "data"), root / "out"
    pipeline.build(data, out)
    return Build(top_level(out) + sample_units(data, out, []), data)


def tier(root: Path) -> Build:
    """A unit's campaign from its kit: its branches listed, one return collected, its report up."""
    from generator.documents.kit import new_from_kit
    from test_tiers import UNIT, list_branches

    bloc, bloc_out = root / "bloc" / "data", root / "bloc" / "out"
    shutil.copytree(DATA, bloc, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    pipeline.build(bloc, bloc_out)
    unit = root / "unit"
    new_from_kit(unit, bloc_out / "bo-du-lieu" / f"{UNIT}.zip", pipeline.BUNDLED_TEMPLATES)
    list_branches(unit / "data")
    pipeline.build(unit / "data", unit / "out")
    branch = [u.id for u in load_campaign(unit / "data").units][0]
    folder = root / "tra-ve"
    folder.mkdir()
    fill_returns.fill(unit / "out" / "don-vi" / f"{branch}.docx", folder / f"{branch}.docx", random.Random(5))
    collect([folder], unit / "data")
    pipeline.build(unit / "data", unit / "out")
    up = unit / "out" / "gui-cap-tren" / f"{UNIT}.docx"
    assert up.is_file()
    return Build(top_level(unit / "out") + [up] + sample_units(unit / "data", unit / "out", [branch]),
                 unit / "data")


BUILDS = {"party": party, "merged plan": merged, "state": state, "hd05": hd05, "tier": tier}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Build]:
    return {name: make(tmp_path_factory.mktemp(make.__name__)) for name, make in BUILDS.items()}


def findings(path: Path) -> list[str]:
    validator = audit.OpenXmlValidator(max_errors=0, strict=True)
    result = validator.validate(path)
    return [f"{e.id} {e.part_uri} {e.path} {e.description}" for e in result.errors
            if (e.id or e.description, e.part_uri) not in ALLOWED]


@pytest.mark.parametrize("build", list(BUILDS))
def test_every_generated_file_passes_the_office_open_xml_checks(generated, build):
    files = generated[build].files
    assert files
    bad = {f"{p.parent.name}/{p.name}": found for p in files if (found := findings(p))}
    assert not bad, bad


def test_each_kind_of_document_and_each_profile_is_checked(generated):
    every = [p for build in generated.values() for p in build.files]
    names = {p.name for p in every}
    kinds = {"ke-hoach.docx", "de-cuong.docx", "phu-luc.docx", "bao-cao-tong-hop.docx",
             "tong-hop-y-kien.docx", "nguon-so-lieu.xlsx", "tinh-trang.xlsx"}
    assert kinds <= names
    folders = {p.parent.name for p in every}
    assert {"don-vi", "tra-lai", "gui-cap-tren"} <= folders
    assert any(p.suffix == ".xlsx" and p.parent.name == "don-vi" for p in every)
    with zipfile.ZipFile(generated["merged plan"].files[0]) as z:
        assert "word/comments.xml" in z.namelist()
    from generator.formats.profiles import PROFILE_DIR
    assert {load_campaign(b.data).profile.id for b in generated.values()} == \
        {p.stem for p in PROFILE_DIR.glob("*.yaml")}


def test_the_checker_catches_a_property_out_of_the_schemas_order(generated, tmp_path):
    """The check is not blind: a paragraph of the plan with its alignment put before its style
    (the schema's sequence has pStyle first) is reported."""
    plan = next(p for p in generated["party"].files if p.name == "ke-hoach.docx")
    with zipfile.ZipFile(plan) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml = parts["word/document.xml"].decode()
    start = xml.index("<w:pPr><w:pStyle ")
    end = xml.index("/>", start) + 2
    parts["word/document.xml"] = (xml[:start] + '<w:pPr><w:jc w:val="center"/>' + xml[start + 7:end]
                                  + xml[end:]).encode()
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert any("pStyle" in f for f in findings(broken))


def as_inline_strings(source: Path, target: Path, typed: dict[str, int]) -> None:
    """``source`` rewritten as some programs (and vanban before) write a workbook: text held in
    each cell (``inlineStr``), no shared-strings table, no custom properties (so the unit is
    known by its «Tên đơn vị» line); ``typed`` (cell of the first sheet → number) filled in."""
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(source) as z:
        parts = {i.filename: z.read(i).decode() for i in z.infolist()}
    shared = re.findall(r"<si><t[^>]*>(.*?)</t></si>", parts.pop("xl/sharedStrings.xml"), re.S)
    assert shared
    parts.pop("docProps/custom.xml")
    for name in [n for n in parts if n.startswith("xl/worksheets/")]:
        parts[name] = re.sub(r'<c r="([A-Z]+\d+)" s="(\d+)" t="s"><v>(\d+)</v></c>',
                             lambda m: f'<c r="{m[1]}" s="{m[2]}" t="inlineStr"><is><t xml:space="preserve">'
                                       f"{shared[int(m[3])]}</t></is></c>", parts[name])
        assert 't="s"' not in parts[name]
    for ref, value in typed.items():
        empty = re.search(rf'<c r="{ref}" s="(\d+)"/>', parts["xl/worksheets/sheet1.xml"])
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
            empty[0], f'<c r="{ref}" s="{empty[1]}"><v>{escape(str(value))}</v></c>')
    parts["[Content_Types].xml"] = re.sub(r'<Override PartName="/(xl/sharedStrings|docProps/custom)\.xml"[^>]*/>',
                                          "", parts["[Content_Types].xml"])
    for rels in ("_rels/.rels", "xl/_rels/workbook.xml.rels"):
        parts[rels] = re.sub(r'<Relationship [^>]*Target="(sharedStrings|docProps/custom)\.xml"/>', "", parts[rels])
    assert "sharedStrings" not in "".join(parts.values()) and "custom.xml" not in "".join(parts.values())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)


def test_a_returned_workbook_with_inline_strings_is_still_read(generated, tmp_path):
    """The writer now uses shared strings, as Excel does; a workbook whose text is held in its
    cells (vanban's earlier forms, other programs) is read all the same: the unit by its
    «Tên đơn vị» line, the figure typed."""
    skeleton = next(p for p in generated["party"].files if p.suffix == ".xlsx" and p.parent.name == "don-vi")
    unit = skeleton.stem
    returned = tmp_path / "so-lieu.xlsx"
    as_inline_strings(skeleton, returned, {"D7": 41})
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    taken = collect([returned], data)
    assert not taken.refused, taken.refused
    record = load_campaign(data).returns[unit]
    assert record.figures["pl1"]["r1"]["so-luong"] == 41
    assert record.source.identified_by == "tiêu đề"


def test_a_campaigns_own_template_without_a_theme_still_gives_a_document_with_one(tmp_path):
    """A unit's kit copies the templates of its day into the unit's campaign; one made before
    the templates carried a theme still gives documents with the theme part Word requires."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("bao-cao", ".*"))
    (data / "templates").mkdir()
    with zipfile.ZipFile(pipeline.BUNDLED_TEMPLATES / "ke-hoach.docx") as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    del parts["word/theme/theme1.xml"]
    for name in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
        text = parts[name].decode()
        parts[name] = re.sub(r"<(Override|Relationship) [^>]*theme[^>]*/>", "", text).encode()
        assert "theme" in text and "theme" not in parts[name].decode()
    with zipfile.ZipFile(data / "templates" / "ke-hoach.docx", "w") as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    out = tmp_path / "out"
    pipeline.build(data, out)
    plan = out / "ke-hoach.docx"
    with zipfile.ZipFile(plan) as z:
        assert "word/theme/theme1.xml" in z.namelist()
        rels = z.read("word/_rels/document.xml.rels").decode()
    # the campaign's template was the one used: the theme came in as it was compiled
    assert 'Id="rIdVanbanTheme"' in rels and 'Target="theme/theme1.xml"' in rels
    assert findings(plan) == []


def test_text_and_attributes_are_escaped_as_saxutils_escapes_them():
    """vanban writes XML text and attributes with its own two functions (saxutils would load
    the HTTP client at every start): the same output as saxutils for any mix of the
    characters that matter."""
    import random
    from xml.sax import saxutils

    from generator.base import xmltext

    rng = random.Random(7)
    alphabet = list("ab&<>\"'\n\r\t ươ;#")
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert xmltext.escape(text) == saxutils.escape(text)
        assert xmltext.quoteattr(text) == saxutils.quoteattr(text)

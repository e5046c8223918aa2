"""Every return a unit sends is taken: a copy whose properties Word's *Inspect Document* removed
is known by the committee line of its header, read as a reader reads it (a line break is a
space) and as people leave it (retyped, in its own case and spacing, a line break moved, the
name over two paragraphs, saved by LibreOffice); a header two units could have written is
refused naming both; a return with words and no figure is taken with a finding that its
figures are missing; only a file with nothing written at all is refused as unfilled."""

from __future__ import annotations

import copy
import random
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from lxml import etree

from conftest import REPO, all_paragraphs, libreoffice_resave, run_cli, texts
from generator.app import main as pipeline

import fill_returns  # tools/, put on the path by conftest

FIGURE = "vanban:pl1:r1:so-luong"   # every unit's form asks it: Tổng số đảng viên


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("recognition") / "out"
    pipeline.build(REPO / "data", out)
    return out


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def inspect_document(source: Path, target: Path) -> Path:
    """``source`` after Word's *Inspect Document* → «Document Properties and Personal
    Information» → *Remove All*: the custom properties gone (the part, its relationship and
    its content type), the author and the last editor emptied."""
    cp = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
    dc = "{http://purl.org/dc/elements/1.1/}"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/custom.xml":
                continue
            if item.filename in ("_rels/.rels", "[Content_Types].xml"):
                root = etree.fromstring(data)
                for el in list(root):
                    if "docProps/custom.xml" in (el.get("Target", "") + el.get("PartName", "")):
                        root.remove(el)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if item.filename == "docProps/core.xml":
                root = etree.fromstring(data)
                for el in root:
                    if el.tag in (dc + "creator", cp + "lastModifiedBy"):
                        el.text = ""
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item.filename, data)
    with zipfile.ZipFile(target) as zf:
        assert "docProps/custom.xml" not in zf.namelist()
        assert b"custom.xml" not in zf.read("_rels/.rels") + zf.read("[Content_Types].xml")
    return target


def issuer(document):
    """The paragraph of the header that names the unit (under its superior)."""
    return document.tables[0].rows[0].cells[0].paragraphs[1]


def retype(paragraph, lines: list[list[str]]) -> None:
    """The paragraph typed again: each line in the runs given, a line break (Shift+Enter)
    between lines."""
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    for n, runs in enumerate(lines):
        for k, text in enumerate(runs):
            paragraph.add_run(("\n" if n and not k else "") + text)   # python-docx: \n is <w:br/>


def split_paragraph(paragraph, lines: list[str]) -> None:
    """The name typed over several paragraphs (Enter where the skeleton had Shift+Enter)."""
    retype(paragraph, [[lines[0]]])
    anchor = paragraph
    for line in lines[1:]:
        new = docx.text.paragraph.Paragraph(copy.deepcopy(paragraph._p), paragraph._parent)
        anchor._p.addnext(new._p)
        retype(new, [[line]])
        anchor = new


def typed_return(skeleton: Path, target: Path, figure: str, edit=None) -> Path:
    """The skeleton with one figure typed (and its header edited by ``edit``), saved."""
    document = docx.Document(skeleton)
    fill_returns.type_into(fill_returns.marked_cells(document)[FIGURE], figure)
    if edit is not None:
        edit(document)
    document.save(target)
    return target


def record_of(data: Path, unit: str) -> dict:
    path = data / "bao-cao" / f"{unit}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def test_every_skeleton_stripped_of_its_properties_is_recognised(built, data, tmp_path, capsys):
    batch = tmp_path / "gui-ve"
    batch.mkdir()
    skeletons = sorted((built / "don-vi").glob("*.docx"))
    assert len(skeletons) == 49
    expected = {}
    broken = 0
    for n, skeleton in enumerate(skeletons):
        expected[skeleton.stem] = 100 + n           # each unit its own figure
        filled = typed_return(skeleton, tmp_path / "filled.docx", str(100 + n))
        inspect_document(filled, batch / f"Bao cao so ket {n + 1:02d}.docx")
        broken += any(el.tag == qn("w:br") for el in issuer(docx.Document(skeleton))._p.iter())
    assert broken >= 30                              # the case of the issue: most names are broken
    code, out, err = run_cli(["collect", batch, "--data", data, "--received", "04/5/2021"], capsys)
    assert code == 0, err
    assert "49 nhận mới, 0 thay, 0 không đổi, 0 xung đột, 0 không nhận" in out
    assert "không nhận" not in err and "không nhận ra đơn vị" not in err
    for unit, figure in expected.items():
        record = record_of(data, unit)
        assert record["unit"] == unit
        assert record["source"]["identified_by"] == "tiêu đề"
        assert record["figures"]["pl1"]["r1"]["so-luong"] == figure, unit
    code, out, err = run_cli(["status", "--data", data, "--today", "10/5/2021"], capsys)
    assert "Cộng: 49/49 đơn vị đã gửi báo cáo" in out
    rows = [l for l in out.splitlines() if l.rstrip().endswith("04/5/2021")]
    assert len(rows) == 49 and all("đã gửi" in r for r in rows)
    pipeline.build(data, tmp_path / "out")
    body = " ".join(texts(docx.Document(tmp_path / "out" / "bao-cao-tong-hop.docx")))
    assert "49/49 tổ chức cơ sở đảng gửi báo cáo" in body
    assert "Tất cả các đơn vị đã gửi báo cáo" in body


# --- headers as people leave them --------------------------------------------------------------

def _retyped_own_way(document):
    # typed again in its own case, the old tone placement (uỷ, hoá), spaces doubled, no space
    # after the comma, in several runs
    retype(issuer(document), [["Đảng uỷ  Sở ", "Văn hoá,Thể thao", " và  Du lịch"]])


def _break_moved(document):
    retype(issuer(document), [["CHI BỘ CƠ QUAN ỦY BAN"], ["MTTQ VIỆT NAM TỈNH"]])


def _over_two_paragraphs(document):
    split_paragraph(issuer(document), ["CHI BỘ", "HỘI CỰU CHIẾN BINH TỈNH"])


def _on_one_line_runs_split(document):
    retype(issuer(document), [["ĐẢNG ỦY SỞ KẾ HO", "ẠCH VÀ ", "ĐẦU TƯ"]])


def _spaces_of_word(document):
    # no-break spaces and a tab, a comma spaced the other way
    retype(issuer(document), [["ĐẢNG ỦY VĂN PHÒNG\u00a0ĐOÀN ĐBQH ,HĐND"], ["VÀ\tUBND TỈNH"]])


HEADERS = {
    "dang-bo-so-van-hoa-the-thao-va-du-lich": _retyped_own_way,
    "chi-bo-co-quan-uy-ban-mttq-viet-nam-tinh": _break_moved,
    "chi-bo-hoi-cuu-chien-binh-tinh": _over_two_paragraphs,
    "dang-bo-so-ke-hoach-va-dau-tu": _on_one_line_runs_split,
    "dang-bo-van-phong-doan-dbqh-hdnd-ubnd-tinh": _spaces_of_word,
}


def test_a_header_as_people_leave_it_is_recognised(built, data, tmp_path, capsys):
    batch = tmp_path / "gui-ve"
    batch.mkdir()
    expected = {}
    for n, (unit, edit) in enumerate(HEADERS.items()):
        filled = typed_return(built / "don-vi" / f"{unit}.docx", tmp_path / f"{unit}.docx", str(200 + n), edit)
        inspect_document(filled, batch / f"bc-{n}.docx")
        expected[unit] = 200 + n
    # one more saved by LibreOffice, as an office that uses it sends it back
    unit = "dang-bo-ngan-hang-nong-nghiep-va-phat-trien-nong-thon-chi-nhanh-ha-tinh"
    filled = typed_return(built / "don-vi" / f"{unit}.docx", tmp_path / "lo.docx", "300",
                          lambda d: retype(issuer(d), [["Đảng ủy Ngân hàng Nông nghiệp và Phát triển"],
                                                       ["Nông thôn chi nhánh Hà Tĩnh"]]))
    resaved = libreoffice_resave(inspect_document(filled, tmp_path / "lo-in.docx"), tmp_path)
    with zipfile.ZipFile(resaved) as zf:
        assert "docProps/custom.xml" not in zf.namelist()
    shutil.copy(resaved, batch / "bc-libreoffice.docx")
    expected[unit] = 300
    code, out, err = run_cli(["collect", batch, "--data", data], capsys)
    assert code == 0, err
    assert f"{len(expected)} nhận mới" in out and "0 không nhận" in out
    assert err.count("đã nhận ra đơn vị theo dòng tên cấp ủy ở tiêu đề") == len(expected)
    for unit, figure in expected.items():
        record = record_of(data, unit)
        assert record["source"]["identified_by"] == "tiêu đề", unit
        assert record["figures"]["pl1"]["r1"]["so-luong"] == figure, unit


def test_a_header_two_units_could_have_written_is_refused_naming_both(built, data, tmp_path, capsys):
    # another unit's name pasted under the unit's own
    def pasted(document):
        split_paragraph(issuer(document), ["CHI BỘ BAN DÂN TỘC", "CHI BỘ TỈNH ĐOÀN"])

    filled = typed_return(built / "don-vi" / "chi-bo-ban-dan-toc.docx", tmp_path / "a.docx", "12", pasted)
    stripped = inspect_document(filled, tmp_path / "hai-ten.docx")
    code, out, err = run_cli(["collect", stripped, "--data", data], capsys)
    assert code == 1
    line = next(l for l in err.splitlines() if l.startswith(str(stripped)))
    assert "không nhận" in line and "khớp với 2 đơn vị" in line and "không đoán" in line
    assert "«Chi bộ Ban Dân tộc» (chi-bo-ban-dan-toc)" in line
    assert "«Chi bộ Tỉnh đoàn» (chi-bo-tinh-doan)" in line
    assert not list((data / "bao-cao").glob("*.yaml"))


def test_two_units_that_sign_with_one_name_are_never_guessed(built, data, tmp_path, capsys):
    units = data / "don-vi.csv"
    text = units.read_text(encoding="utf-8")
    row = next(l for l in text.splitlines() if l.startswith("chi-bo-tinh-doan,"))
    units.write_text(text.replace(row, row.rstrip(",") + ",Chi bộ Ban Dân tộc"), encoding="utf-8")
    filled = typed_return(built / "don-vi" / "chi-bo-ban-dan-toc.docx", tmp_path / "a.docx", "12")
    stripped = inspect_document(filled, tmp_path / "khong-dau.docx")
    code, out, err = run_cli(["collect", stripped, "--data", data], capsys)
    assert code == 1
    assert "«Chi bộ Ban Dân tộc» (chi-bo-ban-dan-toc) và «Chi bộ Tỉnh đoàn» (chi-bo-tinh-doan)" in err
    assert not list((data / "bao-cao").glob("*.yaml"))
    # the same file with its properties is known by them: nothing to guess
    code, out, err = run_cli(["collect", filled, "--data", data], capsys)
    assert code == 0, err
    assert record_of(data, "chi-bo-ban-dan-toc")["source"]["identified_by"] == "dấu"


def test_a_name_inside_a_longer_name_is_not_taken_for_it(data, tmp_path, capsys):
    """«Chi bộ Ban Dân tộc» and «Chi bộ Ban Dân tộc tỉnh» both in the list: the longer name,
    its last word moved to a paragraph of its own, is the longer unit's."""
    units = data / "don-vi.csv"
    units.write_text(units.read_text(encoding="utf-8").rstrip("\n")
                     + "\nchi-bo-ban-dan-toc-tinh,Chi bộ Ban Dân tộc tỉnh,cb,cq,\n", encoding="utf-8")
    out = tmp_path / "out"
    pipeline.build(data, out)
    batch = tmp_path / "gui-ve"
    batch.mkdir()
    longer = typed_return(out / "don-vi" / "chi-bo-ban-dan-toc-tinh.docx", tmp_path / "b.docx", "7",
                          lambda d: split_paragraph(issuer(d), ["CHI BỘ BAN DÂN TỘC", "TỈNH"]))
    inspect_document(longer, batch / "dai.docx")
    shorter = typed_return(out / "don-vi" / "chi-bo-ban-dan-toc.docx", tmp_path / "a.docx", "5")
    inspect_document(shorter, batch / "ngan.docx")
    code, said, err = run_cli(["collect", batch, "--data", data], capsys)
    assert code == 0, err
    assert record_of(data, "chi-bo-ban-dan-toc-tinh")["figures"]["pl1"]["r1"]["so-luong"] == 7
    assert record_of(data, "chi-bo-ban-dan-toc")["figures"]["pl1"]["r1"]["so-luong"] == 5


def test_a_header_of_no_unit_is_refused(built, data, tmp_path, capsys):
    # a unit's name with a word more is some other unit's: not taken for the shorter name
    filled = typed_return(built / "don-vi" / "chi-bo-ban-dan-toc.docx", tmp_path / "a.docx", "12",
                          lambda d: retype(issuer(d), [["CHI BỘ BAN DÂN TỘC HUYỆN"]]))
    stripped = inspect_document(filled, tmp_path / "la.docx")
    code, out, err = run_cli(["collect", stripped, "--data", data], capsys)
    assert code == 1 and "không khớp đơn vị nào trong danh sách đơn vị" in err
    assert not list((data / "bao-cao").glob("*.yaml"))


# --- words without figures, and nothing at all --------------------------------------------------

def write_under_every_part(skeleton: Path, target: Path, unit: str) -> dict[str, list[str]]:
    """Words under every part of the skeleton, as a unit types them in Word (in the room left
    under the part, else in a new paragraph after its heading; two runs), no figure."""
    document = docx.Document(skeleton)
    written = {}
    for key, heading, under in fill_returns._segments(document):
        room = [p for p in under if not p.text.strip()]
        paragraph = room[0] if room else heading.insert_paragraph_before("")
        if not room:
            heading._p.addnext(paragraph._p)
        words = f"{unit} viết về phần {key}: đã làm được nhiều việc trong kỳ."
        fill_returns._type(paragraph, words)
        written[key] = [words]
    document.save(target)
    return written


@pytest.mark.parametrize("properties", [True, False], ids=["with-properties", "inspected"])
def test_a_return_with_words_and_no_figure_is_taken(built, data, tmp_path, capsys, properties):
    unit = "dang-bo-so-tai-chinh"
    filled = tmp_path / "chi-viet.docx"
    written = write_under_every_part(built / "don-vi" / f"{unit}.docx", filled, unit)
    assert len(written) > 10
    if not properties:
        filled = inspect_document(filled, tmp_path / "chi-viet-khong-dau.docx")
    code, out, err = run_cli(["collect", filled, "--data", data, "--received", "04/5/2021"], capsys)
    assert code == 0, err
    assert "1 nhận mới" in out and "chưa điền số liệu nào" not in err
    record = record_of(data, unit)
    assert record["texts"] == written                          # its words, every part
    assert all(v is None for table in record["figures"].values() for row in table.values()
               for v in row.values())
    missing = [f for f in record["findings"] if f.startswith("chưa có số liệu")]
    assert len(missing) == 1 and record["findings"][0] == missing[0]
    assert re.fullmatch(r"chưa có số liệu: cả \d+ ô cần điền của các phụ lục còn để trống; đã nhận "
                        r"phần đơn vị viết — cần đề nghị đơn vị gửi bổ sung số liệu các phụ lục", missing[0])
    assert not [f for f in record["findings"] if "còn để trống" in f and f not in missing]
    assert f"{unit}: cần xem lại: chưa có số liệu" in err
    code, status, _ = run_cli(["status", "--data", data, "--today", "10/5/2021"], capsys)
    row = next(l for l in status.splitlines() if "Đảng bộ Sở Tài chính" in l)
    assert "đã gửi" in row and "04/5/2021" in row and "chưa gửi" not in row
    pipeline.build(data, tmp_path / "out")
    report = docx.Document(tmp_path / "out" / "bao-cao-tong-hop.docx")
    assert "1/49 tổ chức cơ sở đảng gửi báo cáo" in " ".join(texts(report))
    assert "Đảng bộ Sở Tài chính" not in [r.cells[1].text for r in report.tables[-1].rows[1:]]
    digest = [p.text for p in all_paragraphs(docx.Document(tmp_path / "out" / "tong-hop-y-kien.docx"))]
    assert written["I.1"][0] in digest


def test_a_return_with_words_where_the_tables_were_deleted_is_taken(built, data, tmp_path, capsys):
    unit = "chi-bo-ban-dan-toc"
    filled = tmp_path / "chi-viet.docx"
    written = write_under_every_part(built / "don-vi" / f"{unit}.docx", filled, unit)
    document = docx.Document(filled)
    for table in document.tables[2:]:                          # the appendix tables deleted
        table._tbl.getparent().remove(table._tbl)
    document.save(filled)
    code, out, err = run_cli(["collect", filled, "--data", data], capsys)
    assert code == 0, err
    record = record_of(data, unit)
    assert record["texts"] == written
    assert record["findings"][0].startswith("chưa có số liệu: không thấy các bảng phụ lục trong tệp")
    assert not [f for f in record["findings"] if "không tìm thấy ô" in f]


@pytest.mark.parametrize("properties", [True, False], ids=["with-properties", "inspected"])
def test_a_file_with_nothing_written_is_refused_as_unfilled(built, data, tmp_path, capsys, properties):
    document = docx.Document(built / "don-vi" / "chi-bo-tinh-doan.docx")
    document.save(tmp_path / "mo-ra-luu-lai.docx")                # opened and saved, nothing typed
    path = tmp_path / "mo-ra-luu-lai.docx"
    if not properties:
        path = inspect_document(path, tmp_path / "khong-dau.docx")
    code, out, err = run_cli(["collect", path, "--data", data], capsys)
    assert code == 1
    assert "chưa điền số liệu nào vào các phụ lục và chưa viết gì dưới các phần của đề cương" in err
    assert not (data / "bao-cao").exists() or not list((data / "bao-cao").glob("*.yaml"))


def test_a_workbook_stripped_of_its_properties_is_known_by_its_unit_line(built, data, tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(built / "don-vi" / "chi-bo-ban-dan-toc.xlsx")
    sheet = book["Phụ lục 1"]
    assert sheet["A4"].value == "Tên đơn vị: Chi bộ Ban Dân tộc"
    sheet["A4"] = "TÊN ĐƠN VỊ :  CHI BỘ BAN DÂN TỘC"         # retyped in capitals
    sheet["D7"] = 41
    book.save(tmp_path / "so-lieu.xlsx")
    stripped = inspect_document(tmp_path / "so-lieu.xlsx", tmp_path / "so-lieu-khong-dau.xlsx")
    code, out, err = run_cli(["collect", stripped, "--data", data], capsys)
    assert code == 0, err
    record = record_of(data, "chi-bo-ban-dan-toc")
    assert record["source"]["identified_by"] == "tiêu đề"
    assert record["figures"]["pl1"]["r1"]["so-luong"] == 41
    untouched = inspect_document(built / "don-vi" / "chi-bo-tinh-doan.xlsx", tmp_path / "trong.xlsx")
    code, out, err = run_cli(["collect", untouched, "--data", data], capsys)
    assert code == 1 and "chưa điền số liệu nào vào các phụ lục" in err


# --- who a file is from: its marks and its header must agree ---------------------------------

def with_unit_mark(source: Path, target: Path, unit: str) -> Path:
    """``source`` with its properties naming ``unit`` (its header left as it is)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/custom.xml":
                root = etree.fromstring(data)
                for prop in root:
                    if prop.get("name") == "vanban_unit":
                        prop[0].text = unit
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item, data)
    return target


SENDER, OTHER = "chi-bo-ban-dan-toc", "dang-bo-so-tai-chinh"


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_unit_signing_as_another_is_held_for_neither(built, data, tmp_path, capsys, kind):
    """Unit A's return with B's id in its properties: its header (its workbook's unit line)
    still names A. Stored neither as A's nor as B's — not even over B's own with --replace —
    and the message names both."""
    if kind == "docx":
        fill_returns.fill(built / "don-vi" / f"{SENDER}.docx", tmp_path / "a.docx", random.Random(5))
    else:
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.load_workbook(built / "don-vi" / f"{SENDER}.xlsx")
        book["Phụ lục 1"]["D7"] = 41
        book.save(tmp_path / "a.xlsx")
    forged = with_unit_mark(tmp_path / f"a.{kind}", tmp_path / f"gia-danh.{kind}", OTHER)
    fill_returns.fill(built / "don-vi" / f"{OTHER}.docx", tmp_path / "b.docx", random.Random(6))
    code, out, err = run_cli(["collect", tmp_path / "b.docx", "--data", data], capsys)
    assert code == 0, err
    before = (data / "bao-cao" / f"{OTHER}.yaml").read_bytes()
    for extra in ([], ["--replace"]):
        code, out, err = run_cli(["collect", forged, "--data", data, *extra], capsys)
        assert code == 1, err
        line = next(l for l in err.splitlines() if l.startswith(f"{forged}: xung đột: "))
        assert "«Đảng bộ Sở Tài chính» (dang-bo-so-tai-chinh)" in line
        assert "«Chi bộ Ban Dân tộc» (chi-bo-ban-dan-toc)" in line
        assert "không được lưu cho đơn vị nào" in line
        assert "1 xung đột, 0 không nhận" in out
        assert (data / "bao-cao" / f"{OTHER}.yaml").read_bytes() == before
        assert not (data / "bao-cao" / f"{SENDER}.yaml").exists()
        assert not list((data / "bao-cao").rglob(f"{SENDER}-*.yaml"))
        assert not (data / "bao-cao" / "xung-dot").exists() or \
            not list((data / "bao-cao" / "xung-dot").glob("*.yaml"))


def test_a_unit_renamed_since_its_skeleton_is_still_known_by_its_marks(built, data, tmp_path, capsys):
    """A header that names no unit of the list (the name changed since) does not dispute the
    marks: the return is the marked unit's."""
    fill_returns.fill(built / "don-vi" / f"{SENDER}.docx", tmp_path / "a.docx", random.Random(5))
    units = data / "don-vi.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("Chi bộ Ban Dân tộc,", "Chi bộ Ban Dân tộc tỉnh,"),
                     encoding="utf-8")
    code, out, err = run_cli(["collect", tmp_path / "a.docx", "--data", data], capsys)
    assert code == 0, err
    assert record_of(data, SENDER)["source"]["identified_by"] == "dấu"

"""Figures read as people mean them: a dash is none, ``1,234`` is never guessed, a cell whose
marks were deleted is read by its place in the table, a typed total that disagrees with its
figures is pointed out — with skeletons filled and spoiled the way Word users do."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from lxml import etree

from conftest import REPO, libreoffice_resave, run_cli
from generator.config import figures as fig
from generator.app import main as pipeline
from generator.config.validate import load_campaign

import fill_returns  # tools/, put on the path by conftest

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
UNIT = "chi-bo-ban-dan-toc"


@pytest.fixture(scope="module")
def skeleton(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reading")
    pipeline.build(REPO / "data", out)
    return out / "don-vi" / f"{UNIT}.docx"


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def form_table(document, table_id: str):
    """The Word table of one appendix (found by its caption, as the test's own means)."""
    for table in document.tables:
        caption = table._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
        if caption is not None and caption.get(qn("w:val")) == f"vanban:{table_id}":
            return table
    raise AssertionError(table_id)


def type_text(cell, text: str) -> None:
    """Type into a cell as Word does: the text after whatever the cell holds, in two runs."""
    paragraph = cell.paragraphs[0]
    paragraph.add_run(text[:1])
    if len(text) > 1:
        paragraph.add_run(text[1:])


def fill(skeleton: Path, target: Path, values: dict) -> Path:
    """The skeleton with ``values`` typed: each key a cell's content-control tag
    (``vanban:pl1:r1:so-luong``) or its place (table id, table row, table column)."""
    document = docx.Document(skeleton)
    tagged = fill_returns.marked_cells(document)
    for key, text in values.items():
        if isinstance(key, str):
            type_text(tagged[key], text)
        else:  # a grey computed cell: its hint selected and typed over
            table_id, row, col = key
            cell = form_table(document, table_id).rows[row].cells[col]
            for run in cell.paragraphs[0].runs:
                run.text = ""
            type_text(cell, text)
    document.save(target)
    return target


def strip_marks(path: Path, target: Path, *, properties: bool = True) -> Path:
    """What a user leaves after deleting the content controls (their text kept) and the
    bookmarks, or after pasting the whole report into a new document (no properties)."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/custom.xml" and not properties:
                continue
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                for sdt in list(root.iter(W + "sdt")):
                    parent = sdt.getparent()
                    index = parent.index(sdt)
                    for child in reversed(list(sdt.find(W + "sdtContent"))):
                        parent.insert(index, child)
                    parent.remove(sdt)
                for mark in list(root.iter(W + "bookmarkStart", W + "bookmarkEnd")):
                    mark.getparent().remove(mark)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if item.filename in ("[Content_Types].xml", "_rels/.rels") and not properties:
                data = data.replace(b"docProps/custom.xml", b"docProps/none.xml")
            dst.writestr(item.filename, data)
    return target


def collect(files, data: Path, capsys) -> tuple[int, str, dict]:
    code, out, err = run_cli(["collect", *files, "--data", data], capsys)
    record = data / "bao-cao" / f"{UNIT}.yaml"
    return code, out + err, (yaml.safe_load(record.read_text(encoding="utf-8")) if record.exists() else {})


FIGURES = {"vanban:pl1:r1:so-luong": "120", "vanban:pl1:r2:so-luong": "–",
           "vanban:pl1:r3:so-luong": "2,500", "vanban:pl1:r4:so-luong": "1.234",
           "vanban:pl1:r5:so-luong": "—", "vanban:pl1:r7:so-luong": "-"}


def test_parse_a_dash_is_none_and_a_comma_group_is_never_guessed():
    for dash in ("-", "–", "—"):
        assert fig.parse_cell("count", dash) == 0
        assert fig.parse_cell("yesno", dash) is None      # an answer not given
    for typed in ("1,234", "2,500", " 12,345 "):
        with pytest.raises(fig.FigureError, match=f"«{typed.strip()}» không rõ"):
            fig.parse_cell("count", typed)
    assert fig.parse_cell("count", "1.234") == 1234
    assert fig.parse_cell("count", "1,234,567") == 1234567
    assert fig.parse_cell("count", "12,5") == 12.5       # a count that is not whole: a finding later


def test_dashes_are_zero_and_ambiguous_figures_are_quoted(skeleton, tmp_path, data, capsys):
    filled = fill(skeleton, tmp_path / "bao-cao.docx", FIGURES)
    code, said, record = collect([filled], data, capsys)
    values = record["figures"]["pl1"]
    assert values["r1"]["so-luong"] == 120
    assert values["r2"]["so-luong"] == 0 and values["r5"]["so-luong"] == 0
    assert values["r7"]["so-luong"] == 0
    assert values["r3"]["so-luong"] is None             # 2,500: not guessed
    assert values["r4"]["so-luong"] == 1234
    finding = next(f for f in record["findings"] if "2,500" in f)
    assert "«2,500» không rõ là 2.500" in finding and "2,500 (số lẻ)" in finding
    assert "«Số hội nghị, buổi sinh hoạt học tập, quán triệt»" in finding


def test_a_cell_whose_marks_were_deleted_is_read_by_its_place(skeleton, tmp_path, data, capsys):
    filled = fill(skeleton, tmp_path / "bao-cao.docx", FIGURES)
    stripped = strip_marks(filled, tmp_path / "khong-dau.docx")
    document = docx.Document(stripped)
    assert not list(document.element.body.iter(qn("w:sdt")))
    assert not [b for b in document.element.body.iter(qn("w:bookmarkStart"))]
    code, said, record = collect([stripped], data, capsys)
    assert code == 0, said
    assert record["source"]["identified_by"] == "dấu"     # the properties are still there
    assert record["figures"]["pl1"]["r1"]["so-luong"] == 120
    assert record["figures"]["pl1"]["r4"]["so-luong"] == 1234
    assert "đã đọc theo vị trí của ô trong bảng" in said


def test_a_pasted_report_without_any_mark_is_read_with_a_warning(skeleton, tmp_path, data, capsys):
    filled = fill(skeleton, tmp_path / "bao-cao.docx", {**FIGURES, "vanban:pl3:quy-che:tra-loi": "Có"})
    pasted = strip_marks(filled, tmp_path / "dan-sang-tep-moi.docx", properties=False)
    resaved = libreoffice_resave(pasted, tmp_path)   # and saved by LibreOffice, as some offices do
    code, said, record = collect([resaved], data, capsys)
    assert code == 0, said
    assert record["source"]["identified_by"] == "tiêu đề"
    assert record["figures"]["pl1"]["r1"]["so-luong"] == 120
    assert record["figures"]["pl1"]["r4"]["so-luong"] == 1234
    assert "không thấy dấu của vanban" in said and "theo vị trí" in said
    assert "chưa điền số liệu nào" not in said


def test_a_reworded_row_label_still_finds_its_row_by_place(skeleton, tmp_path, data, capsys):
    document = docx.Document(fill(skeleton, tmp_path / "a.docx", FIGURES))
    label = form_table(document, "pl1").rows[1].cells[1].paragraphs[0]
    for run in label.runs:
        run.text = ""
    label.runs[0].text = "Tổng số đảng viên"           # reworded by the unit
    document.save(tmp_path / "b.docx")
    stripped = strip_marks(tmp_path / "b.docx", tmp_path / "c.docx")
    code, said, record = collect([stripped], data, capsys)
    assert record["figures"]["pl1"]["r1"]["so-luong"] == 120


def test_a_typed_total_that_disagrees_is_a_finding(skeleton, tmp_path, data, capsys):
    campaign = load_campaign(data)
    form = next(f for f in campaign.member(UNIT).forms if f.table.id == "pl4")
    total = next(c for c in form.cells if c.kind == "total" and c.row.total)
    first, second = [c for c in form.cells if c.is_input and c.column == total.column][:2]
    figures = {first.tag: "3", second.tag: "4", ("pl4", total.line, total.place): "9"}  # not 7
    filled = fill(skeleton, tmp_path / "tong.docx", {**FIGURES, **figures})
    code, said, record = collect([filled], data, capsys)
    finding = next(f for f in record["findings"] if "tổng ghi tay" in f)
    assert "tổng ghi tay 9 khác tổng cộng từ số liệu 7" in finding


def test_the_writer_the_workbook_and_the_reader_share_one_layout(skeleton, data):
    """Every input cell sits where the layout says: in the Word table (its bookmark) and on
    the sheet (its defined name)."""
    openpyxl = pytest.importorskip("openpyxl")
    campaign = load_campaign(data)
    member = campaign.member(UNIT)
    document = docx.Document(skeleton)
    book = openpyxl.load_workbook(skeleton.with_suffix(".xlsx"))
    names = {n: book.defined_names[n].attr_text for n in book.defined_names}
    assert book["Phụ lục 1"]["A5"].value == "(Số liệu tính từ ngày 10/3/2016 đến ngày 31/12/2020)"
    checked = 0
    for n, form in enumerate(member.forms, 1):
        table = form_table(document, form.table.id)
        for cell in (c for c in form.cells if c.is_input):
            tc = table.rows[cell.line].cells[cell.place]._tc
            assert [b.get(qn("w:name")) for b in tc.iter(qn("w:bookmarkStart"))] == [cell.mark]
            column = openpyxl.utils.get_column_letter(cell.place + 1)
            assert names[cell.mark] == f"'Phụ lục {n}'!${column}${6 + cell.line}"
            checked += 1
    assert checked > 20

"""The outline, the blank forms and the units' report skeletons, read as a reader sees them."""

from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from conftest import (DATA, alignment, all_paragraphs, effective, find, fonts_of_run, line_under,
                      paragraph_format, run_cli,
                      shading, texts)
from generator.app import main as pipeline

UNITS = {row["id"]: row for row in csv.DictReader(open(DATA / "don-vi.csv", encoding="utf-8"))}

# several units of each level and kind: (id, committee line, symbol, authority, review deadline)
SAMPLES = [
    ("dang-bo-so-tai-chinh", "ĐẢNG ỦY SỞ TÀI CHÍNH", "ĐU", "T/M ĐẢNG ỦY", "30/4/2021", "cq"),
    ("dang-bo-cuc-thue-tinh", "ĐẢNG ỦY CỤC THUẾ TỈNH", "ĐU", "T/M ĐẢNG ỦY", "30/4/2021", "cq"),
    ("chi-bo-ban-dan-toc", "CHI BỘ BAN DÂN TỘC", "CB", "T/M CHI BỘ", "15/4/2021", "cq"),
    ("chi-bo-thanh-tra-tinh", "CHI BỘ THANH TRA TỈNH", "CB", "T/M CHI BỘ", "15/4/2021", "cq"),
    ("dang-bo-cong-ty-dien-luc-ha-tinh", "ĐẢNG ỦY CÔNG TY ĐIỆN LỰC HÀ TĨNH", "ĐU", "T/M ĐẢNG ỦY",
     "30/4/2021", "dn"),
    ("dang-bo-vien-thong-ha-tinh", "ĐẢNG ỦY VIỄN THÔNG HÀ TĨNH", "ĐU", "T/M ĐẢNG ỦY", "30/4/2021", "dn"),
    ("chi-bo-ngan-hang-tmcp-ngoai-thuong-chi-nhanh-ha-tinh",
     "CHI BỘ NGÂN HÀNG TMCP NGOẠI THƯƠNG CHI NHÁNH HÀ TĨNH", "CB", "T/M CHI BỘ", "15/4/2021", "dn"),
]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("units")
    pipeline.build(DATA, folder)
    return folder


def skeleton(out: Path, unit_id: str):
    return docx.Document(out / "don-vi" / f"{unit_id}.docx")


def test_one_skeleton_for_every_unit(out):
    assert len(UNITS) == 49
    assert sorted(p.stem for p in (out / "don-vi").glob("*.docx")) == sorted(UNITS)
    for unit_id in UNITS:
        assert unit_id.isascii() and unit_id == unit_id.lower() and " " not in unit_id


@pytest.mark.parametrize("unit_id, committee, symbol, authority, review, kind", SAMPLES,
                         ids=[s[0] for s in SAMPLES])
def test_skeleton_is_made_for_its_unit(out, unit_id, committee, symbol, authority, review, kind):
    document = skeleton(out, unit_id)
    header = document.tables[0].rows[0].cells
    assert [p.text.replace("\n", " ") for p in header[0].paragraphs] == [
        "ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH", committee, "*"]
    assert header[0].paragraphs[0].text == "ĐẢNG BỘ KHỐI CÁC CƠ QUAN\nVÀ DOANH NGHIỆP TỈNH"
    assert [p.text for p in header[1].paragraphs] == ["ĐẢNG CỘNG SẢN VIỆT NAM"]
    # the number and the date on the header's second row, level with each other
    number, place_date = document.tables[0].rows[1].cells
    assert (number.text, place_date.text) == (f"Số    -BC/{symbol}", "Hà Tĩnh, ngày    tháng    năm 2021")
    assert effective(header[0].paragraphs[1], "bold") is True
    assert effective(place_date.paragraphs[0], "italic") is True
    found = texts(document)
    assert found[found.index("BÁO CÁO") + 1].startswith("sơ kết 05 năm thực hiện Nghị quyết số 01-NQ/ĐUK")
    name = UNITS[unit_id]["name"]
    note = next(t for t in found if t.startswith("Lưu ý (xóa đoạn này trước khi ký)"))
    assert f"hoàn thành hội nghị sơ kết trước ngày {review};" in note
    assert "trước ngày 05/5/2021." in note
    signature = document.tables[1].rows[0].cells
    assert [p.text for p in signature[1].paragraphs] == [authority, "BÍ THƯ", "(Họ và tên)"]
    recipients = [p.text for p in signature[0].paragraphs]
    assert recipients[0] == "Nơi nhận:" and recipients[1] == "- Ban Thường vụ Đảng ủy Khối (b/c),"
    assert recipients[-1] == ("- Lưu Chi bộ." if symbol == "CB" else "- Lưu Văn phòng Đảng ủy.")
    props = document.core_properties
    assert props.subject == name


@pytest.mark.parametrize("unit_id, kind", [(s[0], s[5]) for s in SAMPLES])
def test_parts_follow_the_unit_kind(out, unit_id, kind):
    found = texts(skeleton(out, unit_id))
    office = "1. Đối với cơ quan, đơn vị (văn hóa công sở)"
    enterprise_first = "1. Đối với doanh nghiệp (văn hóa doanh nghiệp)"
    if kind == "cq":
        assert office in found
        assert not any("Đối với doanh nghiệp" in t for t in found)
        assert "2. Mô hình hay, cách làm sáng tạo, điển hình tiên tiến" in found
        assert "a) Nhận thức, trách nhiệm, thái độ phục vụ của cán bộ, công chức, viên chức" in found
    else:
        assert enterprise_first in found  # renumbered: the office part is not there
        assert not any("Đối với cơ quan, đơn vị" in t for t in found)
        assert "đ) Kết quả xây dựng “Doanh nghiệp đạt chuẩn văn hóa”" in found
    for heading in ("ĐẶC ĐIỂM TÌNH HÌNH", "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO QUÁN TRIỆT, TRIỂN KHAI THỰC HIỆN",
                    "V. ĐỀ XUẤT, KIẾN NGHỊ (NẾU CÓ)"):
        assert heading in found


def test_office_and_enterprise_skeletons_differ_exactly_in_their_kind_parts(out):
    office = texts(skeleton(out, "dang-bo-so-tai-chinh"))
    enterprise = texts(skeleton(out, "dang-bo-cong-ty-dien-luc-ha-tinh"))
    only_office = [t for t in office if t not in enterprise]
    only_enterprise = [t for t in enterprise if t not in office]
    kind_rows = {"Quy chế văn hóa công sở", "Tầm nhìn, sứ mệnh, giá trị cốt lõi",
                 "Sổ tay văn hóa doanh nghiệp", "Bộ nhận diện thương hiệu"}

    def allowed(t: str) -> bool:
        return ("SỞ TÀI CHÍNH" in t or "Sở Tài chính" in t or "ĐIỆN LỰC" in t or "Điện lực" in t
                or t in kind_rows or t.isdigit() or t[:2] in {"a)", "b)", "c)", "d)", "đ)", "e)"}
                or t.startswith(("1. Đối với", "2. Mô hình", "3. Mô hình"))
                or "Kết quả xây dựng" in t or "Số đăng ký, số được công nhận" in t)

    assert only_office and only_enterprise
    assert all(allowed(t) for t in only_office), [t for t in only_office if not allowed(t)]
    assert all(allowed(t) for t in only_enterprise), [t for t in only_enterprise if not allowed(t)]


def test_guidance_is_italic_placeholder_text(out):
    document = skeleton(out, "chi-bo-ban-dan-toc")
    guidance = [p for p in all_paragraphs(document) if p.text.startswith(
        "Gợi ý (thay bằng nội dung của đơn vị): Số hội nghị, buổi sinh hoạt học tập, quán triệt; số lượt")]
    assert len(guidance) == 1
    assert effective(guidance[0], "italic") is True
    assert effective(guidance[0], "bold") is False
    heading = find(document, "1. Công tác quán triệt, học tập, tuyên truyền")
    assert effective(heading, "bold") is True


def test_every_part_has_room_to_write(out):
    """Under each part that expects text (a part with no sub-parts) there is a paragraph to
    write in: a heading is never followed directly by one of its own level or higher."""
    import re as _re
    document = skeleton(out, "dang-bo-cong-ty-dien-luc-ha-tinh")
    rows = [(p.style.name if p.style is not None else "", p.text) for p in all_paragraphs(document)]

    def level(style: str) -> int | None:
        m = _re.match(r"VB Mục cấp (\d)", style)
        return int(m.group(1)) if m else None

    leaves = 0
    for (style, text), (next_style, _) in zip(rows, rows[1:]):
        here, after = level(style), level(next_style)
        if here is None:
            continue
        assert after is None or after > here, f"«{text}» runs into the next heading"
        if after is None:
            leaves += 1
    assert leaves > 8
    writable = [t for s, t in rows if s == "VB Nội dung" and t == ""]
    assert len(writable) >= leaves - 1
    assert "(Số liệu tính từ ngày 10/3/2016 đến ngày 31/12/2020)" in texts(document)


def test_skeleton_appendices_carry_the_units_reference(out):
    document = skeleton(out, "dang-bo-so-tai-chinh")
    found = texts(document)
    for n in (1, 2, 3, 4):
        assert f"Phụ lục {n}" in found
    reference = "(Kèm theo Báo cáo số    -BC/ĐU, ngày    tháng    năm 2021 của Đảng ủy Sở Tài chính)"
    refs = [p for p in all_paragraphs(document) if p.text.replace("\n", " ") == reference]
    assert len(refs) == 4
    # broken, where it does not fit, before «của», never inside the committee's name
    assert all(p.text.endswith("của Đảng ủy Sở Tài chính)") for p in refs)
    assert all(effective(p, "italic") for p in refs)
    cb = texts(skeleton(out, "chi-bo-ban-dan-toc"))
    assert "(Kèm theo Báo cáo số    -BC/CB, ngày    tháng    năm 2021\ncủa Chi bộ Ban Dân tộc)" in cb
    # the appendix rows follow the kind: an office has no enterprise handbook row
    assert "Quy chế văn hóa công sở" in found and "Sổ tay văn hóa doanh nghiệp" not in found


def test_outline_document(out):
    document = docx.Document(out / "de-cuong.docx")
    found = texts(document)
    # the title and the «(Kèm theo …)» line are broken into lines (tests/test_line_breaks.py)
    assert "\n" in found[1] and "\n" in found[2]
    assert [t.replace("\n", " ") for t in found[:5]] == [
        "ĐỀ CƯƠNG",
        "BÁO CÁO SƠ KẾT 05 NĂM THỰC HIỆN NGHỊ QUYẾT SỐ 01-NQ/ĐUK, NGÀY 10/10/2016 VÀ CHỈ THỊ SỐ "
        "01-CT/ĐUK, NGÀY 10/3/2016 CỦA ĐẢNG ỦY KHỐI VỀ XÂY DỰNG VĂN HÓA CÔNG SỞ VÀ VĂN HÓA "
        "DOANH NGHIỆP",
        "(Kèm theo Kế hoạch số 150-KH/ĐUK, ngày 23/02/2021 của Ban Thường vụ Đảng ủy Khối)",
        "-----",
        "(Dùng cho các chi bộ, đảng bộ cơ sở)",
    ]
    assert effective(find(document, found[2]), "italic") is True
    assert effective(find(document, found[1]), "bold") is True
    assert not document.tables  # no header table, no signature table
    import re
    assert not any(re.match(r"^Số:?\s+\S*[-/]", t) or t.startswith(("T/M", "Nơi nhận")) for t in found)
    # every part, both kinds, in outline order with đ after d
    order = ["ĐẶC ĐIỂM TÌNH HÌNH", "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO QUÁN TRIỆT, TRIỂN KHAI THỰC HIỆN",
             "1. Công tác quán triệt, học tập, tuyên truyền",
             "II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU, NHIỆM VỤ, GIẢI PHÁP",
             "1. Đối với cơ quan, đơn vị (văn hóa công sở)",
             "d) Bài trí công sở, xây dựng môi trường “xanh - sạch - đẹp”",
             "đ) Gắn xây dựng văn hóa công sở với cải cách hành chính, chuyển đổi số",
             "e) Kết quả xây dựng “Cơ quan đạt chuẩn văn hóa”",
             "2. Đối với doanh nghiệp (văn hóa doanh nghiệp)",
             "3. Mô hình hay, cách làm sáng tạo, điển hình tiên tiến",
             "III. HẠN CHẾ, NGUYÊN NHÂN VÀ BÀI HỌC KINH NGHIỆM",
             "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI",
             "V. ĐỀ XUẤT, KIẾN NGHỊ (NẾU CÓ)", "MỘT SỐ LƯU Ý",
             "- Số liệu báo cáo tính từ ngày 10/3/2016 đến ngày 31/12/2020."]
    positions = [found.index(t) for t in order]
    assert positions == sorted(positions)
    guidance = [p for p in all_paragraphs(document) if p.text.startswith("Khái quát chức năng")]
    assert effective(guidance[0], "italic") is True


def test_plan_section_two_follows_the_outline(out):
    found = texts(docx.Document(out / "ke-hoach.docx"))
    start = found.index("II. NỘI DUNG SƠ KẾT")
    items = found[start + 1: found.index("(Có đề cương chi tiết gửi kèm)")]
    assert [t.split(".", 1)[0] for t in items] == ["1", "2", "3", "4", "5"]
    assert items[3] == "4. Phương hướng, nhiệm vụ, giải pháp trong thời gian tới"


def test_blank_forms(out):
    document = docx.Document(out / "phu-luc.docx")
    paragraphs = all_paragraphs(document)
    labels = [p for p in paragraphs if p.text.startswith("Phụ lục ")]
    assert [p.text for p in labels] == ["Phụ lục 1", "Phụ lục 2", "Phụ lục 3", "Phụ lục 4"]
    for p in labels:
        assert effective(p, "bold") and effective(p, "size") == 14
        assert alignment(p) == WD_ALIGN_PARAGRAPH.CENTER
    titles = [p.text for p in paragraphs if p.text.isupper() and not p.text.startswith("TT")]
    # too long for a line: broken in two between words (the rules: tests/test_line_breaks.py)
    long_title = next(t for t in titles if t.startswith("KẾT QUẢ HỌC TẬP"))
    assert long_title.replace("\n", " ") == "KẾT QUẢ HỌC TẬP, QUÁN TRIỆT, CỤ THỂ HÓA NGHỊ QUYẾT VÀ CHỈ THỊ"
    assert long_title.count("\n") == 1
    assert "KHEN THƯỞNG" in titles
    reference = "(Kèm theo Kế hoạch số 150-KH/ĐUK, ngày 23/02/2021 của Ban Thường vụ Đảng ủy Khối)"
    refs = [p for p in paragraphs if p.text.replace("\n", " ") == reference]
    assert len(refs) == 4 and all(effective(p, "italic") for p in refs)
    assert len(document.tables) == 4
    for table in document.tables:
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None  # never split
            for cell in row.cells:
                for p in cell.paragraphs:
                    assert effective(p, "size") in (11, 12, 13)
                    for run in p.runs:
                        assert fonts_of_run(run, p) == {"Times New Roman"}
        assert header.cells[0].text == "TT"
    pl1 = document.tables[0]
    assert [c.text for c in pl1.rows[0].cells] == ["TT", "Nội dung", "Đơn vị tính", "Số lượng"]
    # computed cells: empty and shaded, the rule said once in the line under the table
    assert [c.text for c in pl1.rows[6].cells] == ["6", "Tỷ lệ đảng viên được học tập, quán triệt", "%", ""]
    assert shading(pl1.rows[6].cells[3]) == "E7E6E6" and shading(pl1.rows[5].cells[3]) is None
    assert line_under(pl1).replace("\u00a0", " ") == (
        "Ghi chú: không ghi vào ô nền xám (tự tính: tỷ lệ (%) dòng 6 = (5) : (1) × 100).")
    # the note is left-aligned, with no first-line indent: justified, its one line was
    # stretched into wide gaps («Ghi chú:  không  ghi  vào …», the signer's report)
    notes = [p for p in paragraphs if p.text.startswith("Ghi chú:")]
    assert len(notes) == 3  # Phụ lục 1, 2 and 4 have shaded cells
    for p in notes:
        assert alignment(p) in (None, WD_ALIGN_PARAGRAPH.LEFT)
        assert not paragraph_format(p, "first_line_indent")
    pl4 = document.tables[3]
    assert [c.text for c in pl4.rows[-1].cells] == ["", "Tổng cộng", "", ""]
    assert all(shading(c) == "E7E6E6" for c in pl4.rows[-1].cells[2:])
    assert "tổng cộng = cộng các số cùng dòng, cùng cột" in line_under(pl4)


def test_wide_table_is_on_a_landscape_page(out):
    document = docx.Document(out / "phu-luc.docx")
    orientations = [s.orientation for s in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    landscape = document.sections[1]
    assert landscape.page_width > landscape.page_height
    assert round(landscape.page_width.mm) == 297
    # the wide table is the one in the landscape section
    body = document.element.body
    breaks = [p for p in body.iterchildren(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    tables = list(body.iterchildren(qn("w:tbl")))
    index = list(body).index
    assert index(breaks[0]) < index(tables[1]) < index(breaks[1])
    assert [c.text for c in docx.table.Table(tables[1], document._body).rows[0].cells][-1] == "Tổng cộng"
    # only the first page has no number: later sections have no first page of their own
    assert document.sections[0].different_first_page_header_footer is True
    assert not document.sections[1].different_first_page_header_footer
    assert not document.sections[2].different_first_page_header_footer


# --- made to come back --------------------------------------------------------------------

def marks(path: Path) -> dict:
    """What a returned copy is recognised by: custom properties, bookmarks, content controls."""
    with zipfile.ZipFile(path) as zf:
        custom = zf.read("docProps/custom.xml").decode("utf-8")
        body = zf.read("word/document.xml").decode("utf-8")
    import re
    props = dict(re.findall(r'name="(vanban_\w+)"><vt:lpwstr>([^<]*)<', custom))
    bookmarks = set(re.findall(r'w:bookmarkStart [^>]*w:name="(vb_\d+_\d+_\d+)"', body)) | set(
        re.findall(r'w:bookmarkStart w:name="(vb_\d+_\d+_\d+)"', body))
    tags = set(re.findall(r'<w:tag w:val="(vanban:[^"]+)"', body))
    titles = set(re.findall(r'<w:alias w:val="([^"]+)"', body))
    return {"props": props, "bookmarks": bookmarks, "tags": tags, "titles": titles}


def test_skeleton_carries_its_marks(out):
    found = marks(out / "don-vi" / "dang-bo-so-tai-chinh.docx")
    assert found["props"]["vanban_campaign"] == "so-ket-nq01-ct01-2021"
    assert found["props"]["vanban_unit"] == "dang-bo-so-tai-chinh"
    assert len(found["props"]["vanban_form_version"]) == 12
    # pl1: 6 figures (the share is computed); pl2: 2 rows × 5 years; pl3: the 4 rows for
    # offices; pl4: 4 awards × 2 columns (totals are computed)
    assert len(found["bookmarks"]) == 6 + 10 + 4 + 8
    assert "vb_1_1_1" in found["bookmarks"] and "vb_1_6_1" not in found["bookmarks"]
    assert "vanban:pl1:r1:so-luong" in found["tags"]
    assert "vanban:pl2:cong-nhan:y2018" in found["tags"]
    # what Word shows the person typing: where the cell is, in words
    assert "Phụ lục 1: Tổng số đảng viên của đơn vị — Số lượng" in found["titles"]
    assert not [t for t in found["titles"] if t.startswith("vanban:")]
    enterprise = marks(out / "don-vi" / "dang-bo-cong-ty-dien-luc-ha-tinh.docx")
    assert "vanban:pl3:so-tay:tra-loi" in enterprise["tags"]
    assert "vanban:pl3:quy-che:tra-loi" not in enterprise["tags"]
    blank = zipfile.ZipFile(out / "phu-luc.docx").read("word/document.xml").decode()
    assert "vb_1_1_1" not in blank  # the blank forms are not anyone's return


def test_marks_survive_an_edit_and_save_by_python_docx(out, tmp_path):
    source = out / "don-vi" / "chi-bo-ban-dan-toc.docx"
    document = docx.Document(source)
    document.add_paragraph("Đơn vị viết thêm một đoạn.")
    document.tables[2].rows[1].cells[3].paragraphs[0].add_run("35")
    saved = tmp_path / "saved.docx"
    document.save(saved)
    assert marks(saved) == marks(source)
    assert docx.Document(saved).tables[2].rows[1].cells[3].text == "35"


@pytest.mark.skipif(not shutil.which("soffice"), reason="cần LibreOffice")
def test_marks_survive_a_round_trip_through_libreoffice(out, tmp_path):
    source = tmp_path / "chi-bo-ban-dan-toc.docx"
    shutil.copy(out / "don-vi" / "chi-bo-ban-dan-toc.docx", source)
    result = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "docx", "--outdir", str(result), str(source)],
                   check=True, capture_output=True, timeout=240)
    before, after = marks(source), marks(result / source.name)
    assert after["props"] == before["props"]
    assert after["bookmarks"] == before["bookmarks"]
    assert after["titles"] == before["titles"]


# --- building units -----------------------------------------------------------------------

def test_a_unit_removed_from_the_data_loses_its_skeleton(campaign, tmp_path, capsys):
    out = tmp_path / "out"
    pipeline.build(campaign, out)
    lines = (campaign / "don-vi.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("chi-bo-ban-dan-toc,")]
    (campaign / "don-vi.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    code, stdout, err = run_cli(["build", "--data", campaign, "--out", out], capsys)
    assert code == 0, err
    assert "đã xóa" in stdout and "chi-bo-ban-dan-toc.docx" in stdout
    assert not (out / "don-vi" / "chi-bo-ban-dan-toc.docx").exists()
    assert len(list((out / "don-vi").glob("*.docx"))) == 48


def test_build_one_unit(tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, err = run_cli(["build", "--data", DATA, "--out", out, "--unit", "chi-bo-tinh-doan"], capsys)
    assert code == 0, err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*") if p.suffix in (".docx", ".xlsx") and ".vanban" not in p.parts) == [
        "don-vi/chi-bo-tinh-doan.docx", "don-vi/chi-bo-tinh-doan.xlsx"]
    code, _, err = run_cli(["build", "--data", DATA, "--out", out, "--unit", "khong-co"], capsys)
    assert code == 2 and "Không có đơn vị mã «khong-co»" in err


# --- the superior line of each level ---------------------------------------------------------

def test_each_level_heads_its_skeletons_with_its_own_superior_line(tmp_path):
    """A Sở heads «UBND TỈNH HÀ TĨNH / SỞ Y TẾ» (the campaign's «units_superior»); a UBND cấp
    huyện, whose level says «superior: không», heads «ỦY BAN NHÂN DÂN / THÀNH PHỐ HÀ TĨNH»
    with nothing above it."""
    from conftest import STATE
    pipeline.build(STATE, tmp_path / "out")

    def issuer_cell(unit: str) -> list[str]:
        document = docx.Document(tmp_path / "out" / "don-vi" / f"{unit}.docx")
        return [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]

    assert issuer_cell("so-y-te") == ["UBND TỈNH HÀ TĨNH", "SỞ Y TẾ"]
    assert issuer_cell("ubnd-thanh-pho-ha-tinh") == ["ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ TĨNH"]


def test_a_level_may_name_another_superior(tmp_path):
    from conftest import STATE
    data = tmp_path / "data"
    shutil.copytree(STATE, data)
    path = data / "chien-dich.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    superior: không ", "    superior: Tỉnh Hà Tĩnh "), encoding="utf-8")
    pipeline.build(data, tmp_path / "out")
    document = docx.Document(tmp_path / "out" / "don-vi" / "ubnd-thanh-pho-ha-tinh.docx")
    assert [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text][:1] == ["TỈNH HÀ TĨNH"]


def test_check_warns_when_the_issuer_is_among_its_units(tmp_path, capsys):
    from conftest import STATE, run_cli
    data = tmp_path / "data"
    shutil.copytree(STATE, data)
    with (data / "don-vi.csv").open("a", encoding="utf-8") as fh:
        fh.write("so-noi-vu,Sở Nội vụ,so-nganh,cq,,SNV,\n")
    code, out, err = run_cli(["check", "--data", str(data)], capsys)
    said = out + err
    line = next(l for l in said.splitlines() if "Sở Nội vụ" in l and "don-vi.csv" in l)
    assert line.startswith("don-vi.csv, dòng 6, cột «name»: cảnh báo:"), line
    assert "«report_to»" in line and "chien-dich.yaml" in line
    assert code == 0                  # a warning: the campaign still builds


def test_a_unit_may_set_its_own_superior_line_or_none(tmp_path):
    """The unit's own «superior» (column «Dòng cấp trên») goes before its level's."""
    from conftest import STATE
    data = tmp_path / "data"
    shutil.copytree(STATE, data)
    path = data / "don-vi.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows = [rows[0] + ",Dòng cấp trên"] + [
        r + {"so-y-te,": ",không", "ubnd-thanh-pho-ha-tinh,": ",Tỉnh Hà Tĩnh"}.get(r.split(",")[0] + ",", ",")
        for r in rows[1:]]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    pipeline.build(data, tmp_path / "out")

    def issuer_cell(unit: str) -> list[str]:
        document = docx.Document(tmp_path / "out" / "don-vi" / f"{unit}.docx")
        return [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]

    assert issuer_cell("so-y-te") == ["SỞ Y TẾ"]
    assert issuer_cell("so-tai-chinh") == ["UBND TỈNH HÀ TĨNH", "SỞ TÀI CHÍNH"]
    assert issuer_cell("ubnd-thanh-pho-ha-tinh") == ["TỈNH HÀ TĨNH", "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ TĨNH"]

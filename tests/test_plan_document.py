"""The generated plan, read as a reader reads it: its words against the source document, and
every Party row of the-thuc.md; then the state example against the NĐ 30 rows."""

from __future__ import annotations

import re

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm

from conftest import (SEED, alignment, all_paragraphs, effective, find, fonts_of_run,
                      paragraph_format, texts)


def seed_words() -> list[str]:
    """The source plan's words in order, with its PDF damage undone: ``Ƣ`` repaired, numbers
    broken over a line (``01-`` / ``NQ/ĐUK``) joined, and ``10/03/2016`` written by the rule."""
    raw = SEED.read_text(encoding="utf-8").replace("Ƣ", "Ư").replace("ƣ", "ư")
    joined = ""
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if re.search(r"\d-$", joined):
            joined += line
        else:
            joined += " " + line
    return joined.replace("10/03/2016", "10/3/2016").split()


def doc_words(document) -> list[str]:
    return " ".join(texts(document)).split()


def test_plan_carries_the_source_text_word_for_word(party_plan):
    document = docx.Document(party_plan)
    words = doc_words(document)
    expected = seed_words()
    # the source's text begins at the Party's name: the left header column (the issuer and the
    # number, which stands level with the date) was lost in its PDF
    start = words.index("ĐẢNG", words.index("*"))
    number = words.index("Số", start)
    assert words[number:number + 2] == ["Số", "150-KH/ĐUK"]
    assert words[start:number] + words[number + 2:] == expected


def test_left_header_column(party_plan):
    """The header as HD 36 and HD 05 draw it: the issuer under its superior | the Party's
    name; then, on one line, the number | the place and date."""
    table = docx.Document(party_plan).tables[0]
    left = [p.text for p in table.rows[0].cells[0].paragraphs]
    assert left == ["ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN\nVÀ DOANH NGHIỆP TỈNH", "*"]
    right = [p.text for p in table.rows[0].cells[1].paragraphs]
    assert right == ["ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert [c.text for c in table.rows[1].cells] == ["Số 150-KH/ĐUK", "Hà Tĩnh, ngày 23 tháng 02 năm 2021"]


def test_paragraphs_in_order(party_plan):
    found = [t.replace("\n", " ") for t in texts(docx.Document(party_plan))]  # words, not lines
    expected_in_order = [
        "KẾ HOẠCH",
        "sơ kết 05 năm thực hiện Nghị quyết số 01-NQ/ĐUK, ngày 10/10/2016 và Chỉ thị số "
        "01-CT/ĐUK, ngày 10/3/2016 của Đảng ủy Khối về xây dựng văn hóa công sở và văn hóa "
        "doanh nghiệp",
        "-----",
        "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG SƠ KẾT", "(Có đề cương chi tiết gửi kèm)",
        "III. PHƯƠNG PHÁP, THỜI GIAN TIẾN HÀNH", "1. Phương pháp tổ chức hội nghị sơ kết",
        "1.1. Đối với cấp ủy cơ sở", "1.2. Đối với Đảng bộ Khối",
        "2. Thời gian tổ chức Hội nghị sơ kết",
        "- Chi bộ cơ sở: Hoàn thành trước ngày 15/4/2021.",
        "- Đảng bộ cơ sở: Hoàn thành trước ngày 30/4/2021.",
        "- Đảng bộ Khối: Hoàn thành trước ngày 30/5/2021.",
        "IV. TỔ CHỨC THỰC HIỆN",
        "Nơi nhận:", "- Thường trực Tỉnh ủy,", "- Các đ/c UV BTV Đảng ủy Khối,",
        "- Các ban, đoàn thể Khối,", "- Các tổ chức cơ sở đảng,", "- Lưu Văn phòng ĐUK.",
        "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "(Đã ký)", "Nguyễn Trọng Vân",
    ]
    positions = [found.index(t) for t in expected_in_order]
    assert positions == sorted(positions)


def test_page_setup_a4_and_margins(party_plan):
    section = docx.Document(party_plan).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]


def test_page_numbers_from_page_two(party_plan):
    document = docx.Document(party_plan)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    first = section.first_page_header._element.xml
    default = section.header._element.xml
    assert "PAGE" not in first
    assert re.search(r'w:instr="\s*PAGE\s*"', default)
    number = section.header.paragraphs[0]
    assert alignment(number) == WD_ALIGN_PARAGRAPH.CENTER
    assert effective(number, "size") == 14


def test_times_new_roman_on_every_run(party_plan):
    document = docx.Document(party_plan)
    paragraphs = all_paragraphs(document) + list(document.sections[0].header.paragraphs)
    checked = 0
    for paragraph in paragraphs:
        for run in paragraph.runs:
            assert fonts_of_run(run, paragraph) == {"Times New Roman"}, paragraph.text
            checked += 1
    assert checked > 50


def test_text_is_nfc_without_broken_letters(party_plan):
    import unicodedata
    for t in texts(docx.Document(party_plan)):
        assert unicodedata.is_normalized("NFC", t)
        assert "Ƣ" not in t and "ƣ" not in t
    assert "III. PHƯƠNG PHÁP, THỜI GIAN TIẾN HÀNH" in texts(docx.Document(party_plan))


# element text → (size, bold, italic, underline, alignment)
PARTY_ROWS = [
    ("ĐẢNG BỘ TỈNH HÀ TĨNH", 14, False, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("ĐẢNG ỦY KHỐI CÁC CƠ QUAN\nVÀ DOANH NGHIỆP TỈNH", 14, True, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("*", 14, False, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("Số 150-KH/ĐUK", 14, False, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("ĐẢNG CỘNG SẢN VIỆT NAM", 15, True, False, False,  # a drawn rule, not an underline
     WD_ALIGN_PARAGRAPH.CENTER),
    ("Hà Tĩnh, ngày 23 tháng 02 năm 2021", 14, False, True, False, None),
    ("KẾ HOẠCH", 16, True, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("-----", 14, False, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("I. MỤC ĐÍCH, YÊU CẦU", 14, True, False, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    ("1. Phương pháp tổ chức hội nghị sơ kết", 14, True, False, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    ("- Tổ chức Hội nghị sơ kết.", 14, False, False, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    ("Nơi nhận:", 14, False, False, True, None),
    ("- Thường trực Tỉnh ủy,", 12, False, False, False, None),
    ("- Lưu Văn phòng ĐUK.", 12, False, False, False, None),
    ("T/M BAN THƯỜNG VỤ", 14, True, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("PHÓ BÍ THƯ", 14, False, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("(Đã ký)", 14, False, False, False, WD_ALIGN_PARAGRAPH.CENTER),
    ("Nguyễn Trọng Vân", 14, True, False, False, WD_ALIGN_PARAGRAPH.CENTER),
]


@pytest.mark.parametrize("text, size, bold, italic, underline, align", PARTY_ROWS)
def test_party_element_formats(party_plan, text, size, bold, italic, underline, align):
    paragraph = find(docx.Document(party_plan), text)
    assert effective(paragraph, "size") == size
    assert effective(paragraph, "bold") == bold
    assert effective(paragraph, "italic") == italic
    assert effective(paragraph, "underline") == underline
    if align is not None:
        assert alignment(paragraph) == align


def test_summary_is_bold_centred_lower_case(party_plan):
    summary = [p for p in all_paragraphs(docx.Document(party_plan)) if p.text.startswith("sơ kết 05")]
    assert len(summary) == 1
    p = summary[0]
    assert (effective(p, "size"), effective(p, "bold")) == (14, True)
    assert alignment(p) == WD_ALIGN_PARAGRAPH.CENTER


def test_body_is_14_justified_with_first_line_indent(party_plan):
    document = docx.Document(party_plan)
    body = [p for p in all_paragraphs(document) if p.text.startswith(("Thực hiện", "1. Kiểm điểm",
                                                                       "+ Đối với chi bộ cơ sở"))]
    assert len(body) == 3
    for p in body:
        assert effective(p, "size") == 14
        assert not effective(p, "bold")
        assert alignment(p) == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert abs(paragraph_format(p, "first_line_indent") - Cm(1)) < Mm(0.1)
        assert paragraph_format(p, "space_after").pt == 6
        assert paragraph_format(p, "line_spacing").pt >= 18


def test_header_and_signature_tables_have_no_borders(party_plan):
    document = docx.Document(party_plan)
    assert len(document.tables) == 2
    for table in document.tables:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    signature = document.tables[1].rows[0].cells
    assert signature[0].paragraphs[0].text == "Nơi nhận:"
    assert signature[1].paragraphs[0].text == "T/M BAN THƯỜNG VỤ"


# --- the state example (NĐ 30) ------------------------------------------------------------

STATE_ROWS = [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, False, False),
    ("Độc lập - Tự do - Hạnh phúc", 14, True, False, False),  # a drawn rule, not an underline
    ("Số: 12/KH-UBND", 13, False, False, False),
    ("Hà Tĩnh, ngày 08 tháng 01 năm 2024", 14, False, True, False),
    ("KẾ HOẠCH", 14, True, False, False),
    ("Sơ kết 05 năm thực hiện Đề án “Văn hóa công vụ” trên địa bàn tỉnh", 14, True, False, False),
    ("Nơi nhận:", 12, True, True, False),
    ("- Bộ Nội vụ (b/c);", 11, False, False, False),
    ("- Lưu: VT, NC.", 11, False, False, False),
    ("TM. ỦY BAN NHÂN DÂN", 14, True, False, False),
    ("KT. CHỦ TỊCH", 14, True, False, False),
    ("PHÓ CHỦ TỊCH", 14, True, False, False),
    ("Trần Văn A", 14, True, False, False),
]


@pytest.mark.parametrize("text, size, bold, italic, underline", STATE_ROWS)
def test_state_element_formats(state_plan, text, size, bold, italic, underline):
    paragraph = find(docx.Document(state_plan), text)
    assert (effective(paragraph, "size"), effective(paragraph, "bold"),
            effective(paragraph, "italic"), effective(paragraph, "underline")) == (
        size, bold, italic, underline)


def test_state_issuer_is_bold_13_with_a_short_line_under_it(state_plan):
    document = docx.Document(state_plan)
    left = document.tables[0].rows[0].cells[0].paragraphs
    assert left[0].text == "ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH"
    assert (effective(left[0], "size"), effective(left[0], "bold")) == (13, True)
    rule = left[1]
    assert rule.text == ""
    ppr = rule.style.element.find(qn("w:pPr"))
    assert ppr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}").get(qn("w:val")) == "single"
    ind = ppr.find(qn("w:ind"))
    column = document.tables[0].rows[0].cells[0].width
    line = column - Mm(int(ind.get(qn("w:left"))) / 1440 * 25.4 * 2)
    # 1/3 to 1/2 of the column, centred
    assert column / 3 - Mm(5) <= line <= column / 2
    assert document.tables[0].rows[1].cells[0].text == "Số: 12/KH-UBND"


def test_state_summary_has_a_solid_line_not_hyphens(state_plan):
    document = docx.Document(state_plan)
    found = texts(document)
    assert "-----" not in found
    summary = find(document, "Sơ kết 05 năm thực hiện Đề án “Văn hóa công vụ” trên địa bàn tỉnh")
    rule = summary._p.getnext()
    style_id = rule.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val"))
    style = document.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
    assert style.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None


def test_state_recipients_and_headings(state_plan):
    found = texts(docx.Document(state_plan))
    recipients = found[found.index("Nơi nhận:") + 1: found.index("TM. ỦY BAN NHÂN DÂN")]
    assert recipients[-1] == "- Lưu: VT, NC."
    assert all(r.endswith(";") for r in recipients[:-1]) and len(recipients) == 7
    for heading in ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG SƠ KẾT", "2. Hạn chế, nguyên nhân và bài học kinh nghiệm.",
                    "3. Phương hướng, nhiệm vụ thời gian tới; đề xuất, kiến nghị.",
                    "(Có đề cương chi tiết gửi kèm)"):
        assert heading in found
    assert any(line.startswith("1. Kết quả thực hiện các nhiệm vụ của Đề án: công tác chỉ đạo")
               for line in found)
    assert "Thực hiện Quyết định số 1847/QĐ-TTg ngày 27/12/2018 của Thủ tướng Chính phủ" in \
        " ".join(found)


def test_state_page_setup(state_plan):
    document = docx.Document(state_plan)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.different_first_page_header_footer
    for paragraph in all_paragraphs(document):
        for run in paragraph.runs:
            assert fonts_of_run(run, paragraph) == {"Times New Roman"}


def test_the_summary_breaks_between_phrases(party_plan):
    summary = next(t for t in texts(docx.Document(party_plan)) if t.startswith("sơ kết 05 năm"))
    assert summary.split("\n") == [
        "sơ kết 05 năm thực hiện Nghị quyết số 01-NQ/ĐUK, ngày 10/10/2016",
        "và Chỉ thị số 01-CT/ĐUK, ngày 10/3/2016 của Đảng ủy Khối",
        "về xây dựng văn hóa công sở và văn hóa doanh nghiệp"]

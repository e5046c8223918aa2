"""What the head of an office would send back (issue 9): each test reads the generated files
as a reader does."""

from __future__ import annotations

import re
import shutil

import docx
import pytest

from conftest import DATA, STATE, run_cli, texts
from generator.app import main as pipeline
from generator.formats import vnrules


# --- upper case keeps document symbols ------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Quyết định số 1847/QĐ-TTg của Thủ tướng", "QUYẾT ĐỊNH SỐ 1847/QĐ-TTg CỦA THỦ TƯỚNG"),
    ("thực hiện Chỉ thị 05-CT/TW", "THỰC HIỆN CHỈ THỊ 05-CT/TW"),
    ("nhiệm kỳ 2020-2025", "NHIỆM KỲ 2020-2025"),
    ("Độc lập - Tự do - Hạnh phúc", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"),
    ("thi đua-khen thưởng", "THI ĐUA-KHEN THƯỞNG"),
])
def test_upper_case_keeps_symbols(text, expected):
    assert vnrules.upper(text) == expected


def test_an_upper_cased_title_prints_the_symbol_as_issued(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(STATE, data)
    forms = data / "phu-luc.yaml"
    text = forms.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.strip().startswith("title:"))
    forms.write_text(text.replace(title, title.rstrip() + " theo Quyết định số 1847/QĐ-TTg", 1),
                     encoding="utf-8")
    pipeline.build(data, tmp_path / "out")
    words = " ".join(texts(docx.Document(tmp_path / "out" / "phu-luc.docx")))
    assert "1847/QĐ-TTg" in words and "QĐ-TTG" not in words


# --- starting a state campaign -------------------------------------------------------------

def test_new_offers_the_state_example(tmp_path, capsys, monkeypatch):
    code, out, err = run_cli(["new", tmp_path / "x", "--mau", "nha-nuoc"], capsys)
    assert code == 0, err
    assert "nha-nuoc-nd30" in (tmp_path / "x" / "data" / "chien-dich.yaml").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path / "x")
    code, out, err = run_cli(["build"], capsys)
    assert code == 0, err
    plan = texts(docx.Document(tmp_path / "x" / "out" / "ke-hoach.docx"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in plan
    code, out, err = run_cli(["new", tmp_path / "y", "--mau", "khac"], capsys)
    assert code == 2 and "không phải một trong" in err


def test_the_state_outline_is_the_plans_section_two(tmp_path):
    pipeline.build(STATE, tmp_path / "out")
    plan = texts(docx.Document(tmp_path / "out" / "ke-hoach.docx"))
    outline = texts(docx.Document(tmp_path / "out" / "de-cuong.docx"))
    start = plan.index("II. NỘI DUNG SƠ KẾT")
    items = []
    for line in plan[start + 1:]:
        if not line[:2].rstrip(".").isdigit():
            break
        items.append(line.split(". ", 1)[1].split(":")[0].rstrip("."))
    parts = [line.split(". ", 1)[1] for line in outline
             if ". " in line and line.split(". ", 1)[0] in ("I", "II", "III", "IV")]
    assert len(items) == len(parts) == 3
    for item, part in zip(items, parts):
        assert vnrules.upper(item) == part, (item, part)


# --- no developer text in a document --------------------------------------------------------

DEVELOPER_WORDS = ("narrative", ".yaml", "vanban:", "=tổng", "=(", "0/0", "(đạt )", "  ")


def test_no_developer_text_in_the_documents(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "bao-cao-tong-hop.yaml").unlink()      # the office has written nothing yet
    report = pipeline.build(data, tmp_path / "out")
    for name in ("bao-cao-tong-hop.docx", "phu-luc.docx", "don-vi/chi-bo-ban-dan-toc.docx"):
        found = texts(docx.Document(tmp_path / "out" / name))
        for line in found:
            # the blank number and date a unit writes by hand are spaces on purpose
            handwritten = line.startswith("Số ") or "ngày    " in line or "tháng    " in line
            for word in DEVELOPER_WORDS:
                if word == "  " and handwritten:
                    continue
                assert word not in line, (name, word, line)
    consolidated = texts(docx.Document(tmp_path / "out" / "bao-cao-tong-hop.docx"))
    drafts = [t for t in consolidated if t.startswith("[Dự thảo — phần này chưa viết")]
    assert drafts and all(t.endswith("]") for t in drafts)
    # a sentence whose figures are not in yet shows visible blanks
    assert any("đã tổ chức … hội nghị" in t for t in consolidated)
    # and the office is told on the command line where to write
    assert any("chưa viết" in w.message and "narrative" in w.message for w in report.warnings)
    forms = texts(docx.Document(tmp_path / "out" / "phu-luc.docx"))
    assert not [t for t in forms if t.startswith("Không ghi")]        # no instruction in a cell
    assert any(t.startswith("Ghi chú: không ghi vào ô nền xám") for t in forms)   # said once, under


# --- rules drawn as rules ---------------------------------------------------------------------

def _rule_cm(paragraph, container_cm: float) -> float | None:
    """The length of the solid line under a paragraph: its box between the indents (from its
    style, as Word resolves it), or None when it has no bottom border."""
    from docx.oxml.ns import qn
    style = paragraph.style
    ppr = style.element.find(qn("w:pPr"))
    bottom = ppr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}") if ppr is not None else None
    if bottom is None or bottom.get(qn("w:val")) != "single":
        return None
    own = paragraph._p.pPr.find(qn("w:ind")) if paragraph._p.pPr is not None else None
    ind = own if own is not None else ppr.find(qn("w:ind"))   # the paragraph's own indents first
    left = int(ind.get(qn("w:left"), "0")) / 567
    right = int(ind.get(qn("w:right"), "0")) / 567
    return container_cm - left - right


def test_title_rules_are_lines_as_long_as_the_text(party_plan, state_plan):
    from conftest import effective, find
    from generator.base.measure import width_cm
    from generator.formats.profiles import build_profile
    from docx.oxml.ns import qn
    for plan, text, size in ((party_plan, "ĐẢNG CỘNG SẢN VIỆT NAM", 15),
                             (state_plan, "Độc lập - Tự do - Hạnh phúc", 14)):
        document = docx.Document(plan)
        paragraph = find(document, text)
        assert effective(paragraph, "underline") is False        # no line through the dots
        # the header's cells have no side margins: the paragraph is as wide as its column
        margins = document.tables[0]._tbl.tblPr.find(qn("w:tblCellMar"))
        assert {margins.find(qn(f"w:{side}")).get(qn("w:w")) for side in ("left", "right")} == {"0"}
        column = document.tables[0].rows[0].cells[1].width.cm
        length = _rule_cm(paragraph, column)
        assert length is not None
        # as long as the text, with at most a millimetre more (so the text never wraps)
        assert 0 <= length - width_cm(text, size, bold=True) <= 0.12, (text, length)


def test_the_state_issuer_rule_is_a_third_to_a_half_of_the_name(state_plan):
    from generator.base.measure import width_cm
    from generator.formats.profiles import build_profile
    profile = build_profile("nha-nuoc-nd30")
    document = docx.Document(state_plan)
    rule = next(p for p in document.tables[0].rows[0].cells[0].paragraphs
                if p.style.name == "VB Gạch dưới tên cơ quan")
    length = _rule_cm(rule, profile.page.header_left_cm)
    name = max(width_cm(line, 13, bold=True) for line in ("ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH"))
    assert name / 3 <= length <= name / 2, (length, name)


# --- line breaks where a reader breaks --------------------------------------------------------

WORDS_KEPT_WHOLE = ("HÀ TĨNH", "ĐẦU TƯ", "NÔNG NGHIỆP", "NÔNG THÔN", "DÂN TỘC", "CƠ QUAN",
                    "DOANH NGHIỆP", "PHÁT TRIỂN", "THƯ VIỆN", "CÔNG TY", "NGÂN HÀNG", "VĂN HÓA")


def test_header_lines_break_between_phrases_in_every_skeleton(tmp_path):
    from generator.base.measure import CELL_MARGINS_CM, width_cm
    from generator.formats.profiles import build_profile
    pipeline.build(DATA, tmp_path / "out")
    profile = build_profile("dang-hd36")
    width = profile.page.header_left_cm - CELL_MARGINS_CM
    skeletons = sorted((tmp_path / "out" / "don-vi").glob("*.docx"))
    assert len(skeletons) == 49
    broken = 0
    for path in skeletons:
        cell = docx.Document(path).tables[0].rows[0].cells[0]
        for paragraph in cell.paragraphs[:2]:          # the superior and the unit's committee
            lines = paragraph.text.split("\n")
            broken += len(lines) > 1
            for line in lines:
                assert width_cm(line, 14, True) <= width, (path.stem, line)
                assert line.split()[-1] not in ("VÀ", "CÁC", "CỦA"), (path.stem, line)
            for pair in WORDS_KEPT_WHOLE:
                first, second = pair.split()
                for a, b in zip(lines, lines[1:]):
                    assert not (a.endswith(" " + first) or a == first) or not b.startswith(second), \
                        (path.stem, pair, lines)
    assert broken > 49  # the superior line of every skeleton, and the long committee names


def test_a_unit_gives_its_own_header_lines(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    units = data / "don-vi.csv"
    rows = units.read_text(encoding="utf-8").splitlines()
    rows[0] += ",header_lines"
    rows = [rows[0]] + [r + ("," if not r.startswith("chi-bo-ban-dan-toc,") else ",Chi bộ|Ban Dân tộc")
                        for r in rows[1:]]
    units.write_text("\n".join(rows) + "\n", encoding="utf-8")
    pipeline.build(data, tmp_path / "out")
    cell = docx.Document(tmp_path / "out" / "don-vi" / "chi-bo-ban-dan-toc.docx").tables[0].rows[0].cells[0]
    assert cell.paragraphs[1].text == "CHI BỘ\nBAN DÂN TỘC"


def test_the_issuer_rule_of_each_state_skeleton_fits_its_own_name(tmp_path):
    from generator.base.measure import width_cm
    from generator.formats.profiles import build_profile
    profile = build_profile("nha-nuoc-nd30")
    pipeline.build(STATE, tmp_path / "out")
    checked = 0
    for path in sorted((tmp_path / "out" / "don-vi").glob("*.docx")):
        cell = docx.Document(path).tables[0].rows[0].cells[0]
        issuer = next(p for p in cell.paragraphs if p.style.name == "VB Tên cơ quan")
        rule = next(p for p in cell.paragraphs if p.style.name == "VB Gạch dưới tên cơ quan")
        name = max(width_cm(line, 13, bold=True) for line in issuer.text.split("\n"))
        length = _rule_cm(rule, profile.page.header_left_cm)
        assert name / 3 <= length <= name / 2, (path.stem, issuer.text, length, name)
        checked += 1
    assert checked >= 3


def test_a_symbol_is_never_cut_at_its_hyphen(party_plan):
    """In every text — summary and body — the hyphen of a document symbol is Word's
    non-breaking hyphen; a range of years and an ordinary dash stay as they are."""
    from docx.oxml.ns import qn
    document = docx.Document(party_plan)
    runs = [r for p in document.paragraphs for r in p._p.iter(qn("w:r"))]
    breaking = [r for r in runs if any("01-NQ" in (t.text or "") or "01-CT" in (t.text or "")
                                       for t in r.iter(qn("w:t")))]
    assert not breaking
    kept = [r for r in runs if r.find(qn("w:noBreakHyphen")) is not None]
    assert len(kept) >= 4                             # in the summary and in the body
    words = " ".join(texts(document))
    assert "Nghị quyết số 01-NQ/ĐUK" in words         # a reader still sees the hyphen
    assert "nhiệm kỳ 2020-2025" in words


# --- the state consolidated report: its opening sentence, no «0/0» ------------------------------

def test_the_state_consolidated_report_opens_with_a_sentence_and_never_prints_0_of_0(tmp_path):
    import random

    import fill_returns
    from generator.intake.collect import collect

    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(STATE, data)
    pipeline.build(data, out)
    # nobody has reported: the opening says so, the yes/no row says nothing rather than «0/0»
    report = texts(docx.Document(out / "bao-cao-tong-hop.docx"))
    units = len((data / "don-vi.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
    opening = report[report.index("BÁO CÁO") + 2]
    assert opening.startswith("Thực hiện Kế hoạch số ")
    assert f"đến nay chưa có đơn vị nào gửi báo cáo ({units} đơn vị chưa gửi — danh sách kèm theo)" \
        in opening and opening.endswith("tổng hợp kết quả như sau:")
    assert not re.search(r"\b0/\d|\b0 đơn vị", opening)       # no zero count said
    assert not [t for t in report if "0/0" in t]
    # every unit reports and leaves the yes/no question blank
    folder = tmp_path / "tra-ve"
    folder.mkdir()
    rng = random.Random(3)
    for skeleton in sorted((out / "don-vi").glob("*.docx")):
        target = folder / skeleton.name
        typed = fill_returns.fill(skeleton, target, rng)
        document = docx.Document(target)
        cells = fill_returns.marked_cells(document)
        for tag in typed:
            if tag.startswith("vanban:pl1:r5:"):            # «Đã ban hành quy tắc ứng xử»
                fill_returns.type_into(cells[tag], "")
        document.save(target)
    collect([folder], data)
    pipeline.build(data, out)
    document = docx.Document(out / "bao-cao-tong-hop.docx")
    report = texts(document)
    again = next(t for t in report if t.startswith("Thực hiện Kế hoạch số "))
    assert f"đến nay đã có {units}/{units} đơn vị gửi báo cáo" in again and "chưa gửi" not in again
    table = next(t for t in document.tables if any(r.cells[1].text == "Đã ban hành quy tắc ứng xử"
                                                   for r in t.rows if len(r.cells) > 3))
    row = next(r for r in table.rows if r.cells[1].text == "Đã ban hành quy tắc ứng xử")
    assert row.cells[-1].text == f"{units} đơn vị để trống"
    assert not [c.text for t in document.tables for r in t.rows for c in r.cells if "0/0" in c.text]

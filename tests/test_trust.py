"""Trust in one place: prose and templates render in a sandbox with limits on what they may
compute; hand-edited returned figures are checked against the appendix tables; the Excel
reader honours sheet-scoped names; a unit list saved by Excel on a Vietnamese Windows is read."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from conftest import REPO, edited_template, run_cli
from generator.app import main as pipeline
from generator.base.exceptions import DataError, TemplateError


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- limits on prose ------------------------------------------------------------------------

BOMBS = ["{{ 'a' * 10**9 }}", "{{ 10**10**10 }}", "{{ 'a'.center(10**9) }}",
         "{{ 'x'|center(10**9) }}", "{{ '{:>999999999}'.format(1) }}", "{{ '%0999999999d' % 1 }}",
         "{{ range(100000)|join('x' * 10000) }}", "{{ [1]|batch(10**9, 'x')|list }}",
         "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
         # sizes propagated through nested repeats; format precision; a variable doubled by «~»
         "{{ [[[0]*1000]*1000]*1000 }}", "{{ [[[[0]*1000]*1000]*1000]*1000 }}",
         "{{ '%.99999999f'|format(1.5) }}", "{{ '%.99999999f' % 1.5 }}", "{{ '{:.99999999f}'.format(1.5) }}",
         "{{ '%(a)99999999s' % {'a': 1} }}", "{{ ([[0]*100]*100)|join(',') }}",
         "{% set a = 'x' * 20000 %}{% set b = a ~ a ~ a ~ a %}{{ b ~ b ~ b ~ b }}",
         "{{ range(100000)|list }}", "{{ ('x' * 20000) ~ ('x' * 20000) }}"]


@pytest.mark.parametrize("bomb", BOMBS)
def test_a_huge_computation_in_prose_is_a_data_problem(data, tmp_path, bomb):
    plan = data / "ke-hoach.yaml"
    text = plan.read_text(encoding="utf-8")
    marker = "          Kiểm điểm, đánh giá khách quan"
    assert marker in text
    line = text[: text.index(marker)].count("\n") + 1
    plan.write_text(text.replace(marker, f"          Kiểm điểm {bomb}, đánh giá khách quan", 1),
                    encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DataError) as caught:
        pipeline.build(data, tmp_path / "out")
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"\n{bomb[:40]}: {took:.2f} s, {peak:.0f} MB")
    problem = next(p for p in caught.value.problems if p.is_error)
    assert problem.file == "ke-hoach.yaml" and problem.line in (line - 1, line)
    assert problem.place == "sections[1].items[1].text"
    assert any(w in problem.message for w in ("quá lớn", "quá dài", "không dùng được")), problem
    assert peak < 200
    assert not (tmp_path / "out" / "ke-hoach.docx").exists()


def test_ordinary_prose_still_computes(data, tmp_path):
    replace_in(data / "ke-hoach.yaml", "          Kiểm điểm, đánh giá khách quan",
               "          Năm {{ plan.date.year + 1 }} ({{ 'x' * 3 }}; {{ [1, 2, 3]|map('string')|join('-') }})"
               " kiểm điểm, đánh giá khách quan")
    pipeline.build(data, tmp_path / "out")
    import docx
    text = "\n".join(p.text for p in docx.Document(tmp_path / "out" / "ke-hoach.docx").paragraphs)
    assert "Năm 2022 (xxx; 1-2-3) kiểm điểm, đánh giá khách quan" in text


def test_templates_render_in_a_sandbox(data, tmp_path, capsys):
    edited_template(data / "templates" / "ke-hoach.docx",
                    {"{{ doc_type }}": "{{ doc_type.__class__.__mro__[1].__subclasses__() }}"})
    code, out, err = run_cli(["build", "--data", data, "--out", tmp_path / "out"], capsys)
    assert code == 3 and "Mẫu" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "ke-hoach.docx").exists()


def test_a_template_may_not_make_a_huge_text(data, tmp_path):
    edited_template(data / "templates" / "ke-hoach.docx", {"{{ doc_type }}": "{{ doc_type * 10**8 }}"})
    with pytest.raises(TemplateError, match="quá dài"):
        pipeline.build(data, tmp_path / "out")


# --- hand-edited records --------------------------------------------------------------------

@pytest.fixture
def record(data, tmp_path) -> Path:
    """One unit's return collected into ``data``: its record."""
    import random

    import fill_returns
    out = tmp_path / "built"
    pipeline.build(data, out)
    fill_returns.fill(out / "don-vi" / "chi-bo-ban-dan-toc.docx", tmp_path / "r.docx", random.Random(2))
    from generator.intake.collect import collect
    collect([tmp_path / "r.docx"], data)
    return data / "bao-cao" / "chi-bo-ban-dan-toc.yaml"


@pytest.mark.parametrize("edit,where,says", [
    (("  pl1:\n", "  plx:\n"), "figures.plx", "không có phụ lục «plx»"),
    (("    r1: {so-luong:", "    r99: {so-luong:"), "figures.pl1.r99", "không có dòng «r99»"),
    (("r1: {so-luong:", "r1: {so-luong-x:"), "figures.pl1.r1.so-luong-x", "không có cột «so-luong-x»"),
    (("quy-che: {tra-loi: true}", "quy-che: {tra-loi: 12}"), "figures.pl3.quy-che.tra-loi",
     "cần true (Có) hoặc false (Không)"),
    (("unit: chi-bo-ban-dan-toc", "unit: chi-bo-tinh-doan"), "unit", "tên tệp và mục «unit»"),
])
def test_a_hand_edited_record_is_checked_against_the_tables(record, data, tmp_path, edit, where, says):
    replace_in(record, *edit)
    with pytest.raises(DataError) as caught:
        pipeline.build(data, tmp_path / "out2")
    problem = next(p for p in caught.value.problems if says in p.message)
    assert problem.file == "bao-cao/chi-bo-ban-dan-toc.yaml" and problem.line
    assert problem.place.startswith(where)


def test_a_count_typed_as_text_in_a_record_is_refused(record, data, tmp_path):
    text = record.read_text(encoding="utf-8")
    first = next(l for l in text.splitlines() if l.strip().startswith("r1: {so-luong:"))
    record.write_text(text.replace(first, "    r1: {so-luong: mười hai}", 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        pipeline.build(data, tmp_path / "out2")
    assert any("cần một số, đang là «mười hai»" in p.message for p in caught.value.problems)


# --- absurd figures: a finding on their cell, never a stored value --------------------------

ABSURD_IN_WORD = ["1000000000000000000000000000000", "9" * 5000, "1.000.000.000.000.000"]
ABSURD_IN_EXCEL = ["1E+30", "1e308", "1e400", "inf", "nan", "-1E+30", "9" * 5000]


def _absurd_return(data, tmp_path, kind: str, value: str) -> Path:
    """The skeleton of chi-bo-ban-dan-toc filled, with ``value`` in the second row of form 1."""
    import random
    import re
    import zipfile

    import docx
    import fill_returns
    out = tmp_path / "built"
    pipeline.build(data, out)
    if kind == "docx":
        target = tmp_path / "so-la.docx"
        fill_returns.fill(out / "don-vi" / "chi-bo-ban-dan-toc.docx", target, random.Random(2))
        document = docx.Document(target)
        fill_returns.type_into(fill_returns.marked_cells(document)["vanban:pl1:r2:so-luong"], value)
        document.save(target)
        return target
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(out / "don-vi" / "chi-bo-ban-dan-toc.xlsx")
    book["Phụ lục 1"]["D7"], book["Phụ lục 1"]["D8"] = 120, 5
    book.save(tmp_path / "plain.xlsx")
    target = tmp_path / "so-la.xlsx"
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            part = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":   # the number as Excel stores it
                part, n = re.subn(rb'(<c r="D8"[^>]*>)<v>5</v>', rb"\g<1><v>" + value.encode() + b"</v>", part)
                assert n == 1
            dst.writestr(item, part)
    return target


@pytest.mark.parametrize("kind,value", [("docx", v) for v in ABSURD_IN_WORD]
                         + [("xlsx", v) for v in ABSURD_IN_EXCEL])
def test_an_absurd_figure_is_a_finding_on_its_cell_and_the_campaign_goes_on(data, tmp_path, capsys,
                                                                             kind, value):
    """10^30 typed in Word, 1E+30 or 1e308 in Excel, inf, nan, 5.000 digits: the file is taken,
    the cell is left blank with a finding that names it; build and check go on."""
    returned = _absurd_return(data, tmp_path, kind, value)
    code, said, err = run_cli(["collect", returned, "--data", data], capsys)
    assert code == 0, err
    assert "không nhận" not in err and "Traceback" not in err
    finding = next(l for l in err.splitlines() if "cần xem lại" in l and "dòng «Số văn bản" in l)
    assert "chữ số" in finding or "lớn quá" in finding or "không phải là một số" in finding, finding
    assert len(finding) < 400                           # 5.000 digits are not echoed whole
    saved = yaml.safe_load((data / "bao-cao" / "chi-bo-ban-dan-toc.yaml").read_text(encoding="utf-8"))
    assert saved["figures"]["pl1"]["r2"]["so-luong"] is None
    assert saved["figures"]["pl1"]["r1"]["so-luong"] is not None   # the other cells are read
    code, said, err = run_cli(["build", "--data", data, "--out", tmp_path / "out"], capsys)
    assert code == 0, err
    code, said, err = run_cli(["check", "--data", data], capsys)
    assert code == 0, err


@pytest.mark.parametrize("typed", ["1000000000000000000000000000000", "1.0e+30", "1e308", ".inf",
                                   "-.inf", ".nan", "9" * 5000])
def test_a_hand_edited_absurd_figure_is_a_data_error_with_file_and_key(record, data, tmp_path,
                                                                      capsys, typed):
    text = record.read_text(encoding="utf-8")
    first = next(l for l in text.splitlines() if l.strip().startswith("r1: {so-luong:"))
    record.write_text(text.replace(first, f"    r1: {{so-luong: {typed}}}", 1), encoding="utf-8")
    for command in (["build", "--data", data, "--out", tmp_path / "out2"], ["check", "--data", data]):
        code, said, err = run_cli(command, capsys)
        assert code == 1, err                            # a data error, not 70
        line = next(l for l in err.splitlines() if l.startswith("bao-cao/chi-bo-ban-dan-toc.yaml"))
        assert "figures.pl1.r1.so-luong" in line and "lỗi" in line, line
        assert len(line) < 400, line


# --- sheet-scoped names ---------------------------------------------------------------------

def test_a_copied_sheet_does_not_take_the_marks_of_the_form(data, tmp_path, capsys):
    """Excel copies a sheet with its names made local to the copy; the form's own names stay
    the workbook's, and they are the ones read."""
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.workbook.defined_name import DefinedName
    out = tmp_path / "built"
    pipeline.build(data, out)
    book = openpyxl.load_workbook(out / "don-vi" / "chi-bo-ban-dan-toc.xlsx")
    form = book["Phụ lục 1"]
    form["D7"] = 120
    copy = book.copy_worksheet(form)
    copy.title = "Phụ lục 1 (2)"
    copy["D7"] = 999                                     # a draft the unit kept aside
    for name in list(book.defined_names):
        target = book.defined_names[name].attr_text
        if target.startswith("'Phụ lục 1'!"):
            copy.defined_names[name] = DefinedName(name, attr_text=target.replace(
                "'Phụ lục 1'!", "'Phụ lục 1 (2)'!"))
    index = book.sheetnames.index("Phụ lục 1 (2)")
    book.move_sheet(copy, offset=-(index - 1))           # the copy placed before the form
    book.save(tmp_path / "hai-trang.xlsx")
    code, said, err = run_cli(["collect", tmp_path / "hai-trang.xlsx", "--data", data], capsys)
    saved = yaml.safe_load((data / "bao-cao" / "chi-bo-ban-dan-toc.yaml").read_text(encoding="utf-8"))
    assert saved["figures"]["pl1"]["r1"]["so-luong"] == 120


def test_sheet_scoped_names_are_read_when_the_workbook_has_no_others(data, tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.workbook.defined_name import DefinedName
    out = tmp_path / "built"
    pipeline.build(data, out)
    book = openpyxl.load_workbook(out / "don-vi" / "chi-bo-ban-dan-toc.xlsx")
    for name in list(book.defined_names):
        target = book.defined_names[name].attr_text
        sheet = target.split("!")[0].strip("'")
        del book.defined_names[name]
        book[sheet].defined_names[name] = DefinedName(name, attr_text=target)
    book["Phụ lục 1"]["D7"] = 77
    book.save(tmp_path / "ten-cuc-bo.xlsx")
    code, said, err = run_cli(["collect", tmp_path / "ten-cuc-bo.xlsx", "--data", data], capsys)
    saved = yaml.safe_load((data / "bao-cao" / "chi-bo-ban-dan-toc.yaml").read_text(encoding="utf-8"))
    assert saved["figures"]["pl1"]["r1"]["so-luong"] == 77
    assert "theo vị trí" not in err                     # read by their names, not by place


# --- a unit list saved by Excel on a Vietnamese Windows --------------------------------------

def _fits(ch: str) -> bool:
    try:
        ch.encode("cp1258")
        return True
    except UnicodeEncodeError:
        return False


@pytest.mark.parametrize("form", ["windows-1258", "unicode-text"])
def test_a_unit_list_saved_by_vietnamese_excel_is_read(data, tmp_path, form):
    import unicodedata
    text = (data / "don-vi.csv").read_text(encoding="utf-8")
    if form == "windows-1258":
        # Excel writes each letter in the code page: a letter it lacks as base + tone mark
        chars = []
        for ch in text:
            if _fits(ch):
                chars.append(ch)
            else:
                # the letter with its hat, breve or horn (â, ơ …), then the tone as a mark
                parts = unicodedata.normalize("NFD", ch)
                tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
                letter = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
                chars.append(letter + tones)
        raw = "".join(chars).encode("cp1258")
        assert b"\xf2" in raw or b"\xde" in raw or b"\xec" in raw  # combining marks were used
    else:
        raw = "\ufeff".encode("utf-16-le") + text.replace(",", "\t").encode("utf-16-le")
    (data / "don-vi.csv").write_bytes(raw)
    built = pipeline.build(data, tmp_path / "out")
    warning = next(w for w in built.warnings if w.file == "don-vi.csv")
    assert ("Windows-1258" in warning.message) == (form == "windows-1258")
    import docx
    skeleton = docx.Document(tmp_path / "out" / "don-vi" / "chi-bo-ban-dan-toc.docx")
    header = "\n".join(c.text for row in skeleton.tables[0].rows for c in row.cells)
    assert "CHI BỘ BAN DÂN TỘC" in header

"""Bad input: every problem is reported in Vietnamese with its file and place, the exit code
is non-zero, there is no traceback, and what was built before is left as it was."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from conftest import edited_template, find, run_cli, texts


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"«{old}» không có trong {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """Line of the key that holds ``needle`` (comments skipped): the line itself if it has a
    key, else the key above it whose (folded) value it continues."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if needle in line and not line.lstrip().startswith("#"):
            while path.suffix == ".yaml" and i > 0 and not re.match(r"^\s*(- |[\w-]+:)", lines[i]):
                i -= 1
            return i + 1
    raise AssertionError(needle)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def built(campaign, tmp_path, capsys):
    """The example built once into out/; returns (data folder, out folder, every file's bytes)."""
    out = tmp_path / "out"
    code, _, err = run_cli(["build", "--data", campaign, "--out", out], capsys)
    assert code == 0, err
    return campaign, out, snapshot(out)


def failing_build(built, capsys) -> str:
    """Build again after the data was broken: must fail cleanly and leave out/ as it was."""
    data, out, before = built
    code, stdout, err = run_cli(["build", "--data", data, "--out", out], capsys)
    assert code == 1
    assert "Traceback" not in err + stdout
    assert "chưa ghi tệp nào" in err
    assert snapshot(out) == before
    return err


CASES = [
    # (file, old text, new text, line marker (text on the expected line), expected message part)
    ("chien-dich.yaml", "date: 10/3/2016", "date: 30/02/2016", "30/02/2016",
     "«reviewed[2].date»: lỗi: ngày «30/02/2016» không có thật"),
    ("chien-dich.yaml", "  - id: db", "  - id: cb   # trùng", "# trùng",
     "«levels[2].id»: lỗi: mã «cb» trùng với mục thứ 1"),
    ("chien-dich.yaml", "  place: Hà Tĩnh", "  place: Hà Tĩnh\n  colour: đỏ", "colour",
     "«issuer.colour»: lỗi: mục không xác định"),
    ("chien-dich.yaml", "  symbol: ĐUK", "  symbl: ĐUK", "symbl", "«issuer.symbl»: lỗi: mục không xác định"),
    ("ke-hoach.yaml", "number: 150", "number: một trăm năm mươi", "number:",
     "«number»: lỗi: phải là một số nguyên, đang là «một trăm năm mươi»"),
    ("chien-dich.yaml", "committee: true", "committee: có lẽ", "committee:",
     "«issuer.committee»: lỗi: phải là true hoặc false"),
    ("de-cuong.yaml", "{{ docs.nq01.short }}", "{{ docs.nq99.short }}", "docs.nq99",
     "lỗi: dẫn tới giá trị không có: «nq99»"),
    ("ke-hoach.yaml", "ngày {{ levels.cb.report_deadline }}", "ngày {{ levels.cb.han }}",
     "levels.cb.han", "dẫn tới giá trị không có: «han»"),
    ("ke-hoach.yaml", "    - {mode: tm, of: Ban Thường vụ}", "    - {mode: kt, of: Bí thư}",
     "mode: kt", "cấp ủy đảng không ký «K/T BÍ THƯ»"),
    ("ke-hoach.yaml", "    - {mode: tm, of: Ban Thường vụ}", "    - {mode: tuq, of: Ban Thường vụ}",
     "mode: tuq", "không có cách ký «tuq»"),
    ("chien-dich.yaml", "format: dang\n", "format: dang-hd99\n", "format: dang-hd99",
     "không có thể thức «dang-hd99»; có: dang, nha-nuoc, dang-hd05-2026, dang-hd36, nha-nuoc-nd30"),
    ("chien-dich.yaml", "format_overrides: {}", "format_overrides: {styles: {body: {size: to}}}",
     "format_overrides: {styles", "«format_overrides.styles.body.size»: lỗi"),
    ("chien-dich.yaml", "    report_deadline: 05/5/2021          # gửi",
     "    report_deadline: 10/4/2021          # gửi", "report_deadline: 10/4/2021",
     "hạn gửi báo cáo (10/4/2021) trước hạn hoàn thành sơ kết (15/4/2021)"),
    ("chien-dich.yaml", "final_deadline: 30/5/2021", "final_deadline: 01/5/2021",
     "final_deadline:", "hạn của cơ quan ban hành (01/5/2021) trước hạn nhận báo cáo"),
    ("ke-hoach.yaml", "date: 23/02/2021", "date: 20/4/2021", "date: 20/4/2021",
     "ngày kế hoạch (20/4/2021) không trước hạn sơ kết của «Chi bộ cơ sở» (15/4/2021)"),
    ("ke-hoach.yaml", "  name: Nguyễn Trọng Vân\n", "", "signer:",
     "«signer.name»: lỗi: thiếu mục bắt buộc"),
    ("ke-hoach.yaml", "recipients:\n  - Thường trực Tỉnh ủy", "recipients:\n  - [Thường trực Tỉnh ủy]",
     "[Thường trực", "«recipients[1]»: lỗi: phải là chữ"),
    ("ke-hoach.yaml", "  - title: Tổ chức thực hiện\n", "  - note: chỉ ghi chú\n", "chỉ ghi chú",
     "«sections[4]»: lỗi: mục phải có «title»"),
    ("ke-hoach.yaml", "  - title: Mục đích, yêu cầu\n    items:", "  - title: Mục đích, yêu cầu\n   items:",
     "   items:", "lỗi: lỗi cú pháp YAML"),
    ("ke-hoach.yaml", "title: Mục đích, yêu cầu", "title: {{ docs.nq01 }} yêu cầu", "title: {{",
     "một đoạn văn có «{{ … }}» ở đầu phải đặt trong dấu nháy kép"),
    # units, outline and appendix (issue 3)
    ("don-vi.csv", "dang-bo-so-noi-vu,Đảng bộ Sở Nội vụ,db,", "dang-bo-so-noi-vu,Đảng bộ Sở Nội vụ,dbx,",
     "dang-bo-so-noi-vu,", "cột «level»: lỗi: cấp «dbx» không có trong «levels» của chien-dich.yaml"),
    ("don-vi.csv", "dang-bo-so-noi-vu,", "dang-bo-so-tai-chinh,", "Đảng bộ Sở Nội vụ",
     "cột «id»: lỗi: mã đơn vị «dang-bo-so-tai-chinh» trùng với dòng 3"),
    ("don-vi.csv", "dang-bo-so-noi-vu,", "đảng-bộ-sở-nội-vụ,", "Đảng bộ Sở Nội vụ",
     "cột «id»: lỗi: «đảng-bộ-sở-nội-vụ» không hợp lệ: mã chỉ gồm chữ thường không dấu"),
    ("don-vi.csv", "dang-bo-so-noi-vu,", "Dang Bo Noi Vu,", "Đảng bộ Sở Nội vụ",
     "cột «id»: lỗi: «Dang Bo Noi Vu» không hợp lệ"),
    ("don-vi.csv", ",Chi bộ Ban Dân tộc,cb,cq,", ",Ban Dân tộc,cb,cq,", "Ban Dân tộc",
     "cột «name»: lỗi: không suy ra được tên cấp ủy của «Ban Dân tộc»"),
    ("don-vi.csv", "Chi bộ Tỉnh đoàn,cb,cq", "Chi bộ Tỉnh đoàn,cb,xyz", "Tỉnh đoàn",
     "cột «kind»: lỗi: loại «xyz» không có trong «unit_kinds»"),
    ("phu-luc.yaml", "formula: r5 / r1", "formula: r5 / r9", "formula: r5 / r9",
     "«tables[1].rows[6].formula»: lỗi: công thức «r5 / r9» dẫn tới dòng «r9» không có trong phụ lục «pl1»"),
    ("phu-luc.yaml", "formula: r5 / r1", "formula: r5 * r1", "formula: r5 * r1",
     "công thức «r5 * r1» không hợp lệ"),
    ("phu-luc.yaml", "type: percent, formula: r5 / r1}", "type: percent}", "Tỷ lệ đảng viên",
     "dòng tỷ lệ cần «formula: tử / mẫu»"),
    ("de-cuong.yaml", "        applies_to: {kinds: [dn]}", "        applies_to: {kinds: [doanh-nghiep]}",
     "doanh-nghiep", "loại đơn vị «doanh-nghiep» không có trong «unit_kinds»"),
    ("de-cuong.yaml", "        applies_to: {kinds: [cq]}", "        applies_to: {levels: [huyen]}", "huyen",
     "cấp đơn vị «huyen» không có trong «levels»"),
]


@pytest.mark.parametrize("file, old, new, marker, expected", CASES,
                         ids=[c[4][:40] for c in CASES])
def test_bad_data_is_reported_with_file_and_line(built, capsys, file, old, new, marker, expected):
    data = built[0]
    edit(data / file, old, new)
    err = failing_build(built, capsys)
    line = line_of(data / file, marker)
    pattern = re.compile(rf"^{re.escape(file)}, dòng {line}\b.*{re.escape(expected)}", re.M)
    assert pattern.search(err), err


def test_every_problem_of_every_file_is_listed_at_once(built, capsys):
    data = built[0]
    edit(data / "chien-dich.yaml", "date: 10/3/2016", "date: 31/4/2016")
    edit(data / "chien-dich.yaml", "  - id: db", "  - id: cb")
    edit(data / "ke-hoach.yaml", "number: 150", "number: x")
    edit(data / "ke-hoach.yaml", "  name: Nguyễn Trọng Vân\n", "")
    err = failing_build(built, capsys)
    assert "«31/4/2016» không có thật" in err
    assert "mã «cb» trùng" in err
    assert "«number»: lỗi: phải là một số nguyên" in err and "«signer.name»: lỗi: thiếu" in err
    assert "Có 4 lỗi trong dữ liệu" in err


def test_reference_and_rule_problems_are_listed_together(built, capsys):
    # once every file has the right shape, the references and the rules across fields are
    # checked together: all of them are reported in one run
    data = built[0]
    edit(data / "de-cuong.yaml", "{{ docs.nq01.short }}", "{{ docs.nq9.short }}")
    edit(data / "ke-hoach.yaml", "{{ levels.cb.report_deadline }}", "{{ levels.xx.report_deadline }}")
    edit(data / "ke-hoach.yaml", "    - {mode: tm, of: Ban Thường vụ}", "    - {mode: tuq, of: Bí thư}")
    edit(data / "chien-dich.yaml", "final_deadline: 30/5/2021", "final_deadline: 01/5/2021")
    err = failing_build(built, capsys)
    assert "«nq9»" in err and "«xx»" in err and "không có cách ký «tuq»" in err
    assert "hạn của cơ quan ban hành (01/5/2021)" in err
    assert "Có 5 lỗi trong dữ liệu" in err


def test_check_reports_without_writing(campaign, tmp_path, capsys):
    edit(campaign / "ke-hoach.yaml", "number: 150", "number: 0")
    code, _, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 1
    line = line_of(campaign / "ke-hoach.yaml", "number: 0")
    assert f"ke-hoach.yaml, dòng {line}, mục «number»: lỗi: phải từ 1 trở lên" in err
    assert not (campaign.parent / "out").exists()


@pytest.mark.parametrize("content, expected", [
    (b"", "ke-hoach.yaml: lỗi: tệp trống"),
    ("# chỉ có chú thích\n".encode(), "ke-hoach.yaml: lỗi: tệp trống"),
    (b"number: [150\n", "ke-hoach.yaml, dòng 1: lỗi: lỗi cú pháp YAML: danh sách trong «[ ]»"),
    (b"- 1\n- 2\n", "ke-hoach.yaml, dòng 1: lỗi: tệp phải là một nhóm các mục"),
    (b"number: 150\nname: H\xe0 N\xf4i\n", "ke-hoach.yaml, dòng 2: lỗi: tệp không ở mã UTF-8"),
    (b"number: 150\nnumber: 151\n", "ke-hoach.yaml, dòng 2, mục «number»: lỗi: mục «number» được khai báo hai lần"),
    (b"number: !!python/object:os.system {}\n", "ke-hoach.yaml, dòng 1, mục «number»: lỗi: giá trị không đọc được (thẻ YAML"),
])
def test_unusable_files(built, capsys, content, expected):
    (built[0] / "ke-hoach.yaml").write_bytes(content)
    err = failing_build(built, capsys)
    assert expected in err, err


def test_missing_file_and_folder(built, capsys, tmp_path):
    (built[0] / "ke-hoach.yaml").unlink()
    assert "ke-hoach.yaml: lỗi: không tìm thấy tệp" in failing_build(built, capsys)
    code, _, err = run_cli(["build", "--data", tmp_path / "khong-co", "--out", tmp_path / "o"], capsys)
    assert code == 1 and "không có thư mục dữ liệu này" in err
    assert not (tmp_path / "o").exists()


def test_cli_usage_errors_in_vietnamese(capsys):
    code, out, err = run_cli(["buld"], capsys)
    assert code == 2 and "Không có lệnh 'buld'" in err and "Có phải ý bạn là" in err
    code, out, err = run_cli(["build", "--bogus"], capsys)
    assert code == 2 and "Không có tùy chọn '--bogus'" in err
    code, out, err = run_cli(["--help"], capsys)
    assert code == 0 and "Cách dùng:" in out and "Sinh mọi văn bản" in out


# --- text hygiene -------------------------------------------------------------------------

def test_broken_letters_and_control_characters_are_repaired_with_warnings(campaign, tmp_path, capsys):
    edit(campaign / "chien-dich.yaml",
         "  name: Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
         '  name: "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh THƢ\\vVIỆN\\x01\\x7f"')
    edit(campaign / "ke-hoach.yaml", "  name: Nguyễn Trọng Vân", "  name: Nguyễn Trọng Vân\u200b")
    code, out, err = run_cli(["build", "--data", campaign, "--out", tmp_path / "out"], capsys)
    assert code == 0, err
    line = line_of(campaign / "chien-dich.yaml", "THƢ")
    assert f"chien-dich.yaml, dòng {line}, mục «issuer.name»: cảnh báo: đã sửa chữ lỗi phông «Ƣ» → «Ư»" in err
    assert f"chien-dich.yaml, dòng {line}, mục «issuer.name»: cảnh báo: đã bỏ ký tự điều khiển" in err
    assert "U+000B" in err and "U+0001" in err and "U+007F" in err
    assert "ke-hoach.yaml" in err and "U+200B" in err
    document = docx.Document(tmp_path / "out" / "ke-hoach.docx")  # opens: the XML is sound
    assert "ĐẢNG ỦY KHỐI CÁC CƠ QUAN\nVÀ DOANH NGHIỆP\nTỈNH THƯ VIỆN" in texts(document)
    assert "Nguyễn Trọng Vân" in texts(document)


def test_decomposed_text_comes_out_nfc(campaign, tmp_path, capsys):
    import unicodedata
    decomposed = unicodedata.normalize("NFD", "Nguyễn Trọng Vân")
    edit(campaign / "ke-hoach.yaml", "  name: Nguyễn Trọng Vân", f"  name: {decomposed}")
    code, _, err = run_cli(["build", "--data", campaign, "--out", tmp_path / "out"], capsys)
    assert code == 0, err
    find(docx.Document(tmp_path / "out" / "ke-hoach.docx"), "Nguyễn Trọng Vân")


def test_markup_in_names_comes_out_literally(campaign, tmp_path, capsys):
    edit(campaign / "ke-hoach.yaml", "  name: Nguyễn Trọng Vân",
         "  name: \"A & B <b>C</b> {{ x }} {% if %} ]]>\"")
    edit(campaign / "ke-hoach.yaml", "  - Lưu Văn phòng ĐUK", "  - \"Lưu <VP> & {{ 1 + 1 }}\"")
    code, _, err = run_cli(["build", "--data", campaign, "--out", tmp_path / "out"], capsys)
    assert code == 0, err
    document = docx.Document(tmp_path / "out" / "ke-hoach.docx")
    find(document, "A & B <b>C</b> {{ x }} {% if %} ]]>")
    find(document, "- Lưu <VP> & {{ 1 + 1 }}.")


# --- templates ----------------------------------------------------------------------------

def test_broken_template_is_reported(campaign, capsys):
    template = edited_template(campaign / "templates" / "ke-hoach.docx",
                               {"{{ doc_type }}": "{{ doc_type }"})
    code, _, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 3 and "Traceback" not in err
    assert "ke-hoach.docx" in err and "thẻ mẫu sai cú pháp" in err
    template.write_bytes(b"not a zip")
    code, _, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 3 and "không phải tệp .docx đọc được" in err


def test_template_using_an_undefined_variable_is_an_error(campaign, capsys):
    edited_template(campaign / "templates" / "ke-hoach.docx", {"{{ summary }}": "{{ tom_tat }}"})
    code, _, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 3 and "tom_tat" in err and "giá trị không có" in err


def test_yaml_alias_bomb_and_deep_nesting_are_refused(built, capsys):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    (built[0] / "ke-hoach.yaml").write_text(bomb, encoding="utf-8")
    err = failing_build(built, capsys)
    assert "ke-hoach.yaml, dòng" in err and "quá nhiều giá trị" in err
    (built[0] / "ke-hoach.yaml").write_text("a: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    err = failing_build(built, capsys)
    assert "ke-hoach.yaml, dòng 1" in err and "lồng quá" in err


def test_units_saved_by_excel_with_bom_semicolons_and_vietnamese_headers(campaign, tmp_path, capsys):
    text = (campaign / "don-vi.csv").read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines()]
    import csv as csvmod, io
    buffer = io.StringIO()
    writer = csvmod.writer(buffer, delimiter=";", lineterminator="\r\n")
    vietnamese = {"id": "Mã", "name": "Tên đơn vị", "level": "Cấp", "kind": "Loại",
                  "committee_name": "Tên cấp ủy"}
    for i, row in enumerate(csvmod.reader(io.StringIO(text))):
        writer.writerow([vietnamese[c] for c in row] if i == 0 else row)
    (campaign / "don-vi.csv").write_bytes("\ufeff".encode() + buffer.getvalue().encode("utf-8"))
    code, out, err = run_cli(["build", "--data", campaign, "--out", tmp_path / "out"], capsys)
    assert code == 0, err
    assert len(list((tmp_path / "out" / "don-vi").glob("*.docx"))) == 49
    assert rows  # the file had rows


def test_a_row_the_report_refers_to_is_removed(built, capsys):
    data = built[0]
    edit(data / "phu-luc.yaml", '      - {id: r3, label: "Số hội nghị, buổi sinh hoạt học tập, quán triệt", unit: cuộc}\n', "")
    err = failing_build(built, capsys)
    assert "phu-luc.yaml" in err and "không có dòng số liệu «r3»" in err       # key_figures
    assert "de-cuong.yaml" in err and "phụ lục «pl1» không có dòng «r3»" in err  # a sentence


def test_units_kept_in_an_excel_workbook(campaign, tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    import csv as csvmod
    rows = list(csvmod.reader(open(campaign / "don-vi.csv", encoding="utf-8")))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã", "Tên đơn vị", "Cấp", "Loại", "Tên cấp ủy"])
    for row in rows[1:]:
        sheet.append(row)
    sheet.append(["chi-bo-moi", "Chi bộ Mới", "xx", "cq", None])   # a bad level, row 51
    book.save(campaign / "don-vi.xlsx")
    (campaign / "don-vi.csv").unlink()
    code, out, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 1
    assert "don-vi.xlsx, dòng 51, cột «level»: lỗi: cấp «xx» không có" in err
    sheet.delete_rows(51)
    book.save(campaign / "don-vi.xlsx")
    code, out, err = run_cli(["build", "--data", campaign, "--out", tmp_path / "out"], capsys)
    assert code == 0, err
    assert len(list((tmp_path / "out" / "don-vi").glob("*.docx"))) == 49
    (campaign / "don-vi.xlsx").write_bytes(b"PK\x03\x04 not really")
    code, out, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 1 and "don-vi.xlsx: lỗi: tệp hỏng" in err


# --- size: a long unit list is checked in seconds; past the limits it is refused, said --------

def _long_list(campaign: Path, rows: int, pad: int = 0) -> None:
    import csv
    import io
    with open(campaign / "don-vi.csv", encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(lines[0])
    for i in range(rows):
        row = list(lines[1 + i % (len(lines) - 1)])
        row[0], row[1] = f"{row[0]}-{i}", f"{row[1]} số {i}" + " " * pad
        writer.writerow(row)
    (campaign / "don-vi.csv").write_text(out.getvalue(), encoding="utf-8")


def test_a_list_of_20000_units_is_checked(campaign, tmp_path):
    """Every row validated, the per-unit documents drawn for a sample of each shape: the
    answer comes while a person waits (the time is printed; bench/check_bench.py measures it)."""
    import subprocess
    import sys
    import time
    _long_list(campaign, 20_000)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", "check", "--data", campaign,
                           "--out", tmp_path / "out"], capture_output=True, text=True, timeout=120)
    print(f"\nvanban check, 20.000 đơn vị: {time.perf_counter() - started:.1f} s")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Dữ liệu hợp lệ" in done.stdout


@pytest.mark.parametrize("rows,pad,says", [
    (20_001, 0, "bảng có 20.001 dòng, quá giới hạn 20.000 dòng"),
    (19_000, 500, "tệp quá lớn"),
])
def test_a_unit_list_past_the_limits_is_refused_quickly(campaign, capsys, rows, pad, says):
    _long_list(campaign, rows, pad)
    code, out, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 1 and "Traceback" not in err
    line = next(l for l in err.splitlines() if l.startswith("don-vi.csv"))
    assert says in line and "lỗi" in line


def test_a_data_file_past_the_size_limit_is_refused(campaign, capsys):
    plan = campaign / "ke-hoach.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "# " + "x" * (11 * 1024 * 1024) + "\n",
                    encoding="utf-8")
    code, out, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 1
    line = next(l for l in err.splitlines() if l.startswith("ke-hoach.yaml"))
    assert "tệp quá lớn (11,0 MB; một tệp dữ liệu không quá 10 MB)" in line, line


def test_a_huge_key_is_cut_where_it_is_said(campaign, capsys):
    """A key of 5 MB (pasted by mistake) is named in the message by its start and end, with
    how much was left out — not echoed whole."""
    path = campaign / "chien-dich.yaml"
    path.write_text("? " + "k" * 5_000_000 + "\n: 1\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run_cli(["check", "--data", campaign], capsys)
    assert code == 1
    line = next(l for l in err.splitlines() if l.startswith("chien-dich.yaml"))
    assert len(line) < 600 and "kkkk" in line and "bỏ bớt" in line and "mục không xác định" in line

"""Reading the units' returned reports back, tracking who reported, and the consolidated
report built from what they typed."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from conftest import REPO, all_paragraphs, effective, run_cli, texts
from generator.app import main as pipeline

import fill_returns  # tools/, put on the path by conftest

SKIPPED = 5  # the first units (in file-name order) do not send anything back


@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    """The example built, every skeleton but the first five filled as a user would, saved."""
    root = tmp_path_factory.mktemp("returned")
    data = root / "data"
    shutil.copytree(REPO / "data", data)
    out = root / "out"
    pipeline.build(data, out)
    rng = random.Random(7)
    typed, files = {}, {}
    skeletons = sorted((out / "don-vi").glob("*.docx"))
    for path in skeletons[SKIPPED:]:
        target = root / "returns" / f"Báo cáo {path.stem}.docx"
        target.parent.mkdir(exist_ok=True)
        typed[path.stem] = fill_returns.fill(path, target, rng)
        files[path.stem] = target
    return {"root": root, "data": data, "out": out, "typed": typed, "files": files,
            "missing": [p.stem for p in skeletons[:SKIPPED]]}


@pytest.fixture(scope="module")
def collected(returned):
    code = 0
    from generator.cli import main
    try:
        main(["collect", str(returned["root"] / "returns"), "--data", str(returned["data"]),
              "--received", "04/5/2021"])
    except SystemExit as exc:
        code = exc.code
    assert code in (0, None)
    pipeline.build(returned["data"], returned["out"])
    return returned


def typed_sum(typed: dict, tag: str) -> int:
    return sum(v for unit in typed.values() for t, v in unit.items() if t == tag and v is not None)


def test_every_return_is_stored_with_its_source(collected):
    folder = collected["data"] / "bao-cao"
    stored = sorted(p.stem for p in folder.glob("*.yaml"))
    assert stored == sorted(collected["typed"])
    record = yaml.safe_load((folder / "dang-bo-so-tai-chinh.yaml").read_text(encoding="utf-8"))
    import hashlib
    source = collected["files"]["dang-bo-so-tai-chinh"]
    assert record["source"]["file"] == source.name
    assert record["source"]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert record["source"]["identified_by"] == "dấu"
    assert record["received"] == "04/5/2021"
    typed = collected["typed"]["dang-bo-so-tai-chinh"]
    assert record["figures"]["pl1"]["r1"]["so-luong"] == typed["vanban:pl1:r1:so-luong"]


def test_consolidated_totals_equal_the_sums_of_what_was_typed(collected):
    document = docx.Document(collected["out"] / "bao-cao-tong-hop.docx")
    tables = {t._tbl.tblPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblCaption")
              .get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val"): t
              for t in document.tables[2:]}
    typed = collected["typed"]

    def vn(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    pl1 = tables["vanban:pl1"]
    # a figure resting on a value still under review is marked «(*)»: the number is before it
    by_label = {row.cells[1].text: row.cells[-1].text.removesuffix(" (*)") for row in pl1.rows[1:]}
    members = typed_sum(typed, "vanban:pl1:r1:so-luong")
    assert by_label["Tổng số đảng viên của đơn vị"] == vn(members)
    assert by_label["Số lượt cán bộ, đảng viên tham gia"] == vn(typed_sum(typed, "vanban:pl1:r4:so-luong"))
    # the share is recomputed from the sums, never averaged — over the units that gave both
    both = [(u["vanban:pl1:r5:so-luong"], u["vanban:pl1:r1:so-luong"]) for u in typed.values()
            if u.get("vanban:pl1:r5:so-luong") is not None and u.get("vanban:pl1:r1:so-luong") is not None]
    share = round(sum(a for a, _ in both) * 100 / sum(b for _, b in both), 1)
    assert by_label["Tỷ lệ đảng viên được học tập, quán triệt"] == f"{share:g}".replace(".", ",")
    # a per-year matrix: each year and the total column
    pl2 = tables["vanban:pl2"]
    header = [c.text for c in pl2.rows[0].cells]
    registered = pl2.rows[1].cells
    for year in range(2016, 2021):
        col = header.index(f"Năm {year}")
        assert registered[col].text.removesuffix(" (*)") == vn(typed_sum(typed, f"vanban:pl2:dang-ky:y{year}"))
    assert registered[header.index("Tổng cộng")].text.removesuffix(" (*)") == vn(
        sum(typed_sum(typed, f"vanban:pl2:dang-ky:y{y}") for y in range(2016, 2021)))
    # yes/no: how many «Có», of how many answered, how many left it blank; the share is of
    # those who answered
    pl3 = tables["vanban:pl3"]
    assert [c.text for c in pl3.rows[0].cells][2:] == [
        "Số đơn vị trả lời «Có»", "Số đơn vị đã trả lời", "Số đơn vị để trống", "Tỷ lệ «Có» (%)"]
    row = next(r for r in pl3.rows if r.cells[1].text == "Sổ tay văn hóa doanh nghiệp")
    answers = [u["vanban:pl3:so-tay:tra-loi"] for u in typed.values() if "vanban:pl3:so-tay:tra-loi" in u]
    yes = sum(1 for a in answers if a is True)
    answered = sum(1 for a in answers if a is not None)
    blank = len(answers) - answered
    assert blank > 0  # the filler leaves some answers blank: the case this checks
    share = f"{round(yes * 100 / answered, 1):g}".replace(".", ",")
    assert [c.text for c in row.cells[2:]] == [str(yes), str(answered), str(blank), share]
    body_text = " ".join(texts(document))
    assert f"{yes}/{answered} doanh nghiệp trả lời có sổ tay" in body_text
    assert f"{blank} doanh nghiệp chưa trả lời" in body_text
    # a total row
    pl4 = tables["vanban:pl4"]
    total = pl4.rows[-1].cells
    assert total[1].text == "Tổng cộng"
    assert total[2].text == vn(sum(typed_sum(typed, f"vanban:pl4:{r}:tap-the") for r in
                                   ("huan-chuong", "bang-khen-tinh", "giay-khen-khoi", "giay-khen-co-so")))
    # one row per unit that reported, then Tổng cộng
    key = tables["vanban:key-figures"]
    assert len(key.rows) == 1 + len(typed) + 1
    assert key.rows[-1].cells[1].text == "Tổng cộng" and key.rows[-1].cells[2].text.removesuffix(" (*)") == vn(members)
    # the body states the figures too
    body = " ".join(texts(document)).replace(" (*)", "")
    studied = typed_sum(typed, "vanban:pl1:r5:so-luong")
    assert f"{vn(studied)}/{vn(members)} đảng viên được học tập" in body


def test_missing_units_are_listed(collected):
    document = docx.Document(collected["out"] / "bao-cao-tong-hop.docx")
    missing_table = document.tables[-1]
    names = [r.cells[1].text for r in missing_table.rows[1:]]
    import csv
    units = {row["id"]: row["name"] for row in csv.DictReader(open(collected["data"] / "don-vi.csv", encoding="utf-8"))}
    assert sorted(names) == sorted(units[u] for u in collected["missing"])
    body = " ".join(texts(document))
    assert f"{len(collected['typed'])}/49 tổ chức cơ sở đảng gửi báo cáo" in body


def test_consolidated_report_format(collected):
    document = docx.Document(collected["out"] / "bao-cao-tong-hop.docx")
    header = document.tables[0].rows[0].cells
    assert [p.text for p in header[0].paragraphs] == [
        "ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN\nVÀ DOANH NGHIỆP TỈNH", "*"]
    assert document.tables[0].rows[1].cells[0].text == "Số    -BC/ĐUK"
    found = texts(document)
    assert found[found.index("BÁO CÁO") + 1].startswith("sơ kết 05 năm thực hiện")
    signature = [p.text for p in document.tables[1].rows[0].cells[1].paragraphs]
    assert signature == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Trọng Vân"]
    placeholder = next(p for p in all_paragraphs(document)
                       if p.text.startswith("[Dự thảo — phần này chưa viết. Gợi ý: "))
    assert effective(placeholder, "italic")
    assert not [t for t in found if "narrative" in t or ".yaml" in t]
    assert "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh có các tổ chức cơ sở đảng" in " ".join(found)


def test_collecting_twice_changes_nothing(collected, capsys):
    folder = collected["data"] / "bao-cao"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    code, out, err = run_cli(["collect", collected["root"] / "returns", "--data", collected["data"]], capsys)
    assert code == 0, err
    assert f"0 nhận mới, 0 thay, {len(collected['typed'])} không đổi, 0 xung đột" in out
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_a_different_return_is_a_conflict_until_replaced(collected, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(collected["data"], data)
    unit = "dang-bo-so-tai-chinh"
    first = (data / "bao-cao" / f"{unit}.yaml").read_bytes()
    skeleton = collected["out"] / "don-vi" / f"{unit}.docx"
    second = tmp_path / "ban-sua.docx"
    typed = fill_returns.fill(skeleton, second, random.Random(99))
    code, out, err = run_cli(["collect", second, "--data", data], capsys)
    assert code == 1 and "xung đột" in err and "--replace" in err
    assert (data / "bao-cao" / f"{unit}.yaml").read_bytes() == first      # not overwritten
    kept = list((data / "bao-cao" / "xung-dot").glob(f"{unit}-*.yaml"))
    assert len(kept) == 1
    code, out, err = run_cli(["collect", second, "--data", data, "--replace"], capsys)
    assert code == 0, err
    now = yaml.safe_load((data / "bao-cao" / f"{unit}.yaml").read_text(encoding="utf-8"))
    assert now["figures"]["pl1"]["r1"]["so-luong"] == typed["vanban:pl1:r1:so-luong"]
    history = list((data / "bao-cao" / "lich-su").glob(f"{unit}-*.yaml"))
    assert len(history) == 1
    assert yaml.safe_load(history[0].read_text(encoding="utf-8"))["figures"] == \
        yaml.safe_load(first.decode("utf-8"))["figures"]


# --- untrusted files ----------------------------------------------------------------------

def hostile_files(folder: Path, good: Path) -> dict[str, str]:
    """Files that must be refused, with a part of the message each must get."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    (folder / "ghi-chu.docx").write_text("đây không phải tệp Word", encoding="utf-8")
    made["ghi-chu.docx"] = "không phải tệp .docx"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048
    (folder / "bao-cao-cu.doc").write_bytes(ole)
    made["bao-cao-cu.doc"] = "tệp .doc cũ"
    (folder / "co-mat-khau.docx").write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512)
    made["co-mat-khau.docx"] = "đặt mật khẩu"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:document/>")
        zf.writestr("word/media/big.bin", b"\0" * (80 * 1024 * 1024))
    (folder / "bom-zip.docx").write_bytes(bomb.getvalue())
    made["bom-zip.docx"] = "bom zip"
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
              '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><w:document '
              'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
              '<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>')
    _rewrite(good, folder / "thuc-the-xml.docx", {"word/document.xml": laughs.encode()})
    made["thuc-the-xml.docx"] = "DOCTYPE"
    with zipfile.ZipFile(good) as zf:
        custom = zf.read("docProps/custom.xml").decode()
    _rewrite(good, folder / "chien-dich-khac.docx",
             {"docProps/custom.xml": custom.replace("so-ket-nq01-ct01-2021", "tong-ket-2025").encode()})
    made["chien-dich-khac.docx"] = "chiến dịch khác («tong-ket-2025»)"
    return made


def _rewrite(source: Path, target: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, parts.get(item.filename, src.read(item)))


def test_hostile_files_are_refused_and_the_good_ones_collected(collected, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    batch = tmp_path / "batch"
    good = collected["files"]["dang-bo-so-tai-chinh"]
    expected = hostile_files(batch, good)
    shutil.copy(good, batch / "tot-1.docx")
    shutil.copy(collected["files"]["chi-bo-thanh-tra-tinh"], batch / "tot-2.docx")
    code, out, err = run_cli(["collect", batch, "--data", data], capsys)
    assert code == 1 and "Traceback" not in err
    for name, part in expected.items():
        line = next((l for l in err.splitlines() if l.startswith(str(batch / name))), "")
        assert "không nhận" in line and part in line, (name, err)
    assert "2 nhận mới" in out and f"{len(expected)} không nhận" in out
    assert sorted(p.stem for p in (data / "bao-cao").glob("*.yaml")) == [
        "chi-bo-thanh-tra-tinh", "dang-bo-so-tai-chinh"]
    pipeline.build(data, tmp_path / "out")   # nothing of the refused files reached the report
    body = " ".join(texts(docx.Document(tmp_path / "out" / "bao-cao-tong-hop.docx")))
    assert "lol" not in body and "2/49 tổ chức cơ sở đảng" in body


def test_a_copy_without_marks_is_matched_by_its_header(collected, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    source = collected["files"]["chi-bo-thanh-tra-tinh"]
    stripped = tmp_path / "khong-dau.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(stripped, "w") as dst:
        for item in src.infolist():
            if item.filename != "docProps/custom.xml":
                dst.writestr(item, src.read(item))
    code, out, err = run_cli(["collect", stripped, "--data", data], capsys)
    assert code == 0, err
    assert "không thấy dấu của vanban" in err and "tiêu đề" in err
    record = yaml.safe_load((data / "bao-cao" / "chi-bo-thanh-tra-tinh.yaml").read_text(encoding="utf-8"))
    assert record["source"]["identified_by"] == "tiêu đề"


def test_figures_are_checked_by_unit_table_and_row(collected, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    document = docx.Document(collected["out"] / "don-vi" / "chi-bo-ban-dan-toc.docx")
    cells = fill_returns.marked_cells(document)
    for tag, text in {"vanban:pl1:r1:so-luong": "30", "vanban:pl1:r5:so-luong": "34",
                      "vanban:pl1:r3:so-luong": "mười hai", "vanban:pl2:dang-ky:y2016": "-2"}.items():
        fill_returns.type_into(cells[tag], text)
    share = next(r for r in document.tables[2].rows if r.cells[1].text.startswith("Tỷ lệ"))
    share.cells[3].paragraphs[0].add_run("12,5%")   # typed into the computed (empty, shaded) cell
    path = tmp_path / "sai.docx"
    document.save(path)
    code, out, err = run_cli(["collect", path, "--data", data], capsys)
    assert code == 0, err
    lines = [l for l in err.splitlines() if l.startswith("chi-bo-ban-dan-toc: cần xem lại:")]
    text = "\n".join(lines)
    assert "phụ lục 1 (pl1), dòng «Số hội nghị, buổi sinh hoạt học tập, quán triệt», cột «Số lượng»: «mười hai» không phải là số" in text
    assert "«Số đảng viên đã được học tập, quán triệt» (34) lớn hơn «Tổng số đảng viên của đơn vị» (30)" in text
    assert "số âm (-2) ở cột «Năm 2016»" in text
    assert "tỷ lệ ghi tay 12,5% khác tỷ lệ tính từ số liệu 113,3%" in text
    assert "ô «Có / Không» còn để trống" in text
    assert "đoạn gợi ý của đề cương chưa được thay" in text


def test_status(collected, capsys, tmp_path):
    code, out, err = run_cli(["status", "--data", collected["data"], "--today", "10/5/2021",
                              "--csv", tmp_path / "tinh-trang.csv"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["TT", "Đơn", "vị"]
    assert sum(1 for l in lines if "quá hạn, chưa gửi" in l) == len(collected["missing"])
    assert sum(1 for l in lines if l.rstrip().endswith("04/5/2021")) == len(collected["typed"])
    assert f"Cộng: {len(collected['typed'])}/49 đơn vị đã gửi báo cáo" in out
    assert "Đảng bộ cơ sở: 32 đơn vị" in out and "Chi bộ cơ sở: 17 đơn vị" in out
    raw = (tmp_path / "tinh-trang.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert len(raw.decode("utf-8-sig").strip().splitlines()) == 50
    openpyxl = pytest.importorskip("openpyxl")
    code, out, err = run_cli(["status", "--data", collected["data"], "--today", "10/5/2021",
                              "--xlsx", tmp_path / "tinh-trang.xlsx"], capsys)
    sheet = openpyxl.load_workbook(tmp_path / "tinh-trang.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("TT", "Mã đơn vị", "Đơn vị", "Cấp", "Hạn gửi", "Tình trạng", "Ngày nhận")
    assert len(rows) == 50 and rows[1][0] == 1
    assert sum(1 for r in rows[1:] if r[5] == "quá hạn, chưa gửi") == len(collected["missing"])


def test_late_return(collected, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    run_cli(["collect", collected["files"]["chi-bo-tinh-doan"], "--data", data, "--received", "07/5/2021"], capsys)
    code, out, _ = run_cli(["status", "--data", data, "--today", "04/5/2021"], capsys)
    row = next(l for l in out.splitlines() if "Chi bộ Tỉnh đoàn" in l)
    assert "gửi muộn" in row and "07/5/2021" in row
    others = [l for l in out.splitlines() if "Chi bộ Ban Dân tộc" in l]
    assert "chưa gửi" in others[0] and "quá hạn" not in others[0]


@pytest.mark.parametrize("moment", ["while staging", "when staged files are forced to disk"])
def test_a_crash_midway_leaves_the_data_as_it_was(collected, tmp_path, monkeypatch, capsys, moment):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    from generator.base import transaction
    calls = {"n": 0}
    # staged files are written one by one, then forced to disk all at once before the journal
    name = "write_file" if moment == "while staging" else "_syncfs"
    original = getattr(transaction, name)

    def disk_fails(*args):
        calls["n"] += 1
        if calls["n"] == (3 if moment == "while staging" else 1):
            raise OSError(28, "No space left on device")
        return original(*args)

    monkeypatch.setattr(transaction, name, disk_fails)
    code, out, err = run_cli(["collect", collected["root"] / "returns", "--data", data], capsys)
    assert code == 4 and "ổ đĩa đã hết chỗ trống" in err and "Traceback" not in err
    assert "No space" not in err
    assert not list((data / "bao-cao").rglob("*.yaml"))
    assert not [p for p in (data / "bao-cao").rglob("*") if p.is_file() and p.name != "khoa"]


def test_an_unfilled_skeleton_is_not_taken_as_a_return(collected, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    code, out, err = run_cli(["collect", collected["out"] / "don-vi" / "chi-bo-tinh-doan.docx",
                              "--data", data], capsys)
    assert code == 1 and "chưa điền số liệu nào" in err
    assert not (data / "bao-cao").exists() or not list((data / "bao-cao").glob("*.yaml"))


# --- the Excel form -----------------------------------------------------------------------

def test_workbook_form_is_filled_in_excel_and_collected(collected, tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    source = collected["out"] / "don-vi" / "dang-bo-cong-ty-dien-luc-ha-tinh.xlsx"
    book = openpyxl.load_workbook(source)
    assert book.sheetnames == ["Phụ lục 1", "Phụ lục 2", "Phụ lục 3", "Phụ lục 4"]
    sheet = book["Phụ lục 1"]
    assert sheet["B7"].value == "Tổng số đảng viên của đơn vị"
    assert sheet["D12"].value.startswith("=IF(")          # the share is a formula
    assert sheet.protection.sheet is True
    assert sheet["D7"].protection.locked is False and sheet["D12"].protection.locked is True
    names = {n: book.defined_names[n].attr_text for n in book.defined_names}
    assert names["vb_1_1_1"] == "'Phụ lục 1'!$D$7"
    # typed as in Excel: numbers, a number typed as text the Vietnamese way, answers as text
    sheet["D7"] = 120
    sheet["D11"] = "1.234"
    book["Phụ lục 3"]["C7"] = "Có"
    filled = tmp_path / "Dien luc.xlsx"
    book.save(filled)
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    code, out, err = run_cli(["collect", filled, "--data", data], capsys)
    assert code == 0, err
    record = yaml.safe_load((data / "bao-cao" / "dang-bo-cong-ty-dien-luc-ha-tinh.yaml").read_text(encoding="utf-8"))
    assert record["source"]["identified_by"] == "dấu"
    assert record["figures"]["pl1"]["r1"]["so-luong"] == 120
    assert record["figures"]["pl1"]["r5"]["so-luong"] == 1234
    first_row = book["Phụ lục 3"]["B7"].value
    row_id = {"Bộ quy tắc ứng xử": "quy-tac"}[first_row]
    assert record["figures"]["pl3"][row_id]["tra-loi"] is True
    assert any("lớn hơn" in f for f in record["findings"])  # 1.234 studied of 120 members


@pytest.mark.skipif(not shutil.which("soffice"), reason="cần LibreOffice")
def test_workbook_marks_survive_libreoffice(collected, tmp_path):
    source = tmp_path / "wb.xlsx"
    shutil.copy(collected["out"] / "don-vi" / "chi-bo-tinh-doan.xlsx", source)
    import subprocess
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'p'}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(source)],
                   check=True, capture_output=True, timeout=240)
    with zipfile.ZipFile(tmp_path / "lo" / "wb.xlsx") as zf:
        book = zf.read("xl/workbook.xml").decode()
        custom = zf.read("docProps/custom.xml").decode()
    assert "vb_1_1_1" in book and "chi-bo-tinh-doan" in custom


def test_a_rate_column_of_the_consolidated_report_keeps_one_decimal(collected):
    """«64,0» beside «66,7», never «64»: every rate printed in the consolidated tables."""
    import re

    document = docx.Document(collected["out"] / "bao-cao-tong-hop.docx")
    rate = re.compile(r"^\d{1,3},\d( \(\*\))?$")
    seen = 0
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        rate_columns = [k for k, h in enumerate(header) if "(%)" in h]
        for row in table.rows[1:]:
            cells = [c.text for c in row.cells]
            shares = [cells[k] for k in rate_columns]
            if len(cells) > 2 and cells[2] == "%":             # a rate row: its every figure
                shares += cells[3:]
            for text in shares:
                if text.removesuffix("(*)").strip():         # «(*)» alone: a doubtful figure not in
                    assert rate.match(text), (header, cells)
                    seen += 1
    assert seen >= 10


def test_the_key_figures_table_gives_the_figures_room_for_their_headers(collected):
    from docx.oxml.ns import qn

    document = docx.Document(collected["out"] / "bao-cao-tong-hop.docx")
    captions = {t: t._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}") for t in document.tables}
    key = next(t for t, c in captions.items() if c is not None and c.get(qn("w:val")) == "vanban:key-figures")
    widths_cm = [int(g.get(qn("w:w"))) / 567 for g in key._tbl.find(qn("w:tblGrid"))]
    assert [c.text for c in key.rows[0].cells][:2] == ["TT", "Đơn vị"]
    assert 4.0 <= widths_cm[1] <= 8.01                     # the names: what a name needs, no more
    assert min(widths_cm[2:]) >= 3.0                       # each figure's header: a few lines, not 7


def test_a_workbooks_computed_cells_hold_a_formula_or_nothing_and_are_shaded(collected):
    """The workbook follows the Word form: no instruction in a cell the unit signs."""
    openpyxl = pytest.importorskip("openpyxl")
    from generator.config.layout import INPUT
    from generator.config.validate import load_campaign
    from generator.documents.xlsx import FIRST_ROW

    data = load_campaign(collected["data"])
    member = data.members["dang-bo-cong-ty-dien-luc-ha-tinh"]
    book = openpyxl.load_workbook(collected["out"] / "don-vi" / f"{member.id}.xlsx")
    computed = 0
    for sheet, form in zip(book.worksheets, member.forms):
        for cell in form.cells:
            if cell.kind == INPUT:
                continue
            at = sheet.cell(row=FIRST_ROW + cell.line, column=cell.place + 1)
            value = at.value
            assert value is None or (isinstance(value, str) and value.startswith("=")), (sheet.title, at.coordinate, value)
            assert at.fill.fgColor.rgb == "FFE7E6E6", (sheet.title, at.coordinate)
            computed += 1
    assert computed >= 10


def test_a_return_of_an_older_form_with_words_in_its_computed_cells_reads_as_before(collected, tmp_path, capsys):
    """Skeletons sent before computed cells were left empty said «Không ghi (tự …)» in them:
    such a copy coming back is read as a form's own words, not as a figure typed there; an
    empty computed cell is neither a figure nor a missing one."""
    from generator.config.layout import INPUT
    from generator.config.validate import load_campaign

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    unit = "chi-bo-tinh-doan"
    member = load_campaign(data).members[unit]
    filled = tmp_path / f"{unit}.docx"
    fill_returns.fill(collected["out"] / "don-vi" / f"{unit}.docx", filled, random.Random(2))
    document = docx.Document(filled)
    tables = [t for t in document.tables if len(t.rows) > 1 and t.rows[0].cells[0].text == "TT"]
    old = 0
    for table, form in zip(tables, member.forms):
        for cell in form.cells:
            if cell.kind != INPUT and form.hint(cell):
                table.rows[cell.line].cells[cell.place].paragraphs[0].add_run(form.hint(cell))
                old += 1
    assert old >= 5
    document.save(filled)
    code, out, err = run_cli(["collect", filled, "--data", data], capsys)
    assert code == 0, err
    record = yaml.safe_load((data / "bao-cao" / f"{unit}.yaml").read_text(encoding="utf-8"))
    assert not [f for f in record.get("findings", []) if "tự tính" in f or "ghi tay" in f]
    assert not [line for line in err.splitlines() if "ô tự tính" in line or "ghi tay" in line]


def test_a_blank_workbook_shows_no_total_until_a_figure_is_typed(collected, tmp_path):
    """Phụ lục 2's «Tổng cộng» column, as LibreOffice computes it: empty in the blank form
    (no «0» beside an empty rate), the sum once the unit types its figures."""
    openpyxl = pytest.importorskip("openpyxl")
    import subprocess

    if not shutil.which("soffice"):
        pytest.skip("cần LibreOffice")
    unit = "chi-bo-ban-dan-toc"
    blank = collected["out"] / "don-vi" / f"{unit}.xlsx"

    def seen(path):
        out = tmp_path / path.stem
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
                        "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
                        "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=300)
        sheet = next(p for p in out.glob("*.csv") if "Ph" in p.name and p.name.endswith("2.csv"))
        import csv
        return list(csv.reader(sheet.read_text(encoding="utf-8").splitlines()))

    rows = seen(blank)
    head = next(r for r in rows if "Tổng cộng" in r)
    at = head.index("Tổng cộng")
    lines = [r for r in rows[rows.index(head) + 1:] if len(r) > at and r[1]]
    assert lines and all(r[at] == "" for r in lines), lines
    book = openpyxl.load_workbook(blank)
    sheet = book.worksheets[1]
    first = next(r for r in range(1, 20) if sheet.cell(row=r, column=2).value == lines[0][1])
    years = [c for c in range(4, at + 1) if sheet.cell(row=first, column=c).value is None]
    for k, col in enumerate(years[:2]):
        sheet.cell(row=first, column=col).value = 3 + k
    filled = tmp_path / "dien" / f"{unit}.xlsx"
    filled.parent.mkdir()
    book.save(filled)
    rows = seen(filled)
    line = next(r for r in rows if len(r) > at and r[1] == lines[0][1])
    assert line[at] == "7", line


def test_a_batch_read_in_parallel_stores_what_one_process_stores(collected, tmp_path, monkeypatch):
    """Readers forked for a batch do not write the record of a file that brings the very
    figures its unit already has (most likely the same file again); when a file before it in
    the batch changed them, it is stored again all the same — the records, the history and the
    report are those of the batch read in one process."""
    import hashlib

    from generator.base import workers
    from generator.intake import collect as intake

    unit = sorted(collected["files"])[0]
    first = collected["files"][unit]
    other = tmp_path / "lai.docx"      # the same report saved again: other bytes, same figures
    with zipfile.ZipFile(first) as src, zipfile.ZipFile(other, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
    kept = {}
    for way in ("one process", "parallel"):
        data = tmp_path / way / "data"
        shutil.copytree(REPO / "data", data)
        intake.collect([first], data)
        if way == "parallel":
            monkeypatch.setattr(workers, "workers_for", lambda count: 2)
            monkeypatch.setattr(intake, "PARALLEL_FROM", 1)
        report = intake.collect([other, first], data, replace=True)
        assert report.replaced == [(other, unit), (first, unit)], way
        record = yaml.safe_load((data / "bao-cao" / f"{unit}.yaml").read_text(encoding="utf-8"))
        assert record["source"]["sha256"] == hashlib.sha256(first.read_bytes()).hexdigest()
        history = sorted((data / "bao-cao" / "lich-su").glob("*.yaml"))
        assert len(history) == 2, way      # the first collect's record, then the other file's
        kept[way] = {p.relative_to(data).as_posix(): b"".join(
            line for line in p.read_bytes().splitlines(True) if b"collected:" not in line)
            for p in sorted((data / "bao-cao").rglob("*")) if p.is_file()
            and ".vanban" not in p.parts}    # vanban's own state: the lock, the memo of a load
        assert not (data / "bao-cao" / ".vanban" / "tam").exists()   # nothing staged left over
    assert kept["parallel"] == kept["one process"]


def test_a_first_collect_keeps_each_file_once_as_it_came(collected, tmp_path, monkeypatch):
    """A first collect stages the files it keeps as the new folder ``tep/`` and moves it into
    place at once; a file sent twice in the batch (the same bytes under two names, read by
    two readers at once) is kept once, its second copy taken as the same file again — as in
    one process, and nothing staged is left over."""
    import gc
    import hashlib

    from generator.base import workers
    from generator.intake import collect as intake

    batch = tmp_path / "batch"
    batch.mkdir()
    for unit, path in sorted(collected["files"].items()):
        shutil.copy(path, batch / path.name)
    twice = sorted(collected["files"].items())[:3]
    for unit, path in twice:
        shutil.copy(path, batch / f"zz gửi lại {path.name}")   # read after the first copy
    kept = {}
    for way in ("one process", "parallel"):
        data = tmp_path / way / "data"
        shutil.copytree(REPO / "data", data)
        if way == "parallel":
            monkeypatch.setattr(workers, "workers_for", lambda count: 2)
            monkeypatch.setattr(intake, "PARALLEL_FROM", 1)
        report = intake.collect([batch], data)
        assert sorted(unit for _, unit in report.stored) == sorted(collected["files"]), way
        assert sorted(p.name for p, _ in report.unchanged) == \
            sorted(f"zz gửi lại {p.name}" for _, p in twice), way
        files = sorted((data / "bao-cao" / "tep").iterdir())
        assert len(files) == len(collected["files"]), way
        for path in files:
            assert path.name == hashlib.sha256(path.read_bytes()).hexdigest() + ".docx"
        originals = {hashlib.sha256(p.read_bytes()).hexdigest() for p in collected["files"].values()}
        assert {p.stem for p in files} == originals
        assert not (data / "bao-cao" / ".vanban" / "tam").exists(), way   # nothing staged left
        assert gc.get_freeze_count() == 0, way   # frozen for the fork only: this process collects as ever
        kept[way] = sorted(p.name for p in files)
    assert kept["parallel"] == kept["one process"]


def test_a_file_kept_twice_at_once_is_kept_once_whoever_staged_it_first(tmp_path):
    """Two readers staging the same bytes into the new ``tep/`` folder: the one that comes
    later in the batch may stage them first; the file is kept once all the same, whole."""
    import hashlib

    from generator.config import store

    data = tmp_path / "data"
    data.mkdir()
    raw = b"PK\x03\x04 not read here, only kept"
    sha = hashlib.sha256(raw).hexdigest()
    changes = store.Changes(data)
    assert changes.kept_tree
    later = changes.stage_kept(Path("b.docx"), sha, raw)      # the second copy's reader, first
    assert later is not None
    assert changes.stage_kept(Path("a.docx"), sha, raw) is None   # the first copy's reader
    changes.keep(Path("a.docx"), sha, raw, staged=None)       # the first copy decided: kept
    changes.forget(later)                                     # the second: the same file again
    changes.commit()
    kept = sorted((data / "bao-cao" / "tep").iterdir())
    assert [p.name for p in kept] == [f"{sha}.docx"] and kept[0].read_bytes() == raw
    assert not (data / "bao-cao" / ".vanban" / "tam").exists()


def test_the_files_of_a_folder_are_every_file_under_it_in_order(tmp_path):
    """A folder given to collect brings every file under it, in the order of their paths'
    parts (as ``rglob`` and ``sorted`` gave them), leaving out hidden files, Word's lock files
    and what is only reached through a link to a folder; a link to a file counts."""
    from generator.intake.returns import files_in

    root = tmp_path / "nhan"
    for name in ("b.docx", "a-c.docx", "a/b.docx", "a/z/1.xlsx", ".an/ky.docx", "x/.hidden.docx",
                 "x/~$khoa.docx", "Z.docx", "x/y/z/w.docx"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"PK")
    elsewhere = tmp_path / "noi-khac"
    (elsewhere / "sau").mkdir(parents=True)
    (elsewhere / "sau" / "ngoai.docx").write_bytes(b"PK")
    (root / "lien-ket").symlink_to(elsewhere / "sau", target_is_directory=True)
    (root / "tep-lien-ket.docx").symlink_to(elsewhere / "sau" / "ngoai.docx")
    got = [p.relative_to(root).as_posix() for p in files_in([root])]
    assert got == [".an/ky.docx", "Z.docx", "a/b.docx", "a/z/1.xlsx", "a-c.docx", "b.docx",
                   "tep-lien-ket.docx", "x/y/z/w.docx"]
    reference = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))
                       and "lien-ket" not in p.relative_to(root).parts)
    assert files_in([root]) == reference
    assert files_in([root / "b.docx", root / "a"]) == [root / "b.docx", root / "a/b.docx", root / "a/z/1.xlsx"]
